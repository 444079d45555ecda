/* SPDX-License-Identifier: MIT */
/*
 * smmu_test.h - helpers shared by the SMMU model tests: a RUN macro, a
 * test-owned "physical memory" holding synthetic AArch64 tables, and bank
 * programming in the order Linux's arm-smmu uses.
 */
#ifndef FSVM_SMMU_TEST_H
#define FSVM_SMMU_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmu500.h"
#include "test_check.h"

#define RUN(fn)								\
	do {								\
		int before_ = check_failures;				\
		fn();							\
		printf("%-40s %s\n", #fn,				\
		       check_failures == before_ ? "ok" : "FAILED");	\
	} while (0)

/* ---- test physical memory: tables live at PA MEM_BASE.. ---- */
#define MEM_BASE	0x80000000ull
#define MEM_PAGES	256u
#define NO_FAIL		(~0ull)

struct tmem {
	uint64_t *words;		/* MEM_PAGES * 512 descriptors */
	unsigned int next_page;		/* bump allocator */
	uint64_t fail_pa;		/* read_desc at this PA returns a bus error */
	unsigned int reads;
	unsigned int irqs[SMMU_MAX_CB];
	unsigned int girqs;
};

static inline void tmem_init(struct tmem *m)
{
	m->words = calloc((size_t)MEM_PAGES * 512u, sizeof(uint64_t));
	if (!m->words) {
		perror("calloc");
		exit(2);
	}
	m->next_page = 0;
	m->fail_pa = NO_FAIL;
	m->reads = 0;
	memset(m->irqs, 0, sizeof(m->irqs));
	m->girqs = 0;
}

static inline void tmem_free(struct tmem *m)
{
	free(m->words);
	m->words = NULL;
}

static inline uint64_t tmem_alloc_table(struct tmem *m)
{
	if (m->next_page >= MEM_PAGES) {
		fprintf(stderr, "test memory exhausted\n");
		exit(2);
	}
	return MEM_BASE + (uint64_t)(m->next_page++) * 4096u;
}

static inline uint64_t *tmem_word(struct tmem *m, uint64_t pa)
{
	if (pa < MEM_BASE || pa >= MEM_BASE + (uint64_t)MEM_PAGES * 4096u || (pa & 7)) {
		fprintf(stderr, "test bug: bad table PA 0x%" PRIx64 "\n", pa);
		exit(2);
	}
	return &m->words[(pa - MEM_BASE) / 8];
}

static inline int tmem_read_desc(void *priv, uint64_t pa, uint64_t *desc)
{
	struct tmem *m = priv;

	m->reads++;
	if (pa == m->fail_pa)
		return -1;
	if (pa < MEM_BASE || pa >= MEM_BASE + (uint64_t)MEM_PAGES * 4096u || (pa & 7))
		return -1;
	*desc = m->words[(pa - MEM_BASE) / 8];
	return 0;
}

static inline void tmem_context_irq(void *priv, unsigned int cb)
{
	struct tmem *m = priv;

	if (cb < SMMU_MAX_CB)
		m->irqs[cb]++;
}

static inline void tmem_global_irq(void *priv)
{
	struct tmem *m = priv;

	m->girqs++;
}

/* Linux-like user data PTE attributes (6.1): AF, nG, USER, inner shareable,
 * UXN+PXN, AttrIndx 0 (normal WB). RW unless | SMMU_PTE_AP2. */
#define PTE_USER_RW	(SMMU_PTE_AF | SMMU_PTE_NG | SMMU_PTE_AP1 | (3ull << 8) | \
			 SMMU_PTE_UXN | SMMU_PTE_PXN)
#define PTE_USER_RO	(PTE_USER_RW | SMMU_PTE_AP2)

static inline unsigned int start_level(unsigned int ia_bits)
{
	return 4 - (ia_bits - 12 + 8) / 9;
}

