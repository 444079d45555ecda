/* SPDX-License-Identifier: MIT */
/*
 * fsvm_pocl.c - the fsvm pocl driver: device discovery, device info,
 * the ops table and shared virtual memory.
 *
 * POCL_DEVICES=fsvm selects the driver; POCL_FSVM<j>_PARAMETERS names the
 * libfsvm device of instance j: "sim" (the default, also when unset: then
 * libfsvm honours $FSVM_DEVICE) or "hw:/dev/fsvmN".
 *
 * Memory is the host's: cl_mem buffers live in host memory and their
 * device address is their host pointer (zero copy); clSVMAlloc memory comes
 * from fsvm_svm_alloc (page-aligned; 2 MiB pages with POCL_FSVM_HUGE_PAGES);
 * any other pointer of the process (malloc, stack, mmap) is fine-grained
 * system SVM, because the device walks the process's own page table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "common_driver.h"
#include "devices.h"
#include "pocl_timing.h"
#include "pocl_util.h"

#include "fsvm_pocl.h"

/* cl_ext_buffer_device_address: pocl's clSVMAlloc needs it (its shadow
 * buffer asks for a device address), and it is true: a buffer's device
 * address is its host address. */
#define FSVM_POCL_EXTENSIONS "cl_ext_buffer_device_address cl_fsvm_fault_report"

#define FSVM_POCL_RING_ENTRIES 1024u
#define FSVM_POCL_MAX_WG 4096u
#define TWO_MIB (2u << 20)

/* ------------------------------------------------------------------ */
/* Shared virtual memory                                               */
/* ------------------------------------------------------------------ */

static int huge_pages_requested(void)
{
	const char *v = getenv("POCL_FSVM_HUGE_PAGES");

	return v && *v && strcmp(v, "0") != 0;
}

static void *fsvm_pocl_svm_alloc(cl_device_id device, cl_svm_mem_flags flags, size_t size)
{
	struct fsvm_pocl_device *d = device->data;
	unsigned int fl = 0;
	void *p = NULL;
	int err;

	(void)flags;	/* read/write/fine-grain: all the same host memory here */
	if (d->dev == NULL)
		return NULL;
	if (size >= TWO_MIB && huge_pages_requested())
		fl |= FSVM_SVM_HUGE;
	err = fsvm_svm_alloc(d->dev, size, fl, &p);
	if (err) {
		POCL_MSG_ERR("fsvm: clSVMAlloc of %zu bytes failed: %s\n", size,
			     fsvm_strerror(err));
		return NULL;
	}
	return p;
}

static void fsvm_pocl_svm_free(cl_device_id device, void *ptr)
{
	struct fsvm_pocl_device *d = device->data;
	int err;

	if (d->dev == NULL || ptr == NULL)
		return;
	err = fsvm_svm_free(d->dev, ptr);
	if (err)
		POCL_MSG_ERR("fsvm: clSVMFree(%p): %s\n", ptr, fsvm_strerror(err));
}

/*
 * Fine-grained SVM without atomics: pocl enqueues map/unmap commands and
 * calls these. The device and the CPU see the same coherent memory (I/O
 * coherent port on the board, the same process in sim): nothing to do.
 */
static void fsvm_pocl_svm_map(cl_device_id device, void *ptr)
{
	(void)device;
	(void)ptr;
}

static void fsvm_pocl_svm_unmap(cl_device_id device, void *ptr)
{
	(void)device;
	(void)ptr;
}

/* clSetKernelExecInfo: the device reaches every pointer of the process, so
 * SVM_PTRS needs no action and FINE_GRAIN_SYSTEM is always true. */
static cl_int fsvm_pocl_set_kernel_exec_info(cl_device_id dev, unsigned program_device_i,
					     cl_kernel kernel, cl_uint param_name,
					     size_t param_value_size, const void *param_value)
{
	(void)dev;
	(void)program_device_i;
	(void)kernel;
	switch (param_name) {
	case CL_KERNEL_EXEC_INFO_SVM_PTRS:
		if (param_value_size % sizeof(void *) != 0 ||
		    (param_value_size && param_value == NULL))
			return CL_INVALID_VALUE;
		return CL_SUCCESS;
	case CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM:
		if (param_value_size != sizeof(cl_bool) || param_value == NULL)
			return CL_INVALID_VALUE;
		return CL_SUCCESS;
	default:
		return CL_INVALID_VALUE;
	}
}

/* ------------------------------------------------------------------ */
/* Timestamps                                                          */
/* ------------------------------------------------------------------ */

