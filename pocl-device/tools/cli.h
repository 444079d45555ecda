/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the files of the fsvm tool share: the subcommands and a few
 * helpers for options, timing and printing statistics.
 */
#ifndef FSVM_CLI_H
#define FSVM_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "fsvm.h"

/* Exit codes: 0 success / check matched, 1 check mismatch or device error,
 * 2 bad command line. */
#define EXIT_MISMATCH	1
#define EXIT_USAGE	2

/* "fsvm" or "fsvm <command>": what messages about the command line start
 * with. main() sets it once the command is known. */
extern const char *cli_cmd;

/* Subcommands: argv[0] is the subcommand name, the global options (--device,
 * -v) already taken out by main(), wherever they stood. Return the exit code. */
int cmd_info(const char *device, int argc, char **argv);
int cmd_run(const char *device, int argc, char **argv);
int cmd_bench(const char *device, int argc, char **argv);
int cmd_doctor(const char *device, int argc, char **argv);

/* The help texts' sentence on number suffixes (binary, not decimal). */
#define CLI_SUFFIX_HELP \
	"Numbers are decimal or 0x hex, with an optional binary suffix:\n" \
	"k = 2^10 = 1024, M = 2^20, G = 2^30 (not 10^3, 10^6, 10^9).\n"

/*
 * Option parsing: if argv[*i] is "--name VALUE" or "--name=VALUE", parse
 * VALUE as an unsigned integer (decimal, 0x hex, k/M/G suffix = 2^10/20/30),
 * check min <= value <= max, advance *i past it and return 1; return 0 if
 * argv[*i] is another option; return -1 (after printing why, naming the
 * option, the value and the range) for a missing, malformed, overflowing or
 * out-of-range value.
 */
int opt_u64(int argc, char **argv, int *i, const char *name, uint64_t min, uint64_t max,
	    uint64_t *out);

/* A limit as people write it: "2^28", "10^8" or decimal. Cannot fail. */
const char *fmt_limit(uint64_t v, char *buf, size_t size);

/* one when n == 1, else many ("1 launch", "2 launches"). */
const char *plural(uint64_t n, const char *one, const char *many);

/* Print "<cli_cmd>: unknown option "ARG"" or "unexpected argument" (for a
 * non-option) on stderr and the hint to --help; returns EXIT_USAGE. */
int bad_argument(const char *arg);

/* Is argv[i] "-h" or "--help"? */
int is_help(const char *arg);

/* Open the device, printing on failure which name was tried and where it
 * came from (--device, $FSVM_DEVICE or the default). */
int open_device(const char *device, struct fsvm_device **dev);

/* Open the device and a context of `ring` entries, printing errors. */
int open_device_and_context(const char *device, unsigned int ring,
			    struct fsvm_device **dev, struct fsvm_context **ctx);

/* Monotonic time in ns. */
uint64_t now_ns(void);

/*
 * fsvm_run without a time limit, printing a progress line on stderr every
 * 2 s while the device works ("fsvm: <what> still running on the device,
 * N s"), so a long simulated run is not mistaken for a hang. Returns what
 * fsvm_launch / fsvm_wait return.
 */
int run_with_progress(struct fsvm_context *ctx, uint32_t kernel, const uint64_t *args,
		      unsigned int nargs, struct fsvm_completion *rec,
		      struct fsvm_fault *fault, const char *what);

/* Print the per-launch statistics of a finished record, indented. */
void print_launch_stats(FILE *out, struct fsvm_device *dev,
			const struct fsvm_completion *rec);

#endif /* FSVM_CLI_H */
