/* SPDX-License-Identifier: MIT */
/*
 * doctor.h - the diagnosis behind `fsvm doctor`: from what the kernel
 * module reports (FSVM_IOC_DIAG, FSVM_IOC_GET_INFO) and an optional probe
 * launch, plain-language findings, one per classic mistake of sharing the
 * CPU's page table with a ZynqMP SMMU-500. Pure functions: unit-tested on
 * canned inputs (tests/kmod/test_doctor.c).
 */
#ifndef FSVM_DOCTOR_H
#define FSVM_DOCTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "fsvm_uapi.h"

enum doctor_level { DOC_OK = 0, DOC_INFO = 1, DOC_WARN = 2, DOC_FAIL = 3 };

struct doctor_input {
	struct fsvm_diag diag;
	uint32_t info_flags;		/* FSVM_INFO_F_* */
	bool probe_ran;			/* a NOP launch was tried */
	uint32_t probe_status;		/* enum fsvm_status of it (0 = timed out) */
	uint32_t probe_syndrome;	/* FSVM_SYND_* when FAULTED */
};

struct doctor_finding {
	enum doctor_level level;
	const char *check;		/* short name: "t0sz", "pasize", ... */
	char text[512];
};

#define DOCTOR_MAX_FINDINGS	64

/* Fill out[] (at most max); returns how many. */
unsigned int doctor_diagnose(const struct doctor_input *in, struct doctor_finding *out,
			     unsigned int max);

/* Worst level among the findings. */
enum doctor_level doctor_worst(const struct doctor_finding *f, unsigned int n);

/* The text printed when no /dev/fsvm* exists. */
const char *doctor_no_device_text(void);

#endif /* FSVM_DOCTOR_H */
