// SPDX-License-Identifier: MIT
//
// fsvm_vl_bits.h - bit slices of a Verilated model's ports, for the C++
// that drives fsvm_shell.v under Verilator (the co-simulation engine in
// hw-kernels/cosim and the testbench in tests/rtl). A port of up to 64
// bits is an integer; a wider one is an array of 32-bit words (VlWide), so
// the flattened per-lane vectors need word-crossing reads and writes.
#ifndef FSVM_VL_BITS_H
#define FSVM_VL_BITS_H

#include <cstdint>
#include <type_traits>

// Bits [lsb, lsb + w) of v, w <= 64.
template <typename T> inline uint64_t getb(const T &v, unsigned lsb, unsigned w)
{
	if constexpr (std::is_integral_v<T>) {
		uint64_t x = (uint64_t)v >> lsb;
		return w >= 64 ? x : (x & ((1ull << w) - 1));
	} else {
		uint64_t r = 0;
		for (unsigned i = 0; i < w;) {
			unsigned b = lsb + i, off = b % 32, take = 32 - off;
			if (take > w - i)
				take = w - i;
			r |= (((uint64_t)v[b / 32] >> off) & ((1ull << take) - 1)) << i;
			i += take;
		}
		return r;
	}
}

// Set bits [lsb, lsb + w) of v to the low w bits of val, w <= 64.
template <typename T> inline void setb(T &v, unsigned lsb, unsigned w, uint64_t val)
{
	if constexpr (std::is_integral_v<T>) {
		uint64_t m = (w >= 64 ? ~0ull : ((1ull << w) - 1)) << lsb;
		v = (T)(((uint64_t)v & ~m) | ((val << lsb) & m));
	} else {
		for (unsigned i = 0; i < w;) {
			unsigned b = lsb + i, off = b % 32, take = 32 - off;
			if (take > w - i)
				take = w - i;
			uint32_t m = (uint32_t)(((1ull << take) - 1) << off);
			uint32_t c = (uint32_t)(((val >> i) & ((1ull << take) - 1)) << off);
			v[b / 32] = (v[b / 32] & ~m) | c;
			i += take;
		}
	}
}

#endif // FSVM_VL_BITS_H
