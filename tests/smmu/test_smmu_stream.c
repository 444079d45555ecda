// SPDX-License-Identifier: MIT
/* Stream matching, S2CR/CBAR routing, global faults, ID registers and
 * register readback of the SMMU model. */
#include "smmu_test.h"

static void reset_and_ids(void)
{
	struct tctx t;
	struct smmu_xlate x;
	uint32_t id0, id1, id2;

	tctx_init(&t, 16, 48);
	/* reset: CLIENTPD=1, everything bypasses */
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR0_SCR0), SMMU_SCR0_CLIENTPD);
	CHECK_EQ(smmu_translate(&t.s, 0x123, 0xdeadbeef000ull, SMMU_WRITE, &x), SMMU_BYPASSED);
	CHECK_EQ(x.pa, 0xdeadbeef000ull);

	id0 = smmu_read32(&t.s, SMMU_GR0_IDR0);
	CHECK(id0 & SMMU_IDR0_S1TS);
	CHECK(id0 & SMMU_IDR0_SMS);
	CHECK(id0 & SMMU_IDR0_CTTW);
	CHECK_EQ(id0 & SMMU_IDR0_ATOSNS, 0);	/* ATS1PR implemented */
	CHECK_EQ(id0 & SMMU_IDR0_NUMSMRG_MASK, 48);
	CHECK_EQ((id0 & SMMU_IDR0_NUMSIDB_MASK) >> SMMU_IDR0_NUMSIDB_SHIFT, 15);
	id1 = smmu_read32(&t.s, SMMU_GR0_IDR1);
	CHECK_EQ(id1 & SMMU_IDR1_NUMCB_MASK, 16);
	CHECK_EQ(id1 & SMMU_IDR1_PAGESIZE, 0);
	CHECK_EQ((id1 & SMMU_IDR1_NUMPAGENDXB_MASK) >> SMMU_IDR1_NUMPAGENDXB_SHIFT, 3);
	/* Linux: numpage = 1 << (NUMPAGENDXB + 1); CB n at (numpage + n) pages */
	CHECK_EQ(smmu_cb_offset(&t.s, 0), 16u * 4096u);
	CHECK_EQ(smmu_cb_offset(&t.s, 15), 31u * 4096u);
	CHECK_EQ(smmu_cb_offset(&t.s, 15) + 4096u, SMMU_REG_SIZE);
	id2 = smmu_read32(&t.s, SMMU_GR0_IDR2);
	CHECK_EQ(id2 & SMMU_IDR2_IAS_MASK, 5);
	CHECK_EQ((id2 & SMMU_IDR2_OAS_MASK) >> SMMU_IDR2_OAS_SHIFT, 5);
	CHECK_EQ((id2 & SMMU_IDR2_UBS_MASK) >> SMMU_IDR2_UBS_SHIFT, 5);
	CHECK(id2 & SMMU_IDR2_PTFS_4K);
	tctx_fini(&t);

	/* non-coherent walker: CTTW clear; smaller configuration */
	{
		struct smmu s;
		struct smmu_config cfg = { .num_cb = 4, .num_smr = 8, .ias_bits = 40,
					   .oas_bits = 40, .cttw = false };

		smmu_init(&s, &cfg, NULL, 0, NULL);
		CHECK_EQ(smmu_read32(&s, SMMU_GR0_IDR0) & SMMU_IDR0_CTTW, 0);
		CHECK_EQ(smmu_read32(&s, SMMU_GR0_IDR0) & SMMU_IDR0_NUMSMRG_MASK, 8);
		CHECK_EQ(smmu_read32(&s, SMMU_GR0_IDR1) & SMMU_IDR1_NUMCB_MASK, 4);
		CHECK_EQ(smmu_read32(&s, SMMU_GR0_IDR2) & 0xff, 0x22);
		/* bank 4 not implemented: RAZ/WI */
		smmu_write32(&s, SMMU_CB_OFFSET(4) + SMMU_CB_SCTLR, 1);
		CHECK_EQ(smmu_read32(&s, SMMU_CB_OFFSET(4) + SMMU_CB_SCTLR), 0);
		smmu_write32(&s, SMMU_GR0_SMR(8), SMMU_SMR_VALID);
		CHECK_EQ(smmu_read32(&s, SMMU_GR0_SMR(8)), 0);
	}
}

