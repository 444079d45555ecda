/* SPDX-License-Identifier: MIT */
/*
 * test_core.c - the freestanding device-model core without the sim runner:
 * a test memory port over a "physical memory" buffer holding a real AArch64
 * stage-1 table that this test builds, the SMMU programmed like a driver
 * would, and fsvm_model_step() called from this thread.
 *
 * Covers what the sim's synthetic tables cannot arrange: stall faults
 * resolved by "software" (the stall_wait hook maps the page and writes
 * RESUME retry, or terminates), walker permission faults, data-phase
 * failures reported by the port, and the cycle model's exact numbers.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fsvm_model.h"
#include "test_check.h"

#define PA_BASE		0x40000000ull
#define PHYS_SIZE	(4u << 20)
#define VBASE		0x00007f0000000000ull	/* data VAs: VBASE + page * 4096 */
#define NPAGES		64u
#define ASID		7u
#define SID		0x200u

static uint8_t *phys;
static uint64_t next_pa = PA_BASE;
static uint64_t root_pa;
static uint64_t refuse_write_pa = ~0ull;	/* port refuses writes to this page */
/* a write to this page holds its data phase until hold_release is set */
static uint64_t hold_write_pa = ~0ull;
static int hold_entered, hold_release;
static struct fsvm_model model;
static struct fsvm_model *m = &model;

/* stall handling by "software" */
enum { ST_RETRY, ST_TERMINATE };
static int stall_mode;
static uint64_t stall_expect_va;
static unsigned int stall_page;
static unsigned int stall_calls;
static unsigned int irqs;
static uint64_t ticks;

static void *P(uint64_t pa)
{
	return phys + (pa - PA_BASE);
}

static uint64_t alloc_page(void)
{
	uint64_t pa = next_pa;

	next_pa += 4096;
	memset(P(pa), 0, 4096);
	return pa;
}

static uint64_t *l3_slot(uint64_t va)
{
	uint64_t table = root_pa;

	for (unsigned int level = 0; level < 3; level++) {
		uint64_t *e = (uint64_t *)P(table) + ((va >> (39 - 9 * level)) & 511);

		if (!(*e & SMMU_PTE_VALID))
			*e = alloc_page() | SMMU_PTE_VALID | SMMU_PTE_TABLE;
		table = *e & SMMU_PTE_ADDR_MASK;
	}
	return (uint64_t *)P(table) + ((va >> 12) & 511);
}

static uint64_t page_pa[NPAGES];

static void map_page(unsigned int page, bool writable)
{
	*l3_slot(VBASE + page * 4096ull) = page_pa[page] | SMMU_PTE_VALID | SMMU_PTE_PAGE |
		SMMU_PTE_AF | SMMU_PTE_AP1 | (writable ? 0 : SMMU_PTE_AP2) |
		(3ull << SMMU_PTE_SH_SHIFT) | SMMU_PTE_NG;
}

static void unmap_page(unsigned int page)
{
	*l3_slot(VBASE + page * 4096ull) = 0;
	fsvm_model_smmu_write64(m, SMMU_CB_OFFSET(0) + SMMU_CB_TLBIVA,
				((VBASE + page * 4096ull) >> 12) | ((uint64_t)ASID << 48));
	fsvm_model_smmu_write32(m, SMMU_CB_OFFSET(0) + SMMU_CB_TLBSYNC, 0);
}

/* host pointer of a data VA */
static void *V(uint64_t va)
{
	return (uint8_t *)P(page_pa[(va - VBASE) >> 12]) + (va & 4095);
}

static uint64_t va_of(unsigned int page, unsigned int off)
{
	return VBASE + page * 4096ull + off;
}

/* ---- port ---- */
static int port_read_desc(void *priv, uint64_t pa, uint64_t *desc)
{
	(void)priv;
	if (pa < PA_BASE || pa + 8 > PA_BASE + PHYS_SIZE || (pa & 7))
		return 1;
	memcpy(desc, P(pa), 8);
	return 0;
}

static int port_read(void *priv, uint64_t pa, void *dst, uint32_t len)
{
	(void)priv;
	if (pa < PA_BASE || pa + len > PA_BASE + PHYS_SIZE || len > 4096 ||
	    (pa & 4095) + len > 4096)
		return 1;
	memcpy(dst, P(pa), len);
	return 0;
}

