// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_uapi.c - the /dev/fsvmN argument checks (kmod/fsvm_uapi_check.c) on
 * good and bad input, the context slots (exhausted -> EBUSY) and the fault
 * record queue.
 */
#include "kmod_test.h"
#include "fsvm_uapi_check.h"
#include "fsvm_hw.h"

static const struct fsvm_uapi_limits lim = {
	.user_va_end = 1ull << 48, .num_contexts = 4, .default_mode = FSVM_MODE_MIRROR,
	.shared_allowed = false,
};

static void test_sizes(void)
{
	struct fsvm_req req;
	struct fsvm_bind b = { 0 };

	CHECK_EQ(sizeof(struct fsvm_info) % 8, 0);
	CHECK_EQ(sizeof(struct fsvm_diag) % 8, 0);
	CHECK_EQ(sizeof(struct fsvm_fault_entry), 40);
	CHECK(sizeof(struct fsvm_info) < (1u << 14));	/* fits _IOC_SIZE */
	CHECK_EQ(fsvm_uapi_arg_size(FSVM_IOC_UNBIND), 0);
	CHECK_EQ(fsvm_uapi_arg_size(0x1234), -ENOTTY);
	CHECK_EQ(fsvm_uapi_check(0x1234, NULL, 0, &lim, &req), -ENOTTY);
	/* A size that does not match the command is refused. */
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_BIND, &b, sizeof(b) - 4, &lim, &req), -EINVAL);
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_BIND, NULL, sizeof(b), &lim, &req), -EINVAL);
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_ABORT, NULL, 0, &lim, &req), 0);
	/* The ioctl numbers encode the sizes. */
	CHECK_EQ(_IOC_SIZE(FSVM_IOC_BIND), sizeof(struct fsvm_bind));
	CHECK_EQ(_IOC_SIZE(FSVM_IOC_GET_INFO), sizeof(struct fsvm_info));
}

static void test_bind(void)
{
	struct fsvm_uapi_limits l2 = lim;
	struct fsvm_req req;
	struct fsvm_bind b = { 0 };

	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_BIND, &b, sizeof(b), &lim, &req), 0);
	CHECK_EQ(req.u.bind.mode, FSVM_MODE_MIRROR);
	b.flags = FSVM_BIND_F_MODE_SHARED;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_BIND, &b, sizeof(b), &lim, &req), -EPERM);
	l2.shared_allowed = true;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_BIND, &b, sizeof(b), &l2, &req), 0);
	CHECK_EQ(req.u.bind.mode, FSVM_MODE_SHARED);
	b.flags = FSVM_BIND_F_ALL;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_BIND, &b, sizeof(b), &l2, &req), -EINVAL);
	b.flags = 1u << 7;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_BIND, &b, sizeof(b), &l2, &req), -EINVAL);
	b.flags = 0;
	b.mmap_offset = 1;	/* output fields must come in as zero */
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_BIND, &b, sizeof(b), &l2, &req), -EINVAL);
}

static void test_range(void)
{
	struct fsvm_req req;
	struct fsvm_range r = { .va = 0x1234, .len = 0x2000, .flags = FSVM_RANGE_F_WRITE };

	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_PREFAULT, &r, sizeof(r), &lim, &req), 0);
	CHECK_EQ(req.u.range.start, 0x1000);
	CHECK_EQ(req.u.range.end, 0x4000);
	CHECK(req.u.range.write);
	r.len = 0;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_PREFAULT, &r, sizeof(r), &lim, &req), -EINVAL);
	r.va = (1ull << 48) - 0x1000;
	r.len = 0x1000;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_PREFAULT, &r, sizeof(r), &lim, &req), 0);
	r.len = 0x1001;		/* past the end of user space */
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_PREFAULT, &r, sizeof(r), &lim, &req), -EINVAL);
	r.va = UINT64_MAX - 10;	/* wraps */
	r.len = 100;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_PREFAULT, &r, sizeof(r), &lim, &req), -EINVAL);
	r.va = 0x1000;
	r.len = FSVM_PREFAULT_MAX + 1;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_PREFAULT, &r, sizeof(r), &lim, &req), -EINVAL);
	r.len = 0x1000;
	r.flags = 2;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_PREFAULT, &r, sizeof(r), &lim, &req), -EINVAL);
	r.flags = 0;
	r.reserved = 1;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_PREFAULT, &r, sizeof(r), &lim, &req), -EINVAL);
}

