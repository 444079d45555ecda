/* SPDX-License-Identifier: MIT */
/*
 * test_stats_fixed.c - the simulated device's statistics for a fixed set of
 * workloads, compared with the values the device model gave before its data
 * phase was made fast (issue 12): status, fault VA and syndrome, modelled
 * cycles, bytes moved, SMMU TLB hits and misses, items, stalls.
 *
 * Everything the figures depend on is fixed here: the data lives in mmap'ed
 * regions at chosen page offsets, the completion and result records in a page
 * of their own, and the simulator invalidates the bank's TLB before every
 * packet, so each launch starts cold. A fault VA is compared relative to the
 * start of its region. The expected values were recorded with the model of
 * main at 3a53b3f (O(1) TLB, 8-byte copy loops in the data phase);
 * a change to the data phase, the kernels' loops or the walker's hint must
 * not move any of them. A change that is meant to (the cycle model, the
 * burst split) updates the table and says why.
 */
#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim_drv.h"

#define SEC		1000000000ull
#define REGION_BYTES	(4ull << 20)

struct expect {
	const char *name;
	uint32_t status, syndrome;
	uint64_t fault_off;	/* fault VA - region base (0 if none) */
	uint64_t cycles, bytes;
	uint32_t tlb_hits, tlb_misses, items, stalls;
};

static struct fsvm_sim *sim;
static struct drv d;
static struct fsvm_completion *cpl;
static struct fsvm_chase_result *res;

/* A 2 MiB-aligned, pre-faulted region of REGION_BYTES. */
static uint8_t *region(void)
{
	size_t len = REGION_BYTES + (2u << 20);
	uint8_t *raw = mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *p;

	REQUIRE(raw != MAP_FAILED);
	p = (uint8_t *)(((uintptr_t)raw + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1));
	memset(p, 0, REGION_BYTES);
	return p;
}

static void run(uint16_t kernel, const uint64_t *args, unsigned int nargs,
		const uint8_t *base, const struct expect *e)
{
	int st;

	drv_submit(&d, kernel, args, nargs, cpl, 0);
	st = drv_wait(cpl, 60 * SEC);
	printf("%-22s status %d synd %#x fault +%#llx cycles %llu bytes %llu tlb %u/%u "
	       "items %u stalls %u\n", e->name, st, cpl->syndrome,
	       cpl->fault_va ? (unsigned long long)(cpl->fault_va - (uintptr_t)base) : 0ull,
	       (unsigned long long)cpl->cycles, (unsigned long long)cpl->bytes,
	       cpl->tlb_hits, cpl->tlb_misses, cpl->items, cpl->stalls);
	CHECK_EQ(st, e->status);
	CHECK_EQ(cpl->syndrome, e->syndrome);
	CHECK_EQ(cpl->fault_va ? cpl->fault_va - (uintptr_t)base : 0, e->fault_off);
	CHECK_EQ(cpl->cycles, e->cycles);
	CHECK_EQ(cpl->bytes, e->bytes);
	CHECK_EQ(cpl->tlb_hits, e->tlb_hits);
	CHECK_EQ(cpl->tlb_misses, e->tlb_misses);
	CHECK_EQ(cpl->items, e->items);
	CHECK_EQ(cpl->stalls, e->stalls);
}

static const struct expect E_CHASE_4K = {
	"chase 64K, 4 KiB", FSVM_ST_DONE, 0, 0, 12011576, 2097248, 8079, 57459, 65536, 0 };
static const struct expect E_CHASE_2M = {
	"chase 64K, 2 MiB", FSVM_ST_DONE, 0, 0, 2818576, 2097248, 65535, 3, 65536, 0 };
static const struct expect E_CHASE_FAULT = {
	"chase into PROT_NONE", FSVM_ST_FAULTED, 0x62, 0x300040, 184486, 32064, 118, 884, 1000, 0 };
static const struct expect E_VADD = {
	"vadd 300000, offsets", FSVM_ST_DONE, 0, 0, 473999, 3600064, 1754, 881, 300000, 0 };
static const struct expect E_VADD_FAULT = {
	"vadd, b hole", FSVM_ST_FAULTED, 0x62, 0x1a4000, 162142, 1228832, 597, 303, 102396, 0 };
static const struct expect E_MEMCPY = {
	"memcpy 1 MiB + 77", FSVM_ST_DONE, 0, 0, 256105, 2097370, 512, 515, 1048653, 0 };
static const struct expect E_MEMSET = {
	"memset 600000", FSVM_ST_DONE, 0, 0, 67253, 600064, 0, 148, 600000, 0 };
static const struct expect E_MEMSET_RO = {
	"memset into read-only", FSVM_ST_FAULTED, 0x65, 0x4000, 2194, 16445, 0, 6, 16381, 0 };

