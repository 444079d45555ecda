/* SPDX-License-Identifier: MIT */
/*
 * fsvm.h - libfsvm, the user-space library of the fsvm device.
 *
 * An fsvm device is an FPGA whose kernels take raw process virtual
 * addresses: the SMMU in front of the FPGA walks this process's own page
 * table, so a pointer from malloc(), mmap(), the stack or fsvm_svm_alloc()
 * means the same thing to the device as to the CPU. Nothing is copied and
 * no pointer is relocated: a kernel that follows a linked list built with
 * malloc() follows the very same nodes.
 *
 * The flow of a program:
 *
 *	struct fsvm_device *dev;
 *	struct fsvm_context *ctx;
 *	struct fsvm_completion rec;
 *	struct fsvm_fault fault;
 *
 *	fsvm_device_open(NULL, &dev);            // $FSVM_DEVICE, else "sim"
 *	fsvm_context_create(dev, 64, &ctx);      // a hardware context + its ring
 *	uint64_t args[] = { (uintptr_t)head, max_hops, (uintptr_t)&result };
 *	fsvm_run(ctx, FSVM_K_POINTER_CHASE, args, 3, &rec, 0,
 *		 FSVM_TIMEOUT_INFINITE, &fault);
 *	fsvm_context_destroy(ctx);
 *	fsvm_device_close(dev);
 *
 * Errors: every function that can fail returns FSVM_OK (0) or a negative
 * enum fsvm_err; fsvm_strerror() names it. Functions that cannot fail say
 * why. Messages go through the fsvm logger (fsvm_log.h, FSVM_LOG=debug|...).
 *
 * Threads: a device and its contexts may be used from any number of
 * threads. Submission to one context is serialized inside the library;
 * completion records belong to the caller, and each thread waits on its own.
 *
 * This header needs only the hardware contract (fsvm_hw.h), which defines
 * the completion record, the kernel table entries, the kernel ids and the
 * node layouts the pointer kernels walk.
 */
#ifndef FSVM_H
#define FSVM_H

#include <stddef.h>
#include <stdint.h>

#include "fsvm_hw.h"
#include "fsvm_log.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Version                                                             */
/* ------------------------------------------------------------------ */
/*
 * The version of this header. The project's one version: CMake reads these
 * lines (project(fsvm VERSION ...), the SONAME libfsvm.so.<major>, fsvm.pc,
 * the packages). FSVM_VERSION_NUMBER compares: major << 16 | minor << 8 | patch.
 */
#define FSVM_VERSION_MAJOR	0
#define FSVM_VERSION_MINOR	1
#define FSVM_VERSION_PATCH	0
#define FSVM_VERSION_STRING	"0.1.0"
#define FSVM_VERSION_NUMBER	((FSVM_VERSION_MAJOR << 16) | (FSVM_VERSION_MINOR << 8) | \
				 FSVM_VERSION_PATCH)

/* The version of the libfsvm that runs, e.g. "0.1.0" (a program built
 * against an older fsvm.h may run with a newer libfsvm.so.0). Never NULL,
 * cannot fail. */
const char *fsvm_version(void);

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

enum fsvm_err {
	FSVM_OK = 0,
	FSVM_ERR_INVAL = -1,		/* bad argument: pointer, size, kernel id, nargs;
					 * a setting out of range (FSVM_SIM_CONTEXTS) */
	FSVM_ERR_NOMEM = -2,		/* host memory or threads exhausted, or a device
					 * table full (256 compiled kernels) */
	FSVM_ERR_NODEV = -3,		/* no such device name */
	FSVM_ERR_BUSY = -4,		/* every hardware context is taken */
	FSVM_ERR_TIMEOUT = -5,		/* the wait ran out; the launch is still pending */
	FSVM_ERR_FAULT = -6,		/* the kernel hit a memory fault (see struct fsvm_fault) */
	FSVM_ERR_ABORTED = -7,		/* fsvm_context_abort() or a failed barrier */
	FSVM_ERR_BAD_PACKET = -8,	/* the device rejected the dispatch packet */
	FSVM_ERR_UNSUPPORTED = -9,	/* valid request this build/device cannot do */
	FSVM_ERR_IO = -10,		/* the device misbehaves: wrong ID registers, ring
					 * stopped, an SMMU bank it did not take (sim),
					 * a device plugin refused (sim:<name>); the log
					 * says which */
	FSVM_ERR_PERM = -11,		/* /dev/fsvmN refused this user, or another process's context */
};

