/* SPDX-License-Identifier: MIT */
/*
 * bench_plot.c - "fsvm bench --plot DIR": the bench's figures as curves.
 *
 * Five sweeps, each written to a data file in DIR, then one gnuplot script
 * (DIR/plots.gp) turns them into PNGs:
 *
 *   chase.dat / chase.png     ns per hop, device vs CPU, against list size
 *                             (malloc'ed nodes in random order); host wall
 *                             time on both sides
 *   vadd.dat / vadd.png       vadd GB/s on the device vs memcpy on the CPU
 *                             against array size; host wall time
 *   dispatch.dat / .png       histogram of empty-kernel round trips; host
 *                             wall time
 *   pages.dat / pages.png     modelled cycles per hop with 4 KiB vs 2 MiB
 *                             pages against list size: the device model's
 *                             count, not a time measured here
 *   batch.dat / batch.png     modelled cycles per hop against K, the chases
 *                             pointer_chase_batch interleaves, over the
 *                             largest list (only if the device has it)
 *
 * Every point is the median of reps runs (min and max are in the data
 * files); small sizes repeat the walk or the launch inside a run so that a
 * run lasts long enough for the clock. If gnuplot is missing the data files
 * are still written and the command says so (exit 1).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "cli.h"
#include "workload.h"

#define PLOT_MAX_REPS	101
#define PLOT_MAX_SIZES	16
/* A failure already explained on stderr (fsvm_err values are negative). */
#define PLOT_REPORTED	1

struct plot_env {
	const char *dir;
	char header[512];	/* first lines of every data file */
	int simulated;
	int have_batch;		/* batch.dat written: the device has pointer_chase_batch */
	uint64_t reps;
};

/* DIR/name opened for writing, with the run's header; NULL after printing why. */
static FILE *open_data(const struct plot_env *e, const char *name, const char *columns)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", e->dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "fsvm bench: cannot write %s: %s\n", path, strerror(errno));
		return NULL;
	}
	fprintf(f, "%s# columns: %s\n", e->header, columns);
	return f;
}

static int close_data(FILE *f, const struct plot_env *e, const char *name)
{
	if (ferror(f) | fclose(f)) {
		fprintf(stderr, "fsvm bench: writing %s/%s failed\n", e->dir, name);
		return PLOT_REPORTED;
	}
	return 0;
}

/* The sizes of a sweep: lo, 4 lo, 16 lo, ... below hi, then hi. */
static unsigned int sweep_sizes(uint64_t lo, uint64_t hi, uint64_t *out)
{
	unsigned int n = 0;

	for (uint64_t s = lo; s < hi && n < PLOT_MAX_SIZES - 1; s *= 4)
		out[n++] = s;
	out[n++] = hi;
	return n;
}

static void progress_line(const char *what, uint64_t size, const char *unit)
{
	fprintf(stderr, "bench --plot: %s, %" PRIu64 " %s\n", what, size, unit);
}

