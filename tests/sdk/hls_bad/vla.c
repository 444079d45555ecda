/* Breaks an HLS rule on purpose (tests/sdk/run_hls_rules.cmake): a
 * variable-length array (storage sized at run time). */
#include <stdint.h>
#include "fsvm_hls.h"

uint64_t bad_vla(fsvm_axi_t *m, uint64_t va, uint32_t n);
uint64_t bad_vla(fsvm_axi_t *m, uint64_t va, uint32_t n)
{
	uint8_t buf[n];

	return (uint64_t)fsvm_axi_read(m, va, buf, n);
}
