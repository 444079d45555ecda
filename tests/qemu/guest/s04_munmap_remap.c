/* SPDX-License-Identifier: MIT */
/*
 * s04_munmap_remap.c - scenario 4: munmap under the device, then remap.
 *  a) a job chases a cyclic list living in region R (it never ends on its
 *     own); the CPU munmaps R while it runs. The job must end FAULTED with
 *     a translation fault whose VA lies in R: the device never keeps reading
 *     the old physical pages (which is what a stale SMMU TLB would do).
 *  b) the same VA range is mapped again with new data (same node addresses,
 *     new payloads); the next job must see the new data.
 *  c) with no job running: chase Q (TLB warm), munmap Q, map Q again with
 *     new payloads at the same addresses, chase: new checksum (the mmu
 *     notifier's TLB invalidation, not luck, makes this pass).
 * The context stays usable after the fault.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "e2e.h"

#define LEN	(1u << 20)
#define NODES	2048
#define STRIDE	(LEN / NODES)

static void new_payloads(struct fsvm_list_node *head, uint64_t salt)
{
	for (struct fsvm_list_node *n = head; n; n = (struct fsvm_list_node *)(uintptr_t)n->next)
		n->payload = n->payload * 0x9e3779b97f4a7c15ull + salt;
}

int main(void)
{
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	struct fsvm_chase_result res;
	int err;

	e2e_init("04-munmap-remap");
	e2e_open(&dev, &ctx);

	/* a) munmap while chasing */
	unsigned char *r = e2e_map(0, LEN, 0);
	struct fsvm_list_node *head = e2e_list_in(r, NODES, STRIDE, 7, 1);
	uint64_t args[] = { (uintptr_t)head, FSVM_MAX_HOPS, (uintptr_t)&res };

	memset(&res, 0, sizeof(res));
	memset(&fault, 0, sizeof(fault));
	err = fsvm_launch(ctx, FSVM_K_POINTER_CHASE, args, 3, &rec, 1);
	E2E_CHECK(err == FSVM_OK, "launch: %s", fsvm_strerror(err));
	usleep(200 * 1000);
	err = fsvm_poll(&rec, &fault);
	E2E_CHECK(err == FSVM_ERR_TIMEOUT, "the endless chase already ended before munmap: %s",
		  e2e_errtext(err, &fault));
	E2E_CHECK(munmap(r, LEN) == 0, "munmap failed");
	err = fsvm_wait(ctx, &rec, 30ull * 1000000000ull, &fault);
	if (err == FSVM_ERR_TIMEOUT) {
		fsvm_context_abort(ctx);
		e2e_fail("the chase kept running 30 s after munmap: the device still reads the "
			 "unmapped pages (stale SMMU TLB / missing notifier)");
	}
	E2E_CHECK(err == FSVM_ERR_FAULT, "chase over an unmapped region ended with %s, not a fault",
		  e2e_errtext(err, &fault));
	E2E_CHECK(fault.va >= (uintptr_t)r && fault.va < (uintptr_t)r + LEN,
		  "fault VA 0x%" PRIx64 " outside the unmapped region %p+%u", fault.va, (void *)r, LEN);
	E2E_CHECK(fault.type == FSVM_FAULT_TRANSLATION, "fault type %s, expected translation",
		  fault.type_name ? fault.type_name : "?");
	e2e_note("munmap during the chase: %s after %" PRIu32 " items",
		 e2e_errtext(err, &fault), rec.items);
	uint64_t fault_va = fault.va;

	/* b) remap the same VA with new data */
	unsigned char *r2 = e2e_map((uintptr_t)r, LEN, 0);
	struct fsvm_list_node *head2 = e2e_list_in(r2, NODES, STRIDE, 7, 0);

	new_payloads(head2, 0xabcdef);
	err = e2e_chase(ctx, head2, FSVM_MAX_HOPS, &res, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "chase over the remapped region: %s", e2e_errtext(err, &fault));
	e2e_check_chase("chase after remap", &res, head2, FSVM_MAX_HOPS);

	/* c) warm TLB, munmap + remap with no job running */
	unsigned char *q = e2e_map(0, LEN, 0);
	struct fsvm_list_node *hq = e2e_list_in(q, NODES, STRIDE, 99, 0);
	uint64_t old_sum;

	err = e2e_chase(ctx, hq, FSVM_MAX_HOPS, &res, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "chase Q: %s", e2e_errtext(err, &fault));
	e2e_check_chase("chase Q", &res, hq, FSVM_MAX_HOPS);
	old_sum = res.checksum;
	E2E_CHECK(munmap(q, LEN) == 0, "munmap Q failed");
	q = e2e_map((uintptr_t)q, LEN, 0);
	hq = e2e_list_in(q, NODES, STRIDE, 99, 0);
	new_payloads(hq, 0x5555);
	err = e2e_chase(ctx, hq, FSVM_MAX_HOPS, &res, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "chase Q after remap: %s", e2e_errtext(err, &fault));
	E2E_CHECK(res.checksum != old_sum, "chase after munmap+remap returned the OLD data's "
		  "checksum: the device used stale translations");
	e2e_check_chase("chase Q after remap", &res, hq, FSVM_MAX_HOPS);

	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	e2e_pass("munmap during a chase -> translation fault at 0x%" PRIx64 " inside the region; "
		 "remapped VA shows new data (running and idle cases)", fault_va);
}
