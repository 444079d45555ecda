/* SPDX-License-Identifier: MIT */
/*
 * errors.c - error codes, fault records and launch statistics as text and
 * numbers a person can read.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "fsvm.h"
#include "internal.h"

/*
 * What a user can do about each error. fsvm_strerror is how the CLI, the
 * pocl driver and the examples report a failure, so each text says what
 * went wrong in the terms of the call that failed, and where to look.
 */
const char *fsvm_strerror(int err)
{
	switch (err) {
	case FSVM_OK:			return "success";
	case FSVM_ERR_INVAL:		return "invalid argument (a NULL or misaligned pointer, a size, "
					       "kernel id or argument count the call does not accept, "
					       "or a setting out of range)";
	case FSVM_ERR_NOMEM:		return "out of memory (host memory or threads, or a full "
					       "table of the device such as the simulator's 256 "
					       "compiled kernels: free some and retry)";
	case FSVM_ERR_NODEV:		return "no such device (names: \"sim\", \"sim:<device>\", "
					       "\"rtl\", \"hw:/dev/fsvmN\"; on a board: is fsvm.ko loaded?)";
	case FSVM_ERR_BUSY:		return "all hardware contexts are in use (close another "
					       "fsvm program, or wait)";
	case FSVM_ERR_TIMEOUT:		return "timed out (the launch is still pending: wait again)";
	case FSVM_ERR_FAULT:		return "device memory fault (struct fsvm_fault says which "
					       "address; fsvm_fault_describe prints it)";
	case FSVM_ERR_ABORTED:		return "aborted (fsvm_context_abort or a failed barrier)";
	case FSVM_ERR_BAD_PACKET:	return "the device rejected the dispatch packet (unknown "
					       "kernel or bad arguments for it)";
	case FSVM_ERR_UNSUPPORTED:	return "not supported by this device or build";
	case FSVM_ERR_IO:		return "device I/O error (the log says which: wrong ID "
					       "registers, a stopped ring, an SMMU bank the device did "
					       "not take, or a file that is not a usable fsvm device "
					       "plugin: rebuild it with fsvm_add_device)";
	case FSVM_ERR_PERM:		return "permission denied (/dev/fsvmN is mode 0660, group "
					       "fsvm: add the user to group fsvm; a context belongs to "
					       "the process that created it)";
	default:			return "unknown error";
	}
}

int fsvm_err_from_errno(int e)
{
	switch (e) {
	case 0:		return FSVM_OK;
	case EBUSY:
	case EUSERS:	return FSVM_ERR_BUSY;	/* no free slot, or this user's cap */
	case ENOMEM:
	case EAGAIN:	/* no thread */
	case ENOSPC:	return FSVM_ERR_NOMEM;	/* a device table is full */
	case ETIMEDOUT:	return FSVM_ERR_TIMEOUT;
	case EINVAL:
	case ERANGE:	/* a configuration value the device cannot take */
	case ENAMETOOLONG: return FSVM_ERR_INVAL;
	case ENOENT:
	case ENODEV:
	case ENXIO:	return FSVM_ERR_NODEV;
	case EPERM:
	case EACCES:	return FSVM_ERR_PERM;
	case ENOTTY:
	case EOPNOTSUPP: return FSVM_ERR_UNSUPPORTED;
	case ENOEXEC:	/* a device plugin refused */
	case EIO:
	default:	return FSVM_ERR_IO;
	}
}

static const char *fault_type_name(unsigned int type)
{
	switch (type) {
	case FSVM_FAULT_NONE:		return "no fault";
	case FSVM_FAULT_TRANSLATION:	return "translation fault";
	case FSVM_FAULT_PERMISSION:	return "permission fault";
	case FSVM_FAULT_ACCESS_FLAG:	return "access flag fault";
	case FSVM_FAULT_ADDRESS_SIZE:	return "address size fault";
	case FSVM_FAULT_EXTERNAL:	return "external abort";
	case FSVM_FAULT_ALIGNMENT:	return "alignment fault";
	case FSVM_FAULT_DEPTH_LIMIT:	return "depth limit exceeded";
	default:			return "unknown fault";
	}
}

