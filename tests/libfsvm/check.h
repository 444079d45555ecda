/* SPDX-License-Identifier: MIT */
/*
 * check.h - the little test harness of the libfsvm tests.
 *
 * CHECK(cond) and CHECK_EQ(a, b) record a failure with file, line and the
 * values, and let the test go on (so one run shows every broken check);
 * the test's main() returns check_exit_code(). REQUIRE stops the test.
 */
#ifndef FSVM_TEST_CHECK_H
#define FSVM_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fsvm.h"

static int check_failures;
static int check_count;

#define CHECK(cond) do { \
	check_count++; \
	if (!(cond)) { \
		check_failures++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_EQ(a, b) do { \
	uint64_t check_a_ = (uint64_t)(a), check_b_ = (uint64_t)(b); \
	check_count++; \
	if (check_a_ != check_b_) { \
		check_failures++; \
		fprintf(stderr, "%s:%d: check failed: %s == %s (0x%" PRIx64 " != 0x%" PRIx64 ")\n", \
			__FILE__, __LINE__, #a, #b, check_a_, check_b_); \
	} \
} while (0)

/* An fsvm call that must return `want` (an enum fsvm_err). */
#define CHECK_ERR(call, want) do { \
	int check_e_ = (call); \
	check_count++; \
	if (check_e_ != (want)) { \
		check_failures++; \
		fprintf(stderr, "%s:%d: %s returned %d (%s), expected %s\n", __FILE__, \
			__LINE__, #call, check_e_, fsvm_strerror(check_e_), #want); \
	} \
} while (0)

#define REQUIRE(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: required condition failed: %s\n", __FILE__, \
			__LINE__, #cond); \
		exit(1); \
	} \
} while (0)

static inline int check_exit_code(const char *name)
{
	fprintf(stderr, "%s: %d checks, %d failed\n", name, check_count, check_failures);
	return check_failures ? 1 : 0;
}

/* Every test opens the default device ("sim" unless FSVM_DEVICE says). */
static inline void open_test_device(struct fsvm_device **dev, struct fsvm_context **ctx,
				    unsigned int ring)
{
	int err = fsvm_device_open(NULL, dev);

	if (err) {
		fprintf(stderr, "cannot open the device: %s\n", fsvm_strerror(err));
		exit(1);
	}
	if (ctx) {
		err = fsvm_context_create(*dev, ring, ctx);
		if (err) {
			fprintf(stderr, "cannot create a context: %s\n", fsvm_strerror(err));
			exit(1);
		}
	}
}

static inline uint64_t test_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Launch and wait with a generous bound: a hang fails instead of blocking CTest. */
#define TEST_TIMEOUT_NS (120ull * 1000000000ull)

#endif /* FSVM_TEST_CHECK_H */
