/* SPDX-License-Identifier: MIT */
/*
 * e2e.c - reporting, device helpers, list building and /proc readers for the
 * QEMU end-to-end scenarios (see e2e.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#ifdef FSVM_E2E_HAVE_UAPI
#include "fsvm_uapi.h"
#endif

static const char *scenario = "?";

void e2e_init(const char *name)
{
	scenario = name;
	setvbuf(stdout, NULL, _IOLBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);
}

const char *e2e_mode(void)
{
	const char *m = getenv("FSVM_E2E_MODE");

	return m && *m ? m : "native";
}

const char *e2e_cpu(void)
{
	const char *c = getenv("FSVM_E2E_CPU");

	return c && *c ? c : "host";
}

int e2e_is_sim(void)
{
	const char *d = getenv("FSVM_DEVICE");

	return !d || !*d || strncmp(d, "sim", 3) == 0;
}

void e2e_note(const char *fmt, ...)
{
	va_list ap;

	printf("  [%s] ", scenario);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void result(const char *status, int code, const char *fmt, va_list ap)
	E2E_NORETURN;
static void result(const char *status, int code, const char *fmt, va_list ap)
{
	char detail[600];

	vsnprintf(detail, sizeof(detail), fmt, ap);
	/* One line, whatever the detail holds. */
	for (char *p = detail; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	fflush(stdout);
	printf("FSVM-RESULT %s %s %s %s %s\n", e2e_mode(), e2e_cpu(), scenario, status, detail);
	fflush(stdout);
	_exit(code);
}

void e2e_pass(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result("PASS", 0, fmt, ap);
}

void e2e_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result("FAIL", 1, fmt, ap);
}

void e2e_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result("SKIP", 77, fmt, ap);
}

void e2e_fail_at(int line, const char *expr, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e2e_fail("%s (line %d: %s)", msg, line, expr);
}

const char *e2e_errtext(int err, const struct fsvm_fault *fault)
{
	static char buf[256];
	char f[160];

	if (err == FSVM_ERR_FAULT && fault)
		snprintf(buf, sizeof(buf), "%s: %s", fsvm_strerror(err),
			 fsvm_fault_describe(fault, f, sizeof(f)));
	else
		snprintf(buf, sizeof(buf), "%s", fsvm_strerror(err));
	return buf;
}

void e2e_open(struct fsvm_device **dev, struct fsvm_context **ctx)
{
	const char *name = getenv("FSVM_DEVICE");
	int err;

	err = fsvm_device_open(NULL, dev);
	if (err)
		e2e_fail("cannot open device %s: %s", name ? name : "(default)",
			 fsvm_strerror(err));
	if (!ctx)
		return;
	err = fsvm_context_create(*dev, 64, ctx);
	if (err)
		e2e_fail("cannot bind a context on %s: %s", name ? name : "(default)",
			 fsvm_strerror(err));
}

uint64_t e2e_rand(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

struct fsvm_list_node *e2e_link_list(struct fsvm_list_node **nodes, size_t n,
				     uint64_t seed, int cyclic)
{
	if (n == 0)
		return NULL;
	if (!seed)
		seed = 0x9e3779b97f4a7c15ull;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(e2e_rand(&seed) % i);
		struct fsvm_list_node *t = nodes[i - 1];

		nodes[i - 1] = nodes[j];
		nodes[j] = t;
	}
	for (size_t i = 0; i < n; i++) {
		nodes[i]->key = i;
		nodes[i]->payload = e2e_rand(&seed);
		nodes[i]->pad = 0;
		nodes[i]->next = i + 1 < n ? (uint64_t)(uintptr_t)nodes[i + 1]
			       : cyclic ? (uint64_t)(uintptr_t)nodes[0] : 0;
	}
	return nodes[0];
}

struct fsvm_list_node *e2e_list_in(void *base, size_t n, size_t stride, uint64_t seed,
				   int cyclic)
{
	struct fsvm_list_node **nodes = malloc(n * sizeof(*nodes));
	struct fsvm_list_node *head;

	E2E_CHECK(nodes != NULL, "out of memory");
	for (size_t i = 0; i < n; i++)
		nodes[i] = (struct fsvm_list_node *)((char *)base + i * stride);
	head = e2e_link_list(nodes, n, seed, cyclic);
	free(nodes);
	return head;
}

