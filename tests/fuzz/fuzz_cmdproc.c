/*
 * fuzz_cmdproc.c - feed the command processor arbitrary rings and memory.
 *
 * The device must survive any packet a buggy or hostile host can write:
 * unknown types and kernel ids, bad argument blocks, pointers anywhere,
 * absurd sizes and hop counts. The input is laid out as the memory the
 * device sees: a small arena at a fixed VA whose first bytes are the ring.
 * Every access outside the arena is a fault, as the SMMU would make it; an
 * access budget plays the part of CONTROL.ABORT so huge (but legal) hop
 * counts end quickly.
 *
 * The harness checks the invariants the shell relies on: a status from the
 * enum, items never beyond what the packet allows, a completion VA that is
 * aligned and inside the arena or 0 when the packet was rejected.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fsvm_hls.h"
#include "fuzz_cmdproc.h"

#define ARENA_VA	0x1000ull
#define ARENA_SIZE	(64u * 1024u)
#define ACCESS_BUDGET	20000u

struct fsvm_axi {
	uint8_t *mem;
	uint32_t accesses;
};

static int arena_span(struct fsvm_axi *m, uint64_t va, uint32_t len, uint8_t **p)
{
	if (++m->accesses > ACCESS_BUDGET)
		return -1;	/* aborted */
	if (len > 4096 || ((va & 4095) + len) > 4096)
		abort();	/* the kernels promised bursts within one page */
	if (va < ARENA_VA || va - ARENA_VA > ARENA_SIZE || len > ARENA_SIZE - (va - ARENA_VA))
		return -1;	/* translation fault */
	*p = m->mem + (va - ARENA_VA);
	return 0;
}

int fsvm_axi_read(fsvm_axi_t *m, uint64_t va, void *dst, uint32_t len)
{
	uint8_t *p;

	if (arena_span(m, va, len, &p))
		return -1;
	memcpy(dst, p, len);
	return 0;
}

int fsvm_axi_write(fsvm_axi_t *m, uint64_t va, const void *src, uint32_t len)
{
	uint8_t *p;

	if (arena_span(m, va, len, &p))
		return -1;
	memcpy(p, src, len);
	return 0;
}

int fuzz_cmdproc_one(const uint8_t *data, size_t size)
{
	static uint8_t mem[ARENA_SIZE];
	struct fsvm_axi port = { mem, 0 };
	struct fsvm_cp_result res;
	uint32_t ring_size;

	if (size < 1)
		return 0;
	/* First byte: ring size (any value: the command processor validates it). */
	ring_size = (uint32_t)1 << (data[0] % 8);
	if (data[0] & 0x80)
		ring_size = data[0];	/* sometimes not a power of two */
	data++;
	size--;
	memset(mem, 0, sizeof(mem));
	memcpy(mem, data, size < sizeof(mem) ? size : sizeof(mem));

	for (uint32_t index = 0; index < 4; index++) {
		memset(&res, 0xa5, sizeof(res));
		port.accesses = 0;
		fsvm_cp_dispatch(&port, ARENA_VA, ring_size, index, &res);
		if (res.status > FSVM_ST_BAD_PACKET)
			abort();
		if (res.completion_va & 7)
			abort();
		if (res.status == FSVM_ST_DONE && res.completion_va) {
			struct fsvm_completion rec;

			memset(&rec, 0, sizeof(rec));
			rec.status = FSVM_ST_DONE;
			rec.items = res.items;
			(void)fsvm_cp_complete(&port, res.completion_va, &rec);
		}
	}
	return 0;
}
