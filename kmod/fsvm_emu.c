// SPDX-License-Identifier: GPL-2.0-only
/*
 * Emulation mode (emulate=1): no FPGA, no SMMU. The module
 * creates its own platform device and runs, in a kernel thread, the
 * freestanding device model of hw-kernels/ (command processor, HLS
 * kernels, SMMU-500 model). The SMMU model is programmed through the very
 * functions used on silicon (fsvm_smmu_prog.c) and its table walker reads
 * the process's real arm64 page tables (shared mode) or fsvm's mirror
 * table (mirror mode) by physical address; data goes to the physical pages
 * the model's SMMU translated to. Stall faults raise the model's context
 * interrupt, which enters the module's real fault path.
 *
 * Registers: the control window is the model's. User space reads its
 * context page from a page the module publishes the registers into, and
 * writes registers with FSVM_IOC_CTX_WRITE (FSVM_INFO_F_REG_IOCTL).
 */
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "fsvm_backend.h"
#include "fsvm_drv.h"
#include "fsvm_fault.h"
#include "fsvm_hw.h"
#include "fsvm_model.h"

bool fsvm_emulate;
module_param_named(emulate, fsvm_emulate, bool, 0444);
MODULE_PARM_DESC(emulate, "run the device model in the kernel instead of driving an FPGA (no DT needed)");

static unsigned int emu_contexts = 4;
module_param(emu_contexts, uint, 0444);
MODULE_PARM_DESC(emu_contexts, "emulation: number of hardware contexts (1..16)");

static bool emu_coherent = true;
module_param(emu_coherent, bool, 0444);
MODULE_PARM_DESC(emu_coherent, "emulation: firmware says the SMMU walk is coherent (0: the default mode becomes mirror)");

static bool emu_clientpd;
module_param(emu_clientpd, bool, 0444);
MODULE_PARM_DESC(emu_clientpd, "emulation: leave the SMMU model not translating (sCR0.CLIENTPD), as firmware that never enabled the SMMU would; binds are refused");

/*
 * sCR0.USFCFG of the emulated SMMU: 1 (default) unmatched streams fault,
 * 0 they bypass with PA = VA, which is what own_smmu=1 (and arm-smmu with
 * disable_bypass=0) leaves on a board. Writable at run time (root) so a
 * test can check that fsvm's own streams never depend on it (issue 8 C1,
 * QEMU scenario s40): the new value is written into the model's sCR0 at
 * once.
 */
static bool emu_usfcfg = true;
static DEFINE_MUTEX(emu_live_lock);	/* emu_live, emu_usfcfg writes */
static struct fsvm_emu *emu_live;	/* the probed device, or NULL */

static void emu_write_scr0(struct fsvm_emu *e);

static int emu_usfcfg_set(const char *val, const struct kernel_param *kp)
{
	int ret;

	mutex_lock(&emu_live_lock);
	ret = param_set_bool(val, kp);
	if (!ret && emu_live)
		emu_write_scr0(emu_live);
	mutex_unlock(&emu_live_lock);
	return ret;
}

static const struct kernel_param_ops emu_usfcfg_ops = {
	.set = emu_usfcfg_set,
	.get = param_get_bool,
};

module_param_cb(emu_usfcfg, &emu_usfcfg_ops, &emu_usfcfg, 0644);
MODULE_PARM_DESC(emu_usfcfg, "emulation: sCR0.USFCFG of the SMMU model (1: unmatched streams fault; 0: they bypass, as own_smmu leaves a board); may be changed at run time");

#define EMU_PUBLISH_REGS	(FSVM_CTX_STREAM_ID / 4 + 1)

struct fsvm_emu {
	struct fsvm_dev fd;
	struct platform_device *pdev;
	struct fsvm_model *m;
	spinlock_t lock;		/* the model's SMMU lock */
	unsigned long lock_flags;
	struct task_struct *thread;
	wait_queue_head_t wq;
	atomic_t resumed;		/* bumped whenever a stall may have ended */
	u64 t0;
};

/* ------------------------------------------------------------------ */
/* Memory port: physical addresses the model's SMMU produced           */
/* ------------------------------------------------------------------ */

