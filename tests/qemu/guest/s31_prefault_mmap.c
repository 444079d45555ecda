/* SPDX-License-Identifier: MIT */
/*
 * s31_prefault_mmap.c - scenario 31 (issue 8 H1): PREFAULT against mmap of
 * the context page must not deadlock, and SIGKILL must work meanwhile.
 *
 * A child process binds /dev/fsvm0 with raw ioctls; one thread loops
 * FSVM_IOC_PREFAULT (read) over a 1 GiB mapping while another loops mmap /
 * munmap of the context page. PREFAULT holds the file's lock and takes
 * mmap_lock; mmap holds mmap_lock and takes the file's lock: with that
 * ABBA order both threads hang, unkillable (D state). The parent waits:
 *  a) the child must finish its rounds within the deadline, and map the
 *     context page once PREFAULT is done (exit 5 if it cannot);
 *  b) a second child, SIGKILLed 1 s into the same loops, must be reaped
 *     within 10 s.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#if FSVM_E2E_HAVE_UAPI
#include "fsvm_uapi.h"

#define GIB		(1ull << 30)
#define ROUNDS		3
#define DEADLINE_S	120

static int dev_fd;
static struct fsvm_bind bind_out;
static void *big;
static volatile int prefault_done;
static unsigned long maps_ok, maps_busy;

static void *prefault_thread(void *arg)
{
	struct fsvm_range r = { .va = (uintptr_t)big, .len = GIB, .flags = 0 };

	(void)arg;
	for (int i = 0; i < ROUNDS; i++)
		if (ioctl(dev_fd, FSVM_IOC_PREFAULT, &r) != 0) {
			fprintf(stderr, "PREFAULT: %s\n", strerror(errno));
			_exit(3);
		}
	prefault_done = 1;
	return NULL;
}

static void *mmap_thread(void *arg)
{
	(void)arg;
	while (!prefault_done) {
		void *p = mmap(NULL, bind_out.mmap_size, PROT_READ, MAP_SHARED, dev_fd,
			       (off_t)bind_out.mmap_offset);

		if (p == MAP_FAILED) {
			if (errno != EAGAIN) {
				fprintf(stderr, "mmap: %s\n", strerror(errno));
				_exit(4);
			}
			maps_busy++;
			continue;
		}
		maps_ok++;
		munmap(p, bind_out.mmap_size);
	}
	return NULL;
}

/* The child: bind, then the two threads. Exit 0 when every round ran. */
static void child(void)
{
	pthread_t a, b;

	dev_fd = open("/dev/fsvm0", O_RDWR | O_CLOEXEC);
	if (dev_fd < 0)
		_exit(2);
	memset(&bind_out, 0, sizeof(bind_out));
	if (ioctl(dev_fd, FSVM_IOC_BIND, &bind_out) != 0)
		_exit(2);
	big = mmap(NULL, GIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (big == MAP_FAILED)
		_exit(2);
	if (pthread_create(&a, NULL, prefault_thread, NULL) ||
	    pthread_create(&b, NULL, mmap_thread, NULL))
		_exit(2);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	/*
	 * While PREFAULT holds the file's lock, mmap may get EAGAIN every
	 * time (on a loaded machine it often does), so the loop's successes
	 * prove nothing. With PREFAULT done the lock is free: this mmap must
	 * work, else EAGAIN is stuck.
	 */
	void *p = mmap(NULL, bind_out.mmap_size, PROT_READ, MAP_SHARED, dev_fd,
		       (off_t)bind_out.mmap_offset);
	int map_err = p == MAP_FAILED ? errno : 0;

	printf("  [31-prefault-mmap] child: %d PREFAULT rounds of 1 GiB, %lu context-page "
	       "maps, %lu EAGAIN; mmap after the rounds: %s\n", ROUNDS, maps_ok, maps_busy,
	       map_err ? strerror(map_err) : "ok");
	fflush(stdout);
	_exit(map_err ? 5 : 0);
}

/* Wait up to secs for pid; 1 and *status when it exited. */
static int wait_for(pid_t pid, int secs, int *status)
{
	for (int i = 0; i < secs * 10; i++) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 1;
		usleep(100 * 1000);
	}
	return 0;
}

int main(void)
{
	uint64_t t0;
	int status = 0;
	pid_t pid;

	e2e_init("31-prefault-mmap");
	if (e2e_is_sim())
		e2e_skip("needs fsvm.ko (raw ioctls on /dev/fsvm0)");

	/* a) must finish */
	t0 = e2e_now_ms();
	pid = fork();
	E2E_CHECK(pid >= 0, "fork failed");
	if (pid == 0)
		child();
	if (!wait_for(pid, DEADLINE_S, &status)) {
		kill(pid, SIGKILL);
		if (!wait_for(pid, 10, &status))
			e2e_fail("PREFAULT vs mmap: deadlocked (no progress in %d s) and SIGKILL "
				 "did not end the process in 10 s", DEADLINE_S);
		e2e_fail("PREFAULT vs mmap: no progress in %d s (deadlock); SIGKILL ended it",
			 DEADLINE_S);
	}
	E2E_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the stress child failed (status 0x%x)", status);
	e2e_note("PREFAULT x%d over 1 GiB against mmap/munmap loops: done in %llu ms", ROUNDS,
		 (unsigned long long)(e2e_now_ms() - t0));

	/* b) SIGKILL in the middle */
	pid = fork();
	E2E_CHECK(pid >= 0, "fork failed");
	if (pid == 0)
		child();
	sleep(1);
	t0 = e2e_now_ms();
	kill(pid, SIGKILL);
	if (!wait_for(pid, 10, &status))
		e2e_fail("SIGKILL during PREFAULT vs mmap: the process did not die in 10 s");
	E2E_CHECK(WIFSIGNALED(status) || WIFEXITED(status), "odd status 0x%x", status);
	e2e_pass("no deadlock: %d PREFAULT rounds of 1 GiB against mmap/munmap of the context "
		 "page finished; SIGKILL in the middle reaped in %llu ms", ROUNDS,
		 (unsigned long long)(e2e_now_ms() - t0));
}
#else
int main(void)
{
	e2e_init("31-prefault-mmap");
	e2e_skip("built without the module's uapi header");
}
#endif
