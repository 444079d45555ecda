// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fsvm.ko module: the FPGA shell of a ZynqMP as a device whose
 * kernels take process virtual addresses, through an SMMU-500 context bank
 * that walks the process's page table (shared mode) or fsvm's mirror of it
 * (mirror mode).
 *
 * This file: the module parameters common to both backends, the device
 * registration both backends end their probe with, module init and exit.
 * The rest, by concern: fsvm_of.c (silicon: DT probe), fsvm_emu.c
 * (emulation), fsvm_cdev.c (/dev/fsvmN), fsvm_ctx.c (context lifetime),
 * fsvm_diag.c (info, diag, debugfs), fsvm_fault.c (SMMU side of a context,
 * notifiers, mirror, faults).
 */
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "fsvm_backend.h"
#include "fsvm_drv.h"
#include "fsvm_fault.h"
#include "fsvm_hw.h"
#include "fsvm_layout.h"

static char *mode = "auto";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "auto (default: shared if the table walk is coherent, else mirror), shared or mirror");

bool fsvm_force_shared;
module_param_named(force_shared, fsvm_force_shared, bool, 0444);
MODULE_PARM_DESC(force_shared, "allow shared mode on a non-coherent table walk (UNSAFE: stale translations)");

bool fsvm_affd = true;
module_param_named(affd, fsvm_affd, bool, 0444);
MODULE_PARM_DESC(affd, "disable SMMU access-flag faults (SCTLR.AFFD; default on)");

static DEFINE_IDA(fsvm_ida);

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

/*
 * First thing a backend's probe does with its fsvm_dev: every lock and
 * list is ready before any interrupt handler (shared lines) or reader can
 * see the struct. One reference, the probe's.
 */
void fsvm_dev_init(struct fsvm_dev *fd, struct device *dev, const struct fsvm_dev_ops *ops)
{
	unsigned int i;

	kref_init(&fd->kref);
	fd->dev = get_device(dev);
	fd->ops = ops;
	mutex_init(&fd->lock);
	spin_lock_init(&fd->ctx_lock);
	spin_lock_init(&fd->smmu_lock);
	mutex_init(&fd->files_lock);
	INIT_LIST_HEAD(&fd->files);
	atomic_set(&fd->smmu_irqs, 0);
	atomic_set(&fd->global_faults, 0);
	for (i = 0; i < FSVM_MAX_CTX; i++) {
		spin_lock_init(&fd->fw[i].lock);
		init_waitqueue_head(&fd->fw[i].wq);
		init_waitqueue_head(&fd->fw[i].idle_wq);
	}
}

void fsvm_dev_get(struct fsvm_dev *fd)
{
	kref_get(&fd->kref);
}

static void fsvm_dev_kref_release(struct kref *kref)
{
	struct fsvm_dev *fd = container_of(kref, struct fsvm_dev, kref);
	struct device *dev = fd->dev;

	fd->ops->release(fd);
	put_device(dev);
}

void fsvm_dev_put(struct fsvm_dev *fd)
{
	kref_put(&fd->kref, fsvm_dev_kref_release);
}

/* One bank, one SMR group, one StreamID per context, none shared. */
static int fsvm_dev_check_layout(struct fsvm_dev *fd)
{
	struct fsvm_layout l = {
		.n = fd->nctx,
		.banks = fd->banks,
		.smrs = fd->smrs,
		.sid_base = fd->sid_base,
		.sid_mask = fd->sid_mask,
		.num_cb = fd->caps.num_cb,
		.num_smr = fd->caps.num_smr,
		.sid_bits = fd->caps.sid_bits,
	};
	const char *why;
	unsigned int i;

	if (!fsvm_layout_check(&l, &why, &i))
		return 0;
	dev_err(fd->dev, "context %u (bank %u, SMR %u, stream 0x%x, mask 0x%x): %s (SMMU: %u banks, %u SMRs, %u StreamID bits)\n",
		i, fd->banks[i], fd->smrs[i], fd->sid_base + i, fd->sid_mask, why,
		fd->caps.num_cb, fd->caps.num_smr, fd->caps.sid_bits);
	return -EINVAL;
}

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
	ret = fsvm_choose_mode(fd->fw_coherent, fd->caps.cttw, param, fsvm_force_shared,
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

	ret = fsvm_dev_check_layout(fd);
	if (ret)
		return ret;
	fsvm_cpu_config(fd);
	/*
	 * Claim every context's stream match group now, S2CR fault: from here
	 * to module removal fsvm's StreamIDs always match one of its SMRs, so
	 * sCR0.USFCFG (bypass on many boards) never decides for them.
	 */
	for (i = 0; i < fd->nctx; i++)
		fsvm_stream_park(&fd->io, fd->smrs[i], fd->sid_base + i, fd->sid_mask);
	fsvm_slots_init(&fd->slots, fd->nctx);
	fd->lim.user_va_end = TASK_SIZE;
	fd->lim.num_contexts = fd->nctx;
	fd->lim.default_mode = fd->mode;
	fd->lim.shared_allowed = fd->mode == FSVM_MODE_SHARED ||
				 (fd->fw_coherent && fd->caps.cttw) || fsvm_force_shared;

	fd->id = ida_alloc(&fsvm_ida, GFP_KERNEL);
	if (fd->id < 0)
		return fd->id;
	snprintf(fd->name, sizeof(fd->name), "fsvm%d", fd->id);
	ret = fsvm_cdev_register(fd);
	if (ret)
		goto err_ida;
	fsvm_debugfs_init(fd);
	dev_info(fd->dev, "/dev/%s: %u contexts, %s mode, cpu va %u pa %u bits, smmu ias %u, %s\n",
		 fd->name, fd->nctx, fsvm_mode_name(fd->mode),
		 fd->va_bits, fd->pa_bits, fd->caps.ias_bits, fd->ops->name);
	return 0;

err_ida:
	ida_free(&fsvm_ida, fd->id);
	return ret;
}

void fsvm_dev_unregister(struct fsvm_dev *fd)
{
	fsvm_debugfs_exit(fd);
	fsvm_cdev_unregister(fd);
	fsvm_fault_workers_stop(fd);	/* every context is torn down */
	ida_free(&fsvm_ida, fd->id);
}

static int __init fsvm_init(void)
{
	if (fsvm_emulate)
		return fsvm_emu_init();
	return fsvm_of_init();
}

static void __exit fsvm_exit(void)
{
	if (fsvm_emulate)
		fsvm_emu_exit();
	else
		fsvm_of_exit();
}

module_init(fsvm_init);
module_exit(fsvm_exit);
MODULE_DESCRIPTION("fsvm: FPGA kernels on process virtual addresses through the ZynqMP SMMU-500");
MODULE_LICENSE("GPL");
