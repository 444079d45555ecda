/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The check of the contexts' SMMU resources the device
 * tree (or emulation) gives fsvm: one bank, one SMR group and one StreamID
 * per context, none shared, none beyond the SMMU. Builds in the kernel and
 * in user space (tests/kmod/test_layout.c).
 */
#ifndef FSVM_LAYOUT_H
#define FSVM_LAYOUT_H

#include "fsvm_types.h"

struct fsvm_layout {
	unsigned int n;			/* contexts */
	const uint8_t *banks;		/* bank of context i */
	const uint8_t *smrs;		/* SMR/S2CR group of context i */
	uint16_t sid_base;		/* StreamID of context i: sid_base + i */
	uint16_t sid_mask;		/* SMR mask of every context's group */
	unsigned int num_cb, num_smr, sid_bits;	/* what the SMMU has */
};

/*
 * 0, or -EINVAL with *why (a static string) and *ctx (the first context
 * concerned): a bank, SMR group or StreamID beyond the SMMU; two contexts
 * on one bank or one SMR group; a mask under which one context's SMR also
 * matches another context's StreamID (their traffic would hit the other's
 * bank, or the SMMU would see a stream match conflict).
 */
int fsvm_layout_check(const struct fsvm_layout *l, const char **why, unsigned int *ctx);

#endif /* FSVM_LAYOUT_H */
