// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/fsvmN: open, the ioctls, mmap of one context page,
 * release. One open file binds at most one context (fsvm_ctx.c).
 */
#include <linux/capability.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "fsvm_drv.h"
#include "fsvm_fault.h"
#include "fsvm_hw.h"

/* Lock order: fd->files_lock, then ff->lock, then fd->lock. */
struct fsvm_file {
	struct fsvm_dev *fd;		/* a reference (fsvm_dev_get) */
	struct list_head node;		/* in fd->files, under fd->files_lock */
	struct address_space *mapping;	/* of the context page's mappings */
	struct mutex lock;		/* ctx */
	struct fsvm_ctx *ctx;
	atomic_t maps;			/* live mmaps of the context page */
};

/*
 * misc_open calls this under misc_mtx, which misc_deregister takes too: once
 * fsvm_cdev_unregister has deregistered the node, every open has either
 * finished (and its file is on fd->files) or will never find the device.
 */
static int fsvm_open(struct inode *inode, struct file *f)
{
	struct fsvm_dev *fd = container_of(f->private_data, struct fsvm_dev, misc);
	struct fsvm_file *ff;

	ff = kzalloc(sizeof(*ff), GFP_KERNEL_ACCOUNT);
	if (!ff)
		return -ENOMEM;
	ff->fd = fd;
	ff->mapping = f->f_mapping;
	mutex_init(&ff->lock);
	atomic_set(&ff->maps, 0);
	mutex_lock(&fd->files_lock);
	if (fd->gone) {
		mutex_unlock(&fd->files_lock);
		kfree(ff);
		return -ENODEV;
	}
	list_add_tail(&ff->node, &fd->files);
	fsvm_dev_get(fd);
	mutex_unlock(&fd->files_lock);
	f->private_data = ff;
	return 0;
}

/*
 * Under files_lock and the file's lock: the context's mappings are zapped
 * (a later access gets SIGBUS: the page may be the next binder's), then the
 * context is torn down.
 */
static void fsvm_file_unbind(struct fsvm_file *ff)
{
	lockdep_assert_held(&ff->fd->files_lock);
	lockdep_assert_held(&ff->lock);
	if (!ff->ctx)
		return;
	unmap_mapping_range(ff->mapping, 0, 0, 1);
	fsvm_ctx_free(ff->ctx);
	ff->ctx = NULL;
}

static int fsvm_release(struct inode *inode, struct file *f)
{
	struct fsvm_file *ff = f->private_data;
	struct fsvm_dev *fd = ff->fd;

	/* files_lock: a concurrent remove must not see the file half gone. */
	mutex_lock(&fd->files_lock);
	mutex_lock(&ff->lock);
	if (ff->ctx)
		fsvm_ctx_free(ff->ctx);
	ff->ctx = NULL;
	mutex_unlock(&ff->lock);
	list_del(&ff->node);
	mutex_unlock(&fd->files_lock);
	kfree(ff);
	fsvm_dev_put(fd);
	return 0;
}

/* Under the file's lock. */
static int fsvm_bind(struct fsvm_file *ff, int want_mode, struct fsvm_bind *out)
{
	struct fsvm_ctx *ctx;

	lockdep_assert_held(&ff->lock);
	if (ff->ctx)
		return -EEXIST;
	ctx = fsvm_ctx_bind(ff->fd, want_mode);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	ff->ctx = ctx;
	out->context = ctx->idx;
	out->stream_id = ctx->sid;
	out->bank = ctx->bank;
	out->asid = ctx->asid;
	out->mode = ctx->mode;
	out->mmap_offset = 0;
	out->mmap_size = FSVM_UAPI_CTX_PAGE;
	return 0;
}

/*
 * FSVM_IOC_WAIT sleeps without the file's lock, holding a reference on
 * ctx, so the other ioctls of the file (CTX_WRITE, ABORT, UNBIND) and mmap
 * go on meanwhile. Unbind and release set ctx->dead and wake it (it then
 * returns -ENXIO); the mm going away (!live) wakes it as before.
 */
static bool fsvm_wait_done(struct fsvm_ctx *ctx, u32 seen)
{
	return (u32)atomic_read(&ctx->irq_count) != seen || !READ_ONCE(ctx->live) ||
	       READ_ONCE(ctx->dead);
}

