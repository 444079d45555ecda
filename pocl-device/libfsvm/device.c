/* SPDX-License-Identifier: MIT */
/*
 * device.c - opening a device by name, checking that it is an fsvm shell we
 * understand, and reading its identification and kernel table once.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

uint64_t fsvm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One register of the identification page. */
static uint32_t reg_read(struct fsvm_device *dev, uint32_t off)
{
	uint32_t v;

	dev->ops->dev_read(dev->priv, off, &v, 1);
	return v;
}

/*
 * The backends, by the name before the ':' of a device name: "sim",
 * "sim:<name>" or "sim:<path>" (a simulated device built with
 * fsvm_add_device()), "rtl" or "rtl:<name>" (the same with the Verilated
 * shell RTL, hw-kernels/cosim), "hw" or "hw:/dev/fsvmN" (a board, or the kernel
 * module's emulation mode; "hw" alone is /dev/fsvm0).
 */
static const struct {
	const char *name;
	fsvm_backend_open_fn open;
} backends[] = {
	{ "sim", fsvm_backend_sim_open },
	{ "rtl", fsvm_backend_rtl_open },
	{ "hw", fsvm_backend_hw_open },
};

fsvm_backend_open_fn fsvm_backend_find(const char *name, const char **args,
				       const char **backend)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		size_t n = strlen(backends[i].name);

		if (strncmp(name, backends[i].name, n) != 0 || (name[n] && name[n] != ':'))
			continue;
		*args = name[n] ? name + n + 1 : NULL;
		*backend = backends[i].name;
		return backends[i].open;
	}
	return NULL;
}

static int open_backend(const char *name, struct fsvm_device *dev)
{
	const char *args, *backend;
	fsvm_backend_open_fn open = fsvm_backend_find(name, &args, &backend);

	if (!open) {
		fsvm_log(FSVM_LOG_ERROR, "unknown device \"%s\": valid names are \"sim\", "
			 "\"sim:<device>\", \"rtl\" and \"hw:/dev/fsvmN\"", name);
		return FSVM_ERR_NODEV;
	}
	snprintf(dev->info.backend, sizeof(dev->info.backend), "%s", backend);
	return open(args, &dev->ops, &dev->priv);
}

/* Identification registers: refuse anything that is not fsvm 1.x. */
static int check_identity(struct fsvm_device *dev)
{
	uint32_t magic = reg_read(dev, FSVM_REG_MAGIC);
	uint32_t version = reg_read(dev, FSVM_REG_VERSION);
	struct fsvm_device_info *info = &dev->info;

	if (magic != FSVM_HW_MAGIC) {
		fsvm_log(FSVM_LOG_ERROR, "device \"%s\": MAGIC register reads 0x%08x, "
			 "expected 0x%08x: not an fsvm shell", info->name, magic,
			 FSVM_HW_MAGIC);
		return FSVM_ERR_IO;
	}
	if ((version >> 16) != FSVM_HW_VERSION_MAJOR) {
		fsvm_log(FSVM_LOG_ERROR, "device \"%s\": hardware version %u.%u, this "
			 "library speaks %u.x", info->name, version >> 16,
			 version & 0xffff, FSVM_HW_VERSION_MAJOR);
		return FSVM_ERR_IO;
	}
	info->hw_version = version;
	info->features = reg_read(dev, FSVM_REG_FEATURES);
	info->clock_hz = reg_read(dev, FSVM_REG_CLOCK_HZ);
	info->num_contexts = reg_read(dev, FSVM_REG_NUM_CONTEXTS);
	info->num_kernels = reg_read(dev, FSVM_REG_NUM_KERNELS);
	info->max_inline_args = reg_read(dev, FSVM_REG_MAX_INLINE);
	info->axi_data_bits = reg_read(dev, FSVM_REG_AXI_DATA_BITS);

	if (info->num_contexts == 0 || info->num_contexts > FSVM_MAX_CONTEXTS ||
	    info->num_kernels > FSVM_MAX_KERNELS ||
	    info->max_inline_args != FSVM_INLINE_ARGS) {
		fsvm_log(FSVM_LOG_ERROR, "device \"%s\": implausible identification "
			 "(contexts %u, kernels %u, inline args %u)", info->name,
			 info->num_contexts, info->num_kernels, info->max_inline_args);
		return FSVM_ERR_IO;
	}
	return FSVM_OK;
}

