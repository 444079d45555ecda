/* SPDX-License-Identifier: MIT */
/*
 * svm.c - fsvm_svm_alloc/free: page-aligned memory, optionally on 2 MiB
 * pages, kept in a small locked table so that free can tell the device to
 * forget its translations and reject pointers it never handed out.
 *
 * The device can use any memory of the process; this allocator only adds
 * alignment, huge pages and prefaulting.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#define SMALL_PAGE	4096ul
#define HUGE_PAGE	(2ul << 20)
#define HUGE_SHIFT	21

static size_t round_up(size_t n, size_t align)
{
	return (n + align - 1) & ~(align - 1);
}

/* Write one byte per page so every page is present before the device looks. */
static void touch_pages(uintptr_t start, size_t len, size_t step)
{
	for (size_t off = 0; off < len; off += step)
		*(volatile uint8_t *)(start + off) = 0;
}

/*
 * Does transparent-huge-page memory fully back the VMA holding `start`?
 * /proc/self/smaps lists each mapping with its AnonHugePages; if they
 * cover the whole VMA, every page of our range is a 2 MiB page. A VMA
 * merged with a neighbour that is only partly huge reads as "no": the
 * answer errs on the side of 4 KiB, never claims what is not there.
 */
static int thp_backs_range(uintptr_t start, size_t len)
{
	FILE *smaps = fopen("/proc/self/smaps", "r");
	char line[512];
	int in_vma = 0, huge = 0;
	uintptr_t vma_lo = 0, vma_hi = 0;

	if (!smaps)
		return 0;
	while (fgets(line, sizeof(line), smaps)) {
		uintptr_t lo, hi;
		unsigned long kb;

		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			if (in_vma)
				break;	/* past our VMA without an AnonHugePages line */
			in_vma = lo <= start && start + len <= hi;
			vma_lo = lo;
			vma_hi = hi;
			continue;
		}
		if (in_vma && sscanf(line, "AnonHugePages: %lu kB", &kb) == 1) {
			huge = (uint64_t)kb * 1024 >= (uint64_t)(vma_hi - vma_lo);
			break;
		}
	}
	fclose(smaps);
	return huge;
}

/* Huge pages: hugetlbfs if the administrator reserved some, else THP. */
static int map_huge(size_t len, uintptr_t *start, size_t *page_size)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	uint8_t *raw, *aligned;
	size_t slack;

	if (p != MAP_FAILED) {
		*start = (uintptr_t)p;
		*page_size = HUGE_PAGE;
		fsvm_log(FSVM_LOG_DEBUG, "svm: %zu bytes on hugetlbfs pages at %p", len, p);
		return FSVM_OK;
	}

	/* THP needs a 2 MiB-aligned range: over-map, then trim both ends. */
	raw = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		return FSVM_ERR_NOMEM;
	aligned = (uint8_t *)round_up((uintptr_t)raw, HUGE_PAGE);
	slack = (size_t)(aligned - raw);
	if (slack)
		munmap(raw, slack);
	if (HUGE_PAGE - slack)
		munmap(aligned + len, HUGE_PAGE - slack);

	if (madvise(aligned, len, MADV_HUGEPAGE) != 0)
		fsvm_log(FSVM_LOG_INFO, "svm: madvise(MADV_HUGEPAGE) failed (%s)",
			 strerror(errno));
	/* THP pages are allocated on first touch: touch, then look. */
	touch_pages((uintptr_t)aligned, len, SMALL_PAGE);
	*start = (uintptr_t)aligned;
	*page_size = thp_backs_range((uintptr_t)aligned, len) ? HUGE_PAGE : SMALL_PAGE;
	if (*page_size != HUGE_PAGE)
		fsvm_log(FSVM_LOG_INFO, "svm: no 2 MiB pages for %zu bytes at %p "
			 "(no hugetlbfs reservation, THP refused); using 4 KiB pages",
			 len, (void *)aligned);
	return FSVM_OK;
}

static int table_insert(struct fsvm_device *dev, const struct svm_region *r)
{
	if (dev->nregions == dev->cap_regions) {
		size_t cap = dev->cap_regions ? 2 * dev->cap_regions : 16;
		struct svm_region *grown = realloc(dev->regions, cap * sizeof(*grown));

		if (!grown)
			return FSVM_ERR_NOMEM;
		dev->regions = grown;
		dev->cap_regions = cap;
	}
	dev->regions[dev->nregions++] = *r;
	return FSVM_OK;
}

