/* SPDX-License-Identifier: MIT */
/*
 * s06_two_processes.c - scenario 6: two processes, each with its own
 * context, chase their own lists at the same time.
 *  - each builds a list in a private region at its own fixed VA (P0, P1),
 *    and another list at the SAME VA Z in both (different data): the
 *    device must give each process its own data for the same address
 *    (separate context banks / ASIDs, not a shared TLB entry);
 *  - each passes the other's head (in the other's region, unmapped here):
 *    the job faults (translation fault at that VA), never returns the
 *    other's data.
 * A MAP_SHARED page holds the heads and a start barrier; the children
 * report through their exit status.
 */
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"

#define LEN	(1u << 20)
#define NODES	2048
#define ROUNDS	10
static const uintptr_t P_VA[2] = { 0x3000000000ull, 0x3100000000ull };
static const uintptr_t Z_VA = 0x3200000000ull;

struct mailbox {
	volatile uint64_t head[2];
	volatile int ready;
};

static int child(int me, struct mailbox *mb)
{
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_completion rec;
	struct fsvm_fault f;
	struct fsvm_chase_result res;
	int err;

	unsigned char *p = e2e_map(P_VA[me], LEN, 0), *z = e2e_map(Z_VA, LEN, 0);
	struct fsvm_list_node *hp = e2e_list_in(p, NODES, LEN / NODES, 100 + me, 0);
	struct fsvm_list_node *hz = e2e_list_in(z, NODES, LEN / NODES, 200 + me, 0);
	struct fsvm_chase_result want_p = e2e_cpu_chase(hp, FSVM_MAX_HOPS);
	struct fsvm_chase_result want_z = e2e_cpu_chase(hz, FSVM_MAX_HOPS);

	if ((err = fsvm_device_open(NULL, &dev)) || (err = fsvm_context_create(dev, 64, &ctx))) {
		printf("  [06-two-processes] process %d: open/bind: %s\n", me, fsvm_strerror(err));
		return 1;
	}
	mb->head[me] = (uintptr_t)hp;
	__atomic_add_fetch(&mb->ready, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&mb->ready, __ATOMIC_SEQ_CST) < 2)
		sched_yield();

	for (int round = 0; round < ROUNDS; round++) {
		err = e2e_chase(ctx, hp, FSVM_MAX_HOPS, &res, &rec, &f, 60000);
		if (err || res.checksum != want_p.checksum || res.hops != want_p.hops) {
			printf("  [06-two-processes] process %d round %d own list: %s, sum 0x%" PRIx64
			       " want 0x%" PRIx64 "\n", me, round, e2e_errtext(err, &f), res.checksum,
			       want_p.checksum);
			return 1;
		}
		err = e2e_chase(ctx, hz, FSVM_MAX_HOPS, &res, &rec, &f, 60000);
		if (err || res.checksum != want_z.checksum || res.hops != want_z.hops) {
			printf("  [06-two-processes] process %d round %d list at shared VA %#lx: %s, sum 0x%"
			       PRIx64 " want 0x%" PRIx64 "%s\n", me, round, (unsigned long)Z_VA,
			       e2e_errtext(err, &f), res.checksum, want_z.checksum,
			       err ? "" : " (the other process's data?)");
			return 1;
		}
	}
	/* The other process's address: not mapped here -> fault, no data. */
	uint64_t other = mb->head[1 - me];

	err = e2e_chase(ctx, (const struct fsvm_list_node *)(uintptr_t)other, FSVM_MAX_HOPS,
			&res, &rec, &f, 60000);
	if (err != FSVM_ERR_FAULT || f.va != other || f.type != FSVM_FAULT_TRANSLATION ||
	    res.hops != 0 || res.checksum != 0) {
		printf("  [06-two-processes] process %d chasing the other's head 0x%" PRIx64
		       ": %s, hops %" PRIu64 " sum 0x%" PRIx64 " (expected a translation fault at that VA)\n",
		       me, other, e2e_errtext(err, &f), res.hops, res.checksum);
		return 1;
	}
	printf("  [06-two-processes] process %d: %d rounds own data; other's head 0x%" PRIx64 " -> %s\n",
	       me, ROUNDS, other, e2e_errtext(err, &f));
	/* Still usable after the fault. */
	err = e2e_chase(ctx, hp, FSVM_MAX_HOPS, &res, &rec, &f, 60000);
	if (err || res.checksum != want_p.checksum) {
		printf("  [06-two-processes] process %d: chase after the fault: %s\n", me,
		       e2e_errtext(err, &f));
		return 1;
	}
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	return 0;
}

int main(void)
{
	struct mailbox *mb;
	pid_t pid[2];
	int status[2];

	e2e_init("06-two-processes");
	mb = e2e_map(0, 4096, 1);
	memset((void *)mb, 0, sizeof(*mb));
	fflush(stdout);
	for (int i = 0; i < 2; i++) {
		pid[i] = fork();
		E2E_CHECK(pid[i] >= 0, "fork");
		if (pid[i] == 0) {
			int rc = child(i, mb);

			fflush(stdout);
			_exit(rc);
		}
	}
	for (int i = 0; i < 2; i++)
		E2E_CHECK(waitpid(pid[i], &status[i], 0) == pid[i], "waitpid");
	for (int i = 0; i < 2; i++)
		E2E_CHECK(WIFEXITED(status[i]) && WEXITSTATUS(status[i]) == 0,
			  "process %d failed (status 0x%x)", i, status[i]);
	e2e_pass("2 processes x %d rounds: own lists at %#lx/%#lx and at the same VA %#lx give each its "
		 "own data; the other's address faults", ROUNDS, (unsigned long)P_VA[0],
		 (unsigned long)P_VA[1], (unsigned long)Z_VA);
}