/* Pair the device clock with pocl's host clock once; profiling converts
 * device ticks through this pair (pocl_gettimemono_ns base, ns units). */
static void calibrate_clock(struct fsvm_pocl_device *d)
{
	uint64_t h0, h1, t;

	h0 = pocl_gettimemono_ns();
	if (fsvm_device_time(d->dev, &t) != FSVM_OK)
		t = 0;
	h1 = pocl_gettimemono_ns();
	d->base_ticks = t;
	d->base_host_ns = h0 + (h1 - h0) / 2;
}

/*
 * POCL_FSVM_PROFILING: "wall" (default) or "modelled". On sim the device
 * clock is the host's wall clock, so END - START is how long the simulator
 * took; "modelled" makes it the cycle model's estimate for the FPGA
 * instead. A board has only its real clock: "modelled" is ignored there.
 */
static void choose_profiling(struct fsvm_pocl_device *d)
{
	const char *v = getenv("POCL_FSVM_PROFILING");

	d->profile_modelled = 0;
	d->clock_is_cycles = strcmp(d->info.backend, "rtl") == 0;
	if (v == NULL || *v == 0 || strcmp(v, "wall") == 0)
		return;
	if (strcmp(v, "modelled") != 0 && strcmp(v, "modeled") != 0) {
		POCL_MSG_WARN("fsvm: POCL_FSVM_PROFILING=%s is not wall or modelled; "
			      "using wall\n", v);
		return;
	}
	if (!(d->info.features & FSVM_FEAT_SIMULATED)) {
		POCL_MSG_WARN("fsvm: POCL_FSVM_PROFILING=modelled applies to the "
			      "simulated device only; %s profiles with its own clock\n",
			      d->info.name);
		return;
	}
	d->profile_modelled = 1;
}

static cl_int fsvm_pocl_get_timestamps(cl_device_id dev, cl_ulong *dev_ts, cl_ulong *host_ts)
{
	struct fsvm_pocl_device *d = dev->data;
	uint64_t t;

	if (d->dev == NULL || fsvm_device_time(d->dev, &t) != FSVM_OK)
		return CL_DEVICE_NOT_AVAILABLE;
	if (host_ts)
		*host_ts = pocl_gettimemono_ns();
	if (dev_ts)
		*dev_ts = fsvm_pocl_ticks_to_ns(d, t);
	return CL_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Device setup                                                        */
/* ------------------------------------------------------------------ */

static char *fsvm_pocl_build_hash(cl_device_id device)
{
	struct fsvm_pocl_device *d = device->data;

	return strdup(d->hash);
}

static unsigned int fsvm_pocl_probe(struct pocl_device_ops *ops)
{
	int n = pocl_device_get_env_count(ops->device_name);

	/* POCL_DEVICES unset: one fsvm device (the simulated one unless
	 * POCL_FSVM0_PARAMETERS or FSVM_DEVICE say otherwise). */
	return n < 0 ? 1u : (unsigned int)n;
}

static uint64_t host_memory_bytes(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGE_SIZE);

	if (pages <= 0 || psz <= 0)
		return 1ull << 30;
	return (uint64_t)pages * (uint64_t)psz;
}

/* FNV-1a over the kernel table and the hardware version: programs built
 * for one table are not mistaken for another's. */
static void make_hash(struct fsvm_pocl_device *d)
{
	uint64_t h = 1469598103934665603ull;
	const unsigned char *p = (const unsigned char *)d->kernels;
	size_t n = d->num_kernels * sizeof(d->kernels[0]);

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	snprintf(d->hash, sizeof(d->hash), "fsvm-hw%u.%u-k%u-%016llx",
		 d->info.hw_version >> 16, d->info.hw_version & 0xffff, d->num_kernels,
		 (unsigned long long)h);
}

/* The device facts pocl keeps in cl_device_id that do not depend on the
 * hardware being reachable. */
