/* SPDX-License-Identifier: MIT */
/*
 * s05_fork_cow.c - scenario 5: fork and copy-on-write. The parent binds a
 * context, builds a list and a buffer, then forks; every private page is
 * now COW (read-only in both processes).
 *  parent: the device writes the buffer (a COW break done by the module's
 *          write-fault resolution: the device must write the parent's new
 *          copy), then chases the list: the parent's data.
 *  child:  checks the parent's device write did NOT reach its copy, changes
 *          the list payloads (CPU COW break), binds its own context and
 *          chases: the child's checksum; its device memset reaches only
 *          the child's buffer.
 *  parent: afterwards still sees its own buffer and its own checksum.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"

#define BUF	(64u * 1024)
#define NODES	4000

static void all(const unsigned char *p, unsigned char v, const char *who)
{
	for (size_t i = 0; i < BUF; i++)
		if (p[i] != v) {
			printf("  [05-fork-cow] %s: byte %zu is 0x%02x, expected 0x%02x\n", who, i, p[i], v);
			fflush(stdout);
			_exit(1);
		}
}

/* The child reports with its exit status; only the parent prints the result. */
static void child_fail(const char *msg, int err, const struct fsvm_fault *f)
{
	printf("  [05-fork-cow] child: %s: %s\n", msg, e2e_errtext(err, f));
	fflush(stdout);
	_exit(1);
}

int main(void)
{
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	struct fsvm_chase_result res;
	int go[2], done[2], err, status;
	char c;

	e2e_init("05-fork-cow");
	e2e_open(&dev, &ctx);

	unsigned char *buf = malloc(BUF);
	struct fsvm_list_node **nodes = malloc(NODES * sizeof(*nodes));

	E2E_CHECK(buf && nodes, "out of memory");
	memset(buf, 'A', BUF);
	for (size_t i = 0; i < NODES; i++) {
		nodes[i] = malloc(sizeof(**nodes));
		E2E_CHECK(nodes[i] != NULL, "out of memory");
	}
	struct fsvm_list_node *head = e2e_link_list(nodes, NODES, 5, 0);
	uint64_t parent_sum = e2e_cpu_chase(head, FSVM_MAX_HOPS).checksum;

	/* Warm the device's view of the parent before the fork. */
	err = e2e_chase(ctx, head, FSVM_MAX_HOPS, &res, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "chase before fork: %s", e2e_errtext(err, &fault));
	e2e_check_chase("chase before fork", &res, head, FSVM_MAX_HOPS);

	E2E_CHECK(pipe(go) == 0 && pipe(done) == 0, "pipe");
	fflush(stdout);
	pid_t pid = fork();

	E2E_CHECK(pid >= 0, "fork failed");
	if (pid == 0) {
		struct fsvm_device *cdev;
		struct fsvm_context *cctx;
		struct fsvm_completion crec;
		struct fsvm_fault cf;
		struct fsvm_chase_result cres;

		if (read(go[0], &c, 1) != 1)
			_exit(1);
		all(buf, 'A', "child's buffer after the parent's device write");
		if (e2e_cpu_chase(head, FSVM_MAX_HOPS).checksum != parent_sum)
			_exit(1);
		for (struct fsvm_list_node *n = head; n; n = (struct fsvm_list_node *)(uintptr_t)n->next)
			n->payload ^= 0xc0ffee;
		if ((err = fsvm_device_open(NULL, &cdev)))
			child_fail("open", err, NULL);
		if ((err = fsvm_context_create(cdev, 64, &cctx)))
			child_fail("bind", err, NULL);
		err = e2e_chase(cctx, head, FSVM_MAX_HOPS, &cres, &crec, &cf, 60000);
		if (err)
			child_fail("chase", err, &cf);
		struct fsvm_chase_result want = e2e_cpu_chase(head, FSVM_MAX_HOPS);

		if (cres.checksum != want.checksum || cres.hops != want.hops || want.checksum == parent_sum) {
			printf("  [05-fork-cow] child: device checksum 0x%" PRIx64 ", child's 0x%" PRIx64
			       ", parent's 0x%" PRIx64 "\n", cres.checksum, want.checksum, parent_sum);
			_exit(1);
		}
		err = e2e_memset(cctx, buf, 'C', BUF, &crec, &cf, 60000);
		if (err)
			child_fail("memset", err, &cf);
		all(buf, 'C', "child's buffer after its device memset");
		fsvm_context_destroy(cctx);
		fsvm_device_close(cdev);
		printf("  [05-fork-cow] child: own context %s, own checksum, own buffer\n", "bound");
		fflush(stdout);
		_exit(0);
	}

	/* Parent: device write into now-COW pages. */
	err = e2e_memset(ctx, buf, 'P', BUF, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "parent's device memset after fork: %s", e2e_errtext(err, &fault));
	all(buf, 'P', "parent's buffer after its device memset");
	err = e2e_chase(ctx, head, FSVM_MAX_HOPS, &res, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "parent's chase after fork: %s", e2e_errtext(err, &fault));
	E2E_CHECK(res.checksum == parent_sum, "parent's chase after fork: wrong checksum");
	E2E_CHECK(write(go[1], "g", 1) == 1, "pipe write");
	E2E_CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	E2E_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child failed (status 0x%x)", status);

	/* The child's CPU and device writes stayed in the child. */
	all(buf, 'P', "parent's buffer after the child ran");
	err = e2e_chase(ctx, head, FSVM_MAX_HOPS, &res, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "parent's chase after the child: %s", e2e_errtext(err, &fault));
	E2E_CHECK(res.checksum == parent_sum, "parent's chase after the child: got the child's data?");
	e2e_check_chase("parent's chase after the child", &res, head, FSVM_MAX_HOPS);

	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	e2e_pass("after fork, parent's device write broke COW (child kept 'A'), child's own context "
		 "saw its own list and buffer, parent kept checksum 0x%016" PRIx64, parent_sum);
}
