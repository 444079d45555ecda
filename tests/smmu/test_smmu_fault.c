// SPDX-License-Identifier: MIT
/* Fault recording of the SMMU model: FSR/FAR/FSYNR0/CBFRSYNRA, MULTI,
 * interrupts, terminate (CFRE) and stall/resume, raise_fault, ATS1PR. */
#include "smmu_test.h"

#define PA_DUMMY	0x3000000ull

static void fsr_far_fsynr(void)
{
	struct tctx t;
	struct smmu_xlate x;
	uint64_t root;
	const uint64_t va = 0x00007fff12345678ull;

	tctx_init(&t, 16, 48);
	root = std_setup(&t, 16, 0);
	tmem_map(&t.m, root, 48, 0x00007fff12340000ull, PA_DUMMY, 3, PTE_USER_RW);

	/* write to an unmapped page (the L3 table exists) */
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0 | 0x15, va, SMMU_WRITE, &x), SMMU_FAULT);
	CHECK(!x.razwi);
	CHECK_EQ(x.cb, 0);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), SMMU_FSR_TF);
	CHECK_EQ(cbr64(&t.s, 0, SMMU_CB_FAR), va);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FAR), 0x12345678u);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FAR + 4), 0x00007fffu);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSYNR0), SMMU_FSYNR0_WNR | 3);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR1_CBFRSYNRA(0)), SID_HPC0 | 0x15);
	CHECK_EQ(t.m.irqs[0], 1);

	/* W1C: writing 0 or other bits keeps TF */
	cbw32(&t.s, 0, SMMU_CB_FSR, 0);
	cbw32(&t.s, 0, SMMU_CB_FSR, SMMU_FSR_PF);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), SMMU_FSR_TF);

	/* second fault while FSR is set: MULTI, first record kept */
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0 | 0x1, 0x1000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_TF);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), SMMU_FSR_TF | SMMU_FSR_MULTI);
	CHECK_EQ(cbr64(&t.s, 0, SMMU_CB_FAR), va);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR1_CBFRSYNRA(0)), SID_HPC0 | 0x15);
	CHECK_EQ(t.m.irqs[0], 2);
	cbw32(&t.s, 0, SMMU_CB_FSR, SMMU_FSR_TF | SMMU_FSR_MULTI);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), 0);

	/* after clearing, the next fault records afresh; FSYNR0 read: WNR=0 */
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0 | 0x2, 0x1000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(cbr64(&t.s, 0, SMMU_CB_FAR), 0x1000ull);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSYNR0), 0);	/* L0 slot 0 empty: PLVL 0 */
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR1_CBFRSYNRA(0)), SID_HPC0 | 0x2);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);

	/* no interrupt without CFIE */
	cbw32(&t.s, 0, SMMU_CB_SCTLR, cbr32(&t.s, 0, SMMU_CB_SCTLR) & ~SMMU_SCTLR_CFIE);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x1000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(t.m.irqs[0], 3);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), SMMU_FSR_TF);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);

	/* CFRE=0: terminated silently (master sees OKAY, RAZ/WI) */
	cbw32(&t.s, 0, SMMU_CB_SCTLR, cbr32(&t.s, 0, SMMU_CB_SCTLR) & ~SMMU_SCTLR_CFRE);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x1000ull, SMMU_WRITE, &x), SMMU_FAULT);
	CHECK(x.razwi);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), SMMU_FSR_TF);
	CHECK_EQ(smmu_get_stats(&t.s)->faults, 5);
	tctx_fini(&t);
}

static void walk_bus_error(void)
{
	struct tctx t;
	struct smmu_xlate x;
	uint64_t root, l2slot;
	const uint64_t va = 0x3000000000ull;

	tctx_init(&t, 16, 48);
	root = std_setup(&t, 25, 0);
	tmem_map(&t.m, root, 39, va, 0x1000ull, 3, PTE_USER_RW);
	l2slot = tmem_slot(&t.m, root, 39, va, 2);
	t.m.fail_pa = l2slot;

	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, va + 4, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_EF);
	CHECK_EQ(x.walk_reads, 2);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), SMMU_FSR_EF);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSYNR0), SMMU_FSYNR0_PTWF | 2);
	CHECK_EQ(cbr64(&t.s, 0, SMMU_CB_FAR), va + 4);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);

	t.m.fail_pa = NO_FAIL;
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, va + 4, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x1004ull);
	tctx_fini(&t);
}

