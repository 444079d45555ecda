/* SPDX-License-Identifier: MIT */
/*
 * s20_unbind_open.c - scenario 20 (issue 8 H4): unbind the platform device
 * through sysfs while files are open, then use and close them.
 *  1. file A binds a context and maps its page; file B is open, unbound;
 *     a thread of A sleeps in FSVM_IOC_WAIT.
 *  2. echo fsvm-emu > /sys/bus/platform/drivers/fsvm-emu/unbind.
 *  3. the waiter returns (ENODEV or ENXIO) at once; /dev/fsvm0 is gone;
 *     every ioctl and mmap on A and B fails with ENODEV; the mapped context
 *     page is zapped (a read gets SIGBUS); both files close.
 *  4. the kernel log has no Oops/BUG/WARNING; binding the driver again
 *     gives a working /dev/fsvm0 (a NOP job runs).
 * Emulation only (the sim has no module).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e.h"
#ifdef FSVM_E2E_HAVE_UAPI
#include "fsvm_uapi.h"
#endif

#define DRV "/sys/bus/platform/drivers/fsvm-emu"

#ifdef FSVM_E2E_HAVE_UAPI
static int waiter_fd;
static int waiter_ret, waiter_errno;
static uint64_t waiter_ms;

static void *waiter(void *arg)
{
	struct fsvm_wait w = { .seen = *(uint32_t *)arg, .timeout_ns = 20000000000ull };
	uint64_t t0 = e2e_now_ms();

	waiter_ret = ioctl(waiter_fd, FSVM_IOC_WAIT, &w);
	waiter_errno = errno;
	waiter_ms = e2e_now_ms() - t0;
	return NULL;
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

/* 1: the read of *p raised SIGBUS, 0: it read a value. */
static int read_faults(volatile const uint32_t *p)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	int faulted = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jmp, 1) == 0)
		(void)*p;
	else
		faulted = 1;
	sigaction(SIGBUS, &old, NULL);
	return faulted;
}

/* Lines of the kernel log that are kernel alarms. */
static int dmesg_alarms(char *first, size_t len)
{
	FILE *f = popen("dmesg", "r");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "Oops") || strstr(line, "BUG:") || strstr(line, "WARNING:") ||
		    strstr(line, "Unable to handle kernel") || strstr(line, "refcount_t")) {
			if (!n)
				snprintf(first, len, "%s", line);
			n++;
		}
	}
	pclose(f);
	return n;
}
#endif

