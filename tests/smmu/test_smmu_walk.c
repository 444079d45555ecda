// SPDX-License-Identifier: MIT
/* AArch64 stage-1 walker of the SMMU model: levels, blocks, AF, DBM, PASize,
 * permissions and the S2CR attribute overrides. */
#include "smmu_test.h"

static void t0sz25_three_levels(void)
{
	struct tctx t;
	struct smmu_xlate x;
	uint64_t root;

	tctx_init(&t, 16, 48);
	root = std_setup(&t, 25, 0);
	tmem_map(&t.m, root, 39, 0x5a12345000ull, 0x876543000ull, 3, PTE_USER_RW);

	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x5a12345678ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x876543678ull);
	CHECK_EQ(x.walk_reads, 3);
	CHECK_EQ(x.page_shift, 12);
	CHECK_EQ(x.cb, 0);
	CHECK(!x.tlb_hit);

	CHECK_EQ(smmu_translate(&t.s, SID_HPC0 + 5, 0x5a12345ff8ull, SMMU_WRITE, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x876543ff8ull);
	CHECK(x.tlb_hit);
	CHECK_EQ(x.walk_reads, 0);

	/* bit 39 set: outside the 39-bit TTBR0 region -> TF level 0, no read */
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x8000000000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_TF);
	CHECK_EQ(x.walk_reads, 0);
	CHECK_EQ(x.fsynr0 & SMMU_FSYNR0_PLVL_MASK, 0);
	CHECK_EQ(cbr64(&t.s, 0, SMMU_CB_FAR), 0x8000000000ull);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);

	/* kernel half address -> TF level 0 */
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0xffffff8000001000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_TF);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);

	/* unmapped L1 slot -> TF level 1 after one read */
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x1000000000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_TF);
	CHECK_EQ(x.walk_reads, 1);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSYNR0) & SMMU_FSYNR0_PLVL_MASK, 1);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);

	/* unmapped L3 slot in a populated table -> TF level 3 after three reads */
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x5a12346000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.walk_reads, 3);
	CHECK_EQ(x.fsynr0 & SMMU_FSYNR0_PLVL_MASK, 3);
	tctx_fini(&t);
}

static void t0sz16_four_levels(void)
{
	struct tctx t;
	struct smmu_xlate x;
	uint64_t root;

	tctx_init(&t, 16, 48);
	root = std_setup(&t, 16, 0);
	tmem_map(&t.m, root, 48, 0x7fffdeadb000ull, 0xfedcba987000ull, 3, PTE_USER_RW);

	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x7fffdeadbeefull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0xfedcba987eefull);
	CHECK_EQ(x.walk_reads, 4);
	CHECK_EQ(smmu_get_stats(&t.s)->walk_reads, 4);

	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x1000000000000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_TF);
	CHECK_EQ(x.walk_reads, 0);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);

	/* a block descriptor at level 0 is invalid */
	*tmem_word(&t.m, root + 8 * 1) = 0x8000000000ull | PTE_USER_RW | 1;
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x8000001000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_TF);
	CHECK_EQ(x.fsynr0 & SMMU_FSYNR0_PLVL_MASK, 0);
	tctx_fini(&t);
}

static void small_va_sizes(void)
{
	struct tctx t;
	struct smmu_xlate x;
	struct bank_cfg b = { .t0sz = 36, .asid = 3, .pasize_enc = 5 };

	/* T0SZ=36: 28-bit VA, walk starts at level 2 with a 128-entry table */
	tctx_init(&t, 16, 48);
	b.root = tmem_alloc_table(&t.m);
	program_bank(&t.s, 0, &b);
	map_stream(&t.s, 0, SID_HPC0, 0, 0);
	enable_smmu(&t.s);
	tmem_map(&t.m, b.root, 28, 0xfeed000ull, 0x123456000ull, 3, PTE_USER_RW);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0xfeed010ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x123456010ull);
	CHECK_EQ(x.walk_reads, 2);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x10000000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_TF);
	tctx_fini(&t);

	/* T0SZ=30: 34-bit VA, start level 1 with a 16-entry table */
	tctx_init(&t, 16, 48);
	b.t0sz = 30;
	b.root = tmem_alloc_table(&t.m);
	program_bank(&t.s, 0, &b);
	map_stream(&t.s, 0, SID_HPC0, 0, 0);
	enable_smmu(&t.s);
	tmem_map(&t.m, b.root, 34, 0x3c0001000ull, 0x40000d000ull, 3, PTE_USER_RW);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x3c0001abcull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x40000dabcull);
	CHECK_EQ(x.walk_reads, 3);
	/* the 16-entry L1 table starts at TTBR0: index 15 is its last slot */
	CHECK_EQ(tmem_slot(&t.m, b.root, 34, 0x3c0001000ull, 1), b.root + 15 * 8);
	tctx_fini(&t);
}