static int emu_read_desc(void *priv, u64 pa, u64 *desc)
{
	unsigned long pfn = PHYS_PFN(pa);
	void *p;

	if ((pa & 7) || !pfn_valid(pfn))
		return -1;
	p = kmap_local_page(pfn_to_page(pfn));
	*desc = READ_ONCE(*(u64 *)(p + offset_in_page(pa)));
	kunmap_local(p);
	return 0;
}

/*
 * One data phase (inside one page). Reserved pages (the zero page) are
 * readable, never writable; other pages are held while copied. A page of a
 * transparent huge page (a 2 MiB block the SMMU translated to) is a tail
 * page with a zero reference count of its own: the reference is taken on
 * the compound head, the copy goes to the 4 KiB page itself.
 *
 * The model calls the data phase from the device thread only, outside every
 * lock (fsvm_axi.c, burst), once per burst, while the burst is in flight on
 * its SMMU bank: a TLBSYNC the notifier issues spins until it ends, so it
 * never sleeps (emu_yield gives the CPU back before the burst instead).
 */
static int emu_mem(u64 pa, void *buf, u32 len, bool write)
{
	unsigned long pfn = PHYS_PFN(pa);
	struct page *page, *head = NULL;
	void *p;

	if (!pfn_valid(pfn) || offset_in_page(pa) + len > PAGE_SIZE)
		return -1;
	page = pfn_to_page(pfn);
	if (PageReserved(page)) {
		if (write)
			return -1;
	} else {
		head = compound_head(page);
		if (!get_page_unless_zero(head))
			return -1;
		/* The huge page was split or freed and reused meanwhile. */
		if (unlikely(compound_head(page) != head)) {
			put_page(head);
			return -1;
		}
	}
	p = kmap_local_page(page);
	if (write)
		memcpy(p + offset_in_page(pa), buf, len);
	else
		memcpy(buf, p + offset_in_page(pa), len);
	kunmap_local(p);
	if (head)
		put_page(head);
	return 0;
}

static int emu_mem_read(void *priv, u64 pa, void *dst, u32 len)
{
	return emu_mem(pa, dst, len, false);
}

static int emu_mem_write(void *priv, u64 pa, const void *src, u32 len)
{
	return emu_mem(pa, (void *)src, len, true);
}

/* ------------------------------------------------------------------ */
/* Host hooks                                                          */
/* ------------------------------------------------------------------ */

static u64 emu_now(void *priv)
{
	struct fsvm_emu *e = priv;

	return mul_u64_u32_div(ktime_get_ns() - e->t0, e->m->cfg.clock_hz, NSEC_PER_SEC);
}

static void fsvm_emu_publish(struct fsvm_ctx *ctx)
{
	struct fsvm_emu *e = container_of(ctx->fd, struct fsvm_emu, fd);
	unsigned int i;

	if (!ctx->emu_page)
		return;
	/* Memory the model wrote (completion records) before the registers. */
	smp_wmb();
	for (i = 0; i < EMU_PUBLISH_REGS; i++)
		WRITE_ONCE(ctx->emu_page[i],
			   fsvm_model_mmio_read32(e->m, FSVM_CTX_OFF(ctx->idx) + 4 * i));
}

static void emu_publish_one(struct fsvm_emu *e, unsigned int n)
{
	unsigned long flags;

	spin_lock_irqsave(&e->fd.ctx_lock, flags);
	if (n < e->fd.nctx && e->fd.ctx[n])
		fsvm_emu_publish(e->fd.ctx[n]);
	spin_unlock_irqrestore(&e->fd.ctx_lock, flags);
}

static void emu_publish_all(struct fsvm_emu *e)
{
	unsigned int i;

	for (i = 0; i < e->fd.nctx; i++)
		emu_publish_one(e, i);
}

