// SPDX-License-Identifier: MIT
/* TLB of the SMMU model: hits, LRU, ASID and global tagging, stale entries,
 * and every invalidation operation with its sync. */
#include "smmu_test.h"

#define PA(n)	(0x100000000ull + (uint64_t)(n) * 0x1000ull)

static void hit_after_miss(void)
{
	struct tctx t;
	struct smmu_xlate x;
	const struct smmu_stats *st;
	uint64_t root;

	tctx_init(&t, 16, 48);
	root = std_setup(&t, 25, 0);
	tmem_map(&t.m, root, 39, 0x7000ull, PA(7), 3, PTE_USER_RW);
	smmu_reset_stats(&t.s);
	t.m.reads = 0;

	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x7010ull, SMMU_READ, &x), SMMU_OK);
	CHECK(!x.tlb_hit);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x7020ull, SMMU_READ, &x), SMMU_OK);
	CHECK(x.tlb_hit);
	CHECK_EQ(x.pa, PA(7) + 0x20);
	st = smmu_get_stats(&t.s);
	CHECK_EQ(st->translations, 2);
	CHECK_EQ(st->tlb_misses, 1);
	CHECK_EQ(st->tlb_hits, 1);
	CHECK_EQ(st->walks, 1);
	CHECK_EQ(st->walk_reads, 3);
	CHECK_EQ(t.m.reads, 3);
	tctx_fini(&t);

	/* no TLB storage: every access walks */
	tctx_init(&t, 0, 48);
	root = std_setup(&t, 25, 0);
	tmem_map(&t.m, root, 39, 0x7000ull, PA(7), 3, PTE_USER_RW);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x7010ull, SMMU_READ, &x), SMMU_OK);
	CHECK_EQ(smmu_translate(&t.s, SID_HPC0, 0x7010ull, SMMU_READ, &x), SMMU_OK);
	CHECK(!x.tlb_hit);
	CHECK_EQ(x.walk_reads, 3);
	tctx_fini(&t);
}

static void lru_eviction(void)
{
	struct tctx t;
	struct smmu_xlate x;
	uint64_t root;
	unsigned int i;

	tctx_init(&t, 4, 48);
	root = std_setup(&t, 25, 0);
	for (i = 0; i < 5; i++)
		tmem_map(&t.m, root, 39, 0x10000ull + i * 0x1000ull, PA(i), 3, PTE_USER_RW);

	for (i = 0; i < 4; i++)	/* A B C D */
		smmu_translate(&t.s, SID_HPC0, 0x10000ull + i * 0x1000ull, SMMU_READ, &x);
	CHECK_EQ(smmu_tlb_count(&t.s, 0), 4);
	smmu_translate(&t.s, SID_HPC0, 0x10000ull, SMMU_READ, &x);	/* A again: B is LRU */
	CHECK(x.tlb_hit);
	smmu_translate(&t.s, SID_HPC0, 0x14000ull, SMMU_READ, &x);	/* E evicts B */
	CHECK(!x.tlb_hit);
	CHECK_EQ(smmu_get_stats(&t.s)->tlb_evictions, 1);
	smmu_translate(&t.s, SID_HPC0, 0x10000ull, SMMU_READ, &x);
	CHECK(x.tlb_hit);
	smmu_translate(&t.s, SID_HPC0, 0x12000ull, SMMU_READ, &x);
	CHECK(x.tlb_hit);
	smmu_translate(&t.s, SID_HPC0, 0x13000ull, SMMU_READ, &x);
	CHECK(x.tlb_hit);
	smmu_translate(&t.s, SID_HPC0, 0x11000ull, SMMU_READ, &x);	/* B misses again */
	CHECK(!x.tlb_hit);
	CHECK_EQ(x.pa, PA(1));
	/* ... and evicted E, the least recently used now */
	smmu_translate(&t.s, SID_HPC0, 0x14000ull, SMMU_READ, &x);
	CHECK(!x.tlb_hit);

	/* LRU order follows the touches (the list has no clock to wrap) */
	smmu_translate(&t.s, SID_HPC0, 0x10000ull, SMMU_READ, &x);	/* order: ..., A */
	smmu_translate(&t.s, SID_HPC0, 0x12000ull, SMMU_READ, &x);	/* C */
	smmu_translate(&t.s, SID_HPC0, 0x14000ull, SMMU_READ, &x);	/* E */
	CHECK(x.tlb_hit);
	smmu_translate(&t.s, SID_HPC0, 0x13000ull, SMMU_READ, &x);	/* D evicts B (LRU) */
	CHECK(!x.tlb_hit);
	smmu_translate(&t.s, SID_HPC0, 0x10000ull, SMMU_READ, &x);
	CHECK(x.tlb_hit);
	smmu_translate(&t.s, SID_HPC0, 0x11000ull, SMMU_READ, &x);
	CHECK(!x.tlb_hit);
	tctx_fini(&t);
}