static int port_write(void *priv, uint64_t pa, const void *src, uint32_t len)
{
	(void)priv;
	if (pa < PA_BASE || pa + len > PA_BASE + PHYS_SIZE || len > 4096 ||
	    (pa & 4095) + len > 4096)
		return 1;
	if ((pa & ~4095ull) == refuse_write_pa)
		return 1;
	if ((pa & ~4095ull) == hold_write_pa) {
		__atomic_store_n(&hold_entered, 1, __ATOMIC_SEQ_CST);
		while (!__atomic_load_n(&hold_release, __ATOMIC_SEQ_CST))
			sched_yield();
	}
	memcpy(P(pa), src, len);
	return 0;
}

/* ---- host ---- */
static uint64_t host_now(void *priv)
{
	(void)priv;
	return ticks += 10;
}

static void host_irq(void *priv, unsigned int ctx)
{
	(void)priv;
	(void)ctx;
	irqs++;
}

static void host_stall_wait(void *priv, unsigned int ctx)
{
	uint32_t off = SMMU_CB_OFFSET(0);
	uint32_t fsr = fsvm_model_smmu_read32(m, off + SMMU_CB_FSR);

	(void)priv;
	stall_calls++;
	CHECK(fsr & SMMU_FSR_SS);
	CHECK(fsr & SMMU_FSR_TF);
	CHECK_EQ(fsvm_model_smmu_read64(m, off + SMMU_CB_FAR), stall_expect_va);
	CHECK(fsvm_model_mmio_read32(m, FSVM_CTX_OFF(ctx) + FSVM_CTX_STATUS) &
	      FSVM_CSTAT_STALLED);
	if (stall_calls < 3)
		return;		/* "software" takes a while: the model keeps polling */
	if (stall_mode == ST_RETRY) {
		map_page(stall_page, true);
		fsvm_model_smmu_write32(m, off + SMMU_CB_FSR, fsr);
		fsvm_model_smmu_write32(m, off + SMMU_CB_RESUME, SMMU_RESUME_RETRY);
	} else {
		fsvm_model_smmu_write32(m, off + SMMU_CB_FSR, fsr);
		fsvm_model_smmu_write32(m, off + SMMU_CB_RESUME, SMMU_RESUME_TERMINATE);
	}
}

/*
 * ABORT that arrives while the device is still reading the packet itself
 * (set here from begin_packet, just before the fetch): the packet's
 * completion address is not known yet, so it must be left for the abort
 * drain, which reads it again and writes its ABORTED record. It used to be
 * consumed with no record (fsvm_context_abort returned with the record
 * still PENDING: libfsvm_launch under qemu-aarch64, 5 of 12 runs).
 */
static int abort_in_begin;

static void host_begin_packet(void *priv, unsigned int ctx)
{
	uint32_t ctl;

	(void)priv;
	if (!abort_in_begin || ctx != 0)
		return;
	abort_in_begin = 0;
	ctl = fsvm_model_mmio_read32(m, FSVM_CTX_OFF(0) + FSVM_CTX_CONTROL);
	fsvm_model_mmio_write32(m, FSVM_CTX_OFF(0) + FSVM_CTX_CONTROL, ctl | FSVM_CTRL_ABORT);
}

/* ---- driver side ---- */
#define RING_PAGE	0u
#define CPL_PAGE	1u
static uint32_t wi;

static void run_all(void)
{
	int guard = 0;

	while (fsvm_model_step(m) && guard++ < 1000)
		;
	CHECK(!fsvm_model_has_work(m));
}

static struct fsvm_completion *submit(uint16_t kernel, const uint64_t *args, unsigned int n,
				      uint8_t flags)
{
	struct fsvm_packet *p = V(va_of(RING_PAGE, (wi % 16) * 64));
	uint64_t cva = va_of(CPL_PAGE, (wi % 16) * 64);
	struct fsvm_completion *c = V(cva);

	memset(p, 0, sizeof(*p));
	p->flags = flags;
	p->kernel_id = kernel;
	p->grid_size = 1;
	for (unsigned int i = 0; i < n; i++)
		p->args[i] = args[i];
	p->completion_va = cva;
	p->type = FSVM_PKT_KERNEL;
	memset(c, 0, sizeof(*c));
	wi++;
	fsvm_model_mmio_write32(m, FSVM_CTX_OFF(0) + FSVM_CTX_DOORBELL, wi);
	run_all();
	return c;
}

