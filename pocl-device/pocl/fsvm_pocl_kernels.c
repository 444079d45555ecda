/* SPDX-License-Identifier: MIT */
/*
 * fsvm_pocl_kernels.c - built-in kernels from the hardware's kernel table.
 *
 * Every entry of the table the device reports becomes the built-in kernel
 * "fsvm.<name>". The driver builds the kernel metadata itself (names,
 * argument names, type names, address and type qualifiers, sizes) instead
 * of using pocl's built-in kernel descriptors: pocl v7.1's metadata clone
 * names every kernel "<internal-error: ...>", which breaks clCreateKernel
 * by name. With this metadata clCreateKernel, clGetKernelArgInfo and
 * clSetKernelArg's size checks work.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "pocl_mem_management.h"
#include "pocl_util.h"

#include "fsvm_pocl.h"

const struct fsvm_kernel_desc *fsvm_pocl_find_kernel(const struct fsvm_pocl_device *d,
						     const char *cl_name)
{
	const size_t plen = sizeof(FSVM_POCL_KERNEL_PREFIX) - 1;

	if (cl_name == NULL || strncmp(cl_name, FSVM_POCL_KERNEL_PREFIX, plen) != 0)
		return NULL;
	for (unsigned i = 0; i < d->num_kernels; i++)
		if (strncmp(d->kernels[i].name, cl_name + plen, FSVM_NAME_LEN) == 0)
			return &d->kernels[i];
	return NULL;
}

char *fsvm_pocl_builtin_list(const struct fsvm_pocl_device *d)
{
	size_t len = 1;
	char *s;

	for (unsigned i = 0; i < d->num_kernels; i++)
		len += sizeof(FSVM_POCL_KERNEL_PREFIX) + FSVM_NAME_LEN + 1;
	s = calloc(1, len);
	if (s == NULL)
		return NULL;
	for (unsigned i = 0; i < d->num_kernels; i++) {
		if (i)
			strcat(s, ";");
		strcat(s, FSVM_POCL_KERNEL_PREFIX);
		strncat(s, d->kernels[i].name, FSVM_NAME_LEN - 1);
	}
	return s;
}

/* OpenCL C spelling of an element type; pointers get a '*'. */
static const char *type_name(unsigned int type, int pointer)
{
	switch (type) {
	case FSVM_TYPE_VOID:
		return pointer ? "void*" : "void";
	case FSVM_TYPE_U8:
		return pointer ? "uchar*" : "uchar";
	case FSVM_TYPE_U32:
		return pointer ? "uint*" : "uint";
	case FSVM_TYPE_U64:
		return pointer ? "ulong*" : "ulong";
	case FSVM_TYPE_F32:
		return pointer ? "float*" : "float";
	case FSVM_TYPE_LIST_NODE:
		return pointer ? "struct fsvm_list_node*" : "struct fsvm_list_node";
	case FSVM_TYPE_BST_NODE:
		return pointer ? "struct fsvm_bst_node*" : "struct fsvm_bst_node";
	case FSVM_TYPE_HASH_NODE:
		return pointer ? "struct fsvm_hash_node*" : "struct fsvm_hash_node";
	case FSVM_TYPE_CHASE_RESULT:
		return pointer ? "struct fsvm_chase_result*" : "struct fsvm_chase_result";
	case FSVM_TYPE_NODE_PTR:
		return pointer ? "struct fsvm_hash_node**" : "struct fsvm_hash_node*";
	default:
		return pointer ? "void*" : "ulong";
	}
}

static int is_pointer(unsigned int kind)
{
	return kind == FSVM_ARG_PTR_IN || kind == FSVM_ARG_PTR_OUT || kind == FSVM_ARG_PTR_INOUT;
}

int fsvm_pocl_build_builtin(cl_program program, cl_uint device_i)
{
	cl_device_id dev = program->devices[device_i];
	struct fsvm_pocl_device *d = dev->data;

	for (unsigned i = 0; i < program->num_builtin_kernels; i++)
		if (fsvm_pocl_find_kernel(d, program->builtin_kernel_names[i]) == NULL) {
			POCL_MSG_ERR("fsvm: no built-in kernel '%s' on this device\n",
				     program->builtin_kernel_names[i]);
			return CL_INVALID_VALUE;
		}
	return CL_SUCCESS;
}

