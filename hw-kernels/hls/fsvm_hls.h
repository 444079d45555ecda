/* SPDX-License-Identifier: MIT */
/*
 * fsvm_hls.h - top functions of the synthesizable part of the shell.
 *
 * The command processor and the kernels are plain HLS C: bounded loops, no
 * recursion, no malloc, no function pointers, no libc. They reach memory
 * only through the AXI accessors of fsvm_hw.h, with process VAs.
 *
 * The device model (hw-kernels/model) calls these functions in C
 * simulation; Vitis HLS synthesizes them for the board.
 */
#ifndef FSVM_HLS_H
#define FSVM_HLS_H

#include <stdint.h>
#include "fsvm_hw.h"

/* Where a packet's processing stopped. */
enum fsvm_cp_phase {
	FSVM_CP_FETCH = 0,	/* reading the packet or its argument block */
	FSVM_CP_KERNEL = 1,	/* running the kernel */
	FSVM_CP_COMPILED = 2,	/* a FSVM_PKT_COMPILED packet for the shell's compiled-kernel engine */
};

/* What the command processor reports to the shell for one packet. */
struct fsvm_cp_result {
	uint32_t status;	/* enum fsvm_status */
	uint32_t phase;		/* enum fsvm_cp_phase at the end */
	uint32_t items;		/* hops / keys / elements processed */
	uint16_t kernel_id;
	uint8_t type;		/* packet type as read */
	uint8_t flags;		/* packet flags as read */
	uint64_t completion_va;	/* 0: no completion record requested (or unknown) */
	uint64_t user_tag;
	/*
	 * Faults the kernel detects itself (FSVM_FAULT_ALIGNMENT): the VA and
	 * syndrome. Faults the SMMU raises are recorded by the shell instead,
	 * and these stay 0.
	 */
	uint64_t fault_va;
	uint32_t syndrome;
	/* Phase COMPILED: the packet's args[0], the launch descriptor VA. */
	uint64_t compiled_va;
};

/*
 * Fetch packet `index` of the ring at ring_va (ring_size packets, a power of
 * two), decode it, fetch its argument block if any, validate it against the
 * kernel table and run the kernel. Never writes the completion record: the
 * shell adds timestamps and counters and calls fsvm_cp_complete().
 */
void fsvm_cp_dispatch(fsvm_axi_t *m, uint64_t ring_va, uint32_t ring_size,
		      uint32_t index, struct fsvm_cp_result *res);

/*
 * Write a completion record at completion_va: every field but status first,
 * status last, so a host that sees a final status sees the rest.
 * Returns 0, or non-zero if a write faulted.
 */
int fsvm_cp_complete(fsvm_axi_t *m, uint64_t completion_va,
		     const struct fsvm_completion *rec);

/* The kernel table ROM, indexed by enum fsvm_kernel_id. */
extern const struct fsvm_kernel_desc fsvm_kernel_table[FSVM_K_COUNT];

/*
 * The kernels. Each returns an enum fsvm_status (DONE, FAULTED, BAD_PACKET)
 * and stores the work done in *items. On FSVM_ST_FAULTED detected by the
 * kernel itself (alignment), *fault_va and *syndrome are set.
 */
struct fsvm_kernel_io {
	uint32_t items;
	uint64_t fault_va;
	uint32_t syndrome;
};

uint32_t fsvm_k_pointer_chase(fsvm_axi_t *m, uint64_t head, uint64_t max_hops,
			      uint64_t result_va, struct fsvm_kernel_io *io);
uint32_t fsvm_k_list_search(fsvm_axi_t *m, uint64_t head, uint64_t key,
			    uint64_t max_hops, uint64_t result_va,
			    struct fsvm_kernel_io *io);
uint32_t fsvm_k_bst_lookup(fsvm_axi_t *m, uint64_t root, uint64_t keys_va,
			   uint64_t n, uint64_t results_va,
			   struct fsvm_kernel_io *io);
uint32_t fsvm_k_hash_probe(fsvm_axi_t *m, uint64_t buckets_va,
			   uint64_t nbuckets, uint64_t keys_va, uint64_t n,
			   uint64_t results_va, struct fsvm_kernel_io *io);
uint32_t fsvm_k_vadd(fsvm_axi_t *m, uint64_t a_va, uint64_t b_va,
		     uint64_t c_va, uint64_t n, struct fsvm_kernel_io *io);
uint32_t fsvm_k_memcpy(fsvm_axi_t *m, uint64_t dst_va, uint64_t src_va,
		       uint64_t nbytes, struct fsvm_kernel_io *io);
uint32_t fsvm_k_memset(fsvm_axi_t *m, uint64_t dst_va, uint64_t value,
		       uint64_t nbytes, struct fsvm_kernel_io *io);

/* ------------------------------------------------------------------ */
/* Helpers shared by the command processor and the kernels             */
/* ------------------------------------------------------------------ */
/*
 * Every call of fsvm_axi_read/fsvm_axi_write the HLS code makes is one AXI
 * burst: at most FSVM_HLS_BURST_BYTES bytes and never across a 4 KiB VA
 * boundary (AXI4 forbids it, and it is the SMMU's translation granule).
 * Small objects that may straddle a page (an 8-byte aligned 32-byte node,
 * a completion record, an argument block) go out as at most two bursts.
 * Multi-byte values in byte buffers are little-endian, as on AXI.
 * (No pragmas here: the header is also compiled by non-HLS targets.)
 */