static void setup(void)
{
	struct fsvm_model_config cfg = {
		.num_contexts = 2, .tlb_entries = 16, .clock_hz = 100000000,
		.ddr_latency_cycles = 40, .tlb_hit_cycles = 1, .walk_read_cycles = 40,
		.axi_bytes_per_beat = 16, .stream_id_base = SID,
	};
	struct fsvm_model_port port = {
		.priv = NULL, .read_desc = port_read_desc, .mem_read = port_read,
		.mem_write = port_write, .xlate_hint = NULL,
	};
	struct fsvm_model_host host = {
		.priv = NULL, .now_ticks = host_now, .irq = host_irq,
		.stall_wait = host_stall_wait, .begin_packet = host_begin_packet,
	};
	uint32_t off = SMMU_CB_OFFSET(0);

	phys = aligned_alloc(4096, PHYS_SIZE);
	root_pa = alloc_page();
	for (unsigned int i = 0; i < NPAGES; i++) {
		page_pa[i] = alloc_page();
		map_page(i, true);
	}
	CHECK_EQ(fsvm_model_init(m, &cfg, &port, &host), 0);
	{
		/* One error value per kind of problem (fsvm_model.h). */
		static struct fsvm_model scratch;
		struct fsvm_model_config bad = cfg;
		struct fsvm_model_port noread = port;
		struct fsvm_model_kernels empty = { 0 };

		bad.num_contexts = 0;
		CHECK_EQ(fsvm_model_init(&scratch, &bad, &port, &host), -FSVM_MODEL_ERANGE);
		bad = cfg;
		bad.tlb_entries = FSVM_MODEL_MAX_TLB + 1;
		CHECK_EQ(fsvm_model_init(&scratch, &bad, &port, &host), -FSVM_MODEL_ERANGE);
		noread.mem_read = NULL;
		CHECK_EQ(fsvm_model_init(&scratch, &cfg, &noread, &host), -FSVM_MODEL_EINVAL);
		CHECK_EQ(fsvm_model_init(&scratch, NULL, &port, &host), -FSVM_MODEL_EINVAL);
		bad = cfg;
		bad.kernels = &empty;
		CHECK_EQ(fsvm_model_init(&scratch, &bad, &port, &host), -FSVM_MODEL_ENOEXEC);
		CHECK_EQ(FSVM_MODEL_EINVAL, EINVAL);
		CHECK_EQ(FSVM_MODEL_ERANGE, ERANGE);
		CHECK_EQ(FSVM_MODEL_ENOEXEC, ENOEXEC);
	}

	/* the kmod's part, in the architectural order */
	fsvm_model_smmu_write32(m, SMMU_GR0_SCR0, SMMU_SCR0_GFRE | SMMU_SCR0_USFCFG);
	fsvm_model_smmu_write32(m, SMMU_GR1_CBA2R(0), SMMU_CBA2R_VA64);
	fsvm_model_smmu_write32(m, SMMU_GR1_CBAR(0), SMMU_CBAR_TYPE(SMMU_CBAR_TYPE_S1_S2BYPASS));
	fsvm_model_smmu_write32(m, off + SMMU_CB_TCR2, SMMU_TCR2_PASIZE(5) | SMMU_TCR2_AS);
	fsvm_model_smmu_write32(m, off + SMMU_CB_TCR, SMMU_TCR_T0SZ(16) | SMMU_TCR_TG0_4K |
				SMMU_TCR_EPD1);
	fsvm_model_smmu_write64(m, off + SMMU_CB_TTBR0, root_pa | ((uint64_t)ASID << 48));
	fsvm_model_smmu_write32(m, off + SMMU_CB_MAIR0, 0xff);
	fsvm_model_smmu_write32(m, off + SMMU_CB_SCTLR, SMMU_SCTLR_M | SMMU_SCTLR_CFRE |
				SMMU_SCTLR_CFIE | SMMU_SCTLR_AFFD);
	fsvm_model_smmu_write32(m, SMMU_GR0_S2CR(0), SMMU_S2CR_TYPE(SMMU_S2CR_TYPE_TRANS) |
				SMMU_S2CR_CBNDX(0) |
				SMMU_S2CR_PRIVCFG(SMMU_S2CR_PRIVCFG_UNPRIV) |
				SMMU_S2CR_INSTCFG(SMMU_S2CR_INSTCFG_DATA));
	fsvm_model_smmu_write32(m, SMMU_GR0_SMR(0), SMMU_SMR(SID, 0) | SMMU_SMR_VALID);

	fsvm_model_mmio_write32(m, FSVM_CTX_OFF(0) + FSVM_CTX_RING_BASE_LO,
				(uint32_t)va_of(RING_PAGE, 0));
	fsvm_model_mmio_write32(m, FSVM_CTX_OFF(0) + FSVM_CTX_RING_BASE_HI,
				(uint32_t)(va_of(RING_PAGE, 0) >> 32));
	fsvm_model_mmio_write32(m, FSVM_CTX_OFF(0) + FSVM_CTX_RING_SIZE, 16);
	fsvm_model_mmio_write32(m, FSVM_CTX_OFF(0) + FSVM_CTX_CONTROL,
				FSVM_CTRL_ENABLE | FSVM_CTRL_IRQ_EN);
	CHECK(fsvm_model_mmio_read32(m, FSVM_CTX_OFF(0) + FSVM_CTX_STATUS) & FSVM_CSTAT_ENABLED);
	CHECK_EQ(fsvm_model_mmio_read32(m, FSVM_CTX_OFF(0) + FSVM_CTX_STREAM_ID), SID);
	CHECK_EQ(fsvm_model_mmio_read32(m, FSVM_CTX_OFF(1) + FSVM_CTX_STREAM_ID), SID + 1);
	CHECK_EQ(fsvm_model_mmio_read32(m, FSVM_CTX_OFF(2) + FSVM_CTX_STREAM_ID), 0xffffffffu);
	CHECK_EQ(fsvm_model_mmio_read32(m, FSVM_REG_MAGIC), FSVM_HW_MAGIC);
	CHECK_EQ(fsvm_model_mmio_read32(m, FSVM_REG_NUM_CONTEXTS), 2);
}

