/* SPDX-License-Identifier: MIT */
/*
 * s42_gup_blocked.c - scenario 42 (issue 8 M3): a device fault whose page
 * the kernel cannot produce (a hung FUSE daemon, a hard NFS mount) must not
 * hold close, exit or the other contexts forever. userfaultfd stands in for
 * the hung server: a range registered for missing pages whose handler never
 * answers makes the module's GUP wait, as a page-cache read from a dead
 * server would (both are killable waits).
 *  1. answered: a range whose handler answers each fault after 50 ms; the
 *     device reads it (memcpy) and gets the handler's data. (Before the
 *     fix the module's GUP could not wait for a handler: the job faulted
 *     at once.)
 *  2. never answered, with stall_timeout_ms = 1000: process A's job ends
 *     with a fault after about the timeout, not at once and not never;
 *     process B runs jobs on its own context all along and none takes
 *     longer than the timeout plus a margin.
 *  3. A runs a second such job and exits while its fault worker waits in
 *     GUP (the uffd stays open in another process, so nothing answers):
 *     exit finishes, and A's context slot is free again within a bound.
 *  4. with stall_timeout_ms = 60000, process C unbinds (fsvm_context_destroy)
 *     and closes while its worker waits in GUP: both return within 5 s
 *     (teardown interrupts the wait; before the fix it never returned).
 * Needs the module (hw backend; in sim the device thread would block in
 * process_vm_readv itself): SKIP otherwise. Runs as root (the guest's
 * /init): the userfaultfd handles kernel faults (no UFFD_USER_MODE_ONLY).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"

#define NAME		"42-gup-blocked"
#define PG		4096u
#define ANSWER_PAGES	8
#define PARAM		"/sys/module/fsvm/parameters/stall_timeout_ms"
#define T_SHORT_MS	1000u
#define T_LONG_MS	60000u
#define MAX_CTX		16

struct mailbox {
	volatile int a_phase;		/* 1: A's first job stalls, 2: it ended, 3: A exits, 4: reaped */
	volatile int b_stop;
	volatile int b_jobs, b_fail;
	volatile uint64_t b_max_ms;
	volatile uint64_t a_fault_ms;	/* how long A's first job took */
	volatile int a_err;
	volatile pid_t holder;
};

static int uffd_open(void *base, size_t len)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)base, .len = len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	int fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, UFFDIO_API, &api) || ioctl(fd, UFFDIO_REGISTER, &reg)) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

