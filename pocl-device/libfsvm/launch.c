/* SPDX-License-Identifier: MIT */
/*
 * launch.c - submitting dispatch packets and waiting for completions.
 *
 * Submission is user-space only: a packet is written into the ring slot
 * (type byte last, with release ordering, so the device never sees half a
 * packet) and the new write index goes to the DOORBELL register. No system
 * call per launch.
 *
 * Waiting is a short spin on the caller's completion record, then sleeping
 * on the context's interrupt. Every packet asks for the interrupt
 * (FSVM_PKT_F_IRQ), so a sleeper is woken by the completion it waits for.
 */
#include <string.h>

#include "internal.h"

/*
 * How long a waiter spins before sleeping. Long enough to cover the device's
 * round trip for short kernels (a sleep/wake-up pair costs tens of µs),
 * short enough not to burn a core when the kernel runs long.
 */
#define SPIN_NS			20000ull

/*
 * Longest single sleep on the interrupt. Waiters always re-check their
 * condition after a sleep, so this only bounds the damage of an interrupt
 * that raced with a status update; it is not a polling period.
 */
#define IRQ_SLICE_NS		2000000ull

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

/* A wait condition: 1 = satisfied, 0 = not yet, < 0 = error to return. */
typedef int (*wait_cond_fn)(struct fsvm_context *ctx, const void *arg);

static int wait_until(struct fsvm_context *ctx, wait_cond_fn cond, const void *arg,
		      uint64_t timeout_ns)
{
	uint64_t start = fsvm_now_ns(), now = start;
	uint64_t deadline = timeout_ns > UINT64_MAX - start ? UINT64_MAX : start + timeout_ns;
	uint64_t spin_end = start + (timeout_ns < SPIN_NS ? timeout_ns : SPIN_NS);
	/* Taken before the first check of cond: see the sleep below. */
	uint32_t seen = __atomic_load_n(&ctx->irq_seen, __ATOMIC_RELAXED);
	int r;

	/* Spin: the common case for short kernels, no system call at all. */
	for (;;) {
		r = cond(ctx, arg);
		if (r)
			return r > 0 ? FSVM_OK : r;
		if (now >= spin_end)
			break;
		for (int i = 0; i < 16; i++)
			cpu_relax();
		now = fsvm_now_ns();
	}

	/*
	 * Sleep. `seen` is always an interrupt count observed before the
	 * condition was last checked (each wait updates it), so a completion
	 * landing between that check and the sleep has moved the count and
	 * the wait returns at once. The first one is the newest count any
	 * waiter of this context saw, read before our first check: it may be
	 * old news (the first wait then returns at once), never too new.
	 */
	for (;;) {
		uint64_t slice;

		now = fsvm_now_ns();
		if (now >= deadline)
			break;
		slice = deadline - now < IRQ_SLICE_NS ? deadline - now : IRQ_SLICE_NS;
		r = ctx->ops->wait(ctx->bc, &seen, slice);
		if (r && r != FSVM_ERR_TIMEOUT)
			return r;
		r = cond(ctx, arg);
		if (r) {
			__atomic_store_n(&ctx->irq_seen, seen, __ATOMIC_RELAXED);
			return r > 0 ? FSVM_OK : r;
		}
	}
	__atomic_store_n(&ctx->irq_seen, seen, __ATOMIC_RELAXED);
	return FSVM_ERR_TIMEOUT;
}

/* A ring the device stopped never drains: report it instead of hanging. */
static int ring_stopped(struct fsvm_context *ctx)
{
	uint32_t status = ctx_read(ctx, FSVM_CTX_STATUS);

	if (status & FSVM_CSTAT_BAD_RING) {
		fsvm_log(FSVM_LOG_ERROR, "context %u: device stopped the ring "
			 "(status 0x%x)", ctx->index, status);
		return 1;
	}
	return 0;
}

static int cond_slot_free(struct fsvm_context *ctx, const void *arg)
{
	uint32_t read = ctx_read(ctx, FSVM_CTX_READ_INDEX);

	(void)arg;
	if (ctx->write_index - read < ctx->ring_entries)
		return 1;
	return ring_stopped(ctx) ? FSVM_ERR_IO : 0;
}

static int cond_consumed(struct fsvm_context *ctx, const void *arg)
{
	uint32_t target = *(const uint32_t *)arg;
	uint32_t read = ctx_read(ctx, FSVM_CTX_READ_INDEX);

	/* Indices wrap at 2^32: compare by signed distance. */
	if ((int32_t)(read - target) >= 0)
		return 1;
	return ring_stopped(ctx) ? FSVM_ERR_IO : 0;
}