/* list of 6 nodes: nodes i on page 10 + i/2 */
static uint64_t build_list(unsigned int first_page)
{
	uint64_t prev = 0, head = 0;

	for (unsigned int i = 0; i < 6; i++) {
		uint64_t va = va_of(first_page + i / 2, 64 + 256 * (i % 2));
		struct fsvm_list_node *n = V(va);

		n->next = 0;
		n->key = i;
		n->payload = 100 + i;
		if (prev)
			((struct fsvm_list_node *)V(prev))->next = va;
		else
			head = va;
		prev = va;
	}
	return head;
}

static uint64_t ref_sum(void)
{
	uint64_t s = 0;

	for (unsigned int i = 0; i < 6; i++)
		s = FSVM_CHECKSUM_STEP(s, 100 + i);
	return s;
}

/* The device thread of the in-flight test. */
static void *device_thread(void *arg)
{
	int guard = 0;

	(void)arg;
	while (fsvm_model_step(m) && guard++ < 1000)
		;
	return NULL;
}

static void sleep_us(long us)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = us * 1000 };

	nanosleep(&ts, NULL);
}

/*
 * Issue 8 C2: while a memset burst is in its data phase, the driver unmaps
 * the page (TLBIVA + TLBSYNC). The sync must stay active until the burst
 * ends, or the CPU would free and reuse the page under the device's write.
 */
