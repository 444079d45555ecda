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

/* Work-group sum in local memory: a tree reduction with a barrier between
 * levels; each group also reverses its slice through local memory, which
 * is only right if every work-item has stored before any reads. */
kernel void reduce(global const uint *in, global uint *sums, global uint *rev,
		   local uint *scratch)
{
	size_t l = get_local_id(0), n = get_local_size(0);

	scratch[l] = in[get_global_id(0)];
	barrier(CLK_LOCAL_MEM_FENCE);
	rev[get_global_id(0)] = scratch[n - 1 - l];
	barrier(CLK_LOCAL_MEM_FENCE);
	for (size_t s = n / 2; s > 0; s /= 2) {
		if (l < s)
			scratch[l] += scratch[l + s];
		work_group_barrier(CLK_LOCAL_MEM_FENCE);
	}
	if (l == 0)
		sums[get_group_id(0)] = scratch[0];
}

/* A kernel-scope __local array, a barrier, and a fault after it in one
 * work-item: the launch must end with that fault. */
kernel void barrier_fault(global uint *out, global uint *bad)
{
	local uint tile[64];
	size_t l = get_local_id(0);

	tile[l] = (uint)l * 3u;
	barrier(CLK_LOCAL_MEM_FENCE);
	out[get_global_id(0)] = tile[63 - l];
	if (get_global_id(0) == 70)
		bad[0] = 1;
}

/* Divergent barrier (undefined in OpenCL): must end as a bad launch, not hang. */
kernel void barrier_diverge(global uint *out)
{
	if (get_local_id(0) != 0)
		barrier(CLK_LOCAL_MEM_FENCE);
	out[get_global_id(0)] = 1;
}

/* printf through the device's printf buffer. */
kernel void hello(global const int *v)
{
	size_t i = get_global_id(0);

	printf("wi %u: %d %5.2f %s %lx %c|\n", (uint)i, v[i], (float)v[i] / 4.0f,
	       i & 1 ? "odd" : "even", (ulong)v[i] << 36, 'A' + (int)i);
}

/* Built-ins of the device's library (fsvm_clc.cl, linked by fsvm-oclc -L):
 * math, integer, conversions, geometric, and frexp/vstore4 whose pointer
 * is global memory, so their stores go through the memory port. */
kernel void builtins(global const float *x, global int *e, global float *m,
		     global int *ci, global uint *u, global float *g)
{
	size_t i = get_global_id(0);
	float v = x[i];

	m[i] = frexp(v, &e[i]);				/* e: a global pointer */
	ci[i] = convert_int_sat_rtn(v * 1e9f);		/* saturates, rounds down */
	u[i] = popcount((uint)i) + clz((uint)i + 1u) * 100u + rotate((uint)i, 8u) * 0u;
	if (i == 0) {
		float4 a = (float4)(3.0f, 4.0f, 0.0f, 0.0f);

		vstore4((float4)(length(a), sqrt(16.0f), clamp(7.0f, 0.0f, 5.0f),
				 fmax(-1.0f, -2.0f)), 0, g);
		g[4] = dot(a, a);
		g[5] = (float)isnan(sqrt(-1.0f));
		g[6] = select(1.0f, 2.0f, 0);
		g[7] = (float)abs((char)-128);
	}
}
