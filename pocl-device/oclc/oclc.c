/* SPDX-License-Identifier: MIT */
/*
 * oclc.c - fsvm_oclc_instrument(): route an OpenCL C module's device-memory
 * accesses through the fsvm memory port (fsvm_cl_abi.h), with the LLVM-C API.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Target.h>

#include "fsvm_cl_abi.h"
#include "fsvm_cl_printf.h"
#include "fsvm_oclc.h"

/* clang's OpenCL address spaces with -ffake-address-space-map. */
#define AS_PRIVATE	0u
#define AS_GLOBAL	1u
#define AS_CONSTANT	2u
#define AS_LOCAL	3u
#define AS_GENERIC	4u

/* LLVM's numbers for the SPIR calling conventions (not in LLVMCallConv). */
#define CC_SPIR_FUNC	75u
#define CC_SPIR_KERNEL	76u

struct ox {
	LLVMModuleRef mod;
	LLVMContextRef c;
	LLVMTargetDataRef td;
	LLVMBuilderRef b;
	LLVMTypeRef i8, i16, i32, i64, ptr, vd;
	struct fsvm_oclc_stats st;
	char *err;
	size_t errlen;
	bool failed;
};

static void fail(struct ox *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct ox *o, const char *fmt, ...)
{
	va_list ap;

	if (o->failed)
		return;		/* keep the first reason */
	o->failed = true;
	if (!o->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(o->err, o->errlen, fmt, ap);
	va_end(ap);
}

static const char *vname(LLVMValueRef v)
{
	size_t len;
	const char *n = LLVMGetValueName2(v, &len);

	return n && *n ? n : "(unnamed)";
}

static bool is_device_as(unsigned int as)
{
	return as == AS_GLOBAL || as == AS_CONSTANT || as == AS_GENERIC;
}

static bool is_device_ptr(LLVMValueRef v)
{
	LLVMTypeRef t = LLVMTypeOf(v);

	return LLVMGetTypeKind(t) == LLVMPointerTypeKind &&
	       is_device_as(LLVMGetPointerAddressSpace(t));
}

/* Declare (once) a port function. */
static LLVMValueRef port_fn(struct ox *o, const char *name, LLVMTypeRef ret,
			    LLVMTypeRef *params, unsigned int n, LLVMTypeRef *fnty)
{
	LLVMValueRef f = LLVMGetNamedFunction(o->mod, name);

	*fnty = LLVMFunctionType(ret, params, n, 0);
	if (!f)
		f = LLVMAddFunction(o->mod, name, *fnty);
	return f;
}

static LLVMValueRef call_port(struct ox *o, const char *name, LLVMTypeRef ret,
			      LLVMTypeRef *ptys, LLVMValueRef *args, unsigned int n)
{
	LLVMTypeRef fty;
	LLVMValueRef f = port_fn(o, name, ret, ptys, n, &fty);

	return LLVMBuildCall2(o->b, fty, f, args, n, "");
}

static LLVMValueRef va_of(struct ox *o, LLVMValueRef p)
{
	return LLVMBuildPtrToInt(o->b, p, o->i64, "fsvm.va");
}

/* An on-chip temporary of type t in the entry block of fn. */
static LLVMValueRef entry_alloca(struct ox *o, LLVMValueRef fn, LLVMTypeRef t)
{
	LLVMBuilderRef b2 = LLVMCreateBuilderInContext(o->c);
	LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(fn);
	LLVMValueRef first = LLVMGetFirstInstruction(entry);
	LLVMValueRef a;

	if (first)
		LLVMPositionBuilderBefore(b2, first);
	else
		LLVMPositionBuilderAtEnd(b2, entry);
	a = LLVMBuildAlloca(b2, t, "fsvm.tmp");
	LLVMSetAlignment(a, 16);
	LLVMDisposeBuilder(b2);
	return a;
}

/* Integer type of the port access for t (8/16/32/64 bits), or NULL. */
static LLVMTypeRef scalar_int(struct ox *o, LLVMTypeRef t)
{
	switch (LLVMGetTypeKind(t)) {
	case LLVMIntegerTypeKind:
		switch (LLVMGetIntTypeWidth(t)) {
		case 8: return o->i8;
		case 16: return o->i16;
		case 32: return o->i32;
		case 64: return o->i64;
		default: return NULL;
		}
	case LLVMHalfTypeKind: return o->i16;
	case LLVMFloatTypeKind: return o->i32;
	case LLVMDoubleTypeKind: return o->i64;
	case LLVMPointerTypeKind: return o->i64;
	default: return NULL;
	}
}

static const char *sfx(LLVMTypeRef it)
{
	switch (LLVMGetIntTypeWidth(it)) {
	case 8: return "8";
	case 16: return "16";
	case 32: return "32";
	default: return "64";
	}
}

static void rewrite_load(struct ox *o, LLVMValueRef fn, LLVMValueRef ld)
{
	LLVMValueRef p = LLVMGetOperand(ld, 0);
	LLVMTypeRef t = LLVMTypeOf(ld);
	LLVMTypeRef it = scalar_int(o, t);
	LLVMValueRef va, v;
	char name[32];

	LLVMPositionBuilderBefore(o->b, ld);
	va = va_of(o, p);
	if (it) {
		LLVMTypeRef pt[1] = { o->i64 };

		snprintf(name, sizeof(name), "fsvm_cl_ld%s", sfx(it));
		v = call_port(o, name, it, pt, &va, 1);
		if (LLVMGetTypeKind(t) == LLVMPointerTypeKind)
			v = LLVMBuildIntToPtr(o->b, v, t, "");
		else if (LLVMGetTypeKind(t) != LLVMIntegerTypeKind)
			v = LLVMBuildBitCast(o->b, v, t, "");
	} else {
		LLVMValueRef tmp = entry_alloca(o, fn, t);
		LLVMTypeRef pt[3] = { o->i64, o->ptr, o->i64 };
		LLVMValueRef a[3] = { va, tmp,
			LLVMConstInt(o->i64, LLVMStoreSizeOfType(o->td, t), 0) };

		call_port(o, "fsvm_cl_ldn", o->vd, pt, a, 3);
		v = LLVMBuildLoad2(o->b, t, tmp, "");
	}
	LLVMReplaceAllUsesWith(ld, v);
	LLVMInstructionEraseFromParent(ld);
	o->st.loads++;
}

static void rewrite_store(struct ox *o, LLVMValueRef fn, LLVMValueRef stn)
{
	LLVMValueRef v = LLVMGetOperand(stn, 0);
	LLVMValueRef p = LLVMGetOperand(stn, 1);
	LLVMTypeRef t = LLVMTypeOf(v);
	LLVMTypeRef it = scalar_int(o, t);
	LLVMValueRef va;
	char name[32];

	LLVMPositionBuilderBefore(o->b, stn);
	va = va_of(o, p);
	if (it) {
		LLVMTypeRef pt[2] = { o->i64, it };
		LLVMValueRef a[2];

		if (LLVMGetTypeKind(t) == LLVMPointerTypeKind)
			v = LLVMBuildPtrToInt(o->b, v, o->i64, "");
		else if (LLVMGetTypeKind(t) != LLVMIntegerTypeKind)
			v = LLVMBuildBitCast(o->b, v, it, "");
		a[0] = va;
		a[1] = v;
		snprintf(name, sizeof(name), "fsvm_cl_st%s", sfx(it));
		call_port(o, name, o->vd, pt, a, 2);
	} else {
		LLVMValueRef tmp = entry_alloca(o, fn, t);
		LLVMTypeRef pt[3] = { o->i64, o->ptr, o->i64 };
		LLVMValueRef a[3] = { va, tmp,
			LLVMConstInt(o->i64, LLVMStoreSizeOfType(o->td, t), 0) };

		LLVMBuildStore(o->b, v, tmp);
		call_port(o, "fsvm_cl_stn", o->vd, pt, a, 3);
	}
	LLVMInstructionEraseFromParent(stn);
	o->st.stores++;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* llvm.memcpy/memmove/memset with a device pointer. */
static void rewrite_memintr(struct ox *o, LLVMValueRef call, const char *callee)
{
	LLVMValueRef dst = LLVMGetOperand(call, 0);
	LLVMValueRef src = LLVMGetOperand(call, 1);
	LLVMValueRef len = LLVMGetOperand(call, 2);

	LLVMPositionBuilderBefore(o->b, call);
	len = LLVMBuildZExtOrBitCast(o->b, len, o->i64, "");
	if (starts(callee, "llvm.memset")) {
		LLVMTypeRef pt[3] = { o->i64, o->i32, o->i64 };
		LLVMValueRef a[3] = { va_of(o, dst), LLVMBuildZExt(o->b, src, o->i32, ""), len };

		call_port(o, "fsvm_cl_memset", o->vd, pt, a, 3);
	} else if (is_device_ptr(dst) && is_device_ptr(src)) {
		LLVMTypeRef pt[3] = { o->i64, o->i64, o->i64 };
		LLVMValueRef a[3] = { va_of(o, dst), va_of(o, src), len };

		call_port(o, "fsvm_cl_memcpy", o->vd, pt, a, 3);
	} else if (is_device_ptr(dst)) {
		LLVMTypeRef pt[3] = { o->i64, o->ptr, o->i64 };
		LLVMValueRef a[3] = { va_of(o, dst),
			LLVMBuildAddrSpaceCast(o->b, src, o->ptr, ""), len };

		call_port(o, "fsvm_cl_stn", o->vd, pt, a, 3);
	} else {
		LLVMTypeRef pt[3] = { o->i64, o->ptr, o->i64 };
		LLVMValueRef a[3] = { va_of(o, src),
			LLVMBuildAddrSpaceCast(o->b, dst, o->ptr, ""), len };

		call_port(o, "fsvm_cl_ldn", o->vd, pt, a, 3);
	}
	LLVMInstructionEraseFromParent(call);
	o->st.mem_intrinsics++;
}

/* The host's libm functions the built-in library (fsvm_clc.cl) calls:
 * value in, value out (their pointer arguments, if any, are private
 * temporaries of the library, never device memory). */
static const char *const libm_names[] = {
	"acosh", "asinh", "atan2", "atanh", "cbrt", "erf", "erfc", "expm1", "fdim",
	"hypot", "ilogb", "lgamma", "lgamma_r", "lgammaf_r", "log1p", "logb", "modf", "nextafter",
	"remainder", "remquo", "tgamma", "acos", "asin", "atan", "cos", "cosh", "exp",
	"exp2", "fmod", "frexp", "ldexp", "log", "log10", "log2", "pow", "sin", "sinh",
	"tan", "tanh", "sqrt", "ceil", "floor", "trunc", "round", "rint", "fabs",
	"copysign", "fmin", "fmax", "fma",
};

static bool is_libm(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(libm_names) / sizeof(libm_names[0]); i++) {
		size_t l = strlen(libm_names[i]);

		/* double form, or the float form with an 'f' suffix */
		if (strncmp(name, libm_names[i], l) == 0 &&
		    (n == l || (n == l + 1 && name[l] == 'f')))
			return true;
	}
	return false;
}

/* libfsvm's functions (fsvm_cl_abi.h): the memory port and, after
 * rename_builtins, the work-item and synchronisation built-ins. */
#define FSVM_CL_PREFIX "fsvm_cl_"

static bool provided_builtin(const char *name)
{
	return is_libm(name) || starts(name, FSVM_CL_PREFIX);
}

/*
 * clang calls the OpenCL C built-ins the engine provides by their mangled
 * names (_Z13get_global_idj, ...): each such declaration becomes libfsvm's
 * fsvm_cl_<name> (fsvm_cl_abi.h), so that libfsvm.so exports fsvm_* names
 * only. The prefix is the device's: a program that defines a function or
 * variable named fsvm_cl_* is refused (its definition would take the
 * place of the engine's).
 */
static void rename_builtins(struct ox *o)
{
	static const struct {
		const char *mangled, *name;
	} map[] = {
#define X(mangled, cl) { #mangled, FSVM_CL_PREFIX #cl },
		FSVM_CL_WORKITEM_BUILTINS(X)
		FSVM_CL_SYNC_BUILTINS(X)
#undef X
	};

	for (LLVMValueRef f = LLVMGetFirstFunction(o->mod); f && !o->failed; f = LLVMGetNextFunction(f))
		if (!LLVMIsDeclaration(f) && starts(vname(f), FSVM_CL_PREFIX))
			fail(o, "the program defines %s: names starting with " FSVM_CL_PREFIX
			     " are reserved for the fsvm device", vname(f));
	for (LLVMValueRef g = LLVMGetFirstGlobal(o->mod); g && !o->failed; g = LLVMGetNextGlobal(g))
		if (starts(vname(g), FSVM_CL_PREFIX))
			fail(o, "the program defines %s: names starting with " FSVM_CL_PREFIX
			     " are reserved for the fsvm device", vname(g));
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]) && !o->failed; i++) {
		LLVMValueRef f = LLVMGetNamedFunction(o->mod, map[i].mangled);

		if (f == NULL || !LLVMIsDeclaration(f))
			continue;	/* not called, or the program's own */
		if (LLVMGetNamedFunction(o->mod, map[i].name) != NULL) {
			fail(o, "the program declares %s itself: names starting with "
			     FSVM_CL_PREFIX " are reserved for the fsvm device", map[i].name);
			return;
		}
		LLVMSetValueName2(f, map[i].name, strlen(map[i].name));
	}
}

