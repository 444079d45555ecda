/* SPDX-License-Identifier: MIT */
/*
 * s03_writable_clean.c - scenario 3: the device writes to pages whose PTEs
 * are writable-clean (arm64: PTE_WRITE/DBM set, PTE_RDONLY set). An SMMU-500
 * does not do hardware dirty-bit updates, so it sees read-only and takes a
 * permission fault; the module must resolve it as a *write* fault, so that
 * Linux marks the page dirty, and retry.
 *
 * Two ways to get such PTEs without special privileges:
 *  a) private anonymous pages written, then madvise(MADV_FREE): Linux cleans
 *     the PTEs (pte_mkclean keeps DBM, sets RDONLY) and would discard the
 *     pages at reclaim unless they are dirtied again. Checked: Private_Dirty
 *     of the range drops to 0 after MADV_FREE and is back to the full size
 *     after the device's write; the CPU sees the device's data. If the
 *     module resolved the fault as a read, the page stayed clean and
 *     Private_Dirty shows it (and reclaim could throw the data away).
 *  b) a shared writable mapping (MAP_SHARED|MAP_ANONYMOUS) the CPU has only
 *     read: arm64's PAGE_SHARED is writable-clean. Checked: data visible,
 *     the range counts as dirty afterwards.
 * On the real device the completion record must count resolved stalls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "e2e.h"

#define PAGES 64

static void fill_check(const unsigned char *p, size_t len, unsigned char v, const char *what)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != v)
			e2e_fail("%s: byte %zu is 0x%02x, expected 0x%02x", what, i, p[i], v);
}

int main(void)
{
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	const size_t len = PAGES * 4096;
	volatile unsigned char sink = 0;
	int err;

	e2e_init("03-writable-clean");
	e2e_open(&dev, &ctx);

	/* a) MADV_FREE */
	unsigned char *a = e2e_map(0, len, 0);

	madvise(a, len, MADV_NOHUGEPAGE);
	memset(a, 0x11, len);
	long d0 = e2e_smaps_kb(a, len, "Private_Dirty");

	if (madvise(a, len, MADV_FREE) != 0)
		e2e_skip("madvise(MADV_FREE) is not supported by this kernel");
	long d1 = e2e_smaps_kb(a, len, "Private_Dirty");
	long lazy = e2e_smaps_kb(a, len, "LazyFree");

	for (size_t i = 0; i < len; i += 4096)
		sink += a[i];		/* CPU reads only: stays clean */
	long d2 = e2e_smaps_kb(a, len, "Private_Dirty");

	e2e_note("MADV_FREE range: Private_Dirty %ld kB written, %ld kB after MADV_FREE "
		 "(LazyFree %ld kB), %ld kB after CPU reads", d0, d1, lazy, d2);
	E2E_CHECK(d0 >= (long)(len / 1024), "the CPU's writes left Private_Dirty at %ld kB", d0);
	E2E_CHECK(d1 == 0 && d2 == 0, "MADV_FREE did not clean the PTEs (Private_Dirty %ld/%ld kB): "
		  "no writable-clean pages to test", d1, d2);

	err = e2e_memset(ctx, a, 0xc3, len, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "device write to writable-clean pages: %s", e2e_errtext(err, &fault));
	uint32_t stalls_a = rec.stalls;
	long d3 = e2e_smaps_kb(a, len, "Private_Dirty");

	fill_check(a, len, 0xc3, "MADV_FREE pages after the device's write");
	e2e_note("after the device's write: Private_Dirty %ld kB, %u stalls", d3, stalls_a);
	E2E_CHECK(d3 >= (long)(len / 1024), "pages written by the device are not dirty "
		  "(Private_Dirty %ld kB of %zu): the fault was not resolved as a write", d3, len / 1024);

	/* b) shared writable mapping, read only by the CPU */
	unsigned char *b = e2e_map(0, len, 1);

	for (size_t i = 0; i < len; i += 4096)
		sink += b[i];
	long s0 = e2e_smaps_kb(b, len, "Private_Dirty") + e2e_smaps_kb(b, len, "Shared_Dirty");

	err = e2e_memset(ctx, b, 0x3c, len, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "device write to read-only-touched shared pages: %s",
		  e2e_errtext(err, &fault));
	uint32_t stalls_b = rec.stalls;
	long s1 = e2e_smaps_kb(b, len, "Private_Dirty") + e2e_smaps_kb(b, len, "Shared_Dirty");

	fill_check(b, len, 0x3c, "shared pages after the device's write");
	e2e_note("shared mapping: dirty %ld kB after CPU reads, %ld kB after the device's write, %u stalls",
		 s0, s1, stalls_b);
	E2E_CHECK(s1 >= (long)(len / 1024), "shared pages written by the device are not dirty (%ld kB)", s1);
	if (!e2e_is_sim())
		E2E_CHECK(stalls_a >= 1 && stalls_b >= 1,
			  "no stall counted (%u, %u): the device wrote through read-only PTEs?",
			  stalls_a, stalls_b);

	(void)sink;
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	e2e_pass("writable-clean writes resolved: MADV_FREE pages dirty %ld->%ld kB, shared pages "
		 "dirty %ld->%ld kB, data visible, stalls %u+%u", d2, d3, s0, s1, stalls_a, stalls_b);
}
