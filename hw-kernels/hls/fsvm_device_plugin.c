/* SPDX-License-Identifier: MIT */
/*
 * fsvm_device_plugin.c - the export of a device plugin (see
 * fsvm_device_plugin.h). fsvm_add_device() compiles it into each plugin
 * with FSVM_DEVICE_NAME defined, next to cmdproc.c, kernel_table.c and the
 * device's kernels (all built with FSVM_DEVICE_KERNELS).
 *
 * C simulation only: never given to csynth.tcl.
 */
#include <stdint.h>
#include "fsvm_device_plugin.h"

#ifndef FSVM_DEVICE_NAME
#error "FSVM_DEVICE_NAME must name the device (fsvm_add_device sets it)"
#endif

FSVM_STATIC_ASSERT(sizeof(FSVM_DEVICE_NAME) <= FSVM_DEVICE_PLUGIN_NAME_LEN,
		   "device name too long: " FSVM_DEVICE_NAME);

static const struct fsvm_plugin_axi_ops *plugin_axi;

static void plugin_bind_axi(const struct fsvm_plugin_axi_ops *ops)
{
	plugin_axi = ops;
}

/* The kernels' port: the simulator's accessors. Unbound: every access fails. */
int fsvm_axi_read(fsvm_axi_t *m, uint64_t va, void *dst, uint32_t len)
{
	return plugin_axi ? plugin_axi->read(m, va, dst, len) : 1;
}

int fsvm_axi_write(fsvm_axi_t *m, uint64_t va, const void *src, uint32_t len)
{
	return plugin_axi ? plugin_axi->write(m, va, src, len) : 1;
}

void fsvm_axi_overlap_begin(fsvm_axi_t *m)
{
	if (plugin_axi && plugin_axi->overlap_begin)
		plugin_axi->overlap_begin(m);
}

void fsvm_axi_overlap_end(fsvm_axi_t *m)
{
	if (plugin_axi && plugin_axi->overlap_end)
		plugin_axi->overlap_end(m);
}

__attribute__((visibility("default")))
const struct fsvm_device_plugin fsvm_device_plugin = {
	.magic = FSVM_DEVICE_PLUGIN_MAGIC,
	.abi = FSVM_DEVICE_PLUGIN_ABI,
	.hw_version = FSVM_HW_VERSION,
	.plugin_size = (uint32_t)sizeof(struct fsvm_device_plugin),
	.desc_size = (uint32_t)sizeof(struct fsvm_kernel_desc),
	.result_size = (uint32_t)sizeof(struct fsvm_cp_result),
	.name = FSVM_DEVICE_NAME,
	.num_kernels = FSVM_HLS_K_COUNT,
	.table = fsvm_kernel_table,
	.dispatch = fsvm_cp_dispatch,
	.bind_axi = plugin_bind_axi,
};
