/* SPDX-License-Identifier: MIT */
/*
 * test_cl_printf - the printf grammar shared by fsvm-oclc and the engine
 * (hw-kernels/sim/fsvm_cl_printf.h): what each specification parses to,
 * the reasons for bad ones, and that no string makes it read past its
 * end (random specifications; run under the sanitizers too).
 */
#include <stdlib.h>
#include <string.h>

#include "fsvm_cl_printf.h"
#include "test_check.h"

struct good {
	const char *s;
	size_t prefix, len;
	unsigned int vec;
	enum fsvm_cl_pf_length length;
	char conv;
	unsigned int nargs, elem;	/* elem: bytes of a vector element, 0 for scalars */
};

static const struct good goods[] = {
	{ "%d", 1, 2, 0, FSVM_CL_PF_NONE, 'd', 1, 0 },
	{ "%%", 1, 2, 0, FSVM_CL_PF_NONE, '%', 0, 0 },
	{ "%-+ #012.5v16hlx|", 10, 16, 16, FSVM_CL_PF_HL, 'x', 16, 4 },
	{ "%v3hhd", 1, 6, 3, FSVM_CL_PF_HH, 'd', 3, 1 },
	{ "%#v2hx,", 2, 6, 2, FSVM_CL_PF_H, 'x', 2, 2 },
	{ "%10.2v4hlf", 5, 10, 4, FSVM_CL_PF_HL, 'f', 4, 4 },
	{ "%v8lg", 1, 5, 8, FSVM_CL_PF_L, 'g', 8, 8 },
	{ "%v4hA", 1, 5, 4, FSVM_CL_PF_H, 'A', 4, 2 },
	{ "%#.16llx", 5, 8, 0, FSVM_CL_PF_L, 'x', 1, 0 },
	{ "%lu", 1, 3, 0, FSVM_CL_PF_L, 'u', 1, 0 },
	{ "%hhd", 1, 4, 0, FSVM_CL_PF_HH, 'd', 1, 0 },
	{ "%-4c", 3, 4, 0, FSVM_CL_PF_NONE, 'c', 1, 0 },
	{ "%s", 1, 2, 0, FSVM_CL_PF_NONE, 's', 1, 0 },
	{ "%16p", 3, 4, 0, FSVM_CL_PF_NONE, 'p', 1, 0 },
};

struct bad {
	const char *s, *why;	/* why: a part of the reason */
};

static const struct bad bads[] = {
	{ "%v5hld", "must be 2, 3, 4, 8 or 16" },
	{ "%v0hld", "must be 2, 3, 4, 8 or 16" },
	{ "%v1hld", "must be 2, 3, 4, 8 or 16" },
	{ "%v32hld", "must be 2, 3, 4, 8 or 16" },
	{ "%v99999999999999999999hld", "must be 2, 3, 4, 8 or 16" },
	{ "%vhld", "must be 2, 3, 4, 8 or 16" },
	{ "%v4d", "needs a length modifier" },
	{ "%v4f", "needs a length modifier" },
	{ "%hld", "hl needs a vector specifier" },
	{ "%v4hhf", "hh does not apply" },
	{ "%v2hls", "c, s and p cannot print vectors" },
	{ "%v2hlc", "c, s and p cannot print vectors" },
	{ "%v2llx", "unknown conversion" },
	{ "%*d", "'*'" },
	{ "%.*f", "'*'" },
	{ "%q", "unknown conversion" },
	{ "%lq", "unknown conversion" },
	{ "%", "ends inside" },
	{ "%-08.3", "ends inside" },
	{ "%v4hl", "ends inside" },
	{ "%0000000000000000000000000d", "too long" },
};

int main(void)
{
	struct fsvm_cl_pf_spec s;
	unsigned int seed = 12345;
	static const char alpha[] = "%%%-+ #0123456789.vvhhllldxXfgasc*";

	for (size_t i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const struct good *g = &goods[i];
		const char *why = fsvm_cl_pf_parse(g->s, &s);

		CHECK(why == NULL);
		if (why)
			fprintf(stderr, "  %s: %s\n", g->s, why);
		CHECK_EQ(s.prefix, g->prefix);
		CHECK_EQ(s.len, g->len);
		CHECK_EQ(s.vec, g->vec);
		CHECK_EQ(s.length, g->length);
		CHECK_EQ(s.conv, g->conv);
		CHECK_EQ(fsvm_cl_pf_nargs(&s), g->nargs);
		if (g->vec)
			CHECK_EQ(fsvm_cl_pf_elem_bytes(&s), g->elem);
	}
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const char *why = fsvm_cl_pf_parse(bads[i].s, &s);

		CHECK(why != NULL && strstr(why, bads[i].why) != NULL);
		if (!why || !strstr(why, bads[i].why))
			fprintf(stderr, "  %s: %s\n", bads[i].s, why ? why : "(accepted)");
		CHECK(s.len <= strlen(bads[i].s));
	}
	/* random specifications: the parse stays inside the string, and a
	 * good one ends at its conversion character */
	for (int n = 0; n < 200000; n++) {
		char str[24];
		size_t l = 1 + (size_t)(rand_r(&seed) % 22);
		const char *why;

		str[0] = '%';
		for (size_t k = 1; k < l; k++)
			str[k] = alpha[rand_r(&seed) % (sizeof(alpha) - 1)];
		str[l] = '\0';
		why = fsvm_cl_pf_parse(str, &s);
		if (s.len > l || (!why && (s.len < 2 || str[s.len - 1] != s.conv))) {
			check_failures++;
			fprintf(stderr, "random spec %s: len %zu, %s\n", str, s.len,
				why ? why : "ok");
			break;
		}
		if (!why && s.vec && !(fsvm_cl_pf_is_int(s.conv) || fsvm_cl_pf_is_float(s.conv))) {
			check_failures++;
			fprintf(stderr, "random spec %s: a vector of %c\n", str, s.conv);
			break;
		}
	}
	check_count++;
	return check_exit_code("test_cl_printf");
}
