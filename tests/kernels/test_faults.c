/* SPDX-License-Identifier: MIT */
/*
 * test_faults.c - SMMU-terminated accesses: the kernel stops at the first
 * faulting access (no further accesses), reports FAULTED and leaves
 * fault_va/syndrome to the shell (0); outputs not yet written stay
 * untouched. Faults while fetching a packet or its argument block end with
 * phase FETCH.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_axi.h"
#include "test_check.h"

/* n list nodes, page-aligned storage (no node straddles a page), random order. */
static struct fsvm_list_node *make_list(uint32_t n, struct prng *r, uint32_t **order_out)
{
	struct fsvm_list_node *nodes = xpage_alloc((size_t)n * 32u);
	uint32_t *order = xmalloc(n * sizeof(uint32_t));

	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	shuffle_u32(r, order, n);
	for (uint32_t i = 0; i < n; i++) {
		nodes[order[i]].next = i + 1 < n ? VA(&nodes[order[i + 1]]) : 0;
		nodes[order[i]].key = i;
		nodes[order[i]].payload = prng_next(r);
	}
	*order_out = order;
	return nodes;
}

static void expect_smmu_fault(const struct fsvm_axi *m, const struct fsvm_kernel_io *io,
			      uint64_t va, int write)
{
	CHECK(m->faulted);
	CHECK_EQ(m->fault_va, va);
	CHECK_EQ(m->fault_write, write);
	CHECK_EQ(m->calls_after_fault, 0);		/* stopped at once */
	CHECK_EQ(io->fault_va, 0);			/* the shell records SMMU faults */
	CHECK_EQ(io->syndrome, 0);
}

static void test_list_faults(struct fsvm_axi *m, struct prng *r)
{
	struct fsvm_chase_result res;
	struct fsvm_kernel_io io;
	uint32_t *order;
	struct fsvm_list_node *nodes = make_list(1000, r, &order);
	uint64_t head = VA(&nodes[order[0]]);
	uint64_t bad = VA(&nodes[order[500]]);

	/* Node 500 unreadable (only its payload word: the whole burst fails). */
	taxi_clear_faults(m);
	taxi_add_fault(m, bad + 16, 8, TAXI_F_RW);
	memset(&res, 0xee, sizeof(res));
	taxi_reset(m);
	CHECK_EQ(fsvm_k_pointer_chase(m, head, UINT64_MAX, VA(&res), &io), FSVM_ST_FAULTED);
	expect_smmu_fault(m, &io, bad + 16, 0);
	CHECK_EQ(m->reads, 501);
	CHECK_EQ(m->writes, 0);
	CHECK_EQ(io.items, 500);
	CHECK_EQ(res.hops, 0xeeeeeeeeeeeeeeeeull);
	CHECK_EQ(res.found, 0xeeeeeeeeeeeeeeeeull);

	/* list_search: the same node, key beyond it. */
	taxi_reset(m);
	CHECK_EQ(fsvm_k_list_search(m, head, 900, UINT64_MAX, VA(&res), &io), FSVM_ST_FAULTED);
	expect_smmu_fault(m, &io, bad + 16, 0);
	CHECK_EQ(m->writes, 0);
	CHECK_EQ(res.last, 0xeeeeeeeeeeeeeeeeull);
	/* ...and a key before it is found without touching node 500. */
	taxi_reset(m);
	CHECK_EQ(fsvm_k_list_search(m, head, 499, UINT64_MAX, VA(&res), &io), FSVM_ST_DONE);
	CHECK(!m->faulted);
	CHECK_EQ(res.found, 1);
	CHECK_EQ(res.hops, 500);

	/* Result record read-only: the whole walk, then a faulting write. */
	taxi_clear_faults(m);
	taxi_add_fault(m, VA(&res), sizeof(res), TAXI_F_WRITE);
	memset(&res, 0xee, sizeof(res));
	taxi_reset(m);
	CHECK_EQ(fsvm_k_pointer_chase(m, head, UINT64_MAX, VA(&res), &io), FSVM_ST_FAULTED);
	expect_smmu_fault(m, &io, VA(&res), 1);
	CHECK_EQ(m->reads, 1000);
	CHECK_EQ(res.hops, 0xeeeeeeeeeeeeeeeeull);

	/* NULL result (the NULL guard of the port). */
	taxi_clear_faults(m);
	taxi_reset(m);
	CHECK_EQ(fsvm_k_pointer_chase(m, head, 10, 0, &io), FSVM_ST_FAULTED);
	expect_smmu_fault(m, &io, 0, 1);
	/* A next pointer into unmapped space (here: the NULL guard page). */
	nodes[order[10]].next = 0x40;
	taxi_reset(m);
	CHECK_EQ(fsvm_k_pointer_chase(m, head, UINT64_MAX, VA(&res), &io), FSVM_ST_FAULTED);
	expect_smmu_fault(m, &io, 0x40, 0);
	CHECK_EQ(io.items, 11);
	free(nodes);
	free(order);
}

