/* SPDX-License-Identifier: MIT */
/*
 * workload.c - random host data structures and CPU references.
 */
#include "workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rng_seed(struct rng *r, uint64_t seed)
{
	r->state = seed;
}

uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t rng_below(struct rng *r, uint64_t bound)
{
	/* The modulo bias is irrelevant for test data. */
	return bound ? rng_next(r) % bound : 0;
}

void random_permutation(struct rng *r, size_t *perm, size_t n)
{
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)rng_below(r, i);
		size_t t = perm[i - 1];

		perm[i - 1] = perm[j];
		perm[j] = t;
	}
}

void progress(const char *label, size_t done, size_t total)
{
	/* One line per tenth: print when done crosses into a new tenth. */
	if (total < 1000000 || done == 0 || done > total)
		return;
	if (done * 10 / total != (done - 1) * 10 / total)
		fprintf(stderr, "%s: %zu%% (%zu of %zu)\n", label,
			done * 100 / total, done, total);
}

int list_build(struct list_workload *w, size_t n, uint64_t seed)
{
	struct rng r;
	size_t *order = NULL;

	memset(w, 0, sizeof(*w));
	rng_seed(&r, seed);
	w->nodes = calloc(n ? n : 1, sizeof(*w->nodes));
	order = malloc((n ? n : 1) * sizeof(*order));
	if (!w->nodes || !order)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		w->nodes[i] = malloc(sizeof(struct fsvm_list_node));
		if (!w->nodes[i])
			goto fail;
		w->n = i + 1;
		w->nodes[i]->key = rng_next(&r);
		w->nodes[i]->payload = rng_next(&r);
		w->nodes[i]->pad = 0;
		progress("building list", i + 1, n);
	}
	/* Link in a random order: the walk jumps around the heap. */
	random_permutation(&r, order, n);
	for (size_t i = 0; i < n; i++)
		w->nodes[order[i]]->next = i + 1 < n ? (uint64_t)(uintptr_t)w->nodes[order[i + 1]] : 0;
	w->head = n ? w->nodes[order[0]] : NULL;
	free(order);
	return 0;
fail:
	free(order);
	list_free(w);
	return -1;
}

struct fsvm_list_node *list_build_in_arena(void *arena, size_t n, uint64_t seed)
{
	struct fsvm_list_node *slots = arena, *head;
	size_t *order;
	struct rng r;

	if (n == 0)
		return NULL;
	rng_seed(&r, seed);
	order = malloc(n * sizeof(*order));
	if (order)
		random_permutation(&r, order, n);
	/* Without memory for the permutation: allocation order, still a list. */
	for (size_t i = 0; i < n; i++) {
		struct fsvm_list_node *node = &slots[order ? order[i] : i];
		struct fsvm_list_node *next = i + 1 < n ? &slots[order ? order[i + 1] : i + 1] : NULL;

		node->key = rng_next(&r);
		node->payload = rng_next(&r);
		node->pad = 0;
		node->next = (uint64_t)(uintptr_t)next;
	}
	head = &slots[order ? order[0] : 0];
	free(order);
	return head;
}

void list_free(struct list_workload *w)
{
	if (w->nodes)
		for (size_t i = 0; i < w->n; i++)
			free(w->nodes[i]);
	free(w->nodes);
	memset(w, 0, sizeof(*w));
}

struct fsvm_chase_result chase_reference(const struct fsvm_list_node *head,
					 uint64_t max_hops)
{
	struct fsvm_chase_result res = { 0 };
	const struct fsvm_list_node *node = head;

	while (node && res.hops < max_hops) {
		res.hops++;
		res.last = (uint64_t)(uintptr_t)node;
		res.checksum = FSVM_CHECKSUM_STEP(res.checksum, node->payload);
		node = (const struct fsvm_list_node *)(uintptr_t)node->next;
	}
	res.found = node == NULL;
	return res;
}

struct fsvm_chase_result search_reference(const struct fsvm_list_node *head,
					  uint64_t key, uint64_t max_hops)
{
	struct fsvm_chase_result res = { 0 };
	const struct fsvm_list_node *node = head;

	while (node && res.hops < max_hops) {
		res.hops++;
		if (node->key == key) {
			res.found = 1;
			res.last = (uint64_t)(uintptr_t)node;
			res.checksum = node->payload;
			return res;
		}
		node = (const struct fsvm_list_node *)(uintptr_t)node->next;
	}
	return res;
}

static uint64_t bst_value_of(uint64_t key)
{
	return key * 7 + 3;
}

