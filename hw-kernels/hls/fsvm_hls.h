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

/*
 * The kernel list this build's command processor and kernel table are made
 * from: fsvm_kernels.def (the in-tree kernels, whose ids are enum
 * fsvm_kernel_id), or, with FSVM_DEVICE_KERNELS defined, the
 * fsvm_device_kernels.def an fsvm_add_device() build generates (found on
 * the include path). The lines are FSVM_KERNEL(ID, name, arg, ...) with the
 * argument macros below (see fsvm_kernels.def).
 */
#ifndef FSVM_KERNEL_LIST
#ifdef FSVM_DEVICE_KERNELS
#define FSVM_KERNEL_LIST "fsvm_device_kernels.def"
#else
#define FSVM_KERNEL_LIST "fsvm_kernels.def"
#endif
#endif

/* Element sizes of the pointer argument types (kernel table .size). */
#define FSVM_TSIZE_VOID		1u
#define FSVM_TSIZE_U8		1u
#define FSVM_TSIZE_U32		4u
#define FSVM_TSIZE_U64		8u
#define FSVM_TSIZE_F32		4u
#define FSVM_TSIZE_LIST_NODE	FSVM_NODE_BYTES
#define FSVM_TSIZE_BST_NODE	FSVM_NODE_BYTES
#define FSVM_TSIZE_HASH_NODE	FSVM_NODE_BYTES
#define FSVM_TSIZE_CHASE_RESULT	FSVM_CHASE_RESULT_BYTES
#define FSVM_TSIZE_NODE_PTR	8u

/* An argument is a tuple (kind, type, size, name). */
#define FSVM_IN(T, n)		(FSVM_ARG_PTR_IN, FSVM_TYPE_##T, FSVM_TSIZE_##T, n)
#define FSVM_OUT(T, n)		(FSVM_ARG_PTR_OUT, FSVM_TYPE_##T, FSVM_TSIZE_##T, n)
#define FSVM_INOUT(T, n)	(FSVM_ARG_PTR_INOUT, FSVM_TYPE_##T, FSVM_TSIZE_##T, n)
#define FSVM_U32(n)		(FSVM_ARG_U32, FSVM_TYPE_U32, 4u, n)
#define FSVM_U64(n)		(FSVM_ARG_U64, FSVM_TYPE_U64, 8u, n)
#define FSVM_F32(n)		(FSVM_ARG_F32, FSVM_TYPE_F32, 4u, n)

/* Preprocessor plumbing: count 1..8 arguments, apply M(index, arg) to each. */
#define FSVM_PP_CAT_(a, b)	a##b
#define FSVM_PP_CAT(a, b)	FSVM_PP_CAT_(a, b)
#define FSVM_PP_NARG(...)	FSVM_PP_NARG_(__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define FSVM_PP_NARG_(a1, a2, a3, a4, a5, a6, a7, a8, N, ...)	N
#define FSVM_PP_MAP(M, ...)	FSVM_PP_CAT(FSVM_PP_MAP_, FSVM_PP_NARG(__VA_ARGS__))(M, __VA_ARGS__)
#define FSVM_PP_MAP_1(M, a)	M(0, a)
#define FSVM_PP_MAP_2(M, a, b)	M(0, a) M(1, b)
#define FSVM_PP_MAP_3(M, a, b, c)	M(0, a) M(1, b) M(2, c)
#define FSVM_PP_MAP_4(M, a, b, c, d)	M(0, a) M(1, b) M(2, c) M(3, d)
#define FSVM_PP_MAP_5(M, a, b, c, d, e)	M(0, a) M(1, b) M(2, c) M(3, d) M(4, e)
#define FSVM_PP_MAP_6(M, a, b, c, d, e, f) \
	M(0, a) M(1, b) M(2, c) M(3, d) M(4, e) M(5, f)
#define FSVM_PP_MAP_7(M, a, b, c, d, e, f, g) \
	M(0, a) M(1, b) M(2, c) M(3, d) M(4, e) M(5, f) M(6, g)
