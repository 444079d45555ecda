/* SPDX-License-Identifier: MIT */
/*
 * test_cmdproc.c - the command processor and the kernel table ROM.
 *
 *  - every kernel dispatched from a ring, with inline arguments and with an
 *    argument block, gives exactly what a direct call of the kernel gives;
 *  - ring index wrap (index & (ring_size - 1));
 *  - BARRIER packets; unknown type / kernel id, misaligned completion VA,
 *    bad ring, misaligned argument block -> BAD_PACKET;
 *  - fsvm_cp_complete writes every field, status last (write log);
 *  - kernel table: ids, names, nargs and argument kinds/types/sizes/names.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_axi.h"
#include "test_check.h"

#define RING_SIZE 8u

/* ---- kernel table ---- */

struct arg_expect {
	const char *name;
	uint8_t kind, type, size;
};

static void check_entry(uint32_t id, const char *name, uint32_t nargs, const struct arg_expect *a)
{
	const struct fsvm_kernel_desc *d = &fsvm_kernel_table[id];

	CHECK_EQ(d->id, id);
	CHECK(strcmp(d->name, name) == 0);
	CHECK(memchr(d->name, 0, sizeof(d->name)) != NULL);
	CHECK_EQ(d->nargs, nargs);
	CHECK(d->nargs <= FSVM_INLINE_ARGS);		/* every kernel fits inline */
	for (uint32_t i = 0; i < FSVM_MAX_ARGS; i++) {
		const struct fsvm_kernel_arg_desc *ad = &d->args[i];

		if (i >= nargs) {
			CHECK_EQ(ad->kind, FSVM_ARG_NONE);
			CHECK_EQ(ad->name[0], 0);
			continue;
		}
		CHECK(memchr(ad->name, 0, sizeof(ad->name)) != NULL);
		if (strcmp(ad->name, a[i].name) != 0) {
			fprintf(stderr, "kernel %s arg %u: name '%s', want '%s'\n", name, i,
				ad->name, a[i].name);
			check_failures++;
		}
		CHECK_EQ(ad->kind, a[i].kind);
		CHECK_EQ(ad->type, a[i].type);
		CHECK_EQ(ad->size, a[i].size);
		CHECK_EQ(ad->reserved, 0);
		/* Scalars: size matches the kind. */
		if (ad->kind == FSVM_ARG_U64)
			CHECK_EQ(ad->size, 8);
		if (ad->kind == FSVM_ARG_U32 || ad->kind == FSVM_ARG_F32)
			CHECK_EQ(ad->size, 4);
	}
}