/* The text of a string literal v (a constant global, or a constant GEP
 * into one), NUL-terminated, malloc'ed; NULL if v is not one. */
static char *literal_string(LLVMValueRef v)
{
	uint64_t off = 0;
	size_t n = 0;
	const char *t = "";
	LLVMValueRef init;
	char *r;

	for (;;) {
		if (LLVMIsAGlobalVariable(v))
			break;
		if (!LLVMIsAConstantExpr(v))
			return NULL;
		switch (LLVMGetConstOpcode(v)) {
		case LLVMAddrSpaceCast:
		case LLVMBitCast:
			v = LLVMGetOperand(v, 0);
			continue;
		case LLVMGetElementPtr: {
			/* i8 GEP with one index, or [N x i8] GEP with (0, k) */
			LLVMTypeRef st = LLVMGetGEPSourceElementType(v);
			unsigned int ni = (unsigned int)LLVMGetNumOperands(v) - 1;
			LLVMValueRef last = LLVMGetOperand(v, ni);
			bool byte = LLVMGetTypeKind(st) == LLVMIntegerTypeKind &&
				    LLVMGetIntTypeWidth(st) == 8;
			bool arr = LLVMGetTypeKind(st) == LLVMArrayTypeKind &&
				   LLVMGetTypeKind(LLVMGetElementType(st)) == LLVMIntegerTypeKind &&
				   LLVMGetIntTypeWidth(LLVMGetElementType(st)) == 8;

			if (!LLVMIsAConstantInt(last) || !((byte && ni == 1) || (arr && ni == 2)))
				return NULL;
			if (arr && (!LLVMIsAConstantInt(LLVMGetOperand(v, 1)) ||
				    LLVMConstIntGetZExtValue(LLVMGetOperand(v, 1)) != 0))
				return NULL;
			off += LLVMConstIntGetZExtValue(last);
			v = LLVMGetOperand(v, 0);
			continue;
		}
		default:
			return NULL;
		}
	}
	init = LLVMIsGlobalConstant(v) ? LLVMGetInitializer(v) : NULL;
	if (!init)
		return NULL;
	/* LLVMIsConstantString casts without checking: "" is a
	 * zeroinitializer, not a ConstantDataSequential. */
	if (LLVMIsAConstantDataSequential(init) && LLVMIsConstantString(init))
		t = LLVMGetAsString(init, &n);
	else if (!LLVMIsNull(init))
		return NULL;
	if (off > n)
		return NULL;
	t += off;
	n -= (size_t)off;
	n = strnlen(t, n);
	r = malloc(n + 1);
	if (r) {
		memcpy(r, t, n);
		r[n] = '\0';
	}
	return r;
}

