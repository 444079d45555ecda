/* SPDX-License-Identifier: MIT */
/*
 * test_pocl_fsvm.c - the fsvm pocl driver through OpenCL.
 *
 * Runs on this build's pocl (OCL_ICD_VENDORS=<build>/pocl/vendors
 * POCL_DEVICES=fsvm, set by CTest). Covers: device discovery and info,
 * kernel argument metadata, every built-in kernel against a CPU reference,
 * system-SVM pointers (malloc and stack), pointers into the middle of
 * allocations, cl_mem buffers (zero copy) and sub-buffers, SVM memcpy/fill,
 * event chains across two queues with a user event, out-of-order queues
 * with markers and barriers, callbacks, profiling (non-zero and monotonic),
 * 10 000 launches in a loop, several threads at once, and faults: a bad
 * pointer gives an error event, dependants fail, the next launch works.
 */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fsvm_hw.h"

static int failures;
static cl_context ctx;
static cl_device_id dev;
static cl_command_queue q;	/* in-order, profiling */

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			failures++;                                            \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                          \
			fprintf(stderr, "\n");                                 \
		}                                                              \
	} while (0)

#define OK(call)                                                               \
	do {                                                                   \
		cl_int _e = (call);                                            \
		if (_e != CL_SUCCESS) {                                        \
			fprintf(stderr, "FATAL %s:%d: %s = %d\n", __FILE__, __LINE__, #call, _e); \
			exit(1);                                               \
		}                                                              \
	} while (0)

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static cl_kernel kernel(const char *name)
{
	cl_int err;
	cl_program p = clCreateProgramWithBuiltInKernels(ctx, 1, &dev, name, &err);

	OK(err);
	OK(clBuildProgram(p, 1, &dev, NULL, NULL, NULL));
	cl_kernel k = clCreateKernel(p, name, &err);
	OK(err);
	clReleaseProgram(p);
	return k;
}

static cl_int run(cl_command_queue cq, cl_kernel k, cl_event *ev)
{
	size_t g = 1;
	cl_int e = clEnqueueNDRangeKernel(cq, k, 1, NULL, &g, NULL, 0, NULL, ev);

	if (e == CL_SUCCESS && ev == NULL)
		e = clFinish(cq);
	return e;
}

static cl_int event_status(cl_event e)
{
	cl_int st = 1;

	clGetEventInfo(e, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL);
	return st;
}

/* ------------------------------------------------------------------ */

static void test_device(void)
{
	cl_platform_id plat;
	cl_device_id d2;
	cl_uint n;
	char buf[2048];

	OK(clGetPlatformIDs(1, &plat, NULL));
	/* found by the usual means */
	const cl_device_type types[] = { CL_DEVICE_TYPE_DEFAULT, CL_DEVICE_TYPE_ALL,
					 CL_DEVICE_TYPE_ACCELERATOR };
	for (unsigned i = 0; i < 3; i++) {
		n = 0;
		cl_int e = clGetDeviceIDs(plat, types[i], 1, &d2, &n);
		CHECK(e == CL_SUCCESS && n >= 1 && d2 == dev, "device type 0x%lx: err %d n %u",
		      (unsigned long)types[i], e, n);
	}
	cl_device_type t = 0;
	clGetDeviceInfo(dev, CL_DEVICE_TYPE, sizeof(t), &t, NULL);
	CHECK(t == CL_DEVICE_TYPE_ACCELERATOR, "type %lu", (unsigned long)t);
	clGetDeviceInfo(dev, CL_DEVICE_NAME, sizeof(buf), buf, NULL);
	CHECK(strncmp(buf, "fsvm", 4) == 0, "name %s", buf);
	clGetDeviceInfo(dev, CL_DEVICE_BUILT_IN_KERNELS, sizeof(buf), buf, NULL);
	const char *names[] = { "fsvm.nop", "fsvm.pointer_chase", "fsvm.list_search",
				"fsvm.bst_lookup", "fsvm.hash_probe", "fsvm.vadd",
				"fsvm.memcpy", "fsvm.memset" };
	for (unsigned i = 0; i < 8; i++)
		CHECK(strstr(buf, names[i]) != NULL, "%s missing from %s", names[i], buf);
	cl_device_svm_capabilities svm = 0;
	clGetDeviceInfo(dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(svm), &svm, NULL);
	CHECK(svm == (CL_DEVICE_SVM_COARSE_GRAIN_BUFFER | CL_DEVICE_SVM_FINE_GRAIN_BUFFER |
		      CL_DEVICE_SVM_FINE_GRAIN_SYSTEM), "svm caps 0x%lx", (unsigned long)svm);
	size_t res = 0;
	clGetDeviceInfo(dev, CL_DEVICE_PROFILING_TIMER_RESOLUTION, sizeof(res), &res, NULL);
	CHECK(res >= 1 && res <= 1000, "timer resolution %zu", res);
	cl_ulong gm = 0;
	clGetDeviceInfo(dev, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof(gm), &gm, NULL);
	CHECK(gm >= ((cl_ulong)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGE_SIZE)) / 2,
	      "global mem %llu", (unsigned long long)gm);
	cl_bool comp = CL_TRUE;
	clGetDeviceInfo(dev, CL_DEVICE_COMPILER_AVAILABLE, sizeof(comp), &comp, NULL);
	/* the sim device compiles OpenCL C when fsvm-oclc is built */
	CHECK(comp == (FSVM_TEST_EXPECT_COMPILER ? CL_TRUE : CL_FALSE), "compiler available: %u",
	      comp);

	/* all kernels in one program, and argument metadata */
	cl_int err;
	cl_program p = clCreateProgramWithBuiltInKernels(ctx, 1, &dev, buf, &err);
	OK(err);
	OK(clBuildProgram(p, 1, &dev, NULL, NULL, NULL));
	cl_kernel k = clCreateKernel(p, "fsvm.hash_probe", &err);
	CHECK(err == CL_SUCCESS, "clCreateKernel by name: %d", err);
	if (err == CL_SUCCESS) {
		cl_uint na = 0;
		clGetKernelInfo(k, CL_KERNEL_NUM_ARGS, sizeof(na), &na, NULL);
		CHECK(na == 5, "hash_probe has %u args", na);
		char an[64] = "", tn[64] = "";
		cl_kernel_arg_address_qualifier aq = 0;
		cl_kernel_arg_type_qualifier tq = 0;
		clGetKernelArgInfo(k, 2, CL_KERNEL_ARG_NAME, sizeof(an), an, NULL);
		clGetKernelArgInfo(k, 2, CL_KERNEL_ARG_TYPE_NAME, sizeof(tn), tn, NULL);
		clGetKernelArgInfo(k, 2, CL_KERNEL_ARG_ADDRESS_QUALIFIER, sizeof(aq), &aq, NULL);
		clGetKernelArgInfo(k, 2, CL_KERNEL_ARG_TYPE_QUALIFIER, sizeof(tq), &tq, NULL);
		CHECK(strcmp(an, "keys") == 0 && strcmp(tn, "ulong*") == 0 &&
		      aq == CL_KERNEL_ARG_ADDRESS_GLOBAL && (tq & CL_KERNEL_ARG_TYPE_CONST),
		      "arg 2: %s %s aq 0x%x tq 0x%lx", an, tn, aq, (unsigned long)tq);
		clGetKernelArgInfo(k, 1, CL_KERNEL_ARG_NAME, sizeof(an), an, NULL);
		clGetKernelArgInfo(k, 1, CL_KERNEL_ARG_TYPE_NAME, sizeof(tn), tn, NULL);
		clGetKernelArgInfo(k, 1, CL_KERNEL_ARG_ADDRESS_QUALIFIER, sizeof(aq), &aq, NULL);
		CHECK(strcmp(an, "nbuckets") == 0 && strcmp(tn, "ulong") == 0 &&
		      aq == CL_KERNEL_ARG_ADDRESS_PRIVATE, "arg 1: %s %s", an, tn);
		/* a scalar of the wrong size is refused */
		cl_uint small = 1;
		CHECK(clSetKernelArg(k, 1, sizeof(small), &small) == CL_INVALID_ARG_SIZE,
		      "4-byte value for a ulong accepted");
		clReleaseKernel(k);
	}
	cl_kernel ks[16];
	cl_uint nk = 0;
	CHECK(clCreateKernelsInProgram(p, 16, ks, &nk) == CL_SUCCESS && nk == FSVM_K_COUNT,
	      "%u kernels", nk);
	for (cl_uint i = 0; i < nk; i++)
		clReleaseKernel(ks[i]);
	k = clCreateKernel(p, "fsvm.nonexistent", &err);
	CHECK(k == NULL && err == CL_INVALID_KERNEL_NAME, "unknown kernel: %d", err);
	clReleaseProgram(p);
}

