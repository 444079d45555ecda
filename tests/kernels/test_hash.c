/* SPDX-License-Identifier: MIT */
/*
 * test_hash.c - hash_probe against a CPU reference: 64k nodes in 4096
 * buckets, present/absent/duplicate keys, a sparse table with empty buckets,
 * nbuckets == 1, nbuckets not a power of two (BAD_PACKET) and chains past
 * FSVM_HASH_MAX_CHAIN (cyclic and merely long) that end in DEPTH_LIMIT;
 * and hash_probe_batch, the same probes with k = 1..FSVM_BATCH_LANES in
 * flight, against the same reference, with its own errors.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_axi.h"
#include "test_check.h"
#include "workload.h"

#define DEPTH_SYND	(FSVM_FAULT_DEPTH_LIMIT << FSVM_SYND_TYPE_SHIFT)
#define ALIGN_SYND	(FSVM_FAULT_ALIGNMENT << FSVM_SYND_TYPE_SHIFT)

struct table {
	void *nmem;
	struct fsvm_hash_node *nodes;
	uint64_t *buckets;
	uint64_t nbuckets;
	uint32_t n;
};

/* n nodes with keys from key_of(i), pushed at the head of their chain. */
static void table_build(struct table *t, uint32_t n, uint64_t nbuckets, struct prng *r,
			uint64_t key_mod)
{
	t->n = n;
	t->nbuckets = nbuckets;
	t->nmem = xpage_alloc((size_t)n * 32u + 4096u);
	t->nodes = (struct fsvm_hash_node *)((uint8_t *)t->nmem + 24);
	t->buckets = xmalloc(nbuckets * 8u);
	memset(t->buckets, 0, nbuckets * 8u);
	for (uint32_t i = 0; i < n; i++) {
		struct fsvm_hash_node *nd = &t->nodes[i];
		uint64_t b;

		nd->key = key_mod ? prng_below(r, key_mod) * 2u : prng_next(r) & ~1ull;
		nd->value = prng_next(r) >> 1;
		nd->pad = 0;
		b = FSVM_HASH(nd->key) & (nbuckets - 1u);
		nd->next = t->buckets[b];
		t->buckets[b] = VA(nd);
	}
}

static void table_free(struct table *t)
{
	free(t->nmem);
	free(t->buckets);
}

static void run_probe(struct fsvm_axi *m, const struct table *t, const uint64_t *src_keys,
		      uint64_t n, uint32_t koff, uint32_t roff)
{
	uint8_t *kmem = xpage_alloc(n * 8u + koff + 64u);
	uint8_t *rmem = xpage_alloc(n * 8u + roff + 64u);
	uint64_t *keys = (uint64_t *)(kmem + koff);
	uint64_t *results = (uint64_t *)(rmem + roff);
	struct fsvm_kernel_io io;
	uint64_t found = 0;

	memcpy(keys, src_keys, n * 8u);
	memset(rmem, 0x77, n * 8u + roff + 64u);
	taxi_reset(m);
	CHECK_EQ(fsvm_k_hash_probe(m, VA(t->buckets), t->nbuckets, VA(keys), n, VA(results), &io),
		 FSVM_ST_DONE);
	CHECK_EQ(io.items, n);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t want = hash_reference(t->buckets, t->nbuckets, keys[i]);

		found += want != FSVM_NOT_FOUND;
		if (results[i] != want) {
			CHECK_EQ(results[i], want);
			break;
		}
	}
	CHECK(t->n == 0 || n < 100 || found > 0);
	for (uint32_t i = 0; i < roff; i++)
		CHECK_EQ(rmem[i], 0x77);
	for (uint32_t i = 0; i < 64; i++)
		CHECK_EQ(rmem[roff + n * 8u + i], 0x77);
	CHECK_EQ(m->write_bytes, n * 8u);

	/* hash_probe_batch: the same results for every k (a spread for large n) */
	for (uint64_t k = 1; k <= FSVM_BATCH_LANES; k++) {
		if (n > 10000 && k != 1 && k != 3 && k != 8 && k != 16)
			continue;
		memset(rmem, 0x77, n * 8u + roff + 64u);
		taxi_reset(m);
		CHECK_EQ(fsvm_k_hash_probe_batch(m, VA(t->buckets), t->nbuckets, VA(keys), n, k,
						 VA(results), &io), FSVM_ST_DONE);
		CHECK_EQ(io.items, n);
		for (uint64_t i = 0; i < n; i++) {
			uint64_t want = hash_reference(t->buckets, t->nbuckets, keys[i]);

			if (results[i] != want) {
				CHECK_EQ(results[i], want);
				break;
			}
		}
		for (uint32_t i = 0; i < roff; i++)
			CHECK_EQ(rmem[i], 0x77);
		for (uint32_t i = 0; i < 64; i++)
			CHECK_EQ(rmem[roff + n * 8u + i], 0x77);
		CHECK_EQ(m->write_bytes, n * 8u);
		CHECK(!m->faulted);
	}
	free(kmem);
	free(rmem);
}

