// SPDX-License-Identifier: GPL-2.0-only
/*
 * What fsvm.ko tells about itself: FSVM_IOC_GET_INFO (the
 * shell's identification and kernel table), FSVM_IOC_DIAG (the SMMU's
 * and the banks' registers, for `fsvm doctor`) and debugfs
 * (/sys/kernel/debug/fsvmN/state).
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "fsvm_drv.h"
#include "fsvm_hw.h"

void fsvm_fill_info(struct fsvm_dev *fd, struct fsvm_info *info)
{
	unsigned int i;
	u32 w;

	/* Nothing the caller passed in is echoed back (reserved fields zero). */
	memset(info, 0, sizeof(*info));
	info->uapi_version = FSVM_UAPI_VERSION;
	info->flags = fd->ops->info_flags |
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

	lockdep_assert_held(&fd->lock);	/* keeps ctx allocated */
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
		b->faults_resolved = atomic64_read(&ctx->st.faults_resolved);
		b->faults_terminated = atomic64_read(&ctx->st.faults_terminated);
		b->stalls = atomic64_read(&ctx->st.stalls);
		b->tlbi = atomic64_read(&ctx->st.tlbi);
		b->mirror_entries = atomic64_read(&ctx->st.mirror_entries);
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

/*
 * admin: both the opener of the file and the caller have CAP_SYS_ADMIN
 * (fsvm_cdev.c). Others see their own bank, only the number and use of the
 * others, and none of the SMMU's global fault syndrome (sGFSYNR1 holds the
 * StreamID of whatever master faulted, fsvm's or another device's).
 */
void fsvm_fill_diag(struct fsvm_dev *fd, struct fsvm_ctx *own, struct fsvm_diag *d,
		    bool admin)
{
	const struct fsvm_smmu_io *io = &fd->io;
	unsigned int i;

	/* Nothing the caller passed in is echoed back (other banks read zero). */
	memset(d, 0, sizeof(*d));
	d->flags = (fd->fw_coherent ? FSVM_DIAG_F_FW_COHERENT : 0) |
		   (fd->caps.cttw ? FSVM_DIAG_F_CTTW : 0) |
		   (fd->forced || (fsvm_force_shared && !(fd->fw_coherent && fd->caps.cttw)) ?
		    FSVM_DIAG_F_FORCED : 0);
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
	if (admin) {
		d->sgfsr = io->read32(io->priv, SMMU_GR0_SGFSR);
		d->sgfsynr0 = io->read32(io->priv, SMMU_GR0_SGFSYNR0);
		d->sgfsynr1 = io->read32(io->priv, SMMU_GR0_SGFSYNR1);
	} else {
		d->flags |= FSVM_DIAG_F_PARTIAL;
	}
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

		if (!admin && (!ctx || ctx != own)) {
			d->flags |= FSVM_DIAG_F_PARTIAL;
			d->banks[i].bank = fd->banks[i];
			d->banks[i].in_use = !!ctx;
			continue;
		}
		fsvm_fill_diag_bank(fd, ctx, i, &d->banks[i]);
	}
	fsvm_fill_diag_mirror(fd, own, d);
	mutex_unlock(&fd->lock);
}

static int fsvm_dbg_show(struct seq_file *s, void *unused)
{
	struct fsvm_dev *fd = s->private;
	struct fsvm_diag_bank b;
	unsigned int i;

	seq_printf(s, "mode %s%s, %s, %u contexts, stream ids 0x%x+n mask 0x%x\n",
		   fsvm_mode_name(fd->mode),
		   fd->forced ? " (FORCED on a non-coherent walk)" : "",
		   fd->ops->name, fd->nctx, fd->sid_base, fd->sid_mask);
	seq_printf(s, "cpu: va %u bits, pa %u bits, mair 0x%016llx; smmu: ias %u oas %u, cttw %d, fw coherent %d\n",
		   fd->va_bits, fd->pa_bits, fd->mair, fd->caps.ias_bits, fd->caps.oas_bits,
		   fd->caps.cttw, fd->fw_coherent);
	seq_printf(s, "smmu context irqs %d, global faults %d\n",
		   atomic_read(&fd->smmu_irqs), atomic_read(&fd->global_faults));
	if (fd->ops->dbg_show)
		fd->ops->dbg_show(fd, s);
	mutex_lock(&fd->lock);
	for (i = 0; i < fd->nctx; i++) {
		struct fsvm_ctx *ctx = fd->ctx[i];

		memset(&b, 0, sizeof(b));
		fsvm_fill_diag_bank(fd, ctx, i, &b);
		seq_printf(s, "ctx %u: %s bank %u smr %u\n", i,
			   ctx ? fsvm_mode_name(ctx->mode) : "free",
			   b.bank, fd->smrs[i]);
		seq_printf(s, "  SMR 0x%08x S2CR 0x%08x CBAR 0x%08x CBA2R 0x%08x\n",
			   b.smr, b.s2cr, b.cbar, b.cba2r);
		seq_printf(s, "  SCTLR 0x%08x TCR 0x%08x TCR2 0x%08x MAIR 0x%08x%08x ASID %u TTBR0 %s\n",
			   b.sctlr, b.tcr, b.tcr2, b.mair1, b.mair0, b.ttbr0_asid,
			   b.ttbr0_set ? "set" : "clear");
		seq_printf(s, "  FSR 0x%08x FSYNR0 0x%08x FAR 0x%llx\n", b.fsr, b.fsynr0, b.far);
		if (ctx)
			seq_printf(s, "  faults resolved %llu terminated %llu, stalls %llu, tlbi %llu, mirror entries %llu, irqs %llu\n",
				   (u64)atomic64_read(&ctx->st.faults_resolved),
				   (u64)atomic64_read(&ctx->st.faults_terminated),
				   (u64)atomic64_read(&ctx->st.stalls),
				   (u64)atomic64_read(&ctx->st.tlbi),
				   (u64)atomic64_read(&ctx->st.mirror_entries),
				   (u64)atomic64_read(&ctx->st.irqs));
		if (ctx && ctx->mode == FSVM_MODE_MIRROR)
			seq_printf(s, "  mirror table pages %lu of at most %lu\n",
				   READ_ONCE(ctx->st.mirror_tables), ctx->st.mirror_tables_max);
	}
	mutex_unlock(&fd->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fsvm_dbg);

void fsvm_debugfs_init(struct fsvm_dev *fd)
{
	fd->dbg = debugfs_create_dir(fd->name, NULL);
	debugfs_create_file("state", 0400, fd->dbg, fd, &fsvm_dbg_fops);
}

void fsvm_debugfs_exit(struct fsvm_dev *fd)
{
	debugfs_remove_recursive(fd->dbg);
	fd->dbg = NULL;
}
