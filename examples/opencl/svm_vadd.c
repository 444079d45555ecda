/* SPDX-License-Identifier: MIT */
/*
 * svm_vadd.c - c = a + b on the FPGA, three ways to hand it memory:
 *
 *  1. coarse-grained SVM (clSVMAlloc): the host fills a and b between
 *     clEnqueueSVMMap and clEnqueueSVMUnmap, as OpenCL requires;
 *  2. cl_mem buffers: zero copy, the buffer's device address is its host
 *     pointer, so clEnqueueMapBuffer returns the memory the kernel uses;
 *  3. pointers into the middle of an SVM allocation: the second half of
 *     the same arrays, passed with clSetKernelArgSVMPointer(a + n/2).
 *
 * Each result is checked against the CPU (IEEE float32 adds).
 *
 *   OCL_ICD_VENDORS=<build>/pocl/vendors POCL_DEVICES=fsvm ./svm_vadd [n]
 *
 * n: floats per array, 2..2^32 (default 2^20).
 */
#include <stdint.h>

#include "fsvm_cl.h"

static size_t check(const float *a, const float *b, const float *c, size_t n)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		if (c[i] != a[i] + b[i]) {
			if (bad < 5)
				fprintf(stderr, "c[%zu] = %g, want %g\n", i, c[i], a[i] + b[i]);
			bad++;
		}
	return bad;
}

