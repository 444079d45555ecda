/* SPDX-License-Identifier: MIT */
/*
 * test_pocl_compiled.c - OpenCL C from source on the fsvm (sim) device:
 *  - clBuildProgram compiles through fsvm-oclc; argument metadata is right;
 *  - a compiled kernel and a built-in kernel in one in-order queue, the
 *    compiled one consuming what the built-in wrote;
 *  - barriers with __local memory (a work-group reversal);
 *  - printf reaches stdout (checked through a pipe on stdout);
 *  - a bad pointer in a compiled kernel: error event -5, pfn_notify with the
 *    kernel's name and the VA, the next launch correct;
 *  - a syntax error: CL_BUILD_PROGRAM_FAILURE with clang's message in the log;
 *  - recursion: CL_BUILD_PROGRAM_FAILURE saying so; a program without
 *    kernels builds.
 */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsvm_cl_ext.h"

static int failures;

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

static const char *src =
	"kernel void scale(global const uint *in, global uint *out, uint f)\n"
	"{ size_t i = get_global_id(0); out[i] = in[i] * f; }\n"
	"kernel void reverse(global uint *d, local uint *t)\n"
	"{ size_t l = get_local_id(0), n = get_local_size(0), g = get_global_id(0);\n"
	"  t[l] = d[g]; barrier(CLK_LOCAL_MEM_FENCE); d[g] = t[n - 1 - l]; }\n"
	"kernel void say(int v) { if (get_global_id(0) == 1) printf(\"fsvm-printf %d %s\\n\", v, \"ok\"); }\n";

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int notes;
static struct cl_fsvm_fault_info info;
static char text[512];

static void CL_CALLBACK on_error(const char *errinfo, const void *priv, size_t cb, void *user)
{
	(void)user;
	pthread_mutex_lock(&lock);
	notes++;
	snprintf(text, sizeof(text), "%s", errinfo);
	if (priv && cb >= sizeof(info))
		memcpy(&info, priv, sizeof(info));
	pthread_mutex_unlock(&lock);
}

static cl_int status_of(cl_event e)
{
	cl_int st = 1;

	OK(clGetEventInfo(e, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL));
	return st;
}

