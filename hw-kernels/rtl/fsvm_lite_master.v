// SPDX-License-Identifier: MIT
// fsvm_lite_master.v - the shell's m_axi_lanes: one AXI4-Lite master shared
// by the context sequencers, which program and start their HLS lanes with it.
//
// A requester holds req (with we/addr/wdata) high until it sees ack; ack is
// high in the cycle the response arrives, with rdata and err (RRESP/BRESP
// bit 1: SLVERR or DECERR) valid, and the requester moves on at that clock
// edge. One transaction at a time; the next requester after the last one
// served is chosen first (round robin), so no context can starve another.
// Verilog-2005.
module fsvm_lite_master #(
    parameter integer NREQ = 1
) (
    input  wire                 clk,
    input  wire                 rst_n,
    input  wire [NREQ-1:0]      req,
    input  wire [NREQ-1:0]      req_we,
    input  wire [NREQ*32-1:0]   req_addr,
    input  wire [NREQ*32-1:0]   req_wdata,
    output wire [NREQ-1:0]      ack,
    output wire [31:0]          ack_rdata,
    output wire                 ack_err,
    // AXI4-Lite master
    output reg  [31:0]          m_awaddr,
    output wire [2:0]           m_awprot,
    output reg                  m_awvalid,
    input  wire                 m_awready,
    output reg  [31:0]          m_wdata,
    output wire [3:0]           m_wstrb,
    output reg                  m_wvalid,
    input  wire                 m_wready,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [1:0]           m_bresp,   // bit 0 (EXOKAY) means nothing on Lite
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire                 m_bvalid,
    output wire                 m_bready,
    output reg  [31:0]          m_araddr,
    output wire [2:0]           m_arprot,
    output reg                  m_arvalid,
    input  wire                 m_arready,
    input  wire [31:0]          m_rdata,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [1:0]           m_rresp,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire                 m_rvalid,
    output wire                 m_rready
);
    localparam [1:0] S_IDLE = 2'd0, S_WRITE = 2'd1, S_READ = 2'd2;
    localparam integer SELW = (NREQ > 1) ? $clog2(NREQ) : 1;

    reg [1:0]      st;
    reg [SELW-1:0] cur;      // requester being served
    reg [SELW-1:0] last;     // requester served last

    assign m_awprot = 3'b010;    // data, non-secure, unprivileged
    assign m_arprot = 3'b010;
    assign m_wstrb  = 4'hf;
    // The response is taken once both halves of a write have been accepted.
    assign m_bready = (st == S_WRITE) && !m_awvalid && !m_wvalid;
    assign m_rready = (st == S_READ) && !m_arvalid;

    wire done_w = m_bready && m_bvalid;
    wire done_r = m_rready && m_rvalid;
    wire done   = done_w || done_r;

    genvar gi;
    generate
        for (gi = 0; gi < NREQ; gi = gi + 1) begin : g_ack
            assign ack[gi] = done && (cur == gi);
        end
    endgenerate
    assign ack_rdata = m_rdata;
    assign ack_err   = done_w ? m_bresp[1] : m_rresp[1];

    // Round robin: the first requester after `last` (wrapping) with req set.
    reg             pick_ok;
    reg [SELW-1:0]  pick;
    integer         k;
    /* verilator lint_off UNUSEDSIGNAL */
    integer         cand;    // only its low SELW bits index req
    /* verilator lint_on UNUSEDSIGNAL */
    always @(*) begin
        pick_ok = 1'b0;
        pick = {SELW{1'b0}};
        for (k = 1; k <= NREQ; k = k + 1) begin
            cand = ({{(32-SELW){1'b0}}, last} + k) % NREQ;
            if (!pick_ok && req[cand]) begin
                pick_ok = 1'b1;
                pick = cand[SELW-1:0];
            end
        end
    end

    always @(posedge clk) begin
        if (!rst_n) begin
            st <= S_IDLE;
            cur <= {SELW{1'b0}};
            last <= {SELW{1'b0}};
            m_awaddr <= 32'd0; m_awvalid <= 1'b0;
            m_wdata <= 32'd0;  m_wvalid <= 1'b0;
            m_araddr <= 32'd0; m_arvalid <= 1'b0;
        end else begin
            case (st)
            S_IDLE: if (pick_ok) begin
                cur <= pick;
                if (req_we[pick]) begin
                    m_awaddr <= req_addr[pick*32 +: 32];
                    m_wdata <= req_wdata[pick*32 +: 32];
                    m_awvalid <= 1'b1;
                    m_wvalid <= 1'b1;
                    st <= S_WRITE;
                end else begin
                    m_araddr <= req_addr[pick*32 +: 32];
                    m_arvalid <= 1'b1;
                    st <= S_READ;
                end
            end
            S_WRITE: begin
                if (m_awready) m_awvalid <= 1'b0;
                if (m_wready) m_wvalid <= 1'b0;
                if (done_w) begin
                    last <= cur;
                    st <= S_IDLE;
                end
            end
            default: begin   // S_READ
                if (m_arready) m_arvalid <= 1'b0;
                if (done_r) begin
                    last <= cur;
                    st <= S_IDLE;
                end
            end
            endcase
        end
    end
endmodule