/* Half present keys (taken from the nodes), half absent (odd). */
static uint64_t *make_keys(const struct table *t, uint64_t n, struct prng *r)
{
	uint64_t *keys = xmalloc(n * 8u);

	for (uint64_t i = 0; i < n; i++)
		keys[i] = (prng_next(r) & 1) && t->n ? t->nodes[prng_below(r, t->n)].key
						     : prng_next(r) | 1u;
	return keys;
}

static void test_big(struct fsvm_axi *m, struct prng *r)
{
	struct table t;
	uint64_t *keys;
	uint32_t empty = 0;

	table_build(&t, 65536, 4096, r, 0);
	keys = make_keys(&t, 100001, r);
	run_probe(m, &t, keys, 100001, 0, 0);
	run_probe(m, &t, keys, 4099, 4096 - 16, 8);
	free(keys);
	table_free(&t);

	/* Duplicate keys (keys drawn from 0..999 * 2): the first in the chain wins. */
	table_build(&t, 5000, 256, r, 1000);
	keys = make_keys(&t, 3000, r);
	run_probe(m, &t, keys, 3000, 8, 16);
	free(keys);
	table_free(&t);

	/* Sparse: 100 nodes in 4096 buckets, most buckets empty. */
	table_build(&t, 100, 4096, r, 0);
	for (uint32_t b = 0; b < 4096; b++)
		empty += t.buckets[b] == 0;
	CHECK(empty > 3900);
	keys = make_keys(&t, 2000, r);
	run_probe(m, &t, keys, 2000, 0, 0);
	free(keys);
	table_free(&t);

	/* nbuckets == 1: one chain of everything. */
	table_build(&t, 3000, 1, r, 0);
	keys = make_keys(&t, 500, r);
	run_probe(m, &t, keys, 500, 8, 8);
	free(keys);
	table_free(&t);

	/* No nodes at all. */
	table_build(&t, 0, 64, r, 0);
	keys = make_keys(&t, 100, r);
	run_probe(m, &t, keys, 100, 0, 0);
	free(keys);
	table_free(&t);
}

