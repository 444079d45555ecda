/* SPDX-License-Identifier: MIT */
/*
 * fsvm_axi.c - the kernels' AXI master in C simulation: fsvm_axi_read and
 * fsvm_axi_write of fsvm_hw.h.
 *
 * Every request is split into bursts of at most 4 KiB that never cross a
 * 4 KiB boundary. Each burst is translated by the SMMU model with the
 * context's StreamID (one translation per burst: a burst is inside one
 * page), then its data phase goes through the memory port. What can happen
 * to a burst:
 *  - CONTROL.ABORT is set (and this port checks it): refused, the launch is
 *    marked aborted;
 *  - SMMU_OK / SMMU_BYPASSED: data phase at the output address;
 *  - SMMU_STALLED: the bank holds the transaction; the host's stall_wait
 *    hook is called until smmu_stall_poll says retry (translate again,
 *    counted in stalls) or terminate (a fault); ABORT while stalled makes
 *    the shell terminate the held transaction itself;
 *  - SMMU_FAULT: the first fault of the launch is recorded (VA of the
 *    burst's first byte, type from FSR, level from FSYNR0.PLVL); with
 *    RAZ/WI (SCTLR.CFRE = 0) the master sees OKAY: reads return zeros,
 *    writes are dropped, as on silicon;
 *  - the data phase fails: a write becomes a permission fault, a read a
 *    translation fault, at level 3, also raised in the SMMU bank
 *    (smmu_raise_fault), which may itself stall and be retried.
 */
#include "fsvm_model_internal.h"

#define ACC_BIT_R	1u
#define ACC_BIT_W	2u

enum { XL_OK = 0, XL_RAZWI = 1, XL_FAIL = -1 };

void fsvm_axi_begin(struct fsvm_model *m, struct fsvm_axi *a, unsigned int ctx,
		    bool check_abort)
{
	a->m = m;
	a->ctx = ctx;
	a->sid = fsvm_model_stream_id(m, ctx);
	a->check_abort = check_abort;
	a->aborted = false;
	a->bytes = 0;
	a->cycles = 0;
	a->tlb_hits = 0;
	a->tlb_misses = 0;
	a->stalls = 0;
	a->bursts = 0;
	a->lt_valid = false;
	a->lt_acc = 0;
	a->lt_gen = 0;
	a->lt_cb = 0;
	a->lt_va = 0;
	a->lt_pa = 0;
	a->lt_mask = 0;
	fsvm_axi_clear_fault(a);
}

void fsvm_axi_clear_fault(struct fsvm_axi *a)
{
	a->faulted = false;
	a->fault_va = 0;
	a->synd = 0;
}

static bool abort_requested(const struct fsvm_axi *a)
{
	return a->check_abort &&
	       (LD(&a->m->ctx[a->ctx].control) & FSVM_CTRL_ABORT) != 0;
}

static void record_fault(struct fsvm_axi *a, uint64_t va, uint32_t type,
			 bool write, unsigned int level)
{
	if (a->faulted)
		return;		/* keep the first */
	a->faulted = true;
	a->fault_va = va;
	a->synd = (type << FSVM_SYND_TYPE_SHIFT) | (write ? FSVM_SYND_WRITE : 0u) |
		  (((uint32_t)level << FSVM_SYND_LEVEL_SHIFT) & FSVM_SYND_LEVEL_MASK);
}

static uint32_t fault_type(const struct smmu_xlate *x)
{
	if (x->gfsr)
		return FSVM_FAULT_EXTERNAL;	/* stream mapping: bus error to the master */
	if (x->fsr & SMMU_FSR_TF)
		return FSVM_FAULT_TRANSLATION;
	if (x->fsr & SMMU_FSR_PF)
		return FSVM_FAULT_PERMISSION;
	if (x->fsr & SMMU_FSR_AFF)
		return FSVM_FAULT_ACCESS_FLAG;
	if (x->fsr & SMMU_FSR_ASF)
		return FSVM_FAULT_ADDRESS_SIZE;
	return FSVM_FAULT_EXTERNAL;		/* EF (walk bus error, PTWF), TLB conflicts, ... */
}

/*
 * A transaction of this launch is held by stalled bank cb. Returns true to
 * retry, false when it was terminated (by software, or by the shell on
 * ABORT: then the launch is marked aborted).
 */
