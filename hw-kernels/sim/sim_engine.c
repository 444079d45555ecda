/* SPDX-License-Identifier: MIT */
/*
 * sim_engine.c - the simulator's side of fsvm_sim_engine.h: load the
 * co-simulation engine (cfg.engine "rtl": libfsvm-cosim-rtl.so, found like a
 * device plugin) and give it what it drives:
 *  - the lanes' HLS C: this device's fsvm_cp_dispatch (the built-in kernel
 *    table or a device plugin's) and fsvm_cp_complete, on a port whose every
 *    burst goes back to the engine (struct fsvm_axi.redirect), which puts it
 *    on the shell's lane port as an AXI burst;
 *  - the crossbar behind the shell's lane ports: each burst the shell
 *    forwards goes through the SMMU model (the AXI ID's context, i.e. its
 *    StreamID and bank) and the memory port exactly as the model's own
 *    bursts do, stall handling included;
 *  - the model's hooks: TLBIASID before each packet, the interrupt count.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsvm_hls.h"
#include "fsvm_sim_internal.h"

#define ENGINE_FILE	"libfsvm-cosim-rtl.so"

static void eng_cp_dispatch(void *priv, fsvm_sim_burst_fn burst, void *bpriv, uint64_t ring_va,
			    uint32_t ring_size, uint32_t index, uint32_t *res_words,
			    unsigned int nwords)
{
	struct fsvm_sim *sim = (struct fsvm_sim *)priv;
	struct fsvm_cp_result res;
	struct fsvm_axi a;

	memset(&a, 0, sizeof(a));
	memset(&res, 0, sizeof(res));	/* its padding goes to the lane's words too */
	a.m = &sim->model;
	a.redirect = burst;
	a.redirect_priv = bpriv;
	sim->model.kernels.dispatch(&a, ring_va, ring_size, index, &res);
	fsvm_axi_overlap_end(&a);
	/* A device plugin's port refused a burst the board's AXI master could
	 * not issue (sim_plugin.c): it never reached the shell, so the lane
	 * reports it as a fault it detected itself. */
	if (a.faulted && res.status == FSVM_ST_FAULTED && !res.fault_va && !res.syndrome) {
		res.fault_va = a.fault_va;
		res.syndrome = a.synd;
	}
	memset(res_words, 0, nwords * 4u);
	memcpy(res_words, &res, sizeof(res) < nwords * 4u ? sizeof(res) : nwords * 4u);
}

static uint32_t eng_cp_complete(void *priv, fsvm_sim_burst_fn burst, void *bpriv,
				uint64_t completion_va, const uint32_t *rec_words)
{
	struct fsvm_sim *sim = (struct fsvm_sim *)priv;
	struct fsvm_completion rec;
	struct fsvm_axi a;

	memset(&a, 0, sizeof(a));
	a.m = &sim->model;
	a.redirect = burst;
	a.redirect_priv = bpriv;
	memcpy(&rec, rec_words, sizeof(rec));
	return (uint32_t)fsvm_cp_complete(&a, completion_va, &rec);
}

/* One forwarded burst: a fresh launch state each time (the shell keeps the
 * fault record; the SMMU's TLB still holds the translations). */
static int eng_mem(struct fsvm_sim *sim, unsigned int ctx, uint64_t va, void *dst,
		   const void *src, uint32_t len)
{
	struct fsvm_axi *a;

	if (ctx >= sim->cfg.num_contexts || len == 0 || len > FSVM_PAGE_SIZE ||
	    (va & (FSVM_PAGE_SIZE - 1u)) + len > FSVM_PAGE_SIZE)
		return 1;	/* no such StreamID / not a legal burst: DECERR */
	a = &sim->eng_axi[ctx];
	fsvm_axi_begin(&sim->model, a, ctx, false);
	return dst ? fsvm_axi_read(a, va, dst, len) : fsvm_axi_write(a, va, src, len);
}

static int eng_mem_read(void *priv, unsigned int ctx, uint64_t va, void *dst, uint32_t len)
{
	return eng_mem((struct fsvm_sim *)priv, ctx, va, dst, NULL, len);
}

static int eng_mem_write(void *priv, unsigned int ctx, uint64_t va, const void *src,
			 uint32_t len)
{
	return eng_mem((struct fsvm_sim *)priv, ctx, va, NULL, src, len);
}

static void eng_begin_packet(void *priv, unsigned int ctx)
{
	struct fsvm_sim *sim = (struct fsvm_sim *)priv;

	/* the hooks the model would call (fsvm_sim.c) */
	if (sim->model.host.begin_packet && ctx < sim->cfg.num_contexts)
		sim->model.host.begin_packet(priv, ctx);
}