static void test_bad_args(struct fsvm_axi *m, struct prng *r)
{
	static const uint64_t bad_nb[] = { 0, 3, 6, 4095, 4097, 0x8000000000000001ull, UINT64_MAX };
	struct fsvm_kernel_io io;
	struct table t;
	uint64_t keys[4] = { 1, 2, 3, 4 }, res[4];

	table_build(&t, 10, 8, r, 0);
	for (unsigned int i = 0; i < sizeof(bad_nb) / sizeof(bad_nb[0]); i++) {
		taxi_reset(m);
		CHECK_EQ(fsvm_k_hash_probe(m, VA(t.buckets), bad_nb[i], VA(keys), 4, VA(res), &io),
			 FSVM_ST_BAD_PACKET);
		CHECK_EQ(m->reads + m->writes, 0);
		/* Even with n == 0 the table shape is checked. */
		CHECK_EQ(fsvm_k_hash_probe(m, VA(t.buckets), bad_nb[i], VA(keys), 0, VA(res), &io),
			 FSVM_ST_BAD_PACKET);
	}
	/* n == 0: DONE, nothing touched, junk pointers fine. */
	taxi_reset(m);
	CHECK_EQ(fsvm_k_hash_probe(m, 3, 8, 5, 0, 7, &io), FSVM_ST_DONE);
	CHECK_EQ(io.items, 0);
	CHECK_EQ(m->reads + m->writes, 0);
	/* Misaligned pointers. */
	CHECK_EQ(fsvm_k_hash_probe(m, VA(t.buckets) + 4, 8, VA(keys), 4, VA(res), &io), FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, VA(t.buckets) + 4);
	CHECK_EQ(io.syndrome, ALIGN_SYND);
	CHECK_EQ(fsvm_k_hash_probe(m, VA(t.buckets), 8, VA(keys) + 1, 4, VA(res), &io), FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, VA(keys) + 1);
	CHECK_EQ(io.syndrome, ALIGN_SYND);
	CHECK_EQ(fsvm_k_hash_probe(m, VA(t.buckets), 8, VA(keys), 4, VA(res) + 2, &io), FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, VA(res) + 2);
	CHECK_EQ(io.syndrome, ALIGN_SYND | FSVM_SYND_WRITE);
	CHECK_EQ(m->reads + m->writes, 0);
	/* A misaligned node in a chain. */
	{
		uint64_t b = FSVM_HASH(t.nodes[0].key) & 7u;
		uint64_t saved = t.buckets[b];

		t.buckets[b] = saved + 4;
		keys[0] = t.nodes[0].key;
		taxi_reset(m);
		CHECK_EQ(fsvm_k_hash_probe(m, VA(t.buckets), 8, VA(keys), 1, VA(res), &io),
			 FSVM_ST_FAULTED);
		CHECK_EQ(io.fault_va, saved + 4);
		CHECK_EQ(io.syndrome, ALIGN_SYND);
		t.buckets[b] = saved;
	}
	table_free(&t);
}

static void test_depth(struct fsvm_axi *m, struct prng *r)
{
	struct fsvm_kernel_io io;
	struct table t;
	uint64_t keys[2], res[2] = { 42, 42 };
	uint64_t node;

	/* Cyclic chain of 10 in the only bucket: an absent key goes round until
	 * FSVM_HASH_MAX_CHAIN nodes were read, and stops at the next one. */
	table_build(&t, 10, 1, r, 0);
	t.nodes[0].next = t.buckets[0];			/* nodes[0] is the tail */
	node = t.buckets[0];
	for (uint32_t i = 0; i < FSVM_HASH_MAX_CHAIN; i++)
		node = ((const struct fsvm_hash_node *)(uintptr_t)node)->next;
	keys[0] = t.nodes[5].key;			/* present: found before the limit */
	keys[1] = 1;					/* absent */
	taxi_reset(m);
	CHECK_EQ(fsvm_k_hash_probe(m, VA(t.buckets), 1, VA(keys), 2, VA(res), &io), FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, node);
	CHECK_EQ(io.syndrome, DEPTH_SYND);
	CHECK_EQ(io.items, 1);
	CHECK_EQ(m->writes, 0);
	CHECK_EQ(res[0], 42);
	table_free(&t);

	/* A real chain one longer than the limit, no cycle. */
	table_build(&t, FSVM_HASH_MAX_CHAIN + 1, 1, r, 0);
	keys[0] = 1;
	taxi_reset(m);
	CHECK_EQ(fsvm_k_hash_probe(m, VA(t.buckets), 1, VA(keys), 1, VA(res), &io), FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, VA(&t.nodes[0]));		/* pushed first: the tail */
	CHECK_EQ(io.syndrome, DEPTH_SYND);
	CHECK_EQ(m->read_bytes, 8u + 8u + 32u * FSVM_HASH_MAX_CHAIN);
	/* The tail itself is found only one short of the limit: its key sits at
	 * depth FSVM_HASH_MAX_CHAIN + 1 -> still a DEPTH_LIMIT. A key at
	 * depth FSVM_HASH_MAX_CHAIN is found. */
	keys[0] = t.nodes[1].key;
	taxi_reset(m);
	CHECK_EQ(fsvm_k_hash_probe(m, VA(t.buckets), 1, VA(keys), 1, VA(res), &io), FSVM_ST_DONE);
	CHECK_EQ(res[0], hash_reference(t.buckets, 1, keys[0]));
	table_free(&t);
}

