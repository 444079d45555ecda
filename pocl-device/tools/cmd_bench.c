/* SPDX-License-Identifier: MIT */
/*
 * cmd_bench.c - "fsvm bench": the figures that say what shared virtual
 * memory buys, all from one run:
 *
 *  1. dispatch round trip of the empty kernel (median of many launches);
 *  2. pointer chasing on the device vs the CPU, same 1M-node random list;
 *  3. vadd bandwidth on the device vs memcpy bandwidth on the CPU;
 *  4. host preparation for one query over the list: SVM passes the head
 *     pointer (nothing copied) vs a device-buffer API, which forces the
 *     list to be marshalled into an index-based array and copied;
 *  5. modeled device cycles per hop with 4 KiB vs 2 MiB pages;
 *  6. the same with K = 1..16 chases interleaved (pointer_chase_batch),
 *     modelled cycles, ns and hops per microsecond per hop;
 *  7. peak resident memory of one vadd over three --rss-mib arrays: what
 *     the device side adds on top of the arrays themselves.
 *
 * Figures, not pass/fail: the exit status only says whether the run worked.
 * Where a goal exists the output says "goal met" or "goal not met" next to
 * it; nothing fails on a number.
 *
 * Fairness: the chase (device and CPU), vadd and memcpy each run --reps
 * times (default 5) and report min / median / max; ratios are taken rep by
 * rep (device rep i against CPU rep i) and summarised the same way. The vadd
 * arrays are page-aligned (their page offsets are printed) and all three are
 * written before the first run, so no run pays first-touch page faults.
 * The JSON also names the host, the commit (configure time, or
 * $FSVM_COMMIT), the UTC time and the number of reps.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "cli.h"
#include "workload.h"

#define MAX_REPS	101

struct bench_opts {
	uint64_t nodes;
	uint64_t iters;
	uint64_t reps;
	uint64_t vadd_mib;
	uint64_t rss_mib;	/* 0: no peak-RSS step */
	int json;
	const char *plot_dir;
	uint64_t plot_nodes, plot_mib;
};

struct bench_results {
	double dispatch_us_median, dispatch_us_p99, dispatch_us_min, dispatch_us_max;
	uint64_t dispatch_launches;
	struct fig chase_sim, chase_native, chase_ratio;	/* ns/hop, sim/native */
	struct fig vadd_gbps, memcpy_gbps, vadd_ratio;		/* GB/s, vadd/memcpy */
	/* the same bytes per CPU second (see cpu_ns); have_cpu: measured (sim only) */
	struct fig vadd_gbps_cpu, memcpy_gbps_cpu, vadd_ratio_cpu;
	int have_cpu;
	uint64_t vadd_elems, reps;
	unsigned int page_off[3];	/* page offsets of the vadd arrays a, b, c */
	double prep_us_svm, prep_us_copy;
	uint64_t bytes_copied_svm, bytes_copied_copy;
	double modeled_cycles_per_hop_4k, modeled_cycles_per_hop_2m;
	/* 6. pointer_chase_batch, K = bench_batch_k[i]: modelled cycles per hop */
	double batch_cph_4k[BENCH_BATCH_KS], batch_cph_2m[BENCH_BATCH_KS];
	int have_batch;
	int have_2m;
	uint64_t nodes;
	/* 7. peak RSS of one vadd: -1 when the kernel cannot reset the peak */
	int64_t rss_arrays_kib, rss_over_kib;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct fig fig_of(double *v, uint64_t n)
{
	struct fig f;

	qsort(v, n, sizeof(*v), cmp_double);
	f.min = v[0];
	f.max = v[n - 1];
	f.med = n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return f;
}

/* 1. Empty-kernel round trips: launch + wait, one at a time. */
static int bench_dispatch(struct fsvm_context *ctx, uint64_t iters, struct bench_results *r)
{
	uint64_t *lat = malloc(iters * sizeof(*lat));
	struct fsvm_completion rec;
	int err = FSVM_OK;

	if (!lat)
		return FSVM_ERR_NOMEM;
	/* Warm up: first launches fault in pages and wake the device thread. */
	for (int i = 0; i < 1000 && !err; i++)
		err = fsvm_run(ctx, FSVM_K_NOP, NULL, 0, &rec, 0, FSVM_TIMEOUT_INFINITE, NULL);
	for (uint64_t i = 0; i < iters && !err; i++) {
		uint64_t t0 = now_ns();

		err = fsvm_run(ctx, FSVM_K_NOP, NULL, 0, &rec, i, FSVM_TIMEOUT_INFINITE, NULL);
		lat[i] = now_ns() - t0;
	}
	if (!err) {
		qsort(lat, iters, sizeof(*lat), cmp_u64);
		r->dispatch_us_median = lat[iters / 2] / 1e3;
		r->dispatch_us_p99 = lat[iters * 99 / 100] / 1e3;
		r->dispatch_us_min = lat[0] / 1e3;
		r->dispatch_us_max = lat[iters - 1] / 1e3;
		r->dispatch_launches = iters;
	}
	free(lat);
	return err;
}

uint64_t native_chase(const struct fsvm_list_node *head, uint64_t *hops)
{
	uint64_t sum = 0, n = 0;

	for (const struct fsvm_list_node *p = head; p;
	     p = (const struct fsvm_list_node *)(uintptr_t)p->next) {
		sum = FSVM_CHECKSUM_STEP(sum, p->payload);
		n++;
	}
	*hops = n;
	return sum;
}

static int run_chase(struct fsvm_context *ctx, const void *head, uint64_t max_hops,
		     struct fsvm_chase_result *res, struct fsvm_completion *rec)
{
	uint64_t args[] = { (uintptr_t)head, max_hops, (uintptr_t)res };
	struct fsvm_fault fault;
	int err = run_with_progress(ctx, FSVM_K_POINTER_CHASE, args, 3, rec, &fault,
				    "pointer_chase");