static void eng_irq(void *priv, unsigned int ctx)
{
	struct fsvm_sim *sim = (struct fsvm_sim *)priv;

	if (sim->model.host.irq && ctx < sim->cfg.num_contexts)
		sim->model.host.irq(priv, ctx);
}

static void eng_wake(void *priv)
{
	sim_wake_device((struct fsvm_sim *)priv);
}

static void eng_log(void *priv, int level, const char *msg)
{
	sim_log((struct fsvm_sim *)priv, level, "%s", msg);
}

/*
 * MMIO reads go to the shell (the engine queues them for the device thread
 * and wakes it). With a device plugin, its kernel table answers the kernel
 * table page and NUM_KERNELS: it stands in for the ROM (fsvm_ktab.vh, made
 * by gen_fsvm_hw_vh from a kernel table) that the plugin's own shell build
 * would hold; the Verilated shell has the built-in table's.
 */
uint32_t sim_engine_mmio_read32(struct fsvm_sim *sim, uint32_t off)
{
	if (sim->plugin && (off == FSVM_REG_NUM_KERNELS ||
			    (off >= FSVM_KERNEL_TABLE_OFF && off < FSVM_KERNEL_TABLE_OFF + FSVM_PAGE_SIZE)))
		return fsvm_model_mmio_read32(&sim->model, off);
	return sim->eng_ops->mmio_read32(sim->eng, off);
}

int sim_engine_load(struct fsvm_sim *sim, const char *engine)
{
	struct fsvm_sim_engine_host h;
	const struct fsvm_sim_engine_ops *ops;
	char path[PATH_MAX], inst[PATH_MAX];
	bool in_exe;
	void *dl;
	int err = 0;

	if (strcmp(engine, "rtl") != 0) {
		sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: no engine \"%s\" (only \"rtl\")", engine);
		return -ENODEV;
	}
	if (sim_find_so(ENGINE_FILE, path, sizeof(path), inst, sizeof(inst), &in_exe) != 0) {
		const char *env = getenv("FSVM_DEVICE_PATH");

		sim_log(sim, FSVM_SIM_LOG_ERROR,
			"fsvm sim: rtl: " ENGINE_FILE " not found ($FSVM_DEVICE_PATH %s, the "
			"executable's and libfsvm's directories%s%s%s): fsvm was built "
			"without Verilator (apt-get install verilator, rebuild)",
			env && *env ? env : "unset", inst[0] ? ", " : "", inst,
			in_exe ? ", " FSVM_DEVICE_DIR : "");
		return -ENODEV;
	}
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: cannot load %s: %s", path, dlerror());
		return -ENODEV;
	}
	ops = (const struct fsvm_sim_engine_ops *)dlsym(dl, FSVM_SIM_ENGINE_SYMBOL);
	if (!ops || ops->abi != FSVM_SIM_ENGINE_ABI) {
		sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: %s: no " FSVM_SIM_ENGINE_SYMBOL
			" of ABI %u: rebuild it with this fsvm", path, FSVM_SIM_ENGINE_ABI);
		dlclose(dl);
		return -ENOEXEC;
	}
	if (ops->num_contexts != sim->cfg.num_contexts) {
		sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: %s: the RTL is built for %u contexts, "
			"not %u", path, ops->num_contexts, sim->cfg.num_contexts);
		dlclose(dl);
		return -EINVAL;
	}
	memset(&h, 0, sizeof(h));
	h.priv = sim;
	h.num_contexts = sim->cfg.num_contexts;
	h.clock_hz = sim->cfg.clock_hz;
	h.cp_dispatch = eng_cp_dispatch;
	h.cp_complete = eng_cp_complete;
	h.mem_read = eng_mem_read;
	h.mem_write = eng_mem_write;
	h.begin_packet = eng_begin_packet;
	h.irq = eng_irq;
	h.wake = eng_wake;
	h.log = eng_log;
	sim->eng = ops->create(&h, &err);
	if (!sim->eng) {
		dlclose(dl);
		return err ? err : -ENOMEM;
	}
	sim->eng_ops = ops;
	sim->eng_handle = dl;
	sim_log(sim, FSVM_SIM_LOG_INFO, "fsvm sim: engine %s from %s", ops->name, path);
	return 0;
}

void sim_engine_unload(struct fsvm_sim *sim)
{
	if (sim->eng)
		sim->eng_ops->destroy(sim->eng);
	if (sim->eng_handle)
		dlclose(sim->eng_handle);
	sim->eng = NULL;
	sim->eng_ops = NULL;
	sim->eng_handle = NULL;
}