/* hash_probe_batch's own errors: bad table shape and k, the chain limit in
 * a group (nothing of it written), a faulting bucket slot. */
static void test_batch_errors(struct fsvm_axi *m, struct prng *r)
{
	struct fsvm_kernel_io io;
	struct table t;
	uint64_t keys[3], res[3], node;

	table_build(&t, 10, 1, r, 0);
	keys[0] = t.nodes[5].key;
	keys[1] = 1;					/* absent */
	keys[2] = t.nodes[2].key;
	taxi_reset(m);
	CHECK_EQ(fsvm_k_hash_probe_batch(m, VA(t.buckets), 3, VA(keys), 3, 2, VA(res), &io),
		 FSVM_ST_BAD_PACKET);
	CHECK_EQ(fsvm_k_hash_probe_batch(m, VA(t.buckets), 1, VA(keys), 3, 0, VA(res), &io),
		 FSVM_ST_BAD_PACKET);
	CHECK_EQ(fsvm_k_hash_probe_batch(m, VA(t.buckets), 1, VA(keys), 3, FSVM_BATCH_LANES + 1,
					 VA(res), &io), FSVM_ST_BAD_PACKET);
	CHECK_EQ(fsvm_k_hash_probe_batch(m, VA(t.buckets) + 4, 1, VA(keys), 3, 2, VA(res), &io),
		 FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, VA(t.buckets) + 4);
	CHECK_EQ(io.syndrome, ALIGN_SYND);
	CHECK_EQ(m->reads + m->writes, 0);

	/* cyclic chain: the absent key (lane 1) runs into the limit */
	t.nodes[0].next = t.buckets[0];
	node = t.buckets[0];
	for (uint32_t i = 0; i < FSVM_HASH_MAX_CHAIN; i++)
		node = ((const struct fsvm_hash_node *)(uintptr_t)node)->next;
	memset(res, 0x42, sizeof(res));
	taxi_reset(m);
	CHECK_EQ(fsvm_k_hash_probe_batch(m, VA(t.buckets), 1, VA(keys), 3, 2, VA(res), &io),
		 FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, node);
	CHECK_EQ(io.syndrome, DEPTH_SYND);
	CHECK_EQ(io.items, 0);
	CHECK_EQ(m->writes, 0);
	CHECK_EQ(res[0], 0x4242424242424242ull);
	taxi_reset(m);
	CHECK_EQ(fsvm_k_hash_probe_batch(m, VA(t.buckets), 1, VA(keys), 3, 1, VA(res), &io),
		 FSVM_ST_FAULTED);
	CHECK_EQ(io.items, 1);
	CHECK_EQ(res[0], t.nodes[5].value);
	CHECK_EQ(res[1], 0x4242424242424242ull);
	table_free(&t);

	/* the bucket array faults: the k head reads stop at the first */
	table_build(&t, 100, 16, r, 0);
	keys[0] = t.nodes[7].key;
	keys[1] = t.nodes[8].key;
	taxi_reset(m);
	taxi_add_fault(m, VA(t.buckets), 16 * 8, TAXI_F_READ);
	CHECK_EQ(fsvm_k_hash_probe_batch(m, VA(t.buckets), 16, VA(keys), 2, 2, VA(res), &io),
		 FSVM_ST_FAULTED);
	CHECK(m->faulted);
	CHECK_EQ(m->calls_after_fault, 0);
	CHECK_EQ(m->writes, 0);
	CHECK_EQ(io.items, 0);
	taxi_clear_faults(m);
	taxi_reset(m);
	table_free(&t);
}

int main(void)
{
	struct fsvm_axi m;
	struct prng r = { 0x4a54ull };

	taxi_init(&m);
	test_big(&m, &r);
	test_bad_args(&m, &r);
	test_depth(&m, &r);
	test_batch_errors(&m, &r);
	return check_exit_code("test_kernels_hash");
}
