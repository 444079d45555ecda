/* SPDX-License-Identifier: MIT */
/*
 * kernel_table.c - the kernel table ROM, made from the kernel list.
 *
 * Entry 0 is the empty kernel (nop); entry i is line i of the list
 * (FSVM_KERNEL_LIST, fsvm_kernels.def by default), with its arguments in
 * slot order. The shell serves the table in the kernel table page of the
 * control window; the command processor takes nargs (how many argument
 * slots a packet carries) and the argument kinds from it.
 *
 * Pointer arguments: size = element size in bytes (1 for raw bytes).
 * Scalars: size = bytes of the scalar, type = its element type.
 * memset's value is a 32-bit scalar of which the kernel stores the low byte,
 * like the int of C's memset.
 */
#include <stdint.h>
#include "fsvm_hls.h"

const struct fsvm_kernel_desc fsvm_kernel_table[FSVM_HLS_K_COUNT] = {
	[FSVM_HLS_K_NOP] = {
		.id = FSVM_HLS_K_NOP, .nargs = 0, .name = "nop",
	},
#undef FSVM_KERNEL
#define FSVM_KERNEL(ID, kname, ...)					\
	[FSVM_HLS_K_##ID] = {						\
		.id = FSVM_HLS_K_##ID,					\
		.nargs = FSVM_PP_NARG(__VA_ARGS__),			\
		.name = #kname,						\
		.args = { FSVM_PP_MAP(FSVM_ARG_DESC_, __VA_ARGS__) },	\
	},
#include FSVM_KERNEL_LIST
#undef FSVM_KERNEL
};

const uint32_t fsvm_kernel_count = FSVM_HLS_K_COUNT;

/* Names must fit the table entry with their NUL. */
#define KT_STR(k, t, s, n)	#n
#define KT_CHECK_ARG(i, a) \
	FSVM_STATIC_ASSERT(sizeof(KT_STR a) <= FSVM_ARG_NAME_LEN, "argument name too long: " KT_STR a);
#undef FSVM_KERNEL
#define FSVM_KERNEL(ID, kname, ...) \
	FSVM_STATIC_ASSERT(sizeof(#kname) <= FSVM_NAME_LEN, "kernel name too long: " #kname); \
	FSVM_PP_MAP(KT_CHECK_ARG, __VA_ARGS__)
#include FSVM_KERNEL_LIST
#undef FSVM_KERNEL
