// SPDX-License-Identifier: GPL-2.0-only
/*
 * Argument validation of the /dev/fsvmN interface.
 * See fsvm_uapi_check.h. Builds in the kernel and in user space.
 */
#include "fsvm_uapi_check.h"
#include "fsvm_hw.h"

#define PAGE_MASK_4K	0xfffull

#define IOC_SIZE_BITS	(((unsigned int)_IOC_SIZEMASK) << _IOC_SIZESHIFT)

/*
 * GET_INFO and DIAG carry their own size: the same command with any
 * _IOC_SIZE from the fixed header on (a binary built with an older,
 * smaller or a newer, larger struct) is that command.
 */
unsigned int fsvm_uapi_cmd(unsigned int ucmd)
{
	unsigned int base = ucmd & ~IOC_SIZE_BITS;

	if (base == (FSVM_IOC_GET_INFO & ~IOC_SIZE_BITS) &&
	    _IOC_SIZE(ucmd) >= offsetof(struct fsvm_info, kernel_table))
		return FSVM_IOC_GET_INFO;
	if (base == (FSVM_IOC_DIAG & ~IOC_SIZE_BITS) &&
	    _IOC_SIZE(ucmd) >= offsetof(struct fsvm_diag, banks))
		return FSVM_IOC_DIAG;
	return ucmd;
}

long fsvm_uapi_copy_len(unsigned int ucmd)
{
	long size = fsvm_uapi_arg_size(ucmd);

	if (size > 0 && (long)_IOC_SIZE(ucmd) < size)
		size = _IOC_SIZE(ucmd);
	return size;
}

long fsvm_uapi_arg_size(unsigned int ucmd)
{
	switch (fsvm_uapi_cmd(ucmd)) {
	case FSVM_IOC_GET_INFO:		return sizeof(struct fsvm_info);
	case FSVM_IOC_BIND:		return sizeof(struct fsvm_bind);
	case FSVM_IOC_UNBIND:		return 0;
	case FSVM_IOC_PREFAULT:		return sizeof(struct fsvm_range);
	case FSVM_IOC_WAIT:		return sizeof(struct fsvm_wait);
	case FSVM_IOC_SET_EVENTFD:	return sizeof(struct fsvm_eventfd);
	case FSVM_IOC_READ_FAULTS:	return sizeof(struct fsvm_faults);
	case FSVM_IOC_ABORT:		return 0;
	case FSVM_IOC_CTX_WRITE:	return sizeof(struct fsvm_reg);
	case FSVM_IOC_DIAG:		return sizeof(struct fsvm_diag);
	default:			return -ENOTTY;
	}
}

bool fsvm_ctx_reg_writable(uint32_t offset)
{
	switch (offset) {
	case FSVM_CTX_RING_BASE_LO:
	case FSVM_CTX_RING_BASE_HI:
	case FSVM_CTX_RING_SIZE:
	case FSVM_CTX_CONTROL:
	case FSVM_CTX_DOORBELL:
	case FSVM_CTX_IRQ_STATUS:
		return true;
	default:
		return false;
	}
}

/* A user range: non-empty, no wrap, inside user space; page aligned out. */
static int check_user_range(uint64_t va, uint64_t len, uint64_t max_len,
			    uint64_t va_end, uint64_t *start, uint64_t *end)
{
	uint64_t s, e;

	if (len == 0 || len > max_len || va >= va_end || len > va_end - va)
		return -EINVAL;
	s = va & ~PAGE_MASK_4K;
	e = va + len;
	if (e & PAGE_MASK_4K)
		e = (e | PAGE_MASK_4K) + 1;	/* va_end is page aligned: no wrap */
	if (e > va_end)
		return -EINVAL;
	*start = s;
	*end = e;
	return 0;
}

/* Bytes to copy back: the caller's size, at most ours and its buffer's. */
static uint32_t copy_back(uint32_t size, size_t ours, unsigned int ucmd)
{
	if (size > ours)
		size = (uint32_t)ours;
	if (size > _IOC_SIZE(ucmd))	/* what the caller's buffer holds */
		size = _IOC_SIZE(ucmd);
	return size;
}

