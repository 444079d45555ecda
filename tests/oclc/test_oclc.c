/* SPDX-License-Identifier: MIT */
/*
 * test_oclc - OpenCL C kernels compiled by clang-19 and instrumented by
 * fsvm-oclc, launched through libfsvm on the simulated device. Checks the
 * values, and that a bad pointer ends a launch with a fault record naming
 * the exact VA while the next launch is correct.
 *
 * argv[1]: the kernels' shared object (tests/oclc/kernels.cl).
 */
#include <dlfcn.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fsvm.h"
#include "fsvm_cl_abi.h"
#include "test_check.h"

static void *so;
static struct fsvm_device *dev;
static struct fsvm_context *ctx;

/* Register kernel `name` of the shared object; returns its handle. */
static uint64_t load_kernel(const char *name)
{
	char sym[128];
	const struct fsvm_cl_kinfo *ki;
	struct fsvm_compiled_kernel k;
	uint64_t h = 0;

	snprintf(sym, sizeof(sym), FSVM_CL_KINFO_PREFIX "%s", name);
	ki = dlsym(so, sym);
	REQUIRE(ki != NULL);
	snprintf(sym, sizeof(sym), FSVM_CL_WI_PREFIX "%s", name);
	k.name = name;
	k.fn = (fsvm_work_item_fn)dlsym(so, sym);
	REQUIRE(k.fn != NULL);
	k.nargs = ki->nargs;
	k.arg_kinds = ki->kinds;
	REQUIRE(fsvm_compiled_register(dev, &k, &h) == FSVM_OK);
	return h;
}

/* One launch of handle h over global x local work-items; returns
 * fsvm_wait()'s result. */
static int run(uint64_t h, uint64_t *args, unsigned int nargs, uint64_t global,
	       uint64_t local, struct fsvm_completion *rec, struct fsvm_fault *f)
{
	struct fsvm_compiled_launch d __attribute__((aligned(8)));
	int r;

	memset(&d, 0, sizeof(d));
	d.handle = h;
	d.work_dim = 1;
	d.nargs = nargs;
	d.global_size[0] = global;
	d.local_size[0] = local;
	d.args_va = (uintptr_t)args;
	memset(f, 0, sizeof(*f));
	r = fsvm_launch_compiled(ctx, &d, rec, 0);
	return r ? r : fsvm_wait(ctx, rec, FSVM_TIMEOUT_INFINITE, f);
}

static void test_vadd_and_faults(void)
{
	enum { N = 1000 };
	uint64_t h = load_kernel("vadd");
	float *a = malloc(N * sizeof(float)), *b = malloc(N * sizeof(float));
	float *c = malloc(N * sizeof(float));
	struct fsvm_completion rec __attribute__((aligned(8)));
	struct fsvm_fault f;
	uint64_t args[4];
	long pg = sysconf(_SC_PAGESIZE);
	int bad = 0;

	REQUIRE(a && b && c);
	for (int i = 0; i < N; i++) {
		a[i] = (float)i;
		b[i] = 0.5f * (float)i;
		c[i] = -1.0f;
	}
	args[0] = (uintptr_t)a;
	args[1] = (uintptr_t)b;
	args[2] = (uintptr_t)c;
	args[3] = N;
	/* 1024 work-items in groups of 64: the last 24 see i >= n. */
	CHECK_EQ(run(h, args, 4, 1024, 64, &rec, &f), FSVM_OK);
	for (int i = 0; i < N; i++)
		bad += c[i] != 1.5f * (float)i + 3.0f;
	CHECK_EQ(bad, 0);
	CHECK_EQ(rec.items, 1024);
	CHECK(rec.bytes >= 3ull * N * sizeof(float));
	CHECK(rec.tlb_hits + rec.tlb_misses > 0);

	/* An unmapped page as b: a read fault at exactly that VA. */
	char *none = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(none != MAP_FAILED);
	args[1] = (uintptr_t)none + 0x20;
	CHECK_EQ(run(h, args, 4, 1024, 64, &rec, &f), FSVM_ERR_FAULT);
	CHECK_EQ(f.va, (uintptr_t)none + 0x20);
	CHECK_EQ(f.write, 0);
	CHECK_EQ(f.in_packet, 0);

	/* A read-only page as c: a write fault at its first byte. */
	float *ro = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(ro != MAP_FAILED);
	ro[0] = 42.0f;
	REQUIRE(mprotect(ro, pg, PROT_READ) == 0);
	args[1] = (uintptr_t)b;
	args[2] = (uintptr_t)ro;
	args[3] = 16;
	CHECK_EQ(run(h, args, 4, 16, 16, &rec, &f), FSVM_ERR_FAULT);
	CHECK_EQ(f.va, (uintptr_t)ro);
	CHECK_EQ(f.write, 1);
	CHECK(ro[0] == 42.0f);	/* nothing was written */

	/* The process is alive and the next launch is correct. */
	args[2] = (uintptr_t)c;
	args[3] = N;
	memset(c, 0, N * sizeof(float));
	CHECK_EQ(run(h, args, 4, 1000, 8, &rec, &f), FSVM_OK);
	bad = 0;
	for (int i = 0; i < N; i++)
		bad += c[i] != 1.5f * (float)i + 3.0f;
	CHECK_EQ(bad, 0);

	munmap(none, pg);
	munmap(ro, pg);
	free(a);
	free(b);
	free(c);
	CHECK_EQ(fsvm_compiled_unregister(dev, h), FSVM_OK);
}

