/* SPDX-License-Identifier: MIT */
/*
 * s01_basic.c - scenario 1: bind, then memcpy between two malloc'ed buffers
 * by VA, vadd on malloc'ed float arrays, and a pointer chase over a list
 * whose nodes were each malloc'ed. Every result is compared with the CPU's,
 * including the bytes just outside each destination (nothing written past
 * the end).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

int main(void)
{
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	uint64_t seed = 0x1234567887654321ull;
	int err;

	e2e_init("01-basic");
	e2e_open(&dev, &ctx);

	/* memcpy: odd length, odd offsets, guard bytes around the destination. */
	size_t n = (1u << 20) + 13;
	unsigned char *src = malloc(n + 16), *dst = malloc(n + 16);

	E2E_CHECK(src && dst, "out of memory");
	for (size_t i = 0; i < n + 16; i++) {
		src[i] = (unsigned char)e2e_rand(&seed);
		dst[i] = 0xee;
	}
	err = e2e_memcpy(ctx, dst + 5, src + 3, n, &rec, &fault, 30000);
	E2E_CHECK(err == FSVM_OK, "memcpy: %s", e2e_errtext(err, &fault));
	E2E_CHECK(memcmp(dst + 5, src + 3, n) == 0, "memcpy: destination differs from source");
	for (size_t i = 0; i < 5; i++)
		E2E_CHECK(dst[i] == 0xee, "memcpy wrote before the destination (byte %zu)", i);
	for (size_t i = n + 5; i < n + 16; i++)
		E2E_CHECK(dst[i] == 0xee, "memcpy wrote past the destination (byte %zu)", i);
	e2e_note("memcpy %zu bytes malloc->malloc: equal, guards intact (%u TLB misses, %u stalls)",
		 n, rec.tlb_misses, rec.stalls);

	/* vadd */
	size_t m = 65536 + 7;
	float *a = malloc(m * sizeof(float)), *b = malloc(m * sizeof(float));
	float *c = malloc((m + 1) * sizeof(float));

	E2E_CHECK(a && b && c, "out of memory");
	for (size_t i = 0; i < m; i++) {
		a[i] = (float)(int32_t)(e2e_rand(&seed) & 0xffffff) / 64.0f;
		b[i] = (float)i * 0.25f - 1000.0f;
		c[i] = -1.0f;
	}
	c[m] = 12345.0f;
	err = e2e_vadd(ctx, a, b, c, m, &rec, &fault, 30000);
	E2E_CHECK(err == FSVM_OK, "vadd: %s", e2e_errtext(err, &fault));
	for (size_t i = 0; i < m; i++) {
		volatile float want = a[i] + b[i];

		if (memcmp(&c[i], (const void *)&want, sizeof(float)) != 0)
			e2e_fail("vadd: c[%zu] = %g, CPU %g", i, (double)c[i], (double)want);
	}
	E2E_CHECK(c[m] == 12345.0f, "vadd wrote past c[n-1]");
	e2e_note("vadd %zu floats: bit-exact", m);

	/* pointer chase over individually malloc'ed nodes */
	size_t nn = 20000;
	struct fsvm_list_node **nodes = malloc(nn * sizeof(*nodes));
	struct fsvm_chase_result res;

	E2E_CHECK(nodes != NULL, "out of memory");
	for (size_t i = 0; i < nn; i++) {
		nodes[i] = malloc(sizeof(struct fsvm_list_node));
		E2E_CHECK(nodes[i] != NULL, "out of memory");
	}
	struct fsvm_list_node *head = e2e_link_list(nodes, nn, 42, 0);

	err = e2e_chase(ctx, head, FSVM_MAX_HOPS, &res, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "pointer_chase: %s", e2e_errtext(err, &fault));
	e2e_check_chase("pointer_chase", &res, head, FSVM_MAX_HOPS);
	/* A bounded walk stops where the CPU's does. */
	err = e2e_chase(ctx, head, 777, &res, &rec, &fault, 60000);
	E2E_CHECK(err == FSVM_OK, "pointer_chase(777): %s", e2e_errtext(err, &fault));
	e2e_check_chase("pointer_chase max_hops=777", &res, head, 777);

	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	e2e_pass("memcpy %zu B, vadd %zu, chase %zu malloc'ed nodes (sum 0x%016" PRIx64
		 ") match the CPU", n, m, nn, e2e_cpu_chase(head, FSVM_MAX_HOPS).checksum);
}
