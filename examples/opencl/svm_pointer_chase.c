/* SPDX-License-Identifier: MIT */
/*
 * svm_pointer_chase.c - follow a linked list in clSVMAlloc memory on the
 * FPGA and check the walk against the CPU.
 *
 * The list's nodes live in one fine-grained SVM allocation, linked in a
 * random order; their `next` fields are plain pointers. The kernel
 * fsvm.pointer_chase gets the head pointer and follows the very same
 * pointers the CPU built: nothing is copied, nothing relocated.
 *
 *   OCL_ICD_VENDORS=<build>/pocl/vendors POCL_DEVICES=fsvm ./svm_pointer_chase [nodes]
 */
#include <stdint.h>

#include "fsvm_cl.h"
#include "fsvm_hw.h"

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int main(int argc, char **argv)
{
	size_t n;
	cl_int err;

	example_args(argc, argv, 1, "[nodes]\n"
		     "Walks a list of nodes (1..2^32, default 100000) in fine-grained SVM\n"
		     "on the fsvm device.\n");
	n = example_count(argc, argv, 1, "nodes", 100000, 1, 1ull << 32);
	cl_device_id dev = fsvm_cl_find_device(NULL);
	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CL_CHECK_ERR(err);
	cl_queue_properties qp[] = { CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0 };
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, qp, &err);
	CL_CHECK_ERR(err);
	cl_kernel k = fsvm_cl_builtin_kernel(ctx, dev, "fsvm.pointer_chase", NULL);

	/* Nodes and the result in fine-grained SVM: the host writes them
	 * directly, no map/unmap needed. */
	cl_svm_mem_flags fl = CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER;
	struct fsvm_list_node *nodes = clSVMAlloc(ctx, fl, n * sizeof(*nodes), 0);
	struct fsvm_chase_result *res = clSVMAlloc(ctx, fl, sizeof(*res), 0);
	size_t *order = malloc(n * sizeof(*order));

	if (!nodes || !res || !order) {
		fprintf(stderr, "allocation failed\n");
		return 1;
	}
	/* Random visiting order (Fisher-Yates), so the walk jumps around. */
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = rnd(&seed) % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (size_t i = 0; i < n; i++) {
		struct fsvm_list_node *nd = &nodes[order[i]];

		nd->key = i;
		nd->payload = rnd(&seed);
		nd->next = i + 1 < n ? (uint64_t)(uintptr_t)&nodes[order[i + 1]] : 0;
	}
	struct fsvm_list_node *head = &nodes[order[0]];

	/* The CPU reference: the same walk on the same pointers. */
	uint64_t hops = 0, sum = 0, last = 0;
	for (const struct fsvm_list_node *p = head; p; p = (const void *)(uintptr_t)p->next) {
		sum = FSVM_CHECKSUM_STEP(sum, p->payload);
		last = (uint64_t)(uintptr_t)p;
		hops++;
	}

	cl_ulong max_hops = n + 1;
	CL_CHECK(clSetKernelArgSVMPointer(k, 0, head));
	CL_CHECK(clSetKernelArg(k, 1, sizeof(max_hops), &max_hops));
	CL_CHECK(clSetKernelArgSVMPointer(k, 2, res));
	size_t gws = 1;
	cl_event ev;
	CL_CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &gws, NULL, 0, NULL, &ev));
	CL_CHECK(clWaitForEvents(1, &ev));

	printf("pointer_chase over %zu nodes in clSVMAlloc memory (%p)\n", n, (void *)nodes);
	printf("device: hops %llu checksum 0x%016llx last %p found %llu\n",
	       (unsigned long long)res->hops, (unsigned long long)res->checksum,
	       (void *)(uintptr_t)res->last, (unsigned long long)res->found);
	printf("cpu:    hops %llu checksum 0x%016llx last %p found 1\n",
	       (unsigned long long)hops, (unsigned long long)sum, (void *)(uintptr_t)last);
	fsvm_cl_print_profile("fsvm.pointer_chase", ev);
	cl_ulong st, en;
	clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof(st), &st, NULL);
	clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof(en), &en, NULL);
	printf("device statistics: %.1f ns per hop, %.2f Mhops/s\n",
	       hops ? (double)(en - st) / hops : 0.0,
	       en > st ? hops * 1e3 / (double)(en - st) : 0.0);

	int ok = res->hops == hops && res->checksum == sum && res->last == last && res->found == 1;
	printf("%s\n", ok ? "PASS: the device walked the same list as the CPU" : "FAIL");

	clReleaseEvent(ev);
	clSVMFree(ctx, nodes);
	clSVMFree(ctx, res);
	free(order);
	clReleaseKernel(k);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	return ok ? 0 : 1;
}