struct node {
	struct node *next;
	uint64_t val;
};

static void test_chase(void)
{
	enum { N = 5000 };
	uint64_t h = load_kernel("chase");
	struct node **nodes = malloc(N * sizeof(*nodes));
	struct completion_and_out {
		struct fsvm_completion rec;
		uint64_t out;
	} *co = aligned_alloc(64, 128);
	struct fsvm_fault f;
	uint64_t args[3], want = 0;

	REQUIRE(nodes && co && sizeof(*co) <= 128);
	/* Separate mallocs, linked in a scrambled order. */
	for (int i = 0; i < N; i++) {
		nodes[i] = malloc(sizeof(struct node));
		REQUIRE(nodes[i]);
		nodes[i]->val = (uint64_t)i * 7919u + 1;
	}
	for (int i = 0; i < N; i++) {
		int j = (int)(((uint64_t)i * 2654435761u) % N);
		struct node *t = nodes[i];

		nodes[i] = nodes[j];
		nodes[j] = t;
	}
	for (int i = 0; i < N; i++) {
		nodes[i]->next = i + 1 < N ? nodes[i + 1] : NULL;
		want += nodes[i]->val;
	}
	args[0] = (uintptr_t)nodes[0];
	args[1] = N + 10;	/* stops at the NULL */
	args[2] = (uintptr_t)&co->out;
	co->out = 0;
	CHECK_EQ(run(h, args, 3, 1, 1, &co->rec, &f), FSVM_OK);
	CHECK_EQ(co->out, want);

	/* A dangling next: a fault naming the bad node's address. */
	nodes[100]->next = (struct node *)(uintptr_t)0x10;
	CHECK_EQ(run(h, args, 3, 1, 1, &co->rec, &f), FSVM_ERR_FAULT);
	CHECK_EQ(f.va, 0x10 + 8);	/* n->val is read first */
	for (int i = 0; i < N; i++)
		free(nodes[i]);
	free(nodes);
	free(co);
	CHECK_EQ(fsvm_compiled_unregister(dev, h), FSVM_OK);
}

/* Must match packed_rec in kernels.cl. */
struct __attribute__((packed)) packed_rec {
	uint8_t tag;
	uint32_t v;
};

static void test_unaligned_page_crossing(void)
{
	enum { N = 2000 };	/* 10 000 bytes: records straddle pages */
	uint64_t h = load_kernel("unaligned");
	long pg = sysconf(_SC_PAGESIZE);
	/* Page-aligned, then offset by 3: every v is unaligned and some straddle a page. */
	uint8_t *in_buf = aligned_alloc((size_t)pg, 4 * (size_t)pg);
	uint8_t *out_buf = aligned_alloc((size_t)pg, 4 * (size_t)pg);
	struct packed_rec *in, *out;
	struct fsvm_completion rec __attribute__((aligned(8)));
	struct fsvm_fault f;
	uint64_t args[2];
	int bad = 0, crossing = 0;

	REQUIRE(in_buf && out_buf);
	in = (struct packed_rec *)(in_buf + 3);
	out = (struct packed_rec *)(out_buf + 3);
	for (int i = 0; i < N; i++) {
		in[i].tag = (uint8_t)i;
		in[i].v = 0x01000193u * (uint32_t)i;
		uintptr_t s = (uintptr_t)&in[i].v;

		crossing += (s / (uintptr_t)pg) != ((s + 3) / (uintptr_t)pg);
	}
	CHECK(crossing > 0);	/* the layout really crosses pages */
	memset(out, 0, N * sizeof(*out));
	args[0] = (uintptr_t)in;
	args[1] = (uintptr_t)out;
	CHECK_EQ(run(h, args, 2, N, 8, &rec, &f), FSVM_OK);
	for (int i = 0; i < N; i++)
		bad += out[i].tag != (uint8_t)(i + 1) ||
		       out[i].v != 0x01000193u * (uint32_t)i * 2u;
	CHECK_EQ(bad, 0);
	free(in_buf);
	free(out_buf);
	CHECK_EQ(fsvm_compiled_unregister(dev, h), FSVM_OK);
}

