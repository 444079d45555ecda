/* SPDX-License-Identifier: MIT */
/*
 * sim_compiled.c - the simulated device's compiled-kernel engine: runs the
 * work-group functions of instrumented OpenCL C kernels (fsvm_cl_abi.h) for
 * FSVM_PKT_COMPILED packets, on the device thread, inside the packet loop
 * of the model (host hook run_compiled).
 *
 * The engine reads the launch descriptor and the argument slots by VA
 * through the kernel AXI port (SMMU translation, TLB, statistics, faults),
 * then runs every work-group, work-item after work-item, on the device
 * thread. Every global/constant/generic access of the kernel arrives here
 * as a memory-port call and goes out through fsvm_axi_read/write, so it is
 * translated, counted and can fault like a built-in kernel's. A faulting
 * access ends the launch at once (longjmp back to the engine; kernel code
 * holds no resources), and the shell writes the fault record.
 *
 * Generic pointers may point at on-chip memory (the work-item's private
 * stack, or local memory): such addresses are accessed directly, never
 * through the SMMU, as on-chip accesses would be.
 *
 * Local memory: FSVM_LOCAL_MEM_BYTES of modeled on-chip memory per device,
 * carved into the kernel's __local pointer arguments per launch. Work-items
 * of a group run one after the other, so barriers cannot be honoured: the
 * instrumentation rejects kernels that call them.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "fsvm_cl_abi.h"
#include "fsvm_sim_internal.h"

#define CT_SLOTS	256u
#define LOCAL_ALIGN	128u

struct ct_entry {
	uint32_t gen;			/* bumped on unregister: stale handles fail */
	bool used;
	fsvm_sim_wi_fn fn;
	uint32_t nargs;
	uint8_t kinds[FSVM_COMPILED_MAX_ARGS];
	char name[FSVM_NAME_LEN];
};

struct sim_compiled_table {
	pthread_mutex_t lock;
	struct ct_entry e[CT_SLOTS];
	/* the modeled on-chip local memory (device thread only) */
	uint8_t local_mem[FSVM_LOCAL_MEM_BYTES] __attribute__((aligned(LOCAL_ALIGN)));
};

/* What a running work-item sees (device thread only). */
struct wi_state {
	struct fsvm_axi *a;
	jmp_buf env;
	uint32_t work_dim;
	uint64_t gsize[3], lsize[3], goff[3], ngroups[3];
	uint64_t group[3], lid[3];
	uintptr_t local_lo, local_hi;
	uintptr_t stack_lo, stack_hi;
};

static __thread struct wi_state *cur;

int sim_compiled_init(struct fsvm_sim *sim)
{
	struct sim_compiled_table *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	pthread_mutex_init(&t->lock, NULL);
	sim->ctab = t;
	return 0;
}

void sim_compiled_fini(struct fsvm_sim *sim)
{
	if (!sim->ctab)
		return;
	pthread_mutex_destroy(&sim->ctab->lock);
	free(sim->ctab);
	sim->ctab = NULL;
}

int fsvm_sim_compiled_register(struct fsvm_sim *sim, const struct fsvm_sim_compiled_kernel *k,
			       uint64_t *handle)
{
	struct sim_compiled_table *t;
	unsigned int i;

	if (!sim || !k || !k->fn || !handle || k->nargs > FSVM_COMPILED_MAX_ARGS)
		return -EINVAL;
	if (k->nargs && !k->arg_kinds)
		return -EINVAL;
	for (unsigned int j = 0; j < k->nargs; j++)
		if (k->arg_kinds[j] > FSVM_CL_ARG_LOCAL)
			return -EINVAL;
	t = sim->ctab;
	pthread_mutex_lock(&t->lock);
	for (i = 0; i < CT_SLOTS; i++)
		if (!t->e[i].used)
			break;
	if (i == CT_SLOTS) {
		pthread_mutex_unlock(&t->lock);
		return -ENOSPC;
	}
	t->e[i].used = true;
	t->e[i].fn = k->fn;
	t->e[i].nargs = k->nargs;
	memset(t->e[i].kinds, 0, sizeof(t->e[i].kinds));
	if (k->nargs)
		memcpy(t->e[i].kinds, k->arg_kinds, k->nargs);
	memset(t->e[i].name, 0, sizeof(t->e[i].name));
	if (k->name)
		strncpy(t->e[i].name, k->name, sizeof(t->e[i].name) - 1);
	*handle = ((uint64_t)t->e[i].gen << 32) | (i + 1u);
	pthread_mutex_unlock(&t->lock);
	sim_log(sim, FSVM_SIM_LOG_DEBUG, "fsvm sim: compiled kernel %s registered (%u args)",
		k->name ? k->name : "?", k->nargs);
	return 0;
}

