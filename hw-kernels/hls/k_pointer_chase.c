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

uint32_t fsvm_k_pointer_chase(fsvm_axi_t *m, uint64_t head, uint64_t max_hops,
			      uint64_t result_va, struct fsvm_kernel_io *io)
{
#pragma HLS INTERFACE m_axi port=m offset=direct bundle=gmem max_widen_bitwidth=128
#pragma HLS INTERFACE s_axilite port=head
#pragma HLS INTERFACE s_axilite port=max_hops
#pragma HLS INTERFACE s_axilite port=result_va
#pragma HLS INTERFACE s_axilite port=io
#pragma HLS INTERFACE s_axilite port=return
	uint8_t nb[FSVM_NODE_BYTES];
	uint64_t node = head;
	uint64_t hops = 0;
	uint64_t last = 0;
	uint64_t sum = 0;
	uint64_t limit = max_hops > FSVM_MAX_HOPS ? FSVM_MAX_HOPS : max_hops;
	uint32_t st;

	fsvm_hls_io_clear(io);
	st = fsvm_hls_check_align(io, head, 8u, 0);
	if (st == FSVM_ST_DONE)
		st = fsvm_hls_check_align(io, result_va, 8u, 1);
	if (st != FSVM_ST_DONE)
		return st;

	for (uint64_t i = 0; i < FSVM_MAX_HOPS; i++) {
#pragma HLS loop_tripcount min=0 max=1048576 avg=1024
		if (node == 0 || i >= limit)
			break;
		st = fsvm_hls_read_node(m, node, nb, io, hops);
		if (st != FSVM_ST_DONE)
			return st;
		hops++;
		last = node;
		sum = FSVM_CHECKSUM_STEP(sum, fsvm_hls_get64(nb, FSVM_LIST_OFF_PAYLOAD));
		node = fsvm_hls_get64(nb, FSVM_LIST_OFF_NEXT);
	}

	io->items = fsvm_hls_items(hops);
	return fsvm_hls_put_chase_result(m, result_va, hops, last, sum, node == 0 ? 1u : 0u);
}