/* ---- dispatch histogram ------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int plot_dispatch(const struct plot_env *e, struct fsvm_context *ctx, uint64_t iters)
{
	double *lat = malloc(iters * sizeof(*lat));
	struct fsvm_completion rec;
	/* 10 bins per decade from 0.1 us to 100 ms */
	enum { DECADES = 6, PER_DECADE = 10, NBINS = DECADES * PER_DECADE };
	uint64_t bins[NBINS + 1] = { 0 };
	int err = FSVM_OK;
	FILE *f;

	if (!lat)
		return FSVM_ERR_NOMEM;
	progress_line("dispatch round trips", iters, "launches");
	for (int i = 0; i < 1000 && !err; i++)
		err = fsvm_run(ctx, FSVM_K_NOP, NULL, 0, &rec, 0, FSVM_TIMEOUT_INFINITE, NULL);
	for (uint64_t i = 0; i < iters && !err; i++) {
		uint64_t t0 = now_ns();

		err = fsvm_run(ctx, FSVM_K_NOP, NULL, 0, &rec, i, FSVM_TIMEOUT_INFINITE, NULL);
		lat[i] = (now_ns() - t0) / 1e3;
	}
	if (err) {
		free(lat);
		return err;
	}
	for (uint64_t i = 0; i < iters; i++) {
		double b = floor((log10(lat[i]) + 1.0) * PER_DECADE);
		int k = b < 0 ? 0 : b >= NBINS ? NBINS : (int)b;

		bins[k]++;	/* bin NBINS: 100 ms and more */
	}
	qsort(lat, iters, sizeof(*lat), cmp_double);
	f = open_data(e, "dispatch.dat", "bin_low_us bin_high_us launches "
		      "(median and p99 in the comment below)");
	if (!f) {
		free(lat);
		return PLOT_REPORTED;
	}
	fprintf(f, "# launches %" PRIu64 " median_us %.3f p99_us %.3f min_us %.3f max_us %.3f\n",
		iters, lat[iters / 2], lat[iters * 99 / 100], lat[0], lat[iters - 1]);
	for (int k = 0; k <= NBINS; k++)
		fprintf(f, "%.4g %.4g %" PRIu64 "\n", pow(10.0, (double)k / PER_DECADE - 1.0),
			pow(10.0, (double)(k + 1) / PER_DECADE - 1.0), bins[k]);
	printf("dispatch: %" PRIu64 " %s, median %.2f us, p99 %.2f us (host wall time)\n",
	       iters, plural(iters, "launch", "launches"), lat[iters / 2], lat[iters * 99 / 100]);
	free(lat);
	return close_data(f, e, "dispatch.dat");
}

/* ---- chase: device vs CPU against list size ---------------------------- */

static int chase_point(const struct plot_env *e, struct fsvm_context *ctx, uint64_t n,
		       FILE *f)
{
	struct fsvm_chase_result *res = page_alloc(sizeof(*res));
	double sim[PLOT_MAX_REPS], nat[PLOT_MAX_REPS], ratio[PLOT_MAX_REPS];
	/* at least ~2 M hops per run on each side */
	uint64_t inner = n >= (2u << 20) ? 1 : (2u << 20) / n;
	uint64_t hops = 0, sum = 0, cycles = 0;
	struct list_workload list;
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	int err = FSVM_OK;

	if (!res || list_build(&list, n, 42) != 0) {
		free(res);
		return FSVM_ERR_NOMEM;
	}
	uint64_t args[3] = { (uintptr_t)list.head, FSVM_MAX_HOPS, (uintptr_t)res };

	sum ^= native_chase(list.head, &hops);
	for (uint64_t rep = 0; rep < e->reps && !err; rep++) {
		uint64_t t0 = now_ns(), h = 0;

		for (uint64_t k = 0; k < inner && !err; k++) {
			err = run_with_progress(ctx, FSVM_K_POINTER_CHASE, args, 3, &rec, &fault,
						"pointer_chase");
			if (!err && res->hops != hops)
				err = FSVM_ERR_IO;
			cycles = rec.cycles;
		}
		sim[rep] = (double)(now_ns() - t0) / (double)(inner * hops);
		t0 = now_ns();
		for (uint64_t k = 0; k < inner; k++) {
			sum ^= native_chase(list.head, &h);
			__asm__ __volatile__("" : : "r"(sum) : "memory");
		}
		nat[rep] = (double)(now_ns() - t0) / (double)(inner * hops);
		ratio[rep] = sim[rep] / nat[rep];
	}
	list_free(&list);
	free(res);
	if (err)
		return err;
	struct fig s = fig_of(sim, e->reps), c = fig_of(nat, e->reps), r = fig_of(ratio, e->reps);

	fprintf(f, "%" PRIu64 " %.2f %.2f %.2f %.2f %.2f %.2f %.3f %.3f\n", n, s.min, s.med, s.max,
		c.min, c.med, c.max, r.med, (double)cycles / (double)hops);
	printf("chase %8" PRIu64 " nodes: device %7.1f ns/hop, CPU %6.1f ns/hop, ratio %5.2f "
	       "(medians, host wall time); %.1f modelled cycles/hop\n", n, s.med, c.med, r.med,
	       (double)cycles / (double)hops);
	return FSVM_OK;
}

