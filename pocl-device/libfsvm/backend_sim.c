/* SPDX-License-Identifier: MIT */
/*
 * backend_sim.c - the `sim` backend: the device model running in a thread
 * of this process (hw-kernels/sim/fsvm_sim.h).
 *
 * This file only translates: each operation of struct fsvm_backend_ops is
 * one or two calls of fsvm_sim.h (a context register is the window offset
 * FSVM_CTX_OFF(index) + reg; waiting is the simulator's interrupt count,
 * with the acknowledge the kernel module's handler does on a board),
 * fsvm_sim's negative errno values become enum fsvm_err through the one
 * conversion, fsvm_err_from_errno (fsvm_sim.h documents which the
 * simulator returns: a device plugin that is refused, -ENOEXEC, is
 * FSVM_ERR_IO like a board with the wrong ID registers; a full table,
 * -ENOSPC, is FSVM_ERR_NOMEM), and the simulator's messages go to the fsvm
 * logger as they are: the simulator logs each of its failures, so nothing
 * here logs them a second time.
 *
 * Nothing here depends on what runs the device inside the simulator: a
 * backend that is the simulator with another engine (RTL co-simulation)
 * uses these same operations; its constructor is fsvm_backend_sim_open
 * with its own change to the configuration before sim_backend_start, plus
 * its row in device.c's backend table.
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

/*
 * The simulator hands over finished text, which already says where it
 * comes from ("fsvm sim: ..."); fsvm_log wants a format. This is the one
 * path of the simulator's messages: what it logged is not logged again here.
 */
static void sim_log(int level, const char *msg)
{
	int ours;

	switch (level) {
	case FSVM_SIM_LOG_DEBUG: ours = FSVM_LOG_DEBUG; break;
	case FSVM_SIM_LOG_INFO:  ours = FSVM_LOG_INFO; break;
	case FSVM_SIM_LOG_WARN:  ours = FSVM_LOG_WARN; break;
	default:                 ours = FSVM_LOG_ERROR; break;
	}
	fsvm_log(ours, "%s", msg ? msg : "(null)");
}

/*
 * The backend's device: the simulator and one context object per hardware
 * context, so bind hands out a handle without allocating (the simulator
 * never has two binders of one context).
 */
struct sim_ctx {
	struct fsvm_backend_ctx base;	/* first: bc <-> sim_ctx */
	struct fsvm_sim *sim;
	uint32_t off;			/* FSVM_CTX_OFF(index) */
};

struct sim_dev {
	struct fsvm_sim *sim;
	struct sim_ctx ctx[FSVM_MAX_CONTEXTS];
};

static struct sim_ctx *sim_ctx_of(struct fsvm_backend_ctx *bc)
{
	return (struct sim_ctx *)bc;
}

static void sim_dev_read(void *dev, uint32_t off, uint32_t *words, uint32_t n)
{
	struct fsvm_sim *sim = ((struct sim_dev *)dev)->sim;

	for (uint32_t i = 0; i < n; i++)
		words[i] = fsvm_sim_mmio_read32(sim, off + 4 * i);
}

static int sim_bind(void *dev, struct fsvm_backend_ctx **bc)
{
	struct sim_dev *d = dev;
	unsigned int index;
	int rc = fsvm_sim_bind(d->sim, &index);

	if (rc)
		return sim_err(rc);
	d->ctx[index].base.index = index;
	d->ctx[index].sim = d->sim;
	d->ctx[index].off = FSVM_CTX_OFF(index);
	*bc = &d->ctx[index].base;
	return FSVM_OK;
}

static void sim_unbind(struct fsvm_backend_ctx *bc)
{
	struct sim_ctx *c = sim_ctx_of(bc);

	fsvm_sim_unbind(c->sim, bc->index);	/* fails only for a context not bound */
}

static uint32_t sim_ctx_read32(struct fsvm_backend_ctx *bc, uint32_t reg)
{
	struct sim_ctx *c = sim_ctx_of(bc);

	return fsvm_sim_mmio_read32(c->sim, c->off + reg);
}

static void sim_ctx_write32(struct fsvm_backend_ctx *bc, uint32_t reg, uint32_t val)
{
	struct sim_ctx *c = sim_ctx_of(bc);

	fsvm_sim_mmio_write32(c->sim, c->off + reg, val);
}

/*
 * The interrupt line is level-like: IRQ_STATUS bits stay set until written
 * back, and only a fresh rise moves the simulator's interrupt count. On a
 * board the kernel module's handler acknowledges; here the waiter does, as
 * the first thing of every wait. A bit found set is news (a completion since
 * the last acknowledge, possibly after the caller's check): report it at
 * once, so the caller re-checks instead of sleeping through it.
 */
