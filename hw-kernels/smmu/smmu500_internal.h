/* SPDX-License-Identifier: MIT */
/* smmu500_internal.h - shared between the model's files; not public API. */
#ifndef FSVM_SMMU500_INTERNAL_H
#define FSVM_SMMU500_INTERNAL_H

#include "smmu500.h"

/* Result of a successful stage-1 walk (or the fault position of a failed one). */
struct smmu_walk {
	uint64_t oa;		/* output address of the page/block start */
	unsigned int page_shift;/* 12 / 21 / 30 */
	unsigned int level;	/* leaf level, or the level that faulted */
	unsigned int reads;	/* descriptors read */
	uint8_t perm;		/* SMMU_PERM_* */
	uint8_t ng;
	uint8_t attrindx;
	uint8_t sh;
	bool ptwf;		/* fault was a bus error on a descriptor fetch */
};

/* smmu500_walk.c */
uint32_t smmu_walk(struct smmu *s, unsigned int cb, uint64_t va, struct smmu_walk *w);
uint32_t smmu_check_perm(uint8_t perm, bool priv, bool inst, enum smmu_access acc,
			 uint32_t sctlr);
uint16_t smmu_cb_asid(const struct smmu *s, unsigned int cb);
unsigned int smmu_cb_pa_bits(const struct smmu *s, unsigned int cb);

/* smmu500_tlb.c */
void smmu_tlb_reset(struct smmu *s);
struct smmu_tlb_entry *smmu_tlb_lookup(struct smmu *s, unsigned int cb, uint16_t asid,
				       uint64_t va);
void smmu_tlb_insert(struct smmu *s, unsigned int cb, uint16_t asid, uint64_t va,
		     const struct smmu_walk *w);
void smmu_tlb_inv_va(struct smmu *s, unsigned int cb, uint64_t va, uint16_t asid,
		     bool any_asid);
void smmu_tlb_inv_asid(struct smmu *s, unsigned int cb, uint16_t asid);
void smmu_tlb_inv_cb(struct smmu *s, unsigned int cb);
void smmu_tlb_inv_all(struct smmu *s);

/* smmu500_xlate.c */
uint64_t smmu_ats1(struct smmu *s, unsigned int cb, uint64_t va);

static inline uint64_t smmu_page_mask(unsigned int shift)
{
	return ~((1ull << shift) - 1ull);
}

#endif /* FSVM_SMMU500_INTERNAL_H */
