/* Breaks an HLS rule on purpose (tests/sdk/run_hls_rules.cmake): malloc,
 * declared by hand (stdlib.h is not even on the include path). */
#include <stdint.h>
#include "fsvm_hls.h"

void *malloc(unsigned long n);

uint64_t bad_malloc(fsvm_axi_t *m, uint64_t va, uint32_t n);
uint64_t bad_malloc(fsvm_axi_t *m, uint64_t va, uint32_t n)
{
	uint8_t *buf = malloc(n);

	return buf ? (uint64_t)fsvm_axi_read(m, va, buf, n) : 1u;
}
