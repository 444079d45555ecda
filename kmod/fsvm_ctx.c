// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lifetime of a bound context: a slot (context page,
 * bank, SMR group, StreamID) taken at bind, the mm attached, the bank
 * enabled; at unbind the context aborted, drained and flushed before the
 * slot goes back, or quarantined when the hardware never confirms it.
 */
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/moduleparam.h>
#include <linux/pm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "fsvm_drv.h"
#include "fsvm_fault.h"
#include "fsvm_hw.h"

/*
 * Per-user cap: contexts of one device one uid may hold at a time (0: no
 * cap). Checked at bind; a quarantined slot stops counting.
 */
static unsigned int max_user_contexts;
module_param(max_user_contexts, uint, 0644);
MODULE_PARM_DESC(max_user_contexts,
		 "contexts of one device a user (uid) may hold at once; BIND beyond it fails with EUSERS (0, the default: no cap)");

/* Under fd->lock: a free slot for the caller, -EBUSY or -EUSERS. */
static int fsvm_ctx_slot_get(struct fsvm_dev *fd)
{
	unsigned int cap = READ_ONCE(max_user_contexts), i, mine = 0;
	kuid_t uid = current_uid();
	int slot;

	lockdep_assert_held(&fd->lock);
	for (i = 0; i < fd->nctx; i++)
		if (fd->slot_owned[i] && uid_eq(fd->slot_uid[i], uid))
			mine++;
	if (cap && mine >= cap)
		return -EUSERS;
	slot = fsvm_slot_get(&fd->slots);
	if (slot < 0)
		return slot;
	fd->slot_uid[slot] = uid;
	fd->slot_owned[slot] = true;
	return slot;
}

/* Under fd->lock: the slot goes back (or stays quarantined), uncounted. */
static void fsvm_ctx_slot_put(struct fsvm_dev *fd, unsigned int slot)
{
	lockdep_assert_held(&fd->lock);
	fd->slot_owned[slot] = false;
	fsvm_slot_put(&fd->slots, slot);	/* ignored once quarantined */
}

/* A completion/fault interrupt of the shell for ctx (any context). */
void fsvm_ctx_irq(struct fsvm_ctx *ctx)
{
	unsigned long flags;

	atomic_inc(&ctx->irq_count);
	atomic64_inc(&ctx->st.irqs);
	wake_up_all(&ctx->wq);
	spin_lock_irqsave(&ctx->fault_lock, flags);
	if (ctx->efd)
		fsvm_eventfd_signal(ctx->efd);
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
}

/* Under ctx_lock: the context bound to SMMU bank 'bank', or NULL. */
struct fsvm_ctx *fsvm_ctx_get_by_bank(struct fsvm_dev *fd, unsigned int bank)
{
	unsigned int i;

	lockdep_assert_held(&fd->ctx_lock);
	for (i = 0; i < fd->nctx; i++)
		if (fd->ctx[i] && fd->ctx[i]->bank == bank)
			return fd->ctx[i];
	return NULL;
}

/* ctx[idx] = ctx, under both locks (see struct fsvm_dev). */
static void fsvm_ctx_publish(struct fsvm_dev *fd, unsigned int idx, struct fsvm_ctx *ctx)
{
	unsigned long flags;

	mutex_lock(&fd->lock);
	spin_lock_irqsave(&fd->ctx_lock, flags);
	fd->ctx[idx] = ctx;
	spin_unlock_irqrestore(&fd->ctx_lock, flags);
	mutex_unlock(&fd->lock);
}

/*
 * Wait (bounded by the backend's drain_ms) until the aborted context is
 * idle in the shell: not executing, and ABORT done (the shell clears it
 * when the running and queued packets are drained). false if it never
 * got there. The deadline is in jiffies, so a slow poll cannot stretch it.
 */