/* The slot of a live handle, or NULL. Caller holds the lock. */
static struct ct_entry *ct_lookup(struct sim_compiled_table *t, uint64_t handle)
{
	uint32_t idx = (uint32_t)handle;

	if (idx == 0 || idx > CT_SLOTS)
		return NULL;
	if (!t->e[idx - 1].used || t->e[idx - 1].gen != (uint32_t)(handle >> 32))
		return NULL;
	return &t->e[idx - 1];
}

int fsvm_sim_compiled_unregister(struct fsvm_sim *sim, uint64_t handle)
{
	struct ct_entry *e;

	if (!sim)
		return -EINVAL;
	pthread_mutex_lock(&sim->ctab->lock);
	e = ct_lookup(sim->ctab, handle);
	if (e) {
		e->used = false;
		e->gen++;
		e->fn = NULL;
	}
	pthread_mutex_unlock(&sim->ctab->lock);
	return e ? 0 : -EINVAL;
}

/* ------------------------------------------------------------------ */
/* The memory port of compiled kernels                                 */
/* ------------------------------------------------------------------ */

static bool on_chip(const struct wi_state *w, uint64_t va, uint64_t n)
{
	if (va >= w->local_lo && va < w->local_hi)
		return n <= w->local_hi - va;
	if (va >= w->stack_lo && va < w->stack_hi)
		return n <= w->stack_hi - va;
	return false;
}

/*
 * Move n bytes between on-chip memory (dst or src, the other NULL) and VA
 * va. Device memory goes through the model's port (translation, TLB,
 * statistics); a fault leaves the kernel through longjmp. Outside a kernel
 * the engine runs, reads give zeros and writes are dropped.
 */
static void port_xfer(uint64_t va, uint8_t *dst, const uint8_t *src, uint64_t n)
{
	struct wi_state *w = cur;

	if (!w) {		/* not called by a kernel the engine runs */
		if (dst)
			memset(dst, 0, n);
		return;
	}
	if (on_chip(w, va, n)) {
		if (dst)
			memcpy(dst, (const void *)(uintptr_t)va, n);
		else
			memcpy((void *)(uintptr_t)va, src, n);
		return;
	}
	while (n) {
		uint32_t len = n > FSVM_PAGE_SIZE ? FSVM_PAGE_SIZE : (uint32_t)n;
		int r = dst ? fsvm_axi_read(w->a, va, dst, len) :
			      fsvm_axi_write(w->a, va, src, len);

		if (r != 0)
			longjmp(w->env, 1);
		va += len;
		if (dst)
			dst += len;
		else
			src += len;
		n -= len;
	}
}

static void port_read(uint64_t va, void *dst, uint64_t n)
{
	port_xfer(va, (uint8_t *)dst, NULL, n);
}

static void port_write(uint64_t va, const void *src, uint64_t n)
{
	port_xfer(va, NULL, (const uint8_t *)src, n);
}

#define LD_ST(bits)							\
	uint##bits##_t __fsvm_ld##bits(uint64_t va)			\
	{								\
		uint##bits##_t v;					\
									\
		port_read(va, &v, sizeof(v));				\
		return v;						\
	}								\
	void __fsvm_st##bits(uint64_t va, uint##bits##_t v)		\
	{								\
		port_write(va, &v, sizeof(v));				\
	}

LD_ST(8)
LD_ST(16)
LD_ST(32)
LD_ST(64)

void __fsvm_ldn(uint64_t va, void *dst, uint64_t n)
{
	port_read(va, dst, n);
}

void __fsvm_stn(uint64_t va, const void *src, uint64_t n)
{
	port_write(va, src, n);
}

void __fsvm_memcpy(uint64_t dva, uint64_t sva, uint64_t n)
{
	uint8_t buf[256];

	if (dva <= sva || dva - sva >= n) {	/* forwards is safe */
		while (n) {
			uint64_t c = n < sizeof(buf) ? n : sizeof(buf);

			port_read(sva, buf, c);
			port_write(dva, buf, c);
			sva += c;
			dva += c;
			n -= c;
		}
		return;
	}
	while (n) {				/* overlapping, dst above src: backwards */
		uint64_t c = n < sizeof(buf) ? n : sizeof(buf);

		port_read(sva + n - c, buf, c);
		port_write(dva + n - c, buf, c);
		n -= c;
	}
}

