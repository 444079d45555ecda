// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_layout.c - issue 8 L8: fsvm_layout_check() refuses a context layout
 * the device tree could give that breaks isolation: two contexts on one
 * bank or one SMR group, a mask under which one context's SMR matches
 * another's StreamID, anything beyond the SMMU. The mask case is shown on
 * the SMMU-500 model too: programmed as fsvm would, it is a stream match
 * conflict.
 */
#include "kmod_test.h"
#include "fsvm_layout.h"

static const uint8_t banks[4] = { 12, 13, 14, 15 };
static const uint8_t smrs[4] = { 44, 45, 46, 47 };

static struct fsvm_layout zcu(void)
{
	struct fsvm_layout l = {
		.n = 4, .banks = banks, .smrs = smrs, .sid_base = 0x200, .sid_mask = 0,
		.num_cb = 16, .num_smr = 48, .sid_bits = 15,
	};

	return l;
}

static void test_good(void)
{
	struct fsvm_layout l = zcu();
	const char *why = NULL;
	unsigned int i = 99;

	CHECK_EQ(fsvm_layout_check(&l, &why, &i), 0);
	l.sid_mask = 0x7c00;	/* masks only bits no two contexts differ in */
	CHECK_EQ(fsvm_layout_check(&l, &why, &i), 0);
}

static void test_bad(void)
{
	uint8_t dup_b[4] = { 12, 13, 12, 15 }, dup_s[4] = { 44, 45, 46, 45 };
	struct fsvm_layout l = zcu();
	const char *why = NULL;
	unsigned int i = 99;

	l.banks = dup_b;
	CHECK_EQ(fsvm_layout_check(&l, &why, &i), -EINVAL);
	CHECK_EQ(i, 2);
	CHECK(why && strstr(why, "bank given to two"));
	l = zcu();
	l.smrs = dup_s;
	CHECK_EQ(fsvm_layout_check(&l, &why, &i), -EINVAL);
	CHECK_EQ(i, 3);
	CHECK(why && strstr(why, "SMR group given to two"));
	l = zcu();
	l.sid_mask = 0x1;	/* 0x200 and 0x201 both match each SMR */
	CHECK_EQ(fsvm_layout_check(&l, &why, &i), -EINVAL);
	CHECK_EQ(i, 1);
	CHECK(why && strstr(why, "match one SMR"));
	l.sid_mask = 0x2;	/* 0x200/0x202 and 0x201/0x203 */
	CHECK_EQ(fsvm_layout_check(&l, &why, &i), -EINVAL);
	CHECK_EQ(i, 2);
	l = zcu();
	l.num_cb = 15;
	CHECK_EQ(fsvm_layout_check(&l, &why, &i), -EINVAL);
	CHECK_EQ(i, 3);
	l = zcu();
	l.sid_base = 0x7ffe;	/* 0x8000, 0x8001 need a 16th bit */
	CHECK_EQ(fsvm_layout_check(&l, &why, &i), -EINVAL);
	CHECK_EQ(i, 2);
	l = zcu();
	l.sid_mask = 0x8000;
	CHECK_EQ(fsvm_layout_check(&l, &why, &i), -EINVAL);
	l = zcu();
	l.n = 0;
	CHECK_EQ(fsvm_layout_check(&l, &why, &i), -EINVAL);
}

/* Why the mask case matters: two SMRs match one stream on the model. */
static void test_mask_conflict_on_model(void)
{
	static struct pmem pm;
	static struct tsmmu t;
	struct dev_xlate d;

	pm_init(&pm, 0x80000000ull);
	ts_init(&t, &pm, 48, 48, true);
	fsvm_stream_map(&t.io, 44, 0x200, 0x1, 12);
	fsvm_stream_map(&t.io, 45, 0x201, 0x1, 13);
	d = dev_access(&t, 0x201, 13, 0x1000, false);
	CHECK_EQ(d.r, SMMU_FAULT);
	CHECK(d.gfsr & SMMU_SGFSR_SMCF);
	pm_free(&pm);
}

int main(void)
{
	RUN(test_good);
	RUN(test_bad);
	RUN(test_mask_conflict_on_model);
	return check_exit_code("test_layout");
}