int main(void)
{
	e2e_init("20-unbind-open");
	if (e2e_is_sim())
		e2e_skip("the sim backend has no platform device to unbind");
#ifndef FSVM_E2E_HAVE_UAPI
	e2e_skip("built without the module's uapi header");
#else
	struct fsvm_info info = { .size = sizeof(info) };
	struct fsvm_bind b = { 0 };
	struct stat st;
	pthread_t th;
	char alarm[512] = "";
	int fa, fb, r, e;

	E2E_CHECK(access(DRV "/unbind", W_OK) == 0,
		  "no driver bound through %s (errno %d): the device cannot be unbound", DRV, errno);
	E2E_CHECK(dmesg_alarms(alarm, sizeof(alarm)) == 0, "kernel alarm before the test: %s", alarm);
	fa = open("/dev/fsvm0", O_RDWR | O_CLOEXEC);
	fb = open("/dev/fsvm0", O_RDWR | O_CLOEXEC);
	E2E_CHECK(fa >= 0 && fb >= 0, "open /dev/fsvm0: %s", strerror(errno));
	E2E_CHECK(ioctl(fa, FSVM_IOC_GET_INFO, &info) == 0, "GET_INFO: %s", strerror(errno));
	E2E_CHECK(ioctl(fa, FSVM_IOC_BIND, &b) == 0, "BIND: %s", strerror(errno));
	volatile uint32_t *page = mmap(NULL, b.mmap_size, PROT_READ, MAP_SHARED, fa, b.mmap_offset);

	E2E_CHECK(page != MAP_FAILED, "mmap of the context page: %s", strerror(errno));
	E2E_CHECK(!read_faults(page), "the context page faults before the unbind");
	struct fsvm_wait w0 = { .seen = 0, .timeout_ns = 0 };

	E2E_CHECK(ioctl(fa, FSVM_IOC_WAIT, &w0) == 0, "WAIT (no timeout): %s", strerror(errno));
	uint32_t seen = w0.irq_count;

	E2E_CHECK(page[FSVM_CTX_STREAM_ID / 4] == b.stream_id, "context page reads stream 0x%x, "
		  "bound 0x%x", page[FSVM_CTX_STREAM_ID / 4], b.stream_id);

	waiter_fd = fa;
	E2E_CHECK(pthread_create(&th, NULL, waiter, &seen) == 0, "pthread_create");
	usleep(300 * 1000);
	e2e_note("context %u bound and mapped, a second file open, a WAIT asleep: unbinding",
		 b.context);

	r = e2e_write_file(DRV "/unbind", "fsvm-emu");
	E2E_CHECK(r == 0, "unbind: %s", strerror(-r));
	pthread_join(th, NULL);
	E2E_CHECK(waiter_ret == -1 && (waiter_errno == ENODEV || waiter_errno == ENXIO),
		  "WAIT across the unbind returned %d (%s)", waiter_ret, strerror(waiter_errno));
	E2E_CHECK(waiter_ms < 5000, "WAIT returned only after %llu ms", (unsigned long long)waiter_ms);
	E2E_CHECK(stat("/dev/fsvm0", &st) != 0, "/dev/fsvm0 still exists after the unbind");

	r = ioctl(fa, FSVM_IOC_GET_INFO, &info);
	e = errno;
	E2E_CHECK(r == -1 && e == ENODEV, "GET_INFO on the bound file after the unbind: %d (%s)",
		  r, strerror(e));
	r = ioctl(fa, FSVM_IOC_ABORT);
	e = errno;
	E2E_CHECK(r == -1 && e == ENODEV, "ABORT after the unbind: %d (%s)", r, strerror(e));
	struct fsvm_bind b2 = { 0 };

	r = ioctl(fb, FSVM_IOC_BIND, &b2);
	e = errno;
	E2E_CHECK(r == -1 && e == ENODEV, "BIND on the other file after the unbind: %d (%s)",
		  r, strerror(e));
	void *m2 = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fa, 0);

	e = errno;
	E2E_CHECK(m2 == MAP_FAILED && e == ENODEV, "mmap after the unbind: %s", strerror(e));
	E2E_CHECK(read_faults(page), "the context page is still mapped after the unbind");
	munmap((void *)page, b.mmap_size);
	E2E_CHECK(close(fa) == 0 && close(fb) == 0, "close after the unbind: %s", strerror(errno));
	usleep(200 * 1000);
	E2E_CHECK(dmesg_alarms(alarm, sizeof(alarm)) == 0, "kernel alarm after the unbind: %s",
		  alarm);
	e2e_note("waiter %s after %llu ms; ioctls/mmap ENODEV; page zapped (SIGBUS); closed",
		 strerror(waiter_errno), (unsigned long long)waiter_ms);

	r = e2e_write_file(DRV "/bind", "fsvm-emu");
	E2E_CHECK(r == 0, "bind again: %s", strerror(-r));
	for (int i = 0; i < 50 && stat("/dev/fsvm0", &st) != 0; i++)
		usleep(100 * 1000);
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_completion rec;
	struct fsvm_fault fault;

	e2e_open(&dev, &ctx);
	r = fsvm_run(ctx, FSVM_K_NOP, NULL, 0, &rec, 0, 30ull * 1000000000ull, &fault);
	E2E_CHECK(r == FSVM_OK, "NOP job after binding the driver again: %s", e2e_errtext(r, &fault));
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	E2E_CHECK(dmesg_alarms(alarm, sizeof(alarm)) == 0, "kernel alarm at the end: %s", alarm);
	e2e_pass("unbind with a bound+mapped file, an unbound file and a WAIT asleep: waiter %s in "
		 "%llu ms, ioctl/mmap ENODEV, page zapped, close clean, no kernel alarm; rebound "
		 "and ran a job", strerror(waiter_errno), (unsigned long long)waiter_ms);
#endif
}
