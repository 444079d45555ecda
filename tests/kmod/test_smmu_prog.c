// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_smmu_prog.c - fsvm.ko's own SMMU programming functions
 * (kmod/fsvm_smmu_prog.c) drive the SMMU-500 model over synthetic
 * Linux-like process page tables. The device must translate every VA
 * exactly as the CPU does (PA, permission, memory attribute) for user VA
 * sizes 39 and 48, CPU PA sizes 40, 44 and 48, and the MAIR layouts of
 * Linux 5.10 and 6.1. Each classic mistake (T0SZ, PASize, INSTCFG left at
 * reset, MAIR from io-pgtable or hard-coded, cacheable walks on a
 * non-coherent interconnect) is reproduced and shown to break translation,
 * and the real code is shown to get it right or refuse.
 */
#include "kmod_test.h"
#include "fsvm_hw.h"
#include "fsvm_uapi.h"

#define SID	0x200u
#define BANK	3u
#define SMR_IDX	5u
#define ASID	(BANK + 1u)

struct env {
	struct pmem pm;
	struct tsmmu t;
	struct cpu_pt pt;
	struct fsvm_cb_params p;
	struct fsvm_cb_regs r;
	uint64_t va[16];
	unsigned int nva;
};

/* VAs of the test process: pages of each Linux flavour, a 2 MiB block,
 * holes, and the top of user space. */
static void build_process(struct env *e)
{
	struct cpu_pt *pt = &e->pt;
	uint64_t top = (1ull << pt->va_bits) - 0x10000;
	uint64_t data = pm_alloc(&e->pm);
	uint64_t data2 = pm_alloc(&e->pm);
	uint64_t blk = ((e->pm.next_pa + 0x1fffff) & ~0x1fffffull);

	e->nva = 0;
	cpt_map(pt, 0x400000, data, 3, lx_bits(pt, LX_RO), true);		/* text-like */
	cpt_map(pt, 0x601000, data2, 3, lx_bits(pt, LX_RW_DIRTY), true);	/* heap */
	cpt_map(pt, 0x602000, data, 3, lx_bits(pt, LX_WRITABLE_CLEAN), true);
	cpt_map(pt, top, data2, 3, lx_bits(pt, LX_RW_DIRTY), true);		/* stack */
	cpt_map(pt, 0x40000000, blk, 2, lx_bits(pt, LX_RW_DIRTY), true);	/* THP */
	e->va[e->nva++] = 0x400000;
	e->va[e->nva++] = 0x400abc;
	e->va[e->nva++] = 0x601008;
	e->va[e->nva++] = 0x602ff8;
	e->va[e->nva++] = 0x603000;		/* hole */
	e->va[e->nva++] = top + 0x10;
	e->va[e->nva++] = top + 0x1000;		/* hole above the stack */
	e->va[e->nva++] = 0x40000000;
	e->va[e->nva++] = 0x401ff000;
	e->va[e->nva++] = 0x40200000;		/* past the block */
	e->va[e->nva++] = 1ull << pt->va_bits;	/* beyond user space */
}

/* Place memory near the top of the CPU's PA space, as big boards have it. */
static void env_init(struct env *e, unsigned int va_bits, unsigned int pa_bits,
		     uint64_t mair, unsigned int normal_idx)
{
	uint64_t base = (1ull << pa_bits) - (64ull << 20);

	pm_init(&e->pm, base);
	ts_init(&e->t, &e->pm, 48, 48, true);
	e->pm.bank = BANK;
	cpt_init(&e->pt, &e->pm, va_bits, pa_bits, mair, normal_idx);
	build_process(e);

	memset(&e->p, 0, sizeof(e->p));
	e->p.va_bits = va_bits;
	e->p.pa_bits = pa_bits;
	e->p.ias_bits = 48;
	e->p.mair = mair;
	e->p.coherent_walk = true;
	e->p.asid = ASID;
	e->p.vmid = BANK + 1;
	e->p.ttbr = e->pt.root;
	e->p.affd = true;
}

static void env_free(struct env *e)
{
	pm_free(&e->pm);
}

/* Program with the module's functions (caps first, as probe does). */
static int program(struct env *e)
{
	struct fsvm_smmu_caps caps;
	const char *why;
	int rc;

	rc = fsvm_smmu_read_caps(&e->t.io, &caps, &why);
	if (rc)
		return rc;
	rc = fsvm_cb_compute(&e->p, &e->r);
	if (rc)
		return rc;
	fsvm_cb_program(&e->t.io, BANK, &e->r);
	fsvm_stream_map(&e->t.io, SMR_IDX, SID, 0, BANK);
	return 0;
}

