// SPDX-License-Identifier: MIT
/*
 * smmu500_walk.c - AArch64 stage-1 table walk, 4 KiB granule, TTBR0 only,
 * as the SMMU-500 performs it for a context bank with CBA2R.VA64 set.
 * The walker only reads descriptors: it never sets AF or dirty state.
 */
#include "smmu500_internal.h"

static const uint8_t size_bits[6] = { 32, 36, 40, 42, 44, 48 };

unsigned int smmu_size_bits(unsigned int enc)
{
	if (enc > 5)
		enc = 5;	/* reserved encodings behave as the largest size */
	return size_bits[enc];
}

unsigned int smmu_size_enc(unsigned int bits)
{
	unsigned int enc = 0;

	while (enc < 5 && size_bits[enc + 1] <= bits)
		enc++;
	return enc;
}

/* Effective output size of bank cb: TCR2.PASize clamped to the SMMU's OAS. */
unsigned int smmu_cb_pa_bits(const struct smmu *s, unsigned int cb)
{
	unsigned int bits = smmu_size_bits(s->cb[cb].tcr2 & SMMU_TCR2_PASIZE_MASK);

	return bits > s->oas_bits ? s->oas_bits : bits;
}

/* ASID of the bank: TTBR0[63:48] with TCR2.AS, else TTBR0[55:48]. */
uint16_t smmu_cb_asid(const struct smmu *s, unsigned int cb)
{
	const struct smmu_cb *c = &s->cb[cb];
	uint16_t asid = (uint16_t)(c->ttbr0 >> SMMU_TTBR_ASID_SHIFT);

	if (!(c->tcr2 & SMMU_TCR2_AS))
		asid &= 0xff;
	return asid;
}

static uint32_t walk_fault(struct smmu_walk *w, uint32_t fsr_bit, unsigned int level)
{
	w->level = level;
	return fsr_bit;
}

/*
 * Walk bank cb's TTBR0 tables for va. Returns 0 with *w filled, or the FSR
 * fault bit (TF/AFF/ASF/EF) with w->level and w->ptwf describing it.
 * Permissions are not checked here: the caller checks w->perm.
 */
