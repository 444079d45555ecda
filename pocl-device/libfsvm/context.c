/* SPDX-License-Identifier: MIT */
/*
 * context.c - a hardware context bound to this process: its dispatch ring
 * in host memory (the device reads it by virtual address, like everything
 * else) and its context page registers.
 */
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "internal.h"

#define DEFAULT_RING_ENTRIES	256u
#define MAX_RING_ENTRIES	65536u

/* How long abort/destroy give the device to let go of queued packets. */
#define ABORT_TIMEOUT_NS	1000000000ull

static int wait_register_clear(struct fsvm_context *ctx, uint32_t reg, uint32_t bit);

static void *map_zeroed(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static size_t page_round(size_t n)
{
	return (n + FSVM_PAGE_SIZE - 1) & ~(size_t)(FSVM_PAGE_SIZE - 1);
}

int fsvm_context_create(struct fsvm_device *dev, unsigned int ring_entries,
			struct fsvm_context **out)
{
	struct fsvm_context *ctx;
	uint64_t ring_va;
	uint32_t status;
	int err;

	if (!dev || !out)
		return FSVM_ERR_INVAL;
	*out = NULL;
	if (ring_entries == 0)
		ring_entries = DEFAULT_RING_ENTRIES;
	if (ring_entries < 2 || ring_entries > MAX_RING_ENTRIES ||
	    (ring_entries & (ring_entries - 1))) {
		fsvm_log(FSVM_LOG_ERROR, "ring of %u entries: need a power of two "
			 "in 2..%u", ring_entries, MAX_RING_ENTRIES);
		return FSVM_ERR_INVAL;
	}

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return FSVM_ERR_NOMEM;
	ctx->dev = dev;
	ctx->ring_entries = ring_entries;
	pthread_mutex_init(&ctx->submit_lock, NULL);

	/*
	 * Ring and argument blocks are ordinary process memory, populated now
	 * so the first launches do not pay page faults on the device side.
	 */
	ctx->ring_bytes = page_round((size_t)ring_entries * sizeof(struct fsvm_packet));
	ctx->arg_bytes = page_round((size_t)ring_entries * sizeof(*ctx->arg_blocks));
	ctx->ring = map_zeroed(ctx->ring_bytes);
	ctx->arg_blocks = map_zeroed(ctx->arg_bytes);
	if (!ctx->ring || !ctx->arg_blocks) {
		err = FSVM_ERR_NOMEM;
		goto fail_mem;
	}

	ctx->ops = dev->ops;
	err = dev->ops->bind(dev->priv, &ctx->bc);
	if (err) {
		if (err == FSVM_ERR_BUSY)
			fsvm_log(FSVM_LOG_INFO, "no free hardware context (all %u in use)",
				 dev->info.num_contexts);
		goto fail_mem;
	}
	ctx->index = ctx->bc->index;

	/* Program the ring while disabled, then enable. The device starts at
	 * packet 0 and the doorbell mirrors our write index from there. */
	ring_va = (uint64_t)(uintptr_t)ctx->ring;
	ctx_write(ctx, FSVM_CTX_CONTROL, 0);
	ctx_write(ctx, FSVM_CTX_RING_BASE_LO, (uint32_t)ring_va);
	ctx_write(ctx, FSVM_CTX_RING_BASE_HI, (uint32_t)(ring_va >> 32));
	ctx_write(ctx, FSVM_CTX_RING_SIZE, ring_entries);
	ctx_write(ctx, FSVM_CTX_CONTROL, FSVM_CTRL_ENABLE | FSVM_CTRL_IRQ_EN);
	ctx->write_index = ctx_read(ctx, FSVM_CTX_READ_INDEX);
	ctx_write(ctx, FSVM_CTX_DOORBELL, ctx->write_index);

	status = ctx_read(ctx, FSVM_CTX_STATUS);
	if (status & FSVM_CSTAT_BAD_RING) {
		fsvm_log(FSVM_LOG_ERROR, "context %u refused the ring at %p "
			 "(status 0x%x)", ctx->index, (void *)ctx->ring, status);
		err = FSVM_ERR_IO;
		goto fail_bound;
	}
	fsvm_log(FSVM_LOG_DEBUG, "context %u: ring of %u packets at %p, stream id %u",
		 ctx->index, ring_entries, (void *)ctx->ring,
		 ctx_read(ctx, FSVM_CTX_STREAM_ID));
	*out = ctx;
	return FSVM_OK;

fail_bound:
	ctx_write(ctx, FSVM_CTX_CONTROL, 0);
	dev->ops->unbind(ctx->bc);
fail_mem:
	if (ctx->ring)
		munmap(ctx->ring, ctx->ring_bytes);
	if (ctx->arg_blocks)
		munmap(ctx->arg_blocks, ctx->arg_bytes);
	pthread_mutex_destroy(&ctx->submit_lock);
	free(ctx);
	return err;
}

void fsvm_context_destroy(struct fsvm_context *ctx)
{
	struct fsvm_device *dev;

	if (!ctx)
		return;
	dev = ctx->dev;
	/* Nothing may still read the ring when it is unmapped. */
	if (ctx_read(ctx, FSVM_CTX_READ_INDEX) != ctx->write_index)
		fsvm_context_abort(ctx);
	/* Clearing ENABLE stops after the current packet; the ring must stay
	 * mapped until the device is no longer busy with it. */
	ctx_write(ctx, FSVM_CTX_CONTROL, 0);
	if (wait_register_clear(ctx, FSVM_CTX_STATUS, FSVM_CSTAT_BUSY))
		fsvm_log(FSVM_LOG_WARN, "context %u still busy after disable",
			 ctx->index);
	dev->ops->unbind(ctx->bc);
	/* The device cached translations of the ring: drop them before unmap. */
	dev_invalidate(dev, (uintptr_t)ctx->ring, ctx->ring_bytes);
	dev_invalidate(dev, (uintptr_t)ctx->arg_blocks, ctx->arg_bytes);
	munmap(ctx->ring, ctx->ring_bytes);
	munmap(ctx->arg_blocks, ctx->arg_bytes);
	pthread_mutex_destroy(&ctx->submit_lock);
	free(ctx);
}

unsigned int fsvm_context_index(const struct fsvm_context *ctx)
{
	return ctx->index;
}

struct fsvm_device *fsvm_context_device(const struct fsvm_context *ctx)
{
	return ctx->dev;
}

int fsvm_context_last_fault(struct fsvm_context *ctx, struct fsvm_fault *fault,
			    uint32_t *fault_count)
{
	uint64_t va;

	if (!ctx || !fault)
		return FSVM_ERR_INVAL;
	va = ctx_read(ctx, FSVM_CTX_FAULT_VA_LO);
	va |= (uint64_t)ctx_read(ctx, FSVM_CTX_FAULT_VA_HI) << 32;
	fsvm_fault_decode(va, ctx_read(ctx, FSVM_CTX_FAULT_SYND), fault);
	if (fault_count)
		*fault_count = ctx_read(ctx, FSVM_CTX_FAULT_COUNT);
	return FSVM_OK;
}

/* Poll a register bit that the device clears quickly after an action. */
static int wait_register_clear(struct fsvm_context *ctx, uint32_t reg, uint32_t bit)
{
	uint64_t deadline = fsvm_now_ns() + ABORT_TIMEOUT_NS;

	while (ctx_read(ctx, reg) & bit) {
		if (fsvm_now_ns() > deadline)
			return FSVM_ERR_TIMEOUT;
		sched_yield();
	}
	return FSVM_OK;
}

static int wait_control_clear(struct fsvm_context *ctx, uint32_t bit)
{
	return wait_register_clear(ctx, FSVM_CTX_CONTROL, bit);
}

int fsvm_context_abort(struct fsvm_context *ctx)
{
	const uint32_t run = FSVM_CTRL_ENABLE | FSVM_CTRL_IRQ_EN;
	int err;

	if (!ctx)
		return FSVM_ERR_INVAL;
	/*
	 * Hold the submission lock: packets launched while the abort is in
	 * progress would be swept away with the others, which nobody asked for.
	 */
	pthread_mutex_lock(&ctx->submit_lock);
	ctx_write(ctx, FSVM_CTX_CONTROL, run | FSVM_CTRL_ABORT);
	err = fsvm_context_finish(ctx, ABORT_TIMEOUT_NS);
	/*
	 * ABORT is write-1-to-set and clears itself once the device has
	 * drained the queue. A launch made before that would be swept away
	 * too, so wait for the bit to drop before accepting new packets.
	 */
	if (!err)
		err = wait_control_clear(ctx, FSVM_CTRL_ABORT);
	pthread_mutex_unlock(&ctx->submit_lock);
	if (err)
		fsvm_log(FSVM_LOG_ERROR, "context %u: abort not acknowledged (%s)",
			 ctx->index, fsvm_strerror(err));
	return err;
}
