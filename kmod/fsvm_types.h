/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The few types and errno values the files that build both
 * in the kernel and in user space (fsvm_smmu_prog.c, fsvm_mirror_pt.c,
 * fsvm_uapi_check.c) need, from whichever side they are built on.
 */
#ifndef FSVM_TYPES_H
#define FSVM_TYPES_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#endif /* FSVM_TYPES_H */