/* Two address spaces in bank 0: root1/ASID 1 and root2/ASID 2 map the same
 * VA to different PAs; a global (nG=0) mapping in root1 only. */
struct two_as {
	struct tctx t;
	uint64_t root1, root2;
};

static void two_as_setup(struct two_as *a)
{
	tctx_init(&a->t, 16, 48);
	a->root1 = std_setup(&a->t, 25, 0);
	a->root2 = tmem_alloc_table(&a->t.m);
	tmem_map(&a->t.m, a->root1, 39, 0x40000ull, PA(0x41), 3, PTE_USER_RW);
	tmem_map(&a->t.m, a->root2, 39, 0x40000ull, PA(0x42), 3, PTE_USER_RW);
	tmem_map(&a->t.m, a->root1, 39, 0x50000ull, PA(0x51), 3, PTE_USER_RW & ~SMMU_PTE_NG);
	tmem_map(&a->t.m, a->root2, 39, 0x50000ull, PA(0x52), 3, PTE_USER_RW & ~SMMU_PTE_NG);
}

static void set_as(struct two_as *a, unsigned int n)
{
	cbw64(&a->t.s, 0, SMMU_CB_TTBR0, (n == 1 ? a->root1 : a->root2) | ((uint64_t)n << 48));
}

static uint64_t xl(struct tctx *t, uint64_t va, bool *hit)
{
	struct smmu_xlate x;

	if (hit)
		*hit = false;
	if (smmu_translate(&t->s, SID_HPC0, va, SMMU_READ, &x) != SMMU_OK)
		return ~0ull;
	if (hit)
		*hit = x.tlb_hit;
	return x.pa;
}

static void asid_and_global(void)
{
	struct two_as a;
	bool hit;

	two_as_setup(&a);
	CHECK_EQ(xl(&a.t, 0x40000ull, &hit), PA(0x41));
	CHECK_EQ(xl(&a.t, 0x50000ull, &hit), PA(0x51));
	set_as(&a, 2);
	CHECK_EQ(xl(&a.t, 0x40000ull, &hit), PA(0x42));	/* other ASID: own walk */
	CHECK(!hit);
	CHECK_EQ(xl(&a.t, 0x50000ull, &hit), PA(0x51));	/* global entry matches any ASID */
	CHECK(hit);
	set_as(&a, 1);
	CHECK_EQ(xl(&a.t, 0x40000ull, &hit), PA(0x41));
	CHECK(hit);
	CHECK_EQ(smmu_tlb_count(&a.t.s, 0), 3);

	/* 8-bit ASIDs (TCR2.AS=0): ASID 0x101 in TTBR0 reads as 0x01 */
	cbw32(&a.t.s, 0, SMMU_CB_TCR2, cbr32(&a.t.s, 0, SMMU_CB_TCR2) & ~SMMU_TCR2_AS);
	cbw64(&a.t.s, 0, SMMU_CB_TTBR0, a.root1 | (0x101ull << 48));
	CHECK_EQ(xl(&a.t, 0x40000ull, &hit), PA(0x41));
	CHECK(hit);
	tctx_fini(&a.t);
}