static void blocks(void)
{
	struct tctx t;
	struct smmu_xlate x;
	uint64_t root;

	tctx_init(&t, 16, 48);
	root = std_setup(&t, 25, 0);
	tmem_map(&t.m, root, 39, 0x4000200000ull, 0x123400000ull, 2, PTE_USER_RW);
	tmem_map(&t.m, root, 39, 0x0080000000ull, 0x340000000ull, 1, PTE_USER_RW);

	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x4000212345ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x123412345ull);
	CHECK_EQ(x.page_shift, 21);
	CHECK_EQ(x.walk_reads, 2);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x40003ffff8ull, SMMU_WRITE, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x1235ffff8ull);
	CHECK(x.tlb_hit);
	CHECK_EQ(smmu_tlb_count(&t.s, 0), 1);

	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x0080000010ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x340000010ull);
	CHECK_EQ(x.page_shift, 30);
	CHECK_EQ(x.walk_reads, 1);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x00bffffff0ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x37ffffff0ull);
	CHECK(x.tlb_hit);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x0091234567ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x351234567ull);
	CHECK(x.tlb_hit);
	CHECK_EQ(smmu_tlb_count(&t.s, 0), 2);
	CHECK_EQ(smmu_get_stats(&t.s)->walks, 2);

	/* level 3 descriptor with bit 1 clear is invalid */
	*tmem_word(&t.m, tmem_map(&t.m, root, 39, 0x5000000000ull, 0x1000ull, 3, PTE_USER_RW))
		&= ~2ull;
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x5000000000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_TF);
	CHECK_EQ(x.fsynr0 & SMMU_FSYNR0_PLVL_MASK, 3);
	tctx_fini(&t);
}

static void access_flag(void)
{
	struct tctx t;
	struct smmu_xlate x;
	uint64_t root;
	const uint64_t va = 0x1234567000ull;

	tctx_init(&t, 16, 48);
	root = std_setup(&t, 25, 0);
	tmem_map(&t.m, root, 39, va, 0x99999000ull, 3, PTE_USER_RW & ~SMMU_PTE_AF);

	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, va + 0x44, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_AFF);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), SMMU_FSR_AFF);
	CHECK_EQ(cbr64(&t.s, 0, SMMU_CB_FAR), va + 0x44);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSYNR0), 3);
	CHECK_EQ(smmu_tlb_count(&t.s, 0), 0);	/* a faulting walk caches nothing */
	/* the SMMU never sets AF itself */
	CHECK_EQ(*tmem_word(&t.m, tmem_slot(&t.m, root, 39, va, 3)) & SMMU_PTE_AF, 0);
	cbw32(&t.s, 0, SMMU_CB_FSR, SMMU_FSR_AFF);

	cbw32(&t.s, 0, SMMU_CB_SCTLR, cbr32(&t.s, 0, SMMU_CB_SCTLR) | SMMU_SCTLR_AFFD);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, va + 0x44, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x99999044ull);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), 0);
	tctx_fini(&t);
}

