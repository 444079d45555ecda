/* SPDX-License-Identifier: MIT */
/*
 * s08_kill.c - scenario 8: kill -9 a process while its job runs. A child
 * binds, starts an endless chase (cyclic list) and waits on it; the parent
 * SIGKILLs it mid-job. The module must tear the context down (no oops: the
 * host checks the console) and give it back: afterwards a new process binds
 * EVERY context of the device (the killed one included) and runs a job on
 * each. Three rounds.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"

#define ROUNDS 3
#define NODES 1024

static void victim(int ready_fd)
{
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_completion rec;
	struct fsvm_chase_result res;
	struct fsvm_list_node *buf = calloc(NODES, sizeof(*buf));
	struct fsvm_fault f;

	if (!buf || fsvm_device_open(NULL, &dev) || fsvm_context_create(dev, 64, &ctx))
		_exit(2);
	struct fsvm_list_node *head = e2e_list_in(buf, NODES, sizeof(*buf), 1, 1);
	uint64_t args[] = { (uintptr_t)head, FSVM_MAX_HOPS, (uintptr_t)&res };

	if (fsvm_launch(ctx, FSVM_K_POINTER_CHASE, args, 3, &rec, 0))
		_exit(3);
	if (write(ready_fd, "r", 1) != 1)
		_exit(4);
	fsvm_wait(ctx, &rec, FSVM_TIMEOUT_INFINITE, &f);	/* never returns: killed */
	_exit(5);
}

int main(void)
{
	struct fsvm_device *dev;
	struct fsvm_device_info info;
	struct fsvm_context *ctxs[FSVM_MAX_CONTEXTS];
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	struct fsvm_chase_result res;
	unsigned int bound = 0;
	int err;

	e2e_init("08-kill");
	e2e_open(&dev, NULL);
	fsvm_device_info(dev, &info);
	struct fsvm_list_node *nodes = calloc(NODES, sizeof(*nodes));
	E2E_CHECK(nodes != NULL, "out of memory");
	struct fsvm_list_node *head = e2e_list_in(nodes, NODES, sizeof(*nodes), 9, 0);

	for (int round = 0; round < ROUNDS; round++) {
		int p[2], status;
		char c;

		E2E_CHECK(pipe(p) == 0, "pipe");
		fflush(stdout);
		pid_t pid = fork();

		E2E_CHECK(pid >= 0, "fork");
		if (pid == 0) {
			close(p[0]);
			victim(p[1]);
		}
		close(p[1]);
		E2E_CHECK(read(p[0], &c, 1) == 1, "round %d: the child could not bind and launch", round);
		close(p[0]);
		usleep(100 * 1000);
		E2E_CHECK(kill(pid, SIGKILL) == 0, "kill");
		E2E_CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
		E2E_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
			  "round %d: the child was not killed by SIGKILL (status 0x%x)", round, status);

		/* Every context must come back (teardown may finish just after exit). */
		uint64_t t0 = e2e_now_ms();

		bound = 0;
		for (;;) {
			err = fsvm_context_create(dev, 64, &ctxs[bound]);
			if (err == FSVM_OK) {
				if (++bound == info.num_contexts)
					break;
				continue;
			}
			E2E_CHECK(err == FSVM_ERR_BUSY, "round %d: bind: %s", round, fsvm_strerror(err));
			if (e2e_now_ms() - t0 > 5000)
				e2e_fail("round %d: only %u of %u contexts can be bound 5 s after the kill: "
					 "the killed process's context was not released", round, bound,
					 info.num_contexts);
			while (bound)
				fsvm_context_destroy(ctxs[--bound]);
			usleep(50 * 1000);
		}
		for (unsigned int i = 0; i < bound; i++) {
			err = e2e_chase(ctxs[i], head, FSVM_MAX_HOPS, &res, &rec, &fault, 60000);
			E2E_CHECK(err == FSVM_OK, "round %d: context %u after the kill: %s", round,
				  fsvm_context_index(ctxs[i]), e2e_errtext(err, &fault));
			e2e_check_chase("chase on a context after the kill", &res, head, FSVM_MAX_HOPS);
		}
		while (bound)
			fsvm_context_destroy(ctxs[--bound]);
		e2e_note("round %d: killed pid %d mid-job; all %u contexts bound again and ran a chase",
			 round, (int)pid, info.num_contexts);
	}
	fsvm_device_close(dev);
	e2e_pass("%d x kill -9 during a running job; every time all %u contexts were reusable and "
		 "computed correctly", ROUNDS, info.num_contexts);
}
