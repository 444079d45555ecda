// SPDX-License-Identifier: MIT
// fv_lite.sv - formal harness (Yosys read_verilog -formal, yosys-smtbmc) for
// hw-kernels/rtl/fsvm_lite_master.v, the shell's m_axi_lanes AXI4-Lite
// master, with two requesters. Run by tests/rtl/formal_axil.sh; not for
// Verilator.
//
// Assumed: reset in the first cycle; each requester holds req, we, addr and
// wdata until its ack (fsvm_lite_master.v's contract); the slave answers
// only what it was asked (B after AW and W, R after AR) and holds BVALID/
// RVALID and their payload until accepted. Asserted, for every step of the
// bounded run:
//  - AWVALID/AWADDR, WVALID/WDATA and ARVALID/ARADDR stay until READY;
//    AWPROT/ARPROT 0b010 and WSTRB 0xf whenever valid;
//  - one transaction at a time: no AR while a write is open and no AW/W
//    while a read is, and no new request before the last one's response;
//  - each response is acked to exactly one requester, one that is asking,
//    with the kind (read/write), address and write data it asked for.
module fv_lite (
    input wire        clk,
    input wire        rst_n,
    input wire [1:0]  req, req_we,
    input wire [63:0] req_addr, req_wdata,
    input wire        awready, wready, bvalid, arready, rvalid,
    input wire [1:0]  bresp, rresp,
    input wire [31:0] rdata
);
    wire [1:0]  ack;
    wire [31:0] ack_rdata;
    wire        ack_err;
    wire [31:0] awaddr, wdata, araddr;
    wire [2:0]  awprot, arprot;
    wire [3:0]  wstrb;
    wire        awvalid, wvalid, bready, arvalid, rready;
    fsvm_lite_master #(.NREQ(2)) dut (
        .clk(clk), .rst_n(rst_n),
        .req(req), .req_we(req_we), .req_addr(req_addr), .req_wdata(req_wdata),
        .ack(ack), .ack_rdata(ack_rdata), .ack_err(ack_err),
        .m_awaddr(awaddr), .m_awprot(awprot), .m_awvalid(awvalid), .m_awready(awready),
        .m_wdata(wdata), .m_wstrb(wstrb), .m_wvalid(wvalid), .m_wready(wready),
        .m_bresp(bresp), .m_bvalid(bvalid), .m_bready(bready),
        .m_araddr(araddr), .m_arprot(arprot), .m_arvalid(arvalid), .m_arready(arready),
        .m_rdata(rdata), .m_rresp(rresp), .m_rvalid(rvalid), .m_rready(rready)
    );

    reg        init = 1'b1;
    reg        aw_p, w_p, ar_p, b_p, r_p;     // previous cycle: VALID without READY
    reg [31:0] awaddr_p, wdata_p, araddr_p, rdata_p;
    reg [1:0]  bresp_p, rresp_p;
    reg [1:0]  req_p, we_p, ack_p;
    reg [63:0] addr_p, wd_p;
    reg        aw_in, w_in, ar_in;            // handshakes of the open transaction
    reg [31:0] t_addr, t_wdata;               // what it carried
    wire aw_hs = awvalid && awready, w_hs = wvalid && wready, ar_hs = arvalid && arready;
    wire b_hs = bvalid && bready, r_hs = rvalid && rready;
    always @(posedge clk) begin
        init <= 1'b0;
        aw_p <= rst_n && awvalid && !awready; w_p <= rst_n && wvalid && !wready;
        ar_p <= rst_n && arvalid && !arready;
        b_p <= rst_n && bvalid && !bready; r_p <= rst_n && rvalid && !rready;
        awaddr_p <= awaddr; wdata_p <= wdata; araddr_p <= araddr; rdata_p <= rdata;
        bresp_p <= bresp; rresp_p <= rresp;
        req_p <= rst_n ? (req & ~ack) : 2'b00; we_p <= req_we; addr_p <= req_addr; wd_p <= req_wdata;
        ack_p <= ack;
        if (!rst_n || b_hs || r_hs) begin
            aw_in <= 1'b0; w_in <= 1'b0; ar_in <= 1'b0;
        end else begin
            if (aw_hs) begin aw_in <= 1'b1; t_addr <= awaddr; end
            if (w_hs) begin w_in <= 1'b1; t_wdata <= wdata; end
            if (ar_hs) begin ar_in <= 1'b1; t_addr <= araddr; end
        end
    end

    integer i;
    always @(*) begin
        if (init) assume (!rst_n);
        else assume (rst_n);
        // requesters: hold the request until ack
        for (i = 0; i < 2; i = i + 1)
            if (req_p[i]) assume (req[i] && req_we[i] == we_p[i] &&
                                  req_addr[i*32 +: 32] == addr_p[i*32 +: 32] &&
                                  req_wdata[i*32 +: 32] == wd_p[i*32 +: 32]);
        // slave: answers only what it was asked, holds its responses
        if (bvalid) assume ((aw_in || aw_hs) && (w_in || w_hs) && !ar_in);
        if (rvalid) assume (ar_in || ar_hs);
        if (b_p) assume (bvalid && bresp == bresp_p);
        if (r_p) assume (rvalid && rresp == rresp_p && rdata == rdata_p);
        if (!init && rst_n) begin
            if (aw_p) assert (awvalid && awaddr == awaddr_p);
            if (w_p) assert (wvalid && wdata == wdata_p);
            if (ar_p) assert (arvalid && araddr == araddr_p);
            if (awvalid) assert (awprot == 3'b010);
            if (arvalid) assert (arprot == 3'b010);
            if (wvalid) assert (wstrb == 4'hf);
            // one transaction at a time
            assert (!(arvalid && (awvalid || wvalid || aw_in || w_in)));
            assert (!((awvalid || wvalid) && ar_in));
            if (aw_in) assert (!awvalid);
            if (w_in) assert (!wvalid);
            if (ar_in) assert (!arvalid);
            // each response to one asking requester, with what it asked for
            assert (ack != 2'b11);
            if (ack != 2'b00) assert (b_hs || r_hs);
            if (b_hs || r_hs) assert (ack != 2'b00);
            for (i = 0; i < 2; i = i + 1)
                if (ack[i]) begin
                    assert (req[i]);
                    assert (req_we[i] == b_hs);
                    assert (t_addr == req_addr[i*32 +: 32] || (ar_hs && araddr == req_addr[i*32 +: 32]));
                    if (b_hs) assert (t_wdata == req_wdata[i*32 +: 32]);
                    if (r_hs) assert (ack_rdata == rdata);
                end
        end
    end
endmodule
