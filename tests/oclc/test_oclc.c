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
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	dlclose(so);
	return check_exit_code("test_oclc");
}