static void test_lookup_faults(struct fsvm_axi *m)
{
	/* BST: root 50, left 20, right 80; the left child unreadable. */
	struct fsvm_bst_node *t = xpage_alloc(3 * sizeof(*t));
	struct fsvm_hash_node *h = xpage_alloc(4 * sizeof(*h));
	uint64_t *keys = xpage_alloc(8192), *res = xpage_alloc(8192);
	uint64_t *buckets = xpage_alloc(4 * 8);
	struct fsvm_kernel_io io;

	t[0] = (struct fsvm_bst_node){ 50, 500, VA(&t[1]), VA(&t[2]) };
	t[1] = (struct fsvm_bst_node){ 20, 200, 0, 0 };
	t[2] = (struct fsvm_bst_node){ 80, 800, 0, 0 };
	taxi_clear_faults(m);
	taxi_add_fault(m, VA(&t[1]), 32, TAXI_F_READ);
	keys[0] = 80;
	keys[1] = 10;
	keys[2] = 80;
	memset(res, 0x11, 8192);
	taxi_reset(m);
	CHECK_EQ(fsvm_k_bst_lookup(m, VA(t), VA(keys), 3, VA(res), &io), FSVM_ST_FAULTED);
	expect_smmu_fault(m, &io, VA(&t[1]), 0);
	CHECK_EQ(io.items, 1);
	CHECK_EQ(m->writes, 0);
	CHECK_EQ(res[0], 0x1111111111111111ull);

	/* Keys spanning two pages, the second unreadable: the first burst's
	 * results are written, then the kernel stops. */
	for (int i = 0; i < 1024; i++)
		keys[i] = i % 2 ? 80 : 50;
	taxi_clear_faults(m);
	taxi_add_fault(m, VA(keys) + 4096, 4096, TAXI_F_READ);
	memset(res, 0x11, 8192);
	taxi_reset(m);
	CHECK_EQ(fsvm_k_bst_lookup(m, VA(t), VA(keys) + 4096 - 80, 20, VA(res), &io),
		 FSVM_ST_FAULTED);
	expect_smmu_fault(m, &io, VA(keys) + 4096, 0);
	CHECK_EQ(io.items, 10);
	for (int i = 0; i < 10; i++)
		CHECK_EQ(res[i], (i % 2 ? 800u : 500u));
	CHECK_EQ(res[10], 0x1111111111111111ull);

	/* Hash: a bucket entry unreadable, then a node unreadable. */
	for (int i = 0; i < 4; i++) {
		h[i].key = 1000u + (uint64_t)i;
		h[i].value = 7000u + (uint64_t)i;
		h[i].next = 0;
		buckets[i] = 0;
	}
	for (int i = 0; i < 4; i++) {
		uint64_t b = FSVM_HASH(h[i].key) & 3u;

		h[i].next = buckets[b];
		buckets[b] = VA(&h[i]);
	}
	keys[0] = 1000;
	keys[1] = 1003;
	taxi_clear_faults(m);
	taxi_add_fault(m, VA(&buckets[FSVM_HASH(1003ull) & 3u]), 8, TAXI_F_READ);
	taxi_reset(m);
	CHECK_EQ(fsvm_k_hash_probe(m, VA(buckets), 4, VA(keys), 2, VA(res), &io), FSVM_ST_FAULTED);
	if ((FSVM_HASH(1000ull) & 3u) != (FSVM_HASH(1003ull) & 3u))
		CHECK_EQ(io.items, 1);
	expect_smmu_fault(m, &io, VA(&buckets[FSVM_HASH(1003ull) & 3u]), 0);

	taxi_clear_faults(m);
	taxi_add_fault(m, VA(&h[3]), 32, TAXI_F_READ);
	keys[0] = 1003;
	taxi_reset(m);
	CHECK_EQ(fsvm_k_hash_probe(m, VA(buckets), 4, VA(keys), 1, VA(res), &io), FSVM_ST_FAULTED);
	expect_smmu_fault(m, &io, VA(&h[3]), 0);
	/* The results array read-only. */
	taxi_clear_faults(m);
	taxi_add_fault(m, VA(res), 8192, TAXI_F_WRITE);
	taxi_reset(m);
	CHECK_EQ(fsvm_k_hash_probe(m, VA(buckets), 4, VA(keys), 1, VA(res), &io), FSVM_ST_FAULTED);
	expect_smmu_fault(m, &io, VA(res), 1);
	taxi_clear_faults(m);
	free(t);
	free(h);
	free(keys);
	free(res);
	free(buckets);
}

