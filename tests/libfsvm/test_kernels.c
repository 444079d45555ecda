/* SPDX-License-Identifier: MIT */
/*
 * test_kernels.c - every kernel against its CPU reference on random data
 * built with malloc: lists up to 1M nodes, trees, hash tables, odd sizes,
 * empty inputs, odd offsets of malloc'ed buffers, misaligned arguments.
 */
#include <string.h>

#include "check.h"
#include "workload.h"

static struct fsvm_device *dev;
static struct fsvm_context *ctx;

static int run(uint32_t kernel, const uint64_t *args, unsigned int nargs,
	       struct fsvm_completion *rec, struct fsvm_fault *fault)
{
	return fsvm_run(ctx, kernel, args, nargs, rec, 0, TEST_TIMEOUT_NS, fault);
}

static void check_chase(const struct list_workload *list, uint64_t max_hops)
{
	struct fsvm_chase_result got, want = chase_reference(list->head, max_hops);
	struct fsvm_completion rec;
	uint64_t args[] = { (uintptr_t)list->head, max_hops, (uintptr_t)&got };

	memset(&got, 0xa5, sizeof(got));
	CHECK_ERR(run(FSVM_K_POINTER_CHASE, args, 3, &rec, NULL), FSVM_OK);
	CHECK_EQ(got.hops, want.hops);
	CHECK_EQ(got.last, want.last);
	CHECK_EQ(got.checksum, want.checksum);
	CHECK_EQ(got.found, want.found);
	CHECK_EQ(rec.items, want.hops);
}

static void check_search(const struct list_workload *list, uint64_t key, uint64_t max_hops)
{
	struct fsvm_chase_result got, want = search_reference(list->head, key, max_hops);
	struct fsvm_completion rec;
	uint64_t args[] = { (uintptr_t)list->head, key, max_hops, (uintptr_t)&got };

	memset(&got, 0xa5, sizeof(got));
	CHECK_ERR(run(FSVM_K_LIST_SEARCH, args, 4, &rec, NULL), FSVM_OK);
	CHECK(memcmp(&got, &want, sizeof(got)) == 0);
}

static void test_lists(void)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 17, 1000, 1u << 20 };

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct list_workload list;
		/* on the co-simulated RTL (~10 us a hop) the long list is 32 Ki nodes */
		size_t n = test_device_is_rtl() && sizes[s] > (1u << 15) ? 1u << 15 : sizes[s];

		REQUIRE(list_build(&list, n, 100 + s) == 0);
		check_chase(&list, FSVM_MAX_HOPS);
		if (n <= 1000) {
			/* Hop limits around the length: found flips at n. */
			check_chase(&list, 0);
			check_chase(&list, 1);
			if (n > 1)
				check_chase(&list, n - 1);
			check_chase(&list, n);
			check_chase(&list, n + 1);
			check_chase(&list, UINT64_MAX);	/* clamped to FSVM_MAX_HOPS */
		}
		if (n) {
			check_search(&list, list.nodes[n / 2]->key, FSVM_MAX_HOPS);
			check_search(&list, list.head->key, FSVM_MAX_HOPS);
			check_search(&list, list.nodes[n / 2]->key, n / 3);	/* cut short */
		}
		check_search(&list, 0x1234567, FSVM_MAX_HOPS);	/* absent */
		list_free(&list);
	}
}

