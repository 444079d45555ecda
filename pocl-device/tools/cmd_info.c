/* SPDX-License-Identifier: MIT */
/*
 * cmd_info.c - "fsvm info": identification registers and the kernel table.
 */
#include <string.h>

#include "cli.h"

static void print_features(uint32_t f)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ FSVM_FEAT_SVM, "svm" },
		{ FSVM_FEAT_STALL, "stall" },
		{ FSVM_FEAT_TIMESTAMPS, "timestamps" },
		{ FSVM_FEAT_HUGE_PAGES, "huge-pages" },
		{ FSVM_FEAT_STATS, "stats" },
		{ FSVM_FEAT_SIMULATED, "simulated" },
	};

	printf("features      : 0x%08x", f);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].bit)
			printf(" %s", names[i].name);
	printf("\n");
}

int cmd_info(const char *device, int argc, char **argv)
{
	struct fsvm_device_info info;
	struct fsvm_device *dev;
	int err;

	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			printf("usage: fsvm info [--device NAME] [-v]\n\n"
			       "Prints the device's identification (version, features, clock,\n"
			       "contexts) and its kernel table with each argument's kind and name.\n");
			return 0;
		}
		return bad_argument(argv[i]);
	}

	err = open_device(device, &dev);
	if (err)
		return EXIT_MISMATCH;
	fsvm_device_info(dev, &info);
	printf("device        : %s (backend %s)\n", info.name, info.backend);
	printf("hw version    : %u.%u\n", info.hw_version >> 16, info.hw_version & 0xffff);
	print_features(info.features);
	printf("clock         : %.1f MHz\n", info.clock_hz / 1e6);
	printf("contexts      : %u\n", info.num_contexts);
	printf("inline args   : %u\n", info.max_inline_args);
	printf("AXI data bus  : %u bits\n", info.axi_data_bits);
	printf("kernels       : %u\n", info.num_kernels);

	for (unsigned int k = 0; k < info.num_kernels; k++) {
		struct fsvm_kernel_desc desc;

		if (fsvm_device_kernel(dev, k, &desc) != FSVM_OK)
			continue;
		printf("  [%2u] %s(", desc.id, desc.name);
		for (unsigned int a = 0; a < desc.nargs; a++) {
			const struct fsvm_kernel_arg_desc *arg = &desc.args[a];

			printf("%s%s", a ? ", " : "", fsvm_arg_kind_name(arg->kind));
			if (arg->kind >= FSVM_ARG_PTR_IN && arg->kind <= FSVM_ARG_PTR_INOUT)
				printf(" %s*", fsvm_arg_type_name(arg->type));
			printf(" %s", arg->name);
		}
		printf(")\n");
	}
	fsvm_device_close(dev);
	return 0;
}
