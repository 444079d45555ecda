/* SPDX-License-Identifier: GPL-2.0-only */
/* stddef.h for the kernel build of the model sources: see stdint.h here. */
#ifndef FSVM_COMPAT_STDDEF_H
#define FSVM_COMPAT_STDDEF_H

#include <linux/stddef.h>
#include <linux/types.h>

#endif /* FSVM_COMPAT_STDDEF_H */