static void test_table(void)
{
	enum { IN = FSVM_ARG_PTR_IN, OUT = FSVM_ARG_PTR_OUT, U64 = FSVM_ARG_U64, U32 = FSVM_ARG_U32 };
	static const struct arg_expect chase[] = {
		{ "head", IN, FSVM_TYPE_LIST_NODE, 32 },
		{ "max_hops", U64, FSVM_TYPE_U64, 8 },
		{ "result", OUT, FSVM_TYPE_CHASE_RESULT, 32 },
	};
	static const struct arg_expect search[] = {
		{ "head", IN, FSVM_TYPE_LIST_NODE, 32 },
		{ "key", U64, FSVM_TYPE_U64, 8 },
		{ "max_hops", U64, FSVM_TYPE_U64, 8 },
		{ "result", OUT, FSVM_TYPE_CHASE_RESULT, 32 },
	};
	static const struct arg_expect bst[] = {
		{ "root", IN, FSVM_TYPE_BST_NODE, 32 },
		{ "keys", IN, FSVM_TYPE_U64, 8 },
		{ "n", U64, FSVM_TYPE_U64, 8 },
		{ "results", OUT, FSVM_TYPE_U64, 8 },
	};
	static const struct arg_expect hash[] = {
		{ "buckets", IN, FSVM_TYPE_NODE_PTR, 8 },
		{ "nbuckets", U64, FSVM_TYPE_U64, 8 },
		{ "keys", IN, FSVM_TYPE_U64, 8 },
		{ "n", U64, FSVM_TYPE_U64, 8 },
		{ "results", OUT, FSVM_TYPE_U64, 8 },
	};
	static const struct arg_expect vadd[] = {
		{ "a", IN, FSVM_TYPE_F32, 4 },
		{ "b", IN, FSVM_TYPE_F32, 4 },
		{ "c", OUT, FSVM_TYPE_F32, 4 },
		{ "n", U64, FSVM_TYPE_U64, 8 },
	};
	static const struct arg_expect mcpy[] = {
		{ "dst", OUT, FSVM_TYPE_VOID, 1 },
		{ "src", IN, FSVM_TYPE_VOID, 1 },
		{ "nbytes", U64, FSVM_TYPE_U64, 8 },
	};
	static const struct arg_expect mset[] = {
		{ "dst", OUT, FSVM_TYPE_VOID, 1 },
		{ "value", U32, FSVM_TYPE_U32, 4 },
		{ "nbytes", U64, FSVM_TYPE_U64, 8 },
	};

	check_entry(FSVM_K_NOP, "nop", 0, NULL);
	check_entry(FSVM_K_POINTER_CHASE, "pointer_chase", 3, chase);
	check_entry(FSVM_K_LIST_SEARCH, "list_search", 4, search);
	check_entry(FSVM_K_BST_LOOKUP, "bst_lookup", 4, bst);
	check_entry(FSVM_K_HASH_PROBE, "hash_probe", 5, hash);
	check_entry(FSVM_K_VADD, "vadd", 4, vadd);
	check_entry(FSVM_K_MEMCPY, "memcpy", 3, mcpy);
	check_entry(FSVM_K_MEMSET, "memset", 3, mset);
	for (uint32_t i = 0; i < FSVM_K_COUNT; i++)
		for (uint32_t j = 0; j < FSVM_MAX_ARGS; j++)
			CHECK(fsvm_kernel_table[i].args[j].kind <= FSVM_ARG_F32);
}

/* ---- kernels through the ring ---- */

struct kcase {
	uint16_t kid;
	uint64_t args[FSVM_INLINE_ARGS];
	uint8_t *out;		/* the output region the kernel writes */
	size_t out_len;
	uint32_t want_items;
};

static uint32_t direct_call(struct fsvm_axi *m, const struct kcase *k, struct fsvm_kernel_io *io)
{
	const uint64_t *a = k->args;

	switch (k->kid) {
	case FSVM_K_POINTER_CHASE:
		return fsvm_k_pointer_chase(m, a[0], a[1], a[2], io);
	case FSVM_K_LIST_SEARCH:
		return fsvm_k_list_search(m, a[0], a[1], a[2], a[3], io);
	case FSVM_K_BST_LOOKUP:
		return fsvm_k_bst_lookup(m, a[0], a[1], a[2], a[3], io);
	case FSVM_K_HASH_PROBE:
		return fsvm_k_hash_probe(m, a[0], a[1], a[2], a[3], a[4], io);
	case FSVM_K_VADD:
		return fsvm_k_vadd(m, a[0], a[1], a[2], a[3], io);
	case FSVM_K_MEMCPY:
		return fsvm_k_memcpy(m, a[0], a[1], a[2], io);
	case FSVM_K_MEMSET:
		return fsvm_k_memset(m, a[0], a[1] & 0xffffffffu, a[2], io);
	default:
		io->items = 0;
		return FSVM_ST_DONE;
	}
}