static void sync_waits_for_burst(void)
{
	uint32_t off = SMMU_CB_OFFSET(0);
	struct fsvm_packet *p = V(va_of(RING_PAGE, (wi % 16) * 64));
	uint64_t cva = va_of(CPL_PAGE, (wi % 16) * 64);
	struct fsvm_completion *c = V(cva);
	uint8_t *data = V(va_of(42, 0));
	unsigned int active = 0, polls, i;
	pthread_t th;

	memset(data, 0, 4096);
	memset(p, 0, sizeof(*p));
	p->kernel_id = FSVM_K_MEMSET;
	p->grid_size = 1;
	p->args[0] = va_of(42, 0);
	p->args[1] = 0x5a;
	p->args[2] = 4096;
	p->completion_va = cva;
	p->type = FSVM_PKT_KERNEL;
	memset(c, 0, sizeof(*c));
	hold_write_pa = page_pa[42];
	hold_entered = 0;
	hold_release = 0;
	wi++;
	fsvm_model_mmio_write32(m, FSVM_CTX_OFF(0) + FSVM_CTX_DOORBELL, wi);
	REQUIRE(pthread_create(&th, NULL, device_thread, NULL) == 0);
	while (!__atomic_load_n(&hold_entered, __ATOMIC_SEQ_CST))
		sleep_us(100);

	/* The burst is in flight: unmap its page the way the driver does. */
	*l3_slot(va_of(42, 0)) = 0;
	fsvm_model_smmu_write64(m, off + SMMU_CB_TLBIVA,
				(va_of(42, 0) >> 12) | ((uint64_t)ASID << 48));
	fsvm_model_smmu_write32(m, off + SMMU_CB_TLBSYNC, 0);
	for (i = 0; i < 200; i++) {
		if (fsvm_model_smmu_read32(m, off + SMMU_CB_TLBSTATUS) & SMMU_TLBSTATUS_SACTIVE)
			active++;
		sleep_us(100);
	}
	CHECK_EQ(active, 200);		/* 20 ms: never completed while held */
	CHECK_EQ(data[0], 0);		/* and the burst really was held */

	__atomic_store_n(&hold_release, 1, __ATOMIC_SEQ_CST);
	for (polls = 0; polls < 100000; polls++) {
		if (!(fsvm_model_smmu_read32(m, off + SMMU_CB_TLBSTATUS) & SMMU_TLBSTATUS_SACTIVE))
			break;
		sleep_us(10);
	}
	CHECK(polls < 100000);		/* the sync completes once the burst ended */
	pthread_join(th, NULL);
	CHECK_EQ(data[0], 0x5a);	/* the held burst itself was let through */
	CHECK_EQ(data[4095], 0x5a);
	CHECK_EQ(c->status, FSVM_ST_DONE);
	hold_write_pa = ~0ull;
	map_page(42, true);
}

static void abort_during_fetch(void)
{
	struct fsvm_completion *c;

	abort_in_begin = 1;
	c = submit(FSVM_K_NOP, NULL, 0, 0);
	CHECK_EQ(abort_in_begin, 0);		/* the hook ran */
	CHECK_EQ(c->status, FSVM_ST_ABORTED);	/* and the record was written */
	CHECK_EQ(fsvm_model_mmio_read32(m, FSVM_CTX_OFF(0) + FSVM_CTX_READ_INDEX), wi);
	CHECK_EQ(fsvm_model_mmio_read32(m, FSVM_CTX_OFF(0) + FSVM_CTX_CONTROL) & FSVM_CTRL_ABORT,
		 0);
	c = submit(FSVM_K_NOP, NULL, 0, 0);	/* the context goes on */
	CHECK_EQ(c->status, FSVM_ST_DONE);
}