static void matching(void)
{
	struct tctx t;
	struct smmu_xlate x;
	struct bank_cfg b1 = { .t0sz = 25, .asid = 1, .pasize_enc = 5 };
	struct bank_cfg b2 = { .t0sz = 25, .asid = 2, .pasize_enc = 5 };

	tctx_init(&t, 16, 48);
	b1.root = tmem_alloc_table(&t.m);
	b2.root = tmem_alloc_table(&t.m);
	tmem_map(&t.m, b1.root, 39, 0x400000ull, 0x11000ull, 3, PTE_USER_RW);
	tmem_map(&t.m, b2.root, 39, 0x400000ull, 0x22000ull, 3, PTE_USER_RW);
	program_bank(&t.s, 0, &b1);
	program_bank(&t.s, 1, &b2);
	map_stream(&t.s, 0, SID_HPC0, 0x3f, 0);	/* HPC0, any AXI ID -> bank 0 */
	map_stream(&t.s, 1, SID_HP0 | 0x5, 0, 1);	/* HP0 AXI ID 5 only -> bank 1 */
	enable_smmu(&t.s);

	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x400010ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x11010ull);
	CHECK_EQ(x.cb, 0);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0 | 0x3f, 0x400010ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x11010ull);
	CHECK_EQ(smmu_translate(&t.s, SID_HP0 | 0x5, 0x400010ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x22010ull);
	CHECK_EQ(x.cb, 1);

	/* outside the mask: unmatched -> USFCFG=1: global fault USF */
	CHECK_EQ(smmu_translate(&t.s, SID_HP0 | 0x6, 0x400010ull, SMMU_WRITE, &x), SMMU_FAULT);
	CHECK_EQ(x.gfsr, SMMU_SGFSR_USF);
	CHECK(!x.razwi);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR0_SGFSR), SMMU_SGFSR_USF);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR0_SGFSYNR1), SID_HP0 | 0x6);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR0_SGFSYNR0), SMMU_SGFSYNR0_WNR);
	CHECK_EQ(smmu_read64(&t.s, SMMU_GR0_SGFAR), 0x400010ull);
	CHECK_EQ(t.m.girqs, 1);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0 + 0x40, 0x8ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR0_SGFSR), SMMU_SGFSR_USF | SMMU_SGFSR_MULTI);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR0_SGFSYNR1), SID_HP0 | 0x6);	/* first kept */
	smmu_write32(&t.s, SMMU_GR0_SGFSR, SMMU_SGFSR_USF | SMMU_SGFSR_MULTI);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR0_SGFSR), 0);
	CHECK_EQ(smmu_get_stats(&t.s)->global_faults, 2);

	/* USFCFG=0: unmatched streams bypass */
	smmu_write32(&t.s, SMMU_GR0_SCR0, smmu_read32(&t.s, SMMU_GR0_SCR0) & ~SMMU_SCR0_USFCFG);
	CHECK_EQ(smmu_translate(&t.s, SID_HP0 | 0x6, 0x400010ull, SMMU_READ, &x), SMMU_BYPASSED);
	CHECK_EQ(x.pa, 0x400010ull);
	smmu_write32(&t.s, SMMU_GR0_SCR0, smmu_read32(&t.s, SMMU_GR0_SCR0) | SMMU_SCR0_USFCFG);

	/* VALID clear: no match */
	smmu_write32(&t.s, SMMU_GR0_SMR(1), SMMU_SMR(SID_HP0 | 0x5, 0));
	CHECK_EQ(smmu_translate(&t.s, SID_HP0 | 0x5, 0x400010ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.gfsr, SMMU_SGFSR_USF);
	smmu_write32(&t.s, SMMU_GR0_SGFSR, 0xffffffffu);

	/* two matching SMRs: stream match conflict */
	smmu_write32(&t.s, SMMU_GR0_SMR(1), SMMU_SMR_VALID | SMMU_SMR(0, 0x7fff));
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x400010ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.gfsr, SMMU_SGFSR_SMCF);
	smmu_write32(&t.s, SMMU_GR0_SGFSR, 0xffffffffu);
	smmu_write32(&t.s, SMMU_GR0_SMR(1), 0);

	/* GFRE=0: a terminated transaction is RAZ/WI to the master */
	smmu_write32(&t.s, SMMU_GR0_SCR0, smmu_read32(&t.s, SMMU_GR0_SCR0) & ~SMMU_SCR0_GFRE);
	CHECK_EQ(smmu_translate(&t.s, 0x7000, 0x0ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK(x.razwi);
	smmu_write32(&t.s, SMMU_GR0_SGFSR, 0xffffffffu);
	tctx_fini(&t);
}

static void s2cr_and_cbar_types(void)
{
	struct tctx t;
	struct smmu_xlate x;
	uint64_t root;
	uint32_t s2cr;

	tctx_init(&t, 16, 48);
	root = std_setup(&t, 25, 0);
	tmem_map(&t.m, root, 39, 0x1000ull, 0x5000ull, 3, PTE_USER_RW);
	s2cr = smmu_read32(&t.s, SMMU_GR0_S2CR(0));

	smmu_write32(&t.s, SMMU_GR0_S2CR(0), (s2cr & ~SMMU_S2CR_TYPE_MASK) |
		     SMMU_S2CR_TYPE(SMMU_S2CR_TYPE_BYPASS));
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x1234ull, SMMU_READ, &x), SMMU_BYPASSED);
	CHECK_EQ(x.pa, 0x1234ull);

	smmu_write32(&t.s, SMMU_GR0_S2CR(0), (s2cr & ~SMMU_S2CR_TYPE_MASK) |
		     SMMU_S2CR_TYPE(SMMU_S2CR_TYPE_FAULT));
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x1234ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.gfsr, SMMU_SGFSR_USF);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), 0);	/* not a context fault */
	smmu_write32(&t.s, SMMU_GR0_SGFSR, 0xffffffffu);

	/* CBNDX beyond the implemented banks */
	smmu_write32(&t.s, SMMU_GR0_S2CR(0), (s2cr & ~SMMU_S2CR_CBNDX_MASK) | SMMU_S2CR_CBNDX(20));
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x1234ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.gfsr, SMMU_SGFSR_UCBF);
	smmu_write32(&t.s, SMMU_GR0_SGFSR, 0xffffffffu);
	smmu_write32(&t.s, SMMU_GR0_S2CR(0), s2cr);

	/* CBAR type stage-2 only: not modeled -> invalid context */
	smmu_write32(&t.s, SMMU_GR1_CBAR(0), SMMU_CBAR_TYPE(SMMU_CBAR_TYPE_S2_TRANS));
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x1234ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.gfsr, SMMU_SGFSR_ICF);
	smmu_write32(&t.s, SMMU_GR0_SGFSR, 0xffffffffu);
	smmu_write32(&t.s, SMMU_GR1_CBAR(0), SMMU_CBAR_TYPE(SMMU_CBAR_TYPE_S1_S2BYPASS));

	/* CBA2R.VA64=0 (AArch32 formats) not modeled */
	smmu_write32(&t.s, SMMU_GR1_CBA2R(0), 0);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x1234ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.gfsr, SMMU_SGFSR_ICF);
	smmu_write32(&t.s, SMMU_GR0_SGFSR, 0xffffffffu);
	smmu_write32(&t.s, SMMU_GR1_CBA2R(0), SMMU_CBA2R_VA64);

	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x1234ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x5234ull);

	/* SCTLR.M=0: the bank bypasses */
	cbw32(&t.s, 0, SMMU_CB_SCTLR, cbr32(&t.s, 0, SMMU_CB_SCTLR) & ~SMMU_SCTLR_M);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x1234ull, SMMU_READ, &x), SMMU_BYPASSED);
	CHECK_EQ(x.pa, 0x1234ull);
	CHECK_EQ(x.cb, 0);

	/* sCR0.CLIENTPD=1 again: global bypass */
	smmu_write32(&t.s, SMMU_GR0_SCR0, SMMU_SCR0_CLIENTPD);
	CHECK_EQ(smmu_translate(&t.s, 0x7777, 0x1234ull, SMMU_READ, &x), SMMU_BYPASSED);
	tctx_fini(&t);
}