static bool fsvm_ctx_wait_idle(struct fsvm_ctx *ctx)
{
	struct fsvm_dev *fd = ctx->fd;
	u32 base = FSVM_CTX_OFF(ctx->idx);
	unsigned long deadline = jiffies + msecs_to_jiffies(fd->ops->drain_ms);

	for (;;) {
		if (!(fsvm_win_read(fd, base + FSVM_CTX_STATUS) & FSVM_CSTAT_BUSY) &&
		    !(fsvm_win_read(fd, base + FSVM_CTX_CONTROL) & FSVM_CTRL_ABORT))
			return true;
		if (time_after(jiffies, deadline))
			return false;
		usleep_range(1000, 2000);
	}
}

/* The slot's hardware never confirmed it stopped: never hand it out again. */
static void fsvm_ctx_quarantine(struct fsvm_ctx *ctx, const char *why)
{
	struct fsvm_dev *fd = ctx->fd;

	dev_err(fd->dev, "*** context %u (bank %u, SMR %u, stream 0x%x) QUARANTINED: %s; its stream stays faulting and the slot is not reused until the module is reloaded ***\n",
		ctx->idx, ctx->bank, ctx->smr, ctx->sid, why);
	mutex_lock(&fd->lock);
	fsvm_slot_quarantine(&fd->slots, ctx->idx);
	mutex_unlock(&fd->lock);
}

static void fsvm_ctx_kref_free(struct kref *ref)
{
	kfree(container_of(ref, struct fsvm_ctx, ref));
}

/* Drop a reference taken with kref_get (FSVM_IOC_WAIT). */
void fsvm_ctx_put(struct fsvm_ctx *ctx)
{
	kref_put(&ctx->ref, fsvm_ctx_kref_free);
}

/*
 * Unbind (UNBIND or release, under the file's lock): waiters asleep in
 * FSVM_IOC_WAIT hold their own reference and touch only the struct, the
 * waitqueue and the counters, so they may outlive everything else here.
 */
void fsvm_ctx_free(struct fsvm_ctx *ctx)
{
	struct fsvm_dev *fd = ctx->fd;

	const char *why = NULL;
	u32 ctrl = FSVM_CTX_OFF(ctx->idx) + FSVM_CTX_CONTROL;
	unsigned long flags;

	/* Under fault_lock: see fsvm_mn_release. */
	spin_lock_irqsave(&ctx->fault_lock, flags);
	WRITE_ONCE(ctx->dead, true);
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
	wake_up_all(&ctx->wq);
	/*
	 * ABORT (not just CONTROL=0, which lets the running packet finish),
	 * cut the stream and disable the bank (a stalled access is
	 * terminated, so the abort can complete), see the shell idle, and a
	 * last TLBIASID + sync. Only a slot that confirmed all of it is
	 * reused.
	 */
	fsvm_win_write(fd, ctrl, FSVM_CTRL_ABORT);
	if (fsvm_ctx_hw_disable(ctx))
		why = "TLB sync timed out at disable";
	if (!fsvm_ctx_wait_idle(ctx))
		why = "still busy when the drain budget (ops->drain_ms) ran out after ABORT";
	else if (fsvm_ctx_hw_flush(ctx))
		why = "TLB sync timed out after drain";
	if (!why && ctx->hw_failed)
		why = "an earlier TLB sync timed out";
	fsvm_win_write(fd, ctrl, 0);
	fsvm_ctx_publish(fd, ctx->idx, NULL);
	fsvm_ctx_detach_mm(ctx);	/* stops the fault worker first */
	if (ctx->efd)
		eventfd_ctx_put(ctx->efd);
	fd->ops->ctx_fini(ctx);
	if (why)
		fsvm_ctx_quarantine(ctx, why);
	mutex_lock(&fd->lock);
	fsvm_ctx_slot_put(fd, ctx->idx);
	mutex_unlock(&fd->lock);
	fsvm_ctx_put(ctx);
}

/*
 * Suspend and shutdown, before the SMMU's own (the device link orders it):
 * every bound context is aborted, its stream parked and its bank disabled,
 * and seen idle (bounded), so no traffic is in flight when arm-smmu (or
 * the power-off) turns translation off. The contexts stay bound; after a
 * resume fsvm_dev_wake enables their banks again with the shell context
 * disabled (its queued packets ended ABORTED; the process enables it
 * again to go on).
 */
