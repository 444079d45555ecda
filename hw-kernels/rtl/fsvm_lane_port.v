// SPDX-License-Identifier: MIT
// fsvm_lane_port.v - sits between one HLS lane's m_axi_gmem and the data
// crossbar (toward the SMMU on S_AXI_HPC0_FPD).
//
//  - fixed AXI ID: every request leaves with AXI_ID, whatever the lane drove,
//    so the StreamID (TBU | master | ID) selects this context's bank;
//  - AxCACHE/AxPROT shim: 4'b1111 (write-back, allocate: snooped on HPC) and
//    3'b010 (data, non-secure, unprivileged) whatever the lane drove;
//  - response monitor: an SLVERR/DECERR on any R beat or on B (the SMMU
//    terminating a transaction) records the burst's start address and
//    direction and stops the lane's traffic: later requests are answered here
//    with SLVERR (reads return zeros) and never reach the crossbar;
//  - abort: mode SLOT passes only reads inside the 64-byte window `win` (the
//    ring slot, so the command processor still learns the packet's completion
//    address) and terminates everything else; mode KILL terminates all.
//  - flush (the shell's watchdog holds the lane in reset): nothing more is
//    taken from the lane and nothing is returned to it; a burst already on
//    the crossbar is finished here (remaining W beats with WSTRB 0, R and B
//    responses consumed), so `idle` says when the lane can be released.
//  - slot snoop: the flags byte and completion_va of the packet at `win`,
//    taken from the R beats the port passes on (slot_flags/slot_cva, valid
//    in slot_seen), so the shell can still write a completion record for a
//    lane that never finished.
//
// One read and one write burst are outstanding at a time, so the fault
// address is exact and the response IDs can be returned unchanged to the lane.
// Verilog-2005.
module fsvm_lane_port #(
    parameter integer DW = 128,
    parameter integer IDW = 1,
    parameter [5:0] AXI_ID = 6'd0
) (
    input  wire            clk,
    input  wire            rst_n,
    input  wire [1:0]      mode,      // 0 pass, 1 slot window only, 2/3 kill
    input  wire [63:0]     win,       // slot window base (mode 1)
    input  wire            clr,       // start of a packet: clear fault, bytes
    input  wire            flush,     // lane held in reset: drain, take nothing
    output reg             fault,
    output reg  [63:0]     fault_va,
    output reg             fault_wr,
    output reg  [63:0]     bytes,     // bytes of the bursts passed on
    output wire            idle,
    output reg  [1:0]      slot_seen, // bit 0 slot_flags, bit 1 slot_cva captured
    output reg  [7:0]      slot_flags,
    output reg  [63:0]     slot_cva,
    // lane side (the lane is the master)
    input  wire [63:0]     s_araddr,
    input  wire [7:0]      s_arlen,
    input  wire [2:0]      s_arsize,
    input  wire [1:0]      s_arburst,
    input  wire [IDW-1:0]  s_arid,
    input  wire            s_arvalid,
    output wire            s_arready,
    output wire [DW-1:0]   s_rdata,
    output wire [1:0]      s_rresp,
    output wire            s_rlast,
    output wire [IDW-1:0]  s_rid,
    output wire            s_rvalid,
    input  wire            s_rready,
    input  wire [63:0]     s_awaddr,
    input  wire [7:0]      s_awlen,
    input  wire [2:0]      s_awsize,
    input  wire [1:0]      s_awburst,
    input  wire [IDW-1:0]  s_awid,
    input  wire            s_awvalid,
    output wire            s_awready,
    input  wire [DW-1:0]   s_wdata,
    input  wire [DW/8-1:0] s_wstrb,
    input  wire            s_wlast,
    input  wire            s_wvalid,
    output wire            s_wready,
    output wire [1:0]      s_bresp,
    output wire [IDW-1:0]  s_bid,
    output wire            s_bvalid,
    input  wire            s_bready,
    // crossbar side
    output wire [63:0]     m_araddr,
    output wire [7:0]      m_arlen,
    output wire [2:0]      m_arsize,
    output wire [1:0]      m_arburst,
    output wire [5:0]      m_arid,
    output wire [3:0]      m_arcache,
    output wire [2:0]      m_arprot,
    output wire            m_arvalid,
    input  wire            m_arready,
    input  wire [DW-1:0]   m_rdata,
    input  wire [1:0]      m_rresp,
    input  wire            m_rlast,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [5:0]      m_rid,     // always AXI_ID: one burst outstanding
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire            m_rvalid,
    output wire            m_rready,
    output wire [63:0]     m_awaddr,
    output wire [7:0]      m_awlen,
    output wire [2:0]      m_awsize,
    output wire [1:0]      m_awburst,
    output wire [5:0]      m_awid,
    output wire [3:0]      m_awcache,
    output wire [2:0]      m_awprot,
    output wire            m_awvalid,
    input  wire            m_awready,
    output wire [DW-1:0]   m_wdata,
    output wire [DW/8-1:0] m_wstrb,
    output wire            m_wlast,
    output wire            m_wvalid,
    input  wire            m_wready,
    input  wire [1:0]      m_bresp,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [5:0]      m_bid,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire            m_bvalid,
    output wire            m_bready
);
    localparam [1:0] R_IDLE = 2'd0, R_ADDR = 2'd1, R_DATA = 2'd2, R_LOCAL = 2'd3;
    localparam [2:0] W_IDLE = 3'd0, W_FWD = 3'd1, W_BFWD = 3'd2, W_LOCAL = 3'd3,
                     W_BLOCAL = 3'd4;
    localparam [1:0] SLVERR = 2'b10;

    reg        killed;            // a fault stopped this lane until clr
    reg [1:0]  rst_q;
    reg [63:0] ar_addr;
    reg [7:0]  ar_len;
    reg [2:0]  ar_size;
    reg [1:0]  ar_burst;
    reg [IDW-1:0] ar_id;
    reg [7:0]  r_left;
    reg [63:0] r_beat;            // address of the next R beat (DW/8 aligned)
    reg [7:0]  w_left;            // W beats still to forward after this one
    reg [63:0] aw_addr;
    reg [7:0]  aw_len;
    reg [2:0]  aw_size;
    reg [1:0]  aw_burst;
    reg [IDW-1:0] aw_id;
    reg        aw_pend;           // forwarded AW not yet accepted downstream
    reg        w_done;            // forwarded W burst complete
    reg [2:0]  w_st;

    // Decide on the request as the lane presents it.
    wire [63:0] ar_end = s_araddr + (({56'd0, s_arlen} + 64'd1) << s_arsize);
    wire        ar_in_win = (s_araddr >= win) && (ar_end <= win + 64'd64);
    wire        ar_pass = !killed && (mode == 2'd0 || (mode == 2'd1 && ar_in_win));
    wire        aw_pass = !killed && (mode == 2'd0);

    wire [1:0]  r_st = rst_q;
    assign idle = (r_st == R_IDLE) && (w_st == W_IDLE);

    // Read address / data
    assign s_arready = (r_st == R_IDLE) && !flush;
    assign m_araddr  = ar_addr;
    assign m_arlen   = ar_len;
    assign m_arsize  = ar_size;
    assign m_arburst = ar_burst;
    assign m_arid    = AXI_ID;
    assign m_arcache = 4'b1111;
    assign m_arprot  = 3'b010;
    assign m_arvalid = (r_st == R_ADDR);
    assign s_rdata   = (r_st == R_DATA) ? m_rdata : {DW{1'b0}};
    assign s_rresp   = (r_st == R_DATA) ? m_rresp : SLVERR;
    assign s_rlast   = (r_st == R_DATA) ? m_rlast : (r_left == 8'd0);
    assign s_rid     = ar_id;
    assign s_rvalid  = !flush && ((r_st == R_DATA) ? m_rvalid : (r_st == R_LOCAL));
    assign m_rready  = (r_st == R_DATA) && (s_rready || flush);

    // Write address / data / response
    assign s_awready = (w_st == W_IDLE) && !flush;
    assign m_awaddr  = aw_addr;
    assign m_awlen   = aw_len;
    assign m_awsize  = aw_size;
    assign m_awburst = aw_burst;
    assign m_awid    = AXI_ID;
    assign m_awcache = 4'b1111;
    assign m_awprot  = 3'b010;
    assign m_awvalid = (w_st == W_FWD) && aw_pend;
    // The burst's length, not the lane's WLAST, ends it downstream.
    assign m_wdata   = flush ? {DW{1'b0}} : s_wdata;
    assign m_wstrb   = flush ? {(DW/8){1'b0}} : s_wstrb;
    assign m_wlast   = (w_left == 8'd0);
    assign m_wvalid  = (w_st == W_FWD) && !w_done && (s_wvalid || flush);
    assign s_wready  = !flush && (((w_st == W_FWD) && !w_done && m_wready) || (w_st == W_LOCAL));
    assign s_bresp   = (w_st == W_BFWD) ? m_bresp : SLVERR;
    assign s_bid     = aw_id;
    assign s_bvalid  = !flush && ((w_st == W_BFWD) ? m_bvalid : (w_st == W_BLOCAL));
    assign m_bready  = (w_st == W_BFWD) && (s_bready || flush);

    wire r_hs  = (r_st == R_DATA) && m_rvalid && m_rready;
    wire w_hs  = m_wvalid && m_wready;
    wire b_hs  = (w_st == W_BFWD) && m_bvalid && m_bready;
    wire r_err = r_hs && !flush && m_rresp[1];
    wire b_err = b_hs && !flush && m_bresp[1];
    wire ar_take = s_arvalid && s_arready;
    wire aw_take = s_awvalid && s_awready;

    // Slot snoop: which 64-byte-slot byte the R beat at r_beat starts with.
    localparam integer BBI = DW / 8;                // bytes per beat
    localparam [63:0]  BB = {32'd0, BBI[31:0]};
    localparam [63:0]  CVA_BEAT = (64'd48 / BB) * BB;  // slot offset of completion_va's beat
    wire [63:0] r_rel = r_beat - win;
    wire        r_in_slot = (r_beat >= win) && (r_rel < 64'd64);
    wire add_r = ar_take && ar_pass;
    wire add_w = aw_take && aw_pass;

    always @(posedge clk) begin
        if (!rst_n) begin
            rst_q <= R_IDLE;
            w_st <= W_IDLE;
            killed <= 1'b0;
            fault <= 1'b0;
            fault_va <= 64'd0;
            fault_wr <= 1'b0;
            bytes <= 64'd0;
            ar_addr <= 64'd0; ar_len <= 8'd0; ar_size <= 3'd0; ar_burst <= 2'd0;
            ar_id <= {IDW{1'b0}}; r_left <= 8'd0; r_beat <= 64'd0; w_left <= 8'd0;
            slot_seen <= 2'd0; slot_flags <= 8'd0; slot_cva <= 64'd0;
            aw_addr <= 64'd0; aw_len <= 8'd0; aw_size <= 3'd0; aw_burst <= 2'd0;
            aw_id <= {IDW{1'b0}}; aw_pend <= 1'b0; w_done <= 1'b0;
        end else begin
            if (clr) begin
                killed <= 1'b0;
                fault <= 1'b0;
                bytes <= 64'd0;
                slot_seen <= 2'd0;
            end
            if (flush) killed <= 1'b1;
            // ---- read side
            case (r_st)
            R_IDLE: if (ar_take) begin
                ar_addr <= s_araddr; ar_len <= s_arlen; ar_size <= s_arsize;
                ar_burst <= s_arburst; ar_id <= s_arid; r_left <= s_arlen;
                r_beat <= s_araddr & ~(BB - 64'd1);
                if (ar_pass) begin
                    rst_q <= R_ADDR;
                end else begin
                    rst_q <= R_LOCAL;
                end
            end
            R_ADDR: if (m_arready) rst_q <= R_DATA;
            R_DATA: if (r_hs) begin
                r_beat <= r_beat + BB;
                if (!flush && !m_rresp[1] && r_in_slot) begin
                    if (r_rel < BB) begin
                        slot_flags <= m_rdata[8 +: 8];
                        slot_seen[0] <= 1'b1;
                    end
                    if (r_rel == CVA_BEAT) begin
                        slot_cva <= m_rdata[8 * (48 % BBI) +: 64];
                        slot_seen[1] <= 1'b1;
                    end
                end
                if (m_rlast) rst_q <= R_IDLE;
            end
            default: if (s_rready || flush) begin          // R_LOCAL
                if (r_left == 8'd0) rst_q <= R_IDLE;
                else r_left <= r_left - 8'd1;
            end
            endcase
            // ---- write side
            case (w_st)
            W_IDLE: if (aw_take) begin
                aw_addr <= s_awaddr; aw_len <= s_awlen; aw_size <= s_awsize;
                aw_burst <= s_awburst; aw_id <= s_awid; w_done <= 1'b0;
                w_left <= s_awlen;
                if (aw_pass) begin
                    w_st <= W_FWD;
                    aw_pend <= 1'b1;
                end else begin
                    w_st <= W_LOCAL;
                end
            end
            W_FWD: begin
                if (m_awready) aw_pend <= 1'b0;
                if (w_hs) begin
                    if (m_wlast) w_done <= 1'b1;
                    else w_left <= w_left - 8'd1;
                end
                if ((!aw_pend || m_awready) && (w_done || (w_hs && m_wlast)))
                    w_st <= W_BFWD;
            end
            W_BFWD: if (b_hs) w_st <= W_IDLE;
            W_LOCAL: if (flush) w_st <= W_IDLE;
                     else if (s_wvalid && s_wlast) w_st <= W_BLOCAL;
            default: if (s_bready || flush) w_st <= W_IDLE;   // W_BLOCAL
            endcase
            if (add_r || add_w)
                bytes <= (clr ? 64'd0 : bytes) +
                         (add_r ? (({56'd0, s_arlen} + 64'd1) << s_arsize) : 64'd0) +
                         (add_w ? (({56'd0, s_awlen} + 64'd1) << s_awsize) : 64'd0);
            // ---- response monitor
            if (r_err || b_err) begin
                killed <= 1'b1;
                if (!fault || clr) begin
                    fault <= 1'b1;
                    fault_va <= r_err ? ar_addr : aw_addr;
                    fault_wr <= !r_err;
                end
            end
        end
    end
endmodule
