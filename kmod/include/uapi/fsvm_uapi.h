/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * fsvm_uapi.h - the interface of /dev/fsvmN (fsvm.ko) to user space.
 *
 * One open file = at most one hardware context. The flow:
 *
 *	fd = open("/dev/fsvm0", O_RDWR | O_CLOEXEC);
 *	ioctl(fd, FSVM_IOC_GET_INFO, &info);	// identification + kernel table
 *	ioctl(fd, FSVM_IOC_BIND, &bind);	// a context bank for this mm
 *	regs = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
 *		    bind.mmap_offset);		// that context's page, nothing else
 *	... program the ring, write the doorbell (fsvm_hw.h offsets) ...
 *	ioctl(fd, FSVM_IOC_WAIT, &wait);	// sleep until the next interrupt
 *	close(fd);				// disables the context, frees the bank
 *
 * When info.flags has FSVM_INFO_F_REG_IOCTL (emulation mode: there is no
 * real MMIO page), register *writes* must go through FSVM_IOC_CTX_WRITE;
 * reads from the mapped page still work (the module publishes the
 * registers there). On silicon both ways work.
 *
 * Every structure has explicit padding and only fixed-size types; reserved
 * fields must be zero on input (EINVAL otherwise) and are zero on output.
 * No field ever carries a kernel pointer or a physical address.
 *
 * This header is shared by the kernel module and libfsvm; it depends only
 * on <linux/types.h> and <linux/ioctl.h>.
 */
#ifndef _UAPI_FSVM_UAPI_H
#define _UAPI_FSVM_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define FSVM_UAPI_VERSION	1

#define FSVM_IOC_MAGIC		0xf5

/* Sizes mirrored from the hardware contract (fsvm_hw.h). */
#define FSVM_UAPI_ID_WORDS	16	/* identification page words 0x00..0x3c */
#define FSVM_UAPI_KTAB_BYTES	4096	/* kernel table page */
#define FSVM_UAPI_CTX_PAGE	4096	/* one context page */
#define FSVM_UAPI_MAX_CONTEXTS	16

/* Modes of a bound context (also the module parameter `mode`). */
#define FSVM_MODE_SHARED	1	/* SMMU walks the process's own page table */
#define FSVM_MODE_MIRROR	2	/* SMMU walks fsvm's mirror of it */

/* fsvm_info.flags */
#define FSVM_INFO_F_EMULATED	(1u << 0)	/* emulation mode: model, no FPGA */
#define FSVM_INFO_F_REG_IOCTL	(1u << 1)	/* register writes need FSVM_IOC_CTX_WRITE */
#define FSVM_INFO_F_COHERENT	(1u << 2)	/* table walk treated as coherent */
#define FSVM_INFO_F_FORCED	(1u << 3)	/* shared mode forced on a non-coherent walk */
#define FSVM_INFO_F_STALL	(1u << 4)	/* stall faults resolved and retried */

/*
 * FSVM_IOC_GET_INFO: what the device and module are. Fields are filled up to
 * the caller's `size` (older/newer binaries interoperate); `size` must be at
 * least the offset of kernel_table. The module reads and writes at most
 * `size` bytes, never more than the ioctl number encodes, and takes the
 * command with any encoded size from that offset on (a binary built with
 * a smaller or larger struct fsvm_info). FSVM_IOC_DIAG likewise (from the
 * offset of banks).
 */
struct fsvm_info {
	__u32 size;		/* in: sizeof(struct fsvm_info); out: bytes written */
	__u32 uapi_version;	/* FSVM_UAPI_VERSION */
	__u32 flags;		/* FSVM_INFO_F_* */
	__u32 mode;		/* FSVM_MODE_* new binds get */
	__u32 num_contexts;	/* contexts fsvm may hand out (banks reserved for it) */
	__u32 free_contexts;	/* of those, not bound now */
	__u32 reserved0[2];
	__u32 id[FSVM_UAPI_ID_WORDS];	/* identification page, TIME_* sampled now */
	__u8 kernel_table[FSVM_UAPI_KTAB_BYTES];	/* struct fsvm_kernel_desc[] */
};

/* fsvm_bind.flags (in) */
#define FSVM_BIND_F_MODE_SHARED	(1u << 0)	/* ask for shared mode ... */
#define FSVM_BIND_F_MODE_MIRROR	(1u << 1)	/* ... or mirror (default: the module's) */
#define FSVM_BIND_F_ALL		(FSVM_BIND_F_MODE_SHARED | FSVM_BIND_F_MODE_MIRROR)

/*
 * FSVM_IOC_BIND: take a free context for the caller's address space.
 * EBUSY: all contexts taken. EEXIST: this file is already bound. EINVAL:
 * unknown flags, both modes, or non-zero reserved fields. EPERM: shared mode
 * asked for on a non-coherent walk that is not forced.
 */
