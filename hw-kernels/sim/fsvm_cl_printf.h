/* SPDX-License-Identifier: MIT */
/*
 * fsvm_cl_printf.h - the grammar of OpenCL C printf conversion
 * specifications, shared by the instrumentation (pocl-device/oclc/oclc.c,
 * which rewrites printf calls at build time) and the compiled-kernel
 * engine's formatter (sim_compiled.c, fsvm_cl_printf at run time). One
 * parser, so both sides agree on how many arguments each specification
 * takes and of which kind.
 *
 *   %[flags][width][.precision][vN][length]conversion
 *
 * flags "-+ #0", width and precision decimal ('*' is not supported);
 * vN the vector specifier, N in {2, 3, 4, 8, 16} (OpenCL C 3.0, 6.15.14);
 * length hh, h, hl (vectors only), l (64-bit: OpenCL's long is 64-bit;
 * C's ll is taken as l on scalars);
 * conversions d i o u x X c s p f F e E g G a A, and "%%".
 *
 * A vector conversion needs a length modifier, which gives the element
 * size: hh 8-bit, h 16-bit (half for a floating-point conversion), hl
 * 32-bit (int/uint or float), l 64-bit (long/ulong or double); c, s and p
 * cannot print vectors. The elements are printed with the same flags,
 * width and precision each, separated by ','.
 *
 * Arguments of fsvm_cl_printf (fsvm_cl_abi.h), one per element of a vector
 * conversion and one per scalar conversion: int or unsigned int (32-bit)
 * for d i o u x X c without l, a 64-bit integer with l, double for the
 * floating-point conversions (float and half elements are widened), and a
 * VA (uint64_t) for s and p.
 */
#ifndef FSVM_CL_PRINTF_H
#define FSVM_CL_PRINTF_H

#include <stddef.h>
#include <string.h>

enum fsvm_cl_pf_length {
	FSVM_CL_PF_NONE = 0,
	FSVM_CL_PF_HH,
	FSVM_CL_PF_H,
	FSVM_CL_PF_HL,
	FSVM_CL_PF_L,
};

/* Longest "%[flags][width][.precision]" accepted (the engine copies it). */
#define FSVM_CL_PF_MAX_PREFIX	24u

struct fsvm_cl_pf_spec {
	size_t prefix;		/* length of "%[flags][width][.precision]" */
	size_t len;		/* length of the whole specification */
	unsigned int vec;	/* 0: a scalar; else the vector's element count */
	enum fsvm_cl_pf_length length;
	char conv;		/* the conversion character; '%' for "%%" */
};

static inline int fsvm_cl_pf_is_float(char conv)
{
	return conv != '\0' && strchr("fFeEgGaA", conv) != NULL;
}

static inline int fsvm_cl_pf_is_int(char conv)
{
	return conv != '\0' && strchr("diouxX", conv) != NULL;
}

/* Bytes of one element of a vector conversion (its length modifier). */
static inline unsigned int fsvm_cl_pf_elem_bytes(const struct fsvm_cl_pf_spec *s)
{
	switch (s->length) {
	case FSVM_CL_PF_HH:
		return 1;
	case FSVM_CL_PF_H:
		return 2;
	case FSVM_CL_PF_HL:
		return 4;
	default:
		return 8;
	}
}

/* Arguments the specification takes: 0 for "%%", N for a vector, else 1. */
static inline unsigned int fsvm_cl_pf_nargs(const struct fsvm_cl_pf_spec *s)
{
	if (s->conv == '%')
		return 0;
	return s->vec ? s->vec : 1;
}

/*
 * Parse the specification at p (*p == '%') into s. Returns NULL, or why it
 * is not a valid specification (s->len is then how far it got).
 */
static inline const char *fsvm_cl_pf_parse(const char *p, struct fsvm_cl_pf_spec *s)
{
	const char *q = p + 1;

	memset(s, 0, sizeof(*s));
	if (*q == '%') {
		s->conv = '%';
		s->prefix = 1;
		s->len = 2;
		return NULL;
	}
	while (*q && strchr("-+ #0", *q))
		q++;
	while (*q >= '0' && *q <= '9')
		q++;
	if (*q == '.') {
		q++;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	s->prefix = (size_t)(q - p);
	s->len = s->prefix;
	if (*q == '*') {
		s->len++;
		return "a '*' width or precision is not supported";
	}
	if (s->prefix > FSVM_CL_PF_MAX_PREFIX)
		return "flags, width and precision are too long";
	if (*q == 'v') {
		unsigned int n = 0;

		q++;
		while (*q >= '0' && *q <= '9' && n < 100)
			n = n * 10 + (unsigned int)(*q++ - '0');
		s->len = (size_t)(q - p);
		if (n != 2 && n != 3 && n != 4 && n != 8 && n != 16)
			return "the vector size (vN) must be 2, 3, 4, 8 or 16";
		s->vec = n;
	}
	if (q[0] == 'h' && q[1] == 'h') {
		s->length = FSVM_CL_PF_HH;
		q += 2;
	} else if (q[0] == 'h' && q[1] == 'l') {
		s->length = FSVM_CL_PF_HL;
		q += 2;
	} else if (q[0] == 'h') {
		s->length = FSVM_CL_PF_H;
		q++;
	} else if (q[0] == 'l') {
		s->length = FSVM_CL_PF_L;
		q++;
		if (q[0] == 'l' && !s->vec)
			q++;	/* C's ll: 64-bit as well (kernels written for C) */
	}
	s->conv = *q;
	s->len = (size_t)(q - p) + (*q ? 1 : 0);
	if (*q == '\0')
		return "the format ends inside a conversion specification";
	if (!fsvm_cl_pf_is_int(*q) && !fsvm_cl_pf_is_float(*q) && !strchr("csp", *q))
		return "unknown conversion";
	if (!s->vec) {
		if (s->length == FSVM_CL_PF_HL)
			return "the length modifier hl needs a vector specifier (vN)";
		return NULL;
	}
	if (!fsvm_cl_pf_is_int(*q) && !fsvm_cl_pf_is_float(*q))
		return "c, s and p cannot print vectors";
	if (s->length == FSVM_CL_PF_NONE)
		return "a vector conversion needs a length modifier (hh, h, hl or l; "
		       "hl for int, uint and float elements)";
	if (fsvm_cl_pf_is_float(*q) && s->length == FSVM_CL_PF_HH)
		return "hh does not apply to floating-point vectors (h: half, hl: float, "
		       "l: double)";
	return NULL;
}

#endif /* FSVM_CL_PRINTF_H */
