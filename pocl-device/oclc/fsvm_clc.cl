/* SPDX-License-Identifier: MIT */
/*
 * fsvm_clc.cl - the OpenCL C built-in function library of the simulated
 * fsvm device (math, integer, common, geometric, relational, conversions,
 * shuffles), the project's own code.
 *
 * Compiled by clang-19 with the very flags of user kernels (the overloaded
 * names then mangle the same as clang's declarations), and linked into a
 * program by fsvm-oclc -L BEFORE instrumentation: a built-in that touches
 * memory through a pointer (frexp, modf, vload...) goes through the
 * device's memory port like the user's own code. Only the functions a
 * program calls are kept. Scalar math ends in LLVM intrinsics or the host's
 * libm (the simulated device runs on the host CPU); accuracy is libm's.
 *
 * Vector forms apply the scalar form per component. Not provided: half,
 * images, atomics, sub-groups, vload_half/vstore_half. (printf, vectors
 * included, is rewritten by fsvm-oclc for the device's engine.)
 */
#define OVL __attribute__((overloadable))

#define VECS(M, ...) M(2, __VA_ARGS__) M(3, __VA_ARGS__) M(4, __VA_ARGS__) \
	M(8, __VA_ARGS__) M(16, __VA_ARGS__)

/* per-component vector forms from a scalar function F */
#define EW1(N, R, T, F) R##N OVL F(T##N x) \
	{ R##N r; for (int i = 0; i < N; i++) r[i] = F(x[i]); return r; }
#define EW2(N, R, T, U, F) R##N OVL F(T##N x, U##N y) \
	{ R##N r; for (int i = 0; i < N; i++) r[i] = F(x[i], y[i]); return r; }
#define EW2S(N, R, T, U, F) R##N OVL F(T##N x, U y) \
	{ R##N r; for (int i = 0; i < N; i++) r[i] = F(x[i], y); return r; }
#define EW3(N, R, T, F) R##N OVL F(T##N x, T##N y, T##N z) \
	{ R##N r; for (int i = 0; i < N; i++) r[i] = F(x[i], y[i], z[i]); return r; }
#define EW3SS(N, R, T, S, F) R##N OVL F(T##N x, S y, S z) \
	{ R##N r; for (int i = 0; i < N; i++) r[i] = F(x[i], y, z); return r; }
#define EW3SSV(N, R, T, S, F) R##N OVL F(S x, S y, T##N z) \
	{ R##N r; for (int i = 0; i < N; i++) r[i] = F(x, y, z[i]); return r; }
#define EW3VVS(N, R, T, S, F) R##N OVL F(T##N x, T##N y, S z) \
	{ R##N r; for (int i = 0; i < N; i++) r[i] = F(x[i], y[i], z); return r; }
#define EWP(N, R, T, P, F) R##N OVL F(T##N x, P##N *p) \
	{ R##N r; P##N t; for (int i = 0; i < N; i++) { P v; r[i] = F(x[i], &v); t[i] = v; } \
	  *p = t; return r; }

/* ---------------- floating point ---------------- */

#define F1(F, EF, ED) \
	float OVL F(float x) { return EF; } double OVL F(double x) { return ED; } \
	VECS(EW1, float, float, F) VECS(EW1, double, double, F)
#define F2(F, EF, ED) \
	float OVL F(float x, float y) { return EF; } double OVL F(double x, double y) { return ED; } \
	VECS(EW2, float, float, float, F) VECS(EW2, double, double, double, F)
#define F2S(F) VECS(EW2S, float, float, float, F) VECS(EW2S, double, double, double, F)
#define F3(F, EF, ED) \
	float OVL F(float x, float y, float z) { return EF; } \
	double OVL F(double x, double y, double z) { return ED; } \
	VECS(EW3, float, float, F) VECS(EW3, double, double, F)

#define PI_F 3.14159265358979323846f
#define PI_D 3.14159265358979323846

F1(acos, __builtin_acosf(x), __builtin_acos(x))
F1(acosh, __builtin_acoshf(x), __builtin_acosh(x))
F1(acospi, __builtin_acosf(x) / PI_F, __builtin_acos(x) / PI_D)
F1(asin, __builtin_asinf(x), __builtin_asin(x))
F1(asinh, __builtin_asinhf(x), __builtin_asinh(x))
F1(asinpi, __builtin_asinf(x) / PI_F, __builtin_asin(x) / PI_D)
F1(atan, __builtin_atanf(x), __builtin_atan(x))
F1(atanh, __builtin_atanhf(x), __builtin_atanh(x))
F1(atanpi, __builtin_atanf(x) / PI_F, __builtin_atan(x) / PI_D)
F1(cbrt, __builtin_cbrtf(x), __builtin_cbrt(x))
F1(ceil, __builtin_ceilf(x), __builtin_ceil(x))
F1(cos, __builtin_cosf(x), __builtin_cos(x))
F1(cosh, __builtin_coshf(x), __builtin_cosh(x))
F1(cospi, __builtin_cosf(x * PI_F), __builtin_cos(x * PI_D))
F1(erf, __builtin_erff(x), __builtin_erf(x))
F1(erfc, __builtin_erfcf(x), __builtin_erfc(x))
F1(exp, __builtin_expf(x), __builtin_exp(x))
F1(exp2, __builtin_exp2f(x), __builtin_exp2(x))
F1(exp10, __builtin_powf(10.0f, x), __builtin_pow(10.0, x))
F1(expm1, __builtin_expm1f(x), __builtin_expm1(x))
F1(fabs, __builtin_fabsf(x), __builtin_fabs(x))
F1(floor, __builtin_floorf(x), __builtin_floor(x))
F1(lgamma, __builtin_lgammaf(x), __builtin_lgamma(x))
F1(log, __builtin_logf(x), __builtin_log(x))
F1(log2, __builtin_log2f(x), __builtin_log2(x))
F1(log10, __builtin_log10f(x), __builtin_log10(x))
F1(log1p, __builtin_log1pf(x), __builtin_log1p(x))
F1(logb, __builtin_logbf(x), __builtin_logb(x))
F1(rint, __builtin_rintf(x), __builtin_rint(x))
F1(round, __builtin_roundf(x), __builtin_round(x))
F1(rsqrt, 1.0f / __builtin_sqrtf(x), 1.0 / __builtin_sqrt(x))
F1(sin, __builtin_sinf(x), __builtin_sin(x))
F1(sinh, __builtin_sinhf(x), __builtin_sinh(x))
F1(sinpi, __builtin_sinf(x * PI_F), __builtin_sin(x * PI_D))
F1(sqrt, __builtin_sqrtf(x), __builtin_sqrt(x))
F1(tan, __builtin_tanf(x), __builtin_tan(x))
F1(tanh, __builtin_tanhf(x), __builtin_tanh(x))
F1(tanpi, __builtin_tanf(x * PI_F), __builtin_tan(x * PI_D))
F1(tgamma, __builtin_tgammaf(x), __builtin_tgamma(x))
F1(trunc, __builtin_truncf(x), __builtin_trunc(x))
F1(radians, x * (PI_F / 180.0f), x * (PI_D / 180.0))
F1(degrees, x * (180.0f / PI_F), x * (180.0 / PI_D))
F1(sign, x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x != x ? 0.0f : x,
   x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : x != x ? 0.0 : x)

F2(atan2, __builtin_atan2f(x, y), __builtin_atan2(x, y))
F2(atan2pi, __builtin_atan2f(x, y) / PI_F, __builtin_atan2(x, y) / PI_D)
F2(copysign, __builtin_copysignf(x, y), __builtin_copysign(x, y))
F2(fdim, __builtin_fdimf(x, y), __builtin_fdim(x, y))
F2(fmax, __builtin_fmaxf(x, y), __builtin_fmax(x, y))
F2(fmin, __builtin_fminf(x, y), __builtin_fmin(x, y))
F2(fmod, __builtin_fmodf(x, y), __builtin_fmod(x, y))
F2(hypot, __builtin_hypotf(x, y), __builtin_hypot(x, y))
F2(nextafter, __builtin_nextafterf(x, y), __builtin_nextafter(x, y))
F2(pow, __builtin_powf(x, y), __builtin_pow(x, y))
F2(powr, __builtin_powf(x, y), __builtin_pow(x, y))
F2(remainder, __builtin_remainderf(x, y), __builtin_remainder(x, y))
F2(maxmag, __builtin_fabsf(x) > __builtin_fabsf(y) ? x : __builtin_fabsf(y) > __builtin_fabsf(x) ? y : __builtin_fmaxf(x, y),
   __builtin_fabs(x) > __builtin_fabs(y) ? x : __builtin_fabs(y) > __builtin_fabs(x) ? y : __builtin_fmax(x, y))
F2(minmag, __builtin_fabsf(x) < __builtin_fabsf(y) ? x : __builtin_fabsf(y) < __builtin_fabsf(x) ? y : __builtin_fminf(x, y),
   __builtin_fabs(x) < __builtin_fabs(y) ? x : __builtin_fabs(y) < __builtin_fabs(x) ? y : __builtin_fmin(x, y))
F2(step, y < x ? 0.0f : 1.0f, y < x ? 0.0 : 1.0)
F2S(fmax) F2S(fmin) F2S(fmod)

F3(fma, __builtin_fmaf(x, y, z), __builtin_fma(x, y, z))
F3(mad, x * y + z, x * y + z)
F3(mix, x + (y - x) * z, x + (y - x) * z)
F3(smoothstep, ({ float t = __builtin_fminf(__builtin_fmaxf((z - x) / (y - x), 0.0f), 1.0f); t * t * (3.0f - 2.0f * t); }),
   ({ double t = __builtin_fmin(__builtin_fmax((z - x) / (y - x), 0.0), 1.0); t * t * (3.0 - 2.0 * t); }))
VECS(EW3VVS, float, float, float, mix) VECS(EW3VVS, double, double, double, mix)
VECS(EW3SSV, float, float, float, smoothstep) VECS(EW3SSV, double, double, double, smoothstep)
#define STEPS(N, T) T##N OVL step(T e, T##N x) \
	{ T##N r; for (int i = 0; i < N; i++) r[i] = step(e, x[i]); return r; }
VECS(STEPS, float) VECS(STEPS, double)

/* native_ and half_: the full-precision functions */
#define NAT1(F) float OVL native_##F(float x) { return F(x); } VECS(EW1, float, float, native_##F) \
	float OVL half_##F(float x) { return F(x); } VECS(EW1, float, float, half_##F)
NAT1(cos) NAT1(exp) NAT1(exp2) NAT1(exp10) NAT1(log) NAT1(log2) NAT1(log10) NAT1(rsqrt)
NAT1(sin) NAT1(sqrt) NAT1(tan)
float OVL native_recip(float x) { return 1.0f / x; }
float OVL half_recip(float x) { return 1.0f / x; }
float OVL native_divide(float x, float y) { return x / y; }
float OVL half_divide(float x, float y) { return x / y; }
float OVL native_powr(float x, float y) { return powr(x, y); }
float OVL half_powr(float x, float y) { return powr(x, y); }
VECS(EW1, float, float, native_recip) VECS(EW1, float, float, half_recip)
VECS(EW2, float, float, float, native_divide) VECS(EW2, float, float, float, half_divide)
VECS(EW2, float, float, float, native_powr) VECS(EW2, float, float, float, half_powr)

/* with an int argument or result */
float OVL ldexp(float x, int n) { return __builtin_ldexpf(x, n); }
double OVL ldexp(double x, int n) { return __builtin_ldexp(x, n); }
float OVL pown(float x, int n) { return __builtin_powif(x, n); }
double OVL pown(double x, int n) { return __builtin_powi(x, n); }
float OVL rootn(float x, int n) { return x < 0.0f && (n & 1) ? -__builtin_powf(-x, 1.0f / n) : __builtin_powf(x, 1.0f / n); }
double OVL rootn(double x, int n) { return x < 0.0 && (n & 1) ? -__builtin_pow(-x, 1.0 / n) : __builtin_pow(x, 1.0 / n); }
/* FP_ILOGBNAN is INT_MAX in OpenCL (the host's libm may say INT_MIN) */
int OVL ilogb(float x) { return x != x ? INT_MAX : __builtin_ilogbf(x); }
int OVL ilogb(double x) { return x != x ? INT_MAX : __builtin_ilogb(x); }
VECS(EW2, float, float, int, ldexp) VECS(EW2, double, double, int, ldexp)
VECS(EW2S, float, float, int, ldexp) VECS(EW2S, double, double, int, ldexp)
VECS(EW2, float, float, int, pown) VECS(EW2, double, double, int, pown)
VECS(EW2, float, float, int, rootn) VECS(EW2, double, double, int, rootn)
VECS(EW1, int, float, ilogb) VECS(EW1, int, double, ilogb)
float OVL nan(uint c) { return as_float(0x7fc00000u | (c & 0x3fffffu)); }
double OVL nan(ulong c) { return as_double(0x7ff8000000000000ul | (c & 0x7fffffffffffful)); }
VECS(EW1, float, uint, nan) VECS(EW1, double, ulong, nan)

/* with a pointer argument (generic address space; the store goes through
 * the memory port once instrumented) */
float OVL frexp(float x, int *e) { int t; float r = __builtin_frexpf(x, &t); *e = t; return r; }
double OVL frexp(double x, int *e) { int t; double r = __builtin_frexp(x, &t); *e = t; return r; }
float OVL modf(float x, float *ip) { float t; float r = __builtin_modff(x, &t); *ip = t; return r; }
double OVL modf(double x, double *ip) { double t; double r = __builtin_modf(x, &t); *ip = t; return r; }
float OVL fract(float x, float *ip)
{ float f = __builtin_floorf(x); *ip = f; return x != x ? x : __builtin_fminf(x - f, 0x1.fffffep-1f); }
double OVL fract(double x, double *ip)
{ double f = __builtin_floor(x); *ip = f; return x != x ? x : __builtin_fmin(x - f, 0x1.fffffffffffffp-1); }
float OVL sincos(float x, float *c) { *c = __builtin_cosf(x); return __builtin_sinf(x); }
double OVL sincos(double x, double *c) { *c = __builtin_cos(x); return __builtin_sin(x); }
float fsvm_lgammaf_r(float, __private int *) __asm__("lgammaf_r");	/* libm */
double fsvm_lgamma_r(double, __private int *) __asm__("lgamma_r");
float OVL lgamma_r(float x, int *s) { int t; float r = fsvm_lgammaf_r(x, &t); *s = t; return r; }
double OVL lgamma_r(double x, int *s) { int t; double r = fsvm_lgamma_r(x, &t); *s = t; return r; }
VECS(EWP, float, float, int, frexp) VECS(EWP, double, double, int, frexp)
VECS(EWP, float, float, float, modf) VECS(EWP, double, double, double, modf)
VECS(EWP, float, float, float, fract) VECS(EWP, double, double, double, fract)
VECS(EWP, float, float, float, sincos) VECS(EWP, double, double, double, sincos)
VECS(EWP, float, float, int, lgamma_r) VECS(EWP, double, double, int, lgamma_r)
float OVL remquo(float x, float y, int *q) { int t; float r = __builtin_remquof(x, y, &t); *q = t; return r; }
double OVL remquo(double x, double y, int *q) { int t; double r = __builtin_remquo(x, y, &t); *q = t; return r; }
#define REMQUO(N, T) T##N OVL remquo(T##N x, T##N y, int##N *q) \
	{ T##N r; int##N t; for (int i = 0; i < N; i++) { int v; r[i] = remquo(x[i], y[i], &v); t[i] = v; } \
	  *q = t; return r; }
VECS(REMQUO, float) VECS(REMQUO, double)

/* ---------------- relational ---------------- */

#define REL1(F, E) int OVL F(float x) { return E; } int OVL F(double x) { return E; } \
	VECS(REL1V, F, float, int) VECS(REL1V, F, double, long)
#define REL1V(N, F, T, R) R##N OVL F(T##N x) \
	{ R##N r; for (int i = 0; i < N; i++) r[i] = F(x[i]) ? -1 : 0; return r; }
#define REL2(F, E) int OVL F(float x, float y) { return E; } int OVL F(double x, double y) { return E; } \
	VECS(REL2V, F, float, int) VECS(REL2V, F, double, long)
#define REL2V(N, F, T, R) R##N OVL F(T##N x, T##N y) \
	{ R##N r; for (int i = 0; i < N; i++) r[i] = F(x[i], y[i]) ? -1 : 0; return r; }

REL1(isnan, __builtin_isnan(x))
REL1(isinf, __builtin_isinf(x))
REL1(isfinite, __builtin_isfinite(x))
REL1(isnormal, __builtin_isnormal(x))
REL1(signbit, __builtin_signbit(x) != 0)
REL2(isequal, x == y)
REL2(isnotequal, x != y)
REL2(isgreater, x > y)
REL2(isgreaterequal, x >= y)
REL2(isless, x < y)
REL2(islessequal, x <= y)
REL2(islessgreater, x < y || x > y)
REL2(isordered, x == x && y == y)
REL2(isunordered, x != x || y != y)

/* any/all: the most significant bit of signed integers */
#define ANYALL(T) int OVL any(T x) { return x < 0; } int OVL all(T x) { return x < 0; } \
	VECS(ANYALLV, T)
#define ANYALLV(N, T) int OVL any(T##N x) { int r = 0; for (int i = 0; i < N; i++) r |= x[i] < 0; return r; } \
	int OVL all(T##N x) { int r = 1; for (int i = 0; i < N; i++) r &= x[i] < 0; return r; }
ANYALL(char) ANYALL(short) ANYALL(int) ANYALL(long)

/* bitselect and select; T its bits as U (unsigned), S/SU the select types */
#define BITSEL(T, U) T OVL bitselect(T a, T b, T c) \
	{ return as_##T((U)((as_##U(a) & (U)~as_##U(c)) | (as_##U(b) & as_##U(c)))); } \
	VECS(BITSELV, T, U)
#define BITSELV(N, T, U) T##N OVL bitselect(T##N a, T##N b, T##N c) \
	{ return as_##T##N((as_##U##N(a) & ~as_##U##N(c)) | (as_##U##N(b) & as_##U##N(c))); }
BITSEL(char, uchar) BITSEL(uchar, uchar) BITSEL(short, ushort) BITSEL(ushort, ushort)
BITSEL(int, uint) BITSEL(uint, uint) BITSEL(long, ulong) BITSEL(ulong, ulong)
BITSEL(float, uint) BITSEL(double, ulong)

#define SEL(T, S, SU) T OVL select(T a, T b, S c) { return c ? b : a; } \
	T OVL select(T a, T b, SU c) { return c ? b : a; } VECS(SELV, T, S, SU)
#define SELV(N, T, S, SU) \
	T##N OVL select(T##N a, T##N b, S##N c) \
	{ T##N r; for (int i = 0; i < N; i++) r[i] = c[i] < 0 ? b[i] : a[i]; return r; } \
	T##N OVL select(T##N a, T##N b, SU##N c) \
	{ T##N r; for (int i = 0; i < N; i++) r[i] = ((S)c[i]) < 0 ? b[i] : a[i]; return r; }
SEL(char, char, uchar) SEL(uchar, char, uchar) SEL(short, short, ushort) SEL(ushort, short, ushort)
SEL(int, int, uint) SEL(uint, int, uint) SEL(long, long, ulong) SEL(ulong, long, ulong)
SEL(float, int, uint) SEL(double, long, ulong)

/* ---------------- integer ---------------- */

/* T, its unsigned type U, its bits, and the next wider types W/UW (for hi
 * halves and saturation; long uses 128-bit arithmetic) */
#define INTS(M) M(char, uchar, 8, short) M(uchar, uchar, 8, ushort) \
	M(short, ushort, 16, int) M(ushort, ushort, 16, uint) \
	M(int, uint, 32, long) M(uint, uint, 32, ulong) \
	M(long, ulong, 64, __int128) M(ulong, ulong, 64, unsigned __int128)

#define I1(N, R, T, F) EW1(N, R, T, F)

#define INTFNS(T, U, B, W) \
	U OVL abs(T x) { return x < 0 ? (U)(-(W)x) : (U)x; } \
	U OVL abs_diff(T x, T y) { return x > y ? (U)((W)x - (W)y) : (U)((W)y - (W)x); } \
	T OVL add_sat(T x, T y) { W s = (W)x + (W)y; T lo = (T)((T)0 < (T)-1 ? 0 : (T)1 << (B - 1)); \
		T hi = (T)~lo; return s < (W)lo ? lo : s > (W)hi ? hi : (T)s; } \
	T OVL sub_sat(T x, T y) { W s = (W)x - (W)y; T lo = (T)((T)0 < (T)-1 ? 0 : (T)1 << (B - 1)); \
		T hi = (T)~lo; return s < (W)lo ? lo : s > (W)hi ? hi : (T)s; } \
	T OVL hadd(T x, T y) { return (T)(((W)x + (W)y) >> 1); } \
	T OVL rhadd(T x, T y) { return (T)(((W)x + (W)y + 1) >> 1); } \
	T OVL min(T x, T y) { return y < x ? y : x; } \
	T OVL max(T x, T y) { return x < y ? y : x; } \
	T OVL clamp(T x, T lo, T hi) { return min(max(x, lo), hi); } \
	T OVL mul_hi(T x, T y) { return (T)(((W)x * (W)y) >> B); } \
	T OVL mad_hi(T x, T y, T z) { return mul_hi(x, y) + z; } \
	T OVL mad_sat(T x, T y, T z) { W s = (W)x * (W)y + (W)z; \
		T lo = (T)((T)0 < (T)-1 ? 0 : (T)1 << (B - 1)); T hi = (T)~lo; \
		return s < (W)lo ? lo : s > (W)hi ? hi : (T)s; } \
	T OVL rotate(T x, T n) { U s = (U)n & (B - 1); U v = (U)x; \
		return (T)(s ? (U)((v << s) | (v >> (B - s))) : v); } \
	T OVL popcount(T x) { return (T)__builtin_popcountl((ulong)(U)x); } \
	T OVL clz(T x) { return (T)((U)x ? __builtin_clzl((ulong)(U)x) - (64 - B) : B); } \
	T OVL ctz(T x) { return (T)((U)x ? __builtin_ctzl((ulong)(U)x) : B); } \
	VECS(EW1, U, T, abs) VECS(EW2, U, T, T, abs_diff) VECS(EW2, T, T, T, add_sat) \
	VECS(EW2, T, T, T, sub_sat) VECS(EW2, T, T, T, hadd) VECS(EW2, T, T, T, rhadd) \
	VECS(EW2, T, T, T, min) VECS(EW2, T, T, T, max) VECS(EW2S, T, T, T, min) \
	VECS(EW2S, T, T, T, max) VECS(EW3, T, T, clamp) VECS(EW3SS, T, T, T, clamp) \
	VECS(EW2, T, T, T, mul_hi) VECS(EW3, T, T, mad_hi) VECS(EW3, T, T, mad_sat) \
	VECS(EW2, T, T, T, rotate) VECS(EW1, T, T, popcount) VECS(EW1, T, T, clz) \
	VECS(EW1, T, T, ctz)
INTS(INTFNS)

int OVL mul24(int x, int y) { return x * y; }
uint OVL mul24(uint x, uint y) { return x * y; }
int OVL mad24(int x, int y, int z) { return x * y + z; }
uint OVL mad24(uint x, uint y, uint z) { return x * y + z; }
VECS(EW2, int, int, int, mul24) VECS(EW2, uint, uint, uint, mul24)
VECS(EW3, int, int, mad24) VECS(EW3, uint, uint, mad24)

#define UPS(H, L, R, B) R OVL upsample(H h, L l) { return ((R)h << B) | (R)l; } \
	VECS(EW2, R, H, L, upsample)
UPS(char, uchar, short, 8) UPS(uchar, uchar, ushort, 8) UPS(short, ushort, int, 16)
UPS(ushort, ushort, uint, 16) UPS(int, uint, long, 32) UPS(uint, uint, ulong, 32)

/* common functions on floats: min/max/clamp */
float OVL min(float x, float y) { return __builtin_fminf(x, y); }
double OVL min(double x, double y) { return __builtin_fmin(x, y); }
float OVL max(float x, float y) { return __builtin_fmaxf(x, y); }
double OVL max(double x, double y) { return __builtin_fmax(x, y); }
float OVL clamp(float x, float lo, float hi) { return fmin(fmax(x, lo), hi); }
double OVL clamp(double x, double lo, double hi) { return fmin(fmax(x, lo), hi); }
VECS(EW2, float, float, float, min) VECS(EW2, double, double, double, min)
VECS(EW2, float, float, float, max) VECS(EW2, double, double, double, max)
VECS(EW2S, float, float, float, min) VECS(EW2S, double, double, double, min)
VECS(EW2S, float, float, float, max) VECS(EW2S, double, double, double, max)
VECS(EW3, float, float, clamp) VECS(EW3, double, double, clamp)
VECS(EW3SS, float, float, float, clamp) VECS(EW3SS, double, double, double, clamp)

/* ---------------- geometric ---------------- */

#define GEO(T, SQRT) \
	T OVL dot(T x, T y) { return x * y; } \
	T OVL length(T x) { return __builtin_fabs(x); } \
	T OVL distance(T x, T y) { return __builtin_fabs(x - y); } \
	T OVL normalize(T x) { return x == 0 ? x : x > 0 ? 1 : x < 0 ? -1 : x; } \
	GEOV(2, T, SQRT) GEOV(3, T, SQRT) GEOV(4, T, SQRT)
#define GEOV(N, T, SQRT) \
	T OVL dot(T##N x, T##N y) { T s = 0; for (int i = 0; i < N; i++) s += x[i] * y[i]; return s; } \
	T OVL length(T##N x) { return SQRT(dot(x, x)); } \
	T OVL distance(T##N x, T##N y) { return length(x - y); } \
	T##N OVL normalize(T##N x) { T l = length(x); return l == 0 ? x : x / l; }
GEO(float, __builtin_sqrtf) GEO(double, __builtin_sqrt)
float OVL fast_length(float x) { return length(x); }
float OVL fast_distance(float x, float y) { return distance(x, y); }
float OVL fast_normalize(float x) { return normalize(x); }
#define FASTV(N) float OVL fast_length(float##N x) { return length(x); } \
	float OVL fast_distance(float##N x, float##N y) { return distance(x, y); } \
	float##N OVL fast_normalize(float##N x) { return normalize(x); }
FASTV(2) FASTV(3) FASTV(4)
#define CROSS(T) \
	T##3 OVL cross(T##3 a, T##3 b) { return (T##3)(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, \
		a.x * b.y - a.y * b.x); } \
	T##4 OVL cross(T##4 a, T##4 b) { return (T##4)(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, \
		a.x * b.y - a.y * b.x, 0); }
CROSS(float) CROSS(double)

/* ---------------- conversions ---------------- */

/* saturation limits of each destination type */
#define LIM_char -128, 127
#define LIM_uchar 0, 255
#define LIM_short -32768, 32767
#define LIM_ushort 0, 65535
#define LIM_int (-2147483647 - 1), 2147483647
#define LIM_uint 0, 4294967295u
#define LIM_long (-9223372036854775807l - 1), 9223372036854775807l
#define LIM_ulong 0, 18446744073709551615ul

/* an integer value to integer D, saturated (both sides in 128 bits) */
#define ISAT(D, x, lo, hi) ((__int128)(x) < (__int128)(lo) ? (D)(lo) : \
	(__int128)(x) > (__int128)(hi) ? (D)(hi) : (D)(x))
#define ISAT_(D, x, L) ISAT(D, x, L)

/* a float value to integer D with rounding R, saturated: NaN -> 0 */
#define FSAT(D, x, lo, hi) ((x) != (x) ? (D)0 : (x) <= (double)(lo) ? (D)(lo) : \
	(x) >= (double)(hi) ? (D)(hi) : (D)(x))
#define FSAT_(D, x, L) FSAT(D, x, L)

#define R__rte(x) __builtin_rint(x)
#define R__rtz(x) __builtin_trunc(x)
#define R__rtp(x) __builtin_ceil(x)
#define R__rtn(x) __builtin_floor(x)
#define R_(x) __builtin_trunc(x)

/* integer destinations */
#define CVI_S(D, S, RND) \
	D OVL convert_##D##RND(S x) { return (D)x; } \
	D OVL convert_##D##_sat##RND(S x) { return ISAT_(D, x, LIM_##D); } \
	VECS(CVV, D, S, RND) VECS(CVV, D, S, _sat##RND)
#define CVI_F(D, S, RND) \
	D OVL convert_##D##RND(S x) { return (D)R_##RND((double)x); } \
	D OVL convert_##D##_sat##RND(S x) { double v = R_##RND((double)x); return FSAT_(D, v, LIM_##D); } \
	VECS(CVV, D, S, RND) VECS(CVV, D, S, _sat##RND)
#define CVV(N, D, S, SFX) D##N OVL convert_##D##N##SFX(S##N x) \
	{ D##N r; for (int i = 0; i < N; i++) r[i] = convert_##D##SFX(x[i]); return r; }

#define CVI_ALLR(D, S, K) K(D, S, ) K(D, S, _rte) K(D, S, _rtz) K(D, S, _rtp) K(D, S, _rtn)
#define CVI_FROM(D) CVI_ALLR(D, char, CVI_S) CVI_ALLR(D, uchar, CVI_S) CVI_ALLR(D, short, CVI_S) \
	CVI_ALLR(D, ushort, CVI_S) CVI_ALLR(D, int, CVI_S) CVI_ALLR(D, uint, CVI_S) \
	CVI_ALLR(D, long, CVI_S) CVI_ALLR(D, ulong, CVI_S) CVI_ALLR(D, float, CVI_F) \
	CVI_ALLR(D, double, CVI_F)
CVI_FROM(char) CVI_FROM(uchar) CVI_FROM(short) CVI_FROM(ushort)
CVI_FROM(int) CVI_FROM(uint) CVI_FROM(long) CVI_FROM(ulong)

/* float destinations: with the host's default rounding (to nearest even);
 * _rtz/_rtp/_rtn of an inexact integer or double -> float step the
 * nearest result towards the requested direction */
#define TOF__rte(D, S, x) ((D)(x))
#define TOF_(D, S, x) ((D)(x))
#define TOF__rtz(D, S, x) ({ D r = (D)(x); (S)r > (x) && (x) >= 0 ? __builtin_nextafter##D(r, 0) : \
	(S)r < (x) && (x) < 0 ? __builtin_nextafter##D(r, 0) : r; })
#define TOF__rtp(D, S, x) ({ D r = (D)(x); (S)r < (x) ? __builtin_nextafter##D(r, (D)INFINITY) : r; })
#define TOF__rtn(D, S, x) ({ D r = (D)(x); (S)r > (x) ? __builtin_nextafter##D(r, -(D)INFINITY) : r; })
#define __builtin_nextafterfloat __builtin_nextafterf
#define __builtin_nextafterdouble __builtin_nextafter
#define CVF(D, S, RND, W) \
	D OVL convert_##D##RND(S x) { return TOF_##RND(D, W, (W)x); } \
	VECS(CVV, D, S, RND)
#define CVF_ALLR(D, S, W) CVF(D, S, , W) CVF(D, S, _rte, W) CVF(D, S, _rtz, W) \
	CVF(D, S, _rtp, W) CVF(D, S, _rtn, W)
#define CVF_FROM(D) CVF_ALLR(D, char, long) CVF_ALLR(D, uchar, long) CVF_ALLR(D, short, long) \
	CVF_ALLR(D, ushort, long) CVF_ALLR(D, int, long) CVF_ALLR(D, uint, long) \
	CVF_ALLR(D, long, __int128) CVF_ALLR(D, ulong, __int128) CVF_ALLR(D, float, double)
CVF_FROM(float) CVF_FROM(double)
/* double -> float: compare in double */
CVF_ALLR(float, double, double)

/* ---------------- shuffle, shuffle2 ---------------- */

#define SHUF(M, N, T, U) \
	T##N OVL shuffle(T##M x, U##N mask) \
	{ T##N r; for (int i = 0; i < N; i++) r[i] = x[mask[i] % M]; return r; } \
	T##N OVL shuffle2(T##M x, T##M y, U##N mask) \
	{ T##N r; for (int i = 0; i < N; i++) { U k = mask[i] % (2 * M); \
	  r[i] = k < M ? x[k] : y[k - M]; } return r; }
#define SHUF_N(M, T, U) SHUF(M, 2, T, U) SHUF(M, 4, T, U) SHUF(M, 8, T, U) SHUF(M, 16, T, U)
#define SHUF_T(T, U) SHUF_N(2, T, U) SHUF_N(4, T, U) SHUF_N(8, T, U) SHUF_N(16, T, U)
SHUF_T(char, uchar) SHUF_T(uchar, uchar) SHUF_T(short, ushort) SHUF_T(ushort, ushort)
SHUF_T(int, uint) SHUF_T(uint, uint) SHUF_T(long, ulong) SHUF_T(ulong, ulong)
SHUF_T(float, uint) SHUF_T(double, ulong)

/* ---------------- vload/vstore (generic and constant pointers) ---------------- */

#define VLS(N, T) \
	T##N OVL vload##N(size_t o, const T *p) \
	{ T##N r; for (int i = 0; i < N; i++) r[i] = p[o * N + i]; return r; } \
	T##N OVL vload##N(size_t o, const __constant T *p) \
	{ T##N r; for (int i = 0; i < N; i++) r[i] = p[o * N + i]; return r; } \
	void OVL vstore##N(T##N v, size_t o, T *p) \
	{ for (int i = 0; i < N; i++) p[o * N + i] = v[i]; }
#define VLS_T(T) VECS(VLS, T)
VLS_T(char) VLS_T(uchar) VLS_T(short) VLS_T(ushort) VLS_T(int) VLS_T(uint)
VLS_T(long) VLS_T(ulong) VLS_T(float) VLS_T(double)

/* ---------------- async work-group copies ---------------- */

/* Each work-item copies its share (strided by the linear local id) at
 * once; wait_group_events is a work-group barrier, after which the whole
 * copy is visible to the group. Every work-item of the group must call
 * both with the same arguments (as OpenCL requires). */
static size_t fsvm_lin_lid(void)
{
	return get_local_id(0) + get_local_size(0) * (get_local_id(1) + get_local_size(1) * get_local_id(2));
}

static size_t fsvm_lin_lsize(void)
{
	return get_local_size(0) * get_local_size(1) * get_local_size(2);
}

#define AWGC(T) \
	event_t OVL async_work_group_copy(__local T *d, const __global T *s, size_t n, event_t e) \
	{ for (size_t i = fsvm_lin_lid(); i < n; i += fsvm_lin_lsize()) d[i] = s[i]; return e; } \
	event_t OVL async_work_group_copy(__global T *d, const __local T *s, size_t n, event_t e) \
	{ for (size_t i = fsvm_lin_lid(); i < n; i += fsvm_lin_lsize()) d[i] = s[i]; return e; } \
	event_t OVL async_work_group_strided_copy(__local T *d, const __global T *s, size_t n, \
						  size_t st, event_t e) \
	{ for (size_t i = fsvm_lin_lid(); i < n; i += fsvm_lin_lsize()) d[i] = s[i * st]; return e; } \
	event_t OVL async_work_group_strided_copy(__global T *d, const __local T *s, size_t n, \
						  size_t st, event_t e) \
	{ for (size_t i = fsvm_lin_lid(); i < n; i += fsvm_lin_lsize()) d[i * st] = s[i]; return e; } \
	void OVL prefetch(const __global T *p, size_t n) { (void)p; (void)n; }
#define AWGC_V(N, T) AWGC(T##N)
#define AWGC_T(T) AWGC(T) VECS(AWGC_V, T)
AWGC_T(char) AWGC_T(uchar) AWGC_T(short) AWGC_T(ushort) AWGC_T(int) AWGC_T(uint)
AWGC_T(long) AWGC_T(ulong) AWGC_T(float) AWGC_T(double)

void OVL wait_group_events(int n, event_t *evs)
{
	(void)n;
	(void)evs;
	barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
}
