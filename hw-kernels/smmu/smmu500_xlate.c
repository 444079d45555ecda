// SPDX-License-Identifier: MIT
/*
 * smmu500_xlate.c - one transaction through the SMMU: stream matching,
 * S2CR/CBAR checks, TLB lookup, table walk, permission check, and fault
 * recording with the terminate / stall-and-resume models.
 */
#include "smmu500_internal.h"

static void xlate_clear(struct smmu_xlate *out, uint64_t va)
{
	out->pa = va;
	out->cb = 0;
	out->tlb_hit = false;
	out->walk_reads = 0;
	out->page_shift = 0;
	out->fsr = 0;
	out->fsynr0 = 0;
	out->gfsr = 0;
	out->razwi = false;
}

static enum smmu_result bypass(struct smmu *s, uint64_t va, struct smmu_xlate *out)
{
	out->pa = va;
	s->stats.bypassed++;
	return SMMU_BYPASSED;
}

/* Record a global (stream mapping) fault in sGFSR and terminate. */
static enum smmu_result global_fault(struct smmu *s, uint32_t bit, uint16_t sid,
				     uint64_t va, enum smmu_access acc,
				     struct smmu_xlate *out)
{
	s->stats.global_faults++;
	if (s->sgfsr & SMMU_SGFSR_FAULT) {
		s->sgfsr |= SMMU_SGFSR_MULTI;
	} else {
		s->sgfsr = bit;
		s->sgfar = va;
		s->sgfsynr0 = acc == SMMU_WRITE ? SMMU_SGFSYNR0_WNR : 0;
		s->sgfsynr1 = sid;
		s->sgfsynr2 = 0;
	}
	out->gfsr = bit;
	out->razwi = !(s->scr0 & SMMU_SCR0_GFRE);
	if ((s->scr0 & SMMU_SCR0_GFIE) && s->global_irq)
		s->global_irq(s->priv);
	return SMMU_FAULT;
}

/*
 * Record a context fault in bank cb. The first fault fills FSR/FAR/FSYNR0/
 * CBFRSYNRA; while FSR still holds a fault, later ones only set MULTI.
 */
static enum smmu_result context_fault(struct smmu *s, unsigned int cb, uint64_t va,
				      enum smmu_access acc, uint32_t fsr_bit,
				      unsigned int level, bool ptwf,
				      struct smmu_xlate *out)
{
	struct smmu_cb *c = &s->cb[cb];
	bool stall = (c->sctlr & SMMU_SCTLR_CFCFG) != 0;
	uint32_t syn = level & SMMU_FSYNR0_PLVL_MASK;

	if (acc == SMMU_WRITE)
		syn |= SMMU_FSYNR0_WNR;
	if (c->last_priv)
		syn |= SMMU_FSYNR0_PNU;
	if (c->last_inst)
		syn |= SMMU_FSYNR0_IND;
	if (ptwf)
		syn |= SMMU_FSYNR0_PTWF;

	s->stats.faults++;
	if (c->fsr & SMMU_FSR_FAULT) {
		c->fsr |= SMMU_FSR_MULTI;
	} else {
		c->fsr = fsr_bit;
		c->far = va;
		c->fsynr0 = syn;
		s->cbfrsynra[cb] = c->last_sid;
	}
	if (stall) {
		c->fsr |= SMMU_FSR_SS;
		if (!c->stalled) {
			c->stalled = 1;
			c->resume = 0;
		}
		s->stats.stalls++;
	}

	out->cb = cb;
	out->fsr = fsr_bit | (stall ? SMMU_FSR_SS : 0);
	out->fsynr0 = syn;
	out->razwi = !stall && !(c->sctlr & SMMU_SCTLR_CFRE);

	if ((c->sctlr & SMMU_SCTLR_CFIE) && s->context_irq)
		s->context_irq(s->priv, cb);
	return stall ? SMMU_STALLED : SMMU_FAULT;
}

/* Find the SMR matching sid. Returns the number of matches (index of the first in *idx). */
static unsigned int stream_match(const struct smmu *s, uint16_t sid, unsigned int *idx)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->num_smr; i++) {
		uint32_t smr = s->smr[i];

		/* ID in [14:0], MASK in [30:16]: the shifted word's bit 15 is
		 * VALID, which the ID mask drops. */
		if ((smr & SMMU_SMR_VALID) &&
		    !((sid ^ smr) & ~(smr >> SMMU_SMR_MASK_SHIFT) & SMMU_SMR_ID_MASK) &&
		    n++ == 0)
			*idx = i;
	}
	return n;
}

enum smmu_result smmu_translate(struct smmu *s, uint16_t sid, uint64_t va,
				enum smmu_access acc, struct smmu_xlate *out)
{
	struct smmu_tlb_entry *e;
	struct smmu_cb *c;
	unsigned int idx = 0, matches, cb, type, privcfg, instcfg, level;
	uint32_t s2cr, fault;
	uint64_t pa_base;
	uint8_t perm;
	uint16_t asid;
	bool priv, inst;

	xlate_clear(out, va);
	s->stats.translations++;

	if (s->scr0 & SMMU_SCR0_CLIENTPD)
		return bypass(s, va, out);

	matches = stream_match(s, sid, &idx);
	if (matches == 0) {
		if (s->scr0 & SMMU_SCR0_USFCFG)
			return global_fault(s, SMMU_SGFSR_USF, sid, va, acc, out);
		return bypass(s, va, out);
	}
	if (matches > 1)
		return global_fault(s, SMMU_SGFSR_SMCF, sid, va, acc, out);

