// SPDX-License-Identifier: MIT
//
// cosim_rtl.cpp - engine "rtl" of the simulator (fsvm_sim_engine.h): the
// Verilated shell (hw-kernels/rtl/fsvm_shell.v, FSVM_FEAT_SIMULATED in
// EXTRA_FEATURES) in place of the device model's register file and
// sequencer. Built as libfsvm-cosim-rtl.so (Verilator runtime inside) and
// loaded by hw-kernels/sim/sim_engine.c, so libfsvm never links Verilator.
//
// Around the Verilated fsvm_shell, all on the simulator's device thread:
//  - s_axi_ctl: the host's MMIO. Other threads queue their accesses (writes
//    are posted, as on a board's device memory; a read waits for its
//    answer); the device thread performs them as AXI4-Lite transactions;
//  - m_axi_lanes: a model of Vitis's s_axilite / ap_ctrl_hs block of each of
//    the 2*NC lanes (fsvm_lane_map.h: ap_ctrl with ap_start, ap_done clear
//    on read, ap_idle; GIE, IER, ISR toggle on write; arguments from 0x10;
//    the `interrupt` output = GIE & IER & ISR). ap_start runs the project's
//    HLS C as the lane's coroutine: fsvm_cp_dispatch (the device's kernel
//    table, built-in or plugin) on a dispatch lane, fsvm_cp_complete on a
//    complete lane;
//  - s_lane_*: each burst the lane's C code makes (fsvm_axi_read/write,
//    redirected) becomes one AXI4 burst of 16-byte beats (AR/R or AW/W/B)
//    that the lane drives into the shell while its C code waits. The C
//    code is a coroutine on the device thread that yields at each burst: the
//    shell is clocked only while every lane's C code waits on a burst or has
//    ended, so computation takes no device cycles;
//  - m_lane_*: what the shell's lane ports forward is answered through the
//    simulator (SMMU model with the StreamID of the AXI ID's context, then
//    the memory port), exactly as `sim` does; a terminated translation is
//    SLVERR on every R beat or on B, which the shell's monitor turns into
//    the fault record. It answers in the next cycle: no DDR or SMMU latency
//    is clocked, so the shell's cycle counts are no performance estimate;
//  - lane_rst_n (the shell's watchdog): the lane's pending burst and every
//    later one fail at once, its result is dropped;
//  - irq: the kernel module's handler (kmod/fsvm_of.c): while the line is
//    high, read each context's IRQ_STATUS, write it back, count.
// The device thread sleeps when no lane runs and the shell has been quiet
// for QUIET_CYCLES (the simulator's futex wait), so an idle device costs no
// CPU and TIME_LO/HI (the shell's cycle counter) stands still meanwhile.
#include <verilated.h>
#include COSIM_MODEL_HEADER

#include <atomic>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <type_traits>

#include <pthread.h>
#include <ucontext.h>

#include "fsvm_hw.h"
#include "fsvm_lane_map.h"
#include "fsvm_vl_bits.h"
#include "fsvm_sim_engine.h"

