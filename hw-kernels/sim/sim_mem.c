/* SPDX-License-Identifier: MIT */
/*
 * sim_mem.c - the simulator's memory port: this process's memory, reached
 * directly (no system call per access) and made fault-safe by a guard, and
 * the synthetic stage-1 tables the SMMU walker reads.
 *
 * The guard: a SIGSEGV/SIGBUS handler, installed once and chaining to the
 * previous handler for faults that are not ours, plus a thread-local
 * sigjmp_buf armed around each guarded access in the device thread. A fault
 * inside a guarded access jumps back and the access returns non-zero, so a
 * bad address becomes an SMMU fault record, never a crash: the walk's probe
 * turns an unmapped or PROT_NONE page into a translation fault; in the data
 * phase the model reports a refused store (a read-only page) as a permission
 * fault and a refused load (a page that went away after the walk) as a
 * translation fault. SA_NODEFER and
 * sigsetjmp(env, 0) keep the signal mask out of the hot path (nothing to
 * save, nothing to restore).
 *
 * The data phase of a burst is one guarded copy: one sigsetjmp, then one
 * memcpy between host memory and the kernel's burst buffer, or for a long
 * write burst one loop of streaming stores (issue 12: the 8-byte volatile
 * loops these replace were a third of a vadd). memcpy may be
 * left by siglongjmp: it holds no lock and keeps no state. A fault part-way
 * leaves the bytes before it copied, as the loops did; the model reports the
 * burst's VA either way, so the fault record does not change.
 *
 * Under AddressSanitizer the copies stay byte/word loops that are not
 * instrumented (nor by UBSan: a probe of VA 0 is a legal device access
 * here) and never call memcpy, which ASan intercepts: the device may legally
 * read memory ASan considers freed or a redzone (it is the process's mapped
 * memory all the same), and host-side accesses are volatile so the compiler
 * cannot turn them into library calls.
 *
 * The synthetic tables (see SYN_TABLE): table descriptors are pure
 * arithmetic; a leaf is made by probing the host page with a guarded 1-byte
 * read: readable -> a valid page (PA = VA, AF, user read-write, nG,
 * inner-shareable normal memory, XN); anything else -> invalid, a
 * translation fault. That includes PROT_NONE pages: arm64 Linux writes
 * PROT_NONE PTEs with the valid bit clear, so a real SMMU walking the CPU's
 * table reports a translation fault there too, and sim and board agree.
 * A store to a read-only page is refused by the guard in the data phase and
 * reported by the model as a permission fault. Inside a region
 * noted with fsvm_sim_note_mapping(..., 21) level 2 yields 2 MiB blocks.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>

#include "fsvm_sim_internal.h"

#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 8)
#define NO_ASAN __attribute__((no_sanitize("address", "undefined")))
#else
#define NO_ASAN
#endif
#define GUARDED NO_ASAN __attribute__((noinline))

#if defined(__SANITIZE_ADDRESS__)
#define SIM_CHECKED_COPY 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_CHECKED_COPY 1
#endif
#endif
#ifndef SIM_CHECKED_COPY
#define SIM_CHECKED_COPY 0
#endif

typedef uint64_t __attribute__((may_alias)) alias_u64;

/* A write burst at least this long may be streamed past the host's caches. */
#define SIM_LONG_WRITE	1024u

/* Armed guard of this thread: NULL when no guarded access is running. */
static __thread sigjmp_buf *volatile guard_env;

static struct sigaction old_segv, old_bus;
static pthread_once_t guard_once = PTHREAD_ONCE_INIT;
static int guard_err;

enum { G_OK = 0, G_FAULT = 1 };

static void guard_chain(int sig, siginfo_t *si, void *uctx)
{
	const struct sigaction *old = sig == SIGSEGV ? &old_segv : &old_bus;

	if (old->sa_flags & SA_SIGINFO) {
		if (old->sa_sigaction) {
			old->sa_sigaction(sig, si, uctx);
			return;
		}
	} else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
		old->sa_handler(sig);
		return;
	}
	/* Default action: restore it; the faulting instruction runs again and
	 * the kernel kills the process as it would have without us. */
	{
		struct sigaction dfl;

		sigemptyset(&dfl.sa_mask);
		dfl.sa_flags = 0;
		dfl.sa_handler = SIG_DFL;
		sigaction(sig, &dfl, NULL);
		if (si && si->si_code <= 0)	/* sent by kill(): deliver it again */
			raise(sig);
	}
}

