/* SPDX-License-Identifier: MIT */
/*
 * test_plugins.c - simulated devices with their own kernel table
 * (fsvm_add_device): found by name and by path, their table as libfsvm and
 * `fsvm info` see it, their kernels run and checked against the CPU, the
 * burst rule enforced, and every malformed plugin refused.
 *
 *   test_sdk_plugins <directory with libfsvm-dev-sdktest.so and -bad<N>.so>
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "bfs_graph.h"
#include "fsvm_log.h"
#include "log_capture.h"

static const char *devdir;
/* "sim", or "rtl" (second argument): the same plugin on the co-simulated
 * RTL shell (hw-kernels/cosim), after the refusals, which are sim's. */
static const char *backend = "sim";

static int open_dev(const char *name, struct fsvm_device **dev)
{
	*dev = NULL;
	return fsvm_device_open(name, dev);
}

/* Not found, not a name, not a plugin, and each malformed plugin. */
static void test_refused(void)
{
	struct fsvm_device *dev;
	char path[512];

	setenv("FSVM_DEVICE_PATH", devdir, 1);
	CHECK_ERR(open_dev("sim:nosuch", &dev), FSVM_ERR_NODEV);
	CHECK(dev == NULL);
	CHECK_ERR(open_dev("sim:Not-A-Name", &dev), FSVM_ERR_NODEV);
	CHECK_ERR(open_dev("sim:", &dev), FSVM_OK);	/* "sim:" = the built-in table */
	fsvm_device_close(dev);
	CHECK_ERR(open_dev("sim:/nonexistent/libfsvm-dev-x.so", &dev), FSVM_ERR_NODEV);
	/* Not a shared object, a directory, a shared object without the symbol. */
	CHECK_ERR(open_dev("sim:/proc/self/exe", &dev), FSVM_ERR_IO);
	CHECK_ERR(open_dev("sim:/", &dev), FSVM_ERR_IO);
	snprintf(path, sizeof(path), "sim:%s/libfsvm-dev-bad0.so", devdir);
	CHECK_ERR(open_dev(path, &dev), FSVM_ERR_IO);
	CHECK_ERR(open_dev("sim:bad0", &dev), FSVM_ERR_IO);

	/* bad_plugin.c: 1..10 are refused however they are named. */
	for (int i = 1; i <= 10; i++) {
		char name[32];

		snprintf(path, sizeof(path), "sim:%s/libfsvm-dev-bad%d.so", devdir, i);
		CHECK_ERR(open_dev(path, &dev), FSVM_ERR_IO);
		CHECK(dev == NULL);
		snprintf(name, sizeof(name), "sim:bad%d", i);
		CHECK_ERR(open_dev(name, &dev), FSVM_ERR_IO);
	}
	/* 11 calls itself someone_else: fine by path, refused as sim:bad11. */
	snprintf(path, sizeof(path), "sim:%s/libfsvm-dev-bad11.so", devdir);
	CHECK_ERR(open_dev(path, &dev), FSVM_OK);
	fsvm_device_close(dev);
	CHECK_ERR(open_dev("sim:bad11", &dev), FSVM_ERR_IO);

	/* Without FSVM_DEVICE_PATH the test's directory is not searched. */
	unsetenv("FSVM_DEVICE_PATH");
	CHECK_ERR(open_dev("sim:sdktest", &dev), FSVM_ERR_NODEV);
}

/*
 * A refused device is logged once, by the simulator (it knows the path and
 * the reason), not again by libfsvm's sim backend; the error code says
 * which kind of refusal it was.
 */
static void refused_once(const char *name, int want_err, const char *reason)
{
	struct log_capture c;
	struct fsvm_device *dev;
	char text[8192];
	int err;

	log_capture_begin(&c);
	err = open_dev(name, &dev);
	log_capture_end(&c, text, sizeof(text));
	CHECK_EQ(err, want_err);
	CHECK(dev == NULL);
	CHECK_EQ(log_lines(text, ""), 1);
	CHECK_EQ(log_lines(text, reason), 1);
	if (log_lines(text, "") != 1 || log_lines(text, reason) != 1)
		fprintf(stderr, "  %s logged (want one line with \"%s\"):\n%s", name, reason, text);
}