/*
 * Return the PA of the descriptor for va at leaf_level, creating tables on
 * the way from root (walk of ia_bits bits).
 */
static inline uint64_t tmem_slot(struct tmem *m, uint64_t root, unsigned int ia_bits,
				 uint64_t va, unsigned int leaf_level)
{
	unsigned int lvl = start_level(ia_bits);
	uint64_t table = root;

	for (;; lvl++) {
		unsigned int shift = 12 + 9 * (3 - lvl);
		unsigned int bits = lvl == start_level(ia_bits) ?
				    ia_bits - shift : 9;
		uint64_t idx = (va >> shift) & ((1ull << bits) - 1);
		uint64_t slot = table + idx * 8;
		uint64_t *d;

		if (lvl == leaf_level)
			return slot;
		d = tmem_word(m, slot);
		if (!(*d & 1)) {
			uint64_t next = tmem_alloc_table(m);

			*d = next | 3;
		}
		table = *d & SMMU_PTE_ADDR_MASK;
	}
}

/* Map va -> pa at leaf_level (3: 4 KiB page, 2: 2 MiB block, 1: 1 GiB block). */
static inline uint64_t tmem_map(struct tmem *m, uint64_t root, unsigned int ia_bits,
				uint64_t va, uint64_t pa, unsigned int leaf_level,
				uint64_t attrs)
{
	uint64_t slot = tmem_slot(m, root, ia_bits, va, leaf_level);

	*tmem_word(m, slot) = pa | attrs | (leaf_level == 3 ? 3u : 1u);
	return slot;
}

/* ---- SMMU setup ---- */
struct tctx {
	struct smmu s;
	struct smmu_tlb_entry tlb[64];
	struct tmem m;
	struct smmu_ops ops;
};

static inline void tctx_init(struct tctx *t, unsigned int tlb_entries, unsigned int oas)
{
	struct smmu_config cfg = {
		.num_cb = 16, .num_smr = 48, .ias_bits = 48, .oas_bits = oas, .cttw = true,
	};

	tmem_init(&t->m);
	t->ops.priv = &t->m;
	t->ops.read_desc = tmem_read_desc;
	t->ops.context_irq = tmem_context_irq;
	t->ops.global_irq = tmem_global_irq;
	smmu_init(&t->s, &cfg, t->tlb, tlb_entries, &t->ops);
}

static inline void tctx_fini(struct tctx *t)
{
	tmem_free(&t->m);
}

#define LINUX_MAIR	0x000c0400bb44ffffull	/* any 8 bytes: copied from the CPU */

struct bank_cfg {
	unsigned int t0sz;
	uint64_t root;
	uint16_t asid;
	unsigned int pasize_enc;
	uint32_t sctlr_extra;	/* AFFD, CFCFG, ... */
};

/* Program a stage-1 bank in Linux's order: CBA2R, CBAR, TCR2, TCR, TTBR0, MAIR, SCTLR. */
static inline void program_bank(struct smmu *s, unsigned int cb, const struct bank_cfg *b)
{
	uint32_t base = smmu_cb_offset(s, cb);

	smmu_write32(s, SMMU_GR1_CBA2R(cb), SMMU_CBA2R_VA64);
	smmu_write32(s, SMMU_GR1_CBAR(cb),
		     SMMU_CBAR_TYPE(SMMU_CBAR_TYPE_S1_S2BYPASS) | SMMU_CBAR_BPSHCFG(3) |
		     SMMU_CBAR_MEMATTR(0xf) | (cb & 0xff));
	smmu_write32(s, base + SMMU_CB_TCR2,
		     SMMU_TCR2_PASIZE(b->pasize_enc) | SMMU_TCR2_AS | SMMU_TCR2_SEP_UPSTREAM);
	smmu_write32(s, base + SMMU_CB_TCR,
		     SMMU_TCR_T0SZ(b->t0sz) | (SMMU_TCR_RGN_WBWA << SMMU_TCR_IRGN0_SHIFT) |
		     (SMMU_TCR_RGN_WBWA << SMMU_TCR_ORGN0_SHIFT) |
		     (SMMU_TCR_SH_IS << SMMU_TCR_SH0_SHIFT) | SMMU_TCR_TG0_4K | SMMU_TCR_EPD1);
	smmu_write64(s, base + SMMU_CB_TTBR0, b->root | ((uint64_t)b->asid << 48));
	smmu_write32(s, base + SMMU_CB_MAIR0, (uint32_t)LINUX_MAIR);
	smmu_write32(s, base + SMMU_CB_MAIR1, (uint32_t)(LINUX_MAIR >> 32));
	smmu_write32(s, base + SMMU_CB_SCTLR,
		     SMMU_SCTLR_M | SMMU_SCTLR_TRE | SMMU_SCTLR_AFE | SMMU_SCTLR_CFRE |
		     SMMU_SCTLR_CFIE | b->sctlr_extra);
}

