/* SPDX-License-Identifier: MIT */
/*
 * bst_lookup.c - a binary search tree built with malloc() is searched on
 * the device for a batch of keys; the key and result arrays are plain
 * malloc'ed arrays too. Nothing is copied or serialized.
 *
 * Run: ./bst_lookup [nodes] [keys]     (default 100000 nodes, 10000 keys)
 * Exit status 0 when every device answer equals the CPU's, 1 when one
 * differs or something failed (said on stderr), 2 for a bad command line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "example_args.h"
#include "fsvm.h"

static uint64_t next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* Insert without recursion; the tree holds pointers as uint64_t VAs. */
static void insert(struct fsvm_bst_node **root, struct fsvm_bst_node *node)
{
	struct fsvm_bst_node *at = *root;

	if (!at) {
		*root = node;
		return;
	}
	for (;;) {
		uint64_t *link = node->key < at->key ? &at->left : &at->right;

		if (!*link) {
			*link = (uint64_t)(uintptr_t)node;
			return;
		}
		at = (struct fsvm_bst_node *)(uintptr_t)*link;
	}
}

static uint64_t cpu_lookup(const struct fsvm_bst_node *node, uint64_t key)
{
	while (node) {
		if (key == node->key)
			return node->value;
		node = (const struct fsvm_bst_node *)(uintptr_t)
			(key < node->key ? node->left : node->right);
	}
	return FSVM_NOT_FOUND;
}

static void free_tree(struct fsvm_bst_node *node)
{
	/* Iterative post-order would need a stack; rotating right children
	 * into the left spine frees with O(1) memory. */
	while (node) {
		struct fsvm_bst_node *left = (struct fsvm_bst_node *)(uintptr_t)node->left;

		if (left) {
			node->left = left->right;
			left->right = (uint64_t)(uintptr_t)node;
			node = left;
		} else {
			struct fsvm_bst_node *right = (struct fsvm_bst_node *)(uintptr_t)node->right;

			free(node);
			node = right;
		}
	}
}

int main(int argc, char **argv)
{
	size_t nodes, nkeys;
	struct fsvm_bst_node *root = NULL, *pending = NULL;
	uint64_t *keys, *results, seed = 0x9e3779b97f4a7c15ull;
	struct fsvm_device *dev = NULL;
	struct fsvm_context *ctx = NULL;
	struct fsvm_completion rec;
	struct fsvm_launch_stats stats;
	struct fsvm_fault fault;
	size_t found = 0, wrong = 0;
	int err;

	example_args(argc, argv, 2, "[nodes] [keys]\n"
		     "Builds a binary search tree of nodes (1..2^32, default 100000) with\n"
		     "malloc and looks up keys (0..2^32, default 10000) on the device.\n");
	nodes = example_count(argc, argv, 1, "nodes", 100000, 1, 1ull << 32);
	nkeys = example_count(argc, argv, 2, "keys", 10000, 0, FSVM_MAX_ELEMS);

	keys = malloc((nkeys ? nkeys : 1) * sizeof(*keys));
	results = malloc((nkeys ? nkeys : 1) * sizeof(*results));
	if (!keys || !results) {
		fprintf(stderr, "%s: out of memory for the key and result arrays "
			"(2 x %zu bytes)\n", example_name(argv), nkeys * sizeof(*keys));
		return 1;
	}

	/*
	 * All the nodes first, one calloc each, chained through their right
	 * links: running out of memory shows up after a second, not after
	 * minutes of inserting into a tree that can never be finished.
	 */
	for (size_t i = 0; i < nodes; i++) {
		struct fsvm_bst_node *node = calloc(1, sizeof(*node));

		if (!node) {
			fprintf(stderr, "%s: out of memory after %zu of %zu tree nodes "
				"(%zu bytes each, one malloc per node)\n", example_name(argv),
				i, nodes, sizeof(*node));
			free_tree(pending);
			free(keys);
			free(results);
			return 1;
		}
		node->right = (uint64_t)(uintptr_t)pending;
		pending = node;
	}
	/* Random keys below 4 * nodes: some lookups hit, some miss. */
	while (pending) {
		struct fsvm_bst_node *node = pending;

		pending = (struct fsvm_bst_node *)(uintptr_t)node->right;
		node->right = 0;
		node->key = next_random(&seed) % (4 * (uint64_t)nodes + 1);
		node->value = node->key * 10 + 1;
		insert(&root, node);
	}
	for (size_t i = 0; i < nkeys; i++)
		keys[i] = next_random(&seed) % (4 * (uint64_t)nodes + 1);
	printf("Built a binary search tree of %zu malloc'ed nodes; looking up %zu keys.\n",
	       nodes, nkeys);

	err = fsvm_device_open(NULL, &dev);
	if (!err)
		err = fsvm_context_create(dev, 0, &ctx);
	if (err) {
		fprintf(stderr, "cannot open the fsvm device: %s\n", fsvm_strerror(err));
		return 1;
	}

	uint64_t args[] = { (uintptr_t)root, (uintptr_t)keys, nkeys, (uintptr_t)results };

	err = fsvm_run(ctx, FSVM_K_BST_LOOKUP, args, 4, &rec, 0, FSVM_TIMEOUT_INFINITE, &fault);
	if (err) {
		char text[160];

		fprintf(stderr, "the device failed: %s%s%s\n", fsvm_strerror(err),
			err == FSVM_ERR_FAULT ? ": " : "",
			err == FSVM_ERR_FAULT ? fsvm_fault_describe(&fault, text, sizeof(text)) : "");
		return 1;
	}

	/* Duplicate keys went right at insertion, so the first match on the
	 * way down is what both sides find. */
	for (size_t i = 0; i < nkeys; i++) {
		uint64_t want = cpu_lookup(root, keys[i]);

		if (results[i] != want) {
			if (wrong++ < 5)
				printf("key %" PRIu64 ": device 0x%" PRIx64 ", CPU 0x%" PRIx64 "\n",
				       keys[i], results[i], want);
		}
		found += want != FSVM_NOT_FOUND;
	}
	printf("%zu keys found, %zu absent; %s\n", found, nkeys - found,
	       wrong ? "MISMATCH with the CPU reference!" : "all results match CPU reference.");

	if (fsvm_launch_stats(dev, &rec, &stats) == FSVM_OK)
		printf("Device: %" PRIu64 " cycles, %.1f us, %" PRIu64 " bytes, "
		       "TLB %" PRIu32 " hits / %" PRIu32 " misses\n", stats.cycles,
		       stats.device_us, stats.bytes, stats.tlb_hits, stats.tlb_misses);

	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	free_tree(root);
	free(keys);
	free(results);
	return wrong ? 1 : 0;
}
