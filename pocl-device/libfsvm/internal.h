/* SPDX-License-Identifier: MIT */
/*
 * internal.h - what the files of libfsvm share and users never see: the
 * device and context objects and the backend boundary.
 *
 * A backend is how the library reaches a device. Everything above it speaks
 * the registers of fsvm_hw.h; a backend only carries those reads and writes
 * and does the few things the kernel module does on a board (bind a context
 * to this address space, sleep until the context's interrupt, drop the
 * device's translations of a range). See struct fsvm_backend_ops.
 */
#ifndef FSVM_INTERNAL_H
#define FSVM_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "fsvm.h"

/*
 * The one errno -> FSVM_ERR_* conversion (errors.c), for every backend: e
 * is an errno value as errno holds it (positive; 0 is FSVM_OK). Callers
 * holding a kernel-style negative return pass its negation.
 */
int fsvm_err_from_errno(int e);

/*
 * A bound hardware context as its backend keeps it. Each backend embeds
 * this as the first member of its own context object (struct hw_ctx,
 * struct sim_ctx) and converts the pointer back; the library only reads
 * index.
 */
struct fsvm_backend_ctx {
	unsigned int index;		/* hardware context number, 0..NUM_CONTEXTS-1 */
};

/*
 * The backend interface. `dev` is what the backend's constructor returned,
 * `bc` what its bind returned. Errors are enum fsvm_err values (a backend
 * converts its own with fsvm_err_from_errno) and the backend logs what only
 * it knows (a path, an ioctl's errno). Operations marked optional may be
 * NULL. Every operation may be called from any thread; the ctx_* ones and
 * wait concurrently on different contexts and, for one context, under the
 * library's own ordering (launch.c, context.c): no backend takes a lock of
 * the device for them.
 *
 * Device level:
 *   dev_read      n words of the identification or kernel-table page from
 *                 window offset off (off + 4n <= FSVM_CTX_BASE_OFF, 4-byte
 *                 aligned), in address order. A read of FSVM_REG_TIME_LO
 *                 latches FSVM_REG_TIME_HI, as on the bus. Cannot fail: a
 *                 device that does not answer reads as one that is not an
 *                 fsvm shell (MAGIC check in device.c).
 *   close         stop the device and free dev; contexts still bound are
 *                 released (their bc handles become invalid).
 *
 * Context level:
 *   bind          take a free hardware context for this address space and
 *                 return its handle in *bc ((*bc)->index set):
 *                 FSVM_ERR_BUSY when none is free.
 *   unbind        give it back (the device disables it) and free bc.
 *   ctx_read32    a register of the context page (reg: FSVM_CTX_* offset
 *   ctx_write32   within the page). The hot path: hw is a plain load or
 *                 store to the mapped page, sim a direct call into the
 *                 model. ctx_write32 orders the caller's earlier memory
 *                 stores (ring, packet) before the register write.
 *   wait          the one blocking operation. Each context has an event
 *                 counter that moves on every interrupt it raises. wait
 *                 returns FSVM_OK at once when the counter differs from
 *                 *seen, else sleeps until it does (FSVM_OK) or timeout_ns
 *                 passes (FSVM_ERR_TIMEOUT; 0 does not sleep). Either way
 *                 *seen receives the counter as last observed. A spurious
 *                 FSVM_OK (nothing new for this caller) is allowed, so
 *                 is an early FSVM_ERR_TIMEOUT (a signal); other errors mean
 *                 the context is gone. Callers keep their own *seen, taken
 *                 before they last checked their condition, re-check after
 *                 every return and bound each sleep (launch.c wait_until):
 *                 then a completion that lands between the check and the
 *                 sleep moves the counter and is never slept through. Any
 *                 value the counter had before the check will do as the
 *                 first *seen (the counter only grows), so no separate
 *                 "read the counter" operation is needed.
 *
 * Memory (both optional: NULL where the device walks the real page tables
 * and the kernel module's mmu_notifier drops translations, as on hw):
 *   note_mapping  [va, va+len) is backed by pages of 1 << page_shift bytes.
 *   invalidate    drop device translations of [va, va+len) before unmap.
 *
 * Compiled (OpenCL C) kernels, optional (NULL: FSVM_ERR_UNSUPPORTED, the
 * device has no compiled-kernel engine):
 *   compiled_register, compiled_unregister.
 *
 * Adding a backend: one constructor (below) and its row in device.c's
 * backend table. A backend that is the simulator with another engine (the
 * RTL co-simulation) is a variant of backend_sim.c: the same operations,
 * only the engine the constructor starts differs.
 */
struct fsvm_backend_ops {
	const char *name;
	void (*dev_read)(void *dev, uint32_t off, uint32_t *words, uint32_t n);
	void (*close)(void *dev);

	int (*bind)(void *dev, struct fsvm_backend_ctx **bc);
	void (*unbind)(struct fsvm_backend_ctx *bc);
	uint32_t (*ctx_read32)(struct fsvm_backend_ctx *bc, uint32_t reg);
	void (*ctx_write32)(struct fsvm_backend_ctx *bc, uint32_t reg, uint32_t val);
	int (*wait)(struct fsvm_backend_ctx *bc, uint32_t *seen, uint64_t timeout_ns);

