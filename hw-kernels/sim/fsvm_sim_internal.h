/* SPDX-License-Identifier: MIT */
/* fsvm_sim_internal.h - shared between the simulator's files; not public API. */
#ifndef FSVM_SIM_INTERNAL_H
#define FSVM_SIM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "fsvm_model.h"
#include "fsvm_smmu_prog.h"
#include "fsvm_sim.h"
#include "fsvm_sim_engine.h"

#define SIM_MAX_NOTES	64u

/*
 * Synthetic stage-1 tables. The host page table is not ARM's, so the
 * descriptors the SMMU walker reads are made up on the fly: a table at walk
 * level L covering the VA prefix P (the VA bits above that level's index)
 * has the fake physical address SYN_TABLE(L, P); bit 47 marks it (user VAs
 * on x86-64 are below 2^47, so no leaf PA = VA ever carries it).
 */
#define SYN_MARK		(1ull << 47)
#define SYN_LEVEL_SHIFT		44u
#define SYN_PREFIX_MASK		((1ull << 27) - 1ull)
#define SYN_TABLE(l, p)		(SYN_MARK | ((uint64_t)(l) << SYN_LEVEL_SHIFT) | \
				 (((uint64_t)(p) & SYN_PREFIX_MASK) << 12))
#define SYN_ROOT		SYN_TABLE(0, 0)

/* MAIR as Linux arm64 programs MAIR_EL1: attr 0 normal WB, 1 tagged,
 * 2 normal NC, 3 device nGnRnE, 4 device nGnRE. */
#define SIM_MAIR0		0x0044f0ffu
#define SIM_MAIR1		0x00000004u

struct sim_note {
	uint64_t va, len;
};

struct fsvm_sim {
	struct fsvm_sim_config cfg;
	struct fsvm_model model;

	pthread_t thread;
	bool thread_started;
	uint32_t stop;
	/* device thread sleep/wake: futex on wake_seq */
	uint32_t wake_seq;
	uint32_t sleeping;
	int kick_cpu;		/* CPU of the thread that last rang (see idle_spin_ns) */

	/*
	 * The kernel module's part. The SMMU is programmed through kmod's
	 * fsvm_smmu_prog.c (the one programming path of silicon, emulation
	 * and sim) over io, which reaches the model's SMMU.
	 */
	struct fsvm_smmu_io io;
	struct fsvm_smmu_caps caps;
	pthread_mutex_t lock;		/* bind state, SMMU programming sequences */
	uint32_t bound_mask;		/* under lock */
	uint32_t quarantined;		/* under lock: never bound again */
	uint32_t live[FSVM_MAX_CONTEXTS];	/* bank on (atomic; written under lock) */
	/* The fault handler's state (device thread only) and its record. */
	uint64_t last_fault_va[FSVM_MAX_CONTEXTS];
	uint64_t last_fault_ns[FSVM_MAX_CONTEXTS];
	unsigned int same_va_count[FSVM_MAX_CONTEXTS];
	pthread_mutex_t fault_lock;	/* faults[] */
	struct fsvm_sim_fault faults[FSVM_MAX_CONTEXTS];

	/* interrupts: futex on irq_count[ctx] */
	uint32_t irq_count[FSVM_MAX_CONTEXTS];
	uint32_t irq_waiters[FSVM_MAX_CONTEXTS];

	/* stall_wait sleeps on this; bumped by fsvm_sim_smmu_write* */
	uint32_t smmu_seq;

	/* page-size notes, written under lock, read by the walker through a seqlock */
	uint32_t note_seq;
	uint32_t nnotes;
	struct sim_note notes[SIM_MAX_NOTES];

	/* device thread only: the VA the walker is translating */
	uint64_t hint_va;

	/* compiled-kernel engine (sim_compiled.c) */
	struct sim_compiled_table *ctab;

	/* a device plugin's kernels (sim_plugin.c); plugin NULL: built-in */
	void *plugin;
	struct fsvm_model_kernels kernels;

	/* cfg.engine "rtl" (sim_engine.c): the co-simulated shell, NULL: the model */
	const struct fsvm_sim_engine_ops *eng_ops;
	void *eng;
	void *eng_handle;
	struct fsvm_axi eng_axi[FSVM_MAX_CONTEXTS];	/* device thread: forwarded bursts */
};

/* sim_mem.c */
int sim_guard_install(void);
void sim_port_init(struct fsvm_sim *sim, struct fsvm_model_port *port);
bool sim_note_covers(struct fsvm_sim *sim, uint64_t va, uint64_t len);
int sim_fault_in(uint64_t va, bool write);

/* sim_plugin.c: load and check the plugin cfg.device names (0, -ENODEV
 * when not found, -ENOEXEC when refused); unload after the thread stopped. */
int sim_plugin_load(struct fsvm_sim *sim, const char *device);
void sim_plugin_unload(struct fsvm_sim *sim);

/* sim_plugin.c's search for any file name: 0 (path in out) or -ENODEV. */
int sim_find_so(const char *file, char *out, size_t size, char *inst, size_t inst_size,
		bool *in_exe);

/* sim_engine.c: load and start the engine cfg.engine names (after the
 * model is initialized, before the device thread starts); unload after the
 * thread stopped. MMIO goes to the engine when sim->eng is set. */
int sim_engine_load(struct fsvm_sim *sim, const char *engine);
void sim_engine_unload(struct fsvm_sim *sim);
void sim_wake_device(struct fsvm_sim *sim);
uint32_t sim_engine_mmio_read32(struct fsvm_sim *sim, uint32_t off);

/* sim_compiled.c */
int sim_compiled_init(struct fsvm_sim *sim);
void sim_compiled_fini(struct fsvm_sim *sim);
uint32_t sim_run_compiled(void *priv, struct fsvm_axi *a, unsigned int ctx,
			  uint64_t desc_va, struct fsvm_model_compiled_io *io);

/* fsvm_sim.c */
void sim_log(struct fsvm_sim *sim, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* FSVM_SIM_INTERNAL_H */
