/* SPDX-License-Identifier: MIT */
/*
 * bad_plugin.c - device plugins the simulator must refuse, one per value
 * of BAD (tests/sdk/CMakeLists.txt builds each as libfsvm-dev-bad<N>.so).
 * Everything is right except the one thing BAD names; BAD=0 exports no
 * descriptor at all.
 */
#include <stdint.h>
#include "fsvm_device_plugin.h"

#ifndef BAD
#error "BAD must be set"
#endif

/* (5, 7, 9 and 11 are tested with #if below: strings cannot be chosen with ?:) */
enum {
	BAD_MAGIC = 1, BAD_ABI = 2, BAD_DESC_SIZE = 3, BAD_ID = 4, BAD_NOP = 5,
	BAD_KIND = 6, BAD_DUP = 7, BAD_COUNT = 8, BAD_UNTERMINATED = 9,
	BAD_NARGS = 10, BAD_NAME = 11,
};

__attribute__((unused)) static void bad_dispatch(fsvm_axi_t *m, uint64_t ring_va, uint32_t ring_size,
			 uint32_t index, struct fsvm_cp_result *res)
{
	(void)m; (void)ring_va; (void)ring_size; (void)index;
	res->status = FSVM_ST_BAD_PACKET;
}

__attribute__((unused)) static void bad_bind(const struct fsvm_plugin_axi_ops *ops)
{
	(void)ops;
}

#if BAD == 5	/* BAD_NOP */
#define NOP_NAME "notnop"
#else
#define NOP_NAME "nop"
#endif
#if BAD == 7	/* BAD_DUP */
#define K2_NAME "k1"
#else
#define K2_NAME "k2"
#endif
#if BAD == 11	/* BAD_NAME */
#define PLUGIN_NAME "someone_else"
#else
#define PLUGIN_NAME FSVM_DEVICE_NAME
#endif

__attribute__((unused)) static const struct fsvm_kernel_desc bad_table[3] = {
	{ .id = 0, .nargs = 0, .name = NOP_NAME },
	{ .id = BAD == BAD_ID ? 7 : 1, .nargs = BAD == BAD_NARGS ? FSVM_MAX_ARGS + 1 : 1,
	  .name = "k1",
	  .args = { { .kind = BAD == BAD_KIND ? 9 : FSVM_ARG_U64, .type = FSVM_TYPE_U64,
		      .size = 8, .name = "n" } } },
#if BAD == 9	/* BAD_UNTERMINATED */
	{ .id = 2, .nargs = 0, .name = "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk" },
#else
	{ .id = 2, .nargs = 0, .name = K2_NAME },
#endif
};

#if BAD == 0	/* a shared object without the symbol */
__attribute__((visibility("default"))) int not_a_plugin(void);
int not_a_plugin(void)
{
	return (int)sizeof(bad_table);
}
#else
__attribute__((visibility("default")))
const struct fsvm_device_plugin fsvm_device_plugin = {
	.magic = BAD == BAD_MAGIC ? 0x12345678u : FSVM_DEVICE_PLUGIN_MAGIC,
	.abi = BAD == BAD_ABI ? FSVM_DEVICE_PLUGIN_ABI + 1 : FSVM_DEVICE_PLUGIN_ABI,
	.hw_version = FSVM_HW_VERSION,
	.plugin_size = (uint32_t)sizeof(struct fsvm_device_plugin),
	.desc_size = (uint32_t)sizeof(struct fsvm_kernel_desc) - (BAD == BAD_DESC_SIZE ? 8 : 0),
	.result_size = (uint32_t)sizeof(struct fsvm_cp_result),
	.name = PLUGIN_NAME,
	.num_kernels = BAD == BAD_COUNT ? FSVM_MAX_KERNELS + 1 : 3,
	.table = bad_table,
	.dispatch = bad_dispatch,
	.bind_axi = bad_bind,
};
#endif
