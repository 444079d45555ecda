// SPDX-License-Identifier: MIT
// fsvm_shell_ctx.v - one hardware context of the fsvm shell: its context
// page (fsvm_hw.h "Context page") and the sequencer that runs its packets
// on the context's two HLS lanes.
//
// Per packet (ring index idx), over m_axi_lanes with Vitis HLS's ap_ctrl_hs
// s_axilite protocol (GIE 0x04, IER 0x08, ISR 0x0c toggle-on-write,
// ap_start bit 0 of 0x00, arguments from 0x10; fsvm_lane_map.vh):
//   1. dispatch lane (fsvm_cp_dispatch): GIE = 1, IER = 1 (ap_done), ring
//      VA, ring size, idx mod size, ap_start; wait for its interrupt; clear
//      ISR, read ap_ctrl (clears ap_done) and the struct fsvm_cp_result;
//   2. decide the completion record as the device model does
//      (hw-kernels/model/fsvm_model.c run_packet): an error response seen by
//      the dispatch lane's port (fsvm_lane_port) makes it FAULTED with the
//      burst's VA and syndrome EXTERNAL (| PACKET when the command processor
//      was still fetching); an ABORT during the packet makes it ABORTED;
//      start/end ticks are this shell's device clock, bytes are the bursts
//      the port passed on;
//   3. complete lane (fsvm_cp_complete): record VA and the 16 record words,
//      ap_start, wait, read its return value; an error response there or a
//      non-zero return records a PACKET fault;
//   4. READ_INDEX = idx + 1, COMPLETED + 1, IRQ_STATUS bits.
// Watchdog: a lane that has not raised its interrupt WATCHDOG cycles after
// ap_start (0: never) is held in reset (lane_rst) while its port drains
// (flush), then the packet ends FAULTED with FAULT_VA 0 and syndrome type
// EXTERNAL (| PACKET | WRITE for the complete lane); a dispatch lane's record
// still goes to the completion_va its port saw in the slot read.
// CONTROL.RESET (an idle, disabled context without ABORT pending) puts every
// register of the page back to its reset value; otherwise it is ignored.
// A slot whose type byte is still INVALID parks the context until the next
// DOORBELL write. ABORT: the dispatch port passes only reads of the slot
// being processed (so the command processor still learns the completion
// address) and terminates everything else; every queued packet is then
// completed as ABORTED, as abort_drain does in the model.
// Register offsets and bits: fsvm_hw.vh, generated from fsvm_hw.h.
// Verilog-2005.
`include "fsvm_hw.vh"
`include "fsvm_lane_map.vh"
module fsvm_shell_ctx #(
    parameter [31:0] STREAM_ID = 32'h200,
    parameter [31:0] LANE_D = 32'ha010_0000,  // dispatch lane's s_axi_control
    parameter [31:0] LANE_C = 32'ha011_0000,  // complete lane's s_axi_control
    parameter [31:0] WATCHDOG = 32'd0,        // cycles a lane may run, 0: no limit
    parameter [31:0] LANE_RESET_CYCLES = 32'd16
) (
    input  wire        clk,
    input  wire        rst_n,
    input  wire [63:0] now,
    // context page access from s_axi_ctl (offsets inside the page)
    input  wire        wr_en,
    input  wire [11:0] wr_reg,
    input  wire [31:0] wr_data,
    input  wire [11:0] rd_reg,
    output reg  [31:0] rd_data,
    output wire        irq,
    output wire        busy,
    // requester of fsvm_lite_master
    output wire        req,
    output wire        req_we,
    output reg  [31:0] req_addr,
    output reg  [31:0] req_wdata,
    input  wire        ack,
    input  wire [31:0] ack_rdata,
    // the lanes' interrupt outputs
    input  wire        irq_d,
    input  wire        irq_c,
    // the lanes' fsvm_lane_port
    output wire [1:0]  d_mode,
    output wire [63:0] d_win,
    output wire        port_clr,
    input  wire        d_fault,
    input  wire [63:0] d_fault_va,
    input  wire        d_fault_wr,
    input  wire [63:0] d_bytes,
    input  wire        d_idle,
    input  wire [1:0]  d_slot_seen,
    input  wire [7:0]  d_slot_flags,
    input  wire [63:0] d_slot_cva,
    input  wire        c_idle,
    // watchdog: hold a lane in reset and drain its port
    output wire [1:0]  lane_rst,   // bit 0 dispatch, bit 1 complete
    output wire [1:0]  flush,
    input  wire        c_fault,
    input  wire [63:0] c_fault_va,
    input  wire        c_fault_wr
);
    // ---- sequencer states
    localparam [3:0] ST_IDLE = 4'd0, ST_DW = 4'd1, ST_DWAIT = 4'd2, ST_DR = 4'd3,
                     ST_DEC = 4'd4, ST_CW = 4'd5, ST_CWAIT = 4'd6, ST_CR = 4'd7,
                     ST_CDONE = 4'd8, ST_FIN = 4'd9, ST_WDOG = 4'd10;
    localparam [4:0] DW_LAST = 5'd6, DR_LAST = 5'd11, CW_LAST = 5'd20, CR_LAST = 5'd2;
    localparam [31:0] IRQ_BITS = `FSVM_IRQ_COMPLETION | `FSVM_IRQ_FAULT;
    localparam [31:0] SYND_EXT = `FSVM_FAULT_EXTERNAL << `FSVM_SYND_TYPE_SHIFT;
    localparam [31:0] SYND_ALIGN = `FSVM_FAULT_ALIGNMENT << `FSVM_SYND_TYPE_SHIFT;

    // ---- context page
    reg [31:0] ring_base_lo, ring_base_hi, ring_size;
    reg        en, abort, irq_en;
    reg [31:0] doorbell, read_index;
    reg        faulted, bad_ring;
    reg [31:0] irq_st;
    reg [63:0] fault_va;
    reg [31:0] fault_synd, fault_packet, fault_count, completed;
    // ring as latched at enable
    reg [63:0] ring_va;
    reg [31:0] ring_n;
    reg        ring_valid;
    reg        parked;      // stopped on an INVALID slot
    reg        db_written;  // DOORBELL written since the packet started
    reg        stale;       // re-enabled while this packet ran: do not count it

    // ---- sequencer
    reg [3:0]  st;
    reg [4:0]  step;
    reg        draining;    // completing queued packets after ABORT
    reg        abort_seen;  // ABORT arrived while the dispatch lane ran
    reg [31:0] idx;
    reg [63:0] t_start;
    reg [31:0] irq_pend;
    reg [31:0] wd_cnt;      // cycles in DWAIT/CWAIT, then in reset (ST_WDOG)
    reg        wd_c;        // the watchdog fired on the complete lane
    reg        wd_d_fired;  // ... on the dispatch lane, for this packet
    // struct fsvm_cp_result words
    reg [31:0] r_status, r_phase, r_items, r_synd;
    reg [7:0]  r_type, r_flags;
    reg [63:0] r_cva, r_fva;
    // completion record
    reg [31:0] c_status, c_synd, c_items, c_ret;
    reg [63:0] c_fva, c_start, c_end, c_cycles, c_bytes;

    wire [31:0] slot = idx & (ring_n - 32'd1);
    wire        r_fetch = (r_phase == `FSVM_CP_FETCH);

    assign busy = (st != ST_IDLE);
    wire   wd_expired = (WATCHDOG != 32'd0) && (wd_cnt >= WATCHDOG - 32'd1);
    wire   wd_hold = (st == ST_WDOG);
    assign lane_rst = wd_hold ? (wd_c ? 2'b10 : 2'b01) : 2'b00;
    assign flush = lane_rst;
    wire   wd_drained = (wd_cnt >= LANE_RESET_CYCLES) && (wd_c ? c_idle : d_idle);
    assign irq = irq_en && (irq_st != 32'd0);
    assign d_mode = (abort || draining) ? 2'd1 : 2'd0;
    assign d_win = ring_va + {26'd0, slot, 6'd0};

    // ---- what the sequencer does next in IDLE
    wire [31:0] queued = doorbell - read_index;
    wire        drain_more = ring_valid && (queued != 32'd0);
    wire        run_ok = en && (queued != 32'd0) && (!parked || db_written);
    wire        start = abort ? drain_more : run_ok;
    wire [31:0] start_idx = (abort && queued > ring_n) ? doorbell - ring_n : read_index;
    assign port_clr = (st == ST_IDLE) && start;

    // ---- one lane register access per step
    assign req = (st == ST_DW) || (st == ST_DR) || (st == ST_CW) || (st == ST_CR);
    assign req_we = (st == ST_DW) || (st == ST_CW) ||
                    ((st == ST_DR || st == ST_CR) && step == 5'd0);
    wire [4:0] last_step = (st == ST_DW) ? DW_LAST : (st == ST_DR) ? DR_LAST :
                           (st == ST_CW) ? CW_LAST : CR_LAST;

    function [31:0] lane_off;   // 12-bit lane offset -> 32 bits
        input [11:0] o;
        lane_off = {20'd0, o};
    endfunction

    // Word k of the completion record, placed by the FSVM_CPL_OFF_* offsets.
    function [31:0] rec_word;
        input [3:0] k;
        reg [31:0] o;
        begin
            o = {26'd0, k, 2'b00};
            if (o == `FSVM_CPL_OFF_STATUS)            rec_word = c_status;
            else if (o == `FSVM_CPL_OFF_SYNDROME)     rec_word = c_synd;
            else if (o == `FSVM_CPL_OFF_FAULT_VA)     rec_word = c_fva[31:0];
            else if (o == `FSVM_CPL_OFF_FAULT_VA + 4) rec_word = c_fva[63:32];
            else if (o == `FSVM_CPL_OFF_START)        rec_word = c_start[31:0];
            else if (o == `FSVM_CPL_OFF_START + 4)    rec_word = c_start[63:32];
            else if (o == `FSVM_CPL_OFF_END)          rec_word = c_end[31:0];
            else if (o == `FSVM_CPL_OFF_END + 4)      rec_word = c_end[63:32];
            else if (o == `FSVM_CPL_OFF_CYCLES)       rec_word = c_cycles[31:0];
            else if (o == `FSVM_CPL_OFF_CYCLES + 4)   rec_word = c_cycles[63:32];
            else if (o == `FSVM_CPL_OFF_BYTES)        rec_word = c_bytes[31:0];
            else if (o == `FSVM_CPL_OFF_BYTES + 4)    rec_word = c_bytes[63:32];
            else if (o == `FSVM_CPL_OFF_ITEMS)        rec_word = c_items;
            else                                      rec_word = 32'd0;  // TLB, stalls: not seen by the shell
        end
    endfunction

    always @(*) begin
        req_addr = LANE_D;
        req_wdata = 32'd0;
        case (st)
        ST_DW: case (step)
            5'd0: begin req_addr = LANE_D + lane_off(`LANE_GIE); req_wdata = 32'd1; end
            5'd1: begin req_addr = LANE_D + lane_off(`LANE_IER); req_wdata = 32'd1; end
            5'd2: begin req_addr = LANE_D + lane_off(`LANE_D_RING_LO); req_wdata = ring_va[31:0]; end
            5'd3: begin req_addr = LANE_D + lane_off(`LANE_D_RING_HI); req_wdata = ring_va[63:32]; end
            5'd4: begin req_addr = LANE_D + lane_off(`LANE_D_RING_SIZE); req_wdata = ring_n; end
            5'd5: begin req_addr = LANE_D + lane_off(`LANE_D_INDEX); req_wdata = slot; end
            default: begin req_addr = LANE_D + lane_off(`LANE_AP_CTRL); req_wdata = 32'd1; end
            endcase
        ST_DR: case (step)
            5'd0: begin req_addr = LANE_D + lane_off(`LANE_ISR); req_wdata = 32'd1; end
            5'd1: req_addr = LANE_D + lane_off(`LANE_AP_CTRL);
            5'd2: req_addr = LANE_D + lane_off(`LANE_D_RES) + `FSVM_CPR_OFF_STATUS;
            5'd3: req_addr = LANE_D + lane_off(`LANE_D_RES) + `FSVM_CPR_OFF_PHASE;
            5'd4: req_addr = LANE_D + lane_off(`LANE_D_RES) + `FSVM_CPR_OFF_ITEMS;
            5'd5: req_addr = LANE_D + lane_off(`LANE_D_RES) + (`FSVM_CPR_OFF_TYPE & ~32'd3);
            5'd6: req_addr = LANE_D + lane_off(`LANE_D_RES) + (`FSVM_CPR_OFF_FLAGS & ~32'd3);
            5'd7: req_addr = LANE_D + lane_off(`LANE_D_RES) + `FSVM_CPR_OFF_COMPLETION_VA;
            5'd8: req_addr = LANE_D + lane_off(`LANE_D_RES) + `FSVM_CPR_OFF_COMPLETION_VA + 32'd4;
            5'd9: req_addr = LANE_D + lane_off(`LANE_D_RES) + `FSVM_CPR_OFF_FAULT_VA;
            5'd10: req_addr = LANE_D + lane_off(`LANE_D_RES) + `FSVM_CPR_OFF_FAULT_VA + 32'd4;
            default: req_addr = LANE_D + lane_off(`LANE_D_RES) + `FSVM_CPR_OFF_SYNDROME;
            endcase
        ST_CW: begin
            req_addr = LANE_C + lane_off(`LANE_C_REC) + {25'd0, step - 5'd4, 2'b00};
            req_wdata = rec_word(step[3:0] - 4'd4);
            if (step == 5'd0) begin req_addr = LANE_C + lane_off(`LANE_GIE); req_wdata = 32'd1; end
            if (step == 5'd1) begin req_addr = LANE_C + lane_off(`LANE_IER); req_wdata = 32'd1; end
            if (step == 5'd2) begin req_addr = LANE_C + lane_off(`LANE_C_VA_LO); req_wdata = r_cva[31:0]; end
            if (step == 5'd3) begin req_addr = LANE_C + lane_off(`LANE_C_VA_HI); req_wdata = r_cva[63:32]; end
            if (step == CW_LAST) begin req_addr = LANE_C + lane_off(`LANE_AP_CTRL); req_wdata = 32'd1; end
        end
        ST_CR: case (step)
            5'd0: begin req_addr = LANE_C + lane_off(`LANE_ISR); req_wdata = 32'd1; end
            5'd1: req_addr = LANE_C + lane_off(`LANE_AP_CTRL);
            default: req_addr = LANE_C + lane_off(`LANE_C_RETURN);
            endcase
        default: ;
        endcase
    end

    // ---- context page reads
    always @(*) begin
        case ({20'd0, rd_reg})
        `FSVM_CTX_RING_BASE_LO: rd_data = ring_base_lo;
        `FSVM_CTX_RING_BASE_HI: rd_data = ring_base_hi;
        `FSVM_CTX_RING_SIZE:    rd_data = ring_size;
        `FSVM_CTX_CONTROL:      rd_data = (en ? `FSVM_CTRL_ENABLE : 32'd0) |
                                          (abort ? `FSVM_CTRL_ABORT : 32'd0) |
                                          (irq_en ? `FSVM_CTRL_IRQ_EN : 32'd0);
        `FSVM_CTX_DOORBELL:     rd_data = doorbell;
        `FSVM_CTX_READ_INDEX:   rd_data = read_index;
        `FSVM_CTX_STATUS:       rd_data = (en ? `FSVM_CSTAT_ENABLED : 32'd0) |
                                          (busy ? `FSVM_CSTAT_BUSY : 32'd0) |
                                          (faulted ? `FSVM_CSTAT_FAULTED : 32'd0) |
                                          (bad_ring ? `FSVM_CSTAT_BAD_RING : 32'd0);
        `FSVM_CTX_IRQ_STATUS:   rd_data = irq_st;
        `FSVM_CTX_FAULT_VA_LO:  rd_data = fault_va[31:0];
        `FSVM_CTX_FAULT_VA_HI:  rd_data = fault_va[63:32];
        `FSVM_CTX_FAULT_SYND:   rd_data = fault_synd;
        `FSVM_CTX_FAULT_PACKET: rd_data = fault_packet;
        `FSVM_CTX_FAULT_COUNT:  rd_data = fault_count;
        `FSVM_CTX_COMPLETED:    rd_data = completed;
        `FSVM_CTX_STREAM_ID:    rd_data = STREAM_ID;
        default:                rd_data = 32'd0;   // reserved: reads as 0
        endcase
    end

    // ---- register writes decoded
    wire [31:0] wreg = {20'd0, wr_reg};
    wire w_ctrl = wr_en && (wreg == `FSVM_CTX_CONTROL);
    wire w_new_en = (wr_data & `FSVM_CTRL_ENABLE) != 32'd0;
    wire [63:0] base = {ring_base_hi, ring_base_lo};
    wire ring_ok = (base != 64'd0) && (base[5:0] == 6'd0) && (ring_size >= 32'd2) &&
                   (ring_size <= 32'd65536) && ((ring_size & (ring_size - 32'd1)) == 32'd0);
    wire [31:0] irq_set = (st == ST_FIN) ? irq_pend : 32'd0;
    wire [31:0] irq_clr = (wr_en && wreg == `FSVM_CTX_IRQ_STATUS) ? wr_data : 32'd0;
    wire        w_reset = w_ctrl && ((wr_data & `FSVM_CTRL_RESET) != 32'd0);
    wire        do_reset = w_reset && !en && !abort && !busy;

    // What the dispatch lane's packet ends as (ST_DEC).
    wire        parkable = !wd_d_fired && !draining && !abort_seen && !d_fault &&
                           r_status == `FSVM_ST_BAD_PACKET && r_fetch &&
                           {24'd0, r_type} == `FSVM_PKT_INVALID;
    wire [31:0] d_synd = (d_fault_wr ? `FSVM_SYND_WRITE : 32'd0) | SYND_EXT |
                         (r_fetch ? `FSVM_SYND_PACKET : 32'd0);
    wire [31:0] dec_status = (d_fault || wd_d_fired) ? `FSVM_ST_FAULTED :
                             (abort_seen || draining) ? `FSVM_ST_ABORTED :
                             (r_phase == `FSVM_CP_COMPILED) ? `FSVM_ST_BAD_PACKET :  // no engine in silicon
                             r_status;
    wire        dec_own_fault = !d_fault && !wd_d_fired && !abort_seen && !draining &&
                                r_phase != `FSVM_CP_COMPILED && r_status == `FSVM_ST_FAULTED;
    wire [63:0] dec_fva = d_fault ? d_fault_va : dec_own_fault ? r_fva : 64'd0;
    wire [31:0] dec_synd = d_fault ? d_synd : wd_d_fired ? SYND_EXT :
                           dec_own_fault ? r_synd : 32'd0;
    wire        dec_record = (r_cva != 64'd0) &&
                             (!draining || wd_d_fired ||
                              ({24'd0, r_type} != `FSVM_PKT_INVALID && !d_fault));

    // Two resets: rst_n puts back the sequencer's registers (here) and the
    // context page's (the last statement of this block, which wins);
    // CONTROL.RESET (do_reset) only the page's, the same list.
    always @(posedge clk) begin
        if (!rst_n) begin
            st <= ST_IDLE; step <= 5'd0; draining <= 1'b0; abort_seen <= 1'b0;
            idx <= 32'd0; t_start <= 64'd0; irq_pend <= 32'd0;
            r_status <= 32'd0; r_phase <= 32'd0; r_items <= 32'd0; r_type <= 8'd0;
            r_flags <= 8'd0; r_synd <= 32'd0; r_cva <= 64'd0; r_fva <= 64'd0;
            c_status <= 32'd0; c_synd <= 32'd0; c_items <= 32'd0; c_ret <= 32'd0;
            c_fva <= 64'd0; c_start <= 64'd0; c_end <= 64'd0; c_cycles <= 64'd0;
            c_bytes <= 64'd0;
            wd_cnt <= 32'd0; wd_c <= 1'b0; wd_d_fired <= 1'b0;
        end else begin
            // ---------------- sequencer
            if (abort && (st == ST_DW || st == ST_DWAIT || st == ST_DR))
                abort_seen <= 1'b1;
            if (req && ack) begin
                if (step == last_step) step <= 5'd0;
                else step <= step + 5'd1;
            end
            case (st)
            ST_IDLE: begin
                if (start) begin
                    idx <= start_idx;
                    if (abort) read_index <= start_idx;   // host overran the ring
                    draining <= abort;
                    abort_seen <= abort;
                    db_written <= 1'b0;
                    stale <= 1'b0;
                    t_start <= now;
                    irq_pend <= 32'd0;
                    wd_d_fired <= 1'b0;
                    step <= 5'd0;
                    st <= ST_DW;
                end else if (abort) begin
                    abort <= 1'b0;          // drained
                    parked <= 1'b0;
                end
            end
            ST_DW: if (ack && step == DW_LAST) st <= ST_DWAIT;
            ST_DWAIT: begin
                wd_cnt <= wd_cnt + 32'd1;
                if (irq_d) begin
                    wd_cnt <= 32'd0;
                    st <= ST_DR;
                end else if (wd_expired) begin
                    wd_cnt <= 32'd0;
                    wd_c <= 1'b0;
                    st <= ST_WDOG;
                end
            end
            ST_WDOG: begin
                wd_cnt <= wd_cnt + 32'd1;
                if (wd_drained) begin
                    wd_cnt <= 32'd0;
                    if (wd_c) begin
                        c_ret <= 32'd0;
                        st <= ST_CDONE;
                    end else begin
                        // what the slot read showed; the lane's result is lost
                        wd_d_fired <= 1'b1;
                        r_status <= `FSVM_ST_FAULTED;
                        r_phase <= `FSVM_CP_KERNEL;
                        r_items <= 32'd0;
                        r_type <= 8'd0;
                        r_flags <= d_slot_seen[0] ? d_slot_flags : 8'd0;
                        r_cva <= (d_slot_seen[1] && d_slot_cva[2:0] == 3'd0) ? d_slot_cva : 64'd0;
                        r_fva <= 64'd0;
                        r_synd <= 32'd0;
                        st <= ST_DEC;
                    end
                end
            end
            ST_DR: if (ack) begin
                case (step)
                5'd2: r_status <= ack_rdata;
                5'd3: r_phase <= ack_rdata;
                5'd4: r_items <= ack_rdata;
                5'd5: r_type <= ack_rdata[8 * (`FSVM_CPR_OFF_TYPE & 3) +: 8];
                5'd6: r_flags <= ack_rdata[8 * (`FSVM_CPR_OFF_FLAGS & 3) +: 8];
                5'd7: r_cva[31:0] <= ack_rdata;
                5'd8: r_cva[63:32] <= ack_rdata;
                5'd9: r_fva[31:0] <= ack_rdata;
                5'd10: r_fva[63:32] <= ack_rdata;
                5'd11: r_synd <= ack_rdata;
                default: ;
                endcase
                if (step == DR_LAST) st <= ST_DEC;
            end
            ST_DEC: begin
                if (parkable) begin
                    parked <= 1'b1;         // wait for the next doorbell
                    st <= ST_IDLE;
                end else begin
                    parked <= 1'b0;
                    c_status <= dec_status;
                    c_fva <= draining ? 64'd0 : dec_fva;
                    c_synd <= draining ? 32'd0 : dec_synd;
                    c_start <= draining ? now : t_start;
                    c_end <= now;
                    c_cycles <= draining ? 64'd0 : now - t_start;
                    c_bytes <= draining ? 64'd0 : d_bytes;
                    c_items <= draining ? 32'd0 : r_items;
                    if (dec_status == `FSVM_ST_FAULTED) begin
                        fault_va <= dec_fva;
                        fault_synd <= dec_synd;
                        fault_packet <= idx;
                        fault_count <= fault_count + 32'd1;
                        faulted <= 1'b1;
                        irq_pend <= irq_pend | `FSVM_IRQ_FAULT |
                                    ((({24'd0, r_flags} & `FSVM_PKT_F_IRQ) != 32'd0) ?
                                     `FSVM_IRQ_COMPLETION : 32'd0);
                    end else if (({24'd0, r_flags} & `FSVM_PKT_F_IRQ) != 32'd0)
                        irq_pend <= irq_pend | `FSVM_IRQ_COMPLETION;
                    st <= dec_record ? ST_CW : ST_FIN;
                end
            end
            ST_CW: if (ack && step == CW_LAST) st <= ST_CWAIT;
            ST_CWAIT: begin
                wd_cnt <= wd_cnt + 32'd1;
                if (irq_c) begin
                    wd_cnt <= 32'd0;
                    st <= ST_CR;
                end else if (wd_expired) begin
                    wd_cnt <= 32'd0;
                    wd_c <= 1'b1;
                    st <= ST_WDOG;
                end
            end
            ST_CR: if (ack) begin
                if (step == CR_LAST) begin
                    c_ret <= ack_rdata;
                    st <= ST_CDONE;
                end
            end
            ST_CDONE: begin
                wd_c <= 1'b0;
                if (wd_c || c_fault || c_ret != 32'd0) begin
                    fault_va <= wd_c ? r_cva : c_fault ? c_fault_va : r_cva;
                    fault_synd <= `FSVM_SYND_PACKET |
                                  (wd_c ? (`FSVM_SYND_WRITE | SYND_EXT) :
                                   c_fault ? ((c_fault_wr ? `FSVM_SYND_WRITE : 32'd0) | SYND_EXT) :
                                   (`FSVM_SYND_WRITE | SYND_ALIGN));
                    fault_packet <= idx;
                    fault_count <= fault_count + 32'd1;
                    faulted <= 1'b1;
                    irq_pend <= irq_pend | `FSVM_IRQ_FAULT;
                end
                st <= ST_FIN;
            end
            default: begin      // ST_FIN
                if (!stale) begin
                    read_index <= idx + 32'd1;
                    completed <= completed + 32'd1;
                end
                draining <= 1'b0;
                abort_seen <= 1'b0;
                wd_d_fired <= 1'b0;
                st <= ST_IDLE;
            end
            endcase

            // ---------------- register writes (after the sequencer: they win)
            irq_st <= ((irq_st & ~irq_clr) | irq_set) & IRQ_BITS;
            if (wr_en) begin
                if (wreg == `FSVM_CTX_RING_BASE_LO && !en) ring_base_lo <= wr_data;
                if (wreg == `FSVM_CTX_RING_BASE_HI && !en) ring_base_hi <= wr_data;
                if (wreg == `FSVM_CTX_RING_SIZE && !en) ring_size <= wr_data;
                if (wreg == `FSVM_CTX_DOORBELL) begin
                    doorbell <= wr_data;
                    db_written <= 1'b1;
                end
            end
            if (w_ctrl && !w_reset) begin
                irq_en <= (wr_data & `FSVM_CTRL_IRQ_EN) != 32'd0;
                if ((wr_data & `FSVM_CTRL_ABORT) != 32'd0) abort <= 1'b1;
                if (!en && w_new_en) begin
                    if (ring_ok) begin
                        en <= 1'b1;
                        ring_va <= base;
                        ring_n <= ring_size;
                        ring_valid <= 1'b1;
                        read_index <= 32'd0;
                        doorbell <= 32'd0;
                        fault_count <= 32'd0;
                        completed <= 32'd0;
                        parked <= 1'b0;
                        stale <= busy;      // a packet still running is not counted
                        faulted <= 1'b0;
                        bad_ring <= 1'b0;
                    end else begin
                        bad_ring <= 1'b1;
                    end
                end else if (!w_new_en) begin
                    en <= 1'b0;             // stops after the current packet
                end
            end
        end
        // ---------------- the context page's reset values (rst_n, CONTROL.RESET)
        if (!rst_n || do_reset) begin
            ring_base_lo <= 32'd0; ring_base_hi <= 32'd0; ring_size <= 32'd0;
            en <= 1'b0; abort <= 1'b0; irq_en <= 1'b0;
            doorbell <= 32'd0; read_index <= 32'd0;
            faulted <= 1'b0; bad_ring <= 1'b0; irq_st <= 32'd0;
            fault_va <= 64'd0; fault_synd <= 32'd0; fault_packet <= 32'd0;
            fault_count <= 32'd0; completed <= 32'd0;
            ring_va <= 64'd0; ring_n <= 32'd0; ring_valid <= 1'b0;
            parked <= 1'b0; db_written <= 1'b0; stale <= 1'b0;
        end
    end
endmodule
