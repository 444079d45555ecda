/* SPDX-License-Identifier: MIT */
/*
 * fsvm_device_plugin.h - what a simulated device built by fsvm_add_device()
 * (cmake/FsvmDevice.cmake) exports: its kernel table ROM and its command
 * processor, compiled from the same HLS sources csynth.tcl synthesizes.
 *
 * A plugin is a shared object libfsvm-dev-<name>.so with one exported
 * symbol, FSVM_DEVICE_PLUGIN_SYMBOL, of type struct fsvm_device_plugin. The
 * simulator (hw-kernels/sim, FSVM_DEVICE=sim:<name>) loads it, checks it
 * (magic, ABI, contract version, struct sizes, every table entry) and runs
 * the plugin's fsvm_cp_dispatch instead of the built-in one. Everything else
 * of the shell (completion records, faults, SMMU, cycle model) stays the
 * simulator's.
 *
 * The plugin's kernels reach memory through fsvm_axi_read/fsvm_axi_write
 * like every kernel; inside the plugin those forward to the accessors the
 * simulator hands over with bind_axi() (fsvm_device_plugin.c). The plugin
 * is linked with hidden visibility and -Bsymbolic, so its command
 * processor always sees its own table and kernels, never the host's.
 *
 * Not HLS code: this header and fsvm_device_plugin.c exist only in C
 * simulation (the function pointers here are the simulator's plumbing,
 * never part of a synthesized kernel).
 */
#ifndef FSVM_DEVICE_PLUGIN_H
#define FSVM_DEVICE_PLUGIN_H

#include <stdint.h>
#include "fsvm_hls.h"

#define FSVM_DEVICE_PLUGIN_MAGIC	0x50565346u	/* "FSVP" little-endian */
#define FSVM_DEVICE_PLUGIN_ABI		1u
#define FSVM_DEVICE_PLUGIN_SYMBOL	"fsvm_device_plugin"
#define FSVM_DEVICE_PLUGIN_NAME_LEN	32u

/* The simulator's AXI master port, as the plugin's kernels call it. */
struct fsvm_plugin_axi_ops {
	int (*read)(fsvm_axi_t *m, uint64_t va, void *dst, uint32_t len);
	int (*write)(fsvm_axi_t *m, uint64_t va, const void *src, uint32_t len);
	void (*overlap_begin)(fsvm_axi_t *m);	/* may be NULL */
	void (*overlap_end)(fsvm_axi_t *m);	/* may be NULL */
};

struct fsvm_device_plugin {
	uint32_t magic;			/* FSVM_DEVICE_PLUGIN_MAGIC */
	uint32_t abi;			/* FSVM_DEVICE_PLUGIN_ABI */
	uint32_t hw_version;		/* FSVM_HW_VERSION of the contract it was built with */
	uint32_t plugin_size;		/* sizeof(struct fsvm_device_plugin) */
	uint32_t desc_size;		/* sizeof(struct fsvm_kernel_desc) */
	uint32_t result_size;		/* sizeof(struct fsvm_cp_result) */
	char name[FSVM_DEVICE_PLUGIN_NAME_LEN];	/* fsvm_add_device(NAME ...) */
	uint32_t num_kernels;		/* entries of table (nop included) */
	const struct fsvm_kernel_desc *table;
	void (*dispatch)(fsvm_axi_t *m, uint64_t ring_va, uint32_t ring_size,
			 uint32_t index, struct fsvm_cp_result *res);
	void (*bind_axi)(const struct fsvm_plugin_axi_ops *ops);
};

#endif /* FSVM_DEVICE_PLUGIN_H */
