/* SPDX-License-Identifier: MIT */
/*
 * k_bst_lookup_batch.c - bst_lookup with k lookups in flight.
 *
 * results[i] = what bst_lookup(root, keys, n, results) writes, for every
 * k = 1..FSVM_BATCH_LANES: the keys are taken k at a time, one lane per key,
 * and every round reads the next node of every live lane back to back
 * (m_axi num_read_outstanding=8), so the DRAM latency of a level is paid
 * once for up to k lookups. The skeleton, its limits and its errors are
 * FSVM_HLS_KEY_BATCH's (fsvm_hls.h); the walk is bst_lookup's: left when
 * the key is smaller, right when larger, at most FSVM_BST_MAX_DEPTH nodes.
 * root == 0 is the empty tree; a misaligned root is FSVM_FAULT_ALIGNMENT.
 */
#include <stdint.h>
#include "fsvm_hls.h"

static inline uint32_t bst_first(fsvm_axi_t *m, uint64_t root, uint64_t unused, uint64_t key,
				 uint64_t *node, struct fsvm_kernel_io *io, uint64_t done)
{
	(void)m;
	(void)unused;
	(void)key;
	(void)io;
	(void)done;
	*node = root;
	return FSVM_ST_DONE;
}

static inline int bst_step(const uint8_t nb[FSVM_NODE_BYTES], uint64_t key, uint64_t *node,
			   uint64_t *value)
{
	uint64_t nkey = fsvm_hls_get64(nb, FSVM_BST_OFF_KEY);

	if (key == nkey) {
		*value = fsvm_hls_get64(nb, FSVM_BST_OFF_VALUE);
		return 1;
	}
	*node = fsvm_hls_get64(nb, key < nkey ? FSVM_BST_OFF_LEFT : FSVM_BST_OFF_RIGHT);
	return 0;
}

FSVM_HLS_KEY_BATCH(bst_batch, bst_first, bst_step, FSVM_BST_MAX_DEPTH)

uint32_t fsvm_k_bst_lookup_batch(fsvm_axi_t *m, uint64_t root, uint64_t keys_va, uint64_t n,
				 uint64_t k, uint64_t results_va, struct fsvm_kernel_io *io)
{
#pragma HLS INTERFACE m_axi port=m offset=direct bundle=gmem max_widen_bitwidth=128 num_read_outstanding=8
#pragma HLS INTERFACE s_axilite port=root
#pragma HLS INTERFACE s_axilite port=keys_va
#pragma HLS INTERFACE s_axilite port=n
#pragma HLS INTERFACE s_axilite port=k
#pragma HLS INTERFACE s_axilite port=results_va
#pragma HLS INTERFACE s_axilite port=io
#pragma HLS INTERFACE s_axilite port=return
	uint32_t st = fsvm_hls_check_bst(io, root, n);

	if (st != FSVM_ST_PENDING)
		return st;
	return bst_batch(m, root, 0, keys_va, n, k, results_va, io);
}
