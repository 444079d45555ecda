// SPDX-License-Identifier: MIT
//
// tb_shell.cpp - Verilator testbench for hw-kernels/rtl/fsvm_shell.v.
//
// The host side drives s_axi_ctl as libfsvm/fsvm.ko would, with the register
// names of fsvm_hw.h (included, never copied). Behind the shell it models:
//  - the HLS lanes' s_axi_control (Vitis ap_ctrl_hs: ap_start/ap_done/
//    ap_idle, GIE/IER/ISR, arguments from 0x10; fsvm_lane_map.h) and their
//    `interrupt` outputs;
//  - the lanes as AXI4 masters: a dispatch lane reads its ring slot as one
//    64-byte burst, decodes it like hw-kernels/hls/cmdproc.c and runs a
//    memcpy-like kernel in bursts; a complete lane writes the 64-byte record
//    (status last); knobs make a lane never finish, or stop mid write burst;
//  - an AXI memory behind every lane port (m_lane_*), with random ready/valid
//    gaps and SLVERR/DECERR injection per burst beat or per 4 KiB page.
// Protocol assertions run every cycle on every interface: valid/ready
// stability of payloads, one response per request (R beat counts, RLAST,
// B after AW/W), no burst crossing 4 KiB, fixed AXI ID / AxCACHE / AxPROT
// per lane. Any violation fails the run.
//
// Usage: tb_shell [TEST...]   (no argument: every test)
#include <verilated.h>
#include TB_MODEL_HEADER

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "fsvm_hw.h"
#include "fsvm_lane_map.h"
#include "fsvm_vl_bits.h"
#include "tb_ref.h"

#ifndef TB_NC
#error "TB_NC (NUM_CONTEXTS of the Verilated model) must be defined"
#endif
static constexpr unsigned NC = TB_NC;
static constexpr unsigned NL = 2 * NC;
static constexpr unsigned DWB = 16;                 // DW = 128: bytes per beat
static constexpr uint32_t LANE_BASE = TB_LANE_BASE;
static constexpr uint32_t LANE_STRIDE = TB_LANE_STRIDE;
static constexpr uint32_t WATCHDOG = TB_WATCHDOG;
static constexpr uint32_t CLOCK_HZ = TB_CLOCK_HZ;
static constexpr uint32_t STREAM_ID_BASE = 0x200;

// ---------------------------------------------------------------- checks
static unsigned g_fail, g_checks, g_proto;
static uint64_t g_cycle;
static std::string g_test;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "FAIL [%s @%" PRIu64 "] ", g_test.c_str(), g_cycle);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	g_fail++;
}

