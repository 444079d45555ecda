/*
 * replay_cmdproc.c - the fuzz target as an ordinary CTest.
 *
 * Without libFuzzer (gcc builds, the sanitizer stage) this still drives the
 * command processor with many malformed inputs: well-formed packets for
 * every kernel whose arguments point into the arena, then mutated at random
 * bytes, plus pure noise. A broken invariant aborts the test.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fsvm_hw.h"
#include "fuzz_cmdproc.h"

#define ARENA_VA	0x1000ull
#define INPUT_SIZE	8192u
#define ITERATIONS	20000u

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rng(void)
{
	/* xorshift64*: fixed seed, so a failure replays identically */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* An arena VA 8-byte aligned, mostly inside the input. */
static uint64_t some_va(void)
{
	return ARENA_VA + 64 * 4 + (rng() % (INPUT_SIZE - 512)) / 8 * 8;
}

static void put64(uint8_t *mem, uint64_t va, uint64_t v)
{
	if (va >= ARENA_VA && va - ARENA_VA + 8 <= INPUT_SIZE)
		memcpy(mem + (va - ARENA_VA), &v, 8);
}

static void build_input(uint8_t *in)
{
	uint8_t *mem = in + 1;	/* byte 0 selects the ring size */

	memset(in, 0, INPUT_SIZE + 1);
	in[0] = 2;	/* ring of 4 */
	/* Nodes: a sprinkling of pointers so the pointer kernels walk a bit. */
	for (int i = 0; i < 64; i++) {
		uint64_t node = some_va();

		put64(mem, node, rng() % 4 ? some_va() : 0);
		put64(mem, node + 8, rng() % 16);
	}
	for (uint32_t slot = 0; slot < 4; slot++) {
		struct fsvm_packet p;

		memset(&p, 0, sizeof(p));
		p.type = FSVM_PKT_KERNEL;
		p.kernel_id = (uint16_t)(rng() % FSVM_K_COUNT);
		p.grid_size = 1;
		if (rng() % 4 == 0) {
			uint64_t block = some_va();

			p.flags = FSVM_PKT_F_ARG_BLOCK;
			p.args[0] = block;
			for (int a = 0; a < 8; a++)
				put64(mem, block + 8u * a, rng() % 2 ? some_va() : rng() % 64);
		} else {
			for (uint32_t a = 0; a < FSVM_INLINE_ARGS; a++)
				p.args[a] = rng() % 2 ? some_va() : rng() % 300;
		}
		p.completion_va = some_va();
		memcpy(mem + 64 * slot, &p, sizeof(p));
	}
}

int main(void)
{
	static uint8_t in[INPUT_SIZE + 1];

	for (uint32_t i = 0; i < ITERATIONS; i++) {
		build_input(in);
		if (i % 5 == 4) {
			for (uint32_t k = 0; k <= INPUT_SIZE; k++)
				in[k] = (uint8_t)rng();
		} else {
			uint32_t flips = (uint32_t)(rng() % 16);

			for (uint32_t k = 0; k < flips; k++)
				in[rng() % 300] = (uint8_t)rng();
		}
		fuzz_cmdproc_one(in, sizeof(in));
	}
	printf("replay_cmdproc: %u inputs, no broken invariant\n", ITERATIONS);
	return 0;
}