/* ------------------------------------------------------------------ */

static void test_nop_and_vadd(void)
{
	cl_kernel nop = kernel("fsvm.nop");
	CHECK(run(q, nop, NULL) == CL_SUCCESS, "nop");
	clReleaseKernel(nop);

	/* vadd: stack arrays (system SVM) */
	float a[100], b[100], c[100];
	for (int i = 0; i < 100; i++) {
		a[i] = i * 1.5f;
		b[i] = 7.0f - i;
		c[i] = 0;
	}
	cl_kernel k = kernel("fsvm.vadd");
	cl_ulong n = 100;
	OK(clSetKernelArgSVMPointer(k, 0, a));
	OK(clSetKernelArgSVMPointer(k, 1, b));
	OK(clSetKernelArgSVMPointer(k, 2, c));
	OK(clSetKernelArg(k, 3, sizeof(n), &n));
	CHECK(run(q, k, NULL) == CL_SUCCESS, "vadd on stack arrays");
	int bad = 0;
	for (int i = 0; i < 100; i++)
		bad += c[i] != a[i] + b[i];
	CHECK(bad == 0, "vadd stack: %d wrong", bad);
	clReleaseKernel(k);
}

static void test_memcpy_memset(void)
{
	cl_kernel mc = kernel("fsvm.memcpy"), ms = kernel("fsvm.memset");
	size_t size = 1 << 16;
	/* malloc (system SVM) and clSVMAlloc, odd offsets into both */
	unsigned char *src = malloc(size);
	unsigned char *dst = clSVMAlloc(ctx, CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER, size, 0);
	CHECK(dst && ((uintptr_t)dst % 4096) == 0, "clSVMAlloc not page aligned: %p", (void *)dst);
	for (size_t i = 0; i < size; i++) {
		src[i] = (unsigned char)(i * 7 + 3);
		dst[i] = 0xee;
	}
	cl_ulong nb = 5000;
	OK(clSetKernelArgSVMPointer(mc, 0, dst + 1001));	/* into the middle */
	OK(clSetKernelArgSVMPointer(mc, 1, src + 333));
	OK(clSetKernelArg(mc, 2, sizeof(nb), &nb));
	CHECK(run(q, mc, NULL) == CL_SUCCESS, "memcpy");
	int bad = 0;
	for (size_t i = 0; i < size; i++) {
		unsigned char want = (i >= 1001 && i < 1001 + nb) ? src[333 + i - 1001] : 0xee;
		bad += dst[i] != want;
	}
	CHECK(bad == 0, "memcpy: %d wrong bytes", bad);

	cl_uint val = 0x5a;
	nb = 777;
	OK(clSetKernelArgSVMPointer(ms, 0, src + 4097));
	OK(clSetKernelArg(ms, 1, sizeof(val), &val));
	OK(clSetKernelArg(ms, 2, sizeof(nb), &nb));
	CHECK(run(q, ms, NULL) == CL_SUCCESS, "memset");
	bad = 0;
	for (size_t i = 0; i < size; i++) {
		unsigned char want = (i >= 4097 && i < 4097 + nb) ? 0x5a : (unsigned char)(i * 7 + 3);
		bad += src[i] != want;
	}
	CHECK(bad == 0, "memset: %d wrong bytes", bad);

	/* cl_mem buffer and a sub-buffer (pointer into the middle) */
	cl_int err;
	cl_mem buf = clCreateBuffer(ctx, CL_MEM_READ_WRITE, size, NULL, &err);
	OK(err);
	cl_buffer_region reg = { 8192, 4096 };
	cl_mem sub = clCreateSubBuffer(buf, 0, CL_BUFFER_CREATE_TYPE_REGION, &reg, &err);
	OK(err);
	unsigned char zero = 0;
	OK(clEnqueueFillBuffer(q, buf, &zero, 1, 0, size, 0, NULL, NULL));
	val = 0x77;
	nb = 4096;
	OK(clSetKernelArg(ms, 0, sizeof(cl_mem), &sub));
	OK(clSetKernelArg(ms, 1, sizeof(val), &val));
	OK(clSetKernelArg(ms, 2, sizeof(nb), &nb));
	CHECK(run(q, ms, NULL) == CL_SUCCESS, "memset on a sub-buffer");
	unsigned char *host = malloc(size);
	OK(clEnqueueReadBuffer(q, buf, CL_TRUE, 0, size, host, 0, NULL, NULL));
	bad = 0;
	for (size_t i = 0; i < size; i++)
		bad += host[i] != ((i >= 8192 && i < 8192 + 4096) ? 0x77 : 0);
	CHECK(bad == 0, "sub-buffer memset: %d wrong bytes", bad);
	/* zero copy: a mapping is the buffer's own memory */
	void *m1 = clEnqueueMapBuffer(q, buf, CL_TRUE, CL_MAP_READ, 0, size, 0, NULL, NULL, &err);
	OK(err);
	CHECK(((unsigned char *)m1)[8192] == 0x77, "mapped buffer content");
	OK(clEnqueueUnmapMemObject(q, buf, m1, 0, NULL, NULL));
	/* SVM memcpy/fill on SVM and system pointers */
	OK(clEnqueueSVMMemFill(q, dst, &(cl_uint){ 0x01020304 }, 4, 64, 0, NULL, NULL));
	OK(clEnqueueSVMMemcpy(q, CL_TRUE, host, dst, 64, 0, NULL, NULL));
	CHECK(host[0] == 4 && host[3] == 1 && host[63] == 1, "SVM fill/memcpy");
	OK(clFinish(q));

	clReleaseMemObject(sub);
	clReleaseMemObject(buf);
	free(host);
	free(src);
	clSVMFree(ctx, dst);
	clReleaseKernel(mc);
	clReleaseKernel(ms);
}

