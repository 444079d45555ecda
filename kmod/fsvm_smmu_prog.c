// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * SMMU-500 context bank and stream programming for fsvm,
 * shared by the kernel module (silicon and emulation), the user-space
 * simulator and the user-space tests. See fsvm_smmu_prog.h.
 */
#include "fsvm_smmu_prog.h"
#include "fsvm_hw.h"
#include "fsvm_uapi.h"

int fsvm_smmu_read_caps(struct fsvm_smmu_io *io, struct fsvm_smmu_caps *caps,
			const char **why)
{
	uint32_t id0 = io->read32(io->priv, SMMU_GR0_IDR0);
	uint32_t id1 = io->read32(io->priv, SMMU_GR0_IDR1);
	uint32_t id2 = io->read32(io->priv, SMMU_GR0_IDR2);
	uint32_t id7 = io->read32(io->priv, SMMU_GR0_IDR7);
	unsigned int numpagendxb;

	caps->s1 = (id0 & SMMU_IDR0_S1TS) != 0;
	caps->sms = (id0 & SMMU_IDR0_SMS) != 0;
	caps->cttw = (id0 & SMMU_IDR0_CTTW) != 0;
	caps->atos = (id0 & SMMU_IDR0_ATOSNS) == 0;
	caps->exids = (id0 & SMMU_IDR0_EXIDS) != 0;
	caps->num_smr = id0 & SMMU_IDR0_NUMSMRG_MASK;
	caps->sid_bits = (id0 & SMMU_IDR0_NUMSIDB_MASK) >> SMMU_IDR0_NUMSIDB_SHIFT;
	caps->num_cb = id1 & SMMU_IDR1_NUMCB_MASK;
	numpagendxb = (id1 & SMMU_IDR1_NUMPAGENDXB_MASK) >> SMMU_IDR1_NUMPAGENDXB_SHIFT;
	caps->cb_shift = (id1 & SMMU_IDR1_PAGESIZE) ? 16 : 12;
	caps->cb_base = (1u << (numpagendxb + 1)) << caps->cb_shift;
	caps->ias_bits = fsvm_size_bits(id2 & SMMU_IDR2_IAS_MASK);
	caps->oas_bits = fsvm_size_bits((id2 & SMMU_IDR2_OAS_MASK) >> SMMU_IDR2_OAS_SHIFT);
	caps->ubs_bits = fsvm_size_bits((id2 & SMMU_IDR2_UBS_MASK) >> SMMU_IDR2_UBS_SHIFT);
	caps->ptfs_4k = (id2 & SMMU_IDR2_PTFS_4K) != 0;
	/* SMMUv2: AArch64 tables unless both AArch32 formats only (PTFS). */
	caps->aarch64 = caps->ptfs_4k;
	caps->major = (id7 & SMMU_IDR7_MAJOR_MASK) >> SMMU_IDR7_MAJOR_SHIFT;
	caps->minor = id7 & SMMU_IDR7_MINOR_MASK;
	io->cb_base = caps->cb_base;
	io->cb_shift = caps->cb_shift;

	*why = NULL;
	if (!caps->s1)
		*why = "no stage-1 translation (IDR0.S1TS = 0)";
	else if (!caps->sms)
		*why = "no stream matching (IDR0.SMS = 0)";
	else if (!caps->ptfs_4k)
		*why = "no AArch64 4 KiB-granule tables (IDR2.PTFS_4K = 0)";
	else if (caps->num_cb == 0 || caps->num_smr == 0)
		*why = "no context banks or stream match groups";
	else if (caps->ias_bits < 32)
		*why = "implausible input address size";
	return *why ? -ENODEV : 0;
}

static const unsigned char size_bits[] = { 32, 36, 40, 42, 44, 48 };

int fsvm_size_enc(unsigned int bits)
{
	unsigned int i;

	for (i = 0; i < sizeof(size_bits); i++)
		if (size_bits[i] == bits)
			return (int)i;
	return -EINVAL;
}

unsigned int fsvm_size_bits(unsigned int enc)
{
	return enc < sizeof(size_bits) ? size_bits[enc] : 48;
}

unsigned int fsvm_size_floor(unsigned int bits)
{
	unsigned int i, best = 0;

	for (i = 0; i < sizeof(size_bits); i++)
		if (size_bits[i] <= bits)
			best = size_bits[i];
	return best;
}

uint32_t fsvm_scr0_own(uint32_t old, bool usf_fault)
{
	uint32_t v = old & ~(SMMU_SCR0_CLIENTPD | SMMU_SCR0_USFCFG);

	v |= SMMU_SCR0_PTM | SMMU_SCR0_GFRE | SMMU_SCR0_GFIE;
	return usf_fault ? v | SMMU_SCR0_USFCFG : v;
}

