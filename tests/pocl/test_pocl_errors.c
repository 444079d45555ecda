/* SPDX-License-Identifier: MIT */
/*
 * test_pocl_errors.c - how the fsvm device reports errors through OpenCL:
 *  - a kernel fault reaches the context's pfn_notify with the kernel name,
 *    the VA and the access (cl_fsvm_fault_report, fsvm_cl_ext.h);
 *  - commands waiting on a failed one end with
 *    CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST (-14);
 *  - a CL_COMPLETE callback of a failed event receives its negative status
 *    (pocl v7.1 bug fixed by patches/0005);
 *  - CL_DEVICE_LOCAL_MEM_SIZE and CL_DEVICE_PRINTF_BUFFER_SIZE meet the
 *    profile's minimums; the extension is listed.
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

#include "fsvm_cl_ext.h"
#include "fsvm_hw.h"

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

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int notes;
static char note_text[512];
static struct cl_fsvm_fault_info note_info;
static size_t note_cb;
static int cb_calls;
static cl_int cb_status = 1;

static void CL_CALLBACK on_error(const char *errinfo, const void *priv, size_t cb, void *user)
{
	pthread_mutex_lock(&lock);
	notes++;
	snprintf(note_text, sizeof(note_text), "%s", errinfo);
	note_cb = cb;
	if (priv && cb >= sizeof(note_info))
		memcpy(&note_info, priv, sizeof(note_info));
	CHECK(user == &notes, "user_data %p", user);
	pthread_mutex_unlock(&lock);
}

static void CL_CALLBACK on_complete(cl_event e, cl_int st, void *user)
{
	(void)e;
	(void)user;
	pthread_mutex_lock(&lock);
	cb_calls++;
	cb_status = st;
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
	char ext[4096];
	cl_ulong local = 0;
	size_t pbuf = 0;

	OK(clGetPlatformIDs(1, &plat, NULL));
	OK(clGetDeviceIDs(plat, CL_DEVICE_TYPE_ACCELERATOR, 1, &dev, NULL));
	OK(clGetDeviceInfo(dev, CL_DEVICE_EXTENSIONS, sizeof(ext), ext, NULL));
	CHECK(strstr(ext, CL_FSVM_FAULT_REPORT_EXTENSION_NAME) != NULL, "extensions: %s", ext);
	OK(clGetDeviceInfo(dev, CL_DEVICE_LOCAL_MEM_SIZE, sizeof(local), &local, NULL));
	CHECK(local >= 32768 && local == FSVM_LOCAL_MEM_BYTES, "local mem %llu",
	      (unsigned long long)local);
	OK(clGetDeviceInfo(dev, CL_DEVICE_PRINTF_BUFFER_SIZE, sizeof(pbuf), &pbuf, NULL));
	CHECK(pbuf >= 1024, "printf buffer %zu", pbuf);

	cl_context ctx = clCreateContext(NULL, 1, &dev, on_error, &notes, &err);
	OK(err);
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	OK(err);
	cl_command_queue q2 = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	OK(err);
	cl_program prog = clCreateProgramWithBuiltInKernels(ctx, 1, &dev,
							    "fsvm.memset;fsvm.nop", &err);
	OK(err);
	OK(clBuildProgram(prog, 1, &dev, NULL, NULL, NULL));
	cl_kernel ms = clCreateKernel(prog, "fsvm.memset", &err);
	OK(err);

	/* A write to a read-only page, held back by a user event so that the
	 * dependants surely wait on it. */
	long ps = sysconf(_SC_PAGE_SIZE);
	unsigned char *ro = mmap(NULL, (size_t)ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cl_uint v = 7;
	cl_ulong nb = 16;
	size_t g = 1;
	cl_event gate = clCreateUserEvent(ctx, &err), bad, dep_marker, dep_kernel;

	OK(err);
	CHECK(ro != MAP_FAILED, "mmap");
	OK(clSetKernelArgSVMPointer(ms, 0, ro + 64));
	OK(clSetKernelArg(ms, 1, sizeof(v), &v));
	OK(clSetKernelArg(ms, 2, sizeof(nb), &nb));
	OK(clEnqueueNDRangeKernel(q, ms, 1, NULL, &g, NULL, 1, &gate, &bad));
	OK(clSetEventCallback(bad, CL_COMPLETE, on_complete, NULL));
	OK(clEnqueueMarkerWithWaitList(q2, 1, &bad, &dep_marker));
	cl_kernel nop = clCreateKernel(prog, "fsvm.nop", &err);
	OK(err);
	OK(clEnqueueNDRangeKernel(q2, nop, 1, NULL, &g, NULL, 1, &bad, &dep_kernel));
	OK(clSetUserEventStatus(gate, CL_COMPLETE));
	clWaitForEvents(1, &bad);
	clFinish(q2);

	CHECK(status_of(bad) == CL_OUT_OF_RESOURCES, "faulted kernel: %d", status_of(bad));
	CHECK(status_of(dep_marker) == CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST,
	      "marker after the fault: %d", status_of(dep_marker));
	CHECK(status_of(dep_kernel) == CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST,
	      "kernel after the fault: %d", status_of(dep_kernel));
	CHECK(ro[64] == 0, "read-only page written");

	/* callbacks run on pocl's callback thread: give it a moment */
	for (int i = 0; i < 2000; i++) {
		pthread_mutex_lock(&lock);
		int done = cb_calls > 0;
		pthread_mutex_unlock(&lock);
		if (done)
			break;
		usleep(1000);
	}
	pthread_mutex_lock(&lock);
	CHECK(cb_calls == 1 && cb_status == CL_OUT_OF_RESOURCES,
	      "CL_COMPLETE callback: %d calls, status %d", cb_calls, cb_status);
	CHECK(notes == 1, "pfn_notify called %d times", notes);
	char va[32];
	snprintf(va, sizeof(va), "0x%llx", (unsigned long long)(uintptr_t)(ro + 64));
	CHECK(strstr(note_text, "fsvm.memset") && strstr(note_text, "write") &&
	      strstr(note_text, va), "message '%s' (want fsvm.memset, write, %s)", note_text, va);
	CHECK(note_cb == sizeof(note_info) && note_info.size == sizeof(note_info),
	      "private_info size %zu/%u", note_cb, note_info.size);
	CHECK(note_info.va == (uint64_t)(uintptr_t)(ro + 64) && note_info.is_write == 1 &&
	      note_info.syndrome != 0 && note_info.in_packet == 0 &&
	      strcmp(note_info.kernel_name, "fsvm.memset") == 0,
	      "fault info va 0x%llx write %u synd 0x%x pkt %u name %s",
	      (unsigned long long)note_info.va, note_info.is_write, note_info.syndrome,
	      note_info.in_packet, note_info.kernel_name);
	pthread_mutex_unlock(&lock);

	/* The device still works, and a good launch notifies nothing. */
	cl_event good;
	OK(clEnqueueNDRangeKernel(q, nop, 1, NULL, &g, NULL, 0, NULL, &good));
	CHECK(clWaitForEvents(1, &good) == CL_SUCCESS && status_of(good) == CL_COMPLETE,
	      "nop after the fault: %d", status_of(good));
	CHECK(notes == 1, "pfn_notify after a good launch: %d", notes);

	cl_event evs[] = { gate, bad, dep_marker, dep_kernel, good };
	for (unsigned i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		clReleaseEvent(evs[i]);
	munmap(ro, (size_t)ps);
	clReleaseKernel(ms);
	clReleaseKernel(nop);
	clReleaseProgram(prog);
	clReleaseCommandQueue(q);
	clReleaseCommandQueue(q2);
	clReleaseContext(ctx);
	printf("%s (%d failures)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