static void test_lists(void)
{
	size_t n = 2000;
	struct fsvm_list_node *nodes =
		clSVMAlloc(ctx, CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER, n * sizeof(*nodes), 0);
	struct fsvm_chase_result *r = malloc(sizeof(*r));	/* system SVM result */
	uint64_t seed = 99;

	for (size_t i = 0; i < n; i++) {
		nodes[i].key = i * 10;
		nodes[i].payload = rnd(&seed);
		nodes[i].next = i + 1 < n ? (uint64_t)(uintptr_t)&nodes[i + 1] : 0;
	}
	/* pointer_chase from the middle of the list, bounded by max_hops */
	cl_kernel pc = kernel("fsvm.pointer_chase");
	cl_ulong hops = 700;
	OK(clSetKernelArgSVMPointer(pc, 0, &nodes[500]));
	OK(clSetKernelArg(pc, 1, sizeof(hops), &hops));
	OK(clSetKernelArgSVMPointer(pc, 2, r));
	CHECK(run(q, pc, NULL) == CL_SUCCESS, "pointer_chase");
	uint64_t sum = 0;
	for (size_t i = 500; i < 1200; i++)
		sum = FSVM_CHECKSUM_STEP(sum, nodes[i].payload);
	CHECK(r->hops == 700 && r->checksum == sum && r->found == 0 &&
	      r->last == (uint64_t)(uintptr_t)&nodes[1199], "pointer_chase: hops %llu found %llu",
	      (unsigned long long)r->hops, (unsigned long long)r->found);

	cl_kernel ls = kernel("fsvm.list_search");
	cl_ulong key = 12340, maxh = n;
	OK(clSetKernelArgSVMPointer(ls, 0, nodes));
	OK(clSetKernelArg(ls, 1, sizeof(key), &key));
	OK(clSetKernelArg(ls, 2, sizeof(maxh), &maxh));
	OK(clSetKernelArgSVMPointer(ls, 3, r));
	CHECK(run(q, ls, NULL) == CL_SUCCESS, "list_search");
	CHECK(r->found == 1 && r->hops == 1235 && r->last == (uint64_t)(uintptr_t)&nodes[1234] &&
	      r->checksum == nodes[1234].payload, "list_search found %llu hops %llu",
	      (unsigned long long)r->found, (unsigned long long)r->hops);
	key = 5;	/* absent */
	OK(clSetKernelArg(ls, 1, sizeof(key), &key));
	CHECK(run(q, ls, NULL) == CL_SUCCESS, "list_search absent");
	CHECK(r->found == 0 && r->last == 0 && r->checksum == 0 && r->hops == n,
	      "list_search absent: found %llu hops %llu", (unsigned long long)r->found,
	      (unsigned long long)r->hops);
	clReleaseKernel(pc);
	clReleaseKernel(ls);
	clSVMFree(ctx, nodes);
	free(r);
}

