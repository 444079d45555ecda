/* SPDX-License-Identifier: MIT */
/*
 * test_bst.c - bst_lookup against a CPU reference: a random tree of 100k
 * nodes, present and absent keys, keys/results at odd (8-byte aligned)
 * offsets, n == 0, the empty tree, and a degenerate (sorted insert) tree of
 * depth 2000 that must end with DEPTH_LIMIT at the right node; and
 * bst_lookup_batch, the same lookups with k = 1..FSVM_BATCH_LANES in
 * flight, against the same reference, with its own errors.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_axi.h"
#include "test_check.h"
#include "workload.h"

/* The CPU reference of workload.h takes a node pointer. */
#define BST_NODE(va)	((const struct fsvm_bst_node *)(uintptr_t)(va))

#define DEPTH_SYND	(FSVM_FAULT_DEPTH_LIMIT << FSVM_SYND_TYPE_SHIFT)
#define ALIGN_SYND	(FSVM_FAULT_ALIGNMENT << FSVM_SYND_TYPE_SHIFT)

struct tree {
	void *mem;
	struct fsvm_bst_node *nodes;
	uint32_t n;
	uint64_t root;
};

/* Insert nodes[i] (key already set) iteratively; 0 if the key is a duplicate. */
static int tree_insert(struct tree *t, uint32_t i)
{
	struct fsvm_bst_node *nd = &t->nodes[i];
	uint64_t *link = &t->root;

	nd->left = nd->right = 0;
	while (*link) {
		struct fsvm_bst_node *p = (void *)(uintptr_t)*link;

		if (nd->key == p->key)
			return 0;
		link = nd->key < p->key ? &p->left : &p->right;
	}
	*link = VA(nd);
	return 1;
}

static void tree_alloc(struct tree *t, uint32_t n)
{
	/* 8 bytes into a page: nodes straddle page boundaries now and then. */
	t->mem = xpage_alloc((size_t)n * 32u + 4096u);
	t->nodes = (struct fsvm_bst_node *)((uint8_t *)t->mem + 8);
	t->n = 0;
	t->root = 0;
}

/* Run bst_lookup over keys[0..n) with keys/results at the given byte offsets
 * into page-aligned buffers, and compare with the reference. */