static int cond_record_done(struct fsvm_context *ctx, const void *arg)
{
	const struct fsvm_completion *rec = arg;

	(void)ctx;
	return __atomic_load_n(&rec->status, __ATOMIC_ACQUIRE) != FSVM_ST_PENDING;
}

static int validate(struct fsvm_context *ctx, const struct fsvm_launch_params *p)
{
	const struct fsvm_kernel_desc *desc = fsvm_find_kernel_by_id(ctx->dev, p->kernel_id);

	if (!desc) {
		fsvm_log(FSVM_LOG_WARN, "launch: no kernel with id %u on this device",
			 p->kernel_id);
		return FSVM_ERR_INVAL;
	}
	if (p->nargs != desc->nargs) {
		fsvm_log(FSVM_LOG_WARN, "launch: kernel %s takes %u arguments, got %u",
			 desc->name, desc->nargs, p->nargs);
		return FSVM_ERR_INVAL;
	}
	if (p->nargs && !p->args)
		return FSVM_ERR_INVAL;
	if ((uintptr_t)p->rec % 8) {
		fsvm_log(FSVM_LOG_WARN, "launch: completion record %p is not 8-byte "
			 "aligned", (void *)p->rec);
		return FSVM_ERR_INVAL;
	}
	return FSVM_OK;
}

/* Fill ring slot `index`; the type byte stays INVALID until the end. */
static void write_packet(struct fsvm_context *ctx, uint32_t index,
			 const struct fsvm_launch_params *p)
{
	uint32_t slot = index & (ctx->ring_entries - 1);
	struct fsvm_packet *pkt = &ctx->ring[slot];
	uint8_t flags = FSVM_PKT_F_IRQ;

	/* The slot's previous packet is finished (the caller checked the read
	 * index); mark it invalid before touching the body. */
	__atomic_store_n(&pkt->type, FSVM_PKT_INVALID, __ATOMIC_RELAXED);

	memset(pkt->args, 0, sizeof(pkt->args));
	if (p->nargs > FSVM_INLINE_ARGS) {
		/* The block belongs to this slot: it is not reused before the
		 * slot itself is, i.e. not before the device is done with it. */
		memcpy(ctx->arg_blocks[slot], p->args, p->nargs * sizeof(uint64_t));
		pkt->args[0] = (uint64_t)(uintptr_t)ctx->arg_blocks[slot];
		flags |= FSVM_PKT_F_ARG_BLOCK;
	} else if (p->nargs) {
		memcpy(pkt->args, p->args, p->nargs * sizeof(uint64_t));
	}
	if (p->barrier)
		flags |= FSVM_PKT_F_BARRIER;
	pkt->flags = flags;
	pkt->kernel_id = (uint16_t)p->kernel_id;
	pkt->grid_size = p->grid_size ? p->grid_size : 1;
	pkt->completion_va = (uint64_t)(uintptr_t)p->rec;
	pkt->user_tag = p->user_tag;

	/* Publish: every store above is visible before the type says "valid". */
	__atomic_store_n(&pkt->type, FSVM_PKT_KERNEL, __ATOMIC_RELEASE);
}

