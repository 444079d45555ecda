/* SPDX-License-Identifier: MIT */
/*
 * test_pocl_separate.c - separate compilation and program binaries of
 * OpenCL C on the fsvm (sim) device:
 *  - clCompileProgram with an input header (include name with a directory),
 *    a second compiled object, a library made of it (clLinkProgram
 *    -create-library), and clLinkProgram of object + library into an
 *    executable whose kernel calls a function of the library;
 *  - binary types along the way (COMPILED_OBJECT, LIBRARY, EXECUTABLE);
 *  - CL_PROGRAM_BINARIES of the executable -> clCreateProgramWithBinary ->
 *    clBuildProgram: same kernels, same argument metadata, same results,
 *    and a bad pointer still faults with its VA (a binary is instrumented
 *    again when it is loaded);
 *  - a symbol defined twice: CL_LINK_PROGRAM_FAILURE with a log;
 *  - a binary that is not one: CL_INVALID_BINARY.
 */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static const char *hdr = "#define FSVM_K 7u\nuint mix(uint x);\n";
static const char *src_main =
	"#include \"fsvm/mix.h\"\n"
	"kernel void apply(global const uint *in, global uint *out)\n"
	"{ size_t i = get_global_id(0); out[i] = mix(in[i]) + FSVM_K; }\n";
static const char *src_lib = "uint mix(uint x) { return x * 5u + 1u; }\n";

static cl_program compile(cl_context ctx, cl_device_id dev, const char *s, cl_uint nh,
			  const cl_program *hp, const char **names)
{
	cl_int err;
	cl_program p = clCreateProgramWithSource(ctx, 1, &s, NULL, &err);

	OK(err);
	err = clCompileProgram(p, 1, &dev, "-DUNUSED", nh, hp, names, NULL, NULL);
	if (err != CL_SUCCESS) {
		char log[8192] = "";

		clGetProgramBuildInfo(p, dev, CL_PROGRAM_BUILD_LOG, sizeof(log), log, NULL);
		fprintf(stderr, "FATAL: clCompileProgram %d:\n%s\n", err, log);
		exit(1);
	}
	return p;
}

static cl_program_binary_type btype(cl_program p, cl_device_id dev)
{
	cl_program_binary_type t = 0;

	OK(clGetProgramBuildInfo(p, dev, CL_PROGRAM_BINARY_TYPE, sizeof(t), &t, NULL));
	return t;
}

/* Run apply(in, out) over n items; the event's status. */
static cl_int run(cl_command_queue q, cl_kernel k, const void *in, void *out, size_t n)
{
	cl_event ev;
	cl_int st = 1;

	OK(clSetKernelArgSVMPointer(k, 0, in));
	OK(clSetKernelArgSVMPointer(k, 1, out));
	OK(clEnqueueNDRangeKernel(q, k, 1, NULL, &n, NULL, 0, NULL, &ev));
	clWaitForEvents(1, &ev);
	OK(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL));
	clReleaseEvent(ev);
	return st;
}

static int wrong(const uint32_t *in, const uint32_t *out, size_t n)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++)
		bad += out[i] != in[i] * 5u + 1u + 7u;
	return bad;
}

