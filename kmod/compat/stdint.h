/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stdint.h for the kernel build of the freestanding model sources
 * (hw-kernels/): the kernel compiles with -nostdinc, and <linux/types.h>
 * already has the fixed-width types.
 */
#ifndef FSVM_COMPAT_STDINT_H
#define FSVM_COMPAT_STDINT_H

#include <linux/types.h>
#include <linux/limits.h>

#ifndef UINT8_MAX
#define UINT8_MAX	U8_MAX
#define UINT16_MAX	U16_MAX
#define UINT32_MAX	U32_MAX
#define UINT64_MAX	U64_MAX
#define INT32_MAX	S32_MAX
#define INT64_MAX	S64_MAX
#endif

#endif /* FSVM_COMPAT_STDINT_H */
