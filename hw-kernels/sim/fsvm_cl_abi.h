/* SPDX-License-Identifier: MIT */
/*
 * fsvm_cl_abi.h - the ABI between instrumented OpenCL C kernels
 * (pocl-device/oclc rewrites them) and the simulated device's
 * compiled-kernel engine (hw-kernels/sim/sim_compiled.c runs them).
 *
 * An instrumented module for kernel K defines
 *   void __fsvm_wi_K(const uint64_t *args);     one work-item of K
 *   const struct fsvm_cl_kinfo __fsvm_kinfo_K;  its argument kinds
 * and calls, for every global/constant/generic access, the memory-port
 * functions below (fsvm_cl_*) with the access's VA. Private and __local
 * accesses stay direct loads and stores (on-chip memory). A memory-port call that faults
 * does not return: the launch ends with the fault record.
 *
 * Argument slots are those of struct fsvm_compiled_launch (fsvm_hw.h); the
 * engine replaces a __local pointer's slot (its size) by the on-chip
 * address before the work-item function reads it.
 */
#ifndef FSVM_CL_ABI_H
#define FSVM_CL_ABI_H

#include <stdint.h>

#include "fsvm_hw.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FSVM_CL_WI_PREFIX	"__fsvm_wi_"
#define FSVM_CL_KINFO_PREFIX	"__fsvm_kinfo_"

/* Argument kinds in struct fsvm_cl_kinfo. */
enum fsvm_cl_arg_kind {
	FSVM_CL_ARG_VALUE = 0,	/* scalar or global/constant pointer: the slot as is */
	FSVM_CL_ARG_LOCAL = 1,	/* __local pointer: the slot holds the size in bytes */
};

struct fsvm_cl_kinfo {
	uint32_t nargs;
	uint8_t kinds[FSVM_COMPILED_MAX_ARGS];	/* enum fsvm_cl_arg_kind */
};

/*
 * Every function below is exported by libfsvm.so under the fsvm_cl_ prefix
 * (libfsvm.map, version node FSVM_0), so that libfsvm exports only fsvm_*
 * names. fsvm-oclc emits the memory-port calls itself and renames the
 * OpenCL C built-ins clang calls by their mangled names (the tables
 * below) to these functions; a kernel shared object is linked against
 * libfsvm.so (or loaded into a process that has it) and calls nothing
 * else of it.
 *
 * The memory port, by VA (uint64_t), little-endian, any alignment; an
 * access that crosses a 4 KiB page is two bursts, each translated.
 *   fsvm_cl_ld{8,16,32,64}(va)         load
 *   fsvm_cl_st{8,16,32,64}(va, v)      store
 *   fsvm_cl_ldn(va, dst, n)            n bytes from device memory to on-chip dst
 *   fsvm_cl_stn(va, src, n)            n bytes from on-chip src to device memory
 *   fsvm_cl_memcpy(dva, sva, n)        device to device, overlap allowed (memmove)
 *   fsvm_cl_memset(dva, byte, n)
 */
uint8_t fsvm_cl_ld8(uint64_t va);
uint16_t fsvm_cl_ld16(uint64_t va);
uint32_t fsvm_cl_ld32(uint64_t va);
uint64_t fsvm_cl_ld64(uint64_t va);
void fsvm_cl_st8(uint64_t va, uint8_t v);
void fsvm_cl_st16(uint64_t va, uint16_t v);
void fsvm_cl_st32(uint64_t va, uint32_t v);
void fsvm_cl_st64(uint64_t va, uint64_t v);
void fsvm_cl_ldn(uint64_t va, void *dst, uint64_t n);
void fsvm_cl_stn(uint64_t va, const void *src, uint64_t n);
void fsvm_cl_memcpy(uint64_t dva, uint64_t sva, uint64_t n);
void fsvm_cl_memset(uint64_t dva, uint32_t byte, uint64_t n);

/* printf(fmt, ...) of a kernel: nargs arguments follow; pointer arguments
 * (the format, %s) as VAs, a vector conversion's elements as one scalar
 * argument each (the grammar and argument kinds: fsvm_cl_printf.h). A
 * format that wants more than nargs arguments, or is malformed, prints
 * nothing. Formats into the launch's printf buffer (fsvm_hw.h). 0 or -1. */
int fsvm_cl_printf(uint64_t fmt_va, uint32_t nargs, ...);

/*
 * The OpenCL C work-item functions the engine provides: clang calls them
 * by their mangled names on the x86-64/aarch64 OpenCL target (size_t
 * results, uint dimension); fsvm-oclc renames each call to the function
 * fsvm_cl_<opencl_name>. X(mangled, opencl_name).
 */
#define FSVM_CL_WORKITEM_BUILTINS(X)				\
	X(_Z12get_work_dimv, get_work_dim)			\
	X(_Z13get_global_idj, get_global_id)			\
	X(_Z12get_local_idj, get_local_id)			\
	X(_Z12get_group_idj, get_group_id)			\
	X(_Z15get_global_sizej, get_global_size)		\
	X(_Z14get_local_sizej, get_local_size)			\
	X(_Z23get_enqueued_local_sizej, get_enqueued_local_size) \
	X(_Z14get_num_groupsj, get_num_groups)			\
	X(_Z17get_global_offsetj, get_global_offset)		\
	X(_Z20get_global_linear_idv, get_global_linear_id)	\
	X(_Z19get_local_linear_idv, get_local_linear_id)

uint32_t fsvm_cl_get_work_dim(void);
uint64_t fsvm_cl_get_global_id(uint32_t d);
uint64_t fsvm_cl_get_local_id(uint32_t d);
uint64_t fsvm_cl_get_group_id(uint32_t d);
uint64_t fsvm_cl_get_global_size(uint32_t d);
uint64_t fsvm_cl_get_local_size(uint32_t d);
uint64_t fsvm_cl_get_enqueued_local_size(uint32_t d);
uint64_t fsvm_cl_get_num_groups(uint32_t d);
uint64_t fsvm_cl_get_global_offset(uint32_t d);
uint64_t fsvm_cl_get_global_linear_id(void);
uint64_t fsvm_cl_get_local_linear_id(void);

/*
 * Synchronisation built-ins the engine provides: barriers (work-items of a
 * group wait for each other, see sim_compiled.c) and fences (no-ops: one
 * device thread runs a whole group). X(mangled, name): a call to mangled
 * becomes a call to fsvm_cl_<name>.
 */
#define FSVM_CL_SYNC_BUILTINS(X)				\
	X(_Z7barrierj, barrier)					\
	X(_Z18work_group_barrierj, work_group_barrier)		\
	X(_Z18work_group_barrierj12memory_scope, work_group_barrier_scope) \
	X(_Z9mem_fencej, mem_fence)				\
	X(_Z14read_mem_fencej, read_mem_fence)			\
	X(_Z15write_mem_fencej, write_mem_fence)

void fsvm_cl_barrier(uint32_t flags);
void fsvm_cl_work_group_barrier(uint32_t flags);
void fsvm_cl_work_group_barrier_scope(uint32_t flags, uint32_t scope);
void fsvm_cl_mem_fence(uint32_t flags);
void fsvm_cl_read_mem_fence(uint32_t flags);
void fsvm_cl_write_mem_fence(uint32_t flags);

#ifdef __cplusplus
}
#endif

#endif /* FSVM_CL_ABI_H */
