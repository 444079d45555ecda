/* SPDX-License-Identifier: MIT */
/*
 * s43_fault_storm.c - scenario 43 (issue 8 L9): a fault storm ends, and
 * its log lines are bounded, per context.
 *  1. budget: with fault_budget=BUDGET (module parameter, writable at run
 *     time), a device memset over 64 MiB of untouched memory (4 KiB pages,
 *     one stall fault each: 16384) must end FAULTED after about BUDGET
 *     resolved faults - not run all 16384 serial stall round trips - with
 *     a fault record whose error is -EDQUOT, one log line naming
 *     fault_budget, the pages before the fault written and the ones after
 *     it not.
 *  2. log bound: STORM jobs on one context each fault on a PROT_NONE page
 *     (terminated, -EFAULT): at most FSVM_LOG_BURST lines per 5 s of them
 *     reach the kernel log, and at unbind one line counts the others, so
 *     logged + left out = STORM exactly.
 *  3. per context: right after that storm (inside the same 5 s window), a
 *     second context's terminated fault is still logged - one context's
 *     storm does not silence another's messages (a rate limit shared by
 *     all contexts would have).
 * Emulation or silicon with the module; not the sim backend.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "e2e.h"
#ifdef FSVM_E2E_HAVE_UAPI
#include "fsvm_uapi.h"

#define BUDGET		300u
#define BUF_LEN		(64u << 20)
#define PAGE		4096u
#define STORM		120u
#define LOG_BURST	10	/* FSVM_LOG_BURST of kmod/fsvm_drv.h */
#define LOG_INTERVAL_S	5	/* FSVM_LOG_INTERVAL */
#define BUDGET_TAIL	16	/* FSVM_FAULT_BUDGET_TAIL of kmod/fsvm_fault.c */

static char param_path[256];
static char old_budget[32];

static void restore_budget(void)
{
	if (old_budget[0])
		e2e_write_file(param_path, old_budget);
}

/* Put a marker into the kernel log; lines after it are this run's. */
static void mark(char *m, size_t len, const char *what)
{
	snprintf(m, len, "fsvm-s43-%s-%d-%llu", what, (int)getpid(),
		 (unsigned long long)e2e_now_ms());
	E2E_CHECK(e2e_write_file("/dev/kmsg", m) == 0, "cannot write /dev/kmsg");
}

/*
 * Lines of the kernel log after marker m containing n1 and, after it, n2
 * (if not NULL); with num, the number right after n1 on the last such line
 * goes to *num.
 */
static int log_count(const char *m, const char *n1, const char *n2, long *num)
{
	FILE *f = popen("dmesg", "r");
	char line[1024];
	int after = 0, count = 0;

	E2E_CHECK(f != NULL, "dmesg: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (!after) {
			after = strstr(line, m) != NULL;
			continue;
		}
		const char *p = strstr(line, n1);

		if (!p || (n2 && !strstr(p + strlen(n1), n2)))
			continue;
		count++;
		if (num)
			*num = strtol(p + strlen(n1), NULL, 10);
	}
	pclose(f);
	E2E_CHECK(after, "marker %s not found in dmesg", m);
	return count;
}

static const char *dev_path(void)
{
	const char *d = getenv("FSVM_DEVICE");

	return d && strncmp(d, "hw:", 3) == 0 && d[3] ? d + 3 : "/dev/fsvm0";
}

/* Resolved and terminated fault counters of bank `bank` (DIAG, as root). */
static void bank_counts(int fd, unsigned int ctx_idx, uint64_t *res, uint64_t *term)
{
	struct fsvm_diag d;

	memset(&d, 0, sizeof(d));
	d.size = sizeof(d);
	E2E_CHECK(ioctl(fd, FSVM_IOC_DIAG, &d) == 0, "DIAG: %s", strerror(errno));
	E2E_CHECK(ctx_idx < d.num_banks && d.banks[ctx_idx].in_use, "DIAG: context %u not in use",
		  ctx_idx);
	*res = d.banks[ctx_idx].faults_resolved;
	*term = d.banks[ctx_idx].faults_terminated;
}