static void setup_static_info(cl_device_id dev, struct fsvm_pocl_device *d)
{
	pocl_init_default_device_infos(dev, FSVM_POCL_EXTENSIONS);

	/*
	 * ACCELERATOR, not CUSTOM: found by CL_DEVICE_TYPE_DEFAULT, _ALL and
	 * _ACCELERATOR alike (a spec-conforming runtime leaves CUSTOM devices
	 * out of ALL, and pocl out of DEFAULT unless alone), and what FPGA
	 * OpenCL platforms report. Without an OpenCL C compiler the profile
	 * is EMBEDDED (compiler_available may only be false there).
	 * See docs/pocl.md.
	 */
	dev->type = CL_DEVICE_TYPE_ACCELERATOR;
	dev->short_name = "fsvm";
	dev->vendor = "fsvm";
	dev->profile = "EMBEDDED_PROFILE";
	SETUP_DEVICE_CL_VERSION(dev, 3, 0);
	snprintf(d->version, sizeof(d->version), "OpenCL 3.0 fsvm");
	dev->version = d->version;
	/* libfsvm's version, the one `fsvm --version` and the bench JSON name. */
	snprintf(d->driver_version, sizeof(d->driver_version), "fsvm %s (pocl %s)",
		 fsvm_version(), dev->driver_version ? dev->driver_version : "?");
	dev->driver_version = d->driver_version;
	snprintf(d->name, sizeof(d->name), "fsvm");
	dev->long_name = d->name;

	/* Built-in kernels only: no compiler, no images, no printf. */
	dev->compiler_available = CL_FALSE;
	dev->linker_available = CL_FALSE;
	dev->execution_capabilities = CL_EXEC_KERNEL;
	dev->image_support = CL_FALSE;
	dev->max_read_image_args = dev->max_write_image_args = 0;
	dev->max_read_write_image_args = 0;
	dev->max_samplers = 0;
	for (unsigned i = 0; i < NUM_OPENCL_IMAGE_TYPES; i++) {
		dev->image_formats[i] = NULL;
		dev->num_image_formats[i] = 0;
	}
	dev->image2d_max_width = dev->image2d_max_height = 0;
	dev->image3d_max_width = dev->image3d_max_height = dev->image3d_max_depth = 0;
	dev->image_max_buffer_size = dev->image_max_array_size = 0;
	dev->device_side_printf = 0;
	/* Per launch of a compiled kernel that calls printf (1 MiB, the
	 * FULL profile's minimum); the host prints it when the kernel completes. */
	dev->printf_buffer_size = FSVM_POCL_PRINTF_BYTES;
	/* The modeled on-chip local memory of the device (fsvm_hw.h). */
	dev->local_mem_type = CL_LOCAL;
	dev->local_mem_size = FSVM_LOCAL_MEM_BYTES;
	dev->features = "";
	dev->double_fp_config = 0;
	dev->half_fp_config = 0;
	dev->single_fp_config = CL_FP_ROUND_TO_NEAREST | CL_FP_INF_NAN;
	dev->max_sub_devices = 0;
	dev->num_partition_properties = 0;
	dev->partition_properties = NULL;
	dev->num_partition_types = 0;
	dev->partition_type = NULL;

	/* One command processor; the NDRange size is informational (the
	 * kernels' arguments say how much work there is). */
	dev->max_compute_units = 1;
	dev->address_bits = 64;
	dev->max_work_item_dimensions = 3;
	dev->max_work_item_sizes[0] = dev->max_work_item_sizes[1] =
		dev->max_work_item_sizes[2] = FSVM_POCL_MAX_WG;
	dev->max_work_group_size = FSVM_POCL_MAX_WG;
	dev->preferred_wg_size_multiple = 1;
	dev->max_constant_buffer_size = 65536;
	dev->endian_little = CL_TRUE;
	dev->host_unified_memory = CL_TRUE;
	dev->error_correction_support = CL_FALSE;

	/* Host memory: global_mem_id 0 is pocl's shared host-memory slot. */
	dev->global_mem_id = 0;
	uint64_t ram = host_memory_bytes();
	dev->global_mem_size = ram;
	pocl_setup_device_for_system_memory(dev);	/* max_mem_alloc_size, accounting */
	dev->global_mem_size = ram;		/* the device reaches all of it */

	dev->svm_allocation_priority = 2;
	dev->svm_caps = CL_DEVICE_SVM_COARSE_GRAIN_BUFFER | CL_DEVICE_SVM_FINE_GRAIN_BUFFER |
			CL_DEVICE_SVM_FINE_GRAIN_SYSTEM;	/* no atomics */
	dev->on_host_queue_props = CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE |
				   CL_QUEUE_PROFILING_ENABLE;
	dev->has_own_timer = 1;
	dev->num_builtin_kernels = 0;
	dev->builtin_kernel_list = "";
	dev->builtin_kernels_with_version = NULL;
	pocl_setup_extensions_with_version(dev);
}

