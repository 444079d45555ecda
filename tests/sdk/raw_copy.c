/* SPDX-License-Identifier: MIT */
/*
 * raw_copy.c - a kernel that breaks the burst rule on purpose: it copies
 * nbytes (<= 8192) from src to dst as ONE read and ONE write, whatever the
 * page boundaries. tests/sdk checks that the simulator refuses such a
 * burst in a plugin (the in-tree kernels use fsvm_hls_burst_elems).
 */
#include <stdint.h>
#include "fsvm_hls.h"

FSVM_KERNEL(RAW_COPY, raw_copy, FSVM_OUT(U8, dst), FSVM_IN(U8, src), FSVM_U64(nbytes));

#define RAW_MAX	8192u

uint32_t fsvm_k_raw_copy(fsvm_axi_t *m, uint64_t dst, uint64_t src, uint64_t nbytes,
			 struct fsvm_kernel_io *io)
{
	FSVM_HLS_SCRATCH uint8_t buf[RAW_MAX];

	fsvm_hls_io_clear(io);
	if (nbytes == 0 || nbytes > RAW_MAX)
		return FSVM_ST_BAD_PACKET;
	if (fsvm_axi_read(m, src, buf, (uint32_t)nbytes) != 0 ||
	    fsvm_axi_write(m, dst, buf, (uint32_t)nbytes) != 0)
		return fsvm_hls_faulted(io, 0);
	io->items = (uint32_t)nbytes;
	return FSVM_ST_DONE;
}
