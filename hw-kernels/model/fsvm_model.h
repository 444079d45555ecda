/* SPDX-License-Identifier: MIT */
/*
 * fsvm_model.h - the device-model core: the FPGA shell around the command
 * processor and kernels of hw-kernels/hls, with the SMMU-500 model of
 * hw-kernels/smmu in front of its AXI master.
 *
 * FREESTANDING: no libc, no allocation, no threads. The caller allocates
 * struct fsvm_model (defined in full below) and supplies two small
 * interfaces:
 *
 *  - the memory port (struct fsvm_model_port): the descriptor reader of the
 *    SMMU's table walker, and the data phase of one AXI burst after the SMMU
 *    has translated it (pa = SMMU output address, at most 4 KiB, inside one
 *    page);
 *  - the host hooks (struct fsvm_model_host): a clock, an interrupt line,
 *    and what to do while a transaction is held by a stalled SMMU bank.
 *
 * The user-space runner (hw-kernels/sim) gives the core a device thread; the
 * kernel module's emulation mode gives it a kernel thread. Both drive it with
 * fsvm_model_step() and reach its registers with fsvm_model_mmio_*().
 *
 * Threads: fsvm_model_step() runs in one device thread. fsvm_model_mmio_*()
 * and fsvm_model_smmu_*() may be called from any thread at the same time:
 * register state is accessed with __atomic operations, and every access to
 * the SMMU model (translations by the device, register accesses by the
 * host) is serialized by a lock inside struct fsvm_model (a spinlock, or the
 * host's lock hooks if given).
 */
#ifndef FSVM_MODEL_H
#define FSVM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsvm_hw.h"
#include "smmu500.h"

/* Reads the kernels' AXI master keeps outstanding at once (the
 * num_read_outstanding of the batched kernels' m_axi port). */
#define FSVM_MODEL_AXI_OUTSTANDING	8u

/* Largest SMMU TLB the model can hold (storage is inside struct fsvm_model). */
#define FSVM_MODEL_MAX_TLB	256u

/*
 * Error returns of fsvm_model_init, one per kind of problem: negative errno
 * values, spelled out (the model has no libc). The numbers are Linux's, so
 * the simulator and the kernel module's emulation pass them on unchanged.
 *   -FSVM_MODEL_EINVAL   the caller's bug: a NULL model, config, port or
 *                        host, a port without read_desc/mem_read/mem_write,
 *                        a host lock without unlock (or the reverse)
 *   -FSVM_MODEL_ERANGE   a configuration the model cannot hold:
 *                        num_contexts outside 1..FSVM_MAX_CONTEXTS or above
 *                        the SMMU's banks, tlb_entries above
 *                        FSVM_MODEL_MAX_TLB, StreamIDs past the SMR ID field
 *   -FSVM_MODEL_ENOEXEC  a kernel table (cfg->kernels) it cannot run: no
 *                        table or dispatch, or 0 or more than
 *                        FSVM_MAX_KERNELS entries
 */
#define FSVM_MODEL_EINVAL	22
#define FSVM_MODEL_ERANGE	34
#define FSVM_MODEL_ENOEXEC	8

/*
 * The memory port. Every callback returns 0 on success and non-zero when the
 * access failed.
 *  read_desc: one 64-bit descriptor for the SMMU's table walker at physical
 *             address pa; failure = bus error on the walk (FSR.EF + PTWF).
 *  mem_read / mem_write: the data phase of one burst, pa = SMMU output
 *             address, len <= 4096, [pa, pa + len) inside one 4 KiB page.
 *             A failed mem_write is reported as a permission fault at the
 *             burst's VA (the simulator learns that a page is read-only only
 *             when the store is refused); a failed mem_read as a translation
 *             fault (the page went away after the walk). Both are also
 *             recorded in the SMMU bank (smmu_raise_fault, level 3), so the
 *             SMMU's fault registers say what the context's do.
 *  xlate_hint: optional (may be NULL): called with the VA of each burst
 *             (its first byte), its length and direction before the burst
 *             is translated, also when the translation then hits a TLB; a
 *             synthetic descriptor source may use it (the simulator probes
 *             that byte rather than the page start in a walk, and prefetches
 *             the burst's bytes into the host's cache). A hint changes no
 *             figure of the model.
 */
struct fsvm_model_port {
	void *priv;
	int (*read_desc)(void *priv, uint64_t pa, uint64_t *desc);
	int (*mem_read)(void *priv, uint64_t pa, void *dst, uint32_t len);
	int (*mem_write)(void *priv, uint64_t pa, const void *src, uint32_t len);
	void (*xlate_hint)(void *priv, uint64_t va, uint32_t len, bool write);
};

