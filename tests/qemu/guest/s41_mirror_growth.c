/* SPDX-License-Identifier: MIT */
/*
 * s41_mirror_growth.c - scenario 41 (issue 8 H2): a user cannot grow
 * kernel memory without bound through the mirror table.
 *
 * A context bound in mirror mode (FSVM_BIND_F_MODE_MIRROR, so both passes
 * check it) runs CYCLES times: mmap a fresh 2 MiB-aligned 2 MiB region
 * (each cycle the next one, never an address used before: every cycle
 * needs a new level-3 table page in the mirror, every 512 a new level 2),
 * FSVM_IOC_PREFAULT its first page writable (so the mirror maps it),
 * munmap it (the notifier removes the entry). Before the fix each cycle
 * left one table page behind: 100000 cycles held 391 MiB. The issue asks
 * for 100000 cycles; under QEMU TCG a cycle costs 2 to 3.5 ms (a loaded
 * 2-core host: 20000 cycles took 71 s in one pass of the full suite), so
 * 100000 would take 200 to 350 s a pass; 12000 is what keeps both passes
 * of one CPU model within 120 s with a margin. The leak showed from
 * the first thousand cycles on (red check: without freeing emptied
 * tables, 2006 pages after 2000 cycles).
 *
 * Checked: every PREFAULT succeeds (the cap mirror_max_tables never
 * refuses); the table pages DIAG reports (mirror_tables) never exceed the
 * count after the warm-up by more than TABLE_SLACK, sampled every 1000
 * cycles; Slab and MemFree (/proc/meminfo) after the loop are within
 * SLAB_SLACK_KB / FREE_SLACK_KB of their values after the warm-up, where a
 * table page per cycle would cost 4 KiB x CYCLES.
 * Emulation or silicon with the module; not the sim backend.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "e2e.h"
#ifdef FSVM_E2E_HAVE_UAPI
#include "fsvm_uapi.h"

#define CYCLES		12000u
#define WARMUP		1000u
#define REGION		(2ull << 20)
#define TABLE_SLACK	8u
#define SLAB_SLACK_KB	4096
#define FREE_SLACK_KB	16384

static const char *dev_path(void)
{
	const char *d = getenv("FSVM_DEVICE");

	return d && strncmp(d, "hw:", 3) == 0 && d[3] ? d + 3 : "/dev/fsvm0";
}

static long meminfo_kb(const char *field)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	size_t n = strlen(field);
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':') {
			v = atol(line + n + 1);
			break;
		}
	fclose(f);
	return v;
}

static void diag(int fd, struct fsvm_diag *d)
{
	memset(d, 0, sizeof(*d));
	d->size = sizeof(*d);
	E2E_CHECK(ioctl(fd, FSVM_IOC_DIAG, d) == 0, "DIAG: %s", strerror(errno));
}

static unsigned int tables(int fd)
{
	struct fsvm_diag d;

	diag(fd, &d);
	return d.mirror_tables;
}

/* One cycle at region i: mmap, PREFAULT the first page, munmap. */
static void cycle(int fd, uintptr_t base, unsigned int i)
{
	uintptr_t at = base + (uintptr_t)i * REGION;
	struct fsvm_range r;
	void *p;

	p = mmap((void *)at, REGION, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	E2E_CHECK(p == (void *)at, "cycle %u: mmap at 0x%" PRIxPTR ": %s", i, at,
		  p == MAP_FAILED ? strerror(errno) : "another address");
	memset(&r, 0, sizeof(r));
	r.va = at;
	r.len = 4096;
	r.flags = FSVM_RANGE_F_WRITE;
	E2E_CHECK(ioctl(fd, FSVM_IOC_PREFAULT, &r) == 0, "cycle %u: PREFAULT 0x%" PRIxPTR
		  ": %s (%u table pages)", i, at, strerror(errno), tables(fd));
	E2E_CHECK(munmap(p, REGION) == 0, "cycle %u: munmap: %s", i, strerror(errno));
}
#endif

int main(void)
{
	e2e_init("41-mirror-growth");
	if (e2e_is_sim())
		e2e_skip("the sim backend has no module (no mirror table)");
#ifndef FSVM_E2E_HAVE_UAPI
	e2e_skip("built without the module's uapi header");
#else
	struct fsvm_bind b;
	struct fsvm_diag d;
	uint64_t t0 = e2e_now_ms(), ms;
	unsigned int base_tables, max_tables, now;
	long slab0, free0, slab1, free1;
	uintptr_t base;
	int fd;

	fd = open(dev_path(), O_RDWR | O_CLOEXEC);
	E2E_CHECK(fd >= 0, "open %s: %s", dev_path(), strerror(errno));
	memset(&b, 0, sizeof(b));
	b.flags = FSVM_BIND_F_MODE_MIRROR;
	E2E_CHECK(ioctl(fd, FSVM_IOC_BIND, &b) == 0, "BIND (mirror): %s", strerror(errno));
	E2E_CHECK(b.mode == FSVM_MODE_MIRROR, "bound in mode %u, asked for mirror", b.mode);
	diag(fd, &d);
	/* CYCLES regions of 2 MiB: 200 GiB of address space never used before. */
	base = d.cpu_va_bits >= 48 ? (uintptr_t)1 << 40 : (uintptr_t)1 << 32;
	E2E_CHECK(base + CYCLES * REGION < ((uintptr_t)1 << (d.cpu_va_bits - 1)),
		  "%u-bit VA: no room for %u fresh 2 MiB regions", d.cpu_va_bits, CYCLES);

	for (unsigned int i = 0; i < WARMUP; i++)
		cycle(fd, base, i);
	base_tables = max_tables = tables(fd);
	slab0 = meminfo_kb("Slab");
	free0 = meminfo_kb("MemFree");
	E2E_CHECK(slab0 > 0 && free0 > 0, "cannot read /proc/meminfo");
	e2e_note("after %u warm-up cycles: %u mirror table pages (cap %u), Slab %ld kB, "
		 "MemFree %ld kB", WARMUP, base_tables, d.mirror_tables_max, slab0, free0);
	for (unsigned int i = WARMUP; i < CYCLES; i++) {
		cycle(fd, base, i);
		if (i % 1000 == 999) {
			now = tables(fd);
			if (now > max_tables)
				max_tables = now;
			E2E_CHECK(now <= base_tables + TABLE_SLACK,
				  "after %u cycles the mirror holds %u table pages, %u after the "
				  "warm-up: it grows with every fresh region", i + 1, now, base_tables);
		}
	}
	ms = e2e_now_ms() - t0;
	now = tables(fd);
	slab1 = meminfo_kb("Slab");
	free1 = meminfo_kb("MemFree");
	e2e_note("after %u cycles: %u table pages (max %u), Slab %ld kB (%+ld), MemFree %ld kB "
		 "(%+ld), %" PRIu64 " ms", CYCLES, now, max_tables, slab1, slab1 - slab0, free1,
		 free1 - free0, ms);
	E2E_CHECK(slab1 - slab0 <= SLAB_SLACK_KB, "Slab grew by %ld kB over %u cycles",
		  slab1 - slab0, CYCLES - WARMUP);
	E2E_CHECK(free0 - free1 <= FREE_SLACK_KB, "MemFree fell by %ld kB over %u cycles "
		  "(a table page per cycle would be %u kB)", free0 - free1, CYCLES - WARMUP,
		  4 * (CYCLES - WARMUP));
	E2E_CHECK(ioctl(fd, FSVM_IOC_UNBIND) == 0, "UNBIND: %s", strerror(errno));
	close(fd);
	e2e_pass("%u x (mmap a fresh 2 MiB region, PREFAULT, munmap) in mirror mode: table pages "
		 "%u after warm-up, at most %u, %u at the end; Slab %+ld kB, MemFree %+ld kB; "
		 "in %" PRIu64 " ms", CYCLES, base_tables, max_tables, now, slab1 - slab0,
		 free1 - free0, ms);
#endif
}
