/* SPDX-License-Identifier: MIT */
/*
 * compiled_bench.c - OpenCL C kernels (clBuildProgram on the simulated
 * device) against the device's built-in kernels doing the same work:
 *
 *   pointer chase over one list of N nodes (default 1 M) in fine-grained
 *   clSVMAlloc memory, linked in random order: cl_chase vs fsvm.pointer_chase;
 *   vadd over N floats: cl_vadd vs fsvm.vadd, and fsvm.memcpy of the output;
 *   empty kernel, enqueue -> clFinish: cl_nop vs fsvm.nop (median).
 *
 * Two figures per kernel:
 *   host  - OpenCL, this process's wall clock around enqueue..completion
 *           (best of 3), i.e. what the simulator costs on this CPU;
 *   model - the device's cycle model (struct fsvm_completion.cycles: every
 *           memory access through the SMMU model and the AXI/DDR latency
 *           model), read through libfsvm: the same kernels, launched on a
 *           second simulated device opened by libfsvm in this process over
 *           the same list (OpenCL has no query for it). Compiled kernels
 *           come from the same compiled_bench.cl, built by the project's
 *           pipeline into COMPILED_BENCH_SO.
 *
 *   OCL_ICD_VENDORS=<build>/pocl/vendors POCL_DEVICES=fsvm ./compiled_bench [nodes] [nops]
 */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fsvm.h"
#include "fsvm_cl.h"
#include "fsvm_cl_abi.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *t;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	t = malloc((size_t)n + 1);
	if (!t || fread(t, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	t[n] = '\0';
	fclose(f);
	return t;
}

/* One launch of k over gws work-items; host wall ns (enqueue..complete). */
static double launch(cl_command_queue q, cl_kernel k, size_t gws)
{
	double t0 = now_ns();

	CL_CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &gws, NULL, 0, NULL, NULL));
	CL_CHECK(clFinish(q));
	return now_ns() - t0;
}

