/* SPDX-License-Identifier: MIT */
/*
 * test_device.c - opening devices by name, identification, the kernel table
 * and the text helpers.
 */
#include <string.h>

#include "check.h"

/* The argument lists fsvm_hw.h promises, in slot order. */
static const struct {
	uint32_t id;
	const char *name;
	unsigned int nargs;
	uint8_t kinds[FSVM_MAX_ARGS];
} expected_kernels[] = {
	{ FSVM_K_NOP, "nop", 0, { 0 } },
	{ FSVM_K_POINTER_CHASE, "pointer_chase", 3,
	  { FSVM_ARG_PTR_IN, FSVM_ARG_U64, FSVM_ARG_PTR_OUT } },
	{ FSVM_K_LIST_SEARCH, "list_search", 4,
	  { FSVM_ARG_PTR_IN, FSVM_ARG_U64, FSVM_ARG_U64, FSVM_ARG_PTR_OUT } },
	{ FSVM_K_BST_LOOKUP, "bst_lookup", 4,
	  { FSVM_ARG_PTR_IN, FSVM_ARG_PTR_IN, FSVM_ARG_U64, FSVM_ARG_PTR_OUT } },
	{ FSVM_K_HASH_PROBE, "hash_probe", 5,
	  { FSVM_ARG_PTR_IN, FSVM_ARG_U64, FSVM_ARG_PTR_IN, FSVM_ARG_U64, FSVM_ARG_PTR_OUT } },
	{ FSVM_K_VADD, "vadd", 4,
	  { FSVM_ARG_PTR_IN, FSVM_ARG_PTR_IN, FSVM_ARG_PTR_OUT, FSVM_ARG_U64 } },
	{ FSVM_K_MEMCPY, "memcpy", 3, { FSVM_ARG_PTR_OUT, FSVM_ARG_PTR_IN, FSVM_ARG_U64 } },
	{ FSVM_K_MEMSET, "memset", 3, { FSVM_ARG_PTR_OUT, 0, FSVM_ARG_U64 } },
	{ FSVM_K_POINTER_CHASE_BATCH, "pointer_chase_batch", 4,
	  { FSVM_ARG_PTR_IN, FSVM_ARG_U64, FSVM_ARG_U64, FSVM_ARG_PTR_OUT } },
};

static void test_names(void)
{
	struct fsvm_device *dev = (struct fsvm_device *)1;

	/* The hw backend on a node that does not exist (no fsvm.ko here). */
	CHECK_ERR(fsvm_device_open("hw:/nonexistent/fsvm0", &dev), FSVM_ERR_NODEV);
	CHECK(dev == NULL);
	/* A file that is not an fsvm device: GET_INFO fails. */
	CHECK_ERR(fsvm_device_open("hw:/dev/null", &dev), FSVM_ERR_NODEV);
	CHECK_ERR(fsvm_device_open("gpu0", &dev), FSVM_ERR_NODEV);
	CHECK_ERR(fsvm_device_open("sim:fast", &dev), FSVM_ERR_NODEV);
	CHECK_ERR(fsvm_device_open("sim", NULL), FSVM_ERR_INVAL);

	/* $FSVM_DEVICE is used when the name is NULL. */
	const char *was = getenv("FSVM_DEVICE");
	char keep[256];

	snprintf(keep, sizeof(keep), "%s", was ? was : "");
	setenv("FSVM_DEVICE", "nonsense", 1);
	CHECK_ERR(fsvm_device_open(NULL, &dev), FSVM_ERR_NODEV);
	setenv("FSVM_DEVICE", "sim", 1);
	CHECK_ERR(fsvm_device_open(NULL, &dev), FSVM_OK);
	fsvm_device_close(dev);
	unsetenv("FSVM_DEVICE");
	fsvm_device_close(NULL);	/* documented as harmless */
	if (keep[0])	/* the rest runs on the device under test again */
		setenv("FSVM_DEVICE", keep, 1);
}