/*
 * A short English text for an enum fsvm_err value, saying what to do about
 * it. Never NULL, cannot fail. The cause of a device error is in the log,
 * once, from the layer that knows it (the simulator for sim: devices).
 */
const char *fsvm_strerror(int err);

/* Waits never end on their own with this timeout. */
#define FSVM_TIMEOUT_INFINITE	UINT64_MAX

/* ------------------------------------------------------------------ */
/* Devices                                                             */
/* ------------------------------------------------------------------ */

struct fsvm_device;

/*
 * Open a device by name:
 *   NULL      $FSVM_DEVICE if set, else "sim"
 *   "sim"     the simulated device (device model in a thread of this process)
 *   "sim:<name>"  a simulated device with the kernel table of a device
 *             built with fsvm_add_device() (libfsvm-dev-<name>.so, searched
 *             in $FSVM_DEVICE_PATH, the executable's directory, libfsvm's
 *             directory and <libdir>/fsvm; docs/kernels.md);
 *             FSVM_ERR_NODEV when it is not found
 *   "sim:<path>"  the same, from a path to the .so (any name with a '/');
 *             a file that is not a compatible plugin: FSVM_ERR_IO
 *   "rtl", "rtl:<name>"  the simulated device with the Verilated shell RTL
 *             (hw-kernels/rtl) in place of the device model's registers and
 *             sequencer: a co-simulation, built only with Verilator
 *             (libfsvm-cosim-rtl.so, searched like a plugin; FSVM_ERR_NODEV
 *             without it). No compiled kernels, as on silicon.
 *   "hw:/dev/fsvmN"  a board, or the kernel module's emulation mode, through
 *             /dev/fsvmN of kmod/ ("hw" alone: /dev/fsvm0); FSVM_ERR_NODEV
 *             when the device node does not exist
 * Any other name: FSVM_ERR_NODEV. A device whose identification registers
 * do not say fsvm version 1.x: FSVM_ERR_IO.
 */
int fsvm_device_open(const char *name, struct fsvm_device **out);

/* Close a device. Every context must be destroyed before; SVM allocations
 * still alive are unmapped. NULL is ignored; cannot fail. */
void fsvm_device_close(struct fsvm_device *dev);

struct fsvm_device_info {
	char name[64];			/* as opened, e.g. "sim"; a longer name is cut */
	char backend[16];		/* "sim", "rtl" or "hw" */
	uint32_t hw_version;		/* major << 16 | minor, from the VERSION register */
	uint32_t features;		/* FSVM_FEAT_* */
	uint32_t clock_hz;		/* kernel clock = timestamp tick rate */
	uint32_t num_contexts;		/* hardware contexts (processes/queues at once) */
	uint32_t num_kernels;		/* entries of the kernel table */
	uint32_t max_inline_args;	/* arguments that fit in the packet itself */
	uint32_t axi_data_bits;		/* kernels' memory bus width */
};

/* Fill *info. FSVM_ERR_INVAL on NULL arguments. */
int fsvm_device_info(struct fsvm_device *dev, struct fsvm_device_info *info);

/*
 * The kernel table the hardware reports, read at open time. Entry `index`
 * (0 .. num_kernels-1) is copied to *desc; desc->id is the value to launch
 * with, desc->args[] names each argument and says how it is used.
 * FSVM_ERR_INVAL for an index out of range.
 */
int fsvm_device_kernel(struct fsvm_device *dev, unsigned int index,
		       struct fsvm_kernel_desc *desc);

/* Find a kernel by name ("pointer_chase"). FSVM_ERR_INVAL if absent. */
int fsvm_device_find_kernel(struct fsvm_device *dev, const char *name,
			    struct fsvm_kernel_desc *desc);

