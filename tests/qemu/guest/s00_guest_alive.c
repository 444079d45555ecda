/* SPDX-License-Identifier: MIT */
/*
 * s00_guest_alive.c - the harness's self-test, independent of fsvm.ko: a
 * static aarch64 program in the initramfs runs, sees the arm64 kernel and
 * the CPU model run.sh asked QEMU for, and reports through the same result
 * line every scenario uses. It proves the download / cross-build /
 * initramfs / boot / parse path on its own.
 *
 * Checks: uname machine is aarch64; /proc/cpuinfo's CPU part is the one of
 * $FSVM_E2E_CPU (cortex-a53 0xd03, cortex-a76 0xd0b); a page written through
 * a fresh anonymous mapping reads back (the CPU side of what the scenarios
 * share with the device); and it reports whether Linux detected hardware
 * dirty-bit management (the a53/a76 difference the scenarios rely on).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>

static const char *mode(void)
{
	const char *m = getenv("FSVM_E2E_MODE");

	return m && *m ? m : "none";
}

static const char *cpu(void)
{
	const char *c = getenv("FSVM_E2E_CPU");

	return c && *c ? c : "host";
}

static int report(const char *status, const char *detail)
{
	printf("FSVM-RESULT %s %s 00-guest-alive %s %s\n", mode(), cpu(), status, detail);
	fflush(stdout);
	return strcmp(status, "PASS") == 0 ? 0 : 1;
}

/* Expected "CPU part" of /proc/cpuinfo for the QEMU CPU models we boot. */
static const char *expected_part(const char *model)
{
	if (strcmp(model, "cortex-a53") == 0)
		return "0xd03";
	if (strcmp(model, "cortex-a76") == 0)
		return "0xd0b";
	return NULL;
}

/* Whether the kernel log mentions hardware DBM (needs dmesg access: root). */
static int hw_dbm(void)
{
	FILE *f = popen("dmesg 2>/dev/null | grep -c 'Hardware dirty bit management'", "r");
	int n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	pclose(f);
	return n < 0 ? -1 : n > 0;
}

int main(void)
{
	struct utsname u;
	char line[256], part[32] = "", detail[400];
	const char *want = expected_part(cpu());
	FILE *f;
	unsigned char *p;
	int dbm;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (uname(&u) != 0)
		return report("FAIL", "uname failed");
	if (strcmp(u.machine, "aarch64") != 0) {
		snprintf(detail, sizeof(detail), "machine is %s, not aarch64", u.machine);
		return report("FAIL", detail);
	}
	f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return report("FAIL", "no /proc/cpuinfo (proc not mounted?)");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CPU part : %31s", part) == 1)
			break;
	fclose(f);
	if (want && strcmp(part, want) != 0) {
		snprintf(detail, sizeof(detail), "CPU part %s, expected %s for %s",
			 part[0] ? part : "(none)", want, cpu());
		return report("FAIL", detail);
	}
	p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return report("FAIL", "mmap failed");
	for (size_t i = 0; i < (1u << 20); i++)
		p[i] = (unsigned char)(i * 7 + 1);
	for (size_t i = 0; i < (1u << 20); i++)
		if (p[i] != (unsigned char)(i * 7 + 1))
			return report("FAIL", "anonymous memory does not read back");
	munmap(p, 1 << 20);
	dbm = hw_dbm();
	snprintf(detail, sizeof(detail), "kernel %s %s, CPU part %s, hardware DBM %s", u.release,
		 u.machine, part[0] ? part : "?",
		 dbm < 0 ? "unknown" : dbm ? "detected" : "absent");
	/* a76 has HAFDBS; a53 has not: if the kernel disagrees, the CPU model is not what we think. */
	if (dbm >= 0 && want && dbm != (strcmp(cpu(), "cortex-a76") == 0)) {
		strncat(detail, " (unexpected for this CPU model)", sizeof(detail) - strlen(detail) - 1);
		return report("FAIL", detail);
	}
	return report("PASS", detail);
}
