/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel API differences fsvm.ko meets between 6.1 LTS
 * and 6.6+ (and a few later ones), in one place.
 */
#ifndef FSVM_COMPAT_H
#define FSVM_COMPAT_H

#include <linux/eventfd.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/platform_device.h>
#include <linux/version.h>

/*
 * The secondary-TLB hook of mmu_notifier: invalidate_range up to 6.5,
 * arch_invalidate_secondary_tlbs from 6.6 (called from the arm64 TLB flush
 * paths). Same arguments, must not sleep.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define FSVM_MN_SECONDARY_TLBS	arch_invalidate_secondary_tlbs
#else
#define FSVM_MN_SECONDARY_TLBS	invalidate_range
#endif

/* get_user_pages_remote lost its vmas argument in 6.5. */
static inline long fsvm_gup_remote(struct mm_struct *mm, unsigned long start,
				   unsigned int gup_flags, struct page **page, int *locked)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	return get_user_pages_remote(mm, start, 1, gup_flags, page, locked);
#else
	return get_user_pages_remote(mm, start, 1, gup_flags, page, NULL, locked);
#endif
}

/* eventfd_signal lost its count argument in 6.8. */
static inline void fsvm_eventfd_signal(struct eventfd_ctx *ctx)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/* platform_driver.remove returns void from 6.11. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define FSVM_REMOVE_RET		void
#define FSVM_REMOVE_RETURN	return
#else
#define FSVM_REMOVE_RET		int
#define FSVM_REMOVE_RETURN	return 0
#endif

/* vma->vm_flags became read-only with helpers in 6.3. */
static inline void fsvm_vm_flags_mod(struct vm_area_struct *vma, vm_flags_t set,
				     vm_flags_t clear)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

#endif /* FSVM_COMPAT_H */
