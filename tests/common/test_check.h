/* SPDX-License-Identifier: MIT */
/*
 * test_check.h - the checks of the user-space unit tests.
 *
 * CHECK(cond) and CHECK_EQ(a, b) count a check and, when it fails, print
 * file, line and the values, count a failure and let the test go on (so one
 * run shows every broken check). A test that finds a failure its own way
 * prints why and does check_failures++. REQUIRE(cond) stops the test at
 * once. main() ends with `return check_exit_code("name");`: 0 when no check
 * failed, 1 otherwise.
 *
 * The counters are static: every test is one translation unit that includes
 * this header (helpers in other translation units must not count).
 */
#ifndef FSVM_TEST_CHECK_COMMON_H
#define FSVM_TEST_CHECK_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int check_failures __attribute__((unused));
static int check_count __attribute__((unused));

#define CHECK(cond)								\
	do {									\
		check_count++;							\
		if (!(cond)) {							\
			check_failures++;					\
			fprintf(stderr, "%s:%d: CHECK failed: %s\n",		\
				__FILE__, __LINE__, #cond);			\
		}								\
	} while (0)

#define CHECK_EQ(a, b)								\
	do {									\
		unsigned long long check_a_ = (unsigned long long)(a);		\
		unsigned long long check_b_ = (unsigned long long)(b);		\
		check_count++;							\
		if (check_a_ != check_b_) {					\
			check_failures++;					\
			fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s "	\
				"(0x%llx != 0x%llx, %llu != %llu)\n",		\
				__FILE__, __LINE__, #a, #b, check_a_, check_b_,	\
				check_a_, check_b_);				\
		}								\
	} while (0)

#define REQUIRE(cond)								\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "%s:%d: required condition failed: %s\n", \
				__FILE__, __LINE__, #cond);			\
			exit(1);						\
		}								\
	} while (0)

/* Prints a one-line summary; returns the process exit status. */
static inline int check_exit_code(const char *name)
{
	fprintf(stderr, "%s: %d checks, %d failed\n", name, check_count, check_failures);
	return check_failures ? 1 : 0;
}

static inline uint64_t check_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif /* FSVM_TEST_CHECK_COMMON_H */
