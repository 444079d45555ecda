/* Breaks an HLS rule on purpose (tests/sdk/run_hls_rules.cmake): recursion. */
#include <stdint.h>
#include "fsvm_hls.h"

static uint64_t depth_of(fsvm_axi_t *m, uint64_t node, uint32_t d)
{
	uint64_t next = 0;

	if (node == 0 || fsvm_axi_rd64(m, node, &next) != 0)
		return d;
	return depth_of(m, next, d + 1);
}

uint64_t bad_recursion(fsvm_axi_t *m, uint64_t head);
uint64_t bad_recursion(fsvm_axi_t *m, uint64_t head)
{
	return depth_of(m, head, 0);
}
