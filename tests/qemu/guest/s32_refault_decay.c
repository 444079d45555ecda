/* SPDX-License-Identifier: MIT */
/*
 * s32_refault_decay.c - scenario 32 (issue 8 L3): the same VA faulting now
 * and then during one long job is not a retry loop.
 *
 * A job chases a one-node cycle (the node points to itself) on a shared
 * anonymous page, so every device access is at the same VA. Every 100 ms
 * the CPU drops the page's PTE (MADV_DONTNEED; the data stays in shmem):
 * the device's next access faults at that VA and is resolved. 40 such
 * faults, far more than the module's retry limit (16 in a row), must all
 * be resolved: the job keeps running until it is aborted. Before the fix
 * the 17th was refused with -ELOOP and the job ended FAULTED.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "e2e.h"

#define DROPS	40

int main(void)
{
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	struct fsvm_chase_result res;
	struct fsvm_list_node *node;
	unsigned char *page;
	int err;

	e2e_init("32-refault-decay");
	if (e2e_is_sim())
		e2e_skip("the sim reaches memory through the host kernel: a dropped PTE never "
			 "faults the device");
	e2e_open(&dev, &ctx);
	page = e2e_map(0, 4096, 1);
	node = (struct fsvm_list_node *)(page + 256);
	node->next = (uintptr_t)node;
	node->key = 1;
	node->payload = 42;

	uint64_t args[] = { (uintptr_t)node, FSVM_MAX_HOPS, (uintptr_t)&res };

	memset(&res, 0, sizeof(res));
	memset(&fault, 0, sizeof(fault));
	err = fsvm_launch(ctx, FSVM_K_POINTER_CHASE, args, 3, &rec, 1);
	E2E_CHECK(err == FSVM_OK, "launch: %s", fsvm_strerror(err));
	for (int i = 0; i < DROPS; i++) {
		usleep(100 * 1000);
		err = fsvm_poll(&rec, &fault);
		E2E_CHECK(err == FSVM_ERR_TIMEOUT, "the endless chase ended after %d PTE drops: %s",
			  i, e2e_errtext(err, &fault));
		E2E_CHECK(madvise(page, 4096, MADV_DONTNEED) == 0, "madvise failed");
	}
	usleep(100 * 1000);
	err = fsvm_poll(&rec, &fault);
	E2E_CHECK(err == FSVM_ERR_TIMEOUT, "the endless chase ended after %d PTE drops: %s",
		  DROPS, e2e_errtext(err, &fault));
	fsvm_context_abort(ctx);
	err = fsvm_wait(ctx, &rec, 30ull * 1000000000ull, &fault);
	E2E_CHECK(err == FSVM_ERR_ABORTED, "abort ended the chase with %s",
		  e2e_errtext(err, &fault));
	e2e_note("%" PRIu32 " stalls resolved at one VA over %d PTE drops", rec.stalls, DROPS);
	E2E_CHECK(rec.stalls > 16, "only %" PRIu32 " stalls: the drops did not fault the device",
		  rec.stalls);
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	e2e_pass("%d PTE drops under a chase at one VA: %" PRIu32 " faults resolved, no -ELOOP",
		 DROPS, rec.stalls);
}
