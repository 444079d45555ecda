/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fsvm_mirror_pt.h - the mirror page table of mirror mode: an AArch64
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
	/* A zeroed 4 KiB table page: CPU pointer, and its PA in *pa. */
	uint64_t *(*alloc)(void *priv, uint64_t *pa);
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
};

/* 0, -EINVAL (VA bits outside 31..48), -ENOMEM. */
int fsvm_mpt_init(struct fsvm_mpt *t, const struct fsvm_mpt_ops *ops,
		  unsigned int va_bits);
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
 * range or not a page leaf), -ENOMEM. Replacing a valid entry is allowed
 * (the caller invalidates the SMMU TLB for va afterwards).
 */
int fsvm_mpt_map(struct fsvm_mpt *t, uint64_t va, uint64_t leaf);

/* The current leaf for va (0 if none). */
uint64_t fsvm_mpt_lookup(const struct fsvm_mpt *t, uint64_t va);

/*
 * Remove every leaf in [start, end). Returns how many were removed; table
 * pages stay until fsvm_mpt_destroy. The caller invalidates the TLB.
 */
unsigned long fsvm_mpt_unmap(struct fsvm_mpt *t, uint64_t start, uint64_t end);

#endif /* FSVM_MIRROR_PT_H */