#define CHECK_EQ(a, b)                                                                     \
	do {                                                                               \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                           \
		g_checks++;                                                                \
		if (a_ != b_)                                                              \
			fail("%s:%d: %s == 0x%" PRIx64 ", want %s == 0x%" PRIx64, __FILE__, \
			     __LINE__, #a, a_, #b, b_);                                    \
	} while (0)
#define CHECK(c)                                                                          \
	do {                                                                              \
		g_checks++;                                                               \
		if (!(c))                                                                 \
			fail("%s:%d: %s", __FILE__, __LINE__, #c);                         \
	} while (0)
// A protocol assertion: counted apart, and fatal for the run's verdict.
#define PROTO(c, ...)                                                                     \
	do {                                                                              \
		if (!(c)) {                                                               \
			g_proto++;                                                        \
			if (g_proto <= 20)                                                \
				fail("protocol: " __VA_ARGS__);                           \
			else                                                              \
				g_fail++;                                                 \
		}                                                                         \
	} while (0)

// ------------------------------------------------------- bit-slice helpers (getb/setb: fsvm_vl_bits.h)

template <typename T> static void getbytes(const T &v, unsigned lsb, uint8_t *out, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		out[i] = (uint8_t)getb(v, lsb + 8 * i, 8);
}

template <typename T> static void setbytes(T &v, unsigned lsb, const uint8_t *in, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		setb(v, lsb + 8 * i, 8, in[i]);
}

// ------------------------------------------------------------------ PRNG
static uint64_t g_rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd()
{
	g_rng ^= g_rng << 13;
	g_rng ^= g_rng >> 7;
	g_rng ^= g_rng << 17;
	return (uint32_t)(g_rng >> 16);
}
static bool chance(unsigned pct) { return rnd() % 100 < pct; }

static std::unique_ptr<TB_MODEL> top;

// ---------------------------------------------------------------- memory
struct Inject {
	bool wr;
	uint64_t addr;     // start address of the burst it hits
	int beat;          // read: beat index, -1 the last; write: ignored (B)
	uint8_t resp;      // 2 SLVERR, 3 DECERR
	bool used;
};

struct Memory {
	std::map<uint64_t, std::vector<uint8_t>> pages;
	std::set<uint64_t> bad_pages;  // every access: DECERR (the SMMU's answer)
	std::vector<Inject> inject;

	uint8_t *page(uint64_t va)
	{
		auto &p = pages[va >> 12];
		if (p.empty())
			p.assign(4096, 0);
		return p.data() + (va & 4095);
	}
	uint8_t rd8(uint64_t va) { return *page(va); }
	void wr8(uint64_t va, uint8_t v) { *page(va) = v; }
	uint64_t rd64(uint64_t va)
	{
		uint64_t v = 0;
		for (int i = 7; i >= 0; i--)
			v = (v << 8) | rd8(va + (uint64_t)i);
		return v;
	}
	uint32_t rd32(uint64_t va) { return (uint32_t)rd64(va); }
	void wr64(uint64_t va, uint64_t v)
	{
		for (int i = 0; i < 8; i++)
			wr8(va + (uint64_t)i, (uint8_t)(v >> (8 * i)));
	}
	void wr32(uint64_t va, uint32_t v)
	{
		for (int i = 0; i < 4; i++)
			wr8(va + (uint64_t)i, (uint8_t)(v >> (8 * i)));
	}
	void fill(uint64_t va, uint32_t n, uint8_t seed)
	{
		for (uint32_t i = 0; i < n; i++)
			wr8(va + i, (uint8_t)(seed + i * 7u + (i >> 8)));
	}
};
static Memory mem;

// One AXI4 slave per lane port's m_lane_* (the crossbar + SMMU + DDR).
struct MemPort {
	struct Burst {
		uint64_t addr;
		unsigned len, size;
		unsigned beat = 0;
		bool bad = false;     // page fault: every beat DECERR
		int inj = -1;         // index into mem.inject
	};
	std::deque<Burst> rq;        // accepted AR, being answered in order
	bool r_valid = false;
	// hold: no R beat >= hold_beat of the burst at hold_addr while set
	bool hold = false;
	uint64_t hold_addr = 0;
	unsigned hold_beat = 0;
	int r_gap = 0;
	// write side
	bool aw_have = false;
	Burst aw;
	std::vector<std::vector<uint8_t>> wbeats, wstrbs;
	bool b_valid = false;
	uint8_t b_resp = 0;
	int b_gap = 0;
	// stability tracking of the shell's outputs
	bool ar_wait = false, aw_wait = false, w_wait = false;
	uint64_t ar_sig[6], aw_sig[6];
	uint8_t w_sig[DWB + DWB / 8 + 1];
	bool arready = false, awready = false, wready = false;
	// log
	unsigned n_ar = 0, n_aw = 0, n_wbeats_dropped = 0;
	std::vector<std::pair<uint64_t, uint64_t>> aw_log;   // (cycle, addr)
	std::vector<std::pair<uint64_t, uint64_t>> ar_log;
};
static MemPort mport[NL];

static unsigned expected_id(unsigned l) { return l < NC ? l : (0x20u | (l - NC)); }

// -------------------------------------------------------- lane modelling
struct LaneOp {
	enum Kind { READ, WRITE, CALL, HANG } kind;
	uint64_t addr = 0;
	unsigned beats = 0;
	std::vector<uint8_t> data, strb;            // WRITE: beats * DWB each
	std::function<void(const std::vector<uint8_t> &)> on_read;
	std::function<void()> call;
	std::shared_ptr<std::vector<uint8_t>> src;  // WRITE: data a READ produced
	int hang_after_beats = -1;                  // WRITE: stop after this many W beats
};

struct StartRec {
	uint64_t cycle;
	std::vector<uint32_t> regs;   // the lane's argument words at ap_start
};

struct Lane {
	unsigned idx;
	bool dispatch;
	// s_axi_control
	uint32_t regs[64] = {};
	bool gie = false, ier = false, isr = false;
	bool running = false, done = false;
	std::vector<StartRec> starts;
	unsigned resets = 0;
	bool in_reset_prev = false;
	// knobs (one shot: cleared when used)
	bool hang_next = false;          // never finish the next packet
	int hang_write_after = -1;       // next kernel write burst stops after k beats
	// engine
	std::deque<LaneOp> ops;
	bool op_active = false;
	LaneOp cur;
	bool ar_valid = false, aw_valid = false, w_active = false;
	unsigned w_sent = 0, r_got = 0;
	std::vector<uint8_t> r_data;
	bool r_outstanding = false, b_outstanding = false;
	unsigned b_count = 0;
	bool r_ready = false, b_ready = false;
	bool w_valid_now = false;
	struct tb_cp_result res = {};
	uint32_t ret = 0;
	unsigned bursts_r = 0, bursts_w = 0;

	bool irq() const { return gie && ier && isr; }
	void reset()
	{
		memset(regs, 0, sizeof(regs));
		gie = ier = isr = false;
		running = done = false;
		ops.clear();
		op_active = false;
		ar_valid = aw_valid = w_active = false;
		r_outstanding = b_outstanding = false;
		w_sent = r_got = 0;
		w_valid_now = false;
	}
};
static Lane lanes[NL];

static void lane_finish(Lane &L)
{
	L.running = false;
	L.done = true;
	L.isr = true;   // ISR.ap_done (IER is checked in irq())
}

// The dispatch lane's end: struct fsvm_cp_result into its s_axilite words.
static LaneOp dispatch_fin(Lane &L)
{
	LaneOp fin;
	fin.kind = LaneOp::CALL;
	fin.call = [&L]() {
		uint8_t b[256];
		uint32_t n = tb_pack_result(b, sizeof(b), &L.res);
		for (uint32_t i = 0; i + 4 <= n; i += 4)
			L.regs[(FSVM_LANE_D_RES + i) / 4] = (uint32_t)b[i] | ((uint32_t)b[i + 1] << 8) |
							   ((uint32_t)b[i + 2] << 16) |
							   ((uint32_t)b[i + 3] << 24);
		lane_finish(L);
	};
	return fin;
}

// Decode a packet as cmdproc.c does; queue the kernel's bursts.
static void dispatch_decode(Lane &L, const std::vector<uint8_t> &pb, int hang_w)
{
	uint64_t a[FSVM_INLINE_ARGS];
	for (unsigned i = 0; i < FSVM_INLINE_ARGS; i++) {
		a[i] = 0;
		for (int b = 7; b >= 0; b--)
			a[i] = (a[i] << 8) | pb[FSVM_PKT_OFF_ARGS + 8 * i + (unsigned)b];
	}
	uint64_t cva = 0, tag = 0;
	for (int b = 7; b >= 0; b--) {
		cva = (cva << 8) | pb[FSVM_PKT_OFF_COMPLETION + (unsigned)b];
		tag = (tag << 8) | pb[FSVM_PKT_OFF_USER_TAG + (unsigned)b];
	}
	uint32_t kid = pb[FSVM_PKT_OFF_KERNEL_ID] | (pb[FSVM_PKT_OFF_KERNEL_ID + 1] << 8);
	L.res.type = pb[FSVM_PKT_OFF_TYPE];
	L.res.flags = pb[FSVM_PKT_OFF_FLAGS];
	L.res.kernel_id = (uint16_t)kid;
	L.res.user_tag = tag;
	if (cva & 7)
		return;
	L.res.completion_va = cva;
	if (L.res.type == FSVM_PKT_BARRIER) {
		L.res.status = FSVM_ST_DONE;
		return;
	}
	if (L.res.type == FSVM_PKT_COMPILED) {   // for the shell's (absent) engine
		L.res.phase = tb_phase_compiled();
		L.res.status = FSVM_ST_DONE;
		return;
	}
	if (L.res.type != FSVM_PKT_KERNEL || kid >= FSVM_K_COUNT)
		return;
	L.res.phase = tb_phase_kernel();
	L.res.status = FSVM_ST_DONE;
	if (kid != FSVM_K_MEMCPY)
		return;   // NOP and the others: no traffic in this model
	// memcpy(dst = a[0], src = a[1], nbytes = a[2]) in 16-byte granules,
	// bursts of at most 256 bytes that never cross 4 KiB.
	uint64_t dst = a[0], src = a[1], n = a[2] & ~15ull;
	for (uint64_t off = 0; off < n;) {
		uint64_t chunk = 256;
		uint64_t room_s = 4096 - ((src + off) & 4095), room_d = 4096 - ((dst + off) & 4095);
		if (chunk > room_s)
			chunk = room_s;
		if (chunk > room_d)
			chunk = room_d;
		if (chunk > n - off)
			chunk = n - off;
		auto buf = std::make_shared<std::vector<uint8_t>>();
		LaneOp r;
		r.kind = LaneOp::READ;
		r.addr = src + off;
		r.beats = (unsigned)(chunk / DWB);
		r.on_read = [buf](const std::vector<uint8_t> &d) { *buf = d; };
		L.ops.push_back(r);
		LaneOp w;
		w.kind = LaneOp::WRITE;
		w.addr = dst + off;
		w.beats = (unsigned)(chunk / DWB);
		w.src = buf;
		w.strb.assign(chunk, 1);
		w.hang_after_beats = hang_w;
		hang_w = -1;
		L.ops.push_back(w);
		off += chunk;
	}
	LaneOp items;
	items.kind = LaneOp::CALL;
	items.call = [&L, n]() { L.res.items = (uint32_t)n; };
	L.ops.push_back(items);
}

// The dispatch lane: read the slot as one 64-byte burst, decode, run.
static void dispatch_start(Lane &L)
{
	uint64_t ring = ((uint64_t)L.regs[FSVM_LANE_D_RING_HI / 4] << 32) |
			L.regs[FSVM_LANE_D_RING_LO / 4];
	uint32_t size = L.regs[FSVM_LANE_D_RING_SIZE / 4];
	uint32_t index = L.regs[FSVM_LANE_D_INDEX / 4];
	bool hang = L.hang_next;
	int hang_w = L.hang_write_after;

	L.hang_next = false;
	L.hang_write_after = -1;
	L.res = {};
	L.res.status = FSVM_ST_BAD_PACKET;
	L.res.phase = tb_phase_fetch();
	LaneOp rd;
	rd.kind = LaneOp::READ;
	rd.addr = ring + 64ull * (index & (size - 1));
	rd.beats = 64 / DWB;
	rd.on_read = [&L, hang, hang_w](const std::vector<uint8_t> &pb) {
		if (hang) {
			LaneOp h;
			h.kind = LaneOp::HANG;
			L.ops.push_back(h);
			return;
		}
		dispatch_decode(L, pb, hang_w);
		L.ops.push_back(dispatch_fin(L));
	};
	L.ops.push_back(rd);
}

// The complete lane: cmdproc.c's fsvm_cp_complete, status written last.
static void complete_start(Lane &L)
{
	uint64_t cva = ((uint64_t)L.regs[FSVM_LANE_C_VA_HI / 4] << 32) | L.regs[FSVM_LANE_C_VA_LO / 4];
	uint8_t rec[FSVM_CPL_BYTES];
	bool hang = L.hang_next;

	L.hang_next = false;
	for (unsigned k = 0; k < 16; k++) {
		uint32_t w = L.regs[(FSVM_LANE_C_REC + 4 * k) / 4];
		for (unsigned b = 0; b < 4; b++)
			rec[4 * k + b] = (uint8_t)(w >> (8 * b));
	}
	L.ret = 0;
	if (hang) {
		LaneOp h;
		h.kind = LaneOp::HANG;
		L.ops.push_back(h);
		return;
	}
	if (cva != 0 && (cva & 7)) {
		L.ret = 1;
	} else if (cva != 0) {
		// everything after status, then status alone
		for (int part = 0; part < 2; part++) {
			uint64_t lo = part == 0 ? cva + FSVM_CPL_OFF_SYNDROME : cva + FSVM_CPL_OFF_STATUS;
			uint64_t hi = part == 0 ? cva + FSVM_CPL_BYTES : cva + FSVM_CPL_OFF_STATUS + 4;
			uint64_t start = lo & ~(uint64_t)(DWB - 1);
			unsigned beats = (unsigned)((hi - start + DWB - 1) / DWB);
			LaneOp w;
			w.kind = LaneOp::WRITE;
			w.addr = start;
			w.beats = beats;
			w.data.assign(beats * DWB, 0);
			w.strb.assign(beats * DWB, 0);
			for (uint64_t a = lo; a < hi; a++) {
				w.data[a - start] = rec[a - cva];
				w.strb[a - start] = 1;
			}
			L.ops.push_back(w);
		}
	}
	LaneOp fin;
	fin.kind = LaneOp::CALL;
	fin.call = [&L]() {
		L.regs[FSVM_LANE_C_RETURN / 4] = L.ret;
		lane_finish(L);
	};
	L.ops.push_back(fin);
}

// ------------------------------------------------ lane control slave (Lite)
struct LiteSlave {
	bool aw_have = false, w_have = false;
	uint32_t aw_addr = 0, w_data = 0;
	bool b_valid = false;
	int b_gap = 0;
	bool ar_have = false;
	uint32_t ar_addr = 0;
	bool r_valid = false;
	uint32_t r_data = 0;
	int r_gap = 0;
	bool awready = false, wready = false, arready = false;
	bool aw_wait = false, w_wait = false, ar_wait = false;
	uint32_t aw_sig = 0, w_sig = 0, ar_sig = 0;
	unsigned writes = 0, reads = 0;
};
static LiteSlave lite;

static Lane *lane_of(uint32_t addr, uint32_t *off)
{
	if (addr < LANE_BASE)
		return nullptr;
	uint32_t l = (addr - LANE_BASE) / LANE_STRIDE;
	if (l >= NL)
		return nullptr;
	*off = (addr - LANE_BASE) % LANE_STRIDE;
	return &lanes[l];
}

static void lane_reg_write(uint32_t addr, uint32_t v)
{
	uint32_t off;
	Lane *L = lane_of(addr, &off);

	PROTO(L && off < 256 && (off & 3) == 0, "m_axi_lanes write to 0x%08x: no lane register", addr);
	if (!L || off >= 256)
		return;
	switch (off) {
	case FSVM_LANE_AP_CTRL:
		if ((v & FSVM_LANE_AP_START) && !L->running) {
			PROTO(L->ops.empty(), "lane %u started while busy", L->idx);
			L->running = true;
			L->done = false;
			StartRec s;
			s.cycle = g_cycle;
			s.regs.assign(L->regs, L->regs + 64);
			L->starts.push_back(s);
			if (L->dispatch)
				dispatch_start(*L);
			else
				complete_start(*L);
		} else if (v & FSVM_LANE_AP_START) {
			PROTO(false, "ap_start written to lane %u while it runs", L->idx);
		}
		break;
	case FSVM_LANE_GIE: L->gie = v & 1; break;
	case FSVM_LANE_IER: L->ier = v & 1; break;
	case FSVM_LANE_ISR: if (v & 1) L->isr = !L->isr; break;
	default: L->regs[off / 4] = v; break;
	}
}

static uint32_t lane_reg_read(uint32_t addr)
{
	uint32_t off;
	Lane *L = lane_of(addr, &off);

	PROTO(L && off < 256 && (off & 3) == 0, "m_axi_lanes read of 0x%08x: no lane register", addr);
	if (!L || off >= 256)
		return 0;
	switch (off) {
	case FSVM_LANE_AP_CTRL: {
		uint32_t v = (L->running ? FSVM_LANE_AP_START : 0) | (L->done ? FSVM_LANE_AP_DONE : 0) |
			     (!L->running ? FSVM_LANE_AP_IDLE : 0);
		L->done = false;   // clear on read
		return v;
	}
	case FSVM_LANE_GIE: return L->gie;
	case FSVM_LANE_IER: return L->ier;
	case FSVM_LANE_ISR: return L->isr;
	default: return L->regs[off / 4];
	}
}

// ------------------------------------------------------------ host (Lite)
struct Host {
	bool awvalid = false, wvalid = false, bready = false, arvalid = false, rready = false;
	uint32_t awaddr = 0, wdata = 0, araddr = 0;
	uint8_t wstrb = 0xf;
	int expect_b = 0, expect_r = 0;
	bool r_wait = false;
	uint32_t r_sig[2] = {0, 0};
	bool b_wait = false;
	uint32_t b_sig = 0;
};
static Host host;

// ------------------------------------------------------- one clock cycle
static void drive()
{
	// host
	top->s_axi_ctl_awvalid = host.awvalid;
	top->s_axi_ctl_awaddr = host.awaddr;
	top->s_axi_ctl_wvalid = host.wvalid;
	top->s_axi_ctl_wdata = host.wdata;
	top->s_axi_ctl_wstrb = host.wstrb;
	top->s_axi_ctl_bready = host.bready;
	top->s_axi_ctl_arvalid = host.arvalid;
	top->s_axi_ctl_araddr = host.araddr;
	top->s_axi_ctl_rready = host.rready;
	// lane control slave
	lite.awready = !lite.aw_have && chance(70);
	lite.wready = !lite.w_have && chance(70);
	lite.arready = !lite.ar_have && !lite.r_valid && chance(70);
	top->m_axi_lanes_awready = lite.awready;
	top->m_axi_lanes_wready = lite.wready;
	top->m_axi_lanes_bvalid = lite.b_valid;
	top->m_axi_lanes_bresp = 0;
	top->m_axi_lanes_arready = lite.arready;
	top->m_axi_lanes_rvalid = lite.r_valid;
	top->m_axi_lanes_rdata = lite.r_data;
	top->m_axi_lanes_rresp = 0;
	uint32_t irqs = 0;
	for (unsigned l = 0; l < NL; l++)
		if (lanes[l].irq())
			irqs |= 1u << l;
	top->lane_irq = irqs;
	// lanes as masters (s_lane_*)
	for (unsigned l = 0; l < NL; l++) {
		Lane &L = lanes[l];
		const LaneOp &op = L.cur;
		bool rd = L.op_active && op.kind == LaneOp::READ;
		bool wr = L.op_active && op.kind == LaneOp::WRITE;
		setb(top->s_lane_araddr, l * 64, 64, rd ? op.addr : 0);
		setb(top->s_lane_arlen, l * 8, 8, rd ? op.beats - 1 : 0);
		setb(top->s_lane_arsize, l * 3, 3, 4);
		setb(top->s_lane_arburst, l * 2, 2, 1);
		setb(top->s_lane_arid, l, 1, 0);
		setb(top->s_lane_arvalid, l, 1, L.ar_valid);
		L.r_ready = L.r_outstanding && chance(80);
		setb(top->s_lane_rready, l, 1, L.r_ready);
		setb(top->s_lane_awaddr, l * 64, 64, wr ? op.addr : 0);
		setb(top->s_lane_awlen, l * 8, 8, wr ? op.beats - 1 : 0);
		setb(top->s_lane_awsize, l * 3, 3, 4);
		setb(top->s_lane_awburst, l * 2, 2, 1);
		setb(top->s_lane_awid, l, 1, 0);
		setb(top->s_lane_awvalid, l, 1, L.aw_valid);
		bool stop = wr && op.hang_after_beats >= 0 && L.w_sent >= (unsigned)op.hang_after_beats;
		if (!L.w_valid_now)
			L.w_valid_now = wr && L.w_active && !stop && chance(75);
		uint8_t wd[DWB] = {};
		uint32_t strb = 0;
		if (wr && L.w_active && L.w_sent < op.beats) {
			memcpy(wd, op.data.data() + L.w_sent * DWB, DWB);
			for (unsigned b = 0; b < DWB; b++)
				if (op.strb[L.w_sent * DWB + b])
					strb |= 1u << b;
		}
		setbytes(top->s_lane_wdata, l * DWB * 8, wd, DWB);
		setb(top->s_lane_wstrb, l * DWB, DWB, strb);
		setb(top->s_lane_wlast, l, 1, wr && L.w_sent + 1 == op.beats);
		setb(top->s_lane_wvalid, l, 1, L.w_valid_now);
		L.b_ready = L.b_outstanding && chance(80);
		setb(top->s_lane_bready, l, 1, L.b_ready);
	}
	// memory (m_lane_*)
	for (unsigned l = 0; l < NL; l++) {
		MemPort &P = mport[l];
		P.arready = P.rq.size() < 2 && chance(70);
		P.awready = !P.aw_have && chance(70);
		P.wready = chance(70);
		setb(top->m_lane_arready, l, 1, P.arready);
		setb(top->m_lane_awready, l, 1, P.awready);
		setb(top->m_lane_wready, l, 1, P.wready);
		bool held = !P.rq.empty() && P.hold && P.rq.front().addr == P.hold_addr &&
			    P.rq.front().beat >= P.hold_beat;
		if (!P.r_valid && !P.rq.empty() && !held) {
			if (P.r_gap > 0)
				P.r_gap--;
			else
				P.r_valid = true;
		}
		uint8_t rd[DWB] = {};
		uint8_t rresp = 0;
		bool rlast = false;
		if (P.r_valid) {
			MemPort::Burst &B = P.rq.front();
			uint64_t a = (B.addr & ~(uint64_t)(DWB - 1)) + (uint64_t)B.beat * DWB;
			rlast = B.beat == B.len;
			bool err_beat = B.bad;
			if (B.inj >= 0) {
				const Inject &I = mem.inject[(size_t)B.inj];
				int want = I.beat < 0 ? (int)B.len : I.beat;
				if ((int)B.beat == want) {
					err_beat = true;
					rresp = I.resp;
				}
			}
			if (B.bad)
				rresp = 3;
			if (!err_beat)
				for (unsigned b = 0; b < DWB; b++)
					rd[b] = mem.rd8(a + b);
		}
		setbytes(top->m_lane_rdata, l * DWB * 8, rd, DWB);
		setb(top->m_lane_rresp, l * 2, 2, rresp);
		setb(top->m_lane_rlast, l, 1, rlast);
		setb(top->m_lane_rid, l * 6, 6, expected_id(l));
		setb(top->m_lane_rvalid, l, 1, P.r_valid);
		if (!P.b_valid && P.b_gap > 0 && --P.b_gap == 0)
			P.b_valid = true;
		setb(top->m_lane_bvalid, l, 1, P.b_valid);
		setb(top->m_lane_bresp, l * 2, 2, P.b_resp);
		setb(top->m_lane_bid, l * 6, 6, expected_id(l));
	}
}

static bool page_bad(uint64_t a) { return mem.bad_pages.count(a >> 12) != 0; }

// Observe the handshakes of this cycle (outputs settled) and advance state.
static void observe()
{
	// ---- host: s_axi_ctl
	{
		bool bv = top->s_axi_ctl_bvalid, rv = top->s_axi_ctl_rvalid;
		uint32_t bsig = top->s_axi_ctl_bresp;
		PROTO(!host.b_wait || (bv && bsig == host.b_sig), "s_axi_ctl B changed before BREADY");
		PROTO(!host.r_wait || (rv && top->s_axi_ctl_rdata == host.r_sig[0] &&
				       top->s_axi_ctl_rresp == host.r_sig[1]),
		      "s_axi_ctl R changed before RREADY");
		PROTO(!bv || host.expect_b > 0, "s_axi_ctl BVALID without a write");
		PROTO(!rv || host.expect_r > 0, "s_axi_ctl RVALID without a read");
		host.b_wait = bv && !host.bready;
		host.b_sig = bsig;
		host.r_wait = rv && !host.rready;
		host.r_sig[0] = top->s_axi_ctl_rdata;
		host.r_sig[1] = top->s_axi_ctl_rresp;
	}
	// ---- lane control slave (m_axi_lanes)
	{
		bool awv = top->m_axi_lanes_awvalid, wv = top->m_axi_lanes_wvalid,
		     arv = top->m_axi_lanes_arvalid;
		PROTO(!lite.aw_wait || (awv && top->m_axi_lanes_awaddr == lite.aw_sig),
		      "m_axi_lanes AW dropped/changed before AWREADY");
		PROTO(!lite.w_wait || (wv && top->m_axi_lanes_wdata == lite.w_sig),
		      "m_axi_lanes W dropped/changed before WREADY");
		PROTO(!lite.ar_wait || (arv && top->m_axi_lanes_araddr == lite.ar_sig),
		      "m_axi_lanes AR dropped/changed before ARREADY");
		PROTO(!awv || top->m_axi_lanes_awprot == 2, "m_axi_lanes AWPROT");
		PROTO(!wv || top->m_axi_lanes_wstrb == 0xf, "m_axi_lanes WSTRB");
		lite.aw_wait = awv && !lite.awready;
		lite.aw_sig = top->m_axi_lanes_awaddr;
		lite.w_wait = wv && !lite.wready;
		lite.w_sig = top->m_axi_lanes_wdata;
		lite.ar_wait = arv && !lite.arready;
		lite.ar_sig = top->m_axi_lanes_araddr;
		if (awv && lite.awready) {
			lite.aw_have = true;
			lite.aw_addr = top->m_axi_lanes_awaddr;
		}
		if (wv && lite.wready) {
			lite.w_have = true;
			lite.w_data = top->m_axi_lanes_wdata;
		}
		if (lite.b_valid && top->m_axi_lanes_bready) {
			lite.b_valid = false;
		} else if (lite.aw_have && lite.w_have && !lite.b_valid) {
			if (lite.b_gap == 0)
				lite.b_gap = 1 + (int)(rnd() % 3);
			if (--lite.b_gap == 0) {
				lane_reg_write(lite.aw_addr, lite.w_data);
				lite.writes++;
				lite.aw_have = lite.w_have = false;
				lite.b_valid = true;
			}
		}
		if (arv && lite.arready) {
			lite.ar_have = true;
			lite.ar_addr = top->m_axi_lanes_araddr;
			lite.r_gap = 1 + (int)(rnd() % 3);
		}
		if (lite.r_valid && top->m_axi_lanes_rready) {
			lite.r_valid = false;
		} else if (lite.ar_have && !lite.r_valid && --lite.r_gap <= 0) {
			lite.r_data = lane_reg_read(lite.ar_addr);
			lite.reads++;
			lite.ar_have = false;
			lite.r_valid = true;
		}
	}
	// ---- memory side of every lane port (m_lane_*)
	for (unsigned l = 0; l < NL; l++) {
		MemPort &P = mport[l];
		bool arv = getb(top->m_lane_arvalid, l, 1), awv = getb(top->m_lane_awvalid, l, 1),
		     wv = getb(top->m_lane_wvalid, l, 1);
		uint64_t ar[6] = {getb(top->m_lane_araddr, l * 64, 64), getb(top->m_lane_arlen, l * 8, 8),
				  getb(top->m_lane_arsize, l * 3, 3), getb(top->m_lane_arburst, l * 2, 2),
				  getb(top->m_lane_arid, l * 6, 6),
				  getb(top->m_lane_arcache, l * 4, 4) << 4 | getb(top->m_lane_arprot, l * 3, 3)};
		uint64_t aw[6] = {getb(top->m_lane_awaddr, l * 64, 64), getb(top->m_lane_awlen, l * 8, 8),
				  getb(top->m_lane_awsize, l * 3, 3), getb(top->m_lane_awburst, l * 2, 2),
				  getb(top->m_lane_awid, l * 6, 6),
				  getb(top->m_lane_awcache, l * 4, 4) << 4 | getb(top->m_lane_awprot, l * 3, 3)};
		uint8_t w[DWB + DWB / 8 + 1];
		getbytes(top->m_lane_wdata, l * DWB * 8, w, DWB);
		uint32_t wstrb = (uint32_t)getb(top->m_lane_wstrb, l * DWB, DWB);
		w[DWB] = (uint8_t)wstrb;
		w[DWB + 1] = (uint8_t)(wstrb >> 8);
		w[DWB + 2] = (uint8_t)getb(top->m_lane_wlast, l, 1);
		PROTO(!P.ar_wait || (arv && !memcmp(ar, P.ar_sig, sizeof(ar))),
		      "lane %u AR dropped/changed before ARREADY", l);
		PROTO(!P.aw_wait || (awv && !memcmp(aw, P.aw_sig, sizeof(aw))),
		      "lane %u AW dropped/changed before AWREADY", l);
		PROTO(!P.w_wait || (wv && !memcmp(w, P.w_sig, sizeof(w))),
		      "lane %u W dropped/changed before WREADY", l);
		P.ar_wait = arv && !P.arready;
		P.aw_wait = awv && !P.awready;
		P.w_wait = wv && !P.wready;
		memcpy(P.ar_sig, ar, sizeof(ar));
		memcpy(P.aw_sig, aw, sizeof(aw));
		memcpy(P.w_sig, w, sizeof(w));
		for (int d = 0; d < 2; d++) {
			const uint64_t *s = d ? aw : ar;
			if (!(d ? awv : arv))
				continue;
			uint64_t bytes = (s[1] + 1) << s[2];
			PROTO(((s[0] & 4095) + bytes) <= 4096, "lane %u %s burst 0x%" PRIx64 " + %" PRIu64
			      " crosses 4 KiB", l, d ? "AW" : "AR", s[0], bytes);
			PROTO(s[4] == expected_id(l), "lane %u %sID 0x%" PRIx64 ", want 0x%x", l,
			      d ? "AW" : "AR", s[4], expected_id(l));
			PROTO((s[5] >> 4) == 0xf && (s[5] & 7) == 2, "lane %u %sCACHE/PROT 0x%" PRIx64, l,
			      d ? "AW" : "AR", s[5]);
			PROTO(s[3] == 1 && s[2] <= 4, "lane %u %s burst type/size", l, d ? "AW" : "AR");
		}
		// AR accepted
		if (arv && P.arready) {
			MemPort::Burst B;
			B.addr = ar[0];
			B.len = (unsigned)ar[1];
			B.size = (unsigned)ar[2];
			B.bad = page_bad(B.addr);
			for (size_t i = 0; i < mem.inject.size(); i++)
				if (!mem.inject[i].wr && !mem.inject[i].used && mem.inject[i].addr == B.addr) {
					B.inj = (int)i;
					mem.inject[i].used = true;
					break;
				}
			P.rq.push_back(B);
			P.r_gap = (int)(rnd() % 3);
			P.n_ar++;
			P.ar_log.push_back({g_cycle, B.addr});
		}
		// R beat taken
		bool rr = getb(top->m_lane_rready, l, 1);
		if (P.r_valid && rr) {
			MemPort::Burst &B = P.rq.front();
			if (B.beat == B.len)
				P.rq.pop_front();
			else
				B.beat++;
			P.r_valid = false;
			P.r_gap = (int)(rnd() % 2);
		}
		// AW accepted
		if (awv && P.awready) {
			P.aw_have = true;
			P.aw = MemPort::Burst();
			P.aw.addr = aw[0];
			P.aw.len = (unsigned)aw[1];
			P.aw.size = (unsigned)aw[2];
			P.aw.bad = page_bad(P.aw.addr);
			for (size_t i = 0; i < mem.inject.size(); i++)
				if (mem.inject[i].wr && !mem.inject[i].used && mem.inject[i].addr == P.aw.addr) {
					P.aw.inj = (int)i;
					mem.inject[i].used = true;
					break;
				}
			P.n_aw++;
			P.aw_log.push_back({g_cycle, P.aw.addr});
		}
		if (wv && P.wready) {
			std::vector<uint8_t> d(w, w + DWB), st(DWB);
			for (unsigned b = 0; b < DWB; b++)
				st[b] = (wstrb >> b) & 1;
			P.wbeats.push_back(d);
			P.wstrbs.push_back(st);
			PROTO(!P.aw_have || P.wbeats.size() <= P.aw.len + 1u, "lane %u more W beats than AWLEN+1", l);
			bool want_last = P.aw_have && P.wbeats.size() == P.aw.len + 1u;
			PROTO(!P.aw_have || (w[DWB + 2] != 0) == want_last, "lane %u WLAST on beat %zu of %u", l,
			      P.wbeats.size(), P.aw.len + 1);
		}
		if (P.b_valid && getb(top->m_lane_bready, l, 1)) {
			P.b_valid = false;
			P.aw_have = false;
			P.wbeats.clear();
			P.wstrbs.clear();
		} else if (P.aw_have && !P.b_valid && P.b_gap == 0 && P.wbeats.size() == P.aw.len + 1u) {
			bool err = P.aw.bad || P.aw.inj >= 0;
			P.b_resp = P.aw.bad ? 3 : P.aw.inj >= 0 ? mem.inject[(size_t)P.aw.inj].resp : 0;
			if (!err) {
				uint64_t a = P.aw.addr & ~(uint64_t)(DWB - 1);
				for (size_t k = 0; k < P.wbeats.size(); k++)
					for (unsigned b = 0; b < DWB; b++)
						if (P.wstrbs[k][b])
							mem.wr8(a + k * DWB + b, P.wbeats[k][b]);
			}
			P.b_gap = 1 + (int)(rnd() % 3);
		}
	}
	// ---- lanes (s_lane_*): the shell's answers, and the lanes' engines
	for (unsigned l = 0; l < NL; l++) {
		Lane &L = lanes[l];
		bool in_reset = !getb(top->lane_rst_n, l, 1);
		if (in_reset) {
			if (!L.in_reset_prev)
				L.resets++;
			L.reset();
			L.in_reset_prev = true;
			continue;
		}
		L.in_reset_prev = false;
		bool arr = getb(top->s_lane_arready, l, 1), rv = getb(top->s_lane_rvalid, l, 1);
		bool awr = getb(top->s_lane_awready, l, 1), wr = getb(top->s_lane_wready, l, 1);
		bool bv = getb(top->s_lane_bvalid, l, 1);
		PROTO(!rv || L.r_outstanding, "lane %u: R beat without an outstanding read", l);
		PROTO(!bv || L.b_outstanding, "lane %u: B without an outstanding write", l);
		if (!L.op_active && !L.ops.empty()) {
			L.cur = L.ops.front();
			L.ops.pop_front();
			L.op_active = true;
			if (L.cur.kind == LaneOp::READ) {
				L.ar_valid = true;
				L.r_got = 0;
				L.r_data.clear();
			} else if (L.cur.kind == LaneOp::WRITE) {
				if (L.cur.src)
					L.cur.data = *L.cur.src;   // what the previous read returned
				if (L.cur.data.size() < L.cur.beats * DWB)
					L.cur.data.resize(L.cur.beats * DWB, 0);
				L.aw_valid = true;
				L.w_active = true;
				L.w_sent = 0;
				L.b_count = 0;
			} else if (L.cur.kind == LaneOp::CALL) {
				L.cur.call();
				L.op_active = false;
			}   // HANG: stays active forever
			continue;
		}
		if (!L.op_active)
			continue;
		if (L.cur.kind == LaneOp::READ) {
			if (L.ar_valid && arr) {
				L.ar_valid = false;
				L.r_outstanding = true;
				L.bursts_r++;
			}
			if (rv && L.r_ready) {
				uint8_t d[DWB];
				getbytes(top->s_lane_rdata, l * DWB * 8, d, DWB);
				L.r_data.insert(L.r_data.end(), d, d + DWB);
				L.r_got++;
				bool last = getb(top->s_lane_rlast, l, 1);
				PROTO(getb(top->s_lane_rid, l, 1) == 0, "lane %u RID changed", l);
				PROTO(last == (L.r_got == L.cur.beats), "lane %u RLAST on beat %u of %u", l,
				      L.r_got, L.cur.beats);
				if (L.r_got == L.cur.beats) {
					L.r_outstanding = false;
					L.op_active = false;
					if (L.cur.on_read)
						L.cur.on_read(L.r_data);
				}
			}
		} else if (L.cur.kind == LaneOp::WRITE) {
			if (L.aw_valid && awr) {
				L.aw_valid = false;
				L.b_outstanding = true;
			}
			if (L.w_valid_now && wr) {
				L.w_sent++;
				L.w_valid_now = false;
				if (L.w_sent == L.cur.beats)
					L.w_active = false;
			}
			if (bv && L.b_ready) {
				PROTO(!L.w_active && !L.aw_valid, "lane %u: B before the last W beat", l);
				L.b_outstanding = false;
				L.op_active = false;
				L.bursts_w++;
			}
		}
	}
}

static void tick()
{
	drive();
	top->ap_clk = 0;
	top->eval();
	observe();
	top->ap_clk = 1;
	top->eval();
	g_cycle++;
}

// ------------------------------------------------------- host operations
static uint32_t host_read(uint32_t off, unsigned *resp = nullptr)
{
	host.araddr = off;
	host.arvalid = true;
	host.expect_r = 1;
	for (int i = 0; i < 1000; i++) {
		drive();
		top->ap_clk = 0;
		top->eval();
		bool acc = top->s_axi_ctl_arready;
		observe();
		top->ap_clk = 1;
		top->eval();
		g_cycle++;
		if (acc) {
			host.arvalid = false;
			break;
		}
	}
	uint32_t v = 0;
	for (int i = 0; i < 1000; i++) {
		host.rready = chance(60);
		drive();
		top->ap_clk = 0;
		top->eval();
		bool got = top->s_axi_ctl_rvalid && host.rready;
		if (got) {
			v = top->s_axi_ctl_rdata;
			if (resp)
				*resp = top->s_axi_ctl_rresp;
		}
		observe();
		top->ap_clk = 1;
		top->eval();
		g_cycle++;
		if (got) {
			host.rready = false;
			host.expect_r = 0;
			return v;
		}
	}
	fail("s_axi_ctl read of 0x%05x: no response", off);
	host.rready = false;
	host.expect_r = 0;
	return 0xdeadbeef;
}

static unsigned host_write(uint32_t off, uint32_t val, uint8_t strb = 0xf)
{
	// AW and W presented with an independent random skew
	bool aw_done = false, w_done = false;
	int aw_delay = (int)(rnd() % 3), w_delay = (int)(rnd() % 3);
	host.awaddr = off;
	host.wdata = val;
	host.wstrb = strb;
	host.expect_b = 1;
	for (int i = 0; i < 1000 && !(aw_done && w_done); i++) {
		host.awvalid = !aw_done && aw_delay-- <= 0;
		host.wvalid = !w_done && w_delay-- <= 0;
		drive();
		top->ap_clk = 0;
		top->eval();
		bool a = host.awvalid && top->s_axi_ctl_awready, w = host.wvalid && top->s_axi_ctl_wready;
		observe();
		top->ap_clk = 1;
		top->eval();
		g_cycle++;
		aw_done |= a;
		w_done |= w;
	}
	host.awvalid = host.wvalid = false;
	for (int i = 0; i < 1000; i++) {
		host.bready = chance(60);
		drive();
		top->ap_clk = 0;
		top->eval();
		bool got = top->s_axi_ctl_bvalid && host.bready;
		unsigned r = top->s_axi_ctl_bresp;
		observe();
		top->ap_clk = 1;
		top->eval();
		g_cycle++;
		if (got) {
			host.bready = false;
			host.expect_b = 0;
			return r;
		}
	}
	fail("s_axi_ctl write of 0x%05x: no response", off);
	host.bready = false;
	host.expect_b = 0;
	return 0xff;
}

static void run(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		tick();
}

static uint32_t ctx_off(unsigned n, uint32_t reg) { return FSVM_CTX_OFF(n) + reg; }
static uint32_t cr(unsigned n, uint32_t reg) { return host_read(ctx_off(n, reg)); }
static void cw(unsigned n, uint32_t reg, uint32_t v)
{
	unsigned r = host_write(ctx_off(n, reg), v);
	CHECK_EQ(r, 0);
}

static uint64_t dev_time()
{
	uint64_t lo = host_read(FSVM_REG_TIME_LO);
	uint64_t hi = host_read(FSVM_REG_TIME_HI);
	return hi << 32 | lo;
}

// Wait until READ_INDEX of context n reaches want (or a cycle budget runs out).
static bool wait_index(unsigned n, uint32_t want, unsigned budget = 200000)
{
	uint64_t end = g_cycle + budget;
	while (g_cycle < end) {
		if (cr(n, FSVM_CTX_READ_INDEX) == want)
			return true;
		run(20);
	}
	fail("context %u: READ_INDEX %u, want %u", n, cr(n, FSVM_CTX_READ_INDEX), want);
	return false;
}

static bool wait_idle(unsigned n, unsigned budget = 200000)
{
	uint64_t end = g_cycle + budget;
	while (g_cycle < end) {
		if (!(cr(n, FSVM_CTX_STATUS) & FSVM_CSTAT_BUSY))
			return true;
		run(20);
	}
	fail("context %u stays BUSY", n);
	return false;
}

// ----------------------------------------------------- ring / packets
struct Ring {
	unsigned ctx;
	uint64_t base;
	uint32_t size;
};

static uint64_t ring_base(unsigned n) { return 0x100000ull + 0x10000ull * n; }
static uint64_t cpl_va(unsigned n, uint32_t i) { return 0x200000ull + 0x10000ull * n + 64ull * (i % 64); }

static void put_packet(const Ring &r, uint32_t i, uint8_t type, uint8_t flags, uint16_t kid,
		       const std::vector<uint64_t> &args, uint64_t cva, uint64_t tag)
{
	uint64_t p = r.base + 64ull * (i & (r.size - 1));
	for (unsigned b = 0; b < 64; b++)
		mem.wr8(p + b, 0);
	mem.wr8(p + FSVM_PKT_OFF_FLAGS, flags);
	mem.wr8(p + FSVM_PKT_OFF_KERNEL_ID, (uint8_t)kid);
	mem.wr8(p + FSVM_PKT_OFF_KERNEL_ID + 1, (uint8_t)(kid >> 8));
	mem.wr32(p + FSVM_PKT_OFF_GRID_SIZE, 1);
	for (size_t a = 0; a < args.size(); a++)
		mem.wr64(p + FSVM_PKT_OFF_ARGS + 8 * a, args[a]);
	mem.wr64(p + FSVM_PKT_OFF_COMPLETION, cva);
	mem.wr64(p + FSVM_PKT_OFF_USER_TAG, tag);
	mem.wr8(p + FSVM_PKT_OFF_TYPE, type);   // last, as the host does
	if (cva) {
		for (unsigned b = 0; b < FSVM_CPL_BYTES; b++)
			mem.wr8(cva + b, 0xee);
		mem.wr32(cva + FSVM_CPL_OFF_STATUS, FSVM_ST_PENDING);
	}
}

static void put_nop(const Ring &r, uint32_t i, uint8_t flags = 0)
{
	put_packet(r, i, FSVM_PKT_KERNEL, flags, FSVM_K_NOP, {}, cpl_va(r.ctx, i), 0x1000 + i);
}

static void put_memcpy(const Ring &r, uint32_t i, uint64_t dst, uint64_t src, uint64_t n, uint8_t flags = 0)
{
	put_packet(r, i, FSVM_PKT_KERNEL, flags, FSVM_K_MEMCPY, {dst, src, n}, cpl_va(r.ctx, i), 0x2000 + i);
}

static Ring setup_ring(unsigned n, uint32_t size, bool irq = true)
{
	Ring r{n, ring_base(n), size};
	for (uint32_t i = 0; i < size; i++)
		for (unsigned b = 0; b < 64; b++)
			mem.wr8(r.base + 64ull * i + b, 0);
	cw(n, FSVM_CTX_CONTROL, 0);
	cw(n, FSVM_CTX_RING_BASE_LO, (uint32_t)r.base);
	cw(n, FSVM_CTX_RING_BASE_HI, (uint32_t)(r.base >> 32));
	cw(n, FSVM_CTX_RING_SIZE, size);
	cw(n, FSVM_CTX_CONTROL, FSVM_CTRL_ENABLE | (irq ? FSVM_CTRL_IRQ_EN : 0));
	CHECK_EQ(cr(n, FSVM_CTX_STATUS) & (FSVM_CSTAT_ENABLED | FSVM_CSTAT_BAD_RING), FSVM_CSTAT_ENABLED);
	CHECK_EQ(cr(n, FSVM_CTX_READ_INDEX), 0);
	return r;
}

struct Cpl {
	uint32_t status, synd;
	uint64_t fva, start, end, cycles, bytes;
	uint32_t items;
};
static Cpl cpl(uint64_t va)
{
	Cpl c;
	c.status = mem.rd32(va + FSVM_CPL_OFF_STATUS);
	c.synd = mem.rd32(va + FSVM_CPL_OFF_SYNDROME);
	c.fva = mem.rd64(va + FSVM_CPL_OFF_FAULT_VA);
	c.start = mem.rd64(va + FSVM_CPL_OFF_START);
	c.end = mem.rd64(va + FSVM_CPL_OFF_END);
	c.cycles = mem.rd64(va + FSVM_CPL_OFF_CYCLES);
	c.bytes = mem.rd64(va + FSVM_CPL_OFF_BYTES);
	c.items = mem.rd32(va + FSVM_CPL_OFF_ITEMS);
	return c;
}

static void clear_irq(unsigned n)
{
	cw(n, FSVM_CTX_IRQ_STATUS, FSVM_IRQ_COMPLETION | FSVM_IRQ_FAULT);
	CHECK_EQ(cr(n, FSVM_CTX_IRQ_STATUS), 0);
}

static constexpr uint32_t SYND_EXT = FSVM_FAULT_EXTERNAL << FSVM_SYND_TYPE_SHIFT;

// ================================================================= tests

static void t_id_page()
{
	unsigned resp = 9;
	CHECK_EQ(host_read(FSVM_REG_MAGIC, &resp), FSVM_HW_MAGIC);
	CHECK_EQ(resp, 0);
	CHECK_EQ(host_read(FSVM_REG_VERSION), FSVM_HW_VERSION);
	CHECK_EQ(host_read(FSVM_REG_FEATURES),
		 FSVM_FEAT_SVM | FSVM_FEAT_STALL | FSVM_FEAT_TIMESTAMPS | FSVM_FEAT_HUGE_PAGES);
	CHECK_EQ(host_read(FSVM_REG_CLOCK_HZ), CLOCK_HZ);
	CHECK_EQ(host_read(FSVM_REG_NUM_CONTEXTS), NC);
	CHECK_EQ(host_read(FSVM_REG_NUM_KERNELS), FSVM_K_COUNT);
	CHECK_EQ(host_read(FSVM_REG_MAX_INLINE), FSVM_INLINE_ARGS);
	CHECK_EQ(host_read(FSVM_REG_AXI_DATA_BITS), DWB * 8);
	// the clock runs, TIME_HI is latched by TIME_LO
	uint64_t c0 = g_cycle;
	uint64_t t0 = dev_time();
	run(100);
	uint64_t t1 = dev_time();
	CHECK(t1 > t0 + 100 && t1 - t0 <= g_cycle - c0);
	CHECK_EQ(t0 >> 32, 0);
	// reserved offsets of the id page read 0 with OKAY
	for (uint32_t off : {0x028u, 0x100u, 0xffcu}) {
		CHECK_EQ(host_read(off, &resp), 0);
		CHECK_EQ(resp, 0);
	}
	// kernel table: the whole page against fsvm_kernel_table[] (the HLS ROM)
	const uint8_t *rom;
	uint32_t nb = tb_ktab_bytes(&rom);
	CHECK(nb >= FSVM_K_COUNT * FSVM_KDESC_BYTES);
	unsigned bad = 0;
	for (uint32_t o = 0; o < FSVM_PAGE_SIZE; o += 4) {
		uint32_t want = 0;
		if (o + 4 <= nb)
			want = rom[o] | (rom[o + 1] << 8) | (rom[o + 2] << 16) | ((uint32_t)rom[o + 3] << 24);
		uint32_t got = host_read(FSVM_KERNEL_TABLE_OFF + o, &resp);
		if (got != want || resp != 0) {
			if (bad++ < 4)
				fail("kernel table word 0x%03x: 0x%08x resp %u, want 0x%08x", o, got, resp, want);
		}
	}
	g_checks++;
	CHECK_EQ(bad, 0);
	// the entry ids and names as libfsvm reads them
	for (uint32_t k = 0; k < FSVM_K_COUNT; k++)
		CHECK_EQ(host_read(FSVM_KERNEL_TABLE_OFF + k * FSVM_KDESC_BYTES + FSVM_KDESC_OFF_ID), k);
}

static void t_bus_errors()
{
	unsigned resp;
	// id / kernel-table pages: writes answer OKAY and change nothing
	CHECK_EQ(host_write(FSVM_REG_MAGIC, 0x12345678), 0);
	CHECK_EQ(host_write(FSVM_KERNEL_TABLE_OFF + 8, 0x12345678), 0);
	CHECK_EQ(host_read(FSVM_REG_MAGIC), FSVM_HW_MAGIC);
	const uint8_t *rom;
	tb_ktab_bytes(&rom);
	CHECK_EQ(host_read(FSVM_KERNEL_TABLE_OFF + 8),
		 rom[8] | (rom[9] << 8) | (rom[10] << 16) | ((uint32_t)rom[11] << 24));
	// the hole: SLVERR, reads all ones
	CHECK_EQ(host_write(0x2000, 1), 2);
	CHECK_EQ(host_write(0xfffc, 1), 2);
	CHECK_EQ(host_read(0x2000, &resp), 0xffffffffu);
	CHECK_EQ(resp, 2);
	CHECK_EQ(host_read(0x8000, &resp), 0xffffffffu);
	CHECK_EQ(resp, 2);
	// an absent context page
	if (NC < FSVM_MAX_CONTEXTS) {
		CHECK_EQ(host_read(FSVM_CTX_OFF(NC) + FSVM_CTX_STREAM_ID, &resp), 0xffffffffu);
		CHECK_EQ(resp, 2);
		CHECK_EQ(host_write(FSVM_CTX_OFF(NC) + FSVM_CTX_CONTROL, 1), 2);
	}
	CHECK_EQ(host_read(FSVM_CTX_OFF(FSVM_MAX_CONTEXTS - 1), &resp), NC == 16 ? 0 : 0xffffffffu);
	// misaligned
	CHECK_EQ(host_read(FSVM_REG_MAGIC + 2, &resp), 0xffffffffu);
	CHECK_EQ(resp, 2);
	CHECK_EQ(host_write(ctx_off(0, FSVM_CTX_RING_SIZE) + 1, 8), 2);
	// context page: partial strobe is SLVERR and changes nothing
	CHECK_EQ(host_write(ctx_off(0, FSVM_CTX_RING_SIZE), 0, 0xf), 0);
	CHECK_EQ(host_write(ctx_off(0, FSVM_CTX_RING_SIZE), 0x80, 0x1), 2);
	CHECK_EQ(cr(0, FSVM_CTX_RING_SIZE), 0);
	// reserved context offsets read 0, writes to them and to RO registers are ignored
	for (unsigned n = 0; n < NC; n++) {
		CHECK_EQ(cr(n, FSVM_CTX_STREAM_ID), STREAM_ID_BASE + n);
		cw(n, FSVM_CTX_STREAM_ID, 0x77);
		CHECK_EQ(cr(n, FSVM_CTX_STREAM_ID), STREAM_ID_BASE + n);
		for (uint32_t off : {0x03cu, 0x100u, 0xffcu}) {
			CHECK_EQ(host_read(ctx_off(n, off), &resp), 0);
			CHECK_EQ(resp, 0);
			cw(n, off, 0xffffffff);
			CHECK_EQ(cr(n, off), 0);
		}
		cw(n, FSVM_CTX_READ_INDEX, 5);
		CHECK_EQ(cr(n, FSVM_CTX_READ_INDEX), 0);
		cw(n, FSVM_CTX_COMPLETED, 5);
		CHECK_EQ(cr(n, FSVM_CTX_COMPLETED), 0);
	}
	// a ring the shell refuses: BAD_RING, not enabled
	cw(0, FSVM_CTX_RING_BASE_LO, 0x100020);   // not 64-byte aligned
	cw(0, FSVM_CTX_RING_BASE_HI, 0);
	cw(0, FSVM_CTX_RING_SIZE, 8);
	cw(0, FSVM_CTX_CONTROL, FSVM_CTRL_ENABLE);
	CHECK_EQ(cr(0, FSVM_CTX_STATUS), FSVM_CSTAT_BAD_RING);
	CHECK_EQ(cr(0, FSVM_CTX_CONTROL), 0);
	cw(0, FSVM_CTX_RING_BASE_LO, 0x100000);
	cw(0, FSVM_CTX_RING_SIZE, 6);             // not a power of two
	cw(0, FSVM_CTX_CONTROL, FSVM_CTRL_ENABLE);
	CHECK_EQ(cr(0, FSVM_CTX_STATUS), FSVM_CSTAT_BAD_RING);
	// nothing ever reached a lane
	for (unsigned l = 0; l < NL; l++)
		CHECK_EQ(lanes[l].starts.size(), 0);
}

static void t_packet()
{
	const unsigned n = NC > 1 ? 1 : 0;
	Ring r = setup_ring(n, 8);
	uint64_t src = 0x400000, dst = 0x480000;
	mem.fill(src, 512, 0x11);
	put_memcpy(r, 0, dst, src, 512, FSVM_PKT_F_IRQ);
	CHECK_EQ(top->irq, 0);
	uint64_t t0 = dev_time();
	size_t d0 = lanes[n].starts.size(), c0 = lanes[NC + n].starts.size();
	cw(n, FSVM_CTX_DOORBELL, 1);
	wait_index(n, 1);
	uint64_t t1 = dev_time();
	// the dispatch lane was started once with the ring, size and index
	CHECK_EQ(lanes[n].starts.size(), d0 + 1);
	if (lanes[n].starts.size() == d0 + 1) {
		const auto &a = lanes[n].starts.back().regs;
		CHECK_EQ(a[FSVM_LANE_D_RING_LO / 4], (uint32_t)r.base);
		CHECK_EQ(a[FSVM_LANE_D_RING_HI / 4], (uint32_t)(r.base >> 32));
		CHECK_EQ(a[FSVM_LANE_D_RING_SIZE / 4], 8);
		CHECK_EQ(a[FSVM_LANE_D_INDEX / 4], 0);
	}
	CHECK(lanes[n].gie && lanes[n].ier);
	CHECK_EQ(lanes[NC + n].starts.size(), c0 + 1);
	if (lanes[NC + n].starts.size() == c0 + 1) {
		const auto &a = lanes[NC + n].starts.back().regs;
		CHECK_EQ(a[FSVM_LANE_C_VA_LO / 4], (uint32_t)cpl_va(n, 0));
		CHECK_EQ(a[FSVM_LANE_C_VA_HI / 4], 0);
	}
	// the kernel's data moved
	bool same = true;
	for (unsigned i = 0; i < 512; i++)
		same &= mem.rd8(dst + i) == mem.rd8(src + i);
	CHECK(same);
	// completion record
	Cpl c = cpl(cpl_va(n, 0));
	CHECK_EQ(c.status, FSVM_ST_DONE);
	CHECK_EQ(c.synd, 0);
	CHECK_EQ(c.fva, 0);
	CHECK(c.start >= t0 && c.start < c.end && c.end <= t1);
	CHECK_EQ(c.cycles, c.end - c.start);
	CHECK_EQ(c.bytes, 64 + 512 + 512);
	CHECK_EQ(c.items, 512);
	CHECK_EQ(mem.rd32(cpl_va(n, 0) + FSVM_CPL_OFF_TLB_HITS), 0);
	// registers
	CHECK_EQ(cr(n, FSVM_CTX_READ_INDEX), 1);
	CHECK_EQ(cr(n, FSVM_CTX_COMPLETED), 1);
	CHECK_EQ(cr(n, FSVM_CTX_DOORBELL), 1);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_COUNT), 0);
	CHECK_EQ(cr(n, FSVM_CTX_STATUS), FSVM_CSTAT_ENABLED);
	CHECK_EQ(cr(n, FSVM_CTX_IRQ_STATUS), FSVM_IRQ_COMPLETION);
	CHECK_EQ(top->irq, 1);
	// IRQ_STATUS is W1C: writing the other bit keeps it, writing it clears it
	cw(n, FSVM_CTX_IRQ_STATUS, FSVM_IRQ_FAULT);
	CHECK_EQ(cr(n, FSVM_CTX_IRQ_STATUS), FSVM_IRQ_COMPLETION);
	CHECK_EQ(top->irq, 1);
	cw(n, FSVM_CTX_IRQ_STATUS, FSVM_IRQ_COMPLETION);
	CHECK_EQ(cr(n, FSVM_CTX_IRQ_STATUS), 0);
	CHECK_EQ(top->irq, 0);
	// a second packet without F_IRQ: counters move on, no interrupt
	put_nop(r, 1);
	cw(n, FSVM_CTX_DOORBELL, 2);
	wait_index(n, 2);
	Cpl c2 = cpl(cpl_va(n, 1));
	CHECK_EQ(c2.status, FSVM_ST_DONE);
	CHECK(c2.start > c.end);
	CHECK_EQ(c2.bytes, 64);
	CHECK_EQ(cr(n, FSVM_CTX_COMPLETED), 2);
	CHECK_EQ(cr(n, FSVM_CTX_IRQ_STATUS), 0);
	CHECK_EQ(top->irq, 0);
	CHECK(!lanes[n].starts.empty());
	if (!lanes[n].starts.empty())
		CHECK_EQ(lanes[n].starts.back().regs[FSVM_LANE_D_INDEX / 4], 1);
	// IRQ_EN clear: IRQ_STATUS still records, the line stays low
	cw(n, FSVM_CTX_CONTROL, FSVM_CTRL_ENABLE);
	put_nop(r, 2, FSVM_PKT_F_IRQ);
	cw(n, FSVM_CTX_DOORBELL, 3);
	wait_index(n, 3);
	CHECK_EQ(cr(n, FSVM_CTX_IRQ_STATUS), FSVM_IRQ_COMPLETION);
	CHECK_EQ(top->irq, 0);
	cw(n, FSVM_CTX_CONTROL, FSVM_CTRL_ENABLE | FSVM_CTRL_IRQ_EN);
	CHECK_EQ(top->irq, 1);
	clear_irq(n);
	// an INVALID slot parks the context until the next doorbell
	cw(n, FSVM_CTX_DOORBELL, 4);
	run(400);
	CHECK_EQ(cr(n, FSVM_CTX_READ_INDEX), 3);
	CHECK_EQ(cr(n, FSVM_CTX_STATUS) & FSVM_CSTAT_BUSY, 0);
	size_t parked_starts = lanes[n].starts.size();
	run(400);
	CHECK_EQ(lanes[n].starts.size(), parked_starts);   // not polling
	put_nop(r, 3);
	cw(n, FSVM_CTX_DOORBELL, 4);
	wait_index(n, 4);
	CHECK_EQ(cpl(cpl_va(n, 3)).status, FSVM_ST_DONE);
}