namespace {

constexpr unsigned NC = COSIM_NC;
constexpr unsigned NL = 2 * NC;
constexpr unsigned DWB = 16;            // DW = 128
constexpr uint32_t LANE_BASE = COSIM_LANE_BASE;
constexpr uint32_t LANE_STRIDE = COSIM_LANE_STRIDE;
constexpr unsigned QUIET_CYCLES = 64;   // no bus activity this long: idle
constexpr unsigned STEP_CYCLES = 4096;  // cycles per step() at most
constexpr unsigned LANE_REGS = 64;
constexpr unsigned RES_WORDS = 16;      // struct fsvm_cp_result, rounded up
constexpr unsigned REC_WORDS = FSVM_CPL_BYTES / 4;
constexpr unsigned BUF = FSVM_PAGE_SIZE + 2 * DWB;
static_assert(FSVM_LANE_D_RES / 4 + RES_WORDS <= LANE_REGS &&
	      FSVM_LANE_C_REC / 4 + REC_WORDS <= LANE_REGS, "lane arguments fit the register model");
constexpr size_t LANE_STACK = 1u << 20;   // the HLS C's frames are a few KiB

// ---------------------------------------------------- bit-slice helpers (getb/setb: fsvm_vl_bits.h)

// One 16-byte beat of a wide bus, lane l.
template <typename T> void get_beat(const T &v, unsigned l, uint8_t *out)
{
	for (unsigned q = 0; q < DWB / 8; q++) {
		uint64_t x = getb(v, l * DWB * 8 + q * 64, 64);
		memcpy(out + 8 * q, &x, 8);
	}
}

template <typename T> void set_beat(T &v, unsigned l, const uint8_t *in)
{
	for (unsigned q = 0; q < DWB / 8; q++) {
		uint64_t x;
		memcpy(&x, in + 8 * q, 8);
		setb(v, l * DWB * 8 + q * 64, 64, x);
	}
}

struct Engine;

// One HLS lane: its s_axilite block, its coroutine, its AXI master.
struct Lane {
	Engine *e = nullptr;
	unsigned idx = 0;
	bool dispatch = false;
	// s_axilite (device thread)
	uint32_t regs[LANE_REGS] = {};
	bool gie = false, ier = false, isr = false, running = false, done = false;
	bool in_reset = false;
	// the coroutine (device thread)
	enum Phase { IDLE, RUN, WAIT, FIN } phase = IDLE;
	bool started = false, killed = false, posted = false;
	ucontext_t uc;
	std::unique_ptr<uint8_t[]> stack;
	uint32_t args[LANE_REGS] = {};
	uint32_t out[RES_WORDS] = {};
	uint32_t ret = 0;
	uint64_t va = 0;
	uint32_t len = 0;
	uint8_t *rd = nullptr;
	const uint8_t *wr = nullptr;
	int result = 0;
	// the burst on s_lane_* (device thread)
	bool active = false, is_write = false, ar_valid = false, aw_valid = false;
	bool w_valid = false;
	unsigned beats = 0, w_sent = 0, r_got = 0;
	bool err = false;
	uint8_t buf[BUF] = {};
	uint8_t strb[BUF] = {};

	bool irq() const { return gie && ier && isr; }
};

// The crossbar behind one lane port (m_lane_*): one read and one write
// burst at a time, as the port issues them.
struct Port {
	bool r_busy = false;
	unsigned r_len = 0, r_beat = 0, r_id = 0;
	bool r_err = false;
	uint8_t rbuf[BUF] = {};
	bool aw_have = false, w_last = false, b_valid = false;
	uint64_t w_addr = 0;
	unsigned w_len = 0, w_beat = 0, w_id = 0;
	uint8_t b_resp = 0;
	uint8_t wbuf[BUF] = {};
	uint8_t wstrb[BUF] = {};
};

// m_axi_lanes (one transaction at a time, as fsvm_lite_master issues them).
struct Lite {
	bool aw_have = false, w_have = false, b_valid = false, r_valid = false;
	uint32_t aw_addr = 0, w_data = 0, r_data = 0;
};

struct Req {
	bool write;
	uint32_t off, val;
	struct Wait *w;
};

struct Wait {
	bool done = false;
	uint32_t val = 0;
};

struct Engine {
	fsvm_sim_engine_host h;
	std::unique_ptr<VerilatedContext> vctx;
	std::unique_ptr<COSIM_MODEL> top;
	Lane lanes[NL];
	Port ports[NL];
	Lite lite;
	unsigned quiet = 0;
	uint64_t cycles = 0;
	// the device thread's context while a lane runs
	ucontext_t main_uc;
	const void *main_stack = nullptr;
	size_t main_stack_size = 0;
	// MMIO queue
	std::mutex qmu;
	std::condition_variable qcv;
	std::deque<Req> q;
	std::atomic<unsigned> qlen{0};