static void test_logged_once(void)
{
	char path[512];

	fsvm_log_set_level(FSVM_LOG_DEBUG);
	setenv("FSVM_DEVICE_PATH", devdir, 1);
	refused_once("sim:nosuch", FSVM_ERR_NODEV, "no device \"nosuch\"");
	refused_once("sim:Not-A-Name", FSVM_ERR_NODEV, "is not a device name");
	refused_once("sim:/nonexistent/libfsvm-dev-x.so", FSVM_ERR_NODEV,
		     "/nonexistent/libfsvm-dev-x.so: No such file or directory");
	refused_once("sim:/proc/self/exe", FSVM_ERR_IO, "cannot load device plugin");
	snprintf(path, sizeof(path), "sim:%s/libfsvm-dev-bad0.so", devdir);
	refused_once(path, FSVM_ERR_IO, "exports no fsvm_device_plugin");
	snprintf(path, sizeof(path), "sim:%s/libfsvm-dev-bad1.so", devdir);
	refused_once(path, FSVM_ERR_IO, "not an fsvm device plugin");
	refused_once("sim:bad2", FSVM_ERR_IO, "built for plugin ABI");
	unsetenv("FSVM_DEVICE_PATH");
	fsvm_log_set_level(FSVM_LOG_WARN);
}

/* The table: nop, the built-in vadd (BUILTIN vadd), then KERNELS in order. */
static void test_table(struct fsvm_device *dev)
{
	struct fsvm_device_info info;
	struct fsvm_kernel_desc d;
	static const char *const names[] = {
		"vertices", "nv", "frontier", "nfront", "levels", "depth", "next", "count",
	};
	static const uint8_t kinds[] = {
		FSVM_ARG_PTR_IN, FSVM_ARG_U64, FSVM_ARG_PTR_IN, FSVM_ARG_U64,
		FSVM_ARG_PTR_INOUT, FSVM_ARG_U32, FSVM_ARG_PTR_OUT, FSVM_ARG_PTR_OUT,
	};
	static const uint8_t types[] = {
		FSVM_TYPE_U64, FSVM_TYPE_U64, FSVM_TYPE_U32, FSVM_TYPE_U64,
		FSVM_TYPE_U32, FSVM_TYPE_U32, FSVM_TYPE_U32, FSVM_TYPE_U64,
	};

	CHECK_ERR(fsvm_device_info(dev, &info), FSVM_OK);
	CHECK_EQ(info.num_kernels, 4);
	CHECK(strncmp(info.name, backend, 3) == 0 && strcmp(info.name + 3, ":sdktest") == 0);
	CHECK_ERR(fsvm_device_kernel(dev, 0, &d), FSVM_OK);
	CHECK(strcmp(d.name, "nop") == 0);
	CHECK_ERR(fsvm_device_kernel(dev, 1, &d), FSVM_OK);
	CHECK(strcmp(d.name, "vadd") == 0);
	CHECK_ERR(fsvm_device_find_kernel(dev, "memset", &d), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_device_find_kernel(dev, "pointer_chase", &d), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_device_find_kernel(dev, "raw_copy", &d), FSVM_OK);
	CHECK_EQ(d.id, 3);
	CHECK_ERR(fsvm_device_find_kernel(dev, "bfs_expand", &d), FSVM_OK);
	CHECK_EQ(d.id, 2);
	CHECK_EQ(d.nargs, 8);
	for (unsigned int a = 0; a < 8 && a < d.nargs; a++) {
		CHECK(strcmp(d.args[a].name, names[a]) == 0);
		CHECK_EQ(d.args[a].kind, kinds[a]);
		CHECK_EQ(d.args[a].type, types[a]);
	}
	CHECK_EQ(d.args[0].size, 8);
	CHECK_EQ(d.args[2].size, 4);
}

/* The built-in vadd in a plugin device. */
static void test_vadd(struct fsvm_context *ctx, struct fsvm_device *dev)
{
	enum { N = 3000 };
	float *a = malloc(N * sizeof(float)), *b = malloc(N * sizeof(float));
	float *c = malloc(N * sizeof(float) + 4);
	struct fsvm_kernel_desc d;
	struct fsvm_completion rec;
	int bad = 0;

	CHECK_ERR(fsvm_device_find_kernel(dev, "vadd", &d), FSVM_OK);
	for (int i = 0; i < N; i++) {
		a[i] = (float)i * 0.5f;
		b[i] = (float)(N - i);
	}
	/* c at an odd 4-byte offset: element alignment is enough. */
	uint64_t args[] = { (uintptr_t)a, (uintptr_t)b, (uintptr_t)(c + 1), N };

	CHECK_ERR(fsvm_run(ctx, d.id, args, 4, &rec, 0, FSVM_TIMEOUT_INFINITE, NULL), FSVM_OK);
	for (int i = 0; i < N; i++)
		bad += c[i + 1] != a[i] + b[i];
	CHECK_EQ(bad, 0);
	CHECK_EQ(rec.items, N);
	free(a);
	free(b);
	free(c);
}

/*
 * bfs_expand on a graph small enough to write down:
 *   0 -> 1 2 1      1 -> 3      2 -> 0 3 4      3 -> (none)      4 -> 4
 * From frontier {0} at depth 0: next {1, 2}; from {1, 2} at depth 1: {3, 4}.
 */