static int read_param(void)
{
	FILE *f = fopen(PARAM, "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int write_param(unsigned int ms)
{
	FILE *f = fopen(PARAM, "w");
	int ok;

	if (!f)
		return -1;
	ok = fprintf(f, "%u\n", ms) > 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* --- 1: a handler that answers ------------------------------------------ */

struct handler {
	int uffd;
	volatile int stop;
	int answered;
	unsigned char *base;
};

static uint8_t pattern(uintptr_t off)
{
	return (uint8_t)(0x5a ^ (off >> 12) ^ (off * 7));
}

static void *handler_main(void *arg)
{
	struct handler *h = arg;
	static unsigned char page[PG] __attribute__((aligned(4096)));

	while (!h->stop) {
		struct pollfd p = { .fd = h->uffd, .events = POLLIN };
		struct uffd_msg msg;

		if (poll(&p, 1, 100) <= 0)
			continue;
		if (read(h->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
		    msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		uintptr_t at = (uintptr_t)msg.arg.pagefault.address & ~(uintptr_t)(PG - 1);
		uintptr_t off = at - (uintptr_t)h->base;

		for (unsigned int i = 0; i < PG; i++)
			page[i] = pattern(off + i);
		usleep(50000);	/* a slow server */
		struct uffdio_copy c = { .dst = at, .src = (uintptr_t)page, .len = PG };

		if (ioctl(h->uffd, UFFDIO_COPY, &c) == 0)
			h->answered++;
	}
	return NULL;
}

static void phase_answered(void)
{
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_fault f;
	struct handler h = { 0 };
	pthread_t t;
	size_t len = ANSWER_PAGES * PG;
	unsigned char *src = e2e_map(0, len, 0), *dst = e2e_map(0, len, 0);
	uint64_t t0;
	int err;

	memset(dst, 0xee, len);
	h.base = src;
	h.uffd = uffd_open(src, len);
	E2E_CHECK(h.uffd >= 0, "userfaultfd: %s (CONFIG_USERFAULTFD, root?)", strerror(-h.uffd));
	E2E_CHECK(pthread_create(&t, NULL, handler_main, &h) == 0, "pthread_create");
	e2e_open(&dev, &ctx);
	t0 = e2e_now_ms();
	err = e2e_memcpy(ctx, dst, src, len, NULL, &f, 60000);
	uint64_t took = e2e_now_ms() - t0;

	h.stop = 1;
	pthread_join(t, NULL);
	E2E_CHECK(err == FSVM_OK, "device read of a userfaultfd range whose handler answers: %s after %"
		  PRIu64 " ms (%d pages answered; a GUP that cannot wait for the handler fails here)",
		  e2e_errtext(err, &f), took, h.answered);
	for (size_t i = 0; i < len; i++)
		E2E_CHECK(dst[i] == pattern(i), "byte %zu: 0x%02x, the handler wrote 0x%02x", i, dst[i],
			  pattern(i));
	e2e_note("1: %u pages served by a userfaultfd handler (50 ms each) read by the device in %"
		 PRIu64 " ms, data = the handler's", ANSWER_PAGES, took);
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	close(h.uffd);
}

/* --- 2 and 3: never answered ---------------------------------------------- */

static int proc_b(struct mailbox *mb)
{
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_chase_result res;
	struct fsvm_fault f;
	unsigned char *p = e2e_map(0, 1u << 20, 0);
	struct fsvm_list_node *head = e2e_list_in(p, 256, 4096, 42, 0);
	struct fsvm_chase_result want = e2e_cpu_chase(head, FSVM_MAX_HOPS);
	int err;

	if ((err = fsvm_device_open(NULL, &dev)) || (err = fsvm_context_create(dev, 64, &ctx))) {
		printf("  [" NAME "] B: open/bind: %s\n", fsvm_strerror(err));
		return 1;
	}
	while (!mb->b_stop) {
		uint64_t t0 = e2e_now_ms(), dt;

		err = e2e_chase(ctx, head, FSVM_MAX_HOPS, &res, NULL, &f, T_SHORT_MS + 20000);
		dt = e2e_now_ms() - t0;
		if (dt > mb->b_max_ms)
			mb->b_max_ms = dt;
		if (err || res.checksum != want.checksum) {
			printf("  [" NAME "] B: chase %d: %s\n", mb->b_jobs, e2e_errtext(err, &f));
			mb->b_fail++;
			break;
		}
		if (mb->a_phase >= 1 && mb->a_phase <= 3)
			mb->b_jobs++;	/* from A's first stall until A exited */
	}
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	return mb->b_fail ? 1 : 0;
}

struct job {
	struct fsvm_context *ctx;
	void *dst, *src;
};

static void *job_main(void *arg)
{
	struct job *j = arg;

	e2e_memcpy(j->ctx, j->dst, j->src, PG, NULL, NULL, T_SHORT_MS + 60000);
	return NULL;
}

static int proc_a(struct mailbox *mb)
{
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_fault f;
	unsigned char *src = e2e_map(0, 2 * PG, 0), *dst = e2e_map(0, 2 * PG, 0);
	int uffd = uffd_open(src, 2 * PG), err;
	pid_t h;

	memset(dst, 0, 2 * PG);
	if (uffd < 0) {
		printf("  [" NAME "] A: userfaultfd: %s\n", strerror(-uffd));
		return 1;
	}
	/* The hung server: holds the uffd open and never reads it (forked before
	 * the device is opened, so it holds no fsvm file). */
	h = fork();
	if (h == 0) {
		for (;;)
			pause();
	}
	mb->holder = h;
	if ((err = fsvm_device_open(NULL, &dev)) || (err = fsvm_context_create(dev, 64, &ctx))) {
		printf("  [" NAME "] A: open/bind: %s\n", fsvm_strerror(err));
		return 1;
	}
	mb->a_phase = 1;
	uint64_t t0 = e2e_now_ms();

	err = e2e_memcpy(ctx, dst, src, PG, NULL, &f, T_SHORT_MS + 30000);
	mb->a_fault_ms = e2e_now_ms() - t0;
	mb->a_err = err;
	mb->a_phase = 2;
	printf("  [" NAME "] A: job on the unanswered range: %s after %" PRIu64 " ms\n",
	       e2e_errtext(err, &f), (uint64_t)mb->a_fault_ms);
	/* 3: the second job stalls; exit while the worker waits in GUP. */
	struct job j = { ctx, dst + PG, src + PG };
	pthread_t t;

	pthread_create(&t, NULL, job_main, &j);
	usleep(300000);
	fflush(stdout);
	mb->a_phase = 3;
	_exit(0);
}

static int bind_all(int *n)
{
	struct fsvm_device *dev;
	struct fsvm_context *c[MAX_CTX];
	int k = 0, err;

	if ((err = fsvm_device_open(NULL, &dev)))
		return err;
	while (k < MAX_CTX && fsvm_context_create(dev, 64, &c[k]) == FSVM_OK)
		k++;
	for (int i = 0; i < k; i++)
		fsvm_context_destroy(c[i]);
	fsvm_device_close(dev);
	*n = k;
	return 0;
}

static void phase_unanswered(int nctx)
{
	struct mailbox *mb = e2e_map(0, 4096, 1);
	pid_t a, b;
	int st;

	memset((void *)mb, 0, sizeof(*mb));
	if (write_param(T_SHORT_MS))
		e2e_note("cannot write %s: going on with the module's behaviour", PARAM);
	fflush(stdout);
	b = fork();
	if (b == 0)
		_exit(proc_b(mb));
	usleep(200000);
	a = fork();
	if (a == 0)
		_exit(proc_a(mb));
	E2E_CHECK(waitpid(a, &st, 0) == a, "waitpid A");
	uint64_t exited = e2e_now_ms();

	mb->a_phase = 4;
	mb->b_stop = 1;
	E2E_CHECK(waitpid(b, &st, 0) == b && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "process B failed meanwhile (status 0x%x)", st);
	E2E_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "A failed (status 0x%x)", st);
	E2E_CHECK(mb->a_err == FSVM_ERR_FAULT, "A's job on an unanswered range: %s, expected a fault",
		  fsvm_strerror(mb->a_err));
	E2E_CHECK(mb->a_fault_ms >= T_SHORT_MS / 2 && mb->a_fault_ms <= T_SHORT_MS + 10000,
		  "A's job faulted after %" PRIu64 " ms: expected about stall_timeout_ms = %u "
		  "(at once: the fault was not waited for; much later: the stall was not bounded)",
		  (uint64_t)mb->a_fault_ms, T_SHORT_MS);
	E2E_CHECK(mb->b_max_ms <= T_SHORT_MS + 5000,
		  "B's slowest job took %" PRIu64 " ms while A was stalled", (uint64_t)mb->b_max_ms);
	E2E_CHECK(mb->b_jobs >= 1, "B completed no job while A's worker waited in GUP");
	e2e_note("2: A's job ended with a fault after %" PRIu64 " ms (stall_timeout_ms %u); B completed %d"
		 " jobs meanwhile, slowest %" PRIu64 " ms", (uint64_t)mb->a_fault_ms, T_SHORT_MS,
		 mb->b_jobs, (uint64_t)mb->b_max_ms);

	/* 3: A's slot must come back although the uffd is still open. */
	int n = 0;
	uint64_t waited;

	for (;;) {
		E2E_CHECK(bind_all(&n) == 0, "open");
		waited = e2e_now_ms() - exited;
		if (n == nctx || waited > 2 * T_SHORT_MS + 15000)
			break;
		usleep(100000);
	}
	kill(mb->holder, SIGKILL);
	waitpid(mb->holder, &st, 0);
	E2E_CHECK(n == nctx, "%d of %d contexts bindable %" PRIu64 " ms after A exited with its fault "
		  "worker in GUP (its slot is held by a wait that never ends)", n, nctx, waited);
	e2e_note("3: A exited with its worker waiting in GUP; all %d contexts bindable %" PRIu64
		 " ms later", nctx, waited);
}

/* --- 4: unbind and close while the worker waits ----------------------------------- */

static void phase_close(void)
{
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_completion rec;
	unsigned char *src = e2e_map(0, PG, 0), *dst = e2e_map(0, PG, 0);
	int uffd, err;
	pid_t c;
	int st;

	if (write_param(T_LONG_MS))
		e2e_note("cannot write %s: going on with the module's behaviour", PARAM);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		uint64_t args[] = { (uintptr_t)dst, (uintptr_t)src, PG };

		uffd = uffd_open(src, PG);
		if (uffd < 0)
			_exit(2);
		if (fsvm_device_open(NULL, &dev) || fsvm_context_create(dev, 64, &ctx))
			_exit(3);
		memset(dst, 0, PG);
		err = fsvm_launch(ctx, FSVM_K_MEMCPY, args, 3, &rec, 0);
		if (err)
			_exit(4);
		usleep(500000);	/* the stall is open, the worker waits in GUP */
		uint64_t t0 = e2e_now_ms();

		fsvm_context_destroy(ctx);
		fsvm_device_close(dev);
		printf("  [" NAME "] C: unbind + close with the worker in GUP took %" PRIu64 " ms\n",
		       e2e_now_ms() - t0);
		fflush(stdout);
		_exit(e2e_now_ms() - t0 <= 5000 ? 0 : 5);
	}
	/* The scenario's own timeout ends a hang; a bounded wait says more. */
	uint64_t t0 = e2e_now_ms();
	pid_t w = 0;

	while ((w = waitpid(c, &st, WNOHANG)) == 0 && e2e_now_ms() - t0 < 30000)
		usleep(50000);
	E2E_CHECK(w == c, "C still not done %" PRIu64 " ms after its unbind/close began: teardown waits "
		  "for a fault worker blocked in GUP", e2e_now_ms() - t0);
	E2E_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "C failed (status 0x%x)", st);
	e2e_note("4: unbind + close while the worker waited in GUP returned in bounded time "
		 "(stall_timeout_ms %u, so teardown itself ended the wait)", T_LONG_MS);
}

int main(void)
{
	struct fsvm_device *dev;
	struct fsvm_device_info info;
	int old, nctx = 0;

	e2e_init(NAME);
	if (e2e_is_sim())
		e2e_skip("needs fsvm.ko: in sim the device thread itself would wait in process_vm_readv");
	E2E_CHECK(fsvm_device_open(NULL, &dev) == FSVM_OK, "open");
	E2E_CHECK(fsvm_device_info(dev, &info) == FSVM_OK, "info");
	nctx = (int)info.num_contexts;
	fsvm_device_close(dev);
	old = read_param();
	if (old < 0)
		e2e_note("the module has no %s (no stall watchdog)", PARAM);

	phase_answered();
	phase_unanswered(nctx);
	phase_close();
	/* (A FAIL leaves the scenario's value: the module is reloaded next.) */
	if (old >= 0)
		write_param((unsigned int)old);
	e2e_pass("userfaultfd-served range read by the device; unanswered: job faulted after %u ms "
		 "(stall_timeout_ms) while another process's jobs went on, exit freed the slot, "
		 "unbind/close returned in bounded time", T_SHORT_MS);
}
