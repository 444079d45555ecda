/* SPDX-License-Identifier: MIT */
/*
 * s01_basic.c - scenario 1: bind, then memcpy between two malloc'ed buffers
 * by VA, vadd on malloc'ed float arrays, and a pointer chase over a list
 * whose nodes were each malloc'ed. Every result is compared with the CPU's,
 * including the bytes just outside each destination (nothing written past
 * the end).
 * With the module: FSVM_IOC_WAIT sleeps without the file's lock. A thread
 * asleep in WAIT (60 s) on the context's file must not hold up a job
 * launched meanwhile through libfsvm (register writes by FSVM_IOC_CTX_WRITE
 * in emulation); and FSVM_IOC_UNBIND while a thread waits returns that
 * waiter at once with ENXIO.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "e2e.h"
#ifdef FSVM_E2E_HAVE_UAPI
#include "fsvm_uapi.h"

#define LONG_WAIT_NS	(60ull * 1000000000ull)

struct waiter {
	pthread_t t;
	int fd;
	uint32_t seen;
	int started, done;	/* __atomic */
	int ret, err;
	uint64_t ms;
};

static void *waiter_main(void *p)
{
	struct waiter *w = p;
	struct fsvm_wait a;
	uint64_t t0 = e2e_now_ms();

	memset(&a, 0, sizeof(a));
	a.seen = w->seen;
	a.timeout_ns = LONG_WAIT_NS;
	__atomic_store_n(&w->started, 1, __ATOMIC_SEQ_CST);
	w->ret = ioctl(w->fd, FSVM_IOC_WAIT, &a);
	w->err = w->ret ? errno : 0;
	w->ms = e2e_now_ms() - t0;
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Start a waiter on fd and let it fall asleep; it must still be asleep. */
static void waiter_start(struct waiter *w, int fd, const char *what)
{
	struct fsvm_wait a;

	memset(&a, 0, sizeof(a));
	a.seen = 0xffffffffu;
	E2E_CHECK(ioctl(fd, FSVM_IOC_WAIT, &a) == 0, "%s: WAIT(timeout 0): %s", what, strerror(errno));
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->seen = a.irq_count;
	E2E_CHECK(pthread_create(&w->t, NULL, waiter_main, w) == 0, "%s: pthread_create", what);
	while (!__atomic_load_n(&w->started, __ATOMIC_SEQ_CST))
		usleep(1000);
	usleep(300 * 1000);
	E2E_CHECK(!__atomic_load_n(&w->done, __ATOMIC_SEQ_CST),
		  "%s: the waiter returned at once (%d, %s)", what, w->ret, strerror(w->err));
}

/* Wait (at most 10 s) for the waiter to return, then join it. */
static void waiter_end(struct waiter *w, const char *what)
{
	for (int i = 0; i < 1000 && !__atomic_load_n(&w->done, __ATOMIC_SEQ_CST); i++)
		usleep(10 * 1000);
	E2E_CHECK(__atomic_load_n(&w->done, __ATOMIC_SEQ_CST),
		  "%s: the thread in FSVM_IOC_WAIT still sleeps 10 s later", what);
	pthread_join(w->t, NULL);
}

static const char *dev_path(void)
{
	const char *d = getenv("FSVM_DEVICE");

	return d && strncmp(d, "hw:", 3) == 0 && d[3] ? d + 3 : "/dev/fsvm0";
}

static void wait_unlocked(struct fsvm_context *ctx, char *out, size_t len)
{
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	struct fsvm_bind b;
	struct waiter w;
	uint64_t t0, job_ms, unbind_ms;
	int fd = e2e_bound_fd(), err, r;

	E2E_CHECK(fd >= 0, "no bound /dev/fsvm file of the context in /proc/self/fd");

	/* 1. a job launched while another thread sleeps in WAIT on its file */
	waiter_start(&w, fd, "job during WAIT");
	t0 = e2e_now_ms();
	err = fsvm_run(ctx, FSVM_K_NOP, NULL, 0, &rec, 0, 30ull * 1000000000ull, &fault);
	job_ms = e2e_now_ms() - t0;
	E2E_CHECK(err == FSVM_OK, "NOP job while a thread waits: %s", e2e_errtext(err, &fault));
	E2E_CHECK(job_ms < 10000, "NOP job blocked behind a waiter: %llu ms",
		  (unsigned long long)job_ms);
	waiter_end(&w, "job during WAIT");
	E2E_CHECK(w.ret == 0, "the waiter: %s, expected the job's interrupt", strerror(w.err));

	/* 2. unbind while a thread waits: the waiter returns with ENXIO */
	fd = open(dev_path(), O_RDWR | O_CLOEXEC);
	E2E_CHECK(fd >= 0, "open %s: %s", dev_path(), strerror(errno));
	memset(&b, 0, sizeof(b));
	E2E_CHECK(ioctl(fd, FSVM_IOC_BIND, &b) == 0, "bind: %s", strerror(errno));
	waiter_start(&w, fd, "unbind during WAIT");
	t0 = e2e_now_ms();
	r = ioctl(fd, FSVM_IOC_UNBIND, 0);
	E2E_CHECK(r == 0, "UNBIND while a thread waits: %s", strerror(errno));
	unbind_ms = e2e_now_ms() - t0;
	waiter_end(&w, "unbind during WAIT");
	E2E_CHECK(w.ret == -1 && w.err == ENXIO, "waiter after UNBIND: %d (%s), not ENXIO",
		  w.ret, strerror(w.err));
	E2E_CHECK(w.ms < 10000, "the waiter returned %llu ms after it began",
		  (unsigned long long)w.ms);
	/* the file binds again */
	memset(&b, 0, sizeof(b));
	E2E_CHECK(ioctl(fd, FSVM_IOC_BIND, &b) == 0, "bind after: %s", strerror(errno));
	close(fd);
	snprintf(out, len, "; NOP job in %llu ms during a WAIT, UNBIND in %llu ms: waiter ENXIO",
		 (unsigned long long)job_ms, (unsigned long long)unbind_ms);
}
#endif

int main(void)
{
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	uint64_t seed = 0x1234567887654321ull;
	int err;

	e2e_init("01-basic");
	e2e_open(&dev, &ctx);

	/* memcpy: odd length, odd offsets, guard bytes around the destination. */
	size_t n = (1u << 20) + 13;
	unsigned char *src = malloc(n + 16), *dst = malloc(n + 16);

	E2E_CHECK(src && dst, "out of memory");
	for (size_t i = 0; i < n + 16; i++) {
		src[i] = (unsigned char)e2e_rand(&seed);
		dst[i] = 0xee;
	}
	err = e2e_memcpy(ctx, dst + 5, src + 3, n, &rec, &fault, 30000);
	E2E_CHECK(err == FSVM_OK, "memcpy: %s", e2e_errtext(err, &fault));
	E2E_CHECK(memcmp(dst + 5, src + 3, n) == 0, "memcpy: destination differs from source");
	for (size_t i = 0; i < 5; i++)
		E2E_CHECK(dst[i] == 0xee, "memcpy wrote before the destination (byte %zu)", i);
	for (size_t i = n + 5; i < n + 16; i++)
		E2E_CHECK(dst[i] == 0xee, "memcpy wrote past the destination (byte %zu)", i);
	e2e_note("memcpy %zu bytes malloc->malloc: equal, guards intact (%u TLB misses, %u stalls)",
		 n, rec.tlb_misses, rec.stalls);

	/* vadd */
	size_t m = 65536 + 7;
	float *a = malloc(m * sizeof(float)), *b = malloc(m * sizeof(float));
	float *c = malloc((m + 1) * sizeof(float));

	E2E_CHECK(a && b && c, "out of memory");
	for (size_t i = 0; i < m; i++) {
		a[i] = (float)(int32_t)(e2e_rand(&seed) & 0xffffff) / 64.0f;
		b[i] = (float)i * 0.25f - 1000.0f;
		c[i] = -1.0f;
	}
	c[m] = 12345.0f;
	err = e2e_vadd(ctx, a, b, c, m, &rec, &fault, 30000);
	E2E_CHECK(err == FSVM_OK, "vadd: %s", e2e_errtext(err, &fault));
	for (size_t i = 0; i < m; i++) {
		volatile float want = a[i] + b[i];

		if (memcmp(&c[i], (const void *)&want, sizeof(float)) != 0)
			e2e_fail("vadd: c[%zu] = %g, CPU %g", i, (double)c[i], (double)want);
	}
	E2E_CHECK(c[m] == 12345.0f, "vadd wrote past c[n-1]");
	e2e_note("vadd %zu floats: bit-exact", m);

	/* pointer chase over individually malloc'ed nodes */
	size_t nn = 20000;
	struct fsvm_list_node **nodes = malloc(nn * sizeof(*nodes));
	struct fsvm_chase_result res;

	E2E_CHECK(nodes != NULL, "out of memory");
	for (size_t i = 0; i < nn; i++) {
		nodes[i] = malloc(sizeof(struct fsvm_list_node));
		E2E_CHECK(nodes[i] != NULL, "out of memory");
	}
	struct fsvm_list_node *head = e2e_link_list(nodes, nn, 42, 0);

	err = e2e_chase(ctx, head, FSVM_MAX_HOPS, &res, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "pointer_chase: %s", e2e_errtext(err, &fault));
	e2e_check_chase("pointer_chase", &res, head, FSVM_MAX_HOPS);
	/* A bounded walk stops where the CPU's does. */
	err = e2e_chase(ctx, head, 777, &res, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "pointer_chase(777): %s", e2e_errtext(err, &fault));
	e2e_check_chase("pointer_chase max_hops=777", &res, head, 777);

	char waits[256] = "";
#ifdef FSVM_E2E_HAVE_UAPI
	if (!e2e_is_sim())
		wait_unlocked(ctx, waits, sizeof(waits));
#endif
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	e2e_pass("memcpy %zu B, vadd %zu, chase %zu malloc'ed nodes (sum 0x%016" PRIx64
		 ") match the CPU%s", n, m, nn, e2e_cpu_chase(head, FSVM_MAX_HOPS).checksum, waits);
}