static void readback(void)
{
	struct tctx t;
	struct bank_cfg b = { .t0sz = 25, .asid = 0xbeef, .pasize_enc = 2,
			      .root = 0x876543000ull };
	uint32_t base;

	tctx_init(&t, 16, 48);
	program_bank(&t.s, 5, &b);
	base = smmu_cb_offset(&t.s, 5);
	CHECK_EQ(base, 0x15000u);
	CHECK_EQ(smmu_read64(&t.s, base + SMMU_CB_TTBR0), 0xbeef000876543000ull);
	CHECK_EQ(smmu_read32(&t.s, base + SMMU_CB_TTBR0), 0x76543000u);
	CHECK_EQ(smmu_read32(&t.s, base + SMMU_CB_TTBR0 + 4), 0xbeef0008u);
	CHECK_EQ(smmu_read32(&t.s, base + SMMU_CB_MAIR0), (uint32_t)LINUX_MAIR);
	CHECK_EQ(smmu_read32(&t.s, base + SMMU_CB_MAIR1), (uint32_t)(LINUX_MAIR >> 32));
	CHECK_EQ(smmu_read32(&t.s, base + SMMU_CB_TCR), 25u | (1u << 8) | (1u << 10) |
		 (3u << 12) | SMMU_TCR_EPD1);
	CHECK_EQ(smmu_read32(&t.s, base + SMMU_CB_TCR2), 2u | SMMU_TCR2_AS | SMMU_TCR2_SEP_UPSTREAM);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR1_CBAR(5)), (1u << 16) | (3u << 8) | (0xfu << 12) | 5u);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR1_CBA2R(5)), SMMU_CBA2R_VA64);
	CHECK_EQ(smmu_read32(&t.s, base + SMMU_CB_SCTLR),
		 SMMU_SCTLR_M | SMMU_SCTLR_TRE | SMMU_SCTLR_AFE | SMMU_SCTLR_CFRE | SMMU_SCTLR_CFIE);

	/* hi-lo 32-bit writes of TTBR0 */
	smmu_write32(&t.s, base + SMMU_CB_TTBR0 + 4, 0x00070000u);
	smmu_write32(&t.s, base + SMMU_CB_TTBR0, 0x12345000u);
	CHECK_EQ(smmu_read64(&t.s, base + SMMU_CB_TTBR0), 0x0007000012345000ull);
	smmu_write32(&t.s, base + SMMU_CB_CONTEXTIDR, 0x42);
	CHECK_EQ(smmu_read32(&t.s, base + SMMU_CB_CONTEXTIDR), 0x42);

	map_stream(&t.s, 3, 0x1234, 0x3f, 5);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR0_SMR(3)), SMMU_SMR_VALID | (0x3fu << 16) | 0x1234u);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR0_S2CR(3)), 5u | (2u << 24) | (2u << 26));
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR0_S2CR(4)), SMMU_S2CR_RESET);
	/* write-only / command registers read as zero */
	CHECK_EQ(smmu_read32(&t.s, base + SMMU_CB_TLBSTATUS), 0);
	CHECK_EQ(smmu_read32(&t.s, base + SMMU_CB_RESUME), 0);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR0_STLBGSTATUS), 0);
	/* beyond the register space */
	CHECK_EQ(smmu_read32(&t.s, SMMU_REG_SIZE), 0);
	smmu_write32(&t.s, SMMU_REG_SIZE + 4, 1);
	tctx_fini(&t);
}

int main(void)
{
	RUN(reset_and_ids);
	RUN(matching);
	RUN(s2cr_and_cbar_types);
	RUN(readback);
	return check_exit_code("test_smmu_stream");
}