int main(void)
{
	cl_platform_id plat;
	cl_device_id dev;
	cl_int err;
	cl_bool comp = CL_FALSE;

	OK(clGetPlatformIDs(1, &plat, NULL));
	OK(clGetDeviceIDs(plat, CL_DEVICE_TYPE_ACCELERATOR, 1, &dev, NULL));
	OK(clGetDeviceInfo(dev, CL_DEVICE_COMPILER_AVAILABLE, sizeof(comp), &comp, NULL));
	CHECK(comp == CL_TRUE, "sim device reports no compiler");
	cl_context ctx = clCreateContext(NULL, 1, &dev, on_error, NULL, &err);
	OK(err);
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	OK(err);

	cl_program p = clCreateProgramWithSource(ctx, 1, &src, NULL, &err);
	OK(err);
	err = clBuildProgram(p, 1, &dev, "-DUNUSED=1 -cl-kernel-arg-info", NULL, NULL);
	if (err != CL_SUCCESS) {
		char log[8192] = "";

		clGetProgramBuildInfo(p, dev, CL_PROGRAM_BUILD_LOG, sizeof(log), log, NULL);
		fprintf(stderr, "FATAL: clBuildProgram %d:\n%s\n", err, log);
		return 1;
	}
	cl_kernel scale = clCreateKernel(p, "scale", &err);
	OK(err);
	cl_kernel rev = clCreateKernel(p, "reverse", &err);
	OK(err);
	cl_kernel say = clCreateKernel(p, "say", &err);
	OK(err);

	/* metadata */
	cl_uint nargs = 0;
	cl_kernel_arg_address_qualifier aq = 0;
	char tn[64] = "";

	OK(clGetKernelInfo(scale, CL_KERNEL_NUM_ARGS, sizeof(nargs), &nargs, NULL));
	CHECK(nargs == 3, "scale has %u args", nargs);
	OK(clGetKernelArgInfo(rev, 1, CL_KERNEL_ARG_ADDRESS_QUALIFIER, sizeof(aq), &aq, NULL));
	CHECK(aq == CL_KERNEL_ARG_ADDRESS_LOCAL, "reverse arg 1 address qualifier 0x%x", aq);
	OK(clGetKernelArgInfo(scale, 0, CL_KERNEL_ARG_TYPE_NAME, sizeof(tn), tn, NULL));
	CHECK(strcmp(tn, "uint*") == 0, "scale arg 0 type '%s'", tn);

	/* built-in memset, then the compiled scale reading its output */
	enum { N = 1024, L = 64 };
	uint32_t *a = malloc(N * 4), *b = malloc(N * 4);
	cl_program bp = clCreateProgramWithBuiltInKernels(ctx, 1, &dev, "fsvm.memset", &err);

	OK(err);
	OK(clBuildProgram(bp, 1, &dev, NULL, NULL, NULL));
	cl_kernel ms = clCreateKernel(bp, "fsvm.memset", &err);
	OK(err);
	cl_uint byte = 0x01, f = 3;
	cl_ulong nbytes = N * 4;
	size_t one = 1, g = N, l = L;

	OK(clSetKernelArgSVMPointer(ms, 0, a));
	OK(clSetKernelArg(ms, 1, sizeof(byte), &byte));
	OK(clSetKernelArg(ms, 2, sizeof(nbytes), &nbytes));
	OK(clEnqueueNDRangeKernel(q, ms, 1, NULL, &one, NULL, 0, NULL, NULL));
	OK(clSetKernelArgSVMPointer(scale, 0, a));
	OK(clSetKernelArgSVMPointer(scale, 1, b));
	OK(clSetKernelArg(scale, 2, sizeof(f), &f));
	OK(clEnqueueNDRangeKernel(q, scale, 1, NULL, &g, &l, 0, NULL, NULL));
	/* then reverse each group of b in local memory */
	OK(clSetKernelArgSVMPointer(rev, 0, b));
	OK(clSetKernelArg(rev, 1, L * 4, NULL));
	OK(clEnqueueNDRangeKernel(q, rev, 1, NULL, &g, &l, 0, NULL, NULL));
	OK(clFinish(q));
	int bad = 0;

	for (int i = 0; i < N; i++)
		bad += b[i] != 0x01010101u * 3u;
	CHECK(bad == 0, "%d wrong after memset+scale+reverse", bad);
	/* distinct values: the reversal is observable */
	for (int i = 0; i < N; i++)
		b[i] = (uint32_t)i;
	OK(clEnqueueNDRangeKernel(q, rev, 1, NULL, &g, &l, 0, NULL, NULL));
	OK(clFinish(q));
	bad = 0;
	for (int i = 0; i < N; i++)
		bad += b[i] != (uint32_t)((i / L) * L + (L - 1 - i % L));
	CHECK(bad == 0, "%d wrong after the barrier reversal", bad);

	/* printf: stdout into a pipe for the duration of one launch */
	{
		int fds[2], saved = dup(1);
		char buf[256] = "";
		cl_int v = 42;
		size_t g2 = 4;
		ssize_t n;

		CHECK(pipe(fds) == 0 && saved >= 0, "pipe");
		fflush(stdout);
		dup2(fds[1], 1);
		OK(clSetKernelArg(say, 0, sizeof(v), &v));
		OK(clEnqueueNDRangeKernel(q, say, 1, NULL, &g2, NULL, 0, NULL, NULL));
		OK(clFinish(q));
		fflush(stdout);
		dup2(saved, 1);
		close(fds[1]);
		n = read(fds[0], buf, sizeof(buf) - 1);
		close(fds[0]);
		close(saved);
		buf[n > 0 ? n : 0] = '\0';
		CHECK(strcmp(buf, "fsvm-printf 42 ok\n") == 0, "printf gave '%s'", buf);
	}

	/* a fault in a compiled kernel */
	cl_event ev;

	OK(clSetKernelArgSVMPointer(scale, 0, (void *)(uintptr_t)0x1000));
	OK(clEnqueueNDRangeKernel(q, scale, 1, NULL, &g, &l, 0, NULL, &ev));
	clWaitForEvents(1, &ev);
	CHECK(status_of(ev) == CL_OUT_OF_RESOURCES, "faulted compiled kernel: %d", status_of(ev));
	pthread_mutex_lock(&lock);
	CHECK(notes == 1 && strstr(text, "scale") && strstr(text, "read") &&
	      strstr(text, "0x1000") && info.va == 0x1000 && info.is_write == 0 &&
	      strcmp(info.kernel_name, "scale") == 0,
	      "notes %d '%s' va 0x%llx", notes, text, (unsigned long long)info.va);
	pthread_mutex_unlock(&lock);
	clReleaseEvent(ev);
	OK(clSetKernelArgSVMPointer(scale, 0, a));
	OK(clEnqueueNDRangeKernel(q, scale, 1, NULL, &g, &l, 0, NULL, NULL));
	OK(clFinish(q));
	CHECK(b[5] == 0x01010101u * 3u, "launch after the fault: 0x%x", b[5]);

	/* a build error */
	const char *broken = "kernel void k(global int *p) { p[0] = undeclared; }\n";
	cl_program p2 = clCreateProgramWithSource(ctx, 1, &broken, NULL, &err);
	char log[8192] = "";

	OK(err);
	err = clBuildProgram(p2, 1, &dev, NULL, NULL, NULL);
	clGetProgramBuildInfo(p2, dev, CL_PROGRAM_BUILD_LOG, sizeof(log), log, NULL);
	CHECK(err == CL_BUILD_PROGRAM_FAILURE && strstr(log, "undeclared"),
	      "broken build: %d, log '%s'", err, log);
	clReleaseProgram(p2);

	/* recursion: OpenCL C forbids it, the build says so */
	const char *rec = "uint fib(uint n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\n"
			  "kernel void k(global uint *p) { p[0] = fib(6); }\n";
	cl_program p3 = clCreateProgramWithSource(ctx, 1, &rec, NULL, &err);

	OK(err);
	log[0] = '\0';
	err = clBuildProgram(p3, 1, &dev, NULL, NULL, NULL);
	clGetProgramBuildInfo(p3, dev, CL_PROGRAM_BUILD_LOG, sizeof(log), log, NULL);
	CHECK(err == CL_BUILD_PROGRAM_FAILURE && strstr(log, "recursive"),
	      "recursive build: %d, log '%s'", err, log);
	clReleaseProgram(p3);

	/* a program without kernels builds (helper functions only) */
	const char *nok = "int helper(int x) { return x + 1; }\n";
	cl_program p4 = clCreateProgramWithSource(ctx, 1, &nok, NULL, &err);
	size_t nk = 99;

	OK(err);
	CHECK(clBuildProgram(p4, 1, &dev, NULL, NULL, NULL) == CL_SUCCESS, "kernel-less program");
	OK(clGetProgramInfo(p4, CL_PROGRAM_NUM_KERNELS, sizeof(nk), &nk, NULL));
	CHECK(nk == 0, "kernel-less program has %zu kernels", nk);
	clReleaseProgram(p4);

	clReleaseKernel(scale);
	clReleaseKernel(rev);
	clReleaseKernel(say);
	clReleaseKernel(ms);
	clReleaseProgram(p);
	clReleaseProgram(bp);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	free(a);
	free(b);
	printf("%s (%d failures)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