void __fsvm_memset(uint64_t dva, uint32_t byte, uint64_t n)
{
	uint8_t buf[256];

	memset(buf, (int)(byte & 0xffu), sizeof(buf));
	while (n) {
		uint64_t c = n < sizeof(buf) ? n : sizeof(buf);

		port_write(dva, buf, c);
		dva += c;
		n -= c;
	}
}

/* ------------------------------------------------------------------ */
/* Work-item functions                                                 */
/* ------------------------------------------------------------------ */

#define DIM_OK(d)	(cur && (d) < cur->work_dim)

uint32_t _Z12get_work_dimv(void)
{
	return cur ? cur->work_dim : 1u;
}

uint64_t _Z12get_local_idj(uint32_t d)
{
	return DIM_OK(d) ? cur->lid[d] : 0;
}

uint64_t _Z12get_group_idj(uint32_t d)
{
	return DIM_OK(d) ? cur->group[d] : 0;
}

uint64_t _Z17get_global_offsetj(uint32_t d)
{
	return DIM_OK(d) ? cur->goff[d] : 0;
}

uint64_t _Z13get_global_idj(uint32_t d)
{
	return DIM_OK(d) ? cur->goff[d] + cur->group[d] * cur->lsize[d] + cur->lid[d] : 0;
}

uint64_t _Z15get_global_sizej(uint32_t d)
{
	return DIM_OK(d) ? cur->gsize[d] : 1;
}

uint64_t _Z14get_local_sizej(uint32_t d)
{
	return DIM_OK(d) ? cur->lsize[d] : 1;
}

uint64_t _Z23get_enqueued_local_sizej(uint32_t d)
{
	return _Z14get_local_sizej(d);
}

uint64_t _Z14get_num_groupsj(uint32_t d)
{
	return DIM_OK(d) ? cur->ngroups[d] : 1;
}

uint64_t _Z20get_global_linear_idv(void)
{
	uint64_t id[3];

	for (uint32_t d = 0; d < 3; d++)
		id[d] = _Z13get_global_idj(d) - _Z17get_global_offsetj(d);
	return (id[2] * _Z15get_global_sizej(1) + id[1]) * _Z15get_global_sizej(0) + id[0];
}

uint64_t _Z19get_local_linear_idv(void)
{
	return (_Z12get_local_idj(2) * _Z14get_local_sizej(1) + _Z12get_local_idj(1)) *
	       _Z14get_local_sizej(0) + _Z12get_local_idj(0);
}

/* ------------------------------------------------------------------ */
/* The engine                                                          */
/* ------------------------------------------------------------------ */

static void stack_bounds(struct wi_state *w)
{
	pthread_attr_t attr;
	void *addr;
	size_t size;

	w->stack_lo = w->stack_hi = 0;
	if (pthread_getattr_np(pthread_self(), &attr) != 0)
		return;
	if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
		w->stack_lo = (uintptr_t)addr;
		w->stack_hi = (uintptr_t)addr + size;
	}
	pthread_attr_destroy(&attr);
}

/* Check the descriptor; fill the geometry. Returns false on a bad one. */
static bool geometry(struct fsvm_sim *sim, const struct fsvm_compiled_launch *d,
		     struct wi_state *w, uint64_t *items)
{
	uint64_t total = 1;

	if (d->work_dim < 1 || d->work_dim > FSVM_COMPILED_MAX_DIM) {
		sim_log(sim, FSVM_SIM_LOG_WARN, "fsvm sim: compiled launch: work_dim %u",
			d->work_dim);
		return false;
	}
	w->work_dim = d->work_dim;
	for (uint32_t i = 0; i < 3; i++) {
		uint64_t g = i < d->work_dim ? d->global_size[i] : 1;
		uint64_t l = i < d->work_dim ? d->local_size[i] : 1;

		if (g == 0 || l == 0 || g % l != 0 || g > (1ull << 40) / total) {
			sim_log(sim, FSVM_SIM_LOG_WARN, "fsvm sim: compiled launch: dimension "
				"%u: global %llu, local %llu (local must divide global)", i,
				(unsigned long long)g, (unsigned long long)l);
			return false;
		}
		total *= g;
		w->gsize[i] = g;
		w->lsize[i] = l;
		w->ngroups[i] = g / l;
		w->goff[i] = i < d->work_dim ? d->global_offset[i] : 0;
	}
	*items = total;
	return true;
}