struct fsvm_chase_result e2e_cpu_chase(const struct fsvm_list_node *node, uint64_t max_hops)
{
	struct fsvm_chase_result r = { 0 };

	while (node && r.hops < max_hops) {
		r.hops++;
		r.last = (uint64_t)(uintptr_t)node;
		r.checksum = FSVM_CHECKSUM_STEP(r.checksum, node->payload);
		node = (const struct fsvm_list_node *)(uintptr_t)node->next;
	}
	r.found = node == NULL;
	return r;
}

void e2e_check_chase(const char *what, const struct fsvm_chase_result *dev,
		     const struct fsvm_list_node *head, uint64_t max_hops)
{
	struct fsvm_chase_result cpu = e2e_cpu_chase(head, max_hops);

	if (dev->hops != cpu.hops || dev->last != cpu.last || dev->checksum != cpu.checksum ||
	    dev->found != cpu.found)
		e2e_fail("%s: device hops %" PRIu64 " last 0x%" PRIx64 " sum 0x%" PRIx64
			 " found %" PRIu64 ", CPU hops %" PRIu64 " last 0x%" PRIx64
			 " sum 0x%" PRIx64 " found %" PRIu64, what, dev->hops, dev->last,
			 dev->checksum, dev->found, cpu.hops, cpu.last, cpu.checksum, cpu.found);
}

/*
 * Launch and wait. A launch that times out is aborted before returning, so
 * nothing the device writes can land in a record or result that is gone.
 */
static int run(struct fsvm_context *ctx, uint32_t kernel, const uint64_t *args,
	       unsigned int nargs, struct fsvm_completion *rec, struct fsvm_fault *fault,
	       unsigned int timeout_ms)
{
	struct fsvm_completion local;
	struct fsvm_fault f;
	int err;

	if (!rec)
		rec = &local;
	if (!fault)
		fault = &f;
	memset(fault, 0, sizeof(*fault));
	err = fsvm_run(ctx, kernel, args, nargs, rec, 0,
		       (uint64_t)timeout_ms * 1000000ull, fault);
	if (err == FSVM_ERR_TIMEOUT) {
		int a = fsvm_context_abort(ctx);
		int w = fsvm_wait(ctx, rec, 2000000000ull, NULL);

		if (a || w == FSVM_ERR_TIMEOUT) {
			/* The record may still be written: never reuse it. */
			printf("  [%s] abort after timeout: %s / %s\n", scenario,
			       fsvm_strerror(a), fsvm_strerror(w));
			e2e_fail("kernel %u timed out after %u ms and could not be aborted",
				 kernel, timeout_ms);
		}
		return FSVM_ERR_TIMEOUT;
	}
	return err;
}

int e2e_chase(struct fsvm_context *ctx, const struct fsvm_list_node *head, uint64_t max_hops,
	      struct fsvm_chase_result *out, struct fsvm_completion *rec,
	      struct fsvm_fault *fault, unsigned int timeout_ms)
{
	uint64_t args[] = { (uintptr_t)head, max_hops, (uintptr_t)out };

	memset(out, 0, sizeof(*out));
	return run(ctx, FSVM_K_POINTER_CHASE, args, 3, rec, fault, timeout_ms);
}

int e2e_memcpy(struct fsvm_context *ctx, void *dst, const void *src, size_t n,
	       struct fsvm_completion *rec, struct fsvm_fault *fault, unsigned int timeout_ms)
{
	uint64_t args[] = { (uintptr_t)dst, (uintptr_t)src, n };

	return run(ctx, FSVM_K_MEMCPY, args, 3, rec, fault, timeout_ms);
}

int e2e_memset(struct fsvm_context *ctx, void *dst, int value, size_t n,
	       struct fsvm_completion *rec, struct fsvm_fault *fault, unsigned int timeout_ms)
{
	uint64_t args[] = { (uintptr_t)dst, (uint64_t)(value & 0xff), n };

