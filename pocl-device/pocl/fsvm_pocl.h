/* SPDX-License-Identifier: MIT */
/*
 * fsvm_pocl.h - the fsvm pocl driver: shared declarations.
 *
 * The driver is thin glue between pocl's device-driver interface and
 * libfsvm (fsvm.h): pocl commands become libfsvm calls and nothing else.
 * It is compiled inside pocl's own build (see inside-pocl/CMakeLists.txt)
 * because pocl has no out-of-tree driver interface; the project's CMake
 * registers it with the small patch in patches/.
 *
 *   fsvm_pocl.c          device discovery, device info, ops table, SVM
 *   fsvm_pocl_kernels.c  built-in kernels from the hardware's kernel table:
 *                        names, argument metadata, argument packing
 *   fsvm_pocl_exec.c     submission, completion thread, events, queues,
 *                        profiling, faults
 *
 * Threads: pocl calls submit/notify from user threads and from the
 * completion thread; launches go straight to the device ring from there
 * (fsvm_launch_ex is a few stores and one doorbell write). Each device has
 * one completion thread that blocks in fsvm_wait() on the oldest launch in
 * flight (signalled by the device interrupt, never sleep-polling) and one
 * host thread that runs host-side commands (copies, fills, maps, markers)
 * that became ready while locks were held.
 */
#ifndef FSVM_POCL_H
#define FSVM_POCL_H

#include <pthread.h>
#include <stdint.h>

#include "pocl_cl.h"

#include "fsvm.h"

/* Kernel names in CL_DEVICE_BUILT_IN_KERNELS: "fsvm.<table name>". */
#define FSVM_POCL_KERNEL_PREFIX "fsvm."

/* A host command queued for the host thread (inside its event's data, so
 * queueing one never allocates). */
struct fsvm_pocl_host_item {
	_cl_command_node *node;
	cl_int action;			/* 0: run it, 1: complete it, < 0: fail it with this status */
	struct fsvm_pocl_host_item *next;
};

/* Per-event driver data (event->data), allocated when the event is queued.
 * If that allocation fails, event->data stays NULL and submit() fails the
 * command with CL_OUT_OF_HOST_MEMORY. */
struct fsvm_pocl_event {
	struct fsvm_completion rec;	/* written by the device; first for alignment */
	pthread_cond_t done_cond;	/* clWaitForEvents sleeps here (event lock) */
	struct fsvm_pocl_event *next;	/* in-flight FIFO of the device */
	cl_event event;
	_cl_command_node *node;
	const struct fsvm_kernel_desc *kdesc;	/* kernel launched, for fault reports */
	int launched;			/* rec belongs to a launch in flight/done */
	/* a compiled kernel's launch: read by the device by VA until done */
	struct fsvm_compiled_launch cdesc;
	uint64_t cslots[FSVM_COMPILED_MAX_ARGS];
	uint64_t *printf_buf;		/* FSVM_POCL_PRINTF_BYTES, or NULL */
	const char *cname;		/* compiled kernel's name, for reports */
	struct fsvm_pocl_host_item host;	/* when the host thread handles it */
};

/* Per-queue driver data (queue->data). */
struct fsvm_pocl_queue {
	pthread_cond_t idle_cond;	/* clFinish sleeps here (queue lock) */
};

/* Per-device driver data (device->data). */
struct fsvm_pocl_device {
	cl_bool available;		/* device->available points here */
	char name[80];			/* CL_DEVICE_NAME */
	char version[64];		/* CL_DEVICE_VERSION */
	char driver_version[64];	/* CL_DRIVER_VERSION */
	char hash[96];			/* build hash: device and kernel table */

	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_device_info info;
	int compiles;			/* the device runs compiled OpenCL C (sim) */
	unsigned int num_kernels;
	struct fsvm_kernel_desc kernels[FSVM_MAX_KERNELS];

	/* Device ticks -> host monotonic ns (pocl's clock), measured at init. */
	uint64_t base_ticks;
	uint64_t base_host_ns;
	/* POCL_FSVM_PROFILING=modelled (sim only): a kernel's END is its START
	 * plus the cycle model's time (cycles / clock), not the wall time the
	 * simulator took. */
	int profile_modelled;
	/* The device clock counts simulated cycles, not wall time (backend
	 * rtl: the Verilated shell's TIME advances only while it is clocked),
	 * so a record's ticks give a duration but cannot be paired with the
	 * host clock: a kernel's END is its START plus end - start ticks. */
	int clock_is_cycles;

	/* Launches in flight, in ring order; the completion thread waits on
	 * the head. Protected by lock. */
	pthread_mutex_t lock;
	pthread_cond_t work_cond;	/* completion thread: FIFO no longer empty */
	struct fsvm_pocl_event *inflight_head, *inflight_tail;
	int stop;
	pthread_t completion_thread;

