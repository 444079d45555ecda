/* SPDX-License-Identifier: MIT */
/*
 * test_list.c - pointer_chase and list_search against CPU references.
 *
 * Lists live in a shuffled array, so the walk order is random in memory.
 * The array starts 16 bytes into a page: every 128th node straddles a
 * 4 KiB boundary and must be read as two bursts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_axi.h"
#include "test_check.h"
#include "workload.h"

/* The CPU references of workload.h take node pointers. */
#define LIST_NODE(va)	((const struct fsvm_list_node *)(uintptr_t)(va))

struct list {
	struct fsvm_list_node *nodes;	/* storage, in memory order */
	void *mem;
	uint32_t n;
	uint32_t *order;		/* order[i] = storage index of the i-th node */
	uint64_t head;
};

/* A list of n nodes in random storage order; keys are 0..n-1 in list order
 * unless dup_key: then every node has key % 7. */
static void tlist_build(struct list *l, uint32_t n, struct prng *r, int dup_key)
{
	l->n = n;
	l->mem = xpage_alloc((size_t)n * 32u + 4096u);
	l->nodes = (struct fsvm_list_node *)((uint8_t *)l->mem + 16);
	l->order = xmalloc((size_t)(n ? n : 1) * sizeof(uint32_t));
	for (uint32_t i = 0; i < n; i++)
		l->order[i] = i;
	shuffle_u32(r, l->order, n);
	for (uint32_t i = 0; i < n; i++) {
		struct fsvm_list_node *nd = &l->nodes[l->order[i]];

		nd->next = i + 1 < n ? VA(&l->nodes[l->order[i + 1]]) : 0;
		nd->key = dup_key ? i % 7u : i;
		nd->payload = prng_next(r);
		nd->pad = 0xdeadbeefull;
	}
	l->head = n ? VA(&l->nodes[l->order[0]]) : 0;
}

static void tlist_free(struct list *l)
{
	free(l->mem);
	free(l->order);
}

static void check_result(const struct fsvm_chase_result *got,
			 const struct fsvm_chase_result *want)
{
	CHECK_EQ(got->hops, want->hops);
	CHECK_EQ(got->last, want->last);
	CHECK_EQ(got->checksum, want->checksum);
	CHECK_EQ(got->found, want->found);
}

static void run_chase(struct fsvm_axi *m, uint64_t head, uint64_t max_hops,
		      struct fsvm_chase_result *res)
{
	struct fsvm_chase_result want;
	struct fsvm_kernel_io io;
	uint32_t st;

	want = chase_reference(LIST_NODE(head),
			       max_hops > FSVM_MAX_HOPS ? FSVM_MAX_HOPS : max_hops);
	memset(res, 0xee, sizeof(*res));
	taxi_reset(m);
	st = fsvm_k_pointer_chase(m, head, max_hops, VA(res), &io);
	CHECK_EQ(st, FSVM_ST_DONE);
	CHECK_EQ(io.items, want.hops);
	CHECK_EQ(io.fault_va, 0);
	CHECK_EQ(io.syndrome, 0);
	check_result(res, &want);
	/* One read per node (two for a straddling one), one result write. */
	CHECK(m->reads >= want.hops && m->reads <= want.hops + want.hops / 64u + 2u);
	CHECK_EQ(m->read_bytes, want.hops * 32u);
	CHECK_EQ(m->write_bytes, 32);
	CHECK(!m->faulted);
}

static void run_search(struct fsvm_axi *m, uint64_t head, uint64_t key,
		       uint64_t max_hops, struct fsvm_chase_result *want_out)
{
	struct fsvm_chase_result want, res;
	struct fsvm_kernel_io io;
	uint32_t st;

	want = search_reference(LIST_NODE(head), key, max_hops);
	memset(&res, 0xee, sizeof(res));
	taxi_reset(m);
	st = fsvm_k_list_search(m, head, key, max_hops, VA(&res), &io);
	CHECK_EQ(st, FSVM_ST_DONE);
	CHECK_EQ(io.items, want.hops);
	check_result(&res, &want);
	CHECK_EQ(m->read_bytes, want.hops * 32u);
	if (want_out)
		*want_out = want;
}