#define FSVM_HLS_BURST_BYTES	4096u

/*
 * Builds that cannot give the kernels big stack frames or the FPU (the
 * Linux kernel module's emulation mode: 16 KiB kernel stacks, arm64 kernel
 * code compiled with -mgeneral-regs-only) define:
 *  FSVM_HLS_SCRATCH=static   local burst buffers become static (the model
 *                            runs the kernels in one thread at a time);
 *  FSVM_HLS_SOFT_FLOAT       float arithmetic on raw bits through an
 *                            integer implementation the build links.
 * Neither changes what a kernel computes.
 */
#ifndef FSVM_HLS_SCRATCH
#define FSVM_HLS_SCRATCH
#endif
#ifdef FSVM_HLS_SOFT_FLOAT
uint32_t fsvm_soft_fadd32(uint32_t a, uint32_t b);
#endif

/* Bytes from va up to the next 4 KiB boundary: 1..4096. */
static inline uint32_t fsvm_hls_page_room(uint64_t va)
{
	return FSVM_PAGE_SIZE - (uint32_t)(va & (FSVM_PAGE_SIZE - 1u));
}

/* Read len (<= FSVM_HLS_BURST_BYTES) bytes that may straddle one page boundary. */
static inline int fsvm_hls_read_small(fsvm_axi_t *m, uint64_t va, uint8_t *dst, uint32_t len)
{
	uint32_t first = fsvm_hls_page_room(va);

	if (first >= len)
		return fsvm_axi_read(m, va, dst, len);
	if (fsvm_axi_read(m, va, dst, first) != 0)
		return 1;
	return fsvm_axi_read(m, va + first, dst + first, len - first);
}

/* Write len (<= FSVM_HLS_BURST_BYTES) bytes that may straddle one page boundary. */
static inline int fsvm_hls_write_small(fsvm_axi_t *m, uint64_t va, const uint8_t *src, uint32_t len)
{
	uint32_t first = fsvm_hls_page_room(va);

	if (first >= len)
		return fsvm_axi_write(m, va, src, len);
	if (fsvm_axi_write(m, va, src, first) != 0)
		return 1;
	return fsvm_axi_write(m, va + first, src + first, len - first);
}

/*
 * Elements of elem_bytes each in one burst at va: no more than limit, and
 * never past the 4 KiB boundary. A streaming kernel takes the minimum over
 * its arrays by nesting: burst_elems(a, 4, burst_elems(b, 4, left)).
 */
static inline uint32_t fsvm_hls_burst_elems(uint64_t va, uint32_t elem_bytes, uint32_t limit)
{
	uint32_t cnt = fsvm_hls_page_room(va) / elem_bytes;

	return cnt < limit ? cnt : limit;
}

/* Elements still to do, n - done, capped at FSVM_HLS_BURST_BYTES (no burst
 * holds more): the `limit` of fsvm_hls_burst_elems. done <= n. */
static inline uint32_t fsvm_hls_left(uint64_t n, uint64_t done)
{
	return n - done < FSVM_HLS_BURST_BYTES ? (uint32_t)(n - done) : FSVM_HLS_BURST_BYTES;
}

static inline uint64_t fsvm_hls_get64(const uint8_t *b, uint32_t off)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < 8; i++) {
		v |= (uint64_t)b[off + i] << (8u * i);
	}
	return v;
}

static inline void fsvm_hls_put64(uint8_t *b, uint32_t off, uint64_t v)
{
	for (uint32_t i = 0; i < 8; i++) {
		b[off + i] = (uint8_t)(v >> (8u * i));
	}
}

static inline void fsvm_hls_put32(uint8_t *b, uint32_t off, uint32_t v)
{
	for (uint32_t i = 0; i < 4; i++) {
		b[off + i] = (uint8_t)(v >> (8u * i));
	}
}

/* The start of every kernel: nothing done, no fault. */
static inline void fsvm_hls_io_clear(struct fsvm_kernel_io *io)
{
	io->items = 0;
	io->fault_va = 0;
	io->syndrome = 0;
}

/* A 64-bit count as the 32-bit items field: saturates at UINT32_MAX. */
static inline uint32_t fsvm_hls_items(uint64_t count)
{
	return count > 0xffffffffull ? 0xffffffffu : (uint32_t)count;
}

/* The syndrome of a fault a kernel detects itself. */
static inline uint32_t fsvm_hls_synd(uint32_t fault_type, int is_write)
{
	return (fault_type << FSVM_SYND_TYPE_SHIFT) | (is_write ? FSVM_SYND_WRITE : 0u);
}

/* End a kernel with a fault it detected itself (alignment, depth limit). */
static inline uint32_t fsvm_hls_fault(struct fsvm_kernel_io *io, uint64_t va,
				      uint32_t fault_type, int is_write)
{
	io->fault_va = va;
	io->syndrome = fsvm_hls_synd(fault_type, is_write);
	return FSVM_ST_FAULTED;
}

#endif /* FSVM_HLS_H */
