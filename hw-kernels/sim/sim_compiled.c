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
 * carved into the kernel's __local pointer arguments per launch.
 *
 * Barriers: OpenCL requires that either every work-item of a group reaches
 * a given barrier or none does. So work-item 0 of each group runs as a
 * coroutine (its own stack, ucontext): if it returns without reaching a
 * barrier, no work-item of the group will, and the others run one after
 * the other on the device thread, with no switching cost. If it stops at a
 * barrier, every other work-item of the group is started as a coroutine
 * and run up to the barrier; when all are waiting they are released, and
 * so on, barrier region after barrier region, in local-id order. A group
 * whose work-items do not all reach the same number of barriers
 * (divergence, undefined in OpenCL) ends as FSVM_ST_BAD_PACKET with a log
 * line, never a hang. Coroutine stacks are private memory (on chip).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FSVM_ASAN_FIBERS 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(FSVM_ASAN_FIBERS)
#define FSVM_ASAN_FIBERS 1
#endif
#ifdef FSVM_ASAN_FIBERS
#include <sanitizer/common_interface_defs.h>
#endif

#include "fsvm_cl_abi.h"
#include "fsvm_cl_printf.h"
#include "fsvm_sim_internal.h"

#define CT_SLOTS	256u
#define LOCAL_ALIGN	128u
#define CO_STACK	(256u * 1024u)	/* private memory of one work-item in barrier mode */
#define CO_MAX		1024u		/* work-items per group in barrier mode */

enum co_state { CO_RUN, CO_BARRIER, CO_DONE, CO_FAULT };

struct co {
	ucontext_t uc;
	uint64_t lid[3];
	enum co_state state;
	uint32_t barriers;		/* barriers passed, for divergence checks */
};

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
	/* barrier-mode coroutines and their stacks (device thread only) */
	struct co *co;
	uint8_t *co_stacks;
	uint32_t co_cap;
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
	uintptr_t co_lo, co_hi;		/* coroutine stacks */
	uint64_t printf_va, printf_size;	/* the launch's printf buffer */
	/* barrier mode */
	struct sim_compiled_table *t;
	fsvm_sim_wi_fn fn;
	const uint64_t *args;
	struct co *self;		/* the running coroutine, NULL outside one */
	ucontext_t sched;
	void *asan_fake;
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
	if (sim->ctab->co_stacks)
		munmap(sim->ctab->co_stacks, (size_t)sim->ctab->co_cap * CO_STACK);
	free(sim->ctab->co);
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
	if (va >= w->co_lo && va < w->co_hi)
		return n <= w->co_hi - va;
	return false;
}

static void co_switch_to_sched(struct wi_state *w);

