/* SPDX-License-Identifier: MIT */
/*
 * test_ring.c - the dispatch ring under load: wrap-around of a small ring
 * with thousands of launches, several threads submitting to one context,
 * two contexts at once, and context exhaustion.
 */
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "workload.h"

static struct fsvm_device *dev;

/* 5000 launches through 8 slots, up to 64 in flight: the submitter waits for
 * free slots, every slot is reused hundreds of times. */
static void test_wrap_around(void)
{
	enum { LAUNCHES = 5000, IN_FLIGHT = 64 };
	static struct fsvm_completion recs[IN_FLIGHT];
	static struct fsvm_chase_result results[IN_FLIGHT];
	struct list_workload list;
	struct fsvm_context *ctx;
	int bad = 0;

	REQUIRE(fsvm_context_create(dev, 8, &ctx) == FSVM_OK);
	REQUIRE(list_build(&list, 64, 11) == 0);
	for (int base = 0; base < LAUNCHES; base += IN_FLIGHT) {
		int batch = LAUNCHES - base < IN_FLIGHT ? LAUNCHES - base : IN_FLIGHT;

		for (int i = 0; i < batch; i++) {
			/* Launch k walks k % 64 hops: each result is distinct. */
			uint64_t hops = (uint64_t)(base + i) % 64;
			uint64_t args[] = { (uintptr_t)list.head, hops, (uintptr_t)&results[i] };

			if ((base + i) % 3 == 0)
				CHECK_ERR(fsvm_launch(ctx, FSVM_K_NOP, NULL, 0, &recs[i], base + i), FSVM_OK);
			else
				CHECK_ERR(fsvm_launch(ctx, FSVM_K_POINTER_CHASE, args, 3, &recs[i],
						      base + i), FSVM_OK);
		}
		for (int i = 0; i < batch; i++) {
			uint64_t hops = (uint64_t)(base + i) % 64;
			struct fsvm_chase_result want = chase_reference(list.head, hops);

			if (fsvm_wait(ctx, &recs[i], TEST_TIMEOUT_NS, NULL) != FSVM_OK)
				bad++;
			else if ((base + i) % 3 != 0 &&
				 memcmp(&results[i], &want, sizeof(want)) != 0)
				bad++;
		}
	}
	CHECK_EQ(bad, 0);
	CHECK_ERR(fsvm_context_finish(ctx, TEST_TIMEOUT_NS), FSVM_OK);
	list_free(&list);
	fsvm_context_destroy(ctx);
}

/* Four threads share one context; each owns its records and its list. */
struct submitter {
	struct fsvm_context *ctx;
	uint64_t seed;
	int failures;
};

static void *submit_loop(void *arg)
{
	enum { LAUNCHES = 500, IN_FLIGHT = 8 };
	struct submitter *s = arg;
	struct fsvm_completion recs[IN_FLIGHT];
	struct fsvm_chase_result results[IN_FLIGHT];
	uint64_t keys[IN_FLIGHT];
	struct list_workload list;

	if (list_build(&list, 200, s->seed) != 0) {
		s->failures++;
		return NULL;
	}
	for (int base = 0; base < LAUNCHES; base += IN_FLIGHT) {
		for (int i = 0; i < IN_FLIGHT; i++) {
			keys[i] = list.nodes[(size_t)(base + i) % list.n]->key;
			uint64_t args[] = { (uintptr_t)list.head, keys[i], FSVM_MAX_HOPS,
					    (uintptr_t)&results[i] };

			if (fsvm_launch(s->ctx, FSVM_K_LIST_SEARCH, args, 4, &recs[i], s->seed) != FSVM_OK)
				s->failures++;
		}
		for (int i = 0; i < IN_FLIGHT; i++) {
			struct fsvm_chase_result want = search_reference(list.head, keys[i],
									 FSVM_MAX_HOPS);

			if (fsvm_wait(s->ctx, &recs[i], TEST_TIMEOUT_NS, NULL) != FSVM_OK ||
			    memcmp(&results[i], &want, sizeof(want)) != 0)
				s->failures++;
		}
	}
	list_free(&list);
	return NULL;
}