/* The shell's interrupt line: acknowledge and count, as on silicon. */
static void emu_irq(void *priv, unsigned int n)
{
	struct fsvm_emu *e = priv;
	u32 off = FSVM_CTX_OFF(n) + FSVM_CTX_IRQ_STATUS;
	u32 st = fsvm_model_mmio_read32(e->m, off);
	unsigned long flags;

	if (st)
		fsvm_model_mmio_write32(e->m, off, st);
	spin_lock_irqsave(&e->fd.ctx_lock, flags);
	if (n < e->fd.nctx && e->fd.ctx[n]) {
		fsvm_emu_publish(e->fd.ctx[n]);
		fsvm_ctx_irq(e->fd.ctx[n]);
	}
	spin_unlock_irqrestore(&e->fd.ctx_lock, flags);
}

/*
 * A transaction of context n is held by a stalled bank: sleep until the
 * fault worker (or a disable) resumes it, polling now and then.
 */
static void emu_stall_wait(void *priv, unsigned int n)
{
	struct fsvm_emu *e = priv;
	int seen = atomic_read(&e->resumed);

	emu_publish_one(e, n);
	wait_event_idle_timeout(e->wq, atomic_read(&e->resumed) != seen ||
				kthread_should_stop(), msecs_to_jiffies(10));
}

/*
 * Before every burst, outside the SMMU lock and the burst's in-flight
 * bracket: the one place a job that runs for seconds (a chase of 2^32
 * hops) gives the CPU back.
 */
static void emu_yield(void *priv)
{
	cond_resched();
}

/*
 * Before a packet of context n. The device does not pin the process's mm
 * (no mmget): like the FPGA it reaches memory only through the SMMU bank.
 * When the process dies, exit_mmap calls the release notifier, which
 * disables the bank (under the model's SMMU lock, so no walk is in flight)
 * before any page table or page is freed; the running job then faults and
 * ends. Holding mm_users here instead would keep exit_mmap, hence the
 * release of the file (the context page's vma holds it), from ever running
 * while a long job lasts: the context of a killed process was never freed.
 */
static void emu_begin_packet(void *priv, unsigned int n)
{
	emu_publish_one(priv, n);
}

/* The SMMU model's context interrupt; called with its lock held. */
static void emu_smmu_irq(void *priv, unsigned int cb)
{
	struct fsvm_emu *e = priv;
	struct fsvm_ctx *ctx;
	unsigned long flags;

	atomic_inc(&e->fd.smmu_irqs);
	spin_lock_irqsave(&e->fd.ctx_lock, flags);
	ctx = fsvm_ctx_get_by_bank(&e->fd, cb);
	if (ctx)
		fsvm_fault_kick(ctx);
	spin_unlock_irqrestore(&e->fd.ctx_lock, flags);
}

static void emu_lock(void *priv)
	__acquires(&e->lock)
{
	struct fsvm_emu *e = priv;
	unsigned long flags;

	spin_lock_irqsave(&e->lock, flags);
	e->lock_flags = flags;
}

static void emu_unlock(void *priv)
	__releases(&e->lock)
{
	struct fsvm_emu *e = priv;

	spin_unlock_irqrestore(&e->lock, e->lock_flags);
}

static void fsvm_emu_stall_resolved(struct fsvm_dev *fd)
{
	struct fsvm_emu *e = container_of(fd, struct fsvm_emu, fd);

	atomic_inc(&e->resumed);
	wake_up(&e->wq);
}

/* ------------------------------------------------------------------ */
/* Register access for the rest of the module                          */
/* ------------------------------------------------------------------ */

static u32 emu_win_read(struct fsvm_dev *fd, u32 off)
{
	return fsvm_model_mmio_read32(container_of(fd, struct fsvm_emu, fd)->m, off);
}

static void emu_win_write(struct fsvm_dev *fd, u32 off, u32 val)
{
	struct fsvm_emu *e = container_of(fd, struct fsvm_emu, fd);

	fsvm_model_mmio_write32(e->m, off, val);
	wake_up(&e->wq);
}

static int emu_ctx_init(struct fsvm_ctx *ctx)
{
	ctx->emu_pg = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!ctx->emu_pg)
		return -ENOMEM;
	ctx->emu_page = page_address(ctx->emu_pg);
	return 0;
}

static void emu_ctx_fini(struct fsvm_ctx *ctx)
{
	if (ctx->emu_pg)
		__free_page(ctx->emu_pg);
	ctx->emu_pg = NULL;
	ctx->emu_page = NULL;
}

