/* SPDX-License-Identifier: MIT */
/*
 * internal.h - what the files of libfsvm share and users never see: the
 * device and context objects and the backend boundary.
 *
 * A backend is how the library reaches a device: a 32-bit MMIO accessor for
 * the control window, plus the few things the kernel module does on a board
 * (bind a context to this address space, wait for an interrupt, drop the
 * device's translations of a range). The `sim` and (later) `hw` backends
 * differ only here; everything above speaks registers of fsvm_hw.h.
 */
#ifndef FSVM_INTERNAL_H
#define FSVM_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "fsvm.h"

/*
 * The one errno -> FSVM_ERR_* conversion (errors.c), for every backend: e
 * is an errno value as errno holds it (positive; 0 is FSVM_OK). Callers
 * holding a kernel-style negative return pass its negation.
 */
int fsvm_err_from_errno(int e);

struct fsvm_backend_ops {
	const char *name;
	/* 32-bit register access at a byte offset of the control window. */
	uint32_t (*mmio_read32)(void *priv, uint32_t off);
	void (*mmio_write32)(void *priv, uint32_t off, uint32_t val);
	/* Take a free hardware context for this address space: FSVM_ERR_BUSY. */
	int (*bind)(void *priv, unsigned int *ctx);
	int (*unbind)(void *priv, unsigned int ctx);
	/* Interrupts raised so far on ctx; wait until that count moves away
	 * from `seen` (FSVM_OK) or timeout_ns passes (FSVM_ERR_TIMEOUT). */
	uint32_t (*irq_count)(void *priv, unsigned int ctx);
	int (*wait_irq)(void *priv, unsigned int ctx, uint32_t seen, uint64_t timeout_ns);
	/* [va, va+len) is backed by pages of 1 << page_shift bytes. */
	int (*note_mapping)(void *priv, uint64_t va, uint64_t len, unsigned int page_shift);
	/* Drop device translations of [va, va+len) before it is unmapped. */
	void (*invalidate)(void *priv, uint64_t va, uint64_t len);
	void (*close)(void *priv);
	/* Compiled kernels (NULL: the device has no compiled-kernel engine). */
	int (*compiled_register)(void *priv, const struct fsvm_compiled_kernel *k,
				 uint64_t *handle);
	int (*compiled_unregister)(void *priv, uint64_t handle);
};

/* Each backend has one constructor; `args` is what followed "name:". */
int fsvm_backend_sim_open(const char *args, const struct fsvm_backend_ops **ops,
			  void **priv);
/* `rtl`: the simulator with the Verilated shell as its engine (args as for sim). */
int fsvm_backend_rtl_open(const char *args, const struct fsvm_backend_ops **ops,
			  void **priv);
/* args: the device path ("/dev/fsvm0" when NULL or empty). */
int fsvm_backend_hw_open(const char *args, const struct fsvm_backend_ops **ops,
			 void **priv);

/* One fsvm_svm_alloc() allocation. */
struct svm_region {
	uintptr_t start;		/* what fsvm_svm_alloc returned and munmap takes */
	size_t len;			/* mapped length (rounded up to the page size) */
	size_t page_size;		/* what really backs it: 4 KiB or 2 MiB */
};

struct fsvm_device {
	const struct fsvm_backend_ops *ops;
	void *priv;
	struct fsvm_device_info info;
	struct fsvm_kernel_desc kernels[FSVM_MAX_KERNELS];

	pthread_mutex_t svm_lock;	/* guards the region table */
	struct svm_region *regions;
	size_t nregions, cap_regions;
};

struct fsvm_context {
	struct fsvm_device *dev;
	unsigned int index;		/* hardware context number */
	uint32_t ctx_off;		/* FSVM_CTX_OFF(index) */

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

static inline uint32_t ctx_read(struct fsvm_context *ctx, uint32_t reg)
{
	return ctx->dev->ops->mmio_read32(ctx->dev->priv, ctx->ctx_off + reg);
}

static inline void ctx_write(struct fsvm_context *ctx, uint32_t reg, uint32_t val)
{
	ctx->dev->ops->mmio_write32(ctx->dev->priv, ctx->ctx_off + reg, val);
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
