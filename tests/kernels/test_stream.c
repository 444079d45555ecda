/* SPDX-License-Identifier: MIT */
/*
 * test_stream.c - vadd, memcpy and memset at odd start offsets and odd sizes.
 *
 * Every run works in a page-aligned region filled with random bytes; the
 * destination starts at an offset into its second page (0..15, or a few
 * bytes short of a 4 KiB boundary). After the kernel the whole region must
 * equal the CPU reference applied to the original bytes: the destination is
 * exact and every byte around it is untouched. The test port aborts if any
 * burst crosses a 4 KiB boundary or exceeds 4096 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_axi.h"
#include "test_check.h"

#define ALIGN_SYND	(FSVM_FAULT_ALIGNMENT << FSVM_SYND_TYPE_SHIFT)

static const uint32_t byte_offs[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	4096 - 1, 4096 - 3, 4096 - 8, 4096 - 12, 4096 - 16,
};
#define NBYTE_OFFS	(sizeof(byte_offs) / sizeof(byte_offs[0]))

static const uint64_t sizes[] = { 0, 1, 3, 4095, 4097, (1u << 20) + 7 };
#define NSIZES		(sizeof(sizes) / sizeof(sizes[0]))

/* A page-aligned region of len bytes and its pristine random contents. */
struct region {
	uint8_t *mem;
	uint8_t *orig;
	uint8_t *want;
	size_t len;
};

static void region_init(struct region *g, size_t payload, struct prng *r)
{
	g->len = payload + 3u * 4096u;
	g->mem = xpage_alloc(g->len);
	g->orig = xmalloc(g->len);
	g->want = xmalloc(g->len);
	for (size_t i = 0; i < g->len; i += 8) {
		uint64_t v = prng_next(r);

		memcpy(g->orig + i, &v, g->len - i < 8 ? g->len - i : 8);
	}
	memcpy(g->mem, g->orig, g->len);
}

static void region_free(struct region *g)
{
	free(g->mem);
	free(g->orig);
	free(g->want);
}

/* Restore the pristine bytes and start the expectation from them. */
static void region_reset(struct region *g)
{
	memcpy(g->mem, g->orig, g->len);
	memcpy(g->want, g->orig, g->len);
}

static void region_check(struct region *g, const char *what, uint64_t size, uint32_t off)
{
	if (memcmp(g->mem, g->want, g->len) != 0) {
		size_t i = 0;

		while (g->mem[i] == g->want[i])
			i++;
		fprintf(stderr, "%s size=%llu off=%u: first difference at region byte %zu\n",
			what, (unsigned long long)size, off, i);
		check_failures++;
	}
}

/* ---- memcpy ---- */

static void run_memcpy(struct fsvm_axi *m, struct region *d, struct region *s,
		       uint64_t size, uint32_t doff, uint32_t soff)
{
	uint8_t *dst = d->mem + 4096 + doff;
	uint8_t *src = s->mem + 4096 + soff;
	struct fsvm_kernel_io io;

	region_reset(d);
	memcpy(d->want + 4096 + doff, src, size);
	taxi_reset(m);
	CHECK_EQ(fsvm_k_memcpy(m, VA(dst), VA(src), size, &io), FSVM_ST_DONE);
	CHECK_EQ(io.items, size);
	CHECK_EQ(m->read_bytes, size);
	CHECK_EQ(m->write_bytes, size);
	if (size == 0)
		CHECK_EQ(m->reads + m->writes, 0);
	region_check(d, "memcpy", size, doff);
	CHECK(memcmp(s->mem, s->orig, s->len) == 0);	/* src untouched */
}

static void test_memcpy(struct fsvm_axi *m, struct prng *r)
{
	for (unsigned int si = 0; si < NSIZES; si++) {
		uint64_t size = sizes[si];
		struct region d, s;

		region_init(&d, size, r);
		region_init(&s, size, r);
		for (unsigned int a = 0; a < NBYTE_OFFS; a++) {
			if (size <= 4097) {
				for (unsigned int b = 0; b < NBYTE_OFFS; b++)
					run_memcpy(m, &d, &s, size, byte_offs[a], byte_offs[b]);
			} else {
				run_memcpy(m, &d, &s, size, byte_offs[a], 0);
				run_memcpy(m, &d, &s, size, byte_offs[a], byte_offs[a]);
				run_memcpy(m, &d, &s, size, byte_offs[a], 4096 - 5);
			}
		}
		region_free(&d);
		region_free(&s);
	}
	{
		struct fsvm_kernel_io io;

		taxi_reset(m);
		CHECK_EQ(fsvm_k_memcpy(m, 0x10001, 0x20003, 0, &io), FSVM_ST_DONE);
		CHECK_EQ(fsvm_k_memcpy(m, 0x10001, 0x20003, FSVM_MAX_ELEMS + 1, &io),
			 FSVM_ST_BAD_PACKET);
		CHECK_EQ(m->reads + m->writes, 0);
	}
}

