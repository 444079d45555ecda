/* SPDX-License-Identifier: MIT */
/*
 * fsvm.c - the fsvm command-line tool: look at a device, run a kernel on
 * generated data and check it against the CPU, measure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: fsvm [--device NAME] [-v] <command> [options]\n"
		"\n"
		"Commands:\n"
		"  info    describe the device and its kernel table\n"
		"  run     run one kernel on generated host data and check it against the CPU\n"
		"  bench   measure dispatch latency, pointer chasing, bandwidth, copies avoided\n"
		"  doctor  check a board's SMMU/CPU setup through fsvm.ko and explain what is wrong\n"
		"\n"
		"Options (also accepted after the command, e.g. \"fsvm info --device sim\"):\n"
		"  --device NAME  device to open: \"sim\" (default, or $FSVM_DEVICE)\n"
		"  -v, --verbose  log at info level; twice (-v -v or -vv) at debug level\n"
		"                 (FSVM_LOG=debug|info|warn|error also works)\n"
		"  -h, --help     this text; \"fsvm <command> --help\" describes a command\n"
		"  --version      print fsvm's version and exit\n"
		"\n"
		"Exit status: 0 success, 1 mismatch or device error, 2 bad command line.\n");
}

/* The lowest level the logger prints now (FSVM_LOG, or warn). */
static int current_log_level(void)
{
	int level = FSVM_LOG_DEBUG;

	while (level < FSVM_LOG_ERROR && !fsvm_log_enabled(level))
		level++;
	return level;
}

/*
 * If argv[*i] is a global option, take it (and its value) and return 1;
 * 0 if it is not one; -1 after printing why when its value is missing.
 * Each -v lowers the log threshold one step from warn (info, then debug),
 * never raising what FSVM_LOG asked for.
 */
static int global_option(int argc, char **argv, int *i, const char **device, int *verbose)
{
	const char *arg = argv[*i];

	if (strcmp(arg, "--version") == 0) {	/* anywhere: print it and stop */
		printf("fsvm %s\n", fsvm_version());
		exit(0);
	}
	if (strcmp(arg, "--verbose") == 0 ||
	    (arg[0] == '-' && arg[1] == 'v' && strspn(arg + 1, "v") == strlen(arg + 1))) {
		int n = arg[1] == '-' ? 1 : (int)strlen(arg + 1);
		int level;

		*verbose += n;
		level = FSVM_LOG_WARN - *verbose;
		if (level < FSVM_LOG_DEBUG)
			level = FSVM_LOG_DEBUG;
		if (level < current_log_level())
			fsvm_log_set_level(level);
		(*i)++;
		return 1;
	}
	if (strcmp(arg, "--device") == 0) {
		if (*i + 1 >= argc || !argv[*i + 1][0]) {
			fprintf(stderr, "%s: option --device needs a value (sim, sim:<device>, "
				"rtl, hw:/dev/fsvmN)\n", cli_cmd);
			return -1;
		}
		*device = argv[*i + 1];
		*i += 2;
		return 1;
	}
	if (strncmp(arg, "--device=", 9) == 0) {
		if (!arg[9]) {
			fprintf(stderr, "%s: option --device needs a value (sim, sim:<device>, "
				"rtl, hw:/dev/fsvmN)\n", cli_cmd);
			return -1;
		}
		*device = arg + 9;
		(*i)++;
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(const char *device, int argc, char **argv);
	} commands[] = {
		{ "info", cmd_info },
		{ "run", cmd_run },
		{ "bench", cmd_bench },
		{ "doctor", cmd_doctor },
	};
	static char cmd_name[64];
	const char *device = NULL;
	int i = 1, verbose = 0, r;

	/* Line by line even into a pipe or file, so progress and figures show
	 * up as they are made (stderr is unbuffered anyway). */
	setvbuf(stdout, NULL, _IOLBF, 0);

	while (i < argc && argv[i][0] == '-') {
		if (is_help(argv[i])) {
			usage(stdout);
			return 0;
		}
		r = global_option(argc, argv, &i, &device, &verbose);
		if (r < 0)
			return EXIT_USAGE;
		if (r == 0) {
			fprintf(stderr, "fsvm: unknown option \"%s\"\n", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[i], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		char **sub;
		int n = 0;

		if (strcmp(argv[i], commands[c].name) != 0)
			continue;
		snprintf(cmd_name, sizeof(cmd_name), "fsvm %s", commands[c].name);
		cli_cmd = cmd_name;
		/* The command's own arguments, the global options taken out. */
		sub = calloc((size_t)(argc - i + 1), sizeof(*sub));
		if (!sub) {
			fprintf(stderr, "fsvm: out of memory\n");
			return EXIT_MISMATCH;
		}
		sub[n++] = argv[i++];
		while (i < argc) {
			r = global_option(argc, argv, &i, &device, &verbose);
			if (r < 0) {
				free(sub);
				return EXIT_USAGE;
			}
			if (r == 0)
				sub[n++] = argv[i++];
		}
		r = commands[c].fn(device, n, sub);
		free(sub);
		return r;
	}
	fprintf(stderr, "fsvm: unknown command \"%s\"\n", argv[i]);
	usage(stderr);
	return EXIT_USAGE;
}