int fsvm_launch_ex(struct fsvm_context *ctx, const struct fsvm_launch_params *p)
{
	int err;

	if (!ctx || !p)
		return FSVM_ERR_INVAL;
	err = validate(ctx, p);
	if (err)
		return err;
	if (p->rec) {
		memset(p->rec, 0, sizeof(*p->rec));
		__atomic_store_n(&p->rec->status, FSVM_ST_PENDING, __ATOMIC_RELEASE);
	}

	pthread_mutex_lock(&ctx->submit_lock);
	err = wait_until(ctx, cond_slot_free, NULL, FSVM_TIMEOUT_INFINITE);
	if (err) {
		pthread_mutex_unlock(&ctx->submit_lock);
		return err;
	}
	write_packet(ctx, ctx->write_index, p);
	__atomic_store_n(&ctx->write_index, ctx->write_index + 1, __ATOMIC_RELEASE);
	/*
	 * The doorbell: the only register write of a launch. The fence keeps
	 * the ring and record stores ahead of it (on a board the hw backend's
	 * MMIO store adds the device barrier the bus needs).
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ctx_write(ctx, FSVM_CTX_DOORBELL, ctx->write_index);
	pthread_mutex_unlock(&ctx->submit_lock);
	return FSVM_OK;
}

int fsvm_submit_packet(struct fsvm_context *ctx, uint8_t type, const struct fsvm_packet *body,
		       struct fsvm_completion *rec)
{
	struct fsvm_packet *pkt;
	int err;

	if (rec) {
		memset(rec, 0, sizeof(*rec));
		__atomic_store_n(&rec->status, FSVM_ST_PENDING, __ATOMIC_RELEASE);
	}
	pthread_mutex_lock(&ctx->submit_lock);
	err = wait_until(ctx, cond_slot_free, NULL, FSVM_TIMEOUT_INFINITE);
	if (err) {
		pthread_mutex_unlock(&ctx->submit_lock);
		return err;
	}
	pkt = &ctx->ring[ctx->write_index & (ctx->ring_entries - 1)];
	__atomic_store_n(&pkt->type, FSVM_PKT_INVALID, __ATOMIC_RELAXED);
	memcpy(pkt->args, body->args, sizeof(pkt->args));
	pkt->flags = body->flags | FSVM_PKT_F_IRQ;
	pkt->kernel_id = body->kernel_id;
	pkt->grid_size = body->grid_size ? body->grid_size : 1;
	pkt->completion_va = (uint64_t)(uintptr_t)rec;
	pkt->user_tag = body->user_tag;
	__atomic_store_n(&pkt->type, type, __ATOMIC_RELEASE);
	__atomic_store_n(&ctx->write_index, ctx->write_index + 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ctx_write(ctx, FSVM_CTX_DOORBELL, ctx->write_index);
	pthread_mutex_unlock(&ctx->submit_lock);
	return FSVM_OK;
}

int fsvm_launch(struct fsvm_context *ctx, uint32_t kernel_id,
		const uint64_t *args, unsigned int nargs,
		struct fsvm_completion *rec, uint64_t user_tag)
{
	struct fsvm_launch_params p = {
		.kernel_id = kernel_id,
		.args = args,
		.nargs = nargs,
		.rec = rec,
		.user_tag = user_tag,
	};

	return fsvm_launch_ex(ctx, &p);
}

int fsvm_poll(const struct fsvm_completion *rec, struct fsvm_fault *fault)
{
	if (!rec)
		return FSVM_ERR_INVAL;
	switch (__atomic_load_n(&rec->status, __ATOMIC_ACQUIRE)) {
	case FSVM_ST_PENDING:
		return FSVM_ERR_TIMEOUT;
	case FSVM_ST_DONE:
		return FSVM_OK;
	case FSVM_ST_FAULTED:
		if (fault)
			fsvm_fault_decode(rec->fault_va, rec->syndrome, fault);
		return FSVM_ERR_FAULT;
	case FSVM_ST_ABORTED:
		return FSVM_ERR_ABORTED;
	default:
		return FSVM_ERR_BAD_PACKET;
	}
}

int fsvm_wait(struct fsvm_context *ctx, struct fsvm_completion *rec,
	      uint64_t timeout_ns, struct fsvm_fault *fault)
{
	int err;

	if (!ctx || !rec)
		return FSVM_ERR_INVAL;
	err = wait_until(ctx, cond_record_done, rec, timeout_ns);
	if (err)
		return err;
	err = fsvm_poll(rec, fault);
	if (err == FSVM_ERR_FAULT && fsvm_log_enabled(FSVM_LOG_DEBUG)) {
		struct fsvm_fault f;
		char text[160];

		fsvm_fault_decode(rec->fault_va, rec->syndrome, &f);
		fsvm_log(FSVM_LOG_DEBUG, "context %u: %s", ctx->index,
			 fsvm_fault_describe(&f, text, sizeof(text)));
	}
	return err;
}

int fsvm_run(struct fsvm_context *ctx, uint32_t kernel_id,
	     const uint64_t *args, unsigned int nargs,
	     struct fsvm_completion *rec, uint64_t user_tag,
	     uint64_t timeout_ns, struct fsvm_fault *fault)
{
	int err = fsvm_launch(ctx, kernel_id, args, nargs, rec, user_tag);

	if (err)
		return err;
	return fsvm_wait(ctx, rec, timeout_ns, fault);
}

int fsvm_context_finish(struct fsvm_context *ctx, uint64_t timeout_ns)
{
	uint32_t target;

	if (!ctx)
		return FSVM_ERR_INVAL;
	target = __atomic_load_n(&ctx->write_index, __ATOMIC_ACQUIRE);
	return wait_until(ctx, cond_consumed, &target, timeout_ns);
}