uint32_t smmu_walk(struct smmu *s, unsigned int cb, uint64_t va, struct smmu_walk *w)
{
	const struct smmu_cb *c = &s->cb[cb];
	int (*read_desc)(void *priv, uint64_t pa, uint64_t *desc) = s->read_desc;
	unsigned int t0sz = c->tcr & SMMU_TCR_T0SZ_MASK;
	unsigned int ia_bits, level, start, top_bits, pa_bits, shift;
	uint64_t pa_mask, table, idx_mask, tattr = 0;

	w->oa = 0;
	w->page_shift = 0;
	w->level = 0;
	w->reads = 0;
	w->perm = 0;
	w->ng = 0;
	w->attrindx = 0;
	w->sh = 0;
	w->ptwf = false;

	if (c->tcr & SMMU_TCR_EPD0)
		return walk_fault(w, SMMU_FSR_TF, 0);
	if ((c->tcr & SMMU_TCR_TG0_MASK) != SMMU_TCR_TG0_4K)
		return walk_fault(w, SMMU_FSR_TF, 0);

	/* 4 KiB granule: T0SZ 16..39 (48..25-bit VA); other values are clamped. */
	if (t0sz < 16)
		t0sz = 16;
	if (t0sz > 39)
		t0sz = 39;
	ia_bits = 64 - t0sz;
	/* Only the TTBR0 region is walked: every bit above the VA size must be 0. */
	if (va >> ia_bits)
		return walk_fault(w, SMMU_FSR_TF, 0);

	/* start level = 4 - ceil((ia_bits - 12) / 9); index bits at that level */
	start = 4 - (ia_bits - 12 + 8) / 9;
	top_bits = ia_bits - (12 + 9 * (3 - start));

	pa_bits = smmu_cb_pa_bits(s, cb);
	pa_mask = (1ull << pa_bits) - 1;

	/* TTBR0 BADDR: bits [47:x], x = log2 of the start table size. */
	table = c->ttbr0 & 0x0000ffffffffffffull & ~((8ull << top_bits) - 1);
	if (table & ~pa_mask)
		return walk_fault(w, SMMU_FSR_ASF, 0);

	/*
	 * One descriptor read per level, each counted in w->reads. The shift
	 * and index mask step down with the level; the APTable/XNTable bits
	 * of the table descriptors passed are collected in tattr and applied
	 * at the leaf (they only ever restrict, so OR-ing them is the same as
	 * applying them one level at a time).
	 */
	shift = 12 + 9 * (3 - start);
	idx_mask = (1ull << top_bits) - 1;
	for (level = start;; level++, shift -= 9, idx_mask = 511) {
		uint64_t desc = 0;
		uint64_t oa;

		w->reads++;
		if (!read_desc || read_desc(s->priv, table + ((va >> shift) & idx_mask) * 8, &desc)) {
			w->ptwf = true;
			return walk_fault(w, SMMU_FSR_EF, level);
		}
		if (!(desc & SMMU_PTE_VALID))
			return walk_fault(w, SMMU_FSR_TF, level);

		if (level < 3 && (desc & SMMU_PTE_TABLE)) {
			uint64_t next = desc & SMMU_PTE_ADDR_MASK;

			if (next & ~pa_mask)
				return walk_fault(w, SMMU_FSR_ASF, level);
			tattr |= desc;
			table = next;
			continue;
		}

		/* Leaf: a block at level 1/2 or a page at level 3. */
		if (level == 0 || (level == 3 && !(desc & SMMU_PTE_PAGE)))
			return walk_fault(w, SMMU_FSR_TF, level);

		oa = desc & SMMU_PTE_ADDR_MASK;
		if (oa & ~pa_mask)
			return walk_fault(w, SMMU_FSR_ASF, level);
		if (!(desc & SMMU_PTE_AF) && !(c->sctlr & SMMU_SCTLR_AFFD))
			return walk_fault(w, SMMU_FSR_AFF, level);

		w->oa = oa & smmu_page_mask(shift);
		w->page_shift = shift;
		w->level = level;
		w->perm = SMMU_PERM_R;
		/* DBM (bit 51) is ignored: AP[2]=1 means read-only, full stop. */
		if (!(desc & SMMU_PTE_AP2) && !(tattr & SMMU_PTE_APTABLE1))
			w->perm |= SMMU_PERM_W;
		if ((desc & SMMU_PTE_AP1) && !(tattr & SMMU_PTE_APTABLE0))
			w->perm |= SMMU_PERM_USER;
		if ((desc & SMMU_PTE_UXN) || (tattr & SMMU_PTE_UXNTABLE))
			w->perm |= SMMU_PERM_UXN;
		if ((desc & SMMU_PTE_PXN) || (tattr & SMMU_PTE_PXNTABLE))
			w->perm |= SMMU_PERM_PXN;
		w->ng = (desc & SMMU_PTE_NG) ? 1 : 0;
		w->attrindx = (uint8_t)((desc >> SMMU_PTE_ATTRINDX_SHIFT) & 7);
		w->sh = (uint8_t)((desc >> SMMU_PTE_SH_SHIFT) & 3);
		return 0;
	}
}

/*
 * Permission check of one access against a leaf's attributes.
 * priv: the access is privileged (S2CR.PRIVCFG); inst: it is an instruction
 * fetch (S2CR.INSTCFG). Returns 0 or SMMU_FSR_PF.
 */
uint32_t smmu_check_perm(uint8_t perm, bool priv, bool inst, enum smmu_access acc,
			 uint32_t sctlr)
{
	if (!priv && !(perm & SMMU_PERM_USER))
		return SMMU_FSR_PF;
	if (acc == SMMU_WRITE && !(perm & SMMU_PERM_W))
		return SMMU_FSR_PF;
	if (inst) {
		if (priv ? (perm & SMMU_PERM_PXN) : (perm & SMMU_PERM_UXN))
			return SMMU_FSR_PF;
		/* EL1 never executes from EL0-writable memory */
		if (priv && (perm & SMMU_PERM_USER) && (perm & SMMU_PERM_W))
			return SMMU_FSR_PF;
		if ((sctlr & SMMU_SCTLR_WXN) && (perm & SMMU_PERM_W))
			return SMMU_FSR_PF;
	}
	return 0;
}