	if (err == FSVM_ERR_FAULT) {
		char text[160];

		fprintf(stderr, "fsvm bench: pointer_chase faulted: %s\n",
			fsvm_fault_describe(&fault, text, sizeof(text)));
	}
	return err;
}

/* 2 and 4: chase device vs CPU, and the preparation a query needs. */
static int bench_chase_and_prep(struct fsvm_context *ctx, const struct list_workload *list,
				struct bench_results *r)
{
	struct fsvm_chase_result res;
	struct fsvm_completion rec;
	uint64_t t0, t1, hops = 0, sum = 0;
	double sim[MAX_REPS], nat[MAX_REPS], ratio[MAX_REPS];
	int err;

	/* One untimed CPU walk first, so neither side's first rep is the one
	 * that brings the list into the caches and the TLB. Then the reps
	 * alternate device and CPU, so drift in the machine's speed hits both. */
	sum ^= native_chase(list->head, &hops);
	for (uint64_t rep = 0; rep < r->reps; rep++) {
		fprintf(stderr, "bench:   chase rep %" PRIu64 "/%" PRIu64 "\n", rep + 1, r->reps);
		t0 = now_ns();
		err = run_chase(ctx, list->head, FSVM_MAX_HOPS, &res, &rec);
		t1 = now_ns();
		if (err)
			return err;
		if (res.hops != hops || !res.hops) {
			fprintf(stderr, "fsvm bench: device walked %" PRIu64 " hops, CPU %" PRIu64
				"\n", res.hops, hops);
			return FSVM_ERR_IO;
		}
		sim[rep] = (double)(t1 - t0) / res.hops;
		t0 = now_ns();
		sum ^= native_chase(list->head, &hops);
		t1 = now_ns();
		nat[rep] = (double)(t1 - t0) / hops;
		ratio[rep] = sim[rep] / nat[rep];
	}
	r->chase_sim = fig_of(sim, r->reps);
	r->chase_native = fig_of(nat, r->reps);
	r->chase_ratio = fig_of(ratio, r->reps);
	__asm__ __volatile__("" : : "r"(sum) : "memory");

	/*
	 * Preparation for one query. SVM: the kernel argument is the head
	 * pointer itself. A device-buffer API cannot take pointers into host
	 * memory, so the list must be turned into an array whose "next" fields
	 * are indices, then copied into the device's buffer.
	 */
	t0 = now_ns();
	uint64_t svm_args[3] = { (uintptr_t)list->head, FSVM_MAX_HOPS, (uintptr_t)&res };
	t1 = now_ns();
	r->prep_us_svm = (t1 - t0) / 1e3;
	r->bytes_copied_svm = 0;
	__asm__ __volatile__("" : : "r"(svm_args) : "memory");

	struct indexed_node { uint64_t next_index, key, payload, pad; };
	size_t bytes = list->n * sizeof(struct indexed_node);
	struct indexed_node *staging = malloc(bytes ? bytes : 1);
	struct indexed_node *device_buffer = malloc(bytes ? bytes : 1);

	if (!staging || !device_buffer) {
		free(staging);
		free(device_buffer);
		return FSVM_ERR_NOMEM;
	}
	/* Fault the destination in first: a real device buffer exists before
	 * the query, only the transfer is part of the query's cost. */
	memset(device_buffer, 0, bytes);
	memset(staging, 0, bytes);
	t0 = now_ns();
	{
		size_t i = 0;

		/* Walk order = array order, so node i's successor is i + 1. */
		for (const struct fsvm_list_node *p = list->head; p;
		     p = (const struct fsvm_list_node *)(uintptr_t)p->next, i++) {
			staging[i].next_index = p->next ? i + 1 : UINT64_MAX;
			staging[i].key = p->key;
			staging[i].payload = p->payload;
		}
		memcpy(device_buffer, staging, i * sizeof(*staging));
		r->bytes_copied_copy = i * sizeof(*staging);
	}
	t1 = now_ns();
	r->prep_us_copy = (t1 - t0) / 1e3;
	__asm__ __volatile__("" : : "r"(device_buffer) : "memory");
	free(staging);
	free(device_buffer);
	return FSVM_OK;
}

/*
 * CPU time, ns: of the calling thread (thread = 1), or of the process's other
 * threads (thread = 0: the whole process minus the calling thread). On sim
 * the other threads are the device thread (the fault workers sleep), so a
 * vadd's bytes over their CPU time is what the simulator moves per second of
 * a CPU it has, whatever share of the machine the other load leaves it; the
 * wall-time figure is that times the share. The kernel adds a running
 * thread's time to the process clock only at a tick or a switch, so the other
 * threads' sample first sleeps 1 ms: the idle device thread has gone to
 * sleep by then (it spins at most 50 us) and all its time is counted.
 */
static uint64_t cpu_ns(int thread)
{
	struct timespec me, all, pause = { 0, 1000000 };

	if (!thread)
		nanosleep(&pause, NULL);
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &me) != 0)
		return 0;
	uint64_t t = (uint64_t)me.tv_sec * 1000000000ull + (uint64_t)me.tv_nsec;

	if (thread)
		return t;
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &all) != 0)
		return 0;
	uint64_t p = (uint64_t)all.tv_sec * 1000000000ull + (uint64_t)all.tv_nsec;

	return p > t ? p - t : 0;
}