static enum ref_fault dev_fault_kind(const struct dev_xlate *d)
{
	if (d->r == SMMU_OK)
		return RF_OK;
	if (d->fsr & SMMU_FSR_TF)
		return RF_TRANSLATION;
	if (d->fsr & SMMU_FSR_PF)
		return RF_PERMISSION;
	if (d->fsr & SMMU_FSR_AFF)
		return RF_ACCESS_FLAG;
	if (d->fsr & SMMU_FSR_ASF)
		return RF_ADDR_SIZE;
	return (enum ref_fault)99;
}

/* Count the VAs (read and write) where the device disagrees with the CPU. */
static unsigned int mismatches(struct env *e, bool verbose)
{
	unsigned int bad = 0;

	for (unsigned int i = 0; i < e->nva; i++) {
		for (int w = 0; w < 2; w++) {
			struct ref_xlate ref = cpu_ref(&e->pt, e->va[i], w, false);
			struct dev_xlate d = dev_access(&e->t, SID, BANK, e->va[i], w);
			bool same = dev_fault_kind(&d) == ref.fault &&
				    (ref.fault != RF_OK || d.pa == ref.pa);

			if (same && ref.fault == RF_OK && !w)
				same = dev_attr(&e->t, BANK, e->va[i]) == ref.attr;
			if (!same) {
				bad++;
				if (verbose)
					fprintf(stderr, "  va 0x%" PRIx64 " %s: cpu fault %d pa 0x%"
						PRIx64 " attr 0x%x; smmu r %d fsr 0x%x gfsr 0x%x "
						"pa 0x%" PRIx64 "\n", e->va[i], w ? "W" : "R",
						ref.fault, ref.pa, ref.attr, d.r, d.fsr, d.gfsr, d.pa);
			}
		}
	}
	return bad;
}

/* The real code: every VA translates as the CPU's, for every combination. */
static void test_matrix(void)
{
	static const unsigned int vas[] = { 39, 48 };
	static const unsigned int pas[] = { 40, 44, 48 };
	static const struct { uint64_t mair; unsigned int normal; } mairs[] = {
		{ MAIR_LINUX_5_10, MT_NORMAL_5_10 }, { MAIR_LINUX_6_1, MT_NORMAL_6_1 },
	};

	for (unsigned int v = 0; v < 2; v++)
		for (unsigned int p = 0; p < 3; p++)
			for (unsigned int m = 0; m < 2; m++) {
				struct env e;
				unsigned int bad;

				env_init(&e, vas[v], pas[p], mairs[m].mair, mairs[m].normal);
				CHECK_EQ(program(&e), 0);
				CHECK_EQ(e.r.tcr & SMMU_TCR_T0SZ_MASK, 64 - vas[v]);
				CHECK_EQ(fsvm_size_bits(e.r.tcr2 & SMMU_TCR2_PASIZE_MASK), pas[p]);
				bad = mismatches(&e, true);
				if (bad)
					fprintf(stderr, "  (va %u, pa %u, mair %u)\n", vas[v],
						pas[p], m);
				CHECK_EQ(bad, 0);
				CHECK(!smmu_tlbi_unsynced(&e.t.s, BANK));
				env_free(&e);
			}
}

/* Mistake: T0SZ for the wrong VA size (a 48-bit T0SZ on a 39-bit kernel,
 * or the other way round): the walk starts at the wrong level. */
static void test_mistake_t0sz(void)
{
	for (unsigned int v = 0; v < 2; v++) {
		unsigned int va_bits = v ? 48 : 39, wrong = v ? 39 : 48;
		struct env e;

		env_init(&e, va_bits, 40, MAIR_LINUX_6_1, MT_NORMAL_6_1);
		CHECK_EQ(program(&e), 0);
		CHECK_EQ(mismatches(&e, false), 0);
		smmu_write32(&e.t.s, fsvm_cb_reg(&e.t.io, BANK, SMMU_CB_TCR),
			     (e.r.tcr & ~SMMU_TCR_T0SZ_MASK) | (64 - wrong));
		fsvm_tlbi_asid(&e.t.io, BANK, ASID);
		CHECK(mismatches(&e, false) > 0);
		env_free(&e);
	}
	/* VA sizes the 4 KiB granule cannot express are refused. */
	{
		struct env e;

		env_init(&e, 39, 40, MAIR_LINUX_6_1, MT_NORMAL_6_1);
		e.p.va_bits = 52;
		CHECK_EQ(fsvm_cb_compute(&e.p, &e.r), -EINVAL);
		env_free(&e);
	}
}

