/*
 * test_contract.c - the hardware contract's byte layout, checked field by field.
 *
 * fsvm_hw.h is read by HLS code, the device model, libfsvm and the kernel
 * module; a field that moves breaks all of them at once. These checks pin
 * every offset and every encoding helper to the values docs/hw-interface.md
 * documents.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsvm_hw.h"
#include "test_check.h"

/*
 * At compile time: the offset names of fsvm_hw.h have the values
 * docs/hw-interface.md documents (fsvm_hw.h pins each name to its struct
 * field with FSVM_PIN, so together the layout cannot move unnoticed).
 */
#define PIN_VALUE(name, value) _Static_assert((name) == (value), #name " is " #value)
PIN_VALUE(FSVM_PKT_BYTES, 64);
PIN_VALUE(FSVM_PKT_OFF_TYPE, 0);
PIN_VALUE(FSVM_PKT_OFF_FLAGS, 1);
PIN_VALUE(FSVM_PKT_OFF_KERNEL_ID, 2);
PIN_VALUE(FSVM_PKT_OFF_GRID_SIZE, 4);
PIN_VALUE(FSVM_PKT_OFF_ARGS, 8);
PIN_VALUE(FSVM_PKT_OFF_COMPLETION, 48);
PIN_VALUE(FSVM_PKT_OFF_USER_TAG, 56);
PIN_VALUE(FSVM_CPL_BYTES, 64);
PIN_VALUE(FSVM_CPL_OFF_STATUS, 0);
PIN_VALUE(FSVM_CPL_OFF_SYNDROME, 4);
PIN_VALUE(FSVM_CPL_OFF_FAULT_VA, 8);
PIN_VALUE(FSVM_CPL_OFF_START, 16);
PIN_VALUE(FSVM_CPL_OFF_END, 24);
PIN_VALUE(FSVM_CPL_OFF_CYCLES, 32);
PIN_VALUE(FSVM_CPL_OFF_BYTES, 40);
PIN_VALUE(FSVM_CPL_OFF_TLB_HITS, 48);
PIN_VALUE(FSVM_CPL_OFF_TLB_MISSES, 52);
PIN_VALUE(FSVM_CPL_OFF_ITEMS, 56);
PIN_VALUE(FSVM_CPL_OFF_STALLS, 60);
PIN_VALUE(FSVM_KDESC_BYTES, 256);
PIN_VALUE(FSVM_KDESC_OFF_NAME, 8);
PIN_VALUE(FSVM_KDESC_OFF_ARGS, 40);
PIN_VALUE(FSVM_KARG_BYTES, 24);
PIN_VALUE(FSVM_KARG_OFF_NAME, 4);
PIN_VALUE(FSVM_NODE_BYTES, 32);
PIN_VALUE(FSVM_LIST_OFF_NEXT, 0);
PIN_VALUE(FSVM_LIST_OFF_KEY, 8);
PIN_VALUE(FSVM_LIST_OFF_PAYLOAD, 16);
PIN_VALUE(FSVM_BST_OFF_KEY, 0);
PIN_VALUE(FSVM_BST_OFF_VALUE, 8);
PIN_VALUE(FSVM_BST_OFF_LEFT, 16);
PIN_VALUE(FSVM_BST_OFF_RIGHT, 24);
PIN_VALUE(FSVM_HASH_OFF_NEXT, 0);
PIN_VALUE(FSVM_HASH_OFF_KEY, 8);
PIN_VALUE(FSVM_HASH_OFF_VALUE, 16);
PIN_VALUE(FSVM_CHASE_RESULT_BYTES, 32);
PIN_VALUE(FSVM_CHASE_OFF_HOPS, 0);
PIN_VALUE(FSVM_CHASE_OFF_LAST, 8);
PIN_VALUE(FSVM_CHASE_OFF_CHECKSUM, 16);
PIN_VALUE(FSVM_CHASE_OFF_FOUND, 24);
PIN_VALUE(FSVM_CLAUNCH_BYTES, 112);
PIN_VALUE(FSVM_CLAUNCH_OFF_ARGS_VA, 88);

static void test_packet_layout(void)
{
	CHECK_EQ(sizeof(struct fsvm_packet), 64);
	CHECK_EQ(offsetof(struct fsvm_packet, type), 0);
	CHECK_EQ(offsetof(struct fsvm_packet, flags), 1);
	CHECK_EQ(offsetof(struct fsvm_packet, kernel_id), 2);
	CHECK_EQ(offsetof(struct fsvm_packet, grid_size), 4);
	CHECK_EQ(offsetof(struct fsvm_packet, args), 8);
	CHECK_EQ(offsetof(struct fsvm_packet, completion_va), 48);
	CHECK_EQ(offsetof(struct fsvm_packet, user_tag), 56);
}

/* A packet encoded by the struct reads back byte for byte, little-endian. */
static void test_packet_bytes(void)
{
	struct fsvm_packet p;
	unsigned char b[64];

	memset(&p, 0, sizeof(p));
	p.type = FSVM_PKT_KERNEL;
	p.flags = FSVM_PKT_F_BARRIER | FSVM_PKT_F_IRQ;
	p.kernel_id = FSVM_K_HASH_PROBE;
	p.grid_size = 0x01020304;
	p.args[0] = 0x1122334455667788ull;
	p.completion_va = 0x00007fff12345678ull;
	p.user_tag = 0xa5;
	memcpy(b, &p, sizeof(b));

	CHECK_EQ(b[0], 1);
	CHECK_EQ(b[1], 0x05);
	CHECK_EQ(b[2], 4);
	CHECK_EQ(b[3], 0);
	CHECK_EQ(b[4], 0x04);
	CHECK_EQ(b[7], 0x01);
	CHECK_EQ(b[8], 0x88);
	CHECK_EQ(b[15], 0x11);
	CHECK_EQ(b[48], 0x78);
	CHECK_EQ(b[53], 0x7f);
	CHECK_EQ(b[56], 0xa5);
}

