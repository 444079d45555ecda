/* libfuzzer_main.c - the libFuzzer entry point for fuzz_cmdproc. */
#include "fuzz_cmdproc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_cmdproc_one(data, size);
}
