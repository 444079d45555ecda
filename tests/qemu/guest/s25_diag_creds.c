/* SPDX-License-Identifier: MIT */
/*
 * s25_diag_creds.c - scenario 25 (issue 8 L7): FSVM_IOC_DIAG shows other
 * banks and the SMMU's global fault syndrome only to an admin that also
 * opened the file.
 *  1. root opens and calls DIAG: full report (no PARTIAL).
 *  2. a child that became uid 1000 calls DIAG on root's file: PARTIAL,
 *     sGFSYNR1 (a StreamID, maybe another device's) zero.
 *  3. a file opened by uid 1000 and passed to root (SCM_RIGHTS): root's DIAG
 *     through it is PARTIAL too (the opener's credentials count).
 * Emulation only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"
#ifdef FSVM_E2E_HAVE_UAPI
#include "fsvm_uapi.h"
#endif

#ifdef FSVM_E2E_HAVE_UAPI
static struct fsvm_diag diag;

static int do_diag(int fd)
{
	memset(&diag, 0, sizeof(diag));
	diag.size = sizeof(diag);
	return ioctl(fd, FSVM_IOC_DIAG, &diag);
}

static int send_fd(int sock, int fd)
{
	char c = 'f', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char c, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &m, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&m);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}
#endif

int main(void)
{
	e2e_init("25-diag-creds");
	if (e2e_is_sim())
		e2e_skip("the sim backend has no module");
#ifndef FSVM_E2E_HAVE_UAPI
	e2e_skip("built without the module's uapi header");
#else
	int fd = open("/dev/fsvm0", O_RDWR | O_CLOEXEC), status, sv[2];
	struct stat st;
	pid_t pid;

	E2E_CHECK(fd >= 0, "open: %s", strerror(errno));
	E2E_CHECK(do_diag(fd) == 0, "DIAG as root: %s", strerror(errno));
	E2E_CHECK(!(diag.flags & FSVM_DIAG_F_PARTIAL), "root's own file: PARTIAL report");

	pid = fork();
	E2E_CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		if (setgid(1000) || setuid(1000))
			_exit(2);
		if (do_diag(fd))
			_exit(3);
		_exit((diag.flags & FSVM_DIAG_F_PARTIAL) && !diag.sgfsynr1 && !diag.sgfsr ? 0 : 4);
	}
	E2E_CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status),
		  "child: status 0x%x", status);
	E2E_CHECK(WEXITSTATUS(status) == 0, "uid 1000 on root's file: %s",
		  WEXITSTATUS(status) == 4 ? "full report" : "DIAG failed");

	/* A file opened by uid 1000, passed to root. */
	E2E_CHECK(stat("/dev/fsvm0", &st) == 0, "stat: %s", strerror(errno));
	E2E_CHECK(chmod("/dev/fsvm0", 0666) == 0, "chmod: %s", strerror(errno));
	E2E_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair: %s", strerror(errno));
	pid = fork();
	E2E_CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		int ufd;

		if (setgid(1000) || setuid(1000))
			_exit(2);
		ufd = open("/dev/fsvm0", O_RDWR);
		_exit(ufd >= 0 && send_fd(sv[1], ufd) == 0 ? 0 : 3);
	}
	int pfd = recv_fd(sv[0]);

	waitpid(pid, &status, 0);
	chmod("/dev/fsvm0", st.st_mode & 07777);
	E2E_CHECK(pfd >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "receiving uid 1000's file failed (status 0x%x)", status);
	E2E_CHECK(do_diag(pfd) == 0, "DIAG as root on the passed file: %s", strerror(errno));
	E2E_CHECK(diag.flags & FSVM_DIAG_F_PARTIAL, "root got a full DIAG through a file "
		  "uid 1000 opened: the opener's credentials are not checked");
	close(pfd);
	close(fd);
	e2e_pass("DIAG: root full; uid 1000 on root's file PARTIAL (no global syndrome); root on "
		 "a file uid 1000 opened PARTIAL");
#endif
}
