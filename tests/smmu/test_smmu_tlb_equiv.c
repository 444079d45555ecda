// SPDX-License-Identifier: MIT
/*
 * test_smmu_tlb_equiv.c - the hashed/LRU-list TLB (smmu500_tlb.c) against
 * REFERENCE_linear_tlb, a copy of the former implementation (linear scans,
 * 32-bit LRU stamps renumbered at wrap) kept here as the reference.
 *
 * Long pseudo-random traces (fixed seeds) mix hits, misses with inserts of
 * 4 KiB / 2 MiB / 1 GiB, global and non-global entries, four banks, several
 * ASIDs, invalidation by VA (one ASID and all), by ASID, by bank and of
 * everything, under capacity pressure for TLB sizes 1..256. Every step
 * compares hit or miss, the entry found, the eviction count, the entry
 * evicted, and the set of valid entries (a checksum each step, the sorted
 * sets every 256 steps and at the end).
 */
#include "smmu_test.h"
#include "smmu500_internal.h"

/* ------------------------------------------------------------------ */
/* REFERENCE: the former smmu500_tlb.c algorithm, on its own storage    */
/* ------------------------------------------------------------------ */
struct ref_entry {
	uint64_t va_page, pa_page;
	uint16_t asid;
	uint8_t cb, valid, perm, page_shift, ng, attrindx;
	uint32_t lru;
};

struct REFERENCE_linear_tlb {
	struct ref_entry *tlb;
	unsigned int n;
	uint32_t lru_clock;
	uint64_t evictions;
	int victim;		/* index evicted by the last insert, -1 none */
	struct ref_entry victim_was;	/* what that entry held */
};

static uint32_t ref_lru_next(struct REFERENCE_linear_tlb *s)
{
	unsigned int i;

	if (s->lru_clock == 0xffffffffu) {
		uint32_t rank = 0;

		for (;;) {
			struct ref_entry *min = NULL;

			for (i = 0; i < s->n; i++)
				if (s->tlb[i].valid == 1 && (!min || s->tlb[i].lru < min->lru))
					min = &s->tlb[i];
			if (!min)
				break;
			min->lru = ++rank;
			min->valid = 2;
		}
		for (i = 0; i < s->n; i++)
			if (s->tlb[i].valid)
				s->tlb[i].valid = 1;
		s->lru_clock = rank;
	}
	return ++s->lru_clock;
}

static bool ref_covers(const struct ref_entry *e, uint64_t va)
{
	return (va & smmu_page_mask(e->page_shift)) == e->va_page;
}

static struct ref_entry *ref_lookup(struct REFERENCE_linear_tlb *s, unsigned int cb,
				    uint16_t asid, uint64_t va)
{
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		struct ref_entry *e = &s->tlb[i];

		if (!e->valid || e->cb != cb || !ref_covers(e, va))
			continue;
		if (e->ng && e->asid != asid)
			continue;
		e->lru = ref_lru_next(s);
		return e;
	}
	return NULL;
}

static void ref_insert(struct REFERENCE_linear_tlb *s, unsigned int cb, uint16_t asid,
		       uint64_t va, const struct smmu_walk *w)
{
	uint64_t base = va & smmu_page_mask(w->page_shift);
	uint64_t end = base + (1ull << w->page_shift);
	struct ref_entry *victim;
	uint32_t best = UINT32_MAX;
	unsigned int i;

	s->victim = -1;
	if (s->n == 0)
		return;
	if (w->page_shift > 12 || !w->ng) {
		for (i = 0; i < s->n; i++) {
			struct ref_entry *e = &s->tlb[i];
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
	victim = &s->tlb[0];
	for (i = 0; i < s->n; i++) {
		uint32_t stamp = s->tlb[i].valid ? s->tlb[i].lru : 0;

		if (stamp < best) {
			best = stamp;
			victim = &s->tlb[i];
			if (!stamp)
				break;
		}
	}
	if (victim->valid) {
		s->evictions++;
		s->victim = (int)(victim - s->tlb);
		s->victim_was = *victim;
	}
	victim->va_page = base;
	victim->pa_page = w->oa;
	victim->asid = w->ng ? asid : 0;
	victim->cb = (uint8_t)cb;
	victim->perm = w->perm;
	victim->page_shift = (uint8_t)w->page_shift;
	victim->ng = w->ng;
	victim->attrindx = w->attrindx;
	victim->lru = ref_lru_next(s);
	victim->valid = 1;
}

static void ref_inv_va(struct REFERENCE_linear_tlb *s, unsigned int cb, uint64_t va,
		       uint16_t asid, bool any_asid)
{
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		struct ref_entry *e = &s->tlb[i];

		if (!e->valid || e->cb != cb || !ref_covers(e, va))
			continue;
		if (!any_asid && e->ng && e->asid != asid)
			continue;
		e->valid = 0;
	}
}

static void ref_inv_asid(struct REFERENCE_linear_tlb *s, unsigned int cb, uint16_t asid)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->tlb[i].valid && s->tlb[i].cb == cb && s->tlb[i].ng &&
		    s->tlb[i].asid == asid)
			s->tlb[i].valid = 0;
}

