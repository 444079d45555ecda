/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Validation of every ioctl/mmap argument of
 * /dev/fsvmN, plus the small bookkeeping structures (context slots, fault
 * record queue) whose behaviour the uapi promises. Pure functions on
 * already-copied structures: the kernel calls them after copy_from_user,
 * the user-space tests and the fuzz target (tests/kmod) call them directly.
 */
#ifndef FSVM_UAPI_CHECK_H
#define FSVM_UAPI_CHECK_H

#include "fsvm_types.h"
#include "fsvm_uapi.h"

/* Limits of the running system the checks depend on. */
struct fsvm_uapi_limits {
	uint64_t user_va_end;	/* first VA past user space (TASK_SIZE) */
	unsigned int num_contexts;
	int default_mode;	/* FSVM_MODE_* */
	bool shared_allowed;	/* shared mode permitted (coherent, or forced) */
};

/* What a validated request asks for, in kernel terms. */
struct fsvm_req {
	unsigned int cmd;
	union {
		struct {
			uint32_t copy;		/* bytes to copy back */
		} info;
		struct {
			int mode;
		} bind;
		struct {
			uint64_t start, end;	/* page aligned */
			bool write;
		} range;
		struct {
			uint32_t seen;
			uint64_t timeout_ns;
		} wait;
		struct {
			int fd;			/* -1: detach */
		} efd;
		struct {
			uint64_t uptr;
			uint32_t max;
		} faults;
		struct {
			uint32_t offset, value;
		} reg;
		struct {
			uint32_t copy;
		} diag;
	} u;
};

/*
 * Validate the argument of ioctl `ucmd` (the number the caller used),
 * `len` bytes at `arg`: the kernel's struct, the first
 * fsvm_uapi_copy_len(ucmd) bytes copied in, the rest zero (len must equal
 * fsvm_uapi_arg_size(ucmd); ioctls without argument pass len 0). Fills
 * *req, req->cmd being the canonical command (fsvm_uapi_cmd). 0, -ENOTTY
 * (unknown command), -EINVAL (bad field, reserved bits, size), -EPERM
 * (shared mode not allowed).
 */
int fsvm_uapi_check(unsigned int ucmd, const void *arg, size_t len,
		    const struct fsvm_uapi_limits *lim, struct fsvm_req *req);

/*
 * GET_INFO and DIAG with any _IOC_SIZE from their fixed header on are
 * those commands (their `size` field is real: a smaller or larger struct
 * works); every other number is returned unchanged.
 */
unsigned int fsvm_uapi_cmd(unsigned int ucmd);

/* Bytes of the kernel's argument struct of ioctl `ucmd` (0 for none); -ENOTTY. */
long fsvm_uapi_arg_size(unsigned int ucmd);

/* Bytes to copy in from the caller: the struct, or less if its buffer is smaller. */
long fsvm_uapi_copy_len(unsigned int ucmd);

/* mmap of the bound context page: offset/len/flags as the VMA has them. */
int fsvm_uapi_check_mmap(uint64_t pgoff, uint64_t len, bool shared, bool bound,
			 uint64_t expected_pgoff);

/* Writable registers of a context page (FSVM_IOC_CTX_WRITE). */
bool fsvm_ctx_reg_writable(uint32_t offset);

/*
 * Context slots: a bitmap of the contexts handed out, and of those
 * quarantined (their hardware never confirmed it stopped: never reused).
 */
struct fsvm_slots {
	uint32_t used;
	uint32_t quarantined;
	unsigned int n;		/* <= FSVM_UAPI_MAX_CONTEXTS */
};

void fsvm_slots_init(struct fsvm_slots *s, unsigned int n);
int fsvm_slot_get(struct fsvm_slots *s);	/* index, or -EBUSY */
/* Give a slot back; a quarantined slot stays taken. */
void fsvm_slot_put(struct fsvm_slots *s, unsigned int idx);
/* Take a slot out of service for good (it stays used until reload). */
void fsvm_slot_quarantine(struct fsvm_slots *s, unsigned int idx);
unsigned int fsvm_slots_free(const struct fsvm_slots *s);
unsigned int fsvm_slots_quarantined(const struct fsvm_slots *s);

/* Fault record queue of one context: drops the oldest when full. */
#define FSVM_FAULTQ_LEN	64u
struct fsvm_faultq {
	struct fsvm_fault_entry e[FSVM_FAULTQ_LEN];
	unsigned int head, count;
	uint32_t lost;
	uint64_t removed;	/* records ever taken off the head (read or dropped) */
};

void fsvm_faultq_init(struct fsvm_faultq *q);
void fsvm_faultq_push(struct fsvm_faultq *q, const struct fsvm_fault_entry *e);
/*
 * Pop up to max records into out[]; returns how many. *lost gets and
 * resets the drop count.
 */
unsigned int fsvm_faultq_pop(struct fsvm_faultq *q, struct fsvm_fault_entry *out,
			     unsigned int max, uint32_t *lost);
/*
 * Copy up to max records into out[] without consuming them; returns how
 * many. *start identifies the first, *lost is the drop count so far. Then,
 * once the records reached the reader, fsvm_faultq_consume(q, start, n,
 * lost) removes them and those lost from the count, minding records that
 * fsvm_faultq_push dropped in between (lock released meanwhile).
 */
unsigned int fsvm_faultq_peek(const struct fsvm_faultq *q, struct fsvm_fault_entry *out,
			      unsigned int max, uint32_t *lost, uint64_t *start);
void fsvm_faultq_consume(struct fsvm_faultq *q, uint64_t start, unsigned int n, uint32_t lost);

#endif /* FSVM_UAPI_CHECK_H */