static int plot_chase(const struct plot_env *e, struct fsvm_context *ctx, uint64_t max_nodes)
{
	uint64_t sizes[PLOT_MAX_SIZES];
	unsigned int ns = sweep_sizes(1024, max_nodes, sizes);
	FILE *f = open_data(e, "chase.dat", "nodes device_ns_per_hop_min median max "
			    "cpu_ns_per_hop_min median max ratio_median modelled_cycles_per_hop");
	int err = FSVM_OK;

	if (!f)
		return PLOT_REPORTED;
	for (unsigned int i = 0; i < ns && !err; i++) {
		progress_line("pointer chase", sizes[i], "nodes");
		err = chase_point(e, ctx, sizes[i], f);
	}
	if (close_data(f, e, "chase.dat") && !err)
		err = PLOT_REPORTED;
	return err;
}

/* ---- vadd vs memcpy against array size ---------------------------------- */

static int plot_vadd(const struct plot_env *e, struct fsvm_context *ctx, uint64_t max_mib)
{
	uint64_t max_bytes = max_mib << 20, sizes[PLOT_MAX_SIZES];
	unsigned int ns = sweep_sizes(4096, max_bytes, sizes);
	float *a = page_alloc(max_bytes), *b = page_alloc(max_bytes), *c = page_alloc(max_bytes);
	double vadd[PLOT_MAX_REPS], mcpy[PLOT_MAX_REPS];
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	int err = FSVM_ERR_NOMEM;
	FILE *f = NULL;

	if (!a || !b || !c) {
		fprintf(stderr, "fsvm bench: no memory for 3 x %" PRIu64 " MiB arrays "
			"(try a smaller --plot-mib)\n", max_mib);
		goto out;
	}
	for (uint64_t i = 0; i < max_bytes / 4; i++) {
		a[i] = (float)i;
		b[i] = 1.0f;
		c[i] = 0.0f;
	}
	f = open_data(e, "vadd.dat", "bytes_per_array vadd_gbps_min median max "
		      "memcpy_gbps_min median max (bytes read + written / host wall time)");
	err = f ? FSVM_OK : PLOT_REPORTED;
	for (unsigned int i = 0; i < ns && !err; i++) {
		uint64_t n = sizes[i] / 4;
		/* at least ~256 MiB moved per run */
		uint64_t inner = sizes[i] >= (64u << 20) ? 1 : (64u << 20) / sizes[i];
		uint64_t args[4] = { (uintptr_t)a, (uintptr_t)b, (uintptr_t)c, n };

		progress_line("vadd and memcpy", sizes[i], "bytes per array");
		for (uint64_t rep = 0; rep < e->reps && !err; rep++) {
			uint64_t t0 = now_ns();

			for (uint64_t k = 0; k < inner && !err; k++)
				err = run_with_progress(ctx, FSVM_K_VADD, args, 4, &rec, &fault,
							"vadd");
			vadd[rep] = 3.0 * (double)sizes[i] * (double)inner / (double)(now_ns() - t0);
			t0 = now_ns();
			for (uint64_t k = 0; k < inner; k++) {
				memcpy(c, a, sizes[i]);
				__asm__ __volatile__("" : : "r"(c) : "memory");
			}
			mcpy[rep] = 2.0 * (double)sizes[i] * (double)inner / (double)(now_ns() - t0);
		}
		if (err)
			break;
		struct fig v = fig_of(vadd, e->reps), m = fig_of(mcpy, e->reps);

		fprintf(f, "%" PRIu64 " %.3f %.3f %.3f %.3f %.3f %.3f\n", sizes[i], v.min, v.med,
			v.max, m.min, m.med, m.max);
		printf("vadd %10" PRIu64 " bytes/array: device %6.2f GB/s, CPU memcpy %6.2f GB/s "
		       "(medians, host wall time)\n", sizes[i], v.med, m.med);
	}
	if (f && close_data(f, e, "vadd.dat") && !err)
		err = PLOT_REPORTED;
out:
	free(a);
	free(b);
	free(c);
	return err;
}

