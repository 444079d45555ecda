/* SPDX-License-Identifier: MIT */
/*
 * kernel_table.c - the kernel table ROM.
 *
 * One entry per enum fsvm_kernel_id, in that order. The shell serves it in
 * the kernel table page of the control window; the command processor takes
 * nargs (how many argument slots a packet carries) and the argument kinds
 * from it. Arguments are in the slot order documented in fsvm_hw.h.
 *
 * Pointer arguments: size = element size in bytes (1 for raw bytes).
 * Scalars: size = bytes of the scalar, type = its element type.
 * memset's value is a 32-bit scalar of which the kernel stores the low byte,
 * like the int of C's memset.
 */
#include <stdint.h>
#include "fsvm_hls.h"

#define ARG(k, t, s, n) { .kind = (k), .type = (t), .size = (s), .reserved = 0, .name = n }

#define P_IN(t, s, n)	ARG(FSVM_ARG_PTR_IN, t, s, n)
#define P_OUT(t, s, n)	ARG(FSVM_ARG_PTR_OUT, t, s, n)
#define S_U64(n)	ARG(FSVM_ARG_U64, FSVM_TYPE_U64, 8, n)
#define S_U32(n)	ARG(FSVM_ARG_U32, FSVM_TYPE_U32, 4, n)

#define LIST_NODE_SZ	((uint8_t)sizeof(struct fsvm_list_node))
#define BST_NODE_SZ	((uint8_t)sizeof(struct fsvm_bst_node))
#define CHASE_RES_SZ	((uint8_t)sizeof(struct fsvm_chase_result))

const struct fsvm_kernel_desc fsvm_kernel_table[FSVM_K_COUNT] = {
	[FSVM_K_NOP] = {
		.id = FSVM_K_NOP, .nargs = 0, .name = "nop",
	},
	[FSVM_K_POINTER_CHASE] = {
		.id = FSVM_K_POINTER_CHASE, .nargs = 3, .name = "pointer_chase",
		.args = {
			P_IN(FSVM_TYPE_LIST_NODE, LIST_NODE_SZ, "head"),
			S_U64("max_hops"),
			P_OUT(FSVM_TYPE_CHASE_RESULT, CHASE_RES_SZ, "result"),
		},
	},
	[FSVM_K_LIST_SEARCH] = {
		.id = FSVM_K_LIST_SEARCH, .nargs = 4, .name = "list_search",
		.args = {
			P_IN(FSVM_TYPE_LIST_NODE, LIST_NODE_SZ, "head"),
			S_U64("key"),
			S_U64("max_hops"),
			P_OUT(FSVM_TYPE_CHASE_RESULT, CHASE_RES_SZ, "result"),
		},
	},
	[FSVM_K_BST_LOOKUP] = {
		.id = FSVM_K_BST_LOOKUP, .nargs = 4, .name = "bst_lookup",
		.args = {
			P_IN(FSVM_TYPE_BST_NODE, BST_NODE_SZ, "root"),
			P_IN(FSVM_TYPE_U64, 8, "keys"),
			S_U64("n"),
			P_OUT(FSVM_TYPE_U64, 8, "results"),
		},
	},
	[FSVM_K_HASH_PROBE] = {
		.id = FSVM_K_HASH_PROBE, .nargs = 5, .name = "hash_probe",
		.args = {
			P_IN(FSVM_TYPE_NODE_PTR, 8, "buckets"),
			S_U64("nbuckets"),
			P_IN(FSVM_TYPE_U64, 8, "keys"),
			S_U64("n"),
			P_OUT(FSVM_TYPE_U64, 8, "results"),
		},
	},
	[FSVM_K_VADD] = {
		.id = FSVM_K_VADD, .nargs = 4, .name = "vadd",
		.args = {
			P_IN(FSVM_TYPE_F32, 4, "a"),
			P_IN(FSVM_TYPE_F32, 4, "b"),
			P_OUT(FSVM_TYPE_F32, 4, "c"),
			S_U64("n"),
		},
	},
	[FSVM_K_MEMCPY] = {
		.id = FSVM_K_MEMCPY, .nargs = 3, .name = "memcpy",
		.args = {
			P_OUT(FSVM_TYPE_VOID, 1, "dst"),
			P_IN(FSVM_TYPE_VOID, 1, "src"),
			S_U64("nbytes"),
		},
	},
	[FSVM_K_MEMSET] = {
		.id = FSVM_K_MEMSET, .nargs = 3, .name = "memset",
		.args = {
			P_OUT(FSVM_TYPE_VOID, 1, "dst"),
			S_U32("value"),
			S_U64("nbytes"),
		},
	},
};