/* 3. vadd on the device vs memcpy on the CPU, both as bytes moved / s. */
void *page_alloc(size_t bytes)
{
	void *p = NULL;

	return posix_memalign(&p, 4096, bytes ? bytes : 1) == 0 ? p : NULL;
}

static int bench_bandwidth(struct fsvm_context *ctx, uint64_t mib, struct bench_results *r)
{
	const uint64_t n = mib << 18;	/* floats: mib MiB per array */
	float *a = page_alloc(n * 4), *b = page_alloc(n * 4), *c = page_alloc(n * 4);
	double vadd[MAX_REPS], mcpy[MAX_REPS], ratio[MAX_REPS];
	double vcpu[MAX_REPS], mcpu[MAX_REPS], rcpu[MAX_REPS];
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	uint64_t t0, t1, c0, c1;
	int err = FSVM_ERR_NOMEM;

	if (!a || !b || !c)
		goto out;
	r->page_off[0] = (unsigned int)((uintptr_t)a & 4095u);
	r->page_off[1] = (unsigned int)((uintptr_t)b & 4095u);
	r->page_off[2] = (unsigned int)((uintptr_t)c & 4095u);
	/* Every page of all three written: the output is pre-faulted too. */
	for (uint64_t i = 0; i < n; i++) {
		a[i] = (float)i;
		b[i] = 1.0f;
		c[i] = 0.0f;
	}
	uint64_t args[] = { (uintptr_t)a, (uintptr_t)b, (uintptr_t)c, n };

	/* Reps alternate vadd and memcpy (read n*4 + write n*4 bytes). */
	for (uint64_t rep = 0; rep < r->reps; rep++) {
		fprintf(stderr, "bench:   vadd rep %" PRIu64 "/%" PRIu64 "\n", rep + 1, r->reps);
		c0 = cpu_ns(0);
		t0 = now_ns();
		err = run_with_progress(ctx, FSVM_K_VADD, args, 4, &rec, &fault, "vadd");
		t1 = now_ns();
		c1 = cpu_ns(0);
		if (err)
			goto out;
		vadd[rep] = 3.0 * 4 * n / (double)(t1 - t0);	/* bytes/ns = GB/s */
		vcpu[rep] = c1 > c0 ? 3.0 * 4 * n / (double)(c1 - c0) : 0;
		c0 = cpu_ns(1);
		t0 = now_ns();
		memcpy(c, a, n * 4);
		t1 = now_ns();
		c1 = cpu_ns(1);
		__asm__ __volatile__("" : : "r"(c) : "memory");
		mcpy[rep] = 2.0 * 4 * n / (double)(t1 - t0);
		mcpu[rep] = c1 > c0 ? 2.0 * 4 * n / (double)(c1 - c0) : 0;
		ratio[rep] = vadd[rep] / mcpy[rep];
		rcpu[rep] = mcpu[rep] > 0 ? vcpu[rep] / mcpu[rep] : 0;
		if (vcpu[rep] <= 0 || mcpu[rep] <= 0)
			r->have_cpu = -1;	/* no CPU time seen (not sim, or no clock) */
	}
	/* memcpy left c = a: vadd's result must be back after one more run */
	err = run_with_progress(ctx, FSVM_K_VADD, args, 4, &rec, &fault, "vadd");
	if (!err && (c[0] != 1.0f || c[n - 1] != (float)(n - 1) + 1.0f)) {
		fprintf(stderr, "fsvm bench: vadd computed wrong values\n");
		err = FSVM_ERR_IO;
	}
	if (err)
		goto out;
	r->vadd_elems = n;
	r->vadd_gbps = fig_of(vadd, r->reps);
	r->memcpy_gbps = fig_of(mcpy, r->reps);
	r->vadd_ratio = fig_of(ratio, r->reps);
	if (r->have_cpu == 0) {
		r->have_cpu = 1;
		r->vadd_gbps_cpu = fig_of(vcpu, r->reps);
		r->memcpy_gbps_cpu = fig_of(mcpu, r->reps);
		r->vadd_ratio_cpu = fig_of(rcpu, r->reps);
	} else {
		r->have_cpu = 0;
	}
out:
	free(a);
	free(b);
	free(c);
	return err;
}

/* 6. K chases interleaved (pointer_chase_batch): see bench.h. */
const unsigned int bench_batch_k[BENCH_BATCH_KS] = { 1, 2, 4, 8, 16 };

