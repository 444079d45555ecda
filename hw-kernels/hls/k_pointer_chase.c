/* SPDX-License-Identifier: MIT */
/*
 * k_pointer_chase.c - walk a linked list of struct fsvm_list_node.
 *
 * Visit head, head->next, ... while the node is non-zero and hops < max_hops
 * (max_hops is clamped to FSVM_MAX_HOPS). The result record
 * (struct fsvm_chase_result) is written once, at the end:
 *   hops     nodes visited
 *   last     VA of the last visited node, 0 if none
 *   checksum FSVM_CHECKSUM_STEP folded over the visited payloads from 0
 *   found    1 if the walk ended on a zero pointer, 0 if on max_hops
 *
 * Each node is read as one 32-byte burst (two when an 8-byte aligned node
 * straddles a 4 KiB boundary). A faulting read stops the kernel at once and
 * leaves the result untouched. A node or result pointer that is not 8-byte
 * aligned ends the kernel with FSVM_FAULT_ALIGNMENT at that VA.
 */
#include <stdint.h>
#include "fsvm_hls.h"

#define NODE_BYTES	32u
#define RESULT_BYTES	32u

uint32_t fsvm_k_pointer_chase(fsvm_axi_t *m, uint64_t head, uint64_t max_hops,
			      uint64_t result_va, struct fsvm_kernel_io *io)
{
#pragma HLS INTERFACE m_axi port=m offset=direct bundle=gmem max_widen_bitwidth=128
#pragma HLS INTERFACE s_axilite port=head
#pragma HLS INTERFACE s_axilite port=max_hops
#pragma HLS INTERFACE s_axilite port=result_va
#pragma HLS INTERFACE s_axilite port=io
#pragma HLS INTERFACE s_axilite port=return
	uint8_t nb[NODE_BYTES];
	uint8_t rb[RESULT_BYTES];
	uint64_t node = head;
	uint64_t hops = 0;
	uint64_t last = 0;
	uint64_t sum = 0;
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
		last = node;
		sum = FSVM_CHECKSUM_STEP(sum, fsvm_hls_get64(nb, 16));	/* payload */
		node = fsvm_hls_get64(nb, 0);				/* next */
	}

	fsvm_hls_put64(rb, 0, hops);
	fsvm_hls_put64(rb, 8, last);
	fsvm_hls_put64(rb, 16, sum);
	fsvm_hls_put64(rb, 24, node == 0 ? 1u : 0u);
	io->items = fsvm_hls_items(hops);
	if (fsvm_hls_write_small(m, result_va, rb, RESULT_BYTES) != 0)
		return FSVM_ST_FAULTED;
	return FSVM_ST_DONE;
}
