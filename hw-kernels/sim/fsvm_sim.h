/* SPDX-License-Identifier: MIT */
/*
 * fsvm_sim.h - the simulated fsvm device, running in a thread of this process.
 *
 * This is the user-space home of the device model core (hw-kernels/model):
 * it gives the core a device thread, a clock, an interrupt line and a memory
 * port that reaches this process's memory safely (an unmapped, PROT_NONE or
 * read-only address becomes an SMMU fault record, never a crash), and it
 * plays the part the kernel module plays on a board: programming the SMMU
 * context bank of a context at bind time.
 *
 * libfsvm's `sim` backend uses this header and nothing else of the model.
 * Every function returns 0 or a negative errno value unless it says otherwise.
 */
#ifndef FSVM_SIM_H
#define FSVM_SIM_H

#include <stdint.h>

struct fsvm_sim;

enum fsvm_sim_log_level {
	FSVM_SIM_LOG_DEBUG = 0,
	FSVM_SIM_LOG_INFO = 1,
	FSVM_SIM_LOG_WARN = 2,
	FSVM_SIM_LOG_ERROR = 3,
};

struct fsvm_sim_config {
	unsigned int num_contexts;	/* 1..FSVM_MAX_CONTEXTS */
	unsigned int tlb_entries;	/* SMMU TLB size modeled */
	uint32_t clock_hz;		/* kernel clock, also the timestamp rate */
	/* Cycle model, in kernel clock cycles / bytes. */
	uint32_t ddr_latency_cycles;	/* one DDR read round trip */
	uint32_t tlb_hit_cycles;	/* translation on a TLB hit */
	uint32_t walk_read_cycles;	/* one descriptor read of a table walk */
	uint32_t axi_bytes_per_beat;	/* data bus width of the AXI master */
	/* Device thread: spin this long after the last work before sleeping. */
	uint32_t idle_spin_us;
	/*
	 * NULL or "": the built-in kernel table (fsvm_kernels.def). Otherwise a
	 * device built with fsvm_add_device(): its name (libfsvm-dev-<name>.so,
	 * searched in $FSVM_DEVICE_PATH, the executable's directory, libfsvm's
	 * directory, <libdir>/fsvm) or a path to the .so (contains a '/').
	 * fsvm_sim_create: -ENODEV when not found, -ENOEXEC when refused.
	 */
	const char *device;
	/*
	 * NULL or "": the device model's register file and sequencer (C).
	 * "rtl": the Verilated RTL shell (hw-kernels/rtl) in their place, with
	 * the HLS C command processor as its lanes (hw-kernels/cosim,
	 * libfsvm-cosim-rtl.so, searched like a device plugin; -ENODEV when it
	 * is not found, e.g. the tree was built without Verilator; -EINVAL when
	 * num_contexts is not the one the RTL was built for). Everything else
	 * (SMMU, memory port, faults, notes, plugins) is the same; compiled
	 * kernels register but their packets are BAD_PACKET, as on silicon.
	 */
	const char *engine;
	/* Where the simulator's messages go (libfsvm passes its logger). May be NULL. */
	void (*log)(int level, const char *msg);
};

/*
 * Fill cfg with the defaults: the device of fsvm_model_default_config (a
 * ZCU102-like 300 MHz shell, the same the kernel module's emulation runs).
 * Cannot fail.
 */
void fsvm_sim_default_config(struct fsvm_sim_config *cfg);

/*
 * Create the device and start its thread. Every failure is logged through
 * cfg->log with its reason (the caller has nothing to add and should not
 * log it again):
 *   -ENODEV        cfg->device names no plugin that can be found or read
 *   -ENOEXEC       the plugin is refused (not loadable, no or a bad
 *                  fsvm_device_plugin, another ABI or contract, a malformed
 *                  kernel table), or the model cannot run its table
 *   -ERANGE        a configuration value out of range (contexts, TLB
 *                  entries, clock, AXI beat; or more contexts than the SMMU
 *                  model has banks)
 *   -ENAMETOOLONG  a plugin path longer than PATH_MAX
 *   -EIO           the SMMU model or the memory port's fault guard unusable
 *   -ENOMEM, -EAGAIN (no memory, no thread), -EINVAL (NULL cfg or out)
 */
int fsvm_sim_create(const struct fsvm_sim_config *cfg, struct fsvm_sim **out);

/* Stop the device thread and free everything. NULL is ignored. */
void fsvm_sim_destroy(struct fsvm_sim *sim);

/*
 * The MMIO accessor: a 32-bit load/store in the control window (offsets of
 * fsvm_hw.h). On a board these are plain loads and stores to the mapped
 * window. An offset outside the window reads 0xffffffff / is ignored, like
 * an AXI4-Lite decode error answered by the shell.
 */
uint32_t fsvm_sim_mmio_read32(struct fsvm_sim *sim, uint32_t off);
void fsvm_sim_mmio_write32(struct fsvm_sim *sim, uint32_t off, uint32_t val);

/*
 * The kernel module's part: take a free context and give it this process's
 * address space (program and enable its SMMU context bank). *ctx receives
 * the context number. -EBUSY when every context is taken; -EIO when the
 * context's SMMU bank could not be programmed (logged; a bank whose TLB
 * sync timed out is quarantined and not bound again).
 */