static void test_completion_layout(void)
{
	CHECK_EQ(sizeof(struct fsvm_completion), 64);
	CHECK_EQ(offsetof(struct fsvm_completion, status), 0);
	CHECK_EQ(offsetof(struct fsvm_completion, syndrome), 4);
	CHECK_EQ(offsetof(struct fsvm_completion, fault_va), 8);
	CHECK_EQ(offsetof(struct fsvm_completion, start_ticks), 16);
	CHECK_EQ(offsetof(struct fsvm_completion, end_ticks), 24);
	CHECK_EQ(offsetof(struct fsvm_completion, cycles), 32);
	CHECK_EQ(offsetof(struct fsvm_completion, bytes), 40);
	CHECK_EQ(offsetof(struct fsvm_completion, tlb_hits), 48);
	CHECK_EQ(offsetof(struct fsvm_completion, tlb_misses), 52);
	CHECK_EQ(offsetof(struct fsvm_completion, items), 56);
	CHECK_EQ(offsetof(struct fsvm_completion, stalls), 60);
	CHECK_EQ(FSVM_ST_PENDING, 0);
}

static void test_kernel_table_layout(void)
{
	CHECK_EQ(sizeof(struct fsvm_kernel_arg_desc), 24);
	CHECK_EQ(sizeof(struct fsvm_kernel_desc), 256);
	CHECK_EQ(offsetof(struct fsvm_kernel_desc, name), 8);
	CHECK_EQ(offsetof(struct fsvm_kernel_desc, args), 40);
	CHECK_EQ(FSVM_KERNEL_TABLE_OFF + FSVM_MAX_KERNELS * sizeof(struct fsvm_kernel_desc),
		 0x2000);
}

static void test_window_layout(void)
{
	CHECK_EQ(FSVM_CTX_OFF(0), 0x10000);
	CHECK_EQ(FSVM_CTX_OFF(3), 0x13000);
	CHECK_EQ(FSVM_WINDOW_SIZE, 0x20000);
	CHECK_EQ(FSVM_HW_MAGIC, 0x4d565346);
	/* "FSVM" in memory order */
	CHECK_EQ(FSVM_HW_MAGIC & 0xff, 'F');
	CHECK_EQ((FSVM_HW_MAGIC >> 24) & 0xff, 'M');
	CHECK_EQ(FSVM_HW_VERSION, 0x10000);
	/* Each context register lives inside the first 64 bytes of its page. */
	CHECK_EQ(FSVM_CTX_STREAM_ID < 64, 1);
}

/* Syndrome fields encode and decode without overlapping. */
static void test_syndrome(void)
{
	for (unsigned int type = 0; type < 16; type++) {
		for (unsigned int level = 0; level < 4; level++) {
			uint32_t s = FSVM_SYND_WRITE | (type << FSVM_SYND_TYPE_SHIFT) |
				     (level << FSVM_SYND_LEVEL_SHIFT) | FSVM_SYND_PACKET;

			CHECK_EQ(FSVM_SYND_TYPE(s), type);
			CHECK_EQ((s & FSVM_SYND_LEVEL_MASK) >> FSVM_SYND_LEVEL_SHIFT, level);
			CHECK_EQ(s & FSVM_SYND_WRITE, FSVM_SYND_WRITE);
			CHECK_EQ(!!(s & FSVM_SYND_PACKET), 1);
		}
	}
	CHECK_EQ(FSVM_SYND_TYPE(FSVM_SYND_WRITE), FSVM_FAULT_NONE);
}

static void test_nodes_and_checksum(void)
{
	CHECK_EQ(offsetof(struct fsvm_list_node, next), 0);
	CHECK_EQ(offsetof(struct fsvm_list_node, payload), 16);
	CHECK_EQ(offsetof(struct fsvm_bst_node, left), 16);
	CHECK_EQ(offsetof(struct fsvm_bst_node, right), 24);
	CHECK_EQ(offsetof(struct fsvm_hash_node, value), 16);
	CHECK_EQ(sizeof(struct fsvm_chase_result), 32);

	/* The checksum is a rotate-by-5 then xor: pin two steps. */
	uint64_t sum = 0;

	sum = FSVM_CHECKSUM_STEP(sum, 0x8000000000000001ull);
	CHECK_EQ(sum, 0x8000000000000001ull);
	sum = FSVM_CHECKSUM_STEP(sum, 3);
	CHECK_EQ(sum, 0x30ull ^ 3); /* rol5: bit 0 -> bit 5, bit 63 -> bit 4 */
	CHECK_EQ(FSVM_HASH(0), 0);
	CHECK_EQ(FSVM_HASH(1), 0x9e3779b97f4a7c15ull >> 17);
}

int main(void)
{
	test_packet_layout();
	test_packet_bytes();
	test_completion_layout();
	test_kernel_table_layout();
	test_window_layout();
	test_syndrome();
	test_nodes_and_checksum();
	return check_exit_code("test_contract");
}