static int sim_wait(struct fsvm_backend_ctx *bc, uint32_t *seen, uint64_t timeout_ns)
{
	struct sim_ctx *c = sim_ctx_of(bc);
	uint32_t pending = fsvm_sim_mmio_read32(c->sim, c->off + FSVM_CTX_IRQ_STATUS);
	uint32_t now;
	int rc;

	if (pending)
		fsvm_sim_mmio_write32(c->sim, c->off + FSVM_CTX_IRQ_STATUS, pending);
	now = fsvm_sim_irq_count(c->sim, bc->index);
	if (pending || now != *seen) {
		*seen = now;
		return FSVM_OK;
	}
	rc = fsvm_sim_wait_irq(c->sim, bc->index, now, timeout_ns);
	*seen = fsvm_sim_irq_count(c->sim, bc->index);
	return sim_err(rc);
}

static int sim_note_mapping(void *dev, uint64_t va, uint64_t len, unsigned int page_shift)
{
	return sim_err(fsvm_sim_note_mapping(((struct sim_dev *)dev)->sim, va, len, page_shift));
}

static void sim_invalidate(void *dev, uint64_t va, uint64_t len)
{
	fsvm_sim_invalidate(((struct sim_dev *)dev)->sim, va, len);
}

static void sim_close(void *dev)
{
	struct sim_dev *d = dev;

	fsvm_sim_destroy(d->sim);
	free(d);
}

static int sim_compiled_register(void *dev, const struct fsvm_compiled_kernel *k,
				 uint64_t *handle)
{
	struct fsvm_sim_compiled_kernel sk = {
		.name = k->name, .fn = k->fn, .nargs = k->nargs, .arg_kinds = k->arg_kinds,
	};
	/* -ENOSPC, the engine's table is full: FSVM_ERR_NOMEM. */
	return sim_err(fsvm_sim_compiled_register(((struct sim_dev *)dev)->sim, &sk, handle));
}

static int sim_compiled_unregister(void *dev, uint64_t handle)
{
	return sim_err(fsvm_sim_compiled_unregister(((struct sim_dev *)dev)->sim, handle));
}

static const struct fsvm_backend_ops sim_ops = {
	.name = "sim",
	.dev_read = sim_dev_read,
	.close = sim_close,
	.bind = sim_bind,
	.unbind = sim_unbind,
	.ctx_read32 = sim_ctx_read32,
	.ctx_write32 = sim_ctx_write32,
	.wait = sim_wait,
	.note_mapping = sim_note_mapping,
	.invalidate = sim_invalidate,
	.compiled_register = sim_compiled_register,
	.compiled_unregister = sim_compiled_unregister,
};

/*
 * The Verilated shell (hw-kernels/cosim): the same operations, but no
 * compiled-kernel engine, as on silicon (FSVM_PKT_COMPILED is BAD_PACKET).
 */
static const struct fsvm_backend_ops rtl_ops = {
	.name = "rtl",
	.dev_read = sim_dev_read,
	.close = sim_close,
	.bind = sim_bind,
	.unbind = sim_unbind,
	.ctx_read32 = sim_ctx_read32,
	.ctx_write32 = sim_ctx_write32,
	.wait = sim_wait,
	.note_mapping = sim_note_mapping,
	.invalidate = sim_invalidate,
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

/*
 * Start a simulator from cfg (fsvm_sim_default_config plus whatever the
 * variant changes): the whole constructor of a backend that is this
 * simulator, whatever engine cfg selects (cfg->engine "rtl": the Verilated
 * shell, with rtl_ops). args as for "sim:<args>".
 */
static int sim_backend_start(struct fsvm_sim_config *cfg, const char *args,
			     const struct fsvm_backend_ops **ops, void **dev)
{
	struct sim_dev *d;
	int err;

	cfg->log = sim_log;
	cfg->device = args;	/* sim:<name> or sim:<path>, see fsvm_sim.h */
	err = apply_env_overrides(cfg);
	if (err)
		return err;
	d = calloc(1, sizeof(*d));
	if (!d)
		return FSVM_ERR_NOMEM;
	/* A failure is logged by the simulator, with the path and the reason. */
	err = sim_err(fsvm_sim_create(cfg, &d->sim));
	if (err) {
		free(d);
		return err;
	}
	*ops = cfg->engine ? &rtl_ops : &sim_ops;
	*dev = d;
	return FSVM_OK;
}

int fsvm_backend_sim_open(const char *args, const struct fsvm_backend_ops **ops, void **dev)
{
	struct fsvm_sim_config cfg;

	fsvm_sim_default_config(&cfg);
	return sim_backend_start(&cfg, args, ops, dev);
}

/* `rtl` is the same simulator with another engine: only cfg.engine differs. */
int fsvm_backend_rtl_open(const char *args, const struct fsvm_backend_ops **ops, void **dev)
{
	struct fsvm_sim_config cfg;

	fsvm_sim_default_config(&cfg);
	cfg.engine = "rtl";
	return sim_backend_start(&cfg, args, ops, dev);
}