static void writable_clean_dbm(void)
{
	struct tctx t;
	struct smmu_xlate x;
	uint64_t root;
	const uint64_t va = 0x2000001000ull;

	tctx_init(&t, 16, 48);
	root = std_setup(&t, 25, 0);
	/* Linux writable-clean: PTE_WRITE (DBM) | RDONLY */
	tmem_map(&t.m, root, 39, va, 0xabc000ull, 3, PTE_USER_RO | SMMU_PTE_DBM);

	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, va + 0x10, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0xabc010ull);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, va + 0x18, SMMU_WRITE, &x), SMMU_FAULT);
	CHECK(x.tlb_hit);	/* permission checked on the cached entry */
	CHECK_EQ(x.fsr, SMMU_FSR_PF);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSR), SMMU_FSR_PF);
	CHECK_EQ(cbr64(&t.s, 0, SMMU_CB_FAR), va + 0x18);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_FSYNR0), SMMU_FSYNR0_WNR | 3);
	cbw32(&t.s, 0, SMMU_CB_FSR, SMMU_FSR_PF);

	/* also on a fresh walk (after TLBIVA) */
	cbw64(&t.s, 0, SMMU_CB_TLBIVA, (va >> 12) | (1ull << 48));
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, va + 0x20, SMMU_WRITE, &x), SMMU_FAULT);
	CHECK(!x.tlb_hit);
	CHECK_EQ(x.fsr, SMMU_FSR_PF);
	CHECK_EQ(x.fsynr0, SMMU_FSYNR0_WNR | 3);
	tctx_fini(&t);
}

static void pasize(void)
{
	struct tctx t;
	struct smmu_xlate x;
	struct bank_cfg b = { .t0sz = 25, .asid = 1, .pasize_enc = 2 /* 40 bits */ };
	uint64_t slot;

	tctx_init(&t, 16, 48);
	b.root = tmem_alloc_table(&t.m);
	program_bank(&t.s, 0, &b);
	map_stream(&t.s, 0, SID_HPC0, 0x3f, 0);
	enable_smmu(&t.s);

	tmem_map(&t.m, b.root, 39, 0x1000ull, 0xfffffff000ull, 3, PTE_USER_RW);
	tmem_map(&t.m, b.root, 39, 0x2000ull, 0x10000000000ull, 3, PTE_USER_RW);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x1008ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0xfffffff008ull);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x2008ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_ASF);
	CHECK_EQ(x.fsynr0 & SMMU_FSYNR0_PLVL_MASK, 3);
	CHECK_EQ(cbr64(&t.s, 0, SMMU_CB_FAR), 0x2008ull);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);

	/* a next-level table address above PASize: ASF at the table descriptor's level */
	slot = tmem_slot(&t.m, b.root, 39, 0x40000000ull, 1);
	*tmem_word(&t.m, slot) = 0x20000000000ull | 3;
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x40000000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_ASF);
	CHECK_EQ(x.walk_reads, 1);
	CHECK_EQ(x.fsynr0 & SMMU_FSYNR0_PLVL_MASK, 1);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);

	/* TTBR0 itself above PASize: ASF level 0 before any read */
	cbw64(&t.s, 0, SMMU_CB_TTBR0, 0x10000000000ull | (1ull << 48));
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x3000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_ASF);
	CHECK_EQ(x.walk_reads, 0);
	tctx_fini(&t);

	/* PASize 48 clamped to the SMMU's 40-bit OAS */
	tctx_init(&t, 16, 40);
	b.pasize_enc = 5;
	b.root = tmem_alloc_table(&t.m);
	program_bank(&t.s, 0, &b);
	map_stream(&t.s, 0, SID_HPC0, 0x3f, 0);
	enable_smmu(&t.s);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR0_IDR2) & SMMU_IDR2_OAS_MASK, 2u << 4);
	tmem_map(&t.m, b.root, 39, 0x2000ull, 0x10000000000ull, 3, PTE_USER_RW);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x2000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_ASF);
	tctx_fini(&t);
}

