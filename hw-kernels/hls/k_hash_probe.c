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

#define NODE_BYTES	32u
#define CHUNK_ELEMS	(FSVM_HLS_BURST_BYTES / 8u)

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
	FSVM_HLS_SCRATCH uint64_t kbuf[CHUNK_ELEMS];
	FSVM_HLS_SCRATCH uint64_t rbuf[CHUNK_ELEMS];
	uint8_t nb[NODE_BYTES];
	uint64_t mask = nbuckets - 1u;
	uint64_t done = 0;

	fsvm_hls_io_clear(io);

	if (nbuckets == 0 || (nbuckets & mask) != 0)
		return FSVM_ST_BAD_PACKET;
	if (n == 0)
		return FSVM_ST_DONE;
	if (n > FSVM_MAX_ELEMS)
		return FSVM_ST_BAD_PACKET;
	if (buckets_va & 7u) {
		return fsvm_hls_fault(io, buckets_va, FSVM_FAULT_ALIGNMENT, 0);
	}
	if (keys_va & 7u) {
		return fsvm_hls_fault(io, keys_va, FSVM_FAULT_ALIGNMENT, 0);
	}
	if (results_va & 7u) {
		return fsvm_hls_fault(io, results_va, FSVM_FAULT_ALIGNMENT, 1);
	}

	for (uint64_t chunk = 0; chunk < FSVM_MAX_ELEMS; chunk++) {
#pragma HLS loop_tripcount min=1 max=2097154 avg=64
		uint64_t kva = keys_va + 8u * done;
		uint64_t rva = results_va + 8u * done;
		uint32_t cnt;

		if (done >= n)
			break;
		cnt = fsvm_hls_burst_elems(kva, 8u,
			fsvm_hls_burst_elems(rva, 8u, fsvm_hls_left(n, done)));

		if (fsvm_axi_read(m, kva, kbuf, cnt * 8u) != 0) {
			io->items = fsvm_hls_items(done);
			return FSVM_ST_FAULTED;
		}

		for (uint32_t i = 0; i < CHUNK_ELEMS; i++) {
#pragma HLS loop_tripcount min=1 max=512 avg=256
			uint64_t key;
			uint64_t node = 0;
			uint64_t value = FSVM_NOT_FOUND;
			uint32_t hit = 0;

			if (i >= cnt)
				break;
			key = kbuf[i];
			if (fsvm_axi_rd64(m, buckets_va + 8u * (FSVM_HASH(key) & mask), &node) != 0) {
				io->items = fsvm_hls_items(done + i);
				return FSVM_ST_FAULTED;
			}
			for (uint32_t d = 0; d < FSVM_HASH_MAX_CHAIN; d++) {
#pragma HLS loop_tripcount min=0 max=65536 avg=2
				if (node == 0)
					break;
				if (node & 7u) {
					io->items = fsvm_hls_items(done + i);
					return fsvm_hls_fault(io, node, FSVM_FAULT_ALIGNMENT, 0);
				}
				if (fsvm_hls_read_small(m, node, nb, NODE_BYTES) != 0) {
					io->items = fsvm_hls_items(done + i);
					return FSVM_ST_FAULTED;
				}
				if (fsvm_hls_get64(nb, 8) == key) {
					value = fsvm_hls_get64(nb, 16);
					hit = 1;
					break;
				}
				node = fsvm_hls_get64(nb, 0);
			}
			if (!hit && node != 0) {
				io->items = fsvm_hls_items(done + i);
				return fsvm_hls_fault(io, node, FSVM_FAULT_DEPTH_LIMIT, 0);
			}
			rbuf[i] = value;
		}

		if (fsvm_axi_write(m, rva, rbuf, cnt * 8u) != 0) {
			io->items = fsvm_hls_items(done);
			return FSVM_ST_FAULTED;
		}
		done += cnt;
	}

	io->items = fsvm_hls_items(done);
	return FSVM_ST_DONE;
}