/*
 * issue 8 L6: `size` is real. GET_INFO/DIAG numbers that encode a smaller
 * (older binary) or larger (newer binary) struct are those commands; the
 * kernel copies in at most the encoded size and never writes past it.
 */
static void test_struct_size(void)
{
	const unsigned int hdr = offsetof(struct fsvm_info, kernel_table);
	unsigned int small = _IOWR(FSVM_IOC_MAGIC, 0x00, char[offsetof(struct fsvm_info,
								  kernel_table) + 64]);
	unsigned int big = _IOWR(FSVM_IOC_MAGIC, 0x00, char[sizeof(struct fsvm_info) + 256]);
	unsigned int tiny = _IOWR(FSVM_IOC_MAGIC, 0x00, char[8]);
	unsigned int dsmall = _IOWR(FSVM_IOC_MAGIC, 0x09, char[offsetof(struct fsvm_diag,
								   banks)]);
	struct fsvm_info info;
	struct fsvm_diag diag;
	struct fsvm_req req;

	CHECK_EQ(fsvm_uapi_arg_size(small), (long)sizeof(info));
	CHECK_EQ(fsvm_uapi_copy_len(small), (long)(hdr + 64));
	CHECK_EQ(fsvm_uapi_copy_len(big), (long)sizeof(info));
	CHECK_EQ(fsvm_uapi_copy_len(FSVM_IOC_BIND), (long)sizeof(struct fsvm_bind));
	memset(&info, 0, sizeof(info));
	info.size = hdr + 64;
	CHECK_EQ(fsvm_uapi_check(small, &info, sizeof(info), &lim, &req), 0);
	CHECK_EQ(req.cmd, FSVM_IOC_GET_INFO);
	CHECK_EQ(req.u.info.copy, hdr + 64);
	/* size claiming more than the buffer the number encodes: only that much */
	info.size = sizeof(info);
	CHECK_EQ(fsvm_uapi_check(small, &info, sizeof(info), &lim, &req), 0);
	CHECK_EQ(req.u.info.copy, hdr + 64);
	/* a newer, larger struct: the kernel writes its own size */
	info.size = sizeof(info) + 256;
	CHECK_EQ(fsvm_uapi_check(big, &info, sizeof(info), &lim, &req), 0);
	CHECK_EQ(req.u.info.copy, sizeof(info));
	/* below the fixed header: not GET_INFO at all */
	CHECK_EQ(fsvm_uapi_cmd(tiny), tiny);
	CHECK_EQ(fsvm_uapi_arg_size(tiny), -ENOTTY);
	memset(&diag, 0, sizeof(diag));
	diag.size = offsetof(struct fsvm_diag, banks);
	CHECK_EQ(fsvm_uapi_check(dsmall, &diag, sizeof(diag), &lim, &req), 0);
	CHECK_EQ(req.cmd, FSVM_IOC_DIAG);
	CHECK_EQ(req.u.diag.copy, offsetof(struct fsvm_diag, banks));
	/* other commands keep their exact numbers */
	CHECK_EQ(fsvm_uapi_cmd(_IOWR(FSVM_IOC_MAGIC, 0x01, char[8])),
		 _IOWR(FSVM_IOC_MAGIC, 0x01, char[8]));
}

