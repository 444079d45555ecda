/* SPDX-License-Identifier: MIT */
/*
 * fsvm_cl_ext.h - the fsvm OpenCL device's vendor extension
 * "cl_fsvm_fault_report" (listed in CL_DEVICE_EXTENSIONS).
 *
 * When a kernel on the fsvm device ends with a memory fault (an address the
 * SMMU could not translate, or a write to a read-only page), the driver
 *  1. fails the kernel's event with CL_OUT_OF_RESOURCES (commands that wait
 *     on it end with CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST), and
 *  2. calls the pfn_notify the context was created with, once, before the
 *     event's status changes:
 *       errinfo       "fsvm: kernel <name> (event <id>) faulted: <write|read>
 *                      at VA 0x<va>: <fault type> ..." (NUL-terminated)
 *       private_info  a const struct cl_fsvm_fault_info * (below)
 *       cb            sizeof(struct cl_fsvm_fault_info)
 *     The pointer is valid only during the call: copy what you need.
 *
 * The callback runs on the driver's completion thread: it must not block on
 * events of the same device.
 */
#ifndef FSVM_CL_EXT_H
#define FSVM_CL_EXT_H

#include <stdint.h>

#define CL_FSVM_FAULT_REPORT_EXTENSION_NAME "cl_fsvm_fault_report"

/* The layout is part of the extension: fields are only ever appended. */
struct cl_fsvm_fault_info {
	uint32_t size;			/* sizeof(struct cl_fsvm_fault_info) */
	uint32_t is_write;		/* 1: the access was a write, 0: a read */
	uint64_t va;			/* the virtual address of the access */
	uint32_t syndrome;		/* raw FSVM_SYND_* bits (fsvm_hw.h) */
	uint32_t in_packet;		/* 1: fetching the packet/arguments, not data */
	uint64_t event_id;		/* pocl's id of the event (as in errinfo) */
	char kernel_name[64];		/* "fsvm.<name>" or the OpenCL C kernel's name */
};

#endif /* FSVM_CL_EXT_H */
