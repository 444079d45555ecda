/* Breaks an HLS rule on purpose (tests/sdk/run_hls_rules.cmake): libc. */
#include <stdint.h>
#include <string.h>
#include "fsvm_hls.h"

uint64_t bad_libc(const char *s);
uint64_t bad_libc(const char *s)
{
	return strlen(s);
}
