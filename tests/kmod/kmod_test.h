/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmod_test.h - helpers of the user-space tests of fsvm.ko's shared code:
 * RUN, a sparse "physical memory" with a CPU-cache view and a DRAM
 * view (to model coherent and non-coherent table walkers), a builder of
 * Linux-like AArch64 process page tables, a reference walker that answers
 * as the CPU would, and an SMMU model instance behind the fsvm_smmu_io
 * interface the module uses.
 */
#ifndef FSVM_KMOD_TEST_H
#define FSVM_KMOD_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsvm_smmu_prog.h"
#include "smmu500.h"

/*
 * CHECK/CHECK_EQ and the counters are the project's (tests/common);
 * RUN adds a line per test function.
 */
#include "test_check.h"

#define RUN(fn)                                                                     \
	do {                                                                        \
		int before_ = check_failures;                                       \
		fn();                                                               \
		printf("%-44s %s\n", #fn, check_failures == before_ ? "ok" : "FAILED"); \
	} while (0)

/* ------------------------------------------------------------------ */
/* Physical memory: pages at arbitrary PAs, each with two views.       */
/* ------------------------------------------------------------------ */
#define PM_MAX_PAGES	1024u

struct pm_page {
	uint64_t pa;
	uint64_t cache[512];	/* what the CPU sees (its stores land here) */
	uint64_t dram[512];	/* what a non-snooping reader sees */
};

struct pmem {
	struct pm_page *pages;
	unsigned int n;
	uint64_t next_pa;	/* bump allocator */
	bool coherent_system;	/* the interconnect lets the walker snoop */
	struct smmu *smmu;	/* for the bank's walk attributes */
	unsigned int bank;
	unsigned int reads;
};

static inline void pm_init(struct pmem *m, uint64_t base)
{
	m->pages = calloc(PM_MAX_PAGES, sizeof(*m->pages));
	if (!m->pages) {
		perror("calloc");
		exit(2);
	}
	m->n = 0;
	m->next_pa = base;
	m->coherent_system = true;
	m->smmu = NULL;
	m->bank = 0;
	m->reads = 0;
}

static inline void pm_free(struct pmem *m)
{
	free(m->pages);
	m->pages = NULL;
}

static inline struct pm_page *pm_find(struct pmem *m, uint64_t pa)
{
	for (unsigned int i = 0; i < m->n; i++)
		if (m->pages[i].pa == (pa & ~0xfffull))
			return &m->pages[i];
	return NULL;
}

/* A new zeroed page (zero in both views, as if cleaned long ago). */
static inline uint64_t pm_alloc(struct pmem *m)
{
	struct pm_page *p;

	if (m->n >= PM_MAX_PAGES) {
		fprintf(stderr, "test memory exhausted\n");
		exit(2);
	}
	p = &m->pages[m->n++];
	memset(p, 0, sizeof(*p));
	p->pa = m->next_pa;
	m->next_pa += 4096;
	return p->pa;
}

/* A CPU store (Linux writes PTEs with plain stores, never cleaned). */
static inline void pm_cpu_write(struct pmem *m, uint64_t pa, uint64_t v)
{
	struct pm_page *p = pm_find(m, pa);

	if (!p || (pa & 7)) {
		fprintf(stderr, "test bug: CPU write to 0x%" PRIx64 "\n", pa);
		exit(2);
	}
	p->cache[(pa & 0xfff) / 8] = v;
}

/* A store followed by clean to PoC (both views agree). */
static inline void pm_write_clean(struct pmem *m, uint64_t pa, uint64_t v)
{
	struct pm_page *p = pm_find(m, pa);

	pm_cpu_write(m, pa, v);
	p->dram[(pa & 0xfff) / 8] = v;
}

static inline uint64_t pm_cpu_read(struct pmem *m, uint64_t pa)
{
	struct pm_page *p = pm_find(m, pa);

	return p ? p->cache[(pa & 0xfff) / 8] : 0;
}

/*
 * The SMMU's walker: it sees the CPU's cache only when the system is
 * coherent AND the bank asks for cacheable, inner-shareable walks (a
 * non-cacheable walk goes straight to DRAM even on a coherent system).
 */
static inline int pm_read_desc(void *priv, uint64_t pa, uint64_t *desc)
{
	struct pmem *m = priv;
	struct pm_page *p = pm_find(m, pa);
	bool snoop = m->coherent_system;

	m->reads++;
	if (!p || (pa & 7))
		return -1;
	if (m->smmu) {
		uint32_t tcr = m->smmu->cb[m->bank].tcr;
		unsigned int irgn = (tcr >> SMMU_TCR_IRGN0_SHIFT) & 3;
		unsigned int sh = (tcr >> SMMU_TCR_SH0_SHIFT) & 3;

		snoop = snoop && irgn != 0 && sh == SMMU_TCR_SH_IS;
	}
	*desc = snoop ? p->cache[(pa & 0xfff) / 8] : p->dram[(pa & 0xfff) / 8];
	return 0;
}

/* ------------------------------------------------------------------ */
/* Linux-like process page tables (the CPU's, written by "Linux").     */
/* ------------------------------------------------------------------ */

/* Linux 6.1 user PTE bits (arch/arm64/include/asm/pgtable-hwdef.h). */
#define LX_PTE_USER	(1ull << 6)
#define LX_PTE_RDONLY	(1ull << 7)
#define LX_PTE_SH_IS	(3ull << 8)
#define LX_PTE_AF	(1ull << 10)
#define LX_PTE_NG	(1ull << 11)
#define LX_PTE_DBM	(1ull << 51)	/* PTE_WRITE */
#define LX_PTE_PXN	(1ull << 53)
#define LX_PTE_UXN	(1ull << 54)
#define LX_PTE_DIRTY	(1ull << 55)	/* software */
#define LX_ATTR(i)	((uint64_t)(i) << 2)

/* MAIR_EL1 as Linux programs it. */
#define MAIR_LINUX_6_1	0x000000040044ffffull	/* 0 WB, 1 tagged, 2 NC, 3 nGnRnE, 4 nGnRE */
#define MAIR_LINUX_5_10	0x00ffbbff440c0400ull	/* 0 nGnRnE, 1 nGnRE, 2 GRE, 3 NC, 4 WB, 5 WT, 6 tagged */
#define MT_NORMAL_6_1	0u
#define MT_NORMAL_5_10	4u
/* What io-pgtable-arm programs (index 0 non-cacheable): never the CPU's. */
#define MAIR_IO_PGTABLE	0x00000000f404ff44ull

struct cpu_pt {
	struct pmem *m;
	unsigned int va_bits;
	unsigned int pa_bits;
	uint64_t root;
	uint64_t mair;
	unsigned int normal_idx;
};

static inline unsigned int pt_start_level(unsigned int va_bits)
{
	return va_bits > 39 ? 0 : (va_bits > 30 ? 1 : 2);
}

static inline unsigned int pt_index(unsigned int va_bits, uint64_t va, unsigned int lvl)
{
	unsigned int shift = 12 + 9 * (3 - lvl);
	unsigned int bits = lvl == pt_start_level(va_bits) ? va_bits - shift : 9;

	return (unsigned int)((va >> shift) & ((1ull << bits) - 1));
}

static inline void cpt_init(struct cpu_pt *pt, struct pmem *m, unsigned int va_bits,
			    unsigned int pa_bits, uint64_t mair, unsigned int normal_idx)
{
	pt->m = m;
	pt->va_bits = va_bits;
	pt->pa_bits = pa_bits;
	pt->mair = mair;
	pt->normal_idx = normal_idx;
	pt->root = pm_alloc(m);
}

/* Descriptor slot PA for va at leaf level, creating tables (Linux-style:
 * with `clean` false, new tables are zeroed in the cache only). */
static inline uint64_t cpt_slot(struct cpu_pt *pt, uint64_t va, unsigned int leaf,
				bool clean)
{
	uint64_t table = pt->root;

	for (unsigned int lvl = pt_start_level(pt->va_bits);; lvl++) {
		uint64_t slot = table + 8ull * pt_index(pt->va_bits, va, lvl);
		uint64_t d;

		if (lvl == leaf)
			return slot;
		d = pm_cpu_read(pt->m, slot);
		if (!(d & 1)) {
			uint64_t next = pm_alloc(pt->m);

			d = next | 3;
			if (clean)
				pm_write_clean(pt->m, slot, d);
			else
				pm_cpu_write(pt->m, slot, d);
		}
		table = d & SMMU_PTE_ADDR_MASK;
	}
}

/* Linux user PTE flavours. */
enum lx_kind { LX_RW_DIRTY, LX_RO, LX_WRITABLE_CLEAN, LX_RW_OLD };

static inline uint64_t lx_bits(const struct cpu_pt *pt, enum lx_kind k)
{
	uint64_t b = LX_PTE_USER | LX_PTE_SH_IS | LX_PTE_AF | LX_PTE_NG | LX_PTE_PXN |
		     LX_PTE_UXN | LX_ATTR(pt->normal_idx);

	switch (k) {
	case LX_RW_DIRTY:	return b | LX_PTE_DBM | LX_PTE_DIRTY;
	case LX_RO:		return b | LX_PTE_RDONLY;
	case LX_WRITABLE_CLEAN:	return b | LX_PTE_RDONLY | LX_PTE_DBM;
	case LX_RW_OLD:		return (b & ~LX_PTE_AF) | LX_PTE_DBM | LX_PTE_DIRTY;
	}
	return b;
}

/* Map va -> pa (leaf level 3 page, 2 block 2M, 1 block 1G). */
static inline void cpt_map(struct cpu_pt *pt, uint64_t va, uint64_t pa, unsigned int leaf,
			   uint64_t bits, bool clean)
{
	uint64_t slot = cpt_slot(pt, va, leaf, clean);
	uint64_t d = pa | bits | (leaf == 3 ? 3u : 1u);

	if (clean)
		pm_write_clean(pt->m, slot, d);
	else
		pm_cpu_write(pt->m, slot, d);
}

/* ------------------------------------------------------------------ */
/* The reference: what the CPU (EL0 data access, A53: no hardware AF   */
/* or dirty management) makes of a VA with these tables.               */
/* ------------------------------------------------------------------ */
enum ref_fault { RF_OK = 0, RF_TRANSLATION, RF_PERMISSION, RF_ACCESS_FLAG, RF_ADDR_SIZE };

struct ref_xlate {
	enum ref_fault fault;
	uint64_t pa;
	uint8_t attr;		/* MAIR byte of the leaf */
	bool writable;
	unsigned int level;
};

static inline struct ref_xlate cpu_ref(struct cpu_pt *pt, uint64_t va, bool write,
				       bool ignore_af)
{
	struct ref_xlate r = { .fault = RF_TRANSLATION };
	uint64_t table = pt->root, pa_limit = 1ull << pt->pa_bits;
	bool no_el0 = false, ro = false;

	if (va >> pt->va_bits)
		return r;
	for (unsigned int lvl = pt_start_level(pt->va_bits); lvl <= 3; lvl++) {
		uint64_t d = pm_cpu_read(pt->m, table + 8ull * pt_index(pt->va_bits, va, lvl));
		unsigned int shift = 12 + 9 * (3 - lvl);

		r.level = lvl;
		if (!(d & 1))
			return r;
		if (lvl < 3 && (d & 2)) {
			no_el0 |= (d >> 61) & 1;
			ro |= (d >> 62) & 1;
			table = d & SMMU_PTE_ADDR_MASK;
			if (table >= pa_limit) {
				r.fault = RF_ADDR_SIZE;
				return r;
			}
			continue;
		}
		if (lvl == 3 && !(d & 2))
			return r;
		if (lvl == 0)
			return r;	/* no level-0 blocks with 4 KiB pages */
		{
			uint64_t mask = (1ull << shift) - 1;
			uint64_t oa = d & SMMU_PTE_ADDR_MASK & ~mask;

			if (oa >= pa_limit) {
				r.fault = RF_ADDR_SIZE;
				return r;
			}
			if (!(d & LX_PTE_AF) && !ignore_af) {
				r.fault = RF_ACCESS_FLAG;
				return r;
			}
			if (!(d & LX_PTE_USER) || no_el0) {
				r.fault = RF_PERMISSION;
				return r;
			}
			r.writable = !(d & LX_PTE_RDONLY) && !ro;
			if (write && !r.writable) {
				r.fault = RF_PERMISSION;
				return r;
			}
			r.pa = oa | (va & mask);
			r.attr = (uint8_t)(pt->mair >> (8 * ((d >> 2) & 7)));
			r.fault = RF_OK;
			return r;
		}
	}
	return r;
}

/* ------------------------------------------------------------------ */
/* An SMMU model behind the module's register interface.              */
/* ------------------------------------------------------------------ */
struct tsmmu {
	struct smmu s;
	struct smmu_tlb_entry tlb[64];
	struct fsvm_smmu_io io;
	unsigned int irqs;
};

static inline uint32_t ts_read32(void *priv, uint32_t off)
{
	return smmu_read32(&((struct tsmmu *)priv)->s, off);
}

static inline void ts_write32(void *priv, uint32_t off, uint32_t val)
{
	smmu_write32(&((struct tsmmu *)priv)->s, off, val);
}

static inline uint64_t ts_read64(void *priv, uint32_t off)
{
	return smmu_read64(&((struct tsmmu *)priv)->s, off);
}

static inline void ts_write64(void *priv, uint32_t off, uint64_t val)
{
	smmu_write64(&((struct tsmmu *)priv)->s, off, val);
}

static inline void ts_irq(void *priv, unsigned int cb)
{
	(void)cb;
	((struct tsmmu *)((struct pmem *)priv)->smmu)->irqs++;
}

/*
 * A reset SMMU whose walker reads pm; sCR0 as arm-smmu leaves it for fsvm
 * (translation on, unmatched streams fault, PTM).
 */
static inline void ts_init(struct tsmmu *t, struct pmem *pm, unsigned int ias,
			   unsigned int oas, bool cttw)
{
	struct smmu_config cfg = {
		.num_cb = 16, .num_smr = 48, .ias_bits = ias, .oas_bits = oas, .cttw = cttw,
	};
	struct smmu_ops ops = {
		.priv = pm, .read_desc = pm_read_desc, .context_irq = ts_irq,
	};

	memset(t, 0, sizeof(*t));
	smmu_init(&t->s, &cfg, t->tlb, 64, &ops);
	t->io.priv = t;
	t->io.read32 = ts_read32;
	t->io.write32 = ts_write32;
	t->io.read64 = ts_read64;
	t->io.write64 = ts_write64;
	pm->smmu = &t->s;
	smmu_write32(&t->s, SMMU_GR0_SCR0, SMMU_SCR0_USFCFG | SMMU_SCR0_PTM |
		     SMMU_SCR0_GFRE | SMMU_SCR0_GFIE);
}

/* What one device access came to, through the stream. */
struct dev_xlate {
	enum smmu_result r;
	uint64_t pa;
	uint32_t fsr;		/* fault bits (SS cleared) */
	uint32_t fsynr0;
	uint32_t gfsr;
};

/* Translate; a stalled transaction is read out and terminated, like the
 * module's fault path does for a fault it cannot resolve. */
static inline struct dev_xlate dev_access(struct tsmmu *t, uint16_t sid, unsigned int cb,
					  uint64_t va, bool write)
{
	struct smmu_xlate x;
	struct dev_xlate d = { 0 };

	d.r = smmu_translate(&t->s, sid, va, write ? SMMU_WRITE : SMMU_READ, &x);
	d.pa = x.pa;
	d.gfsr = x.gfsr;
	if (d.r == SMMU_STALLED) {
		struct fsvm_cb_fault f;

		fsvm_cb_read_fault(&t->io, cb, &f);
		d.fsr = f.fsr & ~SMMU_FSR_SS;
		d.fsynr0 = f.fsynr0;
		fsvm_cb_resume(&t->io, cb, f.fsr, false);
		smmu_stall_poll(&t->s, cb);
	} else if (d.r == SMMU_FAULT) {
		d.fsr = x.fsr;
		d.fsynr0 = x.fsynr0;
		if (x.gfsr)
			smmu_write32(&t->s, SMMU_GR0_SGFSR, smmu_read32(&t->s, SMMU_GR0_SGFSR));
		else
			fsvm_cb_resume(&t->io, cb, smmu_read32(&t->s,
				       fsvm_cb_reg(&t->io, cb, SMMU_CB_FSR)), false);
	}
	return d;
}

/* The memory attribute the SMMU gives va (ATS1PR, PAR.ATTR); -1 on fault. */
static inline int dev_attr(struct tsmmu *t, unsigned int cb, uint64_t va)
{
	uint64_t par;

	smmu_write64(&t->s, fsvm_cb_reg(&t->io, cb, SMMU_CB_ATS1PR), va);
	par = smmu_read64(&t->s, fsvm_cb_reg(&t->io, cb, SMMU_CB_PAR));
	if (par & SMMU_PAR_F)
		return -1;
	return (int)(par >> SMMU_PAR_ATTR_SHIFT);
}

#endif /* FSVM_KMOD_TEST_H */