static void guard_handler(int sig, siginfo_t *si, void *uctx)
{
	sigjmp_buf *env = guard_env;

	if (env) {
		guard_env = NULL;
		siglongjmp(*env, G_FAULT);
	}
	guard_chain(sig, si, uctx);
}

static void guard_install_once(void)
{
	struct sigaction sa;

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
	sa.sa_sigaction = guard_handler;
	if (sigaction(SIGSEGV, &sa, &old_segv) != 0 || sigaction(SIGBUS, &sa, &old_bus) != 0)
		guard_err = -1;
}

int sim_guard_install(void)
{
	pthread_once(&guard_once, guard_install_once);
	return guard_err;
}

#define ARM(env)						\
	do {							\
		guard_env = &(env);				\
		__atomic_signal_fence(__ATOMIC_SEQ_CST);	\
	} while (0)
#define DISARM()						\
	do {							\
		__atomic_signal_fence(__ATOMIC_SEQ_CST);	\
		guard_env = NULL;				\
	} while (0)

#if SIM_CHECKED_COPY
/* ASan builds: the copy loops proper, volatile on the host side, so no memcpy. */
static GUARDED void copy_from_host(uint8_t *d, const volatile uint8_t *s, size_t len)
{
	while (len && ((uintptr_t)s & 7u)) {
		*d++ = *s++;
		len--;
	}
	while (len >= 8) {
		uint64_t v = *(const volatile alias_u64 *)s;

		__builtin_memcpy(d, &v, 8);
		s += 8;
		d += 8;
		len -= 8;
	}
	while (len) {
		*d++ = *s++;
		len--;
	}
}

static GUARDED void copy_to_host(volatile uint8_t *d, const uint8_t *s, size_t len)
{
	while (len && ((uintptr_t)d & 7u)) {
		*d++ = *s++;
		len--;
	}
	while (len >= 8) {
		uint64_t v;

		__builtin_memcpy(&v, s, 8);
		*(volatile alias_u64 *)d = v;
		s += 8;
		d += 8;
		len -= 8;
	}
	while (len) {
		*d++ = *s++;
		len--;
	}
}

#else
/* One library copy per burst; the compiler may not drop or move it out of
 * the guard: the source or destination is host memory seen through a
 * pointer made from an integer, and ARM/DISARM are compiler barriers. */
static inline void copy_from_host(uint8_t *d, const volatile uint8_t *s, size_t len)
{
	memcpy(d, (const void *)(uintptr_t)s, len);
}

/*
 * Stores of a long burst bypass the host's caches (SSE2 streaming stores),
 * as a device's writes do: they reach DRAM without first reading the line
 * into a CPU cache, which is also what the CPU's own memcpy does at the
 * sizes the bench compares (glibc streams above its cache-size threshold).
 * Streaming stores are weakly ordered: the sfence makes them visible before
 * the burst leaves its in-flight bracket (a TLBSYNC waits for that, so no
 * store lands in a page after the driver's invalidation returned) and before
 * anything the device writes later (the completion record), also after a
 * fault part-way (see guarded_write).
 */
#if defined(__SSE2__)
#include <emmintrin.h>
#define SIM_STREAM_MIN	SIM_LONG_WRITE	/* bursts this long, 64-byte multiple, 16-byte aligned */
#endif

static inline void copy_to_host(volatile uint8_t *d, const uint8_t *s, size_t len)
{
#ifdef SIM_STREAM_MIN
	if (len >= SIM_STREAM_MIN && !((uintptr_t)d & 15u) && !(len & 63u)) {
		__m128i *o = (__m128i *)(uintptr_t)d;
		const __m128i *in = (const __m128i *)s;

		for (size_t i = 0; i < len / 16; i += 4) {
			__m128i x0 = _mm_loadu_si128(in + i);
			__m128i x1 = _mm_loadu_si128(in + i + 1);
			__m128i x2 = _mm_loadu_si128(in + i + 2);
			__m128i x3 = _mm_loadu_si128(in + i + 3);

			_mm_stream_si128(o + i, x0);
			_mm_stream_si128(o + i + 1, x1);
			_mm_stream_si128(o + i + 2, x2);
			_mm_stream_si128(o + i + 3, x3);
		}
		_mm_sfence();
		return;
	}
#endif
	memcpy((void *)(uintptr_t)d, s, len);
}
#endif

