/* SPDX-License-Identifier: MIT */
/*
 * s40_unbind_bypass.c - scenario 40 (issue 8 C1): a context's StreamID
 * never bypasses the SMMU, whatever sCR0.USFCFG says, when a context ends
 * under a running job.
 *
 * The SMMU model's sCR0.USFCFG is set to 0 (module parameter emu_usfcfg,
 * written into the model at once): unmatched streams bypass with PA = VA,
 * which is what own_smmu=1 and arm-smmu's disable_bypass=0 leave on a
 * board. Then, for each way a context ends - FSVM_IOC_UNBIND (after
 * munmap of the context page, without which it is EBUSY), the release of
 * the file (munmap of the context page and close of the fd), the exit of
 * the process (SIGKILL) - RUNS_PER_WAY times: a child binds, launches a
 * job that runs for long (a pointer chase of 2^40 hops over a cyclic list,
 * or a device memset over 32 MiB), queues QUEUED more packets behind it,
 * each with a completion record, sees the job running, and its context is
 * ended that way. Teardown aborts and cuts the stream at once; the shell
 * then still writes the aborted packet's record and reads the queued
 * packets to complete them as ABORTED (fsvm_model.c, abort_drain), so
 * transactions of the StreamID reach the SMMU after its stream was cut.
 *
 * Checked: the model's count of untranslated transactions (debugfs
 * model_bypassed) stays 0 over everything; the slot is free again after
 * each run (not quarantined); and the stream mapping did terminate
 * transactions (model_stream_faults grew) - the traffic that would have
 * bypassed had the stream been unmatched. Red check: fsvm_stream_unmap
 * invalidating the SMR (the code before the C1 fix) makes this scenario
 * fail with model_bypassed > 0. Emulation only (the parameter and the
 * counters are the model's).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"
#ifdef FSVM_E2E_HAVE_UAPI
#include "fsvm_uapi.h"
#include "smmu500.h"

#define RUNS_PER_WAY	8
#define QUEUED		8
#define MEMSET_LEN	(32u << 20)
#define NODES		64

enum way { WAY_UNBIND, WAY_CLOSE, WAY_EXIT, WAYS };
static const char *const way_name[WAYS] = { "UNBIND", "close", "exit" };

static char param_path[256];

static void restore_usfcfg(void)
{
	e2e_write_file(param_path, "1");
}

static const char *dev_path(void)
{
	const char *d = getenv("FSVM_DEVICE");

	return d && strncmp(d, "hw:", 3) == 0 && d[3] ? d + 3 : "/dev/fsvm0";
}

static long long counter(const char *name)
{
	long long v = e2e_debugfs_counter(name, 0);

	E2E_CHECK(v >= 0, "no '%s' line in /sys/kernel/debug/fsvm*/state", name);
	return v;
}

/* Unmap every mapping of /dev/fsvm* (the context page holds the file). */
static int unmap_ctx_pages(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	uintptr_t lo[8], hi[8];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && n < 8)
		if (strstr(line, "/dev/fsvm") &&
		    sscanf(line, "%" SCNxPTR "-%" SCNxPTR, &lo[n], &hi[n]) == 2)
			n++;
	fclose(f);
	for (int i = 0; i < n; i++)
		if (munmap((void *)lo[i], hi[i] - lo[i]))
			return -1;
	return n;
}

/*
 * The child: bind, start the long job and the queued packets, report
 * (one byte: 'R' running, 'F' failed) and end the context `way`. Exit
 * status 0 when it did, 2 + reason otherwise.
 */
