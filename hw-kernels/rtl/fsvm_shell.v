// SPDX-License-Identifier: MIT
// fsvm_shell.v - the fsvm shell: the control window of hw-kernels/fsvm_hw.h
// as an AXI4-Lite slave, NUM_CONTEXTS context sequencers (fsvm_shell_ctx)
// that run packets on the HLS command-processor lanes, the AXI4-Lite master
// that programs those lanes (fsvm_lite_master), the device clock, the level
// interrupt, and one fsvm_lane_port per lane (fixed AXI ID, AxCACHE/AxPROT
// shim, SLVERR/DECERR monitor) between the lanes' m_axi_gmem and the data
// crossbar.
//
// s_axi_ctl (17-bit byte address, the 128 KiB FSVM_WINDOW_SIZE):
//   0x00000 identification page, 0x01000 kernel table page (read-only:
//   writes answer OKAY and change nothing; reserved offsets read 0);
//   0x10000 + n * 0x1000 context page n for n < NUM_CONTEXTS (reserved
//   offsets read 0, writes to them and to read-only registers are ignored).
//   SLVERR (reads return all ones, writes change nothing): the hole
//   0x02000-0x0ffff, context pages n >= NUM_CONTEXTS, an address that is not
//   a multiple of 4, a context-page write whose WSTRB is not 4'hf.
//
// Lanes, in crossbar slot order: lane n (n < NUM_CONTEXTS) is context n's
// dispatch lane, AXI ID n; lane NUM_CONTEXTS + n is its complete lane, AXI ID
// 0x20 | n. Lane l's s_axi_control is at LANE_BASE + l * LANE_STRIDE on
// m_axi_lanes, and its `interrupt` output is lane_irq[l]. The lane AXI
// channels are flattened: lane l uses bits [l*W +: W] of each s_lane_* /
// m_lane_* vector. lane_rst_n[l] is lane l's ap_rst_n: the shell's reset,
// or its context's watchdog (WATCHDOG cycles after ap_start without the
// lane's interrupt; 0 disables it) holding a hung lane in reset while its
// port drains (fsvm_shell_ctx.v).
// Verilog-2005.
`include "fsvm_hw.vh"
module fsvm_shell #(
    parameter integer NUM_CONTEXTS = 4,          // 1..8 (16 crossbar slots)
    parameter integer DW = 128,                  // lanes' m_axi data width
    parameter integer IDW = 1,                   // lanes' m_axi ID width
    parameter [31:0] CLOCK_HZ = 32'd300000000,   // ap_clk, the tick rate
    parameter [31:0] STREAM_ID_BASE = 32'h200,   // HPC0: TBU0 | master 0b1000
    parameter [31:0] LANE_BASE = 32'ha010_0000,
    parameter [31:0] LANE_STRIDE = 32'h0001_0000,
    parameter [31:0] EXTRA_FEATURES = 32'd0,     // e.g. FSVM_FEAT_SIMULATED in co-simulation
    parameter [31:0] WATCHDOG = 32'd0            // cycles a lane may run before it is reset, 0: no limit
) (
    input  wire                      ap_clk,
    input  wire                      ap_rst_n,
    // control window
    input  wire [16:0]               s_axi_ctl_awaddr,
    input  wire                      s_axi_ctl_awvalid,
    output wire                      s_axi_ctl_awready,
    input  wire [31:0]               s_axi_ctl_wdata,
    input  wire [3:0]                s_axi_ctl_wstrb,
    input  wire                      s_axi_ctl_wvalid,
    output wire                      s_axi_ctl_wready,
    output reg  [1:0]                s_axi_ctl_bresp,
    output reg                       s_axi_ctl_bvalid,
    input  wire                      s_axi_ctl_bready,
    input  wire [16:0]               s_axi_ctl_araddr,
    input  wire                      s_axi_ctl_arvalid,
    output wire                      s_axi_ctl_arready,
    output reg  [31:0]               s_axi_ctl_rdata,
    output reg  [1:0]                s_axi_ctl_rresp,
    output reg                       s_axi_ctl_rvalid,
    input  wire                      s_axi_ctl_rready,
    // the lanes' s_axi_control
    output wire [31:0]               m_axi_lanes_awaddr,
    output wire [2:0]                m_axi_lanes_awprot,
    output wire                      m_axi_lanes_awvalid,
    input  wire                      m_axi_lanes_awready,
    output wire [31:0]               m_axi_lanes_wdata,
    output wire [3:0]                m_axi_lanes_wstrb,
    output wire                      m_axi_lanes_wvalid,
    input  wire                      m_axi_lanes_wready,
    input  wire [1:0]                m_axi_lanes_bresp,
    input  wire                      m_axi_lanes_bvalid,
    output wire                      m_axi_lanes_bready,
    output wire [31:0]               m_axi_lanes_araddr,
    output wire [2:0]                m_axi_lanes_arprot,
    output wire                      m_axi_lanes_arvalid,
    input  wire                      m_axi_lanes_arready,
    input  wire [31:0]               m_axi_lanes_rdata,
    input  wire [1:0]                m_axi_lanes_rresp,
    input  wire                      m_axi_lanes_rvalid,
    output wire                      m_axi_lanes_rready,
    input  wire [2*NUM_CONTEXTS-1:0] lane_irq,
    output reg  [2*NUM_CONTEXTS-1:0] lane_rst_n,  // each lane's ap_rst_n (watchdog)
    output wire                      irq,
    // lanes' m_axi_gmem (the lanes are the masters)
    input  wire [2*NUM_CONTEXTS*64-1:0]   s_lane_araddr,
    input  wire [2*NUM_CONTEXTS*8-1:0]    s_lane_arlen,
    input  wire [2*NUM_CONTEXTS*3-1:0]    s_lane_arsize,
    input  wire [2*NUM_CONTEXTS*2-1:0]    s_lane_arburst,
    input  wire [2*NUM_CONTEXTS*IDW-1:0]  s_lane_arid,
    input  wire [2*NUM_CONTEXTS-1:0]      s_lane_arvalid,
    output wire [2*NUM_CONTEXTS-1:0]      s_lane_arready,
    output wire [2*NUM_CONTEXTS*DW-1:0]   s_lane_rdata,
    output wire [2*NUM_CONTEXTS*2-1:0]    s_lane_rresp,
    output wire [2*NUM_CONTEXTS-1:0]      s_lane_rlast,
    output wire [2*NUM_CONTEXTS*IDW-1:0]  s_lane_rid,
    output wire [2*NUM_CONTEXTS-1:0]      s_lane_rvalid,
    input  wire [2*NUM_CONTEXTS-1:0]      s_lane_rready,
    input  wire [2*NUM_CONTEXTS*64-1:0]   s_lane_awaddr,
    input  wire [2*NUM_CONTEXTS*8-1:0]    s_lane_awlen,
    input  wire [2*NUM_CONTEXTS*3-1:0]    s_lane_awsize,
    input  wire [2*NUM_CONTEXTS*2-1:0]    s_lane_awburst,
    input  wire [2*NUM_CONTEXTS*IDW-1:0]  s_lane_awid,
    input  wire [2*NUM_CONTEXTS-1:0]      s_lane_awvalid,
    output wire [2*NUM_CONTEXTS-1:0]      s_lane_awready,
    input  wire [2*NUM_CONTEXTS*DW-1:0]   s_lane_wdata,
    input  wire [2*NUM_CONTEXTS*DW/8-1:0] s_lane_wstrb,
    input  wire [2*NUM_CONTEXTS-1:0]      s_lane_wlast,
    input  wire [2*NUM_CONTEXTS-1:0]      s_lane_wvalid,
    output wire [2*NUM_CONTEXTS-1:0]      s_lane_wready,
    output wire [2*NUM_CONTEXTS*2-1:0]    s_lane_bresp,
    output wire [2*NUM_CONTEXTS*IDW-1:0]  s_lane_bid,
    output wire [2*NUM_CONTEXTS-1:0]      s_lane_bvalid,
    input  wire [2*NUM_CONTEXTS-1:0]      s_lane_bready,
    // toward the data crossbar / SMMU
    output wire [2*NUM_CONTEXTS*64-1:0]   m_lane_araddr,
    output wire [2*NUM_CONTEXTS*8-1:0]    m_lane_arlen,
    output wire [2*NUM_CONTEXTS*3-1:0]    m_lane_arsize,
    output wire [2*NUM_CONTEXTS*2-1:0]    m_lane_arburst,
    output wire [2*NUM_CONTEXTS*6-1:0]    m_lane_arid,
    output wire [2*NUM_CONTEXTS*4-1:0]    m_lane_arcache,
    output wire [2*NUM_CONTEXTS*3-1:0]    m_lane_arprot,
    output wire [2*NUM_CONTEXTS-1:0]      m_lane_arvalid,
    input  wire [2*NUM_CONTEXTS-1:0]      m_lane_arready,
    input  wire [2*NUM_CONTEXTS*DW-1:0]   m_lane_rdata,
    input  wire [2*NUM_CONTEXTS*2-1:0]    m_lane_rresp,
    input  wire [2*NUM_CONTEXTS-1:0]      m_lane_rlast,
    input  wire [2*NUM_CONTEXTS*6-1:0]    m_lane_rid,
    input  wire [2*NUM_CONTEXTS-1:0]      m_lane_rvalid,
    output wire [2*NUM_CONTEXTS-1:0]      m_lane_rready,
    output wire [2*NUM_CONTEXTS*64-1:0]   m_lane_awaddr,
    output wire [2*NUM_CONTEXTS*8-1:0]    m_lane_awlen,
    output wire [2*NUM_CONTEXTS*3-1:0]    m_lane_awsize,
    output wire [2*NUM_CONTEXTS*2-1:0]    m_lane_awburst,
    output wire [2*NUM_CONTEXTS*6-1:0]    m_lane_awid,
    output wire [2*NUM_CONTEXTS*4-1:0]    m_lane_awcache,
    output wire [2*NUM_CONTEXTS*3-1:0]    m_lane_awprot,
    output wire [2*NUM_CONTEXTS-1:0]      m_lane_awvalid,
    input  wire [2*NUM_CONTEXTS-1:0]      m_lane_awready,
    output wire [2*NUM_CONTEXTS*DW-1:0]   m_lane_wdata,
    output wire [2*NUM_CONTEXTS*DW/8-1:0] m_lane_wstrb,
    output wire [2*NUM_CONTEXTS-1:0]      m_lane_wlast,
    output wire [2*NUM_CONTEXTS-1:0]      m_lane_wvalid,
    input  wire [2*NUM_CONTEXTS-1:0]      m_lane_wready,
    input  wire [2*NUM_CONTEXTS*2-1:0]    m_lane_bresp,
    input  wire [2*NUM_CONTEXTS*6-1:0]    m_lane_bid,
    input  wire [2*NUM_CONTEXTS-1:0]      m_lane_bvalid,
    output wire [2*NUM_CONTEXTS-1:0]      m_lane_bready
);
    localparam integer NC = NUM_CONTEXTS;
    localparam integer NL = 2 * NUM_CONTEXTS;
    localparam [31:0] FEATURES = `FSVM_FEAT_SVM | `FSVM_FEAT_STALL | `FSVM_FEAT_TIMESTAMPS |
                                 `FSVM_FEAT_HUGE_PAGES | EXTRA_FEATURES;
    localparam [31:0] NC32 = NUM_CONTEXTS;
    localparam [31:0] DW32 = DW;

    `include "fsvm_ktab.vh"

    // ---- device clock
    reg [63:0] ticks;
    reg [31:0] time_hi_latch;
    always @(posedge ap_clk) begin
        if (!ap_rst_n) ticks <= 64'd0;
        else ticks <= ticks + 64'd1;
    end

    // ---- contexts
    wire [NC*32-1:0] ctx_rd;
    wire [NC-1:0]    ctx_irq;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [NC-1:0]    ctx_busy;      // visible in STATUS; not needed here
    /* verilator lint_on UNUSEDSIGNAL */
    wire [NC-1:0]    ctx_wr;
    wire [NC-1:0]    lreq, lreq_we, lack;
    wire [NC*32-1:0] lreq_addr, lreq_wdata;
    wire [31:0]      lack_rdata;
    /* verilator lint_off UNUSEDSIGNAL */
    wire             lack_err;     // lane register bus errors: not acted on
    wire [NL*64-1:0] port_bytes;   // complete lanes' bytes: not reported
    /* verilator lint_on UNUSEDSIGNAL */
    wire [NL-1:0]    port_idle;
    wire [NC*2-1:0]  d_mode;
    wire [NC*64-1:0] d_win;
    wire [NC-1:0]    port_clr;
    wire [NL-1:0]    port_fault, port_fault_wr;
    wire [NC*2-1:0]  wd_rst, wd_flush;
    wire [NC*2-1:0]  slot_seen;
    wire [NC*8-1:0]  slot_flags;
    wire [NC*64-1:0] slot_cva;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [NC*2-1:0]  c_slot_seen;      // complete lanes read no ring slot
    wire [NC*8-1:0]  c_slot_flags;
    wire [NC*64-1:0] c_slot_cva;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [NL*64-1:0] port_fault_va;

    // AXI4-Lite write: address and data are held until both have arrived.
    reg        aw_full, w_full;
    reg [16:0] aw_addr;
    reg [31:0] w_data;
    reg [3:0]  w_strb;
    wire       do_write = aw_full && w_full && !s_axi_ctl_bvalid;
    wire [3:0] w_ctx = aw_addr[15:12];
    wire       w_in_ctx = aw_addr[16] && ({28'd0, w_ctx} < NC32);
    wire       w_ro = !aw_addr[16] && (aw_addr[15:13] == 3'd0);   // id + kernel table pages
    wire       w_ok = (aw_addr[1:0] == 2'd0) && (w_ro || (w_in_ctx && w_strb == 4'hf));

    genvar gc;
    generate
        for (gc = 0; gc < NC; gc = gc + 1) begin : g_ctx
            assign ctx_wr[gc] = do_write && w_ok && w_in_ctx && (w_ctx == gc);
            fsvm_shell_ctx #(
                .STREAM_ID(STREAM_ID_BASE + gc),
                .WATCHDOG(WATCHDOG),
                .LANE_D(LANE_BASE + gc * LANE_STRIDE),
                .LANE_C(LANE_BASE + (NC + gc) * LANE_STRIDE)
            ) u_ctx (
                .clk(ap_clk), .rst_n(ap_rst_n), .now(ticks),
                .wr_en(ctx_wr[gc]), .wr_reg(aw_addr[11:0]), .wr_data(w_data),
                .rd_reg(s_axi_ctl_araddr[11:0]), .rd_data(ctx_rd[gc*32 +: 32]),
                .irq(ctx_irq[gc]), .busy(ctx_busy[gc]),
                .req(lreq[gc]), .req_we(lreq_we[gc]),
                .req_addr(lreq_addr[gc*32 +: 32]), .req_wdata(lreq_wdata[gc*32 +: 32]),
                .ack(lack[gc]), .ack_rdata(lack_rdata),
                .irq_d(lane_irq[gc]), .irq_c(lane_irq[NC + gc]),
                .d_mode(d_mode[gc*2 +: 2]), .d_win(d_win[gc*64 +: 64]),
                .port_clr(port_clr[gc]),
                .d_fault(port_fault[gc]), .d_fault_va(port_fault_va[gc*64 +: 64]),
                .d_fault_wr(port_fault_wr[gc]), .d_bytes(port_bytes[gc*64 +: 64]),
                .c_fault(port_fault[NC + gc]), .c_fault_va(port_fault_va[(NC + gc)*64 +: 64]),
                .c_fault_wr(port_fault_wr[NC + gc]),
                .d_idle(port_idle[gc]), .c_idle(port_idle[NC + gc]),
                .d_slot_seen(slot_seen[gc*2 +: 2]), .d_slot_flags(slot_flags[gc*8 +: 8]),
                .d_slot_cva(slot_cva[gc*64 +: 64]),
                .lane_rst(wd_rst[gc*2 +: 2]), .flush(wd_flush[gc*2 +: 2])
            );
        end
    endgenerate
    assign irq = |ctx_irq;

    // Lane resets: the shell's reset, or a context's watchdog (registered).
    integer li;
    always @(posedge ap_clk) begin
        for (li = 0; li < NC; li = li + 1) begin
            lane_rst_n[li] <= ap_rst_n && !wd_rst[li*2];
            lane_rst_n[NC + li] <= ap_rst_n && !wd_rst[li*2 + 1];
        end
    end

    fsvm_lite_master #(.NREQ(NC)) u_lite (
        .clk(ap_clk), .rst_n(ap_rst_n),
        .req(lreq), .req_we(lreq_we), .req_addr(lreq_addr), .req_wdata(lreq_wdata),
        .ack(lack), .ack_rdata(lack_rdata), .ack_err(lack_err),
        .m_awaddr(m_axi_lanes_awaddr), .m_awprot(m_axi_lanes_awprot),
        .m_awvalid(m_axi_lanes_awvalid), .m_awready(m_axi_lanes_awready),
        .m_wdata(m_axi_lanes_wdata), .m_wstrb(m_axi_lanes_wstrb),
        .m_wvalid(m_axi_lanes_wvalid), .m_wready(m_axi_lanes_wready),
        .m_bresp(m_axi_lanes_bresp), .m_bvalid(m_axi_lanes_bvalid),
        .m_bready(m_axi_lanes_bready),
        .m_araddr(m_axi_lanes_araddr), .m_arprot(m_axi_lanes_arprot),
        .m_arvalid(m_axi_lanes_arvalid), .m_arready(m_axi_lanes_arready),
        .m_rdata(m_axi_lanes_rdata), .m_rresp(m_axi_lanes_rresp),
        .m_rvalid(m_axi_lanes_rvalid), .m_rready(m_axi_lanes_rready)
    );

    // ---- lane ports
    genvar gl;
    generate
        for (gl = 0; gl < NL; gl = gl + 1) begin : g_lane
            localparam integer ID = (gl < NC) ? gl : (32 + gl - NC);
            localparam integer C = (gl < NC) ? gl : (gl - NC);
            wire [1:0]  mode = (gl < NC) ? d_mode[C*2 +: 2] : 2'd0;
            wire [63:0] win = (gl < NC) ? d_win[C*64 +: 64] : 64'd0;
            wire        fl = (gl < NC) ? wd_flush[C*2] : wd_flush[C*2 + 1];
            wire [1:0]  seen;
            wire [7:0]  sflags;
            wire [63:0] scva;
            if (gl < NC) begin : g_d
                assign slot_seen[C*2 +: 2] = seen;
                assign slot_flags[C*8 +: 8] = sflags;
                assign slot_cva[C*64 +: 64] = scva;
            end else begin : g_c
                assign c_slot_seen[C*2 +: 2] = seen;
                assign c_slot_flags[C*8 +: 8] = sflags;
                assign c_slot_cva[C*64 +: 64] = scva;
            end
            fsvm_lane_port #(.DW(DW), .IDW(IDW), .AXI_ID(ID[5:0])) u_port (
                .clk(ap_clk), .rst_n(ap_rst_n),
                .mode(mode), .win(win), .clr(port_clr[C]), .flush(fl),
                .slot_seen(seen), .slot_flags(sflags), .slot_cva(scva),
                .fault(port_fault[gl]), .fault_va(port_fault_va[gl*64 +: 64]),
                .fault_wr(port_fault_wr[gl]), .bytes(port_bytes[gl*64 +: 64]),
                .idle(port_idle[gl]),
                .s_araddr(s_lane_araddr[gl*64 +: 64]), .s_arlen(s_lane_arlen[gl*8 +: 8]),
                .s_arsize(s_lane_arsize[gl*3 +: 3]), .s_arburst(s_lane_arburst[gl*2 +: 2]),
                .s_arid(s_lane_arid[gl*IDW +: IDW]), .s_arvalid(s_lane_arvalid[gl]),
                .s_arready(s_lane_arready[gl]),
                .s_rdata(s_lane_rdata[gl*DW +: DW]), .s_rresp(s_lane_rresp[gl*2 +: 2]),
                .s_rlast(s_lane_rlast[gl]), .s_rid(s_lane_rid[gl*IDW +: IDW]),
                .s_rvalid(s_lane_rvalid[gl]), .s_rready(s_lane_rready[gl]),
                .s_awaddr(s_lane_awaddr[gl*64 +: 64]), .s_awlen(s_lane_awlen[gl*8 +: 8]),
                .s_awsize(s_lane_awsize[gl*3 +: 3]), .s_awburst(s_lane_awburst[gl*2 +: 2]),
                .s_awid(s_lane_awid[gl*IDW +: IDW]), .s_awvalid(s_lane_awvalid[gl]),
                .s_awready(s_lane_awready[gl]),
                .s_wdata(s_lane_wdata[gl*DW +: DW]), .s_wstrb(s_lane_wstrb[gl*DW/8 +: DW/8]),
                .s_wlast(s_lane_wlast[gl]), .s_wvalid(s_lane_wvalid[gl]),
                .s_wready(s_lane_wready[gl]),
                .s_bresp(s_lane_bresp[gl*2 +: 2]), .s_bid(s_lane_bid[gl*IDW +: IDW]),
                .s_bvalid(s_lane_bvalid[gl]), .s_bready(s_lane_bready[gl]),
                .m_araddr(m_lane_araddr[gl*64 +: 64]), .m_arlen(m_lane_arlen[gl*8 +: 8]),
                .m_arsize(m_lane_arsize[gl*3 +: 3]), .m_arburst(m_lane_arburst[gl*2 +: 2]),
                .m_arid(m_lane_arid[gl*6 +: 6]), .m_arcache(m_lane_arcache[gl*4 +: 4]),
                .m_arprot(m_lane_arprot[gl*3 +: 3]), .m_arvalid(m_lane_arvalid[gl]),
                .m_arready(m_lane_arready[gl]),
                .m_rdata(m_lane_rdata[gl*DW +: DW]), .m_rresp(m_lane_rresp[gl*2 +: 2]),
                .m_rlast(m_lane_rlast[gl]), .m_rid(m_lane_rid[gl*6 +: 6]),
                .m_rvalid(m_lane_rvalid[gl]), .m_rready(m_lane_rready[gl]),
                .m_awaddr(m_lane_awaddr[gl*64 +: 64]), .m_awlen(m_lane_awlen[gl*8 +: 8]),
                .m_awsize(m_lane_awsize[gl*3 +: 3]), .m_awburst(m_lane_awburst[gl*2 +: 2]),
                .m_awid(m_lane_awid[gl*6 +: 6]), .m_awcache(m_lane_awcache[gl*4 +: 4]),
                .m_awprot(m_lane_awprot[gl*3 +: 3]), .m_awvalid(m_lane_awvalid[gl]),
                .m_awready(m_lane_awready[gl]),
                .m_wdata(m_lane_wdata[gl*DW +: DW]), .m_wstrb(m_lane_wstrb[gl*DW/8 +: DW/8]),
                .m_wlast(m_lane_wlast[gl]), .m_wvalid(m_lane_wvalid[gl]),
                .m_wready(m_lane_wready[gl]),
                .m_bresp(m_lane_bresp[gl*2 +: 2]), .m_bid(m_lane_bid[gl*6 +: 6]),
                .m_bvalid(m_lane_bvalid[gl]), .m_bready(m_lane_bready[gl])
            );
        end
    endgenerate

    // ---- s_axi_ctl write channel
    assign s_axi_ctl_awready = !aw_full && !s_axi_ctl_bvalid;
    assign s_axi_ctl_wready  = !w_full && !s_axi_ctl_bvalid;
    always @(posedge ap_clk) begin
        if (!ap_rst_n) begin
            aw_full <= 1'b0; w_full <= 1'b0;
            aw_addr <= 17'd0; w_data <= 32'd0; w_strb <= 4'd0;
            s_axi_ctl_bvalid <= 1'b0; s_axi_ctl_bresp <= 2'b00;
        end else begin
            if (s_axi_ctl_awvalid && s_axi_ctl_awready) begin
                aw_full <= 1'b1;
                aw_addr <= s_axi_ctl_awaddr;
            end
            if (s_axi_ctl_wvalid && s_axi_ctl_wready) begin
                w_full <= 1'b1;
                w_data <= s_axi_ctl_wdata;
                w_strb <= s_axi_ctl_wstrb;
            end
            if (do_write) begin
                aw_full <= 1'b0;
                w_full <= 1'b0;
                s_axi_ctl_bvalid <= 1'b1;
                s_axi_ctl_bresp <= w_ok ? 2'b00 : 2'b10;
            end else if (s_axi_ctl_bvalid && s_axi_ctl_bready) begin
                s_axi_ctl_bvalid <= 1'b0;
            end
        end
    end

    // ---- s_axi_ctl read channel
    wire [16:0] ra = s_axi_ctl_araddr;
    wire [31:0] ra_off = {15'd0, ra};
    wire [3:0]  r_ctx = ra[15:12];
    wire        r_in_ctx = ra[16] && ({28'd0, r_ctx} < NC32);
    reg  [31:0] id_word;
    reg         r_ok;
    reg  [31:0] r_word;
    always @(*) begin
        case ({20'd0, ra[11:0]})
        `FSVM_REG_MAGIC:         id_word = `FSVM_HW_MAGIC;
        `FSVM_REG_VERSION:       id_word = `FSVM_HW_VERSION;
        `FSVM_REG_FEATURES:      id_word = FEATURES;
        `FSVM_REG_CLOCK_HZ:      id_word = CLOCK_HZ;
        `FSVM_REG_NUM_CONTEXTS:  id_word = NC32;
        `FSVM_REG_NUM_KERNELS:   id_word = `FSVM_K_COUNT;
        `FSVM_REG_TIME_LO:       id_word = ticks[31:0];
        `FSVM_REG_TIME_HI:       id_word = time_hi_latch;
        `FSVM_REG_MAX_INLINE:    id_word = `FSVM_INLINE_ARGS;
        `FSVM_REG_AXI_DATA_BITS: id_word = DW32;
        default:                 id_word = 32'd0;
        endcase
        r_ok = 1'b1;
        if (ra[1:0] != 2'd0)
            r_ok = 1'b0;
        if (ra_off < `FSVM_KERNEL_TABLE_OFF)
            r_word = id_word;
        else if (ra_off < `FSVM_KERNEL_TABLE_OFF + `FSVM_PAGE_SIZE)
            r_word = fsvm_ktab_word(ra[11:2]);
        else if (r_in_ctx)
            r_word = ctx_rd[r_ctx*32 +: 32];
        else begin
            r_word = 32'd0;
            r_ok = 1'b0;
        end
    end

    assign s_axi_ctl_arready = !s_axi_ctl_rvalid;
    always @(posedge ap_clk) begin
        if (!ap_rst_n) begin
            s_axi_ctl_rvalid <= 1'b0;
            s_axi_ctl_rresp <= 2'b00;
            s_axi_ctl_rdata <= 32'd0;
            time_hi_latch <= 32'd0;
        end else if (s_axi_ctl_arvalid && s_axi_ctl_arready) begin
            s_axi_ctl_rvalid <= 1'b1;
            s_axi_ctl_rresp <= r_ok ? 2'b00 : 2'b10;
            s_axi_ctl_rdata <= r_ok ? r_word : 32'hffff_ffff;
            if (r_ok && ra_off == `FSVM_REG_TIME_LO)
                time_hi_latch <= ticks[63:32];
        end else if (s_axi_ctl_rvalid && s_axi_ctl_rready) begin
            s_axi_ctl_rvalid <= 1'b0;
        end
    end
endmodule
