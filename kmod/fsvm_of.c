// SPDX-License-Identifier: GPL-2.0-only
/*
 * The silicon backend: the platform driver for the device-tree
 * node "fsvm,shell-1.0" (binding: kmod/dt/fsvm,shell.yaml). Maps the
 * shell's control window and the SMMU-500's registers (shared with
 * arm-smmu), reads the contexts' banks, SMR groups and StreamIDs from the
 * DT, requests the shell's and the SMMU's context interrupts, and provides
 * the silicon side of struct fsvm_dev_ops.
 */
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_device.h>
#include <linux/of_irq.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>

#include "fsvm_backend.h"
#include "fsvm_drv.h"
#include "fsvm_fault.h"
#include "fsvm_hw.h"

static int own_smmu = -1;
module_param(own_smmu, int, 0444);
MODULE_PARM_DESC(own_smmu, "initialize the SMMU's global registers: -1 auto (when no driver is bound to it), 0 never, 1 always");

static u32 fsvm_mmio_win_read(struct fsvm_dev *fd, u32 off)
{
	return readl(fd->win + off);
}

static void fsvm_mmio_win_write(struct fsvm_dev *fd, u32 off, u32 val)
{
	writel(val, fd->win + off);
}

/* A context keeps the shell (and through the device link the SMMU) powered. */
static int fsvm_of_ctx_init(struct fsvm_ctx *ctx)
{
	int ret = pm_runtime_resume_and_get(ctx->fd->dev);

	return ret < 0 ? ret : 0;
}

static void fsvm_of_ctx_fini(struct fsvm_ctx *ctx)
{
	pm_runtime_put(ctx->fd->dev);
}

