/* SPDX-License-Identifier: MIT */
/*
 * k_vadd.c - c[i] = a[i] + b[i] for i < n, IEEE float32 (round to nearest).
 *
 * a, b and c stream through local buffers in bursts that never cross a
 * 4 KiB boundary of any of the three arrays, so every 4-byte aligned start
 * works, whatever the three page offsets. Per burst: read a, read b, add,
 * write c (c may alias a or b element for element).
 *
 * n == 0: DONE, no memory touched. n > FSVM_MAX_ELEMS: BAD_PACKET.
 * A pointer not 4-byte aligned: FSVM_FAULT_ALIGNMENT at that VA (with
 * FSVM_SYND_WRITE for c). items = elements written.
 */
#include <stdint.h>
#include "fsvm_hls.h"

#define CHUNK_ELEMS	(FSVM_HLS_BURST_BYTES / 4u)
/* Elements per group of the add loop: one 128-bit AXI beat's worth. */
#define VADD_LANES	4u

/* Float bits travel through uint32 buffers: the AXI port moves bytes. */
#ifndef FSVM_HLS_SOFT_FLOAT
union vadd_bits {
	uint32_t u;
	float f;
};

static inline uint32_t vadd_f32(uint32_t a, uint32_t b)
{
	union vadd_bits x, y, z;

	x.u = a;
	y.u = b;
	z.f = x.f + y.f;
	return z.u;
}
#else
#define vadd_f32(a, b)	fsvm_soft_fadd32((a), (b))
#endif

uint32_t fsvm_k_vadd(fsvm_axi_t *m, uint64_t a_va, uint64_t b_va,
		     uint64_t c_va, uint64_t n, struct fsvm_kernel_io *io)
{
#pragma HLS INTERFACE m_axi port=m offset=direct bundle=gmem max_widen_bitwidth=128
#pragma HLS INTERFACE s_axilite port=a_va
#pragma HLS INTERFACE s_axilite port=b_va
#pragma HLS INTERFACE s_axilite port=c_va
#pragma HLS INTERFACE s_axilite port=n
#pragma HLS INTERFACE s_axilite port=io
#pragma HLS INTERFACE s_axilite port=return
	FSVM_HLS_SCRATCH uint32_t abuf[CHUNK_ELEMS];
	FSVM_HLS_SCRATCH uint32_t bbuf[CHUNK_ELEMS];
	FSVM_HLS_SCRATCH uint32_t cbuf[CHUNK_ELEMS];
	uint64_t done = 0;

	fsvm_hls_io_clear(io);

	if (n == 0)
		return FSVM_ST_DONE;
	if (n > FSVM_MAX_ELEMS)
		return FSVM_ST_BAD_PACKET;
	if (a_va & 3u) {
		return fsvm_hls_fault(io, a_va, FSVM_FAULT_ALIGNMENT, 0);
	}
	if (b_va & 3u) {
		return fsvm_hls_fault(io, b_va, FSVM_FAULT_ALIGNMENT, 0);
	}
	if (c_va & 3u) {
		return fsvm_hls_fault(io, c_va, FSVM_FAULT_ALIGNMENT, 1);
	}

	for (uint64_t chunk = 0; chunk < FSVM_MAX_ELEMS; chunk++) {
#pragma HLS loop_tripcount min=1 max=12582915 avg=64
		uint64_t off = 4u * done;
		uint32_t cnt;

		if (done >= n)
			break;
		cnt = fsvm_hls_burst_elems(a_va + off, 4u,
			fsvm_hls_burst_elems(b_va + off, 4u,
				fsvm_hls_burst_elems(c_va + off, 4u, fsvm_hls_left(n, done))));

		if (fsvm_axi_read(m, a_va + off, abuf, cnt * 4u) != 0 ||
		    fsvm_axi_read(m, b_va + off, bbuf, cnt * 4u) != 0) {
			io->items = fsvm_hls_items(done);
			return FSVM_ST_FAULTED;
		}
		/* Groups of VADD_LANES: the inner loop has a fixed trip count
		 * and no exit, so a C compiler vectorizes it; the last group may
		 * add up to VADD_LANES - 1 elements past cnt, in the buffers
		 * only (they are never written out). */
		for (uint32_t g = 0; g < CHUNK_ELEMS / VADD_LANES; g++) {
#pragma HLS PIPELINE II=2
#pragma HLS loop_tripcount min=1 max=256 avg=256
			if (g * VADD_LANES >= cnt)
				break;
			for (uint32_t l = 0; l < VADD_LANES; l++) {
#pragma HLS UNROLL
				uint32_t i = g * VADD_LANES + l;

				cbuf[i] = vadd_f32(abuf[i], bbuf[i]);
			}
		}
		if (fsvm_axi_write(m, c_va + off, cbuf, cnt * 4u) != 0) {
			io->items = fsvm_hls_items(done);
			return FSVM_ST_FAULTED;
		}
		done += cnt;
	}

	io->items = fsvm_hls_items(done);
	return FSVM_ST_DONE;
}
