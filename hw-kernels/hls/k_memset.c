/* SPDX-License-Identifier: MIT */
/*
 * k_memset.c - store the low byte of value into nbytes bytes at dst.
 *
 * A local buffer is filled once; it then goes out in bursts that never
 * cross a 4 KiB boundary of dst, so any byte address works.
 *
 * nbytes == 0: DONE, no memory touched. nbytes > FSVM_MAX_ELEMS:
 * BAD_PACKET. items = bytes written (saturating at UINT32_MAX). A fault
 * stops the kernel at once; the bursts before it are written.
 */
#include <stdint.h>
#include "fsvm_hls.h"

/* Bytes per group of the fill loop: one 128-bit AXI beat. */
#define MEMSET_LANES	16u

uint32_t fsvm_k_memset(fsvm_axi_t *m, uint64_t dst_va, uint64_t value,
		       uint64_t nbytes, struct fsvm_kernel_io *io)
{
#pragma HLS INTERFACE m_axi port=m offset=direct bundle=gmem max_widen_bitwidth=128
#pragma HLS INTERFACE s_axilite port=dst_va
#pragma HLS INTERFACE s_axilite port=value
#pragma HLS INTERFACE s_axilite port=nbytes
#pragma HLS INTERFACE s_axilite port=io
#pragma HLS INTERFACE s_axilite port=return
	FSVM_HLS_SCRATCH uint8_t buf[FSVM_HLS_BURST_BYTES];
	uint8_t byte = (uint8_t)value;
	uint64_t fill = nbytes < FSVM_HLS_BURST_BYTES ? nbytes : FSVM_HLS_BURST_BYTES;
	uint64_t done = 0;

	fsvm_hls_io_clear(io);

	if (nbytes == 0)
		return FSVM_ST_DONE;
	if (nbytes > FSVM_MAX_ELEMS)
		return FSVM_ST_BAD_PACKET;

	/* Groups of MEMSET_LANES bytes: a fixed inner trip count and no exit,
	 * so a C compiler vectorizes it; the last group may fill up to
	 * MEMSET_LANES - 1 bytes of buf past fill (never written out). */
	for (uint32_t g = 0; g < FSVM_HLS_BURST_BYTES / MEMSET_LANES; g++) {
#pragma HLS PIPELINE II=8
#pragma HLS loop_tripcount min=1 max=256 avg=256
		if (g * MEMSET_LANES >= fill)
			break;
		for (uint32_t l = 0; l < MEMSET_LANES; l++) {
#pragma HLS UNROLL
			buf[g * MEMSET_LANES + l] = byte;
		}
	}

	for (uint64_t chunk = 0; chunk < FSVM_MAX_ELEMS; chunk++) {
#pragma HLS loop_tripcount min=1 max=1048577 avg=64
		uint32_t cnt;

		if (done >= nbytes)
			break;
		cnt = fsvm_hls_burst_elems(dst_va + done, 1u, fsvm_hls_left(nbytes, done));

		if (fsvm_axi_write(m, dst_va + done, buf, cnt) != 0) {
			io->items = fsvm_hls_items(done);
			return FSVM_ST_FAULTED;
		}
		done += cnt;
	}

	io->items = fsvm_hls_items(done);
	return FSVM_ST_DONE;
}