static void test_bfs(struct fsvm_context *ctx, struct fsvm_device *dev)
{
	static uint32_t a0[] = { 1, 2, 1 }, a1[] = { 3 }, a2[] = { 0, 3, 4 }, a4[] = { 4 };
	struct bfs_vertex g[5] = {
		{ (uintptr_t)a0, 3 }, { (uintptr_t)a1, 1 }, { (uintptr_t)a2, 3 },
		{ 0, 0 }, { (uintptr_t)a4, 1 },
	};
	uint32_t levels[5] = { 0, BFS_UNSEEN, BFS_UNSEEN, BFS_UNSEEN, BFS_UNSEEN };
	uint32_t fr0[1] = { 0 }, fr1[5] = { 0 }, fr2[5] = { 0 };
	uint64_t count = 99;
	struct fsvm_kernel_desc d;
	struct fsvm_completion rec;
	struct fsvm_fault f;

	CHECK_ERR(fsvm_device_find_kernel(dev, "bfs_expand", &d), FSVM_OK);
	uint64_t args[8] = { (uintptr_t)g, 5, (uintptr_t)fr0, 1, (uintptr_t)levels, 0,
			     (uintptr_t)fr1, (uintptr_t)&count };

	CHECK_ERR(fsvm_run(ctx, d.id, args, 8, &rec, 0, FSVM_TIMEOUT_INFINITE, NULL), FSVM_OK);
	CHECK_EQ(count, 2);
	CHECK_EQ(fr1[0], 1);
	CHECK_EQ(fr1[1], 2);
	CHECK_EQ(levels[1], 1);
	CHECK_EQ(levels[2], 1);
	CHECK_EQ(levels[3], BFS_UNSEEN);

	args[2] = (uintptr_t)fr1;
	args[3] = 2;
	args[5] = 1;
	args[6] = (uintptr_t)fr2;
	CHECK_ERR(fsvm_run(ctx, d.id, args, 8, &rec, 0, FSVM_TIMEOUT_INFINITE, NULL), FSVM_OK);
	CHECK_EQ(count, 2);
	CHECK_EQ(fr2[0], 3);
	CHECK_EQ(fr2[1], 4);
	CHECK_EQ(levels[0], 0);
	CHECK_EQ(levels[3], 2);
	CHECK_EQ(levels[4], 2);
	CHECK_EQ(rec.items, 2);

	/* An empty frontier: count 0, nothing else touched. */
	count = 99;
	args[3] = 0;
	CHECK_ERR(fsvm_run(ctx, d.id, args, 8, &rec, 0, FSVM_TIMEOUT_INFINITE, NULL), FSVM_OK);
	CHECK_EQ(count, 0);

	/* A neighbour id out of range: ADDRESS_SIZE fault at that id's VA. */
	a4[0] = 5;
	args[2] = (uintptr_t)fr2;
	args[3] = 2;
	args[5] = 2;
	args[6] = (uintptr_t)fr1;
	CHECK_ERR(fsvm_run(ctx, d.id, args, 8, &rec, 0, FSVM_TIMEOUT_INFINITE, &f), FSVM_ERR_FAULT);
	CHECK_EQ(f.type, FSVM_FAULT_ADDRESS_SIZE);
	CHECK_EQ(f.va, (uintptr_t)&a4[0]);
	a4[0] = 4;

	/* A misaligned frontier: ALIGNMENT at it. */
	args[2] = (uintptr_t)fr2 + 2;
	CHECK_ERR(fsvm_run(ctx, d.id, args, 8, &rec, 0, FSVM_TIMEOUT_INFINITE, &f), FSVM_ERR_FAULT);
	CHECK_EQ(f.type, FSVM_FAULT_ALIGNMENT);
	CHECK_EQ(f.va, (uintptr_t)fr2 + 2);

	/* A vertex freed back to the OS: a translation fault, not a crash. */
	struct fsvm_device *d0 = dev;
	void *page = NULL;

	CHECK_ERR(fsvm_svm_alloc(d0, 4096, 0, &page), FSVM_OK);
	if (page) {
		uint32_t *adj = page;

		adj[0] = 3;
		g[4].adj = (uintptr_t)adj;
		args[2] = (uintptr_t)fr2;
		CHECK_ERR(fsvm_svm_free(d0, page), FSVM_OK);
		CHECK_ERR(fsvm_run(ctx, d.id, args, 8, &rec, 0, FSVM_TIMEOUT_INFINITE, &f),
			  FSVM_ERR_FAULT);
		/* the RTL shell sees the SMMU's termination as a bus error */
		CHECK_EQ(f.type, strcmp(backend, "rtl") == 0 ? FSVM_FAULT_EXTERNAL
							     : FSVM_FAULT_TRANSLATION);
		CHECK_EQ(f.va, g[4].adj);
	}
}

