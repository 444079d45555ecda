/* SPDX-License-Identifier: MIT */
/*
 * k_list_search.c - find the first node with a key in a linked list.
 *
 * The walk of pointer_chase (head, head->next, ... while the node is
 * non-zero and hops < max_hops, max_hops clamped to FSVM_MAX_HOPS), stopping
 * at the first node whose key equals `key`. The result record:
 *   found:     hops = nodes visited including the match, last = the match,
 *              checksum = its payload, found = 1
 *   not found: hops = nodes visited, last = 0, checksum = 0, found = 0
 *
 * Faults and alignment as in k_pointer_chase.c: a faulting read stops the
 * kernel at once with the result untouched.
 */
#include <stdint.h>
#include "fsvm_hls.h"

#define NODE_BYTES	32u
#define RESULT_BYTES	32u

uint32_t fsvm_k_list_search(fsvm_axi_t *m, uint64_t head, uint64_t key,
			    uint64_t max_hops, uint64_t result_va,
			    struct fsvm_kernel_io *io)
{
#pragma HLS INTERFACE m_axi port=m offset=direct bundle=gmem max_widen_bitwidth=128
#pragma HLS INTERFACE s_axilite port=head
#pragma HLS INTERFACE s_axilite port=key
#pragma HLS INTERFACE s_axilite port=max_hops
#pragma HLS INTERFACE s_axilite port=result_va
#pragma HLS INTERFACE s_axilite port=io
#pragma HLS INTERFACE s_axilite port=return
	uint8_t nb[NODE_BYTES];
	uint8_t rb[RESULT_BYTES];
	uint64_t node = head;
	uint64_t hops = 0;
	uint64_t match = 0;
	uint64_t payload = 0;
	uint64_t found = 0;
	uint64_t limit = max_hops > FSVM_MAX_HOPS ? FSVM_MAX_HOPS : max_hops;

	fsvm_hls_io_clear(io);

	if (head & 7u) {
		return fsvm_hls_fault(io, head, FSVM_FAULT_ALIGNMENT, 0);
	}
	if (result_va & 7u) {
		return fsvm_hls_fault(io, result_va, FSVM_FAULT_ALIGNMENT, 1);
	}

	for (uint64_t i = 0; i < FSVM_MAX_HOPS; i++) {
#pragma HLS loop_tripcount min=0 max=1048576 avg=1024
		if (node == 0 || i >= limit)
			break;
		if (node & 7u) {
			io->items = fsvm_hls_items(hops);
			return fsvm_hls_fault(io, node, FSVM_FAULT_ALIGNMENT, 0);
		}
		if (fsvm_hls_read_small(m, node, nb, NODE_BYTES) != 0) {
			io->items = fsvm_hls_items(hops);
			return FSVM_ST_FAULTED;
		}
		hops++;
		if (fsvm_hls_get64(nb, 8) == key) {
			match = node;
			payload = fsvm_hls_get64(nb, 16);
			found = 1;
			break;
		}
		node = fsvm_hls_get64(nb, 0);
	}

	fsvm_hls_put64(rb, 0, hops);
	fsvm_hls_put64(rb, 8, match);
	fsvm_hls_put64(rb, 16, payload);
	fsvm_hls_put64(rb, 24, found);
	io->items = fsvm_hls_items(hops);
	if (fsvm_hls_write_small(m, result_va, rb, RESULT_BYTES) != 0)
		return FSVM_ST_FAULTED;
	return FSVM_ST_DONE;
}