static void t_all_contexts()
{
	std::vector<Ring> rs;
	for (unsigned n = 0; n < NC; n++) {
		rs.push_back(setup_ring(n, 4));
		mem.fill(0x600000 + 0x10000ull * n, 256, (uint8_t)(n * 40));
		put_memcpy(rs[n], 0, 0x700000 + 0x10000ull * n, 0x600000 + 0x10000ull * n, 256, FSVM_PKT_F_IRQ);
		put_nop(rs[n], 1);
	}
	for (unsigned n = 0; n < NC; n++)
		cw(n, FSVM_CTX_DOORBELL, 2);
	for (unsigned n = 0; n < NC; n++) {
		wait_index(n, 2);
		CHECK_EQ(cpl(cpl_va(n, 0)).status, FSVM_ST_DONE);
		CHECK_EQ(cpl(cpl_va(n, 1)).status, FSVM_ST_DONE);
		CHECK_EQ(mem.rd64(0x700000 + 0x10000ull * n + 248), mem.rd64(0x600000 + 0x10000ull * n + 248));
		CHECK_EQ(cr(n, FSVM_CTX_IRQ_STATUS), FSVM_IRQ_COMPLETION);
	}
	CHECK_EQ(top->irq, 1);
	for (unsigned n = 0; n < NC; n++) {
		CHECK_EQ(top->irq, 1);
		clear_irq(n);
	}
	CHECK_EQ(top->irq, 0);
	// every lane's traffic went out on its own port (IDs are asserted there)
	for (unsigned l = 0; l < NL; l++)
		CHECK(mport[l].n_ar + mport[l].n_aw > 0);
}

