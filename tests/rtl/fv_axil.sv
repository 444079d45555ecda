// SPDX-License-Identifier: MIT
// fv_axil.sv - formal harness (Yosys read_verilog -formal, yosys-smtbmc) for
// the s_axi_ctl AXI4-Lite slave of hw-kernels/rtl/fsvm_shell.v. Run by
// tests/rtl/formal_axil.sh; not for Verilator.
//
// The master side is assumed well-behaved (reset in the first cycle, VALID
// and payload held until READY, fewer than 15 requests of each kind). The
// shell's context sequencers, lane-register master and lane ports are cut
// out by formal_axil.sh (their outputs are free at every step), so the
// properties hold whatever the rest of the shell does. Asserted, for every
// step of the bounded run:
//  - BVALID/BRESP and RVALID/RDATA/RRESP stay until BREADY/RREADY;
//  - one response per request: no B before its AW and W, no R before its
//    AR, at most one of each outstanding, BVALID/RVALID only when one is;
//  - responses come: B one cycle after AW and W are both in, R in the cycle
//    after AR; no EXOKAY.
module fv_axil (
    input wire        clk,
    input wire        rst_n,
    input wire [16:0] awaddr, input wire awvalid,
    input wire [31:0] wdata, input wire [3:0] wstrb, input wire wvalid,
    input wire        bready,
    input wire [16:0] araddr, input wire arvalid,
    input wire        rready,
    input wire        l_awready, l_wready, l_bvalid, l_arready, l_rvalid,
    input wire [1:0]  l_bresp, l_rresp,
    input wire [31:0] l_rdata,
    input wire [1:0]  lane_irq
);
    wire awready, wready, bvalid, arready, rvalid;
    wire [1:0] bresp, rresp;
    wire [31:0] rdata;
    /* verilator lint_off PINCONNECTEMPTY */
    fsvm_shell #(.NUM_CONTEXTS(1), .DW(64)) dut (
        .ap_clk(clk), .ap_rst_n(rst_n),
        .s_axi_ctl_awaddr(awaddr), .s_axi_ctl_awvalid(awvalid), .s_axi_ctl_awready(awready),
        .s_axi_ctl_wdata(wdata), .s_axi_ctl_wstrb(wstrb), .s_axi_ctl_wvalid(wvalid),
        .s_axi_ctl_wready(wready), .s_axi_ctl_bresp(bresp), .s_axi_ctl_bvalid(bvalid),
        .s_axi_ctl_bready(bready), .s_axi_ctl_araddr(araddr), .s_axi_ctl_arvalid(arvalid),
        .s_axi_ctl_arready(arready), .s_axi_ctl_rdata(rdata), .s_axi_ctl_rresp(rresp),
        .s_axi_ctl_rvalid(rvalid), .s_axi_ctl_rready(rready),
        .m_axi_lanes_awaddr(), .m_axi_lanes_awprot(), .m_axi_lanes_awvalid(),
        .m_axi_lanes_awready(l_awready), .m_axi_lanes_wdata(), .m_axi_lanes_wstrb(),
        .m_axi_lanes_wvalid(), .m_axi_lanes_wready(l_wready), .m_axi_lanes_bresp(l_bresp),
        .m_axi_lanes_bvalid(l_bvalid), .m_axi_lanes_bready(), .m_axi_lanes_araddr(),
        .m_axi_lanes_arprot(), .m_axi_lanes_arvalid(), .m_axi_lanes_arready(l_arready),
        .m_axi_lanes_rdata(l_rdata), .m_axi_lanes_rresp(l_rresp), .m_axi_lanes_rvalid(l_rvalid),
        .m_axi_lanes_rready(),
        .lane_irq(lane_irq), .lane_rst_n(), .irq(),
        .s_lane_araddr(128'd0), .s_lane_arlen(16'd0), .s_lane_arsize(6'd0), .s_lane_arburst(4'd0),
        .s_lane_arid(2'd0), .s_lane_arvalid(2'd0), .s_lane_arready(),
        .s_lane_rdata(), .s_lane_rresp(), .s_lane_rlast(), .s_lane_rid(), .s_lane_rvalid(),
        .s_lane_rready(2'd0),
        .s_lane_awaddr(128'd0), .s_lane_awlen(16'd0), .s_lane_awsize(6'd0), .s_lane_awburst(4'd0),
        .s_lane_awid(2'd0), .s_lane_awvalid(2'd0), .s_lane_awready(),
        .s_lane_wdata(128'd0), .s_lane_wstrb(16'd0), .s_lane_wlast(2'd0), .s_lane_wvalid(2'd0),
        .s_lane_wready(), .s_lane_bresp(), .s_lane_bid(), .s_lane_bvalid(), .s_lane_bready(2'd0),
        .m_lane_araddr(), .m_lane_arlen(), .m_lane_arsize(), .m_lane_arburst(), .m_lane_arid(),
        .m_lane_arcache(), .m_lane_arprot(), .m_lane_arvalid(), .m_lane_arready(2'd0),
        .m_lane_rdata(128'd0), .m_lane_rresp(4'd0), .m_lane_rlast(2'd0), .m_lane_rid(12'd0),
        .m_lane_rvalid(2'd0), .m_lane_rready(),
        .m_lane_awaddr(), .m_lane_awlen(), .m_lane_awsize(), .m_lane_awburst(), .m_lane_awid(),
        .m_lane_awcache(), .m_lane_awprot(), .m_lane_awvalid(), .m_lane_awready(2'd0),
        .m_lane_wdata(), .m_lane_wstrb(), .m_lane_wlast(), .m_lane_wvalid(), .m_lane_wready(2'd0),
        .m_lane_bresp(4'd0), .m_lane_bid(12'd0), .m_lane_bvalid(2'd0), .m_lane_bready()
    );
    /* verilator lint_on PINCONNECTEMPTY */

    // ---- bookkeeping: requests and responses since reset
    reg        init = 1'b1;
    reg [3:0]  n_aw, n_w, n_b, n_ar, n_r;
    reg        aw_p, w_p, ar_p, b_p, r_p;   // previous cycle: VALID without READY
    reg        wpend_p;                     // previous cycle: AW and W in, no B yet
    reg [16:0] awaddr_p, araddr_p;
    reg [31:0] wdata_p, rdata_p;
    reg [3:0]  wstrb_p;
    reg [1:0]  bresp_p, rresp_p;
    wire aw_hs = awvalid && awready, w_hs = wvalid && wready, b_hs = bvalid && bready;
    wire ar_hs = arvalid && arready, r_hs = rvalid && rready;
    always @(posedge clk) begin
        init <= 1'b0;
        if (!rst_n) begin
            n_aw <= 4'd0; n_w <= 4'd0; n_b <= 4'd0; n_ar <= 4'd0; n_r <= 4'd0;
        end else begin
            n_aw <= n_aw + {3'd0, aw_hs}; n_w <= n_w + {3'd0, w_hs}; n_b <= n_b + {3'd0, b_hs};
            n_ar <= n_ar + {3'd0, ar_hs}; n_r <= n_r + {3'd0, r_hs};
        end
        aw_p <= rst_n && awvalid && !awready; w_p <= rst_n && wvalid && !wready;
        ar_p <= rst_n && arvalid && !arready;
        b_p <= rst_n && bvalid && !bready; r_p <= rst_n && rvalid && !rready;
        wpend_p <= rst_n && n_aw == n_b + 4'd1 && n_w == n_b + 4'd1 && !bvalid;
        awaddr_p <= awaddr; araddr_p <= araddr; wdata_p <= wdata; wstrb_p <= wstrb;
        bresp_p <= bresp; rresp_p <= rresp; rdata_p <= rdata;
    end

    always @(*) begin
        // the master: reset in the first cycle, then none; it keeps VALID
        // and the payload until READY (AXI4-Lite), and stays within 14 requests
        if (init) assume (!rst_n);
        else assume (rst_n);
        if (aw_p) assume (awvalid && awaddr == awaddr_p);
        if (w_p) assume (wvalid && wdata == wdata_p && wstrb == wstrb_p);
        if (ar_p) assume (arvalid && araddr == araddr_p);
        assume (n_aw < 4'd15 && n_w < 4'd15 && n_ar < 4'd15);
        if (!init && rst_n) begin
            // the slave: BVALID/RVALID and their payload stay until accepted
            if (b_p) assert (bvalid && bresp == bresp_p);
            if (r_p) assert (rvalid && rresp == rresp_p && rdata == rdata_p);
            // one response per request: never a B before its AW and W, never
            // an R before its AR, at most one of each outstanding
            assert (n_b <= n_aw && n_b <= n_w && n_r <= n_ar);
            assert (n_aw - n_b <= 4'd1 && n_w - n_b <= 4'd1 && n_ar - n_r <= 4'd1);
            if (bvalid) assert (n_aw == n_b + 4'd1 && n_w == n_b + 4'd1);
            if (rvalid) assert (n_ar == n_r + 4'd1);
            // and it comes: a write whose AW and W have both arrived has its
            // B one cycle later, an accepted read its R at once
            if (wpend_p) assert (bvalid);
            if (n_ar == n_r + 4'd1) assert (rvalid);
            assert (bresp != 2'b01 && rresp != 2'b01);   // no EXOKAY on AXI4-Lite
        end
    end
endmodule