/* ---- modelled cycles per hop, 4 KiB vs 2 MiB pages ---------------------- */

static int pages_chase(struct fsvm_device *dev, struct fsvm_context *ctx, uint64_t n,
		       unsigned int flags, double *cyc, int *got_2m)
{
	size_t bytes = n * sizeof(struct fsvm_list_node), page = 0;
	struct fsvm_chase_result *res = page_alloc(sizeof(*res));
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	void *arena = NULL;
	int err;

	if (!res)
		return FSVM_ERR_NOMEM;
	err = fsvm_svm_alloc(dev, bytes, flags | FSVM_SVM_PREFAULT, &arena);
	if (err) {
		free(res);
		return err;
	}
	if (flags & FSVM_SVM_HUGE) {
		fsvm_svm_page_size(dev, arena, &page);
		*got_2m = page == (2u << 20);
	}
	uint64_t args[3] = { (uintptr_t)list_build_in_arena(arena, n, 7), FSVM_MAX_HOPS,
			     (uintptr_t)res };

	err = run_with_progress(ctx, FSVM_K_POINTER_CHASE, args, 3, &rec, &fault, "pointer_chase");
	if (!err)
		*cyc = res->hops ? (double)rec.cycles / (double)res->hops : 0;
	fsvm_svm_free(dev, arena);
	free(res);
	return err;
}

static int plot_pages(const struct plot_env *e, struct fsvm_device *dev,
		      struct fsvm_context *ctx, uint64_t max_nodes)
{
	uint64_t sizes[PLOT_MAX_SIZES];
	unsigned int ns = sweep_sizes(1024, max_nodes, sizes);
	FILE *f = open_data(e, "pages.dat", "nodes modelled_cycles_per_hop_4k "
			    "modelled_cycles_per_hop_2m (NaN: no 2 MiB backing obtained)");
	int err = FSVM_OK;

	if (!f)
		return PLOT_REPORTED;
	for (unsigned int i = 0; i < ns && !err; i++) {
		double c4 = 0, c2 = NAN;
		int got = 0;

		progress_line("modelled cycles, 4 KiB and 2 MiB pages", sizes[i], "nodes");
		err = pages_chase(dev, ctx, sizes[i], 0, &c4, &got);
		if (!err)
			err = pages_chase(dev, ctx, sizes[i], FSVM_SVM_HUGE, &c2, &got);
		if (err)
			break;
		if (!got)
			c2 = NAN;
		fprintf(f, "%" PRIu64 " %.3f %.3f\n", sizes[i], c4, c2);
		printf("pages %8" PRIu64 " nodes: %.1f modelled cycles/hop with 4 KiB pages, "
		       "%.1f with 2 MiB pages\n", sizes[i], c4, c2);
	}
	if (close_data(f, e, "pages.dat") && !err)
		err = PLOT_REPORTED;
	return err;
}

/*
 * Modelled cycles per hop against K, the chases pointer_chase_batch keeps in
 * flight, over one list of max_nodes in 4 KiB and in 2 MiB pages. A device
 * without that kernel gets no batch.dat line and a note.
 */
static int batch_pages(struct fsvm_device *dev, struct fsvm_context *ctx, uint64_t n,
		       uint32_t flags, double cph[BENCH_BATCH_KS], int *got_2m)
{
	size_t bytes = n * sizeof(struct fsvm_list_node), page = 0;
	void *arena;
	int err = fsvm_svm_alloc(dev, bytes, flags | FSVM_SVM_PREFAULT, &arena);

	if (err)
		return err;
	if (flags & FSVM_SVM_HUGE) {
		fsvm_svm_page_size(dev, arena, &page);
		*got_2m = page == (2u << 20);
	}
	err = bench_batch_chase(ctx, list_build_in_arena(arena, n, 7), n, cph);
	fsvm_svm_free(dev, arena);
	return err;
}

