// SPDX-License-Identifier: MIT
// fsvm_lane_map.vh - the HLS lanes' s_axi_control register map as the shell
// drives it over m_axi_lanes. This is Vitis HLS's layout for the two tops in
// hw-kernels/hls/cmdproc.c, not part of fsvm_hw.h:
//   0x00 ap_ctrl (bit 0 ap_start, 1 ap_done (clear on read), 2 ap_idle)
//   0x04 GIE, 0x08 IER (bit 0 ap_done), 0x0c ISR (bit 0 ap_done, toggle on write)
//   arguments from 0x10, each scalar followed by one reserved word.
// The argument offsets below follow that convention for
//   void fsvm_cp_dispatch(m, u64 ring_va, u32 ring_size, u32 index, res*)
//   int  fsvm_cp_complete(m, u64 completion_va, const rec*)
// with the result/record structs as consecutive 32-bit words in C layout.
// NOT CHECKED against a Vitis run (none happened here): compare with the
// generated x<top>_hw.h after csynth and fix these lines if they differ.
`ifndef FSVM_LANE_MAP_VH
`define FSVM_LANE_MAP_VH
`define LANE_AP_CTRL        12'h000
`define LANE_GIE            12'h004
`define LANE_IER            12'h008
`define LANE_ISR            12'h00c
// fsvm_cp_dispatch
`define LANE_D_RING_LO      12'h010
`define LANE_D_RING_HI      12'h014
`define LANE_D_RING_SIZE    12'h01c
`define LANE_D_INDEX        12'h024
`define LANE_D_RES          12'h030   // struct fsvm_cp_result, word k at +4k
// fsvm_cp_complete
`define LANE_C_RETURN       12'h010   // ap_return
`define LANE_C_VA_LO        12'h018
`define LANE_C_VA_HI        12'h01c
`define LANE_C_REC          12'h024   // struct fsvm_completion, word k at +4k
`endif