static void ref_inv_cb(struct REFERENCE_linear_tlb *s, unsigned int cb)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->tlb[i].cb == cb)
			s->tlb[i].valid = 0;
}

static void ref_inv_all(struct REFERENCE_linear_tlb *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		s->tlb[i].valid = 0;
}

static unsigned int ref_count(const struct REFERENCE_linear_tlb *s, unsigned int cb)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->n; i++)
		n += s->tlb[i].valid && s->tlb[i].cb == cb;
	return n;
}

/* ------------------------------------------------------------------ */
/* comparison                                                           */
/* ------------------------------------------------------------------ */
struct tag {
	uint64_t va_page, pa_page;
	uint16_t asid;
	uint8_t cb, perm, page_shift, ng, attrindx;
};

static struct tag tag_new(const struct smmu_tlb_entry *e)
{
	struct tag t = { e->va_page, e->pa_page, e->asid, e->cb, e->perm,
			 e->page_shift, (uint8_t)(e->ng != 0), e->attrindx };
	return t;
}

static struct tag tag_ref(const struct ref_entry *e)
{
	struct tag t = { e->va_page, e->pa_page, e->asid, e->cb, e->perm,
			 e->page_shift, (uint8_t)(e->ng != 0), e->attrindx };
	return t;
}

static bool tag_eq(const struct tag *a, const struct tag *b)
{
	return a->va_page == b->va_page && a->pa_page == b->pa_page &&
	       a->asid == b->asid && a->cb == b->cb && a->perm == b->perm &&
	       a->page_shift == b->page_shift && a->ng == b->ng &&
	       a->attrindx == b->attrindx;
}

