/* SPDX-License-Identifier: MIT */
/*
 * fsvm_oclc.h - the instrumentation step of compiled OpenCL C kernels for
 * the simulated fsvm device (see README.md in this directory).
 */
#ifndef FSVM_OCLC_H
#define FSVM_OCLC_H

#include <stddef.h>

#include <llvm-c/Core.h>

struct fsvm_oclc_stats {
	unsigned int kernels;		/* work-item wrappers emitted */
	unsigned int loads;		/* device loads rewritten */
	unsigned int stores;		/* device stores rewritten */
	unsigned int mem_intrinsics;	/* memcpy/memmove/memset rewritten */
	unsigned int direct;		/* private/local accesses left direct */
};

/*
 * Rewrite mod in place: every load and store through an OpenCL global (1),
 * constant (2) or generic (4) pointer becomes a call of the memory port of
 * hw-kernels/sim/fsvm_cl_abi.h with the VA; memcpy/memmove/memset that
 * touch such memory become port calls; private (0) and local (3) accesses
 * stay direct. SPIR calling conventions become C. For every kernel K a
 * work-item wrapper __fsvm_wi_K(const uint64_t *args) and its argument
 * kinds __fsvm_kinfo_K are added. The module must come from clang's
 * OpenCL C front end for a CPU target with -ffake-address-space-map.
 *
 * Returns 0, or -1 with a one-line reason in err (the module may then be
 * partly rewritten: throw it away). Rejected with a clear reason:
 * atomics on device memory, barriers other than barrier() and
 * work_group_barrier(), any other call of a function the device runtime
 * does not provide (built-ins not linked in with -L), intrinsics other
 * than memcpy/memmove/memset on device pointers, kernel arguments passed
 * by value as vectors or structs, more than FSVM_COMPILED_MAX_ARGS
 * arguments, and printf calls whose literal format is malformed or does
 * not fit their arguments (fsvm_cl_printf.h; printf becomes
 * fsvm_cl_printf, vector arguments one scalar per element). stats may be
 * NULL.
 */
int fsvm_oclc_instrument(LLVMModuleRef mod, struct fsvm_oclc_stats *stats,
			 char *err, size_t errlen);

#endif /* FSVM_OCLC_H */