static void run_case(struct fsvm_axi *m, struct fsvm_packet *ring, uint64_t *block,
		     const struct kcase *k, uint32_t index)
{
	uint32_t nargs = fsvm_kernel_table[k->kid].nargs;
	uint8_t *want = xmalloc(k->out_len), *got = xmalloc(k->out_len);
	struct fsvm_kernel_io io;
	struct fsvm_cp_result cr;
	uint32_t st;

	/* Direct call: the expectation. */
	memset(k->out, 0xee, k->out_len);
	taxi_reset(m);
	st = direct_call(m, k, &io);
	CHECK_EQ(st, FSVM_ST_DONE);
	CHECK_EQ(io.items, k->want_items);
	memcpy(want, k->out, k->out_len);

	for (int variant = 0; variant < 2; variant++) {
		uint32_t slot = index & (RING_SIZE - 1);
		uint8_t flags = variant ? FSVM_PKT_F_ARG_BLOCK | FSVM_PKT_F_IRQ : FSVM_PKT_F_IRQ;

		memset(block, 0xab, 64);
		if (variant)
			memcpy(block, k->args, nargs * 8u);
		pkt_fill(&ring[slot], FSVM_PKT_KERNEL, flags, k->kid, k->args, nargs, VA(block),
			 0x123450, 0x7a6000u + k->kid);
		memset(k->out, 0xee, k->out_len);
		taxi_reset(m);
		fsvm_cp_dispatch(m, VA(ring), RING_SIZE, index, &cr);
		CHECK_EQ(cr.status, FSVM_ST_DONE);
		CHECK_EQ(cr.phase, FSVM_CP_KERNEL);
		CHECK_EQ(cr.items, k->want_items);
		CHECK_EQ(cr.kernel_id, k->kid);
		CHECK_EQ(cr.type, FSVM_PKT_KERNEL);
		CHECK_EQ(cr.flags, flags);
		CHECK_EQ(cr.completion_va, 0x123450);
		CHECK_EQ(cr.user_tag, 0x7a6000u + k->kid);
		CHECK_EQ(cr.fault_va, 0);
		CHECK_EQ(cr.syndrome, 0);
		memcpy(got, k->out, k->out_len);
		if (memcmp(got, want, k->out_len) != 0) {
			fprintf(stderr, "kernel %u variant %d: output differs from a direct call\n",
				k->kid, variant);
			check_failures++;
		}
		index += RING_SIZE;	/* same slot, next lap */
	}
	free(want);
	free(got);
}

