/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of fsvm.ko share: the device, the bound
 * contexts, the backend ops table (silicon or emulation), and the functions
 * of the core files (fsvm_module.c, fsvm_ctx.c, fsvm_cdev.c, fsvm_diag.c).
 *
 * Layering (no include goes upward): this header is the base; fsvm_fault.h
 * (the SMMU side of a context) and fsvm_emu.h / fsvm_of.h (the two
 * backends) build on it. The backends reach the core only through the
 * functions below, the core reaches a backend only through fd->ops.
 */
#ifndef FSVM_DRV_H
#define FSVM_DRV_H

#include <linux/debugfs.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "fsvm_compat.h"
#include "fsvm_mirror_pt.h"
#include "fsvm_smmu_prog.h"
#include "fsvm_uapi.h"
#include "fsvm_uapi_check.h"

#define FSVM_NAME		"fsvm"
#define FSVM_MAX_CTX		FSVM_UAPI_MAX_CONTEXTS
/* Table pages one mirror mapping may add below the root (levels 1 to 3). */
#define FSVM_MPT_SPARE		3

struct fsvm_dev;
struct fsvm_emu;

/*
 * Counters of one context (debugfs, FSVM_IOC_DIAG): atomics, written from
 * the fault worker, the notifiers and interrupt paths, read by DIAG and
 * debugfs without their locks.
 */
struct fsvm_ctx_stats {
	atomic64_t faults_resolved;
	atomic64_t faults_terminated;
	atomic64_t stalls;
	atomic64_t tlbi;
	atomic64_t mirror_entries;
	atomic64_t irqs;
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
	bool quiesced;			/* aborted and disabled by suspend (under fd->lock) */

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

	/* Faults: the slot's worker (struct fsvm_fault_worker), from bind on. */
	struct fsvm_fault_worker *fw;
	spinlock_t fault_lock;		/* pending, stall_*, the queue */
	bool pending;			/* a captured fault waits for the worker */
	struct fsvm_cb_fault pending_fault;
	/*
	 * The open stall: captured, not yet resumed or terminated. Whoever
	 * claims it (fsvm_stall_claim: the worker, or the watchdog after
	 * stall_timeout_ms) writes RESUME; the other one does not.
	 */
	bool stall_open;
	u64 stall_seq;			/* of the open (or last) stall */
	u64 stall_t0;			/* ktime_get_ns() when it was captured */
	struct fsvm_cb_fault stall_fault;
	u64 gup_seq;			/* the stall the worker is resolving, 0: none */
	struct delayed_work stall_wd;
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

/*
 * A context slot's fault worker thread ("fsvm-fault/N"). Each slot has its
 * own: one context blocked in GUP (FUSE, a hard NFS mount, userfaultfd)
 * never delays another's faults, and the thread accepts SIGKILL, so
 * teardown and the stall watchdog can end a killable wait in GUP. It is
 * created at the slot's first bind and kept until the device goes
 * (fsvm_fault_workers_stop): a thread per bind left vmap'd stacks and
 * task structs behind at every unbind, freed only lazily, which a user
 * binding in a loop turned into unbounded kernel memory (QEMU s09).
 */
struct fsvm_fault_worker {
	struct task_struct *task;	/* get_task_struct'ed; NULL before the first bind */
	wait_queue_head_t wq;		/* the worker sleeps here */
	wait_queue_head_t idle_wq;	/* teardown waits here for !busy */
	spinlock_t lock;		/* ctx, kick, busy */
	struct fsvm_ctx *ctx;		/* the bound context; NULL between binds */
	bool kick;			/* look at ctx's bank */
	bool busy;			/* inside fsvm_fault_one(ctx) */
};

/*
 * The backend: silicon (fsvm_of.c) or emulation (fsvm_emu.c), chosen at
 * probe. Every difference between the two goes through this table.
 */
struct fsvm_dev_ops {
	const char *name;		/* "silicon", "emulated" (logs, debugfs) */
	u32 info_flags;			/* FSVM_INFO_F_* the backend adds */
	/* The shell's control window. */
	u32 (*read32)(struct fsvm_dev *fd, u32 off);
	void (*write32)(struct fsvm_dev *fd, u32 off, u32 val);
	/* At bind before the mm is attached; undone by ctx_fini. */
	int (*ctx_init)(struct fsvm_ctx *ctx);
	/* At unbind, once the hardware is off; also on a failed bind. */
	void (*ctx_fini)(struct fsvm_ctx *ctx);
	/* After the module wrote a context register (or NULL). */
	void (*ctx_sync)(struct fsvm_ctx *ctx);
	/* Map the context page into vma (under the file's lock). */
	int (*mmap)(struct fsvm_ctx *ctx, struct vm_area_struct *vma);
	/* A held (stalled) transaction may go on (or NULL). */
	void (*stall_resolved)(struct fsvm_dev *fd);
	/* No SMMU interrupt handler: the fault worker reads the bank itself. */
	bool capture_in_worker;
	/* How long teardown waits for an aborted context to go idle. */
	unsigned int drain_ms;
	/* The last reference to the device is gone: free it (see fsvm_dev_put). */
	void (*release)(struct fsvm_dev *fd);
};

/*
 * Lifetime (as uacce's): the probe holds one reference, every open file
 * another (fsvm_dev_get/put). Unbinding the platform device (remove)
 * marks the device gone, tears every bound context down and zaps its
 * mappings while the hardware is still there, and drops the probe's
 * reference; open files then get -ENODEV and the last close frees the
 * struct through ops->release.
 */
struct fsvm_dev {
	struct kref kref;
	struct device *dev;		/* get_device'd until the release */
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