static int plot_batch(struct plot_env *e, struct fsvm_device *dev,
		      struct fsvm_context *ctx, uint64_t nodes)
{
	double c4[BENCH_BATCH_KS], c2[BENCH_BATCH_KS];
	int got = 0, err;
	FILE *f;

	progress_line("K chases interleaved, 4 KiB and 2 MiB pages", nodes, "nodes");
	err = batch_pages(dev, ctx, nodes, 0, c4, &got);
	if (err == FSVM_ERR_UNSUPPORTED) {
		fprintf(stderr, "fsvm bench: the device has no pointer_chase_batch; "
			"no batch.dat, no batch.png\n");
		return FSVM_OK;
	}
	if (!err) {
		err = batch_pages(dev, ctx, nodes, FSVM_SVM_HUGE, c2, &got);
	}
	if (err)
		return err == FSVM_ERR_IO ? PLOT_REPORTED : err;
	f = open_data(e, "batch.dat", "k modelled_cycles_per_hop_4k "
		      "modelled_cycles_per_hop_2m (NaN: no 2 MiB backing obtained); "
		      "one list, K lanes over K segments");
	if (!f)
		return PLOT_REPORTED;
	for (unsigned int i = 0; i < BENCH_BATCH_KS; i++) {
		fprintf(f, "%u %.3f %.3f\n", bench_batch_k[i], c4[i], got ? c2[i] : NAN);
		printf("batch K=%-2u over %" PRIu64 " nodes: %.1f modelled cycles/hop with "
		       "4 KiB pages, %.1f with 2 MiB pages\n", bench_batch_k[i], nodes, c4[i],
		       got ? c2[i] : NAN);
	}
	if (close_data(f, e, "batch.dat"))
		return PLOT_REPORTED;
	e->have_batch = 1;
	return FSVM_OK;
}

/* ---- gnuplot ----------------------------------------------------------- */

static int write_script(const struct plot_env *e)
{
	const char *t = e->simulated ? "host wall time, simulated device" : "host wall time";
	FILE *f = open_data(e, "plots.gp", "(gnuplot script; run in this directory)");

	if (!f)
		return PLOT_REPORTED;
	fprintf(f,
		"set terminal pngcairo size 800,480 font ',10'\n"
		"set grid\nset key top left\nset logscale x 2\nset format x '2^{%%L}'\n"
		"\nset output 'chase.png'\n"
		"set title 'pointer chase, random-order malloc list (%s)'\n"
		"set xlabel 'list length (nodes)'\nset ylabel 'ns per hop (median)'\n"
		"set logscale y\n"
		"plot 'chase.dat' using 1:3:2:4 with yerrorlines title 'device (sim)', \\\n"
		"     '' using 1:6:5:7 with yerrorlines title 'CPU (native loop)'\n"
		"unset logscale y\n"
		"\nset output 'vadd.png'\n"
		"set title 'bandwidth, bytes read + written (%s)'\n"
		"set xlabel 'bytes per array'\nset ylabel 'GB/s (median)'\n"
		"plot 'vadd.dat' using 1:3:2:4 with yerrorlines title 'vadd on the device', \\\n"
		"     '' using 1:6:5:7 with yerrorlines title 'memcpy on the CPU'\n"
		"\nset output 'pages.png'\n"
		"set title 'modelled device cycles per hop (the model''s count, not measured time)'\n"
		"set xlabel 'list length (nodes)'\nset ylabel 'cycles per hop'\n"
		"plot 'pages.dat' using 1:2 with linespoints title '4 KiB pages', \\\n"
		"     '' using 1:3 with linespoints title '2 MiB pages'\n"
		"\nset output 'dispatch.png'\n"
		"set title 'empty-kernel round trip, launch to completion seen (%s)'\n"
		"set logscale x 10\nset format x '%%g'\nset xrange [0.1:*]\nset logscale y\nset yrange [0.8:*]\n"
		"set xlabel 'microseconds'\nset ylabel 'launches'\nset style fill solid 0.6\n"
		"plot 'dispatch.dat' using (sqrt($1*$2)):($3 > 0 ? $3 : 1/0):($2-$1) "
		"with boxes title 'launches per bin'\n", t, t, t);
	if (e->have_batch)
		fprintf(f,
			"\nset output 'batch.png'\n"
			"set title 'K chases in flight (pointer\\_chase\\_batch), modelled cycles per hop'\n"
			"unset logscale y\nset yrange [0:*]\nset xrange [*:*]\n"
			"set logscale x 2\nset format x '%%g'\nset style fill empty\n"
			"set xlabel 'K, chases interleaved'\nset ylabel 'cycles per hop'\n"
			"plot 'batch.dat' using 1:2 with linespoints title '4 KiB pages', \\\n"
			"     '' using 1:3 with linespoints title '2 MiB pages'\n");
	return close_data(f, e, "plots.gp");
}