static void test_kernels(struct fsvm_axi *m, struct prng *r)
{
	struct fsvm_packet *ring = xpage_alloc(RING_SIZE * 64u);
	uint64_t *block = xpage_alloc(4096);
	struct fsvm_list_node *list = xpage_alloc(1000 * 32);
	struct fsvm_bst_node *tree = xpage_alloc(1000 * 32);
	struct fsvm_hash_node *hnodes = xpage_alloc(1000 * 32);
	uint64_t *buckets = xpage_alloc(256 * 8);
	uint64_t *keys = xpage_alloc(200 * 8);
	uint8_t *out = xpage_alloc(3 * 4096);
	uint8_t *src = xpage_alloc(3 * 4096);
	uint32_t order[1000];
	struct kcase k;
	uint64_t root = 0;

	memset(ring, 0, RING_SIZE * 64u);
	for (uint32_t i = 0; i < 1000; i++)
		order[i] = i;
	shuffle_u32(r, order, 1000);
	for (uint32_t i = 0; i < 1000; i++) {
		list[order[i]].next = i + 1 < 1000 ? VA(&list[order[i + 1]]) : 0;
		list[order[i]].key = i;
		list[order[i]].payload = prng_next(r);
	}
	memset(buckets, 0, 256 * 8);
	for (uint32_t i = 0; i < 1000; i++) {
		uint64_t *link = &root;
		uint64_t b;

		tree[i] = (struct fsvm_bst_node){ prng_below(r, 5000), prng_next(r) >> 1, 0, 0 };
		while (*link) {
			struct fsvm_bst_node *p = (void *)(uintptr_t)*link;

			if (p->key == tree[i].key)
				break;
			link = tree[i].key < p->key ? &p->left : &p->right;
		}
		if (!*link)
			*link = VA(&tree[i]);
		hnodes[i] = (struct fsvm_hash_node){ 0, prng_below(r, 5000), prng_next(r) >> 1, 0 };
		b = FSVM_HASH(hnodes[i].key) & 255u;
		hnodes[i].next = buckets[b];
		buckets[b] = VA(&hnodes[i]);
	}
	for (uint32_t i = 0; i < 200; i++)
		keys[i] = prng_below(r, 5000);
	for (uint32_t i = 0; i < 3 * 4096; i++)
		src[i] = (uint8_t)prng_next(r);

	k = (struct kcase){ FSVM_K_POINTER_CHASE, { VA(&list[order[0]]), 700 }, out, 32, 700 };
	k.args[2] = VA(out);
	run_case(m, ring, block, &k, 3);
	CHECK_EQ(((struct fsvm_chase_result *)out)->hops, 700);

	k = (struct kcase){ FSVM_K_LIST_SEARCH, { VA(&list[order[0]]), 321, UINT64_MAX, VA(out) },
			    out, 32, 322 };
	run_case(m, ring, block, &k, 4);
	CHECK_EQ(((struct fsvm_chase_result *)out)->last, VA(&list[order[321]]));

	k = (struct kcase){ FSVM_K_BST_LOOKUP, { root, VA(keys), 200, VA(out) + 8 }, out, 4096, 200 };
	run_case(m, ring, block, &k, 5);

	k = (struct kcase){ FSVM_K_HASH_PROBE, { VA(buckets), 256, VA(keys), 200, VA(out) + 4096 - 40 },
			    out, 2 * 4096, 200 };
	run_case(m, ring, block, &k, 6);

	k = (struct kcase){ FSVM_K_VADD, { VA(src) + 4, VA(src) + 4096 - 12, VA(out) + 4096 - 8, 1500 },
			    out, 3 * 4096, 1500 };
	run_case(m, ring, block, &k, 7);

	k = (struct kcase){ FSVM_K_MEMCPY, { VA(out) + 5, VA(src) + 4093, 8001 }, out, 3 * 4096, 8001 };
	run_case(m, ring, block, &k, 8);
	CHECK(memcmp(out + 5, src + 4093, 8001) == 0);

	/* memset's value is a U32 argument: the slot's high bits are dropped. */
	k = (struct kcase){ FSVM_K_MEMSET, { VA(out) + 3, 0xffffffff000001c5ull, 5000 },
			    out, 3 * 4096, 5000 };
	run_case(m, ring, block, &k, 9);
	CHECK_EQ(out[2], 0xee);
	CHECK_EQ(out[3], 0xc5);
	CHECK_EQ(out[5002], 0xc5);
	CHECK_EQ(out[5003], 0xee);

	/* nop: DONE, items 0, only the packet read (also with ARG_BLOCK and a
	 * bogus block pointer: nargs is 0, nothing to fetch). */
	{
		struct fsvm_cp_result cr;

		for (int v = 0; v < 2; v++) {
			pkt_fill(&ring[1], FSVM_PKT_KERNEL, v ? FSVM_PKT_F_ARG_BLOCK : 0, FSVM_K_NOP,
				 NULL, 0, 0x3, 0x8, 42);
			taxi_reset(m);
			fsvm_cp_dispatch(m, VA(ring), RING_SIZE, 1, &cr);
			CHECK_EQ(cr.status, FSVM_ST_DONE);
			CHECK_EQ(cr.items, 0);
			CHECK_EQ(cr.kernel_id, FSVM_K_NOP);
			CHECK_EQ(cr.completion_va, 0x8);
			CHECK_EQ(cr.user_tag, 42);
			CHECK_EQ(m->reads, 1);
			CHECK_EQ(m->writes, 0);
		}
	}
	/* A kernel that rejects its arguments: BAD_PACKET in phase KERNEL. */
	{
		struct fsvm_cp_result cr;
		uint64_t a[5] = { VA(buckets), 255, VA(keys), 200, VA(out) };

		pkt_fill(&ring[2], FSVM_PKT_KERNEL, 0, FSVM_K_HASH_PROBE, a, 5, 0, 0, 0);
		taxi_reset(m);
		fsvm_cp_dispatch(m, VA(ring), RING_SIZE, 2, &cr);
		CHECK_EQ(cr.status, FSVM_ST_BAD_PACKET);
		CHECK_EQ(cr.phase, FSVM_CP_KERNEL);
		CHECK_EQ(m->reads, 1);
	}
	/* An alignment fault the kernel detects: fault_va and syndrome reported. */
	{
		struct fsvm_cp_result cr;
		uint64_t a[4] = { VA(src) + 2, VA(src), VA(out), 10 };

		pkt_fill(&ring[2], FSVM_PKT_KERNEL, 0, FSVM_K_VADD, a, 4, 0, 0, 0);
		fsvm_cp_dispatch(m, VA(ring), RING_SIZE, 2, &cr);
		CHECK_EQ(cr.status, FSVM_ST_FAULTED);
		CHECK_EQ(cr.phase, FSVM_CP_KERNEL);
		CHECK_EQ(cr.fault_va, VA(src) + 2);
		CHECK_EQ(cr.syndrome, FSVM_FAULT_ALIGNMENT << FSVM_SYND_TYPE_SHIFT);
	}
	free(ring);
	free(block);
	free(list);
	free(tree);
	free(hnodes);
	free(buckets);
	free(keys);
	free(out);
	free(src);
}

