/* SPDX-License-Identifier: MIT */
/*
 * k_pointer_chase_batch.c - k independent pointer chases, interleaved.
 *
 * results[i] = what pointer_chase(heads[i], max_hops) writes, for i < k
 * (k = 1..FSVM_BATCH_LANES): hops, last, checksum, found per walk.
 *
 * One chase is one DRAM round trip per hop: the next address is in the
 * node being read. The FSVM_BATCH_LANES lanes (fixed at synthesis,
 * unrolled) each follow their own list; every round issues the next node
 * read of every live lane back to back, so up to k reads are outstanding
 * at once (m_axi num_read_outstanding=8: the port's limit, which the cycle
 * model applies too) and the latency is paid once per round, not per hop.
 * In C simulation the round is bracketed by the port's overlap hint.
 *
 * heads: k node VAs (8-byte aligned array; 0 = an empty list), read as one
 * burst (two if it straddles a page). results: k struct fsvm_chase_result,
 * written once at the end. k == 0: DONE, nothing touched; k >
 * FSVM_BATCH_LANES: BAD_PACKET. Faults and alignment as pointer_chase: a
 * faulting read stops the kernel at once, results untouched; a misaligned
 * heads, results or node pointer: FSVM_FAULT_ALIGNMENT at it. items = hops
 * of all walks together.
 */
#include <stdint.h>
#include "fsvm_hls.h"

#define L	FSVM_BATCH_LANES

uint32_t fsvm_k_pointer_chase_batch(fsvm_axi_t *m, uint64_t heads_va, uint64_t k,
				    uint64_t max_hops, uint64_t results_va,
				    struct fsvm_kernel_io *io)
{
#pragma HLS INTERFACE m_axi port=m offset=direct bundle=gmem max_widen_bitwidth=128 num_read_outstanding=8
#pragma HLS INTERFACE s_axilite port=heads_va
#pragma HLS INTERFACE s_axilite port=k
#pragma HLS INTERFACE s_axilite port=max_hops
#pragma HLS INTERFACE s_axilite port=results_va
#pragma HLS INTERFACE s_axilite port=io
#pragma HLS INTERFACE s_axilite port=return
	uint8_t hb[L * 8u];
	uint8_t nb[L][FSVM_NODE_BYTES];
	uint64_t node[L], hops[L], last[L], sum[L];
	uint8_t live[L];
#pragma HLS ARRAY_PARTITION variable=nb dim=1 complete
#pragma HLS ARRAY_PARTITION variable=node complete
#pragma HLS ARRAY_PARTITION variable=hops complete
#pragma HLS ARRAY_PARTITION variable=last complete
#pragma HLS ARRAY_PARTITION variable=sum complete
#pragma HLS ARRAY_PARTITION variable=live complete
	uint64_t limit = max_hops > FSVM_MAX_HOPS ? FSVM_MAX_HOPS : max_hops;
	uint64_t total = 0;
	uint32_t st;

	fsvm_hls_io_clear(io);
	if (k == 0)
		return FSVM_ST_DONE;
	if (k > L)
		return FSVM_ST_BAD_PACKET;
	st = fsvm_hls_check_align(io, heads_va, 8u, 0);
	if (st == FSVM_ST_DONE)
		st = fsvm_hls_check_align(io, results_va, 8u, 1);
	if (st != FSVM_ST_DONE)
		return st;
	if (fsvm_hls_read_small(m, heads_va, hb, (uint32_t)k * 8u) != 0)
		return FSVM_ST_FAULTED;

	for (uint32_t l = 0; l < L; l++) {
#pragma HLS UNROLL
		node[l] = l < k ? fsvm_hls_get64(hb, 8u * l) : 0;
		hops[l] = 0;
		last[l] = 0;
		sum[l] = 0;
	}

	for (uint64_t round = 0; round < FSVM_MAX_HOPS; round++) {
#pragma HLS loop_tripcount min=0 max=1048576 avg=1024
		uint32_t nlive = 0;

		/* Issue the next node read of every live lane together. */
		fsvm_hls_overlap_begin(m);
		for (uint32_t l = 0; l < L; l++) {
#pragma HLS UNROLL
			live[l] = node[l] != 0 && hops[l] < limit;
			if (!live[l])
				continue;
			st = fsvm_hls_read_node(m, node[l], nb[l], io, total);
			if (st != FSVM_ST_DONE) {
				fsvm_hls_overlap_end(m);
				return st;
			}
			nlive++;
		}
		fsvm_hls_overlap_end(m);
		if (nlive == 0)
			break;
		for (uint32_t l = 0; l < L; l++) {
#pragma HLS UNROLL
			if (!live[l])
				continue;
			hops[l]++;
			last[l] = node[l];
			sum[l] = FSVM_CHECKSUM_STEP(sum[l], fsvm_hls_get64(nb[l], FSVM_LIST_OFF_PAYLOAD));
			node[l] = fsvm_hls_get64(nb[l], FSVM_LIST_OFF_NEXT);
		}
		total += nlive;
	}

	io->items = fsvm_hls_items(total);
	for (uint32_t l = 0; l < L; l++) {
		if (l >= k)
			break;
		if (fsvm_hls_put_chase_result(m, results_va + (uint64_t)FSVM_CHASE_RESULT_BYTES * l,
					      hops[l], last[l], sum[l],
					      node[l] == 0 ? 1u : 0u) != FSVM_ST_DONE)
			return FSVM_ST_FAULTED;
	}
	return FSVM_ST_DONE;
}