	int (*note_mapping)(void *dev, uint64_t va, uint64_t len, unsigned int page_shift);
	void (*invalidate)(void *dev, uint64_t va, uint64_t len);

	int (*compiled_register)(void *dev, const struct fsvm_compiled_kernel *k,
				 uint64_t *handle);
	int (*compiled_unregister)(void *dev, uint64_t handle);
};

/*
 * A backend's constructor: `args` is what followed "name:" in the device
 * name (NULL for the bare name). On success *ops and *dev are set; on
 * failure the constructor has logged why.
 */
typedef int (*fsvm_backend_open_fn)(const char *args, const struct fsvm_backend_ops **ops,
				    void **dev);

/*
 * The constructor for a device name "<backend>" or "<backend>:<args>", from
 * device.c's table of backends: *args is what follows the ':' (NULL for
 * the bare name), *backend the table's name. NULL for no such backend.
 */
fsvm_backend_open_fn fsvm_backend_find(const char *name, const char **args,
				       const char **backend);

/* args: sim:<name> or sim:<path> of a device plugin (fsvm_sim.h). */
int fsvm_backend_sim_open(const char *args, const struct fsvm_backend_ops **ops, void **dev);
/* `rtl`: the simulator with the Verilated shell as its engine; args as sim. */
int fsvm_backend_rtl_open(const char *args, const struct fsvm_backend_ops **ops, void **dev);
/* args: the device path ("/dev/fsvm0" when NULL or empty). */
int fsvm_backend_hw_open(const char *args, const struct fsvm_backend_ops **ops, void **dev);

/* One fsvm_svm_alloc() allocation. */
struct svm_region {
	uintptr_t start;		/* what fsvm_svm_alloc returned and munmap takes */
	size_t len;			/* mapped length (rounded up to the page size) */
	size_t page_size;		/* what really backs it: 4 KiB or 2 MiB */
};

struct fsvm_device {
	const struct fsvm_backend_ops *ops;
	void *priv;			/* the backend's device (dev above) */
	struct fsvm_device_info info;
	struct fsvm_kernel_desc kernels[FSVM_MAX_KERNELS];

	pthread_mutex_t svm_lock;	/* guards the region table */
	struct svm_region *regions;
	size_t nregions, cap_regions;
};

struct fsvm_context {
	struct fsvm_device *dev;
	const struct fsvm_backend_ops *ops;	/* dev->ops */
	struct fsvm_backend_ctx *bc;	/* the backend's handle from bind */
	unsigned int index;		/* hardware context number (bc->index) */
	/* The newest interrupt count any waiter saw: where the next wait
	 * starts (launch.c), so it rarely returns at once for old news. */
	uint32_t irq_seen;

	struct fsvm_packet *ring;	/* ring_entries packets, page-aligned */
	uint32_t ring_entries;		/* power of two */
	size_t ring_bytes;		/* mapped length of ring */
	/* One argument block per ring slot, for launches with more arguments
	 * than fit inline; it lives as long as its slot is not reused. */
	uint64_t (*arg_blocks)[FSVM_MAX_ARGS];
	size_t arg_bytes;

	/* Serializes reserve + write + doorbell of concurrent submitters. */
	pthread_mutex_t submit_lock;
	uint32_t write_index;		/* next packet number; DOORBELL mirror */
};

/* A register of the context's page (FSVM_CTX_* offset). */
static inline uint32_t ctx_read(struct fsvm_context *ctx, uint32_t reg)
{
	return ctx->ops->ctx_read32(ctx->bc, reg);
}

static inline void ctx_write(struct fsvm_context *ctx, uint32_t reg, uint32_t val)
{
	ctx->ops->ctx_write32(ctx->bc, reg, val);
}

/* The optional memory operations: nothing to do where they are NULL. */
static inline void dev_invalidate(struct fsvm_device *dev, uint64_t va, uint64_t len)
{
	if (dev->ops->invalidate)
		dev->ops->invalidate(dev->priv, va, len);
}

static inline int dev_note_mapping(struct fsvm_device *dev, uint64_t va, uint64_t len,
				   unsigned int page_shift)
{
	return dev->ops->note_mapping ? dev->ops->note_mapping(dev->priv, va, len, page_shift) :
					FSVM_OK;
}

/* Monotonic clock in nanoseconds. Cannot fail on Linux. */
uint64_t fsvm_now_ns(void);

/* Find the kernel table entry whose id is kernel_id, or NULL. */
const struct fsvm_kernel_desc *fsvm_find_kernel_by_id(struct fsvm_device *dev,
						      uint32_t kernel_id);

/*
 * Submit one packet whose body (flags, kernel_id, args, grid_size,
 * user_tag) the caller filled; type, completion_va and FSVM_PKT_F_IRQ are
 * set here. rec as for fsvm_launch_ex (already validated). launch.c.
 */
int fsvm_submit_packet(struct fsvm_context *ctx, uint8_t type, const struct fsvm_packet *body,
		       struct fsvm_completion *rec);

/* Called by fsvm_device_close: unmap what the user left allocated. */
void fsvm_svm_release_all(struct fsvm_device *dev);

#endif /* FSVM_INTERNAL_H */
