/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IEEE 754 binary32 addition in integer arithmetic, for
 * the kernel build of the HLS vadd kernel (emulation mode): arm64 kernel
 * code is compiled with -mgeneral-regs-only and may not touch the FPU
 * outside kernel_neon_begin/end, which cannot span the sleeping memory
 * accesses of a kernel. Round to nearest even, subnormals kept (no flush
 * to zero), NaN operands returned quiet, invalid operations give the
 * default NaN: bit-exact with an A53 (FPCR.DN = 0, FZ = 0) and with SSE.
 */
#ifndef FSVM_SOFTFLOAT_H
#define FSVM_SOFTFLOAT_H

#include "fsvm_types.h"

uint32_t fsvm_soft_fadd32(uint32_t a, uint32_t b);

#endif /* FSVM_SOFTFLOAT_H */
