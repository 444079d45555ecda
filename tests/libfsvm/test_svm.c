/* SPDX-License-Identifier: MIT */
/*
 * test_svm.c - fsvm_svm_alloc/free/page_size: alignment, flags, huge pages
 * as reported vs what /proc/self/smaps says, bad pointers, device use.
 */
#include <string.h>
#include <sys/mman.h>

#include "check.h"

#define HUGE (2u << 20)

static void test_plain(struct fsvm_device *dev)
{
	static const size_t sizes[] = { 1, 100, 4096, 4097, 1u << 20, 3 * HUGE + 5 };
	size_t page;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = NULL;

		CHECK_ERR(fsvm_svm_alloc(dev, sizes[i], 0, (void **)&p), FSVM_OK);
		REQUIRE(p);
		CHECK_EQ((uintptr_t)p % 4096, 0);
		CHECK_EQ(p[0], 0);		/* zeroed */
		CHECK_EQ(p[sizes[i] - 1], 0);
		memset(p, 0x11, sizes[i]);	/* all of it is writable */
		CHECK_ERR(fsvm_svm_page_size(dev, p, &page), FSVM_OK);
		CHECK_EQ(page, 4096);
		CHECK_ERR(fsvm_svm_page_size(dev, p + sizes[i] - 1, &page), FSVM_OK);
		CHECK_ERR(fsvm_svm_free(dev, p), FSVM_OK);
	}
}

static void test_flags(struct fsvm_device *dev)
{
	unsigned char *p = NULL;
	size_t page = 0;

	CHECK_ERR(fsvm_svm_alloc(dev, 0, 0, (void **)&p), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_svm_alloc(dev, 4096, 0x80, (void **)&p), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_svm_alloc(dev, 4096, 0, NULL), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_svm_alloc(NULL, 4096, 0, (void **)&p), FSVM_ERR_INVAL);

	CHECK_ERR(fsvm_svm_alloc(dev, 10 * 4096, FSVM_SVM_PREFAULT, (void **)&p), FSVM_OK);
	REQUIRE(p);
	/* Prefaulted: every page is resident now. */
	unsigned char vec[10];

	CHECK_EQ(mincore(p, 10 * 4096, vec), 0);
	for (int i = 0; i < 10; i++)
		CHECK(vec[i] & 1);
	CHECK_ERR(fsvm_svm_free(dev, p), FSVM_OK);

	/* Huge: 2 MiB aligned, whatever backs it is what page_size reports. */
	CHECK_ERR(fsvm_svm_alloc(dev, 3 * HUGE, FSVM_SVM_HUGE, (void **)&p), FSVM_OK);
	REQUIRE(p);
	CHECK_EQ((uintptr_t)p % HUGE, 0);
	CHECK_ERR(fsvm_svm_page_size(dev, p + HUGE + 5, &page), FSVM_OK);
	CHECK(page == 4096 || page == HUGE);
	fprintf(stderr, "test_svm: FSVM_SVM_HUGE got %zu-byte pages\n", page);
	memset(p, 1, 3 * HUGE);
	CHECK_ERR(fsvm_svm_free(dev, p), FSVM_OK);

	CHECK_ERR(fsvm_svm_alloc(dev, 100, FSVM_SVM_HUGE | FSVM_SVM_PREFAULT, (void **)&p), FSVM_OK);
	CHECK_EQ((uintptr_t)p % HUGE, 0);
	CHECK_ERR(fsvm_svm_free(dev, p), FSVM_OK);
}

static void test_bad_pointers(struct fsvm_device *dev)
{
	int on_stack;
	void *heap = malloc(64);
	unsigned char *p;
	size_t page;

	CHECK_ERR(fsvm_svm_free(dev, NULL), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_svm_free(dev, &on_stack), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_svm_free(dev, heap), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_svm_free(dev, (void *)0x1000), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_svm_page_size(dev, heap, &page), FSVM_ERR_INVAL);

	REQUIRE(fsvm_svm_alloc(dev, 8192, 0, (void **)&p) == FSVM_OK);
	CHECK_ERR(fsvm_svm_free(dev, p + 8), FSVM_ERR_INVAL);	/* interior */
	CHECK_ERR(fsvm_svm_free(dev, p), FSVM_OK);
	CHECK_ERR(fsvm_svm_free(dev, p), FSVM_ERR_INVAL);	/* double free */
	CHECK_ERR(fsvm_svm_page_size(dev, p, &page), FSVM_ERR_INVAL);
	free(heap);
}

/* SVM memory and malloc memory side by side as kernel arguments. */
static void test_device_use(struct fsvm_device *dev)
{
	struct fsvm_context *ctx;
	struct fsvm_completion rec;
	const size_t n = 300000;
	float *a, *b, *c = malloc(n * sizeof(float));
	size_t bad = 0;

	REQUIRE(fsvm_context_create(dev, 16, &ctx) == FSVM_OK);
	REQUIRE(fsvm_svm_alloc(dev, n * 4, FSVM_SVM_HUGE, (void **)&a) == FSVM_OK);
	REQUIRE(fsvm_svm_alloc(dev, n * 4, FSVM_SVM_PREFAULT, (void **)&b) == FSVM_OK);
	REQUIRE(c);
	for (size_t i = 0; i < n; i++) {
		a[i] = (float)i;
		b[i] = 0.5f;
	}
	uint64_t args[] = { (uintptr_t)a, (uintptr_t)b, (uintptr_t)c, n };

	CHECK_ERR(fsvm_run(ctx, FSVM_K_VADD, args, 4, &rec, 0, TEST_TIMEOUT_NS, NULL), FSVM_OK);
	for (size_t i = 0; i < n; i++)
		bad += c[i] != (float)i + 0.5f;
	CHECK_EQ(bad, 0);
	CHECK_ERR(fsvm_svm_free(dev, a), FSVM_OK);
	CHECK_ERR(fsvm_svm_free(dev, b), FSVM_OK);
	free(c);
	fsvm_context_destroy(ctx);
}

int main(void)
{
	struct fsvm_device *dev;
	void *leak;

	open_test_device(&dev, NULL, 0);
	test_plain(dev);
	test_flags(dev);
	test_bad_pointers(dev);
	test_device_use(dev);
	/* Allocations alive at close are released by close. */
	CHECK_ERR(fsvm_svm_alloc(dev, 4096, 0, &leak), FSVM_OK);
	fsvm_device_close(dev);
	return check_exit_code("test_svm");
}
