// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mirror-mode AArch64 page table. See fsvm_mirror_pt.h.
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

/* A new zeroed table page the walker reads at its PA, cleaned; NULL + *err. */
static uint64_t *table_alloc(struct fsvm_mpt *t, uint64_t *pa, int *err)
{
	uint64_t *p, dma = 0;

	p = t->ops.alloc(t->ops.priv, pa, &dma);
	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}
	if (dma != *pa) {
		/* Bounced (swiotlb) or remapped: cleaning would not reach it. */
		t->ops.free(t->ops.priv, p, *pa);
		*err = -EIO;
		return NULL;
	}
	/* The new table must be visible (all zero) before it is linked. */
	t->ops.clean(t->ops.priv, p, 4096);
	t->tables++;
	return p;
}

int fsvm_mpt_init(struct fsvm_mpt *t, const struct fsvm_mpt_ops *ops,
		  unsigned int va_bits, unsigned long max_tables)
{
	int err = 0;

	if (va_bits < 31 || va_bits > 48 || max_tables < FSVM_MPT_MIN_TABLES)
		return -EINVAL;
	t->ops = *ops;
	t->va_bits = va_bits;
	t->start_level = va_bits > 39 ? 0 : 1;
	t->leaves = 0;
	t->tables = 0;
	t->max_tables = max_tables;
	t->tables_freed = 0;
	t->root = table_alloc(t, &t->root_pa, &err);
	return t->root ? 0 : err;
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

/*
 * The level-3 table covering va, or NULL with *stop the level of the first
 * missing table descriptor.
 */
static uint64_t *walk(const struct fsvm_mpt *t, uint64_t va, unsigned int *stop)
{
	uint64_t *table = t->root;
	unsigned int level;

	*stop = 3;
	for (level = t->start_level; level < 3; level++) {
		uint64_t d = table[index_at(t, va, level)];

		if ((d & 3u) != 3u) {
			*stop = level;
			return NULL;
		}
		table = t->ops.to_virt(t->ops.priv, d & MPT_ADDR);
	}
	return table;
}

/* walk(), allocating the missing levels (all or none within max_tables). */
static uint64_t *walk_create(struct fsvm_mpt *t, uint64_t va, int *err)
{
	uint64_t *table;
	unsigned int level, stop;

	*err = 0;
	table = walk(t, va, &stop);
	if (table)
		return table;
	if (t->tables + (3u - stop) > t->max_tables) {
		*err = -ENOSPC;
		return NULL;
	}
	table = t->root;
	for (level = t->start_level; level < 3; level++) {
		uint64_t *slot = &table[index_at(t, va, level)];
		uint64_t *next, pa;

		if ((*slot & 3u) == 3u) {
			table = t->ops.to_virt(t->ops.priv, *slot & MPT_ADDR);
			continue;
		}
		next = table_alloc(t, &pa, err);
		if (!next)
			return NULL;
		*slot = (pa & MPT_ADDR) | SMMU_PTE_VALID | SMMU_PTE_TABLE;
		t->ops.clean(t->ops.priv, slot, sizeof(*slot));
		table = next;
	}
	return table;
}

int fsvm_mpt_map(struct fsvm_mpt *t, uint64_t va, uint64_t leaf)
{
	uint64_t *l3, *slot;
	int err;

	if (!t->root || !va_ok(t, va) || (leaf & 3u) != 3u)
		return -EINVAL;
	l3 = walk_create(t, va, &err);
	if (!l3)
		return err;
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

	if (!t->root || !va_ok(t, va))
		return 0;
	l3 = walk(t, va, &stop);
	return l3 ? l3[(va >> 12) & (MPT_ENTRIES - 1)] : 0;
}

static bool table_empty(const uint64_t *table)
{
	unsigned int i;

	for (i = 0; i < MPT_ENTRIES; i++)
		if (table[i] & SMMU_PTE_VALID)
			return false;
	return true;
}

/*
 * Clear the leaves of [start, end) below `table` (at `level`, covering the
 * VAs from `base`), freeing the tables this empties. Bounded recursion:
 * at most four levels.
 */
static unsigned long unmap_level(struct fsvm_mpt *t, uint64_t *table, unsigned int level,
				 uint64_t base, uint64_t start, uint64_t end)
{
	uint64_t size = 1ull << level_shift(level);
	unsigned long removed = 0;
	uint64_t va = start;

	while (va < end) {
		unsigned int i = index_at(t, va, level);
		uint64_t lo = base + (uint64_t)i * size;
		uint64_t hi = lo + size;
		uint64_t *slot = &table[i];
		uint64_t stop = hi < end ? hi : end;

		if (level == 3) {
			if (*slot & SMMU_PTE_VALID) {
				*slot = 0;
				t->ops.clean(t->ops.priv, slot, sizeof(*slot));
				removed++;
			}
		} else if ((*slot & 3u) == 3u) {
			uint64_t pa = *slot & MPT_ADDR;
			uint64_t *next = t->ops.to_virt(t->ops.priv, pa);

			removed += unmap_level(t, next, level + 1, lo, va, stop);
			if (table_empty(next)) {
				*slot = 0;
				t->ops.clean(t->ops.priv, slot, sizeof(*slot));
				t->ops.free(t->ops.priv, next, pa);
				t->tables--;
				t->tables_freed++;
			}
		}
		va = stop;
	}
	return removed;
}

unsigned long fsvm_mpt_unmap(struct fsvm_mpt *t, uint64_t start, uint64_t end)
{
	unsigned long removed;

	if (!t->root)
		return 0;
	if (end > (1ull << t->va_bits))
		end = 1ull << t->va_bits;
	start &= ~0xfffull;
	if (start >= end)
		return 0;
	removed = unmap_level(t, t->root, t->start_level, 0, start, end);
	t->leaves -= removed;
	return removed;
}