/* ---- ring wrap, barriers, malformed packets ---- */

static void test_wrap(struct fsvm_axi *m)
{
	static const uint32_t sizes[] = { 1, 2, 8, 4096, 65536 };
	struct fsvm_cp_result cr;

	for (unsigned int s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint32_t n = sizes[s];
		struct fsvm_packet *ring = xpage_alloc((size_t)n * 64u);
		static const uint32_t idx[] = { 0, 1, 3, 7, 8, 11, 4095, 4096, 65535, 65536,
						 0x7fffffffu, 0xfffffffbu, 0xffffffffu };

		for (uint32_t i = 0; i < n; i++)
			pkt_fill(&ring[i], FSVM_PKT_BARRIER, 0, 0, NULL, 0, 0, 8u * (i + 1), 1000u + i);
		for (unsigned int j = 0; j < sizeof(idx) / sizeof(idx[0]); j++) {
			uint32_t slot = idx[j] & (n - 1);

			taxi_reset(m);
			fsvm_cp_dispatch(m, VA(ring), n, idx[j], &cr);
			CHECK_EQ(cr.status, FSVM_ST_DONE);
			CHECK_EQ(cr.user_tag, 1000u + slot);
			CHECK_EQ(cr.completion_va, 8u * (slot + 1));
			CHECK_EQ(m->reads, 1);
			CHECK_EQ(m->read_bytes, 64);
		}
		free(ring);
	}
}

static void expect_bad(struct fsvm_axi *m, uint64_t ring_va, uint32_t size, uint32_t index,
		       uint64_t reads, uint64_t completion_va)
{
	struct fsvm_cp_result cr;

	memset(&cr, 0x5a, sizeof(cr));
	taxi_reset(m);
	fsvm_cp_dispatch(m, ring_va, size, index, &cr);
	CHECK_EQ(cr.status, FSVM_ST_BAD_PACKET);
	CHECK_EQ(cr.phase, FSVM_CP_FETCH);
	CHECK_EQ(cr.items, 0);
	CHECK_EQ(cr.fault_va, 0);
	CHECK_EQ(cr.syndrome, 0);
	CHECK_EQ(cr.completion_va, completion_va);
	CHECK_EQ(m->reads, reads);
	CHECK_EQ(m->writes, 0);
}

