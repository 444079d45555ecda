// SPDX-License-Identifier: GPL-2.0-only
/*
 * fsvm_main.c - fsvm.ko: the FPGA shell of a ZynqMP as a device whose
 * kernels take process virtual addresses, through an SMMU-500 context bank
 * that walks the process's page table (shared mode) or fsvm's mirror of it
 * (mirror mode).
 *
 * This file: module parameters, the device-tree probe, /dev/fsvmN (open,
 * ioctl, mmap of one context page, release), debugfs. The fault path and
 * the notifiers are in fsvm_fault.c, emulation mode in fsvm_emu.c.
 */
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_device.h>
#include <linux/of_irq.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/pm_runtime.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "fsvm_drv.h"
#include "fsvm_hw.h"

static char *mode = "auto";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "auto (default: shared if the table walk is coherent, else mirror), shared or mirror");

static bool force_shared;
module_param(force_shared, bool, 0444);
MODULE_PARM_DESC(force_shared, "allow shared mode on a non-coherent table walk (UNSAFE: stale translations)");

bool fsvm_affd = true;
module_param_named(affd, fsvm_affd, bool, 0444);
MODULE_PARM_DESC(affd, "disable SMMU access-flag faults (SCTLR.AFFD; default on)");

static int own_smmu = -1;
module_param(own_smmu, int, 0444);
MODULE_PARM_DESC(own_smmu, "initialize the SMMU's global registers: -1 auto (when no driver is bound to it), 0 never, 1 always");

static DEFINE_IDA(fsvm_ida);

struct fsvm_file {
	struct fsvm_dev *fd;
	struct mutex lock;		/* ctx */
	struct fsvm_ctx *ctx;
	atomic_t maps;			/* live mmaps of the context page */
};

static int fsvm_mode_param(void)
{
	if (!strcmp(mode, "shared"))
		return FSVM_MODE_SHARED;
	if (!strcmp(mode, "mirror"))
		return FSVM_MODE_MIRROR;
	if (!strcmp(mode, "auto") || !*mode)
		return FSVM_MODE_PARAM_AUTO;
	return -EINVAL;
}

/* The CPU's view of user address translation, as the SMMU must copy it. */
static void fsvm_cpu_config(struct fsvm_dev *fd)
{
#ifdef CONFIG_ARM64
	static const unsigned char ips_bits[] = { 32, 36, 40, 42, 44, 48, 52, 52 };
	u64 tcr = read_sysreg(tcr_el1);

	fd->va_bits = 64 - (unsigned int)(tcr & 0x3f);
	fd->pa_bits = ips_bits[(tcr >> 32) & 7];
	fd->mair = read_sysreg(mair_el1);
#else
	fd->va_bits = 48;
	fd->pa_bits = 48;
	fd->mair = 0x000000040044ffffull;
#endif
}

/* ------------------------------------------------------------------ */
/* Contexts                                                            */
/* ------------------------------------------------------------------ */

void fsvm_ctx_irq(struct fsvm_ctx *ctx)
{
	unsigned long flags;

	atomic_inc(&ctx->irq_count);
	ctx->st.irqs++;
	wake_up_all(&ctx->wq);
	spin_lock_irqsave(&ctx->fault_lock, flags);
	if (ctx->efd)
		fsvm_eventfd_signal(ctx->efd);
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
}

struct fsvm_ctx *fsvm_ctx_get_by_bank(struct fsvm_dev *fd, unsigned int bank)
{
	unsigned int i;

	for (i = 0; i < fd->nctx; i++)
		if (fd->ctx[i] && fd->ctx[i]->bank == bank)
			return fd->ctx[i];
	return NULL;
}

static void fsvm_ctx_publish(struct fsvm_dev *fd, unsigned int idx, struct fsvm_ctx *ctx)
{
	unsigned long flags;

	spin_lock_irqsave(&fd->ctx_lock, flags);
	fd->ctx[idx] = ctx;
	spin_unlock_irqrestore(&fd->ctx_lock, flags);
}

/*
 * Wait (bounded, about 200 ms) until the aborted context is idle in the
 * shell: not executing, and ABORT done (the shell clears it when the
 * running and queued packets are drained). false if it never got there.
 */