static void test_info_and_table(void)
{
	struct fsvm_device_info info;
	struct fsvm_kernel_desc desc;
	struct fsvm_device *dev;
	uint64_t t0, t1;

	open_test_device(&dev, NULL, 0);
	CHECK_ERR(fsvm_device_info(dev, &info), FSVM_OK);
	CHECK(strcmp(info.name, test_device_is_rtl() ? getenv("FSVM_DEVICE") : "sim") == 0);
	CHECK(strcmp(info.backend, test_device_is_rtl() ? "rtl" : "sim") == 0);
	CHECK_EQ(info.hw_version >> 16, FSVM_HW_VERSION_MAJOR);
	CHECK(info.features & FSVM_FEAT_SVM);
	CHECK(info.features & FSVM_FEAT_SIMULATED);
	CHECK(info.clock_hz > 0);
	CHECK(info.num_contexts >= 1 && info.num_contexts <= FSVM_MAX_CONTEXTS);
	CHECK_EQ(info.num_kernels, FSVM_K_COUNT);
	CHECK_EQ(info.max_inline_args, FSVM_INLINE_ARGS);
	CHECK_ERR(fsvm_device_info(dev, NULL), FSVM_ERR_INVAL);

	for (unsigned int i = 0; i < sizeof(expected_kernels) / sizeof(expected_kernels[0]); i++) {
		CHECK_ERR(fsvm_device_find_kernel(dev, expected_kernels[i].name, &desc), FSVM_OK);
		CHECK_EQ(desc.id, expected_kernels[i].id);
		CHECK_EQ(desc.nargs, expected_kernels[i].nargs);
		for (unsigned int a = 0; a < desc.nargs; a++) {
			if (expected_kernels[i].kinds[a])	/* memset's value: u32 or u64 */
				CHECK_EQ(desc.args[a].kind, expected_kernels[i].kinds[a]);
			CHECK(desc.args[a].name[0] != '\0');
		}
	}
	for (unsigned int i = 0; i < info.num_kernels; i++) {
		CHECK_ERR(fsvm_device_kernel(dev, i, &desc), FSVM_OK);
		CHECK(strlen(desc.name) > 0 && strlen(desc.name) < FSVM_NAME_LEN);
	}
	CHECK_ERR(fsvm_device_kernel(dev, info.num_kernels, &desc), FSVM_ERR_INVAL);
	CHECK_ERR(fsvm_device_find_kernel(dev, "no_such_kernel", &desc), FSVM_ERR_INVAL);

	CHECK_ERR(fsvm_device_time(dev, &t0), FSVM_OK);
	CHECK_ERR(fsvm_device_time(dev, &t1), FSVM_OK);
	CHECK(t1 >= t0);
	fsvm_device_close(dev);
}

static void test_text(void)
{
	struct fsvm_fault f;
	char buf[128];
	uint32_t synd = FSVM_SYND_WRITE | (FSVM_FAULT_PERMISSION << FSVM_SYND_TYPE_SHIFT) |
			(3u << FSVM_SYND_LEVEL_SHIFT);

	for (int e = FSVM_OK; e >= FSVM_ERR_PERM; e--)
		CHECK(strcmp(fsvm_strerror(e), "unknown error") != 0);
	CHECK(strcmp(fsvm_strerror(12345), "unknown error") == 0);

	fsvm_fault_decode(0x7f0000001000ull, synd, &f);
	CHECK_EQ(f.write, 1);
	CHECK_EQ(f.type, FSVM_FAULT_PERMISSION);
	CHECK_EQ(f.level, 3);
	CHECK_EQ(f.in_packet, 0);
	fsvm_fault_describe(&f, buf, sizeof(buf));
	CHECK(strcmp(buf, "write to 0x7f0000001000: permission fault (level 3)") == 0);
	fsvm_fault_decode(0x10, FSVM_FAULT_ALIGNMENT << FSVM_SYND_TYPE_SHIFT, &f);
	fsvm_fault_describe(&f, buf, sizeof(buf));
	CHECK(strcmp(buf, "read from 0x10: alignment fault") == 0);
	fsvm_fault_describe(&f, buf, 5);	/* truncates, stays terminated */
	CHECK(strlen(buf) == 4);

	CHECK(strcmp(fsvm_arg_kind_name(FSVM_ARG_PTR_IN), "ptr_in") == 0);
	CHECK(strcmp(fsvm_arg_type_name(FSVM_TYPE_LIST_NODE), "list_node") == 0);
	CHECK(strcmp(fsvm_arg_kind_name(99), "?") == 0);
}

int main(void)
{
	test_names();
	test_info_and_table();
	test_text();
	return check_exit_code("test_device");
}
