// SPDX-License-Identifier: GPL-2.0-only
/*
 * Binary32 addition without the FPU. See fsvm_softfloat.h.
 *
 * Significands carry three extra low bits (guard, round, sticky) through
 * alignment, add or subtract, normalization and one rounding step.
 */
#include "fsvm_softfloat.h"

#define F32_QNAN_BIT	0x00400000u
#define F32_DEFAULT_NAN	0x7fc00000u
#define F32_MANT	0x007fffffu
#define F32_HIDDEN	0x00800000u

uint32_t fsvm_soft_fadd32(uint32_t a, uint32_t b)
{
	uint32_t sa = a >> 31, sb = b >> 31, s;
	uint32_t ea = (a >> 23) & 0xff, eb = (b >> 23) & 0xff;
	uint32_t ma = a & F32_MANT, mb = b & F32_MANT, m, t, d, rb;

	/* NaN and infinity */
	if (ea == 0xff) {
		if (ma)
			return a | F32_QNAN_BIT;
		if (eb == 0xff) {
			if (mb)
				return b | F32_QNAN_BIT;
			return sa == sb ? a : F32_DEFAULT_NAN;
		}
		return a;
	}
	if (eb == 0xff)
		return mb ? (b | F32_QNAN_BIT) : b;

	/* Implicit bit; subnormals have the exponent of the smallest normal. */
	if (ea)
		ma |= F32_HIDDEN;
	else
		ea = 1;
	if (eb)
		mb |= F32_HIDDEN;
	else
		eb = 1;

	/* |a| >= |b| from here on. */
	if (ea < eb || (ea == eb && ma < mb)) {
		t = ea; ea = eb; eb = t;
		t = ma; ma = mb; mb = t;
		t = sa; sa = sb; sb = t;
	}
	ma <<= 3;
	mb <<= 3;
	d = ea - eb;
	if (d >= 32)
		mb = mb != 0;
	else if (d)
		mb = (mb >> d) | ((mb & ((1u << d) - 1)) != 0);

	s = sa;
	if (sa == sb) {
		m = ma + mb;
		if (m & (F32_HIDDEN << 4)) {
			m = (m >> 1) | (m & 1);
			ea++;
		}
	} else {
		m = ma - mb;
		if (m == 0)
			return 0;	/* x + (-x) = +0 when rounding to nearest */
		while (!(m & (F32_HIDDEN << 3)) && ea > 1) {
			m <<= 1;
			ea--;
		}
	}

	/* Round to nearest, ties to even. */
	rb = m & 7;
	m >>= 3;
	if (rb > 4 || (rb == 4 && (m & 1)))
		m++;
	if (m & (F32_HIDDEN << 1)) {
		m >>= 1;
		ea++;
	}
	if (ea >= 0xff)
		return (s << 31) | 0x7f800000u;
	if (!(m & F32_HIDDEN))
		ea = 0;		/* subnormal or zero */
	return (s << 31) | (ea << 23) | (m & F32_MANT);
}