static bool fsvm_ctx_wait_idle(struct fsvm_ctx *ctx)
{
	struct fsvm_dev *fd = ctx->fd;
	u32 base = FSVM_CTX_OFF(ctx->idx);
	int i;

	for (i = 0; i < 100; i++) {
		if (!(fsvm_win_read(fd, base + FSVM_CTX_STATUS) & FSVM_CSTAT_BUSY) &&
		    !(fsvm_win_read(fd, base + FSVM_CTX_CONTROL) & FSVM_CTRL_ABORT))
			return true;
		usleep_range(1000, 2000);
	}
	return false;
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

/*
 * Unbind (UNBIND or release, under the file's lock): waiters asleep in
 * FSVM_IOC_WAIT hold their own reference and touch only the struct, the
 * waitqueue and the counters, so they may outlive everything else here.
 */
static void fsvm_ctx_free(struct fsvm_ctx *ctx)
{
	struct fsvm_dev *fd = ctx->fd;

	const char *why = NULL;
	u32 ctrl = FSVM_CTX_OFF(ctx->idx) + FSVM_CTX_CONTROL;

	WRITE_ONCE(ctx->dead, true);
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
		why = "still busy 200 ms after ABORT";
	else if (fsvm_ctx_hw_flush(ctx))
		why = "TLB sync timed out after drain";
	if (!why && ctx->hw_failed)
		why = "an earlier TLB sync timed out";
	fsvm_win_write(fd, ctrl, 0);
	fsvm_ctx_publish(fd, ctx->idx, NULL);
	cancel_work_sync(&ctx->fault_work);
	fsvm_ctx_detach_mm(ctx);
	if (ctx->efd)
		eventfd_ctx_put(ctx->efd);
	if (ctx->emu_pg)
		__free_page(ctx->emu_pg);
	if (!fd->emulated)
		pm_runtime_put(fd->dev);
	if (why)
		fsvm_ctx_quarantine(ctx, why);
	mutex_lock(&fd->lock);
	fsvm_slot_put(&fd->slots, ctx->idx);	/* ignored once quarantined */
	mutex_unlock(&fd->lock);
	kref_put(&ctx->ref, fsvm_ctx_kref_free);
}

static int fsvm_bind(struct fsvm_file *ff, int want_mode, struct fsvm_bind *out)
{
	struct fsvm_dev *fd = ff->fd;
	struct fsvm_ctx *ctx;
	int slot, ret;

	if (ff->ctx)
		return -EEXIST;
	if (!current->mm)
		return -EINVAL;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	mutex_lock(&fd->lock);
	slot = fsvm_slot_get(&fd->slots);
	mutex_unlock(&fd->lock);
	if (slot < 0) {
		kfree(ctx);
		return slot;
	}
	ctx->fd = fd;
	ctx->idx = slot;
	ctx->bank = fd->banks[slot];
	ctx->smr = fd->smrs[slot];
	ctx->sid = fd->sid_base + slot;
	ctx->asid = ctx->bank;
	ctx->mode = want_mode;
	mutex_init(&ctx->mirror_lock);
	/* Empty in every mode: teardown splices it in shared mode too. */
	INIT_LIST_HEAD(&ctx->mpt_freed);
	spin_lock_init(&ctx->fault_lock);
	INIT_WORK(&ctx->fault_work, fsvm_fault_work);
	kref_init(&ctx->ref);
	init_waitqueue_head(&ctx->wq);
	fsvm_faultq_init(&ctx->faults);

	if (fd->emulated) {
		ctx->emu_pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!ctx->emu_pg) {
			ret = -ENOMEM;
			goto err_free;
		}
		ctx->emu_page = page_address(ctx->emu_pg);
	} else {
		ret = pm_runtime_resume_and_get(fd->dev);
		if (ret < 0)
			goto err_free;
	}

	ctx->mm = current->mm;
	mmgrab(ctx->mm);
	ret = fsvm_ctx_attach_mm(ctx);
	if (ret) {
		mmdrop(ctx->mm);
		goto err_pm;
	}
	/* The shell context starts disabled; the bank and stream follow. */
	fsvm_win_write(fd, FSVM_CTX_OFF(slot) + FSVM_CTX_CONTROL, 0);
	fsvm_ctx_publish(fd, slot, ctx);
	ret = fsvm_ctx_hw_enable(ctx);
	if (ret)
		goto err_hw;
	if (fd->emulated)
		fsvm_emu_publish(ctx);

	ff->ctx = ctx;
	out->context = slot;
	out->stream_id = ctx->sid;
	out->bank = ctx->bank;
	out->asid = ctx->asid;
	out->mode = ctx->mode;
	out->mmap_offset = 0;
	out->mmap_size = FSVM_UAPI_CTX_PAGE;
	dev_dbg(fd->dev, "context %u bound: bank %u, stream 0x%x, %s mode\n", slot,
		ctx->bank, ctx->sid, ctx->mode == FSVM_MODE_SHARED ? "shared" : "mirror");
	return 0;

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
err_pm:
	if (!fd->emulated)
		pm_runtime_put(fd->dev);
err_free:
	if (ctx->emu_pg)
		__free_page(ctx->emu_pg);
	mutex_lock(&fd->lock);
	fsvm_slot_put(&fd->slots, slot);
	mutex_unlock(&fd->lock);
	kfree(ctx);
	return ret;
}

/* ------------------------------------------------------------------ */
/* File operations                                                     */
/* ------------------------------------------------------------------ */

static int fsvm_open(struct inode *inode, struct file *f)
{
	struct fsvm_dev *fd = container_of(f->private_data, struct fsvm_dev, misc);
	struct fsvm_file *ff;

	ff = kzalloc(sizeof(*ff), GFP_KERNEL);
	if (!ff)
		return -ENOMEM;
	ff->fd = fd;
	mutex_init(&ff->lock);
	atomic_set(&ff->maps, 0);
	f->private_data = ff;
	return 0;
}

static int fsvm_release(struct inode *inode, struct file *f)
{
	struct fsvm_file *ff = f->private_data;

	if (ff->ctx)
		fsvm_ctx_free(ff->ctx);
	kfree(ff);
	return 0;
}

static void fsvm_fill_info(struct fsvm_dev *fd, struct fsvm_info *info)
{
	unsigned int i;
	u32 w;

	/* Nothing the caller passed in is echoed back (reserved fields zero). */
	memset(info, 0, sizeof(*info));
	info->uapi_version = FSVM_UAPI_VERSION;
	info->flags = (fd->emulated ? FSVM_INFO_F_EMULATED | FSVM_INFO_F_REG_IOCTL : 0) |
		      (fd->mode == FSVM_MODE_SHARED && !fd->forced ? FSVM_INFO_F_COHERENT : 0) |
		      (fd->forced ? FSVM_INFO_F_FORCED : 0) | FSVM_INFO_F_STALL;
	info->mode = fd->mode;
	info->num_contexts = fd->nctx;
	mutex_lock(&fd->lock);
	info->free_contexts = fsvm_slots_free(&fd->slots);
	mutex_unlock(&fd->lock);
	for (i = 0; i < FSVM_UAPI_ID_WORDS; i++)
		info->id[i] = fsvm_win_read(fd, 4 * i);
	for (i = 0; i < FSVM_UAPI_KTAB_BYTES / 4; i++) {
		w = fsvm_win_read(fd, FSVM_KERNEL_TABLE_OFF + 4 * i);
		memcpy(&info->kernel_table[4 * i], &w, 4);
	}
}

