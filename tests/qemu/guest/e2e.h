/* SPDX-License-Identifier: MIT */
/*
 * e2e.h - what the QEMU end-to-end scenarios share.
 *
 * Each scenario is one program. It ends by printing exactly one line
 *	FSVM-RESULT <mode> <cpu> <scenario> PASS|FAIL|SKIP <detail>
 * (mode and cpu come from $FSVM_E2E_MODE / $FSVM_E2E_CPU, set by the guest's
 * /init) and exits 0 (PASS), 1 (FAIL) or 77 (SKIP). Lines before it, prefixed
 * with "  [sNN]", say what was checked, for the console log.
 *
 * The device is $FSVM_DEVICE (the guest's /init sets hw:/dev/fsvm0; natively
 * the scenarios also run on "sim", which is how their logic is checked
 * without QEMU).
 */
#ifndef FSVM_E2E_H
#define FSVM_E2E_H

#include <stddef.h>
#include <stdint.h>

#include "fsvm.h"

#define E2E_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define E2E_NORETURN __attribute__((noreturn))

/* Set up reporting; name is "01-basic" etc. Call first in main(). */
void e2e_init(const char *name);

/* The scenario's mode/cpu labels, and whether the device is the sim. */
const char *e2e_mode(void);
const char *e2e_cpu(void);
int e2e_is_sim(void);

/* Diagnostic line: "  [name] ...". */
void e2e_note(const char *fmt, ...) E2E_PRINTF(1, 2);

/* The final line; exit 0 / 1 / 77. */
void e2e_pass(const char *fmt, ...) E2E_PRINTF(1, 2) E2E_NORETURN;
void e2e_fail(const char *fmt, ...) E2E_PRINTF(1, 2) E2E_NORETURN;
void e2e_skip(const char *fmt, ...) E2E_PRINTF(1, 2) E2E_NORETURN;

/* Fail with file:line and the message unless cond holds. */
#define E2E_CHECK(cond, ...) \
	do { \
		if (!(cond)) \
			e2e_fail_at(__LINE__, #cond, __VA_ARGS__); \
	} while (0)
void e2e_fail_at(int line, const char *expr, const char *fmt, ...)
	E2E_PRINTF(3, 4) E2E_NORETURN;

/* Open $FSVM_DEVICE and bind one context (ring of 64), or FAIL. */
void e2e_open(struct fsvm_device **dev, struct fsvm_context **ctx);

/* Text for an fsvm error, with the fault when err is FSVM_ERR_FAULT. */
const char *e2e_errtext(int err, const struct fsvm_fault *fault);

/* Deterministic random numbers (xorshift64). */
uint64_t e2e_rand(uint64_t *state);

/*
 * Link the nodes nodes[0..n-1] (already allocated anywhere) in a random
 * order, payloads from seed; if cyclic, the last node points back to the
 * first. Returns the head.
 */
struct fsvm_list_node *e2e_link_list(struct fsvm_list_node **nodes, size_t n,
				     uint64_t seed, int cyclic);

/* n nodes in [base, base + n * stride), linked randomly (see e2e_link_list). */
struct fsvm_list_node *e2e_list_in(void *base, size_t n, size_t stride, uint64_t seed,
				   int cyclic);

/* The CPU's pointer_chase (fsvm_hw.h semantics). */
struct fsvm_chase_result e2e_cpu_chase(const struct fsvm_list_node *head, uint64_t max_hops);

/* Run pointer_chase/memcpy/memset/vadd on ctx and wait (timeout_ms); the
 * completion record goes to *rec if non-NULL. Return an fsvm_err. */
int e2e_chase(struct fsvm_context *ctx, const struct fsvm_list_node *head, uint64_t max_hops,
	      struct fsvm_chase_result *out, struct fsvm_completion *rec,
	      struct fsvm_fault *fault, unsigned int timeout_ms);
int e2e_memcpy(struct fsvm_context *ctx, void *dst, const void *src, size_t n,
	       struct fsvm_completion *rec, struct fsvm_fault *fault, unsigned int timeout_ms);
int e2e_memset(struct fsvm_context *ctx, void *dst, int value, size_t n,
	       struct fsvm_completion *rec, struct fsvm_fault *fault, unsigned int timeout_ms);
int e2e_vadd(struct fsvm_context *ctx, const float *a, const float *b, float *c, size_t n,
	     struct fsvm_completion *rec, struct fsvm_fault *fault, unsigned int timeout_ms);

/* Check a chase result against the CPU's; FAIL with what differs. */
void e2e_check_chase(const char *what, const struct fsvm_chase_result *dev,
		     const struct fsvm_list_node *head, uint64_t max_hops);

/*
 * Sum of a field ("Private_Dirty", "AnonHugePages", "Rss", ...) in kB over
 * the mappings of /proc/self/smaps that overlap [addr, addr + len);
 * -1 if it cannot be read.
 */
long e2e_smaps_kb(const void *addr, size_t len, const char *field);

/* 1 if the page holding addr is present (pagemap bit 63), 0 if not, -1 unknown. */
int e2e_page_present(const void *addr);

/*
 * A counter of the module's debugfs: the first "name: value" or "name value"
 * or "name=value" line in any file under /sys/kernel/debug/fsvm* (searched
 * recursively, two levels) whose name equals `name`. Sums over the files
 * when `sum` is set (per-context files). -1 if absent.
 */
long long e2e_debugfs_counter(const char *name, int sum);

/* Milliseconds since an arbitrary point. */
uint64_t e2e_now_ms(void);

/* mmap anonymous memory (private, RW) at an exact address or anywhere (0); FAIL on error. */
void *e2e_map(uintptr_t at, size_t len, int shared);

/*
 * Write text to a file in one write(2) (sysfs, procfs, /dev/kmsg): 0, or
 * -errno when the open or the write failed or wrote less.
 */
int e2e_write_file(const char *path, const char *text);

#ifdef FSVM_E2E_HAVE_UAPI
/*
 * The /dev/fsvm file descriptor of this process's (only) bound context:
 * the one on which FSVM_IOC_WAIT answers (ENXIO on the others); -1 if none.
 */
int e2e_bound_fd(void);
#endif

#endif /* FSVM_E2E_H */