/* ---- memset ---- */

static void test_memset(struct fsvm_axi *m, struct prng *r)
{
	for (unsigned int si = 0; si < NSIZES; si++) {
		uint64_t size = sizes[si];
		struct region d;

		region_init(&d, size, r);
		for (unsigned int a = 0; a < NBYTE_OFFS; a++) {
			uint8_t *dst = d.mem + 4096 + byte_offs[a];
			uint64_t value = prng_next(r);	/* only the low byte counts */
			struct fsvm_kernel_io io;

			region_reset(&d);
			memset(d.want + 4096 + byte_offs[a], (int)(value & 0xff), size);
			taxi_reset(m);
			CHECK_EQ(fsvm_k_memset(m, VA(dst), value, size, &io), FSVM_ST_DONE);
			CHECK_EQ(io.items, size);
			CHECK_EQ(m->reads, 0);
			CHECK_EQ(m->write_bytes, size);
			region_check(&d, "memset", size, byte_offs[a]);
		}
		region_free(&d);
	}
	{
		struct fsvm_kernel_io io;

		taxi_reset(m);
		CHECK_EQ(fsvm_k_memset(m, 0x10001, 0, 0, &io), FSVM_ST_DONE);
		CHECK_EQ(fsvm_k_memset(m, 0x10001, 0, FSVM_MAX_ELEMS + 1, &io), FSVM_ST_BAD_PACKET);
		CHECK_EQ(m->reads + m->writes, 0);
	}
}

/* ---- vadd ---- */

static const uint32_t float_offs[] = { 0, 4, 8, 12, 4096 - 4, 4096 - 8, 4096 - 12, 4096 - 16 };
#define NFLOAT_OFFS	(sizeof(float_offs) / sizeof(float_offs[0]))

/* Finite floats, mostly of similar magnitude (so rounding matters), some
 * zeros, denormals and infinities; never NaN (payloads may legally differ). */
static uint32_t rand_float_bits(struct prng *r)
{
	uint64_t x = prng_next(r);
	uint32_t sign = (uint32_t)(x >> 63) << 31;
	uint32_t mant = (uint32_t)x & 0x7fffffu;

	switch ((x >> 32) & 15u) {
	case 0:
		return sign;					/* +-0 */
	case 1:
		return sign | mant;				/* denormal */
	case 2:
		return sign | 0x7f800000u;			/* +-inf */
	case 3:
		return sign | ((uint32_t)((x >> 40) % 254u + 1u) << 23) | mant;
	default:
		return sign | ((uint32_t)((x >> 40) % 12u + 121u) << 23) | mant;
	}
}

static void fill_floats(struct region *g, struct prng *r)
{
	for (size_t i = 0; i + 4 <= g->len; i += 4) {
		uint32_t v = rand_float_bits(r);

		memcpy(g->orig + i, &v, 4);
	}
	memcpy(g->mem, g->orig, g->len);
}

static void run_vadd(struct fsvm_axi *m, struct region *A, struct region *B, struct region *C,
		     uint64_t n, uint32_t ao, uint32_t bo, uint32_t co)
{
	const uint8_t *a = A->mem + 4096 + ao;
	const uint8_t *b = B->mem + 4096 + bo;
	uint8_t *c = C->mem + 4096 + co;
	uint8_t *cw = C->want + 4096 + co;
	struct fsvm_kernel_io io;

	region_reset(C);
	for (uint64_t i = 0; i < n; i++) {
		float x, y, z;

		memcpy(&x, a + 4 * i, 4);
		memcpy(&y, b + 4 * i, 4);
		z = x + y;
		memcpy(cw + 4 * i, &z, 4);
	}
	taxi_reset(m);
	CHECK_EQ(fsvm_k_vadd(m, VA(a), VA(b), VA(c), n, &io), FSVM_ST_DONE);
	CHECK_EQ(io.items, n);
	CHECK_EQ(m->read_bytes, 8 * n);
	CHECK_EQ(m->write_bytes, 4 * n);
	region_check(C, "vadd", n, co);
}