/* Names of enum fsvm_arg_kind / fsvm_arg_type values ("ptr_in", "u64",
 * "list_node", ...). Never NULL ("?" for unknown values); cannot fail. */
const char *fsvm_arg_kind_name(unsigned int kind);
const char *fsvm_arg_type_name(unsigned int type);

/* Current device time in ticks of clock_hz (the TIME registers).
 * FSVM_ERR_INVAL on NULL arguments. */
int fsvm_device_time(struct fsvm_device *dev, uint64_t *ticks);

/* ------------------------------------------------------------------ */
/* Shared virtual memory                                               */
/* ------------------------------------------------------------------ */
/*
 * The device reaches ANY memory of this process: malloc'ed, static, stack
 * or mmap'ed memory works as kernel arguments and as the nodes of the
 * structures the kernels walk. fsvm_svm_alloc() exists for what malloc
 * cannot promise: page alignment, 2 MiB pages (fewer SMMU TLB misses) and
 * pages that are already present (no fault on first device touch).
 *
 * Memory that the program unmaps or frees back to the OS must not be in use
 * by a running kernel; the device's translations of it are dropped
 * (fsvm_svm_free does this itself; on a board the kernel module's
 * mmu_notifier does it for every unmap).
 */
#define FSVM_SVM_HUGE		(1u << 0)	/* back with 2 MiB pages if the OS allows */
#define FSVM_SVM_PREFAULT	(1u << 1)	/* touch every page now */

/*
 * Allocate size bytes of zeroed, page-aligned memory (2 MiB aligned with
 * FSVM_SVM_HUGE). With FSVM_SVM_HUGE the library tries hugetlbfs pages, then
 * transparent huge pages, and records what really backs the range (see
 * fsvm_svm_page_size); if neither works the memory is still usable, with
 * 4 KiB pages. FSVM_ERR_INVAL for size 0 or unknown flags, FSVM_ERR_NOMEM.
 */
int fsvm_svm_alloc(struct fsvm_device *dev, size_t size, unsigned int flags,
		   void **out);

/*
 * Free memory from fsvm_svm_alloc (the exact pointer it returned): drop the
 * device's translations, then unmap. FSVM_ERR_INVAL for any other pointer
 * (nothing is touched).
 */
int fsvm_svm_free(struct fsvm_device *dev, void *ptr);

/*
 * The page size that really backs an fsvm_svm_alloc allocation containing
 * ptr: 4096 or 2097152. FSVM_ERR_INVAL if ptr is not in one.
 */
int fsvm_svm_page_size(struct fsvm_device *dev, const void *ptr, size_t *page_size);

/* ------------------------------------------------------------------ */
/* Contexts and launches                                               */
/* ------------------------------------------------------------------ */

struct fsvm_context;

/*
 * Bind a hardware context to this process and give it a dispatch ring of
 * ring_entries packets (a power of two, 2..65536; 0 picks 256).
 * FSVM_ERR_BUSY when every hardware context is taken.
 */
int fsvm_context_create(struct fsvm_device *dev, unsigned int ring_entries,
			struct fsvm_context **out);

/*
 * Stop the context (queued packets are aborted), release the hardware
 * context and free the ring. The caller must not wait on records of this
 * context afterwards. NULL is ignored; cannot fail.
 */
void fsvm_context_destroy(struct fsvm_context *ctx);

/* The hardware context number (selects the SMMU context bank). Cannot fail. */
unsigned int fsvm_context_index(const struct fsvm_context *ctx);

/* The device a context belongs to. Cannot fail. */
struct fsvm_device *fsvm_context_device(const struct fsvm_context *ctx);

/* Optional launch parameters (fsvm_launch_ex). Zero-initialize unused ones. */
struct fsvm_launch_params {
	uint32_t kernel_id;		/* desc.id from the kernel table */
	const uint64_t *args;		/* nargs values; pointers as (uintptr_t)ptr */
	unsigned int nargs;		/* must equal the kernel's desc.nargs */
	uint32_t grid_size;		/* informational work-item count; 0 means 1 */
	int barrier;			/* start only after every earlier packet completed */
	struct fsvm_completion *rec;	/* caller-owned, 8-byte aligned; may be NULL */
	uint64_t user_tag;		/* carried in the packet for the caller's bookkeeping */
};