static cl_int fsvm_pocl_init(unsigned j, cl_device_id dev, const char *parameters)
{
	struct fsvm_pocl_device *d = calloc(1, sizeof(*d));
	int err;

	if (d == NULL)
		return CL_OUT_OF_HOST_MEMORY;
	d->available = CL_FALSE;
	dev->data = d;
	dev->available = &d->available;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->work_cond, NULL);
	pthread_mutex_init(&d->host_lock, NULL);
	pthread_cond_init(&d->host_cond, NULL);
	setup_static_info(dev, d);

	if (parameters && *parameters == '\0')
		parameters = NULL;
	err = fsvm_device_open(parameters, &d->dev);
	if (err) {
		/* Listed but unavailable: pocl's whole platform would fail if
		 * init returned an error, taking other devices with it. */
		fsvm_log(FSVM_LOG_ERROR, "pocl device fsvm%u: cannot open device '%s': %s",
			 j, parameters ? parameters : "(default)", fsvm_strerror(err));
		POCL_MSG_ERR("fsvm%u: cannot open device '%s': %s\n", j,
			     parameters ? parameters : "(default)", fsvm_strerror(err));
		d->dev = NULL;
		snprintf(d->name, sizeof(d->name), "fsvm (%s: unavailable)",
			 parameters ? parameters : "default");
		snprintf(d->hash, sizeof(d->hash), "fsvm-unavailable");
		return CL_SUCCESS;
	}
	fsvm_device_info(d->dev, &d->info);
	d->num_kernels = d->info.num_kernels > FSVM_MAX_KERNELS ? FSVM_MAX_KERNELS
								 : d->info.num_kernels;
	for (unsigned i = 0; i < d->num_kernels; i++)
		fsvm_device_kernel(d->dev, i, &d->kernels[i]);
	make_hash(d);

	/* OpenCL C from source: on the simulated device (its compiled-kernel
	 * engine); a board reports no compiler (fsvm_pocl_compile.c), nor does
	 * the co-simulated RTL shell (backend rtl), which has no engine either. */
#ifdef FSVM_POCL_NO_COMPILER
	d->compiles = 0;
#else
	d->compiles = (d->info.features & FSVM_FEAT_SIMULATED) != 0 &&
		      strcmp(d->info.backend, "rtl") != 0;
#endif
	dev->compiler_available = d->compiles ? CL_TRUE : CL_FALSE;
	dev->linker_available = dev->compiler_available;
	/* 64-bit integers in OpenCL C (optional in the EMBEDDED profile):
	 * compiled kernels run on the host CPU, long arithmetic and the
	 * library's long built-ins included (tests/oclc); the compile defines
	 * the macro (fsvm_pocl_compile.c). pocl's versioned list knows
	 * neither this name nor cl_fsvm_fault_report. */
	if (d->compiles)
		dev->extensions = FSVM_POCL_EXTENSIONS " cl_khr_int64";
	snprintf(d->name, sizeof(d->name), "fsvm (%s)", d->info.name);
	snprintf(d->version, sizeof(d->version), "OpenCL 3.0 fsvm %u.%u %s",
		 d->info.hw_version >> 16, d->info.hw_version & 0xffff,
		 (d->info.features & FSVM_FEAT_SIMULATED) ? "simulated" : "hardware");
	dev->max_clock_frequency = d->info.clock_hz / 1000000u;
	/* One device tick, rounded up to whole nanoseconds. */
	dev->profiling_timer_resolution =
		d->info.clock_hz ? (1000000000u + d->info.clock_hz - 1) / d->info.clock_hz : 1;

	dev->builtin_kernel_list = fsvm_pocl_builtin_list(d);
	dev->num_builtin_kernels = d->num_kernels;
	pocl_setup_builtin_kernels_with_version(dev);

	err = fsvm_context_create(d->dev, FSVM_POCL_RING_ENTRIES, &d->ctx);
	if (err) {
		fsvm_log(FSVM_LOG_ERROR, "pocl device fsvm%u: no hardware context: %s", j,
			 fsvm_strerror(err));
		POCL_MSG_ERR("fsvm%u: no hardware context: %s\n", j, fsvm_strerror(err));
		return CL_SUCCESS;	/* listed, unavailable */
	}
	calibrate_clock(d);
	choose_profiling(d);
	if (fsvm_pocl_start_threads(d) != 0) {
		fsvm_context_destroy(d->ctx);
		d->ctx = NULL;
		return CL_OUT_OF_HOST_MEMORY;
	}
	d->available = CL_TRUE;
	POCL_MSG_PRINT_INFO("fsvm%u: %s, %u kernels, %u MHz, context %u\n", j, d->name,
			    d->num_kernels, d->info.clock_hz / 1000000u,
			    fsvm_context_index(d->ctx));
	return CL_SUCCESS;
}

