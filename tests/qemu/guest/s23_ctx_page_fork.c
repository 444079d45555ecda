/* SPDX-License-Identifier: MIT */
/*
 * s23_ctx_page_fork.c - scenario 23 (issue 8 L2): the context page never
 * reaches a child. madvise(MADV_DOFORK) on it must fail (VM_IO), and after
 * the attempt a forked child must not have it mapped.
 * Emulation only.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"
#ifdef FSVM_E2E_HAVE_UAPI
#include "fsvm_uapi.h"
#endif

static sigjmp_buf jmp;

static void on_fault(int sig)
{
	(void)sig;
	siglongjmp(jmp, 1);
}

int main(void)
{
	e2e_init("23-ctx-page-fork");
	if (e2e_is_sim())
		e2e_skip("the sim backend has no context page");
#ifndef FSVM_E2E_HAVE_UAPI
	e2e_skip("built without the module's uapi header");
#else
	struct fsvm_bind b = { 0 };
	int fd = open("/dev/fsvm0", O_RDWR | O_CLOEXEC), r, e, status;

	E2E_CHECK(fd >= 0, "open: %s", strerror(errno));
	E2E_CHECK(ioctl(fd, FSVM_IOC_BIND, &b) == 0, "BIND: %s", strerror(errno));
	volatile uint32_t *page = mmap(NULL, b.mmap_size, PROT_READ, MAP_SHARED, fd, b.mmap_offset);

	E2E_CHECK(page != MAP_FAILED, "mmap: %s", strerror(errno));
	uint32_t sid = page[FSVM_CTX_STREAM_ID / 4];

	E2E_CHECK(sid == b.stream_id, "the page reads stream 0x%x, bound 0x%x", sid, b.stream_id);
	r = madvise((void *)page, b.mmap_size, MADV_DOFORK);
	e = errno;
	E2E_CHECK(r == -1 && e == EINVAL, "madvise(MADV_DOFORK) on the context page: %d (%s), "
		  "expected EINVAL", r, strerror(e));
	pid_t pid = fork();

	E2E_CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_fault };

		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
		if (sigsetjmp(jmp, 1) == 0) {
			(void)page[FSVM_CTX_STREAM_ID / 4];
			_exit(1);	/* the child could read the parent's context page */
		}
		_exit(0);
	}
	E2E_CHECK(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	E2E_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the child inherited the context page (status 0x%x)", status);
	munmap((void *)page, b.mmap_size);
	close(fd);
	e2e_pass("MADV_DOFORK on the context page -> EINVAL; a forked child has no mapping of it");
#endif
}
