/* SPDX-License-Identifier: MIT */
/*
 * k_hash_probe_batch.c - hash_probe with k probes in flight.
 *
 * results[i] = what hash_probe(buckets, nbuckets, keys, n, results) writes,
 * for every k = 1..FSVM_BATCH_LANES: the keys are taken k at a time, one
 * lane per key. The k bucket-head reads go out together, then every round
 * reads the next chain node of every live lane back to back (m_axi
 * num_read_outstanding=8). The skeleton, its limits and its errors are
 * FSVM_HLS_KEY_BATCH's (fsvm_hls.h); the probe is hash_probe's: bucket
 * FSVM_HASH(key) & (nbuckets - 1), the first node with that key, at most
 * FSVM_HASH_MAX_CHAIN nodes. nbuckets must be a power of two >= 1, else
 * BAD_PACKET; a misaligned buckets array is FSVM_FAULT_ALIGNMENT.
 */
#include <stdint.h>
#include "fsvm_hls.h"

static inline uint32_t hash_first(fsvm_axi_t *m, uint64_t buckets_va, uint64_t mask,
				  uint64_t key, uint64_t *node, struct fsvm_kernel_io *io,
				  uint64_t done)
{
	if (fsvm_axi_rd64(m, buckets_va + 8u * (FSVM_HASH(key) & mask), node) != 0)
		return fsvm_hls_faulted(io, done);
	return FSVM_ST_DONE;
}

static inline int hash_step(const uint8_t nb[FSVM_NODE_BYTES], uint64_t key, uint64_t *node,
			    uint64_t *value)
{
	if (fsvm_hls_get64(nb, FSVM_HASH_OFF_KEY) == key) {
		*value = fsvm_hls_get64(nb, FSVM_HASH_OFF_VALUE);
		return 1;
	}
	*node = fsvm_hls_get64(nb, FSVM_HASH_OFF_NEXT);
	return 0;
}

FSVM_HLS_KEY_BATCH(hash_batch, hash_first, hash_step, FSVM_HASH_MAX_CHAIN)

uint32_t fsvm_k_hash_probe_batch(fsvm_axi_t *m, uint64_t buckets_va, uint64_t nbuckets,
				 uint64_t keys_va, uint64_t n, uint64_t k, uint64_t results_va,
				 struct fsvm_kernel_io *io)
{
#pragma HLS INTERFACE m_axi port=m offset=direct bundle=gmem max_widen_bitwidth=128 num_read_outstanding=8
#pragma HLS INTERFACE s_axilite port=buckets_va
#pragma HLS INTERFACE s_axilite port=nbuckets
#pragma HLS INTERFACE s_axilite port=keys_va
#pragma HLS INTERFACE s_axilite port=n
#pragma HLS INTERFACE s_axilite port=k
#pragma HLS INTERFACE s_axilite port=results_va
#pragma HLS INTERFACE s_axilite port=io
#pragma HLS INTERFACE s_axilite port=return
	uint32_t st = fsvm_hls_check_hash(io, buckets_va, nbuckets, n);

	if (st != FSVM_ST_PENDING)
		return st;
	return hash_batch(m, buckets_va, nbuckets - 1u, keys_va, n, k, results_va, io);
}
