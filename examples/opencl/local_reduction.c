/* SPDX-License-Identifier: MIT */
/*
 * local_reduction - a work-group reduction in __local memory with barriers,
 * an OpenCL C kernel built by clBuildProgram, on a malloc'ed array; then a
 * built-in fsvm kernel in the same queue (fsvm.memset) clears the partial
 * sums, mixed with the compiled one. Checked against the CPU.
 *
 *   OCL_ICD_VENDORS=<build>/pocl/vendors POCL_DEVICES=fsvm ./local_reduction [n]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fsvm_cl.h"

static const char *src =
	"kernel void reduce(global const uint *in, global ulong *partial, local ulong *s)\n"
	"{\n"
	"	size_t l = get_local_id(0), n = get_local_size(0);\n"
	"	s[l] = in[get_global_id(0)];\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	for (size_t k = n / 2; k > 0; k /= 2) {\n"
	"		if (l < k)\n"
	"			s[l] += s[l + k];\n"
	"		barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	}\n"
	"	if (l == 0)\n"
	"		partial[get_group_id(0)] = s[0];\n"
	"}\n";

int main(int argc, char **argv)
{
	size_t n, local = 256, groups;
	cl_platform_id plat;
	cl_int err;

	example_args(argc, argv, 1, "[n]\n"
		     "Sums n 32-bit values (1..2^32, rounded up to a multiple of 256,\n"
		     "default 2^18) with a work-group reduction in local memory.\n");
	n = example_count(argc, argv, 1, "n", 1u << 18, 1, 1ull << 32);
	cl_device_id dev = fsvm_cl_find_device(&plat);

	n = (n + local - 1) / local * local;
	groups = n / local;
	uint32_t *in = malloc(n * sizeof(*in));
	uint64_t *partial = malloc(groups * sizeof(*partial));
	uint64_t want = 0, got = 0;

	if (!in || !partial) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		in[i] = (uint32_t)(i * 2654435761u);
		want += in[i];
	}
	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CL_CHECK_ERR(err);
	cl_command_queue q = clCreateCommandQueueWithProperties(
		ctx, dev, (cl_queue_properties[]){ CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0 },
		&err);
	CL_CHECK_ERR(err);
	cl_program prog = clCreateProgramWithSource(ctx, 1, &src, NULL, &err);
	CL_CHECK_ERR(err);
	err = clBuildProgram(prog, 1, &dev, NULL, NULL, NULL);
	if (err != CL_SUCCESS) {
		char log[8192] = "";

		clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, sizeof(log), log, NULL);
		fprintf(stderr, "clBuildProgram: %d\n%s\n", err, log);
		return 1;
	}
	cl_kernel k = clCreateKernel(prog, "reduce", &err);
	CL_CHECK_ERR(err);
	cl_program bprog = clCreateProgramWithBuiltInKernels(ctx, 1, &dev, "fsvm.memset", &err);
	CL_CHECK_ERR(err);
	CL_CHECK(clBuildProgram(bprog, 1, &dev, NULL, NULL, NULL));
	cl_kernel ms = clCreateKernel(bprog, "fsvm.memset", &err);
	CL_CHECK_ERR(err);

	/* built-in: fill the partial sums with 0xff bytes, then the reduction */
	cl_uint byte = 0xff;
	cl_ulong bytes = groups * sizeof(*partial);
	size_t one = 1;

	CL_CHECK(clSetKernelArgSVMPointer(ms, 0, partial));
	CL_CHECK(clSetKernelArg(ms, 1, sizeof(byte), &byte));
	CL_CHECK(clSetKernelArg(ms, 2, sizeof(bytes), &bytes));
	CL_CHECK(clEnqueueNDRangeKernel(q, ms, 1, NULL, &one, NULL, 0, NULL, NULL));
	CL_CHECK(clSetKernelArgSVMPointer(k, 0, in));
	CL_CHECK(clSetKernelArgSVMPointer(k, 1, partial));
	CL_CHECK(clSetKernelArg(k, 2, local * sizeof(uint64_t), NULL));
	cl_event ev;

	CL_CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &n, &local, 0, NULL, &ev));
	CL_CHECK(clFinish(q));
	for (size_t g = 0; g < groups; g++)
		got += partial[g];

	cl_ulong t0 = 0, t1 = 0;

	clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof(t0), &t0, NULL);
	clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof(t1), &t1, NULL);
	printf("reduction of %zu uints in %zu work-groups of %zu (local memory, barriers): "
	       "device %llu, cpu %llu; simulator time %.1f us\n", n, groups, local,
	       (unsigned long long)got, (unsigned long long)want, (double)(t1 - t0) / 1e3);
	printf("%s\n", got == want ? "PASS" : "FAIL");
	clReleaseEvent(ev);
	clReleaseKernel(k);
	clReleaseKernel(ms);
	clReleaseProgram(prog);
	clReleaseProgram(bprog);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	free(in);
	free(partial);
	return got == want ? 0 : 1;
}