/* Mistake: PASize fixed at 40 bits on a CPU with 44/48-bit PAs and memory
 * up there: every walk takes an address size fault. The real code uses
 * the CPU's size, and refuses when the SMMU cannot output it. */
static void test_mistake_pasize(void)
{
	for (unsigned int p = 44; p <= 48; p += 4) {
		struct env e;
		struct dev_xlate d;

		env_init(&e, 48, p, MAIR_LINUX_6_1, MT_NORMAL_6_1);
		CHECK_EQ(program(&e), 0);
		CHECK_EQ(mismatches(&e, false), 0);
		smmu_write32(&e.t.s, fsvm_cb_reg(&e.t.io, BANK, SMMU_CB_TCR2),
			     (e.r.tcr2 & ~SMMU_TCR2_PASIZE_MASK) | (uint32_t)fsvm_size_enc(40));
		fsvm_tlbi_asid(&e.t.io, BANK, ASID);
		CHECK(mismatches(&e, false) > 0);
		d = dev_access(&e.t, SID, BANK, 0x601008, false);
		CHECK(d.fsr & SMMU_FSR_ASF);

		/* An SMMU whose IAS is 40 bits cannot reach these tables: refused. */
		e.p.ias_bits = 40;
		CHECK_EQ(fsvm_cb_compute(&e.p, &e.r), -ERANGE);
		env_free(&e);
	}
	/* PASize is clamped to the IAS when RAM fits below it. */
	{
		struct env e;

		env_init(&e, 39, 40, MAIR_LINUX_6_1, MT_NORMAL_6_1);
		e.p.pa_bits = 48;
		e.p.ias_bits = 40;
		CHECK_EQ(fsvm_cb_compute(&e.p, &e.r), 0);
		CHECK_EQ(fsvm_size_bits(e.r.tcr2 & SMMU_TCR2_PASIZE_MASK), 40);
		e.p.max_pa = 1ull << 41;
		CHECK_EQ(fsvm_cb_compute(&e.p, &e.r), -ERANGE);
		env_free(&e);
	}
}

/* Mistake: S2CR set by read-modify-write keeps INSTCFG = 3 (instruction):
 * every device read of user data (UXN) takes a permission fault. */
static void test_mistake_instcfg(void)
{
	struct env e;
	uint32_t s2cr;

	env_init(&e, 39, 40, MAIR_LINUX_6_1, MT_NORMAL_6_1);
	CHECK_EQ(program(&e), 0);
	CHECK_EQ(mismatches(&e, false), 0);
	CHECK_EQ((fsvm_s2cr_value(BANK) & SMMU_S2CR_INSTCFG_MASK) >> SMMU_S2CR_INSTCFG_SHIFT,
		 SMMU_S2CR_INSTCFG_DATA);

	/* The mistake: start from the reset value, set only type and bank. */
	fsvm_stream_unmap(&e.t.io, SMR_IDX);
	s2cr = SMMU_S2CR_RESET & ~(SMMU_S2CR_TYPE_MASK | SMMU_S2CR_CBNDX_MASK);
	s2cr |= SMMU_S2CR_TYPE(SMMU_S2CR_TYPE_TRANS) | SMMU_S2CR_CBNDX(BANK);
	smmu_write32(&e.t.s, SMMU_GR0_S2CR(SMR_IDX), s2cr);
	smmu_write32(&e.t.s, SMMU_GR0_SMR(SMR_IDX), fsvm_smr_value(SID, 0));
	fsvm_tlbi_asid(&e.t.io, BANK, ASID);
	CHECK(mismatches(&e, false) > 0);
	{
		struct dev_xlate d = dev_access(&e.t, SID, BANK, 0x601008, false);

		CHECK(d.fsr & SMMU_FSR_PF);
		CHECK(d.fsynr0 & SMMU_FSYNR0_IND);
	}
	/* And the module's fault path would not "resolve" such a fault. */
	{
		bool w;
		uint32_t syn;

		CHECK_EQ(fsvm_fault_decide(SMMU_FSR_PF, SMMU_FSYNR0_IND, &w, &syn),
			 FSVM_FA_TERMINATE);
	}
	env_free(&e);
}

/* Mistake: a MAIR that is not the CPU's: io-pgtable's (index 0 is
 * non-cacheable) or the other kernel version's layout. */
