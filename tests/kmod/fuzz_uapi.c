// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_uapi.c - the uapi validation of fsvm.ko under arbitrary input.
 *
 * An input is a script of requests against one simulated device with a
 * few open files: each step picks a file, a command (one of ours or a
 * random number), a length (usually the right one) and argument bytes, runs
 * fsvm_uapi_check like the ioctl handler does, and then applies accepted
 * BIND/UNBIND to the context slots and pushes/pops fault records. Any
 * broken invariant aborts: an accepted request outside the limits, a range
 * not page aligned or outside user space, a slot handed out twice, a bind
 * on a full device that is not EBUSY, a fault queue over its length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_uapi.h"
#include "fsvm_uapi_check.h"
#include "fsvm_hw.h"

#define NFILES	6
#define ARGMAX	sizeof(struct fsvm_info)

static const unsigned int cmds[] = {
	FSVM_IOC_GET_INFO, FSVM_IOC_BIND, FSVM_IOC_UNBIND, FSVM_IOC_PREFAULT,
	FSVM_IOC_WAIT, FSVM_IOC_SET_EVENTFD, FSVM_IOC_READ_FAULTS, FSVM_IOC_ABORT,
	FSVM_IOC_CTX_WRITE, FSVM_IOC_DIAG,
};

#define REQUIRE(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "fuzz_uapi: %s:%d: %s\n",	\
				__FILE__, __LINE__, #c);		\
			abort();					\
		}							\
	} while (0)

struct cursor {
	const uint8_t *p;
	size_t n;
};

static uint8_t take8(struct cursor *c)
{
	uint8_t v;

	if (!c->n)
		return 0;
	v = *c->p++;
	c->n--;
	return v;
}

static void check_accepted(const struct fsvm_req *req, const struct fsvm_uapi_limits *lim,
			   const uint8_t *arg)
{
	switch (req->cmd) {
	case FSVM_IOC_PREFAULT:
		REQUIRE(req->u.range.start < req->u.range.end);
		REQUIRE(!(req->u.range.start & 0xfff) && !(req->u.range.end & 0xfff));
		REQUIRE(req->u.range.end <= lim->user_va_end);
		REQUIRE(req->u.range.end - req->u.range.start <= FSVM_PREFAULT_MAX + 0x1000);
		break;
	case FSVM_IOC_READ_FAULTS:
		REQUIRE(req->u.faults.max >= 1 && req->u.faults.max <= FSVM_FAULTS_MAX);
		REQUIRE(req->u.faults.uptr + (uint64_t)req->u.faults.max *
			sizeof(struct fsvm_fault_entry) <= lim->user_va_end);
		break;
	case FSVM_IOC_CTX_WRITE:
		REQUIRE(req->u.reg.offset < FSVM_UAPI_CTX_PAGE && !(req->u.reg.offset & 3));
		REQUIRE(fsvm_ctx_reg_writable(req->u.reg.offset));
		break;
	case FSVM_IOC_WAIT:
		REQUIRE(req->u.wait.timeout_ns <= FSVM_WAIT_MAX_NS);
		break;
	case FSVM_IOC_SET_EVENTFD:
		REQUIRE(req->u.efd.fd >= -1);
		break;
	case FSVM_IOC_GET_INFO:
		REQUIRE(req->u.info.copy <= sizeof(struct fsvm_info));
		REQUIRE(req->u.info.copy >= offsetof(struct fsvm_info, kernel_table));
		break;
	case FSVM_IOC_DIAG:
		REQUIRE(req->u.diag.copy <= sizeof(struct fsvm_diag));
		break;
	case FSVM_IOC_BIND: {
		struct fsvm_bind b;

		memcpy(&b, arg, sizeof(b));
		REQUIRE(req->u.bind.mode == FSVM_MODE_SHARED ||
			req->u.bind.mode == FSVM_MODE_MIRROR);
		REQUIRE(req->u.bind.mode != FSVM_MODE_SHARED || lim->shared_allowed);
		REQUIRE(!(b.flags & ~FSVM_BIND_F_ALL));
		break;
	}
	default:
		break;
	}
}

