// SPDX-License-Identifier: GPL-2.0-only
/*
 * fsvm_mirror_pt.c - the mirror-mode AArch64 page table. See fsvm_mirror_pt.h.
 */
#include "fsvm_mirror_pt.h"
#include "smmu500.h"

#define MPT_ENTRIES	512u
#define MPT_ADDR	SMMU_PTE_ADDR_MASK
/* Leaf bits copied from the CPU: AttrIndx, AP[1], AP[2], SH, nG, PXN, UXN. */
#define MPT_LEAF_KEEP	((7ull << SMMU_PTE_ATTRINDX_SHIFT) | SMMU_PTE_AP1 | \
			 SMMU_PTE_AP2 | (3ull << SMMU_PTE_SH_SHIFT) | SMMU_PTE_NG | \
			 SMMU_PTE_PXN | SMMU_PTE_UXN)

static unsigned int level_shift(unsigned int level)
{
	return 12u + 9u * (3u - level);
}

static unsigned int index_at(const struct fsvm_mpt *t, uint64_t va, unsigned int level)
{
	uint64_t idx = va >> level_shift(level);

	if (level == t->start_level)
		return (unsigned int)(idx & ((1ull << (t->va_bits - level_shift(level))) - 1));
	return (unsigned int)(idx & (MPT_ENTRIES - 1));
}

int fsvm_mpt_init(struct fsvm_mpt *t, const struct fsvm_mpt_ops *ops,
		  unsigned int va_bits)
{
	if (va_bits < 31 || va_bits > 48)
		return -EINVAL;
	t->ops = *ops;
	t->va_bits = va_bits;
	t->start_level = va_bits > 39 ? 0 : 1;
	t->leaves = 0;
	t->tables = 0;
	t->root = t->ops.alloc(t->ops.priv, &t->root_pa);
	if (!t->root)
		return -ENOMEM;
	t->ops.clean(t->ops.priv, t->root, 4096);
	t->tables = 1;
	return 0;
}

static void free_level(struct fsvm_mpt *t, uint64_t *table, uint64_t pa,
		       unsigned int level)
{
	unsigned int i;

	if (level < 3) {
		for (i = 0; i < MPT_ENTRIES; i++) {
			uint64_t d = table[i];

			if ((d & 3u) == 3u)
				free_level(t, t->ops.to_virt(t->ops.priv, d & MPT_ADDR),
					   d & MPT_ADDR, level + 1);
		}
	}
	t->ops.free(t->ops.priv, table, pa);
}

void fsvm_mpt_destroy(struct fsvm_mpt *t)
{
	if (!t->root)
		return;
	free_level(t, t->root, t->root_pa, t->start_level);
	t->root = NULL;
	t->root_pa = 0;
	t->leaves = 0;
	t->tables = 0;
}

uint64_t fsvm_mpt_leaf(uint64_t cpu_desc, bool writable)
{
	uint64_t leaf;

	if (!(cpu_desc & SMMU_PTE_VALID))
		return 0;
	leaf = (cpu_desc & (MPT_ADDR | MPT_LEAF_KEEP)) | SMMU_PTE_VALID |
	       SMMU_PTE_PAGE | SMMU_PTE_AF;
	if (writable)
		leaf &= ~SMMU_PTE_AP2;
	return leaf;
}

static bool va_ok(const struct fsvm_mpt *t, uint64_t va)
{
	return (va >> t->va_bits) == 0;
}

/* The level-3 table covering va; allocates missing levels if `create`. */
static uint64_t *walk(struct fsvm_mpt *t, uint64_t va, bool create, int *err,
		      unsigned int *stop)
{
	uint64_t *table = t->root;
	unsigned int level;

	*err = 0;
	*stop = 3;
	for (level = t->start_level; level < 3; level++) {
		uint64_t *slot = &table[index_at(t, va, level)];
		uint64_t *next, pa;

		if ((*slot & 3u) == 3u) {
			table = t->ops.to_virt(t->ops.priv, *slot & MPT_ADDR);
			continue;
		}
		*stop = level;
		if (!create)
			return NULL;
		next = t->ops.alloc(t->ops.priv, &pa);
		if (!next) {
			*err = -ENOMEM;
			return NULL;
		}
		/* The new table must be visible (all zero) before it is linked. */
		t->ops.clean(t->ops.priv, next, 4096);
		t->tables++;
		*slot = (pa & MPT_ADDR) | SMMU_PTE_VALID | SMMU_PTE_TABLE;
		t->ops.clean(t->ops.priv, slot, sizeof(*slot));
		table = next;
	}
	return table;
}

int fsvm_mpt_map(struct fsvm_mpt *t, uint64_t va, uint64_t leaf)
{
	uint64_t *l3, *slot;
	unsigned int stop;
	int err;

	if (!t->root || !va_ok(t, va) || (leaf & 3u) != 3u)
		return -EINVAL;
	l3 = walk(t, va, true, &err, &stop);
	if (!l3)
		return err ? err : -EINVAL;
	slot = &l3[(va >> 12) & (MPT_ENTRIES - 1)];
	if (!(*slot & SMMU_PTE_VALID))
		t->leaves++;
	*slot = leaf;
	t->ops.clean(t->ops.priv, slot, sizeof(*slot));
	return 0;
}

uint64_t fsvm_mpt_lookup(const struct fsvm_mpt *t, uint64_t va)
{
	unsigned int stop;
	uint64_t *l3;
	int err;

	if (!t->root || !va_ok(t, va))
		return 0;
	l3 = walk((struct fsvm_mpt *)t, va, false, &err, &stop);
	return l3 ? l3[(va >> 12) & (MPT_ENTRIES - 1)] : 0;
}

unsigned long fsvm_mpt_unmap(struct fsvm_mpt *t, uint64_t start, uint64_t end)
{
	unsigned long removed = 0;
	unsigned int stop;
	uint64_t va;
	int err;

	if (!t->root)
		return 0;
	if (end > (1ull << t->va_bits))
		end = 1ull << t->va_bits;
	for (va = start & ~0xfffull; va < end;) {
		uint64_t *l3 = walk(t, va, false, &err, &stop);
		unsigned int i;

		if (!l3) {
			/* Nothing below the missing entry: skip all it covers. */
			va = (va | ((1ull << level_shift(stop)) - 1)) + 1;
			continue;
		}
		for (i = (unsigned int)((va >> 12) & (MPT_ENTRIES - 1));
		     i < MPT_ENTRIES && va < end; i++, va += 0x1000) {
			if (l3[i] & SMMU_PTE_VALID) {
				l3[i] = 0;
				t->ops.clean(t->ops.priv, &l3[i], sizeof(l3[i]));
				removed++;
			}
		}
	}
	t->leaves -= removed;
	return removed;
}