static double best_of_3(cl_command_queue q, cl_kernel k, size_t gws)
{
	double b = 0;

	for (int r = 0; r < 3; r++) {
		double t = launch(q, k, gws);

		if (r == 0 || t < b)
			b = t;
	}
	return b;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median_launch(cl_command_queue q, cl_kernel k, int n)
{
	double *t = malloc(n * sizeof(*t)), m;

	if (!t)
		exit(1);
	for (int i = 0; i < 50; i++)
		launch(q, k, 1);
	for (int i = 0; i < n; i++)
		t[i] = launch(q, k, 1);
	qsort(t, n, sizeof(*t), cmp_d);
	m = t[n / 2];
	free(t);
	return m;
}

/* ---- the cycle model, through libfsvm ---- */

static struct fsvm_device *mdev;
static struct fsvm_context *mctx;
static void *mso;

static uint64_t model_builtin(uint32_t kid, const uint64_t *args, unsigned nargs)
{
	struct fsvm_completion *rec = aligned_alloc(64, 64);
	struct fsvm_launch_stats st;
	struct fsvm_fault f;
	uint64_t c;

	if (!rec || fsvm_run(mctx, kid, args, nargs, rec, 0, FSVM_TIMEOUT_INFINITE, &f) != FSVM_OK ||
	    fsvm_launch_stats(mdev, rec, &st) != FSVM_OK) {
		fprintf(stderr, "model: built-in kernel %u failed\n", kid);
		exit(1);
	}
	c = st.cycles;
	free(rec);
	return c;
}

static uint64_t model_compiled(const char *name, uint64_t *args, unsigned nargs, uint64_t global)
{
	char sym[128];
	const struct fsvm_cl_kinfo *ki;
	struct fsvm_compiled_kernel k;
	struct fsvm_compiled_launch *d = aligned_alloc(64, 128 + sizeof(*d));
	struct fsvm_completion *rec = aligned_alloc(64, 64);
	struct fsvm_launch_stats st;
	struct fsvm_fault f;
	uint64_t h, c;

	snprintf(sym, sizeof(sym), FSVM_CL_KINFO_PREFIX "%s", name);
	ki = dlsym(mso, sym);
	snprintf(sym, sizeof(sym), FSVM_CL_WI_PREFIX "%s", name);
	k.name = name;
	k.fn = (fsvm_work_item_fn)dlsym(mso, sym);
	if (!ki || !k.fn || !d || !rec) {
		fprintf(stderr, "model: %s not in the compiled kernels\n", name);
		exit(1);
	}
	k.nargs = ki->nargs;
	k.arg_kinds = ki->kinds;
	memset(d, 0, sizeof(*d));
	if (fsvm_compiled_register(mdev, &k, &h) != FSVM_OK)
		exit(1);
	d->handle = h;
	d->work_dim = 1;
	d->nargs = nargs;
	d->global_size[0] = global;
	d->local_size[0] = global % 64 == 0 ? 64 : 1;
	d->args_va = (uintptr_t)args;
	if (fsvm_launch_compiled(mctx, d, rec, 0) != FSVM_OK ||
	    fsvm_wait(mctx, rec, FSVM_TIMEOUT_INFINITE, &f) != FSVM_OK ||
	    fsvm_launch_stats(mdev, rec, &st) != FSVM_OK) {
		fprintf(stderr, "model: compiled kernel %s failed\n", name);
		exit(1);
	}
	c = st.cycles;
	fsvm_compiled_unregister(mdev, h);
	free(d);
	free(rec);
	return c;
}

int main(int argc, char **argv)
{
	size_t n;
	int nops;
	cl_int err;

	example_args(argc, argv, 2, "[nodes] [nops]\n"
		     "OpenCL C kernels against the built-in ones over a list of nodes\n"
		     "(64..2^32, rounded down to a multiple of 64, default 2^20) and nops\n"
		     "empty-kernel launches (10..10^8, default 2000).\n");
	n = example_count(argc, argv, 1, "nodes", 1u << 20, 64, 1ull << 32) & ~(size_t)63;
	nops = (int)example_count(argc, argv, 2, "nops", 2000, 10, 100000000);
	if (!getenv("OCL_ICD_VENDORS") && FSVM_POCL_VENDORS_DIR[0])
		setenv("OCL_ICD_VENDORS", FSVM_POCL_VENDORS_DIR, 1);
	cl_device_id dev = fsvm_cl_find_device(NULL);
	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CL_CHECK_ERR(err);
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	CL_CHECK_ERR(err);

	/* OpenCL C kernels from source */
	const char *src = read_text(COMPILED_BENCH_CL);
	cl_program p = clCreateProgramWithSource(ctx, 1, &src, NULL, &err);
	CL_CHECK_ERR(err);
	if (clBuildProgram(p, 1, &dev, NULL, NULL, NULL) != CL_SUCCESS) {
		char log[8192] = "";

		clGetProgramBuildInfo(p, dev, CL_PROGRAM_BUILD_LOG, sizeof(log), log, NULL);
		fprintf(stderr, "clBuildProgram failed:\n%s\n", log);
		return 1;
	}
	cl_kernel kc = clCreateKernel(p, "cl_chase", &err);
	CL_CHECK_ERR(err);
	cl_kernel kv = clCreateKernel(p, "cl_vadd", &err);
	CL_CHECK_ERR(err);
	cl_kernel kn = clCreateKernel(p, "cl_nop", &err);
	CL_CHECK_ERR(err);
	cl_kernel bc = fsvm_cl_builtin_kernel(ctx, dev, "fsvm.pointer_chase", NULL);
	cl_kernel bv = fsvm_cl_builtin_kernel(ctx, dev, "fsvm.vadd", NULL);
	cl_kernel bm = fsvm_cl_builtin_kernel(ctx, dev, "fsvm.memcpy", NULL);
	cl_kernel bn = fsvm_cl_builtin_kernel(ctx, dev, "fsvm.nop", NULL);

	/* the list, in random order, and the vectors */
	cl_svm_mem_flags fl = CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER;
	struct fsvm_list_node *nodes = clSVMAlloc(ctx, fl, n * sizeof(*nodes), 0);
	struct fsvm_chase_result *res = clSVMAlloc(ctx, fl, 2 * sizeof(*res), 0);
	float *a = clSVMAlloc(ctx, fl, n * 4, 0), *b = clSVMAlloc(ctx, fl, n * 4, 0);
	float *c = clSVMAlloc(ctx, fl, n * 4, 0), *c2 = clSVMAlloc(ctx, fl, n * 4, 0);
	size_t *order = malloc(n * sizeof(*order));

	if (!nodes || !res || !a || !b || !c || !c2 || !order) {
		fprintf(stderr, "allocation failed\n");
		return 1;
	}
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
		nd->pad = 0;
		nd->next = i + 1 < n ? (uint64_t)(uintptr_t)&nodes[order[i + 1]] : 0;
		a[i] = (float)i;
		b[i] = 0.5f * (float)(i & 1023);
	}
	struct fsvm_list_node *head = &nodes[order[0]];
	uint64_t sum = 0;

	for (const struct fsvm_list_node *x = head; x; x = (const void *)(uintptr_t)x->next)
		sum = FSVM_CHECKSUM_STEP(sum, x->payload);

	cl_ulong max_hops = n + 1, nbytes = n * 4, nn = n;

	CL_CHECK(clSetKernelArgSVMPointer(bc, 0, head));
	CL_CHECK(clSetKernelArg(bc, 1, sizeof(max_hops), &max_hops));
	CL_CHECK(clSetKernelArgSVMPointer(bc, 2, &res[0]));
	CL_CHECK(clSetKernelArgSVMPointer(kc, 0, head));
	CL_CHECK(clSetKernelArg(kc, 1, sizeof(max_hops), &max_hops));
	CL_CHECK(clSetKernelArgSVMPointer(kc, 2, &res[1]));
	CL_CHECK(clSetKernelArgSVMPointer(bv, 0, a));
	CL_CHECK(clSetKernelArgSVMPointer(bv, 1, b));
	CL_CHECK(clSetKernelArgSVMPointer(bv, 2, c2));
	CL_CHECK(clSetKernelArg(bv, 3, sizeof(nn), &nn));
	CL_CHECK(clSetKernelArgSVMPointer(kv, 0, a));
	CL_CHECK(clSetKernelArgSVMPointer(kv, 1, b));
	CL_CHECK(clSetKernelArgSVMPointer(kv, 2, c));
	CL_CHECK(clSetKernelArgSVMPointer(bm, 0, c2));
	CL_CHECK(clSetKernelArgSVMPointer(bm, 1, c));
	CL_CHECK(clSetKernelArg(bm, 2, sizeof(nbytes), &nbytes));

	double t_bc = best_of_3(q, bc, 1), t_kc = best_of_3(q, kc, 1);
	int ok = res[0].hops == n && res[1].hops == n && res[0].checksum == sum &&
		 res[1].checksum == sum && res[0].last == res[1].last && res[1].found == 1;
	double t_bv = best_of_3(q, bv, 1), t_kv = best_of_3(q, kv, n);

	for (size_t i = 0; i < n; i++)
		ok &= c[i] == a[i] + b[i] && c2[i] == c[i];
	memset(c2, 0, n * 4);
	double t_bm = best_of_3(q, bm, 1);

	ok &= memcmp(c2, c, n * 4) == 0;
	double t_bn = median_launch(q, bn, nops), t_kn = median_launch(q, kn, nops);

	/* the cycle model: the same kernels on a libfsvm-opened sim device */
	if (fsvm_device_open("sim", &mdev) != FSVM_OK || fsvm_context_create(mdev, 64, &mctx) != FSVM_OK) {
		fprintf(stderr, "cannot open the simulated device through libfsvm\n");
		return 1;
	}
	mso = dlopen(COMPILED_BENCH_SO, RTLD_NOW);
	if (!mso) {
		fprintf(stderr, "dlopen %s: %s\n", COMPILED_BENCH_SO, dlerror());
		return 1;
	}
	uint64_t *args = aligned_alloc(64, 64);

	if (!args)
		return 1;
	args[0] = (uintptr_t)head;
	args[1] = n + 1;
	args[2] = (uintptr_t)&res[0];
	uint64_t m_bc = model_builtin(FSVM_K_POINTER_CHASE, args, 3);
	args[2] = (uintptr_t)&res[1];
	uint64_t m_kc = model_compiled("cl_chase", args, 3, 1);
	ok &= res[0].checksum == sum && res[1].checksum == sum;
	args[0] = (uintptr_t)a;
	args[1] = (uintptr_t)b;
	args[2] = (uintptr_t)c2;
	args[3] = n;
	uint64_t m_bv = model_builtin(FSVM_K_VADD, args, 4);
	args[2] = (uintptr_t)c;
	uint64_t m_kv = model_compiled("cl_vadd", args, 3, n);
	args[0] = (uintptr_t)c2;
	args[1] = (uintptr_t)c;
	args[2] = n * 4;
	uint64_t m_bm = model_builtin(FSVM_K_MEMCPY, args, 3);
	uint64_t m_bn = model_builtin(FSVM_K_NOP, args, 0);
	uint64_t m_kn = model_compiled("cl_nop", args, 0, 1);

	printf("OpenCL C (clBuildProgram, fsvm-oclc) vs built-in kernels on %s; %zu nodes/elements\n",
	       "fsvm (sim)", n);
	printf("host: wall time in this process, enqueue -> complete (best of 3); "
	       "model: the device's cycle model (cycles of the completion record)\n");
	printf("pointer chase  fsvm.pointer_chase  host %7.1f ns/hop   model %6.1f cycles/hop\n",
	       t_bc / n, (double)m_bc / n);
	printf("pointer chase  cl_chase (OpenCL C) host %7.1f ns/hop   model %6.1f cycles/hop\n",
	       t_kc / n, (double)m_kc / n);
	printf("pointer chase  ratio OpenCL C / built-in: host %.2fx, model %.2fx\n",
	       t_kc / t_bc, (double)m_kc / (double)m_bc);
	printf("vadd           fsvm.vadd           host %7.2f ns/elem  model %6.2f cycles/elem\n",
	       t_bv / n, (double)m_bv / n);
	printf("vadd           cl_vadd (OpenCL C)  host %7.2f ns/elem  model %6.2f cycles/elem\n",
	       t_kv / n, (double)m_kv / n);
	printf("memcpy         fsvm.memcpy (4n B)  host %7.2f ns/elem  model %6.2f cycles/elem\n",
	       t_bm / n, (double)m_bm / n);
	printf("vadd ratio     cl_vadd / fsvm.memcpy: host %.2fx, model %.2fx\n", t_kv / t_bm,
	       (double)m_kv / (double)m_bm);
	printf("empty kernel   fsvm.nop            median %7.2f us enqueue->finish (%d)  model %llu cycles\n",
	       t_bn / 1e3, nops, (unsigned long long)m_bn);
	printf("empty kernel   cl_nop (OpenCL C)   median %7.2f us enqueue->finish (%d)  model %llu cycles\n",
	       t_kn / 1e3, nops, (unsigned long long)m_kn);
	printf("empty kernel   ratio cl_nop / fsvm.nop: %.2fx\n", t_kn / t_bn);
	printf("%s\n", ok ? "PASS: every kernel computed the CPU's result" : "FAIL: a result differs from the CPU's");

	free(args);
	dlclose(mso);
	fsvm_context_destroy(mctx);
	fsvm_device_close(mdev);
	clSVMFree(ctx, nodes);
	clSVMFree(ctx, res);
	clSVMFree(ctx, a);
	clSVMFree(ctx, b);
	clSVMFree(ctx, c);
	clSVMFree(ctx, c2);
	free(order);
	free((void *)src);
	clReleaseKernel(kc);
	clReleaseKernel(kv);
	clReleaseKernel(kn);
	clReleaseKernel(bc);
	clReleaseKernel(bv);
	clReleaseKernel(bm);
	clReleaseKernel(bn);
	clReleaseProgram(p);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	return ok ? 0 : 1;
}