struct fsvm_bind {
	__u32 flags;		/* in: FSVM_BIND_F_* */
	__u32 context;		/* out: context number n (page FSVM_CTX_OFF(n)) */
	__u32 stream_id;	/* out: StreamID of the context */
	__u32 bank;		/* out: SMMU context bank */
	__u32 asid;		/* out: ASID of the bank */
	__u32 mode;		/* out: FSVM_MODE_* */
	__u64 mmap_offset;	/* out: offset to mmap the context page with */
	__u32 mmap_size;	/* out: FSVM_UAPI_CTX_PAGE */
	__u32 reserved;
};

/* fsvm_range.flags */
#define FSVM_RANGE_F_WRITE	(1u << 0)	/* fault the pages in writable (and dirty) */

/*
 * FSVM_IOC_PREFAULT: make [va, va + len) present (and writable with
 * FSVM_RANGE_F_WRITE) in the CPU page table, and in mirror mode in the
 * mirror, so the device's first touch does not stall. Page granular; len
 * at most FSVM_PREFAULT_MAX; the range must be user addresses. EFAULT when a
 * page is not mapped (or not writable for F_WRITE); ENOSPC in mirror mode
 * when the context's mirror table is full (FSVM_IOC_DIAG mirror_tables,
 * module parameter mirror_max_tables; unmapping memory frees table
 * pages). The pages before it are done.
 */
#define FSVM_PREFAULT_MAX	(1ull << 32)
struct fsvm_range {
	__u64 va;
	__u64 len;
	__u32 flags;
	__u32 reserved;
};

/*
 * FSVM_IOC_WAIT: interrupts of the bound context are counted. Returns at once
 * if irq_count != seen, else sleeps until it changes or timeout_ns passes
 * (ETIMEDOUT, outputs still written; 0 = do not sleep). EINTR on a signal.
 * Out: the count now and the context STATUS register. The sleep does not hold up other calls on
 * the file; an FSVM_IOC_UNBIND meanwhile ends it with ENXIO.
 */
#define FSVM_WAIT_MAX_NS	(3600ull * 1000000000ull)
struct fsvm_wait {
	__u32 seen;		/* in */
	__u32 irq_count;	/* out */
	__u64 timeout_ns;	/* in, at most FSVM_WAIT_MAX_NS */
	__u32 status;		/* out: FSVM_CSTAT_* */
	__u32 reserved;
};

/* FSVM_IOC_SET_EVENTFD: signal this eventfd on each interrupt (fd -1: none). */
struct fsvm_eventfd {
	__s32 fd;
	__u32 reserved;
};

/* fsvm_fault_entry.resolution */
#define FSVM_FAULT_RESOLVED	1	/* page made present/writable/young: retried */
#define FSVM_FAULT_TERMINATED	2	/* transaction terminated: the packet faults */

/* One SMMU context fault the module handled for this context. */
struct fsvm_fault_entry {
	__u64 va;		/* FAR */
	__u64 time_ns;		/* ktime_get_ns() when taken */
	__u32 fsr;		/* SMMU FSR (fault bits) */
	__u32 fsynr0;		/* SMMU FSYNR0 (WNR, PLVL, ...) */
	__u32 syndrome;		/* FSVM_SYND_* as the device reports it */
	__u32 resolution;	/* FSVM_FAULT_* */
	/*
	 * 0, or the -errno that made it terminate: the fault-in's own error
	 * (-EFAULT: no such mapping or no write permission, -ENOMEM, ...),
	 * -ETIMEDOUT (the stall watchdog: stall_timeout_ms), -ELOOP (the same
	 * VA faulted again and again), -EDQUOT (the job used up fault_budget).
	 */
	__s32 error;
	__u32 reserved;
};

/*
 * FSVM_IOC_READ_FAULTS: copy out (and consume) up to max records, oldest
 * first, to the array at user address `entries` (EFAULT: none consumed,
 * `lost` not reset). max at most FSVM_FAULTS_MAX. `lost` counts records
 * dropped because the queue was full since the last read.
 */
#define FSVM_FAULTS_MAX		256
struct fsvm_faults {
	__u64 entries;		/* in: user pointer to struct fsvm_fault_entry[max] */
	__u32 max;		/* in */
	__u32 count;		/* out: records written */
	__u32 lost;		/* out */
	__u32 reserved;
};

/* FSVM_IOC_CTX_WRITE: write one 32-bit register of the bound context page. */
struct fsvm_reg {
	__u32 offset;		/* 4-byte aligned, < FSVM_UAPI_CTX_PAGE */
	__u32 value;
};