int fsvm_cb_compute(const struct fsvm_cb_params *p, struct fsvm_cb_regs *r)
{
	unsigned int pa_bits, walk_attr;
	uint64_t pa_limit;
	int enc;

	if (p->va_bits < 25 || p->va_bits > 48)
		return -EINVAL;
	if (p->pa_bits < 32 || p->ias_bits < 32)
		return -EINVAL;
	/*
	 * The PA size the CPU uses, rounded down to what SMMUv2 can encode and
	 * clamped to what this SMMU can output from stage 1 (its IAS).
	 */
	pa_bits = fsvm_size_floor(p->pa_bits);
	if (pa_bits > fsvm_size_floor(p->ias_bits))
		pa_bits = fsvm_size_floor(p->ias_bits);
	enc = fsvm_size_enc(pa_bits);
	if (enc < 0)
		return -EINVAL;
	pa_limit = 1ull << pa_bits;
	if (p->ttbr & 0xfffull)
		return -EINVAL;
	if (p->ttbr >= pa_limit || (p->max_pa && p->max_pa >= pa_limit))
		return -ERANGE;

	/*
	 * Walk attributes: the CPU's (write-back, write-allocate, inner
	 * shareable) only when the walk really is coherent; otherwise
	 * non-cacheable outer shareable, and the tables must be cleaned to
	 * the point of coherency by whoever writes them (mirror mode).
	 */
	if (p->coherent_walk)
		walk_attr = (SMMU_TCR_RGN_WBWA << SMMU_TCR_IRGN0_SHIFT) |
			    (SMMU_TCR_RGN_WBWA << SMMU_TCR_ORGN0_SHIFT) |
			    (SMMU_TCR_SH_IS << SMMU_TCR_SH0_SHIFT);
	else
		walk_attr = 2u << SMMU_TCR_SH0_SHIFT;	/* NC, outer shareable */

	r->cba2r = SMMU_CBA2R_VA64;
	r->cbar = SMMU_CBAR_TYPE(SMMU_CBAR_TYPE_S1_S2BYPASS) |
		  SMMU_CBAR_BPSHCFG(3) |	/* weakest: the TCR/PTEs decide */
		  SMMU_CBAR_MEMATTR(0xf) |
		  ((uint32_t)p->vmid & SMMU_CBAR_VMID_MASK);
	r->tcr2 = SMMU_TCR2_PASIZE((unsigned int)enc) | SMMU_TCR2_AS |
		  SMMU_TCR2_SEP_UPSTREAM;
	r->tcr = SMMU_TCR_T0SZ(64u - p->va_bits) | walk_attr | SMMU_TCR_TG0_4K |
		 SMMU_TCR_EPD1;
	r->ttbr0 = (p->ttbr & SMMU_TTBR_ADDR_MASK) |
		   ((uint64_t)p->asid << SMMU_TTBR_ASID_SHIFT);
	r->ttbr1 = (uint64_t)p->asid << SMMU_TTBR_ASID_SHIFT;
	r->mair0 = (uint32_t)p->mair;
	r->mair1 = (uint32_t)(p->mair >> 32);
	r->sctlr = SMMU_SCTLR_M | SMMU_SCTLR_TRE | SMMU_SCTLR_AFE | SMMU_SCTLR_CFRE |
		   SMMU_SCTLR_CFIE | SMMU_SCTLR_CFCFG | SMMU_SCTLR_ASIDPNE |
		   (p->affd ? SMMU_SCTLR_AFFD : 0u);
	r->pa_bits = pa_bits;
	return 0;
}

void fsvm_cb_program(const struct fsvm_smmu_io *io, unsigned int cb,
		     const struct fsvm_cb_regs *r)
{
	io->write32(io->priv, SMMU_GR1_CBA2R(cb), r->cba2r);
	io->write32(io->priv, SMMU_GR1_CBAR(cb), r->cbar);
	io->write32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_TCR2), r->tcr2);
	io->write32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_TCR), r->tcr);
	io->write64(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_TTBR0), r->ttbr0);
	io->write64(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_TTBR1), r->ttbr1);
	io->write32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_MAIR0), r->mair0);
	io->write32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_MAIR1), r->mair1);
	io->write32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_SCTLR), r->sctlr);
}

