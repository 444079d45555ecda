/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The mirror page table of mirror mode: an AArch64
 * stage-1 table (4 KiB granule, the CPU's VA size) that fsvm fills from the
 * CPU's page table one page at a time, for an SMMU whose table walks do
 * not snoop the CPU caches. Every descriptor written, and every new table
 * page before it is linked, is handed to ops->clean (the kernel cleans it
 * to the point of coherency through the DMA API), so the walker never sees
 * a stale or half-built table.
 *
 * Builds in the kernel and in user space (tests/kmod); no locking: the
 * caller serializes (a mutex per context in the module).
 */
#ifndef FSVM_MIRROR_PT_H
#define FSVM_MIRROR_PT_H

#include "fsvm_types.h"

struct fsvm_mpt_ops {
	void *priv;
	/*
	 * A zeroed 4 KiB table page: CPU pointer, its PA in *pa and the
	 * address the table walker will read it at (the DMA address of the
	 * cleaning device) in *dma. A page whose dma differs from pa would be
	 * bounced: the walker would never see what is cleaned; the tree
	 * refuses it (hands it back to free, fails with -EIO).
	 */
	uint64_t *(*alloc)(void *priv, uint64_t *pa, uint64_t *dma);
	/*
	 * A table page unlinked from the tree (all its descriptors invalid).
	 * The walker may still hold it in a walk cache until the caller's
	 * TLB invalidation for the unmap completes: it must not be reused
	 * before then (the module defers the free past its TLBI + sync).
	 */
	void (*free)(void *priv, uint64_t *table, uint64_t pa);
	/* CPU pointer of a table page this tree allocated, from its PA. */
	uint64_t *(*to_virt)(void *priv, uint64_t pa);
	/* Make [p, p + len) visible to the table walker. */
	void (*clean)(void *priv, const void *p, size_t len);
};

struct fsvm_mpt {
	struct fsvm_mpt_ops ops;
	unsigned int va_bits;
	unsigned int start_level;	/* 0 for 40..48 bits, 1 for 31..39 */
	uint64_t root_pa;
	uint64_t *root;
	unsigned long leaves;		/* valid page descriptors */
	unsigned long tables;		/* table pages, root included */
	unsigned long max_tables;	/* cap on tables, root included */
	unsigned long tables_freed;	/* by unmap, since init */
};

/* Smallest max_tables: the root and one page at each lower level. */
#define FSVM_MPT_MIN_TABLES	4ul

/*
 * 0, -EINVAL (VA bits outside 31..48, max_tables below FSVM_MPT_MIN_TABLES),
 * -ENOMEM, -EIO (the root page would be bounced).
 */
int fsvm_mpt_init(struct fsvm_mpt *t, const struct fsvm_mpt_ops *ops,
		  unsigned int va_bits, unsigned long max_tables);
/* Free every table page. */
void fsvm_mpt_destroy(struct fsvm_mpt *t);

/*
 * The mirror's leaf for a CPU page descriptor (level 3, or the 4 KiB page
 * at offset `va` inside a CPU block): output address, AttrIndx, SH, nG,
 * AP[1], UXN/PXN copied; AF set; AP[2] (read-only) kept unless `writable`
 * (the CPU's page is dirty/writable now); DBM and software bits cleared.
 * 0 when the CPU descriptor is not valid.
 */
uint64_t fsvm_mpt_leaf(uint64_t cpu_desc, bool writable);

/*
 * Install the 4 KiB page descriptor `leaf` for va. 0, -EINVAL (va out of
 * range or not a page leaf), -ENOMEM, -ENOSPC (the new table pages va
 * needs would take the tree past max_tables; nothing is changed), -EIO (a
 * new table page would be bounced; nothing is linked). Replacing a valid
 * entry is allowed (the caller invalidates the SMMU TLB for va afterwards).
 * After -ENOMEM or -EIO an empty table page may stay linked; it counts
 * against max_tables and goes with the next unmap that covers it.
 */
int fsvm_mpt_map(struct fsvm_mpt *t, uint64_t va, uint64_t leaf);

/* The current leaf for va (0 if none). */
uint64_t fsvm_mpt_lookup(const struct fsvm_mpt *t, uint64_t va);

/*
 * Remove every leaf in [start, end) and free every table page below the
 * root that this leaves empty (ops->free, tables_freed counts them).
 * Returns how many leaves were removed. The caller invalidates the TLB for
 * the range, and for the whole address space when tables_freed grew (a
 * freed table may cover VAs outside the range).
 */
unsigned long fsvm_mpt_unmap(struct fsvm_mpt *t, uint64_t start, uint64_t end);

#endif /* FSVM_MIRROR_PT_H */