/*
 * Published registers: read-only, writes go through the ioctl. VM_IO, as
 * the MMIO page on silicon: madvise(MADV_DOFORK) refuses to clear
 * VM_DONTCOPY on it, so a child never inherits the context page.
 */
static int emu_mmap(struct fsvm_ctx *ctx, struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_WRITE)
		return -EACCES;
	fsvm_vm_flags_mod(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY, VM_MAYWRITE);
	return vm_insert_page(vma, vma->vm_start, ctx->emu_pg);
}

/* The last reference (the probe's, or the last open file's) is gone. */
static void emu_release(struct fsvm_dev *fd)
{
	struct fsvm_emu *e = container_of(fd, struct fsvm_emu, fd);

	vfree(e->m);
	kfree(e);
}

/*
 * debugfs: what the SMMU model saw. model_bypassed counts every
 * transaction it let through untranslated (PA = VA: sCR0.CLIENTPD, an
 * unmatched StreamID under USFCFG=0, S2CR bypass, a bank with SCTLR.M
 * clear); fsvm's streams must never get there (issue 8 C1, QEMU s40).
 * model_stream_faults counts the transactions the stream mapping
 * terminated (sGFSR: a parked stream's S2CR fault, an unmatched StreamID
 * under USFCFG=1).
 */
static void emu_dbg_show(struct fsvm_dev *fd, struct seq_file *s)
{
	struct fsvm_emu *e = container_of(fd, struct fsvm_emu, fd);
	struct smmu_stats st;
	unsigned long flags;
	u32 scr0;

	scr0 = fd->io.read32(fd->io.priv, SMMU_GR0_SCR0);
	spin_lock_irqsave(&e->lock, flags);
	st = fsvm_model_smmu(e->m)->stats;
	spin_unlock_irqrestore(&e->lock, flags);
	seq_printf(s, "smmu model: sCR0 0x%08x (unmatched streams %s)\n", scr0,
		   scr0 & SMMU_SCR0_USFCFG ? "fault" : "bypass");
	seq_printf(s, "model_transactions %llu\n", (u64)st.translations);
	seq_printf(s, "model_bypassed %llu\n", (u64)st.bypassed);
	seq_printf(s, "model_stream_faults %llu\n", (u64)st.global_faults);
	seq_printf(s, "model_context_faults %llu\n", (u64)st.faults);
	seq_printf(s, "model_stalls %llu\n", (u64)st.stalls);
}

static const struct fsvm_dev_ops emu_ops = {
	.name = "emulated",
	.info_flags = FSVM_INFO_F_EMULATED | FSVM_INFO_F_REG_IOCTL,
	.read32 = emu_win_read,
	.write32 = emu_win_write,
	.ctx_init = emu_ctx_init,
	.ctx_fini = emu_ctx_fini,
	.ctx_sync = fsvm_emu_publish,
	.mmap = emu_mmap,
	.stall_resolved = fsvm_emu_stall_resolved,
	/* The model's context interrupt only queues the fault work. */
	.capture_in_worker = true,
	/*
	 * The emulated shell is a kernel thread: on a loaded host (QEMU under
	 * TCG) it may not run for hundreds of ms, so 200 ms quarantined
	 * healthy slots. Two seconds is still bounded.
	 */
	.drain_ms = 2000,
	.release = emu_release,
	.dbg_show = emu_dbg_show,
};

static u32 emu_smmu_read32(void *priv, u32 off)
{
	return fsvm_model_smmu_read32(priv, off);
}

static void emu_smmu_write32(void *priv, u32 off, u32 val)
{
	fsvm_model_smmu_write32(priv, off, val);
}

static u64 emu_smmu_read64(void *priv, u32 off)
{
	return fsvm_model_smmu_read64(priv, off);
}

static void emu_smmu_write64(void *priv, u32 off, u64 val)
{
	fsvm_model_smmu_write64(priv, off, val);
}