static void test_stream_faults(struct fsvm_axi *m)
{
	uint8_t *src = xpage_alloc(4 * 4096), *dst = xpage_alloc(4 * 4096);
	float *a = xpage_alloc(4 * 4096), *b = xpage_alloc(4 * 4096), *c = xpage_alloc(4 * 4096);
	struct fsvm_kernel_io io;

	/* memcpy: the third source page unreadable. */
	for (int i = 0; i < 4 * 4096; i++)
		src[i] = (uint8_t)(i * 7);
	memset(dst, 0xcc, 4 * 4096);
	taxi_clear_faults(m);
	taxi_add_fault(m, VA(src) + 2 * 4096, 4096, TAXI_F_READ);
	taxi_reset(m);
	CHECK_EQ(fsvm_k_memcpy(m, VA(dst) + 100, VA(src) + 100, 3 * 4096, &io), FSVM_ST_FAULTED);
	expect_smmu_fault(m, &io, VA(src) + 2 * 4096, 0);
	CHECK_EQ(io.items, 2 * 4096 - 100);
	CHECK(memcmp(dst + 100, src + 100, 2 * 4096 - 100) == 0);
	for (int i = 2 * 4096; i < 4 * 4096; i++)
		if (dst[i] != 0xcc) {
			CHECK_EQ(dst[i], 0xcc);
			break;
		}

	/* memset: the second destination page read-only. */
	memset(dst, 0xcc, 4 * 4096);
	taxi_clear_faults(m);
	taxi_add_fault(m, VA(dst) + 4096, 4096, TAXI_F_WRITE);
	taxi_reset(m);
	CHECK_EQ(fsvm_k_memset(m, VA(dst) + 3, 0x5a, 3 * 4096, &io), FSVM_ST_FAULTED);
	expect_smmu_fault(m, &io, VA(dst) + 4096, 1);
	CHECK_EQ(io.items, 4096 - 3);
	CHECK_EQ(dst[2], 0xcc);
	CHECK_EQ(dst[3], 0x5a);
	CHECK_EQ(dst[4095], 0x5a);
	CHECK_EQ(dst[2 * 4096], 0xcc);

	/* vadd: b's second page unreadable. */
	for (int i = 0; i < 4096; i++) {
		a[i] = (float)i;
		b[i] = 0.5f;
		c[i] = -1.0f;
	}
	taxi_clear_faults(m);
	taxi_add_fault(m, VA(b) + 4096, 4096, TAXI_F_READ);
	taxi_reset(m);
	CHECK_EQ(fsvm_k_vadd(m, VA(a), VA(b), VA(c), 3000, &io), FSVM_ST_FAULTED);
	expect_smmu_fault(m, &io, VA(b) + 4096, 0);
	CHECK_EQ(io.items, 1024);
	CHECK(c[1023] == 1023.5f);
	CHECK(c[1024] == -1.0f);
	taxi_clear_faults(m);
	free(src);
	free(dst);
	free(a);
	free(b);
	free(c);
}