static void t_doorbell_overrun()
{
	const unsigned n = 0;
	Ring r = setup_ring(n, 4);
	for (uint32_t i = 0; i < 4; i++)
		put_nop(r, i);
	size_t ar0 = mport[n].ar_log.size();
	cw(n, FSVM_CTX_DOORBELL, 4 + 3);   // 7 packets in a ring of 4
	wait_index(n, 7);
	CHECK_EQ(cr(n, FSVM_CTX_COMPLETED), 7);
	// every slot read stayed inside the ring
	bool inside = true;
	for (size_t i = ar0; i < mport[n].ar_log.size(); i++) {
		uint64_t a = mport[n].ar_log[i].second;
		inside &= a >= r.base && a < r.base + 64ull * r.size;
	}
	CHECK(inside);
	CHECK_EQ(mport[n].ar_log.size() - ar0, 7);
	// and the next one runs
	put_nop(r, 7);
	cw(n, FSVM_CTX_DOORBELL, 8);
	wait_index(n, 8);
	CHECK_EQ(cpl(cpl_va(n, 7)).status, FSVM_ST_DONE);
	// ABORT with an overrun doorbell (queued while disabled): only the last
	// ring_size packets exist, and those are completed as ABORTED
	cw(n, FSVM_CTX_CONTROL, 0);
	for (uint32_t i = 8; i < 12; i++)
		put_nop(r, i);
	cw(n, FSVM_CTX_DOORBELL, 8 + 10);
	run(200);
	CHECK_EQ(cr(n, FSVM_CTX_READ_INDEX), 8);
	cw(n, FSVM_CTX_CONTROL, FSVM_CTRL_ABORT);
	wait_index(n, 18);
	run(200);
	CHECK_EQ(cr(n, FSVM_CTX_CONTROL) & FSVM_CTRL_ABORT, 0);
	// indices 14..17 are slots 2, 3, 0, 1: the packets written as 10, 11, 8, 9
	for (uint32_t i = 8; i < 12; i++)
		CHECK_EQ(cpl(cpl_va(n, i)).status, FSVM_ST_ABORTED);
	CHECK_EQ(cr(n, FSVM_CTX_COMPLETED), 8 + 4);
	clear_irq(n);
}