/* The context's page of the control window, uncached, for this process only. */
static int fsvm_of_mmap(struct fsvm_ctx *ctx, struct vm_area_struct *vma)
{
	struct fsvm_dev *fd = ctx->fd;

	fsvm_vm_flags_mod(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
			  VM_DONTCOPY, 0);
	vma->vm_page_prot = pgprot_device(vma->vm_page_prot);
	return io_remap_pfn_range(vma, vma->vm_start,
				  (fd->win_phys + FSVM_CTX_OFF(ctx->idx)) >> PAGE_SHIFT,
				  vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

static void fsvm_of_release(struct fsvm_dev *fd)
{
	kfree(fd);
}

static const struct fsvm_dev_ops fsvm_of_ops = {
	.name = "silicon",
	.read32 = fsvm_mmio_win_read,
	.write32 = fsvm_mmio_win_write,
	.ctx_init = fsvm_of_ctx_init,
	.ctx_fini = fsvm_of_ctx_fini,
	.mmap = fsvm_of_mmap,
	/* The shell drains a packet in microseconds; 200 ms is a dead shell. */
	.drain_ms = 200,
	.release = fsvm_of_release,
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
	scr0 = fsvm_scr0_own(scr0, false);
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
	int n, ret;

	/* Not devm: open files may outlive the binding (struct fsvm_dev). */
	fd = kzalloc(sizeof(*fd), GFP_KERNEL);
	if (!fd)
		return -ENOMEM;
	fsvm_dev_init(fd, dev, &fsvm_of_ops);
	fd->shell_irq = -1;
	fd->win = devm_platform_get_and_ioremap_resource(pdev, 0, &res);
	if (IS_ERR(fd->win)) {
		ret = PTR_ERR(fd->win);
		goto err_free;
	}
	if (resource_size(res) < FSVM_WINDOW_SIZE) {
		ret = dev_err_probe(dev, -EINVAL, "control window smaller than 0x%x\n",
				    FSVM_WINDOW_SIZE);
		goto err_free;
	}
	fd->win_phys = res->start;
	if (readl(fd->win + FSVM_REG_MAGIC) != FSVM_HW_MAGIC) {
		ret = dev_err_probe(dev, -ENODEV, "no fsvm shell at %pR (MAGIC 0x%08x)\n",
				    res, readl(fd->win + FSVM_REG_MAGIC));
		goto err_free;
	}

	snp = of_parse_phandle(np, "fsvm,smmu", 0);
	if (!snp) {
		ret = dev_err_probe(dev, -EINVAL, "missing fsvm,smmu phandle\n");
		goto err_free;
	}
	if (!of_device_is_compatible(snp, "arm,mmu-500")) {
		of_node_put(snp);
		ret = dev_err_probe(dev, -ENODEV, "fsvm,smmu is not an arm,mmu-500\n");
		goto err_free;
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
	/* The interrupt controller of the SMMU's lines is not there yet. */
	if (fd->smmu_irq == -EPROBE_DEFER) {
		ret = dev_err_probe(dev, -EPROBE_DEFER, "SMMU context interrupt not ready\n");
		goto err_unmap;
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
	/* Shared lines: every lock of fd is ready (fsvm_dev_init). */
	ret = request_irq(fd->shell_irq, fsvm_shell_irq, IRQF_SHARED, "fsvm-shell", fd);
	if (ret)
		goto err_pm;
	if (fd->smmu_irq > 0) {
		ret = request_irq(fd->smmu_irq, fsvm_smmu_irq, IRQF_SHARED,
				  "fsvm-smmu-context", fd);
		if (ret)
			goto err_shell_irq;
	} else {
		dev_warn(dev, "no SMMU context interrupt: faults are found only when waiting\n");
	}
	platform_set_drvdata(pdev, fd);
	ret = fsvm_dev_register(fd);
	if (ret)
		goto err_irq;
	return 0;

err_irq:
	if (fd->smmu_irq > 0)
		free_irq(fd->smmu_irq, fd);
err_shell_irq:
	free_irq(fd->shell_irq, fd);
err_pm:
	pm_runtime_disable(dev);
	if (fd->smmu_dev)
		device_link_remove(dev, fd->smmu_dev);
err_unmap:
	iounmap(fd->smmu);
err_put:
	if (fd->smmu_dev)
		put_device(fd->smmu_dev);
err_free:
	fsvm_dev_put(fd);
	return ret;
}

static FSVM_REMOVE_RET fsvm_remove(struct platform_device *pdev)
{
	struct fsvm_dev *fd = platform_get_drvdata(pdev);

	/* Contexts torn down, files marked gone; the interrupts still set. */
	fsvm_dev_unregister(fd);
	if (fd->smmu_irq > 0)
		free_irq(fd->smmu_irq, fd);
	free_irq(fd->shell_irq, fd);
	pm_runtime_disable(&pdev->dev);
	if (fd->smmu_dev) {
		device_link_remove(&pdev->dev, fd->smmu_dev);
		put_device(fd->smmu_dev);
	}
	iounmap(fd->smmu);
	fd->smmu = NULL;
	/* The probe's reference; open files hold theirs (-ENODEV). */
	fsvm_dev_put(fd);
	FSVM_REMOVE_RETURN;
}

/* Reboot or power-off: no context may run into the SMMU being turned off. */
static void fsvm_shutdown(struct platform_device *pdev)
{
	struct fsvm_dev *fd = platform_get_drvdata(pdev);

	if (fd)
		fsvm_dev_quiesce(fd);
}

static const struct of_device_id fsvm_of_match[] = {
	{ .compatible = "fsvm,shell-1.0" },
	{ }
};
MODULE_DEVICE_TABLE(of, fsvm_of_match);

static struct platform_driver fsvm_of_driver = {
	.probe = fsvm_probe,
	.remove = fsvm_remove,
	.shutdown = fsvm_shutdown,
	.driver = {
		.name = FSVM_NAME,
		.of_match_table = fsvm_of_match,
		.pm = &fsvm_pm_ops,
	},
};

int fsvm_of_init(void)
{
	return platform_driver_register(&fsvm_of_driver);
}

void fsvm_of_exit(void)
{
	platform_driver_unregister(&fsvm_of_driver);
}
