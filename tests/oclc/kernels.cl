/* OpenCL C kernels of test_oclc: compiled by clang-19, instrumented by
 * fsvm-oclc, run on the simulated device. */
kernel void vadd(global const float *a, global const float *b, global float *c, uint n)
{
	size_t i = get_global_id(0);
	int three = 3;
	generic int *p = &three;	/* a generic pointer to private memory */

	if (i < n)
		c[i] = a[i] + b[i] + (float)*p;
}

/* A list built with malloc on the host, followed by raw pointers. */
struct node {
	global struct node *next;
	ulong val;
};

kernel void chase(global struct node *head, uint hops, global ulong *out)
{
	global struct node *n = head;
	ulong sum = 0;

	for (uint i = 0; i < hops && n; i++) {
		sum += n->val;
		n = n->next;
	}
	out[0] = sum;
}

/* Byte-packed records: the uint at offset 1 is unaligned, and one record
 * can straddle a 4 KiB page. */
typedef struct __attribute__((packed)) {
	uchar tag;
	uint v;
} packed_rec;

kernel void unaligned(global const packed_rec *in, global packed_rec *out)
{
	size_t i = get_global_id(0);

	out[i].tag = in[i].tag + 1;
	out[i].v = in[i].v * 2u;
}