static void t_ring_fault()
{
	const unsigned n = NC - 1;
	Ring r = setup_ring(n, 8);
	put_nop(r, 0, FSVM_PKT_F_IRQ);
	mem.bad_pages.insert(r.base >> 12);
	cw(n, FSVM_CTX_DOORBELL, 1);
	wait_index(n, 1);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_COUNT), 1);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_PACKET), 0);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_VA_LO), (uint32_t)r.base);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_VA_HI), 0);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_SYND), SYND_EXT | FSVM_SYND_PACKET);
	CHECK_EQ(cr(n, FSVM_CTX_STATUS), FSVM_CSTAT_ENABLED | FSVM_CSTAT_FAULTED);
	CHECK_EQ(cr(n, FSVM_CTX_IRQ_STATUS), FSVM_IRQ_FAULT);
	CHECK_EQ(cr(n, FSVM_CTX_COMPLETED), 1);
	CHECK_EQ(top->irq, 1);
	// the completion address was never learnt: nothing written there
	CHECK_EQ(mem.rd32(cpl_va(n, 0)), FSVM_ST_PENDING);
	clear_irq(n);
	// the shell stays usable: the page comes back, the next packet runs
	mem.bad_pages.clear();
	put_nop(r, 1);
	cw(n, FSVM_CTX_DOORBELL, 2);
	wait_index(n, 2);
	CHECK_EQ(cpl(cpl_va(n, 1)).status, FSVM_ST_DONE);
	CHECK_EQ(cr(n, FSVM_CTX_STATUS), FSVM_CSTAT_ENABLED | FSVM_CSTAT_FAULTED);   // sticky
	// re-enabling clears FAULTED and the counters
	cw(n, FSVM_CTX_CONTROL, 0);
	cw(n, FSVM_CTX_CONTROL, FSVM_CTRL_ENABLE);
	CHECK_EQ(cr(n, FSVM_CTX_STATUS), FSVM_CSTAT_ENABLED);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_COUNT), 0);
	CHECK_EQ(cr(n, FSVM_CTX_COMPLETED), 0);
	// a completion address that faults: the record's write is a PACKET fault
	put_nop(r, 0);
	uint64_t cva = cpl_va(n, 0);
	mem.bad_pages.insert(cva >> 12);
	cw(n, FSVM_CTX_DOORBELL, 1);
	wait_index(n, 1);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_COUNT), 1);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_SYND), SYND_EXT | FSVM_SYND_PACKET | FSVM_SYND_WRITE);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_VA_LO), (uint32_t)((cva + FSVM_CPL_OFF_SYNDROME) & ~15ull));
	mem.bad_pages.clear();
	clear_irq(n);
	put_nop(r, 1);
	cw(n, FSVM_CTX_DOORBELL, 2);
	wait_index(n, 2);
	CHECK_EQ(cpl(cpl_va(n, 1)).status, FSVM_ST_DONE);
}

