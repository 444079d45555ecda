/* SPDX-License-Identifier: MIT */
/*
 * system_svm_bst.c - a binary search tree built with plain malloc(), looked
 * up on the FPGA through fine-grained *system* SVM.
 *
 * No clSVMAlloc, no buffers: every node is its own malloc() block, the
 * keys and results arrays too. The device offers
 * CL_DEVICE_SVM_FINE_GRAIN_SYSTEM, so the kernel fsvm.bst_lookup takes
 * those pointers as they are and walks the tree through the process's own
 * page table.
 *
 *   OCL_ICD_VENDORS=<build>/pocl/vendors POCL_DEVICES=fsvm ./system_svm_bst [nodes] [lookups]
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

static struct fsvm_bst_node *insert(struct fsvm_bst_node *root, uint64_t key, uint64_t value)
{
	struct fsvm_bst_node **link = &root, *n;

	while (*link) {
		n = *link;
		if (key == n->key)
			return root;	/* keep the first value */
		link = (struct fsvm_bst_node **)(key < n->key ? &n->left : &n->right);
	}
	n = malloc(sizeof(*n));	/* plain malloc: system SVM */
	if (!n) {
		perror("malloc");
		exit(1);
	}
	n->key = key;
	n->value = value;
	n->left = n->right = 0;
	*link = n;
	return root;
}

static uint64_t lookup(const struct fsvm_bst_node *n, uint64_t key)
{
	while (n) {
		if (key == n->key)
			return n->value;
		n = (const void *)(uintptr_t)(key < n->key ? n->left : n->right);
	}
	return FSVM_NOT_FOUND;
}

static void free_tree(struct fsvm_bst_node *n)
{
	if (!n)
		return;
	free_tree((void *)(uintptr_t)n->left);
	free_tree((void *)(uintptr_t)n->right);
	free(n);
}

int main(int argc, char **argv)
{
	size_t nodes, nkeys;
	cl_int err;

	example_args(argc, argv, 2, "[nodes] [lookups]\n"
		     "Looks up keys (1..2^32, default 5000) in a malloc'ed binary search\n"
		     "tree of nodes (1..2^32, default 20000) through system SVM.\n");
	nodes = example_count(argc, argv, 1, "nodes", 20000, 1, 1ull << 32);
	nkeys = example_count(argc, argv, 2, "lookups", 5000, 1, 1ull << 32);

	cl_device_id dev = fsvm_cl_find_device(NULL);
	cl_device_svm_capabilities caps = 0;
	CL_CHECK(clGetDeviceInfo(dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(caps), &caps, NULL));
	if (!(caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM)) {
		fprintf(stderr, "device lacks fine-grained system SVM\n");
		return 1;
	}
	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CL_CHECK_ERR(err);
	cl_queue_properties qp[] = { CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0 };
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, qp, &err);
	CL_CHECK_ERR(err);
	cl_kernel k = fsvm_cl_builtin_kernel(ctx, dev, "fsvm.bst_lookup", NULL);

	/* The tree: random keys, one malloc per node. */
	uint64_t seed = 12345;
	struct fsvm_bst_node *root = NULL;
	for (size_t i = 0; i < nodes; i++) {
		uint64_t key = rnd(&seed) % (nodes * 4);

		root = insert(root, key, key * 3 + 1);
	}
	uint64_t *keys = malloc(nkeys * sizeof(*keys));
	uint64_t *results = malloc(nkeys * sizeof(*results));
	if (!keys || !results)
		return 1;
	for (size_t i = 0; i < nkeys; i++) {
		keys[i] = rnd(&seed) % (nodes * 4);	/* about a quarter are present */
		results[i] = 0xdeadbeef;
	}

	/* Tell OpenCL the kernel may reach any system pointer (the tree's
	 * links are not kernel arguments). */
	cl_bool yes = CL_TRUE;
	CL_CHECK(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM, sizeof(yes), &yes));
	cl_ulong n = nkeys;
	CL_CHECK(clSetKernelArgSVMPointer(k, 0, root));
	CL_CHECK(clSetKernelArgSVMPointer(k, 1, keys));
	CL_CHECK(clSetKernelArg(k, 2, sizeof(n), &n));
	CL_CHECK(clSetKernelArgSVMPointer(k, 3, results));
	size_t gws = nkeys ? nkeys : 1;
	cl_event ev;
	CL_CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &gws, NULL, 0, NULL, &ev));
	CL_CHECK(clWaitForEvents(1, &ev));

	size_t bad = 0, found = 0;
	for (size_t i = 0; i < nkeys; i++) {
		uint64_t want = lookup(root, keys[i]);

		found += want != FSVM_NOT_FOUND;
		if (results[i] != want) {
			if (bad < 5)
				fprintf(stderr, "key %llu: device %llu cpu %llu\n",
					(unsigned long long)keys[i],
					(unsigned long long)results[i], (unsigned long long)want);
			bad++;
		}
	}
	printf("bst_lookup: %zu malloc'ed nodes (root %p), %zu lookups, %zu found\n", nodes,
	       (void *)root, nkeys, found);
	fsvm_cl_print_profile("fsvm.bst_lookup", ev);
	cl_ulong st, en;
	clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof(st), &st, NULL);
	clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof(en), &en, NULL);
	printf("device statistics: %.1f ns per lookup\n", nkeys ? (double)(en - st) / nkeys : 0.0);
	printf("%s: %zu of %zu results match the CPU\n", bad ? "FAIL" : "PASS", nkeys - bad, nkeys);

	clReleaseEvent(ev);
	free_tree(root);
	free(keys);
	free(results);
	clReleaseKernel(k);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	return bad ? 1 : 0;
}