void fsvm_dev_quiesce(struct fsvm_dev *fd)
{
	unsigned int i, n = 0;

	mutex_lock(&fd->lock);
	for (i = 0; i < fd->nctx; i++) {
		struct fsvm_ctx *ctx = fd->ctx[i];
		u32 ctrl;

		if (!ctx || READ_ONCE(ctx->dead) || !READ_ONCE(ctx->live))
			continue;
		ctrl = FSVM_CTX_OFF(ctx->idx) + FSVM_CTX_CONTROL;
		/*
		 * ABORT with the bank still on, so the aborted packets'
		 * completion records reach the process; only a context that
		 * does not drain (a stall nobody resolves) is cut first.
		 */
		fsvm_win_write(fd, ctrl, FSVM_CTRL_ABORT);
		if (!fsvm_ctx_wait_idle(ctx)) {
			fsvm_ctx_hw_disable(ctx);
			if (!fsvm_ctx_wait_idle(ctx))
				dev_err(fd->dev, "context %u still busy after ABORT at suspend/shutdown\n",
					ctx->idx);
		}
		fsvm_ctx_hw_disable(ctx);
		fsvm_ctx_sync(ctx);
		ctx->quiesced = true;
		n++;
	}
	mutex_unlock(&fd->lock);
	if (n)
		dev_info(fd->dev, "%u context(s) aborted and disabled (suspend/shutdown)\n", n);
}

/* After a resume: the quiesced contexts' banks again, the others' images. */
void fsvm_dev_wake(struct fsvm_dev *fd)
{
	unsigned int i;

	/* fd->lock keeps a context from being freed under us. */
	mutex_lock(&fd->lock);
	for (i = 0; i < fd->nctx; i++) {
		struct fsvm_ctx *ctx = fd->ctx[i];

		if (!ctx)
			continue;
		if (!ctx->quiesced) {
			fsvm_ctx_hw_restore(ctx);
			continue;
		}
		ctx->quiesced = false;
		/* Never a bank on an mm that exited meanwhile (its pgd is gone). */
		if (READ_ONCE(ctx->dead) || !mmget_not_zero(ctx->mm))
			continue;
		fsvm_win_write(fd, FSVM_CTX_OFF(ctx->idx) + FSVM_CTX_CONTROL, 0);
		if (fsvm_ctx_hw_enable(ctx))
			dev_err(fd->dev, "context %u: bank not restored after resume\n", ctx->idx);
		fsvm_ctx_sync(ctx);
		mmput(ctx->mm);
	}
	mutex_unlock(&fd->lock);
}

static int __maybe_unused fsvm_pm_suspend(struct device *dev)
{
	fsvm_dev_quiesce(dev_get_drvdata(dev));
	return 0;
}

/* After system resume the SMMU driver has reset every bank: put ours back. */
static int __maybe_unused fsvm_pm_resume(struct device *dev)
{
	fsvm_dev_wake(dev_get_drvdata(dev));
	return 0;
}

SIMPLE_DEV_PM_OPS(fsvm_pm_ops, fsvm_pm_suspend, fsvm_pm_resume);

/*
 * Bind refused unless the SMMU translates: with sCR0.CLIENTPD set every
 * stream bypasses it (PA = VA), whatever fsvm writes into its bank.
 */
static int fsvm_smmu_translating(struct fsvm_dev *fd)
{
	unsigned long flags;
	u32 scr0;

	spin_lock_irqsave(&fd->smmu_lock, flags);
	scr0 = fd->io.read32(fd->io.priv, SMMU_GR0_SCR0);
	spin_unlock_irqrestore(&fd->smmu_lock, flags);
	if (!(scr0 & SMMU_SCR0_CLIENTPD))
		return 0;
	dev_err_ratelimited(fd->dev, "bind refused: the SMMU is not translating (sCR0 0x%08x, CLIENTPD set: every stream would bypass it); enable the SMMU (arm-smmu, or own_smmu=1)\n",
			    scr0);
	return -ENODEV;
}