static void t_abort()
{
	const unsigned n = 0;
	Ring r = setup_ring(n, 8);
	uint64_t src = 0x800000, dst = 0x900000;
	const uint32_t len = 32768;
	mem.fill(src, len, 0x33);
	for (uint32_t i = 0; i < len; i++)
		mem.wr8(dst + i, 0);
	put_memcpy(r, 0, dst, src, len, FSVM_PKT_F_IRQ);
	put_nop(r, 1, FSVM_PKT_F_IRQ);
	put_nop(r, 2);
	cw(n, FSVM_CTX_DOORBELL, 3);
	// wait until the kernel is under way
	uint64_t end = g_cycle + 100000;
	while (lanes[n].bursts_w < 4 && g_cycle < end)
		tick();
	CHECK(lanes[n].bursts_w >= 4);
	cw(n, FSVM_CTX_CONTROL, FSVM_CTRL_ENABLE | FSVM_CTRL_IRQ_EN | FSVM_CTRL_ABORT);
	uint64_t t_abort = g_cycle;
	wait_index(n, 3);
	run(100);
	CHECK_EQ(cr(n, FSVM_CTX_CONTROL) & FSVM_CTRL_ABORT, 0);
	for (uint32_t i = 0; i < 3; i++)
		CHECK_EQ(cpl(cpl_va(n, i)).status, FSVM_ST_ABORTED);
	CHECK_EQ(cr(n, FSVM_CTX_COMPLETED), 3);
	CHECK_EQ(cr(n, FSVM_CTX_IRQ_STATUS), FSVM_IRQ_COMPLETION);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_COUNT), 0);
	if (cr(n, FSVM_CTX_FAULT_COUNT))
		fprintf(stderr, "  fault va 0x%08x synd 0x%x packet %u\n", cr(n, FSVM_CTX_FAULT_VA_LO),
			cr(n, FSVM_CTX_FAULT_SYND), cr(n, FSVM_CTX_FAULT_PACKET));
	// the kernel's traffic stopped: at most the burst in flight reached memory
	unsigned late = 0;
	for (auto &e : mport[n].aw_log)
		if (e.first > t_abort + 2 && e.second >= dst && e.second < dst + len)
			late++;
	CHECK(late <= 1);
	CHECK(mem.rd64(dst + len - 8) != mem.rd64(src + len - 8));
	clear_irq(n);
	// usable again
	put_memcpy(r, 3, dst, src, 256);
	cw(n, FSVM_CTX_DOORBELL, 4);
	wait_index(n, 4);
	CHECK_EQ(cpl(cpl_va(n, 3)).status, FSVM_ST_DONE);
	CHECK_EQ(cpl(cpl_va(n, 3)).bytes, 64 + 256 + 256);
}

