// SPDX-License-Identifier: GPL-2.0-only
/*
 * A bound context's address space on the SMMU: programming
 * and disabling its bank, the mmu notifiers that keep the SMMU's view in
 * step with the CPU's, the mirror table of mirror mode, and the fault path
 * (interrupt records and defers; a worker resolves in the bound mm, then
 * TLBIVA + sync and RESUME).
 */
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "fsvm_drv.h"
#include "fsvm_fault.h"
#include "fsvm_hw.h"

#ifdef CONFIG_ARM64
#include <asm/memory.h>
#define FSVM_MT_NORMAL	MT_NORMAL
#else
#define FSVM_MT_NORMAL	0
#endif

/* Faults of one VA further apart than this are not a retry loop (L3). */
#define FSVM_FAULT_RETRY_WINDOW_NS	(20 * NSEC_PER_MSEC)

static bool fsvm_walk_coherent(struct fsvm_dev *fd)
{
	return fd->fw_coherent && fd->caps.cttw;
}

/* ------------------------------------------------------------------ */
/* Bank programming                                                    */
/* ------------------------------------------------------------------ */

/*
 * Bank, TLB, then stream, from the saved image. Under smmu_lock. On a TLB
 * sync timeout the stream stays parked (S2CR fault) and the context is
 * marked failed: its slot is quarantined at teardown.
 */
static int fsvm_ctx_hw_write(struct fsvm_ctx *ctx)
{
	struct fsvm_dev *fd = ctx->fd;
	int ret;

	lockdep_assert_held(&fd->smmu_lock);
	ret = fsvm_ctx_smmu_enable(&fd->io, ctx->bank, &ctx->regs, ctx->asid, ctx->smr,
				   ctx->sid, fd->sid_mask);
	WRITE_ONCE(ctx->live, !ret);
	if (ret)
		ctx->hw_failed = true;
	return ret;
}

int fsvm_ctx_hw_enable(struct fsvm_ctx *ctx)
{
	struct fsvm_dev *fd = ctx->fd;
	struct fsvm_cb_params p = {
		.va_bits = fd->va_bits,
		.pa_bits = fd->pa_bits,
		.ias_bits = fd->caps.ias_bits,
		.mair = fd->mair,
		.coherent_walk = fsvm_walk_coherent(fd),
		.asid = ctx->asid,
		.vmid = ctx->bank + 1,
		.affd = fsvm_affd,
	};
	unsigned long flags;
	int ret;

	if (ctx->mode == FSVM_MODE_SHARED)
		p.ttbr = virt_to_phys(ctx->mm->pgd);
	else
		p.ttbr = ctx->mpt.root_pa;
	ret = fsvm_cb_compute(&p, &ctx->regs);
	if (ret) {
		dev_err(fd->dev, "context %u: cannot program bank %u (%d): CPU va %u pa %u bits, SMMU ias %u\n",
			ctx->idx, ctx->bank, ret, fd->va_bits, fd->pa_bits, fd->caps.ias_bits);
		return ret;
	}
	spin_lock_irqsave(&fd->smmu_lock, flags);
	ret = fsvm_ctx_hw_write(ctx);
	spin_unlock_irqrestore(&fd->smmu_lock, flags);
	if (ret)
		dev_err(fd->dev, "context %u: bank %u TLB sync timed out: bind refused, stream kept faulting\n",
			ctx->idx, ctx->bank);
	return ret;
}

/*
 * After a reset behind fsvm's back (system resume): write the saved bank
 * image again, unless the context was disabled meanwhile.
 */
void fsvm_ctx_hw_restore(struct fsvm_ctx *ctx)
{
	struct fsvm_dev *fd = ctx->fd;
	unsigned long flags;

	int ret = 0;

	spin_lock_irqsave(&fd->smmu_lock, flags);
	if (ctx->live)
		ret = fsvm_ctx_hw_write(ctx);
	spin_unlock_irqrestore(&fd->smmu_lock, flags);
	if (ret)
		dev_err(fd->dev, "context %u: TLB sync timed out on resume: stream kept faulting\n",
			ctx->idx);
}

/*
 * Unmap the stream (its traffic now faults; the SMR stays valid), then
 * disable the bank, terminating a held transaction, TLBIASID + sync.
 * Idempotent; never sleeps. -ETIMEDOUT (and ctx->hw_failed) if the sync
 * never completed.
 */
int fsvm_ctx_hw_disable(struct fsvm_ctx *ctx)
{
	struct fsvm_dev *fd = ctx->fd;
	unsigned long flags;
	bool was_live;
	int ret = 0;

	spin_lock_irqsave(&fd->smmu_lock, flags);
	was_live = ctx->live;
	if (was_live) {
		fsvm_stream_unmap(&fd->io, ctx->smr);
		ret = fsvm_cb_disable(&fd->io, ctx->bank, ctx->asid);
		if (ret)
			ctx->hw_failed = true;
		WRITE_ONCE(ctx->live, false);
	}
	spin_unlock_irqrestore(&fd->smmu_lock, flags);
	if (was_live) {
		wake_up_all(&ctx->wq);
		fsvm_stall_resolved(fd);
	}
	return ret;
}

