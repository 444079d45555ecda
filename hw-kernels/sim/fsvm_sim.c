/* SPDX-License-Identifier: MIT */
/*
 * fsvm_sim.c - the simulated device in a thread of this process: the device
 * thread around fsvm_model_step, the clock, the interrupt line, and the
 * kernel module's part (binding a context: programming its SMMU bank).
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fsvm_sim_internal.h"

/* Above this many pages an invalidation is one TLBIASID instead of TLBIVAs. */
#define INV_PAGES_MAX	64u

void sim_log(struct fsvm_sim *sim, int level, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (!sim->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sim->cfg.log(level, buf);
}

/* ------------------------------------------------------------------ */
/* futex and time helpers                                              */
/* ------------------------------------------------------------------ */

static long futex_wait(uint32_t *addr, uint32_t val, const struct timespec *rel)
{
	return syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, rel, NULL, 0);
}

static void futex_wake(uint32_t *addr, int n)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

/* ------------------------------------------------------------------ */
/* Host hooks of the model                                             */
/* ------------------------------------------------------------------ */

static uint64_t hook_now(void *priv)
{
	struct fsvm_sim *sim = (struct fsvm_sim *)priv;
	struct timespec ts;
	uint64_t hz = sim->cfg.clock_hz;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * hz + (uint64_t)ts.tv_nsec * hz / 1000000000ull;
}

static void hook_irq(void *priv, unsigned int ctx)
{
	struct fsvm_sim *sim = (struct fsvm_sim *)priv;

	__atomic_fetch_add(&sim->irq_count[ctx], 1u, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&sim->irq_waiters[ctx], __ATOMIC_SEQ_CST))
		futex_wake(&sim->irq_count[ctx], INT_MAX);
}

static void hook_stall_wait(void *priv, unsigned int ctx)
{
	struct fsvm_sim *sim = (struct fsvm_sim *)priv;
	struct timespec rel = { 0, 100000 };	/* 100 us */
	uint32_t seq = __atomic_load_n(&sim->smmu_seq, __ATOMIC_ACQUIRE);

	(void)ctx;
	if (__atomic_load_n(&sim->stop, __ATOMIC_ACQUIRE))
		return;
	futex_wait(&sim->smmu_seq, seq, &rel);
}

/*
 * Before every packet: TLBIASID + TLBSYNC on the context's bank. The sim has
 * no mmu_notifier: the host may munmap/mprotect between launches without
 * calling fsvm_sim_invalidate, so we model the notifier conservatively by
 * dropping the context's translations at each packet start. Within a packet
 * a stale entry is still safe: the guarded data phase turns an access to a
 * page that went away into a fault, never a crash.
 */
static void hook_begin_packet(void *priv, unsigned int ctx)
{
	struct fsvm_sim *sim = (struct fsvm_sim *)priv;
	uint16_t asid = __atomic_load_n(&sim->asid[ctx], __ATOMIC_ACQUIRE);
	uint32_t off = smmu_cb_offset(fsvm_model_smmu(&sim->model), ctx);

	if (!asid)
		return;
	fsvm_model_smmu_write32(&sim->model, off + SMMU_CB_TLBIASID, asid);
	fsvm_model_smmu_write32(&sim->model, off + SMMU_CB_TLBSYNC, 0);
}

/* ------------------------------------------------------------------ */
/* Device thread                                                       */
/* ------------------------------------------------------------------ */

static void wake_device(struct fsvm_sim *sim)
{
	__atomic_fetch_add(&sim->wake_seq, 1u, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&sim->sleeping, __ATOMIC_SEQ_CST))
		futex_wake(&sim->wake_seq, 1);
}

static bool stopping(struct fsvm_sim *sim)
{
	return __atomic_load_n(&sim->stop, __ATOMIC_ACQUIRE) != 0;
}

