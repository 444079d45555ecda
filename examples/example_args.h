/* SPDX-License-Identifier: MIT */
/*
 * example_args.h - the command line of the examples: a few optional
 * positional counts, "-h"/"--help", nothing else.
 *
 *	example_args(argc, argv, 2, "[nodes] [keys]", "what it does\n");
 *	size_t nodes = example_count(argc, argv, 1, "nodes", 100000, 1, 1ull << 32);
 *
 * A count is decimal or 0x hex, nothing before or after it. Anything else
 * (a negative number, letters, a value out of range, an unknown option, one
 * argument too many) prints what is wrong and the usage on stderr and exits
 * with status 2; --help prints the usage on stdout and exits with 0.
 */
#ifndef FSVM_EXAMPLE_ARGS_H
#define FSVM_EXAMPLE_ARGS_H

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXAMPLE_EXIT_USAGE 2

static const char *example_usage_text = "";

static inline const char *example_name(char **argv)
{
	const char *slash = argv[0] ? strrchr(argv[0], '/') : NULL;

	return slash ? slash + 1 : argv[0] ? argv[0] : "example";
}

static inline void example_usage(FILE *out, char **argv)
{
	fprintf(out, "usage: %s %s", example_name(argv), example_usage_text);
}

/*
 * Handle --help, reject options and more than max_positional arguments.
 * usage: the synopsis after the program's name, then a newline and any
 * explanation (kept for the error paths of example_count).
 */
static inline void example_args(int argc, char **argv, int max_positional, const char *usage)
{
	example_usage_text = usage;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			example_usage(stdout, argv);
			exit(0);
		}
	}
	for (int i = 1; i < argc; i++) {
		/* "-1" is a (bad) number, reported as one by example_count. */
		if (argv[i][0] == '-' && (argv[i][1] < '0' || argv[i][1] > '9')) {
			fprintf(stderr, "%s: unknown option \"%s\"\n", example_name(argv), argv[i]);
			example_usage(stderr, argv);
			exit(EXAMPLE_EXIT_USAGE);
		}
	}
	if (argc - 1 > max_positional) {
		fprintf(stderr, "%s: unexpected argument \"%s\"\n", example_name(argv),
			argv[max_positional + 1]);
		example_usage(stderr, argv);
		exit(EXAMPLE_EXIT_USAGE);
	}
}

/* argv[index] as a count in min..max, or def when it is not given. */
static inline uint64_t example_count(int argc, char **argv, int index, const char *what,
				     uint64_t def, uint64_t min, uint64_t max)
{
	const char *text;
	unsigned long long v;
	char *end;

	if (index >= argc)
		return def;
	text = argv[index];
	errno = 0;
	v = strtoull(text, &end, 0);
	if (text[0] == '-') {
		fprintf(stderr, "%s: %s \"%s\" is negative: it must be %" PRIu64 "..%" PRIu64 "\n",
			example_name(argv), what, text, min, max);
	} else if (text[0] < '0' || text[0] > '9' || end == text || *end) {
		fprintf(stderr, "%s: %s \"%s\" is not a number: it must be %" PRIu64 "..%" PRIu64
			" (decimal or 0x hex)\n", example_name(argv), what, text, min, max);
	} else if (errno == ERANGE || v < min || v > max) {
		fprintf(stderr, "%s: %s %s is out of range: it must be %" PRIu64 "..%" PRIu64 "\n",
			example_name(argv), what, text, min, max);
	} else {
		return v;
	}
	example_usage(stderr, argv);
	exit(EXAMPLE_EXIT_USAGE);
}

#endif /* FSVM_EXAMPLE_ARGS_H */
