/* SPDX-License-Identifier: MIT */
/*
 * tb_ref.c - what the RTL testbench needs from the C side of the project,
 * compiled as C so the C++ testbench does not re-declare anything: the
 * kernel table image (the ROM the shell must serve at FSVM_KERNEL_TABLE_OFF)
 * and struct fsvm_cp_result packed as the dispatch lane's s_axilite words.
 */
#include <string.h>
#include "fsvm_hls.h"
#include "tb_ref.h"

uint32_t tb_ktab_bytes(const uint8_t **rom)
{
	*rom = (const uint8_t *)fsvm_kernel_table;
	return (uint32_t)sizeof(fsvm_kernel_table);
}

uint32_t tb_kernel_nargs(uint32_t id)
{
	return id < FSVM_HLS_K_COUNT ? fsvm_kernel_table[id].nargs : 0u;
}

uint32_t tb_pack_result(uint8_t *out, uint32_t cap, const struct tb_cp_result *r)
{
	struct fsvm_cp_result res;

	if (cap < sizeof(res))
		return 0;
	memset(&res, 0, sizeof(res));
	res.status = r->status;
	res.phase = r->phase;
	res.items = r->items;
	res.kernel_id = r->kernel_id;
	res.type = r->type;
	res.flags = r->flags;
	res.completion_va = r->completion_va;
	res.user_tag = r->user_tag;
	res.fault_va = r->fault_va;
	res.syndrome = r->syndrome;
	memcpy(out, &res, sizeof(res));
	return (uint32_t)sizeof(res);
}

uint32_t tb_phase_fetch(void) { return FSVM_CP_FETCH; }
uint32_t tb_phase_kernel(void) { return FSVM_CP_KERNEL; }
uint32_t tb_phase_compiled(void) { return FSVM_CP_COMPILED; }