static int check_info(const struct fsvm_info *in, unsigned int ucmd, struct fsvm_req *req)
{
	if (in->size < (uint32_t)offsetof(struct fsvm_info, kernel_table))
		return -EINVAL;
	req->u.info.copy = copy_back(in->size, sizeof(*in), ucmd);
	return 0;
}

static int check_bind(const struct fsvm_bind *b, const struct fsvm_uapi_limits *lim,
		      struct fsvm_req *req)
{
	if ((b->flags & ~FSVM_BIND_F_ALL) || b->reserved || b->context || b->stream_id ||
	    b->bank || b->asid || b->mode || b->mmap_offset || b->mmap_size)
		return -EINVAL;
	if ((b->flags & FSVM_BIND_F_ALL) == FSVM_BIND_F_ALL)
		return -EINVAL;
	if (b->flags & FSVM_BIND_F_MODE_SHARED) {
		if (!lim->shared_allowed)
			return -EPERM;
		req->u.bind.mode = FSVM_MODE_SHARED;
	} else if (b->flags & FSVM_BIND_F_MODE_MIRROR) {
		req->u.bind.mode = FSVM_MODE_MIRROR;
	} else {
		req->u.bind.mode = lim->default_mode;
	}
	return 0;
}

static int check_range(const struct fsvm_range *r, const struct fsvm_uapi_limits *lim,
		       struct fsvm_req *req)
{
	if ((r->flags & ~FSVM_RANGE_F_WRITE) || r->reserved)
		return -EINVAL;
	req->u.range.write = (r->flags & FSVM_RANGE_F_WRITE) != 0;
	return check_user_range(r->va, r->len, FSVM_PREFAULT_MAX, lim->user_va_end,
				&req->u.range.start, &req->u.range.end);
}

static int check_wait(const struct fsvm_wait *w, struct fsvm_req *req)
{
	if (w->reserved || w->irq_count || w->status || w->timeout_ns > FSVM_WAIT_MAX_NS)
		return -EINVAL;
	req->u.wait.seen = w->seen;
	req->u.wait.timeout_ns = w->timeout_ns;
	return 0;
}

static int check_eventfd(const struct fsvm_eventfd *e, struct fsvm_req *req)
{
	if (e->reserved || e->fd < -1)
		return -EINVAL;
	req->u.efd.fd = e->fd;
	return 0;
}

static int check_faults(const struct fsvm_faults *f, const struct fsvm_uapi_limits *lim,
			struct fsvm_req *req)
{
	uint64_t start, end;

	if (f->reserved || f->count || f->lost || f->max == 0 || f->max > FSVM_FAULTS_MAX)
		return -EINVAL;
	if (f->entries & 7u)
		return -EINVAL;
	if (check_user_range(f->entries, (uint64_t)f->max * sizeof(struct fsvm_fault_entry),
			     (uint64_t)FSVM_FAULTS_MAX * sizeof(struct fsvm_fault_entry),
			     lim->user_va_end, &start, &end))
		return -EINVAL;
	req->u.faults.uptr = f->entries;
	req->u.faults.max = f->max;
	return 0;
}

static int check_reg(const struct fsvm_reg *r, struct fsvm_req *req)
{
	if ((r->offset & 3u) || r->offset >= FSVM_UAPI_CTX_PAGE ||
	    !fsvm_ctx_reg_writable(r->offset))
		return -EINVAL;
	req->u.reg.offset = r->offset;
	req->u.reg.value = r->value;
	return 0;
}

static int check_diag(const struct fsvm_diag *d, unsigned int ucmd, struct fsvm_req *req)
{
	if (d->size < (uint32_t)offsetof(struct fsvm_diag, banks))
		return -EINVAL;
	req->u.diag.copy = copy_back(d->size, sizeof(*d), ucmd);
	return 0;
}