static void test_wait_eventfd_faults_reg(void)
{
	struct fsvm_req req;
	struct fsvm_wait w = { .seen = 3, .timeout_ns = 1000 };
	struct fsvm_eventfd ef = { .fd = -1 };
	struct fsvm_faults f = { .entries = 0x10000, .max = 16 };
	struct fsvm_reg r = { .offset = FSVM_CTX_DOORBELL, .value = 7 };
	struct fsvm_info info = { .size = sizeof(info) };
	struct fsvm_diag diag = { .size = 8 };

	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_WAIT, &w, sizeof(w), &lim, &req), 0);
	CHECK_EQ(req.u.wait.seen, 3);
	w.timeout_ns = FSVM_WAIT_MAX_NS + 1;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_WAIT, &w, sizeof(w), &lim, &req), -EINVAL);
	w.timeout_ns = 0;
	w.irq_count = 1;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_WAIT, &w, sizeof(w), &lim, &req), -EINVAL);

	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_SET_EVENTFD, &ef, sizeof(ef), &lim, &req), 0);
	CHECK_EQ(req.u.efd.fd, -1);
	ef.fd = -2;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_SET_EVENTFD, &ef, sizeof(ef), &lim, &req), -EINVAL);

	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_READ_FAULTS, &f, sizeof(f), &lim, &req), 0);
	f.max = FSVM_FAULTS_MAX + 1;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_READ_FAULTS, &f, sizeof(f), &lim, &req), -EINVAL);
	f.max = 1;
	f.entries = (1ull << 48) - 8;	/* the array would cross the end */
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_READ_FAULTS, &f, sizeof(f), &lim, &req), -EINVAL);
	f.entries = 0x10004;		/* misaligned */
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_READ_FAULTS, &f, sizeof(f), &lim, &req), -EINVAL);

	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_CTX_WRITE, &r, sizeof(r), &lim, &req), 0);
	r.offset = FSVM_CTX_READ_INDEX;	/* read-only register */
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_CTX_WRITE, &r, sizeof(r), &lim, &req), -EINVAL);
	r.offset = 4096;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_CTX_WRITE, &r, sizeof(r), &lim, &req), -EINVAL);
	r.offset = FSVM_CTX_CONTROL + 1;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_CTX_WRITE, &r, sizeof(r), &lim, &req), -EINVAL);

	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_GET_INFO, &info, sizeof(info), &lim, &req), 0);
	CHECK_EQ(req.u.info.copy, sizeof(info));
	info.size = 1u << 30;		/* a newer, bigger struct: copy ours */
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_GET_INFO, &info, sizeof(info), &lim, &req), 0);
	CHECK_EQ(req.u.info.copy, sizeof(info));
	info.size = 8;
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_GET_INFO, &info, sizeof(info), &lim, &req), -EINVAL);
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_DIAG, &diag, sizeof(diag), &lim, &req), -EINVAL);
	diag.size = sizeof(diag);
	CHECK_EQ(fsvm_uapi_check(FSVM_IOC_DIAG, &diag, sizeof(diag), &lim, &req), 0);
}

static void test_mmap(void)
{
	CHECK_EQ(fsvm_uapi_check_mmap(0, 4096, true, true, 0), 0);
	CHECK_EQ(fsvm_uapi_check_mmap(0, 4096, true, false, 0), -ENXIO);
	CHECK_EQ(fsvm_uapi_check_mmap(0, 8192, true, true, 0), -EINVAL);
	CHECK_EQ(fsvm_uapi_check_mmap(1, 4096, true, true, 0), -EINVAL);
	CHECK_EQ(fsvm_uapi_check_mmap(0, 4096, false, true, 0), -EINVAL);
}

/* Exhausted contexts: EBUSY, and a freed one can be taken again. */
static void test_slots_ebusy(void)
{
	struct fsvm_slots s;
	int got[4];

	fsvm_slots_init(&s, 4);
	for (int i = 0; i < 4; i++) {
		got[i] = fsvm_slot_get(&s);
		CHECK_EQ(got[i], i);
	}
	CHECK_EQ(fsvm_slots_free(&s), 0);
	CHECK_EQ(fsvm_slot_get(&s), -EBUSY);
	fsvm_slot_put(&s, 2);
	CHECK_EQ(fsvm_slots_free(&s), 1);
	CHECK_EQ(fsvm_slot_get(&s), 2);
	CHECK_EQ(fsvm_slot_get(&s), -EBUSY);
	fsvm_slot_put(&s, 99);		/* ignored */
	CHECK_EQ(fsvm_slots_free(&s), 0);
	fsvm_slots_init(&s, 40);	/* clamped to the uapi maximum */
	CHECK_EQ(s.n, FSVM_UAPI_MAX_CONTEXTS);
	fsvm_slots_init(&s, 0);
	CHECK_EQ(fsvm_slot_get(&s), -EBUSY);
}

