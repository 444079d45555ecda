/* SPDX-License-Identifier: MIT */
/*
 * fsvm_sim.c - the simulated device in a thread of this process: the device
 * thread around fsvm_model_step, the clock, the interrupt line, and the
 * kernel module's part: binding a context (its SMMU bank and stream,
 * programmed through kmod/fsvm_smmu_prog.c as on silicon and in
 * emulation), invalidation, and the stall-fault handler.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fsvm_sim_internal.h"

/* Faults of one VA further apart than this are not a retry loop (as kmod). */
#define SIM_FAULT_RETRY_WINDOW_NS	(20ull * 1000000ull)

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

/* fsvm_sim_create fails with its reason logged (fsvm_sim.h): err back. */
static int create_failed(const struct fsvm_sim_config *cfg, int err, const char *why)
{
	char buf[256];

	if (cfg->log) {
		snprintf(buf, sizeof(buf), "fsvm sim: cannot start the simulated device: %s (%s)",
			 why, strerror(-err));
		cfg->log(FSVM_SIM_LOG_ERROR, buf);
	}
	return err;
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

/*
 * The kernel module's fault worker (kmod/fsvm_fault.c), for bank ctx: take
 * the fault (read, clear FSR), decide with fsvm_fault_decide, fault the
 * page in through this process's page table, TLBIVA + sync, and RESUME
 * retry; or RESUME terminate when it cannot be resolved. Runs on the
 * device thread while its transaction is held, outside every model lock.
 * Returns true if it handled a fault.
 */
static bool sim_fault_handle(struct fsvm_sim *sim, unsigned int ctx)
{
	unsigned int cb = ctx;
	uint16_t asid = fsvm_bank_asid(cb);
	struct fsvm_sim_fault *rec = &sim->faults[ctx];
	enum fsvm_fault_action act;
	struct fsvm_cb_fault f;
	bool write, retry;
	uint32_t synd;
	int err = 0;

	if (!__atomic_load_n(&sim->live[ctx], __ATOMIC_ACQUIRE))
		return false;
	pthread_mutex_lock(&sim->lock);
	if (!sim->live[ctx] || !fsvm_cb_fault_capture(&sim->io, cb, &f)) {
		pthread_mutex_unlock(&sim->lock);
		return false;
	}
	pthread_mutex_unlock(&sim->lock);

	act = fsvm_fault_decide(f.fsr, f.fsynr0, &write, &synd);
	if (act == FSVM_FA_RESOLVE) {
		uint64_t now = mono_ns();

		/* The same VA again at once, again and again: a livelock. */
		if (f.far == sim->last_fault_va[ctx] &&
		    now - sim->last_fault_ns[ctx] < SIM_FAULT_RETRY_WINDOW_NS) {
			sim->same_va_count[ctx]++;
		} else {
			sim->last_fault_va[ctx] = f.far;
			sim->same_va_count[ctx] = 1;
		}
		sim->last_fault_ns[ctx] = now;
		if (sim->same_va_count[ctx] > FSVM_FAULT_RETRY_LIMIT)
			err = -ELOOP;
		else
			err = sim_fault_in(f.far, write);
	}
	retry = act == FSVM_FA_RESOLVE && !err;
	pthread_mutex_lock(&sim->lock);
	if (sim->live[ctx]) {
		if (retry && fsvm_tlbi_range(&sim->io, cb, asid, f.far, f.far + 1, NULL))
			retry = false;
		fsvm_cb_resume(&sim->io, cb, f.fsr & SMMU_FSR_SS, retry);
	}
	pthread_mutex_unlock(&sim->lock);

	pthread_mutex_lock(&sim->fault_lock);
	rec->far = f.far;
	rec->fsr = f.fsr;
	rec->fsynr0 = f.fsynr0;
	rec->syndrome = synd;
	rec->resolved = retry;
	if (f.fsr & SMMU_FSR_SS)
		rec->stalls++;
	if (retry)
		rec->resolved_count++;
	else
		rec->terminated_count++;
	pthread_mutex_unlock(&sim->fault_lock);
	/*
	 * A terminated fault ends its packet FAULTED with the fault record,
	 * and libfsvm logs that (once, decoded) when the waiter sees it; here
	 * only what the record cannot say: a resolved fault, a livelock.
	 */
	if (retry)
		sim_log(sim, FSVM_SIM_LOG_DEBUG,
			"fsvm sim: context %u: %s fault at 0x%llx (FSR 0x%x FSYNR0 0x%x) resolved",
			ctx, write ? "write" : "read", (unsigned long long)f.far, f.fsr, f.fsynr0);
	else if (err == -ELOOP)
		sim_log(sim, FSVM_SIM_LOG_INFO, "fsvm sim: context %u: 0x%llx faulted %u times "
			"in a row: terminated as a livelock", ctx, (unsigned long long)f.far,
			sim->same_va_count[ctx]);
	return true;
}

/*
 * A transaction of ctx is held by its stalled bank: the fault handler
 * resumes it; otherwise (a RESUME is already on its way, or a disable)
 * wait a little for an SMMU register write.
 */
static void hook_stall_wait(void *priv, unsigned int ctx)
{
	struct fsvm_sim *sim = (struct fsvm_sim *)priv;
	struct timespec rel = { 0, 100000 };	/* 100 us */
	uint32_t seq = __atomic_load_n(&sim->smmu_seq, __ATOMIC_ACQUIRE);

	if (__atomic_load_n(&sim->stop, __ATOMIC_ACQUIRE))
		return;
	if (ctx < FSVM_MAX_CONTEXTS && sim_fault_handle(sim, ctx))
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

	if (!__atomic_load_n(&sim->live[ctx], __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&sim->lock);
	/*
	 * Nothing of this device thread is in flight between packets, so the
	 * sync completes at once; a bank that went away meanwhile is skipped.
	 */
	if (sim->live[ctx] && fsvm_tlbi_asid(&sim->io, ctx, fsvm_bank_asid(ctx)))
		sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: context %u: TLB sync timed out", ctx);
	pthread_mutex_unlock(&sim->lock);
}

/* ------------------------------------------------------------------ */
/* The SMMU as the kernel module reaches it (struct fsvm_smmu_io)       */
/* ------------------------------------------------------------------ */

static uint32_t io_read32(void *priv, uint32_t off)
{
	return fsvm_sim_smmu_read32((struct fsvm_sim *)priv, off);
}

static void io_write32(void *priv, uint32_t off, uint32_t val)
{
	fsvm_sim_smmu_write32((struct fsvm_sim *)priv, off, val);
}

static uint64_t io_read64(void *priv, uint32_t off)
{
	return fsvm_sim_smmu_read64((struct fsvm_sim *)priv, off);
}

static void io_write64(void *priv, uint32_t off, uint64_t val)
{
	fsvm_sim_smmu_write64((struct fsvm_sim *)priv, off, val);
}

/* Between the polls of a TLB sync: the device thread ends its burst. */
static void io_relax(void *priv)
{
	struct timespec ts = { 0, 1000 };

	(void)priv;
	nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------------ */
/* Device thread                                                       */
/* ------------------------------------------------------------------ */

/*
 * How long the idle device thread spins before it sleeps (issue 12,
 * dispatch with both cores busy). A spin pays off when the thread that rings
 * the next doorbell runs on another CPU meanwhile. On the CPU the device
 * thread holds it cannot run at all until the spin ends: each round trip then
 * cost the whole spin plus the host's (median 77 us, p99 2.1 ms under load,
 * against 1.7 us when the two threads have a CPU each). So the doorbell's
 * writer notes its CPU (wake_device, called in the writer's thread), and the
 * device thread does not spin when it is on that CPU: it sleeps at once, the
 * writer runs, and its next doorbell wakes the device (about 5 us median,
 * p99 about 40 us under the same load; tests/model/test_one_cpu.c). On two
 * CPUs nothing changes. sched_getcpu is a read of the rseq area.
 */
static void note_kick_cpu(struct fsvm_sim *sim)
{
	__atomic_store_n(&sim->kick_cpu, sched_getcpu(), __ATOMIC_RELAXED);
}

static uint64_t idle_spin_ns(struct fsvm_sim *sim, uint64_t spin_ns)
{
	int cpu = sched_getcpu();

	if (cpu >= 0 && cpu == __atomic_load_n(&sim->kick_cpu, __ATOMIC_RELAXED))
		return 0;
	return spin_ns;
}

static void wake_device(struct fsvm_sim *sim)
{
	note_kick_cpu(sim);
	__atomic_fetch_add(&sim->wake_seq, 1u, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&sim->sleeping, __ATOMIC_SEQ_CST))
		futex_wake(&sim->wake_seq, 1);
}

void sim_wake_device(struct fsvm_sim *sim)
{
	wake_device(sim);
}

/* The device's engine: the model's sequencer, or a co-simulated shell. */
static bool dev_step(struct fsvm_sim *sim)
{
	return sim->eng ? sim->eng_ops->step(sim->eng) != 0 : fsvm_model_step(&sim->model) != 0;
}

static bool dev_has_work(struct fsvm_sim *sim)
{
	return sim->eng ? sim->eng_ops->has_work(sim->eng) != 0 : fsvm_model_has_work(&sim->model);
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
		uint64_t t0, budget;
		uint32_t seq;
		bool work = false;

		if (dev_step(sim))
			continue;

		/* Idle: spin a while watching the doorbells... */
		t0 = mono_ns();
		budget = idle_spin_ns(sim, spin_ns);
		for (unsigned int i = 0;; i++) {
			if (dev_has_work(sim) || stopping(sim)) {
				work = true;
				break;
			}
			if ((!budget || (i & 63u) == 63u) && mono_ns() - t0 >= budget)
				break;
			cpu_relax();
		}
		if (work)
			continue;

		/* ...then sleep until an MMIO write to DOORBELL/CONTROL. */
		__atomic_store_n(&sim->sleeping, 1u, __ATOMIC_SEQ_CST);
		seq = __atomic_load_n(&sim->wake_seq, __ATOMIC_SEQ_CST);
		if (!dev_has_work(sim) && !stopping(sim))
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
	struct fsvm_model_config m;

	fsvm_model_default_config(&m);
	memset(cfg, 0, sizeof(*cfg));
	cfg->num_contexts = m.num_contexts;
	cfg->tlb_entries = m.tlb_entries;
	cfg->clock_hz = m.clock_hz;
	cfg->ddr_latency_cycles = m.ddr_latency_cycles;
	cfg->tlb_hit_cycles = m.tlb_hit_cycles;
	cfg->walk_read_cycles = m.walk_read_cycles;
	cfg->axi_bytes_per_beat = m.axi_bytes_per_beat;
	cfg->idle_spin_us = 50;
	cfg->log = NULL;
}

/*
 * The kernel module's probe (kmod/fsvm_module.c, fsvm_emu.c): the SMMU's
 * capabilities, sCR0 as fsvm writes it when it owns the SMMU, and every
 * context's stream claimed and parked (matched, S2CR fault) before any
 * bind, so sCR0.USFCFG never decides for it.
 */
static int sim_smmu_probe(struct fsvm_sim *sim)
{
	const char *why;
	unsigned int i;

	sim->io.priv = sim;
	sim->io.read32 = io_read32;
	sim->io.write32 = io_write32;
	sim->io.read64 = io_read64;
	sim->io.write64 = io_write64;
	sim->io.relax = io_relax;
	if (fsvm_smmu_read_caps(&sim->io, &sim->caps, &why)) {
		sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: cannot start the simulated device: "
			"SMMU model unusable: %s", why);
		return -EIO;
	}
	if (sim->caps.num_cb < sim->cfg.num_contexts || sim->caps.num_smr < sim->cfg.num_contexts)
		return create_failed(&sim->cfg, -ERANGE, "the SMMU model has fewer context "
				     "banks or stream match registers than contexts");
	sim->io.write32(sim, SMMU_GR0_SCR0,
			fsvm_scr0_own(sim->io.read32(sim, SMMU_GR0_SCR0), true));
	for (i = 0; i < sim->cfg.num_contexts; i++)
		fsvm_stream_park(&sim->io, i, fsvm_model_stream_id(&sim->model, i), 0);
	return 0;
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
		return create_failed(cfg, -ERANGE, "configuration out of range (contexts, "
				     "TLB entries, clock or AXI beat)");
	if (sim_guard_install() != 0)
		return create_failed(cfg, -EIO, "cannot install the SIGSEGV/SIGBUS guard of "
				     "the memory port");

	sim = calloc(1, sizeof(*sim));
	if (!sim)
		return create_failed(cfg, -ENOMEM, "out of memory");
	sim->cfg = *cfg;
	sim->cfg.device = NULL;		/* not kept: the caller's string */
	sim->kick_cpu = -1;		/* no doorbell yet */
	sim->cfg.engine = NULL;
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
		return create_failed(cfg, -ENOMEM, "out of memory");
	}
	pthread_mutex_init(&sim->lock, NULL);

	pthread_mutex_init(&sim->fault_lock, NULL);
	fsvm_model_default_config(&mcfg);
	mcfg.kernels = sim->plugin ? &sim->kernels : NULL;
	mcfg.num_contexts = cfg->num_contexts;
	mcfg.tlb_entries = cfg->tlb_entries;
	mcfg.clock_hz = cfg->clock_hz;
	mcfg.ddr_latency_cycles = cfg->ddr_latency_cycles;
	mcfg.tlb_hit_cycles = cfg->tlb_hit_cycles;
	mcfg.walk_read_cycles = cfg->walk_read_cycles;
	mcfg.axi_bytes_per_beat = cfg->axi_bytes_per_beat;
	sim_port_init(sim, &port);
	memset(&host, 0, sizeof(host));
	host.priv = sim;
	host.now_ticks = hook_now;
	host.irq = hook_irq;
	host.stall_wait = hook_stall_wait;
	host.begin_packet = hook_begin_packet;
	host.run_compiled = sim_run_compiled;
	/* The model's errors are errno values already (fsvm_model.h). */
	err = fsvm_model_init(&sim->model, &mcfg, &port, &host);
	if (err)
		create_failed(cfg, err, "the device model refused its configuration");
	else
		err = sim_smmu_probe(sim);	/* logs its own */
	if (!err && cfg->engine && *cfg->engine)
		err = sim_engine_load(sim, cfg->engine);
	if (!err) {
		err = -pthread_create(&sim->thread, NULL, device_main, sim);
		if (err)
			create_failed(cfg, err, "cannot start the device thread");
	}
	if (err) {
		sim_engine_unload(sim);
		pthread_mutex_destroy(&sim->fault_lock);
		pthread_mutex_destroy(&sim->lock);
		sim_compiled_fini(sim);
		sim_plugin_unload(sim);
		free(sim);
		return err;
	}
	sim->thread_started = true;
	sim_log(sim, FSVM_SIM_LOG_INFO,
		"fsvm sim: %u contexts, %u TLB entries, %u Hz, idle spin %u us%s",
		cfg->num_contexts, cfg->tlb_entries, cfg->clock_hz, cfg->idle_spin_us,
		sim->eng ? ", engine rtl (Verilator co-simulation)" : "");
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
	sim_engine_unload(sim);
	pthread_mutex_destroy(&sim->fault_lock);
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
	if (sim->eng)
		return sim_engine_mmio_read32(sim, off);
	return fsvm_model_mmio_read32(&sim->model, off);
}