/*
 * Teardown, once the shell reported the context idle: one more TLBIASID +
 * sync, confirmed, before the bank can go to the next binder. 0 or
 * -ETIMEDOUT.
 */
int fsvm_ctx_hw_flush(struct fsvm_ctx *ctx)
{
	struct fsvm_dev *fd = ctx->fd;
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&fd->smmu_lock, flags);
	ret = fsvm_tlbi_asid(&fd->io, ctx->bank, ctx->asid);
	spin_unlock_irqrestore(&fd->smmu_lock, flags);
	return ret;
}

static void fsvm_ctx_tlbi(struct fsvm_ctx *ctx, u64 start, u64 end)
{
	struct fsvm_dev *fd = ctx->fd;
	unsigned long flags;
	unsigned int ops;
	int ret = 0;

	spin_lock_irqsave(&fd->smmu_lock, flags);
	if (ctx->live) {
		ret = fsvm_tlbi_range(&fd->io, ctx->bank, ctx->asid, start, end, &ops);
		atomic64_add(ops, &ctx->st.tlbi);
		if (ret) {
			/*
			 * The pages may be reused while the TLB still maps
			 * them: cut the stream now (S2CR fault) rather than
			 * let the device reach them.
			 */
			fsvm_stream_unmap(&fd->io, ctx->smr);
			ctx->hw_failed = true;
		}
	}
	spin_unlock_irqrestore(&fd->smmu_lock, flags);
	if (ret)
		dev_err_ratelimited(fd->dev, "context %u: TLB sync timed out: stream cut, slot will be quarantined\n",
				    ctx->idx);
}

/* ------------------------------------------------------------------ */
/* Notifiers                                                           */
/* ------------------------------------------------------------------ */

static void fsvm_mpt_stats(struct fsvm_ctx *ctx);
static void fsvm_mpt_release(struct fsvm_ctx *ctx, struct list_head *pages);

/* Shared mode: every CPU TLB invalidation of the mm, before pages are reused. */
static void fsvm_mn_secondary_tlbs(struct mmu_notifier *mn, struct mm_struct *mm,
				   unsigned long start, unsigned long end)
{
	struct fsvm_ctx *ctx = container_of(mn, struct fsvm_ctx, mn);

	fsvm_ctx_tlbi(ctx, start, end);
}

/* The mm is going away: the device must stop using its tables first. */
static void fsvm_mn_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct fsvm_ctx *ctx = container_of(mn, struct fsvm_ctx, mn);

	/*
	 * mmu_notifier_unregister() in teardown calls this too, after
	 * fsvm_ctx_free has already aborted, drained and disabled the
	 * context. An ABORT written then stays latched in the shell and
	 * would abort the first packet of the slot's next binder.
	 */
	unsigned long flags;

	/*
	 * The check and the ABORT under fault_lock, which teardown takes to
	 * set dead: an exit racing the start of teardown either writes its
	 * ABORT before teardown's own (drained with it) or not at all.
	 */
	spin_lock_irqsave(&ctx->fault_lock, flags);
	if (ctx->dead) {
		spin_unlock_irqrestore(&ctx->fault_lock, flags);
		return;
	}
	fsvm_win_write(ctx->fd, FSVM_CTX_OFF(ctx->idx) + FSVM_CTX_CONTROL, FSVM_CTRL_ABORT);
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
	fsvm_ctx_hw_disable(ctx);
}

static const struct mmu_notifier_ops fsvm_mn_shared_ops = {
	.release = fsvm_mn_release,
	.FSVM_MN_SECONDARY_TLBS = fsvm_mn_secondary_tlbs,
};

static const struct mmu_notifier_ops fsvm_mn_mirror_ops = {
	.release = fsvm_mn_release,
};

/* Mirror mode: drop mirror entries before the CPU's change takes effect. */
static bool fsvm_mni_invalidate(struct mmu_interval_notifier *mni,
				const struct mmu_notifier_range *range,
				unsigned long cur_seq)
{
	struct fsvm_ctx *ctx = container_of(mni, struct fsvm_ctx, mni);
	unsigned long n = 0;
	LIST_HEAD(freed);

	if (mmu_notifier_range_blockable(range))
		mutex_lock(&ctx->mirror_lock);
	else if (!mutex_trylock(&ctx->mirror_lock))
		return false;
	mmu_interval_set_seq(mni, cur_seq);
	if (ctx->mpt_ready) {
		n = fsvm_mpt_unmap(&ctx->mpt, range->start, range->end);
		fsvm_mpt_stats(ctx);
	}
	/* Exactly the table pages this unmap emptied (see fsvm_mpt_free). */
	list_splice_init(&ctx->mpt_freed, &freed);
	mutex_unlock(&ctx->mirror_lock);
	if (!list_empty(&freed))	/* a freed table may cover VAs outside the range */
		fsvm_ctx_tlbi(ctx, 0, 1ull << ctx->fd->va_bits);
	else if (n)
		fsvm_ctx_tlbi(ctx, range->start, range->end);
	/* Only now can no walk reach them any more. */
	fsvm_mpt_release(ctx, &freed);
	return true;
}

static const struct mmu_interval_notifier_ops fsvm_mni_ops = {
	.invalidate = fsvm_mni_invalidate,
};

