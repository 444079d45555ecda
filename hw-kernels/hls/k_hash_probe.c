/* SPDX-License-Identifier: MIT */
/*
 * k_hash_probe.c - look n keys up in a chained hash table.
 *
 * results[i] = value of the first node with key == keys[i] in the chain
 * buckets[FSVM_HASH(keys[i]) & (nbuckets - 1)], else FSVM_NOT_FOUND.
 * buckets is an array of nbuckets node VAs (0 = empty bucket).
 *
 * nbuckets must be a power of two >= 1, else BAD_PACKET (checked before
 * anything else). n == 0: DONE, no memory touched. n > FSVM_MAX_ELEMS:
 * BAD_PACKET. buckets/keys/results or a node not 8-byte aligned:
 * FSVM_FAULT_ALIGNMENT at that VA.
 *
 * keys and results stream through local buffers in bursts that never cross
 * a 4 KiB boundary of either array. A bucket head is one 8-byte read, a
 * node one 32-byte read (two if it straddles a page).
 *
 * A probe visits at most FSVM_HASH_MAX_CHAIN nodes of a chain; when it
 * would have to visit one more, the kernel ends with FSVM_FAULT_DEPTH_LIMIT
 * and fault_va = the VA of that next node (never read). Earlier bursts'
 * results are written, the burst in progress is not; items = keys completed.
 */
#include <stdint.h>
#include "fsvm_hls.h"

/* One key: read its bucket head, walk at most FSVM_HASH_MAX_CHAIN nodes. */
static inline uint32_t hash_find(fsvm_axi_t *m, uint64_t buckets_va, uint64_t mask,
				 uint64_t key, uint64_t *value,
				 struct fsvm_kernel_io *io, uint64_t done)
{
	uint8_t nb[FSVM_NODE_BYTES];
	uint64_t node = 0;

	if (fsvm_axi_rd64(m, buckets_va + 8u * (FSVM_HASH(key) & mask), &node) != 0)
		return fsvm_hls_faulted(io, done);
	for (uint32_t d = 0; d < FSVM_HASH_MAX_CHAIN; d++) {
#pragma HLS loop_tripcount min=0 max=65536 avg=2
		uint32_t st;

		if (node == 0)
			break;
		st = fsvm_hls_read_node(m, node, nb, io, done);
		if (st != FSVM_ST_DONE)
			return st;
		if (fsvm_hls_get64(nb, FSVM_HASH_OFF_KEY) == key) {
			*value = fsvm_hls_get64(nb, FSVM_HASH_OFF_VALUE);
			return FSVM_ST_DONE;
		}
		node = fsvm_hls_get64(nb, FSVM_HASH_OFF_NEXT);
	}
	if (node != 0) {
		io->items = fsvm_hls_items(done);
		return fsvm_hls_fault(io, node, FSVM_FAULT_DEPTH_LIMIT, 0);
	}
	*value = FSVM_NOT_FOUND;
	return FSVM_ST_DONE;
}

FSVM_HLS_KEY_STREAM(hash_stream, hash_find)

uint32_t fsvm_k_hash_probe(fsvm_axi_t *m, uint64_t buckets_va,
			   uint64_t nbuckets, uint64_t keys_va, uint64_t n,
			   uint64_t results_va, struct fsvm_kernel_io *io)
{
#pragma HLS INTERFACE m_axi port=m offset=direct bundle=gmem max_widen_bitwidth=128
#pragma HLS INTERFACE s_axilite port=buckets_va
#pragma HLS INTERFACE s_axilite port=nbuckets
#pragma HLS INTERFACE s_axilite port=keys_va
#pragma HLS INTERFACE s_axilite port=n
#pragma HLS INTERFACE s_axilite port=results_va
#pragma HLS INTERFACE s_axilite port=io
#pragma HLS INTERFACE s_axilite port=return
	uint32_t st = fsvm_hls_check_hash(io, buckets_va, nbuckets, n);

	if (st != FSVM_ST_PENDING)
		return st;
	return hash_stream(m, buckets_va, nbuckets - 1u, keys_va, n, results_va, io);
}