static int fsvm_wait_sleep(struct fsvm_ctx *ctx, u32 seen, u64 timeout_ns)
{
	long left;

	if ((u32)atomic_read(&ctx->irq_count) != seen || !timeout_ns)
		return 0;
	left = wait_event_interruptible_timeout(ctx->wq, fsvm_wait_done(ctx, seen),
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

static long fsvm_ioctl(struct file *f, unsigned int ucmd, unsigned long arg)
{
	struct fsvm_file *ff = f->private_data;
	struct fsvm_dev *fd = ff->fd;
	void __user *uarg = (void __user *)arg;
	unsigned int cmd = fsvm_uapi_cmd(ucmd);
	struct fsvm_req req;
	struct fsvm_ctx *ctx;
	long size = fsvm_uapi_arg_size(ucmd);
	long in_len = fsvm_uapi_copy_len(ucmd);
	void *buf = NULL;
	int ret;

	if (size < 0)
		return -ENOTTY;
	if (size) {
		/* A smaller struct of an older binary: the rest reads zero. */
		buf = kzalloc(size, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		if (copy_from_user(buf, uarg, in_len)) {
			ret = -EFAULT;
			goto out;
		}
	}
	ret = fsvm_uapi_check(ucmd, buf, size, &fd->lim, &req);
	if (ret)
		goto out;

	mutex_lock(&ff->lock);
	if (READ_ONCE(fd->gone)) {
		ret = -ENODEV;	/* the device was unbound */
		goto unlock;
	}
	ctx = ff->ctx;
	/* Everything but the read-only queries needs the binding mm. */
	if (cmd != FSVM_IOC_GET_INFO && cmd != FSVM_IOC_DIAG && cmd != FSVM_IOC_BIND) {
		if (!ctx) {
			ret = -ENXIO;
			goto unlock;
		}
		/*
		 * Only the binding process, but anyone holding the file may
		 * UNBIND once that process's address space is gone (the
		 * file was inherited or passed on): the slot is not stuck.
		 */
		if (ctx->mm != current->mm &&
		    !(cmd == FSVM_IOC_UNBIND && !atomic_read(&ctx->mm->mm_users))) {
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
		if (READ_ONCE(fd->gone))
			ret = -ENODEV;
		else if (!ret)
			ret = fsvm_wait_result(ctx, &req, buf);
		fsvm_ctx_put(ctx);
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
		fsvm_ctx_sync(ctx);
		break;
	}
	case FSVM_IOC_CTX_WRITE:
		fsvm_win_write(fd, FSVM_CTX_OFF(ctx->idx) + req.u.reg.offset, req.u.reg.value);
		fsvm_ctx_sync(ctx);
		break;
	case FSVM_IOC_DIAG:
		/* The opener's credentials too: a passed file grants nothing. */
		fsvm_fill_diag(fd, ctx, buf,
			       file_ns_capable(f, &init_user_ns, CAP_SYS_ADMIN) &&
			       capable(CAP_SYS_ADMIN));
		((struct fsvm_diag *)buf)->size = req.u.diag.copy;
		size = req.u.diag.copy;
		break;
	}
unlock:
	mutex_unlock(&ff->lock);
	/* WAIT reports irq_count and status on a timeout too. */
	if ((!ret || (cmd == FSVM_IOC_WAIT && ret == -ETIMEDOUT)) && buf &&
	    (_IOC_DIR(cmd) & _IOC_READ) && copy_to_user(uarg, buf, size))
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
	if (READ_ONCE(fd->gone)) {
		ret = -ENODEV;
		goto out;
	}
	ctx = ff->ctx;
	ret = fsvm_uapi_check_mmap(vma->vm_pgoff, len, vma->vm_flags & VM_SHARED, !!ctx, 0);
	if (ret)
		goto out;
	if (ctx->mm != current->mm) {
		ret = -EACCES;
		goto out;
	}
	ret = fd->ops->mmap(ctx, vma);
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

int fsvm_cdev_register(struct fsvm_dev *fd)
{
	fd->misc.minor = MISC_DYNAMIC_MINOR;
	fd->misc.name = fd->name;
	fd->misc.fops = &fsvm_fops;
	fd->misc.parent = fd->dev;
	/* Owner root, group fsvm by udev (kmod/udev/60-fsvm.rules). */
	fd->misc.mode = 0660;
	return misc_register(&fd->misc);
}

/*
 * Remove: no new open, then every open file loses its context while the
 * hardware is still there. The files stay open (-ENODEV from now on) and
 * keep the struct until their last close.
 */
void fsvm_cdev_unregister(struct fsvm_dev *fd)
{
	struct fsvm_file *ff;

	misc_deregister(&fd->misc);
	mutex_lock(&fd->files_lock);
	WRITE_ONCE(fd->gone, true);
	list_for_each_entry(ff, &fd->files, node) {
		mutex_lock(&ff->lock);
		fsvm_file_unbind(ff);
		mutex_unlock(&ff->lock);
	}
	mutex_unlock(&fd->files_lock);
}
