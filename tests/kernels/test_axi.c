/* SPDX-License-Identifier: MIT */
/* test_axi.c - the tests' AXI master port over host memory; see test_axi.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_axi.h"

void taxi_reset(struct fsvm_axi *m)
{
	m->faulted = 0;
	m->fault_va = 0;
	m->fault_write = 0;
	m->calls_after_fault = 0;
	m->reads = m->writes = 0;
	m->read_bytes = m->write_bytes = 0;
	m->max_burst = 0;
	m->nwlog = 0;
}

void taxi_clear_faults(struct fsvm_axi *m)
{
	m->nfault = 0;
	taxi_add_fault(m, 0, TAXI_NULL_GUARD, TAXI_F_RW);
}

void taxi_init(struct fsvm_axi *m)
{
	memset(m, 0, sizeof(*m));
	taxi_clear_faults(m);
}

void taxi_add_fault(struct fsvm_axi *m, uint64_t va, uint64_t len, unsigned int flags)
{
	if (m->nfault >= TAXI_MAX_FAULTS) {
		fprintf(stderr, "test_axi: too many faulting ranges\n");
		abort();
	}
	m->fault[m->nfault].lo = va;
	m->fault[m->nfault].hi = va + len;
	m->fault[m->nfault].flags = flags;
	m->nfault++;
}

/* 0 if the access may proceed, -1 if it faults (recorded). */
static int taxi_access(struct fsvm_axi *m, uint64_t va, uint32_t len, int write)
{
	uint64_t first = UINT64_MAX;

	if (len == 0 || len > 4096u || (va & 4095u) + len > 4096u) {
		fprintf(stderr, "test_axi: BURST RULE BROKEN: %s va=0x%llx len=%u "
			"(empty, > 4096 bytes or crossing a 4 KiB boundary)\n",
			write ? "write" : "read", (unsigned long long)va, len);
		abort();
	}
	if (m->faulted)
		m->calls_after_fault++;
	if (write) {
		m->writes++;
		if (m->nwlog < TAXI_LOG_MAX) {
			m->wlog[m->nwlog].va = va;
			m->wlog[m->nwlog].len = len;
		}
		m->nwlog++;
	} else {
		m->reads++;
	}
	if (len > m->max_burst)
		m->max_burst = len;

	for (unsigned int i = 0; i < m->nfault; i++) {
		const struct taxi_range *r = &m->fault[i];

		if (!(r->flags & (write ? TAXI_F_WRITE : TAXI_F_READ)))
			continue;
		if (va < r->hi && va + len > r->lo) {
			uint64_t at = va > r->lo ? va : r->lo;

			if (at < first)
				first = at;
		}
	}
	if (first != UINT64_MAX) {
		if (!m->faulted) {
			m->faulted = 1;
			m->fault_va = first;
			m->fault_write = write;
		}
		return -1;
	}
	if (write)
		m->write_bytes += len;
	else
		m->read_bytes += len;
	return 0;
}

int fsvm_axi_read(fsvm_axi_t *m, uint64_t va, void *dst, uint32_t len)
{
	if (taxi_access(m, va, len, 0) != 0)
		return -1;
	memcpy(dst, (const void *)(uintptr_t)va, len);
	return 0;
}

int fsvm_axi_write(fsvm_axi_t *m, uint64_t va, const void *src, uint32_t len)
{
	if (taxi_access(m, va, len, 1) != 0)
		return -1;
	memcpy((void *)(uintptr_t)va, src, len);
	return 0;
}

void shuffle_u32(struct prng *r, uint32_t *perm, uint32_t n)
{
	for (uint32_t i = n; i > 1; i--) {
		uint32_t j = (uint32_t)prng_below(r, i);
		uint32_t t = perm[i - 1];

		perm[i - 1] = perm[j];
		perm[j] = t;
	}
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "out of memory (%zu bytes)\n", n);
		exit(2);
	}
	return p;
}

void *xpage_alloc(size_t n)
{
	size_t sz = (n + 4095u) & ~(size_t)4095u;
	void *p = aligned_alloc(4096, sz ? sz : 4096);

	if (!p) {
		fprintf(stderr, "out of memory (%zu bytes)\n", n);
		exit(2);
	}
	return p;
}

void pkt_fill(struct fsvm_packet *p, uint8_t type, uint8_t flags, uint16_t kernel_id,
	      const uint64_t *args, uint32_t nargs, uint64_t block_va,
	      uint64_t completion_va, uint64_t user_tag)
{
	memset(p, 0, sizeof(*p));
	p->flags = flags;
	p->kernel_id = kernel_id;
	p->grid_size = 1;
	if (flags & FSVM_PKT_F_ARG_BLOCK) {
		p->args[0] = block_va;
	} else {
		for (uint32_t i = 0; i < nargs && i < FSVM_INLINE_ARGS; i++)
			p->args[i] = args[i];
	}
	p->completion_va = completion_va;
	p->user_tag = user_tag;
	p->type = type;		/* written last, as the host does */
}
