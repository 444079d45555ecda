/* SPDX-License-Identifier: MIT */
/*
 * cmd_doctor.c - `fsvm doctor`: read what fsvm.ko exposes about the CPU and
 * the SMMU (FSVM_IOC_DIAG), optionally bind a context and run a nop launch
 * as a probe, and say in plain words what is wrong and how to fix it.
 * The rules are in doctor.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "doctor.h"

static const char *const level_name[] = { "ok  ", "info", "WARN", "FAIL" };

static void usage(FILE *out)
{
	fprintf(out,
		"usage: fsvm doctor [--no-probe] [/dev/fsvmN | --device hw:/dev/fsvmN] [-v]\n"
		"\n"
		"Checks the SMMU and CPU configuration fsvm.ko uses (VA bits/T0SZ, PA size,\n"
		"MAIR, table-walk coherence, stream mapping, INSTCFG/PRIVCFG, bank state) and,\n"
		"unless --no-probe, runs a nop launch to catch transactions that never reach\n"
		"the SMMU (secure AxPROT from HLS masters). Exit 0 when nothing FAILs.\n");
}

/* A nop launch through libfsvm: the ring, packet and completion record all
 * live at process virtual addresses, like any real launch. */
static void run_probe(const char *path, struct doctor_input *in, int fd)
{
	char name[80];
	struct fsvm_device *dev = NULL;
	struct fsvm_context *ctx = NULL;
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	int err;

	snprintf(name, sizeof(name), "hw:%s", path);
	if (fsvm_device_open(name, &dev) != FSVM_OK)
		return;
	if (fsvm_context_create(dev, 4, &ctx) != FSVM_OK) {
		fsvm_device_close(dev);
		return;
	}
	memset(&rec, 0, sizeof(rec));
	in->probe_ran = true;
	err = fsvm_run(ctx, FSVM_K_NOP, NULL, 0, &rec, 0, 2000000000ull, &fault);
	in->probe_status = err == FSVM_ERR_TIMEOUT ? 0 : rec.status;
	in->probe_syndrome = rec.syndrome;
	/* Read the bank while the context is still bound. */
	in->diag.size = sizeof(in->diag);
	if (ioctl(fd, FSVM_IOC_DIAG, &in->diag) != 0)
		in->diag.size = 0;
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
}

int cmd_doctor(const char *device, int argc, char **argv)
{
	static struct doctor_finding f[DOCTOR_MAX_FINDINGS];
	struct doctor_input in;
	struct fsvm_info *info;
	const char *path = NULL;
	int probe = 1, fd;
	unsigned int n;
	glob_t g;

	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--no-probe") == 0) {
			probe = 0;
		} else if (argv[i][0] != '-' && !path) {
			path = argv[i];
		} else {
			return bad_argument(argv[i]);
		}
	}
	if (!path && device && strncmp(device, "hw:", 3) == 0)
		path = device + 3;
	if (!path) {
		if (glob("/dev/fsvm[0-9]*", 0, NULL, &g) != 0 || g.gl_pathc == 0) {
			printf("fsvm doctor: %s", doctor_no_device_text());
			return EXIT_MISMATCH;
		}
		path = strdup(g.gl_pathv[0]);
		globfree(&g);
		if (!path)
			return EXIT_MISMATCH;
	}
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		printf("fsvm doctor: cannot open %s: %s\n", path, strerror(e));
		if (e == ENOENT)
			printf("%s", doctor_no_device_text());
		else if (e == EACCES)
			printf("  Permission denied: run as root or add a udev rule for /dev/fsvm*.\n");
		return EXIT_MISMATCH;
	}
	memset(&in, 0, sizeof(in));
	info = calloc(1, sizeof(*info));
	if (info) {
		info->size = sizeof(*info);
		if (ioctl(fd, FSVM_IOC_GET_INFO, info) == 0)
			in.info_flags = info->flags;
		free(info);
	}
	in.diag.size = sizeof(in.diag);
	if (ioctl(fd, FSVM_IOC_DIAG, &in.diag) != 0) {
		printf("fsvm doctor: %s does not answer FSVM_IOC_DIAG (%s): not fsvm.ko, or an "
		       "older one.\n", path, strerror(errno));
		close(fd);
		return EXIT_MISMATCH;
	}
	if (probe)
		run_probe(path, &in, fd);
	close(fd);

	printf("fsvm doctor: %s (%s)\n", path,
	       in.info_flags & FSVM_INFO_F_EMULATED ? "emulation mode" : "board");
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	for (unsigned int i = 0; i < n; i++)
		printf("[%s] %-15s %s\n", level_name[f[i].level], f[i].check, f[i].text);
	return doctor_worst(f, n) == DOC_FAIL ? EXIT_MISMATCH : 0;
}
