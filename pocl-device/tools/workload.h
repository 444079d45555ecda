/* SPDX-License-Identifier: MIT */
/*
 * workload.h - data the fsvm tool and tests feed the kernels, built with
 * plain malloc in host memory, and the CPU reference of every kernel.
 *
 * The references follow the kernel semantics written in fsvm_hw.h word for
 * word; a device result is right when it equals the reference.
 */
#ifndef FSVM_WORKLOAD_H
#define FSVM_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "fsvm_hw.h"

/* A small, seedable generator (splitmix64): same seed, same data. */
struct rng {
	uint64_t state;
};
void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, bound); bound 0 gives 0. */
uint64_t rng_below(struct rng *r, uint64_t bound);

/* Fill perm with a random permutation of 0..n-1. */
void random_permutation(struct rng *r, size_t *perm, size_t n);

/*
 * Progress on stderr for long builds: prints "label: 40%" steps when total
 * is at least a million, nothing otherwise. Cannot fail.
 */
void progress(const char *label, size_t done, size_t total);

/* A linked list of individually malloc'ed nodes, linked in random order so
 * that consecutive hops land anywhere in the heap. */
struct list_workload {
	struct fsvm_list_node *head;
	struct fsvm_list_node **nodes;	/* in allocation order, for freeing */
	size_t n;
};
/* 0 or -1 (out of memory; *w is left empty). */
int list_build(struct list_workload *w, size_t n, uint64_t seed);
/* Same list shape, but the nodes are slots of arena (n * 32 bytes), placed
 * in random slot order: for page-size experiments. Returns the head (NULL
 * for n == 0); cannot fail. */
struct fsvm_list_node *list_build_in_arena(void *arena, size_t n, uint64_t seed);
void list_free(struct list_workload *w);

/* pointer_chase and list_search as fsvm_hw.h defines them. */
struct fsvm_chase_result chase_reference(const struct fsvm_list_node *head,
					 uint64_t max_hops);
struct fsvm_chase_result search_reference(const struct fsvm_list_node *head,
					  uint64_t key, uint64_t max_hops);

/* A binary search tree of malloc'ed nodes, odd keys 1, 3, ..., 2n-1 inserted
 * in random order (so even keys are never found). value = key * 7 + 3. */
struct bst_workload {
	struct fsvm_bst_node *root;
	struct fsvm_bst_node **nodes;
	size_t n;
};
int bst_build(struct bst_workload *w, size_t n, uint64_t seed);
void bst_free(struct bst_workload *w);
uint64_t bst_reference(const struct fsvm_bst_node *root, uint64_t key);

/* Chained hash table: nbuckets (power of two) heads, nodes malloc'ed, odd
 * keys as for the BST. value = key ^ 0x5a5a. */
struct hash_workload {
	uint64_t *buckets;
	uint64_t nbuckets;
	struct fsvm_hash_node **nodes;
	size_t n;
};
int hash_build(struct hash_workload *w, size_t n, uint64_t nbuckets, uint64_t seed);
void hash_free(struct hash_workload *w);
uint64_t hash_reference(const uint64_t *buckets, uint64_t nbuckets, uint64_t key);

/* n lookup keys: about half present (odd, < 2 * nkeys_in_structure), half absent. */
void lookup_keys(struct rng *r, uint64_t *keys, size_t n, size_t structure_size);

#endif /* FSVM_WORKLOAD_H */