/* ------------------------------------------------------------------ */
/* The mirror table (mirror mode)                                      */
/* ------------------------------------------------------------------ */

/*
 * Table pages stay DMA-mapped for cache cleaning; the mapping's address
 * lives in page->private. They are mapped through the SMMU's own device
 * (its DMA mask is the SMMU's OAS, its dma-coherent property is the
 * walker's): cleaning through any other device would follow that device's
 * coherence and mask, and a bounce buffer (swiotlb) would leave the real
 * page uncleaned while the walker reads it at its PA. fsvm_mpt_init/map
 * refuse a page whose DMA address is not its PA (-EIO), so no table page
 * is ever bounced silently.
 *
 * The tree grows under mirror_lock, which the invalidate callback takes,
 * and that callback runs from reclaim and compaction (try_to_unmap,
 * migration): nothing may enter direct reclaim with mirror_lock held, or
 * the worker could wait on itself. New table pages therefore come from a
 * few spares allocated beforehand, outside the lock (fsvm_mpt_topup), and
 * only when those are used up from GFP_NOWAIT. All of them are charged to
 * the bound mm's memory cgroup (__GFP_ACCOUNT), even when the fault worker
 * allocates them, and a context holds at most mirror_max_tables of them.
 */
static unsigned int mirror_max_tables = 4096;
module_param(mirror_max_tables, uint, 0644);
MODULE_PARM_DESC(mirror_max_tables,
		 "mirror mode: table pages (4 KiB each) one context may hold, root included; read at bind, at least 4 (default 4096 = 16 MiB, maps 8 GiB densely)");

struct device *fsvm_mpt_dma_dev(struct fsvm_dev *fd)
{
	return fd->smmu_dev ? fd->smmu_dev : fd->dev;
}

/*
 * Probe, silicon: DMA masks from the SMMU's output address size. The
 * SMMU's own device gets them only when no driver is bound to it
 * (arm-smmu sets the same from IDR2.OAS when it is); the shell's, which
 * otherwise keeps the default 32 bits, always.
 */
int fsvm_dma_setup(struct fsvm_dev *fd)
{
	u64 mask = DMA_BIT_MASK(fd->caps.oas_bits);
	int ret;

	ret = dma_set_mask_and_coherent(fd->dev, mask);
	if (ret) {
		dev_err(fd->dev, "cannot set a %u-bit DMA mask (%d)\n", fd->caps.oas_bits, ret);
		return ret;
	}
	if (fd->smmu_dev && !fd->smmu_dev->driver) {
		ret = dma_set_mask_and_coherent(fd->smmu_dev, mask);
		if (ret) {
			dev_err(fd->dev, "cannot set a %u-bit DMA mask on the SMMU (%d)\n",
				fd->caps.oas_bits, ret);
			return ret;
		}
	}
	return 0;
}

static void fsvm_mpt_topup(struct fsvm_ctx *ctx)
{
	struct page *pg[FSVM_MPT_SPARE];
	unsigned int i, n, want = FSVM_MPT_SPARE - READ_ONCE(ctx->mpt_nspare);
	struct mem_cgroup *memcg, *old;

	memcg = get_mem_cgroup_from_mm(ctx->mm);
	old = set_active_memcg(memcg);
	for (n = 0; n < want; n++) {
		pg[n] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!pg[n])
			break;
	}
	set_active_memcg(old);
	mem_cgroup_put(memcg);
	mutex_lock(&ctx->mirror_lock);
	for (i = 0; i < n && ctx->mpt_nspare < FSVM_MPT_SPARE; i++)
		ctx->mpt_spare[ctx->mpt_nspare++] = pg[i];
	mutex_unlock(&ctx->mirror_lock);
	for (; i < n; i++)
		__free_page(pg[i]);
}

/* Under mirror_lock: never sleeps in reclaim (see above). */
static u64 *fsvm_mpt_alloc(void *priv, u64 *pa, u64 *dma_out)
{
	struct fsvm_ctx *ctx = priv;
	struct device *dev = fsvm_mpt_dma_dev(ctx->fd);
	struct mem_cgroup *memcg, *old;
	struct page *page;
	dma_addr_t dma;

	lockdep_assert_held(&ctx->mirror_lock);
	if (ctx->mpt_nspare) {
		page = ctx->mpt_spare[--ctx->mpt_nspare];
	} else {
		memcg = get_mem_cgroup_from_mm(ctx->mm);
		old = set_active_memcg(memcg);
		page = alloc_page(GFP_NOWAIT | __GFP_ACCOUNT | __GFP_NOWARN | __GFP_ZERO);
		set_active_memcg(old);
		mem_cgroup_put(memcg);
	}
	if (!page)
		return NULL;
	dma = dma_map_page(dev, page, 0, PAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, dma)) {
		__free_page(page);
		return NULL;
	}
	set_page_private(page, dma);
	*pa = page_to_phys(page);
	*dma_out = dma;
	return page_address(page);
}

/*
 * Under mirror_lock. The page may still be in the walker's walk cache:
 * only queued here; fsvm_mpt_release frees it after the TLB invalidation.
 */
static void fsvm_mpt_free(void *priv, u64 *table, u64 pa)
{
	struct fsvm_ctx *ctx = priv;
	struct page *page = virt_to_page(table);

	lockdep_assert_held(&ctx->mirror_lock);
	list_add_tail(&page->lru, &ctx->mpt_freed);
}