int bench_batch_chase(struct fsvm_context *ctx, const struct fsvm_list_node *head,
		      uint64_t nodes, double cph[BENCH_BATCH_KS])
{
	struct fsvm_device *dev = fsvm_context_device(ctx);
	struct fsvm_chase_result res[FSVM_BATCH_LANES];
	uint64_t heads[FSVM_BATCH_LANES];
	struct fsvm_kernel_desc desc;
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	int err;

	if (fsvm_device_find_kernel(dev, "pointer_chase_batch", &desc) != FSVM_OK)
		return FSVM_ERR_UNSUPPORTED;
	for (unsigned int i = 0; i < BENCH_BATCH_KS; i++) {
		unsigned int k = bench_batch_k[i];
		uint64_t seg = nodes / k, total = 0;
		const struct fsvm_list_node *p = head;

		for (unsigned int l = 0; l < k; l++) {
			heads[l] = (uintptr_t)p;
			for (uint64_t h = 0; h < seg && p; h++)
				p = (const struct fsvm_list_node *)(uintptr_t)p->next;
		}
		uint64_t args[] = { (uintptr_t)heads, k, seg, (uintptr_t)res };

		err = run_with_progress(ctx, desc.id, args, 4, &rec, &fault, "pointer_chase_batch");
		if (err)
			return err;
		for (unsigned int l = 0; l < k; l++) {
			uint64_t sum = 0, n = 0, last = 0;

			p = (const struct fsvm_list_node *)(uintptr_t)heads[l];
			for (; p && n < seg; p = (const struct fsvm_list_node *)(uintptr_t)p->next) {
				sum = FSVM_CHECKSUM_STEP(sum, p->payload);
				last = (uintptr_t)p;
				n++;
			}
			if (res[l].hops != n || res[l].checksum != sum || res[l].last != last ||
			    res[l].found != (p == NULL)) {
				fprintf(stderr, "fsvm bench: pointer_chase_batch k=%u lane %u "
					"differs from the CPU\n", k, l);
				return FSVM_ERR_IO;
			}
			total += n;
		}
		cph[i] = total ? (double)rec.cycles / (double)total : 0;
	}
	return FSVM_OK;
}

/* 5. The same walk on 4 KiB and on 2 MiB pages: modeled cycles per hop. */
static int bench_pages(struct fsvm_context *ctx, uint64_t nodes, struct bench_results *r)
{
	struct fsvm_device *dev = fsvm_context_device(ctx);
	size_t bytes = nodes * sizeof(struct fsvm_list_node), page = 0;
	struct fsvm_chase_result res;
	struct fsvm_completion rec;
	const struct fsvm_list_node *head;
	void *small = NULL, *huge = NULL;
	int err;

	err = fsvm_svm_alloc(dev, bytes, FSVM_SVM_PREFAULT, &small);
	if (err)
		return err;
	head = list_build_in_arena(small, nodes, 7);
	err = run_chase(ctx, head, FSVM_MAX_HOPS, &res, &rec);
	if (err)
		goto out;
	r->modeled_cycles_per_hop_4k = res.hops ? (double)rec.cycles / res.hops : 0;
	err = bench_batch_chase(ctx, head, nodes, r->batch_cph_4k);
	r->have_batch = err == FSVM_OK;
	if (err == FSVM_ERR_UNSUPPORTED)
		err = FSVM_OK;		/* a device without pointer_chase_batch */
	if (err)
		goto out;

	err = fsvm_svm_alloc(dev, bytes, FSVM_SVM_HUGE | FSVM_SVM_PREFAULT, &huge);
	if (err)
		goto out;
	fsvm_svm_page_size(dev, huge, &page);
	r->have_2m = page == (2u << 20);
	if (!r->have_2m) {
		fprintf(stderr, "fsvm bench: 2 MiB pages could not be obtained (no "
			"hugetlbfs pages reserved and transparent huge pages refused); "
			"the 2 MiB figure is left out\n");
		goto out;
	}
	head = list_build_in_arena(huge, nodes, 7);
	err = run_chase(ctx, head, FSVM_MAX_HOPS, &res, &rec);
	if (!err)
		r->modeled_cycles_per_hop_2m = res.hops ? (double)rec.cycles / res.hops : 0;
	if (!err && r->have_batch)
		err = bench_batch_chase(ctx, head, nodes, r->batch_cph_2m);
out:
	if (small)
		fsvm_svm_free(dev, small);
	if (huge)
		fsvm_svm_free(dev, huge);
	return err;
}

/* The goals of the figures (issue 12): shown with a verdict, never enforced. */
#define GOAL_DISPATCH_US	2.0
#define GOAL_VADD_RATIO		0.5
#define GOAL_RSS_OVER_KIB	4096	/* peak RSS of a vadd: arrays + 4 MiB */