	/* Host commands made ready while pocl's locks were held. */
	pthread_mutex_t host_lock;
	pthread_cond_t host_cond;
	struct fsvm_pocl_host_item *host_head, *host_tail;
	int host_stop;
	pthread_t host_thread;
	int threads_started;
};

/* A compiled (OpenCL C) kernel of a program (fsvm_pocl_compile.c). */
struct fsvm_pocl_carg {
	unsigned addr_space;		/* 0 private (by value), 1 global, 2 constant, 3 local */
	size_t size;			/* by-value size */
	cl_kernel_arg_access_qualifier access;
	cl_kernel_arg_type_qualifier type_qual;
	char *type_name, *name;
};

struct fsvm_pocl_ckernel {
	char *name;
	uint64_t handle;		/* fsvm_compiled_register */
	int registered;
	int uses_printf;
	unsigned nargs, got;
	uint8_t kinds[FSVM_COMPILED_MAX_ARGS];
	struct fsvm_pocl_carg args[FSVM_COMPILED_MAX_ARGS];
};

/* program->data[device_i] of a program built from source. */
struct fsvm_pocl_program {
	void *so;			/* the instrumented kernels (dlopen) */
	int uses_printf;		/* the source mentions printf */
	unsigned num_kernels;
	struct fsvm_pocl_ckernel *kernels;
};

/* Bytes of the per-launch printf buffer (CL_DEVICE_PRINTF_BUFFER_SIZE,
 * the FULL profile's 1 MiB), allocated only for programs that call printf. */
#define FSVM_POCL_PRINTF_BYTES (1024u * 1024u)

/* ---- fsvm_pocl_compile.c ---- */
int fsvm_pocl_build_source(cl_program program, cl_uint device_i, cl_uint num_input_headers,
			   const cl_program *input_headers, const char **header_include_names,
			   int link_program);
int fsvm_pocl_link_program(cl_program program, cl_uint device_i, cl_uint num_input_programs,
			   const cl_program *input_programs, int create_library);
int fsvm_pocl_build_binary(cl_program program, cl_uint device_i, int link_program,
			   int spir_build);
int fsvm_pocl_supports_binary(cl_device_id device, size_t length, const char *binary);
int fsvm_pocl_free_program(cl_device_id device, cl_program program, unsigned device_i);
int fsvm_pocl_setup_compiled_metadata(cl_program program, struct fsvm_pocl_program *pp);
const struct fsvm_pocl_ckernel *fsvm_pocl_find_compiled(cl_program program, unsigned device_i,
							const char *name);
void fsvm_pocl_free_compiled(struct fsvm_pocl_device *d, struct fsvm_pocl_program *pp);

/* ---- fsvm_pocl_kernels.c ---- */

/* Find a kernel of the device's table by its OpenCL name ("fsvm.vadd").
 * NULL if there is none. */
const struct fsvm_kernel_desc *fsvm_pocl_find_kernel(const struct fsvm_pocl_device *d,
						     const char *cl_name);

/* Build "fsvm.a;fsvm.b;..." (malloc'ed) from the kernel table. */
char *fsvm_pocl_builtin_list(const struct fsvm_pocl_device *d);

/* ops->build_builtin, ops->setup_metadata */
int fsvm_pocl_build_builtin(cl_program program, cl_uint device_i);
int fsvm_pocl_setup_metadata(cl_device_id device, cl_program program,
			     unsigned program_device_i);

/* Turn pocl's argument snapshot of an NDRange command into the packet's
 * argument slots. CL_SUCCESS or an OpenCL error (missing argument). */
cl_int fsvm_pocl_pack_args(cl_device_id device, const struct fsvm_kernel_desc *k,
			   const struct pocl_argument *args, uint64_t *slots);

/* ---- fsvm_pocl_exec.c ---- */

int fsvm_pocl_start_threads(struct fsvm_pocl_device *d);
void fsvm_pocl_stop_threads(struct fsvm_pocl_device *d);

/* Device ticks to pocl's host monotonic nanoseconds. */
uint64_t fsvm_pocl_ticks_to_ns(const struct fsvm_pocl_device *d, uint64_t ticks);

void fsvm_pocl_submit(_cl_command_node *node, cl_command_queue cq);
void fsvm_pocl_join(cl_device_id device, cl_command_queue cq);
void fsvm_pocl_flush(cl_device_id device, cl_command_queue cq);
void fsvm_pocl_notify(cl_device_id device, cl_event event, cl_event finished);
void fsvm_pocl_update_event(cl_device_id device, cl_event event);
void fsvm_pocl_wait_event(cl_device_id device, cl_event event);
void fsvm_pocl_free_event_data(cl_event event);
void fsvm_pocl_notify_event_finished(cl_event event);
void fsvm_pocl_notify_cmdq_finished(cl_command_queue cq);
int fsvm_pocl_init_queue(cl_device_id device, cl_command_queue queue);
int fsvm_pocl_free_queue(cl_device_id device, cl_command_queue queue);
void fsvm_pocl_run(void *data, _cl_command_node *cmd);

#endif /* FSVM_POCL_H */
