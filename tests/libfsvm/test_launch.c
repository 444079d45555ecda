/* SPDX-License-Identifier: MIT */
/*
 * test_launch.c - argument validation, the timeout path, polling, abort,
 * launch statistics.
 */
#include <string.h>

#include "check.h"
#include "workload.h"

static struct fsvm_device *dev;
static struct fsvm_context *ctx;

static void test_validation(void)
{
	struct fsvm_completion rec, *misaligned;
	struct fsvm_context *c;
	uint64_t args[8] = { 0 };
	char raw[sizeof(rec) + 8];

	CHECK_ERR(fsvm_launch(ctx, 99, args, 0, &rec, 0), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_launch(ctx, FSVM_K_COUNT, args, 0, &rec, 0), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_launch(ctx, FSVM_K_NOP, args, 1, &rec, 0), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_launch(ctx, FSVM_K_POINTER_CHASE, args, 2, &rec, 0), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_launch(ctx, FSVM_K_POINTER_CHASE, args, 4, &rec, 0), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_launch(ctx, FSVM_K_POINTER_CHASE, NULL, 3, &rec, 0), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_launch(ctx, FSVM_K_HASH_PROBE, args, 8, &rec, 0), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_launch(NULL, FSVM_K_NOP, NULL, 0, &rec, 0), FSVM_ERR_INVAL);
	misaligned = (struct fsvm_completion *)(((uintptr_t)raw + 7) & ~(uintptr_t)7);
	misaligned = (struct fsvm_completion *)((char *)misaligned + 4);
	CHECK_ERR(fsvm_launch(ctx, FSVM_K_NOP, NULL, 0, misaligned, 0), FSVM_ERR_INVAL);

	CHECK_ERR(fsvm_context_create(dev, 3, &c), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_context_create(dev, 1, &c), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_context_create(dev, 131072, &c), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_context_create(NULL, 8, &c), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_wait(ctx, NULL, 0, NULL), FSVM_ERR_INVAL);

	/* Nothing of the above reached the device: the context still works. */
	CHECK_ERR(fsvm_run(ctx, FSVM_K_NOP, NULL, 0, &rec, 0, TEST_TIMEOUT_NS, NULL), FSVM_OK);
	/* A launch without a record: finish waits for it. */
	CHECK_ERR(fsvm_launch(ctx, FSVM_K_NOP, NULL, 0, NULL, 0), FSVM_OK);
	CHECK_ERR(fsvm_context_finish(ctx, TEST_TIMEOUT_NS), FSVM_OK);
}

/* A record that was never submitted stays pending: the wait must time out
 * at its deadline, not hang and not report success. */
static void test_timeout(void)
{
	struct fsvm_completion rec;
	uint64_t t0, t1;

	memset(&rec, 0, sizeof(rec));
	rec.status = FSVM_ST_PENDING;
	CHECK_ERR(fsvm_wait(ctx, &rec, 0, NULL), FSVM_ERR_TIMEOUT);
	t0 = check_now_ns();
	CHECK_ERR(fsvm_wait(ctx, &rec, 5000000, NULL), FSVM_ERR_TIMEOUT);
	t1 = check_now_ns();
	CHECK(t1 - t0 >= 5000000);
	CHECK_ERR(fsvm_poll(&rec, NULL), FSVM_ERR_TIMEOUT);
}

static void test_abort(void)
{
	enum { QUEUED = 8 };
	struct fsvm_completion recs[QUEUED];
	struct fsvm_chase_result res[QUEUED];
	struct list_workload list;
	int done = 0, aborted = 0;

	REQUIRE(list_build(&list, 200000, 5) == 0);
	for (int i = 0; i < QUEUED; i++) {
		uint64_t args[] = { (uintptr_t)list.head, FSVM_MAX_HOPS, (uintptr_t)&res[i] };

		CHECK_ERR(fsvm_launch(ctx, FSVM_K_POINTER_CHASE, args, 3, &recs[i], i), FSVM_OK);
	}
	CHECK_ERR(fsvm_context_abort(ctx), FSVM_OK);
	/* Which ones finished before the abort depends on timing; every record
	 * is final now and is either done (right answer) or aborted. */
	for (int i = 0; i < QUEUED; i++) {
		int err = fsvm_poll(&recs[i], NULL);

		CHECK(err == FSVM_OK || err == FSVM_ERR_ABORTED);
		done += err == FSVM_OK;
		aborted += err == FSVM_ERR_ABORTED;
		if (err == FSVM_OK)
			CHECK_EQ(res[i].hops, 200000);
		CHECK_ERR(fsvm_wait(ctx, &recs[i], 0, NULL), err);
	}
	fprintf(stderr, "test_launch: abort: %d completed, %d aborted\n", done, aborted);

	/* The context takes new work after an abort. */
	struct fsvm_completion rec;
	struct fsvm_chase_result r;
	uint64_t args[] = { (uintptr_t)list.head, 1000, (uintptr_t)&r };

	CHECK_ERR(fsvm_run(ctx, FSVM_K_POINTER_CHASE, args, 3, &rec, 0, TEST_TIMEOUT_NS, NULL),
		  FSVM_OK);
	CHECK_EQ(r.hops, 1000);
	/* Abort of an idle context is harmless. */
	CHECK_ERR(fsvm_context_abort(ctx), FSVM_OK);
	CHECK_ERR(fsvm_run(ctx, FSVM_K_NOP, NULL, 0, &rec, 0, TEST_TIMEOUT_NS, NULL), FSVM_OK);
	list_free(&list);
}

static void test_stats(void)
{
	struct list_workload list;
	struct fsvm_chase_result r;
	struct fsvm_completion rec;
	struct fsvm_launch_stats st;

	REQUIRE(list_build(&list, 5000, 9) == 0);
	uint64_t args[] = { (uintptr_t)list.head, FSVM_MAX_HOPS, (uintptr_t)&r };

	CHECK_ERR(fsvm_run(ctx, FSVM_K_POINTER_CHASE, args, 3, &rec, 0, TEST_TIMEOUT_NS, NULL),
		  FSVM_OK);
	CHECK_ERR(fsvm_launch_stats(dev, &rec, &st), FSVM_OK);
	CHECK_EQ(st.items, 5000);
	CHECK(st.bytes >= 5000 * sizeof(struct fsvm_list_node));
	CHECK(st.cycles > 0);
	CHECK(rec.end_ticks >= rec.start_ticks);
	rec.status = FSVM_ST_PENDING;
	CHECK_ERR(fsvm_launch_stats(dev, &rec, &st), FSVM_ERR_INVAL);
	list_free(&list);
}

int main(void)
{
	open_test_device(&dev, &ctx, 8);
	test_validation();
	test_timeout();
	test_abort();
	test_stats();
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	return check_exit_code("test_launch");
}
