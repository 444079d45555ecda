// SPDX-License-Identifier: MIT
/*
 * smmu500_tlb.c - the model's TLB: fully associative, caller-provided storage,
 * true LRU, entries tagged by (bank, ASID, VA range, size) with global (nG=0)
 * entries matching any ASID. Only leaf translations are cached.
 *
 * Lookup and victim choice are O(1): entries sit in hash chains keyed by
 * (bank, nG, ASID, page size, page), the bucket heads living in the entries
 * themselves (bucket b's head is tlb[b].hhead), and in one doubly linked LRU
 * list (valid) or a free stack (invalid). A lookup probes at most the page
 * sizes and nG kinds that bank holds. Invalidations and the overlap purge of
 * a large or global insert scan the array: they are rare.
 *
 * Why a lookup may return the one entry it finds: at most one valid entry
 * matches a (bank, ASID, VA). Inserts follow a miss and first drop every
 * entry the new one overlaps that is visible to the same ASID (or to any,
 * for a global one), so two entries visible together never overlap.
 * tests/smmu/test_smmu_tlb_equiv.c replays traces against the former
 * linear-scan/LRU-stamp implementation and compares every step.
 */
#include "smmu500_internal.h"

static unsigned int size_index(unsigned int page_shift)
{
	return page_shift >= 30 ? 2 : page_shift >= 21 ? 1 : 0;
}

static unsigned int bucket_of(const struct smmu *s, unsigned int cb, uint8_t ng,
			      uint16_t asid, unsigned int shift, uint64_t va_page)
{
	uint64_t x = (va_page >> shift) ^ ((uint64_t)asid << 40) ^
		     ((uint64_t)cb << 56) ^ ((uint64_t)shift << 60) ^
		     ((uint64_t)ng << 63);

	x *= 0x9e3779b97f4a7c15ull;
	return (unsigned int)(x >> 40) & s->tlb_hmask;
}

static void free_push(struct smmu *s, uint16_t i)
{
	s->tlb[i].valid = 0;
	s->tlb[i].prev = SMMU_TLB_NONE;
	s->tlb[i].next = s->free_head;
	s->free_head = i;
}

void smmu_tlb_reset(struct smmu *s)
{
	unsigned int i, b;

	for (b = 1; b * 2 <= s->tlb_entries; b *= 2)
		;
	s->tlb_hmask = b - 1;
	s->lru_old = SMMU_TLB_NONE;
	s->lru_new = SMMU_TLB_NONE;
	s->free_head = SMMU_TLB_NONE;
	for (i = 0; i < SMMU_MAX_CB; i++)
		for (b = 0; b < 3; b++)
			s->tlb_count[i][b][0] = s->tlb_count[i][b][1] = 0;
	/* pushed from the top so that entry 0 is taken first */
	for (i = s->tlb_entries; i-- > 0;) {
		struct smmu_tlb_entry *e = &s->tlb[i];

		e->va_page = 0;
		e->pa_page = 0;
		e->asid = 0;
		e->cb = 0;
		e->perm = 0;
		e->page_shift = 0;
		e->ng = 0;
		e->attrindx = 0;
		e->hnext = SMMU_TLB_NONE;
		e->hhead = SMMU_TLB_NONE;
		free_push(s, (uint16_t)i);
	}
}

static void lru_unlink(struct smmu *s, struct smmu_tlb_entry *e)
{
	if (e->prev != SMMU_TLB_NONE)
		s->tlb[e->prev].next = e->next;
	else
		s->lru_old = e->next;
	if (e->next != SMMU_TLB_NONE)
		s->tlb[e->next].prev = e->prev;
	else
		s->lru_new = e->prev;
}

static void lru_append(struct smmu *s, uint16_t i)
{
	struct smmu_tlb_entry *e = &s->tlb[i];

	e->next = SMMU_TLB_NONE;
	e->prev = s->lru_new;
	if (s->lru_new != SMMU_TLB_NONE)
		s->tlb[s->lru_new].next = i;
	else
		s->lru_old = i;
	s->lru_new = i;
}

/* Take valid entry i out of its hash chain, the LRU list and the counts. */
static void entry_remove(struct smmu *s, uint16_t i)
{
	struct smmu_tlb_entry *e = &s->tlb[i];
	unsigned int b = bucket_of(s, e->cb, e->ng, e->asid, e->page_shift, e->va_page);
	uint16_t *link = &s->tlb[b].hhead;

	while (*link != i)
		link = &s->tlb[*link].hnext;
	*link = e->hnext;
	e->hnext = SMMU_TLB_NONE;
	lru_unlink(s, e);
	s->tlb_count[e->cb][size_index(e->page_shift)][e->ng ? 1 : 0]--;
}

static void entry_invalidate(struct smmu *s, uint16_t i)
{
	entry_remove(s, i);
	free_push(s, i);
}