void fsvm_sim_mmio_write32(struct fsvm_sim *sim, uint32_t off, uint32_t val)
{
	if (sim->eng) {
		sim->eng_ops->mmio_write32(sim->eng, off, val);
		return;
	}
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

/*
 * Bank ctx for this process, as kmod's fsvm_ctx_hw_enable computes it. The
 * "CPU" is the synthetic arm64 view of this process (sim_mem.c): 48-bit
 * VAs and PAs, Linux's MAIR_EL1, a coherent walk (shared mode), the
 * synthetic root table. Under sim->lock.
 */
static int sim_bank_enable(struct fsvm_sim *sim, unsigned int ctx)
{
	struct fsvm_cb_params p = {
		.va_bits = 48,
		.pa_bits = 48,
		.ias_bits = sim->caps.ias_bits,
		.mair = ((uint64_t)SIM_MAIR1 << 32) | SIM_MAIR0,
		.coherent_walk = true,
		.asid = fsvm_bank_asid(ctx),
		.vmid = fsvm_bank_vmid(ctx),
		.ttbr = SYN_ROOT,
		.max_pa = 0,
		.affd = true,	/* kmod's default (affd=1); the synthetic PTEs have AF set anyway */
	};
	struct fsvm_cb_regs r;
	int err;

	err = fsvm_cb_compute(&p, &r);
	if (err)
		return err;
	return fsvm_ctx_smmu_enable(&sim->io, ctx, &r, p.asid, ctx,
				    fsvm_model_stream_id(&sim->model, ctx), 0);
}

int fsvm_sim_bind(struct fsvm_sim *sim, unsigned int *ctx)
{
	unsigned int i;
	int err;

	if (!sim || !ctx)
		return -EINVAL;
	pthread_mutex_lock(&sim->lock);
	for (i = 0; i < sim->cfg.num_contexts; i++)
		if (!((sim->bound_mask | sim->quarantined) & (1u << i)))
			break;
	if (i == sim->cfg.num_contexts) {
		pthread_mutex_unlock(&sim->lock);
		return -EBUSY;
	}
	/* Nothing of the previous binder: every context register at reset. */
	fsvm_sim_mmio_write32(sim, FSVM_CTX_OFF(i) + FSVM_CTX_CONTROL, FSVM_CTRL_RESET);
	err = sim_bank_enable(sim, i);
	if (err) {
		if (err == -ETIMEDOUT)
			sim->quarantined |= 1u << i;
		pthread_mutex_unlock(&sim->lock);
		sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: context %u: SMMU bank not programmed: "
			"%s%s", i, strerror(-err),
			err == -ETIMEDOUT ? " (the context is quarantined)" : "");
		return -EIO;
	}
	sim->bound_mask |= 1u << i;
	sim->last_fault_va[i] = 0;
	sim->last_fault_ns[i] = 0;
	sim->same_va_count[i] = 0;
	pthread_mutex_lock(&sim->fault_lock);
	memset(&sim->faults[i], 0, sizeof(sim->faults[i]));
	pthread_mutex_unlock(&sim->fault_lock);
	__atomic_store_n(&sim->live[i], 1u, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&sim->lock);
	sim_log(sim, FSVM_SIM_LOG_DEBUG, "fsvm sim: bound context %u (StreamID 0x%x, ASID %u)",
		i, fsvm_model_stream_id(&sim->model, i), fsvm_bank_asid(i));
	*ctx = i;
	return 0;
}