/* Consume every fault record of fd; the newest terminated one to *last. */
static unsigned int last_terminated(int fd, struct fsvm_fault_entry *last)
{
	struct fsvm_fault_entry e[64];
	unsigned int term = 0;

	for (;;) {
		struct fsvm_faults q = { .entries = (uintptr_t)e, .max = 64 };

		E2E_CHECK(ioctl(fd, FSVM_IOC_READ_FAULTS, &q) == 0, "READ_FAULTS: %s",
			  strerror(errno));
		for (unsigned int i = 0; i < q.count; i++)
			if (e[i].resolution == FSVM_FAULT_TERMINATED) {
				*last = e[i];
				term++;
			}
		if (q.count == 0)
			return term;
	}
}

static void part_budget(struct fsvm_device *dev, int diag_fd, char *detail, size_t dlen)
{
	struct fsvm_context *ctx;
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	struct fsvm_fault_entry last;
	uint64_t r0, t0, r1, t1, ms;
	char m[96], b[32];
	int err, fd;

	snprintf(b, sizeof(b), "%u", BUDGET);
	E2E_CHECK(e2e_write_file(param_path, b) == 0, "fault_budget=%u: %s", BUDGET, strerror(errno));
	E2E_CHECK(fsvm_context_create(dev, 64, &ctx) == FSVM_OK, "bind");
	/* The ring, argument block and record pages: faulted in by a NOP first. */
	err = fsvm_run(ctx, FSVM_K_NOP, NULL, 0, &rec, 0, 30ull * 1000000000ull, &fault);
	E2E_CHECK(err == FSVM_OK, "NOP: %s", e2e_errtext(err, &fault));
	fd = e2e_bound_fd();
	E2E_CHECK(fd >= 0, "no bound /dev/fsvm file of the context");
	last_terminated(fd, &last);

	unsigned char *buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	E2E_CHECK(buf != MAP_FAILED, "mmap: %s", strerror(errno));
	madvise(buf, BUF_LEN, MADV_NOHUGEPAGE);	/* one fault per 4 KiB page */
	uint64_t args[3] = { (uintptr_t)buf, 0x5a, BUF_LEN };

	bank_counts(diag_fd, fsvm_context_index(ctx), &r0, &t0);
	mark(m, sizeof(m), "budget");
	uint64_t start = e2e_now_ms();

	err = fsvm_run(ctx, FSVM_K_MEMSET, args, 3, &rec, 0, 120ull * 1000000000ull, &fault);
	ms = e2e_now_ms() - start;
	if (err == FSVM_ERR_TIMEOUT) {
		fsvm_context_abort(ctx);
		e2e_fail("a memset over %u untouched pages with fault_budget=%u still ran after "
			 "120 s", BUF_LEN / PAGE, BUDGET);
	}
	E2E_CHECK(err == FSVM_ERR_FAULT, "memset over %u untouched pages with fault_budget=%u: "
		  "%s, expected a fault", BUF_LEN / PAGE, BUDGET, e2e_errtext(err, &fault));
	bank_counts(diag_fd, fsvm_context_index(ctx), &r1, &t1);
	E2E_CHECK(fault.va >= (uintptr_t)buf && fault.va < (uintptr_t)buf + BUF_LEN,
		  "fault VA 0x%" PRIx64 " outside the buffer", fault.va);
	uint64_t page = (fault.va - (uintptr_t)buf) / PAGE;

	/* The memset's own faults, plus the few of its packet and record. */
	E2E_CHECK(page + BUDGET_TAIL >= BUDGET && page <= BUDGET,
		  "terminated at page %" PRIu64 ", budget %u", page, BUDGET);
	E2E_CHECK(r1 - r0 >= BUDGET && r1 - r0 <= BUDGET + BUDGET_TAIL,
		  "%" PRIu64 " faults resolved in the job, budget %u", r1 - r0, BUDGET);
	E2E_CHECK(t1 - t0 == 1, "%" PRIu64 " faults terminated in the job, expected 1", t1 - t0);
	E2E_CHECK(last_terminated(fd, &last) == 1, "not one terminated fault record");
	E2E_CHECK(last.error == -EDQUOT && last.va == fault.va,
		  "the terminated record: error %d at 0x%" PRIx64 ", expected %d (EDQUOT) at 0x%"
		  PRIx64, last.error, (uint64_t)last.va, -EDQUOT, fault.va);
	for (uint64_t p = 0; p < page; p++)
		E2E_CHECK(buf[p * PAGE] == 0x5a && buf[p * PAGE + PAGE - 1] == 0x5a,
			  "page %" PRIu64 " before the fault not written", p);
	for (uint64_t p = page; p < BUF_LEN / PAGE; p += 97)
		E2E_CHECK(buf[p * PAGE] == 0, "page %" PRIu64 " at/after the fault written", p);
	int lines = log_count(m, "took more than", "fault_budget", NULL);

	E2E_CHECK(lines == 1, "%d log lines name fault_budget, expected 1", lines);
	e2e_note("memset over %u untouched pages, fault_budget=%u: FAULTED at page %" PRIu64
		 " (-EDQUOT) after %" PRIu64 " resolved faults in %" PRIu64 " ms", BUF_LEN / PAGE,
		 BUDGET, page, r1 - r0, ms);
	snprintf(detail, dlen, "memset over %u untouched pages ended at page %" PRIu64
		 " (-EDQUOT, %" PRIu64 " faults resolved, budget %u) in %" PRIu64 " ms",
		 BUF_LEN / PAGE, page, r1 - r0, BUDGET, ms);
	munmap(buf, BUF_LEN);
	fsvm_context_destroy(ctx);
	E2E_CHECK(e2e_write_file(param_path, old_budget) == 0, "restore fault_budget");
}