static void child(enum way w, int memset_job, int rep, int go)
{
	static struct fsvm_list_node nodes[NODES];
	static struct fsvm_completion recs[QUEUED + 1];
	struct fsvm_chase_result res;
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	unsigned char c = 'F';
	int err, fd;

	if (fsvm_device_open(getenv("FSVM_DEVICE"), &dev) != FSVM_OK ||
	    fsvm_context_create(dev, 64, &ctx) != FSVM_OK) {
		e2e_note("child: cannot open the device or bind a context");
		goto fail;
	}
	if (memset_job) {
		unsigned char *buf = mmap(NULL, MEMSET_LEN, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		uint64_t args[3] = { (uintptr_t)buf, 0x5a, MEMSET_LEN };

		if (buf == MAP_FAILED)
			goto fail;
		err = fsvm_launch(ctx, FSVM_K_MEMSET, args, 3, &recs[0], 0);
	} else {
		struct fsvm_list_node *head = e2e_list_in(nodes, NODES, sizeof(nodes[0]), 40, 1);
		uint64_t args[3] = { (uintptr_t)head, 1ull << 40, (uintptr_t)&res };

		err = fsvm_launch(ctx, FSVM_K_POINTER_CHASE, args, 3, &recs[0], 0);
	}
	if (err != FSVM_OK) {
		e2e_note("child: launch: %s", fsvm_strerror(err));
		goto fail;
	}
	for (unsigned int i = 1; i <= QUEUED; i++)
		if (fsvm_launch(ctx, FSVM_K_NOP, NULL, 0, &recs[i], 0) != FSVM_OK) {
			e2e_note("child: cannot queue NOP %u", i);
			goto fail;
		}
	/* Running: the first record still pending a moment later. */
	usleep(2000);
	err = fsvm_poll(&recs[0], NULL);
	if (err != FSVM_ERR_TIMEOUT) {
		e2e_note("child: the %s job is not running 2 ms after launch: %s",
			 memset_job ? "memset" : "chase", fsvm_strerror(err));
		goto fail;
	}
	fd = e2e_bound_fd();
	if (fd < 0) {
		e2e_note("child: no bound /dev/fsvm file");
		goto fail;
	}
	c = 'R';
	if (write(rep, &c, 1) != 1)
		_exit(3);
	if (w == WAY_EXIT) {
		/* The parent kills us; until then keep the job running. */
		for (;;)
			pause();
	}
	/* UNBIND refuses (EBUSY) while the context page is mapped. */
	if (unmap_ctx_pages() < 1)
		_exit(5);
	if (w == WAY_UNBIND) {
		if (ioctl(fd, FSVM_IOC_UNBIND, 0)) {
			e2e_note("child: UNBIND: %s", strerror(errno));
			_exit(4);
		}
	} else if (close(fd)) {
		_exit(6);
	}
	if (read(go, &c, 1) != 1)
		_exit(7);
	_exit(0);
fail:
	if (write(rep, &c, 1) != 1)
		_exit(3);
	_exit(2);
}

static unsigned int free_contexts(int fd, unsigned int *num)
{
	struct fsvm_info info = { .size = sizeof(info) };

	if (ioctl(fd, FSVM_IOC_GET_INFO, &info))
		return ~0u;
	*num = info.num_contexts;
	return info.free_contexts;
}

static uint32_t scr0_now(int fd)
{
	struct fsvm_diag d;

	memset(&d, 0, sizeof(d));
	d.size = sizeof(d);
	E2E_CHECK(ioctl(fd, FSVM_IOC_DIAG, &d) == 0, "DIAG: %s", strerror(errno));
	return d.scr0;
}

/* One run; returns how many transactions the stream mapping terminated. */
static long long one_run(int info_fd, enum way w, unsigned int run)
{
	long long byp0 = counter("model_bypassed"), sf0 = counter("model_stream_faults");
	int rep[2], go[2], status;
	unsigned int nfree = 0, num = 0;
	unsigned char c = 0;
	pid_t pid;

	E2E_CHECK(pipe(rep) == 0 && pipe(go) == 0, "pipe: %s", strerror(errno));
	pid = fork();
	E2E_CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(rep[0]);
		close(go[1]);
		child(w, run & 1, rep[1], go[0]);
	}
	close(rep[1]);
	close(go[0]);
	E2E_CHECK(read(rep[0], &c, 1) == 1 && c == 'R',
		  "%s run %u: the child could not start a running job", way_name[w], run);
	if (w == WAY_EXIT)
		kill(pid, SIGKILL);
	else
		E2E_CHECK(write(go[1], &c, 1) == 1, "child gone");
	E2E_CHECK(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	if (w == WAY_EXIT)
		E2E_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
			  "exit run %u: child status 0x%x", run, status);
	else
		E2E_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			  "%s run %u: the child failed (status 0x%x)", way_name[w], run, status);
	close(rep[0]);
	close(go[1]);
	/* Teardown waited for the shell to drain: the slot is back. */
	for (int i = 0; i < 100; i++) {
		nfree = free_contexts(info_fd, &num);
		if (nfree == num)
			break;
		usleep(20 * 1000);
	}
	E2E_CHECK(nfree == num, "%s run %u: %u of %u contexts free afterwards (quarantined?)",
		  way_name[w], run, nfree, num);
	long long byp = counter("model_bypassed") - byp0;

	E2E_CHECK(byp == 0, "%s run %u (%s job): %lld transactions of the ended context "
		  "bypassed the SMMU (PA = VA) with sCR0.USFCFG=0", way_name[w], run,
		  run & 1 ? "memset" : "chase", byp);
	return counter("model_stream_faults") - sf0;
}
#endif