static void permissions_and_overrides(void)
{
	struct tctx t;
	struct smmu_xlate x;
	uint64_t root, slot, l1;
	uint32_t s2cr;

	tctx_init(&t, 16, 48);
	root = std_setup(&t, 25, 0);
	/* kernel-only page (AP[1]=0) */
	tmem_map(&t.m, root, 39, 0x10000ull, 0x50000ull, 3, PTE_USER_RW & ~SMMU_PTE_AP1);
	/* ordinary Linux user data page: UXN and PXN set */
	tmem_map(&t.m, root, 39, 0x20000ull, 0x60000ull, 3, PTE_USER_RW);
	/* executable user page (no UXN) */
	tmem_map(&t.m, root, 39, 0x30000ull, 0x70000ull, 3, PTE_USER_RO & ~SMMU_PTE_UXN);

	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x10000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_PF);
	CHECK_EQ(x.fsynr0, 3);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);

	/* PRIVCFG=priv reaches the kernel page */
	smmu_write32(&t.s, SMMU_GR0_S2CR(0),
		     (smmu_read32(&t.s, SMMU_GR0_S2CR(0)) & ~SMMU_S2CR_PRIVCFG_MASK) |
		     SMMU_S2CR_PRIVCFG(SMMU_S2CR_PRIVCFG_PRIV));
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x10008ull, SMMU_WRITE, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x50008ull);

	/* The classic mistake: S2CR set by read-modify-write from the reset value,
	 * INSTCFG stays 3 (instruction): a data read of a UXN page faults. */
	tctx_fini(&t);
	tctx_init(&t, 16, 48);
	root = std_setup(&t, 25, 0);
	tmem_map(&t.m, root, 39, 0x20000ull, 0x60000ull, 3, PTE_USER_RW);
	tmem_map(&t.m, root, 39, 0x30000ull, 0x70000ull, 3, PTE_USER_RO & ~SMMU_PTE_UXN);
	CHECK_EQ(SMMU_S2CR_RESET & SMMU_S2CR_INSTCFG_MASK, SMMU_S2CR_INSTCFG(3));
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR0_S2CR(7)), SMMU_S2CR_RESET);
	s2cr = smmu_read32(&t.s, SMMU_GR0_S2CR(7));
	s2cr &= ~(SMMU_S2CR_TYPE_MASK | SMMU_S2CR_CBNDX_MASK | SMMU_S2CR_PRIVCFG_MASK);
	s2cr |= SMMU_S2CR_TYPE(SMMU_S2CR_TYPE_TRANS) | SMMU_S2CR_CBNDX(0) |
		SMMU_S2CR_PRIVCFG(SMMU_S2CR_PRIVCFG_UNPRIV);
	smmu_write32(&t.s, SMMU_GR0_S2CR(7), s2cr);
	smmu_write32(&t.s, SMMU_GR0_SMR(7), SMMU_SMR_VALID | SMMU_SMR(SID_HP0, 0x3f));
	CHECK_EQ(smmu_translate(&t.s, SID_HP0, 0x20010ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_PF);
	CHECK_EQ(x.fsynr0, SMMU_FSYNR0_IND | 3);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);
	/* an executable read-only page is fetchable, not writable */
	CHECK_EQ(smmu_translate(&t.s, SID_HP0, 0x30010ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x70010ull);
	/* INSTCFG=2 (data): the same access works; so does the HPC0 stream (INSTCFG=2) */
	smmu_write32(&t.s, SMMU_GR0_S2CR(7), (s2cr & ~SMMU_S2CR_INSTCFG_MASK) |
		     SMMU_S2CR_INSTCFG(SMMU_S2CR_INSTCFG_DATA));
	CHECK_EQ(smmu_translate(&t.s, SID_HP0, 0x20010ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x60010ull);
	/* INSTCFG=0 (use incoming = data) too */
	smmu_write32(&t.s, SMMU_GR0_S2CR(7), s2cr & ~SMMU_S2CR_INSTCFG_MASK);
	CHECK_EQ(smmu_translate(&t.s, SID_HP0, 0x20010ull, SMMU_WRITE, &x), SMMU_OK);
	/* privileged instruction fetch of a user page: PXN */
	smmu_write32(&t.s, SMMU_GR0_S2CR(7), s2cr | SMMU_S2CR_PRIVCFG(3) | SMMU_S2CR_INSTCFG(3));
	CHECK_EQ(smmu_translate(&t.s, SID_HP0, 0x30010ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsynr0, SMMU_FSYNR0_IND | SMMU_FSYNR0_PNU | 3);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);

	/* APTable[1] on the L2 table descriptor makes a RW page read-only;
	 * UXNTable makes an executable page non-executable */
	slot = tmem_slot(&t.m, root, 39, 0x20000ull, 2);
	*tmem_word(&t.m, slot) |= SMMU_PTE_APTABLE1 | SMMU_PTE_UXNTABLE;
	cbw32(&t.s, 0, SMMU_CB_TLBIALL, 0);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x20000ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x20000ull, SMMU_WRITE, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_PF);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);
	smmu_write32(&t.s, SMMU_GR0_S2CR(7), s2cr);	/* INSTCFG=0, unpriv */
	smmu_write32(&t.s, SMMU_GR0_S2CR(7), s2cr | SMMU_S2CR_INSTCFG(3));
	CHECK_EQ(smmu_translate(&t.s, SID_HP0, 0x30000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_PF);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);
	/* APTable[0]: no EL0 access below */
	*tmem_word(&t.m, slot) = (*tmem_word(&t.m, slot) & ~(SMMU_PTE_APTABLE1 | SMMU_PTE_UXNTABLE)) |
				  SMMU_PTE_APTABLE0;
	cbw32(&t.s, 0, SMMU_CB_TLBIALL, 0);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x20000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_PF);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);
	/* Each table bit acts alone, also from a level above the leaf's table:
	 * APTable[1] on the L1 descriptor forbids writes, not fetches; UXNTable
	 * there forbids fetches, not writes. */
	*tmem_word(&t.m, slot) &= ~SMMU_PTE_APTABLE0;
	l1 = tmem_slot(&t.m, root, 39, 0x20000ull, 1);
	*tmem_word(&t.m, l1) |= SMMU_PTE_APTABLE1;
	cbw32(&t.s, 0, SMMU_CB_TLBIALL, 0);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x20000ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x20000ull, SMMU_WRITE, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_PF);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);
	CHECK_EQ(smmu_translate(&t.s, SID_HP0, 0x30000ull, SMMU_READ, &x), SMMU_OK);
	*tmem_word(&t.m, l1) ^= SMMU_PTE_APTABLE1 | SMMU_PTE_UXNTABLE;
	cbw32(&t.s, 0, SMMU_CB_TLBIALL, 0);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x20000ull, SMMU_WRITE, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x60000ull);
	CHECK_EQ(smmu_translate(&t.s, SID_HP0, 0x30000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_PF);
	tctx_fini(&t);
}