int main(int argc, char **argv)
{
	size_t n, bad = 0;
	cl_int err;

	example_args(argc, argv, 1, "[n]\n"
		     "c = a + b over n floats (2..2^32, default 2^20) on the fsvm device,\n"
		     "through coarse-grained SVM, cl_mem buffers and pointers into the\n"
		     "middle of an SVM allocation.\n");
	n = example_count(argc, argv, 1, "n", 1 << 20, 2, 1ull << 32);
	cl_device_id dev = fsvm_cl_find_device(NULL);
	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CL_CHECK_ERR(err);
	cl_queue_properties qp[] = { CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0 };
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, qp, &err);
	CL_CHECK_ERR(err);
	cl_kernel k = fsvm_cl_builtin_kernel(ctx, dev, "fsvm.vadd", NULL);
	size_t bytes = n * sizeof(float), gws = n;
	cl_event ev;

	/* 1. coarse-grained SVM */
	float *a = clSVMAlloc(ctx, CL_MEM_READ_ONLY, bytes, 0);
	float *b = clSVMAlloc(ctx, CL_MEM_READ_ONLY, bytes, 0);
	float *c = clSVMAlloc(ctx, CL_MEM_READ_WRITE, bytes, 0);
	if (!a || !b || !c) {
		fprintf(stderr, "clSVMAlloc failed\n");
		return 1;
	}
	printf("clSVMAlloc: a=%p b=%p c=%p (page aligned: %s)\n", (void *)a, (void *)b, (void *)c,
	       ((uintptr_t)a | (uintptr_t)b | (uintptr_t)c) % 4096 == 0 ? "yes" : "no");
	CL_CHECK(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, a, bytes, 0, NULL, NULL));
	CL_CHECK(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, b, bytes, 0, NULL, NULL));
	for (size_t i = 0; i < n; i++) {
		a[i] = (float)i * 0.5f;
		b[i] = 1000.0f - (float)i * 0.25f;
	}
	CL_CHECK(clEnqueueSVMUnmap(q, a, 0, NULL, NULL));
	CL_CHECK(clEnqueueSVMUnmap(q, b, 0, NULL, NULL));
	cl_ulong cn = n;
	CL_CHECK(clSetKernelArgSVMPointer(k, 0, a));
	CL_CHECK(clSetKernelArgSVMPointer(k, 1, b));
	CL_CHECK(clSetKernelArgSVMPointer(k, 2, c));
	CL_CHECK(clSetKernelArg(k, 3, sizeof(cn), &cn));
	CL_CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &gws, NULL, 0, NULL, &ev));
	CL_CHECK(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_READ, c, bytes, 1, &ev, NULL));
	size_t b1 = check(a, b, c, n);
	CL_CHECK(clEnqueueSVMUnmap(q, c, 0, NULL, NULL));
	printf("1. coarse-grained SVM, %zu floats: %s\n", n, b1 ? "FAIL" : "ok");
	fsvm_cl_print_profile("   fsvm.vadd", ev);
	cl_ulong st, en;
	clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof(st), &st, NULL);
	clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof(en), &en, NULL);
	printf("   device statistics: %.2f GB/s (12 bytes per element)\n",
	       en > st ? 12.0 * n / (double)(en - st) : 0.0);
	clReleaseEvent(ev);
	bad += b1;

	/* 2. cl_mem buffers, zero copy */
	cl_mem ba = clCreateBuffer(ctx, CL_MEM_READ_ONLY | CL_MEM_ALLOC_HOST_PTR, bytes, NULL, &err);
	CL_CHECK_ERR(err);
	cl_mem bb = clCreateBuffer(ctx, CL_MEM_READ_ONLY | CL_MEM_ALLOC_HOST_PTR, bytes, NULL, &err);
	CL_CHECK_ERR(err);
	cl_mem bc = clCreateBuffer(ctx, CL_MEM_WRITE_ONLY | CL_MEM_ALLOC_HOST_PTR, bytes, NULL, &err);
	CL_CHECK_ERR(err);
	float *ma = clEnqueueMapBuffer(q, ba, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, 0, bytes, 0, NULL, NULL, &err);
	CL_CHECK_ERR(err);
	float *mb = clEnqueueMapBuffer(q, bb, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, 0, bytes, 0, NULL, NULL, &err);
	CL_CHECK_ERR(err);
	for (size_t i = 0; i < n; i++) {
		ma[i] = (float)(i % 1000) + 0.125f;
		mb[i] = (float)(i % 7) * 3.0f;
	}
	CL_CHECK(clEnqueueUnmapMemObject(q, ba, ma, 0, NULL, NULL));
	CL_CHECK(clEnqueueUnmapMemObject(q, bb, mb, 0, NULL, NULL));
	CL_CHECK(clSetKernelArg(k, 0, sizeof(cl_mem), &ba));
	CL_CHECK(clSetKernelArg(k, 1, sizeof(cl_mem), &bb));
	CL_CHECK(clSetKernelArg(k, 2, sizeof(cl_mem), &bc));
	CL_CHECK(clSetKernelArg(k, 3, sizeof(cn), &cn));
	CL_CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &gws, NULL, 0, NULL, NULL));
	float *mc = clEnqueueMapBuffer(q, bc, CL_TRUE, CL_MAP_READ, 0, bytes, 0, NULL, NULL, &err);
	CL_CHECK_ERR(err);
	/* map again for reading: the same host memory the device wrote */
	ma = clEnqueueMapBuffer(q, ba, CL_TRUE, CL_MAP_READ, 0, bytes, 0, NULL, NULL, &err);
	CL_CHECK_ERR(err);
	mb = clEnqueueMapBuffer(q, bb, CL_TRUE, CL_MAP_READ, 0, bytes, 0, NULL, NULL, &err);
	CL_CHECK_ERR(err);
	size_t b2 = check(ma, mb, mc, n);
	CL_CHECK(clEnqueueUnmapMemObject(q, ba, ma, 0, NULL, NULL));
	CL_CHECK(clEnqueueUnmapMemObject(q, bb, mb, 0, NULL, NULL));
	CL_CHECK(clEnqueueUnmapMemObject(q, bc, mc, 0, NULL, NULL));
	CL_CHECK(clFinish(q));
	printf("2. cl_mem buffers (zero copy, mapped at %p): %s\n", (void *)mc, b2 ? "FAIL" : "ok");
	bad += b2;

	/* 3. pointers into the middle of the same allocations */
	size_t h = n / 2;
	cl_ulong hn = n - h;
	CL_CHECK(clEnqueueSVMMemFill(q, c, &(float){ -1.0f }, sizeof(float), bytes, 0, NULL, NULL));
	CL_CHECK(clSetKernelArgSVMPointer(k, 0, a + h));
	CL_CHECK(clSetKernelArgSVMPointer(k, 1, b + h));
	CL_CHECK(clSetKernelArgSVMPointer(k, 2, c + h));
	CL_CHECK(clSetKernelArg(k, 3, sizeof(hn), &hn));
	size_t hg = n - h;
	CL_CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &hg, NULL, 0, NULL, NULL));
	CL_CHECK(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_READ, c, bytes, 0, NULL, NULL));
	size_t b3 = check(a + h, b + h, c + h, n - h);
	for (size_t i = 0; i < h; i++)
		if (c[i] != -1.0f)
			b3++;	/* the first half must be untouched */
	CL_CHECK(clEnqueueSVMUnmap(q, c, 0, NULL, NULL));
	CL_CHECK(clFinish(q));
	printf("3. pointers into the middle (a+%zu, b+%zu, c+%zu): %s\n", h, h, h, b3 ? "FAIL" : "ok");
	bad += b3;

	printf("%s\n", bad ? "FAIL" : "PASS: all three match the CPU");
	clReleaseMemObject(ba);
	clReleaseMemObject(bb);
	clReleaseMemObject(bc);
	clSVMFree(ctx, a);
	clSVMFree(ctx, b);
	clSVMFree(ctx, c);
	clReleaseKernel(k);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	return bad ? 1 : 0;
}