int main(void)
{
	e2e_init("40-unbind-bypass");
	if (e2e_is_sim())
		e2e_skip("the sim backend has no module whose SMMU model could be set to bypass");
#ifndef FSVM_E2E_HAVE_UAPI
	e2e_skip("built without the module's uapi header");
#else
	const char *mod = getenv("FSVM_MODULE_NAME");
	struct fsvm_info info = { .size = sizeof(info) };
	long long faults[WAYS] = { 0 }, total = 0;
	uint64_t t0 = e2e_now_ms();
	int fd, r;

	snprintf(param_path, sizeof(param_path), "/sys/module/%s/parameters/emu_usfcfg",
		 mod && *mod ? mod : "fsvm");
	fd = open(dev_path(), O_RDWR | O_CLOEXEC);
	E2E_CHECK(fd >= 0, "open %s: %s", dev_path(), strerror(errno));
	E2E_CHECK(ioctl(fd, FSVM_IOC_GET_INFO, &info) == 0, "GET_INFO: %s", strerror(errno));
	if (!(info.flags & FSVM_INFO_F_EMULATED))
		e2e_skip("not the emulated device: sCR0 belongs to the board's SMMU driver");
	E2E_CHECK(access(param_path, W_OK) == 0, "%s: %s", param_path, strerror(errno));
	E2E_CHECK(counter("model_bypassed") == 0,
		  "the model already let %lld transactions bypass before this scenario",
		  counter("model_bypassed"));

	r = e2e_write_file(param_path, "0");
	E2E_CHECK(r == 0, "emu_usfcfg=0: %s", strerror(-r));
	atexit(restore_usfcfg);
	E2E_CHECK(!(scr0_now(fd) & SMMU_SCR0_USFCFG),
		  "sCR0 0x%08x: USFCFG still set after emu_usfcfg=0", scr0_now(fd));
	e2e_note("sCR0 0x%08x: unmatched streams bypass", scr0_now(fd));

	for (unsigned int run = 0; run < RUNS_PER_WAY; run++)
		for (int w = 0; w < WAYS; w++)
			faults[w] += one_run(fd, (enum way)w, run);
	for (int w = 0; w < WAYS; w++) {
		e2e_note("%s: %d runs, %lld transactions terminated by the parked stream",
			 way_name[w], RUNS_PER_WAY, faults[w]);
		total += faults[w];
	}
	E2E_CHECK(total > 0, "no transaction reached the stream after any teardown: "
		  "the window this scenario checks was never exercised");

	r = e2e_write_file(param_path, "1");
	E2E_CHECK(r == 0, "emu_usfcfg=1: %s", strerror(-r));
	E2E_CHECK(scr0_now(fd) & SMMU_SCR0_USFCFG, "sCR0 0x%08x: USFCFG not set again",
		  scr0_now(fd));
	close(fd);
	e2e_pass("sCR0.USFCFG=0; %d x UNBIND/close/exit under a running chase or memset with "
		 "%d packets queued: 0 transactions bypassed, %lld terminated by the parked "
		 "stream (UNBIND %lld, close %lld, exit %lld), every slot free again, in %" PRIu64
		 " ms", RUNS_PER_WAY, QUEUED, total, faults[WAY_UNBIND], faults[WAY_CLOSE],
		 faults[WAY_EXIT], e2e_now_ms() - t0);
#endif
}
