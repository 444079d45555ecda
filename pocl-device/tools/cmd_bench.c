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
 *  5. modeled device cycles per hop with 4 KiB vs 2 MiB pages.
 *
 * Figures, not pass/fail: the exit status only says whether the run worked.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "workload.h"

struct bench_opts {
	uint64_t nodes;
	uint64_t iters;
	int json;
};

struct bench_results {
	double dispatch_us_median, dispatch_us_p99;
	uint64_t dispatch_launches;
	double chase_ns_per_hop_sim, chase_ns_per_hop_native;
	double vadd_gbps_sim, memcpy_gbps_native;
	uint64_t vadd_elems;
	double prep_us_svm, prep_us_copy;
	uint64_t bytes_copied_svm, bytes_copied_copy;
	double modeled_cycles_per_hop_4k, modeled_cycles_per_hop_2m;
	int have_2m;
	uint64_t nodes;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
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
		r->dispatch_launches = iters;
	}
	free(lat);
	return err;
}

/* The CPU's pointer chase, same semantics as the kernel. */
static uint64_t native_chase(const struct fsvm_list_node *head, uint64_t *hops)
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
	int err = fsvm_run(ctx, FSVM_K_POINTER_CHASE, args, 3, rec, 0,
			   FSVM_TIMEOUT_INFINITE, &fault);

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
	uint64_t t0, t1, hops = 0, sum = 0, best = UINT64_MAX;
	int err;

	/* Native: best of three walks (the first one also warms the caches
	 * the way the device's walk would not be helped by). */
	for (int rep = 0; rep < 3; rep++) {
		t0 = now_ns();
		sum ^= native_chase(list->head, &hops);
		t1 = now_ns();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	r->chase_ns_per_hop_native = hops ? (double)best / hops : 0;

	t0 = now_ns();
	err = run_chase(ctx, list->head, FSVM_MAX_HOPS, &res, &rec);
	t1 = now_ns();
	if (err)
		return err;
	if (res.hops != hops)
		fprintf(stderr, "fsvm bench: device walked %" PRIu64 " hops, CPU %" PRIu64
			"\n", res.hops, hops);
	r->chase_ns_per_hop_sim = res.hops ? (double)(t1 - t0) / res.hops : 0;
	(void)sum;

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

/* 3. vadd on the device vs memcpy on the CPU, both as bytes moved / s. */
static int bench_bandwidth(struct fsvm_context *ctx, struct bench_results *r)
{
	const uint64_t n = 4u << 20;	/* 4 Mi floats: 16 MiB per array */
	float *a = malloc(n * 4), *b = malloc(n * 4), *c = malloc(n * 4);
	struct fsvm_completion rec;
	uint64_t t0, t1, best = UINT64_MAX;
	int err = FSVM_ERR_NOMEM;

	if (!a || !b || !c)
		goto out;
	for (uint64_t i = 0; i < n; i++) {
		a[i] = (float)i;
		b[i] = 1.0f;
		c[i] = 0.0f;
	}
	uint64_t args[] = { (uintptr_t)a, (uintptr_t)b, (uintptr_t)c, n };

	t0 = now_ns();
	err = fsvm_run(ctx, FSVM_K_VADD, args, 4, &rec, 0, FSVM_TIMEOUT_INFINITE, NULL);
	t1 = now_ns();
	if (err)
		goto out;
	r->vadd_elems = n;
	r->vadd_gbps_sim = 3.0 * 4 * n / (double)(t1 - t0);	/* bytes/ns = GB/s */

	/* memcpy: read 16 MiB + write 16 MiB per call, best of five. */
	for (int rep = 0; rep < 5; rep++) {
		t0 = now_ns();
		memcpy(c, a, n * 4);
		t1 = now_ns();
		__asm__ __volatile__("" : : "r"(c) : "memory");
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	r->memcpy_gbps_native = 2.0 * 4 * n / (double)best;
out:
	free(a);
	free(b);
	free(c);
	return err;
}

/* 5. The same walk on 4 KiB and on 2 MiB pages: modeled cycles per hop. */
static int bench_pages(struct fsvm_context *ctx, uint64_t nodes, struct bench_results *r)
{
	struct fsvm_device *dev = fsvm_context_device(ctx);
	size_t bytes = nodes * sizeof(struct fsvm_list_node), page = 0;
	struct fsvm_chase_result res;
	struct fsvm_completion rec;
	void *small = NULL, *huge = NULL;
	int err;

	err = fsvm_svm_alloc(dev, bytes, FSVM_SVM_PREFAULT, &small);
	if (err)
		return err;
	err = run_chase(ctx, list_build_in_arena(small, nodes, 7), FSVM_MAX_HOPS, &res, &rec);
	if (err)
		goto out;
	r->modeled_cycles_per_hop_4k = res.hops ? (double)rec.cycles / res.hops : 0;

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
	err = run_chase(ctx, list_build_in_arena(huge, nodes, 7), FSVM_MAX_HOPS, &res, &rec);
	if (!err)
		r->modeled_cycles_per_hop_2m = res.hops ? (double)rec.cycles / res.hops : 0;
out:
	if (small)
		fsvm_svm_free(dev, small);
	if (huge)
		fsvm_svm_free(dev, huge);
	return err;
}

static void print_text(const struct bench_results *r, const struct fsvm_device_info *info)
{
	printf("fsvm bench on device \"%s\" (%s)\n\n", info->name,
	       info->features & FSVM_FEAT_SIMULATED ? "simulated" : "hardware");
	printf("dispatch round trip, empty kernel : %.2f us median, %.2f us p99 "
	       "(%" PRIu64 " launches; goal <= 5 us)\n", r->dispatch_us_median,
	       r->dispatch_us_p99, r->dispatch_launches);
	printf("pointer chase, %" PRIu64 " nodes     : device %.1f ns/hop, CPU %.1f ns/hop"
	       " (ratio %.2fx; goal <= 3x)\n", r->nodes, r->chase_ns_per_hop_sim,
	       r->chase_ns_per_hop_native,
	       r->chase_ns_per_hop_native > 0 ? r->chase_ns_per_hop_sim / r->chase_ns_per_hop_native : 0);
	printf("bandwidth                          : vadd %.2f GB/s (device), memcpy %.2f GB/s"
	       " (CPU); bytes read + written\n", r->vadd_gbps_sim, r->memcpy_gbps_native);
	printf("host preparation, one list query   : SVM %.2f us / %" PRIu64 " bytes copied;"
	       " device buffer %.1f us / %" PRIu64 " bytes copied\n", r->prep_us_svm,
	       r->bytes_copied_svm, r->prep_us_copy, r->bytes_copied_copy);
	printf("modeled cycles per hop             : %.1f with 4 KiB pages, ",
	       r->modeled_cycles_per_hop_4k);
	if (r->have_2m)
		printf("%.1f with 2 MiB pages\n", r->modeled_cycles_per_hop_2m);
	else
		printf("n/a with 2 MiB pages (no 2 MiB backing obtained)\n");
}

static void print_json(const struct bench_results *r, const struct fsvm_device_info *info)
{
	printf("{\"device\": \"%s\", \"simulated\": %s, \"nodes\": %" PRIu64 ", "
	       "\"dispatch_launches\": %" PRIu64 ", ", info->name,
	       info->features & FSVM_FEAT_SIMULATED ? "true" : "false", r->nodes,
	       r->dispatch_launches);
	printf("\"dispatch_us_median\": %.3f, \"dispatch_us_p99\": %.3f, ",
	       r->dispatch_us_median, r->dispatch_us_p99);
	printf("\"chase_ns_per_hop_sim\": %.3f, \"chase_ns_per_hop_native\": %.3f, ",
	       r->chase_ns_per_hop_sim, r->chase_ns_per_hop_native);
	printf("\"vadd_gbps_sim\": %.3f, \"memcpy_gbps_native\": %.3f, ",
	       r->vadd_gbps_sim, r->memcpy_gbps_native);
	printf("\"prep_us_svm\": %.3f, \"prep_us_copy\": %.3f, ", r->prep_us_svm, r->prep_us_copy);
	printf("\"bytes_copied_svm\": %" PRIu64 ", \"bytes_copied_copy\": %" PRIu64 ", ",
	       r->bytes_copied_svm, r->bytes_copied_copy);
	printf("\"modeled_cycles_per_hop_4k\": %.3f, ", r->modeled_cycles_per_hop_4k);
	if (r->have_2m)
		printf("\"modeled_cycles_per_hop_2m\": %.3f}\n", r->modeled_cycles_per_hop_2m);
	else
		printf("\"modeled_cycles_per_hop_2m\": null}\n");
}

static void bench_usage(FILE *out)
{
	fprintf(out,
		"usage: fsvm bench [--json] [--nodes N] [--iters K]\n"
		"\n"
		"Measures, in one run: the empty-kernel dispatch round trip (median);\n"
		"device vs CPU pointer chasing over one random N-node list; vadd\n"
		"bandwidth vs CPU memcpy; host preparation and bytes copied for one\n"
		"list query with SVM vs a copy into a device buffer; modeled device\n"
		"cycles per hop with 4 KiB vs 2 MiB pages.\n"
		"\n"
		"  --json      one JSON object instead of text\n"
		"  --nodes N   list length (default 1M)\n"
		"  --iters K   empty-kernel launches to take the median of (default 10000)\n");
}

int cmd_bench(const char *device, int argc, char **argv)
{
	struct bench_opts o = { .nodes = 1u << 20, .iters = 10000 };
	struct bench_results r = { 0 };
	struct fsvm_device_info info;
	struct list_workload list;
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
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
		if ((rc = opt_u64(argc, argv, &i, "--nodes", &o.nodes)) ||
		    (rc = opt_u64(argc, argv, &i, "--iters", &o.iters))) {
			if (rc < 0)
				return EXIT_USAGE;
			continue;
		}
		fprintf(stderr, "fsvm bench: unexpected argument \"%s\"\n", argv[i]);
		bench_usage(stderr);
		return EXIT_USAGE;
	}
	if (o.nodes < 1 || o.nodes > (1u << 28) || o.iters < 1 || o.iters > 100000000) {
		fprintf(stderr, "fsvm bench: --nodes must be 1..2^28 and --iters 1..10^8\n");
		return EXIT_USAGE;
	}
	r.nodes = o.nodes;

	if (open_device_and_context(device, 0, &dev, &ctx) != FSVM_OK)
		return EXIT_MISMATCH;
	fsvm_device_info(dev, &info);

	fprintf(stderr, "bench: dispatch latency (%" PRIu64 " launches)\n", o.iters);
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
		err = bench_bandwidth(ctx, &r);
	}
	if (!err) {
		fprintf(stderr, "bench: 4 KiB vs 2 MiB pages\n");
		err = bench_pages(ctx, o.nodes, &r);
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
