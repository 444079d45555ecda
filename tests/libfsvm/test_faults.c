/* SPDX-License-Identifier: MIT */
/*
 * test_faults.c - bad pointers end a kernel with FSVM_ERR_FAULT and the
 * exact faulting VA; the process survives and the next launch on the same
 * context succeeds.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "fsvm_log.h"
#include "log_capture.h"
#include "workload.h"

static struct fsvm_device *dev;
static struct fsvm_context *ctx;

/* After every fault: the same context still runs kernels correctly. */
static void check_context_alive(void)
{
	struct list_workload list;
	struct fsvm_chase_result got;
	struct fsvm_completion rec;

	REQUIRE(list_build(&list, 50, 3) == 0);
	uint64_t args[] = { (uintptr_t)list.head, FSVM_MAX_HOPS, (uintptr_t)&got };

	CHECK_ERR(fsvm_run(ctx, FSVM_K_POINTER_CHASE, args, 3, &rec, 0, TEST_TIMEOUT_NS, NULL),
		  FSVM_OK);
	CHECK_EQ(got.hops, 50);
	CHECK_EQ(got.checksum, chase_reference(list.head, FSVM_MAX_HOPS).checksum);
	list_free(&list);
}

static int expect_fault(uint32_t kernel, const uint64_t *args, unsigned int nargs,
			uint64_t va, int write, struct fsvm_fault *fault)
{
	struct fsvm_completion rec;
	char text[160];
	int err = fsvm_run(ctx, kernel, args, nargs, &rec, 0, TEST_TIMEOUT_NS, fault);

	CHECK_ERR(err, FSVM_ERR_FAULT);
	if (err != FSVM_ERR_FAULT)
		return 0;
	fprintf(stderr, "  fault as expected: %s\n", fsvm_fault_describe(fault, text, sizeof(text)));
	CHECK_EQ(fault->va, va);
	CHECK_EQ(fault->write, write);
	CHECK_EQ(rec.status, FSVM_ST_FAULTED);
	check_context_alive();
	return 1;
}

/*
 * A page-aligned address where nothing is mapped. Taken from the middle of
 * a 1 MiB hole, and only right before it is used: a later mmap (malloc,
 * the sanitizers) fills holes from their upper end, and would otherwise
 * turn "unmapped" into "somebody else's memory".
 */
