/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fsvm_drv.h - what the files of fsvm.ko share: the device, the bound
 * contexts, and the functions the main, fault and emulation parts call in
 * each other.
 */
#ifndef FSVM_DRV_H
#define FSVM_DRV_H

#include <linux/debugfs.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "fsvm_compat.h"
#include "fsvm_mirror_pt.h"
#include "fsvm_smmu_prog.h"
#include "fsvm_uapi.h"
#include "fsvm_uapi_check.h"

#define FSVM_NAME		"fsvm"
#define FSVM_MAX_CTX		FSVM_UAPI_MAX_CONTEXTS
/* Resolved faults of one VA in a row before fsvm gives up on it. */
#define FSVM_FAULT_RETRY_LIMIT	16
/* Table pages one mirror mapping may add below the root (levels 1 to 3). */
#define FSVM_MPT_SPARE		3

struct fsvm_dev;
struct fsvm_emu;

/* Counters of one context (debugfs, FSVM_IOC_DIAG). */
struct fsvm_ctx_stats {
	u64 faults_resolved;
	u64 faults_terminated;
	u64 stalls;
	u64 tlbi;
	u64 mirror_entries;
	u64 irqs;
	unsigned long mirror_tables;	/* table pages now, root included */
	unsigned long mirror_tables_max;	/* the context's cap */
};

/* One bound context: one open file, one mm, one bank, one SMR group. */
struct fsvm_ctx {
	struct fsvm_dev *fd;
	unsigned int idx;		/* context number = page FSVM_CTX_OFF(idx) */
	unsigned int bank;		/* SMMU context bank */
	unsigned int smr;		/* SMR/S2CR group */
	u16 sid;
	u16 asid;
	int mode;			/* FSVM_MODE_* */
	struct mm_struct *mm;		/* mmgrab'ed */
	struct fsvm_cb_regs regs;	/* programmed bank image (re-applied on resume) */
	bool live;			/* bank programmed, stream mapped */
	bool hw_failed;			/* a TLB sync timed out: quarantine the slot */

	struct mmu_notifier mn;		/* release (+ TLB mirroring in shared mode) */
	bool mn_registered;
	struct mmu_interval_notifier mni;	/* mirror mode: the whole address space */
	bool mni_registered;
	struct mutex mirror_lock;	/* the mirror table and its spares */
	struct fsvm_mpt mpt;
	bool mpt_ready;
	/* Zeroed table pages allocated outside mirror_lock (fsvm_fault.c). */
	struct page *mpt_spare[FSVM_MPT_SPARE];
	unsigned int mpt_nspare;
	/* Unlinked table pages waiting for the TLB invalidation (under mirror_lock). */
	struct list_head mpt_freed;

	/* faults */
	struct work_struct fault_work;
	spinlock_t fault_lock;		/* pending + queue */
	bool pending;			/* a captured fault waits for the worker */
	struct fsvm_cb_fault pending_fault;
	struct fsvm_faultq faults;
	u64 last_fault_va;
	u64 last_fault_ns;		/* when last_fault_va last faulted */
	unsigned int same_va_count;

	/*
	 * Lifetime: the file's binding holds one reference, each FSVM_IOC_WAIT
	 * sleeping without the file's lock another. Unbind and release set
	 * dead and wake wq; the last reference frees the struct.
	 */
	struct kref ref;
	bool dead;			/* unbound: waiters return -ENXIO */

	/* completion interrupts */
	wait_queue_head_t wq;
	atomic_t irq_count;
	struct eventfd_ctx *efd;	/* under fault_lock */

	struct fsvm_ctx_stats st;
	u32 *emu_page;			/* emulation: published registers */
	struct page *emu_pg;
};

/* How the module reaches the shell's control window (silicon or model). */
struct fsvm_win_ops {
	u32 (*read32)(struct fsvm_dev *fd, u32 off);
	void (*write32)(struct fsvm_dev *fd, u32 off, u32 val);
};

struct fsvm_dev {
	struct device *dev;
	struct miscdevice misc;
	char name[16];
	int id;

	/* silicon */
	void __iomem *win;		/* shell control window */
	phys_addr_t win_phys;
	void __iomem *smmu;		/* SMMU registers (shared with arm-smmu) */
	struct device *smmu_dev;	/* for the device link, or NULL */
	int shell_irq;
	int smmu_irq;

	const struct fsvm_win_ops *win_ops;
	struct fsvm_smmu_io io;
	struct fsvm_smmu_caps caps;
	spinlock_t smmu_lock;		/* SMMU register sequences */

	/* configuration */
	unsigned int nctx;
	u16 sid_base, sid_mask;
	u8 banks[FSVM_MAX_CTX];
	u8 smrs[FSVM_MAX_CTX];
	int mode;			/* default mode */
	bool forced;			/* shared forced on a non-coherent walk */
	bool fw_coherent;
	bool emulated;
	unsigned int va_bits, pa_bits;
	u64 mair;

	struct mutex lock;		/* binding, slots */
	struct fsvm_slots slots;
	struct fsvm_ctx *ctx[FSVM_MAX_CTX];	/* under lock; read under RCU-free spin */
	spinlock_t ctx_lock;		/* ctx[] for interrupt paths */
	struct fsvm_uapi_limits lim;

	struct workqueue_struct *wq;
	struct dentry *dbg;
	atomic_t smmu_irqs;
	/*
	 * Never incremented yet: the model wires no global fault interrupt
	 * and on silicon fsvm requests only a context interrupt (arm-smmu, or
	 * nobody with own_smmu, takes sGFSR). Reported as 0; docs/kmod.md.
	 */
	atomic_t global_faults;
	struct fsvm_emu *emu;
};

static inline u32 fsvm_win_read(struct fsvm_dev *fd, u32 off)
{
	return fd->win_ops->read32(fd, off);
}

static inline void fsvm_win_write(struct fsvm_dev *fd, u32 off, u32 val)
{
	fd->win_ops->write32(fd, off, val);
}

/* fsvm_main.c */
extern bool fsvm_affd;
int fsvm_dev_register(struct fsvm_dev *fd);
void fsvm_dev_unregister(struct fsvm_dev *fd);
void fsvm_ctx_irq(struct fsvm_ctx *ctx);
struct fsvm_ctx *fsvm_ctx_get_by_bank(struct fsvm_dev *fd, unsigned int bank);

/* fsvm_fault.c */
int fsvm_ctx_attach_mm(struct fsvm_ctx *ctx);
void fsvm_ctx_detach_mm(struct fsvm_ctx *ctx);
int fsvm_ctx_hw_disable(struct fsvm_ctx *ctx);
int fsvm_ctx_hw_flush(struct fsvm_ctx *ctx);
int fsvm_ctx_hw_enable(struct fsvm_ctx *ctx);
void fsvm_ctx_hw_restore(struct fsvm_ctx *ctx);
irqreturn_t fsvm_smmu_irq(int irq, void *data);
void fsvm_fault_work(struct work_struct *work);
int fsvm_prefault(struct fsvm_ctx *ctx, u64 start, u64 end, bool write);
struct device *fsvm_mpt_dma_dev(struct fsvm_dev *fd);
int fsvm_dma_setup(struct fsvm_dev *fd);

/* fsvm_emu.c */
extern bool fsvm_emulate;
int fsvm_emu_init(void);
void fsvm_emu_exit(void);
void fsvm_emu_publish(struct fsvm_ctx *ctx);
void fsvm_emu_stall_resolved(struct fsvm_dev *fd);

#endif /* FSVM_DRV_H */
