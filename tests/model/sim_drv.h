/* SPDX-License-Identifier: MIT */
/*
 * sim_drv.h - a minimal driver for the tests: what libfsvm does, written
 * against fsvm_sim.h and fsvm_hw.h only (a ring in malloc'ed memory,
 * packets built by hand, MMIO register writes).
 */
#ifndef FSVM_TEST_SIM_DRV_H
#define FSVM_TEST_SIM_DRV_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fsvm_hw.h"
#include "fsvm_sim.h"
#include "test_check.h"
#include "workload.h"

/* 64-byte aligned allocation of any size (aligned_alloc wants a multiple). */
static inline void *amalloc(size_t n)
{
	return aligned_alloc(64, (n + 63u) & ~(size_t)63u);
}

struct drv {
	struct fsvm_sim *sim;
	unsigned int ctx;
	uint32_t base;		/* context page offset */
	struct fsvm_packet *ring;
	uint32_t size;
	uint32_t wi;		/* write index */
};

static inline uint32_t drv_rd(struct drv *d, uint32_t reg)
{
	return fsvm_sim_mmio_read32(d->sim, d->base + reg);
}

static inline void drv_wr(struct drv *d, uint32_t reg, uint32_t v)
{
	fsvm_sim_mmio_write32(d->sim, d->base + reg, v);
}

static inline int drv_open(struct drv *d, struct fsvm_sim *sim, uint32_t size)
{
	int err;

	memset(d, 0, sizeof(*d));
	d->sim = sim;
	err = fsvm_sim_bind(sim, &d->ctx);
	if (err)
		return err;
	d->base = FSVM_CTX_OFF(d->ctx);
	d->size = size;
	d->ring = amalloc((size_t)size * sizeof(struct fsvm_packet));
	if (!d->ring)
		return -1;
	memset(d->ring, 0, (size_t)size * sizeof(struct fsvm_packet));
	drv_wr(d, FSVM_CTX_RING_BASE_LO, (uint32_t)(uintptr_t)d->ring);
	drv_wr(d, FSVM_CTX_RING_BASE_HI, (uint32_t)((uint64_t)(uintptr_t)d->ring >> 32));
	drv_wr(d, FSVM_CTX_RING_SIZE, size);
	drv_wr(d, FSVM_CTX_CONTROL, FSVM_CTRL_ENABLE | FSVM_CTRL_IRQ_EN);
	return (drv_rd(d, FSVM_CTX_STATUS) & FSVM_CSTAT_ENABLED) ? 0 : -1;
}

static inline void drv_close(struct drv *d)
{
	fsvm_sim_unbind(d->sim, d->ctx);
	free(d->ring);
	d->ring = NULL;
}

/* Queue one kernel packet (waits for ring space) and ring the doorbell. */
static inline uint32_t drv_submit(struct drv *d, uint16_t kernel, const uint64_t *args,
				  unsigned int nargs, struct fsvm_completion *cpl,
				  uint8_t flags)
{
	struct fsvm_packet *p;
	uint32_t idx = d->wi;

	while (d->wi - drv_rd(d, FSVM_CTX_READ_INDEX) >= d->size)
		sched_yield();
	p = &d->ring[idx % d->size];
	__atomic_store_n(&p->type, (uint8_t)FSVM_PKT_INVALID, __ATOMIC_RELAXED);
	p->flags = flags;
	p->kernel_id = kernel;
	p->grid_size = 1;
	for (unsigned int i = 0; i < FSVM_INLINE_ARGS; i++)
		p->args[i] = i < nargs ? args[i] : 0;
	p->completion_va = (uint64_t)(uintptr_t)cpl;
	p->user_tag = idx;
	if (cpl)
		__atomic_store_n(&cpl->status, (uint32_t)FSVM_ST_PENDING, __ATOMIC_RELAXED);
	__atomic_store_n(&p->type, (uint8_t)FSVM_PKT_KERNEL, __ATOMIC_RELEASE);
	d->wi++;
	drv_wr(d, FSVM_CTX_DOORBELL, d->wi);
	return idx;
}

/* Wait for a completion record; returns its status or -1 on timeout. */
static inline int drv_wait(const struct fsvm_completion *cpl, uint64_t timeout_ns)
{
	uint64_t t0 = check_now_ns();
	unsigned int spins = 0;

	for (;;) {
		uint32_t st = __atomic_load_n(&cpl->status, __ATOMIC_ACQUIRE);

		if (st != FSVM_ST_PENDING)
			return (int)st;
		if (++spins > 1000) {
			if (check_now_ns() - t0 > timeout_ns)
				return -1;
			sched_yield();
		}
	}
}

/* Wait until READ_INDEX reaches idx. */
static inline int drv_wait_index(struct drv *d, uint32_t idx, uint64_t timeout_ns)
{
	uint64_t t0 = check_now_ns();

	while ((int32_t)(drv_rd(d, FSVM_CTX_READ_INDEX) - idx) < 0) {
		if (check_now_ns() - t0 > timeout_ns)
			return -1;
		sched_yield();
	}
	return 0;
}

static inline uint64_t drv_fault_va(struct drv *d)
{
	return (uint64_t)drv_rd(d, FSVM_CTX_FAULT_VA_LO) |
	       ((uint64_t)drv_rd(d, FSVM_CTX_FAULT_VA_HI) << 32);
}

/*
 * A random-order list of n nodes in the slots of nodes[0..n-1] (xorshift
 * shuffle); returns the head. Cyclic: the last node points back to the head.
 */
static inline struct fsvm_list_node *make_list_in(struct fsvm_list_node *nodes, size_t n,
						  uint64_t seed, bool cyclic)
{
	uint32_t *order = malloc(n * sizeof(*order));
	uint64_t x = seed | 1;
	struct fsvm_list_node *head;

	REQUIRE(order);
	for (size_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j;
		uint32_t t;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = (size_t)(x % (i + 1));
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (size_t i = 0; i < n; i++) {
		struct fsvm_list_node *nd = &nodes[order[i]];

		nd->key = i;
		nd->payload = i * 0x9e3779b97f4a7c15ull;
		nd->pad = 0;
		nd->next = i + 1 < n ? (uint64_t)(uintptr_t)&nodes[order[i + 1]] :
			   (cyclic ? (uint64_t)(uintptr_t)&nodes[order[0]] : 0);
	}
	head = &nodes[order[0]];
	free(order);
	return head;
}

/* The same list in a new 64-byte aligned array (returned; free it). */
static inline struct fsvm_list_node *make_list(size_t n, uint64_t seed, bool cyclic,
					       struct fsvm_list_node **head)
{
	struct fsvm_list_node *nodes = amalloc(n * sizeof(*nodes));

	REQUIRE(nodes);
	*head = make_list_in(nodes, n, seed, cyclic);
	return nodes;
}

#endif /* FSVM_TEST_SIM_DRV_H */