/*
 * Host hooks, all called from the device thread (inside fsvm_model_step).
 *  now_ticks:  device clock in clock_hz ticks (timestamps, TIME_LO/HI).
 *  irq:        the context's interrupt line: called when IRQ_STATUS gained
 *              a bit and CONTROL.IRQ_EN is set.
 *  stall_wait: a transaction of context ctx is held by a stalled SMMU bank;
 *              wait a little (the model polls smmu_stall_poll after each
 *              call). May be NULL (the model then just polls).
 * Optional (may be NULL):
 *  begin_packet: called before each packet of ctx is fetched (the simulator
 *              uses it to invalidate the bank's TLB, see hw-kernels/sim).
 *  smmu_irq:   the SMMU's context fault interrupt for bank cb (SCTLR.CFIE).
 *              Called with the SMMU lock held: do not call fsvm_model_smmu_*.
 *  lock/unlock: the lock that serializes SMMU accesses; NULL = the model's
 *              own spinlock.
 *  run_compiled: the compiled-kernel engine (simulation only): run the
 *              FSVM_PKT_COMPILED packet whose launch descriptor is at
 *              desc_va, reaching memory only through the port a (by VA,
 *              with fsvm_axi_read/write). Returns an enum fsvm_status.
 *              NULL: such packets complete as FSVM_ST_BAD_PACKET.
 */
/*
 * What the compiled-kernel engine reports for one FSVM_PKT_COMPILED packet
 * (see run_compiled below). Faults the memory port raises are in the
 * struct fsvm_axi as for every kernel; these are the rest.
 */
struct fsvm_model_compiled_io {
	uint32_t items;		/* work-items run */
	bool in_fetch;		/* it stopped while reading the descriptor/arguments */
	uint64_t fault_va;	/* a fault the engine detected itself (alignment) */
	uint32_t syndrome;
};

struct fsvm_model_host {
	void *priv;
	uint64_t (*now_ticks)(void *priv);
	void (*irq)(void *priv, unsigned int ctx);
	void (*stall_wait)(void *priv, unsigned int ctx);
	/* optional: called by the device thread before every burst, outside
	 * every lock and every in-flight bracket; the host may reschedule */
	void (*yield)(void *priv);
	void (*begin_packet)(void *priv, unsigned int ctx);
	void (*smmu_irq)(void *priv, unsigned int cb);
	void (*lock)(void *priv);
	void (*unlock)(void *priv);
	uint32_t (*run_compiled)(void *priv, struct fsvm_axi *a, unsigned int ctx,
				 uint64_t desc_va, struct fsvm_model_compiled_io *io);
};

/*
 * The kernels behind the command processor: a kernel table ROM (entry i has
 * id i; count entries, nop first) and the fsvm_cp_dispatch compiled with
 * it. The built-in set is hw-kernels/hls as linked; a simulated device
 * built with fsvm_add_device() brings its own (hw-kernels/sim loads and
 * checks it).
 */
struct fsvm_cp_result;
struct fsvm_axi;
struct fsvm_model_kernels {
	const struct fsvm_kernel_desc *table;
	uint32_t count;			/* 1..FSVM_MAX_KERNELS */
	void (*dispatch)(struct fsvm_axi *a, uint64_t ring_va, uint32_t ring_size,
			 uint32_t index, struct fsvm_cp_result *res);
};

struct fsvm_model_config {
	/* NULL: the built-in kernels (fsvm_kernels.def); copied at init */
	const struct fsvm_model_kernels *kernels;
	unsigned int num_contexts;	/* 1..FSVM_MAX_CONTEXTS (and <= SMMU_MAX_CB) */
	unsigned int tlb_entries;	/* 0..FSVM_MODEL_MAX_TLB */
	uint32_t clock_hz;		/* reported in CLOCK_HZ; rate of now_ticks */
	/* Cycle model (see cycle_model.c). */
	uint32_t ddr_latency_cycles;	/* one DDR round trip */
	uint32_t tlb_hit_cycles;	/* translation on a TLB hit */
	uint32_t walk_read_cycles;	/* one descriptor read of a walk */
	uint32_t axi_bytes_per_beat;	/* AXI data width in bytes (power of two) */
	/* Context n is wired to StreamID stream_id_base + n and, by the
	 * driver's convention, to SMMU context bank n. */
	uint32_t stream_id_base;
	/* SMMU geometry: 0 = defaults (48-bit IAS/OAS, coherent walk). */
	unsigned int smmu_oas_bits;
};

