/* SPDX-License-Identifier: MIT */
/*
 * s22_smmu_state.c - scenario 22 (issue 8 M2): fsvm follows the SMMU's
 * state.
 *  1. suspend: a pointer chase of 2^40 hops (it never ends by itself) is
 *     running; a system suspend (freeze, pm_test=devices: every device's
 *     suspend and resume callback runs) must abort it: the job ends
 *     ABORTED, not still running, and the device works after the resume.
 *  2. translation off: the module reloaded with emu_clientpd=1 (the SMMU
 *     model's sCR0.CLIENTPD set, as firmware that never enabled the SMMU
 *     leaves it) must refuse BIND with ENODEV and say why in the log;
 *     reloaded normally, BIND works again.
 * Emulation only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e.h"
#ifdef FSVM_E2E_HAVE_UAPI
#include "fsvm_uapi.h"
#endif

static int dmesg_has(const char *needle)
{
	FILE *f = popen("dmesg", "r");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, needle))
			n++;
	pclose(f);
	return n;
}

static void wait_node(void)
{
	struct stat st;

	for (int i = 0; i < 50 && stat("/dev/fsvm0", &st) != 0; i++)
		usleep(100 * 1000);
}

int main(void)
{
	e2e_init("22-smmu-state");
	if (e2e_is_sim())
		e2e_skip("the sim backend has no module to suspend or reload");
#ifndef FSVM_E2E_HAVE_UAPI
	e2e_skip("built without the module's uapi header");
#else
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_list_node nodes[64];
	struct fsvm_chase_result res;
	struct fsvm_completion rec, rec2;
	struct fsvm_fault fault;
	int err, r;

	/* 1. suspend during a job */
	if (access("/sys/power/pm_test", W_OK) != 0)
		e2e_skip("no /sys/power/pm_test (CONFIG_PM_DEBUG unset)");
	e2e_open(&dev, &ctx);
	struct fsvm_list_node *head = e2e_list_in(nodes, 64, sizeof(nodes[0]), 22, 1);
	uint64_t args[] = { (uintptr_t)head, 1ull << 40, (uintptr_t)&res };

	err = fsvm_launch(ctx, FSVM_K_POINTER_CHASE, args, 3, &rec, 0);
	E2E_CHECK(err == FSVM_OK, "launch: %s", fsvm_strerror(err));
	err = fsvm_wait(ctx, &rec, 300000000ull, &fault);
	E2E_CHECK(err == FSVM_ERR_TIMEOUT, "the endless chase ended by itself: %s",
		  e2e_errtext(err, &fault));
	e2e_write_file("/sys/module/suspend/parameters/pm_test_delay", "1");
	r = e2e_write_file("/sys/power/pm_test", "devices");
	E2E_CHECK(r == 0, "pm_test=devices: %s", strerror(-r));
	uint64_t t0 = e2e_now_ms();

	r = e2e_write_file("/sys/power/state", "freeze");
	uint64_t t1 = e2e_now_ms();

	e2e_write_file("/sys/power/pm_test", "none");
	E2E_CHECK(r == 0, "suspend (freeze, pm_test=devices): %s", strerror(-r));
	e2e_note("suspend/resume cycle (pm_test=devices) took %llu ms",
		 (unsigned long long)(t1 - t0));
	err = fsvm_wait(ctx, &rec, 5000000000ull, &fault);
	if (err == FSVM_ERR_TIMEOUT) {
		fsvm_context_abort(ctx);
		fsvm_wait(ctx, &rec, 2000000000ull, NULL);
		e2e_fail("the job still ran after suspend/resume: suspend did not abort the context");
	}
	E2E_CHECK(err == FSVM_ERR_ABORTED || err == FSVM_ERR_FAULT,
		  "job across the suspend: %s, expected aborted", e2e_errtext(err, &fault));
	e2e_note("the running job ended %s at the suspend", fsvm_strerror(err));
	fsvm_context_destroy(ctx);
	err = fsvm_context_create(dev, 64, &ctx);
	E2E_CHECK(err == FSVM_OK, "bind after the resume: %s", fsvm_strerror(err));
	err = e2e_chase(ctx, e2e_list_in(nodes, 64, sizeof(nodes[0]), 23, 0), FSVM_MAX_HOPS,
			&res, &rec2, &fault, 30000);
	E2E_CHECK(err == FSVM_OK, "chase after the resume: %s", e2e_errtext(err, &fault));
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);

	/* 2. the SMMU not translating */
	const char *ko = getenv("FSVM_KO"), *kargs = getenv("FSVM_KO_ARGS");
	const char *mod = getenv("FSVM_MODULE_NAME");
	char cmd[512];

	if (!ko || !*ko || !mod || !*mod)
		e2e_fail("$FSVM_KO/$FSVM_MODULE_NAME not set: cannot reload the module");
	snprintf(cmd, sizeof(cmd), "rmmod %s", mod);
	E2E_CHECK(system(cmd) == 0, "%s failed", cmd);
	snprintf(cmd, sizeof(cmd), "insmod %s %s emu_clientpd=1", ko, kargs ? kargs : "");
	E2E_CHECK(system(cmd) == 0, "%s failed", cmd);
	wait_node();
	int fd = open("/dev/fsvm0", O_RDWR | O_CLOEXEC);
	struct fsvm_bind b = { 0 };

	E2E_CHECK(fd >= 0, "open with CLIENTPD set: %s", strerror(errno));
	r = ioctl(fd, FSVM_IOC_BIND, &b);
	int e = errno;

	close(fd);
	E2E_CHECK(r == -1 && e == ENODEV, "BIND with sCR0.CLIENTPD set: %d (%s), expected ENODEV",
		  r, strerror(e));
	E2E_CHECK(dmesg_has("SMMU is not translating") > 0, "no log line says why BIND was refused");
	snprintf(cmd, sizeof(cmd), "rmmod %s", mod);
	E2E_CHECK(system(cmd) == 0, "%s failed", cmd);
	snprintf(cmd, sizeof(cmd), "insmod %s %s", ko, kargs ? kargs : "");
	E2E_CHECK(system(cmd) == 0, "%s failed", cmd);
	wait_node();
	e2e_open(&dev, &ctx);
	err = fsvm_run(ctx, FSVM_K_NOP, NULL, 0, &rec, 0, 30ull * 1000000000ull, &fault);
	E2E_CHECK(err == FSVM_OK, "NOP after reloading normally: %s", e2e_errtext(err, &fault));
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	e2e_pass("suspend (pm_test=devices, %llu ms) aborted a running endless chase (%s), the "
		 "device worked after the resume; with sCR0.CLIENTPD set BIND -> ENODEV with a "
		 "log line; reloaded normally, a job ran", (unsigned long long)(t1 - t0),
		 "aborted");
#endif
}