static void test_malformed(struct fsvm_axi *m)
{
	struct fsvm_packet *ring = xpage_alloc(RING_SIZE * 64u);
	uint64_t *block = xpage_alloc(4096);
	uint64_t args[5] = { 0, 0, 0, 0, 0 };
	static const uint32_t bad_sizes[] = { 0, 3, 6, 100, 65537, 131072, 0x80000000u, 0xffffffffu };
	struct fsvm_cp_result cr;

	/* Bad rings: nothing read. */
	pkt_fill(&ring[0], FSVM_PKT_BARRIER, 0, 0, NULL, 0, 0, 0x100, 0);
	for (unsigned int i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++)
		expect_bad(m, VA(ring), bad_sizes[i], 0, 0, 0);
	expect_bad(m, VA(ring) + 32, RING_SIZE, 0, 0, 0);
	expect_bad(m, VA(ring) + 8, RING_SIZE, 0, 0, 0);

	/* Unknown types, including INVALID (an unwritten slot); 3 is COMPILED. */
	static const uint8_t bad_types[] = { FSVM_PKT_INVALID, FSVM_PKT_COMPILED + 1, 0x7f, 0xff };
	for (unsigned int i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		pkt_fill(&ring[2], bad_types[i], 0, FSVM_K_NOP, NULL, 0, 0, 0x100, 7);
		expect_bad(m, VA(ring), RING_SIZE, 2, 1, 0x100);
		fsvm_cp_dispatch(m, VA(ring), RING_SIZE, 2, &cr);
		CHECK_EQ(cr.type, bad_types[i]);
		CHECK_EQ(cr.user_tag, 7);
	}
	/* Unknown kernel ids. */
	static const uint16_t bad_ids[] = { FSVM_K_COUNT, 15, 16, 0x100, 0xffff };
	for (unsigned int i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		pkt_fill(&ring[2], FSVM_PKT_KERNEL, 0, bad_ids[i], args, 5, 0, 0x100, 0);
		expect_bad(m, VA(ring), RING_SIZE, 2, 1, 0x100);
		fsvm_cp_dispatch(m, VA(ring), RING_SIZE, 2, &cr);
		CHECK_EQ(cr.kernel_id, bad_ids[i]);
	}
	/* Misaligned completion VAs: reported as 0 (nobody writes there),
	 * for kernels and barriers alike. */
	static const uint64_t bad_cpl[] = { 0x101, 0x104, 0x106, 0xffffffffffffffffull };
	for (unsigned int i = 0; i < sizeof(bad_cpl) / sizeof(bad_cpl[0]); i++) {
		pkt_fill(&ring[2], FSVM_PKT_KERNEL, 0, FSVM_K_NOP, NULL, 0, 0, bad_cpl[i], 0);
		expect_bad(m, VA(ring), RING_SIZE, 2, 1, 0);
		pkt_fill(&ring[2], FSVM_PKT_BARRIER, 0, 0, NULL, 0, 0, bad_cpl[i], 0);
		expect_bad(m, VA(ring), RING_SIZE, 2, 1, 0);
	}
	/* A misaligned argument block: BAD_PACKET, the block is not read. */
	pkt_fill(&ring[2], FSVM_PKT_KERNEL, FSVM_PKT_F_ARG_BLOCK, FSVM_K_MEMSET, NULL, 3,
		 VA(block) + 4, 0x100, 0);
	expect_bad(m, VA(ring), RING_SIZE, 2, 1, 0x100);

	/* BARRIER: DONE, no kernel, whatever kernel_id/args say. */
	pkt_fill(&ring[6], FSVM_PKT_BARRIER, FSVM_PKT_F_BARRIER | FSVM_PKT_F_ARG_BLOCK, 0xffff,
		 NULL, 0, 0x3, 0x200, 77);
	taxi_reset(m);
	fsvm_cp_dispatch(m, VA(ring), RING_SIZE, 6, &cr);
	CHECK_EQ(cr.status, FSVM_ST_DONE);
	CHECK_EQ(cr.items, 0);
	CHECK_EQ(cr.type, FSVM_PKT_BARRIER);
	CHECK_EQ(cr.flags, FSVM_PKT_F_BARRIER | FSVM_PKT_F_ARG_BLOCK);
	CHECK_EQ(cr.completion_va, 0x200);
	CHECK_EQ(cr.user_tag, 77);
	CHECK_EQ(m->reads, 1);
	CHECK_EQ(m->writes, 0);

	/* Unknown flag bits are ignored. */
	pkt_fill(&ring[6], FSVM_PKT_KERNEL, 0xf0, FSVM_K_NOP, NULL, 0, 0, 0, 0);
	fsvm_cp_dispatch(m, VA(ring), RING_SIZE, 6, &cr);
	CHECK_EQ(cr.status, FSVM_ST_DONE);
	free(ring);
	free(block);
}