int fuzz_uapi_one(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	struct fsvm_uapi_limits lim;
	struct fsvm_slots slots;
	static struct fsvm_faultq q;
	int bound[NFILES];
	uint8_t arg[ARGMAX];
	unsigned int steps = 0;
	uint8_t cfg = take8(&c);

	lim.user_va_end = (cfg & 1) ? 1ull << 48 : 1ull << 39;
	lim.num_contexts = 1 + ((cfg >> 1) & 15);
	lim.default_mode = (cfg & 0x20) ? FSVM_MODE_SHARED : FSVM_MODE_MIRROR;
	lim.shared_allowed = (cfg & 0x40) != 0;
	if (lim.default_mode == FSVM_MODE_SHARED && !lim.shared_allowed)
		lim.default_mode = FSVM_MODE_MIRROR;
	fsvm_slots_init(&slots, lim.num_contexts);
	fsvm_faultq_init(&q);
	for (int i = 0; i < NFILES; i++)
		bound[i] = -1;

	while (c.n && steps++ < 256) {
		uint8_t op = take8(&c);
		unsigned int file = op % NFILES;
		unsigned int cmd;
		size_t len, avail;
		long want;
		struct fsvm_req req;
		int rc;

		if ((op >> 4) == 15) {
			/* random command number */
			cmd = (unsigned int)take8(&c) << 24 | (unsigned int)take8(&c) << 16 |
			      (unsigned int)take8(&c) << 8 | take8(&c);
		} else {
			cmd = cmds[(op >> 4) % (sizeof(cmds) / sizeof(cmds[0]))];
		}
		want = fsvm_uapi_arg_size(cmd);
		len = want > 0 ? (size_t)want : 0;
		if ((op & 0x08) && c.n)
			len = take8(&c) % (ARGMAX + 1);	/* a lying size */
		memset(arg, 0, sizeof(arg));
		avail = c.n < len ? c.n : len;
		if (avail > sizeof(arg))
			avail = sizeof(arg);
		memcpy(arg, c.p, avail);
		c.p += avail;
		c.n -= avail;

		rc = fsvm_uapi_check(cmd, len ? arg : NULL, len, &lim, &req);
		if (want < 0) {
			REQUIRE(rc == -ENOTTY);
			continue;
		}
		if ((long)len != want) {
			REQUIRE(rc == -EINVAL);
			continue;
		}
		REQUIRE(rc == 0 || rc == -EINVAL || rc == -EPERM);
		if (rc)
			continue;
		check_accepted(&req, &lim, arg);

		/* What the ioctl handler does with accepted requests. */
		if (cmd == FSVM_IOC_BIND) {
			if (bound[file] >= 0)
				continue;	/* EEXIST */
			rc = fsvm_slot_get(&slots);
			if (rc == -EBUSY) {
				REQUIRE(fsvm_slots_free(&slots) == 0);
				continue;
			}
			REQUIRE(rc >= 0 && (unsigned int)rc < lim.num_contexts);
			for (int i = 0; i < NFILES; i++)
				REQUIRE(bound[i] != rc);
			bound[file] = rc;
		} else if (cmd == FSVM_IOC_UNBIND) {
			if (bound[file] >= 0) {
				fsvm_slot_put(&slots, (unsigned int)bound[file]);
				bound[file] = -1;
			}
		} else if (cmd == FSVM_IOC_READ_FAULTS) {
			struct fsvm_fault_entry out[FSVM_FAULTS_MAX];
			uint32_t lost;
			unsigned int before = q.count, n;

			n = fsvm_faultq_pop(&q, out, req.u.faults.max, &lost);
			REQUIRE(n <= req.u.faults.max && n <= before);
			REQUIRE(q.count == before - n);
		} else if (cmd == FSVM_IOC_WAIT) {
			struct fsvm_fault_entry e = { .va = req.u.wait.timeout_ns };

			fsvm_faultq_push(&q, &e);
			REQUIRE(q.count <= FSVM_FAULTQ_LEN);
		}
	}
	/* Close every file: all slots come back. */
	for (int i = 0; i < NFILES; i++)
		if (bound[i] >= 0)
			fsvm_slot_put(&slots, (unsigned int)bound[i]);
	REQUIRE(fsvm_slots_free(&slots) == lim.num_contexts);
	return 0;
}
