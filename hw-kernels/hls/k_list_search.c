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
	uint8_t nb[FSVM_NODE_BYTES];
	uint64_t node = head;
	uint64_t hops = 0;
	uint64_t match = 0;
	uint64_t payload = 0;
	uint64_t found = 0;
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
		if (fsvm_hls_get64(nb, FSVM_LIST_OFF_KEY) == key) {
			match = node;
			payload = fsvm_hls_get64(nb, FSVM_LIST_OFF_PAYLOAD);
			found = 1;
			break;
		}
		node = fsvm_hls_get64(nb, FSVM_LIST_OFF_NEXT);
	}

	io->items = fsvm_hls_items(hops);
	return fsvm_hls_put_chase_result(m, result_va, hops, match, payload, found);
}