static void stale_until_tlbiva(void)
{
	struct tctx t;
	uint64_t root, slot, tcr, sctlr, ttbr;
	bool hit;

	tctx_init(&t, 16, 48);
	root = std_setup(&t, 25, 0);
	slot = tmem_map(&t.m, root, 39, 0x60000ull, PA(0x61), 3, PTE_USER_RW);
	CHECK_EQ(xl(&t, 0x60008ull, &hit), PA(0x61) + 8);

	/* the CPU changes the PTE (e.g. migration) */
	*tmem_word(&t.m, slot) = PA(0x99) | PTE_USER_RW | 3;
	CHECK_EQ(xl(&t, 0x60008ull, &hit), PA(0x61) + 8);	/* stale */
	CHECK(hit);
	/* rewriting SCTLR/TCR/TTBR0 does not flush */
	sctlr = cbr32(&t.s, 0, SMMU_CB_SCTLR);
	tcr = cbr32(&t.s, 0, SMMU_CB_TCR);
	ttbr = cbr64(&t.s, 0, SMMU_CB_TTBR0);
	cbw32(&t.s, 0, SMMU_CB_SCTLR, 0);
	cbw32(&t.s, 0, SMMU_CB_TCR, (uint32_t)tcr);
	cbw64(&t.s, 0, SMMU_CB_TTBR0, ttbr);
	cbw32(&t.s, 0, SMMU_CB_SCTLR, (uint32_t)sctlr);
	CHECK_EQ(xl(&t, 0x60008ull, &hit), PA(0x61) + 8);
	CHECK(hit);

	/* TLBIVA with another ASID leaves this nG entry */
	cbw64(&t.s, 0, SMMU_CB_TLBIVA, (0x60000ull >> 12) | (7ull << 48));
	CHECK_EQ(xl(&t, 0x60008ull, &hit), PA(0x61) + 8);
	/* TLBIVA of another page of the right ASID leaves it too */
	cbw64(&t.s, 0, SMMU_CB_TLBIVA, (0x61000ull >> 12) | (1ull << 48));
	CHECK_EQ(xl(&t, 0x60008ull, &hit), PA(0x61) + 8);

	cbw64(&t.s, 0, SMMU_CB_TLBIVA, (0x60000ull >> 12) | (1ull << 48));
	CHECK(smmu_tlbi_unsynced(&t.s, 0));
	cbw32(&t.s, 0, SMMU_CB_TLBSYNC, 0);
	CHECK_EQ(cbr32(&t.s, 0, SMMU_CB_TLBSTATUS) & SMMU_TLBSTATUS_SACTIVE, 0);
	CHECK(!smmu_tlbi_unsynced(&t.s, 0));
	CHECK_EQ(xl(&t, 0x60008ull, &hit), PA(0x99) + 8);	/* stale entry gone */
	CHECK(!hit);
	CHECK_EQ(smmu_get_stats(&t.s)->tlbi, 3);
	CHECK_EQ(smmu_get_stats(&t.s)->tlbsync, 1);

	/* a 32-bit hi-lo split TLBIVA works as the 64-bit one */
	*tmem_word(&t.m, slot) = PA(0x77) | PTE_USER_RW | 3;
	cbw32(&t.s, 0, SMMU_CB_TLBIVA + 4, 1u << 16);	/* ASID 1 in [63:48] */
	cbw32(&t.s, 0, SMMU_CB_TLBIVA, 0x60);
	CHECK_EQ(xl(&t, 0x60008ull, &hit), PA(0x77) + 8);
	CHECK(!hit);

	/* TLBIVAA: any ASID */
	*tmem_word(&t.m, slot) = PA(0x78) | PTE_USER_RW | 3;
	cbw64(&t.s, 0, SMMU_CB_TLBIVAA, 0x60000ull >> 12);
	CHECK_EQ(xl(&t, 0x60008ull, &hit), PA(0x78) + 8);
	CHECK(!hit);
	tctx_fini(&t);
}

static void tlbiva_global_and_block(void)
{
	struct two_as a;
	uint64_t slot;
	bool hit;

	two_as_setup(&a);
	CHECK_EQ(xl(&a.t, 0x50000ull, &hit), PA(0x51));
	/* TLBIVA also removes global entries for that VA, whatever the ASID */
	cbw64(&a.t.s, 0, SMMU_CB_TLBIVA, (0x50000ull >> 12) | (9ull << 48));
	CHECK_EQ(smmu_tlb_count(&a.t.s, 0), 0);

	/* TLBIVA of any address inside a 2 MiB block removes the block */
	slot = tmem_map(&a.t.m, a.root1, 39, 0x40000000ull, 0x200000000ull, 2, PTE_USER_RW);
	CHECK_EQ(xl(&a.t, 0x40000010ull, &hit), 0x200000010ull);
	*tmem_word(&a.t.m, slot) = 0x400000000ull | PTE_USER_RW | 1;
	CHECK_EQ(xl(&a.t, 0x401ff000ull, &hit), 0x2001ff000ull);
	CHECK(hit);
	cbw64(&a.t.s, 0, SMMU_CB_TLBIVA, (0x40123000ull >> 12) | (1ull << 48));
	CHECK_EQ(xl(&a.t, 0x401ff000ull, &hit), 0x4001ff000ull);
	CHECK(!hit);
	tctx_fini(&a.t);
}