static void fsvm_fill_diag_bank(struct fsvm_dev *fd, struct fsvm_ctx *ctx,
				unsigned int slot, struct fsvm_diag_bank *b)
{
	const struct fsvm_smmu_io *io = &fd->io;
	unsigned int cb = fd->banks[slot], smr = fd->smrs[slot];
	unsigned long flags;
	u64 ttbr;

	b->bank = cb;
	spin_lock_irqsave(&fd->smmu_lock, flags);
	b->smr = io->read32(io->priv, SMMU_GR0_SMR(smr));
	b->s2cr = io->read32(io->priv, SMMU_GR0_S2CR(smr));
	b->cbar = io->read32(io->priv, SMMU_GR1_CBAR(cb));
	b->cba2r = io->read32(io->priv, SMMU_GR1_CBA2R(cb));
	b->sctlr = io->read32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_SCTLR));
	b->tcr = io->read32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_TCR));
	b->tcr2 = io->read32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_TCR2));
	b->mair0 = io->read32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_MAIR0));
	b->mair1 = io->read32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_MAIR1));
	b->fsr = io->read32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_FSR));
	b->fsynr0 = io->read32(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_FSYNR0));
	b->far = io->read64(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_FAR));
	ttbr = io->read64(io->priv, fsvm_cb_reg(io, cb, SMMU_CB_TTBR0));
	spin_unlock_irqrestore(&fd->smmu_lock, flags);
	b->ttbr0_asid = (u32)(ttbr >> 48);
	b->ttbr0_set = (ttbr & SMMU_TTBR_ADDR_MASK) != 0;
	if (ctx) {
		b->in_use = 1;
		b->mode = ctx->mode;
		b->faults_resolved = ctx->st.faults_resolved;
		b->faults_terminated = ctx->st.faults_terminated;
		b->stalls = ctx->st.stalls;
		b->tlbi = ctx->st.tlbi;
		b->mirror_entries = ctx->st.mirror_entries;
	}
}

/* Under fd->lock (keeps ctx alive). */
static void fsvm_fill_diag_mirror(struct fsvm_dev *fd, struct fsvm_ctx *ctx,
				  struct fsvm_diag *d)
{
	lockdep_assert_held(&fd->lock);
	if (!ctx || ctx->mode != FSVM_MODE_MIRROR)
		return;
	d->mirror_tables = (u32)min_t(unsigned long, READ_ONCE(ctx->st.mirror_tables), U32_MAX);
	d->mirror_tables_max = (u32)min_t(unsigned long, ctx->st.mirror_tables_max, U32_MAX);
}

static void fsvm_fill_diag(struct fsvm_file *ff, struct fsvm_diag *d)
{
	struct fsvm_dev *fd = ff->fd;
	const struct fsvm_smmu_io *io = &fd->io;
	bool admin = capable(CAP_SYS_ADMIN);
	unsigned int i;

	/* Nothing the caller passed in is echoed back (other banks read zero). */
	memset(d, 0, sizeof(*d));
	d->flags = (fd->fw_coherent ? FSVM_DIAG_F_FW_COHERENT : 0) |
		   (fd->caps.cttw ? FSVM_DIAG_F_CTTW : 0);
#ifdef CONFIG_ARM64
	if (((read_sysreg(id_aa64mmfr1_el1) & 0xf)) != 0)
		d->flags |= FSVM_DIAG_F_HW_AFDBM;
#endif
	d->cpu_va_bits = fd->va_bits;
	d->cpu_pa_bits = fd->pa_bits;
	d->cpu_mair = fd->mair;
	for (i = 0; i < 8; i++)
		d->idr[i] = io->read32(io->priv, SMMU_GR0_IDR0 + 4 * i);
	d->scr0 = io->read32(io->priv, SMMU_GR0_SCR0);
	d->sgfsr = io->read32(io->priv, SMMU_GR0_SGFSR);
	d->sgfsynr0 = io->read32(io->priv, SMMU_GR0_SGFSYNR0);
	d->sgfsynr1 = io->read32(io->priv, SMMU_GR0_SGFSYNR1);
	d->stream_id_base = fd->sid_base;
	d->stream_id_mask = fd->sid_mask;
	d->num_banks = fd->nctx;
	d->mode = fd->mode;
	d->irqs = atomic_read(&fd->smmu_irqs);
	d->global_faults = atomic_read(&fd->global_faults);
	/* fd->lock keeps a context from being freed under us. */
	mutex_lock(&fd->lock);
	for (i = 0; i < fd->nctx; i++) {
		struct fsvm_ctx *ctx = fd->ctx[i];

		if (!admin && ctx != ff->ctx) {
			d->flags |= FSVM_DIAG_F_PARTIAL;
			d->banks[i].bank = fd->banks[i];
			d->banks[i].in_use = ctx != NULL;
			continue;
		}
		fsvm_fill_diag_bank(fd, ctx, i, &d->banks[i]);
	}
	fsvm_fill_diag_mirror(fd, ff->ctx, d);
	mutex_unlock(&fd->lock);
}

/*
 * FSVM_IOC_WAIT sleeps without the file's lock, holding a reference on
 * ctx, so the other ioctls of the file (CTX_WRITE, ABORT, UNBIND) and mmap
 * go on meanwhile. Unbind and release set ctx->dead and wake it (it then
 * returns -ENXIO); the mm going away (!live) wakes it as before.
 */
