/* SPDX-License-Identifier: MIT */
/*
 * version.c - fsvm_version(): the version this libfsvm was built as.
 */
#include "fsvm.h"

const char *fsvm_version(void)
{
	return FSVM_VERSION_STRING;
}