static struct fsvm_bst_node *bst_insert(struct fsvm_bst_node *root, uint64_t key)
{
	struct fsvm_bst_node **l = &root;

	while (*l) {
		if (key == (*l)->key)
			return root;
		l = (struct fsvm_bst_node **)(key < (*l)->key ? &(*l)->left : &(*l)->right);
	}
	*l = calloc(1, sizeof(**l));
	(*l)->key = key;
	(*l)->value = key ^ 0xabcdef;
	return root;
}

static uint64_t bst_find(const struct fsvm_bst_node *t, uint64_t key)
{
	while (t) {
		if (t->key == key)
			return t->value;
		t = (const void *)(uintptr_t)(key < t->key ? t->left : t->right);
	}
	return FSVM_NOT_FOUND;
}

static void bst_free(struct fsvm_bst_node *t)
{
	if (t) {
		bst_free((void *)(uintptr_t)t->left);
		bst_free((void *)(uintptr_t)t->right);
		free(t);
	}
}

static void test_trees_and_hashes(void)
{
	uint64_t seed = 7;
	struct fsvm_bst_node *root = NULL;
	enum { NK = 1000 };
	uint64_t keys[NK], res[NK];	/* on the stack: system SVM */

	for (int i = 0; i < 3000; i++)
		root = bst_insert(root, rnd(&seed) % 10000);
	for (int i = 0; i < NK; i++)
		keys[i] = rnd(&seed) % 10000;
	cl_kernel k = kernel("fsvm.bst_lookup");
	cl_bool yes = CL_TRUE;
	OK(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM, sizeof(yes), &yes));
	void *ptrs[1] = { root };
	OK(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_PTRS, sizeof(ptrs), ptrs));
	cl_ulong n = NK;
	OK(clSetKernelArgSVMPointer(k, 0, root));
	OK(clSetKernelArgSVMPointer(k, 1, keys));
	OK(clSetKernelArg(k, 2, sizeof(n), &n));
	OK(clSetKernelArgSVMPointer(k, 3, res));
	CHECK(run(q, k, NULL) == CL_SUCCESS, "bst_lookup");
	int bad = 0;
	for (int i = 0; i < NK; i++)
		bad += res[i] != bst_find(root, keys[i]);
	CHECK(bad == 0, "bst_lookup: %d wrong", bad);
	clReleaseKernel(k);
	bst_free(root);

	/* hash_probe: chains of malloc'ed nodes, bucket array in SVM */
	const cl_ulong nb = 256;
	uint64_t *buckets = clSVMAlloc(ctx, CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER,
				       nb * sizeof(uint64_t), 0);
	memset(buckets, 0, nb * sizeof(uint64_t));
	for (int i = 0; i < 2000; i++) {
		struct fsvm_hash_node *h = malloc(sizeof(*h));
		h->key = rnd(&seed) % 5000;
		h->value = h->key * 11;
		uint64_t b = FSVM_HASH(h->key) & (nb - 1);
		h->next = buckets[b];
		buckets[b] = (uint64_t)(uintptr_t)h;
	}
	for (int i = 0; i < NK; i++)
		keys[i] = rnd(&seed) % 5000;
	k = kernel("fsvm.hash_probe");
	OK(clSetKernelArgSVMPointer(k, 0, buckets));
	OK(clSetKernelArg(k, 1, sizeof(nb), &nb));
	OK(clSetKernelArgSVMPointer(k, 2, keys));
	OK(clSetKernelArg(k, 3, sizeof(n), &n));
	OK(clSetKernelArgSVMPointer(k, 4, res));
	CHECK(run(q, k, NULL) == CL_SUCCESS, "hash_probe");
	bad = 0;
	for (int i = 0; i < NK; i++) {
		uint64_t want = FSVM_NOT_FOUND;
		for (const struct fsvm_hash_node *h =
			     (const void *)(uintptr_t)buckets[FSVM_HASH(keys[i]) & (nb - 1)];
		     h; h = (const void *)(uintptr_t)h->next)
			if (h->key == keys[i]) {
				want = h->value;
				break;
			}
		bad += res[i] != want;
	}
	CHECK(bad == 0, "hash_probe: %d wrong", bad);
	for (cl_ulong b = 0; b < nb; b++)
		for (struct fsvm_hash_node *h = (void *)(uintptr_t)buckets[b], *nx; h; h = nx) {
			nx = (void *)(uintptr_t)h->next;
			free(h);
		}
	clSVMFree(ctx, buckets);
	clReleaseKernel(k);
}

