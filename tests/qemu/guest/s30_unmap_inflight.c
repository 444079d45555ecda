/* SPDX-License-Identifier: MIT */
/*
 * s30_unmap_inflight.c - scenario 30 (issue 8 C2): the device must never
 * write a page after munmap gave it back.
 *
 * Process A (this one) runs a long memset on buffer B with a per-run
 * pattern and munmaps B about 1 ms in. Process B (a child forked before the
 * device is opened, so it shares nothing with it) at the same moment maps
 * 256 MiB, zero-fills it (taking the pages munmap freed), waits until A's
 * job ended, and scans it for A's pattern. 100 runs; any word of the
 * pattern in B's memory is a failure: a burst translated before the
 * invalidation wrote a page that had been freed and reallocated.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"

#define RUNS		100
#define BUF_LEN		(8u << 20)
#define VICTIM_LEN	(256u << 20)

static int xread(int fd, void *p, size_t n)
{
	return read(fd, p, n) == (ssize_t)n ? 0 : -1;
}

static int xwrite(int fd, const void *p, size_t n)
{
	return write(fd, p, n) == (ssize_t)n ? 0 : -1;
}

static uint64_t pattern_word(unsigned int run)
{
	return 0x0101010101010101ull * (uint64_t)(0x80u | (run & 0x7fu));
}

/* Process B: one round per command byte (the run number); reports hits. */
static void victim(int cmd, int rep)
{
	unsigned char run;

	while (xread(cmd, &run, 1) == 0) {
		uint64_t *v = mmap(NULL, VICTIM_LEN, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint64_t hits = 0, w = pattern_word(run);
		unsigned char go;

		if (v == MAP_FAILED)
			_exit(2);
		memset(v, 0, VICTIM_LEN);
		if (xwrite(rep, &hits, sizeof(hits)) || xread(cmd, &go, 1))
			_exit(2);
		for (size_t i = 0; i < VICTIM_LEN / 8; i++)
			hits += v[i] == w;
		munmap(v, VICTIM_LEN);
		if (xwrite(rep, &hits, sizeof(hits)))
			_exit(2);
	}
	_exit(0);
}

int main(void)
{
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	unsigned int faulted = 0, done = 0;
	int to_b[2], from_b[2], err;
	uint64_t t0 = e2e_now_ms();
	pid_t pid;

	e2e_init("30-unmap-inflight");
	E2E_CHECK(pipe(to_b) == 0 && pipe(from_b) == 0, "pipe failed");
	pid = fork();
	E2E_CHECK(pid >= 0, "fork failed");
	if (pid == 0) {
		close(to_b[1]);
		close(from_b[0]);
		victim(to_b[0], from_b[1]);
	}
	close(to_b[0]);
	close(from_b[1]);
	e2e_open(&dev, &ctx);

	for (unsigned int run = 0; run < RUNS; run++) {
		unsigned char r = (unsigned char)run;
		unsigned char *buf = e2e_map(0, BUF_LEN, 0);
		uint64_t args[3], hits;

		memset(buf, 0x11, BUF_LEN);	/* present and dirty: no stalls */
		args[0] = (uintptr_t)buf;
		args[1] = pattern_word(run) & 0xff;
		args[2] = BUF_LEN;
		memset(&fault, 0, sizeof(fault));
		err = fsvm_launch(ctx, FSVM_K_MEMSET, args, 3, &rec, 1);
		E2E_CHECK(err == FSVM_OK, "launch: %s", fsvm_strerror(err));
		usleep(1000);
		E2E_CHECK(xwrite(to_b[1], &r, 1) == 0, "victim gone");
		E2E_CHECK(munmap(buf, BUF_LEN) == 0, "munmap failed");
		err = fsvm_wait(ctx, &rec, 30ull * 1000000000ull, &fault);
		if (err == FSVM_ERR_TIMEOUT) {
			fsvm_context_abort(ctx);
			e2e_fail("run %u: the memset kept running 30 s after munmap", run);
		}
		E2E_CHECK(err == FSVM_OK || err == FSVM_ERR_FAULT, "run %u: memset ended with %s",
			  run, e2e_errtext(err, &fault));
		if (err == FSVM_ERR_FAULT) {
			E2E_CHECK(fault.va >= (uintptr_t)buf && fault.va < (uintptr_t)buf + BUF_LEN,
				  "run %u: fault VA 0x%" PRIx64 " outside the unmapped buffer",
				  run, fault.va);
			faulted++;
		} else {
			done++;
		}
		E2E_CHECK(xread(from_b[0], &hits, sizeof(hits)) == 0, "victim died zero-filling");
		E2E_CHECK(xwrite(to_b[1], &r, 1) == 0, "victim gone");
		E2E_CHECK(xread(from_b[0], &hits, sizeof(hits)) == 0, "victim died scanning");
		if (hits)
			e2e_fail("run %u: %" PRIu64 " words of the device's pattern 0x%016" PRIx64
				 " in another process's fresh zeroed memory: the device wrote pages "
				 "after munmap freed them", run, hits, pattern_word(run));
	}
	close(to_b[1]);
	waitpid(pid, NULL, 0);
	E2E_CHECK(faulted > 0, "the memset ended before munmap in all %u runs: nothing was tested",
		  RUNS);
	e2e_note("%u runs: %u memsets cut by munmap (fault in the buffer), %u finished first",
		 RUNS, faulted, done);
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	e2e_pass("%u runs, munmap 1 ms into an %u MiB device memset, 256 MiB zero-filled by "
		 "another process: no pattern word found (%u cut by the fault) in %" PRIu64 " ms",
		 RUNS, BUF_LEN >> 20, faulted, e2e_now_ms() - t0);
}