/* Table pages unlinked and no longer reachable by any walk: free them. */
static void fsvm_mpt_release(struct fsvm_ctx *ctx, struct list_head *pages)
{
	struct device *dev = fsvm_mpt_dma_dev(ctx->fd);
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, pages, lru) {
		list_del(&page->lru);
		dma_unmap_page(dev, page_private(page), PAGE_SIZE, DMA_TO_DEVICE);
		set_page_private(page, 0);
		__free_page(page);
	}
}

static u64 *fsvm_mpt_to_virt(void *priv, u64 pa)
{
	return phys_to_virt(pa);
}

static void fsvm_mpt_clean(void *priv, const void *p, size_t len)
{
	struct fsvm_ctx *ctx = priv;
	struct page *page = virt_to_page(p);

	dma_sync_single_for_device(fsvm_mpt_dma_dev(ctx->fd),
				   page_private(page) + offset_in_page(p), len, DMA_TO_DEVICE);
}

/* Under mirror_lock: the counters DIAG and debugfs report. */
static void fsvm_mpt_stats(struct fsvm_ctx *ctx)
{
	lockdep_assert_held(&ctx->mirror_lock);
	atomic64_set(&ctx->st.mirror_entries, ctx->mpt.leaves);
	WRITE_ONCE(ctx->st.mirror_tables, ctx->mpt.tables);
}

/* The table, its spares. Idempotent. */
static void fsvm_mirror_destroy(struct fsvm_ctx *ctx)
{
	LIST_HEAD(freed);

	mutex_lock(&ctx->mirror_lock);
	if (ctx->mpt_ready)
		fsvm_mpt_destroy(&ctx->mpt);
	ctx->mpt_ready = false;
	fsvm_mpt_stats(ctx);
	while (ctx->mpt_nspare)
		__free_page(ctx->mpt_spare[--ctx->mpt_nspare]);
	list_splice_init(&ctx->mpt_freed, &freed);
	mutex_unlock(&ctx->mirror_lock);
	/* The bank is disabled (or never was enabled): no walk reaches them. */
	fsvm_mpt_release(ctx, &freed);
}

static int fsvm_mirror_init(struct fsvm_ctx *ctx)
{
	struct fsvm_mpt_ops ops = {
		.priv = ctx,
		.alloc = fsvm_mpt_alloc,
		.free = fsvm_mpt_free,
		.to_virt = fsvm_mpt_to_virt,
		.clean = fsvm_mpt_clean,
	};
	unsigned long max = max_t(unsigned long, READ_ONCE(mirror_max_tables),
				  FSVM_MPT_MIN_TABLES);
	int ret;

	fsvm_mpt_topup(ctx);
	mutex_lock(&ctx->mirror_lock);
	ret = fsvm_mpt_init(&ctx->mpt, &ops, ctx->fd->va_bits, max);
	ctx->mpt_ready = !ret;
	ctx->st.mirror_tables_max = max;
	fsvm_mpt_stats(ctx);
	mutex_unlock(&ctx->mirror_lock);
	if (ret == -EIO)
		dev_err(ctx->fd->dev, "context %u: mirror table page would be bounced by the DMA API (swiotlb?): the SMMU could not walk it\n",
			ctx->idx);
	if (ret)
		fsvm_mirror_destroy(ctx);
	return ret;
}

/* Mirror the CPU's page at va (writable only for a write). mm is held. */
static int fsvm_mirror_fault(struct fsvm_ctx *ctx, u64 va, bool write)
{
	struct mm_struct *mm = ctx->mm;
	struct page *page;
	unsigned long seq;
	LIST_HEAD(freed);
	long n;
	u64 desc;
	int ret;

	va &= PAGE_MASK;
	fsvm_mpt_topup(ctx);
	for (;;) {
		int locked = 1;

		seq = mmu_interval_read_begin(&ctx->mni);
		/*
		 * Killable, and with "locked": GUP may drop mmap_lock while
		 * it waits (userfaultfd, page cache I/O) and stops on SIGKILL
		 * (see fsvm_fault_thread), so a fault on a FUSE or hard-NFS
		 * mapping never holds close, exit or munmap up forever.
		 */
		if (mmap_read_lock_killable(mm))
			return -EINTR;
		n = fsvm_gup_remote(mm, va, write ? FOLL_WRITE : 0, &page, &locked);
		if (locked)
			mmap_read_unlock(mm);
		if (n != 1)
			return n < 0 ? (int)n : -EFAULT;
		/* GUP only returns normal memory: the CPU maps it MT_NORMAL. */
		desc = page_to_phys(page) | SMMU_PTE_VALID | SMMU_PTE_PAGE | SMMU_PTE_AP1 |
		       SMMU_PTE_AP2 | (3ull << SMMU_PTE_SH_SHIFT) | SMMU_PTE_NG |
		       SMMU_PTE_UXN | SMMU_PTE_PXN |
		       ((u64)FSVM_MT_NORMAL << SMMU_PTE_ATTRINDX_SHIFT);
		mutex_lock(&ctx->mirror_lock);
		if (mmu_interval_read_retry(&ctx->mni, seq)) {
			mutex_unlock(&ctx->mirror_lock);
			put_page(page);
			continue;
		}
		ret = ctx->mpt_ready ? fsvm_mpt_map(&ctx->mpt, va, fsvm_mpt_leaf(desc, write))
				     : -ESRCH;
		fsvm_mpt_stats(ctx);
		/* Only pages refused before they were linked (-EIO). */
		list_splice_init(&ctx->mpt_freed, &freed);
		mutex_unlock(&ctx->mirror_lock);
		put_page(page);
		fsvm_mpt_release(ctx, &freed);
		if (ret == -ENOSPC)
			dev_warn_ratelimited(ctx->fd->dev, "context %u: mirror table full (%lu pages, module parameter mirror_max_tables): 0x%llx not mapped\n",
					     ctx->idx, ctx->mpt.max_tables, va);
		else if (ret == -EIO)
			dev_err_ratelimited(ctx->fd->dev, "context %u: mirror table page would be bounced by the DMA API (swiotlb?): refused\n",
					    ctx->idx);
		return ret;
	}
}