/* H3: a quarantined slot (hardware never confirmed idle) is never reused. */
static void test_slots_quarantine(void)
{
	struct fsvm_slots s;

	fsvm_slots_init(&s, 2);
	CHECK_EQ(fsvm_slot_get(&s), 0);
	CHECK_EQ(fsvm_slot_get(&s), 1);
	fsvm_slot_quarantine(&s, 1);
	fsvm_slot_put(&s, 1);		/* the teardown path's put: ignored */
	fsvm_slot_put(&s, 0);
	CHECK_EQ(fsvm_slots_free(&s), 1);
	CHECK_EQ(fsvm_slots_quarantined(&s), 1);
	CHECK_EQ(fsvm_slot_get(&s), 0);
	CHECK_EQ(fsvm_slot_get(&s), -EBUSY);
	fsvm_slot_put(&s, 0);
	for (int i = 0; i < 100; i++) {
		int k = fsvm_slot_get(&s);

		CHECK_EQ(k, 0);
		fsvm_slot_put(&s, (unsigned int)k);
	}
	fsvm_slot_quarantine(&s, 7);	/* beyond n: ignored */
	CHECK_EQ(fsvm_slots_quarantined(&s), 1);
	fsvm_slots_init(&s, 2);		/* module reload */
	CHECK_EQ(fsvm_slots_quarantined(&s), 0);
	CHECK_EQ(fsvm_slots_free(&s), 2);
}

static void test_faultq(void)
{
	static struct fsvm_faultq q;
	struct fsvm_fault_entry e = { 0 }, out[8];
	uint32_t lost;

	fsvm_faultq_init(&q);
	CHECK_EQ(fsvm_faultq_pop(&q, out, 8, &lost), 0);
	for (unsigned int i = 0; i < FSVM_FAULTQ_LEN + 5; i++) {
		e.va = i;
		fsvm_faultq_push(&q, &e);
	}
	CHECK_EQ(fsvm_faultq_pop(&q, out, 8, &lost), 8);
	CHECK_EQ(lost, 5);
	CHECK_EQ(out[0].va, 5);		/* the oldest five were dropped */
	CHECK_EQ(out[7].va, 12);
	CHECK_EQ(fsvm_faultq_pop(&q, out, 1, &lost), 1);
	CHECK_EQ(lost, 0);
	CHECK_EQ(out[0].va, 13);
}

/* READ_FAULTS: peek, copy to the user, consume only then. */
static void test_faultq_peek(void)
{
	static struct fsvm_faultq q;
	struct fsvm_fault_entry e = { 0 }, out[8];
	uint32_t lost;
	uint64_t start;

	fsvm_faultq_init(&q);
	for (unsigned int i = 0; i < FSVM_FAULTQ_LEN + 2; i++) {
		e.va = i;
		fsvm_faultq_push(&q, &e);
	}
	/* a failed copy: nothing consumed, the same records again */
	CHECK_EQ(fsvm_faultq_peek(&q, out, 4, &lost, &start), 4);
	CHECK_EQ(lost, 2);
	CHECK_EQ(out[0].va, 2);
	CHECK_EQ(fsvm_faultq_peek(&q, out, 4, &lost, &start), 4);
	CHECK_EQ(out[0].va, 2);
	CHECK_EQ(lost, 2);
	CHECK_EQ(q.count, FSVM_FAULTQ_LEN);
	/* pushes while the records are copied drop two of them: not lost */
	e.va = 100;
	fsvm_faultq_push(&q, &e);
	e.va = 101;
	fsvm_faultq_push(&q, &e);
	fsvm_faultq_consume(&q, start, 4, lost);
	CHECK_EQ(q.count, FSVM_FAULTQ_LEN - 2);
	CHECK_EQ(fsvm_faultq_pop(&q, out, 1, &lost), 1);
	CHECK_EQ(lost, 0);
	CHECK_EQ(out[0].va, 6);
	/* a drop past the copied records is lost */
	for (unsigned int i = 0; i < 3; i++)
		fsvm_faultq_push(&q, &e);	/* full again, nothing dropped */
	CHECK_EQ(fsvm_faultq_peek(&q, out, 1, &lost, &start), 1);
	CHECK_EQ(lost, 0);
	CHECK_EQ(out[0].va, 7);
	for (unsigned int i = 0; i < 3; i++)
		fsvm_faultq_push(&q, &e);	/* drops 7, 8, 9 */
	fsvm_faultq_consume(&q, start, 1, lost);
	CHECK_EQ(fsvm_faultq_pop(&q, out, 1, &lost), 1);
	CHECK_EQ(lost, 2);
	CHECK_EQ(out[0].va, 10);
}

int main(void)
{
	RUN(test_sizes);
	RUN(test_struct_size);
	RUN(test_bind);
	RUN(test_range);
	RUN(test_wait_eventfd_faults_reg);
	RUN(test_mmap);
	RUN(test_slots_ebusy);
	RUN(test_slots_quarantine);
	RUN(test_faultq);
	RUN(test_faultq_peek);
	return check_exit_code("test_uapi");
}
