/* SPDX-License-Identifier: MIT */
/*
 * backend_checks.h - the backend interface of internal.h, below the
 * library: what every backend's operations must do, checked on one backend
 * through struct fsvm_backend_ops alone. One suite, two runners: CTest's
 * test_libfsvm_backend (sim) and the QEMU scenario s10_backend_ops (hw,
 * the kernel module). A new backend (e.g. the RTL co-simulation) is found
 * by its name through device.c's table (fsvm_backend_find) and must pass
 * the same checks.
 *
 * Device level: dev_read of the identification page (MAGIC, contexts) and
 * the kernel table (entry 0 is nop), TIME_LO/HI moving forward. Context
 * level: bind hands out distinct handles with their index until
 * FSVM_ERR_BUSY, ctx_write32/ctx_read32 reach the context's own page, and
 * wait follows its contract: at once for a stale `seen`, FSVM_ERR_TIMEOUT
 * (after the timeout, not before) when nothing happened, FSVM_OK with a
 * new count when a packet asking for the interrupt completes.
 *
 * Uses the counters of test_check.h (CHECK, CHECK_EQ, check_failures).
 */
#ifndef FSVM_TEST_BACKEND_CHECKS_H
#define FSVM_TEST_BACKEND_CHECKS_H

#include <string.h>
#include <sys/mman.h>

#include "check.h"
#include "internal.h"

static const struct fsvm_backend_ops *ops;
static void *dev;

static uint32_t id_reg(uint32_t off)
{
	uint32_t v;

	ops->dev_read(dev, off, &v, 1);
	return v;
}

static void test_device_level(uint32_t *ncontexts)
{
	struct fsvm_kernel_desc nop;
	uint32_t words[sizeof(nop) / 4], t0[2], t1[2];

	CHECK_EQ(id_reg(FSVM_REG_MAGIC), FSVM_HW_MAGIC);
	CHECK_EQ(id_reg(FSVM_REG_VERSION) >> 16, FSVM_HW_VERSION_MAJOR);
	*ncontexts = id_reg(FSVM_REG_NUM_CONTEXTS);
	CHECK(*ncontexts >= 1 && *ncontexts <= FSVM_MAX_CONTEXTS);
	CHECK(id_reg(FSVM_REG_NUM_KERNELS) >= 1);
	/* Several words in one call, in address order. */
	ops->dev_read(dev, FSVM_KERNEL_TABLE_OFF, words, sizeof(words) / 4);
	memcpy(&nop, words, sizeof(nop));
	CHECK_EQ(nop.id, 0);
	CHECK_EQ(nop.nargs, 0);
	CHECK(strncmp(nop.name, "nop", FSVM_NAME_LEN) == 0);
	/* LO latches HI: the pair is one reading of a clock that runs. */
	ops->dev_read(dev, FSVM_REG_TIME_LO, t0, 2);
	ops->dev_read(dev, FSVM_REG_TIME_LO, t1, 2);
	CHECK(((uint64_t)t1[1] << 32 | t1[0]) >= ((uint64_t)t0[1] << 32 | t0[0]));
}

static void test_bind_all(uint32_t ncontexts)
{
	struct fsvm_backend_ctx *bc[FSVM_MAX_CONTEXTS + 1];
	unsigned int n = 0;
	int err;

	while (n <= FSVM_MAX_CONTEXTS) {
		err = ops->bind(dev, &bc[n]);
		if (err)
			break;
		CHECK(bc[n]->index < ncontexts);
		for (unsigned int i = 0; i < n; i++) {
			CHECK(bc[i] != bc[n]);
			CHECK(bc[i]->index != bc[n]->index);
		}
		n++;
	}
	CHECK_ERR(err, FSVM_ERR_BUSY);
	CHECK_EQ(n, ncontexts);
	/* Each handle reaches its own page: RING_SIZE is writable while disabled. */
	for (unsigned int i = 0; i < n; i++)
		ops->ctx_write32(bc[i], FSVM_CTX_RING_SIZE, 2u << i);
	for (unsigned int i = 0; i < n; i++)
		CHECK_EQ(ops->ctx_read32(bc[i], FSVM_CTX_RING_SIZE), 2u << i);
	while (n)
		ops->unbind(bc[--n]);
	/* Given back: bindable again. */
	CHECK_ERR(ops->bind(dev, &bc[0]), FSVM_OK);
	if (bc[0])
		ops->unbind(bc[0]);
}