static uint64_t tag_mix(const struct tag *t)
{
	uint64_t x = t->va_page ^ (t->pa_page * 3) ^ ((uint64_t)t->asid << 48) ^
		     ((uint64_t)t->cb << 40) ^ ((uint64_t)t->page_shift << 32) ^
		     ((uint64_t)t->ng << 31) ^ ((uint64_t)t->perm << 24) ^ t->attrindx;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static int tag_cmp(const void *pa, const void *pb)
{
	const struct tag *a = pa, *b = pb;

	if (a->cb != b->cb)
		return a->cb < b->cb ? -1 : 1;
	if (a->va_page != b->va_page)
		return a->va_page < b->va_page ? -1 : 1;
	if (a->page_shift != b->page_shift)
		return a->page_shift < b->page_shift ? -1 : 1;
	if (a->ng != b->ng)
		return a->ng < b->ng ? -1 : 1;
	if (a->asid != b->asid)
		return a->asid < b->asid ? -1 : 1;
	return 0;
}

static uint64_t sum_new(const struct smmu *s, unsigned int *n)
{
	uint64_t sum = 0;
	unsigned int i;

	*n = 0;
	for (i = 0; i < s->tlb_entries; i++)
		if (s->tlb[i].valid) {
			struct tag t = tag_new(&s->tlb[i]);

			sum += tag_mix(&t);
			++*n;
		}
	return sum;
}

static uint64_t sum_ref(const struct REFERENCE_linear_tlb *r, unsigned int *n)
{
	uint64_t sum = 0;
	unsigned int i;

	*n = 0;
	for (i = 0; i < r->n; i++)
		if (r->tlb[i].valid) {
			struct tag t = tag_ref(&r->tlb[i]);

			sum += tag_mix(&t);
			++*n;
		}
	return sum;
}

static bool new_holds(const struct smmu *s, const struct tag *t)
{
	unsigned int i;

	for (i = 0; i < s->tlb_entries; i++)
		if (s->tlb[i].valid) {
			struct tag u = tag_new(&s->tlb[i]);

			if (tag_eq(&u, t))
				return true;
		}
	return false;
}

static bool sets_equal(const struct smmu *s, const struct REFERENCE_linear_tlb *r)
{
	struct tag *a = calloc(s->tlb_entries + 1, sizeof(*a));
	struct tag *b = calloc(r->n + 1, sizeof(*b));
	unsigned int i, na = 0, nb = 0;
	bool eq = true;

	REQUIRE(a && b);
	for (i = 0; i < s->tlb_entries; i++)
		if (s->tlb[i].valid)
			a[na++] = tag_new(&s->tlb[i]);
	for (i = 0; i < r->n; i++)
		if (r->tlb[i].valid)
			b[nb++] = tag_ref(&r->tlb[i]);
	qsort(a, na, sizeof(*a), tag_cmp);
	qsort(b, nb, sizeof(*b), tag_cmp);
	if (na != nb)
		eq = false;
	for (i = 0; eq && i < na; i++)
		eq = tag_eq(&a[i], &b[i]);
	free(a);
	free(b);
	return eq;
}

/* ------------------------------------------------------------------ */
/* trace                                                                */
/* ------------------------------------------------------------------ */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned int rndn(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

#define POOL	512u

struct counts {
	uint64_t lookups, hits, inserts, evictions, inv_va, inv_vaa, inv_asid, inv_cb, inv_all;
	uint64_t sizes[3], globals;
};

/* One trace: returns false at the first divergence (after reporting it). */
static bool replay(unsigned int entries, uint64_t seed, unsigned int steps,
		   uint32_t ref_clock_start, struct counts *c)
{
	struct smmu_config cfg = { .num_cb = 4, .num_smr = 4, .ias_bits = 48,
				   .oas_bits = 48 };
	struct smmu *s = calloc(1, sizeof(*s));
	struct smmu_tlb_entry *nt = calloc(entries + 1, sizeof(*nt));
	struct REFERENCE_linear_tlb r = { 0 };
	uint64_t pool[POOL];
	unsigned int step, i;
	bool ok = true;

	REQUIRE(s && nt);
	r.tlb = calloc(entries + 1, sizeof(*r.tlb));
	REQUIRE(r.tlb);
	r.n = entries;
	r.lru_clock = ref_clock_start;	/* near the wrap: its renumbering runs too */
	smmu_init(s, &cfg, nt, entries, NULL);
	rng_state = seed;
	for (i = 0; i < POOL; i++)
		pool[i] = ((uint64_t)rndn(4) << 30) + ((rnd() & 0x3ffffffull));

	for (step = 0; step < steps && ok; step++) {
		/* mostly one bank and ASID and a working set, so that hits are common */
		unsigned int cb = rndn(100) < 70 ? 0 : rndn(4), op = rndn(1000);
		uint16_t asid = (uint16_t)(rndn(100) < 70 ? 1 : rndn(6));
		uint64_t va = rndn(100) < 90 ? pool[rndn(rndn(4) ? POOL / 8 : POOL)] :
			      (((uint64_t)rndn(4) << 30) | (rnd() & 0x3ffffffull));
		uint64_t ev0 = s->stats.tlb_evictions;
		unsigned int nn, nr;

		if (rndn(100) < 5)
			pool[rndn(POOL)] = va;
		if (op < 900) {
			struct smmu_tlb_entry *e = smmu_tlb_lookup(s, cb, asid, va);
			struct ref_entry *f = ref_lookup(&r, cb, asid, va);

			c->lookups++;
			if (!e != !f) {
				printf("step %u: lookup cb %u asid %u va %#llx: new %s, reference %s\n",
				       step, cb, asid, (unsigned long long)va,
				       e ? "hit" : "miss", f ? "hit" : "miss");
				ok = false;
				break;
			}
			if (e) {
				struct tag a = tag_new(e), b = tag_ref(f);

				c->hits++;
				if (!tag_eq(&a, &b)) {
					printf("step %u: hit on different entries\n", step);
					ok = false;
					break;
				}
			} else {
				struct smmu_walk w = { 0 };
				unsigned int k = rndn(100);
				struct tag vt = { 0 };
				bool had_victim;

				w.page_shift = k < 75 ? 12 : k < 95 ? 21 : 30;
				w.oa = (rnd() & 0xffffffffffull) & smmu_page_mask(w.page_shift);
				w.ng = rndn(100) < 85;
				w.perm = (uint8_t)(SMMU_PERM_R | (rndn(2) ? SMMU_PERM_W : 0) |
						   SMMU_PERM_USER);
				w.attrindx = (uint8_t)rndn(8);
				c->inserts++;
				c->sizes[(w.page_shift - 12) / 9]++;
				c->globals += !w.ng;
				smmu_tlb_insert(s, cb, asid, va, &w);
				ref_insert(&r, cb, asid, va, &w);
				had_victim = r.victim >= 0;
				if (had_victim)
					vt = tag_ref(&r.victim_was);
				if (s->stats.tlb_evictions - ev0 != (had_victim ? 1u : 0u)) {
					printf("step %u: evictions new +%llu, reference +%u\n", step,
					       (unsigned long long)(s->stats.tlb_evictions - ev0),
					       had_victim ? 1u : 0u);
					ok = false;
					break;
				}
				if (had_victim) {
					c->evictions++;
					/* the same entry went: absent from the new TLB
					 * (the sets compared below also say no other did) */
					if (new_holds(s, &vt)) {
						printf("step %u: victim differs\n", step);
						ok = false;
						break;
					}
				}
			}
		} else if (op < 940) {
			bool any = rndn(2);

			any ? c->inv_vaa++ : c->inv_va++;
			smmu_tlb_inv_va(s, cb, va, asid, any);
			ref_inv_va(&r, cb, va, asid, any);
		} else if (op < 975) {
			c->inv_asid++;
			smmu_tlb_inv_asid(s, cb, asid);
			ref_inv_asid(&r, cb, asid);
		} else if (op < 995) {
			c->inv_cb++;
			smmu_tlb_inv_cb(s, cb);
			ref_inv_cb(&r, cb);
		} else {
			c->inv_all++;
			smmu_tlb_inv_all(s);
			ref_inv_all(&r);
		}
		if (sum_new(s, &nn) != sum_ref(&r, &nr) || nn != nr ||
		    smmu_tlb_count(s, cb) != ref_count(&r, cb) ||
		    ((step & 255u) == 0 && !sets_equal(s, &r))) {
			printf("step %u: valid sets differ (%u new, %u reference)\n", step, nn, nr);
			ok = false;
		}
	}
	if (ok && !sets_equal(s, &r)) {
		printf("end: valid sets differ\n");
		ok = false;
	}
	if (r.evictions != s->stats.tlb_evictions) {
		printf("evictions: new %llu, reference %llu\n",
		       (unsigned long long)s->stats.tlb_evictions,
		       (unsigned long long)r.evictions);
		ok = false;
	}
	free(r.tlb);
	free(nt);
	free(s);
	return ok;
}

int main(void)
{
	static const unsigned int sizes[] = { 1, 2, 3, 16, 64, 100, 256 };
	struct counts c = { 0 };
	unsigned int i, seed;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (seed = 1; seed <= 3; seed++) {
			bool ok = replay(sizes[i], 0x9e3779b97f4a7c15ull * seed + sizes[i],
					 sizes[i] >= 100 ? 60000 : 100000,
					 seed == 2 ? 0xffffff00u : 0, &c);

			if (!ok)
				printf("diverged: %u entries, seed %u\n", sizes[i], seed);
			CHECK(ok);
		}
	printf("lookups %llu hits %llu inserts %llu (4K %llu 2M %llu 1G %llu, global %llu) "
	       "evictions %llu\ninv va %llu va-all-asid %llu asid %llu bank %llu all %llu\n",
	       (unsigned long long)c.lookups, (unsigned long long)c.hits,
	       (unsigned long long)c.inserts, (unsigned long long)c.sizes[0],
	       (unsigned long long)c.sizes[1], (unsigned long long)c.sizes[2],
	       (unsigned long long)c.globals, (unsigned long long)c.evictions,
	       (unsigned long long)c.inv_va, (unsigned long long)c.inv_vaa,
	       (unsigned long long)c.inv_asid, (unsigned long long)c.inv_cb,
	       (unsigned long long)c.inv_all);
	/* the trace really exercised what it claims */
	CHECK(c.hits > c.lookups / 10);
	CHECK(c.evictions > c.inserts / 4);
	CHECK(c.sizes[1] > 1000 && c.sizes[2] > 1000 && c.globals > 1000);
	CHECK(c.inv_all > 100);
	return check_exit_code("smmu_tlb_equiv");
}