/* Copy the used entries of the kernel table page. */
static int read_kernel_table(struct fsvm_device *dev)
{
	for (uint32_t k = 0; k < dev->info.num_kernels; k++) {
		struct fsvm_kernel_desc *desc = &dev->kernels[k];
		uint32_t words[sizeof(*desc) / 4];

		dev->ops->dev_read(dev->priv, FSVM_KERNEL_TABLE_OFF + k * (uint32_t)sizeof(*desc),
				   words, sizeof(words) / 4);
		memcpy(desc, words, sizeof(*desc));

		/* Never trust the hardware to terminate strings. */
		desc->name[FSVM_NAME_LEN - 1] = '\0';
		for (uint32_t a = 0; a < FSVM_MAX_ARGS; a++)
			desc->args[a].name[FSVM_ARG_NAME_LEN - 1] = '\0';
		if (desc->nargs > FSVM_MAX_ARGS) {
			fsvm_log(FSVM_LOG_ERROR, "kernel table entry %u (%s) claims %u "
				 "arguments, at most %u exist", k, desc->name,
				 desc->nargs, FSVM_MAX_ARGS);
			return FSVM_ERR_IO;
		}
	}
	return FSVM_OK;
}

int fsvm_device_open(const char *name, struct fsvm_device **out)
{
	struct fsvm_device *dev;
	int err;

	if (!out)
		return FSVM_ERR_INVAL;
	*out = NULL;
	if (!name || !*name)
		name = getenv("FSVM_DEVICE");
	if (!name || !*name)
		name = "sim";
	/* sim:<path> names a plugin file: as long as a path may be. */
	if (strlen(name) >= PATH_MAX) {
		fsvm_log(FSVM_LOG_ERROR, "device name too long: %.40s...", name);
		return FSVM_ERR_INVAL;
	}

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return FSVM_ERR_NOMEM;
	/* info.name is for display: a long sim:<path> is cut, the backend gets it whole. */
	size_t len = strlen(name);

	if (len >= sizeof(dev->info.name))
		len = sizeof(dev->info.name) - 1;
	memcpy(dev->info.name, name, len);
	pthread_mutex_init(&dev->svm_lock, NULL);

	err = open_backend(name, dev);
	if (err) {
		pthread_mutex_destroy(&dev->svm_lock);
		free(dev);
		return err;
	}
	err = check_identity(dev);
	if (!err)
		err = read_kernel_table(dev);
	if (err) {
		dev->ops->close(dev->priv);
		pthread_mutex_destroy(&dev->svm_lock);
		free(dev);
		return err;
	}
	fsvm_log(FSVM_LOG_INFO, "opened device \"%s\": version %u.%u, %u contexts, "
		 "%u kernels, %u Hz", name, dev->info.hw_version >> 16,
		 dev->info.hw_version & 0xffff, dev->info.num_contexts,
		 dev->info.num_kernels, dev->info.clock_hz);
	*out = dev;
	return FSVM_OK;
}

void fsvm_device_close(struct fsvm_device *dev)
{
	if (!dev)
		return;
	fsvm_svm_release_all(dev);
	dev->ops->close(dev->priv);
	pthread_mutex_destroy(&dev->svm_lock);
	free(dev);
}

int fsvm_device_info(struct fsvm_device *dev, struct fsvm_device_info *info)
{
	if (!dev || !info)
		return FSVM_ERR_INVAL;
	*info = dev->info;
	return FSVM_OK;
}

int fsvm_device_kernel(struct fsvm_device *dev, unsigned int index,
		       struct fsvm_kernel_desc *desc)
{
	if (!dev || !desc || index >= dev->info.num_kernels)
		return FSVM_ERR_INVAL;
	*desc = dev->kernels[index];
	return FSVM_OK;
}

int fsvm_device_find_kernel(struct fsvm_device *dev, const char *name,
			    struct fsvm_kernel_desc *desc)
{
	if (!dev || !name || !desc)
		return FSVM_ERR_INVAL;
	for (uint32_t k = 0; k < dev->info.num_kernels; k++) {
		if (strcmp(dev->kernels[k].name, name) == 0) {
			*desc = dev->kernels[k];
			return FSVM_OK;
		}
	}
	return FSVM_ERR_INVAL;
}

const struct fsvm_kernel_desc *fsvm_find_kernel_by_id(struct fsvm_device *dev,
						      uint32_t kernel_id)
{
	for (uint32_t k = 0; k < dev->info.num_kernels; k++)
		if (dev->kernels[k].id == kernel_id)
			return &dev->kernels[k];
	return NULL;
}

int fsvm_device_time(struct fsvm_device *dev, uint64_t *ticks)
{
	uint32_t t[2];

	if (!dev || !ticks)
		return FSVM_ERR_INVAL;
	/* LO first: reading it latches HI, so the pair is consistent. */
	dev->ops->dev_read(dev->priv, FSVM_REG_TIME_LO, t, 2);
	*ticks = (uint64_t)t[1] << 32 | t[0];
	return FSVM_OK;
}