int fsvm_ctx_smmu_enable(const struct fsvm_smmu_io *io, unsigned int cb,
			 const struct fsvm_cb_regs *r, uint16_t asid, unsigned int idx,
			 uint16_t sid, uint16_t mask)
{
	fsvm_cb_program(io, cb, r);
	if (fsvm_tlbi_asid(io, cb, asid)) {
		/*
		 * The TLB may still hold the previous binder's entries: the
		 * stream must not reach this bank. Keep it parked, switch the
		 * bank off, and let the caller fail the bind.
		 */
		io->write32(io->priv, SMMU_GR0_S2CR(idx), fsvm_s2cr_fault_value());
		io->write32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_SCTLR), 0);
		return -ETIMEDOUT;
	}
	fsvm_stream_map(io, idx, sid, mask, cb);
	return 0;
}

int fsvm_cb_disable(const struct fsvm_smmu_io *io, unsigned int cb, uint16_t asid)
{
	uint32_t fsr = io->read32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_FSR));

	/*
	 * Terminate a held transaction whatever FSR.SS says: the fault path
	 * clears FSR (write 1 to clear, SS included, or the interrupt would
	 * fire again) as soon as it captures a fault, and the transaction stays
	 * held until a RESUME. A fault worker that then finds the bank
	 * disabled writes no RESUME of its own, so this one is the last
	 * chance. With nothing stalled the write is ignored.
	 */
	io->write32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_RESUME), SMMU_RESUME_TERMINATE);
	io->write32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_SCTLR), 0);
	if (fsr)
		io->write32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_FSR), fsr);
	io->write64(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_TTBR0), 0);
	return fsvm_tlbi_asid(io, cb, asid);
}

uint32_t fsvm_s2cr_value(unsigned int cb)
{
	return SMMU_S2CR_TYPE(SMMU_S2CR_TYPE_TRANS) | SMMU_S2CR_CBNDX(cb) |
	       SMMU_S2CR_PRIVCFG(SMMU_S2CR_PRIVCFG_UNPRIV) |
	       SMMU_S2CR_INSTCFG(SMMU_S2CR_INSTCFG_DATA);
}

uint32_t fsvm_s2cr_fault_value(void)
{
	return SMMU_S2CR_TYPE(SMMU_S2CR_TYPE_FAULT) |
	       SMMU_S2CR_INSTCFG(SMMU_S2CR_INSTCFG_DATA);
}

uint32_t fsvm_smr_value(uint16_t sid, uint16_t mask)
{
	return SMMU_SMR_VALID | SMMU_SMR(sid, mask);
}

void fsvm_stream_map(const struct fsvm_smmu_io *io, unsigned int idx, uint16_t sid,
		     uint16_t mask, unsigned int cb)
{
	io->write32(io->priv, SMMU_GR0_S2CR(idx), fsvm_s2cr_value(cb));
	io->write32(io->priv, SMMU_GR0_SMR(idx), fsvm_smr_value(sid, mask));
}

void fsvm_stream_unmap(const struct fsvm_smmu_io *io, unsigned int idx)
{
	/*
	 * Only S2CR changes: the SMR stays valid, so the StreamID keeps
	 * matching this group and its traffic is terminated. Invalidating the
	 * SMR would hand the stream to sCR0.USFCFG, which may say bypass.
	 */
	io->write32(io->priv, SMMU_GR0_S2CR(idx), fsvm_s2cr_fault_value());
}

void fsvm_stream_park(const struct fsvm_smmu_io *io, unsigned int idx, uint16_t sid,
		      uint16_t mask)
{
	io->write32(io->priv, SMMU_GR0_S2CR(idx), fsvm_s2cr_fault_value());
	io->write32(io->priv, SMMU_GR0_SMR(idx), fsvm_smr_value(sid, mask));
}

int fsvm_tlb_sync(const struct fsvm_smmu_io *io, unsigned int cb)
{
	unsigned int i;

	io->write32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_TLBSYNC), 0);
	for (i = 0; i < FSVM_TLB_SYNC_POLLS; i++) {
		if (!(io->read32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_TLBSTATUS)) &
		      SMMU_TLBSTATUS_SACTIVE))
			return 0;
		if (io->relax)
			io->relax(io->priv);
	}
	return -ETIMEDOUT;
}

int fsvm_tlbi_asid(const struct fsvm_smmu_io *io, unsigned int cb, uint16_t asid)
{
	io->write32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_TLBIASID), asid);
	return fsvm_tlb_sync(io, cb);
}