	return run(ctx, FSVM_K_MEMSET, args, 3, rec, fault, timeout_ms);
}

int e2e_vadd(struct fsvm_context *ctx, const float *a, const float *b, float *c, size_t n,
	     struct fsvm_completion *rec, struct fsvm_fault *fault, unsigned int timeout_ms)
{
	uint64_t args[] = { (uintptr_t)a, (uintptr_t)b, (uintptr_t)c, n };

	return run(ctx, FSVM_K_VADD, args, 4, rec, fault, timeout_ms);
}

long e2e_smaps_kb(const void *addr, size_t len, const char *field)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	uintptr_t lo = (uintptr_t)addr, hi = lo + len;
	int in = 0;
	long total = 0;
	size_t flen = strlen(field);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		long kb;

		if (sscanf(line, "%lx-%lx ", &s, &e) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			in = s < hi && e > lo;
			continue;
		}
		if (in && strncmp(line, field, flen) == 0 && line[flen] == ':' &&
		    sscanf(line + flen + 1, "%ld", &kb) == 1)
			total += kb;
	}
	fclose(f);
	return total;
}

int e2e_page_present(const void *addr)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t ent;
	long page = sysconf(_SC_PAGESIZE);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, &ent, sizeof(ent), (off_t)((uintptr_t)addr / (uintptr_t)page) * 8);
	close(fd);
	if (n != (ssize_t)sizeof(ent))
		return -1;
	return (int)(ent >> 63);
}

/* One file: look for the counter; add to *acc. Returns 1 if found. */
static int counter_in_file(const char *path, const char *name, long long *acc)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t nlen = strlen(name);
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = line;
		long long v;

		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, name, nlen) != 0)
			continue;
		p += nlen;
		if (*p != ':' && *p != '=' && *p != ' ' && *p != '\t')
			continue;
		while (*p == ':' || *p == '=' || *p == ' ' || *p == '\t')
			p++;
		if (sscanf(p, "%lli", &v) == 1) {
			*acc += v;
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

static int counter_in_dir(const char *dir, const char *name, int sum, int depth,
			  long long *acc)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int found = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[512];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (de->d_type == DT_DIR) {
			if (depth > 0)
				found |= counter_in_dir(path, name, sum, depth - 1, acc);
		} else {
			found |= counter_in_file(path, name, acc);
		}
		if (found && !sum)
			break;
	}
	closedir(d);
	return found;
}

long long e2e_debugfs_counter(const char *name, int sum)
{
	DIR *d = opendir("/sys/kernel/debug");
	struct dirent *de;
	long long acc = 0;
	int found = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[300];

		if (strncmp(de->d_name, "fsvm", 4) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/%s", de->d_name);
		found |= counter_in_dir(path, name, sum, 2, &acc);
		if (found && !sum)
			break;
	}
	closedir(d);
	return found ? acc : -1;
}

uint64_t e2e_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void *e2e_map(uintptr_t at, size_t len, int shared)
{
	int flags = (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS;
	void *p;

	if (at)
		flags |= MAP_FIXED_NOREPLACE;
	p = mmap((void *)at, len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		e2e_fail("mmap(%#lx, %zu) failed: %s", (unsigned long)at, len, strerror(errno));
	if (at && (uintptr_t)p != at)
		e2e_fail("mmap at %#lx returned %p", (unsigned long)at, p);
	return p;
}

int e2e_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	n = n == (ssize_t)strlen(text) ? 0 : -errno;
	close(fd);
	return (int)n;
}

#ifdef FSVM_E2E_HAVE_UAPI
int e2e_bound_fd(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	char path[320], link[PATH_MAX];
	int found = -1;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		struct fsvm_wait a;
		int fd = atoi(de->d_name);
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		if (strncmp(link, "/dev/fsvm", 9) != 0)
			continue;
		memset(&a, 0, sizeof(a));
		a.seen = 0xffffffffu;
		if (ioctl(fd, FSVM_IOC_WAIT, &a) == 0)
			found = fd;
	}
	closedir(d);
	return found;
}
#endif