/* A "Vm...:" line of /proc/self/status in KiB, or -1. */
static int64_t status_kib(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	int64_t v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, len) == 0 && line[len] == ':') {
			v = strtoll(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/*
 * 7. Peak RSS of one vadd over three mib-MiB arrays, a and b written by the
 * host, c left to the device. Writing 5 to /proc/self/clear_refs resets the
 * peak (VmHWM, Linux >= 4.0), so what the earlier steps used does not count:
 * the figure is the peak minus the resident set before the arrays, minus the
 * arrays. A device that stages data in buffers of its own shows it here.
 */
static int bench_rss(struct fsvm_context *ctx, uint64_t mib, struct bench_results *r)
{
	const uint64_t n = mib << 18;
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	int64_t base, peak;
	float *a, *b, *c;
	int err = FSVM_ERR_NOMEM;
	FILE *f;

	r->rss_arrays_kib = r->rss_over_kib = -1;
	f = fopen("/proc/self/clear_refs", "w");
	if (!f || fputs("5", f) == EOF || fclose(f) != 0) {
		if (f)
			fclose(f);
		fprintf(stderr, "fsvm bench: cannot reset the peak RSS (/proc/self/clear_refs); "
			"no RSS figure\n");
		return FSVM_OK;
	}
	f = NULL;
	base = status_kib("VmRSS");
	a = page_alloc(n * 4);
	b = page_alloc(n * 4);
	c = page_alloc(n * 4);
	if (!a || !b || !c)
		goto out;
	for (uint64_t i = 0; i < n; i++) {
		a[i] = (float)i;
		b[i] = 2.0f;
	}
	uint64_t args[] = { (uintptr_t)a, (uintptr_t)b, (uintptr_t)c, n };

	err = run_with_progress(ctx, FSVM_K_VADD, args, 4, &rec, &fault, "vadd");
	if (err)
		goto out;
	peak = status_kib("VmHWM");
	if (c[0] != 2.0f || c[n / 2] != (float)(n / 2) + 2.0f || c[n - 1] != (float)(n - 1) + 2.0f) {
		fprintf(stderr, "fsvm bench: vadd (RSS step) computed wrong values\n");
		err = FSVM_ERR_IO;
		goto out;
	}
	if (base >= 0 && peak >= 0) {
		r->rss_arrays_kib = (int64_t)(3 * mib * 1024);
		r->rss_over_kib = peak - base - r->rss_arrays_kib;
	}
out:
	free(a);
	free(b);
	free(c);
	return err;
}

static double goal_chase_ratio(uint64_t nodes)
{
	return nodes <= 65536 ? 2.0 : 1.5;
}

static const char *verdict(int met)
{
	return met ? "goal met" : "goal not met";
}

const char *bench_commit(void)
{
	const char *c = getenv("FSVM_COMMIT");

	if (c && *c)
		return c;
#ifdef FSVM_GIT_COMMIT
	return FSVM_GIT_COMMIT;
#else
	return "unknown";
#endif
}

/* The label column of the text output: "label<pad> : ". */
#define LABEL_WIDTH 34

static void label(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void label(const char *fmt, ...)
{
	char text[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	printf("%-*s : ", LABEL_WIDTH, text);
}

static void print_text(const struct bench_results *r, const struct fsvm_device_info *info)
{
	double gc = goal_chase_ratio(r->nodes);

	printf("fsvm bench on device \"%s\" (%s), %" PRIu64 " %s; figures are "
	       "min / median / max, host wall time\n\n", info->name,
	       info->features & FSVM_FEAT_SIMULATED ? "simulated" : "hardware", r->reps,
	       plural(r->reps, "rep", "reps"));
	label("dispatch round trip, empty kernel");
	printf("%.2f us median, %.2f us p99, %.2f / %.2f us min / max (%" PRIu64 " %s; "
	       "goal median <= %.0f us: %s)\n",
	       r->dispatch_us_median, r->dispatch_us_p99, r->dispatch_us_min, r->dispatch_us_max,
	       r->dispatch_launches, plural(r->dispatch_launches, "launch", "launches"),
	       GOAL_DISPATCH_US, verdict(r->dispatch_us_median <= GOAL_DISPATCH_US));
	label("pointer chase, %" PRIu64 " %s", r->nodes, plural(r->nodes, "node", "nodes"));
	printf("device %.1f / %.1f / %.1f ns/hop, CPU %.1f / %.1f / %.1f ns/hop\n",
	       r->chase_sim.min, r->chase_sim.med, r->chase_sim.max, r->chase_native.min,
	       r->chase_native.med, r->chase_native.max);
	label("  device / CPU");
	printf("%.2f / %.2f / %.2fx (goal median <= %.1fx: %s)\n",
	       r->chase_ratio.min, r->chase_ratio.med, r->chase_ratio.max, gc,
	       verdict(r->chase_ratio.med <= gc));
	label("bandwidth, %" PRIu64 " MiB arrays", r->vadd_elems * 4 >> 20);
	printf("vadd %.2f / %.2f / %.2f GB/s (device), memcpy %.2f / %.2f / %.2f GB/s (CPU); "
	       "bytes read + written\n", r->vadd_gbps.min, r->vadd_gbps.med, r->vadd_gbps.max,
	       r->memcpy_gbps.min, r->memcpy_gbps.med, r->memcpy_gbps.max);
	label("  vadd / memcpy");
	printf("%.3f / %.3f / %.3f (goal median >= %.2f: %s; page offsets %#x %#x %#x)\n",
	       r->vadd_ratio.min, r->vadd_ratio.med, r->vadd_ratio.max, GOAL_VADD_RATIO,
	       verdict(r->vadd_ratio.med >= GOAL_VADD_RATIO),
	       r->page_off[0], r->page_off[1], r->page_off[2]);
	if (r->have_cpu && (info->features & FSVM_FEAT_SIMULATED)) {
		label("  per CPU second (not wall)");
		printf("vadd %.2f / %.2f / %.2f GB/s of the device thread's CPU time, memcpy "
		       "%.2f / %.2f / %.2f GB/s of its thread's; ratio %.3f / %.3f / %.3f\n",
		       r->vadd_gbps_cpu.min, r->vadd_gbps_cpu.med, r->vadd_gbps_cpu.max,
		       r->memcpy_gbps_cpu.min, r->memcpy_gbps_cpu.med, r->memcpy_gbps_cpu.max,
		       r->vadd_ratio_cpu.min, r->vadd_ratio_cpu.med, r->vadd_ratio_cpu.max);
	}
	label("host preparation, one list query");
	printf("SVM %.2f us / %" PRIu64 " %s copied; device buffer %.1f us / %" PRIu64 " %s "
	       "copied\n", r->prep_us_svm, r->bytes_copied_svm,
	       plural(r->bytes_copied_svm, "byte", "bytes"), r->prep_us_copy,
	       r->bytes_copied_copy, plural(r->bytes_copied_copy, "byte", "bytes"));
	label("modelled cycles per hop");
	printf("%.1f with 4 KiB pages, ", r->modeled_cycles_per_hop_4k);
	if (r->have_2m)
		printf("%.1f with 2 MiB pages\n", r->modeled_cycles_per_hop_2m);
	else
		printf("n/a with 2 MiB pages (no 2 MiB backing obtained)\n");
	if (r->rss_arrays_kib >= 0) {
		label("peak RSS, one vadd");
		printf("%" PRId64 " KiB above the %" PRId64 " KiB of its three arrays "
		       "(goal <= %d KiB: %s)\n", r->rss_over_kib, r->rss_arrays_kib,
		       GOAL_RSS_OVER_KIB, verdict(r->rss_over_kib <= GOAL_RSS_OVER_KIB));
	}
	if (!r->have_batch)
		return;
	printf("K chases interleaved (pointer_chase_batch), modelled at %.0f MHz, the K lanes "
	       "splitting one %" PRIu64 "-node list:\n", info->clock_hz / 1e6, r->nodes);
	/* Every column as wide as its heading, numbers right-aligned under it. */
	printf("  %2s  %-5s %10s %8s %8s  %-5s %10s %8s %8s\n", "K", "4 KiB", "cycles/hop",
	       "ns/hop", "hops/us", "2 MiB", "cycles/hop", "ns/hop", "hops/us");
	for (unsigned int i = 0; i < BENCH_BATCH_KS; i++) {
		double c4 = r->batch_cph_4k[i], c2 = r->batch_cph_2m[i];
		double mhz = info->clock_hz / 1e6;

		printf("  %2u  %-5s %10.1f %8.1f %8.1f", bench_batch_k[i], "", c4,
		       c4 / mhz * 1e3, c4 > 0 ? mhz / c4 : 0);
		if (r->have_2m)
			printf("  %-5s %10.1f %8.1f %8.1f\n", "", c2, c2 / mhz * 1e3,
			       c2 > 0 ? mhz / c2 : 0);
		else
			printf("  %-5s %10s %8s %8s\n", "", "n/a", "n/a", "n/a");
	}
}

static void json_fig(const char *key, const struct fig *f)
{
	printf("\"%s\": {\"min\": %.4f, \"median\": %.4f, \"max\": %.4f}, ", key,
	       f->min, f->med, f->max);
}

/* Names the host and the device put in the JSON are quoted as they are, so
 * keep them to characters that need no escape. */
static void json_safe(char *s)
{
	for (; *s; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
			*s = '_';
}

static void print_json(const struct bench_results *r, const struct fsvm_device_info *info)
{
	char host[256] = "unknown", stamp[32] = "unknown", name[sizeof(info->name)];
	char commit[64];
	time_t now = time(NULL);
	struct tm tm;
	double gc = goal_chase_ratio(r->nodes);

	if (gethostname(host, sizeof(host) - 1) != 0)
		strcpy(host, "unknown");
	host[sizeof(host) - 1] = 0;
	if (gmtime_r(&now, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(commit, sizeof(commit), "%s", bench_commit());
	snprintf(name, sizeof(name), "%s", info->name);
	json_safe(host);
	json_safe(commit);
	json_safe(name);

	printf("{\"host\": \"%s\", \"version\": \"%s\", \"commit\": \"%s\", \"timestamp\": \"%s\", "
	       "\"reps\": %" PRIu64 ", ", host, fsvm_version(), commit, stamp, r->reps);
	printf("\"device\": \"%s\", \"simulated\": %s, \"nodes\": %" PRIu64 ", "
	       "\"dispatch_launches\": %" PRIu64 ", ", name,
	       info->features & FSVM_FEAT_SIMULATED ? "true" : "false", r->nodes,
	       r->dispatch_launches);
	printf("\"dispatch_us\": {\"min\": %.3f, \"median\": %.3f, \"p99\": %.3f, \"max\": %.3f}, ",
	       r->dispatch_us_min, r->dispatch_us_median, r->dispatch_us_p99, r->dispatch_us_max);
	json_fig("chase_ns_per_hop_sim", &r->chase_sim);
	json_fig("chase_ns_per_hop_native", &r->chase_native);
	json_fig("chase_ratio", &r->chase_ratio);
	printf("\"vadd_bytes_per_array\": %" PRIu64 ", \"vadd_page_offsets\": [%u, %u, %u], ",
	       r->vadd_elems * 4, r->page_off[0], r->page_off[1], r->page_off[2]);
	json_fig("vadd_gbps_sim", &r->vadd_gbps);
	json_fig("memcpy_gbps_native", &r->memcpy_gbps);
	json_fig("vadd_memcpy_ratio", &r->vadd_ratio);
	if (r->have_cpu && (info->features & FSVM_FEAT_SIMULATED)) {
		json_fig("vadd_gbps_sim_cpu", &r->vadd_gbps_cpu);
		json_fig("memcpy_gbps_native_cpu", &r->memcpy_gbps_cpu);
		json_fig("vadd_memcpy_ratio_cpu", &r->vadd_ratio_cpu);
	} else {
		printf("\"vadd_gbps_sim_cpu\": null, \"memcpy_gbps_native_cpu\": null, "
		       "\"vadd_memcpy_ratio_cpu\": null, ");
	}
	printf("\"goals\": {\"dispatch_us_median_max\": %.1f, \"dispatch_met\": %s, "
	       "\"chase_ratio_median_max\": %.1f, \"chase_met\": %s, "
	       "\"vadd_memcpy_ratio_median_min\": %.2f, \"vadd_met\": %s}, ",
	       GOAL_DISPATCH_US, r->dispatch_us_median <= GOAL_DISPATCH_US ? "true" : "false",
	       gc, r->chase_ratio.med <= gc ? "true" : "false",
	       GOAL_VADD_RATIO, r->vadd_ratio.med >= GOAL_VADD_RATIO ? "true" : "false");
	if (r->rss_arrays_kib >= 0)
		printf("\"vadd_rss_kib\": {\"arrays\": %" PRId64 ", \"peak_over_arrays\": %" PRId64
		       ", \"goal_max\": %d, \"met\": %s}, ", r->rss_arrays_kib, r->rss_over_kib,
		       GOAL_RSS_OVER_KIB, r->rss_over_kib <= GOAL_RSS_OVER_KIB ? "true" : "false");
	else
		printf("\"vadd_rss_kib\": null, ");
	printf("\"prep_us_svm\": %.3f, \"prep_us_copy\": %.3f, ", r->prep_us_svm, r->prep_us_copy);
	printf("\"bytes_copied_svm\": %" PRIu64 ", \"bytes_copied_copy\": %" PRIu64 ", ",
	       r->bytes_copied_svm, r->bytes_copied_copy);
	if (r->have_batch) {
		double mhz = info->clock_hz / 1e6;

		printf("\"batch_chase_modelled\": {\"clock_mhz\": %.1f, \"k\": [1, 2, 4, 8, 16]", mhz);
		for (int pg = 0; pg < 2; pg++) {
			const double *c = pg ? r->batch_cph_2m : r->batch_cph_4k;
			const char *tag = pg ? "2m" : "4k";

			if (pg && !r->have_2m) {
				printf(", \"cycles_per_hop_2m\": null, \"ns_per_hop_2m\": null, "
				       "\"hops_per_us_2m\": null");
				continue;
			}
			printf(", \"cycles_per_hop_%s\": [", tag);
			for (int i = 0; i < BENCH_BATCH_KS; i++)
				printf("%s%.3f", i ? ", " : "", c[i]);
			printf("], \"ns_per_hop_%s\": [", tag);
			for (int i = 0; i < BENCH_BATCH_KS; i++)
				printf("%s%.3f", i ? ", " : "", c[i] / mhz * 1e3);
			printf("], \"hops_per_us_%s\": [", tag);
			for (int i = 0; i < BENCH_BATCH_KS; i++)
				printf("%s%.3f", i ? ", " : "", c[i] > 0 ? mhz / c[i] : 0);
			printf("]");
		}
		printf("}, ");
	}
	printf("\"modeled_cycles_per_hop_4k\": %.3f, ", r->modeled_cycles_per_hop_4k);
	if (r->have_2m)
		printf("\"modeled_cycles_per_hop_2m\": %.3f}\n", r->modeled_cycles_per_hop_2m);
	else
		printf("\"modeled_cycles_per_hop_2m\": null}\n");
}

static void bench_usage(FILE *out)
{
	fprintf(out,
		"usage: fsvm bench [--json] [--nodes N] [--iters K] [--reps R] [--vadd-mib M]\n"
		"                  [--rss-mib M] [--device NAME] [-v]\n"
		"       fsvm bench --plot DIR [--plot-nodes N] [--plot-mib M] [--reps R] [--iters K]\n"
		"\n"
		"Measures, in one run: the empty-kernel dispatch round trip (median);\n"
		"device vs CPU pointer chasing over one random N-node list; vadd\n"
		"bandwidth vs CPU memcpy; host preparation and bytes copied for one\n"
		"list query with SVM vs a copy into a device buffer; modeled device\n"
		"cycles per hop with 4 KiB vs 2 MiB pages, also with K chases in flight;\n"
		"the peak resident memory of one vadd beyond its arrays.\n"
		"\n"
		"  --json      one JSON object instead of text\n"
		"  --nodes N   list length, 1..2^28 (default 1M = 2^20)\n"
		"  --iters K   empty-kernel launches to take the median of, 1..10^8\n"
		"              (default 10000)\n"
		"  --reps R    runs of the chase, vadd and memcpy, 1..101 (default 5):\n"
		"              each figure is reported as min / median / max\n"
		"  --vadd-mib M  size of each vadd array in MiB, 1..4096 (default 64)\n"
		"  --rss-mib M   size of each array of the peak-RSS vadd, 0..4096 MiB\n"
		"              (default 512; 0 leaves the step out)\n"
		"  --plot DIR  instead: sweep sizes and draw PNGs with gnuplot into DIR\n"
		"              (chase.png: ns/hop device vs CPU against list length,\n"
		"              1 Ki .. --plot-nodes nodes (1024..2^28, default 8M);\n"
		"              vadd.png: GB/s against array size, 4 KiB .. --plot-mib MiB\n"
		"              (1..4096, default 512);\n"
		"              dispatch.png: round-trip histogram of --iters launches;\n"
		"              pages.png: modelled cycles/hop, 4 KiB vs 2 MiB pages),\n"
		"              each point the median of --reps runs; data in DIR/*.dat\n"
		"\n"
		"Times are host wall time (on sim: how long the simulation took), except\n"
		"\"modelled cycles\", which is the device model's count. The JSON records\n"
		"host, commit (from configure time; $FSVM_COMMIT overrides), UTC time and\n"
		"the number of reps. An option the chosen mode does not use (--plot-mib\n"
		"without --plot, --nodes with it) is accepted with a warning on stderr.\n"
		"\n"
		CLI_SUFFIX_HELP);
}

int cmd_bench(const char *device, int argc, char **argv)
{
	struct bench_opts o = { .nodes = 1u << 20, .iters = 10000, .reps = 5, .vadd_mib = 64,
				.rss_mib = 512, .plot_nodes = 8u << 20, .plot_mib = 512 };
	struct bench_results r = { 0 };
	struct fsvm_device_info info;
	struct list_workload list;
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	/* both: used with and without --plot; plot: only with it */
	const struct {
		const char *name;
		uint64_t min, max;
		uint64_t *value;
		int both, plot;
	} opts[] = {
		{ "--nodes", 1, 1u << 28, &o.nodes, 0, 0 },
		{ "--iters", 1, 100000000, &o.iters, 1, 0 },
		{ "--reps", 1, MAX_REPS, &o.reps, 1, 0 },
		{ "--vadd-mib", 1, 4096, &o.vadd_mib, 0, 0 },
		{ "--rss-mib", 0, 4096, &o.rss_mib, 0, 0 },
		{ "--plot-nodes", 1024, 1u << 28, &o.plot_nodes, 0, 1 },
		{ "--plot-mib", 1, 4096, &o.plot_mib, 0, 1 },
	};
	enum { NOPTS = sizeof(opts) / sizeof(opts[0]) };
	unsigned int given = 0, b;
	int i = 1, err;

	while (i < argc) {
		int rc;

		if (is_help(argv[i])) {
			bench_usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--json") == 0) {
			o.json = 1;
			i++;
			continue;
		}
		if (strcmp(argv[i], "--plot") == 0 || strncmp(argv[i], "--plot=", 7) == 0) {
			o.plot_dir = argv[i][6] == '=' ? argv[i] + 7 : i + 1 < argc ? argv[i + 1] : NULL;
			if (!o.plot_dir || !*o.plot_dir) {
				fprintf(stderr, "fsvm bench: --plot needs a directory\n");
				return EXIT_USAGE;
			}
			i += argv[i][6] == '=' ? 1 : 2;
			continue;
		}
		for (rc = 0, b = 0; !rc && b < NOPTS; b++) {
			rc = opt_u64(argc, argv, &i, opts[b].name, opts[b].min, opts[b].max,
				     opts[b].value);
			if (rc > 0)
				given |= 1u << b;
		}
		if (rc < 0)
			return EXIT_USAGE;
		if (rc)
			continue;
		return bad_argument(argv[i]);
	}
	/* What the chosen mode leaves unused: said, not refused. */
	for (b = 0; b < NOPTS; b++)
		if ((given & (1u << b)) && !opts[b].both &&
		    opts[b].plot != (o.plot_dir != NULL))
			fprintf(stderr, "fsvm bench: warning: option %s has no effect %s --plot\n",
				opts[b].name, o.plot_dir ? "with" : "without");
	if (o.json && o.plot_dir)
		fprintf(stderr, "fsvm bench: warning: option --json has no effect with --plot\n");
	r.nodes = o.nodes;
	r.reps = o.reps;

	if (open_device_and_context(device, 0, &dev, &ctx) != FSVM_OK)
		return EXIT_MISMATCH;
	if (o.plot_dir) {
		int rc = bench_plot(dev, ctx, o.plot_dir, o.plot_nodes, o.plot_mib, o.reps,
				    o.iters);

		fsvm_context_destroy(ctx);
		fsvm_device_close(dev);
		return rc;
	}
	fsvm_device_info(dev, &info);

	fprintf(stderr, "bench: dispatch latency (%" PRIu64 " %s)\n", o.iters,
		plural(o.iters, "launch", "launches"));
	err = bench_dispatch(ctx, o.iters, &r);
	if (!err) {
		fprintf(stderr, "bench: building a %" PRIu64 "-node list\n", o.nodes);
		if (list_build(&list, o.nodes, 42) != 0) {
			err = FSVM_ERR_NOMEM;
		} else {
			fprintf(stderr, "bench: pointer chase, device and CPU\n");
			err = bench_chase_and_prep(ctx, &list, &r);
			list_free(&list);
		}
	}
	if (!err) {
		fprintf(stderr, "bench: vadd and memcpy bandwidth\n");
		err = bench_bandwidth(ctx, o.vadd_mib, &r);
	}
	if (!err) {
		fprintf(stderr, "bench: 4 KiB vs 2 MiB pages\n");
		err = bench_pages(ctx, o.nodes, &r);
	}
	r.rss_arrays_kib = r.rss_over_kib = -1;
	if (!err && o.rss_mib) {
		fprintf(stderr, "bench: peak RSS of one vadd, 3 x %" PRIu64 " MiB\n", o.rss_mib);
		err = bench_rss(ctx, o.rss_mib, &r);
	}
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	if (err) {
		fprintf(stderr, "fsvm bench: %s\n", fsvm_strerror(err));
		return EXIT_MISMATCH;
	}
	if (o.json)
		print_json(&r, &info);
	else
		print_text(&r, &info);
	return 0;
}
