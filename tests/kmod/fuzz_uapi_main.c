// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_uapi_main.c - the libFuzzer entry point of fuzz_uapi. */
#include "fuzz_uapi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_uapi_one(data, size);
}