/* Shared mode: let the CPU's fault handler make the page present/young/dirty. */
static int fsvm_shared_fault(struct fsvm_ctx *ctx, u64 va, bool write)
{
	struct mm_struct *mm = ctx->mm;
	bool unlocked = false;
	int ret;

	/*
	 * With "unlocked" fixup_user_fault may retry (FAULT_FLAG_ALLOW_RETRY)
	 * and waits killably (FAULT_FLAG_KILLABLE): a userfaultfd range is
	 * served by its handler instead of failing, and SIGKILL ends a wait
	 * on FUSE, NFS or a handler that never answers. It returns with
	 * mmap_lock held.
	 */
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	ret = fixup_user_fault(mm, va, FAULT_FLAG_REMOTE | (write ? FAULT_FLAG_WRITE : 0),
			       &unlocked);
	mmap_read_unlock(mm);
	return ret;
}

static int fsvm_fault_in(struct fsvm_ctx *ctx, u64 va, bool write)
{
	return ctx->mode == FSVM_MODE_SHARED ? fsvm_shared_fault(ctx, va, write)
					     : fsvm_mirror_fault(ctx, va, write);
}

int fsvm_prefault(struct fsvm_ctx *ctx, u64 start, u64 end, bool write)
{
	u64 va;
	int ret = 0;

	if (!mmget_not_zero(ctx->mm))
		return -ESRCH;
	for (va = start; va < end; va += PAGE_SIZE) {
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		ret = fsvm_fault_in(ctx, va, write);
		if (ret)
			break;
		cond_resched();
	}
	mmput(ctx->mm);
	/* Entries cached before (read-only, old) must go. */
	fsvm_ctx_tlbi(ctx, start, va);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Attaching the mm                                                    */
/* ------------------------------------------------------------------ */

int fsvm_ctx_attach_mm(struct fsvm_ctx *ctx)
{
	int ret;

	if (ctx->mode == FSVM_MODE_MIRROR) {
		ret = fsvm_mirror_init(ctx);
		if (ret)
			return ret;	/* nothing left allocated */
		ret = mmu_interval_notifier_insert(&ctx->mni, ctx->mm, 0, TASK_SIZE,
						   &fsvm_mni_ops);
		if (ret) {
			fsvm_mirror_destroy(ctx);
			return ret;
		}
		ctx->mni_registered = true;
		ctx->mn.ops = &fsvm_mn_mirror_ops;
	} else {
		ctx->mn.ops = &fsvm_mn_shared_ops;
	}
	ret = mmu_notifier_register(&ctx->mn, ctx->mm);
	if (ret)
		goto err_mni;
	ctx->mn_registered = true;
	ret = fsvm_fault_start(ctx);
	if (ret) {
		mmu_notifier_unregister(&ctx->mn, ctx->mm);
		ctx->mn_registered = false;
		goto err_mni;
	}
	return 0;

err_mni:
	if (ctx->mni_registered)
		mmu_interval_notifier_remove(&ctx->mni);
	ctx->mni_registered = false;
	fsvm_mirror_destroy(ctx);
	return ret;
}

/* After fsvm_ctx_hw_disable: nothing uses the tables any more. */
void fsvm_ctx_detach_mm(struct fsvm_ctx *ctx)
{
	fsvm_fault_stop(ctx);
	if (ctx->mn_registered)
		mmu_notifier_unregister(&ctx->mn, ctx->mm);
	ctx->mn_registered = false;
	if (ctx->mni_registered)
		mmu_interval_notifier_remove(&ctx->mni);
	ctx->mni_registered = false;
	fsvm_mirror_destroy(ctx);
	mmdrop(ctx->mm);
	ctx->mm = NULL;
}

/* ------------------------------------------------------------------ */
/* Faults                                                              */
/* ------------------------------------------------------------------ */

/*
 * Read the bank's fault, clear FSR (a level interrupt would fire again;
 * the stalled transaction stays held until RESUME) and hand it to the
 * worker. Any context: hard IRQ on silicon, the worker in emulation.
 */
/*
 * Stalls: a stall not resolved within stall_timeout_ms is terminated by a
 * watchdog (the job ends with a fault record whose error is -ETIMEDOUT)
 * and the worker's wait in GUP is interrupted (SIGKILL). A held
 * transaction stops the device's command processor, which serves every
 * context (in emulation, the one device thread), so one context's stall
 * on a FUSE file or hard NFS mount must not last unbounded.
 */
static unsigned int stall_timeout_ms = 2000;
module_param(stall_timeout_ms, uint, 0644);
MODULE_PARM_DESC(stall_timeout_ms,
		 "a stall fault not resolved within this many ms (e.g. its page is on a hung FUSE or NFS server) is terminated; the job ends with a fault (-ETIMEDOUT). At least 10 (default 2000)");

static unsigned long fsvm_stall_timeout_ns(void)
{
	return (u64)max(READ_ONCE(stall_timeout_ms), 10u) * NSEC_PER_MSEC;
}

static void fsvm_stall_watch(struct fsvm_ctx *ctx, u64 delay_ns)
{
	/* A no-op while it is queued already. */
	queue_delayed_work(system_wq, &ctx->stall_wd, nsecs_to_jiffies(delay_ns) + 1);
}

/* The stall seq is still open: take it (the caller writes RESUME). */
static bool fsvm_stall_claim(struct fsvm_ctx *ctx, u64 seq)
{
	unsigned long flags;
	bool mine;

	spin_lock_irqsave(&ctx->fault_lock, flags);
	mine = ctx->stall_open && ctx->stall_seq == seq;
	if (mine)
		ctx->stall_open = false;
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
	return mine;
}

/* Wake a slot's fault worker (any context, any lock). */
static void fsvm_fw_kick(struct fsvm_fault_worker *fw)
{
	unsigned long flags;

	spin_lock_irqsave(&fw->lock, flags);
	fw->kick = true;
	spin_unlock_irqrestore(&fw->lock, flags);
	wake_up(&fw->wq);
}

/* Wake the context's fault worker (any context, any lock). */
void fsvm_fault_kick(struct fsvm_ctx *ctx)
{
	fsvm_fw_kick(ctx->fw);
	/*
	 * In emulation the worker captures the fault: if it is stuck in
	 * GUP, the watchdog captures (and ends) the new stall.
	 */
	if (ctx->fd->ops->capture_in_worker)
		fsvm_stall_watch(ctx, fsvm_stall_timeout_ns());
}

/*
 * Read the bank's fault, clear FSR (a level interrupt would fire again;
 * the stalled transaction stays held until RESUME) and hand it to the
 * worker. Any context: hard IRQ on silicon, the worker or the watchdog
 * in emulation. true if there was a fault.
 */
static bool fsvm_fault_capture(struct fsvm_ctx *ctx)
{
	struct fsvm_dev *fd = ctx->fd;
	struct fsvm_cb_fault f;
	unsigned long flags;

	spin_lock_irqsave(&fd->smmu_lock, flags);
	fsvm_cb_read_fault(&fd->io, ctx->bank, &f);
	if (f.fsr & SMMU_FSR_FAULT)
		fd->io.write32(fd->io.priv, fsvm_cb_reg(&fd->io, ctx->bank, SMMU_CB_FSR), f.fsr);
	spin_unlock_irqrestore(&fd->smmu_lock, flags);
	if (!(f.fsr & SMMU_FSR_FAULT))
		return false;
	spin_lock_irqsave(&ctx->fault_lock, flags);
	if (!ctx->pending) {
		ctx->pending = true;
		ctx->pending_fault = f;
	} else {
		ctx->pending_fault.fsr |= f.fsr & (SMMU_FSR_SS | SMMU_FSR_MULTI);
	}
	if (!ctx->stall_open) {
		ctx->stall_open = true;
		ctx->stall_seq++;
		ctx->stall_t0 = ktime_get_ns();
		ctx->stall_fault = f;
	} else {
		ctx->stall_fault.fsr |= f.fsr & SMMU_FSR_SS;
	}
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
	fsvm_fw_kick(ctx->fw);
	fsvm_stall_watch(ctx, fsvm_stall_timeout_ns());
	return true;
}

irqreturn_t fsvm_smmu_irq(int irq, void *data)
{
	struct fsvm_dev *fd = data;
	irqreturn_t ret = IRQ_NONE;
	unsigned int i;

	spin_lock(&fd->ctx_lock);
	for (i = 0; i < fd->nctx; i++) {
		struct fsvm_ctx *ctx = fd->ctx[i];
		u32 fsr;

		if (!ctx || !READ_ONCE(ctx->live))
			continue;
		fsr = fd->io.read32(fd->io.priv, fsvm_cb_reg(&fd->io, ctx->bank, SMMU_CB_FSR));
		if (!(fsr & SMMU_FSR_FAULT))
			continue;
		fsvm_fault_capture(ctx);
		ret = IRQ_HANDLED;
	}
	spin_unlock(&fd->ctx_lock);
	if (ret == IRQ_HANDLED)
		atomic_inc(&fd->smmu_irqs);
	return ret;
}

static const char *fsvm_fault_name(u32 synd)
{
	switch (FSVM_SYND_TYPE(synd)) {
	case FSVM_FAULT_TRANSLATION:	return "translation";
	case FSVM_FAULT_PERMISSION:	return "permission";
	case FSVM_FAULT_ACCESS_FLAG:	return "access flag";
	case FSVM_FAULT_ADDRESS_SIZE:	return "address size";
	default:			return "external";
	}
}

/* A fault record for READ_FAULTS, and the log line (rate-limited). */
static void fsvm_fault_report(struct fsvm_ctx *ctx, const struct fsvm_cb_fault *f,
			      u32 synd, bool write, bool retry, int err)
{
	struct fsvm_dev *fd = ctx->fd;
	struct fsvm_fault_entry e = { 0 };
	unsigned long flags;

	if (f->fsr & SMMU_FSR_SS)
		atomic64_inc(&ctx->st.stalls);
	if (retry)
		atomic64_inc(&ctx->st.faults_resolved);
	else
		atomic64_inc(&ctx->st.faults_terminated);
	e.va = f->far;
	e.time_ns = ktime_get_ns();
	e.fsr = f->fsr;
	e.fsynr0 = f->fsynr0;
	e.syndrome = synd;
	e.resolution = retry ? FSVM_FAULT_RESOLVED : FSVM_FAULT_TERMINATED;
	e.error = err;
	spin_lock_irqsave(&ctx->fault_lock, flags);
	fsvm_faultq_push(&ctx->faults, &e);
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
	if (!retry)
		dev_warn_ratelimited(fd->dev, "context %u: %s %s fault at 0x%llx (FSR 0x%x FSYNR0 0x%x) terminated (%d)\n",
				     ctx->idx, write ? "write" : "read", fsvm_fault_name(synd),
				     f->far, f->fsr, f->fsynr0, err);
	else
		dev_dbg_ratelimited(fd->dev, "context %u: %s fault at 0x%llx resolved\n",
				    ctx->idx, fsvm_fault_name(synd), f->far);
}

/* RESUME (retry or terminate) of a claimed stall, then let the device go on. */
static void fsvm_stall_resume(struct fsvm_ctx *ctx, u32 fsr, bool retry)
{
	struct fsvm_dev *fd = ctx->fd;
	unsigned long flags;

	spin_lock_irqsave(&fd->smmu_lock, flags);
	if (ctx->live)
		fsvm_cb_resume(&fd->io, ctx->bank, fsr & SMMU_FSR_SS, retry);
	spin_unlock_irqrestore(&fd->smmu_lock, flags);
	fsvm_stall_resolved(fd);
}

/* One captured fault: resolve it in the bound mm, or terminate it. */
static void fsvm_fault_one(struct fsvm_ctx *ctx)
{
	struct fsvm_dev *fd = ctx->fd;
	enum fsvm_fault_action act;
	struct fsvm_cb_fault f;
	unsigned long flags;
	bool write, retry;
	u64 seq;
	u32 synd;
	int err = 0;

	if (fd->ops->capture_in_worker)
		fsvm_fault_capture(ctx);
	spin_lock_irqsave(&ctx->fault_lock, flags);
	if (!ctx->pending) {
		spin_unlock_irqrestore(&ctx->fault_lock, flags);
		return;
	}
	f = ctx->pending_fault;
	ctx->pending = false;
	seq = ctx->stall_seq;
	ctx->gup_seq = seq;
	spin_unlock_irqrestore(&ctx->fault_lock, flags);

	act = fsvm_fault_decide(f.fsr, f.fsynr0, &write, &synd);
	if (act == FSVM_FA_RESOLVE) {
		u64 now = ktime_get_ns();

		/*
		 * A fault that comes back at once after being resolved, again
		 * and again, is a livelock (-ELOOP). The same VA faulting now
		 * and then in a long job (the CPU reclaims or remaps the page
		 * between the device's visits) is not: the count decays, it
		 * restarts when the last fault there is older than
		 * FSVM_FAULT_RETRY_WINDOW_NS (issue 8 L3).
		 */
		if (f.far == ctx->last_fault_va &&
		    now - ctx->last_fault_ns < FSVM_FAULT_RETRY_WINDOW_NS) {
			ctx->same_va_count++;
		} else {
			ctx->last_fault_va = f.far;
			ctx->same_va_count = 1;
		}
		ctx->last_fault_ns = now;
		if (ctx->same_va_count > FSVM_FAULT_RETRY_LIMIT) {
			err = -ELOOP;	/* resolved again and again: something else is wrong */
		} else if (f.far >= TASK_SIZE) {
			err = -EFAULT;
		} else if (!mmget_not_zero(ctx->mm)) {
			err = -ESRCH;
		} else {
			err = fsvm_fault_in(ctx, f.far, write);
			mmput(ctx->mm);
		}
	}
	spin_lock_irqsave(&ctx->fault_lock, flags);
	ctx->gup_seq = 0;
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
	retry = act == FSVM_FA_RESOLVE && !err;
	if (retry)
		fsvm_ctx_tlbi(ctx, f.far, f.far + 1);
	/* The watchdog ended this stall already (and reported it). */
	if (!fsvm_stall_claim(ctx, seq))
		return;
	fsvm_stall_resume(ctx, f.fsr, retry);
	fsvm_fault_report(ctx, &f, synd, write, retry, err);
}

/*
 * The stall watchdog (system_wq): ends a stall open for longer than
 * stall_timeout_ms, terminating the held transaction, and interrupts the
 * worker if it is still waiting in GUP for that stall.
 */
static void fsvm_stall_watchdog(struct work_struct *work)
{
	struct fsvm_ctx *ctx = container_of(to_delayed_work(work), struct fsvm_ctx, stall_wd);
	u64 timeout = fsvm_stall_timeout_ns(), now, age, seq = 0;
	struct fsvm_cb_fault f;
	unsigned long flags;
	bool expired = false, kill = false, write;
	u32 synd;

	if (READ_ONCE(ctx->dead))
		return;
	/* Emulation: a stall the worker (stuck in GUP) could not capture. */
	if (ctx->fd->ops->capture_in_worker)
		fsvm_fault_capture(ctx);
	spin_lock_irqsave(&ctx->fault_lock, flags);
	if (ctx->stall_open) {
		now = ktime_get_ns();
		age = now - ctx->stall_t0;
		if (age >= timeout) {
			expired = true;
			seq = ctx->stall_seq;
			f = ctx->stall_fault;
			ctx->stall_open = false;
			ctx->pending = false;	/* never picked up: ends here */
			kill = ctx->gup_seq == seq;
		} else {
			fsvm_stall_watch(ctx, timeout - age);
		}
	}
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
	if (!expired)
		return;
	fsvm_stall_resume(ctx, f.fsr, false);
	if (kill)
		send_sig(SIGKILL, ctx->fw->task, 1);
	fsvm_fault_decide(f.fsr, f.fsynr0, &write, &synd);
	fsvm_fault_report(ctx, &f, synd, write, false, -ETIMEDOUT);
}

/*
 * A slot's fault worker. It takes SIGKILL (allow_signal): the watchdog
 * and teardown send it to end a killable wait in GUP; a signal left
 * pending is flushed before the next fault. Between binds it sleeps with
 * no context.
 */
static int fsvm_fault_thread(void *data)
{
	struct fsvm_fault_worker *fw = data;
	struct fsvm_ctx *ctx;
	unsigned long flags;

	allow_signal(SIGKILL);
	for (;;) {
		wait_event_interruptible(fw->wq, READ_ONCE(fw->kick) || kthread_should_stop());
		if (kthread_should_stop())
			break;
		if (signal_pending(current))
			flush_signals(current);
		spin_lock_irqsave(&fw->lock, flags);
		ctx = fw->kick ? fw->ctx : NULL;
		fw->kick = false;
		fw->busy = !!ctx;
		spin_unlock_irqrestore(&fw->lock, flags);
		if (!ctx)
			continue;
		fsvm_fault_one(ctx);
		spin_lock_irqsave(&fw->lock, flags);
		fw->busy = false;
		spin_unlock_irqrestore(&fw->lock, flags);
		wake_up(&fw->idle_wq);
	}
	return 0;
}

/* At bind, once the mm is attached; the slot is the caller's alone. */
int fsvm_fault_start(struct fsvm_ctx *ctx)
{
	struct fsvm_fault_worker *fw = &ctx->fd->fw[ctx->idx];
	unsigned long flags;

	INIT_DELAYED_WORK(&ctx->stall_wd, fsvm_stall_watchdog);
	if (!fw->task) {
		struct task_struct *t;

		t = kthread_run(fsvm_fault_thread, fw, "fsvm-fault/%u", ctx->idx);
		if (IS_ERR(t))
			return PTR_ERR(t);
		get_task_struct(t);
		fw->task = t;
	}
	spin_lock_irqsave(&fw->lock, flags);
	fw->ctx = ctx;
	fw->kick = false;	/* a kick of the previous binder's */
	spin_unlock_irqrestore(&fw->lock, flags);
	ctx->fw = fw;
	return 0;
}

/*
 * Teardown, after the bank is disabled and ctx[] no longer points here (no
 * interrupt path kicks it any more): take the context from its worker,
 * interrupt a wait in GUP for it and wait until the worker has let go,
 * then stop the watchdog. Bounded: every wait of the worker is killable.
 * The worker stays, asleep, for the slot's next binder.
 */
void fsvm_fault_stop(struct fsvm_ctx *ctx)
{
	struct fsvm_fault_worker *fw = ctx->fw;
	unsigned long flags;
	bool busy;

	if (!fw)
		return;
	spin_lock_irqsave(&fw->lock, flags);
	fw->ctx = NULL;
	busy = fw->busy;
	spin_unlock_irqrestore(&fw->lock, flags);
	if (busy)
		send_sig(SIGKILL, fw->task, 1);
	wait_event(fw->idle_wq, !READ_ONCE(fw->busy));
	cancel_delayed_work_sync(&ctx->stall_wd);
}

/* Every slot's worker, at device removal: after every context is gone. */
void fsvm_fault_workers_stop(struct fsvm_dev *fd)
{
	unsigned int i;

	for (i = 0; i < FSVM_MAX_CTX; i++) {
		struct fsvm_fault_worker *fw = &fd->fw[i];

		if (!fw->task)
			continue;
		WARN_ON(fw->ctx);
		kthread_stop(fw->task);
		put_task_struct(fw->task);
		fw->task = NULL;
	}
}