static void test_wait(void)
{
	struct fsvm_backend_ctx *bc = NULL;
	struct fsvm_packet *ring;
	struct fsvm_completion *rec;
	uint32_t seen = 0, before;
	uint64_t t, ring_va;
	int err;

	CHECK_ERR(ops->bind(dev, &bc), FSVM_OK);
	if (!bc)
		return;
	ring = mmap(NULL, FSVM_PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	REQUIRE(ring != MAP_FAILED);
	memset(ring, 0, FSVM_PAGE_SIZE);
	rec = (struct fsvm_completion *)(ring + 16);	/* after 16 slots, in the same page */
	ring_va = (uint64_t)(uintptr_t)ring;
	ops->ctx_write32(bc, FSVM_CTX_CONTROL, 0);
	ops->ctx_write32(bc, FSVM_CTX_RING_BASE_LO, (uint32_t)ring_va);
	ops->ctx_write32(bc, FSVM_CTX_RING_BASE_HI, (uint32_t)(ring_va >> 32));
	ops->ctx_write32(bc, FSVM_CTX_RING_SIZE, 16);
	ops->ctx_write32(bc, FSVM_CTX_CONTROL, FSVM_CTRL_ENABLE | FSVM_CTRL_IRQ_EN);
	CHECK_EQ(ops->ctx_read32(bc, FSVM_CTX_STATUS) & FSVM_CSTAT_BAD_RING, 0);

	/* Nothing happens: the first call may report old news (seen was a
	 * guess), the next one times out, and only after its timeout. */
	err = ops->wait(bc, &seen, 0);
	CHECK(err == FSVM_OK || err == FSVM_ERR_TIMEOUT);
	CHECK_ERR(ops->wait(bc, &seen, 0), FSVM_ERR_TIMEOUT);
	t = fsvm_now_ns();
	CHECK_ERR(ops->wait(bc, &seen, 2000000), FSVM_ERR_TIMEOUT);
	CHECK(fsvm_now_ns() - t >= 1000000);
	/* A stale seen returns at once, with the count as it is. */
	before = seen;
	seen = before - 1;
	CHECK_ERR(ops->wait(bc, &seen, 1000000000ull), FSVM_OK);
	CHECK_EQ(seen, before);

	/* A nop asking for the interrupt: the count moves, wait wakes. */
	rec->status = FSVM_ST_PENDING;
	ring[0].kernel_id = FSVM_K_NOP;
	ring[0].grid_size = 1;
	ring[0].flags = FSVM_PKT_F_IRQ;
	ring[0].completion_va = (uint64_t)(uintptr_t)rec;
	__atomic_store_n(&ring[0].type, FSVM_PKT_KERNEL, __ATOMIC_RELEASE);
	ops->ctx_write32(bc, FSVM_CTX_DOORBELL, 1);
	t = fsvm_now_ns();
	do {
		err = ops->wait(bc, &seen, 100000000ull);
	} while (__atomic_load_n(&rec->status, __ATOMIC_ACQUIRE) == FSVM_ST_PENDING &&
		 fsvm_now_ns() - t < TEST_TIMEOUT_NS);
	CHECK_EQ(__atomic_load_n(&rec->status, __ATOMIC_ACQUIRE), FSVM_ST_DONE);
	/* The record is written before the interrupt is raised: the count
	 * may move a moment after the record says DONE. */
	t = fsvm_now_ns();
	while (seen == before && fsvm_now_ns() - t < TEST_TIMEOUT_NS)
		ops->wait(bc, &seen, 100000000ull);
	CHECK(seen != before);
	CHECK_EQ(ops->ctx_read32(bc, FSVM_CTX_READ_INDEX), 1);
	/* Once seen, the same completion does not wake a second wait for long:
	 * at most one spurious return (sim reports a pending IRQ_STATUS bit),
	 * then a timeout. */
	err = ops->wait(bc, &seen, 0);
	if (err == FSVM_OK)
		err = ops->wait(bc, &seen, 0);
	CHECK_ERR(err, FSVM_ERR_TIMEOUT);

	ops->ctx_write32(bc, FSVM_CTX_CONTROL, 0);
	ops->unbind(bc);
	munmap(ring, FSVM_PAGE_SIZE);
}

/*
 * Run every check on the backend of a device name ("sim", "hw:/dev/fsvm0").
 * -1 for a name no constructor takes; else the checks ran (check_failures
 * says how they went).
 */
static inline int backend_checks_run(const char *name)
{
	const char *args, *backend;
	fsvm_backend_open_fn open = fsvm_backend_find(name, &args, &backend);
	uint32_t ncontexts = 0;

	if (!open)
		return -1;
	ops = NULL;
	CHECK_ERR(open(args, &ops, &dev), FSVM_OK);
	if (!ops)
		return 0;
	CHECK(ops->dev_read && ops->close && ops->bind && ops->unbind && ops->ctx_read32 &&
	      ops->ctx_write32 && ops->wait);
	test_device_level(&ncontexts);
	test_bind_all(ncontexts);
	test_wait();
	ops->close(dev);
	return 0;
}

#endif /* FSVM_TEST_BACKEND_CHECKS_H */