/* ------------------------------------------------------------------ */

static int callbacks_done;
static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;

static void CL_CALLBACK on_complete(cl_event e, cl_int st, void *user)
{
	(void)e;
	(void)user;
	pthread_mutex_lock(&cb_lock);
	if (st == CL_COMPLETE)
		callbacks_done++;
	pthread_mutex_unlock(&cb_lock);
}

static void check_profile(cl_event e, const char *what)
{
	cl_ulong t[4] = { 0 };
	const cl_profiling_info w[4] = { CL_PROFILING_COMMAND_QUEUED, CL_PROFILING_COMMAND_SUBMIT,
					 CL_PROFILING_COMMAND_START, CL_PROFILING_COMMAND_END };

	for (int i = 0; i < 4; i++)
		OK(clGetEventProfilingInfo(e, w[i], sizeof(t[i]), &t[i], NULL));
	CHECK(t[0] > 0 && t[0] <= t[1] && t[1] <= t[2] && t[2] <= t[3],
	      "%s: queued %llu submit %llu start %llu end %llu", what, (unsigned long long)t[0],
	      (unsigned long long)t[1], (unsigned long long)t[2], (unsigned long long)t[3]);
}

static void test_events_two_queues(void)
{
	cl_int err;
	cl_command_queue q2 = clCreateCommandQueueWithProperties(
		ctx, dev,
		(cl_queue_properties[]){ CL_QUEUE_PROPERTIES,
					 CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE | CL_QUEUE_PROFILING_ENABLE, 0 },
		&err);
	OK(err);
	cl_kernel ms = kernel("fsvm.memset"), mc = kernel("fsvm.memcpy"), va = kernel("fsvm.vadd");
	size_t size = 1 << 20;
	unsigned char *a = malloc(size), *b = malloc(size);
	memset(a, 0, size);
	memset(b, 0, size);

	/* gate: nothing runs before the user event */
	cl_event gate = clCreateUserEvent(ctx, &err);
	OK(err);
	cl_uint v = 0x33;
	cl_ulong nb = size;
	OK(clSetKernelArgSVMPointer(ms, 0, a));
	OK(clSetKernelArg(ms, 1, sizeof(v), &v));
	OK(clSetKernelArg(ms, 2, sizeof(nb), &nb));
	size_t g = 1;
	cl_event e1, e2, e3, mk;
	OK(clEnqueueNDRangeKernel(q, ms, 1, NULL, &g, NULL, 1, &gate, &e1));
	/* queue 2 copies a -> b after e1 (another queue, another thread's view) */
	OK(clSetKernelArgSVMPointer(mc, 0, b));
	OK(clSetKernelArgSVMPointer(mc, 1, a));
	OK(clSetKernelArg(mc, 2, sizeof(nb), &nb));
	OK(clEnqueueNDRangeKernel(q2, mc, 1, NULL, &g, NULL, 1, &e1, &e2));
	OK(clSetEventCallback(e2, CL_COMPLETE, on_complete, NULL));
	/* back on queue 1: memset a to 0x44 only after the copy */
	v = 0x44;
	OK(clSetKernelArg(ms, 1, sizeof(v), &v));
	OK(clEnqueueNDRangeKernel(q, ms, 1, NULL, &g, NULL, 1, &e2, &e3));
	OK(clEnqueueMarkerWithWaitList(q2, 1, &e3, &mk));
	OK(clFlush(q));
	OK(clFlush(q2));
	usleep(20000);
	CHECK(event_status(e1) > CL_COMPLETE && a[0] == 0, "ran before its user event");
	OK(clSetUserEventStatus(gate, CL_COMPLETE));
	OK(clWaitForEvents(1, &mk));
	CHECK(b[0] == 0x33 && b[size - 1] == 0x33 && a[0] == 0x44 && a[size - 1] == 0x44,
	      "chain order: a %x b %x", a[0], b[0]);
	check_profile(e1, "memset 1");
	check_profile(e2, "memcpy");
	check_profile(e3, "memset 2");
	cl_ulong s2, e1end;
	clGetEventProfilingInfo(e1, CL_PROFILING_COMMAND_END, sizeof(e1end), &e1end, NULL);
	clGetEventProfilingInfo(e2, CL_PROFILING_COMMAND_START, sizeof(s2), &s2, NULL);
	CHECK(s2 >= e1end, "dependent command started %llu before its dependency ended %llu",
	      (unsigned long long)s2, (unsigned long long)e1end);
	cl_ulong st, en;
	clGetEventProfilingInfo(e2, CL_PROFILING_COMMAND_START, sizeof(st), &st, NULL);
	clGetEventProfilingInfo(e2, CL_PROFILING_COMMAND_END, sizeof(en), &en, NULL);
	CHECK(en > st, "a 1 MiB copy took no device time");

	/* out-of-order queue: independent launches, then a barrier */
	float x[4][64], y[64], z[4][64];
	for (int i = 0; i < 64; i++)
		y[i] = 1.0f;
	cl_ulong n64 = 64;
	for (int j = 0; j < 4; j++) {
		for (int i = 0; i < 64; i++)
			x[j][i] = (float)(j * 100 + i);
		OK(clSetKernelArgSVMPointer(va, 0, x[j]));
		OK(clSetKernelArgSVMPointer(va, 1, y));
		OK(clSetKernelArgSVMPointer(va, 2, z[j]));
		OK(clSetKernelArg(va, 3, sizeof(n64), &n64));
		OK(clEnqueueNDRangeKernel(q2, va, 1, NULL, &g, NULL, 0, NULL, NULL));
	}
	cl_event bar;
	OK(clEnqueueBarrierWithWaitList(q2, 0, NULL, &bar));
	OK(clWaitForEvents(1, &bar));
	int bad = 0;
	for (int j = 0; j < 4; j++)
		for (int i = 0; i < 64; i++)
			bad += z[j][i] != x[j][i] + 1.0f;
	CHECK(bad == 0, "out-of-order vadds: %d wrong", bad);
	OK(clFinish(q2));
	pthread_mutex_lock(&cb_lock);
	int cbs = callbacks_done;
	pthread_mutex_unlock(&cb_lock);
	for (int i = 0; i < 100 && cbs == 0; i++) {	/* callbacks run on pocl's thread */
		usleep(10000);
		pthread_mutex_lock(&cb_lock);
		cbs = callbacks_done;
		pthread_mutex_unlock(&cb_lock);
	}
	CHECK(cbs == 1, "callback ran %d times", cbs);

	cl_event evs[] = { gate, e1, e2, e3, mk, bar };
	for (unsigned i = 0; i < 6; i++)
		clReleaseEvent(evs[i]);
	free(a);
	free(b);
	clReleaseKernel(ms);
	clReleaseKernel(mc);
	clReleaseKernel(va);
	clReleaseCommandQueue(q2);
}