static void check_bst(size_t nodes, size_t nkeys, uint64_t seed, size_t offset)
{
	struct bst_workload tree;
	struct {
		uint64_t *keys, *results;
		void *kbase, *rbase;
	} b;
	struct fsvm_completion rec;
	struct rng r;

	REQUIRE(bst_build(&tree, nodes, seed) == 0);
	b.kbase = malloc(nkeys * 8 + offset + 8);
	b.rbase = malloc(nkeys * 8 + offset + 8);
	REQUIRE(b.kbase && b.rbase);
	b.keys = (uint64_t *)((char *)b.kbase + offset);
	b.results = (uint64_t *)((char *)b.rbase + offset);
	rng_seed(&r, seed);
	lookup_keys(&r, b.keys, nkeys, nodes);
	for (size_t i = 0; i < nkeys; i++)
		b.results[i] = 0xdead;
	uint64_t args[] = { (uintptr_t)tree.root, (uintptr_t)b.keys, nkeys, (uintptr_t)b.results };

	CHECK_ERR(run(FSVM_K_BST_LOOKUP, args, 4, &rec, NULL), FSVM_OK);
	size_t bad = 0;

	for (size_t i = 0; i < nkeys; i++)
		bad += b.results[i] != bst_reference(tree.root, b.keys[i]);
	CHECK_EQ(bad, 0);

	/* bst_lookup_batch, k = 1, 4, 16: the same results on the device; with
	 * enough keys, 16 lookups in flight cost fewer modelled cycles than 1 */
	uint64_t cyc[17] = { 0 };

	for (uint64_t k = 1; k <= 16; k *= 4) {
		uint64_t bargs[] = { (uintptr_t)tree.root, (uintptr_t)b.keys, nkeys, k,
				     (uintptr_t)b.results };

		for (size_t i = 0; i < nkeys; i++)
			b.results[i] = 0xdead;
		CHECK_ERR(run(FSVM_K_BST_LOOKUP_BATCH, bargs, 5, &rec, NULL), FSVM_OK);
		CHECK_EQ(rec.items, nkeys);
		bad = 0;
		for (size_t i = 0; i < nkeys; i++)
			bad += b.results[i] != bst_reference(tree.root, b.keys[i]);
		CHECK_EQ(bad, 0);
		cyc[k] = rec.cycles;
	}
	/* the model's overlap of a batch's bursts; the RTL's lanes issue one at a time */
	if (nodes >= 1000 && nkeys >= 1000 && !test_device_is_rtl())
		CHECK(cyc[16] < cyc[4] && cyc[4] < cyc[1]);
	free(b.kbase);
	free(b.rbase);
	bst_free(&tree);
}

static void check_hash(size_t nodes, uint64_t nbuckets, size_t nkeys, uint64_t seed)
{
	struct hash_workload table;
	struct fsvm_completion rec;
	uint64_t *keys = malloc(nkeys * 8 + 8), *results = malloc(nkeys * 8 + 8);
	struct rng r;
	size_t bad = 0;

	REQUIRE(keys && results);
	REQUIRE(hash_build(&table, nodes, nbuckets, seed) == 0);
	rng_seed(&r, seed);
	lookup_keys(&r, keys, nkeys, nodes);
	uint64_t args[] = { (uintptr_t)table.buckets, nbuckets, (uintptr_t)keys, nkeys,
			    (uintptr_t)results };

	CHECK_ERR(run(FSVM_K_HASH_PROBE, args, 5, &rec, NULL), FSVM_OK);
	for (size_t i = 0; i < nkeys; i++)
		bad += results[i] != hash_reference(table.buckets, nbuckets, keys[i]);
	CHECK_EQ(bad, 0);

	/* hash_probe_batch, k = 1, 4, 16: the same results; fewer modelled
	 * cycles with more probes in flight */
	uint64_t cyc[17] = { 0 };

	for (uint64_t k = 1; k <= 16; k *= 4) {
		uint64_t bargs[] = { (uintptr_t)table.buckets, nbuckets, (uintptr_t)keys, nkeys, k,
				     (uintptr_t)results };

		for (size_t i = 0; i < nkeys; i++)
			results[i] = 0xdead;
		CHECK_ERR(run(FSVM_K_HASH_PROBE_BATCH, bargs, 6, &rec, NULL), FSVM_OK);
		CHECK_EQ(rec.items, nkeys);
		bad = 0;
		for (size_t i = 0; i < nkeys; i++)
			bad += results[i] != hash_reference(table.buckets, nbuckets, keys[i]);
		CHECK_EQ(bad, 0);
		cyc[k] = rec.cycles;
	}
	/* the model's overlap of a batch's bursts; the RTL's lanes issue one at a time */
	if (nodes >= 1000 && nkeys >= 1000 && !test_device_is_rtl())
		CHECK(cyc[16] < cyc[4] && cyc[4] < cyc[1]);
	hash_free(&table);
	free(keys);
	free(results);
}

