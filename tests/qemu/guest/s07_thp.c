/* SPDX-License-Identifier: MIT */
/*
 * s07_thp.c - scenario 7: a transparent-huge-page region. 4 MiB aligned to
 * 2 MiB, madvise(MADV_HUGEPAGE), touched by the CPU: smaps must show
 * AnonHugePages (else the kernel gave no huge page and the scenario says
 * so). The device chases a list spread over every 4 KiB page of it and runs
 * vadd on arrays inside it; results must equal the CPU's.
 *
 * Block descriptors: the completion record counts the SMMU TLB misses of
 * the launch. With 2 MiB block entries the chase over 1024 distinct 4 KiB
 * pages misses a handful of times; the same chase over a 4 KiB-page region
 * (MADV_NOHUGEPAGE) misses at least once per page. In shared mode (the
 * walker reads Linux's own PMD block entries) this is required; in mirror
 * mode the module's own table decides, and the detail says which it used.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "e2e.h"

#define HUGE	(2u << 20)
#define LEN	(4u << 20)
#define NODES	8192

static unsigned char *aligned_region(int huge)
{
	unsigned char *raw = e2e_map(0, LEN + HUGE, 0);
	unsigned char *p = (unsigned char *)(((uintptr_t)raw + HUGE - 1) & ~(uintptr_t)(HUGE - 1));

	if (madvise(p, LEN, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) != 0 && huge)
		e2e_skip("madvise(MADV_HUGEPAGE) failed: no THP in this kernel");
	return p;
}

static const char *thp_setting(char *buf, size_t len)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

int main(void)
{
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	struct fsvm_chase_result res;
	char setting[128];
	int err;

	e2e_init("07-thp");
	if (strstr(thp_setting(setting, sizeof(setting)), "[never]")) {
		FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "w");

		if (f) {
			fputs("madvise", f);
			fclose(f);
		}
		if (strstr(thp_setting(setting, sizeof(setting)), "[never]"))
			e2e_skip("transparent huge pages are disabled (%s) and cannot be enabled", setting);
	}
	e2e_open(&dev, &ctx);

	unsigned char *h = aligned_region(1), *s = aligned_region(0);

	memset(h, 0, LEN);
	memset(s, 0, LEN);
	long huge_kb = e2e_smaps_kb(h, LEN, "AnonHugePages");
	long small_kb = e2e_smaps_kb(s, LEN, "AnonHugePages");

	e2e_note("THP setting %s; AnonHugePages %ld kB in the MADV_HUGEPAGE region, %ld kB in the "
		 "MADV_NOHUGEPAGE one", setting, huge_kb, small_kb);
	if (huge_kb < (long)(LEN / 1024))
		e2e_skip("the kernel backed only %ld of %u kB with huge pages (THP %s)", huge_kb,
			 LEN / 1024, setting);

	/* Chase over every 4 KiB page: same layout in both regions. */
	struct fsvm_list_node *hh = e2e_list_in(h, NODES, LEN / NODES, 77, 0);
	struct fsvm_list_node *hs = e2e_list_in(s, NODES, LEN / NODES, 77, 0);

	err = e2e_chase(ctx, hh, FSVM_MAX_HOPS, &res, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "chase in the THP region: %s", e2e_errtext(err, &fault));
	e2e_check_chase("chase in the THP region", &res, hh, FSVM_MAX_HOPS);
	uint32_t miss_huge = rec.tlb_misses;

	err = e2e_chase(ctx, hs, FSVM_MAX_HOPS, &res, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "chase in the 4 KiB region: %s", e2e_errtext(err, &fault));
	e2e_check_chase("chase in the 4 KiB region", &res, hs, FSVM_MAX_HOPS);
	uint32_t miss_small = rec.tlb_misses;

	/* vadd with all three arrays inside the huge pages. */
	size_t n = (LEN / 4) / sizeof(float);
	float *a = (float *)h, *b = (float *)(h + LEN / 4), *c = (float *)(h + LEN / 2);
	uint64_t seed = 3;

	for (size_t i = 0; i < n; i++) {
		a[i] = (float)(e2e_rand(&seed) & 0xfffff) * 0.5f;
		b[i] = (float)i;
		c[i] = -1.0f;
	}
	err = e2e_vadd(ctx, a, b, c, n, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "vadd in the THP region: %s", e2e_errtext(err, &fault));
	for (size_t i = 0; i < n; i++) {
		volatile float want = a[i] + b[i];

		E2E_CHECK(memcmp(&c[i], (const void *)&want, sizeof(float)) == 0,
			  "vadd c[%zu] = %g, CPU %g", i, (double)c[i], (double)want);
	}
	huge_kb = e2e_smaps_kb(h, LEN, "AnonHugePages");
	E2E_CHECK(huge_kb >= (long)(LEN / 1024), "the THP region was split (%ld kB huge after the jobs)", huge_kb);

	int blocks = miss_huge < 64 && (uint64_t)miss_huge * 8 < miss_small;

	e2e_note("TLB misses: %u over 1024 pages of THP, %u over 1024 pages of 4 KiB -> %s", miss_huge,
		 miss_small, blocks ? "2 MiB block entries" : "4 KiB entries");
	if (!blocks && strcmp(e2e_mode(), "shared") == 0 && !e2e_is_sim())
		e2e_fail("shared mode: %u TLB misses over a 4 MiB THP region (%u for 4 KiB pages): the "
			 "walker did not use the PMD block descriptors", miss_huge, miss_small);
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	e2e_pass("THP region (AnonHugePages %ld kB): chase over 1024 pages and vadd of %zu floats "
		 "correct; TLB misses %u (THP) vs %u (4 KiB): %s", huge_kb, n, miss_huge, miss_small,
		 blocks ? "block descriptors used" :
		 e2e_is_sim() ? "sim backend has no block mappings for madvise'd memory" :
		 "mirror table maps 4 KiB pages");
}
