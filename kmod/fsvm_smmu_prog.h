/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * How fsvm programs an SMMU-500 (SMMUv2) context bank
 * and stream mapping for one process, behind an abstract register
 * interface, so that the same functions drive silicon (readl/writel on the
 * ioremapped SMMU), the in-kernel SMMU model of emulation mode, and the
 * SMMU model in the user-space tests (tests/kmod) and in the user-space
 * simulator (hw-kernels/sim, libfsvm's `sim` backend): one programming
 * path for silicon, emulation and sim. Dual-licensed so that the MIT
 * simulator can link it.
 *
 * Nothing here sleeps, allocates or takes a lock: the caller serializes.
 * Register offsets and fields come from the SMMU model's header
 * (hw-kernels/smmu/smmu500.h), the one place the project writes them down.
 */
#ifndef FSVM_SMMU_PROG_H
#define FSVM_SMMU_PROG_H

#include "fsvm_types.h"
#include "smmu500.h"

/* Register access. Offsets are from the SMMU base. */
struct fsvm_smmu_io {
	void *priv;
	uint32_t (*read32)(void *priv, uint32_t off);
	void (*write32)(void *priv, uint32_t off, uint32_t val);
	uint64_t (*read64)(void *priv, uint32_t off);
	void (*write64)(void *priv, uint32_t off, uint64_t val);
	/* Optional: called between polls of a sync (cpu_relax/udelay). */
	void (*relax)(void *priv);
	/* Geometry from the ID registers (fsvm_smmu_read_caps fills them). */
	uint32_t cb_base;	/* offset of context bank 0 */
	uint32_t cb_shift;	/* log2 of a register page: 12 or 16 */
};

/* What the SMMU can do, from IDR0/1/2/7. */
struct fsvm_smmu_caps {
	unsigned int num_cb;
	unsigned int num_smr;
	unsigned int ias_bits;
	unsigned int oas_bits;
	unsigned int ubs_bits;
	unsigned int sid_bits;
	unsigned int major, minor;
	bool s1;		/* stage 1 translation */
	bool sms;		/* stream matching (SMRs) */
	bool cttw;		/* coherent table walk */
	bool ptfs_4k;		/* AArch64 4 KiB granule */
	bool aarch64;		/* AArch64 descriptors */
	bool atos;		/* address translation operations */
	bool exids;		/* extended stream IDs */
	uint32_t cb_base;
	uint32_t cb_shift;
};

/*
 * Read and decode the ID registers; also sets io->cb_base/cb_shift.
 * Returns 0, or -ENODEV with *why naming the first missing feature fsvm
 * needs (stage 1, stream matching, AArch64 4 KiB tables, at least one bank).
 */
int fsvm_smmu_read_caps(struct fsvm_smmu_io *io, struct fsvm_smmu_caps *caps,
			const char **why);

/* Offset of a register of context bank cb. */
static inline uint32_t fsvm_cb_reg(const struct fsvm_smmu_io *io, unsigned int cb,
				   uint32_t reg)
{
	return io->cb_base + ((uint32_t)cb << io->cb_shift) + reg;
}

/* Address size in bits <-> SMMU encoding (32,36,40,42,44,48 <-> 0..5). */
int fsvm_size_enc(unsigned int bits);		/* -EINVAL for others */
unsigned int fsvm_size_bits(unsigned int enc);	/* 48 for >= 5 */
/* Largest encodable size <= bits (e.g. 52 -> 48, 39 -> 36); 0 below 32. */
unsigned int fsvm_size_floor(unsigned int bits);

/*
 * The ASID of bank cb: unique within the SMMU, as arm-smmu does it (the
 * bank index). sCR0.PTM is set, so the SMMU never sees the CPU's ASIDs.
 */
static inline uint16_t fsvm_bank_asid(unsigned int cb)
{
	return (uint16_t)cb;
}

/* CBAR.VMID of bank cb (bank + 1, as arm-smmu does). */
static inline uint16_t fsvm_bank_vmid(unsigned int cb)
{
	return (uint16_t)(cb + 1u);
}

/*
 * sCR0 when fsvm owns the SMMU's global state (own_smmu on silicon,
 * emulation, the simulator): client port enabled (CLIENTPD clear), PTM
 * (broadcast TLB invalidations ignored), global faults reported and
 * interrupting, and unmatched streams faulting (usf_fault) or bypassing
 * (!usf_fault: other masters of the board keep working; fsvm's own streams
 * never depend on it, they stay matched). The other bits of old are kept.
 */
uint32_t fsvm_scr0_own(uint32_t old, bool usf_fault);

/* What a context bank is programmed from. */
struct fsvm_cb_params {
	unsigned int va_bits;	/* CPU's user VA size: 64 - TCR_EL1.T0SZ (39, 48) */
	unsigned int pa_bits;	/* CPU's physical address size (TCR_EL1.IPS) */
	unsigned int ias_bits;	/* SMMU IDR2.IAS: stage-1 output limit */
	uint64_t mair;		/* the CPU's MAIR_EL1 */
	bool coherent_walk;	/* the walk snoops the CPU caches */
	uint16_t asid;		/* unique within the SMMU */
	uint16_t vmid;		/* CBAR.VMID (bank + 1, as arm-smmu does) */
	uint64_t ttbr;		/* table PA: mm->pgd (shared) or the mirror root */
	uint64_t max_pa;	/* highest RAM byte address the tables may use; 0 = unknown */
	bool affd;		/* set SCTLR.AFFD (no access-flag faults) */
};

/* The register values of one bank, computed before anything is written. */
struct fsvm_cb_regs {
	uint32_t cba2r;
	uint32_t cbar;
	uint32_t tcr2;
	uint32_t tcr;
	uint64_t ttbr0;
	uint64_t ttbr1;
	uint32_t mair0;
	uint32_t mair1;
	uint32_t sctlr;
	unsigned int pa_bits;	/* PASize actually programmed */
};

/*
 * Compute the bank registers. -EINVAL: VA bits the 4 KiB granule cannot
 * express (outside 25..48), a TTBR not 4 KiB aligned or with bits outside
 * the PA size, a CPU PA size below 32 bits. -ERANGE: RAM (max_pa) or the
 * table beyond the PA size the SMMU can output (the SMMU would take
 * address-size faults).
 */
int fsvm_cb_compute(const struct fsvm_cb_params *p, struct fsvm_cb_regs *r);

/*
 * Write a bank in Linux's order: CBA2R, CBAR, TCR2, TCR, TTBR0, TTBR1,
 * MAIR0, MAIR1, SCTLR (TCR first: it decides how TTBR's ASID is read).
 */
void fsvm_cb_program(const struct fsvm_smmu_io *io, unsigned int cb,
		     const struct fsvm_cb_regs *r);

/*
 * Bind: program bank cb, TLBIASID + sync, and only then map the stream
 * (group idx, StreamID sid/mask) to it. If the sync never completes the
 * stream stays parked (S2CR fault), SCTLR is cleared and -ETIMEDOUT is
 * returned: the bind must fail, since stale entries of the previous
 * binder may still be in the TLB.
 */
int fsvm_ctx_smmu_enable(const struct fsvm_smmu_io *io, unsigned int cb,
			 const struct fsvm_cb_regs *r, uint16_t asid, unsigned int idx,
			 uint16_t sid, uint16_t mask);

/*
 * Disable a bank: terminate a stalled transaction (even when FSR.SS was
 * already cleared by the fault path), SCTLR = 0, clear FSR,
 * TLBIASID + sync. Call after the stream is unmapped (fsvm_stream_unmap),
 * so nothing bypasses through a bank with M = 0.
 */
int fsvm_cb_disable(const struct fsvm_smmu_io *io, unsigned int cb, uint16_t asid);

/*
 * The S2CR value fsvm writes: translate through cb, data, unprivileged.
 * Written whole, never read-modify-written (the reset INSTCFG would stay).
 */
uint32_t fsvm_s2cr_value(unsigned int cb);
uint32_t fsvm_smr_value(uint16_t sid, uint16_t mask);
/* S2CR of a parked or unmapped stream: every transaction is terminated. */
uint32_t fsvm_s2cr_fault_value(void);

/*
 * Map StreamID sid (SMR mask) to bank cb through SMR/S2CR group idx:
 * S2CR first, then the valid SMR.
 */
void fsvm_stream_map(const struct fsvm_smmu_io *io, unsigned int idx, uint16_t sid,
		     uint16_t mask, unsigned int cb);
/*
 * Make S2CR fault and leave the SMR valid: the stream stays *matched*, so
 * its traffic is terminated whatever sCR0.USFCFG says. An invalid SMR would
 * leave the StreamID unmatched, and with USFCFG = 0 (own_smmu, arm-smmu's
 * disable_bypass=0) unmatched traffic bypasses with PA = VA.
 */
void fsvm_stream_unmap(const struct fsvm_smmu_io *io, unsigned int idx);
/*
 * Claim group idx for StreamID sid before any bind (probe): S2CR fault,
 * then the valid SMR. The stream is terminated until fsvm_stream_map.
 */
void fsvm_stream_park(const struct fsvm_smmu_io *io, unsigned int idx, uint16_t sid,
		      uint16_t mask);

/*
 * TLB maintenance of one bank. Every function ends with a completed sync:
 * 0, or -ETIMEDOUT if TLBSTATUS never went idle. The poll is bounded by
 * FSVM_TLB_SYNC_POLLS reads, with io->relax between them (udelay(1) in the
 * kernel): about a millisecond, since the callers hold a spinlock with
 * interrupts off. A timeout is an error the caller must act on (fail the
 * bind, cut the stream, quarantine the slot), never a warning.
 */
#define FSVM_TLB_SYNC_POLLS	1000u
#define FSVM_TLBI_MAX_PAGES	512u	/* above this a range becomes TLBIASID */
int fsvm_tlb_sync(const struct fsvm_smmu_io *io, unsigned int cb);
int fsvm_tlbi_asid(const struct fsvm_smmu_io *io, unsigned int cb, uint16_t asid);
/*
 * [start, end) page by page (TLBIVA), or TLBIASID when larger than
 * FSVM_TLBI_MAX_PAGES pages. Returns the number of TLBI writes in *ops.
 */
int fsvm_tlbi_range(const struct fsvm_smmu_io *io, unsigned int cb, uint16_t asid,
		    uint64_t start, uint64_t end, unsigned int *ops);

/* One context fault, as read from the bank. */
struct fsvm_cb_fault {
	uint32_t fsr;
	uint32_t fsynr0;
	uint64_t far;
	uint32_t cbfrsynra;
};
void fsvm_cb_read_fault(const struct fsvm_smmu_io *io, unsigned int cb,
			struct fsvm_cb_fault *f);
/*
 * Read the bank's fault and, if FSR holds one, clear it (write 1 to clear,
 * SS included: the held transaction stays held until RESUME). true if there
 * was a fault. What the interrupt handler does first; a level interrupt
 * would fire again otherwise, and a later fault would only set MULTI.
 */
bool fsvm_cb_fault_capture(const struct fsvm_smmu_io *io, unsigned int cb,
			   struct fsvm_cb_fault *f);
/*
 * Clear FSR (the recorded bits) and, if a transaction is stalled, resume
 * it: retry (true) or terminate (false).
 */
void fsvm_cb_resume(const struct fsvm_smmu_io *io, unsigned int cb, uint32_t fsr,
		    bool retry);

/*
 * Resolved faults of one VA in a row (each within a short window of the
 * last) before the fault path gives up on it and terminates: kmod's fault
 * worker and the simulator's fault handler.
 */
#define FSVM_FAULT_RETRY_LIMIT	16

/* What the fault path does with a context fault. */
enum fsvm_fault_action {
	FSVM_FA_NONE = 0,	/* FSR holds no fault */
	FSVM_FA_RESOLVE,	/* fault the page in (read or write), then retry */
	FSVM_FA_TERMINATE,	/* nothing software can fix: terminate and record */
};

/*
 * Decide from FSR/FSYNR0: translation, permission (the writable-clean case
 * is a write permission fault) and access-flag faults are resolvable by
 * faulting the page in through the CPU's fault handler (with a write fault
 * when FSYNR0.WNR); a fault on an instruction fetch or a privileged access
 * (our S2CR makes both impossible), address size, external/walk bus
 * errors, TLB conflicts and unsupported upstream transactions terminate.
 * *write says whether to fault in for writing. *syndrome gets the
 * FSVM_SYND_* value the device reports for this fault.
 */
enum fsvm_fault_action fsvm_fault_decide(uint32_t fsr, uint32_t fsynr0, bool *write,
					 uint32_t *syndrome);

/* Mode choice: firmware and hardware coherence + the module parameter. */
#define FSVM_MODE_PARAM_AUTO	0
/*
 * param: FSVM_MODE_PARAM_AUTO, FSVM_MODE_SHARED or FSVM_MODE_MIRROR (uapi
 * values). The walk is coherent only when the firmware says so (DT
 * dma-coherent on the SMMU) and the SMMU has CTTW. Auto: shared if
 * coherent, else mirror. Shared asked on a non-coherent walk: -EPERM unless
 * force (then *forced = true: the caller warns loudly). 0 or -errno.
 */
int fsvm_choose_mode(bool fw_coherent, bool cttw, int param, bool force, int *mode,
		     bool *forced);

#endif /* FSVM_SMMU_PROG_H */
