/* Breaks an HLS rule on purpose (tests/sdk/run_hls_rules.cmake): a call
 * through a function pointer. */
#include <stdint.h>
#include "fsvm_hls.h"

static uint64_t twice(uint64_t x) { return 2 * x; }
static uint64_t thrice(uint64_t x) { return 3 * x; }

uint64_t bad_fnptr(uint64_t x, int which);
uint64_t bad_fnptr(uint64_t x, int which)
{
	uint64_t (*op)(uint64_t) = which ? twice : thrice;

	return op(x);
}