static bool stall_resolve(struct fsvm_axi *a, unsigned int cb)
{
	struct fsvm_model *m = a->m;
	struct fsvm_model_ctx *c = &m->ctx[a->ctx];
	int r;

	OR(&c->status, FSVM_CSTAT_STALLED);
	for (;;) {
		if (m->host.stall_wait)
			m->host.stall_wait(m->host.priv, a->ctx);
		fsvm_model_lock(m);
		r = smmu_stall_poll(&m->smmu, cb);
		if (r == 0 && abort_requested(a)) {
			smmu_write32(&m->smmu, smmu_cb_offset(&m->smmu, cb) + SMMU_CB_RESUME,
				     SMMU_RESUME_TERMINATE);
			__atomic_fetch_add(&m->smmu_gen, 1u, __ATOMIC_RELEASE);
			r = smmu_stall_poll(&m->smmu, cb);
			a->aborted = true;
		}
		fsvm_model_unlock(m);
		if (r != 0)
			break;
	}
	AND(&c->status, ~FSVM_CSTAT_STALLED);
	if (r == 1) {
		a->stalls++;
		return true;
	}
	return false;
}

/* Translate the first byte of a burst. *cb receives the bank (or ~0u). */
/*
 * On XL_OK with *cb != ~0u the burst is in flight on bank *cb (token in
 * *tok) and the caller must end it with smmu_inflight_exit after its data
 * phase.
 */
static int axi_translate(struct fsvm_axi *a, uint64_t va, enum smmu_access acc,
			 uint64_t *pa, unsigned int *cb, uint32_t *tok)
{
	struct fsvm_model *m = a->m;
	uint8_t bit = acc == SMMU_WRITE ? ACC_BIT_W : ACC_BIT_R;
	struct smmu_xlate x;
	enum smmu_result r;
	uint32_t gen;

	/* The cached translation: enter first, then check that no SMMU
	 * register (TLBI, TLBSYNC) was written since it was made. */
	if (a->lt_valid && (a->lt_acc & bit) && ((va ^ a->lt_va) & a->lt_mask) == 0) {
		*tok = smmu_inflight_enter(&m->smmu, a->lt_cb);
		if (a->lt_gen == __atomic_load_n(&m->smmu_gen, __ATOMIC_SEQ_CST)) {
			*pa = a->lt_pa | (va & ~a->lt_mask);
			*cb = a->lt_cb;
			a->tlb_hits++;
			fsvm_cycles_translation(&m->cfg, a, true, 0);
			return XL_OK;
		}
		smmu_inflight_exit(&m->smmu, a->lt_cb, *tok);
	}

	for (;;) {
		fsvm_model_lock(m);
		gen = __atomic_load_n(&m->smmu_gen, __ATOMIC_RELAXED);
		r = smmu_translate(&m->smmu, a->sid, va, acc, &x);
		if (r == SMMU_OK)
			*tok = smmu_inflight_enter(&m->smmu, x.cb);
		fsvm_model_unlock(m);
		*cb = ~0u;

		if (r == SMMU_BYPASSED) {
			*pa = va;
			a->lt_valid = false;
			return XL_OK;
		}
		if (x.tlb_hit)
			a->tlb_hits++;
		else
			a->tlb_misses++;
		fsvm_cycles_translation(&m->cfg, a, x.tlb_hit, x.walk_reads);

		if (r == SMMU_OK) {
			uint64_t mask = ~((1ull << x.page_shift) - 1ull);
			uint64_t vpage = va & mask, ppage = x.pa & mask;

			if (a->lt_valid && a->lt_gen == gen && a->lt_va == vpage &&
			    a->lt_pa == ppage && a->lt_mask == mask && a->lt_cb == x.cb) {
				a->lt_acc |= bit;
			} else {
				a->lt_valid = true;
				a->lt_acc = bit;
				a->lt_gen = gen;
				a->lt_va = vpage;
				a->lt_pa = ppage;
				a->lt_mask = mask;
				a->lt_cb = x.cb;
			}
			*pa = x.pa;
			*cb = x.cb;
			return XL_OK;
		}
		a->lt_valid = false;
		if (r == SMMU_STALLED) {
			if (stall_resolve(a, x.cb))
				continue;
			if (!a->aborted)
				record_fault(a, va, fault_type(&x), acc == SMMU_WRITE,
					     x.fsynr0 & SMMU_FSYNR0_PLVL_MASK);
			return XL_FAIL;
		}
		/* SMMU_FAULT */
		if (x.razwi)
			return XL_RAZWI;
		record_fault(a, va, fault_type(&x), acc == SMMU_WRITE,
			     x.gfsr ? 0u : (x.fsynr0 & SMMU_FSYNR0_PLVL_MASK));
		return XL_FAIL;
	}
}