// ABORT written while the dispatch lane is still reading its ring slot (the
// device model once lost that packet's record: test_core abort_during_fetch).
// The slot's R beats are held at the memory from beat `k` on (0: none has
// arrived; 3: the beat with completion_va is the one outstanding), ABORT is
// written, then the beats are released: the packet must end ABORTED with its
// record written, and so must every queued packet.
static void t_abort_during_fetch()
{
	const unsigned n = NC > 1 ? 1 : 0;
	uint64_t src = 0xe00000, dst = 0xe80000;
	const uint32_t len = 4096;
	mem.fill(src, len, 0x21);
	for (unsigned k : {0u, 3u}) {
		Ring r = setup_ring(n, 8);
		for (uint32_t i = 0; i < len; i++)
			mem.wr8(dst + i, 0x5c);
		put_nop(r, 0, FSVM_PKT_F_IRQ);
		put_memcpy(r, 1, dst, src, len);
		put_nop(r, 2);
		MemPort &P = mport[n];
		P.hold = true;
		P.hold_addr = r.base;
		P.hold_beat = k;
		size_t d0 = lanes[n].starts.size(), c0 = lanes[NC + n].starts.size();
		cw(n, FSVM_CTX_DOORBELL, 3);
		uint64_t end = g_cycle + 20000;
		auto at_hold = [&]() {
			return !P.rq.empty() && P.rq.front().addr == r.base && P.rq.front().beat == k && !P.r_valid;
		};
		while (!at_hold() && g_cycle < end)
			tick();
		CHECK(at_hold());
		CHECK_EQ(lanes[n].starts.size(), d0 + 1);
		cw(n, FSVM_CTX_CONTROL, FSVM_CTRL_ENABLE | FSVM_CTRL_IRQ_EN | FSVM_CTRL_ABORT);
		run(200);
		// ABORT landed while the slot read was still outstanding
		CHECK(at_hold());
		CHECK(lanes[n].r_outstanding);
		CHECK_EQ(cr(n, FSVM_CTX_READ_INDEX), 0);
		CHECK(cr(n, FSVM_CTX_STATUS) & FSVM_CSTAT_BUSY);
		P.hold = false;
		wait_index(n, 3);
		run(100);
		CHECK_EQ(cr(n, FSVM_CTX_CONTROL) & FSVM_CTRL_ABORT, 0);
		CHECK_EQ(cr(n, FSVM_CTX_STATUS) & FSVM_CSTAT_BUSY, 0);
		for (uint32_t i = 0; i < 3; i++) {
			Cpl c = cpl(cpl_va(n, i));
			CHECK_EQ(c.status, FSVM_ST_ABORTED);
			CHECK_EQ(c.synd, 0);
			CHECK_EQ(c.fva, 0);
			CHECK(c.start != 0xeeeeeeeeeeeeeeeeull && c.end >= c.start);
			CHECK_EQ(c.items, 0);
		}
		// the fetched packet's own record: its slot read is all it moved
		CHECK_EQ(cpl(cpl_va(n, 0)).bytes, 64);
		CHECK_EQ(cr(n, FSVM_CTX_COMPLETED), 3);
		CHECK_EQ(cr(n, FSVM_CTX_FAULT_COUNT), 0);
		CHECK_EQ(cr(n, FSVM_CTX_IRQ_STATUS), FSVM_IRQ_COMPLETION);
		CHECK_EQ(lanes[NC + n].starts.size(), c0 + 3);
		CHECK_EQ(mem.rd64(dst), 0x5c5c5c5c5c5c5c5cull);   // the queued memcpy never ran
		clear_irq(n);
		// the context goes on
		put_nop(r, 3);
		cw(n, FSVM_CTX_DOORBELL, 4);
		wait_index(n, 4);
		CHECK_EQ(cpl(cpl_va(n, 3)).status, FSVM_ST_DONE);
		CHECK_EQ(cr(n, FSVM_CTX_COMPLETED), 4);
	}
}

static void t_enable_toggle()
{
	const unsigned n = 0;
	Ring r = setup_ring(n, 8);
	uint64_t src = 0xa00000, dst = 0xa80000;
	mem.fill(src, 8192, 0x55);
	put_memcpy(r, 0, dst, src, 8192);
	put_nop(r, 1);
	cw(n, FSVM_CTX_DOORBELL, 2);
	uint64_t end = g_cycle + 100000;
	while (lanes[n].bursts_w < 2 && g_cycle < end)
		tick();
	CHECK(cr(n, FSVM_CTX_STATUS) & FSVM_CSTAT_BUSY);
	// disable while busy: the current packet finishes, the next does not start
	cw(n, FSVM_CTX_CONTROL, 0);
	CHECK_EQ(cr(n, FSVM_CTX_STATUS) & FSVM_CSTAT_ENABLED, 0);
	wait_idle(n);
	CHECK_EQ(cr(n, FSVM_CTX_READ_INDEX), 1);
	CHECK_EQ(cpl(cpl_va(n, 0)).status, FSVM_ST_DONE);
	CHECK_EQ(mem.rd64(dst + 8192 - 8), mem.rd64(src + 8192 - 8));
	run(500);
	CHECK_EQ(cr(n, FSVM_CTX_READ_INDEX), 1);
	CHECK_EQ(mem.rd32(cpl_va(n, 1)), FSVM_ST_PENDING);
	// enabled again: the ring restarts at 0
	cw(n, FSVM_CTX_CONTROL, FSVM_CTRL_ENABLE);
	CHECK_EQ(cr(n, FSVM_CTX_READ_INDEX), 0);
	// now toggle off and on while a packet runs: it is not counted
	put_memcpy(r, 0, dst, src, 8192);
	cw(n, FSVM_CTX_DOORBELL, 1);
	size_t w0 = lanes[n].bursts_w;
	end = g_cycle + 100000;
	while (lanes[n].bursts_w < w0 + 2 && g_cycle < end)
		tick();
	cw(n, FSVM_CTX_CONTROL, 0);
	cw(n, FSVM_CTX_CONTROL, FSVM_CTRL_ENABLE);
	CHECK(cr(n, FSVM_CTX_STATUS) & FSVM_CSTAT_BUSY);
	wait_idle(n);
	CHECK_EQ(cr(n, FSVM_CTX_READ_INDEX), 0);
	CHECK_EQ(cr(n, FSVM_CTX_COMPLETED), 0);
	put_nop(r, 0);
	cw(n, FSVM_CTX_DOORBELL, 1);
	wait_index(n, 1);
	CHECK_EQ(cpl(cpl_va(n, 0)).status, FSVM_ST_DONE);
	CHECK_EQ(cr(n, FSVM_CTX_COMPLETED), 1);
	// CONTROL.RESET: ignored while enabled, clears the page when idle
	cw(n, FSVM_CTX_CONTROL, FSVM_CTRL_RESET);
	CHECK_EQ(cr(n, FSVM_CTX_CONTROL), FSVM_CTRL_ENABLE);
	CHECK_EQ(cr(n, FSVM_CTX_RING_SIZE), 8);
	cw(n, FSVM_CTX_CONTROL, FSVM_CTRL_IRQ_EN);
	cw(n, FSVM_CTX_IRQ_STATUS, 0);
	cw(n, FSVM_CTX_CONTROL, FSVM_CTRL_RESET | FSVM_CTRL_ENABLE);
	for (uint32_t reg = 0; reg <= FSVM_CTX_COMPLETED; reg += 4)
		CHECK_EQ(cr(n, reg), 0);
	CHECK_EQ(cr(n, FSVM_CTX_STREAM_ID), STREAM_ID_BASE + n);
}

