/* SPDX-License-Identifier: MIT */
/*
 * check.h - the little test harness of the libfsvm tests.
 *
 * The checks of tests/common/test_check.h, plus CHECK_ERR for libfsvm
 * calls and the device every test opens.
 */
#ifndef FSVM_TEST_CHECK_H
#define FSVM_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#include "fsvm.h"
#include "test_check.h"

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

/*
 * The device under test is the co-simulated RTL shell (FSVM_DEVICE=rtl or
 * rtl:<plugin>, as fsvm_device_open(NULL) reads it). Where it legitimately
 * differs from the model (docs/hw-interface.md section 8), a test says so
 * with this, keyed on the backend, and keeps its check for sim.
 */
static inline int test_device_is_rtl(void)
{
	const char *d = getenv("FSVM_DEVICE");

	return d && d[0] == 'r' && d[1] == 't' && d[2] == 'l' && (d[3] == '\0' || d[3] == ':');
}

/* The fault type reported for a burst the SMMU terminated with type t: the
 * RTL shell only sees the bus error (SLVERR), so it is EXTERNAL there. */
static inline uint32_t test_smmu_fault_type(uint32_t t)
{
	return test_device_is_rtl() ? FSVM_FAULT_EXTERNAL : t;
}

/* Launch and wait with a generous bound: a hang fails instead of blocking CTest. */
#define TEST_TIMEOUT_NS (120ull * 1000000000ull)

#endif /* FSVM_TEST_CHECK_H */