static void test_trees_and_tables(void)
{
	check_bst(0, 10, 1, 0);		/* empty tree: all absent */
	check_bst(1, 5, 2, 0);
	check_bst(17, 100, 3, 8);	/* buffers at malloc + 8 */
	check_bst(10000, test_device_is_rtl() ? 1000 : 5000, 4, 24);	/* rtl: fewer keys */
	check_bst(100, 0, 5, 0);	/* no keys */

	check_hash(0, 1, 10, 6);
	check_hash(1000, 1, 200, 7);	/* one bucket: one long chain */
	check_hash(1000, 64, 1000, 8);
	check_hash(50000, 4096, test_device_is_rtl() ? 2000 : 20000, 9);
	check_hash(10, 16, 0, 10);
}

static void test_vadd(size_t n, size_t offset)
{
	char *base = malloc(3 * (n * 4 + offset + 16));
	float *a = (float *)(base + offset);
	float *b = (float *)((char *)a + n * 4 + 4);	/* deliberately not 8-aligned */
	float *c = (float *)((char *)b + n * 4 + 4);
	struct fsvm_completion rec;
	struct rng r;
	size_t bad = 0;

	REQUIRE(base);
	rng_seed(&r, n);
	for (size_t i = 0; i < n; i++) {
		a[i] = (float)(int64_t)rng_below(&r, 1u << 24) * 0.125f - 1e6f;
		b[i] = (float)(int64_t)rng_below(&r, 1u << 20) / 3.0f;
		c[i] = -1.0f;
	}
	uint64_t args[] = { (uintptr_t)a, (uintptr_t)b, (uintptr_t)c, n };

	CHECK_ERR(run(FSVM_K_VADD, args, 4, &rec, NULL), FSVM_OK);
	for (size_t i = 0; i < n; i++) {
		float want = a[i] + b[i];

		bad += memcmp(&c[i], &want, 4) != 0;
	}
	CHECK_EQ(bad, 0);
	free(base);
}

static void test_bytes(size_t n, size_t dst_off, size_t src_off)
{
	unsigned char *dbase = malloc(n + dst_off + 32), *sbase = malloc(n + src_off + 32);
	unsigned char *dst = dbase + dst_off, *src = sbase + src_off;
	struct fsvm_completion rec;

	REQUIRE(dbase && sbase);
	for (size_t i = 0; i < n + 16; i++) {
		src[i] = (unsigned char)(i * 7 + 1);
		dst[i] = 0xee;
	}
	uint64_t cargs[] = { (uintptr_t)dst, (uintptr_t)src, n };

	CHECK_ERR(run(FSVM_K_MEMCPY, cargs, 3, &rec, NULL), FSVM_OK);
	CHECK(memcmp(dst, src, n) == 0);
	CHECK_EQ(dst[n], 0xee);	/* not one byte more */

	uint64_t sargs[] = { (uintptr_t)dst, 0x3c, n };

	CHECK_ERR(run(FSVM_K_MEMSET, sargs, 3, &rec, NULL), FSVM_OK);
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		bad += dst[i] != 0x3c;
	CHECK_EQ(bad, 0);
	CHECK_EQ(dst[n], 0xee);
	free(dbase);
	free(sbase);
}

/* A pointer that breaks element alignment ends in an alignment fault there. */
static void test_misaligned(void)
{
	struct fsvm_list_node *node = calloc(2, sizeof(*node));
	uint64_t *buf = calloc(16, 8);
	struct fsvm_chase_result res;
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	uint64_t bad_head = (uintptr_t)node + 4;

	REQUIRE(node && buf);
	uint64_t args[] = { bad_head, 10, (uintptr_t)&res };

	CHECK_ERR(run(FSVM_K_POINTER_CHASE, args, 3, &rec, &fault), FSVM_ERR_FAULT);
	CHECK_EQ(fault.va, bad_head);
	CHECK_EQ(fault.type, FSVM_FAULT_ALIGNMENT);

	uint64_t bargs[] = { 0, (uintptr_t)buf + 2, 3, (uintptr_t)(buf + 8) };

	CHECK_ERR(run(FSVM_K_BST_LOOKUP, bargs, 4, &rec, &fault), FSVM_ERR_FAULT);
	CHECK_EQ(fault.va, (uintptr_t)buf + 2);
	CHECK_EQ(fault.type, FSVM_FAULT_ALIGNMENT);

	float *f = (float *)buf;
	uint64_t vargs[] = { (uintptr_t)f, (uintptr_t)f + 1, (uintptr_t)(f + 8), 4 };

	CHECK_ERR(run(FSVM_K_VADD, vargs, 4, &rec, &fault), FSVM_ERR_FAULT);
	CHECK_EQ(fault.va, (uintptr_t)f + 1);
	CHECK_EQ(fault.type, FSVM_FAULT_ALIGNMENT);

	/* The context carries on. */
	test_vadd(5, 0);
	free(node);
	free(buf);
}

