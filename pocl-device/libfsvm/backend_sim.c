/* SPDX-License-Identifier: MIT */
/*
 * backend_sim.c - the `sim` backend: the device model running in a thread
 * of this process (hw-kernels/sim/fsvm_sim.h).
 *
 * This file only translates: fsvm_sim's negative errno values become
 * enum fsvm_err (a device plugin that is refused, -ENOEXEC, is
 * FSVM_ERR_IO like a board with the wrong ID registers), and the
 * simulator's messages go to the fsvm logger.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fsvm_sim.h"
#include "internal.h"

/* The simulator returns 0 or a negative errno, as the kernel module does. */
static int sim_err(int rc)
{
	return fsvm_err_from_errno(-rc);
}

/* The simulator hands over finished text; fsvm_log wants a format. */
static void sim_log(int level, const char *msg)
{
	int ours;

	switch (level) {
	case FSVM_SIM_LOG_DEBUG: ours = FSVM_LOG_DEBUG; break;
	case FSVM_SIM_LOG_INFO:  ours = FSVM_LOG_INFO; break;
	case FSVM_SIM_LOG_WARN:  ours = FSVM_LOG_WARN; break;
	default:                 ours = FSVM_LOG_ERROR; break;
	}
	fsvm_log(ours, "sim: %s", msg ? msg : "(null)");
}

static uint32_t sim_mmio_read32(void *priv, uint32_t off)
{
	return fsvm_sim_mmio_read32(priv, off);
}

static void sim_mmio_write32(void *priv, uint32_t off, uint32_t val)
{
	fsvm_sim_mmio_write32(priv, off, val);
}

static int sim_bind(void *priv, unsigned int *ctx)
{
	return sim_err(fsvm_sim_bind(priv, ctx));
}

static int sim_unbind(void *priv, unsigned int ctx)
{
	return sim_err(fsvm_sim_unbind(priv, ctx));
}

/*
 * The interrupt line is level-like: IRQ_STATUS bits stay set until written
 * back. Acknowledge before taking the count, so the next completion is a
 * fresh edge that moves the count (on a board the kernel module's handler
 * does this acknowledge).
 */
static uint32_t sim_irq_count(void *priv, unsigned int ctx)
{
	uint32_t pending = fsvm_sim_mmio_read32(priv, FSVM_CTX_OFF(ctx) + FSVM_CTX_IRQ_STATUS);

	if (pending)
		fsvm_sim_mmio_write32(priv, FSVM_CTX_OFF(ctx) + FSVM_CTX_IRQ_STATUS, pending);
	return fsvm_sim_irq_count(priv, ctx);
}

static int sim_wait_irq(void *priv, unsigned int ctx, uint32_t seen, uint64_t timeout_ns)
{
	return sim_err(fsvm_sim_wait_irq(priv, ctx, seen, timeout_ns));
}

static int sim_note_mapping(void *priv, uint64_t va, uint64_t len, unsigned int page_shift)
{
	return sim_err(fsvm_sim_note_mapping(priv, va, len, page_shift));
}

static void sim_invalidate(void *priv, uint64_t va, uint64_t len)
{
	fsvm_sim_invalidate(priv, va, len);
}

static void sim_close(void *priv)
{
	fsvm_sim_destroy(priv);
}

static int sim_compiled_register(void *priv, const struct fsvm_compiled_kernel *k,
				 uint64_t *handle)
{
	struct fsvm_sim_compiled_kernel sk = {
		.name = k->name, .fn = k->fn, .nargs = k->nargs, .arg_kinds = k->arg_kinds,
	};
	int rc = fsvm_sim_compiled_register(priv, &sk, handle);

	return rc == -ENOSPC ? FSVM_ERR_NOMEM : sim_err(rc);
}

static int sim_compiled_unregister(void *priv, uint64_t handle)
{
	return sim_err(fsvm_sim_compiled_unregister(priv, handle));
}

static const struct fsvm_backend_ops sim_ops = {
	.name = "sim",
	.mmio_read32 = sim_mmio_read32,
	.mmio_write32 = sim_mmio_write32,
	.bind = sim_bind,
	.unbind = sim_unbind,
	.irq_count = sim_irq_count,
	.wait_irq = sim_wait_irq,
	.note_mapping = sim_note_mapping,
	.invalidate = sim_invalidate,
	.close = sim_close,
	.compiled_register = sim_compiled_register,
	.compiled_unregister = sim_compiled_unregister,
};

static const struct fsvm_backend_ops rtl_ops = {
	.name = "rtl",
	.mmio_read32 = sim_mmio_read32,
	.mmio_write32 = sim_mmio_write32,
	.bind = sim_bind,
	.unbind = sim_unbind,
	.irq_count = sim_irq_count,
	.wait_irq = sim_wait_irq,
	.note_mapping = sim_note_mapping,
	.invalidate = sim_invalidate,
	.close = sim_close,
};

/* FSVM_SIM_CONTEXTS overrides the number of simulated contexts (tests of
 * context exhaustion, multi-process experiments). */
static int apply_env_overrides(struct fsvm_sim_config *cfg)
{
	const char *env = getenv("FSVM_SIM_CONTEXTS");
	char *end;
	unsigned long n;

	if (!env || !*env)
		return FSVM_OK;
	n = strtoul(env, &end, 10);
	if (*end || n < 1 || n > FSVM_MAX_CONTEXTS) {
		fsvm_log(FSVM_LOG_ERROR, "FSVM_SIM_CONTEXTS=%s: expected 1..%u",
			 env, FSVM_MAX_CONTEXTS);
		return FSVM_ERR_INVAL;
	}
	cfg->num_contexts = (unsigned int)n;
	return FSVM_OK;
}

static int sim_open(const char *args, const char *engine, const struct fsvm_backend_ops **ops,
		    void **priv)
{
	struct fsvm_sim_config cfg;
	struct fsvm_sim *sim;
	int err;

	fsvm_sim_default_config(&cfg);
	cfg.log = sim_log;
	cfg.device = args;	/* sim:<name> or sim:<path>, see fsvm_sim.h */
	cfg.engine = engine;
	err = apply_env_overrides(&cfg);
	if (err)
		return err;
	err = sim_err(fsvm_sim_create(&cfg, &sim));
	if (err == FSVM_ERR_NODEV && args) {
		fsvm_log(FSVM_LOG_ERROR, "device \"sim:%s\": no such simulated device", args);
		return err;
	}
	if (err) {
		fsvm_log(FSVM_LOG_ERROR, "cannot start the simulated device: %s",
			 fsvm_strerror(err));
		return err;
	}
	*ops = engine ? &rtl_ops : &sim_ops;
	*priv = sim;
	return FSVM_OK;
}

int fsvm_backend_sim_open(const char *args, const struct fsvm_backend_ops **ops,
			  void **priv)
{
	return sim_open(args, NULL, ops, priv);
}

/*
 * `rtl`: the same simulator with the Verilated RTL shell in place of the
 * model's register file and sequencer (hw-kernels/cosim). Compiled
 * (OpenCL C) packets are BAD_PACKET there, as on silicon: no engine.
 */
int fsvm_backend_rtl_open(const char *args, const struct fsvm_backend_ops **ops,
			  void **priv)
{
	return sim_open(args, "rtl", ops, priv);
}