int bst_build(struct bst_workload *w, size_t n, uint64_t seed)
{
	struct rng r;
	size_t *order;

	memset(w, 0, sizeof(*w));
	rng_seed(&r, seed);
	w->nodes = calloc(n ? n : 1, sizeof(*w->nodes));
	order = malloc((n ? n : 1) * sizeof(*order));
	if (!w->nodes || !order) {
		free(order);
		bst_free(w);
		return -1;
	}
	random_permutation(&r, order, n);
	for (size_t i = 0; i < n; i++) {
		struct fsvm_bst_node *node = malloc(sizeof(*node));
		uint64_t key = 2 * (uint64_t)order[i] + 1;

		if (!node) {
			free(order);
			bst_free(w);
			return -1;
		}
		node->key = key;
		node->value = bst_value_of(key);
		node->left = node->right = 0;
		w->nodes[w->n++] = node;

		/* Insert iteratively: random insertion order keeps depth ~ log n. */
		if (!w->root) {
			w->root = node;
		} else {
			struct fsvm_bst_node *at = w->root;

			for (;;) {
				uint64_t *link = key < at->key ? &at->left : &at->right;

				if (!*link) {
					*link = (uint64_t)(uintptr_t)node;
					break;
				}
				at = (struct fsvm_bst_node *)(uintptr_t)*link;
			}
		}
		progress("building tree", i + 1, n);
	}
	free(order);
	return 0;
}

void bst_free(struct bst_workload *w)
{
	if (w->nodes)
		for (size_t i = 0; i < w->n; i++)
			free(w->nodes[i]);
	free(w->nodes);
	memset(w, 0, sizeof(*w));
}

uint64_t bst_reference(const struct fsvm_bst_node *root, uint64_t key)
{
	const struct fsvm_bst_node *node = root;

	while (node) {
		if (key == node->key)
			return node->value;
		node = (const struct fsvm_bst_node *)(uintptr_t)(key < node->key ? node->left : node->right);
	}
	return FSVM_NOT_FOUND;
}

int hash_build(struct hash_workload *w, size_t n, uint64_t nbuckets, uint64_t seed)
{
	struct rng r;
	size_t *order;

	memset(w, 0, sizeof(*w));
	if (nbuckets == 0 || (nbuckets & (nbuckets - 1)))
		return -1;
	rng_seed(&r, seed);
	w->nbuckets = nbuckets;
	w->buckets = calloc(nbuckets, sizeof(*w->buckets));
	w->nodes = calloc(n ? n : 1, sizeof(*w->nodes));
	order = malloc((n ? n : 1) * sizeof(*order));
	if (!w->buckets || !w->nodes || !order) {
		free(order);
		hash_free(w);
		return -1;
	}
	random_permutation(&r, order, n);
	for (size_t i = 0; i < n; i++) {
		struct fsvm_hash_node *node = malloc(sizeof(*node));
		uint64_t key = 2 * (uint64_t)order[i] + 1;
		uint64_t b = FSVM_HASH(key) & (nbuckets - 1);

		if (!node) {
			free(order);
			hash_free(w);
			return -1;
		}
		node->key = key;
		node->value = key ^ 0x5a5a;
		node->pad = 0;
		node->next = w->buckets[b];	/* push at the chain's head */
		w->buckets[b] = (uint64_t)(uintptr_t)node;
		w->nodes[w->n++] = node;
		progress("building hash table", i + 1, n);
	}
	free(order);
	return 0;
}

void hash_free(struct hash_workload *w)
{
	if (w->nodes)
		for (size_t i = 0; i < w->n; i++)
			free(w->nodes[i]);
	free(w->nodes);
	free(w->buckets);
	memset(w, 0, sizeof(*w));
}

uint64_t hash_reference(const uint64_t *buckets, uint64_t nbuckets, uint64_t key)
{
	const struct fsvm_hash_node *node =
		(const struct fsvm_hash_node *)(uintptr_t)buckets[FSVM_HASH(key) & (nbuckets - 1)];

	for (; node; node = (const struct fsvm_hash_node *)(uintptr_t)node->next)
		if (node->key == key)
			return node->value;
	return FSVM_NOT_FOUND;
}

void lookup_keys(struct rng *r, uint64_t *keys, size_t n, size_t structure_size)
{
	uint64_t range = 2 * (uint64_t)structure_size + 2;

	for (size_t i = 0; i < n; i++)
		keys[i] = rng_below(r, range);	/* odd: present (if < 2n), even: absent */
}