static int fsvm_wait_sleep(struct fsvm_ctx *ctx, u32 seen, u64 timeout_ns)
{
	long left;

	if ((u32)atomic_read(&ctx->irq_count) != seen || !timeout_ns)
		return 0;
	left = wait_event_interruptible_timeout(ctx->wq,
		(u32)atomic_read(&ctx->irq_count) != seen || !READ_ONCE(ctx->live) ||
		READ_ONCE(ctx->dead),
		max_t(long, 1, nsecs_to_jiffies(timeout_ns)));
	return left < 0 ? left : 0;
}

/* After fsvm_wait_sleep, under the file's lock again: the result. */
static int fsvm_wait_result(struct fsvm_ctx *ctx, struct fsvm_req *req, struct fsvm_wait *w)
{
	u32 seen = req->u.wait.seen;

	if (ctx->dead)
		return -ENXIO;
	w->irq_count = (u32)atomic_read(&ctx->irq_count);
	w->status = fsvm_win_read(ctx->fd, FSVM_CTX_OFF(ctx->idx) + FSVM_CTX_STATUS);
	if (w->irq_count == seen)
		return req->u.wait.timeout_ns ? -ETIMEDOUT : 0;
	return 0;
}

static int fsvm_set_eventfd(struct fsvm_ctx *ctx, int efd_fd)
{
	struct eventfd_ctx *efd = NULL, *old;
	unsigned long flags;

	if (efd_fd >= 0) {
		efd = eventfd_ctx_fdget(efd_fd);
		if (IS_ERR(efd))
			return PTR_ERR(efd);
	}
	spin_lock_irqsave(&ctx->fault_lock, flags);
	old = ctx->efd;
	ctx->efd = efd;
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
	if (old)
		eventfd_ctx_put(old);
	return 0;
}

/* Copy out first; the records leave the queue only once the user has them. */
static int fsvm_read_faults(struct fsvm_ctx *ctx, struct fsvm_req *req, struct fsvm_faults *f)
{
	struct fsvm_fault_entry *buf;
	unsigned long flags;
	unsigned int n;
	u64 start;
	u32 lost;

	/* At most FSVM_FAULTS_MAX records (fsvm_uapi_check). */
	buf = kcalloc(req->u.faults.max, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	spin_lock_irqsave(&ctx->fault_lock, flags);
	n = fsvm_faultq_peek(&ctx->faults, buf, req->u.faults.max, &lost, &start);
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
	if (n && copy_to_user(u64_to_user_ptr(req->u.faults.uptr), buf, n * sizeof(*buf))) {
		kfree(buf);
		return -EFAULT;
	}
	kfree(buf);
	spin_lock_irqsave(&ctx->fault_lock, flags);
	fsvm_faultq_consume(&ctx->faults, start, n, lost);
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
	f->count = n;
	f->lost = lost;
	return 0;
}

static long fsvm_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct fsvm_file *ff = f->private_data;
	struct fsvm_dev *fd = ff->fd;
	void __user *uarg = (void __user *)arg;
	struct fsvm_req req;
	struct fsvm_ctx *ctx;
	long size = fsvm_uapi_arg_size(cmd);
	void *buf = NULL;
	int ret;

	if (size < 0)
		return -ENOTTY;
	if (size) {
		buf = kzalloc(size, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		if (copy_from_user(buf, uarg, size)) {
			ret = -EFAULT;
			goto out;
		}
	}
	ret = fsvm_uapi_check(cmd, buf, size, &fd->lim, &req);
	if (ret)
		goto out;

	mutex_lock(&ff->lock);
	ctx = ff->ctx;
	/* Everything but the read-only queries needs the binding mm. */
	if (cmd != FSVM_IOC_GET_INFO && cmd != FSVM_IOC_DIAG && cmd != FSVM_IOC_BIND) {
		if (!ctx) {
			ret = -ENXIO;
			goto unlock;
		}
		if (ctx->mm != current->mm) {
			ret = -EACCES;
			goto unlock;
		}
	}
	switch (cmd) {
	case FSVM_IOC_GET_INFO:
		fsvm_fill_info(fd, buf);
		((struct fsvm_info *)buf)->size = req.u.info.copy;
		size = req.u.info.copy;
		break;
	case FSVM_IOC_BIND:
		ret = fsvm_bind(ff, req.u.bind.mode, buf);
		break;
	case FSVM_IOC_UNBIND:
		if (atomic_read(&ff->maps)) {
			ret = -EBUSY;	/* munmap the context page first */
			break;
		}
		ff->ctx = NULL;
		fsvm_ctx_free(ctx);
		break;
	case FSVM_IOC_PREFAULT:
		ret = fsvm_prefault(ctx, req.u.range.start, req.u.range.end, req.u.range.write);
		break;
	case FSVM_IOC_WAIT:
		/* Sleep without the file's lock (see fsvm_wait_sleep). */
		kref_get(&ctx->ref);
		mutex_unlock(&ff->lock);
		ret = fsvm_wait_sleep(ctx, req.u.wait.seen, req.u.wait.timeout_ns);
		mutex_lock(&ff->lock);
		if (!ret)
			ret = fsvm_wait_result(ctx, &req, buf);
		kref_put(&ctx->ref, fsvm_ctx_kref_free);
		break;
	case FSVM_IOC_SET_EVENTFD:
		ret = fsvm_set_eventfd(ctx, req.u.efd.fd);
		break;
	case FSVM_IOC_READ_FAULTS:
		ret = fsvm_read_faults(ctx, &req, buf);
		break;
	case FSVM_IOC_ABORT: {
		u32 off = FSVM_CTX_OFF(ctx->idx) + FSVM_CTX_CONTROL;

		fsvm_win_write(fd, off, fsvm_win_read(fd, off) | FSVM_CTRL_ABORT);
		if (fd->emulated)
			fsvm_emu_publish(ctx);
		break;
	}
	case FSVM_IOC_CTX_WRITE:
		fsvm_win_write(fd, FSVM_CTX_OFF(ctx->idx) + req.u.reg.offset, req.u.reg.value);
		if (fd->emulated)
			fsvm_emu_publish(ctx);
		break;
	case FSVM_IOC_DIAG:
		fsvm_fill_diag(ff, buf);
		((struct fsvm_diag *)buf)->size = req.u.diag.copy;
		size = req.u.diag.copy;
		break;
	}
unlock:
	mutex_unlock(&ff->lock);
	if (!ret && buf && (_IOC_DIR(cmd) & _IOC_READ) && copy_to_user(uarg, buf, size))
		ret = -EFAULT;
out:
	kfree(buf);
	return ret;
}

static void fsvm_vm_open(struct vm_area_struct *vma)
{
	struct fsvm_file *ff = vma->vm_private_data;

	atomic_inc(&ff->maps);
}

static void fsvm_vm_close(struct vm_area_struct *vma)
{
	struct fsvm_file *ff = vma->vm_private_data;

	atomic_dec(&ff->maps);
}

static const struct vm_operations_struct fsvm_vm_ops = {
	.open = fsvm_vm_open,
	.close = fsvm_vm_close,
};

static int fsvm_mmap(struct file *f, struct vm_area_struct *vma)
{
	struct fsvm_file *ff = f->private_data;
	struct fsvm_dev *fd = ff->fd;
	unsigned long len = vma->vm_end - vma->vm_start;
	struct fsvm_ctx *ctx;
	int ret;

	/* mmap_lock is held: never wait for the file lock (ABBA, issue 8 H1). */
	if (!mutex_trylock(&ff->lock))
		return -EAGAIN;
	ctx = ff->ctx;
	ret = fsvm_uapi_check_mmap(vma->vm_pgoff, len, vma->vm_flags & VM_SHARED, ctx != NULL, 0);
	if (ret)
		goto out;
	if (ctx->mm != current->mm) {
		ret = -EACCES;
		goto out;
	}
	if (fd->emulated) {
		/* Published registers: read-only, writes go through the ioctl. */
		if (vma->vm_flags & VM_WRITE) {
			ret = -EACCES;
			goto out;
		}
		fsvm_vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY, VM_MAYWRITE);
		ret = vm_insert_page(vma, vma->vm_start, ctx->emu_pg);
	} else {
		fsvm_vm_flags_mod(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
				  VM_DONTCOPY, 0);
		vma->vm_page_prot = pgprot_device(vma->vm_page_prot);
		ret = io_remap_pfn_range(vma, vma->vm_start,
					 (fd->win_phys + FSVM_CTX_OFF(ctx->idx)) >> PAGE_SHIFT,
					 len, vma->vm_page_prot);
	}
	if (!ret) {
		vma->vm_private_data = ff;
		vma->vm_ops = &fsvm_vm_ops;
		atomic_inc(&ff->maps);
	}
out:
	mutex_unlock(&ff->lock);
	return ret;
}

