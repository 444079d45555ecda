/* SPDX-License-Identifier: MIT */
/*
 * fsvm_model.c - the shell: control window, contexts, packet loop,
 * completion records, fault registers and interrupts, around the command
 * processor of hw-kernels/hls and the SMMU model of hw-kernels/smmu.
 *
 * Freestanding: no libc. Concurrency: see fsvm_model.h.
 */
#include "fsvm_model_internal.h"
#include "fsvm_hls.h"

/* ------------------------------------------------------------------ */
/* SMMU lock and accessors                                             */
/* ------------------------------------------------------------------ */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

void fsvm_model_lock(struct fsvm_model *m)
{
	if (m->host.lock) {
		m->host.lock(m->host.priv);
		return;
	}
	while (__atomic_exchange_n(&m->smmu_lock, 1u, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&m->smmu_lock, __ATOMIC_RELAXED))
			cpu_relax();
	}
}

void fsvm_model_unlock(struct fsvm_model *m)
{
	if (m->host.unlock) {
		m->host.unlock(m->host.priv);
		return;
	}
	__atomic_store_n(&m->smmu_lock, 0u, __ATOMIC_RELEASE);
}

struct smmu *fsvm_model_smmu(struct fsvm_model *m)
{
	return &m->smmu;
}

void fsvm_model_smmu_changed(struct fsvm_model *m)
{
	__atomic_fetch_add(&m->smmu_gen, 1u, __ATOMIC_ACQ_REL);
}

uint32_t fsvm_model_smmu_read32(struct fsvm_model *m, uint32_t off)
{
	uint32_t v;

	fsvm_model_lock(m);
	v = smmu_read32(&m->smmu, off);
	fsvm_model_unlock(m);
	return v;
}

uint64_t fsvm_model_smmu_read64(struct fsvm_model *m, uint32_t off)
{
	uint64_t v;

	fsvm_model_lock(m);
	v = smmu_read64(&m->smmu, off);
	fsvm_model_unlock(m);
	return v;
}

void fsvm_model_smmu_write32(struct fsvm_model *m, uint32_t off, uint32_t val)
{
	fsvm_model_lock(m);
	smmu_write32(&m->smmu, off, val);
	fsvm_model_smmu_changed(m);
	fsvm_model_unlock(m);
}

void fsvm_model_smmu_write64(struct fsvm_model *m, uint32_t off, uint64_t val)
{
	fsvm_model_lock(m);
	smmu_write64(&m->smmu, off, val);
	fsvm_model_smmu_changed(m);
	fsvm_model_unlock(m);
}

/* ------------------------------------------------------------------ */
/* Init                                                                */
/* ------------------------------------------------------------------ */

static int smmu_read_desc(void *priv, uint64_t pa, uint64_t *desc)
{
	struct fsvm_model *m = (struct fsvm_model *)priv;

	return m->port.read_desc(m->port.priv, pa, desc);
}

static void smmu_context_irq(void *priv, unsigned int cb)
{
	struct fsvm_model *m = (struct fsvm_model *)priv;

	if (m->host.smmu_irq)
		m->host.smmu_irq(m->host.priv, cb);
}

uint16_t fsvm_model_stream_id(const struct fsvm_model *m, unsigned int ctx)
{
	return (uint16_t)(m->cfg.stream_id_base + ctx);
}

void fsvm_model_default_config(struct fsvm_model_config *cfg)
{
	*cfg = (struct fsvm_model_config){
		.num_contexts = 4,
		.tlb_entries = 64,
		.clock_hz = 300000000u,
		.ddr_latency_cycles = 40,
		.tlb_hit_cycles = 1,
		.walk_read_cycles = 40,
		.axi_bytes_per_beat = 16,
		.stream_id_base = FSVM_MODEL_STREAM_ID_BASE,
		.smmu_oas_bits = 48,
	};
}

