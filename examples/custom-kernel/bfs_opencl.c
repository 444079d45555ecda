/* SPDX-License-Identifier: MIT */
/*
 * bfs_opencl.c - the custom kernel bfs_expand through OpenCL: the fsvm pocl
 * driver offers every kernel of the device's kernel table as the built-in
 * kernel "fsvm.<name>", here from the device sim:graph this directory
 * builds. The graph is plain malloc memory (fine-grain system SVM).
 *
 *   OCL_ICD_VENDORS=<fsvm build>/pocl/vendors POCL_DEVICES=fsvm \
 *   FSVM_DEVICE=sim:graph ./bfs_opencl [vertices] [average degree]
 *
 * One launch per level; every level is checked against the CPU.
 */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bfs_graph.h"

#define CHECK(call)                                                              \
	do {                                                                     \
		cl_int _e = (call);                                              \
		if (_e != CL_SUCCESS) {                                          \
			fprintf(stderr, "%s:%d: %s: error %d\n", __FILE__, __LINE__, \
				#call, _e);                                      \
			exit(1);                                                 \
		}                                                                \
	} while (0)

static uint64_t rng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* The first device whose built-in kernels include fsvm.bfs_expand. */
static cl_device_id find_device(void)
{
	cl_platform_id plats[8];
	cl_uint np = 0;

	if (clGetPlatformIDs(8, plats, &np) != CL_SUCCESS)
		np = 0;
	for (cl_uint p = 0; p < np && p < 8; p++) {
		cl_device_id devs[8];
		cl_uint nd = 0;

		if (clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, 8, devs, &nd) != CL_SUCCESS)
			continue;
		for (cl_uint i = 0; i < nd && i < 8; i++) {
			char bik[2048] = "";

			clGetDeviceInfo(devs[i], CL_DEVICE_BUILT_IN_KERNELS, sizeof(bik) - 1, bik, NULL);
			if (strstr(bik, "fsvm.bfs_expand"))
				return devs[i];
		}
	}
	fprintf(stderr, "bfs_opencl: no device offers fsvm.bfs_expand (OCL_ICD_VENDORS=<fsvm "
		"build>/pocl/vendors POCL_DEVICES=fsvm FSVM_DEVICE=sim:graph)\n");
	exit(1);
}

int main(int argc, char **argv)
{
	cl_ulong nv = argc > 1 ? strtoull(argv[1], NULL, 0) : 20000;
	uint64_t avg = argc > 2 ? strtoull(argv[2], NULL, 0) : 6;
	uint64_t seed = 7;
	cl_int err;

	if (nv < 1 || nv > (1u << 24) || avg > 64) {
		fprintf(stderr, "usage: bfs_opencl [vertices 1..2^24] [average degree 0..64]\n");
		return 2;
	}
	cl_device_id dev = find_device();
	cl_device_svm_capabilities caps = 0;

	CHECK(clGetDeviceInfo(dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(caps), &caps, NULL));
	if (!(caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM)) {
		fprintf(stderr, "bfs_opencl: the device has no fine-grain system SVM\n");
		return 1;
	}
	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CHECK(err);
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	CHECK(err);
	cl_program prog = clCreateProgramWithBuiltInKernels(ctx, 1, &dev, "fsvm.bfs_expand", &err);
	CHECK(err);
	CHECK(clBuildProgram(prog, 1, &dev, NULL, NULL, NULL));
	cl_kernel k = clCreateKernel(prog, "fsvm.bfs_expand", &err);
	CHECK(err);

	struct bfs_vertex *g = calloc(nv, sizeof(*g));
	uint32_t *lv_dev = malloc(nv * 4), *lv_cpu = malloc(nv * 4);
	uint32_t *fr[2] = { malloc(nv * 4), malloc(nv * 4) };
	uint32_t *fr_cpu = malloc(nv * 4), *next_cpu = malloc(nv * 4);
	uint64_t *count = malloc(sizeof(*count));

	if (!g || !lv_dev || !lv_cpu || !fr[0] || !fr[1] || !fr_cpu || !next_cpu || !count) {
		fprintf(stderr, "bfs_opencl: out of memory\n");
		return 1;
	}
	for (cl_ulong v = 0; v < nv; v++) {
		uint64_t deg = avg ? rng(&seed) % (2 * avg + 1) : 0;
		uint32_t *adj = deg ? malloc(deg * 4) : NULL;

		if (deg && !adj)
			return 1;
		for (uint64_t e = 0; e < deg; e++)
			adj[e] = (uint32_t)(rng(&seed) % nv);
		g[v].adj = (uintptr_t)adj;
		g[v].degree = deg;
	}
	memset(lv_dev, 0xff, nv * 4);
	memset(lv_cpu, 0xff, nv * 4);
	lv_dev[0] = lv_cpu[0] = 0;
	fr[0][0] = fr_cpu[0] = 0;

	cl_bool yes = CL_TRUE;
	CHECK(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM, sizeof(yes), &yes));
	cl_ulong nfront = 1, reached = 1;
	cl_uint depth = 0;

	while (nfront > 0) {
		uint32_t *cur = fr[depth & 1], *nxt = fr[(depth + 1) & 1];
		size_t gws = 1;
		uint64_t ncpu = 0;

		CHECK(clSetKernelArgSVMPointer(k, 0, g));
		CHECK(clSetKernelArg(k, 1, sizeof(nv), &nv));
		CHECK(clSetKernelArgSVMPointer(k, 2, cur));
		CHECK(clSetKernelArg(k, 3, sizeof(nfront), &nfront));
		CHECK(clSetKernelArgSVMPointer(k, 4, lv_dev));
		CHECK(clSetKernelArg(k, 5, sizeof(depth), &depth));
		CHECK(clSetKernelArgSVMPointer(k, 6, nxt));
		CHECK(clSetKernelArgSVMPointer(k, 7, count));
		CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &gws, NULL, 0, NULL, NULL));
		CHECK(clFinish(q));

		/* The CPU's level. */
		for (cl_ulong i = 0; i < nfront; i++) {
			const uint32_t *adj = (const uint32_t *)(uintptr_t)g[fr_cpu[i]].adj;

			for (uint64_t e = 0; e < g[fr_cpu[i]].degree; e++) {
				if (lv_cpu[adj[e]] != BFS_UNSEEN)
					continue;
				lv_cpu[adj[e]] = depth + 1;
				next_cpu[ncpu++] = adj[e];
			}
		}
		if (*count != ncpu || memcmp(nxt, next_cpu, ncpu * 4) != 0) {
			fprintf(stderr, "bfs_opencl: level %u: device %" PRIu64 " vertices, CPU %"
				PRIu64 "\n", depth + 1, *count, ncpu);
			return 1;
		}
		memcpy(fr_cpu, next_cpu, ncpu * 4);
		reached += ncpu;
		nfront = ncpu;
		depth++;
	}
	if (memcmp(lv_dev, lv_cpu, nv * 4) != 0) {
		fprintf(stderr, "bfs_opencl: levels differ from the CPU\n");
		return 1;
	}
	printf("bfs_opencl: fsvm.bfs_expand, %" PRIu64 " vertices, %u levels, %" PRIu64
	       " reached: matches the CPU\n", (uint64_t)nv, depth, (uint64_t)reached);

	clReleaseKernel(k);
	clReleaseProgram(prog);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	for (cl_ulong v = 0; v < nv; v++)
		free((void *)(uintptr_t)g[v].adj);
	free(g);
	free(lv_dev);
	free(lv_cpu);
	free(fr[0]);
	free(fr[1]);
	free(fr_cpu);
	free(next_cpu);
	free(count);
	return 0;
}