/*
 * Between the polls of a TLB sync. A sync waits for the device thread's
 * burst in flight (a <= 4 KiB copy), and that thread runs on another
 * (virtual) CPU which the host may deschedule for a while under
 * QEMU/TCG: spread the fixed number of polls over about 250 ms instead of
 * one, so a sync times out (and the slot is quarantined) only when the
 * device thread is really stuck. 50 ms was not enough on a 2-core host
 * at load 6: a munmap's sync timed out and quarantined a healthy slot
 * (QEMU full suite, cortex-a76 mirror, s04). The wait ends as soon as the
 * burst does; only a stuck device thread costs the whole budget.
 * Silicon drains in hardware time.
 */
static void emu_relax(void *priv)
{
	u64 until = ktime_get_ns() + 250 * NSEC_PER_USEC;

	/* The callers hold a spinlock: busy-wait, never sleep. */
	while (ktime_get_ns() < until)
		cpu_relax();
}

/* ------------------------------------------------------------------ */
/* The device thread                                                   */
/* ------------------------------------------------------------------ */

static int emu_thread(void *data)
{
	struct fsvm_emu *e = data;

	while (!kthread_should_stop()) {
		wait_event_idle_timeout(e->wq, fsvm_model_has_work(e->m) ||
					kthread_should_stop(), HZ);
		while (!kthread_should_stop() && fsvm_model_step(e->m)) {
			emu_publish_all(e);
			cond_resched();
		}
		emu_publish_all(e);
	}
	return 0;
}

/*
 * sCR0 of the model: fsvm_scr0_own (the value own_smmu writes on silicon)
 * with the USFCFG of emu_usfcfg, CLIENTPD kept set with emu_clientpd.
 */
static void emu_write_scr0(struct fsvm_emu *e)
{
	struct fsvm_dev *fd = &e->fd;
	unsigned long flags;
	u32 scr0;

	lockdep_assert_held(&emu_live_lock);
	spin_lock_irqsave(&fd->smmu_lock, flags);
	scr0 = fsvm_scr0_own(fd->io.read32(fd->io.priv, SMMU_GR0_SCR0), emu_usfcfg);
	if (emu_clientpd)
		scr0 |= SMMU_SCR0_CLIENTPD;
	fd->io.write32(fd->io.priv, SMMU_GR0_SCR0, scr0);
	spin_unlock_irqrestore(&fd->smmu_lock, flags);
	dev_info(fd->dev, "SMMU model sCR0 0x%08x: unmatched streams %s\n", scr0,
		 emu_usfcfg ? "fault" : "bypass");
}

/*
 * The probe of the "fsvm-emu" platform device fsvm_emu_init creates. A
 * driver of its own, so that unbinding it through sysfs takes the same
 * remove path (open files get -ENODEV, the last close frees) as silicon.
 */
