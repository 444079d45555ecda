/* SPDX-License-Identifier: MIT */
/*
 * cli_util.c - option parsing, device opening and statistics printing for
 * the fsvm tool.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

const char *cli_cmd = "fsvm";

int is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

const char *fmt_limit(uint64_t v, char *buf, size_t size)
{
	uint64_t p = 1;
	int e = 0;

	if (v == UINT64_MAX) {
		snprintf(buf, size, "2^64-1");
		return buf;
	}
	if (v >= 65536 && (v & (v - 1)) == 0) {
		while ((1ull << e) != v)
			e++;
		snprintf(buf, size, "2^%d", e);
		return buf;
	}
	while (p < v && p <= UINT64_MAX / 10) {
		p *= 10;
		e++;
	}
	if (p == v && e >= 6)
		snprintf(buf, size, "10^%d", e);
	else
		snprintf(buf, size, "%" PRIu64, v);
	return buf;
}

/* 0, -1 not a number, -2 a number too large for 64 bits. */
static int parse_u64(const char *text, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (*text < '0' || *text > '9')
		return -1;	/* also rejects "-1", "+1" and " 1" */
	errno = 0;
	v = strtoull(text, &end, 0);
	if (end == text)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end)
		return -1;
	if (errno == ERANGE || (shift && v > (UINT64_MAX >> shift)))
		return -2;
	if (errno)
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

int opt_u64(int argc, char **argv, int *i, const char *name, uint64_t min, uint64_t max,
	    uint64_t *out)
{
	const char *arg = argv[*i];
	size_t len = strlen(name);
	const char *value;
	char lo[32], hi[32];
	uint64_t v = 0;
	int r;

	if (strncmp(arg, name, len) != 0)
		return 0;
	if (arg[len] == '=') {
		value = arg + len + 1;
	} else if (arg[len] == '\0') {
		if (*i + 1 >= argc) {
			fprintf(stderr, "%s: option %s needs a value\n", cli_cmd, name);
			return -1;
		}
		value = argv[++*i];
	} else {
		return 0;	/* a longer option sharing the prefix */
	}
	fmt_limit(min, lo, sizeof(lo));
	fmt_limit(max, hi, sizeof(hi));
	r = parse_u64(value, &v);
	if (r == -1) {
		fprintf(stderr, "%s: option %s: \"%s\" is not an unsigned number (decimal or 0x "
			"hex, optional suffix k/M/G = 2^10/2^20/2^30)\n", cli_cmd, name, value);
		return -1;
	}
	if (r == -2) {
		fprintf(stderr, "%s: option %s: %s is out of range: it must be %s..%s\n",
			cli_cmd, name, value, lo, hi);
		return -1;
	}
	if (v < min || v > max) {
		char dec[32], shown[96];

		/* Say what a suffix or 0x made of the value. */
		snprintf(dec, sizeof(dec), "%" PRIu64, v);
		if (strcmp(dec, value) != 0)
			snprintf(shown, sizeof(shown), "%.40s (= %s)", value, dec);
		else
			snprintf(shown, sizeof(shown), "%s", value);
		fprintf(stderr, "%s: option %s: %s is out of range: it must be %s..%s\n",
			cli_cmd, name, shown, lo, hi);
		return -1;
	}
	*out = v;
	(*i)++;
	return 1;
}

int bad_argument(const char *arg)
{
	if (arg[0] == '-' && arg[1])
		fprintf(stderr, "%s: unknown option \"%s\"\n", cli_cmd, arg);
	else
		fprintf(stderr, "%s: unexpected argument \"%s\"\n", cli_cmd, arg);
	fprintf(stderr, "%s: \"%s --help\" lists the options\n", cli_cmd, cli_cmd);
	return EXIT_USAGE;
}

int open_device(const char *device, struct fsvm_device **dev)
{
	const char *env = getenv("FSVM_DEVICE");
	const char *name, *from;
	int err;

	if (device && *device) {
		name = device;
		from = "--device";
	} else if (env && *env) {
		name = env;
		from = "$FSVM_DEVICE";
	} else {
		name = "sim";
		from = "the default";
	}
	err = fsvm_device_open(name, dev);
	if (err)
		fprintf(stderr, "%s: cannot open device \"%s\" (from %s): %s\n", cli_cmd, name,
			from, fsvm_strerror(err));
	return err;
}

int open_device_and_context(const char *device, unsigned int ring,
			    struct fsvm_device **dev, struct fsvm_context **ctx)
{
	int err = open_device(device, dev);

	if (err)
		return err;
	err = fsvm_context_create(*dev, ring, ctx);
	if (err) {
		fprintf(stderr, "%s: cannot create a context: %s\n", cli_cmd, fsvm_strerror(err));
		fsvm_device_close(*dev);
		*dev = NULL;
	}
	return err;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int run_with_progress(struct fsvm_context *ctx, uint32_t kernel, const uint64_t *args,
		      unsigned int nargs, struct fsvm_completion *rec,
		      struct fsvm_fault *fault, const char *what)
{
	uint64_t t0 = now_ns();
	int err = fsvm_launch(ctx, kernel, args, nargs, rec, 0);

	while (!err) {
		err = fsvm_wait(ctx, rec, 2000000000ull, fault);
		if (err != FSVM_ERR_TIMEOUT)
			break;
		fprintf(stderr, "fsvm: %s still running on the device, %.0f s\n", what,
			(now_ns() - t0) / 1e9);
		err = 0;
	}
	return err;
}

void print_launch_stats(FILE *out, struct fsvm_device *dev,
			const struct fsvm_completion *rec)
{
	struct fsvm_launch_stats st;
	struct fsvm_device_info info;
	int sim;

	if (fsvm_launch_stats(dev, rec, &st) != FSVM_OK) {
		fprintf(out, "  (no statistics: record still pending)\n");
		return;
	}
	if (fsvm_device_info(dev, &info) != FSVM_OK)
		info.clock_hz = 0;
	sim = (info.features & FSVM_FEAT_SIMULATED) != 0;
	fprintf(out, "  device cycles : %" PRIu64 " (%s)\n", st.cycles,
		sim ? "modelled" : "counted by the device");
	/* On the simulator the tick counter follows the host's clock: the
	 * cycles / clock figure is what the FPGA would take, the ticks are how
	 * long the simulation took. On hardware both are device time. */
	if (info.clock_hz)
		fprintf(out, "  %s : %.3f us (cycles / %.0f MHz clock)\n",
			sim ? "modelled device time" : "device time (cycles)",
			(double)st.cycles * 1e6 / info.clock_hz, info.clock_hz / 1e6);
	fprintf(out, "  %s : %.3f us (%" PRIu64 " ticks, start to end)\n",
		sim ? "host time, simulated " : "device time (ticks) ", st.device_us, st.ticks);
	fprintf(out, "  bytes moved   : %" PRIu64 "\n", st.bytes);
	fprintf(out, "  items         : %" PRIu32 "\n", st.items);
	fprintf(out, "  SMMU TLB      : %" PRIu32 " hits, %" PRIu32 " misses\n",
		st.tlb_hits, st.tlb_misses);
	if (st.stalls)
		fprintf(out, "  stall faults  : %" PRIu32 " resolved\n", st.stalls);
}