static void test_mistake_mair(void)
{
	static const struct { uint64_t cpu; unsigned int idx; uint64_t wrong; } c[] = {
		{ MAIR_LINUX_6_1, MT_NORMAL_6_1, MAIR_IO_PGTABLE },
		{ MAIR_LINUX_5_10, MT_NORMAL_5_10, MAIR_IO_PGTABLE },
		{ MAIR_LINUX_5_10, MT_NORMAL_5_10, MAIR_LINUX_6_1 },
		{ MAIR_LINUX_6_1, MT_NORMAL_6_1, MAIR_LINUX_5_10 },
	};

	for (unsigned int i = 0; i < 4; i++) {
		struct env e;
		int attr;

		env_init(&e, 48, 44, c[i].cpu, c[i].idx);
		CHECK_EQ(program(&e), 0);
		CHECK_EQ(dev_attr(&e.t, BANK, 0x601008), 0xff);	/* normal WB */
		CHECK_EQ(mismatches(&e, false), 0);
		e.p.mair = c[i].wrong;
		CHECK_EQ(fsvm_cb_compute(&e.p, &e.r), 0);
		fsvm_cb_program(&e.t.io, BANK, &e.r);
		attr = dev_attr(&e.t, BANK, 0x601008);
		CHECK(attr != 0xff);
		CHECK(mismatches(&e, false) > 0);
		env_free(&e);
	}
}

/*
 * Mistake: sharing the CPU's tables with cacheable walk attributes on an
 * interconnect where the walker does not snoop. Linux writes a new PTE
 * with a plain store: the CPU sees it, the walker reads stale DRAM. The
 * real code picks mirror mode there (and refuses shared unless forced);
 * the mirror is cleaned on every write, so the walker sees what the CPU
 * sees. And on a coherent system, non-cacheable walk attributes are the
 * mistake the other way round.
 */
static void test_mistake_walk_coherence(void)
{
	struct env e;
	uint64_t page;
	int mode;
	bool forced;

	/* Non-coherent system: what the module decides. */
	CHECK_EQ(fsvm_choose_mode(false, true, FSVM_MODE_PARAM_AUTO, false, &mode, &forced), 0);
	CHECK_EQ(mode, FSVM_MODE_MIRROR);
	CHECK_EQ(fsvm_choose_mode(true, false, FSVM_MODE_PARAM_AUTO, false, &mode, &forced), 0);
	CHECK_EQ(mode, FSVM_MODE_MIRROR);	/* firmware says yes, SMMU has no CTTW */
	CHECK_EQ(fsvm_choose_mode(false, true, FSVM_MODE_SHARED, false, &mode, &forced), -EPERM);
	CHECK_EQ(fsvm_choose_mode(false, true, FSVM_MODE_SHARED, true, &mode, &forced), 0);
	CHECK(forced);
	CHECK_EQ(fsvm_choose_mode(true, true, FSVM_MODE_PARAM_AUTO, false, &mode, &forced), 0);
	CHECK_EQ(mode, FSVM_MODE_SHARED);
	CHECK(!forced);

	/* The mistake, shown: shared tables, cacheable walk, no snooping. */
	env_init(&e, 39, 40, MAIR_LINUX_6_1, MT_NORMAL_6_1);
	e.pm.coherent_system = false;
	CHECK_EQ(program(&e), 0);
	CHECK_EQ(mismatches(&e, false), 0);		/* old, cleaned PTEs: fine */
	page = pm_alloc(&e.pm);
	cpt_map(&e.pt, 0x7f00001000ull, page, 3, lx_bits(&e.pt, LX_RW_DIRTY), false);
	e.va[e.nva++] = 0x7f00001000ull;		/* new mapping, table not cleaned */
	CHECK(mismatches(&e, false) > 0);
	env_free(&e);

	/* The other way round: a coherent system, non-cacheable walks. */
	env_init(&e, 39, 40, MAIR_LINUX_6_1, MT_NORMAL_6_1);
	e.p.coherent_walk = false;
	CHECK_EQ(program(&e), 0);
	CHECK_EQ((e.r.tcr >> SMMU_TCR_IRGN0_SHIFT) & 3, 0);
	page = pm_alloc(&e.pm);
	cpt_map(&e.pt, 0x7f00001000ull, page, 3, lx_bits(&e.pt, LX_RW_DIRTY), false);
	e.va[e.nva++] = 0x7f00001000ull;
	CHECK(mismatches(&e, false) > 0);
	/* ... and the real code (coherent walk attributes) sees the new PTE. */
	e.p.coherent_walk = true;
	CHECK_EQ(program(&e), 0);
	fsvm_tlbi_asid(&e.t.io, BANK, ASID);
	CHECK_EQ(mismatches(&e, false), 0);
	CHECK_EQ((e.r.tcr >> SMMU_TCR_SH0_SHIFT) & 3, SMMU_TCR_SH_IS);
	env_free(&e);
}