static void stall_retry_and_terminate(void)
{
	struct tctx t;
	struct smmu_xlate x;
	uint64_t root, slot;
	const uint64_t va = 0x2000003000ull;

	tctx_init(&t, 16, 48);
	root = std_setup(&t, 25, SMMU_SCTLR_CFCFG);
	slot = tmem_map(&t.m, root, 39, va, 0x4444000ull, 3, PTE_USER_RO | SMMU_PTE_DBM);

	/* RESUME with nothing stalled is ignored */
	cbw32(&t.s, 0, SMMU_CB_RESUME, SMMU_RESUME_RETRY);
	CHECK_EQ(smmu_stall_poll(&t.s, 0), 0);

	/* device write to a writable-clean page: stalls */
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, va + 0x80, SMMU_WRITE, &x), SMMU_STALLED);
	CHECK_EQ(x.fsr, SMMU_FSR_PF | SMMU_FSR_SS);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), SMMU_FSR_PF | SMMU_FSR_SS);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSYNR0), SMMU_FSYNR0_WNR | 3);
	CHECK_EQ(cbr64(&t.s, 0, SMMU_CB_FAR), va + 0x80);
	CHECK_EQ(t.m.irqs[0], 1);
	CHECK_EQ(smmu_stall_poll(&t.s, 0), 0);
	CHECK_EQ(smmu_stall_poll(&t.s, 0), 0);
	CHECK_EQ(smmu_get_stats(&t.s)->stalls, 1);

	/* the handler: make the PTE dirty/writable, TLBIVA + sync, clear FSR, RESUME retry */
	*tmem_word(&t.m, slot) = 0x4444000ull | PTE_USER_RW | SMMU_PTE_DBM | 3;
	cbw64(&t.s, 0, SMMU_CB_TLBIVA, (va >> 12) | (1ull << 48));
	cbw32(&t.s, 0, SMMU_CB_TLBSYNC, 0);
	cbw32(&t.s, 0, SMMU_CB_FSR, cbr32(&t.s, 0, SMMU_CB_FSR));
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), 0);
	CHECK_EQ(smmu_stall_poll(&t.s, 0), 0);	/* clearing FSR does not release */
	cbw32(&t.s, 0, SMMU_CB_RESUME, SMMU_RESUME_RETRY);
	CHECK_EQ(smmu_stall_poll(&t.s, 0), 1);
	CHECK_EQ(smmu_stall_poll(&t.s, 0), 0);	/* consumed */
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, va + 0x80, SMMU_WRITE, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x4444080ull);

	/* terminate */
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x10ull, SMMU_READ, &x), SMMU_STALLED);
	CHECK_EQ(x.fsr, SMMU_FSR_TF | SMMU_FSR_SS);
	/* FSR.SS stays set until RESUME, even if not cleared by software */
	cbw32(&t.s, 0, SMMU_CB_RESUME, SMMU_RESUME_TERMINATE);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), SMMU_FSR_TF);
	CHECK_EQ(smmu_stall_poll(&t.s, 0), 2);
	CHECK_EQ(smmu_stall_poll(&t.s, 0), 0);

	/* a fault while FSR still holds the last one: MULTI, stalled again */
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x20ull, SMMU_READ, &x), SMMU_STALLED);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), SMMU_FSR_TF | SMMU_FSR_SS | SMMU_FSR_MULTI);
	CHECK_EQ(cbr64(&t.s, 0, SMMU_CB_FAR), 0x10ull);
	cbw32(&t.s, 0, SMMU_CB_RESUME, SMMU_RESUME_TERMINATE);
	CHECK_EQ(smmu_stall_poll(&t.s, 0), 2);

	/* out-of-range bank polls as terminate */
	CHECK_EQ(smmu_stall_poll(&t.s, 99), 2);
	tctx_fini(&t);
}

