/* SPDX-License-Identifier: MIT */
/*
 * test_errors.c - libfsvm's one errno conversion (fsvm_err_from_errno,
 * used by the sim and hw backends alike: before it, each had its own with
 * opposite sign conventions) and the error texts.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "fsvm.h"
#include "internal.h"

static void test_from_errno(void)
{
	static const struct {
		int e, want;
	} map[] = {
		{ 0, FSVM_OK },
		{ EBUSY, FSVM_ERR_BUSY },	/* every slot taken */
		{ EUSERS, FSVM_ERR_BUSY },	/* this user's max_user_contexts */
		{ ENOMEM, FSVM_ERR_NOMEM },
		{ ETIMEDOUT, FSVM_ERR_TIMEOUT },
		{ EINVAL, FSVM_ERR_INVAL },
		{ ENOENT, FSVM_ERR_NODEV },	/* no /dev/fsvmN */
		{ ENODEV, FSVM_ERR_NODEV },	/* the device was unbound */
		{ ENXIO, FSVM_ERR_NODEV },
		{ EACCES, FSVM_ERR_PERM },	/* not in group fsvm, another process's context */
		{ EPERM, FSVM_ERR_PERM },
		{ ENOTTY, FSVM_ERR_UNSUPPORTED },	/* an older module */
		{ EOPNOTSUPP, FSVM_ERR_UNSUPPORTED },
		{ EIO, FSVM_ERR_IO },		/* sim: an SMMU bank not programmed */
		{ EFAULT, FSVM_ERR_IO },
		/* What the simulator and the device model return (fsvm_sim.h,
		 * fsvm_model.h), each to its own kind instead of one "invalid". */
		{ ENOSPC, FSVM_ERR_NOMEM },	/* compiled-kernel or 2 MiB note table full */
		{ EAGAIN, FSVM_ERR_NOMEM },	/* no thread for the device */
		{ ERANGE, FSVM_ERR_INVAL },	/* a configuration value out of range */
		{ ENAMETOOLONG, FSVM_ERR_INVAL },
		{ ENOEXEC, FSVM_ERR_IO },	/* a device plugin refused */
	};

	for (unsigned int i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		CHECK_EQ(fsvm_err_from_errno(map[i].e), map[i].want);
}

/* Every code has its own text, and it says what to do. */
static void test_texts(void)
{
	for (int e = FSVM_OK; e >= FSVM_ERR_PERM; e--) {
		CHECK(strcmp(fsvm_strerror(e), "unknown error") != 0);
		for (int f = e - 1; f >= FSVM_ERR_PERM; f--)
			CHECK(strcmp(fsvm_strerror(e), fsvm_strerror(f)) != 0);
	}
	CHECK(strstr(fsvm_strerror(FSVM_ERR_PERM), "group fsvm") != NULL);
	CHECK(strstr(fsvm_strerror(FSVM_ERR_NODEV), "fsvm.ko") != NULL);
	CHECK(strstr(fsvm_strerror(FSVM_ERR_TIMEOUT), "wait again") != NULL);
	CHECK(strstr(fsvm_strerror(FSVM_ERR_NOMEM), "compiled kernels") != NULL);
	CHECK(strstr(fsvm_strerror(FSVM_ERR_IO), "fsvm_add_device") != NULL);
	CHECK(strstr(fsvm_strerror(FSVM_ERR_IO), "the log says which") != NULL);
	CHECK(strcmp(fsvm_strerror(FSVM_ERR_PERM - 1), "unknown error") == 0);
}

int main(void)
{
	test_from_errno();
	test_texts();
	return check_exit_code("test_errors");
}