static cl_int fsvm_pocl_uninit(unsigned j, cl_device_id dev)
{
	struct fsvm_pocl_device *d = dev->data;

	(void)j;
	if (d == NULL)
		return CL_SUCCESS;
	fsvm_pocl_stop_threads(d);
	fsvm_context_destroy(d->ctx);
	fsvm_device_close(d->dev);
	if (d->num_kernels)
		free(dev->builtin_kernel_list);
	free(dev->builtin_kernels_with_version);
	dev->builtin_kernel_list = NULL;
	dev->builtin_kernels_with_version = NULL;
	dev->num_builtin_kernels = 0;
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->work_cond);
	pthread_mutex_destroy(&d->host_lock);
	pthread_cond_destroy(&d->host_cond);
	free(d);
	dev->data = NULL;
	return CL_SUCCESS;
}

/* pocl finds this symbol by name in libpocl-devices-fsvm.so. */
POCL_EXPORT void pocl_fsvm_init_device_ops(struct pocl_device_ops *ops);

void pocl_fsvm_init_device_ops(struct pocl_device_ops *ops)
{
	memset(ops, 0, sizeof(*ops));
	ops->device_name = "fsvm";

	ops->probe = fsvm_pocl_probe;
	ops->init = fsvm_pocl_init;
	ops->uninit = fsvm_pocl_uninit;
	ops->build_hash = fsvm_pocl_build_hash;

	/* Built-in kernels only. */
	ops->build_builtin = fsvm_pocl_build_builtin;
	ops->setup_metadata = fsvm_pocl_setup_metadata;
	ops->free_program = fsvm_pocl_free_program;
	ops->build_source = fsvm_pocl_build_source;
	ops->link_program = fsvm_pocl_link_program;
	ops->build_binary = fsvm_pocl_build_binary;
	ops->supports_binary = fsvm_pocl_supports_binary;

	/* Buffers are host memory: pocl's host-memory helpers skip the copy
	 * whenever source and destination are the same memory. */
	ops->alloc_mem_obj = pocl_driver_alloc_mem_obj;
	ops->free = pocl_driver_free;
	ops->read = pocl_driver_read;
	ops->read_rect = pocl_driver_read_rect;
	ops->write = pocl_driver_write;
	ops->write_rect = pocl_driver_write_rect;
	ops->copy = pocl_driver_copy;
	ops->copy_with_size = pocl_driver_copy_with_size;
	ops->copy_rect = pocl_driver_copy_rect;
	ops->memfill = pocl_driver_memfill;
	ops->map_mem = pocl_driver_map_mem;
	ops->unmap_mem = pocl_driver_unmap_mem;
	ops->get_mapping_ptr = pocl_driver_get_mapping_ptr;
	ops->free_mapping_ptr = pocl_driver_free_mapping_ptr;

	ops->svm_alloc = fsvm_pocl_svm_alloc;
	ops->svm_free = fsvm_pocl_svm_free;
	ops->svm_map = fsvm_pocl_svm_map;
	ops->svm_unmap = fsvm_pocl_svm_unmap;
	ops->svm_copy = pocl_driver_svm_copy;
	ops->svm_fill = pocl_driver_svm_fill;
	ops->svm_copy_rect = pocl_driver_copy_rect_memcpy;
	ops->svm_fill_rect = pocl_driver_svm_fill_rect;
	ops->set_kernel_exec_info_ext = fsvm_pocl_set_kernel_exec_info;

	/* Execution and events. */
	ops->submit = fsvm_pocl_submit;
	ops->join = fsvm_pocl_join;
	ops->flush = fsvm_pocl_flush;
	ops->notify = fsvm_pocl_notify;
	ops->broadcast = pocl_broadcast;
	ops->run = fsvm_pocl_run;
	ops->update_event = fsvm_pocl_update_event;
	ops->wait_event = fsvm_pocl_wait_event;
	ops->free_event_data = fsvm_pocl_free_event_data;
	ops->notify_event_finished = fsvm_pocl_notify_event_finished;
	ops->notify_cmdq_finished = fsvm_pocl_notify_cmdq_finished;
	ops->init_queue = fsvm_pocl_init_queue;
	ops->free_queue = fsvm_pocl_free_queue;
	ops->get_synchronized_timestamps = fsvm_pocl_get_timestamps;
}