/*
 * FSVM_IOC_DIAG: what `fsvm doctor` needs. Global fields for everyone but
 * the global fault syndrome (sGFSR/sGFSYNR0/sGFSYNR1: another device's
 * StreamID); that and the per-bank registers of banks not bound by this
 * file only when both the opener of the file and the caller have
 * CAP_SYS_ADMIN (others read zeros with FSVM_DIAG_F_PARTIAL). TTBR0's
 * table address is never reported, only whether it is set and its ASID.
 */
#define FSVM_DIAG_F_PARTIAL	(1u << 0)
#define FSVM_DIAG_F_FW_COHERENT	(1u << 1)	/* DT: dma-coherent on the SMMU node */
#define FSVM_DIAG_F_CTTW	(1u << 2)	/* SMMU_IDR0.CTTW */
#define FSVM_DIAG_F_HW_AFDBM	(1u << 3)	/* CPU updates AF/dirty in hardware */
#define FSVM_DIAG_F_FORCED	(1u << 4)	/* shared mode forced on a non-coherent walk */

struct fsvm_diag_bank {
	__u32 bank;		/* SMMU context bank index */
	__u32 in_use;		/* bound to a process */
	__u32 mode;		/* FSVM_MODE_* when in use */
	__u32 smr;		/* SMR register value */
	__u32 s2cr;		/* S2CR register value */
	__u32 cbar;
	__u32 cba2r;
	__u32 sctlr;
	__u32 tcr;
	__u32 tcr2;
	__u32 mair0;
	__u32 mair1;
	__u32 fsr;
	__u32 fsynr0;
	__u64 far;
	__u32 ttbr0_asid;	/* TTBR0[63:48] */
	__u32 ttbr0_set;	/* table address non-zero */
	__u64 faults_resolved;
	__u64 faults_terminated;
	__u64 stalls;
	__u64 tlbi;
	__u64 mirror_entries;
};

struct fsvm_diag {
	__u32 size;		/* in: sizeof(struct fsvm_diag); out: bytes written */
	__u32 flags;		/* FSVM_DIAG_F_* */
	/* the CPU, as the module read it */
	__u32 cpu_va_bits;	/* 64 - TCR_EL1.T0SZ */
	__u32 cpu_pa_bits;	/* TCR_EL1.IPS */
	__u64 cpu_mair;		/* MAIR_EL1 */
	/* the SMMU */
	__u32 idr[8];		/* SMMU_IDR0..7 */
	__u32 scr0;		/* sCR0 */
	__u32 sgfsr;		/* sGFSR */
	__u32 sgfsynr0;
	__u32 sgfsynr1;
	__u32 stream_id_base;	/* StreamID of context 0 */
	__u32 stream_id_mask;	/* SMR mask used (AXI ID bits ignored) */
	__u32 num_banks;	/* entries used in banks[] */
	__u32 mode;		/* FSVM_MODE_* the module uses by default */
	__u32 irqs;		/* context fault interrupts taken */
	__u32 global_faults;	/* global fault interrupts taken (0 for now) */
	/*
	 * Mirror mode, the caller's own bound context (0 otherwise): table
	 * pages it holds now (root included) and its cap (module parameter
	 * mirror_max_tables at bind). These were reserved[2] before: an
	 * older binary reads zeros there from an older module.
	 */
	__u32 mirror_tables;
	__u32 mirror_tables_max;
	struct fsvm_diag_bank banks[FSVM_UAPI_MAX_CONTEXTS];
};

#define FSVM_IOC_GET_INFO	_IOWR(FSVM_IOC_MAGIC, 0x00, struct fsvm_info)
#define FSVM_IOC_BIND		_IOWR(FSVM_IOC_MAGIC, 0x01, struct fsvm_bind)
#define FSVM_IOC_UNBIND		_IO(FSVM_IOC_MAGIC, 0x02)
#define FSVM_IOC_PREFAULT	_IOW(FSVM_IOC_MAGIC, 0x03, struct fsvm_range)
#define FSVM_IOC_WAIT		_IOWR(FSVM_IOC_MAGIC, 0x04, struct fsvm_wait)
#define FSVM_IOC_SET_EVENTFD	_IOW(FSVM_IOC_MAGIC, 0x05, struct fsvm_eventfd)
#define FSVM_IOC_READ_FAULTS	_IOWR(FSVM_IOC_MAGIC, 0x06, struct fsvm_faults)
#define FSVM_IOC_ABORT		_IO(FSVM_IOC_MAGIC, 0x07)
#define FSVM_IOC_CTX_WRITE	_IOW(FSVM_IOC_MAGIC, 0x08, struct fsvm_reg)
#define FSVM_IOC_DIAG		_IOWR(FSVM_IOC_MAGIC, 0x09, struct fsvm_diag)

#endif /* _UAPI_FSVM_UAPI_H */
