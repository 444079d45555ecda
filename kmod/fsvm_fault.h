/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SMMU side of a bound context (fsvm_fault.c): its bank,
 * its notifiers, its mirror table and its fault path. Used by the context
 * lifetime (fsvm_ctx.c), the ioctls (fsvm_cdev.c) and the silicon probe
 * (fsvm_of.c); it calls none of them back but through fsvm_drv.h.
 */
#ifndef FSVM_FAULT_H
#define FSVM_FAULT_H

#include <linux/interrupt.h>

#include "fsvm_drv.h"

int fsvm_ctx_attach_mm(struct fsvm_ctx *ctx);
void fsvm_ctx_detach_mm(struct fsvm_ctx *ctx);
int fsvm_ctx_hw_disable(struct fsvm_ctx *ctx);
int fsvm_ctx_hw_flush(struct fsvm_ctx *ctx);
int fsvm_ctx_hw_enable(struct fsvm_ctx *ctx);
void fsvm_ctx_hw_restore(struct fsvm_ctx *ctx);
irqreturn_t fsvm_smmu_irq(int irq, void *data);
int fsvm_fault_start(struct fsvm_ctx *ctx);
void fsvm_fault_stop(struct fsvm_ctx *ctx);
void fsvm_fault_kick(struct fsvm_ctx *ctx);
void fsvm_fault_workers_stop(struct fsvm_dev *fd);
int fsvm_prefault(struct fsvm_ctx *ctx, u64 start, u64 end, bool write);
struct device *fsvm_mpt_dma_dev(struct fsvm_dev *fd);
int fsvm_dma_setup(struct fsvm_dev *fd);

#endif /* FSVM_FAULT_H */
