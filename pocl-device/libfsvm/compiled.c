/* SPDX-License-Identifier: MIT */
/*
 * compiled.c - compiled (OpenCL C) kernels: registration with the device's
 * compiled-kernel engine and FSVM_PKT_COMPILED launches through the ring.
 */
#include <string.h>

#include "internal.h"

int fsvm_compiled_register(struct fsvm_device *dev, const struct fsvm_compiled_kernel *k,
			   uint64_t *handle)
{
	if (!dev || !k || !k->fn || !handle || k->nargs > FSVM_COMPILED_MAX_ARGS ||
	    (k->nargs && !k->arg_kinds))
		return FSVM_ERR_INVAL;
	if (!dev->ops->compiled_register) {
		fsvm_log(FSVM_LOG_ERROR, "device %s runs no compiled kernels: on a board, "
			 "a kernel is an HLS kernel in the kernel table", dev->info.name);
		return FSVM_ERR_UNSUPPORTED;
	}
	return dev->ops->compiled_register(dev->priv, k, handle);
}

int fsvm_compiled_unregister(struct fsvm_device *dev, uint64_t handle)
{
	if (!dev)
		return FSVM_ERR_INVAL;
	if (!dev->ops->compiled_unregister)
		return FSVM_ERR_UNSUPPORTED;
	return dev->ops->compiled_unregister(dev->priv, handle);
}

static int check_desc(const struct fsvm_compiled_launch *d)
{
	if (d->work_dim < 1 || d->work_dim > FSVM_COMPILED_MAX_DIM ||
	    d->nargs > FSVM_COMPILED_MAX_ARGS || (d->nargs && (d->args_va == 0 || (d->args_va & 7u))) ||
	    (d->printf_va && ((d->printf_va & 7u) || d->printf_size < 16)) ||
	    (!d->printf_va && d->printf_size))
		return FSVM_ERR_INVAL;
	for (uint32_t i = 0; i < d->work_dim; i++)
		if (d->global_size[i] == 0 || d->local_size[i] == 0 ||
		    d->global_size[i] % d->local_size[i] != 0)
			return FSVM_ERR_INVAL;
	return FSVM_OK;
}

int fsvm_launch_compiled(struct fsvm_context *ctx, const struct fsvm_compiled_launch *desc,
			 struct fsvm_completion *rec, uint64_t user_tag)
{
	struct fsvm_packet body;
	uint64_t items = 1;

	if (!ctx || !desc || ((uintptr_t)desc & 7u) || ((uintptr_t)rec & 7u))
		return FSVM_ERR_INVAL;
	if (check_desc(desc) != FSVM_OK) {
		fsvm_log(FSVM_LOG_WARN, "launch_compiled: bad geometry or argument slots "
			 "(work_dim %u, nargs %u)", desc->work_dim, desc->nargs);
		return FSVM_ERR_INVAL;
	}
	for (uint32_t i = 0; i < desc->work_dim; i++)
		items = desc->global_size[i] > UINT32_MAX / items ? UINT32_MAX :
			items * desc->global_size[i];
	memset(&body, 0, sizeof(body));
	body.args[0] = (uint64_t)(uintptr_t)desc;
	body.grid_size = (uint32_t)items;
	body.user_tag = user_tag;
	return fsvm_submit_packet(ctx, FSVM_PKT_COMPILED, &body, rec);
}