/* One hardware context (the registers of its page plus latched state). */
struct fsvm_model_ctx {
	/* registers (host-visible) */
	uint32_t ring_base_lo, ring_base_hi, ring_size;
	uint32_t control, doorbell, read_index, status, irq_status;
	uint32_t fault_va_lo, fault_va_hi, fault_synd, fault_packet;
	uint32_t fault_count, completed;
	/* latched at the ENABLE rising edge */
	uint64_t ring_va;
	uint32_t ring_n;
	uint32_t ring_valid;
	uint32_t epoch;			/* enable count: a packet of an old epoch
					 * does not touch READ_INDEX */
	/* doorbell writes; an INVALID packet parks the context until the next */
	uint32_t db_seq;
	uint32_t parked, parked_seq;
};

/*
 * The per-launch state of the kernels' AXI master (fsvm_hw.h leaves
 * struct fsvm_axi opaque; the model defines it).
 */
struct fsvm_model;
struct fsvm_axi {
	struct fsvm_model *m;
	unsigned int ctx;
	uint16_t sid;
	bool check_abort;	/* fail accesses once CONTROL.ABORT is set */
	bool aborted;		/* an access was refused because of ABORT */
	bool faulted;		/* an access faulted: fault_va/synd hold the first */
	uint64_t fault_va;
	uint32_t synd;		/* FSVM_SYND_* (type, write, level) */
	/* counters of this launch */
	uint64_t bytes;
	uint64_t cycles;
	uint32_t tlb_hits, tlb_misses, stalls, bursts;
	/*
	 * One-entry "last translation" cache: the page the previous burst
	 * translated. It is what the SMMU TLB holds as its most recently used
	 * entry, so a hit here counts as a TLB hit. It is dropped when the
	 * SMMU generation changes (any register write through
	 * fsvm_model_smmu_write*, which includes every TLBI) and at every
	 * packet start.
	 */
	bool lt_valid;
	/*
	 * An overlap group (fsvm_axi_overlap_begin/end, cycle_model.c): the
	 * translation and data-beat cycles of its bursts, and how many there
	 * were, charged at the end with the latency overlapped.
	 */
	bool ov_active;
	uint32_t ov_bursts;
	uint64_t ov_cycles;
	uint8_t lt_acc;		/* bit 0: read translated, bit 1: write translated */
	uint32_t lt_gen;
	unsigned int lt_cb;
	uint64_t lt_va, lt_pa, lt_mask;
	/*
	 * Co-simulation (hw-kernels/cosim): when set, every page-bounded burst
	 * of fsvm_axi_read/write goes to redirect() (exactly one of rd/wr is
	 * non-NULL) instead of the SMMU model and the memory port; 0 OKAY,
	 * non-zero a failed burst. Nothing else of this struct is then used.
	 */
	int (*redirect)(void *priv, uint64_t va, void *rd, const void *wr, uint32_t len);
	void *redirect_priv;
};

struct fsvm_model {
	struct fsvm_model_config cfg;
	struct fsvm_model_kernels kernels;	/* what cfg.kernels pointed to */
	struct fsvm_model_port port;
	struct fsvm_model_host host;
	struct smmu smmu;
	struct smmu_tlb_entry tlb[FSVM_MODEL_MAX_TLB];
	struct fsvm_model_ctx ctx[FSVM_MAX_CONTEXTS];
	struct fsvm_axi axi;		/* the launch in progress */
	uint32_t smmu_lock;		/* spinlock when host->lock is NULL */
	uint32_t smmu_gen;		/* bumped on every SMMU register write */
	uint32_t time_hi_latch;
	unsigned int rr;		/* next context to look at (round robin) */
};

/*
 * The one default device: what the user-space simulator runs and what the
 * kernel module's emulation mode runs (each may then change num_contexts).
 * A ZCU102-like shell: 4 contexts, a 64-entry SMMU TLB, the 300 MHz kernel
 * clock of the Vivado design (hw-kernels/vivado, pl_mhz), 128-bit AXI,
 * contexts on HPC0's StreamIDs (FSVM_MODEL_STREAM_ID_BASE + n), 48-bit
 * SMMU output. Cannot fail.
 */
#define FSVM_MODEL_STREAM_ID_BASE	0x200u	/* HPC0, TBU0: AXI ID n for context n */
void fsvm_model_default_config(struct fsvm_model_config *cfg);