static uint8_t *unmapped_page(void)
{
	const size_t hole = 1u << 20;
	uint8_t *p = mmap(NULL, hole, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	REQUIRE(p != MAP_FAILED);
	munmap(p, hole);
	return p + hole / 2;
}

static void test_null_and_unmapped(void)
{
	struct fsvm_fault fault;
	uint64_t keys[4] = { 1, 2, 3, 4 }, results[4];
	struct fsvm_chase_result res;
	struct list_workload list;
	uint8_t *hole;

	/* NULL result pointer: the write of the result faults at 0. */
	REQUIRE(list_build(&list, 10, 1) == 0);
	uint64_t a1[] = { (uintptr_t)list.head, FSVM_MAX_HOPS, 0 };

	if (expect_fault(FSVM_K_POINTER_CHASE, a1, 3, 0, 1, &fault))
		CHECK_EQ(fault.type, test_smmu_fault_type(FSVM_FAULT_TRANSLATION));

	/* NULL keys array with n > 0. */
	uint64_t a2[] = { 0, 0, 4, (uintptr_t)results };

	expect_fault(FSVM_K_BST_LOOKUP, a2, 4, 0, 0, &fault);

	/* Unmapped list head. */
	hole = unmapped_page();
	uint64_t a3[] = { (uintptr_t)hole + 64, FSVM_MAX_HOPS, (uintptr_t)&res };

	if (expect_fault(FSVM_K_POINTER_CHASE, a3, 3, (uintptr_t)hole + 64, 0, &fault))
		CHECK_EQ(fault.type, test_smmu_fault_type(FSVM_FAULT_TRANSLATION));

	/* Unmapped output array. */
	hole = unmapped_page();
	uint64_t a4[] = { 0, (uintptr_t)keys, 4, (uintptr_t)hole };

	expect_fault(FSVM_K_BST_LOOKUP, a4, 4, (uintptr_t)hole, 1, &fault);

	/* The last node's next points into unmapped memory. */
	list_free(&list);
	REQUIRE(list_build(&list, 10, 2) == 0);
	/* The tail is the node whose next is 0; send it into the hole. */
	hole = unmapped_page();
	for (size_t i = 0; i < list.n; i++)
		if (list.nodes[i]->next == 0)
			list.nodes[i]->next = (uintptr_t)hole + 256;
	uint64_t a5[] = { (uintptr_t)list.head, FSVM_MAX_HOPS, (uintptr_t)&res };

	expect_fault(FSVM_K_POINTER_CHASE, a5, 3, (uintptr_t)hole + 256, 0, &fault);
	list_free(&list);
}

static void test_freed_svm(void)
{
	struct fsvm_fault fault;
	struct fsvm_completion rec;
	uint64_t *src, dst[8];

	/* Use it once (the device caches the translation), free it, use again. */
	REQUIRE(fsvm_svm_alloc(dev, 8192, FSVM_SVM_PREFAULT, (void **)&src) == FSVM_OK);
	uint64_t args[] = { (uintptr_t)dst, (uintptr_t)src, 64 };

	CHECK_ERR(fsvm_run(ctx, FSVM_K_MEMCPY, args, 3, &rec, 0, TEST_TIMEOUT_NS, NULL), FSVM_OK);
	CHECK_ERR(fsvm_svm_free(dev, src), FSVM_OK);
	expect_fault(FSVM_K_MEMCPY, args, 3, (uintptr_t)src, 0, &fault);
}

static void test_protections(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct fsvm_fault fault;
	uint64_t keys[4] = { 1, 2, 3, 4 };
	uint8_t *ro, *guarded;

	/* Read-only destination: a write permission fault at its first byte. */
	ro = mmap(NULL, (size_t)pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(ro != MAP_FAILED);
	uint64_t a1[] = { 0, (uintptr_t)keys, 4, (uintptr_t)ro };

	if (expect_fault(FSVM_K_BST_LOOKUP, a1, 4, (uintptr_t)ro, 1, &fault))
		CHECK_EQ(fault.type, test_smmu_fault_type(FSVM_FAULT_PERMISSION));
	uint64_t a2[] = { (uintptr_t)ro + 10, 0x55, 100 };

	expect_fault(FSVM_K_MEMSET, a2, 3, (uintptr_t)ro + 10, 1, &fault);
	munmap(ro, (size_t)pg);

	/* A buffer running into a PROT_NONE guard page: the copy faults
	 * exactly where the guard page starts. */
	guarded = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(guarded != MAP_FAILED);
	REQUIRE(mprotect(guarded + pg, (size_t)pg, PROT_NONE) == 0);
	memset(guarded, 7, (size_t)pg);
	uint8_t dst[256];
	uint64_t a3[] = { (uintptr_t)dst, (uintptr_t)guarded + pg - 100, 200 };

	expect_fault(FSVM_K_MEMCPY, a3, 3, (uintptr_t)guarded + pg, 0, &fault);

	/* A list node inside the guard page. */
	struct fsvm_list_node *first = (struct fsvm_list_node *)guarded;
	struct fsvm_chase_result res;

	memset(first, 0, sizeof(*first));
	first->next = (uintptr_t)guarded + pg + 32;
	uint64_t a4[] = { (uintptr_t)first, FSVM_MAX_HOPS, (uintptr_t)&res };

	expect_fault(FSVM_K_POINTER_CHASE, a4, 3, (uintptr_t)guarded + pg + 32, 0, &fault);
	munmap(guarded, 2 * (size_t)pg);
}

static void test_sticky_registers(void)
{
	struct fsvm_fault last;
	uint32_t count = 0;

	CHECK_ERR(fsvm_context_last_fault(ctx, &last, &count), FSVM_OK);
	CHECK(count > 0);
	CHECK(last.type != FSVM_FAULT_NONE);
}

/*
 * A fault that ends a kernel is logged once, at debug, by libfsvm (the
 * decoded record, as docs/troubleshooting.md shows it), not a second time
 * by the simulator's fault handler that terminated the transaction.
 */
static void test_fault_logged_once(void)
{
	struct fsvm_completion rec;
	struct fsvm_chase_result res;
	struct log_capture c;
	struct fsvm_fault fault;
	char text[8192], va[32];
	uint8_t *hole = unmapped_page();
	uint64_t a[] = { (uintptr_t)hole + 64, FSVM_MAX_HOPS, (uintptr_t)&res };
	int err;

	snprintf(va, sizeof(va), "0x%llx", (unsigned long long)(uintptr_t)(hole + 64));
	fsvm_log_set_level(FSVM_LOG_DEBUG);
	log_capture_begin(&c);
	err = fsvm_run(ctx, FSVM_K_POINTER_CHASE, a, 3, &rec, 0, TEST_TIMEOUT_NS, &fault);
	log_capture_end(&c, text, sizeof(text));
	fsvm_log_set_level(FSVM_LOG_WARN);
	CHECK_ERR(err, FSVM_ERR_FAULT);
	CHECK_EQ(log_lines(text, va), 1);
	/* the decoded type: the SMMU's on sim, the shell's monitor on rtl */
	CHECK_EQ(log_lines(text, test_device_is_rtl() ? "external abort" : "translation fault"), 1);
	CHECK_EQ(log_lines(text, "fsvm: debug: context"), 1);
	if (log_lines(text, va) != 1)
		fprintf(stderr, "  the fault at %s logged (want one line):\n%s", va, text);
	check_context_alive();
}

int main(void)
{
	open_test_device(&dev, &ctx, 0);
	test_null_and_unmapped();
	test_freed_svm();
	test_protections();
	test_sticky_registers();
	test_fault_logged_once();
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	return check_exit_code("test_faults");
}