static void part_storm(struct fsvm_device *dev, char *detail, size_t dlen)
{
	static struct fsvm_completion recs[STORM];
	struct fsvm_context *a, *b;
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	char m[96], va_a[32], va_b[32], who[32];
	int err;

	unsigned char *none = mmap(NULL, 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	E2E_CHECK(none != MAP_FAILED, "mmap PROT_NONE: %s", strerror(errno));
	snprintf(va_a, sizeof(va_a), "at 0x%" PRIxPTR " ", (uintptr_t)none);
	snprintf(va_b, sizeof(va_b), "at 0x%" PRIxPTR " ", (uintptr_t)none + PAGE);
	E2E_CHECK(fsvm_context_create(dev, 64, &a) == FSVM_OK, "bind A");
	err = fsvm_run(a, FSVM_K_NOP, NULL, 0, &rec, 0, 30ull * 1000000000ull, &fault);
	E2E_CHECK(err == FSVM_OK, "NOP: %s", e2e_errtext(err, &fault));
	mark(m, sizeof(m), "storm");
	uint64_t start = e2e_now_ms();
	uint64_t args[3] = { (uintptr_t)none, 0x77, 1 };

	for (unsigned int i = 0; i < STORM; i++) {
		err = fsvm_launch(a, FSVM_K_MEMSET, args, 3, &recs[i], 0);
		E2E_CHECK(err == FSVM_OK, "launch %u: %s", i, fsvm_strerror(err));
	}
	for (unsigned int i = 0; i < STORM; i++) {
		err = fsvm_wait(a, &recs[i], 60ull * 1000000000ull, &fault);
		E2E_CHECK(err == FSVM_ERR_FAULT && fault.va == (uintptr_t)none,
			  "storm job %u: %s, expected a fault at %p", i, e2e_errtext(err, &fault),
			  (void *)none);
	}
	uint64_t storm_ms = e2e_now_ms() - start;

	/* B, inside the 5 s window A's storm opened. */
	E2E_CHECK(fsvm_context_create(dev, 64, &b) == FSVM_OK, "bind B");
	args[0] = (uintptr_t)none + PAGE;
	err = fsvm_run(b, FSVM_K_MEMSET, args, 3, &rec, 0, 30ull * 1000000000ull, &fault);
	uint64_t b_ms = e2e_now_ms() - start;

	E2E_CHECK(err == FSVM_ERR_FAULT, "B's job: %s, expected a fault", e2e_errtext(err, &fault));
	int logged_a = log_count(m, va_a, "terminated", NULL);
	int logged_b = log_count(m, va_b, "terminated", NULL);
	int allowed = LOG_BURST * (int)(storm_ms / 1000 / LOG_INTERVAL_S + 2);

	E2E_CHECK(logged_a >= 1, "none of A's %u terminated faults was logged", STORM);
	E2E_CHECK(logged_a <= allowed, "%d log lines for %u terminated faults of one context in "
		  "%" PRIu64 " ms (at most %d every %d s)", logged_a, STORM, storm_ms, LOG_BURST,
		  LOG_INTERVAL_S);
	E2E_CHECK(b_ms < LOG_INTERVAL_S * 1000u,
		  "B faulted %" PRIu64 " ms after the storm began: outside the window, the check "
		  "below would prove nothing", b_ms);
	E2E_CHECK(logged_b == 1, "context B's fault, %" PRIu64 " ms after context A's storm of "
		  "%u: %d log lines, expected 1 (A's storm silenced B)", b_ms, STORM, logged_b);

	unsigned int ia = fsvm_context_index(a);

	fsvm_context_destroy(a);
	fsvm_context_destroy(b);
	long left = -1;

	snprintf(who, sizeof(who), "context %u: ", ia);
	int sumlines = log_count(m, who, "log messages left out", &left);

	E2E_CHECK(sumlines == 1, "%d lines count A's left-out messages, expected 1", sumlines);
	E2E_CHECK(logged_a + left == (long)STORM, "A: %d lines logged + %ld left out, expected %u",
		  logged_a, left, STORM);
	e2e_note("storm of %u terminated faults on one context in %" PRIu64 " ms: %d logged, %ld "
		 "counted at unbind; context B's fault %" PRIu64 " ms in: logged", STORM, storm_ms,
		 logged_a, left, b_ms);
	snprintf(detail, dlen, "%u terminated faults of one context in %" PRIu64 " ms: %d log "
		 "lines + %ld counted at unbind, another context's fault still logged", STORM,
		 storm_ms, logged_a, left);
	munmap(none, 2 * PAGE);
}
#endif

int main(void)
{
	e2e_init("43-fault-storm");
	if (e2e_is_sim())
		e2e_skip("the sim backend has no module (no fault budget, no kernel log)");
#ifndef FSVM_E2E_HAVE_UAPI
	e2e_skip("built without the module's uapi header");
#else
	const char *mod = getenv("FSVM_MODULE_NAME");
	struct fsvm_device *dev;
	char d1[256], d2[256];
	uint64_t t0 = e2e_now_ms();
	FILE *f;
	int fd;

	snprintf(param_path, sizeof(param_path), "/sys/module/%s/parameters/fault_budget",
		 mod && *mod ? mod : "fsvm");
	f = fopen(param_path, "r");
	E2E_CHECK(f && fgets(old_budget, sizeof(old_budget), f), "cannot read %s", param_path);
	fclose(f);
	old_budget[strcspn(old_budget, "\n")] = 0;
	atexit(restore_budget);
	fd = open(dev_path(), O_RDWR | O_CLOEXEC);
	E2E_CHECK(fd >= 0, "open %s: %s", dev_path(), strerror(errno));
	E2E_CHECK(fsvm_device_open(getenv("FSVM_DEVICE"), &dev) == FSVM_OK, "device open");
	part_budget(dev, fd, d1, sizeof(d1));
	part_storm(dev, d2, sizeof(d2));
	fsvm_device_close(dev);
	close(fd);
	e2e_pass("%s; %s; in %" PRIu64 " ms", d1, d2, e2e_now_ms() - t0);
#endif
}