/* Copy len bytes from host memory src into the device's buffer dst. */
static GUARDED int guarded_read(void *dst, uintptr_t src, size_t len)
{
	sigjmp_buf env;
	int r;

	r = sigsetjmp(env, 0);
	if (r)
		return r;
	ARM(env);
	copy_from_host((uint8_t *)dst, (const volatile uint8_t *)src, len);
	DISARM();
	return G_OK;
}

/* Copy len bytes from the device's buffer src into host memory dst. */
static GUARDED int guarded_write(uintptr_t dst, const void *src, size_t len)
{
	sigjmp_buf env;
	int r;

	r = sigsetjmp(env, 0);
	if (r) {
#ifdef SIM_STREAM_MIN
		_mm_sfence();	/* the streamed stores before the fault */
#endif
		return r;
	}
	ARM(env);
	copy_to_host((volatile uint8_t *)dst, (const uint8_t *)src, len);
	DISARM();
	return G_OK;
}

/* Is the byte at va readable? G_OK or G_FAULT. */
static GUARDED int guarded_probe(uintptr_t va)
{
	sigjmp_buf env;
	int r;

	r = sigsetjmp(env, 0);
	if (r)
		return r;
	ARM(env);
	(void)*(const volatile uint8_t *)va;
	DISARM();
	return G_OK;
}

/*
 * Fault the byte at va in, for writing when write: what the kernel module's
 * fault worker does with handle_mm_fault. A read is a load; a write is an
 * atomic add of zero (a store that cannot change what the CPU threads
 * write meanwhile), so a read-only or PROT_NONE page is refused by the
 * guard instead of being made writable behind the process's back.
 */
static GUARDED int guarded_touch(uintptr_t va, bool write)
{
	sigjmp_buf env;
	int r;

	r = sigsetjmp(env, 0);
	if (r)
		return r;
	ARM(env);
	if (write) {
		/*
		 * A compare-exchange of the byte with itself: a write that
		 * changes nothing. Not fetch_add(0): clang folds an idempotent
		 * read-modify-write into a plain load, and the probe then
		 * "wrote" read-only pages (a stall retried until -ELOOP).
		 */
		volatile uint8_t *p = (volatile uint8_t *)va;
		uint8_t v = __atomic_load_n(p, __ATOMIC_RELAXED);

		while (!__atomic_compare_exchange_n(p, &v, v, true, __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED))
			;
	} else
		(void)*(const volatile uint8_t *)va;
	DISARM();
	return G_OK;
}

int sim_fault_in(uint64_t va, bool write)
{
	if (va >> 47)
		return -EFAULT;	/* not a user address of this process */
	return guarded_touch((uintptr_t)va, write) == G_OK ? 0 : -EFAULT;
}

/* ------------------------------------------------------------------ */
/* Page-size notes (seqlock readers on the device thread)              */
/* ------------------------------------------------------------------ */

bool sim_note_covers(struct fsvm_sim *sim, uint64_t va, uint64_t len)
{
	uint32_t seq;
	bool hit;

	do {
		seq = __atomic_load_n(&sim->note_seq, __ATOMIC_ACQUIRE);
		hit = false;
		if (!(seq & 1u)) {
			uint32_t n = __atomic_load_n(&sim->nnotes, __ATOMIC_RELAXED);

			for (uint32_t i = 0; i < n && i < SIM_MAX_NOTES; i++) {
				uint64_t nva = __atomic_load_n(&sim->notes[i].va, __ATOMIC_RELAXED);
				uint64_t nlen = __atomic_load_n(&sim->notes[i].len, __ATOMIC_RELAXED);

				if (va >= nva && va - nva < nlen && len <= nlen - (va - nva)) {
					hit = true;
					break;
				}
			}
		}
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((seq & 1u) || seq != __atomic_load_n(&sim->note_seq, __ATOMIC_RELAXED));
	return hit;
}

/* ------------------------------------------------------------------ */
/* The port                                                            */
/* ------------------------------------------------------------------ */

#define LEAF_ATTRS	(SMMU_PTE_VALID | (0ull << SMMU_PTE_ATTRINDX_SHIFT) | \
			 (3ull << SMMU_PTE_SH_SHIFT) | SMMU_PTE_AF | SMMU_PTE_NG | \
			 SMMU_PTE_PXN | SMMU_PTE_UXN)