static void test_many_launches(void)
{
	/* x += 1, 10 000 times, in place: every launch must see the previous */
	float *x = clSVMAlloc(ctx, CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER, 64 * 4, 0);
	float one[64];
	for (int i = 0; i < 64; i++) {
		x[i] = (float)i;
		one[i] = 1.0f;
	}
	cl_kernel k = kernel("fsvm.vadd");
	cl_ulong n = 64;
	OK(clSetKernelArgSVMPointer(k, 0, x));
	OK(clSetKernelArgSVMPointer(k, 1, one));
	OK(clSetKernelArgSVMPointer(k, 2, x));
	OK(clSetKernelArg(k, 3, sizeof(n), &n));
	size_t g = 64;
	cl_event last = NULL;
	for (int i = 0; i < 10000; i++) {
		if (last)
			clReleaseEvent(last);
		OK(clEnqueueNDRangeKernel(q, k, 1, NULL, &g, NULL, 0, NULL, &last));
	}
	OK(clFinish(q));
	check_profile(last, "launch 10000");
	clReleaseEvent(last);
	int bad = 0;
	for (int i = 0; i < 64; i++)
		bad += x[i] != (float)i + 10000.0f;
	CHECK(bad == 0, "10000 launches: x[0] = %g", x[0]);
	clReleaseKernel(k);
	clSVMFree(ctx, x);
}