int fsvm_sim_bind(struct fsvm_sim *sim, unsigned int *ctx);

/* Disable the context, invalidate its TLB entries and release it. */
int fsvm_sim_unbind(struct fsvm_sim *sim, unsigned int ctx);

/*
 * Interrupts: the number raised so far on ctx, and a wait until that number
 * differs from `seen` (0) or timeout_ns passes (-ETIMEDOUT).
 */
uint32_t fsvm_sim_irq_count(struct fsvm_sim *sim, unsigned int ctx);
int fsvm_sim_wait_irq(struct fsvm_sim *sim, unsigned int ctx, uint32_t seen,
		      uint64_t timeout_ns);

/*
 * The host's page table is not ARM's, so the simulated walker cannot see
 * page sizes: tell it that [va, va + len) is backed by pages of
 * 1 << page_shift bytes (12 or 21). len and va must be aligned to that size
 * (-EINVAL otherwise). -ENOSPC when the table of 2 MiB notes (64) is full:
 * the range is then walked as 4 KiB pages, correct but slower.
 */
int fsvm_sim_note_mapping(struct fsvm_sim *sim, uint64_t va, uint64_t len,
			  unsigned int page_shift);

/*
 * What the kernel module's mmu_notifier does: drop the device's
 * translations of [va, va + len) before the memory is unmapped or reused.
 * Also forgets a page-size note covering the range. Cannot fail.
 */
void fsvm_sim_invalidate(struct fsvm_sim *sim, uint64_t va, uint64_t len);

/*
 * The SMMU-500 in front of the device, as the kernel module sees it: 32/64-bit
 * register accesses at the offsets of hw-kernels/smmu/smmu500.h (relative to
 * the SMMU base). Context n uses StreamID FSVM_CTX_STREAM_ID and context bank
 * n. For tests and diagnostics (read the fault registers, switch a bank to the
 * stall model, RESUME a stalled transaction); libfsvm does not need them.
 * A write wakes a device transaction waiting on a stalled bank.
 */
uint32_t fsvm_sim_smmu_read32(struct fsvm_sim *sim, uint32_t off);
uint64_t fsvm_sim_smmu_read64(struct fsvm_sim *sim, uint32_t off);
void fsvm_sim_smmu_write32(struct fsvm_sim *sim, uint32_t off, uint32_t val);
void fsvm_sim_smmu_write64(struct fsvm_sim *sim, uint32_t off, uint64_t val);

/*
 * The SMMU is programmed as the kernel module programs it: its banks stall
 * on a fault (SCTLR.CFCFG), and the simulator's fault handler (the kernel
 * module's fault worker) reads the fault, faults the page in through this
 * process's own page table (for writing on a write) and resumes the held
 * transaction with retry, or terminates it when the page cannot be made
 * accessible (unmapped, PROT_NONE, a write to a read-only page, a fault of
 * one VA resolved FSVM_FAULT_RETRY_LIMIT times in a row). A terminated
 * transaction ends the packet as FAULTED with the fault record. The last
 * fault the handler took on a context, and its counters:
 */
struct fsvm_sim_fault {
	uint64_t far;		/* SMMU FAR: the faulting VA */
	uint32_t fsr;		/* SMMU FSR as captured (SMMU_FSR_SS: it stalled) */
	uint32_t fsynr0;
	uint32_t syndrome;	/* FSVM_SYND_* the device reports for it */
	uint32_t resolved;	/* 1 resumed with retry, 0 terminated */
	uint64_t stalls;	/* held transactions resumed, since bind */
	uint64_t resolved_count;
	uint64_t terminated_count;
};

/* -EINVAL for a bad ctx; -ENOENT when no fault was taken since bind. */
int fsvm_sim_fault_info(struct fsvm_sim *sim, unsigned int ctx, struct fsvm_sim_fault *out);

/*
 * Compiled kernels (FSVM_PKT_COMPILED, see fsvm_hw.h and fsvm_cl_abi.h):
 * register one work-item function of an instrumented OpenCL C kernel with
 * the device's compiled-kernel engine. *handle receives the value for
 * struct fsvm_compiled_launch.handle. arg_kinds[nargs] are
 * enum fsvm_cl_arg_kind values (copied). -ENOSPC when the engine's table
 * (256 kernels) is full. A kernel must not be unregistered while a launch
 * of it is queued or running (the code must stay loaded until then too).
 */
typedef void (*fsvm_sim_wi_fn)(const uint64_t *args);

struct fsvm_sim_compiled_kernel {
	const char *name;		/* for messages; may be NULL */
	fsvm_sim_wi_fn fn;
	unsigned int nargs;		/* <= FSVM_COMPILED_MAX_ARGS */
	const uint8_t *arg_kinds;
};

int fsvm_sim_compiled_register(struct fsvm_sim *sim, const struct fsvm_sim_compiled_kernel *k,
			       uint64_t *handle);
/* -EINVAL for a handle that is not registered. */
int fsvm_sim_compiled_unregister(struct fsvm_sim *sim, uint64_t handle);

#endif /* FSVM_SIM_H */