/* clang passes a vector to a variadic function as a vector, coerced to
 * a scalar of its size, or as a pointer to a private copy (byval on
 * x86-64, plain on AArch64 for vectors over 16 bytes). */
static LLVMTypeRef byval_type(LLVMValueRef call, unsigned int i)
{
	unsigned int kind = LLVMGetEnumAttributeKindForName("byval", 5);
	LLVMAttributeRef a = LLVMGetCallSiteEnumAttribute(call, i + 1, kind);

	return a ? LLVMGetTypeAttributeValue(a) : NULL;
}

static bool vector_operand(LLVMValueRef call, unsigned int i)
{
	return LLVMGetTypeKind(LLVMTypeOf(LLVMGetOperand(call, i))) == LLVMVectorTypeKind ||
	       byval_type(call, i) != NULL;
}

/* fmt for a one-line message: escapes for control characters, at most
 * about 60 characters. */
static const char *pf_quote(const char *fmt, char *buf, size_t cap)
{
	size_t n = 0;

	for (const char *p = fmt; *p && n + 8 < cap; p++) {
		if (n >= 60) {
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		if (*p == '\n' || *p == '\t' || *p == '"' || *p == '\\') {
			buf[n++] = '\\';
			buf[n++] = *p == '\n' ? 'n' : *p == '\t' ? 't' : *p;
		} else if ((unsigned char)*p < 0x20) {
			n += (size_t)snprintf(buf + n, cap - n, "\\x%02x", (unsigned char)*p);
		} else {
			buf[n++] = *p;
		}
	}
	buf[n] = '\0';
	return buf;
}

/* The specification at p (len characters) quoted like pf_quote. */
static const char *pf_spec(const char *p, size_t len, char *buf, size_t cap)
{
	char t[40];

	if (len >= sizeof(t))
		len = sizeof(t) - 1;
	memcpy(t, p, len);
	t[len] = '\0';
	return pf_quote(t, buf, cap);
}

struct pf_args {
	LLVMValueRef *v;
	unsigned int n, cap;
};

static bool pf_push(struct ox *o, struct pf_args *a, LLVMValueRef v)
{
	if (a->n == a->cap) {
		unsigned int cap = a->cap ? a->cap * 2 : 16;
		LLVMValueRef *nv = realloc(a->v, cap * sizeof(*nv));

		if (!nv) {
			fail(o, "out of memory");
			return false;
		}
		a->v = nv;
		a->cap = cap;
	}
	a->v[a->n++] = v;
	return true;
}

/*
 * Operand i of a printf call, for the vector conversion s (text sp): its
 * elements become scalar arguments (fsvm_cl_printf.h: int for elements
 * narrower than 32 bits, 64-bit integers for l, double for floating
 * point), read from the vector's bytes in private memory. The operand's
 * size must be the vector's (N elements, 3 stored as 4; a vector under 4
 * bytes may arrive in a 32-bit register).
 */
static void pf_vector(struct ox *o, LLVMValueRef fn, LLVMValueRef call, unsigned int i,
		      const struct fsvm_cl_pf_spec *s, const char *sp, struct pf_args *a)
{
	LLVMValueRef op = LLVMGetOperand(call, i), mem = op;
	LLVMTypeRef t = LLVMTypeOf(op), bt = byval_type(call, i), et;
	unsigned int esz = fsvm_cl_pf_elem_bytes(s);
	uint64_t want = (uint64_t)(s->vec == 3 ? 4 : s->vec) * esz, got = 0;
	bool fp = fsvm_cl_pf_is_float(s->conv);

	if (bt) {
		got = LLVMABISizeOfType(o->td, bt);
	} else if (LLVMGetTypeKind(t) == LLVMPointerTypeKind) {
		if (LLVMGetPointerAddressSpace(t) != AS_PRIVATE) {
			fail(o, "function %s: printf argument %u for \"%.*s\" is a pointer, "
			     "not a vector", vname(fn), i, (int)s->len, sp);
			return;
		}
		/* a private copy; its size is known when it is an alloca */
		got = LLVMIsAAllocaInst(op) ?
		      LLVMABISizeOfType(o->td, LLVMGetAllocatedType(op)) : want;
	} else {
		got = LLVMABISizeOfType(o->td, t);
		mem = entry_alloca(o, fn, t);
		LLVMBuildStore(o->b, op, mem);
	}
	if (got != want && !(want < 4 && got == 4)) {
		fail(o, "function %s: printf argument %u (%llu bytes) does not match \"%.*s\" "
		     "(%u elements of %u bytes)", vname(fn), i, (unsigned long long)got,
		     (int)s->len, sp, s->vec, esz);
		return;
	}
	if (fp)
		et = esz == 2 ? LLVMHalfTypeInContext(o->c) : esz == 4 ?
		     LLVMFloatTypeInContext(o->c) : LLVMDoubleTypeInContext(o->c);
	else
		et = LLVMIntTypeInContext(o->c, esz * 8);
	for (unsigned int e = 0; e < s->vec && !o->failed; e++) {
		LLVMValueRef off = LLVMConstInt(o->i64, (unsigned long long)e * esz, 0);
		LLVMValueRef p = LLVMBuildGEP2(o->b, o->i8, mem, &off, 1, "");
		LLVMValueRef v = LLVMBuildLoad2(o->b, et, p, "fsvm.pf");

		LLVMSetAlignment(v, 1);
		if (fp && esz != 8)
			v = LLVMBuildFPExt(o->b, v, LLVMDoubleTypeInContext(o->c), "");
		else if (!fp && esz < 4)
			v = s->conv == 'd' || s->conv == 'i' ?
			    LLVMBuildSExt(o->b, v, o->i32, "") : LLVMBuildZExt(o->b, v, o->i32, "");
		pf_push(o, a, v);
	}
}

/* Whether the format has a vector conversion (or a malformed one with a
 * 'v' in it). */
static bool pf_has_vector(const char *fmt)
{
	for (const char *p = fmt; *p;) {
		struct fsvm_cl_pf_spec s;
		const char *why;

		if (*p != '%') {
			p++;
			continue;
		}
		why = fsvm_cl_pf_parse(p, &s);
		if (s.vec || (why && memchr(p, 'v', s.len)))
			return true;
		p += s.len ? s.len : 1;
	}
	return false;
}

/*
 * printf(fmt, ...) -> fsvm_cl_printf(i64 fmt_va, i32 nargs, ...): every pointer
 * argument (the format, %s strings) becomes its VA, which the device reads
 * through its memory port; the engine formats and appends the text to the
 * launch's printf buffer. A string literal format (OpenCL C requires one)
 * with vectors is checked here with the engine's own grammar
 * (fsvm_cl_printf.h): a bad specification, too few arguments, or a vector
 * argument of the wrong size or for a scalar conversion fails the build.
 * Without vectors the engine checks the format when it runs, as before
 * (kernels keep building when a printf on a path never taken has a
 * format the engine does not know: -1 at run time). A vector conversion's
 * argument is passed as its elements, one scalar argument each, so the
 * engine reads plain variadic scalars whatever way clang lowered the
 * vector (as a vector, a coerced scalar, or a pointer to a copy).
 * Arguments beyond the format are evaluated but not passed.
 */
static void rewrite_printf(struct ox *o, LLVMValueRef fn, LLVMValueRef call)
{
	unsigned int n = LLVMGetNumArgOperands(call), ai = 1;
	struct pf_args a = { NULL, 0, 0 };
	char q[96], sq[96];
	bool vec = false;
	LLVMValueRef f, nc;
	LLVMTypeRef fty;
	char *fmt;

	if (n == 0) {
		fail(o, "function %s: printf without a format", vname(fn));
		return;
	}
	LLVMPositionBuilderBefore(o->b, call);
	fmt = literal_string(LLVMGetOperand(call, 0));
	pf_push(o, &a, va_of(o, LLVMGetOperand(call, 0)));
	pf_push(o, &a, NULL);	/* the argument count, below */
	if (!fmt) {
		/* not a literal: the engine checks the format when it runs */
		for (unsigned int i = 1; i < n && !o->failed; i++) {
			LLVMValueRef v = LLVMGetOperand(call, i);

			if (vector_operand(call, i))
				fail(o, "function %s: printf of a vector needs a string literal "
				     "format", vname(fn));
			else
				pf_push(o, &a, LLVMGetTypeKind(LLVMTypeOf(v)) ==
					LLVMPointerTypeKind ? va_of(o, v) : v);
		}
	}
	if (fmt) {
		vec = pf_has_vector(fmt);
		for (unsigned int i = 1; i < n; i++)
			vec = vec || vector_operand(call, i);
	}
	for (const char *p = fmt; p && *p && !o->failed;) {
		struct fsvm_cl_pf_spec s;
		const char *why;

		if (*p != '%') {
			p++;
			continue;
		}
		why = fsvm_cl_pf_parse(p, &s);
		if (why || (fsvm_cl_pf_nargs(&s) && ai >= n)) {
			if (!vec) {
				/* the engine stops here when it runs: the rest as is */
				for (; ai < n; ai++) {
					LLVMValueRef v = LLVMGetOperand(call, ai);

					pf_push(o, &a, LLVMGetTypeKind(LLVMTypeOf(v)) ==
						LLVMPointerTypeKind ? va_of(o, v) : v);
				}
				break;
			}
		}
		if (why) {
			fail(o, "function %s: printf format \"%s\": \"%s\": %s", vname(fn),
			     pf_quote(fmt, q, sizeof(q)), pf_spec(p, s.len, sq, sizeof(sq)), why);
			break;
		}
		if (fsvm_cl_pf_nargs(&s) && ai >= n) {
			fail(o, "function %s: printf format \"%s\" needs more arguments than the "
			     "%u given", vname(fn), pf_quote(fmt, q, sizeof(q)), n - 1);
			break;
		}
		if (s.vec) {
			pf_vector(o, fn, call, ai++, &s, p, &a);
		} else if (s.conv != '%') {
			LLVMValueRef v = LLVMGetOperand(call, ai);

			if (vector_operand(call, ai))
				fail(o, "function %s: printf argument %u is a vector but \"%.*s\" "
				     "is not a vector conversion (%%vN...)", vname(fn), ai,
				     (int)s.len, p);
			else
				pf_push(o, &a, LLVMGetTypeKind(LLVMTypeOf(v)) ==
					LLVMPointerTypeKind ? va_of(o, v) : v);
			ai++;
		}
		p += s.len;
	}
	if (!o->failed) {
		LLVMTypeRef pt[2] = { o->i64, o->i32 };

		a.v[1] = LLVMConstInt(o->i32, a.n - 2, 0);
		fty = LLVMFunctionType(o->i32, pt, 2, 1);
		f = LLVMGetNamedFunction(o->mod, "fsvm_cl_printf");
		if (!f)
			f = LLVMAddFunction(o->mod, "fsvm_cl_printf", fty);
		nc = LLVMBuildCall2(o->b, fty, f, a.v, a.n, "");
		LLVMReplaceAllUsesWith(call, nc);
		LLVMInstructionEraseFromParent(call);
	}
	free(a.v);
	free(fmt);
}

static void check_call(struct ox *o, LLVMValueRef fn, LLVMValueRef call)
{
	LLVMValueRef callee = LLVMGetCalledValue(call);
	unsigned int nargs = LLVMGetNumArgOperands(call);
	const char *name;
	bool devarg = false;

	if (LLVMGetInstructionCallConv(call) == CC_SPIR_FUNC ||
	    LLVMGetInstructionCallConv(call) == CC_SPIR_KERNEL)
		LLVMSetInstructionCallConv(call, LLVMCCallConv);
	if (!LLVMIsAFunction(callee)) {
		if (LLVMIsAInlineAsm(callee))
			fail(o, "function %s: inline assembly is not supported", vname(fn));
		else
			fail(o, "function %s: indirect calls are not supported", vname(fn));
		return;
	}
	name = vname(callee);
	for (unsigned int i = 0; i < nargs; i++)
		if (is_device_ptr(LLVMGetOperand(call, i)))
			devarg = true;
	if (LLVMGetIntrinsicID(callee)) {
		if (starts(name, "llvm.memcpy") || starts(name, "llvm.memmove") ||
		    starts(name, "llvm.memset")) {
			if (devarg)
				rewrite_memintr(o, call, name);
			else
				o->st.direct++;
			return;
		}
		if (devarg)
			fail(o, "function %s: intrinsic %s on a global/constant/generic "
			     "pointer is not supported", vname(fn), name);
		return;
	}
	if (!LLVMIsDeclaration(callee) || provided_builtin(name))
		return;
	if (strstr(name, "barrier"))
		fail(o, "function %s calls %s: only barrier() and work_group_barrier() "
		     "are supported by the fsvm compiled-kernel engine", vname(fn), name);
	else if (strcmp(name, "printf") == 0)
		rewrite_printf(o, fn, call);
	else
		fail(o, "function %s calls %s, which the fsvm device runtime does not "
		     "provide (only the work-item functions are built in so far)",
		     vname(fn), name);
}

static const char *const strip_attrs[] = {
	"memory", "readnone", "readonly", "writeonly", "nocapture",
};

/* Accesses now go through calls with integer VAs: drop the promises the
 * front end made about pointer-only memory effects. */
static void strip_fn_attrs(struct ox *o, LLVMValueRef fn)
{
	unsigned int n = LLVMCountParams(fn);

	for (size_t k = 0; k < sizeof(strip_attrs) / sizeof(strip_attrs[0]); k++) {
		unsigned int kind = LLVMGetEnumAttributeKindForName(strip_attrs[k],
								    strlen(strip_attrs[k]));

		LLVMRemoveEnumAttributeAtIndex(fn, LLVMAttributeFunctionIndex, kind);
		for (unsigned int i = 1; i <= n; i++)
			LLVMRemoveEnumAttributeAtIndex(fn, i, kind);
	}
	(void)o;
}

static void strip_call_attrs(LLVMValueRef call)
{
	unsigned int n = LLVMGetNumArgOperands(call);

	for (size_t k = 0; k < sizeof(strip_attrs) / sizeof(strip_attrs[0]); k++) {
		unsigned int kind = LLVMGetEnumAttributeKindForName(strip_attrs[k],
								    strlen(strip_attrs[k]));

		LLVMRemoveCallSiteEnumAttribute(call, LLVMAttributeFunctionIndex, kind);
		for (unsigned int i = 1; i <= n; i++)
			LLVMRemoveCallSiteEnumAttribute(call, i, kind);
	}
}

static void instrument_fn(struct ox *o, LLVMValueRef fn)
{
	LLVMValueRef *work = NULL;
	size_t n = 0, cap = 0;

	/* Collect first: rewriting erases instructions. */
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) {
			LLVMOpcode op = LLVMGetInstructionOpcode(i);

			if (op != LLVMLoad && op != LLVMStore && op != LLVMCall &&
			    op != LLVMAtomicRMW && op != LLVMAtomicCmpXchg && op != LLVMInvoke)
				continue;
			if (n == cap) {
				LLVMValueRef *nw;

				cap = cap ? 2 * cap : 64;
				nw = realloc(work, cap * sizeof(*nw));
				if (!nw) {
					free(work);
					fail(o, "out of memory");
					return;
				}
				work = nw;
			}
			work[n++] = i;
		}

	for (size_t k = 0; k < n && !o->failed; k++) {
		LLVMValueRef i = work[k];

		switch (LLVMGetInstructionOpcode(i)) {
		case LLVMLoad:
			if (!is_device_ptr(LLVMGetOperand(i, 0))) {
				o->st.direct++;
				break;
			}
			if (LLVMGetOrdering(i) != LLVMAtomicOrderingNotAtomic)
				fail(o, "function %s: atomic loads from global memory are not "
				     "supported yet", vname(fn));
			else
				rewrite_load(o, fn, i);
			break;
		case LLVMStore:
			if (!is_device_ptr(LLVMGetOperand(i, 1))) {
				o->st.direct++;
				break;
			}
			if (LLVMGetOrdering(i) != LLVMAtomicOrderingNotAtomic)
				fail(o, "function %s: atomic stores to global memory are not "
				     "supported yet", vname(fn));
			else
				rewrite_store(o, fn, i);
			break;
		case LLVMAtomicRMW:
		case LLVMAtomicCmpXchg:
			if (is_device_ptr(LLVMGetOperand(i, 0)))
				fail(o, "function %s: atomic operations on global memory are "
				     "not supported yet", vname(fn));
			break;
		case LLVMInvoke:
			fail(o, "function %s: invoke (exceptions) is not supported", vname(fn));
			break;
		default:
			strip_call_attrs(i);
			check_call(o, fn, i);
			break;
		}
	}
	free(work);
}