static int emu_probe(struct platform_device *pdev)
{
	struct fsvm_model_config cfg;
	struct fsvm_model_port port = {
		.read_desc = emu_read_desc,
		.mem_read = emu_mem_read,
		.mem_write = emu_mem_write,
	};
	struct fsvm_model_host host = {
		.now_ticks = emu_now,
		.irq = emu_irq,
		.stall_wait = emu_stall_wait,
		.yield = emu_yield,
		.begin_packet = emu_begin_packet,
		.smmu_irq = emu_smmu_irq,
		.lock = emu_lock,
		.unlock = emu_unlock,
	};
	struct fsvm_emu *e;
	struct fsvm_dev *fd;
	const char *why;
	unsigned int i;
	int ret;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->m = vzalloc(sizeof(*e->m));
	if (!e->m) {
		ret = -ENOMEM;
		goto err_free;
	}
	spin_lock_init(&e->lock);
	init_waitqueue_head(&e->wq);
	e->t0 = ktime_get_ns();
	/* The simulator's device: one default (fsvm_model.h). */
	fsvm_model_default_config(&cfg);
	cfg.num_contexts = emu_contexts;
	port.priv = e;
	host.priv = e;
	/* Its errors are errno values already (fsvm_model.h): kept. */
	ret = fsvm_model_init(e->m, &cfg, &port, &host);
	if (ret)
		goto err_model;

	e->pdev = pdev;
	fd = &e->fd;
	fsvm_dev_init(fd, &pdev->dev, &emu_ops);
	fd->io.priv = e->m;
	fd->io.read32 = emu_smmu_read32;
	fd->io.write32 = emu_smmu_write32;
	fd->io.read64 = emu_smmu_read64;
	fd->io.write64 = emu_smmu_write64;
	fd->io.relax = emu_relax;
	ret = fsvm_smmu_read_caps(&fd->io, &fd->caps, &why);
	if (ret) {
		dev_err(fd->dev, "SMMU model unusable: %s\n", why);
		goto err_put;
	}
	fd->fw_coherent = emu_coherent;
	fd->nctx = emu_contexts;
	fd->sid_base = cfg.stream_id_base;
	fd->sid_mask = 0;
	for (i = 0; i < fd->nctx; i++) {
		fd->banks[i] = i;
		fd->smrs[i] = i;
	}
	/* We own this SMMU: what own_smmu (or arm-smmu's reset) would leave. */
	mutex_lock(&emu_live_lock);
	emu_write_scr0(e);
	mutex_unlock(&emu_live_lock);
	platform_set_drvdata(e->pdev, fd);

	ret = fsvm_dev_register(fd);
	if (ret)
		goto err_put;
	e->thread = kthread_run(emu_thread, e, "fsvm-emu");
	if (IS_ERR(e->thread)) {
		ret = PTR_ERR(e->thread);
		goto err_reg;
	}
	mutex_lock(&emu_live_lock);
	emu_live = e;
	mutex_unlock(&emu_live_lock);
	return 0;

err_reg:
	fsvm_dev_unregister(fd);
err_put:
	platform_set_drvdata(pdev, NULL);
	fsvm_dev_put(fd);	/* frees the model and e */
	return ret;
err_model:
	vfree(e->m);
err_free:
	kfree(e);
	return ret;
}

static FSVM_REMOVE_RET emu_remove(struct platform_device *pdev)
{
	struct fsvm_dev *fd = platform_get_drvdata(pdev);
	struct fsvm_emu *e = container_of(fd, struct fsvm_emu, fd);

	mutex_lock(&emu_live_lock);
	emu_live = NULL;
	mutex_unlock(&emu_live_lock);
	/* The contexts' teardown needs the device thread (ABORT, drain). */
	fsvm_dev_unregister(fd);
	kthread_stop(e->thread);
	fsvm_dev_put(fd);
	FSVM_REMOVE_RETURN;
}

static void emu_shutdown(struct platform_device *pdev)
{
	struct fsvm_dev *fd = platform_get_drvdata(pdev);

	if (fd)
		fsvm_dev_quiesce(fd);
}

static struct platform_driver emu_driver = {
	.probe = emu_probe,
	.remove = emu_remove,
	.shutdown = emu_shutdown,
	.driver = {
		.name = "fsvm-emu",
		.pm = &fsvm_pm_ops,
	},
};

static struct platform_device *emu_pdev;

int fsvm_emu_init(void)
{
	struct platform_device_info pinfo = {
		.name = "fsvm-emu",
		.id = PLATFORM_DEVID_NONE,
		.dma_mask = DMA_BIT_MASK(64),
	};
	int ret;

	if (emu_contexts < 1 || emu_contexts > FSVM_MAX_CTX) {
		pr_err("fsvm: emu_contexts=%u: expected 1..%u\n", emu_contexts, FSVM_MAX_CTX);
		return -EINVAL;
	}
	ret = platform_driver_register(&emu_driver);
	if (ret)
		return ret;
	emu_pdev = platform_device_register_full(&pinfo);
	if (IS_ERR(emu_pdev)) {
		ret = PTR_ERR(emu_pdev);
		goto err_drv;
	}
	/* Probed synchronously: no driver data means the probe failed. */
	if (!platform_get_drvdata(emu_pdev)) {
		ret = -ENODEV;
		goto err_dev;
	}
	return 0;

err_dev:
	platform_device_unregister(emu_pdev);
err_drv:
	platform_driver_unregister(&emu_driver);
	emu_pdev = NULL;
	return ret;
}

void fsvm_emu_exit(void)
{
	/* Removes the device (if still bound) first. */
	platform_device_unregister(emu_pdev);
	platform_driver_unregister(&emu_driver);
	emu_pdev = NULL;
}