/* ---- completion records ---- */

static void check_complete_at(struct fsvm_axi *m, uint8_t *page, uint32_t off)
{
	struct fsvm_completion rec = {
		.status = FSVM_ST_FAULTED, .syndrome = 0x8d, .fault_va = 0x1122334455667788ull,
		.start_ticks = 1000, .end_ticks = 2000, .cycles = 0xabcdef, .bytes = 4096,
		.tlb_hits = 11, .tlb_misses = 22, .items = 33, .stalls = 44,
	};
	uint8_t *p = page + off;
	uint64_t va = VA(p);
	uint8_t covered[64];

	memset(page, 0x99, 3 * 4096);
	taxi_reset(m);
	CHECK_EQ(fsvm_cp_complete(m, va, &rec), 0);
	CHECK(memcmp(p, &rec, 64) == 0);
	CHECK_EQ(page[off - 1], 0x99);
	CHECK_EQ(page[off + 64], 0x99);
	CHECK(m->nwlog >= 2 && m->nwlog <= TAXI_LOG_MAX);
	memset(covered, 0, sizeof(covered));
	for (uint64_t i = 0; i < m->nwlog && i < TAXI_LOG_MAX; i++) {
		const struct taxi_wlog *w = &m->wlog[i];
		int is_last = i + 1 == m->nwlog;
		int touches_status = w->va < va + 4 && w->va + w->len > va;

		CHECK(w->va >= va && w->va + w->len <= va + 64);
		/* Only the last write touches the status field, and it covers it. */
		CHECK_EQ(touches_status, is_last);
		if (is_last)
			CHECK(w->va <= va && w->va + w->len >= va + 4);
		for (uint32_t b = 0; b < w->len && w->va + b - va < 64; b++)
			covered[w->va + b - va]++;
	}
	for (unsigned int b = 0; b < 64; b++)
		CHECK_EQ(covered[b], 1);		/* every byte exactly once */
}

static void test_complete(struct fsvm_axi *m)
{
	uint8_t *page = xpage_alloc(3 * 4096);
	struct fsvm_completion rec;

	check_complete_at(m, page, 4096);
	check_complete_at(m, page, 4096 + 8);
	check_complete_at(m, page, 2 * 4096 - 8);	/* straddles: two bursts + status */
	check_complete_at(m, page, 2 * 4096 - 32);
	check_complete_at(m, page, 2 * 4096 - 64);

	memset(&rec, 0, sizeof(rec));
	rec.status = FSVM_ST_DONE;
	taxi_reset(m);
	CHECK_EQ(fsvm_cp_complete(m, 0, &rec), 0);		/* nothing requested */
	CHECK(fsvm_cp_complete(m, VA(page) + 4, &rec) != 0);	/* misaligned: refused */
	CHECK_EQ(m->writes, 0);
	free(page);
}

int main(void)
{
	struct fsvm_axi m;
	struct prng r = { 0xc0ffeeull };

	taxi_init(&m);
	test_table();
	test_kernels(&m, &r);
	test_wrap(&m);
	test_malformed(&m);
	test_complete(&m);
	return check_exit_code("test_kernels_cmdproc");
}