/*
 * OpenCL C forbids recursion (a kernel's stack must be bounded, as on the
 * FPGA): a cycle in the call graph of the module's functions fails the
 * build. Depth-first search; mark 1 = on the current path, 2 = done.
 */
struct cg {
	LLVMValueRef *fns;
	unsigned char *mark;
	size_t n;
};

static size_t cg_index(const struct cg *g, LLVMValueRef f)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->fns[i] == f)
			return i;
	return g->n;
}

static bool cg_cycle(struct ox *o, struct cg *g, size_t i, unsigned int depth)
{
	if (g->mark[i] == 1) {
		fail(o, "function %s is recursive, which OpenCL C does not allow", vname(g->fns[i]));
		return true;
	}
	if (g->mark[i] == 2)
		return false;
	if (depth > 4096) {
		fail(o, "call graph deeper than 4096 functions");
		return true;
	}
	g->mark[i] = 1;
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(g->fns[i]); bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in; in = LLVMGetNextInstruction(in)) {
			LLVMValueRef callee;
			size_t j;

			if (LLVMGetInstructionOpcode(in) != LLVMCall)
				continue;
			callee = LLVMGetCalledValue(in);
			if (!LLVMIsAFunction(callee) || LLVMIsDeclaration(callee))
				continue;
			j = cg_index(g, callee);
			if (j < g->n && cg_cycle(o, g, j, depth + 1))
				return true;
		}
	g->mark[i] = 2;
	return false;
}