void fsvm_fault_decode(uint64_t va, uint32_t syndrome, struct fsvm_fault *fault)
{
	fault->va = va;
	fault->syndrome = syndrome;
	fault->write = (syndrome & FSVM_SYND_WRITE) != 0;
	fault->type = FSVM_SYND_TYPE(syndrome);
	fault->level = (syndrome & FSVM_SYND_LEVEL_MASK) >> FSVM_SYND_LEVEL_SHIFT;
	fault->in_packet = (syndrome & FSVM_SYND_PACKET) != 0;
	fault->type_name = fault_type_name(fault->type);
}

char *fsvm_fault_describe(const struct fsvm_fault *fault, char *buf, size_t buflen)
{
	const char *where;

	if (buflen == 0)
		return buf;
	if (!fault) {
		snprintf(buf, buflen, "(no fault)");
		return buf;
	}
	where = fault->in_packet ? " while fetching the packet, arguments or record" : "";
	switch (fault->type) {
	case FSVM_FAULT_TRANSLATION:
	case FSVM_FAULT_PERMISSION:
	case FSVM_FAULT_ACCESS_FLAG:
	case FSVM_FAULT_ADDRESS_SIZE:
		/* Walk faults: the level tells which table lacked the entry. */
		snprintf(buf, buflen, "%s 0x%" PRIx64 ": %s (level %u)%s",
			 fault->write ? "write to" : "read from", fault->va,
			 fault->type_name, fault->level, where);
		break;
	default:
		snprintf(buf, buflen, "%s 0x%" PRIx64 ": %s%s",
			 fault->write ? "write to" : "read from", fault->va,
			 fault->type_name, where);
		break;
	}
	return buf;
}

const char *fsvm_arg_kind_name(unsigned int kind)
{
	switch (kind) {
	case FSVM_ARG_NONE:		return "none";
	case FSVM_ARG_PTR_IN:		return "ptr_in";
	case FSVM_ARG_PTR_OUT:		return "ptr_out";
	case FSVM_ARG_PTR_INOUT:	return "ptr_inout";
	case FSVM_ARG_U32:		return "u32";
	case FSVM_ARG_U64:		return "u64";
	case FSVM_ARG_F32:		return "f32";
	default:			return "?";
	}
}

const char *fsvm_arg_type_name(unsigned int type)
{
	switch (type) {
	case FSVM_TYPE_VOID:		return "void";
	case FSVM_TYPE_U8:		return "u8";
	case FSVM_TYPE_U32:		return "u32";
	case FSVM_TYPE_U64:		return "u64";
	case FSVM_TYPE_F32:		return "f32";
	case FSVM_TYPE_LIST_NODE:	return "list_node";
	case FSVM_TYPE_BST_NODE:	return "bst_node";
	case FSVM_TYPE_HASH_NODE:	return "hash_node";
	case FSVM_TYPE_CHASE_RESULT:	return "chase_result";
	case FSVM_TYPE_NODE_PTR:	return "node_ptr";
	default:			return "?";
	}
}

int fsvm_launch_stats(struct fsvm_device *dev, const struct fsvm_completion *rec,
		      struct fsvm_launch_stats *stats)
{
	struct fsvm_device_info info;
	int err;

	if (!dev || !rec || !stats)
		return FSVM_ERR_INVAL;
	if (__atomic_load_n(&rec->status, __ATOMIC_ACQUIRE) == FSVM_ST_PENDING)
		return FSVM_ERR_INVAL;
	err = fsvm_device_info(dev, &info);
	if (err)
		return err;
	stats->cycles = rec->cycles;
	stats->ticks = rec->end_ticks >= rec->start_ticks ? rec->end_ticks - rec->start_ticks : 0;
	stats->device_us = info.clock_hz ? (double)stats->ticks * 1e6 / info.clock_hz : 0.0;
	stats->bytes = rec->bytes;
	stats->items = rec->items;
	stats->tlb_hits = rec->tlb_hits;
	stats->tlb_misses = rec->tlb_misses;
	stats->stalls = rec->stalls;
	return FSVM_OK;
}