static void test_threads(void)
{
	enum { THREADS = 4 };
	struct submitter subs[THREADS];
	pthread_t threads[THREADS];
	struct fsvm_context *ctx;

	REQUIRE(fsvm_context_create(dev, 16, &ctx) == FSVM_OK);
	for (int t = 0; t < THREADS; t++) {
		subs[t] = (struct submitter){ .ctx = ctx, .seed = 1000 + (uint64_t)t };
		REQUIRE(pthread_create(&threads[t], NULL, submit_loop, &subs[t]) == 0);
	}
	for (int t = 0; t < THREADS; t++) {
		pthread_join(threads[t], NULL);
		CHECK_EQ(subs[t].failures, 0);
	}
	fsvm_context_destroy(ctx);
}

/* Two contexts in flight at the same time, results kept apart. */
static void test_two_contexts(void)
{
	struct fsvm_context *c1, *c2;
	struct list_workload l1, l2;
	struct fsvm_chase_result r1[20], r2[20];
	struct fsvm_completion e1[20], e2[20];

	REQUIRE(fsvm_context_create(dev, 4, &c1) == FSVM_OK);
	REQUIRE(fsvm_context_create(dev, 4, &c2) == FSVM_OK);
	CHECK(fsvm_context_index(c1) != fsvm_context_index(c2));
	REQUIRE(list_build(&l1, 3000, 21) == 0);
	REQUIRE(list_build(&l2, 1000, 22) == 0);
	for (int i = 0; i < 20; i++) {
		uint64_t a1[] = { (uintptr_t)l1.head, (uint64_t)i * 100, (uintptr_t)&r1[i] };
		uint64_t a2[] = { (uintptr_t)l2.head, (uint64_t)i * 40, (uintptr_t)&r2[i] };

		CHECK_ERR(fsvm_launch(c1, FSVM_K_POINTER_CHASE, a1, 3, &e1[i], 1), FSVM_OK);
		CHECK_ERR(fsvm_launch(c2, FSVM_K_POINTER_CHASE, a2, 3, &e2[i], 2), FSVM_OK);
	}
	for (int i = 0; i < 20; i++) {
		struct fsvm_chase_result w1 = chase_reference(l1.head, (uint64_t)i * 100);
		struct fsvm_chase_result w2 = chase_reference(l2.head, (uint64_t)i * 40);

		CHECK_ERR(fsvm_wait(c1, &e1[i], TEST_TIMEOUT_NS, NULL), FSVM_OK);
		CHECK_ERR(fsvm_wait(c2, &e2[i], TEST_TIMEOUT_NS, NULL), FSVM_OK);
		CHECK(memcmp(&r1[i], &w1, sizeof(w1)) == 0);
		CHECK(memcmp(&r2[i], &w2, sizeof(w2)) == 0);
	}
	list_free(&l1);
	list_free(&l2);
	fsvm_context_destroy(c1);
	fsvm_context_destroy(c2);
}

static void test_exhaustion(void)
{
	struct fsvm_context *ctxs[FSVM_MAX_CONTEXTS + 1], *extra;
	struct fsvm_device_info info;
	struct fsvm_completion rec;
	unsigned int n = 0;
	int err;

	fsvm_device_info(dev, &info);
	while (n <= FSVM_MAX_CONTEXTS && (err = fsvm_context_create(dev, 2, &ctxs[n])) == FSVM_OK)
		n++;
	CHECK_ERR(err, FSVM_ERR_BUSY);
	CHECK_EQ(n, info.num_contexts);
	/* Every one of them works. */
	for (unsigned int i = 0; i < n; i++)
		CHECK_ERR(fsvm_run(ctxs[i], FSVM_K_NOP, NULL, 0, &rec, i, TEST_TIMEOUT_NS, NULL),
			  FSVM_OK);
	/* Releasing one makes one available again. */
	fsvm_context_destroy(ctxs[0]);
	CHECK_ERR(fsvm_context_create(dev, 2, &extra), FSVM_OK);
	CHECK_ERR(fsvm_run(extra, FSVM_K_NOP, NULL, 0, &rec, 0, TEST_TIMEOUT_NS, NULL), FSVM_OK);
	fsvm_context_destroy(extra);
	for (unsigned int i = 1; i < n; i++)
		fsvm_context_destroy(ctxs[i]);
}

int main(void)
{
	open_test_device(&dev, NULL, 0);
	test_wrap_around();
	test_threads();
	test_two_contexts();
	test_exhaustion();
	fsvm_device_close(dev);
	return check_exit_code("test_ring");
}