/* A faulting access ends the work-item (and with it the launch). */
static void __attribute__((noreturn)) wi_fault(struct wi_state *w)
{
	if (w->self) {
		w->self->state = CO_FAULT;
		co_switch_to_sched(w);	/* a faulted coroutine is never resumed */
		__builtin_unreachable();
	}
	longjmp(w->env, 1);
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
			wi_fault(w);
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
	uint##bits##_t fsvm_cl_ld##bits(uint64_t va)			\
	{								\
		uint##bits##_t v;					\
									\
		port_read(va, &v, sizeof(v));				\
		return v;						\
	}								\
	void fsvm_cl_st##bits(uint64_t va, uint##bits##_t v)		\
	{								\
		port_write(va, &v, sizeof(v));				\
	}

LD_ST(8)
LD_ST(16)
LD_ST(32)
LD_ST(64)

void fsvm_cl_ldn(uint64_t va, void *dst, uint64_t n)
{
	port_read(va, dst, n);
}

void fsvm_cl_stn(uint64_t va, const void *src, uint64_t n)
{
	port_write(va, src, n);
}

void fsvm_cl_memcpy(uint64_t dva, uint64_t sva, uint64_t n)
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

void fsvm_cl_memset(uint64_t dva, uint32_t byte, uint64_t n)
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
/* printf                                                              */
/* ------------------------------------------------------------------ */

#define PRINTF_MAX	4096u	/* longest format, string argument or output line */

/* A NUL-terminated string at VA va, through the port (truncated). */
static void port_string(uint64_t va, char *out, size_t cap)
{
	size_t n = 0;

	while (n + 1 < cap) {
		port_read(va + n, &out[n], 1);
		if (out[n] == '\0')
			return;
		n++;
	}
	out[n] = '\0';
}

static void out_add(char *out, size_t *len, const char *s, size_t n)
{
	if (n > PRINTF_MAX - 1 - *len)
		n = PRINTF_MAX - 1 - *len;
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
}

/* One argument of fsvm_cl_printf formatted by the specification s (its
 * flags, width and precision, the C length modifier its kind needs). */
static int pf_one(const char *fmt, const struct fsvm_cl_pf_spec *s, va_list *ap,
		  char *piece, size_t cap, char *str, size_t strcap)
{
	char spec[FSVM_CL_PF_MAX_PREFIX + 8];
	size_t sl = s->prefix;

	memcpy(spec, fmt, sl);
	spec[sl] = '\0';
	if (fsvm_cl_pf_is_int(s->conv)) {
		if (s->length == FSVM_CL_PF_L) {
			const char *m = s->conv == 'd' ? PRId64 : s->conv == 'i' ? PRIi64 :
					s->conv == 'o' ? PRIo64 : s->conv == 'u' ? PRIu64 :
					s->conv == 'x' ? PRIx64 : PRIX64;

			memcpy(spec + sl, m, strlen(m) + 1);
			if (s->conv == 'd' || s->conv == 'i')
				return snprintf(piece, cap, spec, va_arg(*ap, int64_t));
			return snprintf(piece, cap, spec, va_arg(*ap, uint64_t));
		}
		/* hh and h convert the promoted int back, as C's printf does */
		if (s->length == FSVM_CL_PF_HH)
			memcpy(spec + sl, "hh", 3);
		else if (s->length == FSVM_CL_PF_H)
			memcpy(spec + sl, "h", 2);
		sl = strlen(spec);
		spec[sl] = s->conv;
		spec[sl + 1] = '\0';
		if (s->conv == 'd' || s->conv == 'i')
			return snprintf(piece, cap, spec, va_arg(*ap, int));
		return snprintf(piece, cap, spec, va_arg(*ap, unsigned int));
	}
	if (fsvm_cl_pf_is_float(s->conv)) {	/* promoted or widened to double */
		spec[sl] = s->conv;
		spec[sl + 1] = '\0';
		return snprintf(piece, cap, spec, va_arg(*ap, double));
	}
	if (s->conv == 'c') {
		spec[sl] = 'c';
		spec[sl + 1] = '\0';
		return snprintf(piece, cap, spec, va_arg(*ap, int));
	}
	spec[sl] = 's';
	spec[sl + 1] = '\0';
	if (s->conv == 's') {
		uint64_t sva = va_arg(*ap, uint64_t);

		/* a NULL string prints "(null)", as the CPU drivers do */
		if (sva == 0)
			snprintf(str, strcap, "(null)");
		else
			port_string(sva, str, strcap);
	} else {		/* %p: 0x..., then the width and flags of the spec */
		snprintf(str, strcap, "0x%" PRIx64, va_arg(*ap, uint64_t));
	}
	return snprintf(piece, cap, spec, str);
}

/*
 * OpenCL C printf: the format (and every %s) is read by VA through the
 * memory port; the specifications of fsvm_cl_printf.h (flags, width,
 * precision, hh h hl l, vectors %vN: one argument per element, printed
 * with the same specification each and separated by ','). The text is
 * appended to the launch's printf buffer through the port. Returns 0, or
 * -1 for a malformed format, one that wants more than the nargs arguments
 * given, or without a buffer (nothing written).
 */
int fsvm_cl_printf(uint64_t fmt_va, uint32_t nargs, ...)
{
	struct wi_state *w = cur;
	static __thread char fmt[PRINTF_MAX], out[PRINTF_MAX], str[PRINTF_MAX];
	char piece[PRINTF_MAX];
	uint64_t used, room;
	size_t len = 0;
	va_list ap;
	int rc = 0;

	if (!w || !w->printf_va)
		return -1;
	port_string(fmt_va, fmt, sizeof(fmt));
	out[0] = '\0';
	va_start(ap, nargs);
	for (const char *p = fmt; *p && rc == 0;) {
		struct fsvm_cl_pf_spec s;
		unsigned int k;

		if (*p != '%') {
			const char *q = p;

			while (*q && *q != '%')
				q++;
			out_add(out, &len, p, (size_t)(q - p));
			p = q;
			continue;
		}
		if (fsvm_cl_pf_parse(p, &s) != NULL) {
			rc = -1;
			break;
		}
		if (s.conv == '%')
			out_add(out, &len, "%", 1);
		for (k = 0; k < fsvm_cl_pf_nargs(&s); k++) {
			int n;

			if (nargs == 0) {	/* never read an argument not passed */
				rc = -1;
				break;
			}
			nargs--;
			if (k)
				out_add(out, &len, ",", 1);
			n = pf_one(p, &s, &ap, piece, sizeof(piece), str, sizeof(str));
			if (n < 0) {
				rc = -1;
				break;
			}
			out_add(out, &len, piece,
				(size_t)n < sizeof(piece) ? (size_t)n : sizeof(piece) - 1);
		}
		p += s.len;
	}
	va_end(ap);
	if (rc != 0)
		return rc;
	/* append: the count, then the text after what is there */
	port_read(w->printf_va, &used, sizeof(used));
	room = w->printf_size - 8;
	if (used > room)
		used = room;
	if (len > room - used)
		len = (size_t)(room - used);
	if (len)
		port_write(w->printf_va + 8 + used, out, len);
	used += len;
	port_write(w->printf_va, &used, sizeof(used));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Work-item functions                                                 */
/* ------------------------------------------------------------------ */

#define DIM_OK(d)	(cur && (d) < cur->work_dim)

uint32_t fsvm_cl_get_work_dim(void)
{
	return cur ? cur->work_dim : 1u;
}

uint64_t fsvm_cl_get_local_id(uint32_t d)
{
	return DIM_OK(d) ? cur->lid[d] : 0;
}

uint64_t fsvm_cl_get_group_id(uint32_t d)
{
	return DIM_OK(d) ? cur->group[d] : 0;
}

uint64_t fsvm_cl_get_global_offset(uint32_t d)
{
	return DIM_OK(d) ? cur->goff[d] : 0;
}

uint64_t fsvm_cl_get_global_id(uint32_t d)
{
	return DIM_OK(d) ? cur->goff[d] + cur->group[d] * cur->lsize[d] + cur->lid[d] : 0;
}

uint64_t fsvm_cl_get_global_size(uint32_t d)
{
	return DIM_OK(d) ? cur->gsize[d] : 1;
}

uint64_t fsvm_cl_get_local_size(uint32_t d)
{
	return DIM_OK(d) ? cur->lsize[d] : 1;
}

uint64_t fsvm_cl_get_enqueued_local_size(uint32_t d)
{
	return fsvm_cl_get_local_size(d);
}

uint64_t fsvm_cl_get_num_groups(uint32_t d)
{
	return DIM_OK(d) ? cur->ngroups[d] : 1;
}

uint64_t fsvm_cl_get_global_linear_id(void)
{
	uint64_t id[3];

	for (uint32_t d = 0; d < 3; d++)
		id[d] = fsvm_cl_get_global_id(d) - fsvm_cl_get_global_offset(d);
	return (id[2] * fsvm_cl_get_global_size(1) + id[1]) * fsvm_cl_get_global_size(0) + id[0];
}

uint64_t fsvm_cl_get_local_linear_id(void)
{
	return (fsvm_cl_get_local_id(2) * fsvm_cl_get_local_size(1) + fsvm_cl_get_local_id(1)) *
	       fsvm_cl_get_local_size(0) + fsvm_cl_get_local_id(0);
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

/* ---- barrier mode: coroutines ---- */

static void co_switch_to_sched(struct wi_state *w)
{
	struct co *c = w->self;

#ifdef FSVM_ASAN_FIBERS
	void *fake = NULL;

	__sanitizer_start_switch_fiber(c->state == CO_RUN || c->state == CO_BARRIER ?
				       &fake : NULL, (const void *)w->stack_lo,
				       w->stack_hi - w->stack_lo);
	swapcontext(&c->uc, &w->sched);
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
#else
	swapcontext(&c->uc, &w->sched);
#endif
}

/* Run coroutine c until it waits at a barrier, returns or faults. */
static void co_resume(struct wi_state *w, struct co *c)
{
	size_t idx = (size_t)(c - w->t->co);

	w->self = c;
	memcpy(w->lid, c->lid, sizeof(w->lid));
	c->state = CO_RUN;
#ifdef FSVM_ASAN_FIBERS
	__sanitizer_start_switch_fiber(&w->asan_fake, w->t->co_stacks + idx * CO_STACK, CO_STACK);
	swapcontext(&w->sched, &c->uc);
	__sanitizer_finish_switch_fiber(w->asan_fake, NULL, NULL);
#else
	(void)idx;
	swapcontext(&w->sched, &c->uc);
#endif
	w->self = NULL;
}

static __thread struct wi_state *co_start_w;

static void co_entry(void)
{
	struct wi_state *w = co_start_w;

#ifdef FSVM_ASAN_FIBERS
	__sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
	w->fn(w->args);
	w->self->state = CO_DONE;
	co_switch_to_sched(w);	/* a finished coroutine is never resumed */
	__builtin_unreachable();
}

/* Stacks and contexts for n coroutines (kept across launches). */
static bool co_reserve(struct sim_compiled_table *t, uint32_t n)
{
	struct co *c;
	void *st;

	if (n <= t->co_cap)
		return true;
	st = mmap(NULL, (size_t)n * CO_STACK, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (st == MAP_FAILED)
		return false;
	c = calloc(n, sizeof(*c));
	if (!c) {
		munmap(st, (size_t)n * CO_STACK);
		return false;
	}
	if (t->co_stacks)
		munmap(t->co_stacks, (size_t)t->co_cap * CO_STACK);
	free(t->co);
	t->co = c;
	t->co_stacks = st;
	t->co_cap = n;
	return true;
}

static bool co_init(struct wi_state *w, uint32_t i, const uint64_t lid[3])
{
	struct co *c = &w->t->co[i];

	memset(c, 0, sizeof(*c));
	memcpy(c->lid, lid, sizeof(c->lid));
	if (getcontext(&c->uc) != 0)
		return false;
	c->uc.uc_stack.ss_sp = w->t->co_stacks + (size_t)i * CO_STACK;
	c->uc.uc_stack.ss_size = CO_STACK;
	c->uc.uc_link = NULL;
	co_start_w = w;
	makecontext(&c->uc, co_entry, 0);
	return true;
}

/* What a barrier call does: wait for the rest of the group. */
static void wi_barrier(void)
{
	struct wi_state *w = cur;

	if (!w)
		return;
	if (!w->self) {
		/* Work-item 0 of this group returned without this barrier. */
		longjmp(w->env, 2);
	}
	w->self->state = CO_BARRIER;
	w->self->barriers++;
	co_switch_to_sched(w);
}

void fsvm_cl_barrier(uint32_t flags)
{
	(void)flags;
	wi_barrier();
}

void fsvm_cl_work_group_barrier(uint32_t flags)
{
	(void)flags;
	wi_barrier();
}

void fsvm_cl_work_group_barrier_scope(uint32_t flags, uint32_t scope)
{
	(void)flags;
	(void)scope;
	wi_barrier();
}

/* One thread runs a group: every access is already ordered. */
void fsvm_cl_mem_fence(uint32_t flags)
{
	(void)flags;
}

void fsvm_cl_read_mem_fence(uint32_t flags)
{
	(void)flags;
}

void fsvm_cl_write_mem_fence(uint32_t flags)
{
	(void)flags;
}

static void lid_of(const struct wi_state *w, uint64_t i, uint64_t lid[3])
{
	lid[0] = i % w->lsize[0];
	lid[1] = (i / w->lsize[0]) % w->lsize[1];
	lid[2] = i / (w->lsize[0] * w->lsize[1]);
}

/*
 * Barrier mode for the current group: work-item 0 (coroutine 0) is waiting
 * at its first barrier. Returns FSVM_ST_DONE, FSVM_ST_FAULTED, or
 * FSVM_ST_BAD_PACKET on divergence.
 */
static uint32_t run_barrier_group(struct fsvm_sim *sim, struct wi_state *w, uint32_t n)
{
	struct co *co = w->t->co;

	for (uint32_t i = 1; i < n; i++) {
		uint64_t lid[3];

		lid_of(w, i, lid);
		if (!co_init(w, i, lid))
			return FSVM_ST_BAD_PACKET;
		co_resume(w, &co[i]);
		if (co[i].state == CO_FAULT)
			return FSVM_ST_FAULTED;
	}
	for (;;) {
		uint32_t waiting = 0, done = 0;

		for (uint32_t i = 0; i < n; i++) {
			if (co[i].state == CO_BARRIER)
				waiting++;
			else if (co[i].state == CO_DONE)
				done++;
		}
		if (done == n)
			return FSVM_ST_DONE;
		if (waiting != n) {
			sim_log(sim, FSVM_SIM_LOG_WARN, "fsvm sim: compiled launch: work-items "
				"of group (%llu,%llu,%llu) reach different barriers (%u at a "
				"barrier, %u returned)", (unsigned long long)w->group[0],
				(unsigned long long)w->group[1], (unsigned long long)w->group[2],
				waiting, done);
			return FSVM_ST_BAD_PACKET;
		}
		for (uint32_t i = 0; i < n; i++) {
			co_resume(w, &co[i]);
			if (co[i].state == CO_FAULT)
				return FSVM_ST_FAULTED;
			if (co[i].barriers != co[0].barriers && co[i].state == CO_BARRIER) {
				sim_log(sim, FSVM_SIM_LOG_WARN, "fsvm sim: compiled launch: "
					"work-items of a group reach different barriers");
				return FSVM_ST_BAD_PACKET;
			}
		}
	}
}

static uint32_t run_groups(struct fsvm_sim *sim, struct wi_state *w, uint32_t *done)
{
	volatile uint32_t count = 0;
	uint64_t n = w->lsize[0] * w->lsize[1] * w->lsize[2];
	int j;

	j = setjmp(w->env);
	if (j) {
		*done = count;
		if (j == 2) {
			sim_log(sim, FSVM_SIM_LOG_WARN, "fsvm sim: compiled launch: a work-item "
				"reached a barrier that work-item 0 of its group did not");
			return FSVM_ST_BAD_PACKET;
		}
		return FSVM_ST_FAULTED;	/* the port recorded the fault (or ABORT) */
	}
	for (uint64_t gz = 0; gz < w->ngroups[2]; gz++)
	for (uint64_t gy = 0; gy < w->ngroups[1]; gy++)
	for (uint64_t gx = 0; gx < w->ngroups[0]; gx++) {
		static const uint64_t zero[3];
		uint32_t st;

		w->group[0] = gx;
		w->group[1] = gy;
		w->group[2] = gz;
		/* Work-item 0 as a coroutine: does this group use barriers? */
		if (!co_init(w, 0, zero)) {
			*done = count;
			return FSVM_ST_BAD_PACKET;
		}
		co_resume(w, &w->t->co[0]);
		if (w->t->co[0].state == CO_FAULT) {
			*done = count;
			return FSVM_ST_FAULTED;
		}
		if (w->t->co[0].state == CO_BARRIER) {
			if (n > CO_MAX) {
				sim_log(sim, FSVM_SIM_LOG_WARN, "fsvm sim: compiled launch: a "
					"work-group of %llu work-items with barriers (at most %u)",
					(unsigned long long)n, CO_MAX);
				*done = count;
				return FSVM_ST_BAD_PACKET;
			}
			st = run_barrier_group(sim, w, (uint32_t)n);
			if (st != FSVM_ST_DONE) {
				*done = count;
				return st;
			}
			count = count + (uint32_t)n < count ? UINT32_MAX : count + (uint32_t)n;
			continue;
		}
		count = count + 1u < count ? count : count + 1u;
		for (uint64_t i = 1; i < n; i++) {
			lid_of(w, i, w->lid);
			w->fn(w->args);
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
	uint64_t group_items;

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
	group_items = w.lsize[0] * w.lsize[1] * w.lsize[2];
	if (!co_reserve(t, group_items < CO_MAX ? (uint32_t)group_items : CO_MAX)) {
		sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: compiled launch of %s: no memory "
			"for the work-items' stacks", e.name);
		return FSVM_ST_BAD_PACKET;
	}
	if (d.printf_va && ((d.printf_va & 7u) || d.printf_size < 16)) {
		sim_log(sim, FSVM_SIM_LOG_WARN, "fsvm sim: compiled launch of %s: bad printf "
			"buffer (0x%llx, %llu bytes)", e.name, (unsigned long long)d.printf_va,
			(unsigned long long)d.printf_size);
		return FSVM_ST_BAD_PACKET;
	}
	w.printf_va = d.printf_va;
	w.printf_size = d.printf_va ? d.printf_size : 0;
	w.a = a;
	w.t = t;
	w.fn = e.fn;
	w.args = args;
	w.co_lo = (uintptr_t)t->co_stacks;
	w.co_hi = (uintptr_t)t->co_stacks + (size_t)t->co_cap * CO_STACK;
	w.local_lo = (uintptr_t)t->local_mem;
	w.local_hi = (uintptr_t)t->local_mem + FSVM_LOCAL_MEM_BYTES;
	stack_bounds(&w);

	cur = &w;
	st = run_groups(sim, &w, &io->items);
	cur = NULL;
	(void)items;
	return st;
}