static void *device_main(void *arg)
{
	struct fsvm_sim *sim = (struct fsvm_sim *)arg;
	uint64_t spin_ns = (uint64_t)sim->cfg.idle_spin_us * 1000u;
	sigset_t set;

	/* Asynchronous signals are the application's business, not ours. */
	sigfillset(&set);
	sigdelset(&set, SIGSEGV);
	sigdelset(&set, SIGBUS);
	sigdelset(&set, SIGFPE);
	sigdelset(&set, SIGILL);
	sigdelset(&set, SIGABRT);
	sigdelset(&set, SIGTRAP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	while (!stopping(sim)) {
		uint64_t t0;
		uint32_t seq;
		bool work = false;

		if (fsvm_model_step(&sim->model))
			continue;

		/* Idle: spin a while watching the doorbells... */
		t0 = mono_ns();
		for (unsigned int i = 0;; i++) {
			if (fsvm_model_has_work(&sim->model) || stopping(sim)) {
				work = true;
				break;
			}
			if ((i & 63u) == 63u && mono_ns() - t0 >= spin_ns)
				break;
			cpu_relax();
		}
		if (work)
			continue;

		/* ...then sleep until an MMIO write to DOORBELL/CONTROL. */
		__atomic_store_n(&sim->sleeping, 1u, __ATOMIC_SEQ_CST);
		seq = __atomic_load_n(&sim->wake_seq, __ATOMIC_SEQ_CST);
		if (!fsvm_model_has_work(&sim->model) && !stopping(sim))
			futex_wait(&sim->wake_seq, seq, NULL);
		__atomic_store_n(&sim->sleeping, 0u, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Create / destroy                                                    */
/* ------------------------------------------------------------------ */

void fsvm_sim_default_config(struct fsvm_sim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->num_contexts = 4;
	cfg->tlb_entries = 64;
	cfg->clock_hz = 300000000u;
	cfg->ddr_latency_cycles = 40;
	cfg->tlb_hit_cycles = 1;
	cfg->walk_read_cycles = 40;
	cfg->axi_bytes_per_beat = 16;
	cfg->idle_spin_us = 50;
	cfg->log = NULL;
}

int fsvm_sim_create(const struct fsvm_sim_config *cfg, struct fsvm_sim **out)
{
	struct fsvm_model_config mcfg;
	struct fsvm_model_port port;
	struct fsvm_model_host host;
	struct fsvm_sim *sim;
	int err;

	if (!cfg || !out)
		return -EINVAL;
	*out = NULL;
	if (cfg->num_contexts < 1 || cfg->num_contexts > FSVM_MAX_CONTEXTS ||
	    cfg->tlb_entries > FSVM_MODEL_MAX_TLB || cfg->clock_hz == 0 ||
	    cfg->axi_bytes_per_beat == 0 ||
	    (cfg->axi_bytes_per_beat & (cfg->axi_bytes_per_beat - 1u)))
		return -EINVAL;
	if (sim_guard_install() != 0)
		return -EIO;

	sim = calloc(1, sizeof(*sim));
	if (!sim)
		return -ENOMEM;
	sim->cfg = *cfg;
	sim->cfg.device = NULL;		/* not kept: the caller's string */
	if (cfg->device && *cfg->device) {
		err = sim_plugin_load(sim, cfg->device);
		if (err) {
			free(sim);
			return err;
		}
	}
	if (sim_compiled_init(sim) != 0) {
		sim_plugin_unload(sim);
		free(sim);
		return -ENOMEM;
	}
	pthread_mutex_init(&sim->lock, NULL);

	memset(&mcfg, 0, sizeof(mcfg));
	mcfg.kernels = sim->plugin ? &sim->kernels : NULL;
	mcfg.num_contexts = cfg->num_contexts;
	mcfg.tlb_entries = cfg->tlb_entries;
	mcfg.clock_hz = cfg->clock_hz;
	mcfg.ddr_latency_cycles = cfg->ddr_latency_cycles;
	mcfg.tlb_hit_cycles = cfg->tlb_hit_cycles;
	mcfg.walk_read_cycles = cfg->walk_read_cycles;
	mcfg.axi_bytes_per_beat = cfg->axi_bytes_per_beat;
	mcfg.stream_id_base = 0x100;	/* ZynqMP-like: PL master TBU stream IDs */
	mcfg.smmu_oas_bits = 48;
	sim_port_init(sim, &port);
	memset(&host, 0, sizeof(host));
	host.priv = sim;
	host.now_ticks = hook_now;
	host.irq = hook_irq;
	host.stall_wait = hook_stall_wait;
	host.begin_packet = hook_begin_packet;
	host.run_compiled = sim_run_compiled;
	err = fsvm_model_init(&sim->model, &mcfg, &port, &host);
	if (err) {
		pthread_mutex_destroy(&sim->lock);
		sim_compiled_fini(sim);
		sim_plugin_unload(sim);
		free(sim);
		return -EINVAL;
	}

	/* The kmod's probe: the SMMU out of bypass, unmatched streams fault. */
	fsvm_model_smmu_write32(&sim->model, SMMU_GR0_SCR0,
				SMMU_SCR0_GFRE | SMMU_SCR0_GFIE | SMMU_SCR0_USFCFG |
				SMMU_SCR0_PTM);

	err = pthread_create(&sim->thread, NULL, device_main, sim);
	if (err) {
		pthread_mutex_destroy(&sim->lock);
		sim_compiled_fini(sim);
		sim_plugin_unload(sim);
		free(sim);
		return -err;
	}
	sim->thread_started = true;
	sim_log(sim, FSVM_SIM_LOG_INFO,
		"fsvm sim: %u contexts, %u TLB entries, %u Hz, idle spin %u us",
		cfg->num_contexts, cfg->tlb_entries, cfg->clock_hz, cfg->idle_spin_us);
	*out = sim;
	return 0;
}

void fsvm_sim_destroy(struct fsvm_sim *sim)
{
	if (!sim)
		return;
	if (sim->thread_started) {
		__atomic_store_n(&sim->stop, 1u, __ATOMIC_SEQ_CST);
		wake_device(sim);
		__atomic_fetch_add(&sim->smmu_seq, 1u, __ATOMIC_SEQ_CST);
		futex_wake(&sim->smmu_seq, INT_MAX);
		pthread_join(sim->thread, NULL);
	}
	pthread_mutex_destroy(&sim->lock);
	sim_compiled_fini(sim);
	sim_plugin_unload(sim);
	free(sim);
}

/* ------------------------------------------------------------------ */
/* MMIO                                                                */
/* ------------------------------------------------------------------ */

uint32_t fsvm_sim_mmio_read32(struct fsvm_sim *sim, uint32_t off)
{
	return fsvm_model_mmio_read32(&sim->model, off);
}

void fsvm_sim_mmio_write32(struct fsvm_sim *sim, uint32_t off, uint32_t val)
{
	fsvm_model_mmio_write32(&sim->model, off, val);
	if (off >= FSVM_CTX_BASE_OFF && off < FSVM_WINDOW_SIZE) {
		uint32_t reg = off & (FSVM_PAGE_SIZE - 1u);

		if (reg == FSVM_CTX_DOORBELL || reg == FSVM_CTX_CONTROL)
			wake_device(sim);
	}
}

/* ------------------------------------------------------------------ */
/* The kernel module's part                                            */
/* ------------------------------------------------------------------ */

static void program_bank(struct fsvm_sim *sim, unsigned int ctx, uint16_t asid)
{
	struct fsvm_model *m = &sim->model;
	unsigned int cb = ctx;
	uint32_t off = smmu_cb_offset(fsvm_model_smmu(m), cb);
	uint16_t sid = fsvm_model_stream_id(m, ctx);

	fsvm_model_smmu_write32(m, SMMU_GR1_CBA2R(cb), SMMU_CBA2R_VA64);
	fsvm_model_smmu_write32(m, SMMU_GR1_CBAR(cb),
				SMMU_CBAR_TYPE(SMMU_CBAR_TYPE_S1_S2BYPASS));
	fsvm_model_smmu_write32(m, off + SMMU_CB_TCR2,
				SMMU_TCR2_PASIZE(smmu_size_enc(48)) | SMMU_TCR2_AS);
	fsvm_model_smmu_write32(m, off + SMMU_CB_TCR,
				SMMU_TCR_T0SZ(16) | SMMU_TCR_TG0_4K |
				(SMMU_TCR_RGN_WBWA << SMMU_TCR_IRGN0_SHIFT) |
				(SMMU_TCR_RGN_WBWA << SMMU_TCR_ORGN0_SHIFT) |
				(SMMU_TCR_SH_IS << SMMU_TCR_SH0_SHIFT) | SMMU_TCR_EPD1);
	fsvm_model_smmu_write64(m, off + SMMU_CB_TTBR0,
				SYN_ROOT | ((uint64_t)asid << SMMU_TTBR_ASID_SHIFT));
	fsvm_model_smmu_write32(m, off + SMMU_CB_MAIR0, SIM_MAIR0);
	fsvm_model_smmu_write32(m, off + SMMU_CB_MAIR1, SIM_MAIR1);
	fsvm_model_smmu_write32(m, off + SMMU_CB_FSR, 0xffffffffu);
	fsvm_model_smmu_write32(m, off + SMMU_CB_TLBIASID, asid);
	fsvm_model_smmu_write32(m, off + SMMU_CB_TLBSYNC, 0);
	fsvm_model_smmu_write32(m, off + SMMU_CB_SCTLR,
				SMMU_SCTLR_M | SMMU_SCTLR_CFIE | SMMU_SCTLR_CFRE |
				SMMU_SCTLR_AFFD);
	/* Route the stream last: S2CR first, then make the SMR valid. */
	fsvm_model_smmu_write32(m, SMMU_GR0_S2CR(ctx),
				SMMU_S2CR_TYPE(SMMU_S2CR_TYPE_TRANS) | SMMU_S2CR_CBNDX(cb) |
				SMMU_S2CR_PRIVCFG(SMMU_S2CR_PRIVCFG_UNPRIV) |
				SMMU_S2CR_INSTCFG(SMMU_S2CR_INSTCFG_DATA));
	fsvm_model_smmu_write32(m, SMMU_GR0_SMR(ctx), SMMU_SMR(sid, 0) | SMMU_SMR_VALID);
}

static void unprogram_bank(struct fsvm_sim *sim, unsigned int ctx, uint16_t asid)
{
	struct fsvm_model *m = &sim->model;
	uint32_t off = smmu_cb_offset(fsvm_model_smmu(m), ctx);

	fsvm_model_smmu_write32(m, SMMU_GR0_SMR(ctx), 0);
	fsvm_model_smmu_write32(m, SMMU_GR0_S2CR(ctx), SMMU_S2CR_RESET);
	fsvm_model_smmu_write32(m, off + SMMU_CB_SCTLR, 0);
	fsvm_model_smmu_write32(m, off + SMMU_CB_TLBIASID, asid);
	fsvm_model_smmu_write32(m, off + SMMU_CB_TLBSYNC, 0);
}

int fsvm_sim_bind(struct fsvm_sim *sim, unsigned int *ctx)
{
	unsigned int i;

	if (!sim || !ctx)
		return -EINVAL;
	pthread_mutex_lock(&sim->lock);
	for (i = 0; i < sim->cfg.num_contexts; i++)
		if (!(sim->bound_mask & (1u << i)))
			break;
	if (i == sim->cfg.num_contexts) {
		pthread_mutex_unlock(&sim->lock);
		return -EBUSY;
	}
	sim->bound_mask |= 1u << i;
	program_bank(sim, i, (uint16_t)(i + 1u));
	__atomic_store_n(&sim->asid[i], (uint16_t)(i + 1u), __ATOMIC_RELEASE);
	pthread_mutex_unlock(&sim->lock);
	sim_log(sim, FSVM_SIM_LOG_DEBUG, "fsvm sim: bound context %u (StreamID 0x%x, ASID %u)",
		i, fsvm_model_stream_id(&sim->model, i), i + 1u);
	*ctx = i;
	return 0;
}

int fsvm_sim_unbind(struct fsvm_sim *sim, unsigned int ctx)
{
	uint32_t base = FSVM_CTX_OFF(ctx);
	uint64_t deadline;
	uint16_t asid;

	if (!sim || ctx >= sim->cfg.num_contexts)
		return -EINVAL;
	pthread_mutex_lock(&sim->lock);
	if (!(sim->bound_mask & (1u << ctx))) {
		pthread_mutex_unlock(&sim->lock);
		return -EINVAL;
	}
	/* Disable, and abort whatever runs or is queued: unbind never waits
	 * for a long kernel. */
	fsvm_sim_mmio_write32(sim, base + FSVM_CTX_CONTROL, FSVM_CTRL_ABORT);
	deadline = mono_ns() + 2000000000ull;
	while ((fsvm_model_mmio_read32(&sim->model, base + FSVM_CTX_STATUS) & FSVM_CSTAT_BUSY) ||
	       (fsvm_model_mmio_read32(&sim->model, base + FSVM_CTX_CONTROL) & FSVM_CTRL_ABORT)) {
		struct timespec ts = { 0, 20000 };

		if (mono_ns() > deadline) {
			sim_log(sim, FSVM_SIM_LOG_WARN,
				"fsvm sim: context %u did not stop within 2 s", ctx);
			break;
		}
		nanosleep(&ts, NULL);
	}
	asid = sim->asid[ctx];
	__atomic_store_n(&sim->asid[ctx], (uint16_t)0, __ATOMIC_RELEASE);
	unprogram_bank(sim, ctx, asid);
	sim->bound_mask &= ~(1u << ctx);
	pthread_mutex_unlock(&sim->lock);
	sim_log(sim, FSVM_SIM_LOG_DEBUG, "fsvm sim: unbound context %u", ctx);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Interrupts                                                          */
/* ------------------------------------------------------------------ */

uint32_t fsvm_sim_irq_count(struct fsvm_sim *sim, unsigned int ctx)
{
	if (!sim || ctx >= FSVM_MAX_CONTEXTS)
		return 0;
	return __atomic_load_n(&sim->irq_count[ctx], __ATOMIC_ACQUIRE);
}

int fsvm_sim_wait_irq(struct fsvm_sim *sim, unsigned int ctx, uint32_t seen,
		      uint64_t timeout_ns)
{
	uint64_t deadline;
	int ret = 0;

	if (!sim || ctx >= sim->cfg.num_contexts)
		return -EINVAL;
	if (__atomic_load_n(&sim->irq_count[ctx], __ATOMIC_ACQUIRE) != seen)
		return 0;
	deadline = mono_ns() + timeout_ns;
	__atomic_fetch_add(&sim->irq_waiters[ctx], 1u, __ATOMIC_SEQ_CST);
	for (;;) {
		uint64_t t = mono_ns();
		struct timespec rel;

		if (__atomic_load_n(&sim->irq_count[ctx], __ATOMIC_SEQ_CST) != seen)
			break;
		if (t >= deadline) {
			ret = -ETIMEDOUT;
			break;
		}
		rel.tv_sec = (time_t)((deadline - t) / 1000000000ull);
		rel.tv_nsec = (long)((deadline - t) % 1000000000ull);
		futex_wait(&sim->irq_count[ctx], seen, &rel);
	}
	__atomic_fetch_sub(&sim->irq_waiters[ctx], 1u, __ATOMIC_SEQ_CST);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Page-size notes and invalidation                                    */
/* ------------------------------------------------------------------ */

static void notes_begin(struct fsvm_sim *sim)
{
	__atomic_fetch_add(&sim->note_seq, 1u, __ATOMIC_ACQ_REL);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void notes_end(struct fsvm_sim *sim)
{
	__atomic_fetch_add(&sim->note_seq, 1u, __ATOMIC_RELEASE);
}

/* Remove [va, va + len) from the notes (caller holds sim->lock, seq odd). */
static int notes_cut(struct fsvm_sim *sim, uint64_t va, uint64_t len)
{
	uint64_t end = va + len;
	uint32_t n = sim->nnotes;

	for (uint32_t i = 0; i < n;) {
		uint64_t nva = sim->notes[i].va, nend = nva + sim->notes[i].len;

		if (nend <= va || nva >= end) {
			i++;
			continue;
		}
		/* Keep the parts outside the cut, 2 MiB aligned. */
		if (nva < va && nend > end) {
			if (n >= SIM_MAX_NOTES)
				return -ENOSPC;
			__atomic_store_n(&sim->notes[n].va, (end + (1ull << 21) - 1) & ~((1ull << 21) - 1), __ATOMIC_RELAXED);
			__atomic_store_n(&sim->notes[n].len, nend - sim->notes[n].va, __ATOMIC_RELAXED);
			n++;
		}
		if (nva < va) {
			__atomic_store_n(&sim->notes[i].len, (va & ~((1ull << 21) - 1)) - nva,
					 __ATOMIC_RELAXED);
			i++;
			continue;
		}
		if (nend > end) {
			uint64_t keep = (end + (1ull << 21) - 1) & ~((1ull << 21) - 1);

			__atomic_store_n(&sim->notes[i].va, keep, __ATOMIC_RELAXED);
			__atomic_store_n(&sim->notes[i].len, nend > keep ? nend - keep : 0,
					 __ATOMIC_RELAXED);
			i++;
			continue;
		}
		/* fully covered: move the last note here */
		n--;
		__atomic_store_n(&sim->notes[i].va, sim->notes[n].va, __ATOMIC_RELAXED);
		__atomic_store_n(&sim->notes[i].len, sim->notes[n].len, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&sim->nnotes, n, __ATOMIC_RELAXED);
	return 0;
}

/* TLBIVA over the range (TLBIASID when large) + TLBSYNC on every bound bank.
 * Caller holds sim->lock. */
static void invalidate_locked(struct fsvm_sim *sim, uint64_t va, uint64_t len)
{
	uint64_t first = va >> 12, last = (va + len - 1) >> 12;
	uint64_t pages = last - first + 1;

	for (unsigned int ctx = 0; ctx < sim->cfg.num_contexts; ctx++) {
		uint32_t off;
		uint16_t asid;

		if (!(sim->bound_mask & (1u << ctx)))
			continue;
		asid = sim->asid[ctx];
		off = smmu_cb_offset(fsvm_model_smmu(&sim->model), ctx);
		if (pages > INV_PAGES_MAX || va + len < va) {
			fsvm_model_smmu_write32(&sim->model, off + SMMU_CB_TLBIASID, asid);
		} else {
			for (uint64_t p = first; p <= last; p++)
				fsvm_model_smmu_write64(&sim->model, off + SMMU_CB_TLBIVA,
							p | ((uint64_t)asid << 48));
		}
		fsvm_model_smmu_write32(&sim->model, off + SMMU_CB_TLBSYNC, 0);
	}
}

int fsvm_sim_note_mapping(struct fsvm_sim *sim, uint64_t va, uint64_t len,
			  unsigned int page_shift)
{
	uint64_t size;
	int err = 0;

	if (!sim || (page_shift != 12 && page_shift != 21) || len == 0)
		return -EINVAL;
	size = 1ull << page_shift;
	if ((va & (size - 1)) || (len & (size - 1)) || va + len < va)
		return -EINVAL;
	pthread_mutex_lock(&sim->lock);
	notes_begin(sim);
	err = notes_cut(sim, va, len);
	if (!err && page_shift == 21) {
		uint32_t n = sim->nnotes;

		if (n >= SIM_MAX_NOTES) {
			err = -ENOSPC;
		} else {
			__atomic_store_n(&sim->notes[n].va, va, __ATOMIC_RELAXED);
			__atomic_store_n(&sim->notes[n].len, len, __ATOMIC_RELAXED);
			__atomic_store_n(&sim->nnotes, n + 1, __ATOMIC_RELAXED);
		}
	}
	notes_end(sim);
	/* The walker's view of these pages changed shape. */
	invalidate_locked(sim, va, len);
	pthread_mutex_unlock(&sim->lock);
	return err;
}

void fsvm_sim_invalidate(struct fsvm_sim *sim, uint64_t va, uint64_t len)
{
	uint64_t start, end;

	if (!sim || len == 0)
		return;
	start = va & ~0xfffull;
	end = va + len < va ? UINT64_MAX : va + len;
	pthread_mutex_lock(&sim->lock);
	invalidate_locked(sim, start, end - start);
	/* Forget page-size notes that touch the range (whole 2 MiB blocks). */
	notes_begin(sim);
	(void)notes_cut(sim, start & ~((1ull << 21) - 1),
			((end + (1ull << 21) - 1) & ~((1ull << 21) - 1)) -
			(start & ~((1ull << 21) - 1)));
	notes_end(sim);
	pthread_mutex_unlock(&sim->lock);
}

/* ------------------------------------------------------------------ */
/* The SMMU as the kernel module sees it (tests, diagnostics)           */
/* ------------------------------------------------------------------ */

uint32_t fsvm_sim_smmu_read32(struct fsvm_sim *sim, uint32_t off)
{
	return fsvm_model_smmu_read32(&sim->model, off);
}

uint64_t fsvm_sim_smmu_read64(struct fsvm_sim *sim, uint32_t off)
{
	return fsvm_model_smmu_read64(&sim->model, off);
}

void fsvm_sim_smmu_write32(struct fsvm_sim *sim, uint32_t off, uint32_t val)
{
	fsvm_model_smmu_write32(&sim->model, off, val);
	__atomic_fetch_add(&sim->smmu_seq, 1u, __ATOMIC_SEQ_CST);
	futex_wake(&sim->smmu_seq, INT_MAX);
}

void fsvm_sim_smmu_write64(struct fsvm_sim *sim, uint32_t off, uint64_t val)
{
	fsvm_model_smmu_write64(&sim->model, off, val);
	__atomic_fetch_add(&sim->smmu_seq, 1u, __ATOMIC_SEQ_CST);
	futex_wake(&sim->smmu_seq, INT_MAX);
}