int fsvm_tlbi_range(const struct fsvm_smmu_io *io, unsigned int cb, uint16_t asid,
		    uint64_t start, uint64_t end, unsigned int *ops)
{
	uint64_t va, pages;

	if (ops)
		*ops = 0;
	if (end <= start)
		return 0;
	start &= ~0xfffull;
	pages = ((end - start) + 0xfffull) >> 12;
	if (pages > FSVM_TLBI_MAX_PAGES || end - start > (1ull << 48)) {
		if (ops)
			*ops = 1;
		return fsvm_tlbi_asid(io, cb, asid);
	}
	for (va = start; va < end; va += 0x1000) {
		io->write64(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_TLBIVA),
			    (va >> 12) | ((uint64_t)asid << 48));
		if (ops)
			(*ops)++;
	}
	return fsvm_tlb_sync(io, cb);
}

void fsvm_cb_read_fault(const struct fsvm_smmu_io *io, unsigned int cb,
			struct fsvm_cb_fault *f)
{
	f->fsr = io->read32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_FSR));
	f->fsynr0 = io->read32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_FSYNR0));
	f->far = io->read64(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_FAR));
	f->cbfrsynra = io->read32(io->priv, SMMU_GR1_CBFRSYNRA(cb));
}

bool fsvm_cb_fault_capture(const struct fsvm_smmu_io *io, unsigned int cb,
			   struct fsvm_cb_fault *f)
{
	fsvm_cb_read_fault(io, cb, f);
	if (!(f->fsr & SMMU_FSR_FAULT))
		return false;
	io->write32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_FSR), f->fsr);
	return true;
}

void fsvm_cb_resume(const struct fsvm_smmu_io *io, unsigned int cb, uint32_t fsr,
		    bool retry)
{
	if (fsr & ~SMMU_FSR_SS)
		io->write32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_FSR), fsr & ~SMMU_FSR_SS);
	if (fsr & SMMU_FSR_SS)
		io->write32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_RESUME),
			    retry ? SMMU_RESUME_RETRY : SMMU_RESUME_TERMINATE);
}

enum fsvm_fault_action fsvm_fault_decide(uint32_t fsr, uint32_t fsynr0, bool *write,
					 uint32_t *syndrome)
{
	uint32_t type, level = fsynr0 & SMMU_FSYNR0_PLVL_MASK;
	enum fsvm_fault_action act = FSVM_FA_TERMINATE;

	*write = (fsynr0 & SMMU_FSYNR0_WNR) != 0;
	if (fsr & SMMU_FSR_TF) {
		type = FSVM_FAULT_TRANSLATION;
		act = FSVM_FA_RESOLVE;
	} else if (fsr & SMMU_FSR_PF) {
		type = FSVM_FAULT_PERMISSION;
		act = FSVM_FA_RESOLVE;
	} else if (fsr & SMMU_FSR_AFF) {
		type = FSVM_FAULT_ACCESS_FLAG;
		act = FSVM_FA_RESOLVE;
	} else if (fsr & SMMU_FSR_ASF) {
		type = FSVM_FAULT_ADDRESS_SIZE;
	} else if (fsr & (SMMU_FSR_EF | SMMU_FSR_TLBMCF | SMMU_FSR_TLBLKF | SMMU_FSR_UUT)) {
		type = FSVM_FAULT_EXTERNAL;
	} else {
		*syndrome = 0;
		return FSVM_FA_NONE;
	}
	/*
	 * Our S2CR makes every access data and unprivileged: anything else
	 * is not the PL kernel's traffic, and a walk bus error is not a page.
	 */
	if (fsynr0 & (SMMU_FSYNR0_IND | SMMU_FSYNR0_PNU | SMMU_FSYNR0_PTWF))
		act = FSVM_FA_TERMINATE;
	*syndrome = (type << FSVM_SYND_TYPE_SHIFT) | (*write ? FSVM_SYND_WRITE : 0u) |
		    ((level << FSVM_SYND_LEVEL_SHIFT) & FSVM_SYND_LEVEL_MASK);
	return act;
}

int fsvm_choose_mode(bool fw_coherent, bool cttw, int param, bool force, int *mode,
		     bool *forced)
{
	bool coherent = fw_coherent && cttw;

	*forced = false;
	switch (param) {
	case FSVM_MODE_PARAM_AUTO:
		*mode = coherent ? FSVM_MODE_SHARED : FSVM_MODE_MIRROR;
		return 0;
	case FSVM_MODE_MIRROR:
		*mode = FSVM_MODE_MIRROR;
		return 0;
	case FSVM_MODE_SHARED:
		if (!coherent && !force)
			return -EPERM;
		*mode = FSVM_MODE_SHARED;
		*forced = !coherent;
		return 0;
	default:
		return -EINVAL;
	}
}
