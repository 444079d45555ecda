/* SPDX-License-Identifier: GPL-2.0-only */
/* fuzz_uapi.h - one fuzz input through the uapi checks; see fuzz_uapi.c. */
#ifndef FSVM_FUZZ_UAPI_H
#define FSVM_FUZZ_UAPI_H

#include <stddef.h>
#include <stdint.h>

int fuzz_uapi_one(const uint8_t *data, size_t size);

#endif
