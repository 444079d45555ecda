// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_softfloat.c - the kernel build's integer float add (used by the
 * vadd kernel in emulation mode) against this machine's FPU, bit for bit:
 * special values, subnormals, ties, cancellation, and random pairs.
 */
#include <math.h>

#include "kmod_test.h"
#include "fsvm_softfloat.h"

static uint32_t bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static float flt(uint32_t u)
{
	float f;

	memcpy(&f, &u, 4);
	return f;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng32(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static unsigned int g_bad;

static void one(uint32_t a, uint32_t b)
{
	volatile float fa = flt(a), fb = flt(b);
	float sum = fa + fb;
	uint32_t want = bits(sum), got = fsvm_soft_fadd32(a, b);
	bool ok = isnan(sum) ? isnan(flt(got)) : got == want;

	if (!ok && g_bad++ < 10)
		fprintf(stderr, "  0x%08x + 0x%08x: fpu 0x%08x soft 0x%08x\n", a, b, want, got);
	check_count++;
	if (!ok)
		check_failures++;
}

static void test_special(void)
{
	static const uint32_t v[] = {
		0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff,
		0x00800000, 0x80800000, 0x3f800000, 0xbf800000, 0x3f800001, 0x4b000000,
		0x4b7fffff, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000,
		0x7f800001, 0xffc00001, 0x33800000, 0x34000000, 0x3fffffff, 0x3effffff,
		0x00400000, 0x80400000, 0x0b800000, 0x8b800001, 0x4f000000, 0x40490fdb,
	};
	unsigned int n = sizeof(v) / sizeof(v[0]);

	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = 0; j < n; j++)
			one(v[i], v[j]);
}

static void test_random(void)
{
	for (unsigned int i = 0; i < 3000000; i++) {
		uint32_t a = rng32(), b = rng32();

		one(a, b);
		/* Close exponents: cancellation and ties. */
		b = (a & 0xff800000u) ^ (rng32() & 0x80ffffffu);
		one(a, b);
		one(a, a ^ 0x80000000u ^ (rng32() & 7));
		/* Small numbers: subnormal results. */
		one(rng32() & 0x80ffffffu, rng32() & 0x80ffffffu);
	}
}

int main(void)
{
	RUN(test_special);
	RUN(test_random);
	return check_exit_code("test_softfloat");
}