/* Initialize the model (all contexts disabled, SMMU at reset: sCR0.CLIENTPD
 * set, i.e. bypass, until the driver programs it). 0, -FSVM_MODEL_EINVAL,
 * -FSVM_MODEL_ERANGE or -FSVM_MODEL_ENOEXEC (above). */
int fsvm_model_init(struct fsvm_model *m, const struct fsvm_model_config *cfg,
		    const struct fsvm_model_port *port,
		    const struct fsvm_model_host *host);

/*
 * The control window (offsets of fsvm_hw.h). Outside the window, in a context
 * page beyond num_contexts, or not 4-byte aligned: reads 0xffffffff, writes
 * ignored (an AXI4-Lite decode error answered by the shell). Unknown or
 * read-only registers inside a page read 0 / ignore writes.
 *
 * Context semantics the model implements:
 *  - RING_BASE/RING_SIZE are writable only while ENABLE is clear.
 *  - CONTROL.ENABLE 0->1 validates the ring (base non-zero and 64-byte
 *    aligned, size a power of two in 2..65536): bad -> STATUS.BAD_RING and
 *    ENABLE stays clear; good -> the ring is latched, READ_INDEX, DOORBELL,
 *    FAULT_COUNT, COMPLETED and STATUS.FAULTED/BAD_RING are reset. Software
 *    waits for STATUS.BUSY to clear after clearing ENABLE before enabling
 *    again.
 *  - CONTROL.ABORT is write-1-to-set: the running packet stops at its next
 *    memory access and completes as ABORTED, every queued packet in
 *    [READ_INDEX, DOORBELL) completes as ABORTED (its completion record is
 *    written), then ABORT clears itself.
 *  - CONTROL.RESET (write-only) with ENABLE clear, not BUSY and no ABORT
 *    pending: every register of the page back to 0 (ring, DOORBELL,
 *    READ_INDEX, STATUS, IRQ_STATUS, FAULT_*, counters, CONTROL); the
 *    driver writes it at bind. Otherwise the write is ignored.
 *  - A packet whose type is INVALID is not consumed: the context waits
 *    (AQL-like) until the next DOORBELL write.
 *  - IRQ_STATUS latches FSVM_IRQ_COMPLETION (packets with FSVM_PKT_F_IRQ)
 *    and FSVM_IRQ_FAULT always; host->irq is called only with IRQ_EN.
 */
uint32_t fsvm_model_mmio_read32(struct fsvm_model *m, uint32_t off);
void fsvm_model_mmio_write32(struct fsvm_model *m, uint32_t off, uint32_t val);

/*
 * The SMMU in front of the device's AXI master. Program it like silicon,
 * through these locked accessors (offsets relative to the SMMU base); every
 * write also drops the AXI port's last-translation cache. fsvm_model_smmu()
 * gives the raw instance for single-threaded use (tests, statistics);
 * writes made through it directly must be followed by
 * fsvm_model_smmu_changed().
 */
struct smmu *fsvm_model_smmu(struct fsvm_model *m);
uint32_t fsvm_model_smmu_read32(struct fsvm_model *m, uint32_t off);
void fsvm_model_smmu_write32(struct fsvm_model *m, uint32_t off, uint32_t val);
uint64_t fsvm_model_smmu_read64(struct fsvm_model *m, uint32_t off);
void fsvm_model_smmu_write64(struct fsvm_model *m, uint32_t off, uint64_t val);
void fsvm_model_smmu_changed(struct fsvm_model *m);

/* Run at most one packet (or one ABORT drain) of one ready context, round
 * robin. Returns 1 if it did work, 0 if idle. */
int fsvm_model_step(struct fsvm_model *m);

/* True if fsvm_model_step would find something to do. Cheap; any thread. */
bool fsvm_model_has_work(struct fsvm_model *m);

/*
 * Start a's launch state for context ctx (its StreamID; with check_abort,
 * accesses fail once the context's CONTROL.ABORT is set). The model does this
 * for its own packets; a co-simulated shell uses it for the bursts it
 * forwards (hw-kernels/sim/sim_engine.c).
 */
void fsvm_axi_begin(struct fsvm_model *m, struct fsvm_axi *a, unsigned int ctx,
		    bool check_abort);

/* The context's StreamID (stream_id_base + ctx). */
uint16_t fsvm_model_stream_id(const struct fsvm_model *m, unsigned int ctx);

#endif /* FSVM_MODEL_H */
