// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_mirror_pt.c - mirror mode on a non-coherent walker. The CPU's own
 * tables are written Linux-style (plain stores, never cleaned): the SMMU
 * cannot share them. fsvm's mirror table, filled from them one page at a
 * time (as the module's fault path and prefault do) and cleaned on every
 * write, makes the device translate exactly as the CPU does; without the
 * cleaning it does not. Unmapping removes entries and frees the table
 * pages it empties, the tree never grows past its cap, a table page the
 * walker would see bounced is refused, destroy frees all.
 */
#include <stdint.h>

#include "kmod_test.h"
#include "fsvm_mirror_pt.h"

#define SID	0x201u
#define BANK	1u
#define ASID	2u

struct mctx {
	struct pmem *pm;
	bool do_clean;
	bool bounce;		/* the DMA API would hand out a bounce buffer */
	unsigned int allocs, frees, cleans;
};

static uint64_t *m_alloc(void *priv, uint64_t *pa, uint64_t *dma)
{
	struct mctx *c = priv;
	struct pm_page *p;

	*pa = pm_alloc(c->pm);
	/* swiotlb: a copy below 4 GiB, not the page itself. */
	*dma = c->bounce ? (*pa & 0xffffffffull) : *pa;
	p = pm_find(c->pm, *pa);
	c->allocs++;
	/* A page recycled by the allocator: zero in the cache, old junk in DRAM. */
	memset(p->dram, 0xa5, sizeof(p->dram));
	return p->cache;
}

static void m_free(void *priv, uint64_t *table, uint64_t pa)
{
	struct mctx *c = priv;

	(void)table;
	(void)pa;
	c->frees++;
}

static uint64_t *m_to_virt(void *priv, uint64_t pa)
{
	struct mctx *c = priv;

	return pm_find(c->pm, pa)->cache;
}

static void m_clean(void *priv, const void *p, size_t len)
{
	struct mctx *c = priv;

	c->cleans++;
	if (!c->do_clean)
		return;
	for (unsigned int i = 0; i < c->pm->n; i++) {
		struct pm_page *pg = &c->pm->pages[i];
		const uint8_t *b = (const uint8_t *)pg->cache;

		if ((const uint8_t *)p >= b && (const uint8_t *)p + len <= b + 4096) {
			size_t off = (size_t)((const uint8_t *)p - b);

			memcpy((uint8_t *)pg->dram + off, p, len);
			return;
		}
	}
	fprintf(stderr, "test bug: clean of unknown memory\n");
	exit(2);
}

/* What the module's fault path does for va: read the CPU's PTE and mirror it. */
static int mirror_fault_in(struct fsvm_mpt *t, struct cpu_pt *pt, uint64_t va, bool writable)
{
	uint64_t table = pt->root;

	for (unsigned int lvl = pt_start_level(pt->va_bits); lvl <= 3; lvl++) {
		uint64_t d = pm_cpu_read(pt->m, table + 8ull * pt_index(pt->va_bits, va, lvl));

		if (!(d & 1))
			return -EFAULT;
		if (lvl < 3 && (d & 2)) {
			table = d & SMMU_PTE_ADDR_MASK;
			continue;
		}
		if (lvl < 3) {	/* block: mirror the 4 KiB page inside it */
			uint64_t mask = (1ull << (12 + 9 * (3 - lvl))) - 1;

			d = (d & ~(SMMU_PTE_ADDR_MASK & mask)) | (va & mask & ~0xfffull);
		}
		return fsvm_mpt_map(t, va & ~0xfffull, fsvm_mpt_leaf(d, writable));
	}
	return -EFAULT;
}

struct menv {
	struct pmem pm;
	struct tsmmu ts;
	struct cpu_pt pt;
	struct mctx mc;
	struct fsvm_mpt mpt;
};

static void menv_init(struct menv *e, unsigned int va_bits, bool do_clean)
{
	struct fsvm_mpt_ops ops = {
		.priv = &e->mc, .alloc = m_alloc, .free = m_free, .to_virt = m_to_virt,
		.clean = m_clean,
	};
	struct fsvm_cb_params p = { 0 };
	struct fsvm_cb_regs r;
	struct fsvm_smmu_caps caps;
	const char *why;

	pm_init(&e->pm, 0x800000000ull);
	ts_init(&e->ts, &e->pm, 40, 40, false);
	e->pm.coherent_system = false;
	e->pm.bank = BANK;
	cpt_init(&e->pt, &e->pm, va_bits, 40, MAIR_LINUX_6_1, MT_NORMAL_6_1);
	memset(&e->mc, 0, sizeof(e->mc));
	e->mc.pm = &e->pm;
	e->mc.do_clean = do_clean;
	CHECK_EQ(fsvm_mpt_init(&e->mpt, &ops, va_bits, 64), 0);

	CHECK_EQ(fsvm_smmu_read_caps(&e->ts.io, &caps, &why), 0);
	p.va_bits = va_bits;
	p.pa_bits = 40;
	p.ias_bits = caps.ias_bits;
	p.mair = MAIR_LINUX_6_1;
	p.coherent_walk = false;
	p.asid = ASID;
	p.vmid = BANK + 1;
	p.ttbr = e->mpt.root_pa;
	p.affd = true;
	CHECK_EQ(fsvm_cb_compute(&p, &r), 0);
	fsvm_cb_program(&e->ts.io, BANK, &r);
	fsvm_stream_map(&e->ts.io, 0, SID, 0, BANK);
}

static void menv_free(struct menv *e)
{
	fsvm_mpt_destroy(&e->mpt);
	pm_free(&e->pm);
}

static const uint64_t vas[] = { 0x400000, 0x601000, 0x602000, 0x40000000, 0x40123000,
				0x7f00000000ull };

static void build(struct menv *e)
{
	struct cpu_pt *pt = &e->pt;

	/* Linux-style: plain stores, nothing cleaned. */
	cpt_map(pt, 0x400000, pm_alloc(&e->pm), 3, lx_bits(pt, LX_RO), false);
	cpt_map(pt, 0x601000, pm_alloc(&e->pm), 3, lx_bits(pt, LX_RW_DIRTY), false);
	cpt_map(pt, 0x602000, pm_alloc(&e->pm), 3, lx_bits(pt, LX_WRITABLE_CLEAN), false);
	cpt_map(pt, 0x40000000, 0x900000000ull, 2, lx_bits(pt, LX_RW_DIRTY), false);
	cpt_map(pt, 0x7f00000000ull, pm_alloc(&e->pm), 3, lx_bits(pt, LX_RW_OLD), false);
}

static unsigned int mirror_mismatches(struct menv *e)
{
	unsigned int bad = 0;

	for (unsigned int i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
		uint64_t va = vas[i] + 0x18;

		for (int w = 0; w < 2; w++) {
			struct ref_xlate ref = cpu_ref(&e->pt, va, w, true);
			struct dev_xlate d = dev_access(&e->ts, SID, BANK, va, w);

			if ((ref.fault == RF_OK) != (d.r == SMMU_OK) ||
			    (ref.fault == RF_OK && d.pa != ref.pa))
				bad++;
		}
	}
	return bad;
}

static void test_mirror_matches_cpu(void)
{
	for (unsigned int v = 0; v < 2; v++) {
		struct menv e;

		menv_init(&e, v ? 48 : 39, true);
		build(&e);
		/* Before anything is mirrored every access faults (translation). */
		CHECK(mirror_mismatches(&e) > 0);
		for (unsigned int i = 0; i < sizeof(vas) / sizeof(vas[0]); i++)
			CHECK_EQ(mirror_fault_in(&e.mpt, &e.pt, vas[i], false), 0);
		CHECK_EQ(e.mpt.leaves, 6);
		CHECK_EQ(mirror_mismatches(&e), 0);
		CHECK(e.mc.cleans >= e.mpt.leaves + e.mpt.tables);
		/* A CPU address not mapped is refused by the fault-in. */
		CHECK_EQ(mirror_fault_in(&e.mpt, &e.pt, 0x603000, false), -EFAULT);
		menv_free(&e);
	}
}

static void test_mirror_without_clean_is_stale(void)
{
	struct menv e;

	menv_init(&e, 39, false);
	build(&e);
	for (unsigned int i = 0; i < sizeof(vas) / sizeof(vas[0]); i++)
		CHECK_EQ(mirror_fault_in(&e.mpt, &e.pt, vas[i], false), 0);
	CHECK(mirror_mismatches(&e) > 0);
	menv_free(&e);
}

static void test_mirror_leaf_bits(void)
{
	uint64_t wc = 0x1234000ull | 3 | LX_PTE_USER | LX_PTE_RDONLY | LX_PTE_DBM | LX_PTE_AF |
		      LX_PTE_NG | LX_PTE_SH_IS | LX_PTE_UXN | LX_PTE_PXN | LX_ATTR(2);
	uint64_t l = fsvm_mpt_leaf(wc, false);

	CHECK(l & LX_PTE_RDONLY);
	CHECK(!(l & LX_PTE_DBM));
	CHECK(!(l & LX_PTE_DIRTY));
	CHECK_EQ(l & SMMU_PTE_ADDR_MASK, 0x1234000);
	CHECK_EQ((l >> 2) & 7, 2);
	CHECK(l & LX_PTE_AF);
	CHECK(l & LX_PTE_USER);
	CHECK(l & LX_PTE_UXN);
	l = fsvm_mpt_leaf(wc, true);
	CHECK(!(l & LX_PTE_RDONLY));
	CHECK(fsvm_mpt_leaf((wc & ~LX_PTE_AF), false) & LX_PTE_AF);
	CHECK_EQ(fsvm_mpt_leaf(wc & ~1ull, true), 0);
}

static void test_mirror_write_upgrade_and_unmap(void)
{
	struct menv e;
	struct dev_xlate d;
	unsigned int ops;

	menv_init(&e, 48, true);
	build(&e);
	CHECK_EQ(mirror_fault_in(&e.mpt, &e.pt, 0x602000, false), 0);
	d = dev_access(&e.ts, SID, BANK, 0x602010, true);
	CHECK(d.fsr & SMMU_FSR_PF);			/* writable-clean: read-only */
	/* Write fault resolved: the CPU PTE is dirty now, the mirror follows. */
	CHECK_EQ(mirror_fault_in(&e.mpt, &e.pt, 0x602000, true), 0);
	CHECK_EQ(fsvm_tlbi_range(&e.ts.io, BANK, ASID, 0x602000, 0x603000, &ops), 0);
	d = dev_access(&e.ts, SID, BANK, 0x602010, true);
	CHECK_EQ(d.r, SMMU_OK);
	CHECK_EQ(e.mpt.leaves, 1);

	CHECK_EQ(mirror_fault_in(&e.mpt, &e.pt, 0x601000, false), 0);
	CHECK_EQ(mirror_fault_in(&e.mpt, &e.pt, 0x40123000, false), 0);
	CHECK_EQ(e.mpt.leaves, 3);
	/* The notifier's range: 0x600000..0x603000 goes, the block page stays. */
	CHECK_EQ(fsvm_mpt_unmap(&e.mpt, 0x600000, 0x603000), 2);
	CHECK_EQ(fsvm_tlbi_range(&e.ts.io, BANK, ASID, 0x600000, 0x603000, &ops), 0);
	CHECK_EQ(e.mpt.leaves, 1);
	CHECK_EQ(fsvm_mpt_lookup(&e.mpt, 0x601000), 0);
	d = dev_access(&e.ts, SID, BANK, 0x601010, false);
	CHECK(d.fsr & SMMU_FSR_TF);
	CHECK(fsvm_mpt_lookup(&e.mpt, 0x40123000) != 0);
	/* Whole address space: fast even though almost all of it is empty. */
	CHECK_EQ(fsvm_mpt_unmap(&e.mpt, 0, 1ull << 48), 1);
	CHECK_EQ(e.mpt.leaves, 0);
	CHECK_EQ(fsvm_mpt_map(&e.mpt, 1ull << 48, 0x1003), -EINVAL);
	CHECK_EQ(fsvm_mpt_map(&e.mpt, 0x1000, 0x1001), -EINVAL);	/* not a page */
	/* Empty tree: only the root is left, every other page went back. */
	CHECK_EQ(e.mpt.tables, 1);
	CHECK_EQ(e.mc.frees, e.mc.allocs - 1);
	CHECK_EQ(e.mpt.tables_freed, e.mc.frees);
	fsvm_mpt_destroy(&e.mpt);
	CHECK_EQ(e.mc.frees, e.mc.allocs);
	pm_free(&e.pm);
}

/*
 * A heap of table pages that are really reused (the pmem model above only
 * grows): PA = the host address, so a leaked page shows as live.
 */
struct heap {
	unsigned long live, max_live, allocs;
};

static uint64_t *h_alloc(void *priv, uint64_t *pa, uint64_t *dma)
{
	struct heap *h = priv;
	uint64_t *p = aligned_alloc(4096, 4096);

	if (!p)
		return NULL;
	memset(p, 0, 4096);
	*pa = (uint64_t)(uintptr_t)p;
	*dma = *pa;
	h->allocs++;
	if (++h->live > h->max_live)
		h->max_live = h->live;
	return p;
}

static void h_free(void *priv, uint64_t *table, uint64_t pa)
{
	struct heap *h = priv;

	CHECK_EQ((uint64_t)(uintptr_t)table, pa);
	h->live--;
	free(table);
}

static uint64_t *h_to_virt(void *priv, uint64_t pa)
{
	(void)priv;
	return (uint64_t *)(uintptr_t)pa;
}

static void h_clean(void *priv, const void *p, size_t len)
{
	(void)priv;
	(void)p;
	(void)len;
}

static const struct fsvm_mpt_ops heap_ops = {
	.alloc = h_alloc, .free = h_free, .to_virt = h_to_virt, .clean = h_clean,
};

/*
 * H2: "map at a new 2 MiB region, fill, invalidate" 100 000 times. Each
 * region needs a new level-3 table (and every 512th a new level-2 one);
 * when invalidation leaves them behind, 100 000 cycles keep ~400 MiB.
 */
static void test_mirror_growth_bounded(void)
{
	for (unsigned int v = 0; v < 2; v++) {
		struct heap h = { 0 };
		struct fsvm_mpt_ops ops = heap_ops;
		struct fsvm_mpt t;
		unsigned long bad = 0, over = 0;
		const unsigned int cycles = v ? 20000 : 100000;

		ops.priv = &h;
		CHECK_EQ(fsvm_mpt_init(&t, &ops, v ? 48 : 39, 4096), 0);
		for (unsigned int i = 0; i < cycles; i++) {
			/* 48 bits: regions 1 GiB + 2 MiB apart, each a new L2 and L3. */
			uint64_t base = v ? (uint64_t)(i + 1) * 0x40200000ull
					  : (uint64_t)(i + 1) * 0x200000ull;

			for (unsigned int k = 0; k < 8; k++) {
				uint64_t va = base + (uint64_t)k * 0x41000ull;

				if (fsvm_mpt_map(&t, va, 0x12345000ull | 0x403) != 0)
					bad++;
			}
			if (fsvm_mpt_unmap(&t, base, base + 0x200000) != 8)
				bad++;
			if (t.tables > FSVM_MPT_MIN_TABLES || h.live != t.tables)
				over++;
		}
		CHECK_EQ(bad, 0);
		CHECK_EQ(over, 0);
		CHECK_EQ(t.leaves, 0);
		CHECK_EQ(t.tables, 1);
		CHECK_EQ(h.live, 1);
		CHECK(h.max_live <= FSVM_MPT_MIN_TABLES);
		CHECK(h.allocs > cycles);	/* the pages really went round */
		CHECK_EQ(t.tables_freed, h.allocs - 1);
		fsvm_mpt_destroy(&t);
		CHECK_EQ(h.live, 0);
	}
}

/* The cap: -ENOSPC, nothing lost, room again after an unmap. */
static void test_mirror_table_cap(void)
{
	struct heap h = { 0 };
	struct fsvm_mpt_ops ops = heap_ops;
	struct fsvm_mpt t;
	unsigned int i;

	ops.priv = &h;
	CHECK_EQ(fsvm_mpt_init(&t, &ops, 39, FSVM_MPT_MIN_TABLES - 1), -EINVAL);
	CHECK_EQ(h.live, 0);
	CHECK_EQ(fsvm_mpt_init(&t, &ops, 39, 8), 0);
	/* 39 bits: root (L1) + one L2 + six L3 = 8. */
	for (i = 0; i < 6; i++)
		CHECK_EQ(fsvm_mpt_map(&t, 0x200000ull * i + 0x3000, 0x777000ull | 0x403), 0);
	CHECK_EQ(t.tables, 8);
	CHECK_EQ(fsvm_mpt_map(&t, 0x200000ull * 6, 0x888000ull | 0x403), -ENOSPC);
	/* A new 1 GiB region needs two pages: refused whole, nothing half-built. */
	CHECK_EQ(fsvm_mpt_map(&t, 0x40000000ull, 0x888000ull | 0x403), -ENOSPC);
	CHECK_EQ(t.tables, 8);
	CHECK_EQ(h.live, 8);
	CHECK_EQ(t.leaves, 6);
	for (i = 0; i < 6; i++)
		CHECK_EQ(fsvm_mpt_lookup(&t, 0x200000ull * i + 0x3000), 0x777000ull | 0x403);
	/* Inside an existing table there is room. */
	CHECK_EQ(fsvm_mpt_map(&t, 0x5000, 0x999000ull | 0x403), 0);
	CHECK_EQ(t.tables, 8);
	CHECK_EQ(fsvm_mpt_unmap(&t, 0x200000, 0x400000), 1);
	CHECK_EQ(t.tables, 7);
	CHECK_EQ(h.live, 7);
	CHECK_EQ(fsvm_mpt_map(&t, 0x200000ull * 6, 0x888000ull | 0x403), 0);
	CHECK_EQ(fsvm_mpt_lookup(&t, 0x200000ull * 6), 0x888000ull | 0x403);
	/* Partial unmap keeps a table that still holds a leaf. */
	CHECK_EQ(fsvm_mpt_unmap(&t, 0x3000, 0x4000), 1);
	CHECK_EQ(t.tables, 8);
	CHECK_EQ(fsvm_mpt_lookup(&t, 0x5000), 0x999000ull | 0x403);
	fsvm_mpt_destroy(&t);
	CHECK_EQ(h.live, 0);
}

/* C3: a table page the walker would read through a bounce buffer. */
static void test_mirror_refuses_bounced_tables(void)
{
	struct menv e;
	struct fsvm_mpt_ops ops;
	struct fsvm_mpt t;
	unsigned int frees;

	menv_init(&e, 39, true);
	build(&e);
	CHECK_EQ(mirror_fault_in(&e.mpt, &e.pt, 0x601000, false), 0);
	ops = e.mpt.ops;
	e.mc.bounce = true;
	frees = e.mc.frees;
	/* Needs new L2 + L3 pages: the first is refused and given back. */
	CHECK_EQ(mirror_fault_in(&e.mpt, &e.pt, 0x7f00000000ull, false), -EIO);
	CHECK_EQ(e.mc.frees, frees + 1);
	CHECK_EQ(fsvm_mpt_lookup(&e.mpt, 0x7f00000000ull), 0);
	/* Existing tables are unaffected. */
	CHECK_EQ(mirror_fault_in(&e.mpt, &e.pt, 0x602000, false), 0);
	CHECK_EQ(e.mpt.leaves, 2);
	CHECK_EQ(fsvm_mpt_init(&t, &ops, 39, 64), -EIO);
	e.mc.bounce = false;
	menv_free(&e);
}

int main(void)
{
	RUN(test_mirror_leaf_bits);
	RUN(test_mirror_matches_cpu);
	RUN(test_mirror_without_clean_is_stale);
	RUN(test_mirror_write_upgrade_and_unmap);
	RUN(test_mirror_growth_bounded);
	RUN(test_mirror_table_cap);
	RUN(test_mirror_refuses_bounced_tables);
	return check_exit_code("test_mirror_pt");
}
