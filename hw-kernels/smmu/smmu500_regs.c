// SPDX-License-Identifier: MIT
/*
 * smmu500_regs.c - reset and the MMIO register file: GR0, GR1 and the
 * context bank pages, with the side effects of command registers (TLB
 * invalidation, sync, RESUME, ATS1PR) and write-1-to-clear status.
 */
#include "smmu500_internal.h"

#define IDR7_MAJOR	2u	/* model identifies as r2p1 (value chosen, not read from silicon) */
#define IDR7_MINOR	1u
#define NUMSIDB		15u	/* ZynqMP stream IDs are 15 bits */

static unsigned int clampu(unsigned int v, unsigned int lo, unsigned int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void cb_reset(struct smmu_cb *c)
{
	c->sctlr = 0;
	c->actlr = 0;
	c->tcr2 = 0;
	c->tcr = 0;
	c->contextidr = 0;
	c->mair0 = 0;
	c->mair1 = 0;
	c->fsr = 0;
	c->fsynr0 = 0;
	c->fsynr1 = 0;
	c->ttbr0 = 0;
	c->ttbr1 = 0;
	c->par = 0;
	c->far = 0;
	c->cmd_hi = 0;
	c->last_sid = 0;
	c->stalled = 0;
	c->resume = 0;
	c->inflight[0] = 0;
	c->inflight[1] = 0;
	c->epoch = 1;
	c->sync_want = 0;
	c->last_priv = 0;
	c->last_inst = 0;
	c->tlbi_unsynced = 0;
}

void smmu_reset_stats(struct smmu *s)
{
	s->stats.translations = 0;
	s->stats.tlb_hits = 0;
	s->stats.tlb_misses = 0;
	s->stats.walks = 0;
	s->stats.walk_reads = 0;
	s->stats.faults = 0;
	s->stats.global_faults = 0;
	s->stats.stalls = 0;
	s->stats.bypassed = 0;
	s->stats.tlb_evictions = 0;
	s->stats.tlbi = 0;
	s->stats.tlbsync = 0;
	s->stats.ats = 0;
}

const struct smmu_stats *smmu_get_stats(const struct smmu *s)
{
	return &s->stats;
}

void smmu_init(struct smmu *s, const struct smmu_config *cfg,
	       struct smmu_tlb_entry *tlb, unsigned int tlb_entries,
	       const struct smmu_ops *ops)
{
	unsigned int i;

	s->num_cb = clampu(cfg->num_cb, 1, SMMU_MAX_CB);
	s->num_smr = clampu(cfg->num_smr, 1, SMMU_MAX_SMR);
	s->ias_bits = smmu_size_bits(smmu_size_enc(cfg->ias_bits ? cfg->ias_bits : 48));
	s->oas_bits = smmu_size_bits(smmu_size_enc(cfg->oas_bits ? cfg->oas_bits : 48));
	s->cttw = cfg->cttw;

	s->priv = ops ? ops->priv : NULL;
	s->read_desc = ops ? ops->read_desc : NULL;
	s->context_irq = ops ? ops->context_irq : NULL;
	s->global_irq = ops ? ops->global_irq : NULL;

	s->scr0 = SMMU_SCR0_CLIENTPD;
	s->scr1 = 0;
	s->sacr = 0;
	s->sgfsr = 0;
	s->sgfsynr0 = 0;
	s->sgfsynr1 = 0;
	s->sgfsynr2 = 0;
	s->sgfar = 0;
	s->gcmd_hi = 0;
	s->gtlbi_unsynced = 0;
	for (i = 0; i < SMMU_MAX_SMR; i++) {
		s->smr[i] = 0;
		s->s2cr[i] = SMMU_S2CR_RESET;
	}
	for (i = 0; i < SMMU_MAX_CB; i++) {
		s->cbar[i] = 0;
		s->cba2r[i] = 0;
		s->cbfrsynra[i] = 0;
		cb_reset(&s->cb[i]);
	}

	s->tlb = tlb;
	s->tlb_entries = tlb ? (tlb_entries > SMMU_TLB_MAX ? SMMU_TLB_MAX : tlb_entries) : 0;
	smmu_tlb_reset(s);
	smmu_reset_stats(s);
}

uint32_t smmu_cb_offset(const struct smmu *s, unsigned int cb)
{
	(void)s;
	return SMMU_CB_OFFSET(cb);
}

bool smmu_tlbi_unsynced(const struct smmu *s, unsigned int cb)
{
	if (cb == SMMU_CB_ANY)
		return s->gtlbi_unsynced != 0;
	if (cb >= s->num_cb)
		return false;
	return s->cb[cb].tlbi_unsynced != 0;
}

/* ------------------------------------------------------------------ */
/* Identification                                                      */
/* ------------------------------------------------------------------ */

static uint32_t idr0(const struct smmu *s)
{
	/* Stage 1 only; ATOS supported (ATOSNS=0); no AArch32 table formats. */
	return SMMU_IDR0_S1TS | SMMU_IDR0_SMS | SMMU_IDR0_PTFS_NO_AARCH32 |
	       (1u << SMMU_IDR0_NUMIRPT_SHIFT) |
	       (s->cttw ? SMMU_IDR0_CTTW : 0) |
	       (NUMSIDB << SMMU_IDR0_NUMSIDB_SHIFT) |
	       (s->num_smr & SMMU_IDR0_NUMSMRG_MASK);
}

static uint32_t idr1(const struct smmu *s)
{
	/* PAGESIZE=0 (4 KiB), no stage-2-only banks */
	return (SMMU_NUMPAGENDXB << SMMU_IDR1_NUMPAGENDXB_SHIFT) |
	       (s->num_cb & SMMU_IDR1_NUMCB_MASK);
}

static uint32_t idr2(const struct smmu *s)
{
	return smmu_size_enc(s->ias_bits) |
	       (smmu_size_enc(s->oas_bits) << SMMU_IDR2_OAS_SHIFT) |
	       (5u << SMMU_IDR2_UBS_SHIFT) | SMMU_IDR2_PTFS_4K;
}

/* ------------------------------------------------------------------ */
/* Global register space 0                                             */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* In-flight data phases and TLBSYNC                                   */
/* ------------------------------------------------------------------ */

uint32_t smmu_inflight_enter(struct smmu *s, unsigned int cb)
{
	struct smmu_cb *c = &s->cb[cb];
	uint32_t e = __atomic_load_n(&c->epoch, __ATOMIC_SEQ_CST);

	__atomic_fetch_add(&c->inflight[e & 1u], 1u, __ATOMIC_SEQ_CST);
	return e;
}

void smmu_inflight_exit(struct smmu *s, unsigned int cb, uint32_t token)
{
	__atomic_fetch_sub(&s->cb[cb].inflight[token & 1u], 1u, __ATOMIC_SEQ_CST);
}

/* A sync on bank cb: every transaction that entered until now must drain. */
static void cb_sync_request(struct smmu_cb *c)
{
	c->sync_want = __atomic_load_n(&c->epoch, __ATOMIC_SEQ_CST);
}

/*
 * Is a sync on bank cb still active? Moves new transactions to the next
 * epoch as soon as the epoch before the wanted one has drained (its
 * counter is then free for reuse), then waits for the wanted one. Runs
 * under the caller's lock, like every register access.
 */
static bool cb_sync_active(struct smmu_cb *c)
{
	uint32_t e = __atomic_load_n(&c->epoch, __ATOMIC_SEQ_CST);

	if ((int32_t)(e - c->sync_want) <= 0) {
		if (__atomic_load_n(&c->inflight[(e - 1u) & 1u], __ATOMIC_SEQ_CST))
			return true;
		e++;
		__atomic_store_n(&c->epoch, e, __ATOMIC_SEQ_CST);
	}
	return __atomic_load_n(&c->inflight[c->sync_want & 1u], __ATOMIC_SEQ_CST) != 0;
}

static uint64_t gr0_read(struct smmu *s, uint32_t off)
{
	unsigned int i;

	if (off >= SMMU_GR0_SMR(0) && off < SMMU_GR0_SMR(SMMU_MAX_SMR)) {
		unsigned int n = (off - SMMU_GR0_SMR(0)) / 4;

		return n < s->num_smr ? s->smr[n] : 0;
	}
	if (off >= SMMU_GR0_S2CR(0) && off < SMMU_GR0_S2CR(SMMU_MAX_SMR)) {
		unsigned int n = (off - SMMU_GR0_S2CR(0)) / 4;

		return n < s->num_smr ? s->s2cr[n] : 0;
	}
	switch (off) {
	case SMMU_GR0_SCR0:		return s->scr0;
	case SMMU_GR0_SCR1:		return s->scr1;
	case SMMU_GR0_SACR:		return s->sacr;
	case SMMU_GR0_IDR0:		return idr0(s);
	case SMMU_GR0_IDR1:		return idr1(s);
	case SMMU_GR0_IDR2:		return idr2(s);
	case SMMU_GR0_IDR7:
		return (IDR7_MAJOR << SMMU_IDR7_MAJOR_SHIFT) | IDR7_MINOR;
	case SMMU_GR0_SGFAR:		return s->sgfar;
	case SMMU_GR0_SGFAR + 4:	return s->sgfar >> 32;
	case SMMU_GR0_SGFSR:		return s->sgfsr;
	case SMMU_GR0_SGFSYNR0:		return s->sgfsynr0;
	case SMMU_GR0_SGFSYNR1:		return s->sgfsynr1;
	case SMMU_GR0_SGFSYNR2:		return s->sgfsynr2;
	case SMMU_GR0_STLBGSTATUS:
		for (i = 0; i < s->num_cb; i++)
			if (cb_sync_active(&s->cb[i]))
				return SMMU_TLBSTATUS_SACTIVE;
		return 0;
	default:			return 0;
	}
}

static void gr0_write(struct smmu *s, uint32_t off, uint64_t val, bool is64)
{
	unsigned int i;

	if (off >= SMMU_GR0_SMR(0) && off < SMMU_GR0_SMR(SMMU_MAX_SMR)) {
		unsigned int n = (off - SMMU_GR0_SMR(0)) / 4;

		if (n < s->num_smr)
			s->smr[n] = (uint32_t)val & (SMMU_SMR_VALID | SMMU_SMR_MASK_MASK |
						     SMMU_SMR_ID_MASK);
		return;
	}
	if (off >= SMMU_GR0_S2CR(0) && off < SMMU_GR0_S2CR(SMMU_MAX_SMR)) {
		unsigned int n = (off - SMMU_GR0_S2CR(0)) / 4;

		if (n < s->num_smr)
			s->s2cr[n] = (uint32_t)val & 0x3fffffffu;
		return;
	}
	switch (off) {
	case SMMU_GR0_SCR0:
		s->scr0 = (uint32_t)val;
		break;
	case SMMU_GR0_SCR1:
		s->scr1 = (uint32_t)val;
		break;
	case SMMU_GR0_SACR:
		s->sacr = (uint32_t)val;
		break;
	case SMMU_GR0_SGFAR:
		if (is64)
			s->sgfar = val;
		else
			s->sgfar = (s->sgfar & 0xffffffff00000000ull) | (uint32_t)val;
		break;
	case SMMU_GR0_SGFAR + 4:
		s->sgfar = (s->sgfar & 0xffffffffull) | ((uint64_t)(uint32_t)val << 32);
		break;
	case SMMU_GR0_SGFSR:
		s->sgfsr &= ~(uint32_t)val;
		break;
	case SMMU_GR0_SGFSRRESTORE:
		s->sgfsr = (uint32_t)val;
		break;
	case SMMU_GR0_SGFSYNR0:
		s->sgfsynr0 = (uint32_t)val;
		break;
	case SMMU_GR0_SGFSYNR1:
		s->sgfsynr1 = (uint32_t)val;
		break;
	case SMMU_GR0_SGFSYNR2:
		s->sgfsynr2 = (uint32_t)val;
		break;
	case SMMU_GR0_TLBIVMID:
		/* stage-1 banks are tagged with CBAR.VMID */
		for (i = 0; i < s->num_cb; i++)
			if ((s->cbar[i] & SMMU_CBAR_VMID_MASK) == ((uint32_t)val & 0xffu))
				smmu_tlb_inv_cb(s, i);
		s->stats.tlbi++;
		s->gtlbi_unsynced = 1;
		break;
	case SMMU_GR0_TLBIALLNSNH:
		smmu_tlb_inv_all(s);
		s->stats.tlbi++;
		s->gtlbi_unsynced = 1;
		break;
	case SMMU_GR0_TLBIALLH:
		/* no hypervisor entries in a stage-1 model */
		s->stats.tlbi++;
		s->gtlbi_unsynced = 1;
		break;
	case SMMU_GR0_STLBGSYNC:
		s->stats.tlbsync++;
		s->gtlbi_unsynced = 0;
		for (i = 0; i < s->num_cb; i++) {
			s->cb[i].tlbi_unsynced = 0;
			cb_sync_request(&s->cb[i]);
		}
		break;
	default:
		break;	/* RO or unimplemented: WI */
	}
}

/* ------------------------------------------------------------------ */
/* Global register space 1                                             */
/* ------------------------------------------------------------------ */

static uint64_t gr1_read(struct smmu *s, uint32_t off)
{
	unsigned int n = (off & 0x3ffu) / 4;

	if (n >= s->num_cb)
		return 0;
	switch (off & ~0x3ffu) {
	case 0x000: return s->cbar[n];
	case 0x400: return s->cbfrsynra[n];
	case 0x800: return s->cba2r[n];
	default:    return 0;
	}
}

static void gr1_write(struct smmu *s, uint32_t off, uint32_t val)
{
	unsigned int n = (off & 0x3ffu) / 4;

	if (n >= s->num_cb)
		return;
	switch (off & ~0x3ffu) {
	case 0x000:
		s->cbar[n] = val;
		break;
	case 0x400:
		s->cbfrsynra[n] = val & SMMU_CBFRSYNRA_SID_MASK;
		break;
	case 0x800:
		s->cba2r[n] = val;
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Context banks                                                       */
/* ------------------------------------------------------------------ */

static uint16_t tlbi_asid(const struct smmu *s, unsigned int cb, uint64_t asid)
{
	return (uint16_t)(asid & ((s->cb[cb].tcr2 & SMMU_TCR2_AS) ? 0xffffu : 0xffu));
}

/* Execute a write to a command register of bank cb with its full value. */
static void cb_command(struct smmu *s, unsigned int cb, uint32_t reg, uint64_t val)
{
	struct smmu_cb *c = &s->cb[cb];
	uint64_t va = (val & 0x00000fffffffffffull) << 12;	/* VA[55:12] */

	switch (reg) {
	case SMMU_CB_TLBIVA:
	case SMMU_CB_TLBIVAL:
		smmu_tlb_inv_va(s, cb, va, tlbi_asid(s, cb, val >> 48), false);
		break;
	case SMMU_CB_TLBIVAA:
	case SMMU_CB_TLBIVAAL:
		smmu_tlb_inv_va(s, cb, va, 0, true);
		break;
	case SMMU_CB_TLBIASID:
		smmu_tlb_inv_asid(s, cb, tlbi_asid(s, cb, val));
		break;
	case SMMU_CB_TLBIALL:
		smmu_tlb_inv_cb(s, cb);
		break;
	case SMMU_CB_ATS1PR:
		c->par = smmu_ats1(s, cb, val);
		return;
	default:
		return;
	}
	s->stats.tlbi++;
	c->tlbi_unsynced = 1;
}

static bool is_cb_command(uint32_t reg)
{
	switch (reg) {
	case SMMU_CB_TLBIVA:
	case SMMU_CB_TLBIVAA:
	case SMMU_CB_TLBIASID:
	case SMMU_CB_TLBIALL:
	case SMMU_CB_TLBIVAL:
	case SMMU_CB_TLBIVAAL:
	case SMMU_CB_ATS1PR:
		return true;
	default:
		return false;
	}
}

/* The 64-bit storage registers of a bank; NULL if reg is not one. */
static uint64_t *cb_reg64(struct smmu_cb *c, uint32_t reg)
{
	switch (reg) {
	case SMMU_CB_TTBR0:	return &c->ttbr0;
	case SMMU_CB_TTBR1:	return &c->ttbr1;
	case SMMU_CB_PAR:	return &c->par;
	case SMMU_CB_FAR:	return &c->far;
	default:		return NULL;
	}
}

static uint64_t cb_read(struct smmu *s, unsigned int cb, uint32_t reg)
{
	struct smmu_cb *c = &s->cb[cb];
	uint64_t *r64 = cb_reg64(c, reg & ~4u);

	if (r64)
		return (reg & 4u) ? *r64 >> 32 : *r64;

	switch (reg) {
	case SMMU_CB_SCTLR:	return c->sctlr;
	case SMMU_CB_ACTLR:	return c->actlr;
	case SMMU_CB_TCR2:	return c->tcr2;
	case SMMU_CB_TCR:	return c->tcr;
	case SMMU_CB_CONTEXTIDR:return c->contextidr;
	case SMMU_CB_MAIR0:	return c->mair0;
	case SMMU_CB_MAIR1:	return c->mair1;
	case SMMU_CB_FSR:	return c->fsr;
	case SMMU_CB_FSYNR0:	return c->fsynr0;
	case SMMU_CB_FSYNR1:	return c->fsynr1;
	case SMMU_CB_TLBSTATUS:
		return cb_sync_active(c) ? SMMU_TLBSTATUS_SACTIVE : 0;
	case SMMU_CB_ATSR:	return 0;	/* ATS completes on the write */
	default:		return 0;	/* WO or unimplemented: RAZ */
	}
}

static void cb_write(struct smmu *s, unsigned int cb, uint32_t reg, uint64_t val,
		     bool is64)
{
	struct smmu_cb *c = &s->cb[cb];
	uint64_t *r64 = cb_reg64(c, reg & ~4u);

	if (is_cb_command(reg & ~4u)) {
		if (is64 && !(reg & 4u)) {
			cb_command(s, cb, reg, val);
		} else if (reg & 4u) {
			c->cmd_hi = (uint32_t)val;	/* hi-lo split write: latch */
		} else {
			cb_command(s, cb, reg, ((uint64_t)c->cmd_hi << 32) | (uint32_t)val);
			c->cmd_hi = 0;
		}
		return;
	}
	if (r64) {
		if (is64 && !(reg & 4u))
			*r64 = val;
		else if (reg & 4u)
			*r64 = (*r64 & 0xffffffffull) | ((uint64_t)(uint32_t)val << 32);
		else
			*r64 = (*r64 & 0xffffffff00000000ull) | (uint32_t)val;
		return;
	}

	switch (reg) {
	case SMMU_CB_SCTLR:
		c->sctlr = (uint32_t)val;	/* no TLB flush, as on silicon */
		break;
	case SMMU_CB_ACTLR:
		c->actlr = (uint32_t)val;
		break;
	case SMMU_CB_RESUME:
		if (c->stalled && !c->resume) {
			c->resume = (val & SMMU_RESUME_TERMINATE) ? 2 : 1;
			c->fsr &= ~SMMU_FSR_SS;
		}
		break;
	case SMMU_CB_TCR2:
		c->tcr2 = (uint32_t)val;
		break;
	case SMMU_CB_TCR:
		c->tcr = (uint32_t)val;
		break;
	case SMMU_CB_CONTEXTIDR:
		c->contextidr = (uint32_t)val;
		break;
	case SMMU_CB_MAIR0:
		c->mair0 = (uint32_t)val;
		break;
	case SMMU_CB_MAIR1:
		c->mair1 = (uint32_t)val;
		break;
	case SMMU_CB_FSR:
		c->fsr &= ~(uint32_t)val;	/* write 1 to clear; the stall stays until RESUME */
		break;
	case SMMU_CB_FSRRESTORE:
		c->fsr = (uint32_t)val;
		break;
	case SMMU_CB_FSYNR0:
		c->fsynr0 = (uint32_t)val;
		break;
	case SMMU_CB_FSYNR1:
		c->fsynr1 = (uint32_t)val;
		break;
	case SMMU_CB_TLBSYNC:
		s->stats.tlbsync++;
		c->tlbi_unsynced = 0;
		cb_sync_request(c);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* MMIO entry points                                                   */
/* ------------------------------------------------------------------ */

static uint64_t reg_read(struct smmu *s, uint32_t off)
{
	if (off >= SMMU_REG_SIZE)
		return 0;
	if (off >= SMMU_CB_BASE) {
		unsigned int cb = (off - SMMU_CB_BASE) >> SMMU_PAGE_SHIFT;

		if (cb >= s->num_cb)
			return 0;
		return cb_read(s, cb, off & (SMMU_PAGE_SIZE - 1));
	}
	if (off < SMMU_GR1_BASE)
		return gr0_read(s, off);
	if (off < SMMU_GR1_BASE + SMMU_PAGE_SIZE)
		return gr1_read(s, off - SMMU_GR1_BASE);
	return 0;
}

static void reg_write(struct smmu *s, uint32_t off, uint64_t val, bool is64)
{
	if (off >= SMMU_REG_SIZE)
		return;
	if (off >= SMMU_CB_BASE) {
		unsigned int cb = (off - SMMU_CB_BASE) >> SMMU_PAGE_SHIFT;

		if (cb < s->num_cb)
			cb_write(s, cb, off & (SMMU_PAGE_SIZE - 1), val, is64);
		return;
	}
	if (off < SMMU_GR1_BASE)
		gr0_write(s, off, val, is64);
	else if (off < SMMU_GR1_BASE + SMMU_PAGE_SIZE)
		gr1_write(s, off - SMMU_GR1_BASE, (uint32_t)val);
}

uint32_t smmu_read32(struct smmu *s, uint32_t off)
{
	return (uint32_t)reg_read(s, off & ~3u);
}

void smmu_write32(struct smmu *s, uint32_t off, uint32_t val)
{
	reg_write(s, off & ~3u, val, false);
}

/*
 * 64-bit accesses: full width on the 64-bit registers (TTBRn, PAR, FAR,
 * sGFAR, TLBI*, ATS1PR); elsewhere two 32-bit accesses, low word first.
 */
uint64_t smmu_read64(struct smmu *s, uint32_t off)
{
	off &= ~7u;
	if (off >= SMMU_CB_BASE && off < SMMU_REG_SIZE) {
		unsigned int cb = (off - SMMU_CB_BASE) >> SMMU_PAGE_SHIFT;
		uint32_t reg = off & (SMMU_PAGE_SIZE - 1);

		if (cb < s->num_cb && cb_reg64(&s->cb[cb], reg))
			return *cb_reg64(&s->cb[cb], reg);
	}
	if (off == SMMU_GR0_SGFAR)
		return s->sgfar;
	return (uint32_t)reg_read(s, off) | ((uint64_t)(uint32_t)reg_read(s, off + 4) << 32);
}

void smmu_write64(struct smmu *s, uint32_t off, uint64_t val)
{
	off &= ~7u;
	if (off >= SMMU_CB_BASE && off < SMMU_REG_SIZE) {
		uint32_t reg = off & (SMMU_PAGE_SIZE - 1);

		if (is_cb_command(reg) || cb_reg64(&s->cb[0], reg)) {
			reg_write(s, off, val, true);
			return;
		}
	}
	if (off == SMMU_GR0_SGFAR) {
		reg_write(s, off, val, true);
		return;
	}
	reg_write(s, off, (uint32_t)val, false);
	reg_write(s, off + 4, (uint32_t)(val >> 32), false);
}