/* Index of the region containing p, or -1. Caller holds svm_lock. */
static long table_find(struct fsvm_device *dev, uintptr_t p)
{
	for (size_t i = 0; i < dev->nregions; i++)
		if (p >= dev->regions[i].start && p - dev->regions[i].start < dev->regions[i].len)
			return (long)i;
	return -1;
}

int fsvm_svm_alloc(struct fsvm_device *dev, size_t size, unsigned int flags, void **out)
{
	struct svm_region r = { 0 };
	int noted = 0;		/* the backend took a page-size note */
	int err;

	if (!dev || !out || size == 0 || (flags & ~(FSVM_SVM_HUGE | FSVM_SVM_PREFAULT)))
		return FSVM_ERR_INVAL;
	*out = NULL;
	if (size > SIZE_MAX - 2 * HUGE_PAGE)
		return FSVM_ERR_NOMEM;

	if (flags & FSVM_SVM_HUGE) {
		r.len = round_up(size, HUGE_PAGE);
		err = map_huge(r.len, &r.start, &r.page_size);
		if (err)
			return err;
	} else {
		void *p;

		r.len = round_up(size, SMALL_PAGE);
		p = mmap(NULL, r.len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return FSVM_ERR_NOMEM;
		r.start = (uintptr_t)p;
		r.page_size = SMALL_PAGE;
	}

	if (flags & FSVM_SVM_PREFAULT)
		touch_pages(r.start, r.len, r.page_size);

	/* The simulated walker cannot see host page sizes: tell it, but only
	 * what is true. */
	if (r.page_size == HUGE_PAGE) {
		err = dev_note_mapping(dev, r.start, r.len, HUGE_SHIFT);
		if (err)
			fsvm_log(FSVM_LOG_WARN, "svm: device did not take the 2 MiB "
				 "mapping note (%s)", fsvm_strerror(err));
		noted = err == FSVM_OK;
	}

	pthread_mutex_lock(&dev->svm_lock);
	err = table_insert(dev, &r);
	pthread_mutex_unlock(&dev->svm_lock);
	if (err) {
		if (noted)
			dev_invalidate(dev, r.start, r.len);
		munmap((void *)r.start, r.len);
		return err;
	}
	*out = (void *)r.start;
	return FSVM_OK;
}

static void release_region(struct fsvm_device *dev, const struct svm_region *r)
{
	/* Translations go first: the device must never reach a page the
	 * process gave back. */
	dev_invalidate(dev, r->start, r->len);
	munmap((void *)r->start, r->len);
}

int fsvm_svm_free(struct fsvm_device *dev, void *ptr)
{
	struct svm_region r;
	long i;

	if (!dev || !ptr)
		return FSVM_ERR_INVAL;
	pthread_mutex_lock(&dev->svm_lock);
	i = table_find(dev, (uintptr_t)ptr);
	if (i < 0 || dev->regions[i].start != (uintptr_t)ptr) {
		pthread_mutex_unlock(&dev->svm_lock);
		fsvm_log(FSVM_LOG_WARN, "fsvm_svm_free(%p): not a pointer from "
			 "fsvm_svm_alloc", ptr);
		return FSVM_ERR_INVAL;
	}
	r = dev->regions[i];
	dev->regions[i] = dev->regions[--dev->nregions];
	pthread_mutex_unlock(&dev->svm_lock);

	release_region(dev, &r);
	return FSVM_OK;
}

int fsvm_svm_page_size(struct fsvm_device *dev, const void *ptr, size_t *page_size)
{
	long i;

	if (!dev || !ptr || !page_size)
		return FSVM_ERR_INVAL;
	pthread_mutex_lock(&dev->svm_lock);
	i = table_find(dev, (uintptr_t)ptr);
	if (i >= 0)
		*page_size = dev->regions[i].page_size;
	pthread_mutex_unlock(&dev->svm_lock);
	return i >= 0 ? FSVM_OK : FSVM_ERR_INVAL;
}

void fsvm_svm_release_all(struct fsvm_device *dev)
{
	pthread_mutex_lock(&dev->svm_lock);
	if (dev->nregions)
		fsvm_log(FSVM_LOG_DEBUG, "svm: %zu allocations still alive at close",
			 dev->nregions);
	for (size_t i = 0; i < dev->nregions; i++)
		release_region(dev, &dev->regions[i]);
	free(dev->regions);
	dev->regions = NULL;
	dev->nregions = dev->cap_regions = 0;
	pthread_mutex_unlock(&dev->svm_lock);
}