static void test_barriers(void)
{
	enum { N = 4096, L = 256 };
	uint64_t h = load_kernel("reduce");
	uint32_t *in = malloc(N * 4), *sums = calloc(N / L, 4), *rev = calloc(N, 4);
	struct fsvm_completion rec __attribute__((aligned(8)));
	struct fsvm_fault f;
	uint64_t args[4];
	int bad = 0;

	REQUIRE(in && sums && rev);
	for (int i = 0; i < N; i++)
		in[i] = (uint32_t)i * 2654435761u >> 8;
	args[0] = (uintptr_t)in;
	args[1] = (uintptr_t)sums;
	args[2] = (uintptr_t)rev;
	args[3] = L * 4;	/* __local scratch: its size */
	CHECK_EQ(run(h, args, 4, N, L, &rec, &f), FSVM_OK);
	for (int g = 0; g < N / L; g++) {
		uint32_t s = 0;

		for (int i = 0; i < L; i++) {
			s += in[g * L + i];
			bad += rev[g * L + i] != in[g * L + (L - 1 - i)];
		}
		bad += sums[g] != s;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(rec.items, N);
	CHECK_EQ(fsvm_compiled_unregister(dev, h), FSVM_OK);

	/* A fault in work-item 70 after a barrier: the exact VA, then a good launch. */
	h = load_kernel("barrier_fault");
	{
		long pg = sysconf(_SC_PAGESIZE);
		uint32_t *out = calloc(128, 4);
		uint8_t *ro = mmap(NULL, (size_t)pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		REQUIRE(out && ro != MAP_FAILED);
		args[0] = (uintptr_t)out;
		args[1] = (uintptr_t)(ro + 8);
		CHECK_EQ(run(h, args, 2, 128, 64, &rec, &f), FSVM_ERR_FAULT);
		CHECK_EQ(f.va, (uint64_t)(uintptr_t)(ro + 8));
		CHECK(f.write);
		args[1] = (uintptr_t)out;	/* id 70 now writes out[0] = 1 */
		CHECK_EQ(run(h, args, 2, 128, 64, &rec, &f), FSVM_OK);
		for (int i = 1; i < 128; i++)
			bad += out[i] != (uint32_t)(63 - i % 64) * 3u;
		CHECK_EQ(out[0], 1u);
		CHECK_EQ(bad, 0);
		munmap(ro, (size_t)pg);
		free(out);
	}
	CHECK_EQ(fsvm_compiled_unregister(dev, h), FSVM_OK);

	/* Divergent barrier: a bad launch, no hang; the device still works. */
	h = load_kernel("barrier_diverge");
	{
		uint32_t *out = calloc(64, 4);

		REQUIRE(out);
		args[0] = (uintptr_t)out;
		CHECK_EQ(run(h, args, 1, 64, 16, &rec, &f), FSVM_ERR_BAD_PACKET);
		CHECK_EQ(run(h, args, 1, 64, 1, &rec, &f), FSVM_OK);	/* one item per group: uniform */
		for (int i = 0; i < 64; i++)
			bad += out[i] != 1u;
		CHECK_EQ(bad, 0);
		free(out);
	}
	CHECK_EQ(fsvm_compiled_unregister(dev, h), FSVM_OK);
	free(in);
	free(sums);
	free(rev);
}

static void test_printf(void)
{
	uint64_t h = load_kernel("hello");
	int v[4] = { 5, -6, 7, 1000 };
	uint64_t *buf = aligned_alloc(8, 256);
	struct fsvm_compiled_launch d __attribute__((aligned(8)));
	struct fsvm_completion rec __attribute__((aligned(8)));
	struct fsvm_fault f;
	uint64_t args[1] = { (uintptr_t)v };
	char want[512];
	size_t wl = 0;

	REQUIRE(buf);
	for (int i = 0; i < 4; i++)
		wl += (size_t)snprintf(want + wl, sizeof(want) - wl, "wi %d: %d %5.2f %s %lx %c|\n",
				       i, v[i], (float)v[i] / 4.0f, i & 1 ? "odd" : "even",
				       (unsigned long)(int64_t)v[i] << 36, 'A' + i);
	memset(buf, 0xee, 256);
	buf[0] = 0;
	memset(&d, 0, sizeof(d));
	d.handle = h;
	d.work_dim = 1;
	d.nargs = 1;
	d.global_size[0] = 4;
	d.local_size[0] = 2;
	d.args_va = (uintptr_t)args;
	d.printf_va = (uintptr_t)buf;
	d.printf_size = 256;
	CHECK_EQ(fsvm_launch_compiled(ctx, &d, &rec, 0), FSVM_OK);
	CHECK_EQ(fsvm_wait(ctx, &rec, FSVM_TIMEOUT_INFINITE, &f), FSVM_OK);
	CHECK_EQ(buf[0], (uint64_t)wl);
	CHECK(buf[0] == wl && memcmp(buf + 1, want, wl) == 0);
	/* the host prints the buffer */
	printf("printf buffer (%llu bytes):\n%.*s", (unsigned long long)buf[0], (int)wl,
	       (const char *)(buf + 1));

	/* a small buffer: the text is cut at its end, nothing beyond is written */
	memset(buf, 0xee, 256);
	buf[0] = 0;
	d.printf_size = 40;
	CHECK_EQ(fsvm_launch_compiled(ctx, &d, &rec, 0), FSVM_OK);
	CHECK_EQ(fsvm_wait(ctx, &rec, FSVM_TIMEOUT_INFINITE, &f), FSVM_OK);
	CHECK_EQ(buf[0], 32u);
	CHECK(memcmp(buf + 1, want, 32) == 0);
	CHECK_EQ(((uint8_t *)buf)[40], 0xee);

	/* no buffer: the kernel runs, printf writes nothing; a bad one is refused */
	d.printf_va = 0;
	d.printf_size = 0;
	CHECK_EQ(fsvm_launch_compiled(ctx, &d, &rec, 0), FSVM_OK);
	CHECK_EQ(fsvm_wait(ctx, &rec, FSVM_TIMEOUT_INFINITE, &f), FSVM_OK);
	d.printf_va = (uintptr_t)buf + 4;
	d.printf_size = 64;
	CHECK_EQ(fsvm_launch_compiled(ctx, &d, &rec, 0), FSVM_ERR_INVAL);
	free(buf);
	CHECK_EQ(fsvm_compiled_unregister(dev, h), FSVM_OK);
}

/* The built-in library: values against the C library, and stores of
 * frexp/vstore4 through global pointers reach memory. */
static void test_builtins(void)
{
	enum { N = 64 };
	uint64_t h = load_kernel("builtins");
	float *x = malloc(N * 4), *m = malloc(N * 4), *g = calloc(8, 4);
	int *e = malloc(N * 4), *ci = malloc(N * 4);
	uint32_t *u = malloc(N * 4);
	struct fsvm_completion *rec = aligned_alloc(64, 64);
	struct fsvm_fault f;
	uint64_t args[6];
	int bad = 0;

	REQUIRE(x && m && g && e && ci && u && rec);
	for (int i = 0; i < N; i++)
		x[i] = (i - 32) * 0.37f + (i == 5 ? 1e6f : 0.0f);
	args[0] = (uintptr_t)x;
	args[1] = (uintptr_t)e;
	args[2] = (uintptr_t)m;
	args[3] = (uintptr_t)ci;
	args[4] = (uintptr_t)u;
	args[5] = (uintptr_t)g;
	CHECK_EQ(run(h, args, 6, N, 8, rec, &f), FSVM_OK);
	for (int i = 0; i < N; i++) {
		int we;
		float wm = frexpf(x[i], &we);
		double s = floor((double)(x[i] * 1e9f));
		int wci = s >= 2147483647.0 ? 2147483647 : s <= -2147483648.0 ? (-2147483647 - 1) : (int)s;
		uint32_t wu = (uint32_t)__builtin_popcount((unsigned)i) +
			      (uint32_t)__builtin_clz((unsigned)i + 1u) * 100u;

		bad += m[i] != wm || e[i] != we || ci[i] != wci || u[i] != wu;
	}
	CHECK_EQ(bad, 0);
	CHECK(g[0] == 5.0f && g[1] == 4.0f && g[2] == 5.0f && g[3] == -1.0f);
	CHECK(g[4] == 25.0f && g[5] == 1.0f && g[6] == 1.0f && g[7] == 128.0f);
	free(x);
	free(m);
	free(g);
	free(e);
	free(ci);
	free(u);
	free(rec);
	CHECK_EQ(fsvm_compiled_unregister(dev, h), FSVM_OK);
}

/* 64-bit integers in compiled kernels (cl_khr_int64): against the host. */
static void test_long_ops(void)
{
	enum { N = 8, R = 14 };
	static const int64_t a[N] = { INT64_MIN, -1, INT64_MAX, 0x123456789abcdef0,
				      -1234567890123, 7, 0, (int64_t)1 << 40 };
	static const int64_t b[N] = { 3, -7, -2, 0x0fedcba987654321, 1000003, -3, 5, 65 };
	uint64_t h = load_kernel("long_ops");
	uint64_t *r = calloc(N * R, sizeof(uint64_t));
	struct fsvm_completion rec __attribute__((aligned(8)));
	struct fsvm_fault f;
	uint64_t args[3] = { (uintptr_t)a, (uintptr_t)b, 0 };
	int bad = 0;

	REQUIRE(r);
	args[2] = (uintptr_t)r;
	CHECK_EQ(run(h, args, 3, N, 4, &rec, &f), FSVM_OK);
	for (int i = 0; i < N; i++) {
		int64_t x = a[i], y = b[i];
		uint64_t ux = (uint64_t)x, uy = (uint64_t)y, s = uy & 63, w[R];

		w[0] = ux * uy;
		w[1] = (uint64_t)(x / y);
		w[2] = (uint64_t)(x % y);
		w[3] = ux / uy;
		w[4] = ux % uy;
		w[5] = ux >> s;
		w[6] = (uint64_t)(x >> s);
		w[7] = ux << s;
		w[8] = (uint64_t)(((unsigned __int128)ux * uy) >> 64);
		w[9] = (uint64_t)(int64_t)(((__int128)x * y) >> 64);
		w[10] = s ? (ux << s) | (ux >> (64 - s)) : ux;
		w[11] = (uint64_t)(ux ? __builtin_clzll(ux) : 64) |
			(uint64_t)__builtin_popcountll(ux) << 8 | (uint64_t)(x < y) << 16 |
			(uint64_t)(ux < uy) << 17;
		w[12] = x < 0 ? 0 - ux : ux;
		w[13] = (ux >> 32) << 32 | (uint32_t)uy;
		for (int k = 0; k < R; k++)
			if (r[i * R + k] != w[k]) {
				if (bad++ < 8)
					fprintf(stderr, "long_ops[%d][%d] = %#llx, want %#llx\n", i, k,
						(unsigned long long)r[i * R + k],
						(unsigned long long)w[k]);
			}
	}
	CHECK_EQ(bad, 0);
	free(r);
	CHECK_EQ(fsvm_compiled_unregister(dev, h), FSVM_OK);
}

/* The text of printf vectors is built here with the host's printf, one
 * element at a time, joined by ','. */
struct text {
	char s[65536];
	size_t n;
};

static void tadd(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void tadd(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(t->s + t->n, sizeof(t->s) - t->n, fmt, ap);
	va_end(ap);
	REQUIRE(k >= 0 && (size_t)k < sizeof(t->s) - t->n);
	t->n += (size_t)k;
}

/* half bits to double, decoded here (sign, 5-bit exponent, 10-bit fraction) */
static double half_to_double(uint16_t b)
{
	int e = (b >> 10) & 0x1f;
	double m = b & 0x3ff, v;

	if (e == 0x1f)
		v = m ? NAN : INFINITY;
	else if (e == 0)
		v = ldexp(m, -24);
	else
		v = ldexp(m + 1024.0, e - 25);
	return b & 0x8000 ? -v : v;
}

/* n elements of kind k from p, each printed with the host format spec:
 * i int, u uint, l int64, L uint64, f float, d double, s short,
 * S ushort, c signed char, C uchar, h half bits. */
static void tvec(struct text *t, const char *spec, char k, unsigned int n, const void *p)
{
	for (unsigned int e = 0; e < n; e++) {
		if (e)
			tadd(t, ",");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		switch (k) {
		case 'i': tadd(t, spec, ((const int32_t *)p)[e]); break;
		case 'u': tadd(t, spec, ((const uint32_t *)p)[e]); break;
		case 'l': tadd(t, spec, (long)((const int64_t *)p)[e]); break;
		case 'L': tadd(t, spec, (unsigned long)((const uint64_t *)p)[e]); break;
		case 'f': tadd(t, spec, (double)((const float *)p)[e]); break;
		case 'd': tadd(t, spec, ((const double *)p)[e]); break;
		case 's': tadd(t, spec, (int)((const int16_t *)p)[e]); break;
		case 'S': tadd(t, spec, (unsigned int)((const uint16_t *)p)[e]); break;
		case 'c': tadd(t, spec, (int)((const int8_t *)p)[e]); break;
		case 'C': tadd(t, spec, (unsigned int)((const uint8_t *)p)[e]); break;
		default: tadd(t, spec, half_to_double(((const uint16_t *)p)[e])); break;
		}
#pragma GCC diagnostic pop
	}
}

/* Launch h with args over n work-items (one group) and a printf buffer;
 * the printed text in *got (NUL-terminated). */
static void run_printf(uint64_t h, uint64_t *args, unsigned int nargs, uint64_t n,
		       struct text *got)
{
	uint64_t *buf = aligned_alloc(8, sizeof(got->s) + 8);
	struct fsvm_compiled_launch d __attribute__((aligned(8)));
	struct fsvm_completion rec __attribute__((aligned(8)));
	struct fsvm_fault f;

	REQUIRE(buf);
	buf[0] = 0;
	memset(&d, 0, sizeof(d));
	d.handle = h;
	d.work_dim = 1;
	d.nargs = nargs;
	d.global_size[0] = n;
	d.local_size[0] = n;
	d.args_va = (uintptr_t)args;
	d.printf_va = (uintptr_t)buf;
	d.printf_size = sizeof(got->s) + 8;
	CHECK_EQ(fsvm_launch_compiled(ctx, &d, &rec, 0), FSVM_OK);
	CHECK_EQ(fsvm_wait(ctx, &rec, FSVM_TIMEOUT_INFINITE, &f), FSVM_OK);
	REQUIRE(buf[0] < sizeof(got->s));
	memcpy(got->s, buf + 1, buf[0]);
	got->n = buf[0];
	got->s[got->n] = '\0';
	free(buf);
}

/* The first line where got and want differ, on stderr. */
static void show_diff(const struct text *got, const struct text *want)
{
	size_t i = 0, ls = 0;

	while (i < got->n && i < want->n && got->s[i] == want->s[i])
		if (got->s[i++] == '\n')
			ls = i;
	fprintf(stderr, "printf text differs at byte %zu:\n got: %.*s\nwant: %.*s\n", i,
		(int)strcspn(got->s + ls, "\n"), got->s + ls,
		(int)strcspn(want->s + ls, "\n"), want->s + ls);
}

static void test_printf_vectors(void)
{
	enum { ROWS = 2, M = 16 * ROWS };
	uint64_t h = load_kernel("printf_vec");
	int32_t iv[M];
	int64_t lv[M];
	float fv[M];
	double dv[M];
	int16_t sv[M];
	int8_t cv[M];
	static struct text got, want;
	uint64_t args[6] = { (uintptr_t)iv, (uintptr_t)lv, (uintptr_t)fv, (uintptr_t)dv,
			     (uintptr_t)sv, (uintptr_t)cv };

	for (int k = 0; k < M; k++) {
		iv[k] = k == 3 ? INT32_MIN : (k * 7919 - 40000) * (k & 1 ? -1 : 1);
		lv[k] = k == 5 ? INT64_MIN : k == 6 ? INT64_MAX :
			((int64_t)k * 0x0123456789abcdLL - 77) * (k & 2 ? -1 : 1);
		fv[k] = k == 4 ? INFINITY : k == 9 ? -0.0f : k == 10 ? 1e-40f :
			(float)(k - 7) * 0.3125f + (float)k * 1e7f * (float)(k & 1);
		dv[k] = k == 2 ? -INFINITY : k == 11 ? NAN : k == 12 ? 1e300 :
			(double)(k - 9) / 3.0 + (double)(k * k) * 1e-9;
		sv[k] = (int16_t)(k * 4111 - 30000);
		cv[k] = (int8_t)(k * 37 - 100);
	}
	run_printf(h, args, 6, ROWS, &got);
	want.n = 0;
	for (int i = 0; i < ROWS; i++) {
		const int32_t *ip = iv + i * 16;
		const int64_t *lp = lv + i * 16;
		const float *fp = fv + i * 16;
		const double *dp = dv + i * 16;
		const int16_t *sp = sv + i * 16;
		const int8_t *cp = cv + i * 16;

		tadd(&want, "i2 "); tvec(&want, "%d", 'i', 2, ip);
		tadd(&want, " i3 "); tvec(&want, "%+5i", 'i', 3, ip);
		tadd(&want, " i4 "); tvec(&want, "%-6x", 'u', 4, ip);
		tadd(&want, "| u8 "); tvec(&want, "%#o", 'u', 8, ip);
		tadd(&want, " u16 "); tvec(&want, "%08X", 'u', 16, ip);
		tadd(&want, "|\nl2 "); tvec(&want, "%ld", 'l', 2, lp);
		tadd(&want, " l3 "); tvec(&want, "%+li", 'l', 3, lp);
		tadd(&want, " l4 "); tvec(&want, "%#lx", 'L', 4, lp);
		tadd(&want, " u8 "); tvec(&want, "%lu", 'L', 8, lp);
		tadd(&want, " l16 "); tvec(&want, "%21ld", 'l', 16, lp);
		tadd(&want, "|\nf2 "); tvec(&want, "%f", 'f', 2, fp);
		tadd(&want, " f3 "); tvec(&want, "%.3e", 'f', 3, fp);
		tadd(&want, " f4 "); tvec(&want, "%10.2f", 'f', 4, fp);
		tadd(&want, " f8 "); tvec(&want, "%g", 'f', 8, fp);
		tadd(&want, " f16 "); tvec(&want, "%.1a", 'f', 16, fp);
		tadd(&want, "|\nd2 "); tvec(&want, "%.10f", 'd', 2, dp);
		tadd(&want, " d3 "); tvec(&want, "%g", 'd', 3, dp);
		tadd(&want, " d4 "); tvec(&want, "%+.3e", 'd', 4, dp);
		tadd(&want, " d8 "); tvec(&want, "%A", 'd', 8, dp);
		tadd(&want, " d16 "); tvec(&want, "%-12G", 'd', 16, dp);
		tadd(&want, "|\nc3 "); tvec(&want, "%hhd", 'c', 3, cp);
		tadd(&want, " c4 "); tvec(&want, "%#hhx", 'C', 4, cp);
		tadd(&want, " s2 "); tvec(&want, "%hd", 's', 2, sp);
		tadd(&want, " s8 "); tvec(&want, "%6hd", 's', 8, sp);
		tadd(&want, " s16 "); tvec(&want, "%hu", 'S', 16, sp);
		tadd(&want, " c16 "); tvec(&want, "%hhu", 'C', 16, cp);
		tadd(&want, "|\nsc %hhx %#hx %hhu %hd", cp[1], sp[1], cp[2], sp[3]);
		tadd(&want, "|\n%c ", 'A' + i); tvec(&want, "%hhx", 'C', 2, cp);
		tadd(&want, " %d ", ip[0]); tvec(&want, "%g", 'd', 16, dp);
		tadd(&want, " %s ", i ? "odd" : "even"); tvec(&want, "%f", 'f', 3, fp);
		tadd(&want, " %ld|\n", (long)lp[1]);
		tadd(&want, "l8 "); tvec(&want, "%+ld", 'l', 8, lp);
		tadd(&want, " u16 "); tvec(&want, "%#lx", 'L', 16, lp);
		tadd(&want, "|\n");
		/* the literal vectors, written out by hand */
		tadd(&want, "0xfa,0xb|  1.8, -2.5|1,-2,300|%%|7   ,200 |\n");
	}
	if (got.n != want.n || memcmp(got.s, want.s, want.n) != 0)
		show_diff(&got, &want);
	CHECK_EQ(got.n, want.n);
	CHECK(got.n == want.n && memcmp(got.s, want.s, want.n) == 0);
	printf("printf of vectors, work-item 0's first line:\n%.*s\n",
	       (int)strcspn(got.s, "\n"), got.s);
	CHECK_EQ(fsvm_compiled_unregister(dev, h), FSVM_OK);
}

/* half vectors, when clang compiled the kernel with cl_khr_fp16. */
static void test_printf_half(void)
{
	static const uint16_t bits[16] = { 0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0xfc00,
					   0x3555, 0x8000, 0x4248, 0x0400, 0x5640, 0xb800,
					   0x3e00, 0x03ff, 0x6400, 0x1234 };
	static struct text got, want;
	uint64_t args[1] = { (uintptr_t)bits }, h;
	char sym[64];

	snprintf(sym, sizeof(sym), FSVM_CL_WI_PREFIX "printf_half");
	if (!dlsym(so, sym)) {
		printf("printf_half: not built (clang has no cl_khr_fp16 for this target)\n");
		return;
	}
	h = load_kernel("printf_half");
	run_printf(h, args, 1, 1, &got);
	want.n = 0;
	tadd(&want, "h2 "); tvec(&want, "%f", 'h', 2, bits);
	tadd(&want, " h3 "); tvec(&want, "%.2f", 'h', 3, bits);
	tadd(&want, " h4 "); tvec(&want, "%g", 'h', 4, bits);
	tadd(&want, " h8 "); tvec(&want, "%a", 'h', 8, bits);
	tadd(&want, " h16 "); tvec(&want, "%f", 'h', 16, bits);
	tadd(&want, "|\n");
	if (got.n != want.n || memcmp(got.s, want.s, want.n) != 0)
		show_diff(&got, &want);
	CHECK(got.n == want.n && memcmp(got.s, want.s, want.n) == 0);
	/* the decoder itself, on values known by heart */
	CHECK(half_to_double(0x3c00) == 1.0 && half_to_double(0xc000) == -2.0);
	CHECK(half_to_double(0x7bff) == 65504.0 && half_to_double(0x0001) == ldexp(1.0, -24));
	CHECK_EQ(fsvm_compiled_unregister(dev, h), FSVM_OK);
}

/* Formats that are not literals: checked by the engine at run time. */
static void test_printf_runtime(void)
{
	uint64_t h = load_kernel("printf_runtime");
	int32_t r[7];
	uint64_t args[2] = { (uintptr_t)r, 1 };
	static struct text got;

	memset(r, 0x55, sizeof(r));
	run_printf(h, args, 2, 1, &got);
	CHECK(r[0] == -1 && r[1] == -1 && r[2] == 0);	/* %v5hld; 2 wanted, 1 given */
	CHECK(r[3] == -1 && r[4] == 0 && r[5] == -1 && r[6] == 0);
	CHECK(strcmp(got.s, "C 1\nE 0x0011|\n") == 0);
	args[1] = 0;
	memset(r, 0x55, sizeof(r));
	run_printf(h, args, 2, 1, &got);
	CHECK(r[0] == -1 && r[1] == 0 && r[2] == 0);	/* %hld without a vector */
	CHECK(r[3] == -1 && r[4] == 0 && r[5] == -1);
	CHECK(strcmp(got.s, "B 0\nC 0\nE 0x0010|\n") == 0);
	CHECK_EQ(fsvm_compiled_unregister(dev, h), FSVM_OK);
}

int main(int argc, char **argv)
{
	REQUIRE(argc == 2);
	so = dlopen(argv[1], RTLD_NOW);
	if (!so) {
		fprintf(stderr, "dlopen %s: %s\n", argv[1], dlerror());
		return 1;
	}
	REQUIRE(fsvm_device_open("sim", &dev) == FSVM_OK);
	REQUIRE(fsvm_context_create(dev, 64, &ctx) == FSVM_OK);
	test_vadd_and_faults();
	test_chase();
	test_unaligned_page_crossing();
	test_barriers();
	test_printf();
	test_builtins();
	test_long_ops();
	test_printf_vectors();
	test_printf_half();
	test_printf_runtime();
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	dlclose(so);
	return check_exit_code("test_oclc");
}
