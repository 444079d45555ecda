// SPDX-License-Identifier: GPL-2.0-only
/*
 * replay_uapi.c - the uapi fuzz target as an ordinary CTest: a fixed-seed
 * stream of scripts (mostly well-formed requests with a few mutated bytes,
 * plus pure noise), so builds without libFuzzer still run it.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz_uapi.h"
#include "fsvm_uapi.h"

#define ITERATIONS	20000u
#define INPUT_MAX	16384u

static uint64_t rng_state = 0x0123456789abcdefull;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static size_t put(uint8_t *buf, size_t at, const void *p, size_t n)
{
	if (at + n > INPUT_MAX)
		return at;
	memcpy(buf + at, p, n);
	return at + n;
}

int main(void)
{
	static uint8_t in[INPUT_MAX];

	for (unsigned int it = 0; it < ITERATIONS; it++) {
		size_t n = 0;
		unsigned int steps = 1 + rng() % 40;

		in[n++] = (uint8_t)rng();
		for (unsigned int s = 0; s < steps; s++) {
			unsigned int kind = rng() % 10;
			uint8_t op = (uint8_t)((kind << 4) | (rng() % 6));

			n = put(in, n, &op, 1);
			switch (kind) {
			case 1: {
				struct fsvm_bind b = { .flags = (uint32_t)(rng() % 4) };

				n = put(in, n, &b, sizeof(b));
				break;
			}
			case 3: {
				struct fsvm_range r = { .va = rng() >> (rng() % 64),
							.len = rng() >> (rng() % 64),
							.flags = (uint32_t)(rng() % 2) };

				n = put(in, n, &r, sizeof(r));
				break;
			}
			case 4: {
				struct fsvm_wait w = { .seen = (uint32_t)rng(),
						       .timeout_ns = rng() >> (rng() % 64) };

				n = put(in, n, &w, sizeof(w));
				break;
			}
			case 6: {
				struct fsvm_faults f = { .entries = rng() >> (rng() % 64),
							 .max = (uint32_t)(rng() % 300) };

				n = put(in, n, &f, sizeof(f));
				break;
			}
			case 8: {
				struct fsvm_reg r = { .offset = (uint32_t)(rng() % 80),
						      .value = (uint32_t)rng() };

				n = put(in, n, &r, sizeof(r));
				break;
			}
			case 0: {
				struct fsvm_info info;

				memset(&info, 0, sizeof(info));
				info.size = (uint32_t)(rng() % (2 * sizeof(info)));
				n = put(in, n, &info, sizeof(info));
				break;
			}
			default:
				break;
			}
		}
		/* Mutate a few bytes, sometimes replace everything by noise. */
		for (unsigned int m = rng() % 4; m; m--)
			if (n)
				in[rng() % n] = (uint8_t)rng();
		if (rng() % 16 == 0) {
			n = rng() % 512;
			for (size_t i = 0; i < n; i++)
				in[i] = (uint8_t)rng();
		}
		fuzz_uapi_one(in, n);
	}
	printf("replay_uapi: %u scripts, no invariant broken\n", ITERATIONS);
	return 0;
}