/* Bind the caller's mm to a free slot: the context, or an ERR_PTR. */
struct fsvm_ctx *fsvm_ctx_bind(struct fsvm_dev *fd, int want_mode)
{
	struct fsvm_ctx *ctx;
	int slot, ret;

	if (!current->mm)
		return ERR_PTR(-EINVAL);
	ret = fsvm_smmu_translating(fd);
	if (ret)
		return ERR_PTR(ret);
	/* Charged to the binder: its memory cgroup pays for its contexts. */
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&fd->lock);
	slot = fsvm_ctx_slot_get(fd);
	mutex_unlock(&fd->lock);
	if (slot < 0) {
		kfree(ctx);
		return ERR_PTR(slot);
	}
	ctx->fd = fd;
	ctx->idx = slot;
	ctx->bank = fd->banks[slot];
	ctx->smr = fd->smrs[slot];
	ctx->sid = fd->sid_base + slot;
	ctx->asid = fsvm_bank_asid(ctx->bank);
	ctx->mode = want_mode;
	mutex_init(&ctx->mirror_lock);
	/* Empty in every mode: teardown splices it in shared mode too. */
	INIT_LIST_HEAD(&ctx->mpt_freed);
	spin_lock_init(&ctx->fault_lock);
	ratelimit_state_init(&ctx->log_rs, FSVM_LOG_INTERVAL, FSVM_LOG_BURST);
	/* No "callbacks suppressed" lines: fsvm_fault_stop says how many. */
	ratelimit_set_flags(&ctx->log_rs, RATELIMIT_MSG_ON_RELEASE);
	kref_init(&ctx->ref);
	init_waitqueue_head(&ctx->wq);
	fsvm_faultq_init(&ctx->faults);

	ret = fd->ops->ctx_init(ctx);
	if (ret)
		goto err_slot;
	ctx->mm = current->mm;
	mmgrab(ctx->mm);
	ret = fsvm_ctx_attach_mm(ctx);
	if (ret) {
		mmdrop(ctx->mm);
		goto err_fini;
	}
	/*
	 * The shell context starts disabled and with every register at its
	 * reset value (issue 8 L1: nothing of the previous binder's ring,
	 * indices or fault record); the bank and stream follow. The slot was
	 * seen idle with ENABLE clear when it was freed (or quarantined), so
	 * the shell honours the reset.
	 */
	fsvm_win_write(fd, FSVM_CTX_OFF(slot) + FSVM_CTX_CONTROL, FSVM_CTRL_RESET);
	fsvm_ctx_publish(fd, slot, ctx);
	ret = fsvm_ctx_hw_enable(ctx);
	if (ret)
		goto err_hw;
	fsvm_ctx_sync(ctx);
	if (ctx->mode == FSVM_MODE_SHARED && !(fd->fw_coherent && fd->caps.cttw))
		dev_warn_ratelimited(fd->dev, "context %u: shared mode FORCED (force_shared) on a non-coherent table walk: the SMMU may read stale page tables\n",
				     slot);
	dev_dbg(fd->dev, "context %u bound: bank %u, stream 0x%x, %s mode\n", slot,
		ctx->bank, ctx->sid, fsvm_mode_name(ctx->mode));
	return ctx;

err_hw:
	/*
	 * fsvm_ctx_hw_enable fails before it writes a register, or after a
	 * TLB sync timeout with the stream parked (S2CR fault) and the bank
	 * off: that slot's TLB cannot be trusted any more.
	 */
	if (ctx->hw_failed)
		fsvm_ctx_quarantine(ctx, "TLB sync timed out at bind");
	fsvm_ctx_publish(fd, slot, NULL);
	fsvm_ctx_detach_mm(ctx);	/* drops the mm */
err_fini:
	fd->ops->ctx_fini(ctx);
err_slot:
	mutex_lock(&fd->lock);
	fsvm_ctx_slot_put(fd, slot);
	mutex_unlock(&fd->lock);
	kfree(ctx);
	return ERR_PTR(ret);
}