/* Aborted and no longer executing (the shell cleared ABORT): bounded. */
static bool sim_wait_idle(struct fsvm_sim *sim, unsigned int ctx)
{
	uint32_t base = FSVM_CTX_OFF(ctx);
	uint64_t deadline = mono_ns() + 2000000000ull;

	while ((fsvm_sim_mmio_read32(sim, base + FSVM_CTX_STATUS) & FSVM_CSTAT_BUSY) ||
	       (fsvm_sim_mmio_read32(sim, base + FSVM_CTX_CONTROL) & FSVM_CTRL_ABORT)) {
		struct timespec ts = { 0, 20000 };

		if (mono_ns() > deadline)
			return false;
		nanosleep(&ts, NULL);
	}
	return true;
}

/*
 * kmod's fsvm_ctx_free: ABORT (unbind never waits for a long kernel), the
 * stream unmapped (it stays matched, S2CR fault) and the bank disabled (a
 * held transaction terminated), the shell seen idle, a last TLBIASID +
 * sync, and only then the slot goes back; a slot that never confirmed it
 * is quarantined.
 */
int fsvm_sim_unbind(struct fsvm_sim *sim, unsigned int ctx)
{
	uint32_t ctrl = FSVM_CTX_OFF(ctx) + FSVM_CTX_CONTROL;
	const char *why = NULL;
	uint16_t asid;

	if (!sim || ctx >= sim->cfg.num_contexts)
		return -EINVAL;
	asid = fsvm_bank_asid(ctx);
	pthread_mutex_lock(&sim->lock);
	if (!(sim->bound_mask & (1u << ctx))) {
		pthread_mutex_unlock(&sim->lock);
		return -EINVAL;
	}
	fsvm_sim_mmio_write32(sim, ctrl, FSVM_CTRL_ABORT);
	__atomic_store_n(&sim->live[ctx], 0u, __ATOMIC_RELEASE);
	fsvm_stream_unmap(&sim->io, ctx);
	if (fsvm_cb_disable(&sim->io, ctx, asid))
		why = "TLB sync timed out at disable";
	/* The device thread may need the lock to finish its packet. */
	pthread_mutex_unlock(&sim->lock);
	if (!sim_wait_idle(sim, ctx))
		why = "still busy 2 s after ABORT";
	pthread_mutex_lock(&sim->lock);
	if (!why && fsvm_tlbi_asid(&sim->io, ctx, asid))
		why = "TLB sync timed out after drain";
	fsvm_sim_mmio_write32(sim, ctrl, 0);
	if (why)
		sim->quarantined |= 1u << ctx;
	sim->bound_mask &= ~(1u << ctx);
	pthread_mutex_unlock(&sim->lock);
	if (why)
		sim_log(sim, FSVM_SIM_LOG_ERROR,
			"fsvm sim: context %u QUARANTINED: %s; it is not bound again", ctx, why);
	else
		sim_log(sim, FSVM_SIM_LOG_DEBUG, "fsvm sim: unbound context %u", ctx);
	return 0;
}

int fsvm_sim_fault_info(struct fsvm_sim *sim, unsigned int ctx, struct fsvm_sim_fault *out)
{
	int err = 0;

	if (!sim || !out || ctx >= sim->cfg.num_contexts)
		return -EINVAL;
	pthread_mutex_lock(&sim->fault_lock);
	*out = sim->faults[ctx];
	if (!out->stalls && !out->resolved_count && !out->terminated_count)
		err = -ENOENT;
	pthread_mutex_unlock(&sim->fault_lock);
	return err;
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
	uint64_t end = va + len < va ? UINT64_MAX : va + len;

	for (unsigned int ctx = 0; ctx < sim->cfg.num_contexts; ctx++) {
		if (!sim->live[ctx])
			continue;
		/* What kmod's notifier does (fsvm_ctx_tlbi): a sync that never
		 * completes cuts the stream. */
		if (fsvm_tlbi_range(&sim->io, ctx, fsvm_bank_asid(ctx), va, end, NULL)) {
			fsvm_stream_unmap(&sim->io, ctx);
			sim_log(sim, FSVM_SIM_LOG_ERROR,
				"fsvm sim: context %u: TLB sync timed out: stream cut", ctx);
		}
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