static void test_chase_sizes(struct fsvm_axi *m, struct prng *r)
{
	static const uint32_t sizes[] = { 0, 1, 2, 1000, 1u << 20 };
	struct fsvm_chase_result res;

	for (unsigned int s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct list l;
		uint32_t n = sizes[s];

		tlist_build(&l, n, r, 0);
		run_chase(m, l.head, UINT64_MAX, &res);		/* whole list, clamped */
		CHECK_EQ(res.hops, n);
		CHECK_EQ(res.found, 1);
		CHECK_EQ(res.last, n ? VA(&l.nodes[l.order[n - 1]]) : 0);
		run_chase(m, l.head, n, &res);			/* exactly n: ends on 0 */
		CHECK_EQ(res.found, 1);
		run_chase(m, l.head, 0, &res);			/* no hop at all */
		CHECK_EQ(res.hops, 0);
		CHECK_EQ(res.last, 0);
		CHECK_EQ(res.found, n == 0);
		if (n > 1) {
			run_chase(m, l.head, n - 1, &res);	/* one short */
			CHECK_EQ(res.hops, n - 1);
			CHECK_EQ(res.found, 0);
			run_chase(m, l.head, n / 2 + 1, &res);
			CHECK_EQ(res.hops, n / 2 + 1);
			CHECK_EQ(res.last, VA(&l.nodes[l.order[n / 2]]));
		}
		tlist_free(&l);
	}
}

static void test_chase_cycle(struct fsvm_axi *m, struct prng *r)
{
	struct fsvm_chase_result res;
	struct list l;

	tlist_build(&l, 1000, r, 0);
	/* The tail points back at the 100th node: a cycle of 900. */
	l.nodes[l.order[999]].next = VA(&l.nodes[l.order[100]]);
	run_chase(m, l.head, 5000, &res);
	CHECK_EQ(res.hops, 5000);
	CHECK_EQ(res.found, 0);
	/* 5000 hops: nodes 0..999, then 4000 more in the cycle of 900. */
	CHECK_EQ(res.last, VA(&l.nodes[l.order[100 + (4000 - 1) % 900]]));
	run_chase(m, l.head, 1000000, &res);
	CHECK_EQ(res.hops, 1000000);
	CHECK_EQ(res.found, 0);
	tlist_free(&l);
}

static void test_chase_align(struct fsvm_axi *m, struct prng *r)
{
	struct fsvm_kernel_io io;
	struct list l;
	_Alignas(8) uint8_t rbuf[64 + 8];
	_Alignas(4096) uint8_t page_res[8192];
	struct fsvm_chase_result want;

	tlist_build(&l, 10, r, 0);

	/* Misaligned result pointer: ALIGNMENT write fault, nothing touched. */
	memset(rbuf, 0x5a, sizeof(rbuf));
	taxi_reset(m);
	CHECK_EQ(fsvm_k_pointer_chase(m, l.head, 100, VA(rbuf + 4), &io), FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, VA(rbuf + 4));
	CHECK_EQ(io.syndrome, (FSVM_FAULT_ALIGNMENT << FSVM_SYND_TYPE_SHIFT) | FSVM_SYND_WRITE);
	CHECK_EQ(m->reads + m->writes, 0);
	for (unsigned int i = 0; i < sizeof(rbuf); i++)
		CHECK_EQ(rbuf[i], 0x5a);

	/* Misaligned head: ALIGNMENT read fault at head. */
	taxi_reset(m);
	CHECK_EQ(fsvm_k_list_search(m, l.head + 1, 3, 100, VA(rbuf), &io), FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, l.head + 1);
	CHECK_EQ(io.syndrome, FSVM_FAULT_ALIGNMENT << FSVM_SYND_TYPE_SHIFT);

	/* A misaligned next pointer in the middle: fault at that VA, result untouched. */
	l.nodes[l.order[4]].next = VA(&l.nodes[l.order[5]]) + 2;
	memset(rbuf, 0x5a, sizeof(rbuf));
	taxi_reset(m);
	CHECK_EQ(fsvm_k_pointer_chase(m, l.head, 100, VA(rbuf), &io), FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, VA(&l.nodes[l.order[5]]) + 2);
	CHECK_EQ(io.syndrome, FSVM_FAULT_ALIGNMENT << FSVM_SYND_TYPE_SHIFT);
	CHECK_EQ(io.items, 5);
	CHECK_EQ(m->writes, 0);
	for (unsigned int i = 0; i < sizeof(rbuf); i++)
		CHECK_EQ(rbuf[i], 0x5a);
	l.nodes[l.order[4]].next = VA(&l.nodes[l.order[5]]);

	/* A result record straddling a page boundary: two bursts, same bytes. */
	want = chase_reference(LIST_NODE(l.head), 100);
	memset(page_res, 0x5a, sizeof(page_res));
	taxi_reset(m);
	CHECK_EQ(fsvm_k_pointer_chase(m, l.head, 100, VA(page_res + 4096 - 8), &io), FSVM_ST_DONE);
	CHECK_EQ(m->writes, 2);
	CHECK(memcmp(page_res + 4096 - 8, &want, sizeof(want)) == 0);
	CHECK_EQ(page_res[4096 - 9], 0x5a);
	CHECK_EQ(page_res[4096 + 24], 0x5a);
	tlist_free(&l);
}

