/* SPDX-License-Identifier: MIT */
/*
 * test_watchdog.c - the shell's watchdog on the co-simulated RTL: run with
 * an engine whose WATCHDOG is 4096 cycles (hw-kernels/cosim, target
 * fsvm_cosim_rtl_wd). A pointer chase that outlives it is held in reset
 * through lane_rst_n while its burst is on the bus: the launch ends FAULTED
 * (FAULT_VA 0, syndrome EXTERNAL, docs/hw-interface.md section 8), nothing
 * hangs, and the same context runs the next packets correctly.
 */
#include <string.h>

#include "check.h"
#include "workload.h"

static void chase(struct fsvm_context *ctx, size_t n, int want_err)
{
	struct list_workload list;
	struct fsvm_chase_result got, want;
	struct fsvm_completion rec;
	struct fsvm_fault f;

	REQUIRE(list_build(&list, n, 9) == 0);
	want = chase_reference(list.head, FSVM_MAX_HOPS);
	uint64_t args[] = { (uintptr_t)list.head, FSVM_MAX_HOPS, (uintptr_t)&got };

	memset(&got, 0xa5, sizeof(got));
	memset(&f, 0, sizeof(f));
	CHECK_ERR(fsvm_run(ctx, FSVM_K_POINTER_CHASE, args, 3, &rec, 0, TEST_TIMEOUT_NS, &f),
		  want_err);
	if (want_err == FSVM_ERR_FAULT) {
		CHECK_EQ(rec.status, FSVM_ST_FAULTED);
		CHECK_EQ(f.type, FSVM_FAULT_EXTERNAL);
		CHECK_EQ(f.va, 0);
		CHECK_EQ(got.hops, 0xa5a5a5a5a5a5a5a5ull);	/* the result was never written */
	} else {
		CHECK_EQ(rec.status, FSVM_ST_DONE);
		CHECK(memcmp(&got, &want, sizeof(got)) == 0);
	}
	list_free(&list);
}

int main(void)
{
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	uint32_t count = 0;
	struct fsvm_fault last;

	open_test_device(&dev, &ctx, 0);
	chase(ctx, 100, FSVM_OK);		/* ~400 cycles: well inside */
	chase(ctx, 5000, FSVM_ERR_FAULT);	/* ~20000 cycles: reset at 4096 */
	chase(ctx, 100, FSVM_OK);		/* the lane runs again */
	chase(ctx, 5000, FSVM_ERR_FAULT);
	chase(ctx, 300, FSVM_OK);
	CHECK_ERR(fsvm_context_last_fault(ctx, &last, &count), FSVM_OK);
	CHECK_EQ(count, 2);
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	return check_exit_code("test_watchdog");
}