int main(void)
{
	enum { N = 256 };
	cl_platform_id plat;
	cl_device_id dev;
	cl_int err;
	uint32_t *in = malloc(N * 4), *out = malloc(N * 4);

	for (int i = 0; i < N; i++)
		in[i] = (uint32_t)(i * 2654435761u);
	OK(clGetPlatformIDs(1, &plat, NULL));
	OK(clGetDeviceIDs(plat, CL_DEVICE_TYPE_ACCELERATOR, 1, &dev, NULL));
	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	OK(err);
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	OK(err);

	/* clCompileProgram with a header, twice; a library of the second */
	cl_program h = clCreateProgramWithSource(ctx, 1, &hdr, NULL, &err);
	const char *hname = "fsvm/mix.h";

	OK(err);
	cl_program om = compile(ctx, dev, src_main, 1, &h, &hname);
	cl_program ol = compile(ctx, dev, src_lib, 0, NULL, NULL);

	CHECK(btype(om, dev) == CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT, "object type %lu",
	      (unsigned long)btype(om, dev));
	cl_program lib = clLinkProgram(ctx, 1, &dev, "-create-library", 1, &ol, NULL, NULL, &err);

	OK(err);
	CHECK(btype(lib, dev) == CL_PROGRAM_BINARY_TYPE_LIBRARY, "library type %lu",
	      (unsigned long)btype(lib, dev));
	cl_program ins[2] = { om, lib };
	cl_program exe = clLinkProgram(ctx, 1, &dev, NULL, 2, ins, NULL, NULL, &err);

	OK(err);
	CHECK(btype(exe, dev) == CL_PROGRAM_BINARY_TYPE_EXECUTABLE, "executable type %lu",
	      (unsigned long)btype(exe, dev));
	cl_kernel k = clCreateKernel(exe, "apply", &err);

	OK(err);
	memset(out, 0, N * 4);
	CHECK(run(q, k, in, out, N) == CL_COMPLETE, "linked kernel did not complete");
	CHECK(wrong(in, out, N) == 0, "%d wrong from the linked program", wrong(in, out, N));

	/* CL_PROGRAM_BINARIES -> clCreateProgramWithBinary */
	size_t bsize = 0;

	OK(clGetProgramInfo(exe, CL_PROGRAM_BINARY_SIZES, sizeof(bsize), &bsize, NULL));
	CHECK(bsize > 16, "binary size %zu", bsize);
	unsigned char *bin = malloc(bsize ? bsize : 1);

	OK(clGetProgramInfo(exe, CL_PROGRAM_BINARIES, sizeof(bin), &bin, NULL));
	cl_int bst = 1;
	const unsigned char *cbin = bin;
	cl_program pb = clCreateProgramWithBinary(ctx, 1, &dev, &bsize, &cbin, &bst, &err);

	OK(err);
	CHECK(bst == CL_SUCCESS, "binary status %d", bst);
	err = clBuildProgram(pb, 1, &dev, NULL, NULL, NULL);
	if (err != CL_SUCCESS) {
		char log[8192] = "";

		clGetProgramBuildInfo(pb, dev, CL_PROGRAM_BUILD_LOG, sizeof(log), log, NULL);
		fprintf(stderr, "FATAL: clBuildProgram of the binary %d:\n%s\n", err, log);
		return 1;
	}
	cl_kernel kb = clCreateKernel(pb, "apply", &err);

	OK(err);
	cl_uint nargs = 0;
	char tn[64] = "", an[64] = "";

	OK(clGetKernelInfo(kb, CL_KERNEL_NUM_ARGS, sizeof(nargs), &nargs, NULL));
	CHECK(nargs == 2, "binary kernel has %u args", nargs);
	if (clGetKernelArgInfo(kb, 1, CL_KERNEL_ARG_TYPE_NAME, sizeof(tn), tn, NULL) == CL_SUCCESS)
		CHECK(strcmp(tn, "uint*") == 0, "binary kernel arg 1 type '%s'", tn);
	if (clGetKernelArgInfo(kb, 1, CL_KERNEL_ARG_NAME, sizeof(an), an, NULL) == CL_SUCCESS)
		CHECK(strcmp(an, "out") == 0, "binary kernel arg 1 name '%s'", an);
	memset(out, 0, N * 4);
	CHECK(run(q, kb, in, out, N) == CL_COMPLETE, "binary kernel did not complete");
	CHECK(wrong(in, out, N) == 0, "%d wrong from the binary", wrong(in, out, N));
	/* still every access through the memory port: a bad pointer faults */
	CHECK(run(q, kb, (void *)(uintptr_t)0x2000, out, N) == CL_OUT_OF_RESOURCES,
	      "bad pointer in the binary's kernel did not fault");
	memset(out, 0, N * 4);
	CHECK(run(q, kb, in, out, N) == CL_COMPLETE && wrong(in, out, N) == 0,
	      "launch after the fault");

	/* errors: a symbol defined twice; a binary that is not one */
	cl_program ol2 = compile(ctx, dev, src_lib, 0, NULL, NULL);
	cl_program dup[3] = { om, ol, ol2 };
	cl_program bad = clLinkProgram(ctx, 1, &dev, NULL, 3, dup, NULL, NULL, &err);

	CHECK(err == CL_LINK_PROGRAM_FAILURE, "duplicate symbol link gave %d", err);
	if (bad) {
		char log[8192] = "";

		clGetProgramBuildInfo(bad, dev, CL_PROGRAM_BUILD_LOG, sizeof(log), log, NULL);
		CHECK(strstr(log, "mix") != NULL, "duplicate link log '%s'", log);
		clReleaseProgram(bad);
	}
	static const unsigned char junk[64] = "this is not a program binary";
	const unsigned char *pj = junk;
	size_t lj = sizeof(junk);
	cl_program pjunk = clCreateProgramWithBinary(ctx, 1, &dev, &lj, &pj, &bst, &err);

	CHECK(pjunk == NULL && err == CL_INVALID_BINARY && bst == CL_INVALID_BINARY,
	      "junk binary: err %d status %d", err, bst);

	clReleaseKernel(k);
	clReleaseKernel(kb);
	clReleaseProgram(h);
	clReleaseProgram(om);
	clReleaseProgram(ol);
	clReleaseProgram(ol2);
	clReleaseProgram(lib);
	clReleaseProgram(exe);
	clReleaseProgram(pb);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	free(bin);
	free(in);
	free(out);
	printf("%s (%d failures)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