static void raise_fault(void)
{
	struct tctx t;
	uint64_t root;

	tctx_init(&t, 16, 48);
	root = std_setup(&t, 25, 0);
	(void)root;
	/* route a transaction first so the bank knows its stream */
	{
		struct smmu_xlate x;

		smmu_translate(&t.s, SID_HPC0 | 0x9, 0x1000ull, SMMU_READ, &x);
		cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);
	}
	CHECK_EQ(smmu_raise_fault(&t.s, 0, 0x7fff0008ull, SMMU_WRITE, SMMU_FSR_PF, 3), SMMU_FAULT);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), SMMU_FSR_PF);
	CHECK_EQ(cbr64(&t.s, 0, SMMU_CB_FAR), 0x7fff0008ull);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSYNR0), SMMU_FSYNR0_WNR | 3);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR1_CBFRSYNRA(0)), SID_HPC0 | 0x9);
	CHECK_EQ(t.m.irqs[0], 2);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);

	cbw32(&t.s, 0, SMMU_CB_SCTLR, cbr32(&t.s, 0, SMMU_CB_SCTLR) | SMMU_SCTLR_CFCFG);
	CHECK_EQ(smmu_raise_fault(&t.s, 0, 0x5000ull, SMMU_READ, SMMU_FSR_TF, 2), SMMU_STALLED);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), SMMU_FSR_TF | SMMU_FSR_SS);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSYNR0), 2);
	cbw32(&t.s, 0, SMMU_CB_RESUME, SMMU_RESUME_RETRY);
	CHECK_EQ(smmu_stall_poll(&t.s, 0), 1);
	CHECK_EQ(smmu_raise_fault(&t.s, 77, 0, SMMU_READ, SMMU_FSR_TF, 0), SMMU_FAULT);
	tctx_fini(&t);
}

static void ats1pr(void)
{
	struct tctx t;
	uint64_t root, par;

	tctx_init(&t, 16, 48);
	root = std_setup(&t, 25, 0);
	/* AttrIndx 2 -> MAIR byte 2 of LINUX_MAIR (0x44) */
	tmem_map(&t.m, root, 39, 0x9000ull, 0x12345000ull, 3, PTE_USER_RW | (2ull << 2));
	/* kernel-only page: ATS1PR is a privileged read, so it translates */
	tmem_map(&t.m, root, 39, 0xa000ull, 0x22222000ull, 3, PTE_USER_RW & ~SMMU_PTE_AP1);

	cbw64(&t.s, 0, SMMU_CB_ATS1PR, 0x9abcull);
	par = cbr64(&t.s, 0, SMMU_CB_PAR);
	CHECK_EQ(par & SMMU_PAR_F, 0);
	CHECK_EQ(par & SMMU_PAR_ADDR_MASK, 0x12345000ull);
	CHECK_EQ(par >> SMMU_PAR_ATTR_SHIFT, 0x44);
	CHECK_EQ((par >> SMMU_PAR_SH_SHIFT) & 3, 3);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_ATSR), 0);

	cbw64(&t.s, 0, SMMU_CB_ATS1PR, 0xa000ull);
	CHECK_EQ(cbr64(&t.s, 0, SMMU_CB_PAR) & (SMMU_PAR_ADDR_MASK | SMMU_PAR_F), 0x22222000ull);

	/* fault: F=1 with the fault type; nothing recorded, no interrupt, TLB untouched */
	cbw64(&t.s, 0, SMMU_CB_ATS1PR, 0x200000ull);	/* empty L2 slot */
	par = cbr64(&t.s, 0, SMMU_CB_PAR);
	CHECK_EQ(par & 0x1ffu, SMMU_PAR_F | SMMU_FSR_TF);
	CHECK_EQ((par >> SMMU_PAR_FSYNR0_SHIFT) & SMMU_FSYNR0_PLVL_MASK, 2);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), 0);
	CHECK_EQ(t.m.irqs[0], 0);
	CHECK_EQ(smmu_tlb_count(&t.s, 0), 0);
	CHECK_EQ(smmu_get_stats(&t.s)->ats, 3);
	tctx_fini(&t);
}

int main(void)
{
	RUN(fsr_far_fsynr);
	RUN(walk_bus_error);
	RUN(stall_retry_and_terminate);
	RUN(raise_fault);
	RUN(ats1pr);
	return check_exit_code("test_smmu_fault");
}