static struct smmu_tlb_entry *probe(struct smmu *s, unsigned int cb, uint8_t ng,
				    uint16_t asid, unsigned int shift, uint64_t va)
{
	uint64_t page = va & smmu_page_mask(shift);
	uint16_t i = s->tlb[bucket_of(s, cb, ng, asid, shift, page)].hhead;

	while (i != SMMU_TLB_NONE) {
		struct smmu_tlb_entry *e = &s->tlb[i];

		if (e->va_page == page && e->page_shift == shift && e->cb == cb &&
		    e->ng == ng && e->asid == asid)
			return e;
		i = e->hnext;
	}
	return NULL;
}

/*
 * The probes in a fixed order (4 KiB, 2 MiB, 1 GiB; per size the bank's
 * non-global entries of this ASID first, then its global ones), each only
 * when the bank holds entries of that kind: a bank with only non-global
 * 4 KiB pages, the common case, costs one probe and five zero tests.
 */
struct smmu_tlb_entry *smmu_tlb_lookup(struct smmu *s, unsigned int cb, uint16_t asid,
				       uint64_t va)
{
	const uint16_t (*n)[2];
	struct smmu_tlb_entry *e;

	if (s->tlb_entries == 0 || cb >= SMMU_MAX_CB)
		return NULL;
	n = s->tlb_count[cb];
	if ((n[0][1] && (e = probe(s, cb, 1, asid, 12, va))) ||
	    (n[0][0] && (e = probe(s, cb, 0, 0, 12, va))) ||
	    (n[1][1] && (e = probe(s, cb, 1, asid, 21, va))) ||
	    (n[1][0] && (e = probe(s, cb, 0, 0, 21, va))) ||
	    (n[2][1] && (e = probe(s, cb, 1, asid, 30, va))) ||
	    (n[2][0] && (e = probe(s, cb, 0, 0, 30, va)))) {
		if (e != &s->tlb[s->lru_new]) {
			lru_unlink(s, e);
			lru_append(s, (uint16_t)(e - s->tlb));
		}
		return e;
	}
	return NULL;
}

void smmu_tlb_insert(struct smmu *s, unsigned int cb, uint16_t asid, uint64_t va,
		     const struct smmu_walk *w)
{
	uint64_t base = va & smmu_page_mask(w->page_shift);
	uint64_t end = base + (1ull << w->page_shift);
	struct smmu_tlb_entry *e;
	unsigned int i, b;
	uint16_t v;

	if (s->tlb_entries == 0 || cb >= SMMU_MAX_CB)
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
			uint64_t ebase, eend;

			e = &s->tlb[i];
			if (!e->valid || e->cb != cb)
				continue;
			if (e->ng && w->ng && e->asid != asid)
				continue;
			ebase = e->va_page;
			eend = ebase + (1ull << e->page_shift);
			if (ebase < end && base < eend)
				entry_invalidate(s, (uint16_t)i);
		}
	}

	/* Victim: a free entry, else the least recently used. */
	if (s->free_head != SMMU_TLB_NONE) {
		v = s->free_head;
		s->free_head = s->tlb[v].next;
	} else {
		v = s->lru_old;
		entry_remove(s, v);
		s->stats.tlb_evictions++;
	}

	e = &s->tlb[v];
	e->va_page = base;
	e->pa_page = w->oa;
	e->asid = w->ng ? asid : 0;
	e->cb = (uint8_t)cb;
	e->perm = w->perm;
	e->page_shift = (uint8_t)w->page_shift;
	e->ng = w->ng ? 1 : 0;
	e->attrindx = w->attrindx;
	e->valid = 1;
	b = bucket_of(s, cb, e->ng, e->asid, e->page_shift, base);
	e->hnext = s->tlb[b].hhead;
	s->tlb[b].hhead = v;
	lru_append(s, v);
	s->tlb_count[cb][size_index(e->page_shift)][e->ng]++;
}

static bool entry_covers(const struct smmu_tlb_entry *e, uint64_t va)
{
	return (va & smmu_page_mask(e->page_shift)) == e->va_page;
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
		entry_invalidate(s, (uint16_t)i);
	}
}

void smmu_tlb_inv_asid(struct smmu *s, unsigned int cb, uint16_t asid)
{
	unsigned int i;

	for (i = 0; i < s->tlb_entries; i++) {
		struct smmu_tlb_entry *e = &s->tlb[i];

		if (e->valid && e->cb == cb && e->ng && e->asid == asid)
			entry_invalidate(s, (uint16_t)i);
	}
}

void smmu_tlb_inv_cb(struct smmu *s, unsigned int cb)
{
	unsigned int i;

	for (i = 0; i < s->tlb_entries; i++)
		if (s->tlb[i].valid && s->tlb[i].cb == cb)
			entry_invalidate(s, (uint16_t)i);
}

void smmu_tlb_inv_all(struct smmu *s)
{
	unsigned int i;

	for (i = 0; i < s->tlb_entries; i++)
		if (s->tlb[i].valid)
			entry_invalidate(s, (uint16_t)i);
}

unsigned int smmu_tlb_count(const struct smmu *s, unsigned int cb)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->tlb_entries; i++)
		if (s->tlb[i].valid && (cb == SMMU_CB_ANY || s->tlb[i].cb == cb))
			n++;
	return n;
}
