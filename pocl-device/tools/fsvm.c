/* SPDX-License-Identifier: MIT */
/*
 * fsvm.c - the fsvm command-line tool: look at a device, run a kernel on
 * generated data and check it against the CPU, measure.
 */
#include <stdio.h>
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
		"Options:\n"
		"  --device NAME  device to open: \"sim\" (default, or $FSVM_DEVICE)\n"
		"  -v, --verbose  log at info level (FSVM_LOG=debug|info|warn|error also works)\n"
		"  -h, --help     this text; \"fsvm <command> --help\" describes a command\n"
		"  --version      print fsvm's version and exit\n");
}

int main(int argc, char **argv)
{
	const char *device = NULL;
	int i = 1;

	/* Line by line even into a pipe or file, so progress and figures show
	 * up as they are made (stderr is unbuffered anyway). */
	setvbuf(stdout, NULL, _IOLBF, 0);

	while (i < argc && argv[i][0] == '-') {
		if (is_help(argv[i])) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("fsvm %s\n", fsvm_version());
			return 0;
		} else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
			fsvm_log_set_level(FSVM_LOG_INFO);
			i++;
		} else if (strcmp(argv[i], "--device") == 0 && i + 1 < argc) {
			device = argv[i + 1];
			i += 2;
		} else if (strncmp(argv[i], "--device=", 9) == 0) {
			device = argv[i] + 9;
			i++;
		} else {
			fprintf(stderr, "fsvm: unknown option %s\n", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[i], "info") == 0)
		return cmd_info(device, argc - i, argv + i);
	if (strcmp(argv[i], "run") == 0)
		return cmd_run(device, argc - i, argv + i);
	if (strcmp(argv[i], "bench") == 0)
		return cmd_bench(device, argc - i, argv + i);
	if (strcmp(argv[i], "doctor") == 0)
		return cmd_doctor(device, argc - i, argv + i);
	if (strcmp(argv[i], "help") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "fsvm: unknown command \"%s\"\n", argv[i]);
	usage(stderr);
	return EXIT_USAGE;
}
