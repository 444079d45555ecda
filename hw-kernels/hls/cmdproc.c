/* SPDX-License-Identifier: MIT */
/*
 * cmdproc.c - the command processor: fetch, decode, validate and dispatch
 * one 64-byte packet, and write completion records.
 *
 * fsvm_cp_dispatch, in order:
 *  1. ring_size must be a power of two in 1..65536 and ring_va 64-byte
 *     aligned (so a packet is one burst inside one page), else BAD_PACKET
 *     with nothing read.
 *  2. Read the packet at ring_va + 64 * (index & (ring_size - 1)) as one
 *     64-byte burst. A fault: FAULTED, phase FETCH.
 *  3. Decode type, flags, kernel_id, completion_va, user_tag into the
 *     result. completion_va not 8-byte aligned: BAD_PACKET and
 *     completion_va reported as 0, so that nobody writes there.
 *  4. BARRIER: DONE, items 0, no kernel. COMPILED: args[0] (8-byte
 *     aligned, else BAD_PACKET) goes to res->compiled_va, phase COMPILED,
 *     for the shell. Any other type but KERNEL: BAD_PACKET. kernel_id >= FSVM_K_COUNT: BAD_PACKET.
 *  5. Arguments: nargs comes from the kernel table. With FSVM_PKT_F_ARG_BLOCK
 *     args[0] is the VA of a uint64_t[nargs] block: not 8-byte aligned ->
 *     BAD_PACKET; read as one burst (two if it straddles a page); a fault ->
 *     FAULTED, phase FETCH. nargs == 0 reads no block. Without the flag the
 *     inline slots are used (nargs > FSVM_INLINE_ARGS -> BAD_PACKET).
 *     U32/F32 arguments keep the low 32 bits of their slot.
 *  6. Phase KERNEL: run the kernel (nop: DONE, items 0) and report its
 *     status, items and self-detected fault (fault_va, syndrome).
 * Unknown flag bits are ignored; grid_size is informational and ignored.
 * Faults the SMMU raises leave res->fault_va/syndrome 0: the shell records
 * them (with FSVM_SYND_PACKET when phase is FETCH).
 */
#include <stdint.h>
#include "fsvm_hls.h"

#define PKT_BYTES	64u
#define RING_MAX	65536u

/* Packet byte offsets (struct fsvm_packet, little-endian). */
#define PKT_TYPE	0u
#define PKT_FLAGS	1u
#define PKT_KERNEL_ID	2u
#define PKT_ARGS	8u
#define PKT_COMPLETION	48u
#define PKT_USER_TAG	56u

/* Completion record byte offsets (struct fsvm_completion). */
#define CPL_BYTES	64u
#define CPL_STATUS	0u
#define CPL_SYNDROME	4u
#define CPL_FAULT_VA	8u
#define CPL_START	16u
#define CPL_END		24u
#define CPL_CYCLES	32u
#define CPL_BYTES_OFF	40u
#define CPL_TLB_HITS	48u
#define CPL_TLB_MISSES	52u
#define CPL_ITEMS	56u
#define CPL_STALLS	60u

static uint32_t cp_run_kernel(fsvm_axi_t *m, uint32_t kernel_id,
			      const uint64_t a[FSVM_MAX_ARGS],
			      struct fsvm_kernel_io *io)
{
	switch (kernel_id) {
	case FSVM_K_NOP:
		fsvm_hls_io_clear(io);
		return FSVM_ST_DONE;
	case FSVM_K_POINTER_CHASE:
		return fsvm_k_pointer_chase(m, a[0], a[1], a[2], io);
	case FSVM_K_LIST_SEARCH:
		return fsvm_k_list_search(m, a[0], a[1], a[2], a[3], io);
	case FSVM_K_BST_LOOKUP:
		return fsvm_k_bst_lookup(m, a[0], a[1], a[2], a[3], io);
	case FSVM_K_HASH_PROBE:
		return fsvm_k_hash_probe(m, a[0], a[1], a[2], a[3], a[4], io);
	case FSVM_K_VADD:
		return fsvm_k_vadd(m, a[0], a[1], a[2], a[3], io);
	case FSVM_K_MEMCPY:
		return fsvm_k_memcpy(m, a[0], a[1], a[2], io);
	case FSVM_K_MEMSET:
		return fsvm_k_memset(m, a[0], a[1], a[2], io);
	default:
		fsvm_hls_io_clear(io);
		return FSVM_ST_BAD_PACKET;
	}
}