/* The stall fault path: a write to a writable-clean page stalls; the
 * module's decision says "resolve as a write"; after the PTE is made dirty
 * (what handle_mm_fault does) and the TLB invalidated, RESUME retries and
 * the access completes. */
static void test_stall_resolve(void)
{
	struct env e;
	struct smmu_xlate x;
	struct fsvm_cb_fault f;
	uint64_t slot;
	bool write;
	uint32_t syn;
	unsigned int ops;

	env_init(&e, 48, 40, MAIR_LINUX_6_1, MT_NORMAL_6_1);
	CHECK_EQ(program(&e), 0);
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x602010, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x602010, SMMU_WRITE, &x), SMMU_STALLED);
	CHECK(e.t.irqs > 0);
	fsvm_cb_read_fault(&e.t.io, BANK, &f);
	CHECK(f.fsr & SMMU_FSR_SS);
	CHECK_EQ(f.far, 0x602010);
	CHECK_EQ(f.cbfrsynra & 0xffff, SID);
	CHECK_EQ(fsvm_fault_decide(f.fsr, f.fsynr0, &write, &syn), FSVM_FA_RESOLVE);
	CHECK(write);
	CHECK_EQ(FSVM_SYND_TYPE(syn), FSVM_FAULT_PERMISSION);
	CHECK(syn & FSVM_SYND_WRITE);

	/* handle_mm_fault(FAULT_FLAG_WRITE): the PTE becomes writable+dirty. */
	slot = cpt_slot(&e.pt, 0x602000, 3, true);
	pm_write_clean(&e.pm, slot, (pm_cpu_read(&e.pm, slot) & ~LX_PTE_RDONLY) | LX_PTE_DIRTY);
	CHECK_EQ(fsvm_tlbi_range(&e.t.io, BANK, ASID, 0x602000, 0x603000, &ops), 0);
	CHECK_EQ(ops, 1);
	CHECK(!smmu_tlbi_unsynced(&e.t.s, BANK));
	fsvm_cb_resume(&e.t.io, BANK, f.fsr, true);
	CHECK_EQ(smmu_stall_poll(&e.t.s, BANK), 1);
	CHECK_EQ(smmu_read32(&e.t.s, fsvm_cb_reg(&e.t.io, BANK, SMMU_CB_FSR)), 0);
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x602010, SMMU_WRITE, &x), SMMU_OK);

	/* Not present: a translation fault, resolvable as a read. */
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x700000, SMMU_READ, &x), SMMU_STALLED);
	fsvm_cb_read_fault(&e.t.io, BANK, &f);
	CHECK_EQ(fsvm_fault_decide(f.fsr, f.fsynr0, &write, &syn), FSVM_FA_RESOLVE);
	CHECK(!write);
	CHECK_EQ(FSVM_SYND_TYPE(syn), FSVM_FAULT_TRANSLATION);
	/* Could not be resolved (not a mapping): terminate. */
	fsvm_cb_resume(&e.t.io, BANK, f.fsr, false);
	CHECK_EQ(smmu_stall_poll(&e.t.s, BANK), 2);

	/* Access flag: with AFFD (the default) an old page just works; without
	 * it the fault is resolvable. */
	cpt_map(&e.pt, 0x800000, pm_alloc(&e.pm), 3, lx_bits(&e.pt, LX_RW_OLD), true);
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x800000, SMMU_READ, &x), SMMU_OK);
	e.p.affd = false;
	CHECK_EQ(program(&e), 0);
	fsvm_tlbi_asid(&e.t.io, BANK, ASID);
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x800000, SMMU_READ, &x), SMMU_STALLED);
	fsvm_cb_read_fault(&e.t.io, BANK, &f);
	CHECK(f.fsr & SMMU_FSR_AFF);
	CHECK_EQ(fsvm_fault_decide(f.fsr, f.fsynr0, &write, &syn), FSVM_FA_RESOLVE);
	fsvm_cb_resume(&e.t.io, BANK, f.fsr, false);
	smmu_stall_poll(&e.t.s, BANK);

	/* Other faults terminate. */
	CHECK_EQ(fsvm_fault_decide(SMMU_FSR_ASF, 0, &write, &syn), FSVM_FA_TERMINATE);
	CHECK_EQ(FSVM_SYND_TYPE(syn), FSVM_FAULT_ADDRESS_SIZE);
	CHECK_EQ(fsvm_fault_decide(SMMU_FSR_EF, SMMU_FSYNR0_PTWF, &write, &syn),
		 FSVM_FA_TERMINATE);
	CHECK_EQ(FSVM_SYND_TYPE(syn), FSVM_FAULT_EXTERNAL);
	CHECK_EQ(fsvm_fault_decide(SMMU_FSR_TF, SMMU_FSYNR0_PNU, &write, &syn),
		 FSVM_FA_TERMINATE);
	CHECK_EQ(fsvm_fault_decide(0, 0, &write, &syn), FSVM_FA_NONE);
	env_free(&e);
}

