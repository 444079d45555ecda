/* SPDX-License-Identifier: MIT */
/*
 * fsvm_sim_engine.h - the seam between the simulator (hw-kernels/sim) and
 * an engine that replaces the device model's register file and sequencer:
 * the Verilated RTL shell of hw-kernels/cosim (libfsvm-cosim-rtl.so, C++,
 * loaded with dlopen so that libfsvm never depends on Verilator or
 * libstdc++). Everything else stays the simulator's: the SMMU-500 model and
 * its programming at bind, the memory port, the stall/fault handler,
 * page-size notes, invalidation, device plugins.
 *
 * Plain C on both sides; the engine calls back into the simulator only
 * through struct fsvm_sim_engine_host. Not a public API: the simulator and
 * the engine are built from one tree (FSVM_SIM_ENGINE_ABI must match).
 */
#ifndef FSVM_SIM_ENGINE_H
#define FSVM_SIM_ENGINE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FSVM_SIM_ENGINE_ABI	1u
#define FSVM_SIM_ENGINE_SYMBOL	"fsvm_sim_engine_rtl"

/*
 * A lane's memory port as the HLS C sees it: one call per burst (at most
 * 4 KiB, inside one 4 KiB page; exactly one of rd/wr non-NULL); 0 OKAY,
 * non-zero the burst failed.
 */
typedef int (*fsvm_sim_burst_fn)(void *bpriv, uint64_t va, void *rd, const void *wr,
				 uint32_t len);

/* What the simulator gives the engine. Called from the threads named. */
struct fsvm_sim_engine_host {
	void *priv;
	unsigned int num_contexts;
	uint32_t clock_hz;
	/* The lanes' HLS C (device thread, in a lane's coroutine). Word k of
	 * the lane's s_axilite result/record is 32-bit word k of the C struct
	 * (fsvm_lane_map.h). */
	void (*cp_dispatch)(void *priv, fsvm_sim_burst_fn burst, void *bpriv, uint64_t ring_va,
			    uint32_t ring_size, uint32_t index, uint32_t *res_words,
			    unsigned int nwords);
	uint32_t (*cp_complete)(void *priv, fsvm_sim_burst_fn burst, void *bpriv,
				uint64_t completion_va, const uint32_t *rec_words);
	/* The crossbar behind the shell's lane ports (device thread): one burst
	 * of context ctx through the SMMU model and the memory port, as `sim`
	 * does; may wait on a stalled bank. 0 OKAY, non-zero: terminated. */
	int (*mem_read)(void *priv, unsigned int ctx, uint64_t va, void *dst, uint32_t len);
	int (*mem_write)(void *priv, unsigned int ctx, uint64_t va, const void *src,
			 uint32_t len);
	/* Device thread: a dispatch lane of ctx was started (the simulator's
	 * TLBIASID before each packet), and the interrupt handler's count. */
	void (*begin_packet)(void *priv, unsigned int ctx);
	void (*irq)(void *priv, unsigned int ctx);
	/* Any thread: the device thread has new work (MMIO queued). */
	void (*wake)(void *priv);
	void (*log)(void *priv, int level, const char *msg);
};

/* The engine. mmio_* from any thread; step/has_work on the device thread. */
struct fsvm_sim_engine_ops {
	uint32_t abi;			/* FSVM_SIM_ENGINE_ABI */
	const char *name;
	unsigned int num_contexts;	/* what the RTL was built for */
	/* NULL with *err (negative errno) set and a message logged. */
	void *(*create)(const struct fsvm_sim_engine_host *host, int *err);
	void (*destroy)(void *eng);	/* after the device thread stopped */
	uint32_t (*mmio_read32)(void *eng, uint32_t off);
	void (*mmio_write32)(void *eng, uint32_t off, uint32_t val);
	/* Run a while: 1 if it did work, 0 if idle (then the thread may sleep
	 * until host->wake). */
	int (*step)(void *eng);
	int (*has_work)(void *eng);
};

#ifdef __cplusplus
}
#endif

#endif /* FSVM_SIM_ENGINE_H */
