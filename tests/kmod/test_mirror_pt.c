// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_mirror_pt.c - mirror mode on a non-coherent walker. The CPU's own
 * tables are written Linux-style (plain stores, never cleaned): the SMMU
 * cannot share them. fsvm's mirror table, filled from them one page at a
 * time (as the module's fault path and prefault do) and cleaned on every
 * write, makes the device translate exactly as the CPU does; without the
 * cleaning it does not. Unmapping removes entries, destroy frees all.
 */
#include "kmod_test.h"
#include "fsvm_mirror_pt.h"

#define SID	0x201u
#define BANK	1u
#define ASID	2u

struct mctx {
	struct pmem *pm;
	bool do_clean;
	unsigned int allocs, frees, cleans;
};

static uint64_t *m_alloc(void *priv, uint64_t *pa)
{
	struct mctx *c = priv;
	struct pm_page *p;

	*pa = pm_alloc(c->pm);
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
	CHECK_EQ(fsvm_mpt_init(&e->mpt, &ops, va_bits), 0);

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
	{
		unsigned int tables = (unsigned int)e.mpt.tables;

		fsvm_mpt_destroy(&e.mpt);
		CHECK_EQ(e.mc.frees, tables);
		CHECK_EQ(e.mc.frees, e.mc.allocs);
	}
	pm_free(&e.pm);
}

int main(void)
{
	RUN(test_mirror_leaf_bits);
	RUN(test_mirror_matches_cpu);
	RUN(test_mirror_without_clean_is_stale);
	RUN(test_mirror_write_upgrade_and_unmap);
	return check_exit_code("test_mirror_pt");
}
