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
 *     for the shell. Any other type but KERNEL: BAD_PACKET.
 *     kernel_id >= FSVM_HLS_K_COUNT (not in the list): BAD_PACKET.
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

#define RING_MAX	65536u

/*
 * The kernel list becomes the switch: case <id>: return fsvm_k_<name>(m,
 * args[0], ..., io). Plain calls, no function pointers, so HLS inlines or
 * instantiates each kernel behind the command processor.
 */
static uint32_t cp_run_kernel(fsvm_axi_t *m, uint32_t kernel_id,
			      const uint64_t args[FSVM_MAX_ARGS],
			      struct fsvm_kernel_io *io)
{
	switch (kernel_id) {
	case FSVM_HLS_K_NOP:
		fsvm_hls_io_clear(io);
		return FSVM_ST_DONE;
#undef FSVM_KERNEL
#define FSVM_KERNEL(ID, name, ...)				\
	case FSVM_HLS_K_##ID:					\
		return fsvm_k_##name(m, FSVM_PP_MAP(FSVM_ARG_CALL_, __VA_ARGS__) io);
#include FSVM_KERNEL_LIST
#undef FSVM_KERNEL
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
	uint8_t pb[FSVM_PKT_BYTES];
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
	if (ring_va & (FSVM_PKT_BYTES - 1u))
		return;

	slot_va = ring_va + (uint64_t)FSVM_PKT_BYTES * (index & (ring_size - 1u));
	if (fsvm_axi_read(m, slot_va, pb, FSVM_PKT_BYTES) != 0) {
		res->status = FSVM_ST_FAULTED;
		return;
	}

	kernel_id = (uint32_t)pb[FSVM_PKT_OFF_KERNEL_ID] | ((uint32_t)pb[FSVM_PKT_OFF_KERNEL_ID + 1u] << 8);
	completion_va = fsvm_hls_get64(pb, FSVM_PKT_OFF_COMPLETION);
	res->type = pb[FSVM_PKT_OFF_TYPE];
	res->flags = pb[FSVM_PKT_OFF_FLAGS];
	res->kernel_id = (uint16_t)kernel_id;
	res->user_tag = fsvm_hls_get64(pb, FSVM_PKT_OFF_USER_TAG);
	if (completion_va & 7u)
		return;			/* BAD_PACKET, completion_va stays 0 */
	res->completion_va = completion_va;

	if (pb[FSVM_PKT_OFF_TYPE] == FSVM_PKT_BARRIER) {
		res->status = FSVM_ST_DONE;
		return;
	}
	if (pb[FSVM_PKT_OFF_TYPE] == FSVM_PKT_COMPILED) {
		/* Handed to the shell's compiled-kernel engine (simulation only). */
		res->compiled_va = fsvm_hls_get64(pb, FSVM_PKT_OFF_ARGS);
		if (res->compiled_va & 7u)
			return;
		res->phase = FSVM_CP_COMPILED;
		res->status = FSVM_ST_DONE;
		return;
	}
	if (pb[FSVM_PKT_OFF_TYPE] != FSVM_PKT_KERNEL || kernel_id >= FSVM_HLS_K_COUNT)
		return;

	nargs = fsvm_kernel_table[kernel_id].nargs;
	if (nargs > FSVM_MAX_ARGS)
		return;

	for (uint32_t i = 0; i < FSVM_MAX_ARGS; i++) {
#pragma HLS UNROLL
		args[i] = 0;
	}
	if (pb[FSVM_PKT_OFF_FLAGS] & FSVM_PKT_F_ARG_BLOCK) {
		uint64_t block_va = fsvm_hls_get64(pb, FSVM_PKT_OFF_ARGS);

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
				args[i] = fsvm_hls_get64(pb, FSVM_PKT_OFF_ARGS + 8u * i);
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
	uint8_t cb[FSVM_CPL_BYTES];

	if (completion_va == 0)
		return 0;		/* no record requested */
	if (completion_va & 7u)
		return 1;		/* never write a misaligned record */

	fsvm_hls_put32(cb, FSVM_CPL_OFF_STATUS, rec->status);
	fsvm_hls_put32(cb, FSVM_CPL_OFF_SYNDROME, rec->syndrome);
	fsvm_hls_put64(cb, FSVM_CPL_OFF_FAULT_VA, rec->fault_va);
	fsvm_hls_put64(cb, FSVM_CPL_OFF_START, rec->start_ticks);
	fsvm_hls_put64(cb, FSVM_CPL_OFF_END, rec->end_ticks);
	fsvm_hls_put64(cb, FSVM_CPL_OFF_CYCLES, rec->cycles);
	fsvm_hls_put64(cb, FSVM_CPL_OFF_BYTES, rec->bytes);
	fsvm_hls_put32(cb, FSVM_CPL_OFF_TLB_HITS, rec->tlb_hits);
	fsvm_hls_put32(cb, FSVM_CPL_OFF_TLB_MISSES, rec->tlb_misses);
	fsvm_hls_put32(cb, FSVM_CPL_OFF_ITEMS, rec->items);
	fsvm_hls_put32(cb, FSVM_CPL_OFF_STALLS, rec->stalls);

	/* Everything after status (one burst, two if it straddles a page)... */
	if (fsvm_hls_write_small(m, completion_va + FSVM_CPL_OFF_SYNDROME, cb + FSVM_CPL_OFF_SYNDROME,
				 FSVM_CPL_BYTES - FSVM_CPL_OFF_SYNDROME) != 0)
		return 1;
	/* ...then status, last, on its own. */
	if (fsvm_axi_write(m, completion_va + FSVM_CPL_OFF_STATUS, cb + FSVM_CPL_OFF_STATUS, 4u) != 0)
		return 1;
	return 0;
}
