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

#define NODE_BYTES	32u
#define CHUNK_ELEMS	(FSVM_HLS_BURST_BYTES / 8u)

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
	FSVM_HLS_SCRATCH uint64_t kbuf[CHUNK_ELEMS];
	FSVM_HLS_SCRATCH uint64_t rbuf[CHUNK_ELEMS];
	uint8_t nb[NODE_BYTES];
	uint64_t done = 0;

	fsvm_hls_io_clear(io);

	if (n == 0)
		return FSVM_ST_DONE;
	if (n > FSVM_MAX_ELEMS)
		return FSVM_ST_BAD_PACKET;
	if (root & 7u) {
		return fsvm_hls_fault(io, root, FSVM_FAULT_ALIGNMENT, 0);
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
			uint64_t node = root;
			uint64_t value = FSVM_NOT_FOUND;
			uint32_t hit = 0;

			if (i >= cnt)
				break;
			key = kbuf[i];
			for (uint32_t d = 0; d < FSVM_BST_MAX_DEPTH; d++) {
#pragma HLS loop_tripcount min=1 max=1024 avg=20
				uint64_t nkey;

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
				nkey = fsvm_hls_get64(nb, 0);
				if (key == nkey) {
					value = fsvm_hls_get64(nb, 8);
					hit = 1;
					break;
				}
				node = key < nkey ? fsvm_hls_get64(nb, 16)	/* left */
						  : fsvm_hls_get64(nb, 24);	/* right */
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