/* Invalidation: a remapped page is stale in the TLB until the module's
 * range invalidation; big ranges become one TLBIASID; every one is synced. */
static void test_invalidation(void)
{
	struct env e;
	struct smmu_xlate x;
	uint64_t newpage;
	unsigned int ops;

	env_init(&e, 39, 40, MAIR_LINUX_6_1, MT_NORMAL_6_1);
	CHECK_EQ(program(&e), 0);
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x601000, SMMU_READ, &x), SMMU_OK);
	newpage = pm_alloc(&e.pm);
	cpt_map(&e.pt, 0x601000, newpage, 3, lx_bits(&e.pt, LX_RW_DIRTY), true);
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x601000, SMMU_READ, &x), SMMU_OK);
	CHECK(x.pa != newpage);				/* stale: TLB hit */
	CHECK_EQ(fsvm_tlbi_range(&e.t.io, BANK, ASID, 0x600000, 0x602000, &ops), 0);
	CHECK_EQ(ops, 2);
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x601000, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, newpage);
	CHECK_EQ(fsvm_tlbi_range(&e.t.io, BANK, ASID, 0, 1ull << 39, &ops), 0);
	CHECK_EQ(ops, 1);
	CHECK_EQ(smmu_tlb_count(&e.t.s, BANK), 0);
	CHECK(!smmu_tlbi_unsynced(&e.t.s, SMMU_CB_ANY));
	CHECK_EQ(fsvm_tlbi_range(&e.t.io, BANK, ASID, 5, 5, &ops), 0);
	CHECK_EQ(ops, 0);
	env_free(&e);
}

/* Release: the stream is unmapped first (its traffic then faults, never
 * bypasses), then the bank disabled, a held transaction terminated. */
static void test_release(void)
{
	struct env e;
	struct smmu_xlate x;

	env_init(&e, 39, 40, MAIR_LINUX_6_1, MT_NORMAL_6_1);
	CHECK_EQ(program(&e), 0);
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x700000, SMMU_READ, &x), SMMU_STALLED);
	fsvm_stream_unmap(&e.t.io, SMR_IDX);
	CHECK_EQ(fsvm_cb_disable(&e.t.io, BANK, ASID), 0);
	CHECK_EQ(smmu_stall_poll(&e.t.s, BANK), 2);
	CHECK_EQ(smmu_read32(&e.t.s, fsvm_cb_reg(&e.t.io, BANK, SMMU_CB_SCTLR)), 0);
	CHECK_EQ(smmu_read32(&e.t.s, fsvm_cb_reg(&e.t.io, BANK, SMMU_CB_FSR)), 0);
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x601000, SMMU_READ, &x), SMMU_FAULT);
	CHECK(x.gfsr != 0);
	CHECK_EQ(smmu_tlb_count(&e.t.s, BANK), 0);

	/* The fault path already cleared FSR (SS included: write 1 to clear)
	 * when the bank is disabled: the held transaction is still ended. */
	CHECK_EQ(program(&e), 0);
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x700000, SMMU_READ, &x), SMMU_STALLED);
	smmu_write32(&e.t.s, fsvm_cb_reg(&e.t.io, BANK, SMMU_CB_FSR),
		     smmu_read32(&e.t.s, fsvm_cb_reg(&e.t.io, BANK, SMMU_CB_FSR)));
	CHECK_EQ(smmu_read32(&e.t.s, fsvm_cb_reg(&e.t.io, BANK, SMMU_CB_FSR)) & SMMU_FSR_SS, 0);
	CHECK_EQ(smmu_stall_poll(&e.t.s, BANK), 0);	/* still held */
	fsvm_stream_unmap(&e.t.io, SMR_IDX);
	CHECK_EQ(fsvm_cb_disable(&e.t.io, BANK, ASID), 0);
	CHECK_EQ(smmu_stall_poll(&e.t.s, BANK), 2);

	/* Nothing stalled: the RESUME of a disable is ignored. */
	CHECK_EQ(program(&e), 0);
	fsvm_stream_unmap(&e.t.io, SMR_IDX);
	CHECK_EQ(fsvm_cb_disable(&e.t.io, BANK, ASID), 0);
	CHECK_EQ(smmu_stall_poll(&e.t.s, BANK), 0);
	env_free(&e);
}