static void t_watchdog()
{
	const unsigned n = NC > 2 ? 2 : 0;
	Ring r = setup_ring(n, 8);
	// 1. a dispatch lane that never finishes
	put_nop(r, 0, FSVM_PKT_F_IRQ);
	lanes[n].hang_next = true;
	unsigned resets = lanes[n].resets;
	cw(n, FSVM_CTX_DOORBELL, 1);
	wait_index(n, 1, WATCHDOG * 4 + 20000);
	CHECK_EQ(lanes[n].resets, resets + 1);
	Cpl c = cpl(cpl_va(n, 0));
	CHECK_EQ(c.status, FSVM_ST_FAULTED);
	CHECK_EQ(c.synd, SYND_EXT);
	CHECK_EQ(c.fva, 0);
	CHECK(c.cycles >= WATCHDOG);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_COUNT), 1);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_PACKET), 0);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_SYND), SYND_EXT);
	CHECK_EQ(cr(n, FSVM_CTX_IRQ_STATUS), FSVM_IRQ_FAULT | FSVM_IRQ_COMPLETION);
	CHECK_EQ(top->irq, 1);
	clear_irq(n);
	put_nop(r, 1);
	cw(n, FSVM_CTX_DOORBELL, 2);
	wait_index(n, 2);
	CHECK_EQ(cpl(cpl_va(n, 1)).status, FSVM_ST_DONE);
	// 2. a lane that stops in the middle of a write burst: the port finishes
	// the burst on the crossbar with WSTRB 0 while the lane is held in reset
	uint64_t src = 0xb00000, dst = 0xb80000;
	mem.fill(src, 512, 0x77);
	for (unsigned i = 0; i < 512; i++)
		mem.wr8(dst + i, 0xaa);
	put_memcpy(r, 2, dst, src, 512);
	lanes[n].hang_write_after = 3;
	resets = lanes[n].resets;
	size_t aw0 = mport[n].n_aw;
	cw(n, FSVM_CTX_DOORBELL, 3);
	wait_index(n, 3, WATCHDOG * 4 + 20000);
	CHECK_EQ(lanes[n].resets, resets + 1);
	CHECK_EQ(mport[n].n_aw, aw0 + 1);
	CHECK_EQ(cpl(cpl_va(n, 2)).status, FSVM_ST_FAULTED);
	bool first3 = true, rest = true;
	for (unsigned i = 0; i < 48; i++)
		first3 &= mem.rd8(dst + i) == mem.rd8(src + i);
	for (unsigned i = 48; i < 256; i++)
		rest &= mem.rd8(dst + i) == 0xaa;
	CHECK(first3);
	CHECK(rest);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_COUNT), 2);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_PACKET), 2);
	clear_irq(n);
	// 3. a complete lane that never finishes
	put_nop(r, 3);
	lanes[NC + n].hang_next = true;
	resets = lanes[NC + n].resets;
	cw(n, FSVM_CTX_DOORBELL, 4);
	wait_index(n, 4, WATCHDOG * 4 + 20000);
	CHECK_EQ(lanes[NC + n].resets, resets + 1);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_COUNT), 3);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_PACKET), 3);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_SYND), SYND_EXT | FSVM_SYND_PACKET | FSVM_SYND_WRITE);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_VA_LO), (uint32_t)cpl_va(n, 3));
	CHECK_EQ(mem.rd32(cpl_va(n, 3)), FSVM_ST_PENDING);
	clear_irq(n);
	put_nop(r, 4);
	cw(n, FSVM_CTX_DOORBELL, 5);
	wait_index(n, 5);
	CHECK_EQ(cpl(cpl_va(n, 4)).status, FSVM_ST_DONE);
	CHECK_EQ(cr(n, FSVM_CTX_COMPLETED), 5);
}

// An error response on one beat of a kernel burst: FAULTED with the burst's
// VA, the lane's later traffic stopped, the next packet fine.
static void slverr_case(unsigned n, Ring &r, uint32_t idx, bool wr, int beat, uint8_t resp)
{
	uint64_t src = 0xc00000 + 0x10000ull * idx, dst = 0xd00000 + 0x10000ull * idx;
	const uint32_t len = 1024;   // 4 bursts of 256 bytes
	mem.fill(src, len, (uint8_t)idx);
	for (uint32_t i = 0; i < len; i++)
		mem.wr8(dst + i, 0);
	uint64_t hit = (wr ? dst : src) + 256;   // the second burst
	mem.inject.push_back({wr, hit, beat, resp, false});
	put_memcpy(r, idx, dst, src, len, FSVM_PKT_F_IRQ);
	size_t aw0 = mport[n].aw_log.size(), ar0 = mport[n].ar_log.size();
	cw(n, FSVM_CTX_DOORBELL, idx + 1);
	wait_index(n, idx + 1);
	Cpl c = cpl(cpl_va(n, idx));
	CHECK_EQ(c.status, FSVM_ST_FAULTED);
	CHECK_EQ(c.fva, hit);
	CHECK_EQ(c.synd, SYND_EXT | (wr ? FSVM_SYND_WRITE : 0));
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_VA_LO), (uint32_t)hit);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_SYND), SYND_EXT | (wr ? FSVM_SYND_WRITE : 0));
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_PACKET), idx);
	CHECK_EQ(cr(n, FSVM_CTX_IRQ_STATUS), FSVM_IRQ_FAULT | FSVM_IRQ_COMPLETION);
	// nothing after the faulting burst reached memory
	CHECK_EQ(mport[n].ar_log.size() - ar0, 1 + 2);        // slot, burst 0, burst 1 (faults)
	CHECK_EQ(mport[n].aw_log.size() - aw0, wr ? 2 : 1);   // burst 0 (and the faulting one)
	CHECK_EQ(mem.rd64(dst + len - 8), 0);
	CHECK_EQ(mem.rd64(dst), mem.rd64(src));
	clear_irq(n);
	put_memcpy(r, idx + 1, dst, src, 256);
	cw(n, FSVM_CTX_DOORBELL, idx + 2);
	wait_index(n, idx + 2);
	CHECK_EQ(cpl(cpl_va(n, idx + 1)).status, FSVM_ST_DONE);
	CHECK_EQ(mem.rd64(dst + 248), mem.rd64(src + 248));
}

static void t_slverr()
{
	const unsigned n = NC > 3 ? 3 : 0;
	Ring r = setup_ring(n, 16);
	slverr_case(n, r, 0, false, 0, 2);    // SLVERR, first beat of a read burst
	slverr_case(n, r, 2, false, -1, 2);   // SLVERR, last beat
	slverr_case(n, r, 4, false, 7, 3);    // DECERR, a middle beat
	slverr_case(n, r, 6, true, 0, 2);     // SLVERR on B of a write burst
	slverr_case(n, r, 8, true, 0, 3);     // DECERR on B
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_COUNT), 5);
	CHECK_EQ(cr(n, FSVM_CTX_COMPLETED), 10);
	CHECK_EQ(cr(n, FSVM_CTX_STATUS), FSVM_CSTAT_ENABLED | FSVM_CSTAT_FAULTED);
}

// Packets the command processor refuses or that need no kernel.
static void t_packet_kinds()
{
	const unsigned n = 0;
	Ring r = setup_ring(n, 8);
	put_packet(r, 0, FSVM_PKT_BARRIER, 0, 0, {}, cpl_va(n, 0), 1);
	put_packet(r, 1, FSVM_PKT_KERNEL, 0, 99, {}, cpl_va(n, 1), 2);          // no such kernel
	put_packet(r, 2, 9, 0, 0, {}, cpl_va(n, 2), 3);                          // no such type
	put_packet(r, 3, FSVM_PKT_COMPILED, 0, 0, {0x1000}, cpl_va(n, 3), 4);   // no engine in silicon
	put_packet(r, 4, FSVM_PKT_KERNEL, 0, FSVM_K_NOP, {}, 0, 5);             // no record wanted
	put_packet(r, 5, FSVM_PKT_KERNEL, FSVM_PKT_F_IRQ, FSVM_K_NOP, {}, cpl_va(n, 5) + 4, 6);  // misaligned record
	put_nop(r, 6);
	size_t c0 = lanes[NC + n].starts.size();
	cw(n, FSVM_CTX_DOORBELL, 7);
	wait_index(n, 7);
	CHECK_EQ(cpl(cpl_va(n, 0)).status, FSVM_ST_DONE);
	CHECK_EQ(cpl(cpl_va(n, 1)).status, FSVM_ST_BAD_PACKET);
	CHECK_EQ(cpl(cpl_va(n, 2)).status, FSVM_ST_BAD_PACKET);
	CHECK_EQ(cpl(cpl_va(n, 3)).status, FSVM_ST_BAD_PACKET);
	CHECK_EQ(mem.rd32(cpl_va(n, 5) + 4), FSVM_ST_PENDING);   // nobody wrote the misaligned one
	CHECK_EQ(mem.rd64(cpl_va(n, 5) + 4 + FSVM_CPL_OFF_START), 0xeeeeeeeeeeeeeeeeull);
	CHECK_EQ(cpl(cpl_va(n, 6)).status, FSVM_ST_DONE);
	// the complete lane ran for every packet with a (valid) record address
	CHECK_EQ(lanes[NC + n].starts.size() - c0, 5);
	CHECK_EQ(cr(n, FSVM_CTX_COMPLETED), 7);
	CHECK_EQ(cr(n, FSVM_CTX_FAULT_COUNT), 0);
	CHECK_EQ(cr(n, FSVM_CTX_IRQ_STATUS), FSVM_IRQ_COMPLETION);
	clear_irq(n);
}

// ================================================================== main
struct TestCase {
	const char *name;
	void (*fn)();
};
static const TestCase tests[] = {
	{"id_page", t_id_page},         {"bus_errors", t_bus_errors},
	{"packet", t_packet},           {"packet_kinds", t_packet_kinds},
	{"all_contexts", t_all_contexts},
	{"doorbell_overrun", t_doorbell_overrun}, {"ring_fault", t_ring_fault},
	{"abort", t_abort},             {"abort_during_fetch", t_abort_during_fetch},
	{"enable_toggle", t_enable_toggle},
	{"watchdog", t_watchdog},       {"slverr", t_slverr},
};

static void reset_dut()
{
	top->ap_rst_n = 0;
	for (int i = 0; i < 8; i++)
		tick();
	top->ap_rst_n = 1;
	for (unsigned l = 0; l < NL; l++) {
		lanes[l].reset();
		lanes[l].in_reset_prev = false;
	}
	tick();
	tick();
}

int main(int argc, char **argv)
{
	auto vctx = std::make_unique<VerilatedContext>();
	vctx->commandArgs(argc, argv);
	top = std::make_unique<TB_MODEL>(vctx.get(), "top");
	for (unsigned l = 0; l < NL; l++) {
		lanes[l].idx = l;
		lanes[l].dispatch = l < NC;
	}
	std::set<std::string> want;
	for (int i = 1; i < argc; i++)
		if (argv[i][0] != '+')
			want.insert(argv[i]);
	unsigned ran = 0;
	for (const TestCase &t : tests) {
		if (!want.empty() && !want.count(t.name))
			continue;
		g_test = t.name;
		mem = Memory();
		for (auto &p : mport)
			p = MemPort();
		lite = LiteSlave();
		host = Host();
		reset_dut();
		unsigned f0 = g_fail, c0 = g_checks;
		uint64_t cy0 = g_cycle;
		t.fn();
		run(50);
		// every request answered by the end
		for (unsigned l = 0; l < NL; l++) {
			PROTO(!lanes[l].r_outstanding && !lanes[l].b_outstanding,
			      "lane %u: a request left without a response", l);
			PROTO(mport[l].rq.empty() && !mport[l].aw_have, "lane %u port: burst left open", l);
		}
		printf("%-18s %s  %u checks, %" PRIu64 " cycles\n", t.name, g_fail == f0 ? "ok  " : "FAIL",
		       g_checks - c0, g_cycle - cy0);
		ran++;
	}
	top->final();
	top.reset();
	if (!want.empty() && ran != want.size()) {
		fprintf(stderr, "unknown test name\n");
		return 2;
	}
	printf("tb_shell NUM_CONTEXTS=%u: %u tests, %u checks, %u protocol violations, %u failures\n", NC, ran,
	       g_checks, g_proto, g_fail);
	return g_fail ? 1 : 0;
}
