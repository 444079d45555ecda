/* SPDX-License-Identifier: MIT */
/*
 * s02_first_touch.c - scenario 2: the device writes into freshly mmap'ed
 * anonymous memory the CPU never touched (no PTE at all). Each page's first
 * access is a not-present fault the module must resolve (stall, fault in,
 * retry). Checks: the pages were absent before (pagemap), the CPU reads the
 * device's data afterwards, the pages are present and dirty, and on the
 * real device the completion record counts resolved stalls. Also a device
 * *read* of untouched memory (read fault: the zero page) returns zeros.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "e2e.h"

int main(void)
{
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	const size_t len = 2u << 20, half = len / 2;
	unsigned char *r, *pat;
	int err;

	e2e_init("02-first-touch");
	e2e_open(&dev, &ctx);

	r = e2e_map(0, len, 0);
	madvise(r, len, MADV_NOHUGEPAGE);	/* one fault per 4 KiB page */
	for (size_t off = 0; off < len; off += 4096)
		E2E_CHECK(e2e_page_present(r + off) != 1, "page %zu present before any touch", off / 4096);

	/* 1: memset into the first half. */
	err = e2e_memset(ctx, r, 0x5a, half, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "memset into untouched memory: %s", e2e_errtext(err, &fault));
	uint32_t stalls = rec.stalls;

	/* 2: memcpy of a pattern into the second half. */
	pat = malloc(half);
	E2E_CHECK(pat != NULL, "out of memory");
	for (size_t i = 0; i < half; i++)
		pat[i] = (unsigned char)(i * 131 + (i >> 12));
	err = e2e_memcpy(ctx, r + half, pat, half, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "memcpy into untouched memory: %s", e2e_errtext(err, &fault));
	stalls += rec.stalls;

	for (size_t i = 0; i < half; i++)
		if (r[i] != 0x5a)
			e2e_fail("byte %zu reads 0x%02x after the device's memset, expected 0x5a", i, r[i]);
	E2E_CHECK(memcmp(r + half, pat, half) == 0, "second half differs from the device's memcpy");
	for (size_t off = 0; off < len; off += 4096)
		E2E_CHECK(e2e_page_present(r + off) == 1, "page %zu not present after the device wrote it", off / 4096);
	long dirty = e2e_smaps_kb(r, len, "Private_Dirty");

	E2E_CHECK(dirty < 0 || dirty >= (long)(len / 1024), "Private_Dirty %ld kB < %zu kB written", dirty, len / 1024);
	if (!e2e_is_sim())
		E2E_CHECK(stalls >= 1, "no stall was counted although every page was absent");

	/* 3: device reads memory nobody touched: zeros. */
	unsigned char *z = e2e_map(0, 256 * 1024, 0), *dst = malloc(256 * 1024);

	E2E_CHECK(dst != NULL, "out of memory");
	memset(dst, 0xff, 256 * 1024);
	err = e2e_memcpy(ctx, dst, z, 256 * 1024, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "memcpy from untouched memory: %s", e2e_errtext(err, &fault));
	for (size_t i = 0; i < 256 * 1024; i++)
		E2E_CHECK(dst[i] == 0, "byte %zu of untouched memory read as 0x%02x", i, dst[i]);

	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	e2e_pass("%zu untouched pages written by the device (%u stalls resolved), CPU sees the data, "
		 "Private_Dirty %ld kB; untouched pages read as zeros", len / 4096, stalls, dirty);
}