/*
 * pointer_chase_batch on the device: k segments of one malloc'ed list, each
 * lane against the CPU; and the cycle model's overlap: for the same hops,
 * k interleaved chases are charged fewer modelled cycles than one (the
 * DDR latency is paid per round). A property of the deterministic model,
 * not a timing.
 */
static void test_batch(void)
{
	struct list_workload list;
	struct fsvm_chase_result got[FSVM_BATCH_LANES];
	uint64_t heads[FSVM_BATCH_LANES], cycles[17] = { 0 };
	/* 20000 hops per k; 2000 on the co-simulated RTL (about function there) */
	const size_t n = test_device_is_rtl() ? 2000 : 20000;

	REQUIRE(list_build(&list, n, 77) == 0);
	for (unsigned int k = 1; k <= FSVM_BATCH_LANES; k++) {
		uint64_t seg = n / k;
		struct fsvm_completion rec;
		struct fsvm_list_node *p = list.head;

		for (unsigned int l = 0; l < k; l++) {
			heads[l] = (uintptr_t)p;
			for (uint64_t h = 0; h < seg && p; h++)
				p = (struct fsvm_list_node *)(uintptr_t)p->next;
		}
		uint64_t args[] = { (uintptr_t)heads, k, seg, (uintptr_t)got };

		memset(got, 0xa5, sizeof(got));
		CHECK_ERR(run(FSVM_K_POINTER_CHASE_BATCH, args, 4, &rec, NULL), FSVM_OK);
		for (unsigned int l = 0; l < k; l++) {
			struct fsvm_chase_result want =
				chase_reference((struct fsvm_list_node *)(uintptr_t)heads[l], seg);

			CHECK(memcmp(&got[l], &want, sizeof(want)) == 0);
		}
		CHECK_EQ(rec.items, seg * k);
		cycles[k] = rec.cycles * 1000 / (seg * k);	/* per 1000 hops */
	}
	if (!test_device_is_rtl()) {	/* the model's overlap (see above) */
		CHECK(cycles[2] < cycles[1]);
		CHECK(cycles[8] < cycles[4]);
	}
	/* a NULL head is an empty list; k = 0 touches nothing; k = 17 is refused */
	heads[0] = 0;
	uint64_t args0[] = { (uintptr_t)heads, 1, 10, (uintptr_t)got };
	struct fsvm_completion rec;

	CHECK_ERR(run(FSVM_K_POINTER_CHASE_BATCH, args0, 4, &rec, NULL), FSVM_OK);
	CHECK_EQ(got[0].hops, 0);
	CHECK_EQ(got[0].found, 1);
	args0[1] = FSVM_BATCH_LANES + 1;
	CHECK_ERR(run(FSVM_K_POINTER_CHASE_BATCH, args0, 4, &rec, NULL), FSVM_ERR_BAD_PACKET);
	list_free(&list);
}

int main(void)
{
	struct fsvm_completion rec;

	open_test_device(&dev, &ctx, 0);
	CHECK_ERR(fsvm_run(ctx, FSVM_K_NOP, NULL, 0, &rec, 7, TEST_TIMEOUT_NS, NULL), FSVM_OK);
	CHECK_EQ(rec.status, FSVM_ST_DONE);

	test_lists();
	test_batch();
	test_trees_and_tables();
	test_vadd(0, 0);
	test_vadd(1, 4);
	test_vadd(3, 12);
	test_vadd(1001, 4);
	test_vadd(12345, 0);
	test_bytes(0, 0, 0);
	test_bytes(1, 1, 3);
	test_bytes(4095, 7, 1);
	test_bytes(4096, 4095, 13);	/* crosses pages at odd places */
	test_bytes(100003, 3, 5);
	test_misaligned();

	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	return check_exit_code("test_kernels");
}