/* A burst across a page boundary from a plugin kernel is refused. */
static void test_burst_rule(struct fsvm_context *ctx, struct fsvm_device *dev)
{
	uint8_t *buf = NULL;
	struct fsvm_kernel_desc d;
	struct fsvm_completion rec;
	struct fsvm_fault f;

	CHECK_ERR(fsvm_device_find_kernel(dev, "raw_copy", &d), FSVM_OK);
	CHECK_ERR(fsvm_svm_alloc(dev, 4 * 4096, 0, (void **)&buf), FSVM_OK);
	if (!buf)
		return;
	memset(buf, 0x5a, 4096);
	/* Inside one page: fine. */
	uint64_t args[3] = { (uintptr_t)(buf + 8192), (uintptr_t)buf, 4096 };

	CHECK_ERR(fsvm_run(ctx, d.id, args, 3, &rec, 0, FSVM_TIMEOUT_INFINITE, NULL), FSVM_OK);
	CHECK_EQ(buf[8192 + 4095], 0x5a);
	/* 16 bytes across the boundary at buf + 4096: FSVM_FAULT_EXTERNAL there. */
	args[1] = (uintptr_t)(buf + 4088);
	args[2] = 16;
	CHECK_ERR(fsvm_run(ctx, d.id, args, 3, &rec, 0, FSVM_TIMEOUT_INFINITE, &f), FSVM_ERR_FAULT);
	CHECK_EQ(f.type, FSVM_FAULT_EXTERNAL);
	CHECK_EQ(f.va, (uintptr_t)(buf + 4088));
	CHECK_EQ(f.write, 0);
	/* More than 4 KiB in one burst, page aligned: refused as well. */
	args[1] = (uintptr_t)buf;
	args[2] = 4097;
	CHECK_ERR(fsvm_run(ctx, d.id, args, 3, &rec, 0, FSVM_TIMEOUT_INFINITE, &f), FSVM_ERR_FAULT);
	CHECK_EQ(f.type, FSVM_FAULT_EXTERNAL);
	fsvm_svm_free(dev, buf);
}

int main(int argc, char **argv)
{
	struct fsvm_device *dev = NULL;
	struct fsvm_context *ctx = NULL;
	char path[512];

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "rtl") != 0)) {
		fprintf(stderr, "usage: test_sdk_plugins <device directory> [rtl]\n");
		return 2;
	}
	devdir = argv[1];
	if (argc == 3) {
		backend = argv[2];
	} else {
		test_refused();
		test_logged_once();
	}

	/* By name through FSVM_DEVICE_PATH (a list: the first entry is empty;
	 * on rtl the engine's directory follows). */
	snprintf(path, sizeof(path), "/nonexistent::%s%s%s", devdir, argc == 3 ? ":" : "",
		 argc == 3 && getenv("FSVM_DEVICE_PATH") ? getenv("FSVM_DEVICE_PATH") : "");
	setenv("FSVM_DEVICE_PATH", path, 1);
	snprintf(path, sizeof(path), "%s:sdktest", backend);
	CHECK_ERR(open_dev(path, &dev), FSVM_OK);
	if (!dev)
		return check_exit_code("test_sdk_plugins");
	test_table(dev);
	CHECK_ERR(fsvm_context_create(dev, 16, &ctx), FSVM_OK);
	if (ctx) {
		test_vadd(ctx, dev);
		test_bfs(ctx, dev);
		test_burst_rule(ctx, dev);
		/* The context still works after the refused bursts. */
		test_vadd(ctx, dev);
		fsvm_context_destroy(ctx);
	}
	fsvm_device_close(dev);
	if (argc == 3)
		return check_exit_code("test_sdk_plugins");

	/* By path, via $FSVM_DEVICE. */
	unsetenv("FSVM_DEVICE_PATH");
	snprintf(path, sizeof(path), "sim:%s/libfsvm-dev-sdktest.so", devdir);
	setenv("FSVM_DEVICE", path, 1);
	CHECK_ERR(fsvm_device_open(NULL, &dev), FSVM_OK);
	if (dev) {
		struct fsvm_device_info info;
		struct fsvm_kernel_desc d;

		CHECK_ERR(fsvm_device_info(dev, &info), FSVM_OK);
		CHECK_EQ(info.num_kernels, 4);
		CHECK_ERR(fsvm_device_find_kernel(dev, "bfs_expand", &d), FSVM_OK);
		CHECK_EQ(d.id, 2);
		fsvm_device_close(dev);
	}
	unsetenv("FSVM_DEVICE");
	return check_exit_code("test_sdk_plugins");
}
