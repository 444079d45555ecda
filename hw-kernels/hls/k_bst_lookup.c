/* SPDX-License-Identifier: MIT */
/*
 * k_bst_lookup.c - look n keys up in a binary search tree.
 *
 * results[i] = value of the node whose key == keys[i], going left when
 * keys[i] < node key and right when greater; FSVM_NOT_FOUND if the walk
 * reaches a zero child. root == 0 is the empty tree.
 *
 * keys and results stream through local buffers in bursts that never cross
 * a 4 KiB boundary of either array (so any 8-byte aligned start works); one
 * results burst is written per keys burst. Each node is one 32-byte read
 * (two if it straddles a page).
 *
 * A lookup visits at most FSVM_BST_MAX_DEPTH nodes. When it would have to
 * visit one more, the kernel ends with FSVM_FAULT_DEPTH_LIMIT and fault_va =
 * the VA of that next node (the first node beyond the limit, never read).
 * Results of earlier bursts are already written; the burst in progress is
 * not. items = keys completed.
 *
 * n == 0: DONE, no memory touched. n > FSVM_MAX_ELEMS: BAD_PACKET.
 * keys/results not 8-byte aligned, or a misaligned node:
 * FSVM_FAULT_ALIGNMENT at that VA.
 */
#include <stdint.h>
#include "fsvm_hls.h"

/* One key: walk from root, at most FSVM_BST_MAX_DEPTH nodes. */
static inline uint32_t bst_find(fsvm_axi_t *m, uint64_t root, uint64_t unused,
				uint64_t key, uint64_t *value,
				struct fsvm_kernel_io *io, uint64_t done)
{
	uint8_t nb[FSVM_NODE_BYTES];
	uint64_t node = root;

	(void)unused;
	for (uint32_t d = 0; d < FSVM_BST_MAX_DEPTH; d++) {
#pragma HLS loop_tripcount min=1 max=1024 avg=20
		uint64_t nkey;
		uint32_t st;

		if (node == 0)
			break;
		st = fsvm_hls_read_node(m, node, nb, io, done);
		if (st != FSVM_ST_DONE)
			return st;
		nkey = fsvm_hls_get64(nb, FSVM_BST_OFF_KEY);
		if (key == nkey) {
			*value = fsvm_hls_get64(nb, FSVM_BST_OFF_VALUE);
			return FSVM_ST_DONE;
		}
		node = fsvm_hls_get64(nb, key < nkey ? FSVM_BST_OFF_LEFT : FSVM_BST_OFF_RIGHT);
	}
	if (node != 0) {
		io->items = fsvm_hls_items(done);
		return fsvm_hls_fault(io, node, FSVM_FAULT_DEPTH_LIMIT, 0);
	}
	*value = FSVM_NOT_FOUND;
	return FSVM_ST_DONE;
}

FSVM_HLS_KEY_STREAM(bst_stream, bst_find)

uint32_t fsvm_k_bst_lookup(fsvm_axi_t *m, uint64_t root, uint64_t keys_va,
			   uint64_t n, uint64_t results_va,
			   struct fsvm_kernel_io *io)
{
#pragma HLS INTERFACE m_axi port=m offset=direct bundle=gmem max_widen_bitwidth=128
#pragma HLS INTERFACE s_axilite port=root
#pragma HLS INTERFACE s_axilite port=keys_va
#pragma HLS INTERFACE s_axilite port=n
#pragma HLS INTERFACE s_axilite port=results_va
#pragma HLS INTERFACE s_axilite port=io
#pragma HLS INTERFACE s_axilite port=return
	uint32_t st = fsvm_hls_check_bst(io, root, n);

	if (st != FSVM_ST_PENDING)
		return st;
	return bst_stream(m, root, 0, keys_va, n, results_va, io);
}