struct thread_arg {
	int id;
	int bad;
};

static void *thread_main(void *p)
{
	struct thread_arg *ta = p;
	cl_int err;
	cl_command_queue tq = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	cl_kernel k = kernel("fsvm.vadd");
	float a[32], b[32], c[32];
	cl_ulong n = 32;

	OK(err);
	for (int it = 0; it < 300; it++) {
		for (int i = 0; i < 32; i++) {
			a[i] = (float)(ta->id * 1000 + it);
			b[i] = (float)i;
		}
		OK(clSetKernelArgSVMPointer(k, 0, a));
		OK(clSetKernelArgSVMPointer(k, 1, b));
		OK(clSetKernelArgSVMPointer(k, 2, c));
		OK(clSetKernelArg(k, 3, sizeof(n), &n));
		OK(run(tq, k, NULL));
		for (int i = 0; i < 32; i++)
			ta->bad += c[i] != a[i] + b[i];
	}
	clReleaseKernel(k);
	clReleaseCommandQueue(tq);
	return NULL;
}

static void test_threads(void)
{
	pthread_t t[4];
	struct thread_arg a[4];

	for (int i = 0; i < 4; i++) {
		a[i].id = i;
		a[i].bad = 0;
		pthread_create(&t[i], NULL, thread_main, &a[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK(a[i].bad == 0, "thread %d: %d wrong", i, a[i].bad);
	}
}

static void test_faults(void)
{
	cl_int err;
	cl_command_queue q2 = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	OK(err);
	cl_kernel pc = kernel("fsvm.pointer_chase");
	struct fsvm_chase_result r;
	cl_ulong hops = 10;
	size_t g = 1;

	/* 1. an unmapped head pointer: error event, dependants fail */
	OK(clSetKernelArgSVMPointer(pc, 0, (void *)(uintptr_t)0x10));
	OK(clSetKernelArg(pc, 1, sizeof(hops), &hops));
	OK(clSetKernelArgSVMPointer(pc, 2, &r));
	cl_event bad, dep, other;
	/* held back by a user event, so the marker surely waits on a pending
	 * event (pocl drops wait-list entries that already failed) */
	cl_event gate = clCreateUserEvent(ctx, &err);
	OK(err);
	OK(clEnqueueNDRangeKernel(q, pc, 1, NULL, &g, NULL, 1, &gate, &bad));
	OK(clEnqueueMarkerWithWaitList(q2, 1, &bad, &dep));
	/* another queue carries on meanwhile (q2 is in-order: what follows
	 * dep there fails with it, as OpenCL says) */
	cl_command_queue q3 = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	OK(err);
	cl_kernel nop = kernel("fsvm.nop");
	OK(clEnqueueNDRangeKernel(q3, nop, 1, NULL, &g, NULL, 0, NULL, &other));
	OK(clSetUserEventStatus(gate, CL_COMPLETE));
	err = clWaitForEvents(1, &bad);
	CHECK(err == CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST, "wait on faulted event: %d", err);
	CHECK(event_status(bad) < 0, "faulted kernel status %d", event_status(bad));
	clWaitForEvents(1, &dep);
	CHECK(event_status(dep) < 0, "dependant of a failed command: status %d", event_status(dep));
	CHECK(clWaitForEvents(1, &other) == CL_SUCCESS && event_status(other) == CL_COMPLETE,
	      "the other queue's launch failed");
	clFinish(q);

	/* 2. the next launch on the same queue works */
	struct fsvm_list_node node = { 0, 1, 0xfeed, 0 };
	OK(clSetKernelArgSVMPointer(pc, 0, &node));
	cl_event good;
	OK(clEnqueueNDRangeKernel(q, pc, 1, NULL, &g, NULL, 0, NULL, &good));
	CHECK(clWaitForEvents(1, &good) == CL_SUCCESS && event_status(good) == CL_COMPLETE,
	      "launch after a fault: %d", event_status(good));
	CHECK(r.hops == 1 && r.checksum == 0xfeed && r.found == 1, "result after fault");

	/* 3. a write to a read-only page */
	long ps = sysconf(_SC_PAGE_SIZE);
	void *ro = mmap(NULL, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cl_kernel ms = kernel("fsvm.memset");
	cl_uint v = 1;
	cl_ulong nb = 16;
	OK(clSetKernelArgSVMPointer(ms, 0, ro));
	OK(clSetKernelArg(ms, 1, sizeof(v), &v));
	OK(clSetKernelArg(ms, 2, sizeof(nb), &nb));
	cl_event wr;
	OK(clEnqueueNDRangeKernel(q, ms, 1, NULL, &g, NULL, 0, NULL, &wr));
	clWaitForEvents(1, &wr);
	CHECK(event_status(wr) < 0, "write to a read-only page: status %d", event_status(wr));
	CHECK(((unsigned char *)ro)[0] == 0, "read-only page was written");
	CHECK(run(q, nop, NULL) == CL_SUCCESS, "nop after the second fault");

	cl_event evs[] = { gate, bad, dep, other, good, wr };
	for (unsigned i = 0; i < 6; i++)
		clReleaseEvent(evs[i]);
	munmap(ro, ps);
	clReleaseKernel(ms);
	clReleaseKernel(nop);
	clReleaseKernel(pc);
	clReleaseCommandQueue(q2);
	clReleaseCommandQueue(q3);
}

/*
 * POCL_FSVM_PROFILING=modelled (main's --modelled): END - START of a kernel
 * is the cycle model's time, which is deterministic. Three vadd launches
 * over the same 4 MiB arrays: the 2nd and 3rd start from the same TLB
 * state and must report exactly the same duration (wall time never does),
 * at least the data beats (12 bytes per element at 16 bytes per beat) at
 * the device clock.
 */
static void test_profiling_modelled(void)
{
	const cl_ulong n = 1u << 20;
	float *a = NULL, *b = NULL, *c = NULL;
	cl_ulong d[3] = { 0 };
	cl_uint mhz = 0;

	if (posix_memalign((void **)&a, 4096, n * 4) != 0 ||
	    posix_memalign((void **)&b, 4096, n * 4) != 0 ||
	    posix_memalign((void **)&c, 4096, n * 4) != 0) {
		fprintf(stderr, "FATAL: out of memory\n");
		exit(1);
	}
	for (cl_ulong i = 0; i < n; i++) {
		a[i] = (float)i;
		b[i] = 1.0f;
		c[i] = 0.0f;
	}
	clGetDeviceInfo(dev, CL_DEVICE_MAX_CLOCK_FREQUENCY, sizeof(mhz), &mhz, NULL);
	cl_kernel k = kernel("fsvm.vadd");
	OK(clSetKernelArgSVMPointer(k, 0, a));
	OK(clSetKernelArgSVMPointer(k, 1, b));
	OK(clSetKernelArgSVMPointer(k, 2, c));
	OK(clSetKernelArg(k, 3, sizeof(n), &n));
	for (int i = 0; i < 3; i++) {
		cl_event ev;
		cl_ulong t0 = 0, t1 = 0;

		OK(run(q, k, &ev));
		OK(clWaitForEvents(1, &ev));
		clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof(t0), &t0, NULL);
		clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof(t1), &t1, NULL);
		d[i] = t1 - t0;
		clReleaseEvent(ev);
	}
	CHECK(c[0] == 1.0f && c[n - 1] == (float)(n - 1) + 1.0f, "vadd result");
	CHECK(d[1] == d[2], "modelled durations differ: %llu vs %llu ns",
	      (unsigned long long)d[1], (unsigned long long)d[2]);
	CHECK(mhz > 0 && d[1] >= n * 12 / 16 * 1000 / mhz, "%llu ns below the data beats at %u MHz",
	      (unsigned long long)d[1], mhz);
	printf("modelled vadd of %llu floats: %llu ns\n", (unsigned long long)n,
	       (unsigned long long)d[1]);
	clReleaseKernel(k);
	free(a);
	free(b);
	free(c);
}

int main(int argc, char **argv)
{
	cl_platform_id plat;
	cl_int err;
	int modelled = argc > 1 && strcmp(argv[1], "--modelled") == 0;

	/* read by the driver when pocl creates the device: before any call */
	if (modelled)
		setenv("POCL_FSVM_PROFILING", "modelled", 1);

	OK(clGetPlatformIDs(1, &plat, NULL));
	OK(clGetDeviceIDs(plat, CL_DEVICE_TYPE_ACCELERATOR, 1, &dev, NULL));
	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	OK(err);
	q = clCreateCommandQueueWithProperties(
		ctx, dev, (cl_queue_properties[]){ CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0 },
		&err);
	OK(err);

	struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "device and kernel metadata", test_device },
		{ "nop, vadd on stack arrays", test_nop_and_vadd },
		{ "memcpy/memset, middle pointers, buffers", test_memcpy_memset },
		{ "pointer_chase, list_search", test_lists },
		{ "bst_lookup, hash_probe (malloc'ed)", test_trees_and_hashes },
		{ "events across two queues, profiling", test_events_two_queues },
		{ "10000 launches", test_many_launches },
		{ "4 threads x 300 launches", test_threads },
		{ "faults", test_faults },
	};
	if (modelled) {
		test_profiling_modelled();
		printf("%-44s %s\n", "profiling, POCL_FSVM_PROFILING=modelled",
		       failures ? "FAILED" : "ok");
	}
	for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]) && !modelled; i++) {
		int before = failures;

		tests[i].fn();
		printf("%-44s %s\n", tests[i].name, failures == before ? "ok" : "FAILED");
		fflush(stdout);
	}
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	printf("%s (%d failures)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