	void log(int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
	void init_model();
	void tick();
	void pre();
	void post();
	void settle();
	void drive();
	void observe();
	void lane_reg_write(uint32_t addr, uint32_t v);
	uint32_t lane_reg_read(uint32_t addr);
	void lane_start(Lane &L);
	void lane_kill(Lane &L);
	void burst_done(Lane &L, bool fail);
	uint32_t host_read(uint32_t off);
	void host_write(uint32_t off, uint32_t val);
	bool busy();
	void irq_handler();
	bool serve_mmio();
};

void Engine::log(int level, const char *fmt, ...)
{
	char b[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (h.log)
		h.log(h.priv, level, b);
}

// -------------------------------------------------------- lanes' C code
// Each lane's C code is a coroutine on the device thread (ucontext): it
// runs until it issues a burst (lane_burst switches back) or returns. No
// thread hand-off per burst, so a co-simulated hop costs a few microseconds
// even on a loaded machine. Under AddressSanitizer the switches are
// announced (__sanitizer_start/finish_switch_fiber).
#if defined(__SANITIZE_ADDRESS__)
#define COSIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COSIM_ASAN 1
#endif
#endif
#ifdef COSIM_ASAN
}  // namespace
#include <sanitizer/common_interface_defs.h>
namespace {
#endif

void fiber_switch(ucontext_t *from, ucontext_t *to, const void *stack, size_t size)
{
#ifdef COSIM_ASAN
	void *fake = nullptr;
	__sanitizer_start_switch_fiber(&fake, stack, size);
	swapcontext(from, to);
	__sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
#else
	(void)stack;
	(void)size;
	swapcontext(from, to);
#endif
}

// Into the lane (from the device thread's own context) and back.
void lane_resume(Lane &L)
{
	fiber_switch(&L.e->main_uc, &L.uc, L.stack.get(), LANE_STACK);
}

void lane_yield(Lane &L)
{
	fiber_switch(&L.uc, &L.e->main_uc, L.e->main_stack, L.e->main_stack_size);
}

int lane_burst(void *bpriv, uint64_t va, void *rd, const void *wr, uint32_t len)
{
	Lane *L = (Lane *)bpriv;

	if (L->killed || len == 0 || len > FSVM_PAGE_SIZE ||
	    (va & (FSVM_PAGE_SIZE - 1)) + len > FSVM_PAGE_SIZE)
		return 1;
	L->va = va;
	L->len = len;
	L->rd = (uint8_t *)rd;
	L->wr = (const uint8_t *)wr;
	L->result = 1;
	L->posted = true;
	L->phase = Lane::WAIT;
	lane_yield(*L);		// back when the burst's response came (or the lane was reset)
	return L->result;
}

thread_local Lane *g_entry;	// the lane lane_entry starts (this device thread)

void lane_entry()
{
	Lane *L = g_entry;
	Engine *e = L->e;
	const uint32_t *a = L->args;

#ifdef COSIM_ASAN
	__sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);	/* the first switch in */
#endif

