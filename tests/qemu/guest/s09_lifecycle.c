/* SPDX-License-Identifier: MIT */
/*
 * s09_lifecycle.c - scenario 9: bind/unbind 1000 times, exhaust the
 * contexts, unload and reload the module, with no leaks.
 *  1. 1000 x (bind, a NOP job every 50th time, unbind).
 *  2. bind every context, the next bind must fail with EBUSY
 *     (FSVM_ERR_BUSY); release all; all can be bound again.
 *  3. leaks: Debian's kernel has no kmemleak (CONFIG_DEBUG_KMEMLEAK unset;
 *     used if /sys/kernel/debug/kmemleak exists). Instead: total slab bytes
 *     (/proc/slabinfo) and MemFree before and after the 1000 cycles, which
 *     a per-bind leak of 64 bytes or one page would push past the limits;
 *     after rmmod: no vmalloc area of the module left (/proc/vmallocinfo),
 *     no fsvm slab cache, /dev/fsvm0 gone, the module not listed.
 *  4. insmod again with the same parameters; bind and run a job.
 * Steps 3-4 need the real module ($FSVM_KO from the guest's /init); on the
 * sim only 1-2 run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e.h"

#define CYCLES 1000

/* One /proc/slabinfo reading: active_objs * objsize per cache. */
#define MAX_CACHES 512
struct slab_snap {
	int n;
	char name[MAX_CACHES][128];
	long long bytes[MAX_CACHES];
};

/* Read every cache into s; total bytes, -1 if unreadable. */
static long long slab_read(struct slab_snap *s)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512];
	long long total = 0;

	s->n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char name[128];
		long long active, num, size;

		if (line[0] == '#' || strncmp(line, "slabinfo", 8) == 0)
			continue;
		if (sscanf(line, "%127s %lld %lld %lld", name, &active, &num, &size) != 4)
			continue;
		total += active * size;
		if (s->n < MAX_CACHES) {
			snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
			s->bytes[s->n++] = active * size;
		}
	}
	fclose(f);
	return total;
}

/*
 * The three caches that grew most from a to b, as "name +bytes, ...": a
 * failing leak check names where the bytes went.
 */
static void slab_growth(const struct slab_snap *a, const struct slab_snap *b, char *out,
			size_t len)
{
	long long grow[MAX_CACHES];
	size_t used = 0;

	out[0] = 0;
	for (int i = 0; i < b->n; i++) {
		grow[i] = b->bytes[i];
		for (int j = 0; j < a->n; j++)
			if (strcmp(a->name[j], b->name[i]) == 0) {
				grow[i] -= a->bytes[j];
				break;
			}
	}
	for (int k = 0; k < 3; k++) {
		int best = -1;

		for (int i = 0; i < b->n; i++)
			if (grow[i] > 0 && (best < 0 || grow[i] > grow[best]))
				best = i;
		if (best < 0 || used + 1 >= len)
			break;
		used += (size_t)snprintf(out + used, len - used, "%s%s %+lld", k ? ", " : "",
					 b->name[best], grow[best]);
		if (used >= len)
			break;
		grow[best] = 0;
	}
}

static long meminfo_kb(const char *field)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(field);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, n) == 0 && line[n] == ':') {
			sscanf(line + n + 1, "%ld", &v);
			break;
		}
	fclose(f);
	return v;
}

/* Lines of a file containing needle (-1 if unreadable). */
static int count_lines(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, needle))
			n++;
	fclose(f);
	return n;
}

static void settle(void)
{
	FILE *f;

	sync();
	usleep(300 * 1000);	/* RCU-freed files and mm structs */
	f = fopen("/proc/sys/vm/drop_caches", "w");
	if (f) {
		fputs("3", f);
		fclose(f);
	}
	usleep(200 * 1000);
}

static void nop_job(struct fsvm_context *ctx, const char *when)
{
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	int err = fsvm_run(ctx, FSVM_K_NOP, NULL, 0, &rec, 0, 30ull * 1000000000ull, &fault);

	E2E_CHECK(err == FSVM_OK, "NOP job %s: %s", when, e2e_errtext(err, &fault));
}