#define FSVM_PP_MAP_8(M, a, b, c, d, e, f, g, h) \
	M(0, a) M(1, b) M(2, c) M(3, d) M(4, e) M(5, f) M(6, g) M(7, h)

/* Pieces of an argument tuple. */
#define FSVM_ARG_T_NAME(k, t, s, n)	n
#define FSVM_ARG_T_DESC(k, t, s, n) \
	{ .kind = (k), .type = (t), .size = (uint8_t)(s), .reserved = 0, .name = #n }
#define FSVM_ARG_T_KIND(k, t, s, n)	(k)
/* Per-argument expansions used with FSVM_PP_MAP. */
#define FSVM_ARG_PROTO_(i, a)	uint64_t FSVM_ARG_T_NAME a,
#define FSVM_ARG_DESC_(i, a)	FSVM_ARG_T_DESC a,
#define FSVM_ARG_CALL_(i, a)	args[i],

/*
 * The kernels. Each takes its arguments (64-bit slots, in list order) and
 * returns an enum fsvm_status (DONE, FAULTED, BAD_PACKET), storing the work
 * done in io->items. On FSVM_ST_FAULTED detected by the kernel itself
 * (alignment, depth limit), io->fault_va and io->syndrome are set.
 */
struct fsvm_kernel_io {
	uint32_t items;
	uint64_t fault_va;
	uint32_t syndrome;
};

/* uint32_t fsvm_k_<name>(fsvm_axi_t *m, uint64_t <arg>..., struct fsvm_kernel_io *io) */
#define FSVM_KERNEL_PROTO(ID, name, ...) \
	uint32_t fsvm_k_##name(fsvm_axi_t *m, FSVM_PP_MAP(FSVM_ARG_PROTO_, __VA_ARGS__) \
			       struct fsvm_kernel_io *io)

#define FSVM_KERNEL(ID, name, ...)	FSVM_KERNEL_PROTO(ID, name, __VA_ARGS__);
#include FSVM_KERNEL_LIST
#undef FSVM_KERNEL

/* This build's kernel ids: nop, then the list in order. */
enum fsvm_hls_kernel_index {
	FSVM_HLS_K_NOP = 0,
#define FSVM_KERNEL(ID, name, ...)	FSVM_HLS_K_##ID,
#include FSVM_KERNEL_LIST
#undef FSVM_KERNEL
	FSVM_HLS_K_COUNT
};
FSVM_STATIC_ASSERT(FSVM_HLS_K_COUNT <= FSVM_MAX_KERNELS, "at most 15 kernels in a kernel list");

/* The kernel table ROM, indexed by kernel id: fsvm_kernel_count entries. */
extern const struct fsvm_kernel_desc fsvm_kernel_table[FSVM_HLS_K_COUNT];
extern const uint32_t fsvm_kernel_count;

/*
 * A kernel file of fsvm_add_device() (cmake/FsvmDevice.cmake) carries its
 * kernel's one description, a line in column 0:
 *   FSVM_KERNEL(ID, name, arg, ...);
 * Here it declares the kernel's prototype, so the compiler checks the
 * definition against it; the build copies the same line into the device's
 * kernel list. Files that expand a list #undef it first.
 */
#define FSVM_KERNEL(ID, name, ...)	FSVM_KERNEL_PROTO(ID, name, __VA_ARGS__)

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

/* The overlap hint of fsvm_hw.h, for ports that have it. */
static inline void fsvm_hls_overlap_begin(fsvm_axi_t *m)
{
	if (FSVM_AXI_HAS_OVERLAP(fsvm_axi_overlap_begin))
		fsvm_axi_overlap_begin(m);
}