/*
 * C1: after unmap the stream must stay matched (SMR valid, S2CR fault),
 * so its traffic is terminated whatever sCR0.USFCFG says. With USFCFG=0
 * (what fsvm's own_smmu and arm-smmu with disable_bypass=0 write) an
 * unmatched stream bypasses with PA = VA: a DMA primitive.
 */
static void test_unmap_never_bypasses(void)
{
	struct env e;
	struct smmu_xlate x;
	uint32_t scr0;

	env_init(&e, 39, 40, MAIR_LINUX_6_1, MT_NORMAL_6_1);
	scr0 = smmu_read32(&e.t.s, SMMU_GR0_SCR0) & ~SMMU_SCR0_USFCFG;
	smmu_write32(&e.t.s, SMMU_GR0_SCR0, scr0);
	CHECK_EQ(program(&e), 0);
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x601000, SMMU_READ, &x), SMMU_OK);

	/* Teardown as the module does it: stream first, then the bank. */
	fsvm_stream_unmap(&e.t.io, SMR_IDX);
	CHECK(smmu_read32(&e.t.s, SMMU_GR0_SMR(SMR_IDX)) & SMMU_SMR_VALID);
	memset(&x, 0, sizeof(x));
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x12345000, SMMU_WRITE, &x), SMMU_FAULT);
	CHECK(x.gfsr & SMMU_SGFSR_USF);
	CHECK_EQ(e.t.s.stats.bypassed, 0);
	smmu_write32(&e.t.s, SMMU_GR0_SGFSR, smmu_read32(&e.t.s, SMMU_GR0_SGFSR));
	CHECK_EQ(fsvm_cb_disable(&e.t.io, BANK, ASID), 0);
	memset(&x, 0, sizeof(x));
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x12345000, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(e.t.s.stats.bypassed, 0);
	smmu_write32(&e.t.s, SMMU_GR0_SGFSR, smmu_read32(&e.t.s, SMMU_GR0_SGFSR));

	/* A parked stream (probe, before any bind) is terminated too. */
	fsvm_stream_unmap(&e.t.io, SMR_IDX + 1);
	fsvm_stream_park(&e.t.io, SMR_IDX + 1, SID + 1, 0);
	CHECK_EQ(smmu_translate(&e.t.s, SID + 1, 0x601000, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(e.t.s.stats.bypassed, 0);
	smmu_write32(&e.t.s, SMMU_GR0_SGFSR, smmu_read32(&e.t.s, SMMU_GR0_SGFSR));

	/* And the next bind of the slot translates again. */
	CHECK_EQ(program(&e), 0);
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x601000, SMMU_READ, &x), SMMU_OK);
	env_free(&e);
}

/*
 * H3/L4: an SMMU whose TLB sync never completes. Every sync gives up after
 * FSVM_TLB_SYNC_POLLS reads (about 1 ms with the kernel's udelay(1), not
 * the 1 s it used to spin with interrupts off), bind fails with the stream
 * still parked (S2CR fault: no traffic reaches a bank whose TLB may hold
 * the previous binder's entries), and disable reports the failure so the
 * caller quarantines the slot.
 */
static unsigned int stuck_polls, stuck_relax;

static uint32_t stuck_read32(void *priv, uint32_t off)
{
	uint32_t v = ts_read32(priv, off);

	if ((off & 0xfffu) == SMMU_CB_TLBSTATUS && off >= 0x10000u) {
		stuck_polls++;
		return v | SMMU_TLBSTATUS_SACTIVE;
	}
	return v;
}

static void stuck_relax_fn(void *priv)
{
	(void)priv;
	stuck_relax++;
}