static uint32_t run_groups(struct wi_state *w, fsvm_sim_wi_fn fn, const uint64_t *args,
			   uint32_t *done)
{
	volatile uint32_t count = 0;

	if (setjmp(w->env)) {
		*done = count;
		return FSVM_ST_FAULTED;	/* the port recorded the fault (or ABORT) */
	}
	for (uint64_t gz = 0; gz < w->ngroups[2]; gz++)
	for (uint64_t gy = 0; gy < w->ngroups[1]; gy++)
	for (uint64_t gx = 0; gx < w->ngroups[0]; gx++) {
		w->group[0] = gx;
		w->group[1] = gy;
		w->group[2] = gz;
		for (uint64_t z = 0; z < w->lsize[2]; z++)
		for (uint64_t y = 0; y < w->lsize[1]; y++)
		for (uint64_t x = 0; x < w->lsize[0]; x++) {
			w->lid[0] = x;
			w->lid[1] = y;
			w->lid[2] = z;
			fn(args);
			count = count + 1u < count ? count : count + 1u;
		}
	}
	*done = count;
	return FSVM_ST_DONE;
}

uint32_t sim_run_compiled(void *priv, struct fsvm_axi *a, unsigned int ctx,
			  uint64_t desc_va, struct fsvm_model_compiled_io *io)
{
	struct fsvm_sim *sim = (struct fsvm_sim *)priv;
	struct sim_compiled_table *t = sim->ctab;
	struct fsvm_compiled_launch d;
	uint64_t args[FSVM_COMPILED_MAX_ARGS];
	struct ct_entry e;
	struct wi_state w;
	uint64_t items, local_used = 0;
	uint32_t st;
	bool found;

	(void)ctx;
	io->in_fetch = true;
	if (fsvm_axi_read(a, desc_va, &d, (uint32_t)sizeof(d)) != 0)
		return FSVM_ST_FAULTED;

	pthread_mutex_lock(&t->lock);
	found = ct_lookup(t, d.handle) != NULL;
	if (found)
		e = *ct_lookup(t, d.handle);
	pthread_mutex_unlock(&t->lock);
	if (!found) {
		sim_log(sim, FSVM_SIM_LOG_WARN, "fsvm sim: compiled launch: unknown kernel "
			"handle 0x%llx", (unsigned long long)d.handle);
		return FSVM_ST_BAD_PACKET;
	}
	if (d.nargs != e.nargs || (d.nargs && (d.args_va & 7u))) {
		sim_log(sim, FSVM_SIM_LOG_WARN, "fsvm sim: compiled launch of %s: %u argument "
			"slots at 0x%llx, the kernel takes %u", e.name, d.nargs,
			(unsigned long long)d.args_va, e.nargs);
		return FSVM_ST_BAD_PACKET;
	}
	memset(&w, 0, sizeof(w));
	if (!geometry(sim, &d, &w, &items))
		return FSVM_ST_BAD_PACKET;
	if (d.nargs && fsvm_axi_read(a, d.args_va, args, d.nargs * 8u) != 0)
		return FSVM_ST_FAULTED;
	io->in_fetch = false;

	/* __local pointer arguments: carve the on-chip memory. */
	for (uint32_t i = 0; i < d.nargs; i++) {
		uint64_t size;

		if (e.kinds[i] != FSVM_CL_ARG_LOCAL)
			continue;
		size = (args[i] + LOCAL_ALIGN - 1) & ~(uint64_t)(LOCAL_ALIGN - 1);
		if (args[i] == 0 || args[i] > FSVM_LOCAL_MEM_BYTES ||
		    size > FSVM_LOCAL_MEM_BYTES - local_used) {
			sim_log(sim, FSVM_SIM_LOG_WARN, "fsvm sim: compiled launch of %s: "
				"__local argument %u of %llu bytes does not fit the %u bytes "
				"of local memory", e.name, i, (unsigned long long)args[i],
				FSVM_LOCAL_MEM_BYTES);
			return FSVM_ST_BAD_PACKET;
		}
		args[i] = (uint64_t)(uintptr_t)(t->local_mem + local_used);
		local_used += size;
	}
	w.a = a;
	w.local_lo = (uintptr_t)t->local_mem;
	w.local_hi = (uintptr_t)t->local_mem + FSVM_LOCAL_MEM_BYTES;
	stack_bounds(&w);

	cur = &w;
	st = run_groups(&w, e.fn, args, &io->items);
	cur = NULL;
	(void)items;
	return st;
}
