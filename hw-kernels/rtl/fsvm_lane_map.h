/* SPDX-License-Identifier: MIT */
/*
 * fsvm_lane_map.h - the HLS lanes' s_axi_control register map, as the shell
 * RTL drives it over m_axi_lanes and as tests/rtl models it. This is Vitis
 * HLS's ap_ctrl_hs layout for the two tops in hw-kernels/hls/cmdproc.c, not
 * part of the fsvm_hw.h contract:
 *   0x00 ap_ctrl (bit 0 ap_start, 1 ap_done (clear on read), 2 ap_idle,
 *        3 ap_ready), 0x04 GIE, 0x08 IER (bit 0 ap_done), 0x0c ISR (bit 0
 *        ap_done, toggle on write), arguments from 0x10, each scalar
 *        followed by one reserved word.
 * The argument offsets follow that convention for
 *   void fsvm_cp_dispatch(m, u64 ring_va, u32 ring_size, u32 index, res*)
 *   int  fsvm_cp_complete(m, u64 completion_va, const rec*)
 * with the result/record structs as consecutive 32-bit words in C layout.
 * NOT CHECKED against a Vitis run (none happened here): compare with the
 * generated x<top>_hw.h after csynth and fix these lines if they differ.
 * gen_fsvm_hw_vh prints them as `define LANE_* for the RTL (fsvm_lane_map.vh).
 */
#ifndef FSVM_LANE_MAP_H
#define FSVM_LANE_MAP_H

#define FSVM_LANE_AP_CTRL	0x000u
#define FSVM_LANE_GIE		0x004u
#define FSVM_LANE_IER		0x008u
#define FSVM_LANE_ISR		0x00cu
/* fsvm_cp_dispatch */
#define FSVM_LANE_D_RING_LO	0x010u
#define FSVM_LANE_D_RING_HI	0x014u
#define FSVM_LANE_D_RING_SIZE	0x01cu
#define FSVM_LANE_D_INDEX	0x024u
#define FSVM_LANE_D_RES		0x030u	/* struct fsvm_cp_result, word k at +4k */
/* fsvm_cp_complete */
#define FSVM_LANE_C_RETURN	0x010u	/* ap_return */
#define FSVM_LANE_C_VA_LO	0x018u
#define FSVM_LANE_C_VA_HI	0x01cu
#define FSVM_LANE_C_REC		0x024u	/* struct fsvm_completion, word k at +4k */

/* ap_ctrl bits */
#define FSVM_LANE_AP_START	(1u << 0)
#define FSVM_LANE_AP_DONE	(1u << 1)
#define FSVM_LANE_AP_IDLE	(1u << 2)
#define FSVM_LANE_AP_READY	(1u << 3)

#endif /* FSVM_LANE_MAP_H */