/* Leaf descriptor for the page/block at base (size 1 << shift). */
static uint64_t leaf(struct fsvm_sim *sim, uint64_t base, unsigned int shift, bool page)
{
	uint64_t probe = base;
	uint64_t d;
	int r;

	/* Probe the byte being translated when it is in this page: it is the
	 * one the data phase reads next, so the probe costs no extra miss. */
	if ((sim->hint_va >> shift) == (base >> shift))
		probe = sim->hint_va;
	r = guarded_probe((uintptr_t)probe);
	if (r == G_FAULT)
		return 0;	/* invalid (unmapped or PROT_NONE): translation fault */
	d = base | LEAF_ATTRS | (page ? SMMU_PTE_PAGE : 0);
	return d | SMMU_PTE_AP1;	/* EL0 read-write */
}

/* Level 2: a 2 MiB block inside a noted region, else the level-3 table. */
static __attribute__((noinline)) int desc_l2(struct fsvm_sim *sim, uint64_t next,
					     uint64_t *desc)
{
	uint64_t base = next << 21;

	if (sim_note_covers(sim, base, 1ull << 21))
		*desc = leaf(sim, base, 21, false);
	else
		*desc = SYN_TABLE(3, next) | SMMU_PTE_VALID | SMMU_PTE_TABLE;
	return 0;
}

static __attribute__((noinline)) int desc_l3(struct fsvm_sim *sim, uint64_t next,
					     uint64_t *desc)
{
	*desc = leaf(sim, next << 12, 12, true);
	return 0;
}

/*
 * Levels 0 and 1 are arithmetic and stay in this function, which then needs
 * no stack frame; levels 2 and 3 (note lookup, probe) are tail calls. The
 * VA prefix one level down is the table's prefix (pa[38:12]) followed by
 * the descriptor's index (pa[11:3]): pa[38:3].
 */
static int sim_read_desc(void *priv, uint64_t pa, uint64_t *desc)
{
	struct fsvm_sim *sim = (struct fsvm_sim *)priv;
	uint64_t next = (pa >> 3) & ((SYN_PREFIX_MASK << 9) | 511u);

	/* One of our tables: SYN_MARK set, 8-byte aligned, below 2^48. */
	if ((pa & (~((1ull << 48) - 1ull) | SYN_MARK | 7u)) != SYN_MARK)
		return 1;	/* not one of our tables: bus error on the walk */
	switch ((pa >> SYN_LEVEL_SHIFT) & 3u) {
	case 0:
		*desc = SYN_TABLE(1, next) | SMMU_PTE_VALID | SMMU_PTE_TABLE;
		return 0;
	case 1:
		*desc = SYN_TABLE(2, next) | SMMU_PTE_VALID | SMMU_PTE_TABLE;
		return 0;
	case 2:
		return desc_l2(sim, next, desc);
	default:
		return desc_l3(sim, next, desc);
	}
}

static int sim_mem_read(void *priv, uint64_t pa, void *dst, uint32_t len)
{
	(void)priv;
	return guarded_read(dst, (uintptr_t)pa, len) != G_OK;
}

static int sim_mem_write(void *priv, uint64_t pa, const void *src, uint32_t len)
{
	(void)priv;
	return guarded_write((uintptr_t)pa, src, len) != G_OK;
}

/*
 * The burst about to be translated: the walk probes its first byte (see
 * leaf), and its bytes are prefetched now, so the host's cache misses on them
 * (a pointer chase's next node, which may straddle two lines; the lines of a
 * 4 KiB read burst) overlap the SMMU model's TLB lookup and walk and each
 * other, instead of following the walk one at a time (issue 12: vadd's
 * device thread moved 11 GB/s with only the first line prefetched, 14.5 with
 * every line). A short write burst's lines are fetched for writing; a long
 * one is not prefetched: it is streamed past the caches (copy_to_host). A
 * prefetch never faults, whatever va is, and changes no figure of the model.
 */
static void sim_xlate_hint(void *priv, uint64_t va, uint32_t len, bool write)
{
	uintptr_t end = (uintptr_t)va + (len ? len : 1u);

	((struct fsvm_sim *)priv)->hint_va = va;
	__builtin_prefetch((const void *)(uintptr_t)va, 0, 3);
	if (write && len >= SIM_LONG_WRITE)
		return;
	for (uintptr_t l = ((uintptr_t)va | 63u) + 1u; l < end; l += 64u) {
		if (write)
			__builtin_prefetch((const void *)l, 1, 3);
		else
			__builtin_prefetch((const void *)l, 0, 3);
	}
}

void sim_port_init(struct fsvm_sim *sim, struct fsvm_model_port *port)
{
	port->priv = sim;
	port->read_desc = sim_read_desc;
	port->mem_read = sim_mem_read;
	port->mem_write = sim_mem_write;
	port->xlate_hint = sim_xlate_hint;
}
