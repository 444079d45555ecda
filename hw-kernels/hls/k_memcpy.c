/* SPDX-License-Identifier: MIT */
/*
 * k_memcpy.c - copy nbytes from src to dst, any byte addresses.
 *
 * Bytes go through one local buffer in bursts that never cross a 4 KiB
 * boundary of src or of dst: read a burst of src, write it to dst. The copy
 * runs forwards (overlap behaves as C's memcpy: undefined, no check).
 *
 * nbytes == 0: DONE, no memory touched. nbytes > FSVM_MAX_ELEMS:
 * BAD_PACKET. items = bytes written (saturating at UINT32_MAX). A fault
 * stops the copy at once; the bursts before it are written.
 */
#include <stdint.h>
#include "fsvm_hls.h"

uint32_t fsvm_k_memcpy(fsvm_axi_t *m, uint64_t dst_va, uint64_t src_va,
		       uint64_t nbytes, struct fsvm_kernel_io *io)
{
#pragma HLS INTERFACE m_axi port=m offset=direct bundle=gmem max_widen_bitwidth=128
#pragma HLS INTERFACE s_axilite port=dst_va
#pragma HLS INTERFACE s_axilite port=src_va
#pragma HLS INTERFACE s_axilite port=nbytes
#pragma HLS INTERFACE s_axilite port=io
#pragma HLS INTERFACE s_axilite port=return
	FSVM_HLS_SCRATCH uint8_t buf[FSVM_HLS_BURST_BYTES];
	uint64_t done = 0;

	fsvm_hls_io_clear(io);

	if (nbytes == 0)
		return FSVM_ST_DONE;
	if (nbytes > FSVM_MAX_ELEMS)
		return FSVM_ST_BAD_PACKET;

	for (uint64_t chunk = 0; chunk < FSVM_MAX_ELEMS; chunk++) {
#pragma HLS loop_tripcount min=1 max=2097154 avg=64
		uint32_t cnt;

		if (done >= nbytes)
			break;
		cnt = fsvm_hls_burst_elems(src_va + done, 1u,
			fsvm_hls_burst_elems(dst_va + done, 1u, fsvm_hls_left(nbytes, done)));

		if (fsvm_axi_read(m, src_va + done, buf, cnt) != 0 ||
		    fsvm_axi_write(m, dst_va + done, buf, cnt) != 0) {
			io->items = fsvm_hls_items(done);
			return FSVM_ST_FAULTED;
		}
		done += cnt;
	}

	io->items = fsvm_hls_items(done);
	return FSVM_ST_DONE;
}
