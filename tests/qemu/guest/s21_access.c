/* SPDX-License-Identifier: MIT */
/*
 * s21_access.c - scenario 21 (issue 8 M1): who may use /dev/fsvm0.
 *  1. the node is not world-accessible: mode 0660 (udev adds group fsvm).
 *  2. max_user_contexts=2 (module parameter, written at run time): uid 0
 *     binds two contexts, the third BIND fails with EUSERS; a child that
 *     becomes uid 1000 binds on an inherited file (another user's quota).
 *  3. that child exits (its address space is gone); the parent, another
 *     mm, can still UNBIND the child's context and the slot is free again.
 * Emulation only (the sim has no module).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"
#ifdef FSVM_E2E_HAVE_UAPI
#include "fsvm_uapi.h"
#endif

#define PARAM "/sys/module/fsvm/parameters/max_user_contexts"

static int write_param(const char *v)
{
	FILE *f = fopen(PARAM, "w");
	int ok;

	if (!f)
		return -errno;
	ok = fputs(v, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

#ifdef FSVM_E2E_HAVE_UAPI
static unsigned int free_contexts(int fd)
{
	struct fsvm_info info = { .size = sizeof(info) };

	if (ioctl(fd, FSVM_IOC_GET_INFO, &info))
		return ~0u;
	return info.free_contexts;
}
#endif

int main(void)
{
	e2e_init("21-access");
	if (e2e_is_sim())
		e2e_skip("the sim backend has no device node");
#ifndef FSVM_E2E_HAVE_UAPI
	e2e_skip("built without the module's uapi header");
#else
	struct stat st;
	int f[4], r, e, status;

	E2E_CHECK(stat("/dev/fsvm0", &st) == 0, "stat /dev/fsvm0: %s", strerror(errno));
	E2E_CHECK((st.st_mode & 0777) == 0660, "/dev/fsvm0 has mode %04o, expected 0660",
		  (unsigned int)(st.st_mode & 0777));
	r = write_param("2");
	E2E_CHECK(r == 0, "cannot set %s: %s", PARAM, strerror(-r));
	for (int i = 0; i < 4; i++) {
		f[i] = open("/dev/fsvm0", O_RDWR | O_CLOEXEC);
		E2E_CHECK(f[i] >= 0, "open %d: %s", i, strerror(errno));
	}
	unsigned int free0 = free_contexts(f[0]);

	for (int i = 0; i < 2; i++) {
		struct fsvm_bind b = { 0 };

		E2E_CHECK(ioctl(f[i], FSVM_IOC_BIND, &b) == 0, "BIND %d as uid 0: %s", i,
			  strerror(errno));
	}
	struct fsvm_bind b3 = { 0 };

	r = ioctl(f[2], FSVM_IOC_BIND, &b3);
	e = errno;
	E2E_CHECK(r == -1 && e == EUSERS, "third BIND of uid 0 with max_user_contexts=2: %d (%s)",
		  r, strerror(e));
	e2e_note("uid 0: 2 contexts bound, the third BIND -> EUSERS");

	pid_t pid = fork();

	E2E_CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		struct fsvm_bind b = { 0 };

		if (setgid(1000) || setuid(1000))
			_exit(2);
		_exit(ioctl(f[3], FSVM_IOC_BIND, &b) == 0 ? 0 : 10 + errno % 100);
	}
	E2E_CHECK(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	E2E_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "uid 1000 could not bind on an inherited file (child status 0x%x)", status);
	E2E_CHECK(free_contexts(f[0]) == free0 - 3, "free contexts %u, expected %u",
		  free_contexts(f[0]), free0 - 3);
	e2e_note("uid 1000 bound on an inherited file and exited");

	/* The binder's mm is gone: the parent (another mm) may UNBIND. */
	r = ioctl(f[3], FSVM_IOC_UNBIND);
	e = errno;
	E2E_CHECK(r == 0, "UNBIND of a context whose mm has gone, from another process: %s",
		  strerror(e));
	E2E_CHECK(free_contexts(f[0]) == free0 - 2, "after that UNBIND: %u free, expected %u",
		  free_contexts(f[0]), free0 - 2);
	/* A live binder's context stays its own. */
	pid = fork();
	E2E_CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(ioctl(f[0], FSVM_IOC_UNBIND) == -1 && errno == EACCES ? 0 : 1);
	E2E_CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status),
		  "a child could UNBIND the live parent's context");
	for (int i = 0; i < 4; i++)
		close(f[i]);
	r = write_param("0");
	E2E_CHECK(r == 0, "cannot reset %s: %s", PARAM, strerror(-r));
	e2e_pass("/dev/fsvm0 0660; max_user_contexts=2: third BIND EUSERS, uid 1000 binds on its own "
		 "quota; its context UNBINDs from another mm once its mm is gone (EACCES while "
		 "the binder lives)");
#endif
}
