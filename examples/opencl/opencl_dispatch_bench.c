/* SPDX-License-Identifier: MIT */
/*
 * opencl_dispatch_bench.c - OpenCL dispatch latency: enqueue an empty
 * kernel, clFinish, repeat; the median of N round trips, for
 *
 *   fsvm    POCL_DEVICES=fsvm, kernel fsvm.nop (the simulated FPGA unless
 *           POCL_FSVM0_PARAMETERS says otherwise)
 *   almaif  POCL_DEVICES=almaif POCL_ALMAIF0_PARAMETERS=0xE,1,2: pocl's
 *           almaif *emulation* device with built-in kernels 1 and 2, the
 *           smallest of which, pocl.add.i32, runs on one element
 *
 * both from the same pocl build (this project's), in one run: each device is
 * measured in a child process of its own (pocl reads POCL_DEVICES once),
 * then the medians and their ratio are printed.
 *
 * pocl v7.1's almaif emulation device cannot create a context, and no
 * built-in kernel keeps its name (almaif then aborts the launch): this
 * project's build applies two one-line fixes to its copy of pocl
 * (pocl-device/pocl/patches/0002-*.patch: profiling in almaif's
 * on_host_queue_props; 0003-*.patch: the kernel name).
 *
 *   OCL_ICD_VENDORS=<build>/pocl/vendors ./opencl_dispatch_bench [N]
 * (OCL_ICD_VENDORS defaults to this build's vendors directory.)
 */
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsvm_cl.h"

#ifndef FSVM_POCL_VENDORS_DIR
#define FSVM_POCL_VENDORS_DIR ""
#endif

struct result {
	double median_us, p10_us, p90_us, min_us;
	int ok;
	char device[128];
	char kernel[64];
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Measure the first device of the (only) platform; runs in a child. */
static void measure(const char *kernel_name, int nargs_buffers, size_t n, struct result *r)
{
	cl_platform_id plat;
	cl_device_id dev;
	cl_int err;

	memset(r, 0, sizeof(*r));
	if (clGetPlatformIDs(1, &plat, NULL) != CL_SUCCESS ||
	    clGetDeviceIDs(plat, CL_DEVICE_TYPE_ALL, 1, &dev, NULL) != CL_SUCCESS) {
		fprintf(stderr, "no device\n");
		return;
	}
	clGetDeviceInfo(dev, CL_DEVICE_NAME, sizeof(r->device), r->device, NULL);
	snprintf(r->kernel, sizeof(r->kernel), "%s", kernel_name);
	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	if (err != CL_SUCCESS) {
		fprintf(stderr, "%s: clCreateContext: %d\n", r->device, err);
		return;
	}
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	CL_CHECK_ERR(err);
	cl_program prog = clCreateProgramWithBuiltInKernels(ctx, 1, &dev, kernel_name, &err);
	CL_CHECK_ERR(err);
	CL_CHECK(clBuildProgram(prog, 1, &dev, NULL, NULL, NULL));
	cl_kernel k = clCreateKernel(prog, kernel_name, &err);
	if (err == CL_INVALID_KERNEL_NAME) {
		/* pocl v7.1 names pocl's own built-in kernels
		 * "<internal-error: ...>": take the program's only kernel */
		cl_uint nk = 0;

		CL_CHECK(clCreateKernelsInProgram(prog, 1, &k, &nk));
		if (nk != 1)
			return;
	} else {
		CL_CHECK_ERR(err);
	}
	cl_mem bufs[3] = { 0 };
	for (int i = 0; i < nargs_buffers; i++) {
		bufs[i] = clCreateBuffer(ctx, CL_MEM_READ_WRITE, 64, NULL, &err);
		CL_CHECK_ERR(err);
		CL_CHECK(clSetKernelArg(k, i, sizeof(cl_mem), &bufs[i]));
	}
	size_t gws = 1;
	for (int i = 0; i < 200; i++) {	/* warm up */
		CL_CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &gws, NULL, 0, NULL, NULL));
		CL_CHECK(clFinish(q));
	}
	double *t = malloc(n * sizeof(*t));
	if (!t)
		return;
	for (size_t i = 0; i < n; i++) {
		double t0 = now_us();

		CL_CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &gws, NULL, 0, NULL, NULL));
		CL_CHECK(clFinish(q));
		t[i] = now_us() - t0;
	}
	qsort(t, n, sizeof(*t), cmp_double);
	r->median_us = t[n / 2];
	r->p10_us = t[n / 10];
	r->p90_us = t[n * 9 / 10];
	r->min_us = t[0];
	r->ok = 1;
	free(t);
	for (int i = 0; i < nargs_buffers; i++)
		clReleaseMemObject(bufs[i]);
	clReleaseKernel(k);
	clReleaseProgram(prog);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
}

/* Run measure() in a child with the given environment. */
static int run_child(const char *devices, const char *almaif_params, const char *kernel,
		     int nbufs, size_t n, struct result *r)
{
	int fd[2];
	pid_t pid;

	if (pipe(fd) != 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(fd[0]);
		setenv("POCL_DEVICES", devices, 1);
		if (almaif_params)
			setenv("POCL_ALMAIF0_PARAMETERS", almaif_params, 1);
		measure(kernel, nbufs, n, r);
		if (write(fd[1], r, sizeof(*r)) != (ssize_t)sizeof(*r))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	ssize_t got = read(fd[0], r, sizeof(*r));
	close(fd[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	if (got != (ssize_t)sizeof(*r))
		r->ok = 0;
	return r->ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	size_t n;
	struct result f, a;

	example_args(argc, argv, 1, "[N]\n"
		     "Empty-kernel round trips, N of them (10..10^8, default 10000) on the\n"
		     "fsvm device and on pocl's almaif emulation device.\n");
	n = example_count(argc, argv, 1, "N", 10000, 10, 100000000);
	if (!getenv("OCL_ICD_VENDORS") && FSVM_POCL_VENDORS_DIR[0])
		setenv("OCL_ICD_VENDORS", FSVM_POCL_VENDORS_DIR, 1);
	printf("OpenCL empty-kernel dispatch, enqueue -> clFinish, %zu round trips each\n", n);
	printf("pocl: %s (OCL_ICD_VENDORS)\n", getenv("OCL_ICD_VENDORS"));

	if (run_child("fsvm", NULL, "fsvm.nop", 0, n, &f) != 0) {
		fprintf(stderr, "fsvm measurement failed\n");
		return 1;
	}
	printf("fsvm   %-34s %-14s median %8.2f us  (p10 %.2f, p90 %.2f, min %.2f)\n", f.device,
	       f.kernel, f.median_us, f.p10_us, f.p90_us, f.min_us);

	if (run_child("almaif", "0xE,1,2", "pocl.add.i32", 3, n, &a) != 0) {
		fprintf(stderr, "almaif measurement failed (is the v7.1 context fix applied?)\n");
		return 1;
	}
	printf("almaif %-34s %-14s median %8.2f us  (p10 %.2f, p90 %.2f, min %.2f)\n", a.device,
	       a.kernel, a.median_us, a.p10_us, a.p90_us, a.min_us);
	printf("almaif: POCL_ALMAIF0_PARAMETERS=0xE,1,2 (emulation device); applied to this "
	       "build's copy of pocl: the v7.1 almaif context fix (CL_QUEUE_PROFILING_ENABLE in "
	       "on_host_queue_props) and the v7.1 built-in kernel name fix\n");
	printf("ratio fsvm/almaif = %.3f (almaif/fsvm = %.1fx)\n", f.median_us / a.median_us,
	       a.median_us / f.median_us);
	return 0;
}