/* Run gnuplot plots.gp in e->dir. 0 on success. */
static int run_gnuplot(const struct plot_env *e)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "fsvm bench: fork: %s\n", strerror(errno));
		return PLOT_REPORTED;
	}
	if (pid == 0) {
		if (chdir(e->dir) == 0)
			execlp("gnuplot", "gnuplot", "plots.gp", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return PLOT_REPORTED;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		fprintf(stderr, "fsvm bench: gnuplot not found (Debian: apt-get install "
			"gnuplot-nox); the data files and %s/plots.gp are written\n", e->dir);
		return PLOT_REPORTED;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "fsvm bench: gnuplot failed on %s/plots.gp\n", e->dir);
		return PLOT_REPORTED;
	}
	return 0;
}

int bench_plot(struct fsvm_device *dev, struct fsvm_context *ctx, const char *dir,
	       uint64_t max_nodes, uint64_t max_mib, uint64_t reps, uint64_t iters)
{
	struct fsvm_device_info info;
	struct plot_env e = { .dir = dir, .reps = reps };
	char host[256] = "unknown", stamp[32] = "unknown";
	time_t now = time(NULL);
	struct stat st;
	struct tm tm;
	int err;

	if (reps > PLOT_MAX_REPS)
		e.reps = PLOT_MAX_REPS;
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "fsvm bench: cannot create %s: %s\n", dir, strerror(errno));
		return EXIT_MISMATCH;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "fsvm bench: %s is not a directory\n", dir);
		return EXIT_MISMATCH;
	}
	if (fsvm_device_info(dev, &info) != FSVM_OK)
		memset(&info, 0, sizeof(info));
	e.simulated = (info.features & FSVM_FEAT_SIMULATED) != 0;
	if (gethostname(host, sizeof(host) - 1) != 0)
		strcpy(host, "unknown");
	host[sizeof(host) - 1] = 0;
	if (gmtime_r(&now, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(e.header, sizeof(e.header),
		 "# fsvm bench --plot: device %s (%s), host %s, commit %s, %s\n"
		 "# each point: median (min, max) of %" PRIu64 " runs\n", info.name,
		 e.simulated ? "simulated" : "hardware", host, bench_commit(), stamp, e.reps);

	err = plot_dispatch(&e, ctx, iters);
	if (!err)
		err = plot_chase(&e, ctx, max_nodes);
	if (!err)
		err = plot_vadd(&e, ctx, max_mib);
	if (!err)
		err = plot_pages(&e, dev, ctx, max_nodes);
	if (!err)
		err = plot_batch(&e, dev, ctx, max_nodes);
	if (err) {
		if (err != PLOT_REPORTED)
			fprintf(stderr, "fsvm bench: %s\n", fsvm_strerror(err));
		return EXIT_MISMATCH;
	}
	if (write_script(&e) || run_gnuplot(&e))
		return EXIT_MISMATCH;
	printf("wrote %s/chase.png, vadd.png, dispatch.png, pages.png and batch.png (data: *.dat, "
	       "script: plots.gp)\n", dir);
	return 0;
}