static const struct file_operations fsvm_fops = {
	.owner = THIS_MODULE,
	.open = fsvm_open,
	.release = fsvm_release,
	.unlocked_ioctl = fsvm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = fsvm_mmap,
	.llseek = noop_llseek,
};

/* ------------------------------------------------------------------ */
/* debugfs                                                             */
/* ------------------------------------------------------------------ */

static int fsvm_dbg_show(struct seq_file *s, void *unused)
{
	struct fsvm_dev *fd = s->private;
	struct fsvm_diag_bank b;
	unsigned int i;

	seq_printf(s, "mode %s%s, %s, %u contexts, stream ids 0x%x+n mask 0x%x\n",
		   fd->mode == FSVM_MODE_SHARED ? "shared" : "mirror",
		   fd->forced ? " (FORCED on a non-coherent walk)" : "",
		   fd->emulated ? "emulated" : "silicon", fd->nctx, fd->sid_base, fd->sid_mask);
	seq_printf(s, "cpu: va %u bits, pa %u bits, mair 0x%016llx; smmu: ias %u oas %u, cttw %d, fw coherent %d\n",
		   fd->va_bits, fd->pa_bits, fd->mair, fd->caps.ias_bits, fd->caps.oas_bits,
		   fd->caps.cttw, fd->fw_coherent);
	seq_printf(s, "smmu context irqs %d, global faults %d\n",
		   atomic_read(&fd->smmu_irqs), atomic_read(&fd->global_faults));
	mutex_lock(&fd->lock);
	for (i = 0; i < fd->nctx; i++) {
		struct fsvm_ctx *ctx = fd->ctx[i];

		memset(&b, 0, sizeof(b));
		fsvm_fill_diag_bank(fd, ctx, i, &b);
		seq_printf(s, "ctx %u: %s bank %u smr %u\n", i,
			   ctx ? (ctx->mode == FSVM_MODE_SHARED ? "shared" : "mirror") : "free",
			   b.bank, fd->smrs[i]);
		seq_printf(s, "  SMR 0x%08x S2CR 0x%08x CBAR 0x%08x CBA2R 0x%08x\n",
			   b.smr, b.s2cr, b.cbar, b.cba2r);
		seq_printf(s, "  SCTLR 0x%08x TCR 0x%08x TCR2 0x%08x MAIR 0x%08x%08x ASID %u TTBR0 %s\n",
			   b.sctlr, b.tcr, b.tcr2, b.mair1, b.mair0, b.ttbr0_asid,
			   b.ttbr0_set ? "set" : "clear");
		seq_printf(s, "  FSR 0x%08x FSYNR0 0x%08x FAR 0x%llx\n", b.fsr, b.fsynr0, b.far);
		if (ctx)
			seq_printf(s, "  faults resolved %llu terminated %llu, stalls %llu, tlbi %llu, mirror entries %llu, irqs %llu\n",
				   ctx->st.faults_resolved, ctx->st.faults_terminated,
				   ctx->st.stalls, ctx->st.tlbi, ctx->st.mirror_entries,
				   ctx->st.irqs);
		if (ctx && ctx->mode == FSVM_MODE_MIRROR)
			seq_printf(s, "  mirror table pages %lu of at most %lu\n",
				   READ_ONCE(ctx->st.mirror_tables), ctx->st.mirror_tables_max);
	}
	mutex_unlock(&fd->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fsvm_dbg);

/* ------------------------------------------------------------------ */
/* Registration (silicon and emulation)                                */
/* ------------------------------------------------------------------ */

int fsvm_dev_register(struct fsvm_dev *fd)
{
	int param = fsvm_mode_param(), ret;
	unsigned int i;

	if (PAGE_SIZE != 4096) {
		dev_err(fd->dev, "needs 4 KiB pages: the SMMU shares the CPU's 4 KiB-granule tables\n");
		return -EINVAL;
	}
	if (param < 0) {
		dev_err(fd->dev, "mode=%s: expected auto, shared or mirror\n", mode);
		return -EINVAL;
	}
	ret = fsvm_choose_mode(fd->fw_coherent, fd->caps.cttw, param, force_shared,
			       &fd->mode, &fd->forced);
	if (ret == -EPERM) {
		dev_err(fd->dev, "shared mode refused: the SMMU table walk is not coherent (firmware %s, IDR0.CTTW %d); the SMMU would read stale page tables. Use mode=mirror, or force_shared=1 at your own risk\n",
			fd->fw_coherent ? "coherent" : "not coherent", fd->caps.cttw);
		return ret;
	}
	if (ret)
		return ret;
	if (fd->forced)
		dev_warn(fd->dev, "*** shared mode FORCED on a NON-COHERENT table walk: the SMMU can read stale or half-written page tables and reach pages the process no longer owns ***\n");

	fsvm_cpu_config(fd);
	/*
	 * Claim every context's stream match group now, S2CR fault: from here
	 * to module removal fsvm's StreamIDs always match one of its SMRs, so
	 * sCR0.USFCFG (bypass on many boards) never decides for them.
	 */
	for (i = 0; i < fd->nctx; i++)
		fsvm_stream_park(&fd->io, fd->smrs[i], fd->sid_base + i, fd->sid_mask);
	mutex_init(&fd->lock);
	spin_lock_init(&fd->ctx_lock);
	spin_lock_init(&fd->smmu_lock);
	fsvm_slots_init(&fd->slots, fd->nctx);
	fd->lim.user_va_end = TASK_SIZE;
	fd->lim.num_contexts = fd->nctx;
	fd->lim.default_mode = fd->mode;
	fd->lim.shared_allowed = fd->mode == FSVM_MODE_SHARED ||
				 (fd->fw_coherent && fd->caps.cttw) || force_shared;

	fd->wq = alloc_workqueue("fsvm-fault", WQ_UNBOUND, 0);
	if (!fd->wq)
		return -ENOMEM;
	fd->id = ida_alloc(&fsvm_ida, GFP_KERNEL);
	if (fd->id < 0) {
		ret = fd->id;
		goto err_wq;
	}
	snprintf(fd->name, sizeof(fd->name), "fsvm%d", fd->id);
	fd->misc.minor = MISC_DYNAMIC_MINOR;
	fd->misc.name = fd->name;
	fd->misc.fops = &fsvm_fops;
	fd->misc.parent = fd->dev;
	fd->misc.mode = 0666;
	ret = misc_register(&fd->misc);
	if (ret)
		goto err_ida;
	fd->dbg = debugfs_create_dir(fd->name, NULL);
	debugfs_create_file("state", 0400, fd->dbg, fd, &fsvm_dbg_fops);
	dev_info(fd->dev, "/dev/%s: %u contexts, %s mode, cpu va %u pa %u bits, smmu ias %u%s\n",
		 fd->name, fd->nctx, fd->mode == FSVM_MODE_SHARED ? "shared" : "mirror",
		 fd->va_bits, fd->pa_bits, fd->caps.ias_bits, fd->emulated ? ", emulated" : "");
	return 0;

err_ida:
	ida_free(&fsvm_ida, fd->id);
err_wq:
	destroy_workqueue(fd->wq);
	return ret;
}

void fsvm_dev_unregister(struct fsvm_dev *fd)
{
	debugfs_remove_recursive(fd->dbg);
	misc_deregister(&fd->misc);
	ida_free(&fsvm_ida, fd->id);
	destroy_workqueue(fd->wq);
}

/* ------------------------------------------------------------------ */
/* Silicon: the device-tree probe                                      */
/* ------------------------------------------------------------------ */

static u32 fsvm_mmio_win_read(struct fsvm_dev *fd, u32 off)
{
	return readl(fd->win + off);
}

static void fsvm_mmio_win_write(struct fsvm_dev *fd, u32 off, u32 val)
{
	writel(val, fd->win + off);
}

static const struct fsvm_win_ops fsvm_mmio_win_ops = {
	.read32 = fsvm_mmio_win_read,
	.write32 = fsvm_mmio_win_write,
};

static u32 fsvm_smmu_read32(void *priv, u32 off)
{
	return readl((void __iomem *)priv + off);
}

static void fsvm_smmu_write32(void *priv, u32 off, u32 val)
{
	writel(val, (void __iomem *)priv + off);
}

static u64 fsvm_smmu_read64(void *priv, u32 off)
{
	return readq((void __iomem *)priv + off);
}

static void fsvm_smmu_write64(void *priv, u32 off, u64 val)
{
	writeq(val, (void __iomem *)priv + off);
}

static void fsvm_smmu_relax(void *priv)
{
	udelay(1);
}

/* The shell's completion/fault interrupt: acknowledge and count per context. */
static irqreturn_t fsvm_shell_irq(int irq, void *data)
{
	struct fsvm_dev *fd = data;
	irqreturn_t ret = IRQ_NONE;
	unsigned int i;

	spin_lock(&fd->ctx_lock);
	for (i = 0; i < fd->nctx; i++) {
		u32 off = FSVM_CTX_OFF(i) + FSVM_CTX_IRQ_STATUS;
		u32 st = readl(fd->win + off);

		if (!st)
			continue;
		writel(st, fd->win + off);
		ret = IRQ_HANDLED;
		if (fd->ctx[i])
			fsvm_ctx_irq(fd->ctx[i]);
	}
	spin_unlock(&fd->ctx_lock);
	return ret;
}

static int fsvm_of_u8_list(struct device_node *np, const char *prop, u8 *out,
			   unsigned int n)
{
	u32 v[FSVM_MAX_CTX];
	unsigned int i;
	int ret;

	ret = of_property_read_u32_array(np, prop, v, n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		if (v[i] > 255)
			return -EINVAL;
		out[i] = v[i];
	}
	return 0;
}

/* Take over the SMMU's global state when no driver owns it (arm-smmu off). */
static void fsvm_smmu_global_init(struct fsvm_dev *fd)
{
	u32 scr0 = readl(fd->smmu + SMMU_GR0_SCR0);
	bool bound = fd->smmu_dev && fd->smmu_dev->driver;

	if (own_smmu == 0 || (own_smmu < 0 && bound))
		return;
	/* Unmatched streams keep bypassing: other masters are not ours. */
	scr0 &= ~(SMMU_SCR0_CLIENTPD | SMMU_SCR0_USFCFG);
	scr0 |= SMMU_SCR0_PTM | SMMU_SCR0_GFRE | SMMU_SCR0_GFIE;
	writel(0, fd->smmu + SMMU_GR0_TLBIALLNSNH);
	writel(0, fd->smmu + SMMU_GR0_STLBGSYNC);
	writel(scr0, fd->smmu + SMMU_GR0_SCR0);
	dev_info(fd->dev, "no driver owns the SMMU: fsvm enabled it (other streams bypass)\n");
}

static int fsvm_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct device_node *np = dev->of_node, *snp;
	struct platform_device *spdev;
	struct fsvm_dev *fd;
	struct resource *res;
	const char *why;
	u32 ids[2], gi = 0;
	int n, ret, i;

	fd = devm_kzalloc(dev, sizeof(*fd), GFP_KERNEL);
	if (!fd)
		return -ENOMEM;
	fd->dev = dev;
	fd->win_ops = &fsvm_mmio_win_ops;
	fd->win = devm_platform_get_and_ioremap_resource(pdev, 0, &res);
	if (IS_ERR(fd->win))
		return PTR_ERR(fd->win);
	if (resource_size(res) < FSVM_WINDOW_SIZE)
		return dev_err_probe(dev, -EINVAL, "control window smaller than 0x%x\n",
				     FSVM_WINDOW_SIZE);
	fd->win_phys = res->start;
	if (readl(fd->win + FSVM_REG_MAGIC) != FSVM_HW_MAGIC)
		return dev_err_probe(dev, -ENODEV, "no fsvm shell at %pR (MAGIC 0x%08x)\n",
				     res, readl(fd->win + FSVM_REG_MAGIC));

	snp = of_parse_phandle(np, "fsvm,smmu", 0);
	if (!snp)
		return dev_err_probe(dev, -EINVAL, "missing fsvm,smmu phandle\n");
	if (!of_device_is_compatible(snp, "arm,mmu-500")) {
		of_node_put(snp);
		return dev_err_probe(dev, -ENODEV, "fsvm,smmu is not an arm,mmu-500\n");
	}
	fd->fw_coherent = of_dma_is_coherent(snp);
	fd->smmu = of_iomap(snp, 0);	/* shared with arm-smmu: no request_region */
	/* The SMMU's first context interrupt, unless the binding names one. */
	of_property_read_u32(snp, "#global-interrupts", &gi);
	of_property_read_u32(np, "fsvm,smmu-irq-index", &gi);
	fd->smmu_irq = of_irq_get(snp, gi);
	spdev = of_find_device_by_node(snp);
	of_node_put(snp);
	if (spdev)
		fd->smmu_dev = &spdev->dev;
	if (!fd->smmu) {
		ret = dev_err_probe(dev, -ENOMEM, "cannot map the SMMU\n");
		goto err_put;
	}

	fd->io.priv = (void __force *)fd->smmu;
	fd->io.read32 = fsvm_smmu_read32;
	fd->io.write32 = fsvm_smmu_write32;
	fd->io.read64 = fsvm_smmu_read64;
	fd->io.write64 = fsvm_smmu_write64;
	fd->io.relax = fsvm_smmu_relax;
	ret = fsvm_smmu_read_caps(&fd->io, &fd->caps, &why);
	if (ret) {
		dev_err(dev, "SMMU unusable for fsvm: %s\n", why);
		goto err_unmap;
	}

	ret = of_property_read_u32_array(np, "fsvm,stream-ids", ids, 2);
	if (ret || ids[0] > U16_MAX || ids[1] > U16_MAX) {
		dev_err(dev, "missing or bad fsvm,stream-ids = <base mask>\n");
		ret = -EINVAL;
		goto err_unmap;
	}
	fd->sid_base = ids[0];
	fd->sid_mask = ids[1];
	n = of_property_count_u32_elems(np, "fsvm,context-banks");
	if (n <= 0 || n > FSVM_MAX_CTX ||
	    n != of_property_count_u32_elems(np, "fsvm,smr-groups")) {
		dev_err(dev, "fsvm,context-banks and fsvm,smr-groups: 1..%d entries each, same count\n",
			FSVM_MAX_CTX);
		ret = -EINVAL;
		goto err_unmap;
	}
	fd->nctx = min_t(unsigned int, n, readl(fd->win + FSVM_REG_NUM_CONTEXTS));
	if (fsvm_of_u8_list(np, "fsvm,context-banks", fd->banks, fd->nctx) ||
	    fsvm_of_u8_list(np, "fsvm,smr-groups", fd->smrs, fd->nctx)) {
		ret = -EINVAL;
		goto err_unmap;
	}
	for (i = 0; i < fd->nctx; i++) {
		if (fd->banks[i] >= fd->caps.num_cb || fd->smrs[i] >= fd->caps.num_smr) {
			dev_err(dev, "context %d: bank %u / SMR %u beyond the SMMU's %u / %u\n",
				i, fd->banks[i], fd->smrs[i], fd->caps.num_cb, fd->caps.num_smr);
			ret = -EINVAL;
			goto err_unmap;
		}
		if (fd->sid_base + i > (1u << fd->caps.sid_bits) - 1) {
			dev_err(dev, "StreamID 0x%x beyond the SMMU's %u bits\n",
				fd->sid_base + i, fd->caps.sid_bits);
			ret = -EINVAL;
			goto err_unmap;
		}
	}
	ret = fsvm_dma_setup(fd);
	if (ret)
		goto err_unmap;
	fsvm_smmu_global_init(fd);

	/* Keep the SMMU powered (no runtime-resume reset) while we are bound. */
	if (fd->smmu_dev &&
	    !device_link_add(dev, fd->smmu_dev, DL_FLAG_PM_RUNTIME | DL_FLAG_STATELESS))
		dev_warn(dev, "no device link to the SMMU: its resets will not be ordered\n");
	pm_runtime_enable(dev);

	fd->shell_irq = platform_get_irq(pdev, 0);
	if (fd->shell_irq < 0) {
		ret = fd->shell_irq;
		goto err_pm;
	}
	ret = devm_request_irq(dev, fd->shell_irq, fsvm_shell_irq, IRQF_SHARED,
			       "fsvm-shell", fd);
	if (ret)
		goto err_pm;
	if (fd->smmu_irq > 0) {
		ret = devm_request_irq(dev, fd->smmu_irq, fsvm_smmu_irq, IRQF_SHARED,
				       "fsvm-smmu-context", fd);
		if (ret)
			goto err_pm;
	} else {
		dev_warn(dev, "no SMMU context interrupt: faults are found only when waiting\n");
	}
	platform_set_drvdata(pdev, fd);
	ret = fsvm_dev_register(fd);
	if (ret)
		goto err_pm;
	return 0;

err_pm:
	pm_runtime_disable(dev);
	if (fd->smmu_dev)
		device_link_remove(dev, fd->smmu_dev);
err_unmap:
	iounmap(fd->smmu);
err_put:
	if (fd->smmu_dev)
		put_device(fd->smmu_dev);
	return ret;
}

