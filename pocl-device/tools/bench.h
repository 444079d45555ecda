/* SPDX-License-Identifier: MIT */
/*
 * bench.h - what "fsvm bench" (cmd_bench.c) and its plot sweeps
 * (bench_plot.c) share.
 */
#ifndef FSVM_TOOL_BENCH_H
#define FSVM_TOOL_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "fsvm.h"

/* min / median / max of one figure over the reps */
struct fig {
	double min, med, max;
};

/* min / median / max of v[0..n-1] (n >= 1; v is reordered). The median of
 * an even count is the mean of the middle two. Cannot fail. */
struct fig fig_of(double *v, uint64_t n);

/* The CPU's pointer chase, same semantics as the kernel: returns the
 * checksum, *hops the nodes visited. Cannot fail. */
uint64_t native_chase(const struct fsvm_list_node *head, uint64_t *hops);

/* 4 KiB-aligned allocation (free with free()); NULL when out of memory. */
void *page_alloc(size_t bytes);

/* The commit the figures name: $FSVM_COMMIT, else configure time's. */
const char *bench_commit(void);

/*
 * K chases interleaved: K = bench_batch_k[i] lanes of pointer_chase_batch
 * split the list at head (nodes long) into K disjoint segments; every lane is
 * checked against the CPU. cph[i] gets the modelled cycles per hop. Returns
 * FSVM_OK, FSVM_ERR_UNSUPPORTED when the device has no pointer_chase_batch,
 * FSVM_ERR_IO (after printing why) when a lane differs from the CPU, or the
 * launch's error.
 */
#define BENCH_BATCH_KS 5
extern const unsigned int bench_batch_k[BENCH_BATCH_KS];
int bench_batch_chase(struct fsvm_context *ctx, const struct fsvm_list_node *head,
		      uint64_t nodes, double cph[BENCH_BATCH_KS]);

/*
 * fsvm bench --plot DIR: sweeps over sizes, data files and gnuplot PNGs in
 * DIR (created if missing). Chase sizes go from 1 Ki nodes up to max_nodes,
 * vadd arrays from 4 KiB up to max_mib MiB; reps runs per point. Returns 0,
 * or a non-zero exit code after printing why.
 */
int bench_plot(struct fsvm_device *dev, struct fsvm_context *ctx, const char *dir,
	       uint64_t max_nodes, uint64_t max_mib, uint64_t reps, uint64_t iters);

#endif /* FSVM_TOOL_BENCH_H */