static void test_sync_timeout(void)
{
	struct env e;
	struct smmu_xlate x;
	struct fsvm_smmu_caps caps;
	const char *why;

	env_init(&e, 39, 40, MAIR_LINUX_6_1, MT_NORMAL_6_1);
	CHECK_EQ(fsvm_smmu_read_caps(&e.t.io, &caps, &why), 0);
	CHECK_EQ(fsvm_cb_compute(&e.p, &e.r), 0);
	e.t.io.read32 = stuck_read32;
	e.t.io.relax = stuck_relax_fn;
	fsvm_stream_park(&e.t.io, SMR_IDX, SID, 0);

	stuck_polls = stuck_relax = 0;
	CHECK_EQ(fsvm_tlb_sync(&e.t.io, BANK), -ETIMEDOUT);
	CHECK_EQ(stuck_polls, FSVM_TLB_SYNC_POLLS);
	CHECK(stuck_relax <= 1000);	/* about 1 ms at udelay(1) */

	stuck_polls = 0;
	CHECK_EQ(fsvm_ctx_smmu_enable(&e.t.io, BANK, &e.r, ASID, SMR_IDX, SID, 0),
		 -ETIMEDOUT);
	CHECK(stuck_polls <= FSVM_TLB_SYNC_POLLS);
	CHECK_EQ(smmu_read32(&e.t.s, SMMU_GR0_S2CR(SMR_IDX)), fsvm_s2cr_fault_value());
	CHECK(smmu_read32(&e.t.s, SMMU_GR0_SMR(SMR_IDX)) & SMMU_SMR_VALID);
	CHECK_EQ(smmu_read32(&e.t.s, fsvm_cb_reg(&e.t.io, BANK, SMMU_CB_SCTLR)), 0);
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x601000, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(e.t.s.stats.bypassed, 0);
	smmu_write32(&e.t.s, SMMU_GR0_SGFSR, smmu_read32(&e.t.s, SMMU_GR0_SGFSR));

	/* Teardown reports the timeout (the slot is then quarantined). */
	CHECK_EQ(fsvm_cb_disable(&e.t.io, BANK, ASID), -ETIMEDOUT);

	/* A working SMMU: enable maps the stream and translates. */
	e.t.io.read32 = ts_read32;
	CHECK_EQ(fsvm_ctx_smmu_enable(&e.t.io, BANK, &e.r, ASID, SMR_IDX, SID, 0), 0);
	CHECK_EQ(smmu_read32(&e.t.s, SMMU_GR0_S2CR(SMR_IDX)), fsvm_s2cr_value(BANK));
	CHECK_EQ(smmu_translate(&e.t.s, SID, 0x601000, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(fsvm_cb_disable(&e.t.io, BANK, ASID), 0);
	env_free(&e);
}

/* Probe: the ID registers are decoded; a stage-2-only SMMU is refused. */
static void test_caps(void)
{
	struct pmem pm;
	struct tsmmu t;
	struct fsvm_smmu_caps caps;
	const char *why;

	pm_init(&pm, 0x80000000ull);
	ts_init(&t, &pm, 40, 40, false);
	CHECK_EQ(fsvm_smmu_read_caps(&t.io, &caps, &why), 0);
	CHECK(why == NULL);
	CHECK_EQ(caps.num_cb, 16);
	CHECK_EQ(caps.num_smr, 48);
	CHECK_EQ(caps.ias_bits, 40);
	CHECK_EQ(caps.oas_bits, 40);
	CHECK(caps.s1 && caps.sms && caps.ptfs_4k && !caps.cttw);
	CHECK_EQ(t.io.cb_base, 0x10000);
	CHECK_EQ(t.io.cb_shift, 12);
	CHECK_EQ(fsvm_size_enc(44), 4);
	CHECK_EQ(fsvm_size_enc(41), -EINVAL);
	CHECK_EQ(fsvm_size_floor(52), 48);
	CHECK_EQ(fsvm_size_floor(39), 36);
	CHECK_EQ(fsvm_size_floor(31), 0);
	pm_free(&pm);
}

/* IDR0 without S1TS, for the refusal check. */
static uint32_t no_s1_read32(void *priv, uint32_t off)
{
	uint32_t v = ts_read32(priv, off);

	return off == SMMU_GR0_IDR0 ? v & ~SMMU_IDR0_S1TS : v;
}

static void test_caps_refusal(void)
{
	struct pmem pm;
	struct tsmmu t;
	struct fsvm_smmu_caps caps;
	const char *why = NULL;

	pm_init(&pm, 0x80000000ull);
	ts_init(&t, &pm, 48, 48, true);
	t.io.read32 = no_s1_read32;
	CHECK_EQ(fsvm_smmu_read_caps(&t.io, &caps, &why), -ENODEV);
	CHECK(why && strstr(why, "stage-1"));
	pm_free(&pm);
}

int main(void)
{
	RUN(test_caps);
	RUN(test_caps_refusal);
	RUN(test_matrix);
	RUN(test_mistake_t0sz);
	RUN(test_mistake_pasize);
	RUN(test_mistake_instcfg);
	RUN(test_mistake_mair);
	RUN(test_mistake_walk_coherence);
	RUN(test_stall_resolve);
	RUN(test_invalidation);
	RUN(test_release);
	RUN(test_unmap_never_bypasses);
	RUN(test_sync_timeout);
	return check_exit_code("test_smmu_prog");
}
