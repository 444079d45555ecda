/* fuzz_cmdproc.h - one fuzz input through the command processor. */
#ifndef FUZZ_CMDPROC_H
#define FUZZ_CMDPROC_H

#include <stddef.h>
#include <stdint.h>

/* Runs one input; aborts on a broken invariant. Returns 0. */
int fuzz_cmdproc_one(const uint8_t *data, size_t size);

#endif