static int fill_meta(pocl_kernel_metadata_t *m, const char *cl_name,
		     const struct fsvm_kernel_desc *k, unsigned num_devices)
{
	m->name = strdup(cl_name);
	m->num_locals = 0;
	m->local_sizes = NULL;
	m->builtin_kernel_id = 0;	/* not one of pocl's DBK ids */
	m->builtin_max_global_work.size[0] = UINT32_MAX;
	m->builtin_max_global_work.size[1] = 1;
	m->builtin_max_global_work.size[2] = 1;
	m->has_arg_metadata = POCL_HAS_KERNEL_ARG_ADDRESS_QUALIFIER |
			      POCL_HAS_KERNEL_ARG_ACCESS_QUALIFIER |
			      POCL_HAS_KERNEL_ARG_TYPE_NAME |
			      POCL_HAS_KERNEL_ARG_TYPE_QUALIFIER | POCL_HAS_KERNEL_ARG_NAME;
	m->data = calloc(num_devices, sizeof(void *));
	m->arg_info = k->nargs ? calloc(k->nargs, sizeof(struct pocl_argument_info)) : NULL;
	if (m->name == NULL || m->data == NULL || (k->nargs && m->arg_info == NULL))
		return -1;
	m->num_args = k->nargs;	/* only now: pocl frees num_args entries */

	for (unsigned a = 0; a < k->nargs; a++) {
		const struct fsvm_kernel_arg_desc *ad = &k->args[a];
		struct pocl_argument_info *ai = &m->arg_info[a];
		char name[FSVM_ARG_NAME_LEN + 1];
		int ptr = is_pointer(ad->kind);

		memcpy(name, ad->name, FSVM_ARG_NAME_LEN);
		name[FSVM_ARG_NAME_LEN] = '\0';
		ai->name = strdup(name);
		ai->type_name = strdup(type_name(ad->type, ptr));
		ai->access_qualifier = CL_KERNEL_ARG_ACCESS_NONE;
		if (ptr) {
			ai->type = POCL_ARG_TYPE_POINTER;
			ai->address_qualifier = CL_KERNEL_ARG_ADDRESS_GLOBAL;
			/* read-only inputs are const: pocl then treats a cl_mem
			 * passed there as read-only for migrations */
			ai->type_qualifier = ad->kind == FSVM_ARG_PTR_IN ? CL_KERNEL_ARG_TYPE_CONST
									 : CL_KERNEL_ARG_TYPE_NONE;
			ai->type_size = sizeof(cl_mem);
		} else {
			ai->type = POCL_ARG_TYPE_NONE;
			ai->address_qualifier = CL_KERNEL_ARG_ADDRESS_PRIVATE;
			ai->type_qualifier = CL_KERNEL_ARG_TYPE_NONE;
			ai->type_size = ad->size;
		}
		if (ai->name == NULL || ai->type_name == NULL)
			return -1;
	}
	return 0;
}

/* Returns non-zero when it set up program->kernel_meta (pocl's convention). */
int fsvm_pocl_setup_metadata(cl_device_id device, cl_program program,
			     unsigned program_device_i)
{
	struct fsvm_pocl_device *d = device->data;
	unsigned n = program->num_builtin_kernels;

	if (program->data && program->data[program_device_i])
		return fsvm_pocl_setup_compiled_metadata(program, program->data[program_device_i]);
	if (program->builtin_kernel_names == NULL || n == 0)
		return 0;
	program->kernel_meta = calloc(n, sizeof(pocl_kernel_metadata_t));
	if (program->kernel_meta == NULL)
		return 0;
	program->num_kernels = n;
	for (unsigned i = 0; i < n; i++) {
		const char *nm = program->builtin_kernel_names[i];
		const struct fsvm_kernel_desc *k = fsvm_pocl_find_kernel(d, nm);

		if (k == NULL || fill_meta(&program->kernel_meta[i], nm, k,
					   program->num_devices) != 0) {
			/* pocl frees what was filled when the build fails */
			POCL_MSG_ERR("fsvm: cannot set up metadata of '%s'\n", nm);
			return 0;
		}
	}
	return 1;
}

cl_int fsvm_pocl_pack_args(cl_device_id device, const struct fsvm_kernel_desc *k,
			   const struct pocl_argument *args, uint64_t *slots)
{
	for (unsigned a = 0; a < k->nargs; a++) {
		const struct fsvm_kernel_arg_desc *ad = &k->args[a];
		const struct pocl_argument *al = &args[a];

		slots[a] = 0;
		if (is_pointer(ad->kind)) {
			/* raw SVM/system pointer as given (also into the middle
			 * of an allocation), or a cl_mem's host address + offset;
			 * NULL stays 0 and faults on the device if used */
			void *p = pocl_cpu_get_ptr((struct pocl_argument *)al,
						   device->global_mem_id);
			slots[a] = (uint64_t)(uintptr_t)p;
			continue;
		}
		if (al->value == NULL)
			return CL_INVALID_KERNEL_ARGS;
		switch (ad->kind) {
		case FSVM_ARG_U32:
		case FSVM_ARG_F32: {
			uint32_t v = 0;

			memcpy(&v, al->value, al->size < 4 ? al->size : 4);
			slots[a] = v;
			break;
		}
		case FSVM_ARG_U64:
			memcpy(&slots[a], al->value, al->size < 8 ? al->size : 8);
			break;
		default:
			return CL_INVALID_KERNEL_ARGS;
		}
	}
	return CL_SUCCESS;
}