/* The data phase failed. Returns true to retry the burst (stall + retry). */
static bool data_fault(struct fsvm_axi *a, uint64_t va, enum smmu_access acc,
		       unsigned int cb)
{
	struct fsvm_model *m = a->m;
	bool write = acc == SMMU_WRITE;
	uint32_t type = write ? FSVM_FAULT_PERMISSION : FSVM_FAULT_TRANSLATION;
	enum smmu_result r = SMMU_FAULT;

	a->lt_valid = false;
	if (cb != ~0u) {
		fsvm_model_lock(m);
		r = smmu_raise_fault(&m->smmu, cb, va, acc,
				     write ? SMMU_FSR_PF : SMMU_FSR_TF, 3);
		fsvm_model_unlock(m);
	}
	if (r == SMMU_STALLED && stall_resolve(a, cb))
		return true;
	if (!a->aborted)
		record_fault(a, va, type, write, 3);
	return false;
}

static int burst(struct fsvm_axi *a, uint64_t va, uint8_t *rd, const uint8_t *wr,
		 uint32_t n)
{
	struct fsvm_model *m = a->m;
	enum smmu_access acc = wr ? SMMU_WRITE : SMMU_READ;

	for (;;) {
		unsigned int cb;
		uint32_t tok = 0;
		uint64_t pa;
		int r, dr = 0;

		/* First of all, so that a port which prefetches the burst
		 * overlaps those misses with everything below. */
		if (m->port.xlate_hint)
			m->port.xlate_hint(m->port.priv, va, n, wr != NULL);
		if (m->host.yield)
			m->host.yield(m->host.priv);
		if (a->aborted || abort_requested(a)) {
			a->aborted = true;
			return 1;
		}
		/*
		 * Issue 8 C2: translation and data phase are one transaction
		 * for the bank. From a successful translation until the data
		 * phase ends the burst is in flight on its bank, and a TLBSYNC
		 * stays active (TLBSTATUS.SACTIVE) until it ends, as on a TBU.
		 * So once the driver's TLBI + sync for a range returned, no
		 * burst still writes a page that range used to map: the CPU
		 * may free and reuse it. The count is chosen over holding a
		 * page reference from translation on because it is the
		 * hardware's own contract, covers every memory port (emulation,
		 * sim, RTL) and needs no knowledge of pages in the model. The
		 * data phase must not sleep or wait for software meanwhile: a
		 * failed one leaves the bracket before raising its fault.
		 */
		r = axi_translate(a, va, acc, &pa, &cb, &tok);
		if (r == XL_FAIL)
			return 1;
		if (r == XL_RAZWI) {
			if (rd)
				for (uint32_t i = 0; i < n; i++)
					rd[i] = 0;
		} else if (rd) {
			dr = m->port.mem_read(m->port.priv, pa, rd, n);
		} else {
			/* Data, then (in a later burst) the completion status:
			 * keep the stores in order for the host. */
			__atomic_thread_fence(__ATOMIC_RELEASE);
			dr = m->port.mem_write(m->port.priv, pa, wr, n);
		}
		if (r == XL_OK && cb != ~0u)
			smmu_inflight_exit(&m->smmu, cb, tok);
		if (dr != 0) {
			if (data_fault(a, va, acc, cb))
				continue;
			return 1;
		}
		a->bytes += n;
		a->bursts++;
		fsvm_cycles_burst(&m->cfg, a, n);
		return 0;
	}
}

static uint32_t page_room(uint64_t va)
{
	return FSVM_PAGE_SIZE - (uint32_t)(va & (FSVM_PAGE_SIZE - 1u));
}

/*
 * Split a request into page-bounded bursts; exactly one of dst (read) and
 * src (write) is non-NULL.
 */
static int transfer(fsvm_axi_t *a, uint64_t va, uint8_t *dst, const uint8_t *src,
		    uint32_t len)
{
	while (len) {
		uint32_t room = page_room(va);
		uint32_t n = len < room ? len : room;

		if (a->redirect ? a->redirect(a->redirect_priv, va, dst, src, n) :
				  burst(a, va, dst, src, n))
			return 1;
		va += n;
		if (dst)
			dst += n;
		else
			src += n;
		len -= n;
	}
	return 0;
}

int fsvm_axi_read(fsvm_axi_t *a, uint64_t va, void *dst, uint32_t len)
{
	return transfer(a, va, (uint8_t *)dst, NULL, len);
}

int fsvm_axi_write(fsvm_axi_t *a, uint64_t va, const void *src, uint32_t len)
{
	return transfer(a, va, NULL, (const uint8_t *)src, len);
}