static void tlbiasid_tlbiall_nsnh(void)
{
	struct two_as a;
	struct bank_cfg b = { .t0sz = 25, .asid = 1, .pasize_enc = 5 };
	struct smmu_xlate x;
	bool hit;

	two_as_setup(&a);
	/* bank 1 with the same tables and ASID 1 for stream HP0 */
	b.root = a.root1;
	program_bank(&a.t.s, 1, &b);
	map_stream(&a.t.s, 1, SID_HP0, 0x3f, 1);

	xl(&a.t, 0x40000ull, NULL);	/* ASID 1 */
	xl(&a.t, 0x50000ull, NULL);	/* global */
	set_as(&a, 2);
	xl(&a.t, 0x40000ull, NULL);	/* ASID 2 */
	smmu_translate(&a.t.s, SID_HP0, 0x40000ull, SMMU_READ, &x);	/* bank 1 */
	CHECK_EQ(x.pa, PA(0x41));
	CHECK_EQ(smmu_tlb_count(&a.t.s, 0), 3);
	CHECK_EQ(smmu_tlb_count(&a.t.s, 1), 1);

	/* TLBIASID 1 on bank 0: only ASID 1's nG entries of bank 0 go */
	cbw32(&a.t.s, 0, SMMU_CB_TLBIASID, 1);
	CHECK_EQ(smmu_tlb_count(&a.t.s, 0), 2);
	CHECK_EQ(smmu_tlb_count(&a.t.s, 1), 1);
	CHECK_EQ(xl(&a.t, 0x40000ull, &hit), PA(0x42));	/* ASID 2 still cached */
	CHECK(hit);
	CHECK_EQ(xl(&a.t, 0x50000ull, &hit), PA(0x51));	/* global kept */
	CHECK(hit);
	set_as(&a, 1);
	CHECK_EQ(xl(&a.t, 0x40000ull, &hit), PA(0x41));
	CHECK(!hit);

	/* TLBIALL: the whole bank, not the others */
	cbw32(&a.t.s, 0, SMMU_CB_TLBIALL, 0);
	CHECK_EQ(smmu_tlb_count(&a.t.s, 0), 0);
	CHECK_EQ(smmu_tlb_count(&a.t.s, 1), 1);
	cbw32(&a.t.s, 0, SMMU_CB_TLBSYNC, 0);

	/* GR0 TLBIALLNSNH: everything; sTLBGSYNC */
	xl(&a.t, 0x40000ull, NULL);
	smmu_write32(&a.t.s, SMMU_GR0_TLBIALLNSNH, 0);
	CHECK_EQ(smmu_tlb_count(&a.t.s, SMMU_CB_ANY), 0);
	CHECK(smmu_tlbi_unsynced(&a.t.s, SMMU_CB_ANY));
	smmu_write32(&a.t.s, SMMU_GR0_STLBGSYNC, 0);
	CHECK_EQ(smmu_read32(&a.t.s, SMMU_GR0_STLBGSTATUS), 0);
	CHECK(!smmu_tlbi_unsynced(&a.t.s, SMMU_CB_ANY));

	/* GR0 TLBIVMID: banks whose CBAR.VMID matches (program_bank uses VMID = cb) */
	xl(&a.t, 0x40000ull, NULL);
	smmu_translate(&a.t.s, SID_HP0, 0x40000ull, SMMU_READ, &x);
	smmu_write32(&a.t.s, SMMU_GR0_TLBIVMID, 1);
	CHECK_EQ(smmu_tlb_count(&a.t.s, 0), 1);
	CHECK_EQ(smmu_tlb_count(&a.t.s, 1), 0);
	CHECK_EQ(smmu_get_stats(&a.t.s)->tlbsync, 2);
	tctx_fini(&a.t);
}