int fsvm_uapi_check(unsigned int ucmd, const void *arg, size_t len,
		    const struct fsvm_uapi_limits *lim, struct fsvm_req *req)
{
	unsigned int cmd = fsvm_uapi_cmd(ucmd);
	long want = fsvm_uapi_arg_size(cmd);

	if (want < 0)
		return -ENOTTY;
	if ((size_t)want != len || (want && !arg))
		return -EINVAL;
	req->cmd = cmd;
	switch (cmd) {
	case FSVM_IOC_GET_INFO:
		return check_info(arg, ucmd, req);
	case FSVM_IOC_BIND:
		return check_bind(arg, lim, req);
	case FSVM_IOC_PREFAULT:
		return check_range(arg, lim, req);
	case FSVM_IOC_WAIT:
		return check_wait(arg, req);
	case FSVM_IOC_SET_EVENTFD:
		return check_eventfd(arg, req);
	case FSVM_IOC_READ_FAULTS:
		return check_faults(arg, lim, req);
	case FSVM_IOC_CTX_WRITE:
		return check_reg(arg, req);
	case FSVM_IOC_DIAG:
		return check_diag(arg, ucmd, req);
	default:	/* UNBIND, ABORT: no argument */
		return 0;
	}
}

int fsvm_uapi_check_mmap(uint64_t pgoff, uint64_t len, bool shared, bool bound,
			 uint64_t expected_pgoff)
{
	if (!bound)
		return -ENXIO;
	if (!shared || len != FSVM_UAPI_CTX_PAGE || pgoff != expected_pgoff)
		return -EINVAL;
	return 0;
}

void fsvm_slots_init(struct fsvm_slots *s, unsigned int n)
{
	s->used = 0;
	s->quarantined = 0;
	s->n = n > FSVM_UAPI_MAX_CONTEXTS ? FSVM_UAPI_MAX_CONTEXTS : n;
}

int fsvm_slot_get(struct fsvm_slots *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		if (!(s->used & (1u << i))) {
			s->used |= 1u << i;
			return (int)i;
		}
	}
	return -EBUSY;
}

void fsvm_slot_put(struct fsvm_slots *s, unsigned int idx)
{
	if (idx < s->n && !(s->quarantined & (1u << idx)))
		s->used &= ~(1u << idx);
}

void fsvm_slot_quarantine(struct fsvm_slots *s, unsigned int idx)
{
	if (idx < s->n) {
		s->quarantined |= 1u << idx;
		s->used |= 1u << idx;
	}
}

unsigned int fsvm_slots_quarantined(const struct fsvm_slots *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->n; i++)
		if (s->quarantined & (1u << i))
			n++;
	return n;
}

unsigned int fsvm_slots_free(const struct fsvm_slots *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->n; i++)
		if (!(s->used & (1u << i)))
			n++;
	return n;
}

void fsvm_faultq_init(struct fsvm_faultq *q)
{
	q->head = 0;
	q->count = 0;
	q->lost = 0;
	q->removed = 0;
}

void fsvm_faultq_push(struct fsvm_faultq *q, const struct fsvm_fault_entry *e)
{
	if (q->count == FSVM_FAULTQ_LEN) {
		q->head = (q->head + 1) % FSVM_FAULTQ_LEN;
		q->count--;
		q->lost++;
		q->removed++;
	}
	q->e[(q->head + q->count) % FSVM_FAULTQ_LEN] = *e;
	q->count++;
}

unsigned int fsvm_faultq_peek(const struct fsvm_faultq *q, struct fsvm_fault_entry *out,
			      unsigned int max, uint32_t *lost, uint64_t *start)
{
	unsigned int n = 0;

	while (n < max && n < q->count) {
		out[n] = q->e[(q->head + n) % FSVM_FAULTQ_LEN];
		n++;
	}
	*lost = q->lost;
	*start = q->removed;
	return n;
}

void fsvm_faultq_consume(struct fsvm_faultq *q, uint64_t start, unsigned int n, uint32_t lost)
{
	uint64_t end = start + n, gone;

	/* Records of [start, end) push dropped meanwhile: read, not lost. */
	gone = (q->removed < end ? q->removed : end) - start;
	lost += (uint32_t)gone;
	q->lost = q->lost > lost ? q->lost - lost : 0;
	while (q->removed < end && q->count) {
		q->head = (q->head + 1) % FSVM_FAULTQ_LEN;
		q->count--;
		q->removed++;
	}
}

unsigned int fsvm_faultq_pop(struct fsvm_faultq *q, struct fsvm_fault_entry *out,
			     unsigned int max, uint32_t *lost)
{
	uint64_t start;
	unsigned int n = fsvm_faultq_peek(q, out, max, lost, &start);

	fsvm_faultq_consume(q, start, n, *lost);
	return n;
}