int main(void)
{
	struct fsvm_completion *c;
	struct fsvm_chase_result *r;
	uint64_t res_va = va_of(2, 0), head, args[4];
	uint32_t off = SMMU_CB_OFFSET(0);

	setup();

	/* Cycle model, exactly: a cold NOP walks 4 levels for the packet fetch
	 * (1 + 4 * 40) and reads 64 bytes (40 + 64 / 16); a warm one hits. */
	c = submit(FSVM_K_NOP, NULL, 0, 0);
	CHECK_EQ(c->status, FSVM_ST_DONE);
	CHECK_EQ(c->cycles, 1 + 4 * 40 + 40 + 4);
	CHECK_EQ(c->tlb_misses, 1);
	CHECK_EQ(c->bytes, 64);
	CHECK(c->end_ticks > c->start_ticks);
	c = submit(FSVM_K_NOP, NULL, 0, FSVM_PKT_F_IRQ);
	CHECK_EQ(c->cycles, 1 + 40 + 4);
	CHECK_EQ(c->tlb_hits, 1);
	CHECK_EQ(irqs, 1);
	abort_during_fetch();

	/* A chase across three pages. */
	head = build_list(10);
	args[0] = head;
	args[1] = 100;
	args[2] = res_va;
	c = submit(FSVM_K_POINTER_CHASE, args, 3, 0);
	r = V(res_va);
	CHECK_EQ(c->status, FSVM_ST_DONE);
	CHECK_EQ(r->hops, 6);
	CHECK_EQ(r->checksum, ref_sum());
	CHECK_EQ(r->found, 1);
	CHECK_EQ(c->items, 6);

	/* Stall model: node 4's page is missing; software maps it and retries. */
	fsvm_model_smmu_write32(m, off + SMMU_CB_SCTLR, SMMU_SCTLR_M | SMMU_SCTLR_CFRE |
				SMMU_SCTLR_CFIE | SMMU_SCTLR_AFFD | SMMU_SCTLR_CFCFG);
	head = build_list(20);
	unmap_page(22);
	stall_mode = ST_RETRY;
	stall_page = 22;
	stall_expect_va = va_of(22, 64);
	stall_calls = 0;
	args[0] = head;
	c = submit(FSVM_K_POINTER_CHASE, args, 3, 0);
	CHECK_EQ(c->status, FSVM_ST_DONE);
	CHECK_EQ(c->stalls, 1);
	CHECK_EQ(stall_calls, 3);
	CHECK_EQ(r->hops, 6);
	CHECK_EQ(r->checksum, ref_sum());
	CHECK(!(fsvm_model_mmio_read32(m, FSVM_CTX_OFF(0) + FSVM_CTX_STATUS) & FSVM_CSTAT_STALLED));

	/* Stall, then software terminates: a translation fault at the exact VA. */
	head = build_list(30);
	unmap_page(31);
	stall_mode = ST_TERMINATE;
	stall_expect_va = va_of(31, 64);
	stall_calls = 0;
	args[0] = head;
	c = submit(FSVM_K_POINTER_CHASE, args, 3, 0);
	CHECK_EQ(c->status, FSVM_ST_FAULTED);
	CHECK_EQ(c->fault_va, va_of(31, 64));
	CHECK_EQ(FSVM_SYND_TYPE(c->syndrome), FSVM_FAULT_TRANSLATION);
	CHECK_EQ((c->syndrome & FSVM_SYND_LEVEL_MASK) >> FSVM_SYND_LEVEL_SHIFT, 3);
	CHECK_EQ(c->syndrome & FSVM_SYND_WRITE, 0);
	CHECK_EQ(c->items, 2);
	CHECK_EQ(c->stalls, 0);
	CHECK_EQ(fsvm_model_mmio_read32(m, FSVM_CTX_OFF(0) + FSVM_CTX_FAULT_VA_LO),
		 (uint32_t)va_of(31, 64));
	fsvm_model_smmu_write32(m, off + SMMU_CB_SCTLR, SMMU_SCTLR_M | SMMU_SCTLR_CFRE |
				SMMU_SCTLR_CFIE | SMMU_SCTLR_AFFD);
	fsvm_model_smmu_write32(m, off + SMMU_CB_FSR, 0xffffffffu);

	/* Walker permission fault: memset into a read-only page. */
	map_page(40, false);
	args[0] = va_of(40, 8);
	args[1] = 0xab;
	args[2] = 16;
	c = submit(FSVM_K_MEMSET, args, 3, 0);
	CHECK_EQ(c->status, FSVM_ST_FAULTED);
	CHECK_EQ(c->fault_va, va_of(40, 8));
	CHECK_EQ(FSVM_SYND_TYPE(c->syndrome), FSVM_FAULT_PERMISSION);
	CHECK(c->syndrome & FSVM_SYND_WRITE);
	CHECK(fsvm_model_smmu_read32(m, off + SMMU_CB_FSR) & SMMU_FSR_PF);
	fsvm_model_smmu_write32(m, off + SMMU_CB_FSR, 0xffffffffu);

	/* Data-phase failure reported by the port: permission fault, raised in
	 * the SMMU too. */
	refuse_write_pa = page_pa[41];
	args[0] = va_of(41, 200);
	c = submit(FSVM_K_MEMSET, args, 3, 0);
	CHECK_EQ(c->status, FSVM_ST_FAULTED);
	CHECK_EQ(c->fault_va, va_of(41, 200));
	CHECK_EQ(FSVM_SYND_TYPE(c->syndrome), FSVM_FAULT_PERMISSION);
	CHECK(c->syndrome & FSVM_SYND_WRITE);
	CHECK(fsvm_model_smmu_read32(m, off + SMMU_CB_FSR) & SMMU_FSR_PF);
	CHECK_EQ(fsvm_model_smmu_read64(m, off + SMMU_CB_FAR), va_of(41, 200));
	refuse_write_pa = ~0ull;

	/* Completion record on an unmapped page: recorded, never a crash. */
	{
		struct fsvm_packet *p = V(va_of(RING_PAGE, (wi % 16) * 64));
		uint32_t fc = fsvm_model_mmio_read32(m, FSVM_CTX_OFF(0) + FSVM_CTX_FAULT_COUNT);

		unmap_page(50);
		memset(p, 0, sizeof(*p));
		p->kernel_id = FSVM_K_NOP;
		p->completion_va = va_of(50, 0);
		p->type = FSVM_PKT_KERNEL;
		wi++;
		fsvm_model_mmio_write32(m, FSVM_CTX_OFF(0) + FSVM_CTX_DOORBELL, wi);
		run_all();
		CHECK_EQ(fsvm_model_mmio_read32(m, FSVM_CTX_OFF(0) + FSVM_CTX_READ_INDEX), wi);
		CHECK_EQ(fsvm_model_mmio_read32(m, FSVM_CTX_OFF(0) + FSVM_CTX_FAULT_COUNT), fc + 1);
		CHECK(fsvm_model_mmio_read32(m, FSVM_CTX_OFF(0) + FSVM_CTX_FAULT_SYND) &
		      FSVM_SYND_PACKET);
		CHECK(fsvm_model_mmio_read32(m, FSVM_CTX_OFF(0) + FSVM_CTX_FAULT_SYND) &
		      FSVM_SYND_WRITE);
	}

	/* A context whose stream is not routed: global fault, EXTERNAL. */
	fsvm_model_mmio_write32(m, FSVM_CTX_OFF(1) + FSVM_CTX_RING_BASE_LO,
				(uint32_t)va_of(RING_PAGE, 0));
	fsvm_model_mmio_write32(m, FSVM_CTX_OFF(1) + FSVM_CTX_RING_BASE_HI,
				(uint32_t)(va_of(RING_PAGE, 0) >> 32));
	fsvm_model_mmio_write32(m, FSVM_CTX_OFF(1) + FSVM_CTX_RING_SIZE, 16);
	fsvm_model_mmio_write32(m, FSVM_CTX_OFF(1) + FSVM_CTX_CONTROL, FSVM_CTRL_ENABLE);
	fsvm_model_mmio_write32(m, FSVM_CTX_OFF(1) + FSVM_CTX_DOORBELL, 1);
	run_all();
	CHECK_EQ(fsvm_model_mmio_read32(m, FSVM_CTX_OFF(1) + FSVM_CTX_READ_INDEX), 1);
	CHECK_EQ(FSVM_SYND_TYPE(fsvm_model_mmio_read32(m, FSVM_CTX_OFF(1) + FSVM_CTX_FAULT_SYND)),
		 FSVM_FAULT_EXTERNAL);
	CHECK(fsvm_model_smmu_read32(m, SMMU_GR0_SGFSR) & SMMU_SGFSR_USF);

	/*
	 * CONTROL.RESET (issue 8 L1): ignored while ENABLE is set; with the
	 * context disabled and idle every register of the page reads 0, the
	 * ring included (enabling again without a new ring is refused).
	 */
	{
		uint32_t b = FSVM_CTX_OFF(1);

		fsvm_model_mmio_write32(m, b + FSVM_CTX_CONTROL, FSVM_CTRL_ENABLE | FSVM_CTRL_RESET);
		CHECK_EQ(fsvm_model_mmio_read32(m, b + FSVM_CTX_RING_SIZE), 16);
		CHECK_EQ(fsvm_model_mmio_read32(m, b + FSVM_CTX_READ_INDEX), 1);
		CHECK(fsvm_model_mmio_read32(m, b + FSVM_CTX_CONTROL) & FSVM_CTRL_ENABLE);
		fsvm_model_mmio_write32(m, b + FSVM_CTX_CONTROL, 0);
		CHECK(fsvm_model_mmio_read32(m, b + FSVM_CTX_FAULT_COUNT) != 0);
		fsvm_model_mmio_write32(m, b + FSVM_CTX_CONTROL, FSVM_CTRL_RESET | FSVM_CTRL_IRQ_EN);
		for (uint32_t reg = 0; reg < FSVM_CTX_STREAM_ID; reg += 4)
			CHECK_EQ(fsvm_model_mmio_read32(m, b + reg), 0);
		CHECK_EQ(fsvm_model_mmio_read32(m, b + FSVM_CTX_STREAM_ID), SID + 1);
		fsvm_model_mmio_write32(m, b + FSVM_CTX_CONTROL, FSVM_CTRL_ENABLE);
		CHECK(fsvm_model_mmio_read32(m, b + FSVM_CTX_STATUS) & FSVM_CSTAT_BAD_RING);
		CHECK(!fsvm_model_has_work(m));
	}

	sync_waits_for_burst();

	free(phys);
	return check_exit_code("test_core");
}
