/* OpenCL C kernels of compiled_bench.c: the same work as the built-in
 * kernels fsvm.pointer_chase, fsvm.vadd and fsvm.nop (fsvm_kernels.def). */

/* struct fsvm_list_node and struct fsvm_chase_result of fsvm_hw.h */
struct node {
	ulong next, key, payload, pad;
};

struct chase_result {
	ulong hops, last, checksum, found;
};

kernel void cl_chase(global const struct node *head, ulong max_hops, global struct chase_result *r)
{
	global const struct node *p = head;
	ulong hops = 0, sum = 0, last = 0;

	while (p && hops < max_hops) {
		sum = ((sum << 5) | (sum >> 59)) ^ p->payload;	/* FSVM_CHECKSUM_STEP */
		last = (ulong)p;
		hops++;
		p = (global const struct node *)p->next;
	}
	r->hops = hops;
	r->last = last;
	r->checksum = sum;
	r->found = p == 0;
}

kernel void cl_vadd(global const float *a, global const float *b, global float *c)
{
	size_t i = get_global_id(0);

	c[i] = a[i] + b[i];
}

kernel void cl_nop(void)
{
}