static void test_search(struct fsvm_axi *m, struct prng *r)
{
	struct fsvm_chase_result want;
	struct list l, d;

	tlist_build(&l, 1000, r, 0);
	run_search(m, l.head, 0, UINT64_MAX, &want);		/* first node */
	CHECK_EQ(want.found, 1);
	CHECK_EQ(want.hops, 1);
	run_search(m, l.head, 537, UINT64_MAX, &want);		/* middle */
	CHECK_EQ(want.found, 1);
	CHECK_EQ(want.hops, 538);
	CHECK_EQ(want.last, VA(&l.nodes[l.order[537]]));
	CHECK_EQ(want.checksum, l.nodes[l.order[537]].payload);
	run_search(m, l.head, 999, UINT64_MAX, &want);		/* last */
	CHECK_EQ(want.hops, 1000);
	CHECK_EQ(want.found, 1);
	run_search(m, l.head, 5000, UINT64_MAX, &want);		/* absent */
	CHECK_EQ(want.found, 0);
	CHECK_EQ(want.hops, 1000);
	CHECK_EQ(want.last, 0);
	CHECK_EQ(want.checksum, 0);
	run_search(m, l.head, 537, 500, &want);			/* beyond max_hops */
	CHECK_EQ(want.found, 0);
	CHECK_EQ(want.hops, 500);
	run_search(m, l.head, 537, 538, &want);			/* just within */
	CHECK_EQ(want.found, 1);
	run_search(m, 0, 1, 10, &want);				/* empty list */
	CHECK_EQ(want.hops, 0);
	CHECK_EQ(want.found, 0);
	for (int i = 0; i < 50; i++)
		run_search(m, l.head, prng_below(r, 1200), prng_below(r, 1100), NULL);
	tlist_free(&l);

	/* Duplicates: keys i % 7, the first match wins. */
	tlist_build(&d, 100, r, 1);
	run_search(m, d.head, 3, UINT64_MAX, &want);
	CHECK_EQ(want.found, 1);
	CHECK_EQ(want.hops, 4);
	CHECK_EQ(want.last, VA(&d.nodes[d.order[3]]));
	d.nodes[d.order[3]].key = 99;
	run_search(m, d.head, 3, UINT64_MAX, &want);
	CHECK_EQ(want.hops, 11);
	CHECK_EQ(want.last, VA(&d.nodes[d.order[10]]));
	/* Cyclic list, absent key: stops on max_hops. */
	d.nodes[d.order[99]].next = d.head;
	run_search(m, d.head, 12345, 777, &want);
	CHECK_EQ(want.hops, 777);
	CHECK_EQ(want.found, 0);
	tlist_free(&d);
}

/*
 * pointer_chase_batch: k lists of different lengths (one empty, one cyclic
 * cut by max_hops), every k of 1..FSVM_BATCH_LANES, against k separate
 * CPU chases; then the errors.
 */