int main(void)
{
	struct fsvm_device *dev;
	struct fsvm_device_info info;
	struct fsvm_context *ctxs[FSVM_MAX_CONTEXTS + 1], *ctx;
	int err;
	char detail[512];

	e2e_init("09-lifecycle");
	e2e_open(&dev, NULL);
	fsvm_device_info(dev, &info);

	/* warm-up, then the baseline */
	for (int i = 0; i < 10; i++) {
		err = fsvm_context_create(dev, 64, &ctx);
		E2E_CHECK(err == FSVM_OK, "warm-up bind %d: %s", i, fsvm_strerror(err));
		nop_job(ctx, "in warm-up");
		fsvm_context_destroy(ctx);
	}
	static struct slab_snap snap0, snap1;
	char grown[256];

	settle();
	long long slab0 = slab_read(&snap0);
	long free0 = meminfo_kb("MemFree");
	uint64_t t0 = e2e_now_ms();

	for (int i = 0; i < CYCLES; i++) {
		err = fsvm_context_create(dev, 64, &ctx);
		E2E_CHECK(err == FSVM_OK, "bind #%d: %s", i, fsvm_strerror(err));
		if (i % 50 == 0)
			nop_job(ctx, "between binds");
		fsvm_context_destroy(ctx);
	}
	uint64_t t1 = e2e_now_ms();

	settle();
	long long slab1 = slab_read(&snap1);

	slab_growth(&snap0, &snap1, grown, sizeof(grown));
	long free1 = meminfo_kb("MemFree");

	e2e_note("%d bind/unbind cycles in %llu ms; slab %+lld bytes (most: %s), MemFree %+ld kB",
		 CYCLES, (unsigned long long)(t1 - t0), slab1 - slab0, grown, free1 - free0);
	/* Host-wide counters mean nothing on a busy host: only judged in the guest. */
	if (!e2e_is_sim() && slab0 >= 0 && slab1 >= 0)
		E2E_CHECK(slab1 - slab0 < 64 * CYCLES, "slab grew by %lld bytes over %d binds: a leak "
			  "per bind (most: %s)", slab1 - slab0, CYCLES, grown);
	if (!e2e_is_sim() && free0 >= 0 && free1 >= 0)
		E2E_CHECK(free0 - free1 < 2048, "MemFree dropped by %ld kB over %d binds: pages leak "
			  "per bind", free0 - free1, CYCLES);

	/* exhaust */
	unsigned int n = 0;

	for (; n < info.num_contexts; n++) {
		err = fsvm_context_create(dev, 64, &ctxs[n]);
		E2E_CHECK(err == FSVM_OK, "bind %u of %u: %s", n + 1, info.num_contexts, fsvm_strerror(err));
	}
	err = fsvm_context_create(dev, 64, &ctxs[n]);
	if (err == FSVM_OK)
		fsvm_context_destroy(ctxs[n]);
	E2E_CHECK(err == FSVM_ERR_BUSY, "bind %u with all %u contexts taken: %s, expected busy "
		  "(EBUSY)", n + 1, info.num_contexts, fsvm_strerror(err));
	for (unsigned int i = 0; i < n; i++)
		nop_job(ctxs[i], "on a full device");
	while (n)
		fsvm_context_destroy(ctxs[--n]);
	err = fsvm_context_create(dev, 64, &ctx);
	E2E_CHECK(err == FSVM_OK, "bind after releasing all: %s", fsvm_strerror(err));
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	e2e_note("all %u contexts bound, bind %u -> busy, all released", info.num_contexts,
		 info.num_contexts + 1);

	snprintf(detail, sizeof(detail), "%d bind/unbind (slab %+lld B, MemFree %+ld kB), %u contexts "
		 "then EBUSY", CYCLES, slab1 - slab0, free1 - free0, info.num_contexts);
	if (e2e_is_sim())
		e2e_pass("%s; module reload not applicable to the sim backend", detail);

	/* unload, look for leftovers, reload */
	const char *ko = getenv("FSVM_KO"), *args = getenv("FSVM_KO_ARGS");
	const char *mod = getenv("FSVM_MODULE_NAME");
	char cmd[512], needle[64];
	struct stat st;

	if (!ko || !*ko || !mod || !*mod)
		e2e_fail("%s; $FSVM_KO/$FSVM_MODULE_NAME not set: cannot test unload/reload", detail);
	snprintf(cmd, sizeof(cmd), "rmmod %s", mod);
	E2E_CHECK(system(cmd) == 0, "%s failed", cmd);
	settle();
	snprintf(needle, sizeof(needle), "%s ", mod);
	E2E_CHECK(count_lines("/proc/modules", needle) == 0, "%s still listed after rmmod", mod);
	E2E_CHECK(stat("/dev/fsvm0", &st) != 0, "/dev/fsvm0 still exists after rmmod");
	snprintf(needle, sizeof(needle), "[%s]", mod);
	int vm = count_lines("/proc/vmallocinfo", needle);

	E2E_CHECK(vm <= 0, "%d vmalloc areas of the module remain after rmmod", vm);
	snprintf(needle, sizeof(needle), "%s", mod);
	int caches = count_lines("/proc/slabinfo", needle);

	E2E_CHECK(caches <= 0, "%d slab caches named %s* remain after rmmod", caches, mod);
	const char *leakcheck = "kmemleak: not in this kernel (CONFIG_DEBUG_KMEMLEAK unset)";

	if (access("/sys/kernel/debug/kmemleak", W_OK) == 0) {
		E2E_CHECK(system("echo scan > /sys/kernel/debug/kmemleak") == 0, "kmemleak scan");
		E2E_CHECK(system("test ! -s /sys/kernel/debug/kmemleak") == 0,
			  "kmemleak reports leaks (see /sys/kernel/debug/kmemleak)");
		leakcheck = "kmemleak clean";
	}
	snprintf(cmd, sizeof(cmd), "insmod %s %s", ko, args ? args : "");
	E2E_CHECK(system(cmd) == 0, "reload failed: %s", cmd);
	for (int i = 0; i < 50 && stat("/dev/fsvm0", &st) != 0; i++)
		usleep(100 * 1000);
	e2e_open(&dev, &ctx);
	nop_job(ctx, "after the reload");
	struct fsvm_list_node nodes[64];
	struct fsvm_list_node *head = e2e_list_in(nodes, 64, sizeof(nodes[0]), 4, 0);
	struct fsvm_chase_result res;
	struct fsvm_completion rec;
	struct fsvm_fault fault;

	err = e2e_chase(ctx, head, FSVM_MAX_HOPS, &res, &rec, &fault, 30000);
	E2E_CHECK(err == FSVM_OK, "chase after the reload: %s", e2e_errtext(err, &fault));
	e2e_check_chase("chase after the reload", &res, head, FSVM_MAX_HOPS);
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	e2e_pass("%s; rmmod left no module, device node, vmalloc area or slab cache (%s); "
		 "reloaded and ran a job", detail, leakcheck);
}
