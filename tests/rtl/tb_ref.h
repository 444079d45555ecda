/* SPDX-License-Identifier: MIT */
/* tb_ref.h - tb_ref.c's interface for the C++ testbench (see tb_ref.c). */
#ifndef TB_REF_H
#define TB_REF_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

/* What the testbench's dispatch lane reports (struct fsvm_cp_result fields). */
struct tb_cp_result {
	uint32_t status, phase, items;
	uint16_t kernel_id;
	uint8_t type, flags;
	uint64_t completion_va, user_tag, fault_va;
	uint32_t syndrome;
};

uint32_t tb_ktab_bytes(const uint8_t **rom);
uint32_t tb_kernel_nargs(uint32_t id);
/* struct fsvm_cp_result's bytes in C layout; returns its size (0: cap too small). */
uint32_t tb_pack_result(uint8_t *out, uint32_t cap, const struct tb_cp_result *r);
uint32_t tb_phase_fetch(void);
uint32_t tb_phase_kernel(void);
uint32_t tb_phase_compiled(void);

#ifdef __cplusplus
}
#endif
#endif