void fsvm_cp_dispatch(fsvm_axi_t *m, uint64_t ring_va, uint32_t ring_size,
		      uint32_t index, struct fsvm_cp_result *res)
{
#pragma HLS INTERFACE m_axi port=m offset=direct bundle=gmem max_widen_bitwidth=128
#pragma HLS INTERFACE s_axilite port=ring_va
#pragma HLS INTERFACE s_axilite port=ring_size
#pragma HLS INTERFACE s_axilite port=index
#pragma HLS INTERFACE s_axilite port=res
#pragma HLS INTERFACE s_axilite port=return
	uint8_t pb[PKT_BYTES];
	uint8_t ab[FSVM_MAX_ARGS * 8u];
	uint64_t args[FSVM_MAX_ARGS];
	struct fsvm_kernel_io io;
	uint64_t slot_va;
	uint64_t completion_va;
	uint32_t kernel_id;
	uint32_t nargs;

	res->status = FSVM_ST_BAD_PACKET;
	res->phase = FSVM_CP_FETCH;
	res->items = 0;
	res->kernel_id = 0;
	res->type = 0;
	res->flags = 0;
	res->completion_va = 0;
	res->user_tag = 0;
	res->fault_va = 0;
	res->syndrome = 0;
	res->compiled_va = 0;

	if (ring_size == 0 || ring_size > RING_MAX || (ring_size & (ring_size - 1u)) != 0)
		return;
	if (ring_va & (PKT_BYTES - 1u))
		return;

	slot_va = ring_va + (uint64_t)PKT_BYTES * (index & (ring_size - 1u));
	if (fsvm_axi_read(m, slot_va, pb, PKT_BYTES) != 0) {
		res->status = FSVM_ST_FAULTED;
		return;
	}

	kernel_id = (uint32_t)pb[PKT_KERNEL_ID] | ((uint32_t)pb[PKT_KERNEL_ID + 1u] << 8);
	completion_va = fsvm_hls_get64(pb, PKT_COMPLETION);
	res->type = pb[PKT_TYPE];
	res->flags = pb[PKT_FLAGS];
	res->kernel_id = (uint16_t)kernel_id;
	res->user_tag = fsvm_hls_get64(pb, PKT_USER_TAG);
	if (completion_va & 7u)
		return;			/* BAD_PACKET, completion_va stays 0 */
	res->completion_va = completion_va;

	if (pb[PKT_TYPE] == FSVM_PKT_BARRIER) {
		res->status = FSVM_ST_DONE;
		return;
	}
	if (pb[PKT_TYPE] == FSVM_PKT_COMPILED) {
		/* Handed to the shell's compiled-kernel engine (simulation only). */
		res->compiled_va = fsvm_hls_get64(pb, PKT_ARGS);
		if (res->compiled_va & 7u)
			return;
		res->phase = FSVM_CP_COMPILED;
		res->status = FSVM_ST_DONE;
		return;
	}
	if (pb[PKT_TYPE] != FSVM_PKT_KERNEL || kernel_id >= FSVM_K_COUNT)
		return;

	nargs = fsvm_kernel_table[kernel_id].nargs;
	if (nargs > FSVM_MAX_ARGS)
		return;

	for (uint32_t i = 0; i < FSVM_MAX_ARGS; i++) {
#pragma HLS UNROLL
		args[i] = 0;
	}
	if (pb[PKT_FLAGS] & FSVM_PKT_F_ARG_BLOCK) {
		uint64_t block_va = fsvm_hls_get64(pb, PKT_ARGS);

		if (nargs > 0) {
			if (block_va & 7u)
				return;
			if (fsvm_hls_read_small(m, block_va, ab, nargs * 8u) != 0) {
				res->status = FSVM_ST_FAULTED;
				return;
			}
			for (uint32_t i = 0; i < FSVM_MAX_ARGS; i++) {
#pragma HLS UNROLL
				if (i < nargs)
					args[i] = fsvm_hls_get64(ab, 8u * i);
			}
		}
	} else {
		if (nargs > FSVM_INLINE_ARGS)
			return;
		for (uint32_t i = 0; i < FSVM_INLINE_ARGS; i++) {
#pragma HLS UNROLL
			if (i < nargs)
				args[i] = fsvm_hls_get64(pb, PKT_ARGS + 8u * i);
		}
	}
	for (uint32_t i = 0; i < FSVM_MAX_ARGS; i++) {
#pragma HLS UNROLL
		uint8_t kind = fsvm_kernel_table[kernel_id].args[i].kind;

		if (kind == FSVM_ARG_U32 || kind == FSVM_ARG_F32)
			args[i] &= 0xffffffffull;
	}

	res->phase = FSVM_CP_KERNEL;
	res->status = cp_run_kernel(m, kernel_id, args, &io);
	res->items = io.items;
	res->fault_va = io.fault_va;
	res->syndrome = io.syndrome;
}

int fsvm_cp_complete(fsvm_axi_t *m, uint64_t completion_va,
		     const struct fsvm_completion *rec)
{
#pragma HLS INTERFACE m_axi port=m offset=direct bundle=gmem max_widen_bitwidth=128
#pragma HLS INTERFACE s_axilite port=completion_va
#pragma HLS INTERFACE s_axilite port=rec
#pragma HLS INTERFACE s_axilite port=return
	uint8_t cb[CPL_BYTES];

	if (completion_va == 0)
		return 0;		/* no record requested */
	if (completion_va & 7u)
		return 1;		/* never write a misaligned record */

	fsvm_hls_put32(cb, CPL_STATUS, rec->status);
	fsvm_hls_put32(cb, CPL_SYNDROME, rec->syndrome);
	fsvm_hls_put64(cb, CPL_FAULT_VA, rec->fault_va);
	fsvm_hls_put64(cb, CPL_START, rec->start_ticks);
	fsvm_hls_put64(cb, CPL_END, rec->end_ticks);
	fsvm_hls_put64(cb, CPL_CYCLES, rec->cycles);
	fsvm_hls_put64(cb, CPL_BYTES_OFF, rec->bytes);
	fsvm_hls_put32(cb, CPL_TLB_HITS, rec->tlb_hits);
	fsvm_hls_put32(cb, CPL_TLB_MISSES, rec->tlb_misses);
	fsvm_hls_put32(cb, CPL_ITEMS, rec->items);
	fsvm_hls_put32(cb, CPL_STALLS, rec->stalls);

	/* Everything after status (one burst, two if it straddles a page)... */
	if (fsvm_hls_write_small(m, completion_va + CPL_SYNDROME, cb + CPL_SYNDROME,
				 CPL_BYTES - CPL_SYNDROME) != 0)
		return 1;
	/* ...then status, last, on its own. */
	if (fsvm_axi_write(m, completion_va + CPL_STATUS, cb + CPL_STATUS, 4u) != 0)
		return 1;
	return 0;
}