static void run_lookup(struct fsvm_axi *m, uint64_t root, const uint64_t *src_keys,
		       uint64_t n, uint32_t koff, uint32_t roff)
{
	uint8_t *kmem = xpage_alloc(n * 8u + koff + 64u);
	uint8_t *rmem = xpage_alloc(n * 8u + roff + 64u);
	uint64_t *keys = (uint64_t *)(kmem + koff);
	uint64_t *results = (uint64_t *)(rmem + roff);
	struct fsvm_kernel_io io;
	uint32_t st;

	memcpy(keys, src_keys, n * 8u);
	memset(rmem, 0x77, n * 8u + roff + 64u);
	taxi_reset(m);
	st = fsvm_k_bst_lookup(m, root, VA(keys), n, VA(results), &io);
	CHECK_EQ(st, FSVM_ST_DONE);
	CHECK_EQ(io.items, n);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t want = bst_reference(BST_NODE(root), keys[i]);

		if (results[i] != want) {
			CHECK_EQ(results[i], want);
			break;
		}
	}
	for (uint32_t i = 0; i < roff; i++)
		CHECK_EQ(rmem[i], 0x77);
	for (uint32_t i = 0; i < 64; i++)
		CHECK_EQ(rmem[roff + n * 8u + i], 0x77);
	/* Keys read once, results written once. */
	CHECK_EQ(m->write_bytes, n * 8u);
	CHECK(m->max_burst <= 4096);

	/* bst_lookup_batch gives the same results for every k (all of them for
	 * small n, a spread for large n); keys read once, results written once. */
	for (uint64_t k = 1; k <= FSVM_BATCH_LANES; k++) {
		if (n > 10000 && k != 1 && k != 2 && k != 5 && k != 8 && k != 16)
			continue;
		memset(rmem, 0x77, n * 8u + roff + 64u);
		taxi_reset(m);
		st = fsvm_k_bst_lookup_batch(m, root, VA(keys), n, k, VA(results), &io);
		CHECK_EQ(st, FSVM_ST_DONE);
		CHECK_EQ(io.items, n);
		for (uint64_t i = 0; i < n; i++) {
			uint64_t want = bst_reference(BST_NODE(root), keys[i]);

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

static void test_random_tree(struct fsvm_axi *m, struct prng *r)
{
	const uint32_t n = 100000;
	const uint64_t nkeys = 200003;
	struct tree t;
	uint64_t *keys = xmalloc(nkeys * 8u);
	uint64_t present = 0;

	tree_alloc(&t, n);
	for (uint32_t i = 0; i < n; i++) {
		t.nodes[i].key = prng_next(r) & ~1ull;		/* present keys are even */
		t.nodes[i].value = prng_next(r);
		if (t.nodes[i].value == FSVM_NOT_FOUND)
			t.nodes[i].value = 0;
		if (!tree_insert(&t, i))
			t.nodes[i].key = 1;			/* never looked for */
	}
	for (uint64_t i = 0; i < nkeys; i++) {
		if (prng_next(r) & 1) {
			keys[i] = t.nodes[prng_below(r, n)].key;
			present += keys[i] != 1;
		} else {
			keys[i] = prng_next(r) | 1;		/* odd: absent */
		}
	}
	CHECK(present > nkeys / 3);

	run_lookup(m, t.root, keys, nkeys, 0, 0);
	run_lookup(m, t.root, keys, nkeys, 8, 16);
	run_lookup(m, t.root, keys, 5000, 4096 - 8, 4096 - 24);
	run_lookup(m, t.root, keys, 1, 4096 - 8, 0);
	run_lookup(m, t.root, keys, 513, 8, 4096 - 8);
	run_lookup(m, 0, keys, 1000, 24, 40);			/* empty tree */

	/* A few spot checks of the reference itself. */
	CHECK_EQ(bst_reference(BST_NODE(t.root), t.nodes[123].key), t.nodes[123].value);
	CHECK_EQ(bst_reference(BST_NODE(t.root), 3), FSVM_NOT_FOUND);

	/* n == 0: DONE, no memory touched, even with junk pointers. */
	{
		struct fsvm_kernel_io io;

		taxi_reset(m);
		CHECK_EQ(fsvm_k_bst_lookup(m, 0x1234, 0x3, 0, 0x5, &io), FSVM_ST_DONE);
		CHECK_EQ(io.items, 0);
		CHECK_EQ(m->reads + m->writes, 0);
	}
	/* n beyond FSVM_MAX_ELEMS: BAD_PACKET, nothing touched. */
	{
		struct fsvm_kernel_io io;

		taxi_reset(m);
		CHECK_EQ(fsvm_k_bst_lookup(m, t.root, VA(keys), FSVM_MAX_ELEMS + 1, VA(keys), &io),
			 FSVM_ST_BAD_PACKET);
		CHECK_EQ(m->reads + m->writes, 0);
	}
	/* Misaligned keys / results / root. */
	{
		struct fsvm_kernel_io io;
		uint64_t res[4];

		taxi_reset(m);
		CHECK_EQ(fsvm_k_bst_lookup(m, t.root, VA(keys) + 4, 2, VA(res), &io), FSVM_ST_FAULTED);
		CHECK_EQ(io.fault_va, VA(keys) + 4);
		CHECK_EQ(io.syndrome, ALIGN_SYND);
		CHECK_EQ(fsvm_k_bst_lookup(m, t.root, VA(keys), 2, VA(res) + 1, &io), FSVM_ST_FAULTED);
		CHECK_EQ(io.fault_va, VA(res) + 1);
		CHECK_EQ(io.syndrome, ALIGN_SYND | FSVM_SYND_WRITE);
		CHECK_EQ(fsvm_k_bst_lookup(m, t.root + 2, VA(keys), 2, VA(res), &io), FSVM_ST_FAULTED);
		CHECK_EQ(io.fault_va, t.root + 2);
		CHECK_EQ(io.syndrome, ALIGN_SYND);
		CHECK_EQ(m->reads + m->writes, 0);
	}
	free(keys);
	free(t.mem);
}

static void test_degenerate(struct fsvm_axi *m)
{
	const uint32_t n = 2000;
	struct tree t;
	struct fsvm_kernel_io io;
	uint64_t keys[4], res[4];

	tree_alloc(&t, n);
	for (uint32_t i = 0; i < n; i++) {
		t.nodes[i].key = 10u * (i + 1);		/* sorted insert: a right spine */
		t.nodes[i].value = 1000000u + i;
		CHECK(tree_insert(&t, i));
	}
	CHECK_EQ(t.root, VA(&t.nodes[0]));

	/* Depths 1..FSVM_BST_MAX_DEPTH are reachable. */
	keys[0] = t.nodes[0].key;
	keys[1] = t.nodes[500].key;
	keys[2] = t.nodes[FSVM_BST_MAX_DEPTH - 1].key;
	keys[3] = 5;					/* left of the root: absent */
	taxi_reset(m);
	CHECK_EQ(fsvm_k_bst_lookup(m, t.root, VA(keys), 4, VA(res), &io), FSVM_ST_DONE);
	CHECK_EQ(res[0], 1000000u);
	CHECK_EQ(res[1], 1000500u);
	CHECK_EQ(res[2], 1000000u + FSVM_BST_MAX_DEPTH - 1);
	CHECK_EQ(res[3], FSVM_NOT_FOUND);
	CHECK_EQ(io.items, 4);

	/* One deeper: DEPTH_LIMIT at the first node beyond the limit, after
	 * exactly FSVM_BST_MAX_DEPTH node reads for that key. */
	keys[0] = t.nodes[10].key;
	keys[1] = t.nodes[FSVM_BST_MAX_DEPTH].key;
	memset(res, 0x55, sizeof(res));
	taxi_reset(m);
	CHECK_EQ(fsvm_k_bst_lookup(m, t.root, VA(keys), 2, VA(res), &io), FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, VA(&t.nodes[FSVM_BST_MAX_DEPTH]));
	CHECK_EQ(io.syndrome, DEPTH_SYND);
	CHECK_EQ(io.items, 1);
	CHECK_EQ(m->read_bytes, 16u + 32u * (11u + FSVM_BST_MAX_DEPTH));
	CHECK_EQ(m->writes, 0);				/* the burst in progress is not written */
	CHECK_EQ(res[0], 0x5555555555555555ull);

	/* Absent and larger than every key: same place. */
	keys[0] = 10u * n + 5;
	taxi_reset(m);
	CHECK_EQ(fsvm_k_bst_lookup(m, t.root, VA(keys), 1, VA(res), &io), FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, VA(&t.nodes[FSVM_BST_MAX_DEPTH]));
	CHECK_EQ(io.syndrome, DEPTH_SYND);
	CHECK_EQ(io.items, 0);

	/* A cycle (right child back to the root) also ends on the limit. */
	t.nodes[99].right = t.root;
	keys[0] = 10u * 100 + 5;		/* > nodes[99]: follows the cycle */
	taxi_reset(m);
	CHECK_EQ(fsvm_k_bst_lookup(m, t.root, VA(keys), 1, VA(res), &io), FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, VA(&t.nodes[FSVM_BST_MAX_DEPTH % 100]));
	CHECK_EQ(io.syndrome, DEPTH_SYND);
	free(t.mem);
}

/* bst_lookup_batch's own errors: k out of range, the depth limit inside a
 * group (earlier groups written, this one not), a faulting node. */
static void test_batch_errors(struct fsvm_axi *m)
{
	const uint32_t n = 2000;
	struct tree t;
	struct fsvm_kernel_io io;
	uint64_t keys[4], res[4];

	tree_alloc(&t, n);
	for (uint32_t i = 0; i < n; i++) {
		t.nodes[i].key = 10u * (i + 1);		/* a right spine */
		t.nodes[i].value = 1000000u + i;
		CHECK(tree_insert(&t, i));
	}
	keys[0] = t.nodes[10].key;
	keys[1] = t.nodes[FSVM_BST_MAX_DEPTH].key;	/* one node too deep */
	keys[2] = t.nodes[3].key;
	taxi_reset(m);
	CHECK_EQ(fsvm_k_bst_lookup_batch(m, t.root, VA(keys), 3, 0, VA(res), &io),
		 FSVM_ST_BAD_PACKET);
	CHECK_EQ(fsvm_k_bst_lookup_batch(m, t.root, VA(keys), 3, FSVM_BATCH_LANES + 1, VA(res),
					 &io), FSVM_ST_BAD_PACKET);
	CHECK_EQ(m->reads + m->writes, 0);
	CHECK_EQ(fsvm_k_bst_lookup_batch(m, 0x1234, 0x3, 0, 0, 0x5, &io), FSVM_ST_DONE);
	CHECK_EQ(m->reads + m->writes, 0);
	CHECK_EQ(fsvm_k_bst_lookup_batch(m, t.root, VA(keys), 3, 2, VA(res) + 4, &io),
		 FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, VA(res) + 4);
	CHECK_EQ(io.syndrome, ALIGN_SYND | FSVM_SYND_WRITE);

	/* k = 2: the first group holds the too-deep key: nothing written */
	memset(res, 0x55, sizeof(res));
	taxi_reset(m);
	CHECK_EQ(fsvm_k_bst_lookup_batch(m, t.root, VA(keys), 3, 2, VA(res), &io),
		 FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, VA(&t.nodes[FSVM_BST_MAX_DEPTH]));
	CHECK_EQ(io.syndrome, DEPTH_SYND);
	CHECK_EQ(io.items, 0);
	CHECK_EQ(m->writes, 0);
	CHECK_EQ(res[0], 0x5555555555555555ull);
	/* k = 1: the first key's group is written, then the limit */
	taxi_reset(m);
	CHECK_EQ(fsvm_k_bst_lookup_batch(m, t.root, VA(keys), 3, 1, VA(res), &io),
		 FSVM_ST_FAULTED);
	CHECK_EQ(io.fault_va, VA(&t.nodes[FSVM_BST_MAX_DEPTH]));
	CHECK_EQ(io.items, 1);
	CHECK_EQ(res[0], 1000010u);
	CHECK_EQ(res[1], 0x5555555555555555ull);

	/* A node that faults (lane 1's walk, depth 6): stops at once, the group
	 * is not written, no access after the fault. */
	keys[0] = t.nodes[2].key;
	keys[1] = t.nodes[8].key;
	memset(res, 0x55, sizeof(res));
	taxi_reset(m);
	taxi_add_fault(m, VA(&t.nodes[5]), 32, TAXI_F_READ);
	CHECK_EQ(fsvm_k_bst_lookup_batch(m, t.root, VA(keys), 2, 2, VA(res), &io),
		 FSVM_ST_FAULTED);
	CHECK_EQ(m->fault_va, VA(&t.nodes[5]));
	CHECK_EQ(m->calls_after_fault, 0);
	CHECK_EQ(m->writes, 0);
	CHECK_EQ(io.items, 0);
	taxi_clear_faults(m);
	taxi_reset(m);
	free(t.mem);
}

int main(void)
{
	struct fsvm_axi m;
	struct prng r = { 0xb57b57ull };

	taxi_init(&m);
	test_random_tree(&m, &r);
	test_degenerate(&m);
	test_batch_errors(&m);
	return check_exit_code("test_kernels_bst");
}