/*
 * Issue 8 C2: a TLBSYNC stays active while a data phase that entered before
 * it is in flight on the bank, ends when it exits, and is not held by
 * traffic that entered after it; sTLBGSYNC waits for every bank.
 */
static void sync_waits_for_inflight(void)
{
	struct tctx t;
	uint32_t b0, b1, tok1, tok2, tok3, tok_other;

	tctx_init(&t, 16, 48);
	b0 = smmu_cb_offset(&t.s, 0) + SMMU_CB_TLBSTATUS;
	b1 = smmu_cb_offset(&t.s, 1) + SMMU_CB_TLBSTATUS;
	CHECK_EQ(smmu_read32(&t.s, b0), 0);

	tok1 = smmu_inflight_enter(&t.s, 0);
	tok_other = smmu_inflight_enter(&t.s, 1);
	/* No sync asked: nothing to report. */
	CHECK_EQ(smmu_read32(&t.s, b0), 0);
	smmu_write32(&t.s, smmu_cb_offset(&t.s, 0) + SMMU_CB_TLBSYNC, 0);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(smmu_read32(&t.s, b0), SMMU_TLBSTATUS_SACTIVE);
	CHECK_EQ(smmu_read32(&t.s, b1), 0);	/* per bank */

	/* New traffic after the sync goes to the next epoch and does not
	 * hold the sync: a busy master cannot starve it. */
	tok2 = smmu_inflight_enter(&t.s, 0);
	CHECK(tok2 != tok1);
	CHECK_EQ(smmu_read32(&t.s, b0), SMMU_TLBSTATUS_SACTIVE);
	smmu_inflight_exit(&t.s, 0, tok1);
	CHECK_EQ(smmu_read32(&t.s, b0), 0);

	/* A second sync now waits for tok2, and a transaction entering while
	 * the older epoch drains does not get lost. */
	smmu_write32(&t.s, smmu_cb_offset(&t.s, 0) + SMMU_CB_TLBSYNC, 0);
	CHECK_EQ(smmu_read32(&t.s, b0), SMMU_TLBSTATUS_SACTIVE);
	tok3 = smmu_inflight_enter(&t.s, 0);
	smmu_inflight_exit(&t.s, 0, tok2);
	CHECK_EQ(smmu_read32(&t.s, b0), 0);
	smmu_write32(&t.s, smmu_cb_offset(&t.s, 0) + SMMU_CB_TLBSYNC, 0);
	CHECK_EQ(smmu_read32(&t.s, b0), SMMU_TLBSTATUS_SACTIVE);
	smmu_inflight_exit(&t.s, 0, tok3);
	CHECK_EQ(smmu_read32(&t.s, b0), 0);

	/* Global sync: active while any bank has older traffic. */
	smmu_write32(&t.s, SMMU_GR0_STLBGSYNC, 0);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR0_STLBGSTATUS), SMMU_TLBSTATUS_SACTIVE);
	smmu_inflight_exit(&t.s, 1, tok_other);
	CHECK_EQ(smmu_read32(&t.s, SMMU_GR0_STLBGSTATUS), 0);
	CHECK_EQ(smmu_read32(&t.s, b1), 0);

	/* Many rounds keep the counters balanced. */
	for (int i = 0; i < 1000; i++) {
		uint32_t tk = smmu_inflight_enter(&t.s, 2);

		smmu_write32(&t.s, smmu_cb_offset(&t.s, 2) + SMMU_CB_TLBSYNC, 0);
		CHECK_EQ(smmu_read32(&t.s, smmu_cb_offset(&t.s, 2) + SMMU_CB_TLBSTATUS),
			 SMMU_TLBSTATUS_SACTIVE);
		smmu_inflight_exit(&t.s, 2, tk);
		CHECK_EQ(smmu_read32(&t.s, smmu_cb_offset(&t.s, 2) + SMMU_CB_TLBSTATUS), 0);
	}
	tctx_fini(&t);
}

int main(void)
{
	RUN(hit_after_miss);
	RUN(lru_eviction);
	RUN(asid_and_global);
	RUN(stale_until_tlbiva);
	RUN(tlbiva_global_and_block);
	RUN(tlbiasid_tlbiall_nsnh);
	RUN(sync_waits_for_inflight);
	return check_exit_code("test_smmu_tlb");
}