static void test_vadd(struct fsvm_axi *m, struct prng *r)
{
	for (unsigned int si = 0; si < NSIZES; si++) {
		uint64_t n = sizes[si];
		struct region A, B, C;

		region_init(&A, 4 * n, r);
		region_init(&B, 4 * n, r);
		region_init(&C, 4 * n, r);
		fill_floats(&A, r);
		fill_floats(&B, r);
		if (n <= 4097) {
			for (unsigned int i = 0; i < NFLOAT_OFFS; i++)
				for (unsigned int j = 0; j < NFLOAT_OFFS; j++)
					for (unsigned int k = 0; k < NFLOAT_OFFS; k += 3)
						run_vadd(m, &A, &B, &C, n, float_offs[i],
							 float_offs[j], float_offs[k]);
		} else {
			for (unsigned int i = 0; i < NFLOAT_OFFS; i++)
				run_vadd(m, &A, &B, &C, n, float_offs[i], float_offs[(i + 3) % NFLOAT_OFFS],
					 float_offs[(i + 5) % NFLOAT_OFFS]);
		}
		region_free(&A);
		region_free(&B);
		region_free(&C);
	}

	/* In place: c == a. */
	{
		struct region A, B;
		struct fsvm_kernel_io io;
		float *a, *b, want[5000];

		region_init(&A, 4 * 5000, r);
		region_init(&B, 4 * 5000, r);
		fill_floats(&A, r);
		fill_floats(&B, r);
		a = (float *)(A.mem + 4096 + 8);
		b = (float *)(B.mem + 4096 + 4);
		for (int i = 0; i < 5000; i++)
			want[i] = a[i] + b[i];
		taxi_reset(m);
		CHECK_EQ(fsvm_k_vadd(m, VA(a), VA(b), VA(a), 5000, &io), FSVM_ST_DONE);
		CHECK(memcmp(a, want, sizeof(want)) == 0);
		region_free(&A);
		region_free(&B);
	}

	/* IEEE single, round to nearest even: 1 + 2^-24 rounds to 1, 1 + 3*2^-24 up. */
	{
		float a[4] = { 1.0f, 1.0f, 16777216.0f, -0.0f };
		float b[4] = { 5.9604645e-08f, 1.7881393e-07f, 1.0f, 0.0f };
		float c[4];
		uint32_t bits[4];
		struct fsvm_kernel_io io;

		taxi_reset(m);
		CHECK_EQ(fsvm_k_vadd(m, VA(a), VA(b), VA(c), 4, &io), FSVM_ST_DONE);
		memcpy(bits, c, sizeof(bits));
		CHECK_EQ(bits[0], 0x3f800000u);
		CHECK_EQ(bits[1], 0x3f800002u);
		CHECK_EQ(bits[2], 0x4b800000u);		/* 2^24 + 1 -> 2^24 */
		CHECK_EQ(bits[3], 0x00000000u);		/* -0 + +0 = +0 */
	}

	/* Misaligned float pointers: ALIGNMENT at that VA, nothing touched. */
	{
		_Alignas(16) uint8_t buf[3][64];
		struct fsvm_kernel_io io;
		uint64_t a = VA(buf[0]), b = VA(buf[1]), c = VA(buf[2]);

		memset(buf, 0x3c, sizeof(buf));
		taxi_reset(m);
		CHECK_EQ(fsvm_k_vadd(m, a + 1, b, c, 4, &io), FSVM_ST_FAULTED);
		CHECK_EQ(io.fault_va, a + 1);
		CHECK_EQ(io.syndrome, ALIGN_SYND);
		CHECK_EQ(fsvm_k_vadd(m, a, b + 2, c, 4, &io), FSVM_ST_FAULTED);
		CHECK_EQ(io.fault_va, b + 2);
		CHECK_EQ(io.syndrome, ALIGN_SYND);
		CHECK_EQ(fsvm_k_vadd(m, a, b, c + 3, 4, &io), FSVM_ST_FAULTED);
		CHECK_EQ(io.fault_va, c + 3);
		CHECK_EQ(io.syndrome, ALIGN_SYND | FSVM_SYND_WRITE);
		CHECK_EQ(io.items, 0);
		CHECK_EQ(m->reads + m->writes, 0);
		for (unsigned int i = 0; i < 64; i++)
			CHECK_EQ(buf[2][i], 0x3c);
		/* n == 0: DONE even with misaligned pointers; n too large: BAD_PACKET. */
		CHECK_EQ(fsvm_k_vadd(m, a + 1, b + 1, c + 1, 0, &io), FSVM_ST_DONE);
		CHECK_EQ(fsvm_k_vadd(m, a, b, c, FSVM_MAX_ELEMS + 1, &io), FSVM_ST_BAD_PACKET);
		CHECK_EQ(m->reads + m->writes, 0);
	}
}

int main(void)
{
	struct fsvm_axi m;
	struct prng r = { 0x57ea4ull };

	taxi_init(&m);
	test_memcpy(&m, &r);
	test_memset(&m, &r);
	test_vadd(&m, &r);
	return check_exit_code("test_kernels_stream");
}