static FSVM_REMOVE_RET fsvm_remove(struct platform_device *pdev)
{
	struct fsvm_dev *fd = platform_get_drvdata(pdev);

	fsvm_dev_unregister(fd);
	pm_runtime_disable(&pdev->dev);
	if (fd->smmu_dev) {
		device_link_remove(&pdev->dev, fd->smmu_dev);
		put_device(fd->smmu_dev);
	}
	iounmap(fd->smmu);
	FSVM_REMOVE_RETURN;
}

/* After system resume the SMMU driver has reset every bank: put ours back. */
static int __maybe_unused fsvm_resume(struct device *dev)
{
	struct fsvm_dev *fd = dev_get_drvdata(dev);
	unsigned int i;

	/* fd->lock keeps a context from being freed under us. */
	mutex_lock(&fd->lock);
	for (i = 0; i < fd->nctx; i++)
		if (fd->ctx[i])
			fsvm_ctx_hw_restore(fd->ctx[i]);
	mutex_unlock(&fd->lock);
	return 0;
}

static SIMPLE_DEV_PM_OPS(fsvm_pm_ops, NULL, fsvm_resume);

static const struct of_device_id fsvm_of_match[] = {
	{ .compatible = "fsvm,shell-1.0" },
	{ }
};
MODULE_DEVICE_TABLE(of, fsvm_of_match);

static struct platform_driver fsvm_driver = {
	.probe = fsvm_probe,
	.remove = fsvm_remove,
	.driver = {
		.name = FSVM_NAME,
		.of_match_table = fsvm_of_match,
		.pm = &fsvm_pm_ops,
	},
};

static int __init fsvm_init(void)
{
	if (fsvm_emulate)
		return fsvm_emu_init();
	return platform_driver_register(&fsvm_driver);
}

static void __exit fsvm_exit(void)
{
	if (fsvm_emulate)
		fsvm_emu_exit();
	else
		platform_driver_unregister(&fsvm_driver);
}

module_init(fsvm_init);
module_exit(fsvm_exit);
MODULE_DESCRIPTION("fsvm: FPGA kernels on process virtual addresses through the ZynqMP SMMU-500");
MODULE_LICENSE("GPL");
