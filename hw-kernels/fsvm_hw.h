/* SPDX-License-Identifier: MIT */
/*
 * fsvm_hw.h - the fsvm hardware contract.
 *
 * This is the one definition of what the FPGA shell looks like to software:
 * the AXI4-Lite control window, the per-context 4 KiB pages, the 64-byte
 * dispatch packet, the completion record, the fault syndrome, the kernel
 * table, the node layouts that host programs build for the pointer kernels,
 * and the AXI master port the HLS kernels use.
 *
 * It is included by the HLS code (hw-kernels/hls), the device model
 * (hw-kernels/model), libfsvm (pocl-device/libfsvm) and the kernel module.
 * It therefore depends on nothing but <stdint.h>.
 *
 * Every address in this file that is not a register offset is a *process
 * virtual address*: the SMMU translates it with the process's page table.
 * Multi-byte fields are little-endian, as on the A53 and on AXI.
 */
#ifndef FSVM_HW_H
#define FSVM_HW_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Layouts are pinned at compile time next to each struct. FSVM_OFFSETOF is
 * the compiler's offsetof (no <stddef.h>: HLS code includes only stdint).
 */
#define FSVM_OFFSETOF(type, field)	__builtin_offsetof(type, field)
#ifdef __cplusplus
#define FSVM_STATIC_ASSERT(cond, msg)	static_assert(cond, msg)
#else
#define FSVM_STATIC_ASSERT(cond, msg)	_Static_assert(cond, msg)
#endif
/* Assert that byte offset macro `off` is where `field` of `type` lives. */
#define FSVM_PIN(type, field, off) \
	FSVM_STATIC_ASSERT(FSVM_OFFSETOF(type, field) == (off), #type "." #field " at " #off)

/* ------------------------------------------------------------------ */
/* Identification                                                      */
/* ------------------------------------------------------------------ */

#define FSVM_HW_MAGIC		0x4d565346u	/* "FSVM" read as little-endian */
#define FSVM_HW_VERSION_MAJOR	1u
#define FSVM_HW_VERSION_MINOR	0u
#define FSVM_HW_VERSION		((FSVM_HW_VERSION_MAJOR << 16) | FSVM_HW_VERSION_MINOR)

/* FEATURES register bits. */
#define FSVM_FEAT_SVM		(1u << 0)	/* kernels take process VAs */
#define FSVM_FEAT_STALL		(1u << 1)	/* SMMU stall faults can be resolved and retried */
#define FSVM_FEAT_TIMESTAMPS	(1u << 2)	/* completion records carry start/end ticks */
#define FSVM_FEAT_HUGE_PAGES	(1u << 3)	/* walker handles 2 MiB / 1 GiB blocks */
#define FSVM_FEAT_STATS		(1u << 4)	/* completion records carry bytes/TLB counters */
#define FSVM_FEAT_SIMULATED	(1u << 31)	/* a model, not silicon */

/* ------------------------------------------------------------------ */
/* Control window (AXI4-Lite, 32-bit registers, byte offsets)          */
/* ------------------------------------------------------------------ */
/*
 * 0x00000  identification page (read-only)
 * 0x01000  kernel table page    (read-only, FSVM_MAX_KERNELS entries)
 * 0x10000  context page 0, 0x11000 context page 1, ... (one 4 KiB page each)
 *
 * The kernel module maps exactly one context page into a process; the
 * identification and kernel-table pages are read through the module.
 *
 * Bus responses (the RTL shell, hw-kernels/rtl/fsvm_shell.v): inside the
 * identification, kernel-table and present context pages a reserved offset
 * reads 0, and a write to it or to a read-only register answers OKAY and
 * changes nothing. SLVERR (reads return 0xffffffff, writes change nothing)
 * for 0x02000-0x0ffff, context pages at or beyond NUM_CONTEXTS, an offset
 * that is not a multiple of 4, and a context-page write with a partial
 * byte strobe. The device model has no bus errors: it reads 0xffffffff
 * for absent context pages and misaligned offsets, and 0 in the hole.
 */
#define FSVM_REG_MAGIC		0x000	/* FSVM_HW_MAGIC */
#define FSVM_REG_VERSION	0x004	/* major << 16 | minor */
#define FSVM_REG_FEATURES	0x008	/* FSVM_FEAT_* */
#define FSVM_REG_CLOCK_HZ	0x00c	/* kernel clock and timestamp tick rate */
#define FSVM_REG_NUM_CONTEXTS	0x010	/* number of context pages */
#define FSVM_REG_NUM_KERNELS	0x014	/* valid entries in the kernel table */
#define FSVM_REG_TIME_LO	0x018	/* free-running tick counter, low word */
#define FSVM_REG_TIME_HI	0x01c	/* high word; read LO first, it latches HI */
#define FSVM_REG_MAX_INLINE	0x020	/* inline argument slots in a packet */
#define FSVM_REG_AXI_DATA_BITS	0x024	/* width of the kernels' AXI master data bus */

#define FSVM_KERNEL_TABLE_OFF	0x1000u
#define FSVM_CTX_BASE_OFF	0x10000u
#define FSVM_PAGE_SIZE		4096u
#define FSVM_CTX_OFF(n)		(FSVM_CTX_BASE_OFF + (uint32_t)(n) * FSVM_PAGE_SIZE)
#define FSVM_MAX_CONTEXTS	16u
#define FSVM_WINDOW_SIZE	FSVM_CTX_OFF(FSVM_MAX_CONTEXTS)

/* ------------------------------------------------------------------ */
/* Kernel table                                                        */
/* ------------------------------------------------------------------ */

#define FSVM_MAX_KERNELS	16u
#define FSVM_MAX_ARGS		8u
#define FSVM_NAME_LEN		32u
#define FSVM_ARG_NAME_LEN	20u

/* How an argument is used: pointers are process VAs. */
enum fsvm_arg_kind {
	FSVM_ARG_NONE = 0,
	FSVM_ARG_PTR_IN = 1,	/* global pointer the kernel reads */
	FSVM_ARG_PTR_OUT = 2,	/* global pointer the kernel writes */
	FSVM_ARG_PTR_INOUT = 3,	/* global pointer read and written */
	FSVM_ARG_U32 = 4,	/* unsigned scalar, low 32 bits of the slot */
	FSVM_ARG_U64 = 5,	/* unsigned scalar, whole slot */
	FSVM_ARG_F32 = 6,	/* float scalar, IEEE bits in the low 32 bits */
};

/* Element type a pointer argument points to (for OpenCL argument info). */
enum fsvm_arg_type {
	FSVM_TYPE_VOID = 0,	/* raw bytes */
	FSVM_TYPE_U8 = 1,
	FSVM_TYPE_U32 = 2,
	FSVM_TYPE_U64 = 3,
	FSVM_TYPE_F32 = 4,
	FSVM_TYPE_LIST_NODE = 5,	/* struct fsvm_list_node */
	FSVM_TYPE_BST_NODE = 6,	/* struct fsvm_bst_node */
	FSVM_TYPE_HASH_NODE = 7,	/* struct fsvm_hash_node */
	FSVM_TYPE_CHASE_RESULT = 8,	/* struct fsvm_chase_result */
	FSVM_TYPE_NODE_PTR = 9,	/* array of node pointers (hash buckets) */
};

struct fsvm_kernel_arg_desc {
	uint8_t kind;			/* enum fsvm_arg_kind */
	uint8_t type;			/* enum fsvm_arg_type */
	uint8_t size;			/* bytes of a scalar, element size for pointers */
	uint8_t reserved;
	char name[FSVM_ARG_NAME_LEN];	/* NUL-terminated */
};

/* One 256-byte entry of the kernel table page. */
struct fsvm_kernel_desc {
	uint32_t id;			/* value for the packet's kernel_id */
	uint32_t nargs;			/* used entries of args[] */
	char name[FSVM_NAME_LEN];	/* NUL-terminated, e.g. "pointer_chase" */
	struct fsvm_kernel_arg_desc args[FSVM_MAX_ARGS];
	uint8_t reserved[256 - 8 - FSVM_NAME_LEN - FSVM_MAX_ARGS * 24];
};

#define FSVM_KDESC_BYTES	256u
#define FSVM_KDESC_OFF_ID	0u
#define FSVM_KDESC_OFF_NARGS	4u
#define FSVM_KDESC_OFF_NAME	8u
#define FSVM_KDESC_OFF_ARGS	40u
#define FSVM_KARG_BYTES		24u
#define FSVM_KARG_OFF_KIND	0u
#define FSVM_KARG_OFF_TYPE	1u
#define FSVM_KARG_OFF_SIZE	2u
#define FSVM_KARG_OFF_NAME	4u
FSVM_PIN(struct fsvm_kernel_arg_desc, kind, FSVM_KARG_OFF_KIND);
FSVM_PIN(struct fsvm_kernel_arg_desc, type, FSVM_KARG_OFF_TYPE);
FSVM_PIN(struct fsvm_kernel_arg_desc, size, FSVM_KARG_OFF_SIZE);
FSVM_PIN(struct fsvm_kernel_arg_desc, name, FSVM_KARG_OFF_NAME);
FSVM_PIN(struct fsvm_kernel_desc, id, FSVM_KDESC_OFF_ID);
FSVM_PIN(struct fsvm_kernel_desc, nargs, FSVM_KDESC_OFF_NARGS);
FSVM_PIN(struct fsvm_kernel_desc, name, FSVM_KDESC_OFF_NAME);
FSVM_PIN(struct fsvm_kernel_desc, args, FSVM_KDESC_OFF_ARGS);
FSVM_STATIC_ASSERT(sizeof(struct fsvm_kernel_arg_desc) == FSVM_KARG_BYTES, "argument entry is 24 bytes");
FSVM_STATIC_ASSERT(sizeof(struct fsvm_kernel_desc) == FSVM_KDESC_BYTES, "kernel table entry is 256 bytes");

/*
 * Kernel ids. 0 is reserved for the empty kernel (dispatch latency); the
 * others are the lines of fsvm_kernels.def, in order (FSVM_K_POINTER_CHASE
 * = 1, ...). A sim device built with fsvm_add_device() numbers its own
 * list the same way: look kernels up by name there.
 */
enum fsvm_kernel_id {
	FSVM_K_NOP = 0,
#define FSVM_KERNEL(ID, name, ...)	FSVM_K_##ID,
#include "fsvm_kernels.def"
#undef FSVM_KERNEL
	FSVM_K_COUNT
};

/* ------------------------------------------------------------------ */
/* Context page (one per hardware context, 4 KiB)                      */
/* ------------------------------------------------------------------ */
/*
 * A context is wired to a fixed AXI ID, hence a fixed SMMU StreamID and
 * context bank: whatever a context's packets address, they reach memory
 * only through that bank's page table.
 */
#define FSVM_CTX_RING_BASE_LO	0x000	/* ring VA, 64-byte aligned */
#define FSVM_CTX_RING_BASE_HI	0x004
#define FSVM_CTX_RING_SIZE	0x008	/* packets, power of two, 2..65536 */
#define FSVM_CTX_CONTROL	0x00c	/* FSVM_CTRL_* */
#define FSVM_CTX_DOORBELL	0x010	/* write index: packets [0, doorbell) are ready */
#define FSVM_CTX_READ_INDEX	0x014	/* packets the device has finished with */
#define FSVM_CTX_STATUS		0x018	/* FSVM_CSTAT_* */
#define FSVM_CTX_IRQ_STATUS	0x01c	/* FSVM_IRQ_*, write 1 to clear */
#define FSVM_CTX_FAULT_VA_LO	0x020	/* last fault: VA */
#define FSVM_CTX_FAULT_VA_HI	0x024
#define FSVM_CTX_FAULT_SYND	0x028	/* last fault: FSVM_SYND_* */
#define FSVM_CTX_FAULT_PACKET	0x02c	/* last fault: ring index of the packet */
#define FSVM_CTX_FAULT_COUNT	0x030	/* faults since enable */
#define FSVM_CTX_COMPLETED	0x034	/* packets completed since enable */
#define FSVM_CTX_STREAM_ID	0x038	/* this context's SMMU StreamID (RO) */

/* CONTROL bits */
#define FSVM_CTRL_ENABLE	(1u << 0)	/* fetch packets; clearing it stops after the current one */
#define FSVM_CTRL_ABORT		(1u << 1)	/* abort the running and all queued packets */
#define FSVM_CTRL_IRQ_EN	(1u << 2)	/* raise the interrupt on FSVM_PKT_F_IRQ / faults */
/*
 * Write-only (reads 0): put every register of an idle context page back to
 * its reset value (ring, indices, status, IRQ_STATUS, fault record,
 * counters, CONTROL itself), so the next binder of the context sees nothing
 * of the previous one. Honoured only while ENABLE is clear, the context is
 * not BUSY and no ABORT is pending; otherwise the whole write is ignored.
 * The other bits of a write that sets RESET are ignored.
 */
#define FSVM_CTRL_RESET		(1u << 3)

/* STATUS bits */
#define FSVM_CSTAT_ENABLED	(1u << 0)
#define FSVM_CSTAT_BUSY		(1u << 1)	/* executing a packet */
#define FSVM_CSTAT_FAULTED	(1u << 2)	/* a packet faulted since enable (sticky) */
#define FSVM_CSTAT_BAD_RING	(1u << 3)	/* ring base/size invalid: context stopped */
#define FSVM_CSTAT_STALLED	(1u << 4)	/* waiting for a stall fault to be resolved */

/* IRQ_STATUS bits */
#define FSVM_IRQ_COMPLETION	(1u << 0)
#define FSVM_IRQ_FAULT		(1u << 1)

/* ------------------------------------------------------------------ */
/* Dispatch packet (64 bytes, in the ring at ring_base + 64 * (i % size)) */
/* ------------------------------------------------------------------ */

enum fsvm_packet_type {
	FSVM_PKT_INVALID = 0,	/* slot not (yet) written: the device stops here */
	FSVM_PKT_KERNEL = 1,	/* run kernel_id with args */
	FSVM_PKT_BARRIER = 2,	/* no work: completes when all earlier packets have */
	FSVM_PKT_COMPILED = 3,	/* compiled kernel: args[0] = VA of a struct fsvm_compiled_launch */
};

#define FSVM_PKT_F_BARRIER	(1u << 0)	/* start only after all earlier packets completed */
#define FSVM_PKT_F_ARG_BLOCK	(1u << 1)	/* args[0] is the VA of a uint64_t[nargs] block */
#define FSVM_PKT_F_IRQ		(1u << 2)	/* raise FSVM_IRQ_COMPLETION when done */

#define FSVM_INLINE_ARGS	5u

struct fsvm_packet {
	uint8_t type;			/* enum fsvm_packet_type; written last by the host */
	uint8_t flags;			/* FSVM_PKT_F_* */
	uint16_t kernel_id;		/* enum fsvm_kernel_id */
	uint32_t grid_size;		/* work-items requested (informational, >= 1) */
	uint64_t args[FSVM_INLINE_ARGS];	/* inline arguments, or args[0] = arg block VA */
	uint64_t completion_va;		/* VA of a struct fsvm_completion, 8-byte aligned, or 0 */
	uint64_t user_tag;		/* copied to the completion record */
};

/* Byte offsets of the packet fields (little-endian), for code that reads
 * the packet as bytes off the AXI port. */
#define FSVM_PKT_BYTES		64u
#define FSVM_PKT_OFF_TYPE	0u
#define FSVM_PKT_OFF_FLAGS	1u
#define FSVM_PKT_OFF_KERNEL_ID	2u
#define FSVM_PKT_OFF_GRID_SIZE	4u
#define FSVM_PKT_OFF_ARGS	8u
#define FSVM_PKT_OFF_COMPLETION	48u
#define FSVM_PKT_OFF_USER_TAG	56u
FSVM_PIN(struct fsvm_packet, type, FSVM_PKT_OFF_TYPE);
FSVM_PIN(struct fsvm_packet, flags, FSVM_PKT_OFF_FLAGS);
FSVM_PIN(struct fsvm_packet, kernel_id, FSVM_PKT_OFF_KERNEL_ID);
FSVM_PIN(struct fsvm_packet, grid_size, FSVM_PKT_OFF_GRID_SIZE);
FSVM_PIN(struct fsvm_packet, args, FSVM_PKT_OFF_ARGS);
FSVM_PIN(struct fsvm_packet, completion_va, FSVM_PKT_OFF_COMPLETION);
FSVM_PIN(struct fsvm_packet, user_tag, FSVM_PKT_OFF_USER_TAG);
FSVM_STATIC_ASSERT(sizeof(struct fsvm_packet) == FSVM_PKT_BYTES, "dispatch packet is 64 bytes");

/* ------------------------------------------------------------------ */
/* Completion record (64 bytes, written by the device at completion_va) */
/* ------------------------------------------------------------------ */

enum fsvm_status {
	FSVM_ST_PENDING = 0,	/* the host writes this before submitting */
	FSVM_ST_DONE = 1,
	FSVM_ST_FAULTED = 2,	/* a memory access faulted: fault_va, syndrome */
	FSVM_ST_ABORTED = 3,	/* CONTROL.ABORT or an earlier packet's barrier failed */
	FSVM_ST_BAD_PACKET = 4,	/* unknown type/kernel, bad argument block, ... */
};

/*
 * The device writes every field but status first, then status last, so a
 * host that sees status != PENDING (with acquire ordering) sees the rest.
 */
struct fsvm_completion {
	uint32_t status;		/* enum fsvm_status */
	uint32_t syndrome;		/* FSVM_SYND_* when FAULTED */
	uint64_t fault_va;		/* faulting VA when FAULTED */
	uint64_t start_ticks;		/* device clock at packet start */
	uint64_t end_ticks;		/* device clock at completion */
	uint64_t cycles;		/* modeled/measured kernel cycles */
	uint64_t bytes;			/* bytes moved over the AXI master */
	uint32_t tlb_hits;
	uint32_t tlb_misses;
	uint32_t items;			/* hops, keys or elements processed */
	uint32_t stalls;		/* stall faults resolved and retried */
};

#define FSVM_CPL_BYTES		64u
#define FSVM_CPL_OFF_STATUS	0u
#define FSVM_CPL_OFF_SYNDROME	4u
#define FSVM_CPL_OFF_FAULT_VA	8u
#define FSVM_CPL_OFF_START	16u
#define FSVM_CPL_OFF_END	24u
#define FSVM_CPL_OFF_CYCLES	32u
#define FSVM_CPL_OFF_BYTES	40u
#define FSVM_CPL_OFF_TLB_HITS	48u
#define FSVM_CPL_OFF_TLB_MISSES	52u
#define FSVM_CPL_OFF_ITEMS	56u
#define FSVM_CPL_OFF_STALLS	60u
FSVM_PIN(struct fsvm_completion, status, FSVM_CPL_OFF_STATUS);
FSVM_PIN(struct fsvm_completion, syndrome, FSVM_CPL_OFF_SYNDROME);
FSVM_PIN(struct fsvm_completion, fault_va, FSVM_CPL_OFF_FAULT_VA);
FSVM_PIN(struct fsvm_completion, start_ticks, FSVM_CPL_OFF_START);
FSVM_PIN(struct fsvm_completion, end_ticks, FSVM_CPL_OFF_END);
FSVM_PIN(struct fsvm_completion, cycles, FSVM_CPL_OFF_CYCLES);
FSVM_PIN(struct fsvm_completion, bytes, FSVM_CPL_OFF_BYTES);
FSVM_PIN(struct fsvm_completion, tlb_hits, FSVM_CPL_OFF_TLB_HITS);
FSVM_PIN(struct fsvm_completion, tlb_misses, FSVM_CPL_OFF_TLB_MISSES);
FSVM_PIN(struct fsvm_completion, items, FSVM_CPL_OFF_ITEMS);
FSVM_PIN(struct fsvm_completion, stalls, FSVM_CPL_OFF_STALLS);
FSVM_STATIC_ASSERT(sizeof(struct fsvm_completion) == FSVM_CPL_BYTES, "completion record is 64 bytes");

/* Fault syndrome (FSVM_CTX_FAULT_SYND and fsvm_completion.syndrome) */
#define FSVM_SYND_WRITE		(1u << 0)	/* the access was a write */
#define FSVM_SYND_TYPE_SHIFT	1
#define FSVM_SYND_TYPE_MASK	(0xfu << FSVM_SYND_TYPE_SHIFT)
#define FSVM_SYND_TYPE(s)	(((s) & FSVM_SYND_TYPE_MASK) >> FSVM_SYND_TYPE_SHIFT)
#define FSVM_SYND_LEVEL_SHIFT	5	/* walk level of the fault, 0..3 */
#define FSVM_SYND_LEVEL_MASK	(0x3u << FSVM_SYND_LEVEL_SHIFT)
#define FSVM_SYND_PACKET	(1u << 7)	/* the fault hit the ring/argument/completion fetch */

enum fsvm_fault_type {
	FSVM_FAULT_NONE = 0,
	FSVM_FAULT_TRANSLATION = 1,	/* no valid mapping (unmapped, NULL, freed, PROT_NONE) */
	FSVM_FAULT_PERMISSION = 2,	/* e.g. write to a read-only page */
	FSVM_FAULT_ACCESS_FLAG = 3,
	FSVM_FAULT_ADDRESS_SIZE = 4,	/* output address beyond the PA size */
	FSVM_FAULT_EXTERNAL = 5,	/* bus error on the walk or data phase */
	FSVM_FAULT_ALIGNMENT = 6,	/* VA not aligned for the element type */
	FSVM_FAULT_DEPTH_LIMIT = 7,	/* structure deeper than the kernel's bound (a cycle?) */
};

/* ------------------------------------------------------------------ */
/* Data structures the pointer kernels walk (host programs build these) */
/* ------------------------------------------------------------------ */
/*
 * Nodes are 8-byte aligned; `next`/`left`/`right`/`bucket` values are
 * process VAs (plain C pointers cast to uint64_t), 0 terminates.
 */
#define FSVM_NODE_BYTES		32u	/* every node type below */

struct fsvm_list_node {
	uint64_t next;
	uint64_t key;
	uint64_t payload;
	uint64_t pad;
};
#define FSVM_LIST_OFF_NEXT	0u
#define FSVM_LIST_OFF_KEY	8u
#define FSVM_LIST_OFF_PAYLOAD	16u
FSVM_PIN(struct fsvm_list_node, next, FSVM_LIST_OFF_NEXT);
FSVM_PIN(struct fsvm_list_node, key, FSVM_LIST_OFF_KEY);
FSVM_PIN(struct fsvm_list_node, payload, FSVM_LIST_OFF_PAYLOAD);
FSVM_STATIC_ASSERT(sizeof(struct fsvm_list_node) == FSVM_NODE_BYTES, "list node is 32 bytes");

struct fsvm_bst_node {
	uint64_t key;
	uint64_t value;
	uint64_t left;
	uint64_t right;
};
#define FSVM_BST_OFF_KEY	0u
#define FSVM_BST_OFF_VALUE	8u
#define FSVM_BST_OFF_LEFT	16u
#define FSVM_BST_OFF_RIGHT	24u
FSVM_PIN(struct fsvm_bst_node, key, FSVM_BST_OFF_KEY);
FSVM_PIN(struct fsvm_bst_node, value, FSVM_BST_OFF_VALUE);
FSVM_PIN(struct fsvm_bst_node, left, FSVM_BST_OFF_LEFT);
FSVM_PIN(struct fsvm_bst_node, right, FSVM_BST_OFF_RIGHT);
FSVM_STATIC_ASSERT(sizeof(struct fsvm_bst_node) == FSVM_NODE_BYTES, "bst node is 32 bytes");

struct fsvm_hash_node {
	uint64_t next;
	uint64_t key;
	uint64_t value;
	uint64_t pad;
};
#define FSVM_HASH_OFF_NEXT	0u
#define FSVM_HASH_OFF_KEY	8u
#define FSVM_HASH_OFF_VALUE	16u
FSVM_PIN(struct fsvm_hash_node, next, FSVM_HASH_OFF_NEXT);
FSVM_PIN(struct fsvm_hash_node, key, FSVM_HASH_OFF_KEY);
FSVM_PIN(struct fsvm_hash_node, value, FSVM_HASH_OFF_VALUE);
FSVM_STATIC_ASSERT(sizeof(struct fsvm_hash_node) == FSVM_NODE_BYTES, "hash node is 32 bytes");

/* Output of pointer_chase and list_search. */
struct fsvm_chase_result {
	uint64_t hops;		/* nodes visited */
	uint64_t last;		/* VA of the last node visited (list_search: the match, or 0) */
	uint64_t checksum;	/* FSVM_CHECKSUM over payloads (list_search: matched payload) */
	uint64_t found;		/* list_search: 1 if found; pointer_chase: 1 if the list ended */
};
#define FSVM_CHASE_RESULT_BYTES	32u
#define FSVM_CHASE_OFF_HOPS	0u
#define FSVM_CHASE_OFF_LAST	8u
#define FSVM_CHASE_OFF_CHECKSUM	16u
#define FSVM_CHASE_OFF_FOUND	24u
FSVM_PIN(struct fsvm_chase_result, hops, FSVM_CHASE_OFF_HOPS);
FSVM_PIN(struct fsvm_chase_result, last, FSVM_CHASE_OFF_LAST);
FSVM_PIN(struct fsvm_chase_result, checksum, FSVM_CHASE_OFF_CHECKSUM);
FSVM_PIN(struct fsvm_chase_result, found, FSVM_CHASE_OFF_FOUND);
FSVM_STATIC_ASSERT(sizeof(struct fsvm_chase_result) == FSVM_CHASE_RESULT_BYTES, "chase result is 32 bytes");

/* The payload checksum pointer_chase computes: order-dependent and cheap. */
#define FSVM_CHECKSUM_STEP(sum, payload) \
	((((sum) << 5) | ((sum) >> 59)) ^ (uint64_t)(payload))

/* Result value bst_lookup and hash_probe store for a key that is absent. */
#define FSVM_NOT_FOUND		UINT64_MAX

/*
 * Upper bounds on every loop in a kernel: they keep HLS loops bounded and a
 * corrupt (cyclic) structure from hanging the device. A BST deeper than
 * FSVM_BST_MAX_DEPTH or a hash chain longer than FSVM_HASH_MAX_CHAIN ends
 * the kernel with FSVM_FAULT_DEPTH_LIMIT at the node where it stopped;
 * pointer_chase/list_search simply stop after max_hops (<= FSVM_MAX_HOPS).
 */
#define FSVM_MAX_HOPS		(1ull << 32)
/* pointer_chase_batch: lanes the hardware has (k <= this at run time). */
#define FSVM_BATCH_LANES	16u
#define FSVM_MAX_ELEMS		(1ull << 32)
#define FSVM_BST_MAX_DEPTH	1024u
#define FSVM_HASH_MAX_CHAIN	65536u

/*
 * Kernel arguments, in slot order (see the kernel table for names):
 *  pointer_chase: head, max_hops, result(fsvm_chase_result*)
 *  pointer_chase_batch: heads(node VA*), k (1..FSVM_BATCH_LANES), max_hops,
 *                 results(fsvm_chase_result[k])
 *  list_search:   head, key, max_hops, result(fsvm_chase_result*)
 *  bst_lookup_batch: root, keys, n, k (1..FSVM_BATCH_LANES), results
 *  hash_probe_batch: buckets, nbuckets, keys, n, k, results
 *                 - the results of bst_lookup / hash_probe for every k
 *  bst_lookup:    root, keys(u64*), n, results(u64*)  - value or FSVM_NOT_FOUND
 *  hash_probe:    buckets(u64*), nbuckets (power of two), keys, n, results
 *                 bucket = FSVM_HASH(key) & (nbuckets - 1)
 *  vadd:          a(f32*), b(f32*), c(f32*), n
 *  memcpy:        dst, src, nbytes
 *  memset:        dst, byte value, nbytes
 *
 * Semantics every CPU reference must match:
 *  pointer_chase: visit head, head->next, ... while the node is non-zero and
 *    hops < max_hops. hops = nodes visited, last = VA of the last visited
 *    node (0 if none), checksum = FSVM_CHECKSUM_STEP folded over the visited
 *    payloads starting from 0, found = 1 if it stopped on a zero next
 *    pointer (or head == 0), 0 if it stopped on max_hops.
 *  pointer_chase_batch: results[i] = pointer_chase(heads[i], max_hops) for
 *    i < k, the k walks interleaved (one node of every live walk per round).
 *  list_search: the same walk, stopping at the first node with key == key:
 *    found = 1, last = that node, checksum = its payload, hops counts it.
 *    Not found: found = 0, last = 0, checksum = 0, hops = nodes visited.
 *  bst_lookup: results[i] = value of the node whose key == keys[i], going
 *    left when keys[i] < node key, right when greater; FSVM_NOT_FOUND if none.
 *  hash_probe: results[i] = value of the first node with key == keys[i] in
 *    the chain buckets[FSVM_HASH(keys[i]) & (nbuckets - 1)]; else FSVM_NOT_FOUND.
 *  vadd: c[i] = a[i] + b[i] for i < n (IEEE float32 add, round to nearest).
 * Alignment: nodes, results and u64 arrays 8-byte aligned, float arrays
 * 4-byte aligned, memcpy/memset any byte address; a misaligned pointer ends
 * the kernel with FSVM_FAULT_ALIGNMENT at that VA. Nothing needs more than
 * element alignment: malloc's 16-byte alignment is always enough.
 */
#define FSVM_HASH(key)	(((uint64_t)(key) * 0x9e3779b97f4a7c15ull) >> 17)

/* ------------------------------------------------------------------ */
/* The kernels' AXI master port                                        */
/* ------------------------------------------------------------------ */
/*
 * HLS kernels reach memory only through these accessors, with process VAs.
 * Each returns 0 on success and non-zero when the access faulted (the SMMU
 * terminated it): the kernel then stops and returns FSVM_ST_FAULTED; the
 * shell records the fault.
 *
 * In synthesis (__SYNTHESIS__) the port is one m_axi bundle with 64-bit
 * addresses and offset=direct: memory is indexed by VA. HLS masters ignore
 * AXI response codes, so the shell must watch for the SMMU's error response
 * and abort the kernel (the accessors cannot fail from the kernel's point
 * of view). That shell logic exists only in the device model so far: see
 * docs/hw-interface.md, "What exists as hardware today".
 *
 * In C simulation the device model implements them (hw-kernels/model):
 * bursts of at most 4 KiB that never cross a 4 KiB boundary, through the
 * SMMU model's TLB and fault logic.
 */
#ifdef __SYNTHESIS__
typedef volatile uint8_t fsvm_axi_t;

static inline int fsvm_axi_read(fsvm_axi_t *m, uint64_t va, void *dst, uint32_t len)
{
	uint8_t *d = (uint8_t *)dst;

	for (uint32_t i = 0; i < len; i++)
		d[i] = m[va + i];
	return 0;
}

static inline int fsvm_axi_write(fsvm_axi_t *m, uint64_t va, const void *src, uint32_t len)
{
	const uint8_t *s = (const uint8_t *)src;

	for (uint32_t i = 0; i < len; i++)
		m[va + i] = s[i];
	return 0;
}
#else
/* Opaque: the device model's per-launch port state. */
typedef struct fsvm_axi fsvm_axi_t;

/* Read len bytes at va into dst; 0 or non-zero on fault. */
int fsvm_axi_read(fsvm_axi_t *m, uint64_t va, void *dst, uint32_t len);
/* Write len bytes from src to va; 0 or non-zero on fault. */
int fsvm_axi_write(fsvm_axi_t *m, uint64_t va, const void *src, uint32_t len);
#endif

/*
 * A timing hint, not an access: the bursts a kernel issues between
 * fsvm_axi_overlap_begin and fsvm_axi_overlap_end are independent of each
 * other (the K lanes of a batched traversal, unrolled in hardware), so the
 * master keeps them outstanding together instead of one after the other.
 * Synthesis: nothing (the unrolled lanes are the overlap). C simulation:
 * the device model's cycle model charges the group as overlapped
 * (cycle_model.c); a user-space port without them (weak) simply ignores
 * the hint.
 */
#ifdef __SYNTHESIS__
static inline void fsvm_axi_overlap_begin(fsvm_axi_t *m) { (void)m; }
static inline void fsvm_axi_overlap_end(fsvm_axi_t *m) { (void)m; }
#define FSVM_AXI_HAS_OVERLAP(f)	1
#elif defined(__KERNEL__)
/*
 * The module always links the cycle model. A weak reference would be
 * reached through the GOT, and arm64's module loader refuses GOT
 * relocations ("unsupported RELA relocation", insmod: invalid format).
 */
void fsvm_axi_overlap_begin(fsvm_axi_t *m);
void fsvm_axi_overlap_end(fsvm_axi_t *m);
#define FSVM_AXI_HAS_OVERLAP(f)	1
#else
void fsvm_axi_overlap_begin(fsvm_axi_t *m) __attribute__((weak));
void fsvm_axi_overlap_end(fsvm_axi_t *m) __attribute__((weak));
#define FSVM_AXI_HAS_OVERLAP(f)	(f)
#endif

static inline int fsvm_axi_rd64(fsvm_axi_t *m, uint64_t va, uint64_t *v)
{
	return fsvm_axi_read(m, va, v, 8);
}

static inline int fsvm_axi_wr64(fsvm_axi_t *m, uint64_t va, uint64_t v)
{
	return fsvm_axi_write(m, va, &v, 8);
}

/* The table page holds every kernel table entry. */
FSVM_STATIC_ASSERT(FSVM_KERNEL_TABLE_OFF + FSVM_MAX_KERNELS * FSVM_KDESC_BYTES <= FSVM_CTX_BASE_OFF,
		   "kernel table fits below the context pages");
FSVM_STATIC_ASSERT(FSVM_K_COUNT <= FSVM_MAX_KERNELS, "fsvm_kernels.def: at most 15 kernels");

/* ------------------------------------------------------------------ */
/* Compiled kernels (OpenCL C on the simulated device)                 */
/* ------------------------------------------------------------------ */
/*
 * A FSVM_PKT_COMPILED packet runs a work-group function that a compiler
 * produced (pocl-device/oclc instruments it so that every global, constant
 * and generic access goes through the device's memory port). kernel_id is
 * ignored; args[0] is the VA of the launch descriptor below (8-byte
 * aligned), which the device reads through the SMMU like the packet, and
 * whose args_va points to nargs 64-bit argument slots, also read by VA.
 * A fault while fetching either is reported with FSVM_SYND_PACKET.
 *
 * Only the simulated device has a compiled-kernel engine; silicon answers
 * FSVM_ST_BAD_PACKET (a user kernel on a board is an HLS kernel in the
 * kernel table).
 *
 * Argument slots: pointers are VAs; integer scalars in the low bits; float
 * as its IEEE bits in the low 32 bits, double as its 64 bits. A __local
 * pointer argument's slot holds its size in bytes: the device gives it
 * that much of its on-chip local memory (FSVM_LOCAL_MEM_BYTES in total per
 * work-group, together with the kernel's own __local variables).
 *
 * printf buffer: the first 8 bytes count the bytes of text the kernel's
 * printf calls have written after them (the host zeroes it before the
 * launch); text that does not fit is dropped and the count stops at
 * printf_size - 8. Written by the device through its memory port.
 */
#define FSVM_COMPILED_MAX_ARGS	32u
#define FSVM_COMPILED_MAX_DIM	3u
#define FSVM_LOCAL_MEM_BYTES	65536u	/* modeled on-chip memory per work-group */

struct fsvm_compiled_launch {
	uint64_t handle;		/* what registering the kernel returned */
	uint32_t work_dim;		/* 1..3 */
	uint32_t nargs;			/* must equal the kernel's argument count */
	uint64_t global_size[FSVM_COMPILED_MAX_DIM];	/* work-items, >= 1 each */
	uint64_t local_size[FSVM_COMPILED_MAX_DIM];	/* divides global_size */
	uint64_t global_offset[FSVM_COMPILED_MAX_DIM];
	uint64_t args_va;		/* VA of uint64_t[nargs], 8-byte aligned */
	uint64_t printf_va;		/* printf buffer (8-byte aligned) or 0 */
	uint64_t printf_size;		/* its size in bytes (>= 16), 0 without */
};

#define FSVM_CLAUNCH_BYTES		112u
#define FSVM_CLAUNCH_OFF_HANDLE		0u
#define FSVM_CLAUNCH_OFF_WORK_DIM	8u
#define FSVM_CLAUNCH_OFF_NARGS		12u
#define FSVM_CLAUNCH_OFF_GLOBAL_SIZE	16u
#define FSVM_CLAUNCH_OFF_LOCAL_SIZE	40u
#define FSVM_CLAUNCH_OFF_GLOBAL_OFFSET	64u
#define FSVM_CLAUNCH_OFF_ARGS_VA	88u
#define FSVM_CLAUNCH_OFF_PRINTF_VA	96u
#define FSVM_CLAUNCH_OFF_PRINTF_SIZE	104u
FSVM_PIN(struct fsvm_compiled_launch, handle, FSVM_CLAUNCH_OFF_HANDLE);
FSVM_PIN(struct fsvm_compiled_launch, work_dim, FSVM_CLAUNCH_OFF_WORK_DIM);
FSVM_PIN(struct fsvm_compiled_launch, nargs, FSVM_CLAUNCH_OFF_NARGS);
FSVM_PIN(struct fsvm_compiled_launch, global_size, FSVM_CLAUNCH_OFF_GLOBAL_SIZE);
FSVM_PIN(struct fsvm_compiled_launch, local_size, FSVM_CLAUNCH_OFF_LOCAL_SIZE);
FSVM_PIN(struct fsvm_compiled_launch, global_offset, FSVM_CLAUNCH_OFF_GLOBAL_OFFSET);
FSVM_PIN(struct fsvm_compiled_launch, args_va, FSVM_CLAUNCH_OFF_ARGS_VA);
FSVM_PIN(struct fsvm_compiled_launch, printf_va, FSVM_CLAUNCH_OFF_PRINTF_VA);
FSVM_PIN(struct fsvm_compiled_launch, printf_size, FSVM_CLAUNCH_OFF_PRINTF_SIZE);
FSVM_STATIC_ASSERT(sizeof(struct fsvm_compiled_launch) == FSVM_CLAUNCH_BYTES,
		   "compiled launch descriptor is 112 bytes");

#ifdef __cplusplus
}
#endif

#endif /* FSVM_HW_H */