	const struct fsvm_dev_ops *ops;
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
	unsigned int va_bits, pa_bits;
	u64 mair;

	struct mutex lock;		/* slots; ctx[] writes (with ctx_lock) */
	struct fsvm_slots slots;
	/* Who holds each slot (the binder's uid), for max_user_contexts. */
	kuid_t slot_uid[FSVM_MAX_CTX];
	bool slot_owned[FSVM_MAX_CTX];
	/*
	 * Written (fsvm_ctx_publish) under lock *and* ctx_lock, so either
	 * lock keeps an entry stable: ctx_lock in the interrupt paths,
	 * lock in sleeping readers (DIAG, debugfs, resume). A context seen
	 * under either lock stays allocated until the lock is dropped:
	 * teardown clears its entry first and frees it only after taking
	 * lock again (fsvm_ctx_free).
	 */
	struct fsvm_ctx *ctx[FSVM_MAX_CTX];
	spinlock_t ctx_lock;		/* ctx[] for interrupt paths */
	struct fsvm_fault_worker fw[FSVM_MAX_CTX];	/* per slot */
	struct fsvm_uapi_limits lim;

	struct mutex files_lock;	/* files, gone; taken before a file's lock */
	struct list_head files;		/* open files (struct fsvm_file) */
	bool gone;			/* removed: every file op gets -ENODEV */

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
	return fd->ops->read32(fd, off);
}

static inline void fsvm_win_write(struct fsvm_dev *fd, u32 off, u32 val)
{
	fd->ops->write32(fd, off, val);
}

static inline void fsvm_ctx_sync(struct fsvm_ctx *ctx)
{
	if (ctx->fd->ops->ctx_sync)
		ctx->fd->ops->ctx_sync(ctx);
}

static inline void fsvm_stall_resolved(struct fsvm_dev *fd)
{
	if (fd->ops->stall_resolved)
		fd->ops->stall_resolved(fd);
}

static inline const char *fsvm_mode_name(int mode)
{
	return mode == FSVM_MODE_SHARED ? "shared" : "mirror";
}

/* fsvm_module.c: parameters, device registration */
extern bool fsvm_affd;
extern bool fsvm_force_shared;
void fsvm_dev_init(struct fsvm_dev *fd, struct device *dev, const struct fsvm_dev_ops *ops);
void fsvm_dev_get(struct fsvm_dev *fd);
void fsvm_dev_put(struct fsvm_dev *fd);
int fsvm_dev_register(struct fsvm_dev *fd);
void fsvm_dev_unregister(struct fsvm_dev *fd);

/* fsvm_ctx.c: context lifetime and slots */
struct fsvm_ctx *fsvm_ctx_bind(struct fsvm_dev *fd, int want_mode);
void fsvm_ctx_free(struct fsvm_ctx *ctx);
void fsvm_ctx_put(struct fsvm_ctx *ctx);
void fsvm_ctx_irq(struct fsvm_ctx *ctx);
void fsvm_dev_quiesce(struct fsvm_dev *fd);
void fsvm_dev_wake(struct fsvm_dev *fd);
extern const struct dev_pm_ops fsvm_pm_ops;
struct fsvm_ctx *fsvm_ctx_get_by_bank(struct fsvm_dev *fd, unsigned int bank);

/* fsvm_cdev.c: /dev/fsvmN */
int fsvm_cdev_register(struct fsvm_dev *fd);
void fsvm_cdev_unregister(struct fsvm_dev *fd);

/* fsvm_diag.c: FSVM_IOC_GET_INFO, FSVM_IOC_DIAG, debugfs */
void fsvm_fill_info(struct fsvm_dev *fd, struct fsvm_info *info);
void fsvm_fill_diag(struct fsvm_dev *fd, struct fsvm_ctx *own, struct fsvm_diag *d,
		    bool admin);
void fsvm_debugfs_init(struct fsvm_dev *fd);
void fsvm_debugfs_exit(struct fsvm_dev *fd);

#endif /* FSVM_DRV_H */