/*
 * Submit a kernel. The arguments are validated against the kernel table
 * (unknown id or wrong nargs: FSVM_ERR_INVAL, nothing submitted). rec is
 * set to FSVM_ST_PENDING and then written by the device; it must stay
 * valid and untouched until fsvm_wait() reports it done. Arguments are
 * copied into the ring: args may be reused at once.
 *
 * A launch is a few stores to the ring and ONE doorbell register write, no
 * system call. If the ring is full the call waits for the device to free a
 * slot. Safe from several threads on one context.
 */
int fsvm_launch(struct fsvm_context *ctx, uint32_t kernel_id,
		const uint64_t *args, unsigned int nargs,
		struct fsvm_completion *rec, uint64_t user_tag);
int fsvm_launch_ex(struct fsvm_context *ctx, const struct fsvm_launch_params *p);

/* What went wrong in a faulted launch. */
struct fsvm_fault {
	uint64_t va;			/* the virtual address the device could not access */
	uint32_t syndrome;		/* raw FSVM_SYND_* value */
	int write;			/* 1: a write, 0: a read */
	unsigned int type;		/* enum fsvm_fault_type */
	unsigned int level;		/* page-table walk level, 0..3 */
	int in_packet;			/* 1: fetching the packet/arguments/record, not data */
	const char *type_name;		/* "translation fault", "permission fault", ... */
};

/*
 * Wait until rec is no longer pending: a short spin on the record, then a
 * sleep on the device interrupt. timeout_ns counts from the call
 * (FSVM_TIMEOUT_INFINITE: no limit). Returns
 *   FSVM_OK           the kernel completed
 *   FSVM_ERR_FAULT    a memory fault ended it; *fault (if non-NULL) says where
 *   FSVM_ERR_ABORTED  fsvm_context_abort() or a failed barrier
 *   FSVM_ERR_BAD_PACKET the device rejected the packet
 *   FSVM_ERR_TIMEOUT  still pending: wait again later, rec stays in use
 *   FSVM_ERR_INVAL    NULL ctx/rec
 */
int fsvm_wait(struct fsvm_context *ctx, struct fsvm_completion *rec,
	      uint64_t timeout_ns, struct fsvm_fault *fault);

/* fsvm_launch() then fsvm_wait(). On FSVM_ERR_TIMEOUT the launch is still
 * in flight and rec still in use. */
int fsvm_run(struct fsvm_context *ctx, uint32_t kernel_id,
	     const uint64_t *args, unsigned int nargs,
	     struct fsvm_completion *rec, uint64_t user_tag,
	     uint64_t timeout_ns, struct fsvm_fault *fault);

/* Non-blocking look at a record: what fsvm_wait() would return with a zero
 * timeout, without sleeping. */
int fsvm_poll(const struct fsvm_completion *rec, struct fsvm_fault *fault);

/*
 * Wait until the device has finished with every packet submitted so far on
 * this context (also those without a completion record).
 * FSVM_ERR_TIMEOUT, or FSVM_ERR_IO if the device stopped the ring.
 */
int fsvm_context_finish(struct fsvm_context *ctx, uint64_t timeout_ns);

/*
 * Abort the running packet and every queued one: their records become
 * FSVM_ST_ABORTED (fsvm_wait returns FSVM_ERR_ABORTED). Returns when the
 * device has let go of all of them; the context then accepts new launches.
 * FSVM_ERR_TIMEOUT if the device does not acknowledge within a second.
 */
int fsvm_context_abort(struct fsvm_context *ctx);

/* The context's sticky fault registers: the last fault on this context.
 * FSVM_ERR_INVAL on NULL; if no fault happened, *fault has va 0, type NONE. */
int fsvm_context_last_fault(struct fsvm_context *ctx, struct fsvm_fault *fault,
			    uint32_t *fault_count);

/* ------------------------------------------------------------------ */
/* Statistics and fault text                                           */
/* ------------------------------------------------------------------ */

