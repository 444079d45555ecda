// SPDX-License-Identifier: MIT
/*
 * smmu500_tlb.c - the model's TLB: fully associative, caller-provided storage,
 * true LRU through a counter, entries tagged by (bank, ASID, VA range) with
 * global (nG=0) entries matching any ASID. Only leaf translations are cached.
 */
#include "smmu500_internal.h"

void smmu_tlb_reset(struct smmu *s)
{
	unsigned int i;

	for (i = 0; i < s->tlb_entries; i++) {
		s->tlb[i].va_page = 0;
		s->tlb[i].pa_page = 0;
		s->tlb[i].asid = 0;
		s->tlb[i].cb = 0;
		s->tlb[i].valid = 0;
		s->tlb[i].perm = 0;
		s->tlb[i].page_shift = 0;
		s->tlb[i].ng = 0;
		s->tlb[i].attrindx = 0;
		s->tlb[i].lru = 0;
	}
	s->lru_clock = 0;
}

/*
 * Next LRU stamp. When the 32-bit clock would wrap, renumber the valid
 * entries 1..n in their current order (selection by smallest stamp; valid=2
 * marks "already renumbered") so that the LRU order survives the wrap.
 */
static uint32_t lru_next(struct smmu *s)
{
	unsigned int i;

	if (s->lru_clock == 0xffffffffu) {
		uint32_t rank = 0;

		for (;;) {
			struct smmu_tlb_entry *min = NULL;

			for (i = 0; i < s->tlb_entries; i++)
				if (s->tlb[i].valid == 1 &&
				    (!min || s->tlb[i].lru < min->lru))
					min = &s->tlb[i];
			if (!min)
				break;
			min->lru = ++rank;
			min->valid = 2;
		}
		for (i = 0; i < s->tlb_entries; i++)
			if (s->tlb[i].valid)
				s->tlb[i].valid = 1;
		s->lru_clock = rank;
	}
	return ++s->lru_clock;
}

static bool entry_covers(const struct smmu_tlb_entry *e, uint64_t va)
{
	return (va & smmu_page_mask(e->page_shift)) == e->va_page;
}

struct smmu_tlb_entry *smmu_tlb_lookup(struct smmu *s, unsigned int cb, uint16_t asid,
				       uint64_t va)
{
	unsigned int i;

	for (i = 0; i < s->tlb_entries; i++) {
		struct smmu_tlb_entry *e = &s->tlb[i];

		if (!e->valid || e->cb != cb || !entry_covers(e, va))
			continue;
		if (e->ng && e->asid != asid)
			continue;
		e->lru = lru_next(s);
		return e;
	}
	return NULL;
}

void smmu_tlb_insert(struct smmu *s, unsigned int cb, uint16_t asid, uint64_t va,
		     const struct smmu_walk *w)
{
	uint64_t base = va & smmu_page_mask(w->page_shift);
	uint64_t end = base + (1ull << w->page_shift);
	struct smmu_tlb_entry *victim = NULL;
	unsigned int i;

	if (s->tlb_entries == 0)
		return;

	/*
	 * Drop entries the new one overlaps for this ASID (or globally), so a
	 * lookup never sees two matches (silicon would report TLBMCF). Inserts
	 * follow a lookup miss, so for a non-global 4 KiB page nothing can
	 * overlap: any entry touching the page would have covered the VA and
	 * hit. Skipping the scan then matters, as a random pointer chase misses
	 * on almost every access.
	 */
	if (w->page_shift > 12 || !w->ng) {
		for (i = 0; i < s->tlb_entries; i++) {
			struct smmu_tlb_entry *e = &s->tlb[i];
			uint64_t ebase, eend;

			if (!e->valid || e->cb != cb)
				continue;
			if (e->ng && w->ng && e->asid != asid)
				continue;
			ebase = e->va_page;
			eend = ebase + (1ull << e->page_shift);
			if (ebase < end && base < eend)
				e->valid = 0;
		}
	}

	/*
	 * Victim: a free entry, else the least recently used. Free entries
	 * rank as stamp 0, below every valid stamp (stamps start at 1), so one
	 * minimum search with few taken branches finds either.
	 */
	victim = &s->tlb[0];
	{
		uint32_t best = UINT32_MAX;

		for (i = 0; i < s->tlb_entries; i++) {
			uint32_t stamp = s->tlb[i].valid ? s->tlb[i].lru : 0;

			if (stamp < best) {
				best = stamp;
				victim = &s->tlb[i];
				if (!stamp)
					break;
			}
		}
	}

	if (victim->valid)
		s->stats.tlb_evictions++;

	victim->va_page = base;
	victim->pa_page = w->oa;
	victim->asid = w->ng ? asid : 0;
	victim->cb = (uint8_t)cb;
	victim->perm = w->perm;
	victim->page_shift = (uint8_t)w->page_shift;
	victim->ng = w->ng;
	victim->attrindx = w->attrindx;
	victim->lru = lru_next(s);
	victim->valid = 1;
}

void smmu_tlb_inv_va(struct smmu *s, unsigned int cb, uint64_t va, uint16_t asid,
		     bool any_asid)
{
	unsigned int i;

	for (i = 0; i < s->tlb_entries; i++) {
		struct smmu_tlb_entry *e = &s->tlb[i];

		if (!e->valid || e->cb != cb || !entry_covers(e, va))
			continue;
		if (!any_asid && e->ng && e->asid != asid)
			continue;
		e->valid = 0;
	}
}

void smmu_tlb_inv_asid(struct smmu *s, unsigned int cb, uint16_t asid)
{
	unsigned int i;

	for (i = 0; i < s->tlb_entries; i++) {
		struct smmu_tlb_entry *e = &s->tlb[i];

		if (e->valid && e->cb == cb && e->ng && e->asid == asid)
			e->valid = 0;
	}
}

void smmu_tlb_inv_cb(struct smmu *s, unsigned int cb)
{
	unsigned int i;

	for (i = 0; i < s->tlb_entries; i++)
		if (s->tlb[i].cb == cb)
			s->tlb[i].valid = 0;
}

void smmu_tlb_inv_all(struct smmu *s)
{
	unsigned int i;

	for (i = 0; i < s->tlb_entries; i++)
		s->tlb[i].valid = 0;
}

unsigned int smmu_tlb_count(const struct smmu *s, unsigned int cb)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->tlb_entries; i++)
		if (s->tlb[i].valid && (cb == SMMU_CB_ANY || s->tlb[i].cb == cb))
			n++;
	return n;
}