static void test_chase(void)
{
	uint8_t *p = region();
	const size_t n = 65536;		/* 2 MiB of nodes */
	struct fsvm_list_node *head = make_list_in((struct fsvm_list_node *)p, n, 42, false);
	struct fsvm_chase_result ref = chase_reference(head, FSVM_MAX_HOPS);
	uint64_t args[3] = { (uintptr_t)head, FSVM_MAX_HOPS, (uintptr_t)res };

	run(FSVM_K_POINTER_CHASE, args, 3, p, &E_CHASE_4K);
	CHECK_EQ(res->hops, ref.hops);
	CHECK_EQ(res->checksum, ref.checksum);

	/* The same list as 2 MiB blocks. */
	CHECK_EQ(fsvm_sim_note_mapping(sim, (uintptr_t)p, REGION_BYTES, 21), 0);
	run(FSVM_K_POINTER_CHASE, args, 3, p, &E_CHASE_2M);
	CHECK_EQ(res->hops, ref.hops);
	CHECK_EQ(res->checksum, ref.checksum);
	fsvm_sim_invalidate(sim, (uintptr_t)p, REGION_BYTES);

	/* Node 1000 of the walk points into a PROT_NONE page. */
	{
		struct fsvm_list_node *nd = head;

		for (int i = 0; i < 999; i++)
			nd = (struct fsvm_list_node *)(uintptr_t)nd->next;
		CHECK_EQ(mprotect(p + (3u << 20), 4096, PROT_NONE), 0);
		nd->next = (uintptr_t)(p + (3u << 20) + 0x40);
		run(FSVM_K_POINTER_CHASE, args, 3, p, &E_CHASE_FAULT);
	}
}

static void test_stream(void)
{
	uint8_t *p = region();
	const uint64_t nv = 300000;
	float *a = (float *)(p + 0x000), *b = (float *)(p + (5u << 18) + 0x10);
	float *c = (float *)(p + (10u << 18) + 0xac0);
	uint64_t args[4] = { (uintptr_t)a, (uintptr_t)b, (uintptr_t)c, nv };

	for (uint64_t i = 0; i < nv; i++) {
		a[i] = (float)i;
		b[i] = 0.25f;
	}
	run(FSVM_K_VADD, args, 4, p, &E_VADD);
	CHECK(c[0] == 0.25f && c[nv - 1] == (float)(nv - 1) + 0.25f);

	/* A hole in b: page 100 of b's pages is PROT_NONE. */
	CHECK_EQ(mprotect((uint8_t *)(((uintptr_t)b + 100 * 4096) & ~(uintptr_t)4095), 4096,
			  PROT_NONE), 0);
	run(FSVM_K_VADD, args, 4, p, &E_VADD_FAULT);

	/* memcpy from a (odd offset) to the start of region 3 (odd offset) */
	{
		uint8_t *q = region();
		uint64_t m[3] = { (uintptr_t)(q + 0x123), (uintptr_t)(p + 0x7),
				  (1u << 20) + 77 };

		run(FSVM_K_MEMCPY, m, 3, q, &E_MEMCPY);
		CHECK(memcmp(q + 0x123, p + 0x7, (1u << 20) + 77) == 0);

		m[0] = (uintptr_t)(q + 0x3);
		m[1] = 0x5a;
		m[2] = 600000;
		run(FSVM_K_MEMSET, m, 3, q, &E_MEMSET);
		CHECK(q[0x3] == 0x5a && q[0x3 + 599999] == 0x5a && q[0x3 + 600000] != 0x5a);

		/* The 5th page of the destination is read-only: a permission
		 * fault in the data phase, the first four pages written. */
		CHECK_EQ(mprotect(q + 4 * 4096, 4096, PROT_READ), 0);
		m[1] = 0x11;
		run(FSVM_K_MEMSET, m, 3, q, &E_MEMSET_RO);
		CHECK(q[0x3] == 0x11 && q[4 * 4096 - 1] == 0x11 && q[4 * 4096] == 0x5a);
	}
}

int main(void)
{
	struct fsvm_sim_config cfg;
	uint8_t *recs;

	fsvm_sim_default_config(&cfg);
	REQUIRE(fsvm_sim_create(&cfg, &sim) == 0 && sim);
	REQUIRE(drv_open(&d, sim, 64) == 0);
	/* Completion and result records in one page of their own. */
	recs = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(recs != MAP_FAILED);
	cpl = (struct fsvm_completion *)recs;
	res = (struct fsvm_chase_result *)(recs + 256);

	test_chase();
	test_stream();

	drv_close(&d);
	fsvm_sim_destroy(sim);
	return check_exit_code("test_stats_fixed");
}