int fsvm_model_init(struct fsvm_model *m, const struct fsvm_model_config *cfg,
		    const struct fsvm_model_port *port,
		    const struct fsvm_model_host *host)
{
	struct smmu_config scfg;
	struct smmu_ops ops;

	if (!m || !cfg || !port || !host)
		return -FSVM_MODEL_EINVAL;
	if (!port->read_desc || !port->mem_read || !port->mem_write)
		return -FSVM_MODEL_EINVAL;
	if ((host->lock == NULL) != (host->unlock == NULL))
		return -FSVM_MODEL_EINVAL;
	if (cfg->num_contexts < 1 || cfg->num_contexts > FSVM_MAX_CONTEXTS ||
	    cfg->num_contexts > SMMU_MAX_CB || cfg->tlb_entries > FSVM_MODEL_MAX_TLB)
		return -FSVM_MODEL_ERANGE;
	if (cfg->stream_id_base + cfg->num_contexts > SMMU_SMR_ID_MASK + 1u)
		return -FSVM_MODEL_ERANGE;
	if (cfg->kernels && (!cfg->kernels->table || !cfg->kernels->dispatch ||
			     cfg->kernels->count < 1 || cfg->kernels->count > FSVM_MAX_KERNELS))
		return -FSVM_MODEL_ENOEXEC;

	__builtin_memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	if (cfg->kernels) {
		m->kernels = *cfg->kernels;
	} else {
		m->kernels.table = fsvm_kernel_table;
		m->kernels.count = fsvm_kernel_count;
		m->kernels.dispatch = fsvm_cp_dispatch;
	}
	m->cfg.kernels = &m->kernels;
	if (m->cfg.axi_bytes_per_beat == 0)
		m->cfg.axi_bytes_per_beat = 16;
	m->port = *port;
	m->host = *host;

	scfg.num_cb = cfg->num_contexts;
	scfg.num_smr = cfg->num_contexts;
	scfg.ias_bits = 48;
	scfg.oas_bits = cfg->smmu_oas_bits ? cfg->smmu_oas_bits : 48;
	scfg.cttw = true;
	ops.priv = m;
	ops.read_desc = smmu_read_desc;
	ops.context_irq = smmu_context_irq;
	ops.global_irq = NULL;
	smmu_init(&m->smmu, &scfg, m->tlb, cfg->tlb_entries, &ops);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Control window                                                      */
/* ------------------------------------------------------------------ */

static uint64_t now(struct fsvm_model *m)
{
	return m->host.now_ticks ? m->host.now_ticks(m->host.priv) : 0;
}

static uint32_t id_read(struct fsvm_model *m, uint32_t off)
{
	uint64_t t;

	switch (off) {
	case FSVM_REG_MAGIC:
		return FSVM_HW_MAGIC;
	case FSVM_REG_VERSION:
		return FSVM_HW_VERSION;
	case FSVM_REG_FEATURES:
		return FSVM_FEAT_SVM | FSVM_FEAT_STALL | FSVM_FEAT_TIMESTAMPS |
		       FSVM_FEAT_HUGE_PAGES | FSVM_FEAT_STATS | FSVM_FEAT_SIMULATED;
	case FSVM_REG_CLOCK_HZ:
		return m->cfg.clock_hz;
	case FSVM_REG_NUM_CONTEXTS:
		return m->cfg.num_contexts;
	case FSVM_REG_NUM_KERNELS:
		return m->kernels.count;
	case FSVM_REG_TIME_LO:
		t = now(m);
		ST(&m->time_hi_latch, (uint32_t)(t >> 32));
		return (uint32_t)t;
	case FSVM_REG_TIME_HI:
		return LD(&m->time_hi_latch);
	case FSVM_REG_MAX_INLINE:
		return FSVM_INLINE_ARGS;
	case FSVM_REG_AXI_DATA_BITS:
		return m->cfg.axi_bytes_per_beat * 8u;
	default:
		return 0;
	}
}

static uint32_t ktab_read(struct fsvm_model *m, uint32_t rel)
{
	uint32_t i = rel / (uint32_t)sizeof(struct fsvm_kernel_desc);
	uint32_t o = rel % (uint32_t)sizeof(struct fsvm_kernel_desc);
	const uint8_t *p;

	if (i >= m->kernels.count)
		return 0;
	p = (const uint8_t *)&m->kernels.table[i] + o;
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static uint32_t ctx_read(struct fsvm_model *m, unsigned int n, uint32_t reg)
{
	struct fsvm_model_ctx *c = &m->ctx[n];

	switch (reg) {
	case FSVM_CTX_RING_BASE_LO:	return LD(&c->ring_base_lo);
	case FSVM_CTX_RING_BASE_HI:	return LD(&c->ring_base_hi);
	case FSVM_CTX_RING_SIZE:	return LD(&c->ring_size);
	case FSVM_CTX_CONTROL:		return LD(&c->control);
	case FSVM_CTX_DOORBELL:		return LD(&c->doorbell);
	case FSVM_CTX_READ_INDEX:	return LDA(&c->read_index);
	case FSVM_CTX_STATUS:		return LDA(&c->status);
	case FSVM_CTX_IRQ_STATUS:	return LDA(&c->irq_status);
	case FSVM_CTX_FAULT_VA_LO:	return LD(&c->fault_va_lo);
	case FSVM_CTX_FAULT_VA_HI:	return LD(&c->fault_va_hi);
	case FSVM_CTX_FAULT_SYND:	return LD(&c->fault_synd);
	case FSVM_CTX_FAULT_PACKET:	return LD(&c->fault_packet);
	case FSVM_CTX_FAULT_COUNT:	return LDA(&c->fault_count);
	case FSVM_CTX_COMPLETED:	return LDA(&c->completed);
	case FSVM_CTX_STREAM_ID:	return fsvm_model_stream_id(m, n);
	default:			return 0;
	}
}

uint32_t fsvm_model_mmio_read32(struct fsvm_model *m, uint32_t off)
{
	unsigned int n;

	if ((off & 3u) || off >= FSVM_WINDOW_SIZE)
		return 0xffffffffu;
	if (off < FSVM_KERNEL_TABLE_OFF)
		return id_read(m, off);
	if (off < FSVM_CTX_BASE_OFF)
		return ktab_read(m, off - FSVM_KERNEL_TABLE_OFF);
	n = (off - FSVM_CTX_BASE_OFF) / FSVM_PAGE_SIZE;
	if (n >= m->cfg.num_contexts)
		return 0xffffffffu;
	return ctx_read(m, n, off & (FSVM_PAGE_SIZE - 1u));
}

static bool ring_ok(uint64_t base, uint32_t size)
{
	if (base == 0 || (base & 63u))
		return false;
	return size >= 2 && size <= 65536u && (size & (size - 1u)) == 0;
}

/*
 * CONTROL.RESET: an idle, disabled context back to its reset values. The
 * device thread only starts a packet of an ENABLED context and sets BUSY
 * while it runs one, so with ENABLE clear and BUSY clear nothing of this
 * context is in progress; epoch moves on so that nothing of the previous
 * binder could ever touch READ_INDEX again.
 */
static void context_reset(struct fsvm_model_ctx *c)
{
	uint32_t old = LD(&c->control);

	if ((old & (FSVM_CTRL_ENABLE | FSVM_CTRL_ABORT)) ||
	    (LDA(&c->status) & FSVM_CSTAT_BUSY))
		return;
	ST(&c->ring_base_lo, 0u);
	ST(&c->ring_base_hi, 0u);
	ST(&c->ring_size, 0u);
	ST(&c->ring_va, 0ull);
	ST(&c->ring_n, 0u);
	ST(&c->ring_valid, 0u);
	ST(&c->doorbell, 0u);
	ST(&c->read_index, 0u);
	ST(&c->irq_status, 0u);
	ST(&c->fault_va_lo, 0u);
	ST(&c->fault_va_hi, 0u);
	ST(&c->fault_synd, 0u);
	ST(&c->fault_packet, 0u);
	ST(&c->fault_count, 0u);
	ST(&c->completed, 0u);
	ST(&c->parked, 0u);
	ST(&c->parked_seq, LD(&c->db_seq));
	ADD(&c->epoch, 1u);
	ST(&c->status, 0u);
	ST(&c->control, 0u);
}

static void control_write(struct fsvm_model_ctx *c, uint32_t val)
{
	uint32_t old = LD(&c->control), nw;

	if (val & FSVM_CTRL_RESET) {
		context_reset(c);
		return;
	}
	do {
		nw = (val & (FSVM_CTRL_ENABLE | FSVM_CTRL_IRQ_EN)) |
		     ((old | val) & FSVM_CTRL_ABORT);
	} while (!__atomic_compare_exchange_n(&c->control, &old, nw, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));

	if (!(old & FSVM_CTRL_ENABLE) && (nw & FSVM_CTRL_ENABLE)) {
		uint64_t base = ((uint64_t)LD(&c->ring_base_hi) << 32) | LD(&c->ring_base_lo);
		uint32_t size = LD(&c->ring_size);

		if (!ring_ok(base, size)) {
			AND(&c->control, ~FSVM_CTRL_ENABLE);
			AND(&c->status, ~FSVM_CSTAT_ENABLED);
			OR(&c->status, FSVM_CSTAT_BAD_RING);
			return;
		}
		ST(&c->ring_va, base);
		ST(&c->ring_n, size);
		ST(&c->ring_valid, 1u);
		ST(&c->read_index, 0u);
		ST(&c->doorbell, 0u);
		ST(&c->fault_count, 0u);
		ST(&c->completed, 0u);
		ST(&c->parked, 0u);
		ADD(&c->epoch, 1u);
		AND(&c->status, ~(FSVM_CSTAT_FAULTED | FSVM_CSTAT_BAD_RING));
		OR(&c->status, FSVM_CSTAT_ENABLED);
	} else if ((old & FSVM_CTRL_ENABLE) && !(nw & FSVM_CTRL_ENABLE)) {
		AND(&c->status, ~FSVM_CSTAT_ENABLED);
	}
}

void fsvm_model_mmio_write32(struct fsvm_model *m, uint32_t off, uint32_t val)
{
	struct fsvm_model_ctx *c;
	unsigned int n;
	uint32_t reg;

	if ((off & 3u) || off < FSVM_CTX_BASE_OFF || off >= FSVM_WINDOW_SIZE)
		return;		/* identification and kernel table are read-only */
	n = (off - FSVM_CTX_BASE_OFF) / FSVM_PAGE_SIZE;
	if (n >= m->cfg.num_contexts)
		return;
	c = &m->ctx[n];
	reg = off & (FSVM_PAGE_SIZE - 1u);

	switch (reg) {
	case FSVM_CTX_RING_BASE_LO:
	case FSVM_CTX_RING_BASE_HI:
	case FSVM_CTX_RING_SIZE:
		if (LD(&c->control) & FSVM_CTRL_ENABLE)
			return;
		if (reg == FSVM_CTX_RING_BASE_LO)
			ST(&c->ring_base_lo, val);
		else if (reg == FSVM_CTX_RING_BASE_HI)
			ST(&c->ring_base_hi, val);
		else
			ST(&c->ring_size, val);
		return;
	case FSVM_CTX_CONTROL:
		control_write(c, val);
		return;
	case FSVM_CTX_DOORBELL:
		STR(&c->doorbell, val);
		ADD(&c->db_seq, 1u);
		return;
	case FSVM_CTX_IRQ_STATUS:
		AND(&c->irq_status, ~val);
		return;
	default:
		return;
	}
}

/* ------------------------------------------------------------------ */
/* Packet loop                                                         */
/* ------------------------------------------------------------------ */

static bool ctx_ready(struct fsvm_model_ctx *c)
{
	uint32_t db;

	if (LD(&c->control) & FSVM_CTRL_ABORT)
		return true;
	if (!(LDA(&c->status) & FSVM_CSTAT_ENABLED))
		return false;
	db = LDA(&c->doorbell);
	if (db == LD(&c->read_index))
		return false;
	if (LD(&c->parked) && LDA(&c->db_seq) == LD(&c->parked_seq))
		return false;
	return true;
}

bool fsvm_model_has_work(struct fsvm_model *m)
{
	for (unsigned int i = 0; i < m->cfg.num_contexts; i++)
		if (ctx_ready(&m->ctx[i]))
			return true;
	return false;
}

static void set_fault(struct fsvm_model_ctx *c, uint64_t va, uint32_t synd,
		      uint32_t packet)
{
	ST(&c->fault_va_lo, (uint32_t)va);
	ST(&c->fault_va_hi, (uint32_t)(va >> 32));
	ST(&c->fault_synd, synd);
	ST(&c->fault_packet, packet);
	ADD(&c->fault_count, 1u);
	OR(&c->status, FSVM_CSTAT_FAULTED);
}

static void raise_irq(struct fsvm_model *m, unsigned int n, uint32_t bits)
{
	struct fsvm_model_ctx *c = &m->ctx[n];

	if (!bits)
		return;
	OR(&c->irq_status, bits);
	if ((LD(&c->control) & FSVM_CTRL_IRQ_EN) && m->host.irq)
		m->host.irq(m->host.priv, n);
}

/* Write a completion record; on a fault, record it (PACKET) in the context. */
static bool write_completion(struct fsvm_model *m, struct fsvm_model_ctx *c,
			     uint64_t va, const struct fsvm_completion *rec,
			     uint32_t index)
{
	struct fsvm_axi *a = &m->axi;

	if (va == 0)
		return true;
	a->check_abort = false;	/* an aborted packet still gets its record */
	a->aborted = false;
	fsvm_axi_clear_fault(a);
	if (fsvm_cp_complete(a, va, rec) == 0)
		return true;
	if (a->faulted)
		set_fault(c, a->fault_va, a->synd | FSVM_SYND_PACKET, index);
	else
		set_fault(c, va, FSVM_SYND_WRITE | FSVM_SYND_PACKET |
			  (FSVM_FAULT_ALIGNMENT << FSVM_SYND_TYPE_SHIFT), index);
	return false;
}

/* A FSVM_PKT_COMPILED packet: the host's compiled-kernel engine runs it. */
static void run_compiled(struct fsvm_model *m, unsigned int n, struct fsvm_cp_result *res)
{
	struct fsvm_model_compiled_io io = { 0, false, 0, 0 };

	if (!m->host.run_compiled) {
		res->status = FSVM_ST_BAD_PACKET;
		return;
	}
	res->status = m->host.run_compiled(m->host.priv, &m->axi, n, res->compiled_va, &io);
	res->phase = io.in_fetch ? FSVM_CP_FETCH : FSVM_CP_KERNEL;
	res->items = io.items;
	res->fault_va = io.fault_va;
	res->syndrome = io.syndrome;
}

static void run_packet(struct fsvm_model *m, unsigned int n)
{
	struct fsvm_model_ctx *c = &m->ctx[n];
	struct fsvm_axi *a = &m->axi;
	struct fsvm_cp_result res;
	struct fsvm_completion rec;
	uint32_t epoch = LDA(&c->epoch);
	uint32_t seq = LDA(&c->db_seq);
	uint32_t idx = LD(&c->read_index);
	uint64_t ring = LD(&c->ring_va);
	uint32_t rn = LD(&c->ring_n);
	uint32_t irq = 0;
	uint64_t start;

	OR(&c->status, FSVM_CSTAT_BUSY);
	if (m->host.begin_packet)
		m->host.begin_packet(m->host.priv, n);
	fsvm_axi_begin(m, a, n, true);
	start = now(m);
	m->kernels.dispatch(a, ring, rn, idx & (rn - 1u), &res);
	fsvm_axi_overlap_end(a);	/* a group a stopped kernel left open */
	if (res.phase == FSVM_CP_COMPILED)
		run_compiled(m, n, &res);

	if (!a->faulted && !a->aborted && res.status == FSVM_ST_BAD_PACKET &&
	    res.phase == FSVM_CP_FETCH && res.type == FSVM_PKT_INVALID) {
		/* Slot not written yet: wait here for the next doorbell. */
		ST(&c->parked_seq, seq);
		ST(&c->parked, 1u);
		AND(&c->status, ~FSVM_CSTAT_BUSY);
		return;
	}
	ST(&c->parked, 0u);
	if (a->aborted && !a->faulted && res.phase == FSVM_CP_FETCH && res.completion_va == 0) {
		/*
		 * ABORT came while the packet itself was being read, so where
		 * its record goes is not known: leave the packet unconsumed.
		 * The next step sees ABORT and abort_drain reads it again (with
		 * no abort check) and writes its ABORTED record.
		 */
		AND(&c->status, ~FSVM_CSTAT_BUSY);
		return;
	}

	rec.status = res.status;
	rec.syndrome = 0;
	rec.fault_va = 0;
	if (a->faulted) {
		rec.status = FSVM_ST_FAULTED;
		rec.fault_va = a->fault_va;
		rec.syndrome = a->synd |
			       (res.phase == FSVM_CP_FETCH ? FSVM_SYND_PACKET : 0u);
	} else if (a->aborted) {
		rec.status = FSVM_ST_ABORTED;
	} else if (res.status == FSVM_ST_FAULTED) {
		rec.fault_va = res.fault_va;
		rec.syndrome = res.syndrome;
	}
	rec.start_ticks = start;
	rec.end_ticks = now(m);
	if (rec.end_ticks < start)
		rec.end_ticks = start;
	rec.cycles = a->cycles;
	rec.bytes = a->bytes;
	rec.tlb_hits = a->tlb_hits;
	rec.tlb_misses = a->tlb_misses;
	rec.items = res.items;
	rec.stalls = a->stalls;

	if (rec.status == FSVM_ST_FAULTED) {
		set_fault(c, rec.fault_va, rec.syndrome, idx);
		irq |= FSVM_IRQ_FAULT;
	}
	if (!write_completion(m, c, res.completion_va, &rec, idx))
		irq |= FSVM_IRQ_FAULT;
	if (res.flags & FSVM_PKT_F_IRQ)
		irq |= FSVM_IRQ_COMPLETION;

	if (LD(&c->epoch) == epoch) {
		STR(&c->read_index, idx + 1u);
		ADD(&c->completed, 1u);
	}
	AND(&c->status, ~FSVM_CSTAT_BUSY);
	raise_irq(m, n, irq);
}

/* CONTROL.ABORT between packets: complete every queued packet as ABORTED. */
static void abort_drain(struct fsvm_model *m, unsigned int n)
{
	struct fsvm_model_ctx *c = &m->ctx[n];
	struct fsvm_axi *a = &m->axi;
	uint32_t irq = 0;

	OR(&c->status, FSVM_CSTAT_BUSY);
	if (LD(&c->ring_valid)) {
		uint32_t epoch = LDA(&c->epoch);
		uint64_t ring = LD(&c->ring_va);
		uint32_t rn = LD(&c->ring_n);
		uint32_t db = LDA(&c->doorbell);
		uint32_t idx = LD(&c->read_index);

		if (db - idx > rn)	/* host overran the ring: only the last rn exist */
			idx = db - rn;
		for (; idx != db; idx++) {
			uint8_t pkt[FSVM_PKT_BYTES];
			uint64_t va = ring + (uint64_t)sizeof(pkt) * (idx & (rn - 1u));

			fsvm_axi_begin(m, a, n, false);
			if (fsvm_axi_read(a, va, pkt, sizeof(pkt)) != 0) {
				set_fault(c, a->fault_va, a->synd | FSVM_SYND_PACKET, idx);
				irq |= FSVM_IRQ_FAULT;
			} else if (pkt[FSVM_PKT_OFF_TYPE] != FSVM_PKT_INVALID) {
				uint64_t cva = fsvm_hls_get64(pkt, FSVM_PKT_OFF_COMPLETION);
				struct fsvm_completion rec;

				__builtin_memset(&rec, 0, sizeof(rec));
				rec.status = FSVM_ST_ABORTED;
				rec.start_ticks = now(m);
				rec.end_ticks = rec.start_ticks;
				if (!write_completion(m, c, cva, &rec, idx))
					irq |= FSVM_IRQ_FAULT;
				if (pkt[FSVM_PKT_OFF_FLAGS] & FSVM_PKT_F_IRQ)
					irq |= FSVM_IRQ_COMPLETION;
			}
			if (LD(&c->epoch) != epoch)
				break;
			STR(&c->read_index, idx + 1u);
			ADD(&c->completed, 1u);
		}
	}
	ST(&c->parked, 0u);
	AND(&c->control, ~FSVM_CTRL_ABORT);
	AND(&c->status, ~FSVM_CSTAT_BUSY);
	raise_irq(m, n, irq);
}

int fsvm_model_step(struct fsvm_model *m)
{
	unsigned int nctx = m->cfg.num_contexts;

	for (unsigned int i = 0; i < nctx; i++) {
		unsigned int k = (m->rr + i) % nctx;
		struct fsvm_model_ctx *c = &m->ctx[k];

		if (!ctx_ready(c))
			continue;
		m->rr = (k + 1u) % nctx;
		if (LD(&c->control) & FSVM_CTRL_ABORT)
			abort_drain(m, k);
		else
			run_packet(m, k);
		return 1;
	}
	return 0;
}