	s2cr = s->s2cr[idx];
	type = (s2cr & SMMU_S2CR_TYPE_MASK) >> SMMU_S2CR_TYPE_SHIFT;
	if (type == SMMU_S2CR_TYPE_BYPASS)
		return bypass(s, va, out);
	if (type != SMMU_S2CR_TYPE_TRANS)
		return global_fault(s, SMMU_SGFSR_USF, sid, va, acc, out);

	cb = s2cr & SMMU_S2CR_CBNDX_MASK;
	if (cb >= s->num_cb)
		return global_fault(s, SMMU_SGFSR_UCBF, sid, va, acc, out);
	out->cb = cb;
	if ((s->cbar[cb] & SMMU_CBAR_TYPE_MASK) !=
	    SMMU_CBAR_TYPE(SMMU_CBAR_TYPE_S1_S2BYPASS) ||
	    !(s->cba2r[cb] & SMMU_CBA2R_VA64))
		return global_fault(s, SMMU_SGFSR_ICF, sid, va, acc, out);

	/* Attribute overrides: the PL master itself issues unprivileged data. */
	privcfg = (s2cr & SMMU_S2CR_PRIVCFG_MASK) >> SMMU_S2CR_PRIVCFG_SHIFT;
	instcfg = (s2cr & SMMU_S2CR_INSTCFG_MASK) >> SMMU_S2CR_INSTCFG_SHIFT;
	priv = privcfg == SMMU_S2CR_PRIVCFG_PRIV;
	inst = instcfg == SMMU_S2CR_INSTCFG_INST;

	c = &s->cb[cb];
	c->last_sid = sid;
	c->last_priv = priv;
	c->last_inst = inst;

	if (!(c->sctlr & SMMU_SCTLR_M))
		return bypass(s, va, out);

	asid = smmu_cb_asid(s, cb);
	e = smmu_tlb_lookup(s, cb, asid, va);
	if (e) {
		s->stats.tlb_hits++;
		out->tlb_hit = true;
		perm = e->perm;
		pa_base = e->pa_page;
		out->page_shift = e->page_shift;
		level = 3 - (e->page_shift - 12) / 9;
	} else {
		struct smmu_walk w;

		s->stats.tlb_misses++;
		s->stats.walks++;
		fault = smmu_walk(s, cb, va, &w);
		s->stats.walk_reads += w.reads;
		out->walk_reads = w.reads;
		if (fault)
			return context_fault(s, cb, va, acc, fault, w.level, w.ptwf, out);
		smmu_tlb_insert(s, cb, asid, va, &w);
		perm = w.perm;
		pa_base = w.oa;
		out->page_shift = w.page_shift;
		level = w.level;
	}

	fault = smmu_check_perm(perm, priv, inst, acc, c->sctlr);
	if (fault)
		return context_fault(s, cb, va, acc, fault, level, false, out);

	out->pa = pa_base | (va & ~smmu_page_mask(out->page_shift));
	return SMMU_OK;
}

enum smmu_result smmu_raise_fault(struct smmu *s, unsigned int cb, uint64_t va,
				  enum smmu_access acc, uint32_t fsr_bit,
				  unsigned int level)
{
	struct smmu_xlate out;

	xlate_clear(&out, va);
	if (cb >= s->num_cb)
		return SMMU_FAULT;
	return context_fault(s, cb, va, acc, fsr_bit, level, false, &out);
}

int smmu_stall_poll(struct smmu *s, unsigned int cb)
{
	struct smmu_cb *c;
	int r;

	if (cb >= s->num_cb)
		return 2;
	c = &s->cb[cb];
	if (!c->resume)
		return 0;
	r = c->resume;
	c->resume = 0;
	c->stalled = 0;
	return r;
}

/*
 * ATS1PR: translate va in bank cb as a privileged data read, straight from
 * the tables (no TLB lookup or fill, no fault recording). Returns the PAR.
 */
uint64_t smmu_ats1(struct smmu *s, unsigned int cb, uint64_t va)
{
	const struct smmu_cb *c = &s->cb[cb];
	struct smmu_walk w;
	uint32_t fault;
	uint64_t mair, attr;

	s->stats.ats++;
	if (!(c->sctlr & SMMU_SCTLR_M))
		return va & SMMU_PAR_ADDR_MASK;

	s->stats.walks++;
	fault = smmu_walk(s, cb, va, &w);
	s->stats.walk_reads += w.reads;
	if (!fault)
		fault = smmu_check_perm(w.perm, true, false, SMMU_READ, c->sctlr);
	if (fault) {
		uint32_t syn = (w.level & SMMU_FSYNR0_PLVL_MASK) | SMMU_FSYNR0_PNU |
			       SMMU_FSYNR0_ATOF | (w.ptwf ? SMMU_FSYNR0_PTWF : 0);

		return SMMU_PAR_F | (fault & 0x1feu) |
		       ((uint64_t)syn << SMMU_PAR_FSYNR0_SHIFT);
	}
	mair = ((uint64_t)c->mair1 << 32) | c->mair0;
	attr = (mair >> (8 * w.attrindx)) & 0xff;
	return ((w.oa | (va & ~smmu_page_mask(w.page_shift))) & SMMU_PAR_ADDR_MASK) |
	       ((uint64_t)w.sh << SMMU_PAR_SH_SHIFT) | (attr << SMMU_PAR_ATTR_SHIFT);
}