	for (;;) {
		uint32_t ret = 0;

		memset(L->out, 0, sizeof(L->out));
		if (L->dispatch) {
			uint64_t ring = ((uint64_t)a[FSVM_LANE_D_RING_HI / 4] << 32) | a[FSVM_LANE_D_RING_LO / 4];
			e->h.cp_dispatch(e->h.priv, lane_burst, L, ring, a[FSVM_LANE_D_RING_SIZE / 4],
					 a[FSVM_LANE_D_INDEX / 4], L->out, RES_WORDS);
		} else {
			uint64_t va = ((uint64_t)a[FSVM_LANE_C_VA_HI / 4] << 32) | a[FSVM_LANE_C_VA_LO / 4];
			ret = e->h.cp_complete(e->h.priv, lane_burst, L, va, &a[FSVM_LANE_C_REC / 4]);
		}
		L->ret = ret;
		L->phase = Lane::FIN;
		lane_yield(*L);		// resumed by the next ap_start: run again
	}
}

// ap_start: the lane's arguments as written, its C code from the start.
void Engine::lane_start(Lane &L)
{
	if (L.dispatch)
		h.begin_packet(h.priv, L.idx);	// the simulator's TLBIASID before a packet
	if (L.phase != Lane::IDLE) {
		log(3, "fsvm rtl: lane %u started while its C code still runs: ignored", L.idx);
		return;
	}
	memcpy(L.args, L.regs, sizeof(L.args));
	if (!L.started) {
		getcontext(&L.uc);
		L.uc.uc_stack.ss_sp = L.stack.get();
		L.uc.uc_stack.ss_size = LANE_STACK;
		L.uc.uc_link = nullptr;
		makecontext(&L.uc, lane_entry, 0);
		L.started = true;
		g_entry = &L;
	}
	L.killed = false;
	L.phase = Lane::RUN;
	L.running = true;
	L.done = false;
}

// ap_rst_n low: fail the pending burst and every later one, drop the result.
void Engine::lane_kill(Lane &L)
{
	L.killed = true;
	L.posted = false;
	if (L.phase == Lane::WAIT) {
		L.result = 1;
		L.phase = Lane::RUN;
	}
	memset(L.regs, 0, sizeof(L.regs));
	L.gie = L.ier = L.isr = L.running = L.done = false;
	L.active = L.ar_valid = L.aw_valid = L.w_valid = false;
}

void Engine::burst_done(Lane &L, bool fail)
{
	L.active = false;
	if (L.phase != Lane::WAIT)
		return;
	if (!fail && !L.is_write)
		memcpy(L.rd, L.buf + (L.va & (DWB - 1)), L.len);
	L.result = fail ? 1 : 0;
	L.phase = Lane::RUN;
}

// Before a cycle: every lane's C code has run up to its next burst or its end.
void Engine::settle()
{
	for (Lane &L : lanes)
		while (L.phase == Lane::RUN) {
			g_entry = &L;
			lane_resume(L);
		}
	for (Lane &L : lanes) {
		if (L.phase == Lane::FIN) {
			L.phase = Lane::IDLE;
			if (!L.killed) {
				if (L.dispatch)
					memcpy(&L.regs[FSVM_LANE_D_RES / 4], L.out, sizeof(L.out));
				else
					L.regs[FSVM_LANE_C_RETURN / 4] = L.ret;
				L.running = false;
				L.done = true;
				L.isr = true;
			}
		}
		if (L.phase == Lane::WAIT && L.posted) {
			L.posted = false;
			L.active = true;
			L.is_write = L.wr != nullptr;
			L.err = false;
			L.beats = (unsigned)(((L.va & (DWB - 1)) + L.len + DWB - 1) / DWB);
			L.w_sent = L.r_got = 0;
			L.w_valid = false;
			memset(L.buf, 0, L.beats * DWB);
			if (L.is_write) {
				memset(L.strb, 0, L.beats * DWB);
				memcpy(L.buf + (L.va & (DWB - 1)), L.wr, L.len);
				memset(L.strb + (L.va & (DWB - 1)), 1, L.len);
				L.aw_valid = true;
			} else {
				L.ar_valid = true;
			}
		}
	}
}

// ------------------------------------------------- lane s_axilite block
void Engine::lane_reg_write(uint32_t addr, uint32_t v)
{
	if (addr < LANE_BASE || (addr - LANE_BASE) / LANE_STRIDE >= NL)
		return;
	Lane &L = lanes[(addr - LANE_BASE) / LANE_STRIDE];
	uint32_t off = (addr - LANE_BASE) % LANE_STRIDE;
	if (off >= LANE_REGS * 4 || L.in_reset)
		return;
	switch (off) {
	case FSVM_LANE_AP_CTRL:
		if ((v & FSVM_LANE_AP_START) && !L.running)
			lane_start(L);
		break;
	case FSVM_LANE_GIE: L.gie = v & 1; break;
	case FSVM_LANE_IER: L.ier = v & 1; break;
	case FSVM_LANE_ISR: if (v & 1) L.isr = !L.isr; break;
	default: L.regs[off / 4] = v; break;
	}
}

uint32_t Engine::lane_reg_read(uint32_t addr)
{
	if (addr < LANE_BASE || (addr - LANE_BASE) / LANE_STRIDE >= NL)
		return 0;
	Lane &L = lanes[(addr - LANE_BASE) / LANE_STRIDE];
	uint32_t off = (addr - LANE_BASE) % LANE_STRIDE;
	if (off >= LANE_REGS * 4)
		return 0;
	switch (off) {
	case FSVM_LANE_AP_CTRL: {
		uint32_t v = (L.running ? FSVM_LANE_AP_START : 0) | (L.done ? FSVM_LANE_AP_DONE : 0) |
			     (!L.running ? FSVM_LANE_AP_IDLE : 0);
		L.done = false;   // clear on read
		return v;
	}
	case FSVM_LANE_GIE: return L.gie;
	case FSVM_LANE_IER: return L.ier;
	case FSVM_LANE_ISR: return L.isr;
	default: return L.regs[off / 4];
	}
}

// ------------------------------------------------------- one clock cycle
void Engine::drive()
{
	COSIM_MODEL &t = *top;
	// m_axi_lanes slave
	t.m_axi_lanes_awready = !lite.aw_have;
	t.m_axi_lanes_wready = !lite.w_have;
	t.m_axi_lanes_bvalid = lite.b_valid;
	t.m_axi_lanes_bresp = 0;
	t.m_axi_lanes_arready = !lite.r_valid;
	t.m_axi_lanes_rvalid = lite.r_valid;
	t.m_axi_lanes_rdata = lite.r_data;
	t.m_axi_lanes_rresp = 0;
	uint32_t irqs = 0;
	for (unsigned l = 0; l < NL; l++)
		if (lanes[l].irq())
			irqs |= 1u << l;
	t.lane_irq = irqs;
	for (unsigned l = 0; l < NL; l++) {
		Lane &L = lanes[l];
		bool rd = L.active && !L.is_write, wr = L.active && L.is_write;
		setb(t.s_lane_araddr, l * 64, 64, rd ? L.va : 0);
		setb(t.s_lane_arlen, l * 8, 8, rd ? L.beats - 1 : 0);
		setb(t.s_lane_arsize, l * 3, 3, 4);
		setb(t.s_lane_arburst, l * 2, 2, 1);
		setb(t.s_lane_arid, l, 1, 0);
		setb(t.s_lane_arvalid, l, 1, L.ar_valid);
		setb(t.s_lane_rready, l, 1, rd && !L.ar_valid);
		setb(t.s_lane_awaddr, l * 64, 64, wr ? L.va : 0);
		setb(t.s_lane_awlen, l * 8, 8, wr ? L.beats - 1 : 0);
		setb(t.s_lane_awsize, l * 3, 3, 4);
		setb(t.s_lane_awburst, l * 2, 2, 1);
		setb(t.s_lane_awid, l, 1, 0);
		setb(t.s_lane_awvalid, l, 1, L.aw_valid);
		L.w_valid = wr && L.w_sent < L.beats;
		unsigned b = L.w_valid ? L.w_sent : 0;
		uint32_t s = 0;
		for (unsigned i = 0; i < DWB; i++)
			if (L.w_valid && L.strb[b * DWB + i])
				s |= 1u << i;
		set_beat(t.s_lane_wdata, l, L.buf + b * DWB);
		setb(t.s_lane_wstrb, l * DWB, DWB, s);
		setb(t.s_lane_wlast, l, 1, L.w_valid && L.w_sent + 1 == L.beats);
		setb(t.s_lane_wvalid, l, 1, L.w_valid);
		setb(t.s_lane_bready, l, 1, wr);
	}
	for (unsigned l = 0; l < NL; l++) {
		Port &P = ports[l];
		setb(t.m_lane_arready, l, 1, !P.r_busy);
		setb(t.m_lane_rvalid, l, 1, P.r_busy);
		set_beat(t.m_lane_rdata, l, P.rbuf + (P.r_busy ? P.r_beat : 0) * DWB);
		setb(t.m_lane_rresp, l * 2, 2, P.r_busy && P.r_err ? 2 : 0);
		setb(t.m_lane_rlast, l, 1, P.r_busy && P.r_beat == P.r_len);
		setb(t.m_lane_rid, l * 6, 6, P.r_id);
		setb(t.m_lane_awready, l, 1, !P.aw_have);
		setb(t.m_lane_wready, l, 1, !P.w_last);
		setb(t.m_lane_bvalid, l, 1, P.b_valid);
		setb(t.m_lane_bresp, l * 2, 2, P.b_resp);
		setb(t.m_lane_bid, l * 6, 6, P.w_id);
	}
}

void Engine::observe()
{
	COSIM_MODEL &t = *top;
	bool act = t.m_axi_lanes_awvalid || t.m_axi_lanes_wvalid || t.m_axi_lanes_arvalid ||
		   lite.aw_have || lite.w_have || lite.b_valid || lite.r_valid;
	// ---- m_axi_lanes
	if (t.m_axi_lanes_awvalid && !lite.aw_have) {
		lite.aw_have = true;
		lite.aw_addr = t.m_axi_lanes_awaddr;
	}
	if (t.m_axi_lanes_wvalid && !lite.w_have) {
		lite.w_have = true;
		lite.w_data = t.m_axi_lanes_wdata;
	}
	if (lite.b_valid && t.m_axi_lanes_bready) {
		lite.b_valid = false;
	} else if (lite.aw_have && lite.w_have && !lite.b_valid) {
		lane_reg_write(lite.aw_addr, lite.w_data);
		lite.aw_have = lite.w_have = false;
		lite.b_valid = true;
	}
	if (lite.r_valid && t.m_axi_lanes_rready)
		lite.r_valid = false;
	else if (t.m_axi_lanes_arvalid && !lite.r_valid) {
		lite.r_data = lane_reg_read(t.m_axi_lanes_araddr);
		lite.r_valid = true;
	}
	// ---- the crossbar behind every lane port (m_lane_*)
	for (unsigned l = 0; l < NL; l++) {
		Port &P = ports[l];
		if (P.r_busy && getb(t.m_lane_rready, l, 1)) {
			if (P.r_beat == P.r_len)
				P.r_busy = false;
			else
				P.r_beat++;
		} else if (!P.r_busy && getb(t.m_lane_arvalid, l, 1)) {
			uint64_t a = getb(t.m_lane_araddr, l * 64, 64);
			P.r_len = (unsigned)getb(t.m_lane_arlen, l * 8, 8);
			P.r_id = (unsigned)getb(t.m_lane_arid, l * 6, 6);
			P.r_beat = 0;
			uint32_t off = (uint32_t)(a & (DWB - 1));
			uint32_t n = (P.r_len + 1) * DWB - off;
			uint32_t room = FSVM_PAGE_SIZE - (uint32_t)(a & (FSVM_PAGE_SIZE - 1));
			if (n > room)
				n = room;
			memset(P.rbuf, 0, (P.r_len + 1) * DWB);
			P.r_err = h.mem_read(h.priv, P.r_id & 0x1f, a, P.rbuf + off, n) != 0;
			P.r_busy = true;
			act = true;
		}
		if (!P.aw_have && getb(t.m_lane_awvalid, l, 1)) {
			P.aw_have = true;
			P.w_addr = getb(t.m_lane_awaddr, l * 64, 64);
			P.w_len = (unsigned)getb(t.m_lane_awlen, l * 8, 8);
			P.w_id = (unsigned)getb(t.m_lane_awid, l * 6, 6);
		}
		if (!P.w_last && getb(t.m_lane_wvalid, l, 1) && P.w_beat * DWB < BUF - DWB) {
			uint32_t s = (uint32_t)getb(t.m_lane_wstrb, l * DWB, DWB);
			get_beat(t.m_lane_wdata, l, P.wbuf + P.w_beat * DWB);
			for (unsigned i = 0; i < DWB; i++)
				P.wstrb[P.w_beat * DWB + i] = (s >> i) & 1;
			P.w_beat++;
			P.w_last = getb(t.m_lane_wlast, l, 1) != 0;
		}
		if (P.b_valid && getb(t.m_lane_bready, l, 1)) {
			P.b_valid = P.aw_have = P.w_last = false;
			P.w_beat = 0;
		} else if (P.aw_have && P.w_last && !P.b_valid) {
			// every run of enabled bytes, in order; the first failure is B
			uint64_t base = P.w_addr & ~(uint64_t)(DWB - 1);
			unsigned nb = P.w_beat * DWB;
			bool fail = false;
			for (unsigned i = 0; i < nb && !fail;) {
				if (!P.wstrb[i]) {
					i++;
					continue;
				}
				unsigned j = i + 1;
				while (j < nb && P.wstrb[j] && ((base + j) & (FSVM_PAGE_SIZE - 1)) != 0)
					j++;
				fail = h.mem_write(h.priv, P.w_id & 0x1f, base + i, P.wbuf + i, j - i) != 0;
				i = j;
			}
			P.b_resp = fail ? 2 : 0;
			P.b_valid = true;
		}
		act |= P.r_busy || P.aw_have || P.w_beat || P.b_valid;
	}
	// ---- the lanes' side (s_lane_*)
	for (unsigned l = 0; l < NL; l++) {
		Lane &L = lanes[l];
		bool rst = !getb(t.lane_rst_n, l, 1);
		if (rst) {
			if (!L.in_reset)
				lane_kill(L);
			L.in_reset = true;
			act = true;
			continue;
		}
		L.in_reset = false;
		if (L.running)
			act = true;
		if (!L.active)
			continue;
		act = true;
		if (!L.is_write) {
			if (L.ar_valid) {
				if (getb(t.s_lane_arready, l, 1))
					L.ar_valid = false;
			} else if (getb(t.s_lane_rvalid, l, 1)) {
				if (L.r_got < L.beats)
					get_beat(t.s_lane_rdata, l, L.buf + L.r_got * DWB);
				L.err |= getb(t.s_lane_rresp, l * 2, 2) != 0;
				L.r_got++;
				if (getb(t.s_lane_rlast, l, 1) || L.r_got >= L.beats)
					burst_done(L, L.err || L.r_got != L.beats);
			}
		} else {
			if (L.aw_valid && getb(t.s_lane_awready, l, 1))
				L.aw_valid = false;
			if (L.w_valid && getb(t.s_lane_wready, l, 1))
				L.w_sent++;
			if (getb(t.s_lane_bvalid, l, 1))
				burst_done(L, getb(t.s_lane_bresp, l * 2, 2) != 0);
		}
	}
	quiet = act ? 0 : quiet + 1;
}

// A cycle in two halves: inputs driven and outputs settled (the caller may
// sample them), then the handshakes taken and the clock edge.
void Engine::pre()
{
	settle();
	drive();
	top->ap_clk = 0;
	top->eval();
}

void Engine::post()
{
	observe();
	top->ap_clk = 1;
	top->eval();
	cycles++;
}

void Engine::tick()
{
	pre();
	post();
}

void Engine::init_model()
{
	vctx = std::make_unique<VerilatedContext>();
	top = std::make_unique<COSIM_MODEL>(vctx.get(), "fsvm_shell");
	top->ap_rst_n = 0;
	top->s_axi_ctl_awvalid = top->s_axi_ctl_wvalid = top->s_axi_ctl_arvalid = 0;
	top->s_axi_ctl_bready = top->s_axi_ctl_rready = 0;
	for (int i = 0; i < 16; i++)
		tick();
	top->ap_rst_n = 1;
	for (int i = 0; i < 4; i++)
		tick();
}

// ------------------------------------------------------------ s_axi_ctl
uint32_t Engine::host_read(uint32_t off)
{
	COSIM_MODEL &t = *top;
	t.s_axi_ctl_araddr = off;
	t.s_axi_ctl_arvalid = 1;
	t.s_axi_ctl_rready = 1;
	for (unsigned i = 0; i < 1000; i++) {
		pre();
		bool acc = t.s_axi_ctl_arready;
		post();
		if (acc)
			break;
	}
	t.s_axi_ctl_arvalid = 0;
	for (unsigned i = 0; i < 1000; i++) {
		pre();
		bool got = t.s_axi_ctl_rvalid;
		uint32_t v = t.s_axi_ctl_rdata;
		post();
		if (got) {
			t.s_axi_ctl_rready = 0;
			quiet = 0;
			return v;
		}
	}
	t.s_axi_ctl_rready = 0;
	log(3, "fsvm rtl: s_axi_ctl read of 0x%05x got no response", off);
	return 0xffffffffu;
}

void Engine::host_write(uint32_t off, uint32_t val)
{
	COSIM_MODEL &t = *top;
	bool aw = false, w = false;
	t.s_axi_ctl_awaddr = off;
	t.s_axi_ctl_wdata = val;
	t.s_axi_ctl_wstrb = 0xf;
	t.s_axi_ctl_bready = 1;
	for (unsigned i = 0; i < 1000; i++) {
		t.s_axi_ctl_awvalid = !aw;
		t.s_axi_ctl_wvalid = !w;
		pre();
		aw |= t.s_axi_ctl_awvalid && t.s_axi_ctl_awready;
		w |= t.s_axi_ctl_wvalid && t.s_axi_ctl_wready;
		bool got = t.s_axi_ctl_bvalid;
		post();
		if (got) {
			t.s_axi_ctl_bready = 0;
			quiet = 0;
			return;
		}
	}
	t.s_axi_ctl_awvalid = t.s_axi_ctl_wvalid = t.s_axi_ctl_bready = 0;
	log(3, "fsvm rtl: s_axi_ctl write of 0x%05x got no response", off);
}

// ------------------------------------------------------ the device loop
bool Engine::busy()
{
	if (quiet < QUIET_CYCLES || top->irq)
		return true;
	for (const Lane &L : lanes)
		if (L.running || L.active || L.in_reset)
			return true;
	return false;
}

// kmod's fsvm_shell_irq: acknowledge and count per context.
void Engine::irq_handler()
{
	for (unsigned c = 0; c < NC && top->irq; c++) {
		uint32_t off = FSVM_CTX_OFF(c) + FSVM_CTX_IRQ_STATUS;
		uint32_t st = host_read(off);
		if (!st)
			continue;
		host_write(off, st);
		h.irq(h.priv, c);
	}
}

bool Engine::serve_mmio()
{
	bool did = false;
	for (;;) {
		Req r;
		{
			std::lock_guard<std::mutex> lk(qmu);
			if (q.empty())
				break;
			r = q.front();
			q.pop_front();
			qlen--;
		}
		did = true;
		if (r.write) {
			host_write(r.off, r.val);
			continue;
		}
		uint32_t v = host_read(r.off);
		std::lock_guard<std::mutex> lk(qmu);
		r.w->val = v;
		r.w->done = true;
		qcv.notify_all();
	}
	return did;
}

// ------------------------------------------------------ the engine ABI
void *eng_create(const fsvm_sim_engine_host *host, int *err)
{
	Engine *e = new Engine();
	e->h = *host;
	for (unsigned l = 0; l < NL; l++) {
		Lane &L = e->lanes[l];
		L.e = e;
		L.idx = l;
		L.dispatch = l < NC;
		L.stack.reset(new uint8_t[LANE_STACK]);
	}
	*err = 0;
	return e;
}

// After the device thread stopped: a lane still waiting on a burst is
// abandoned with its stack (its C code holds nothing else).
void eng_destroy(void *p)
{
	Engine *e = (Engine *)p;

	if (e->top)
		e->top->final();
	delete e;
}

uint32_t eng_mmio_read32(void *p, uint32_t off)
{
	Engine *e = (Engine *)p;
	Wait w;

	if (off >= FSVM_WINDOW_SIZE)
		return 0xffffffffu;	/* not on s_axi_ctl: a decode error (fsvm_sim.h) */
	{
		std::lock_guard<std::mutex> lk(e->qmu);
		e->q.push_back(Req{false, off, 0, &w});
		e->qlen++;
	}
	e->h.wake(e->h.priv);
	std::unique_lock<std::mutex> lk(e->qmu);
	while (!w.done)
		e->qcv.wait(lk);
	return w.val;
}

void eng_mmio_write32(void *p, uint32_t off, uint32_t val)
{
	Engine *e = (Engine *)p;

	if (off >= FSVM_WINDOW_SIZE)
		return;
	{
		std::lock_guard<std::mutex> lk(e->qmu);
		e->q.push_back(Req{true, off, val, nullptr});
		e->qlen++;
	}
	e->h.wake(e->h.priv);
}

int eng_step(void *p)
{
	Engine *e = (Engine *)p;
	bool did;

	if (!e->top) {
		pthread_attr_t a;
		void *base;
		size_t size;
		if (pthread_getattr_np(pthread_self(), &a) == 0) {
			if (pthread_attr_getstack(&a, &base, &size) == 0) {
				e->main_stack = base;
				e->main_stack_size = size;
			}
			pthread_attr_destroy(&a);
		}
		e->init_model();
	}
	did = e->serve_mmio();
	for (unsigned i = 0; i < STEP_CYCLES && e->busy() && e->qlen.load() == 0; i++) {
		e->tick();
		did = true;
		if (e->top->irq)
			e->irq_handler();
	}
	if (e->top->irq)
		e->irq_handler();
	return did;
}

int eng_has_work(void *p)
{
	Engine *e = (Engine *)p;
	return e->qlen.load() != 0 || !e->top || e->busy();
}

}  // namespace

extern "C" {
__attribute__((visibility("default"))) extern const fsvm_sim_engine_ops fsvm_sim_engine_rtl;
const fsvm_sim_engine_ops fsvm_sim_engine_rtl = {
	FSVM_SIM_ENGINE_ABI, "rtl (Verilated fsvm_shell)", NC, eng_create, eng_destroy,
	eng_mmio_read32, eng_mmio_write32, eng_step, eng_has_work,
};
}