static inline void fsvm_hls_overlap_end(fsvm_axi_t *m)
{
	if (FSVM_AXI_HAS_OVERLAP(fsvm_axi_overlap_end))
		fsvm_axi_overlap_end(m);
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

/* ------------------------------------------------------------------ */
/* Kernel skeletons                                                     */
/* ------------------------------------------------------------------ */

/* End a kernel after a faulting access (the shell records the SMMU's
 * fault): items = the work completed before it. */
static inline uint32_t fsvm_hls_faulted(struct fsvm_kernel_io *io, uint64_t done)
{
	io->items = fsvm_hls_items(done);
	return FSVM_ST_FAULTED;
}

/*
 * Check a pointer argument: FSVM_ST_DONE if va is a multiple of align (a
 * power of two), else the kernel's final status, FSVM_FAULT_ALIGNMENT at va
 * (with FSVM_SYND_WRITE for an output).
 */
static inline uint32_t fsvm_hls_check_align(struct fsvm_kernel_io *io, uint64_t va,
					    uint32_t align, int is_write)
{
	if (va & (uint64_t)(align - 1u))
		return fsvm_hls_fault(io, va, FSVM_FAULT_ALIGNMENT, is_write);
	return FSVM_ST_DONE;
}

/*
 * Check an element count: FSVM_ST_PENDING to go on, FSVM_ST_DONE for n == 0
 * (nothing to do, no memory touched), FSVM_ST_BAD_PACKET above
 * FSVM_MAX_ELEMS. A kernel returns anything but PENDING as it is.
 */
static inline uint32_t fsvm_hls_check_count(uint64_t n)
{
	if (n == 0)
		return FSVM_ST_DONE;
	if (n > FSVM_MAX_ELEMS)
		return FSVM_ST_BAD_PACKET;
	return FSVM_ST_PENDING;
}

/*
 * The arguments a BST lookup (bst_lookup, bst_lookup_batch) checks first:
 * FSVM_ST_PENDING to go on, else the kernel's final status (n == 0 DONE,
 * n too large BAD_PACKET, a misaligned root FSVM_FAULT_ALIGNMENT). io is
 * cleared.
 */
static inline uint32_t fsvm_hls_check_bst(struct fsvm_kernel_io *io, uint64_t root, uint64_t n)
{
	uint32_t st = fsvm_hls_check_count(n);

	fsvm_hls_io_clear(io);
	if (st != FSVM_ST_PENDING)
		return st;
	st = fsvm_hls_check_align(io, root, 8u, 0);
	return st == FSVM_ST_DONE ? FSVM_ST_PENDING : st;
}

/*
 * The same for a hash probe (hash_probe, hash_probe_batch): nbuckets a power
 * of two >= 1 (else BAD_PACKET, checked before anything else), then n, then
 * the alignment of buckets_va.
 */
static inline uint32_t fsvm_hls_check_hash(struct fsvm_kernel_io *io, uint64_t buckets_va,
					   uint64_t nbuckets, uint64_t n)
{
	uint32_t st;

	fsvm_hls_io_clear(io);
	if (nbuckets == 0 || (nbuckets & (nbuckets - 1u)) != 0)
		return FSVM_ST_BAD_PACKET;
	st = fsvm_hls_check_count(n);
	if (st != FSVM_ST_PENDING)
		return st;
	st = fsvm_hls_check_align(io, buckets_va, 8u, 0);
	return st == FSVM_ST_DONE ? FSVM_ST_PENDING : st;
}

/*
 * Read one 32-byte node (struct fsvm_list_node, fsvm_bst_node,
 * fsvm_hash_node) at va into nb: one burst, two if it straddles a page.
 * FSVM_ST_DONE, or the kernel's final status with items = done: a node not
 * 8-byte aligned is FSVM_FAULT_ALIGNMENT at va, a faulting read FAULTED.
 */
static inline uint32_t fsvm_hls_read_node(fsvm_axi_t *m, uint64_t va,
					  uint8_t nb[FSVM_NODE_BYTES],
					  struct fsvm_kernel_io *io, uint64_t done)
{
	if (va & 7u) {
		io->items = fsvm_hls_items(done);
		return fsvm_hls_fault(io, va, FSVM_FAULT_ALIGNMENT, 0);
	}
	if (fsvm_hls_read_small(m, va, nb, FSVM_NODE_BYTES) != 0)
		return fsvm_hls_faulted(io, done);
	return FSVM_ST_DONE;
}

/* Write a struct fsvm_chase_result at va (8-byte aligned): DONE or FAULTED. */
static inline uint32_t fsvm_hls_put_chase_result(fsvm_axi_t *m, uint64_t va, uint64_t hops,
						 uint64_t last, uint64_t checksum,
						 uint64_t found)
{
	uint8_t rb[FSVM_CHASE_RESULT_BYTES];

	fsvm_hls_put64(rb, FSVM_CHASE_OFF_HOPS, hops);
	fsvm_hls_put64(rb, FSVM_CHASE_OFF_LAST, last);
	fsvm_hls_put64(rb, FSVM_CHASE_OFF_CHECKSUM, checksum);
	fsvm_hls_put64(rb, FSVM_CHASE_OFF_FOUND, found);
	if (fsvm_hls_write_small(m, va, rb, FSVM_CHASE_RESULT_BYTES) != 0)
		return FSVM_ST_FAULTED;
	return FSVM_ST_DONE;
}

/*
 * FSVM_HLS_KEY_STREAM(fn, lookup) defines the skeleton of a kernel that
 * looks n keys up: results[i] = value of keys[i]. keys and results
 * (uint64_t arrays, 8-byte aligned, checked) stream through two local
 * buffers in bursts that never cross a 4 KiB boundary of either array; one
 * results burst is written per keys burst. It defines
 *
 *   static uint32_t fn(fsvm_axi_t *m, uint64_t p0, uint64_t p1,
 *                      uint64_t keys_va, uint64_t n, uint64_t results_va,
 *                      struct fsvm_kernel_io *io);
 *
 * which calls, per key, the kernel's own (static inline) function
 *
 *   uint32_t lookup(fsvm_axi_t *m, uint64_t p0, uint64_t p1, uint64_t key,
 *                   uint64_t *value, struct fsvm_kernel_io *io, uint64_t done);
 *
 * returning FSVM_ST_DONE with *value set, or the kernel's final status (io
 * set, items = done, the keys before it). A macro, not a function pointer:
 * `lookup` is a plain call HLS inlines. n == 0: DONE, nothing touched;
 * n > FSVM_MAX_ELEMS: BAD_PACKET. A fault stops at once: the results of
 * earlier bursts are written, the burst in progress is not.
 */
#define FSVM_HLS_KEY_CHUNK	(FSVM_HLS_BURST_BYTES / 8u)
#define FSVM_HLS_KEY_STREAM(fn, lookup)						\
static uint32_t fn(fsvm_axi_t *m, uint64_t p0, uint64_t p1, uint64_t keys_va,	\
		   uint64_t n, uint64_t results_va, struct fsvm_kernel_io *io)	\
{										\
	FSVM_HLS_SCRATCH uint64_t kbuf[FSVM_HLS_KEY_CHUNK];			\
	FSVM_HLS_SCRATCH uint64_t rbuf[FSVM_HLS_KEY_CHUNK];			\
	uint64_t done = 0;							\
	uint32_t st = fsvm_hls_check_count(n);					\
										\
	if (st != FSVM_ST_PENDING)						\
		return st;							\
	st = fsvm_hls_check_align(io, keys_va, 8u, 0);				\
	if (st == FSVM_ST_DONE)							\
		st = fsvm_hls_check_align(io, results_va, 8u, 1);		\
	if (st != FSVM_ST_DONE)							\
		return st;							\
	for (uint64_t chunk = 0; chunk < FSVM_MAX_ELEMS; chunk++) {		\
		_Pragma("HLS loop_tripcount min=1 max=2097154 avg=64")		\
		uint64_t kva = keys_va + 8u * done;				\
		uint64_t rva = results_va + 8u * done;				\
		uint32_t cnt;							\
										\
		if (done >= n)							\
			break;							\
		cnt = fsvm_hls_burst_elems(kva, 8u,				\
			fsvm_hls_burst_elems(rva, 8u, fsvm_hls_left(n, done)));	\
		if (fsvm_axi_read(m, kva, kbuf, cnt * 8u) != 0)			\
			return fsvm_hls_faulted(io, done);			\
		for (uint32_t i = 0; i < FSVM_HLS_KEY_CHUNK; i++) {		\
			_Pragma("HLS loop_tripcount min=1 max=512 avg=256")	\
			if (i >= cnt)						\
				break;						\
			st = lookup(m, p0, p1, kbuf[i], &rbuf[i], io, done + i);	\
			if (st != FSVM_ST_DONE)					\
				return st;					\
		}								\
		if (fsvm_axi_write(m, rva, rbuf, cnt * 8u) != 0)		\
			return fsvm_hls_faulted(io, done);			\
		done += cnt;							\
	}									\
	io->items = fsvm_hls_items(done);					\
	return FSVM_ST_DONE;							\
}

/*
 * FSVM_HLS_KEY_BATCH(fn, first, step, max_steps) defines the skeleton of a
 * batched lookup kernel: n keys, taken k at a time (k = 1..FSVM_BATCH_LANES,
 * the lanes fixed at synthesis), each lane walking its own key's chain of
 * nodes. Every round issues the next node read of every live lane back to
 * back inside the port's overlap hint, so up to k reads are outstanding and
 * the DRAM latency is paid once per round, not per node. It defines
 *
 *   static uint32_t fn(fsvm_axi_t *m, uint64_t p0, uint64_t p1,
 *                      uint64_t keys_va, uint64_t n, uint64_t k,
 *                      uint64_t results_va, struct fsvm_kernel_io *io);
 *
 * with the kernel's own (static inline) functions
 *
 *   uint32_t first(fsvm_axi_t *m, uint64_t p0, uint64_t p1, uint64_t key,
 *                  uint64_t *node, struct fsvm_kernel_io *io, uint64_t done);
 *     the VA of the key's first node (0: none), or the kernel's final status;
 *   int step(const uint8_t nb[FSVM_NODE_BYTES], uint64_t key, uint64_t *node,
 *            uint64_t *value);
 *     1 when the node read into nb ends the walk with *value set, else 0
 *     with *node = the next node's VA (0: the chain ends, FSVM_NOT_FOUND).
 *
 * A lane that would read more than max_steps nodes ends the kernel with
 * FSVM_FAULT_DEPTH_LIMIT at that next node's VA (never read). keys/results
 * are read/written k at a time (a burst, two if it straddles a page), both
 * 8-byte aligned (checked). n == 0: DONE, nothing touched; n >
 * FSVM_MAX_ELEMS, or k == 0 or k > FSVM_BATCH_LANES: BAD_PACKET. A fault
 * (or the depth limit) in a group stops the kernel at once: results of
 * earlier groups are written, the group's are not, items = the keys of the
 * earlier groups; of several faults in one group, the first in issue order
 * (round by round, lane by lane) is reported. The results equal those of
 * the one-key-at-a-time kernel for every k.
 */
#define FSVM_HLS_KEY_BATCH(fn, first, step, max_steps)				\
static uint32_t fn(fsvm_axi_t *m, uint64_t p0, uint64_t p1, uint64_t keys_va,	\
		   uint64_t n, uint64_t k, uint64_t results_va,			\
		   struct fsvm_kernel_io *io)					\
{										\
	FSVM_HLS_SCRATCH uint8_t kb[FSVM_BATCH_LANES * 8u];			\
	FSVM_HLS_SCRATCH uint8_t rb[FSVM_BATCH_LANES * 8u];			\
	FSVM_HLS_SCRATCH uint8_t nb[FSVM_BATCH_LANES][FSVM_NODE_BYTES];		\
	uint64_t key[FSVM_BATCH_LANES], node[FSVM_BATCH_LANES];			\
	uint64_t val[FSVM_BATCH_LANES];						\
	uint8_t live[FSVM_BATCH_LANES];						\
	_Pragma("HLS ARRAY_PARTITION variable=nb dim=1 complete")		\
	_Pragma("HLS ARRAY_PARTITION variable=key complete")			\
	_Pragma("HLS ARRAY_PARTITION variable=node complete")			\
	_Pragma("HLS ARRAY_PARTITION variable=val complete")			\
	_Pragma("HLS ARRAY_PARTITION variable=live complete")			\
	uint64_t done = 0;							\
	uint32_t st = fsvm_hls_check_count(n);					\
										\
	if (st != FSVM_ST_PENDING)						\
		return st;							\
	if (k == 0 || k > FSVM_BATCH_LANES)					\
		return FSVM_ST_BAD_PACKET;					\
	st = fsvm_hls_check_align(io, keys_va, 8u, 0);				\
	if (st == FSVM_ST_DONE)							\
		st = fsvm_hls_check_align(io, results_va, 8u, 1);		\
	if (st != FSVM_ST_DONE)							\
		return st;							\
	for (uint64_t g = 0; g < FSVM_MAX_ELEMS; g++) {				\
		_Pragma("HLS loop_tripcount min=1 max=4294967296 avg=1024")	\
		uint32_t cnt, nlive;						\
										\
		if (done >= n)							\
			break;							\
		cnt = n - done < k ? (uint32_t)(n - done) : (uint32_t)k;	\
		if (fsvm_hls_read_small(m, keys_va + 8u * done, kb, cnt * 8u) != 0) \
			return fsvm_hls_faulted(io, done);			\
		fsvm_hls_overlap_begin(m);					\
		for (uint32_t l = 0; l < FSVM_BATCH_LANES; l++) {		\
			_Pragma("HLS UNROLL")					\
			live[l] = l < cnt;					\
			node[l] = 0;						\
			val[l] = FSVM_NOT_FOUND;				\
			if (!live[l])						\
				continue;					\
			key[l] = fsvm_hls_get64(kb, 8u * l);			\
			st = first(m, p0, p1, key[l], &node[l], io, done);	\
			if (st != FSVM_ST_DONE) {				\
				fsvm_hls_overlap_end(m);			\
				return st;					\
			}							\
		}								\
		fsvm_hls_overlap_end(m);					\
		for (uint32_t d = 0; d < (max_steps); d++) {			\
			_Pragma("HLS loop_tripcount min=1 max=65536 avg=20")	\
			nlive = 0;						\
			fsvm_hls_overlap_begin(m);				\
			for (uint32_t l = 0; l < FSVM_BATCH_LANES; l++) {	\
				_Pragma("HLS UNROLL")				\
				if (live[l] && node[l] == 0)			\
					live[l] = 0;	/* chain ended */	\
				if (!live[l])					\
					continue;				\
				st = fsvm_hls_read_node(m, node[l], nb[l], io, done); \
				if (st != FSVM_ST_DONE) {			\
					fsvm_hls_overlap_end(m);		\
					return st;				\
				}						\
				nlive++;					\
			}							\
			fsvm_hls_overlap_end(m);				\
			if (nlive == 0)						\
				break;						\
			for (uint32_t l = 0; l < FSVM_BATCH_LANES; l++) {	\
				_Pragma("HLS UNROLL")				\
				if (live[l] && step(nb[l], key[l], &node[l], &val[l])) \
					live[l] = 0;				\
			}							\
		}								\
		for (uint32_t l = 0; l < FSVM_BATCH_LANES; l++) {		\
			_Pragma("HLS UNROLL")					\
			if (live[l] && node[l] != 0) {				\
				io->items = fsvm_hls_items(done);		\
				return fsvm_hls_fault(io, node[l],		\
						      FSVM_FAULT_DEPTH_LIMIT, 0); \
			}							\
			if (l < cnt)						\
				fsvm_hls_put64(rb, 8u * l, val[l]);		\
		}								\
		if (fsvm_hls_write_small(m, results_va + 8u * done, rb, cnt * 8u) != 0) \
			return fsvm_hls_faulted(io, done);			\
		done += cnt;							\
	}									\
	io->items = fsvm_hls_items(done);					\
	return FSVM_ST_DONE;							\
}

#endif /* FSVM_HLS_H */