/* Per-launch figures, decoded from a completed record. */
struct fsvm_launch_stats {
	uint64_t cycles;		/* kernel cycles (modeled in sim, measured on hw) */
	uint64_t ticks;			/* end - start device ticks */
	double device_us;		/* ticks converted with clock_hz */
	uint64_t bytes;			/* bytes over the kernel's AXI master */
	uint32_t items;			/* hops, keys or elements processed */
	uint32_t tlb_hits;
	uint32_t tlb_misses;
	uint32_t stalls;		/* stall faults resolved and retried */
};

/* Decode rec (which must not be pending) with dev's clock. FSVM_ERR_INVAL
 * on NULL or a pending record. */
int fsvm_launch_stats(struct fsvm_device *dev, const struct fsvm_completion *rec,
		      struct fsvm_launch_stats *stats);

/* Decode a raw syndrome and VA into *fault. Cannot fail (unknown fault types
 * are named "unknown fault"). */
void fsvm_fault_decode(uint64_t va, uint32_t syndrome, struct fsvm_fault *fault);

/*
 * Describe a fault as one line, e.g.
 *   "write to 0x7f12a4c01000: permission fault (level 3)"
 * Returns buf; the text is truncated to buflen - 1 characters. Cannot fail
 * (buflen 0 leaves buf untouched).
 */
char *fsvm_fault_describe(const struct fsvm_fault *fault, char *buf, size_t buflen);

/* ------------------------------------------------------------------ */
/* Compiled kernels (OpenCL C on the simulated device)                 */
/* ------------------------------------------------------------------ */
/*
 * An OpenCL C kernel compiled by clang and instrumented by fsvm-oclc
 * (pocl-device/oclc) is a work-item function plus its argument kinds
 * (hw-kernels/sim/fsvm_cl_abi.h: __fsvm_wi_<name>, __fsvm_kinfo_<name>).
 * Registered with the device, it is launched through the same ring as the
 * built-in kernels, as a FSVM_PKT_COMPILED packet whose launch descriptor
 * the device reads by VA. Only the `sim` device has the engine: on `hw`
 * registering returns FSVM_ERR_UNSUPPORTED (a kernel for the board is an
 * HLS kernel in the kernel table).
 */
typedef void (*fsvm_work_item_fn)(const uint64_t *args);

struct fsvm_compiled_kernel {
	const char *name;		/* for messages */
	fsvm_work_item_fn fn;		/* __fsvm_wi_<name> */
	unsigned int nargs;		/* <= FSVM_COMPILED_MAX_ARGS */
	const uint8_t *arg_kinds;	/* nargs enum fsvm_cl_arg_kind values */
};

/* Register; *handle goes into struct fsvm_compiled_launch.handle.
 * FSVM_ERR_INVAL, FSVM_ERR_NOMEM (table full), FSVM_ERR_UNSUPPORTED. */
int fsvm_compiled_register(struct fsvm_device *dev, const struct fsvm_compiled_kernel *k,
			   uint64_t *handle);

/* Forget a kernel; no launch of it may be pending. FSVM_ERR_INVAL for an
 * unknown handle, FSVM_ERR_UNSUPPORTED. */
int fsvm_compiled_unregister(struct fsvm_device *dev, uint64_t handle);

/*
 * Submit a compiled-kernel launch. desc (8-byte aligned) and the argument
 * slots at desc->args_va are read by the device by VA: like rec they must
 * stay valid and unchanged until fsvm_wait() reports the launch done.
 * Geometry (work_dim 1..3, sizes >= 1, local_size dividing global_size,
 * nargs <= FSVM_COMPILED_MAX_ARGS, printf buffer 8-byte aligned and >= 16
 * bytes or absent) is checked here
 * (FSVM_ERR_INVAL, nothing submitted); the device checks it again and
 * completes a bad one as FSVM_ST_BAD_PACKET. A memory fault of the kernel
 * completes it as FSVM_ST_FAULTED with the VA, like a built-in kernel's.
 */
int fsvm_launch_compiled(struct fsvm_context *ctx, const struct fsvm_compiled_launch *desc,
			 struct fsvm_completion *rec, uint64_t user_tag);

#ifdef __cplusplus
}
#endif

#endif /* FSVM_H */