static void test_fetch_faults(struct fsvm_axi *m, struct prng *r)
{
	struct fsvm_packet *ring = xpage_alloc(8192);
	uint64_t *block = xpage_alloc(8192);
	struct fsvm_chase_result res;
	struct fsvm_cp_result cr;
	uint32_t *order;
	struct fsvm_list_node *nodes = make_list(100, r, &order);
	uint64_t args[3];

	args[0] = VA(&nodes[order[0]]);
	args[1] = 1000;
	args[2] = VA(&res);

	/* The ring itself unreadable: FAULTED in FETCH, one access. */
	pkt_fill(&ring[5], FSVM_PKT_KERNEL, 0, FSVM_K_POINTER_CHASE, args, 3, 0, 0, 1);
	taxi_clear_faults(m);
	taxi_add_fault(m, VA(ring), 8192, TAXI_F_READ);
	taxi_reset(m);
	fsvm_cp_dispatch(m, VA(ring), 16, 5, &cr);
	CHECK_EQ(cr.status, FSVM_ST_FAULTED);
	CHECK_EQ(cr.phase, FSVM_CP_FETCH);
	CHECK_EQ(cr.fault_va, 0);
	CHECK_EQ(cr.completion_va, 0);		/* never read */
	CHECK_EQ(m->fault_va, VA(&ring[5]));
	CHECK_EQ(m->reads + m->writes, 1);
	CHECK_EQ(m->calls_after_fault, 0);

	/* An unreadable argument block. */
	memcpy(block, args, sizeof(args));
	pkt_fill(&ring[5], FSVM_PKT_KERNEL, FSVM_PKT_F_ARG_BLOCK, FSVM_K_POINTER_CHASE, NULL, 3,
		 VA(block), 0x10008, 99);
	taxi_clear_faults(m);
	taxi_add_fault(m, VA(block), 24, TAXI_F_READ);
	taxi_reset(m);
	fsvm_cp_dispatch(m, VA(ring), 16, 5, &cr);
	CHECK_EQ(cr.status, FSVM_ST_FAULTED);
	CHECK_EQ(cr.phase, FSVM_CP_FETCH);
	CHECK_EQ(cr.completion_va, 0x10008);	/* known: the shell can report it */
	CHECK_EQ(cr.user_tag, 99);
	CHECK_EQ(m->fault_va, VA(block));
	CHECK_EQ(m->reads, 2);
	CHECK_EQ(m->calls_after_fault, 0);

	/* A block straddling a page boundary whose second page is unreadable. */
	memcpy((uint8_t *)block + 4096 - 8, args, sizeof(args));
	pkt_fill(&ring[5], FSVM_PKT_KERNEL, FSVM_PKT_F_ARG_BLOCK, FSVM_K_POINTER_CHASE, NULL, 3,
		 VA(block) + 4096 - 8, 0, 0);
	taxi_clear_faults(m);
	taxi_add_fault(m, VA(block) + 4096, 4096, TAXI_F_READ);
	taxi_reset(m);
	fsvm_cp_dispatch(m, VA(ring), 16, 5, &cr);
	CHECK_EQ(cr.status, FSVM_ST_FAULTED);
	CHECK_EQ(cr.phase, FSVM_CP_FETCH);
	CHECK_EQ(m->fault_va, VA(block) + 4096);
	CHECK_EQ(m->reads, 3);
	/* ...and readable, the same packet runs. */
	taxi_clear_faults(m);
	taxi_reset(m);
	fsvm_cp_dispatch(m, VA(ring), 16, 5, &cr);
	CHECK_EQ(cr.status, FSVM_ST_DONE);
	CHECK_EQ(cr.items, 100);
	CHECK_EQ(res.hops, 100);

	/* A fault inside the kernel: phase KERNEL. */
	pkt_fill(&ring[5], FSVM_PKT_KERNEL, 0, FSVM_K_POINTER_CHASE, args, 3, 0, 0, 0);
	taxi_add_fault(m, VA(&nodes[order[50]]), 32, TAXI_F_READ);
	taxi_reset(m);
	fsvm_cp_dispatch(m, VA(ring), 16, 5, &cr);
	CHECK_EQ(cr.status, FSVM_ST_FAULTED);
	CHECK_EQ(cr.phase, FSVM_CP_KERNEL);
	CHECK_EQ(cr.items, 50);
	CHECK_EQ(cr.fault_va, 0);
	CHECK_EQ(m->fault_va, VA(&nodes[order[50]]));
	CHECK_EQ(m->calls_after_fault, 0);
	taxi_clear_faults(m);

	/* A completion record that cannot be written: non-zero, status not written. */
	{
		struct fsvm_completion *cpl = xpage_alloc(4096), rec;

		memset(cpl, 0, sizeof(*cpl));
		memset(&rec, 0, sizeof(rec));
		rec.status = FSVM_ST_DONE;
		rec.items = 5;
		taxi_add_fault(m, VA(cpl) + 8, 8, TAXI_F_WRITE);
		taxi_reset(m);
		CHECK(fsvm_cp_complete(m, VA(cpl), &rec) != 0);
		CHECK_EQ(cpl->status, FSVM_ST_PENDING);
		CHECK_EQ(m->calls_after_fault, 0);
		taxi_clear_faults(m);
		free(cpl);
	}
	free(ring);
	free(block);
	free(nodes);
	free(order);
}

int main(void)
{
	struct fsvm_axi m;
	struct prng r = { 0xfa17ull };

	taxi_init(&m);
	test_list_faults(&m, &r);
	test_lookup_faults(&m);
	test_stream_faults(&m);
	test_fetch_faults(&m, &r);
	return check_exit_code("test_kernels_faults");
}
