// SPDX-License-Identifier: GPL-2.0-only
/*
 * See fsvm_layout.h. Builds in the kernel and in user space.
 */
#include "fsvm_layout.h"

static int bad(const char **why, unsigned int *ctx, const char *msg, unsigned int i)
{
	*why = msg;
	*ctx = i;
	return -EINVAL;
}

int fsvm_layout_check(const struct fsvm_layout *l, const char **why, unsigned int *ctx)
{
	uint32_t sid_limit = l->sid_bits >= 16 ? 0x10000u : 1u << l->sid_bits;
	unsigned int i, j;

	if (l->n == 0)
		return bad(why, ctx, "no contexts", 0);
	if ((uint32_t)l->sid_mask >= sid_limit)
		return bad(why, ctx, "SMR mask beyond the SMMU's StreamID bits", 0);
	for (i = 0; i < l->n; i++) {
		uint32_t sid = (uint32_t)l->sid_base + i;

		if (l->banks[i] >= l->num_cb)
			return bad(why, ctx, "context bank beyond the SMMU's", i);
		if (l->smrs[i] >= l->num_smr)
			return bad(why, ctx, "SMR group beyond the SMMU's", i);
		if (sid >= sid_limit)
			return bad(why, ctx, "StreamID beyond the SMMU's StreamID bits", i);
		for (j = 0; j < i; j++) {
			uint32_t other = (uint32_t)l->sid_base + j;

			if (l->banks[j] == l->banks[i])
				return bad(why, ctx, "context bank given to two contexts", i);
			if (l->smrs[j] == l->smrs[i])
				return bad(why, ctx, "SMR group given to two contexts", i);
			/* SMR j (id other, mask) matches sid when they agree outside the mask. */
			if (((sid ^ other) & ~(uint32_t)l->sid_mask) == 0)
				return bad(why, ctx,
					   "the SMR mask makes two contexts' StreamIDs match one SMR",
					   i);
		}
	}
	return 0;
}
