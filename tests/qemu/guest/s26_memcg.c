/* SPDX-License-Identifier: MIT */
/*
 * s26_memcg.c - scenario 26 (issue 8 L10): what a bind makes the module
 * allocate is charged to the binder's memory cgroup (__GFP_ACCOUNT): the
 * context and, in emulation, its register page. A process in a fresh
 * cgroup binds every context; the cgroup's "kernel" memory (memory.stat)
 * must grow by at least one page per context beyond the mirror tables the
 * module already charged (mirror mode: 3 spare table pages per context,
 * one of them becomes the root).
 * Emulation only; needs cgroup v2 with the memory controller.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e.h"
#ifdef FSVM_E2E_HAVE_UAPI
#include "fsvm_uapi.h"
#endif

#define CG "/sys/fs/cgroup"
#define MYCG CG "/fsvm-s26"

static int put(const char *path, const char *v)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -errno;
	ok = fputs(v, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

static long long stat_field(const char *name)
{
	FILE *f = fopen(MYCG "/memory.stat", "r");
	char line[256];
	size_t n = strlen(name);
	long long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ' ') {
			v = atoll(line + n + 1);
			break;
		}
	fclose(f);
	return v;
}

int main(void)
{
	e2e_init("26-memcg");
	if (e2e_is_sim())
		e2e_skip("the sim backend has no module");
#ifndef FSVM_E2E_HAVE_UAPI
	e2e_skip("built without the module's uapi header");
#else
	char pid[32];
	int fds[FSVM_UAPI_MAX_CONTEXTS], n = 0;
	struct fsvm_info info = { .size = sizeof(info) };

	if (access(CG "/cgroup.controllers", R_OK) != 0 &&
	    mount("none", CG, "cgroup2", 0, NULL) != 0)
		e2e_skip("cannot mount cgroup2: %s", strerror(errno));
	if (put(CG "/cgroup.subtree_control", "+memory") != 0)
		e2e_skip("no memory controller in cgroup2");
	mkdir(MYCG, 0755);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	E2E_CHECK(put(MYCG "/cgroup.procs", pid) == 0, "cannot enter %s", MYCG);
	fds[0] = open("/dev/fsvm0", O_RDWR | O_CLOEXEC);
	E2E_CHECK(fds[0] >= 0, "open: %s", strerror(errno));
	E2E_CHECK(ioctl(fds[0], FSVM_IOC_GET_INFO, &info) == 0, "GET_INFO: %s", strerror(errno));
	for (unsigned int i = 1; i < info.free_contexts; i++) {
		fds[i] = open("/dev/fsvm0", O_RDWR | O_CLOEXEC);
		E2E_CHECK(fds[i] >= 0, "open: %s", strerror(errno));
	}
	sleep(3);	/* memcg statistics are flushed at most every 2 s */
	long long k0 = stat_field("kernel");

	E2E_CHECK(k0 >= 0, "no 'kernel' in %s/memory.stat", MYCG);
	for (; n < (int)info.free_contexts; n++) {
		struct fsvm_bind b = { 0 };

		E2E_CHECK(ioctl(fds[n], FSVM_IOC_BIND, &b) == 0, "BIND %d: %s", n, strerror(errno));
	}
	sleep(3);
	long long k1 = stat_field("kernel");
	long long tables = 0;

	if (!strcmp(e2e_mode(), "mirror"))
		tables = 3;	/* FSVM_MPT_SPARE pages (the root is one of them), charged since H2 */
	long long want = (long long)n * (tables + 1) * 4096;

	e2e_note("%d contexts bound: cgroup kernel memory %+lld bytes (at least %lld expected)",
		 n, k1 - k0, want);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	put(CG "/cgroup.procs", pid);
	E2E_CHECK(k1 - k0 >= want, "binding %d contexts charged only %lld bytes of kernel memory "
		  "to the binder's cgroup (want >= %lld): context allocations are not accounted",
		  n, k1 - k0, want);
	e2e_pass("%d binds charged %lld bytes of kernel memory to the binder's cgroup (>= %lld)",
		 n, k1 - k0, want);
#endif
}