static void reject_recursion(struct ox *o)
{
	struct cg g = { NULL, NULL, 0 };
	size_t cap = 0;

	for (LLVMValueRef f = LLVMGetFirstFunction(o->mod); f; f = LLVMGetNextFunction(f)) {
		if (LLVMIsDeclaration(f))
			continue;
		if (g.n == cap) {
			LLVMValueRef *nf = realloc(g.fns, (cap = cap ? 2 * cap : 64) * sizeof(*nf));

			if (!nf) {
				fail(o, "out of memory");
				free(g.fns);
				return;
			}
			g.fns = nf;
		}
		g.fns[g.n++] = f;
	}
	g.mark = calloc(g.n ? g.n : 1, 1);
	if (!g.mark)
		fail(o, "out of memory");
	for (size_t i = 0; g.mark && i < g.n && !o->failed; i++)
		cg_cycle(o, &g, i, 0);
	free(g.mark);
	free(g.fns);
}

/* __fsvm_wi_K(const uint64_t *args) and __fsvm_kinfo_K for kernel K. */
static void emit_wrapper(struct ox *o, LLVMValueRef k)
{
	unsigned int n = LLVMCountParams(k);
	const char *kname = vname(k);
	LLVMTypeRef kty = LLVMGlobalGetValueType(k);
	LLVMTypeRef wty = LLVMFunctionType(o->vd, &o->ptr, 1, 0);
	LLVMValueRef args[FSVM_COMPILED_MAX_ARGS];
	LLVMValueRef kinds[FSVM_COMPILED_MAX_ARGS];
	unsigned int byval = LLVMGetEnumAttributeKindForName("byval", 5);
	LLVMValueRef w, slots, info, fields[2];
	LLVMTypeRef arr, sty, fty[2];
	char *name;
	size_t nl = strlen(kname) + 32;

	if (n > FSVM_COMPILED_MAX_ARGS) {
		fail(o, "kernel %s: %u arguments, at most %u are supported", kname, n,
		     FSVM_COMPILED_MAX_ARGS);
		return;
	}
	name = malloc(nl);
	if (!name) {
		fail(o, "out of memory");
		return;
	}
	snprintf(name, nl, "%s%s", FSVM_CL_WI_PREFIX, kname);
	w = LLVMAddFunction(o->mod, name, wty);
	LLVMPositionBuilderAtEnd(o->b, LLVMAppendBasicBlockInContext(o->c, w, "entry"));
	slots = LLVMGetParam(w, 0);
	for (unsigned int i = 0; i < n && !o->failed; i++) {
		LLVMValueRef p = LLVMGetParam(k, i);
		LLVMTypeRef t = LLVMTypeOf(p);
		LLVMValueRef idx = LLVMConstInt(o->i64, i, 0);
		LLVMValueRef sp = LLVMBuildGEP2(o->b, o->i64, slots, &idx, 1, "");
		LLVMValueRef s = LLVMBuildLoad2(o->b, o->i64, sp, "");
		unsigned int kind = FSVM_CL_ARG_VALUE;

		LLVMSetAlignment(s, 8);
		if (LLVMGetEnumAttributeAtIndex(k, i + 1, byval)) {
			fail(o, "kernel %s: argument %u is a struct passed by value, which "
			     "is not supported yet", kname, i);
			break;
		}
		switch (LLVMGetTypeKind(t)) {
		case LLVMPointerTypeKind:
			if (LLVMGetPointerAddressSpace(t) == AS_LOCAL)
				kind = FSVM_CL_ARG_LOCAL;
			else if (LLVMGetPointerAddressSpace(t) == AS_PRIVATE)
				fail(o, "kernel %s: argument %u is a private pointer", kname, i);
			args[i] = LLVMBuildIntToPtr(o->b, s, t, "");
			break;
		case LLVMIntegerTypeKind:
			args[i] = LLVMGetIntTypeWidth(t) == 64 ? s : LLVMBuildTrunc(o->b, s, t, "");
			break;
		case LLVMHalfTypeKind:
			args[i] = LLVMBuildBitCast(o->b, LLVMBuildTrunc(o->b, s, o->i16, ""), t, "");
			break;
		case LLVMFloatTypeKind:
			args[i] = LLVMBuildBitCast(o->b, LLVMBuildTrunc(o->b, s, o->i32, ""), t, "");
			break;
		case LLVMDoubleTypeKind:
			args[i] = LLVMBuildBitCast(o->b, s, t, "");
			break;
		default:
			fail(o, "kernel %s: argument %u has a type the fsvm launch ABI does "
			     "not carry (vectors and structs by value are not supported yet)",
			     kname, i);
			break;
		}
		kinds[i] = LLVMConstInt(o->i8, kind, 0);
	}
	if (o->failed) {
		LLVMDeleteFunction(w);
		free(name);
		return;
	}
	LLVMSetInstructionCallConv(LLVMBuildCall2(o->b, kty, k, args, n, ""), LLVMCCallConv);
	LLVMBuildRetVoid(o->b);

	for (unsigned int i = n; i < FSVM_COMPILED_MAX_ARGS; i++)
		kinds[i] = LLVMConstInt(o->i8, 0, 0);
	arr = LLVMArrayType(o->i8, FSVM_COMPILED_MAX_ARGS);
	fty[0] = o->i32;
	fty[1] = arr;
	sty = LLVMStructTypeInContext(o->c, fty, 2, 0);
	fields[0] = LLVMConstInt(o->i32, n, 0);
	fields[1] = LLVMConstArray(o->i8, kinds, FSVM_COMPILED_MAX_ARGS);
	snprintf(name, nl, "%s%s", FSVM_CL_KINFO_PREFIX, kname);
	info = LLVMAddGlobal(o->mod, sty, name);
	LLVMSetInitializer(info, LLVMConstStructInContext(o->c, fields, 2, 0));
	LLVMSetGlobalConstant(info, 1);
	LLVMSetAlignment(info, 4);
	free(name);
	o->st.kernels++;
}

