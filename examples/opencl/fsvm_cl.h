/* SPDX-License-Identifier: MIT */
/*
 * fsvm_cl.h - small helpers shared by the OpenCL examples: error checks,
 * finding the fsvm device the usual way, built-in kernels by name, and
 * printing an event's profiling times.
 *
 * Run the examples with the pocl built by this project:
 *   OCL_ICD_VENDORS=<build>/pocl/vendors POCL_DEVICES=fsvm ./svm_vadd
 */
#ifndef FSVM_CL_H
#define FSVM_CL_H

#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../example_args.h"	/* example_args(), example_count() */

#define CL_CHECK(call)                                                         \
	do {                                                                   \
		cl_int _e = (call);                                            \
		if (_e != CL_SUCCESS) {                                        \
			fprintf(stderr, "%s:%d: %s failed: %d\n", __FILE__,    \
				__LINE__, #call, _e);                          \
			exit(1);                                               \
		}                                                              \
	} while (0)

#define CL_CHECK_ERR(err)                                                      \
	do {                                                                   \
		if ((err) != CL_SUCCESS) {                                     \
			fprintf(stderr, "%s:%d: error %d\n", __FILE__,         \
				__LINE__, (err));                              \
			exit(1);                                               \
		}                                                              \
	} while (0)

/*
 * The first accelerator that offers the fsvm built-in kernels, asked for
 * the way OpenCL programs usually do: every platform, CL_DEVICE_TYPE_ACCELERATOR.
 */
static inline cl_device_id fsvm_cl_find_device(cl_platform_id *platform_out)
{
	cl_platform_id plats[16];
	cl_uint np = 0;

	if (clGetPlatformIDs(16, plats, &np) != CL_SUCCESS || np == 0) {
		fprintf(stderr, "no OpenCL platform (set OCL_ICD_VENDORS=<build>/pocl/vendors)\n");
		exit(1);
	}
	for (cl_uint p = 0; p < np && p < 16; p++) {
		cl_device_id devs[16];
		cl_uint nd = 0;

		if (clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ACCELERATOR, 16, devs, &nd) != CL_SUCCESS)
			continue;
		for (cl_uint i = 0; i < nd && i < 16; i++) {
			char bik[1024] = "";

			clGetDeviceInfo(devs[i], CL_DEVICE_BUILT_IN_KERNELS, sizeof(bik), bik, NULL);
			if (strstr(bik, "fsvm.")) {
				if (platform_out)
					*platform_out = plats[p];
				return devs[i];
			}
		}
	}
	fprintf(stderr, "no fsvm device (OCL_ICD_VENDORS=<build>/pocl/vendors POCL_DEVICES=fsvm)\n");
	exit(1);
}

/* A kernel of the device's built-in kernels, e.g. "fsvm.vadd". */
static inline cl_kernel fsvm_cl_builtin_kernel(cl_context ctx, cl_device_id dev,
					       const char *name, cl_program *prog_out)
{
	cl_int err;
	cl_program prog = clCreateProgramWithBuiltInKernels(ctx, 1, &dev, name, &err);

	CL_CHECK_ERR(err);
	CL_CHECK(clBuildProgram(prog, 1, &dev, NULL, NULL, NULL));
	cl_kernel k = clCreateKernel(prog, name, &err);
	CL_CHECK_ERR(err);
	if (prog_out)
		*prog_out = prog;
	else
		clReleaseProgram(prog);	/* the kernel keeps it alive */
	return k;
}

/* Print an event's profiling times (ns, from the device's clock for
 * kernels) as microseconds relative to when it was queued. */
static inline void fsvm_cl_print_profile(const char *what, cl_event ev)
{
	cl_ulong q = 0, s = 0, st = 0, e = 0;

	clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_QUEUED, sizeof(q), &q, NULL);
	clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_SUBMIT, sizeof(s), &s, NULL);
	clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof(st), &st, NULL);
	clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof(e), &e, NULL);
	printf("%s: queued->submit %.1f us, submit->start %.1f us, device time %.1f us "
	       "(start %llu, end %llu ns)\n",
	       what, (s - q) / 1e3, (st - s) / 1e3, (e - st) / 1e3, (unsigned long long)st,
	       (unsigned long long)e);
}

#endif /* FSVM_CL_H */