/* Route streams (id, mask) through SMR/S2CR n to bank cb, data + unprivileged. */
static inline void map_stream(struct smmu *s, unsigned int n, uint16_t id, uint16_t mask,
			      unsigned int cb)
{
	smmu_write32(s, SMMU_GR0_S2CR(n),
		     SMMU_S2CR_TYPE(SMMU_S2CR_TYPE_TRANS) | SMMU_S2CR_CBNDX(cb) |
		     SMMU_S2CR_PRIVCFG(SMMU_S2CR_PRIVCFG_UNPRIV) |
		     SMMU_S2CR_INSTCFG(SMMU_S2CR_INSTCFG_DATA));
	smmu_write32(s, SMMU_GR0_SMR(n), SMMU_SMR_VALID | SMMU_SMR(id, mask));
}

/* Global enable as Linux's reset leaves it (PTM, fault reporting, unmatched streams fault). */
static inline void enable_smmu(struct smmu *s)
{
	smmu_write32(s, SMMU_GR0_SCR0, SMMU_SCR0_GFRE | SMMU_SCR0_GFIE | SMMU_SCR0_GCFGFRE |
		     SMMU_SCR0_GCFGFIE | SMMU_SCR0_USFCFG | SMMU_SCR0_PTM);
}

/* HPC0 stream of the ZynqMP: TBU0, master 1000, all AXI IDs */
#define SID_HPC0	0x200u
#define SID_HP0		0xe80u

/* Standard setup: bank 0, ASID 1, stream HPC0/0x3f -> bank 0. */
static inline uint64_t std_setup(struct tctx *t, unsigned int t0sz, uint32_t sctlr_extra)
{
	struct bank_cfg b = { .t0sz = t0sz, .asid = 1, .pasize_enc = 5,
			      .sctlr_extra = sctlr_extra };

	b.root = tmem_alloc_table(&t->m);
	program_bank(&t->s, 0, &b);
	map_stream(&t->s, 0, SID_HPC0, 0x3f, 0);
	enable_smmu(&t->s);
	return b.root;
}

static inline uint32_t cbr32(struct smmu *s, unsigned int cb, uint32_t reg)
{
	return smmu_read32(s, smmu_cb_offset(s, cb) + reg);
}

static inline void cbw32(struct smmu *s, unsigned int cb, uint32_t reg, uint32_t v)
{
	smmu_write32(s, smmu_cb_offset(s, cb) + reg, v);
}

static inline uint64_t cbr64(struct smmu *s, unsigned int cb, uint32_t reg)
{
	return smmu_read64(s, smmu_cb_offset(s, cb) + reg);
}

static inline void cbw64(struct smmu *s, unsigned int cb, uint32_t reg, uint64_t v)
{
	smmu_write64(s, smmu_cb_offset(s, cb) + reg, v);
}

#endif /* FSVM_SMMU_TEST_H */