int fsvm_oclc_instrument(LLVMModuleRef mod, struct fsvm_oclc_stats *stats,
			 char *err, size_t errlen)
{
	struct ox o;
	LLVMValueRef kernels[256];
	unsigned int nk = 0;
	char *msg = NULL;

	memset(&o, 0, sizeof(o));
	o.mod = mod;
	o.c = LLVMGetModuleContext(mod);
	o.td = LLVMGetModuleDataLayout(mod);
	o.b = LLVMCreateBuilderInContext(o.c);
	o.i8 = LLVMInt8TypeInContext(o.c);
	o.i16 = LLVMInt16TypeInContext(o.c);
	o.i32 = LLVMInt32TypeInContext(o.c);
	o.i64 = LLVMInt64TypeInContext(o.c);
	o.ptr = LLVMPointerTypeInContext(o.c, 0);
	o.vd = LLVMVoidTypeInContext(o.c);
	o.err = err;
	o.errlen = errlen;
	if (errlen)
		err[0] = '\0';

	if (LLVMPointerSize(o.td) != 8)
		fail(&o, "the module is not for a 64-bit target (compile with -target "
		     "x86_64-linux-gnu or aarch64-linux-gnu)");

	if (!o.failed)
		rename_builtins(&o);
	if (!o.failed)
		reject_recursion(&o);
	for (LLVMValueRef f = LLVMGetFirstFunction(mod); f && !o.failed; f = LLVMGetNextFunction(f)) {
		unsigned int cc = LLVMGetFunctionCallConv(f);

		if (starts(vname(f), "__fsvm_"))
			continue;
		if (cc == CC_SPIR_KERNEL && !LLVMIsDeclaration(f)) {
			if (nk == sizeof(kernels) / sizeof(kernels[0]))
				fail(&o, "more than 256 kernels in one module");
			else
				kernels[nk++] = f;
		}
		if (cc == CC_SPIR_KERNEL || cc == CC_SPIR_FUNC)
			LLVMSetFunctionCallConv(f, LLVMCCallConv);
		if (LLVMIsDeclaration(f))
			continue;
		strip_fn_attrs(&o, f);
		instrument_fn(&o, f);
	}
	for (unsigned int i = 0; i < nk && !o.failed; i++)
		emit_wrapper(&o, kernels[i]);
	/* The module becomes a shared object whose only entry points are the
	 * __fsvm_ symbols: everything else (functions, program-scope
	 * variables) is hidden, so it is reached PC-relative, never
	 * interposed. */
	for (LLVMValueRef f = LLVMGetFirstFunction(mod); f; f = LLVMGetNextFunction(f))
		if (!LLVMIsDeclaration(f) && !starts(vname(f), "__fsvm_") &&
		    LLVMGetLinkage(f) != LLVMInternalLinkage && LLVMGetLinkage(f) != LLVMPrivateLinkage)
			LLVMSetVisibility(f, LLVMHiddenVisibility);
	for (LLVMValueRef g = LLVMGetFirstGlobal(mod); g; g = LLVMGetNextGlobal(g))
		if (!LLVMIsDeclaration(g) && !starts(vname(g), "__fsvm_") &&
		    LLVMGetLinkage(g) != LLVMInternalLinkage && LLVMGetLinkage(g) != LLVMPrivateLinkage)
			LLVMSetVisibility(g, LLVMHiddenVisibility);
	/* A module without kernels is valid (a program of helper functions). */
	if (!o.failed && LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
		char *nl = msg ? strchr(msg, '\n') : NULL;

		if (nl)
			*nl = '\0';
		fail(&o, "instrumented module does not verify: %s", msg ? msg : "?");
	}
	if (msg)
		LLVMDisposeMessage(msg);
	LLVMDisposeBuilder(o.b);
	if (stats)
		*stats = o.st;
	return o.failed ? -1 : 0;
}