static void tcr_checks(void)
{
	struct tctx t;
	struct smmu_xlate x;
	uint64_t root;
	uint32_t tcr;

	tctx_init(&t, 16, 48);
	root = std_setup(&t, 25, 0);
	tmem_map(&t.m, root, 39, 0x1000ull, 0x2000ull, 3, PTE_USER_RW);
	tcr = cbr32(&t.s, 0, SMMU_CB_TCR);

	cbw32(&t.s, 0, SMMU_CB_TCR, tcr | SMMU_TCR_EPD0);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x1000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_TF);
	CHECK_EQ(x.walk_reads, 0);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);

	cbw32(&t.s, 0, SMMU_CB_TCR, tcr | (1u << SMMU_TCR_TG0_SHIFT));	/* 64 KiB */
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x1000ull, SMMU_READ, &x), SMMU_FAULT);
	CHECK_EQ(x.fsr, SMMU_FSR_TF);
	cbw32(&t.s, 0, SMMU_CB_FSR, 0xffffffffu);

	cbw32(&t.s, 0, SMMU_CB_TCR, tcr);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x1000ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(x.pa, 0x2000ull);
	tctx_fini(&t);
}

int main(void)
{
	RUN(t0sz25_three_levels);
	RUN(t0sz16_four_levels);
	RUN(small_va_sizes);
	RUN(blocks);
	RUN(access_flag);
	RUN(writable_clean_dbm);
	RUN(pasize);
	RUN(permissions_and_overrides);
	RUN(tcr_checks);
	return check_exit_code("test_smmu_walk");
}
