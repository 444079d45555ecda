/* SPDX-License-Identifier: MIT */
/*
 * test_axi.h - a test AXI master port for the HLS kernels, over host memory.
 *
 * VAs are host pointers. The port:
 *  - fails an access (returns non-zero, touches nothing) that overlaps one
 *    of a list of faulting VA ranges, as the SMMU would terminate it, and
 *    records the first faulting VA (the first byte of the access inside the
 *    range) and whether it was a write; [0, 64 KiB) always faults (NULL);
 *  - FAILS the test at once (abort) if a single call crosses a 4 KiB
 *    boundary, exceeds 4096 bytes or is empty: the burst rule the kernels
 *    promise;
 *  - counts calls and bytes, counts calls made after the first fault, and
 *    logs writes (VA, length) in order.
 * It also carries the tests' fixed-seed PRNG and allocation helpers; the
 * checks come from tests/common/test_check.h.
 */
#ifndef TEST_AXI_H
#define TEST_AXI_H

#include <stdint.h>
#include <stdio.h>

#include "fsvm_hls.h"

#define TAXI_MAX_FAULTS	16u
#define TAXI_LOG_MAX	64u
#define TAXI_NULL_GUARD	0x10000ull

/* Which accesses a faulting range terminates. */
#define TAXI_F_READ	1u
#define TAXI_F_WRITE	2u
#define TAXI_F_RW	(TAXI_F_READ | TAXI_F_WRITE)

struct taxi_range {
	uint64_t lo, hi;	/* [lo, hi) */
	unsigned int flags;
};

struct taxi_wlog {
	uint64_t va;
	uint32_t len;
};

struct fsvm_axi {
	struct taxi_range fault[TAXI_MAX_FAULTS];
	unsigned int nfault;

	int faulted;			/* an access faulted */
	uint64_t fault_va;		/* first faulting VA */
	int fault_write;		/* ... and it was a write */
	uint64_t calls_after_fault;	/* calls made after the first fault */

	uint64_t reads, writes;		/* calls */
	uint64_t read_bytes, write_bytes;
	uint32_t max_burst;

	struct taxi_wlog wlog[TAXI_LOG_MAX];	/* first TAXI_LOG_MAX writes */
	uint64_t nwlog;				/* writes seen since the log was reset */
};

/* Empty port: no faulting ranges but the NULL guard, counters zero. */
void taxi_init(struct fsvm_axi *m);
/* Clear counters, the fault record and the write log (ranges stay). */
void taxi_reset(struct fsvm_axi *m);
/* Make [va, va + len) fault for the accesses in flags. */
void taxi_add_fault(struct fsvm_axi *m, uint64_t va, uint64_t len, unsigned int flags);
/* Drop every faulting range but the NULL guard. */
void taxi_clear_faults(struct fsvm_axi *m);

static inline uint64_t VA(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* ---- test helpers (the checks: test_check.h) ---- */

/* splitmix64: fixed seed, same sequence everywhere. */
struct prng {
	uint64_t s;
};

static inline uint64_t prng_next(struct prng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 (bias is irrelevant here). */
static inline uint64_t prng_below(struct prng *r, uint64_t n)
{
	return prng_next(r) % n;
}

/* Fisher-Yates shuffle of perm[0..n). */
void shuffle_u32(struct prng *r, uint32_t *perm, uint32_t n);

/* Fill a packet: inline args (nargs <= FSVM_INLINE_ARGS) or, with
 * FSVM_PKT_F_ARG_BLOCK in flags, args[0] = block (the caller fills it). */
void pkt_fill(struct fsvm_packet *p, uint8_t type, uint8_t flags, uint16_t kernel_id,
	      const uint64_t *args, uint32_t nargs, uint64_t block_va,
	      uint64_t completion_va, uint64_t user_tag);

/* malloc that exits the test on failure; page-aligned variant. */
void *xmalloc(size_t n);
void *xpage_alloc(size_t n);

#endif /* TEST_AXI_H */