static void test_batch(struct fsvm_axi *m, struct prng *r)
{
	enum { K = FSVM_BATCH_LANES };
	struct list ls[K];
	uint64_t *heads = xpage_alloc(4096 + 8 * K);
	/* results straddle a page: element alignment is enough */
	uint8_t *rpage = xpage_alloc(3 * 4096);
	struct fsvm_chase_result *res = (struct fsvm_chase_result *)(rpage + 4096 - 40);
	uint64_t *h = heads;
	struct fsvm_kernel_io io;

	for (uint32_t l = 0; l < K; l++) {
		tlist_build(&ls[l], l == 3 ? 0 : 50 + 37 * l, r, 0);
		h[l] = ls[l].head;
	}
	/* lane 5 loops back on itself: max_hops ends it */
	ls[5].nodes[ls[5].order[ls[5].n - 1]].next = ls[5].head;
	for (uint64_t k = 1; k <= K; k++) {
		for (int pass = 0; pass < 2; pass++) {
			uint64_t max_hops = pass ? 100 : 1000, total = 0;

			memset(res, 0xee, K * sizeof(*res));
			taxi_reset(m);
			CHECK_EQ(fsvm_k_pointer_chase_batch(m, VA(h), k, max_hops, VA(res), &io),
				 FSVM_ST_DONE);
			for (uint32_t l = 0; l < k; l++) {
				struct fsvm_chase_result want = chase_reference(LIST_NODE(h[l]), max_hops);

				check_result(&res[l], &want);
				total += want.hops;
			}
			CHECK_EQ(io.items, total);
			CHECK_EQ(m->read_bytes, 8 * k + 32 * total);
			if (k < K)
				CHECK_EQ(res[k].hops, 0xeeeeeeeeeeeeeeeeull);	/* untouched */
			CHECK(!m->faulted);
		}
	}
	/* heads straddling a page */
	h = (uint64_t *)((uint8_t *)heads + 4096 - 24);
	for (uint32_t l = 0; l < K; l++)
		h[l] = ls[l].head;
	taxi_reset(m);
	CHECK_EQ(fsvm_k_pointer_chase_batch(m, VA(h), K, 1000, VA(res), &io), FSVM_ST_DONE);
	for (uint32_t l = 0; l < K; l++) {
		struct fsvm_chase_result want = chase_reference(LIST_NODE(h[l]), 1000);

		check_result(&res[l], &want);
	}
	/* errors */
	CHECK_EQ(fsvm_k_pointer_chase_batch(m, VA(h), 0, 10, VA(res), &io), FSVM_ST_DONE);
	CHECK_EQ(io.items, 0);
	CHECK_EQ(fsvm_k_pointer_chase_batch(m, VA(h), K + 1, 10, VA(res), &io), FSVM_ST_BAD_PACKET);
	CHECK_EQ(fsvm_k_pointer_chase_batch(m, VA(h) + 4, 2, 10, VA(res), &io), FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, VA(h) + 4);
	CHECK_EQ(FSVM_SYND_TYPE(io.syndrome), FSVM_FAULT_ALIGNMENT);
	CHECK_EQ(fsvm_k_pointer_chase_batch(m, VA(h), 2, 10, VA(res) + 4, &io), FSVM_ST_FAULTED);
	CHECK_EQ(io.syndrome & FSVM_SYND_WRITE, FSVM_SYND_WRITE);
	/* a misaligned node in lane 1 */
	h[1] = ls[1].head + 4;
	CHECK_EQ(fsvm_k_pointer_chase_batch(m, VA(h), 2, 10, VA(res), &io), FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, ls[1].head + 4);
	h[1] = ls[1].head;
	/* a faulting node: stops at once, results untouched */
	memset(res, 0xee, K * sizeof(*res));
	taxi_reset(m);
	taxi_add_fault(m, VA(&ls[2].nodes[ls[2].order[10]]), 32, TAXI_F_RW);
	CHECK_EQ(fsvm_k_pointer_chase_batch(m, VA(h), 4, 1000, VA(res), &io), FSVM_ST_FAULTED);
	CHECK_EQ(m->fault_va, VA(&ls[2].nodes[ls[2].order[10]]));
	CHECK_EQ(m->writes, 0);
	CHECK_EQ(res[0].hops, 0xeeeeeeeeeeeeeeeeull);
	CHECK_EQ(m->calls_after_fault, 0);
	taxi_clear_faults(m);
	taxi_reset(m);
	for (uint32_t l = 0; l < K; l++)
		tlist_free(&ls[l]);
	free(heads);
	free(rpage);
}

int main(void)
{
	struct fsvm_axi m;
	struct prng r = { 0x5eed1157ull };

	taxi_init(&m);
	test_chase_sizes(&m, &r);
	test_chase_cycle(&m, &r);
	test_chase_align(&m, &r);
	test_search(&m, &r);
	test_batch(&m, &r);
	return check_exit_code("test_kernels_list");
}
