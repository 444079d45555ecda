// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_doctor.c - the rules of `fsvm doctor` on canned module reports: a
 * bank programmed by the module's own functions passes every check; each
 * classic mistake (T0SZ, PASize, INSTCFG, MAIR from io-pgtable or another
 * kernel, shared mode on a non-coherent walk, secure HLS masters, an
 * unmatched stream, a bank reset behind fsvm's back) is named.
 */
#include "kmod_test.h"
#include "doctor.h"
#include "fsvm_hw.h"

static struct doctor_finding f[DOCTOR_MAX_FINDINGS];

/* A healthy board: 48-bit VA Debian kernel, 40-bit PAs, coherent walk. */
static void good(struct doctor_input *in)
{
	struct fsvm_cb_params p = {
		.va_bits = 48, .pa_bits = 40, .ias_bits = 48, .mair = MAIR_LINUX_6_1,
		.coherent_walk = true, .asid = 3, .vmid = 4, .ttbr = 0x812345000ull,
		.affd = true,
	};
	struct fsvm_cb_regs r;
	struct fsvm_diag_bank *b = &in->diag.banks[0];

	memset(in, 0, sizeof(*in));
	CHECK_EQ(fsvm_cb_compute(&p, &r), 0);
	in->diag.flags = FSVM_DIAG_F_FW_COHERENT | FSVM_DIAG_F_CTTW;
	in->diag.cpu_va_bits = 48;
	in->diag.cpu_pa_bits = 40;
	in->diag.cpu_mair = MAIR_LINUX_6_1;
	in->diag.idr[0] = SMMU_IDR0_S1TS | SMMU_IDR0_SMS | SMMU_IDR0_CTTW | 48;
	in->diag.idr[2] = 5 | (5u << SMMU_IDR2_OAS_SHIFT) | SMMU_IDR2_PTFS_4K;
	in->diag.scr0 = SMMU_SCR0_USFCFG | SMMU_SCR0_PTM;
	in->diag.mode = FSVM_MODE_SHARED;
	in->diag.num_banks = 1;
	b->bank = 3;
	b->in_use = 1;
	b->mode = FSVM_MODE_SHARED;
	b->smr = fsvm_smr_value(0x200, 0);
	b->s2cr = fsvm_s2cr_value(3);
	b->cbar = r.cbar;
	b->cba2r = r.cba2r;
	b->sctlr = r.sctlr;
	b->tcr = r.tcr;
	b->tcr2 = r.tcr2;
	b->mair0 = r.mair0;
	b->mair1 = r.mair1;
	b->ttbr0_asid = 3;
	b->ttbr0_set = 1;
}

static bool has(const char *check, enum doctor_level lvl, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(f[i].check, check) && f[i].level == lvl)
			return true;
	return false;
}

static void test_healthy(void)
{
	struct doctor_input in;
	unsigned int n;

	good(&in);
	in.probe_ran = true;
	in.probe_status = FSVM_ST_DONE;
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	for (unsigned int i = 0; i < n; i++)
		if (f[i].level >= DOC_WARN)
			fprintf(stderr, "  unexpected: %s: %s\n", f[i].check, f[i].text);
	CHECK(doctor_worst(f, n) < DOC_WARN);
	CHECK(has("t0sz", DOC_OK, n));
	CHECK(has("mair", DOC_OK, n));
	CHECK(has("probe", DOC_OK, n));
}

/* force_shared: DIAG's FORCED flag is named on its own (issue 8 L5). */
static void test_forced(void)
{
	struct doctor_input in;
	unsigned int n;

	good(&in);
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	CHECK(!has("forced", DOC_FAIL, n));
	in.diag.flags = FSVM_DIAG_F_FORCED;	/* neither firmware nor CTTW coherent */
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	CHECK(has("forced", DOC_FAIL, n));
	CHECK(doctor_worst(f, n) == DOC_FAIL);
}

static void test_mistakes(void)
{
	struct doctor_input in;
	unsigned int n;

	good(&in);
	in.diag.banks[0].tcr = (in.diag.banks[0].tcr & ~0x3fu) | 25;	/* 39-bit T0SZ */
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	CHECK(has("t0sz", DOC_FAIL, n));

	good(&in);
	in.diag.cpu_pa_bits = 44;	/* PASize left at 40 */
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	CHECK(has("pasize", DOC_FAIL, n));

	good(&in);
	in.diag.banks[0].s2cr |= SMMU_S2CR_INSTCFG(3);
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	CHECK(has("instcfg", DOC_FAIL, n));

	good(&in);
	in.diag.banks[0].mair0 = (uint32_t)MAIR_IO_PGTABLE;
	in.diag.banks[0].mair1 = 0;
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	CHECK(has("mair", DOC_FAIL, n));
	CHECK(strstr(f[0].text, "") != NULL);

	good(&in);
	in.diag.cpu_mair = MAIR_LINUX_5_10;	/* bank has 6.1's layout */
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	CHECK(has("mair", DOC_FAIL, n));

	good(&in);
	in.diag.flags &= ~FSVM_DIAG_F_FW_COHERENT;	/* forced shared */
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	CHECK(has("walk-coherence", DOC_FAIL, n));
	CHECK(has("walk-attributes", DOC_WARN, n));
	in.diag.mode = FSVM_MODE_MIRROR;
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	CHECK(has("walk-coherence", DOC_OK, n));

	good(&in);
	in.probe_ran = true;
	in.probe_status = 0;	/* timed out, SMMU saw nothing */
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	CHECK(has("axprot", DOC_FAIL, n));
	in.probe_status = FSVM_ST_FAULTED;
	in.probe_syndrome = FSVM_FAULT_EXTERNAL << FSVM_SYND_TYPE_SHIFT;
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	CHECK(has("axprot", DOC_FAIL, n));
	in.diag.irqs = 1;	/* the SMMU did see it: not the AxPROT symptom */
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	CHECK(!has("axprot", DOC_FAIL, n));
	CHECK(has("probe", DOC_FAIL, n));

	good(&in);
	in.diag.sgfsr = SMMU_SGFSR_USF;
	in.diag.sgfsynr1 = 0x240;
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	CHECK(has("stream-mapping", DOC_FAIL, n));

	good(&in);
	in.diag.banks[0].sctlr = 0;
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	CHECK(has("bank-enabled", DOC_FAIL, n));

	good(&in);
	in.diag.scr0 |= SMMU_SCR0_CLIENTPD;
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	CHECK(has("smmu-enabled", DOC_FAIL, n));

	good(&in);
	in.diag.banks[0].in_use = 0;
	n = doctor_diagnose(&in, f, DOCTOR_MAX_FINDINGS);
	CHECK(has("banks", DOC_INFO, n));
	CHECK(strlen(doctor_no_device_text()) > 50);
}

int main(void)
{
	RUN(test_healthy);
	RUN(test_forced);
	RUN(test_mistakes);
	return check_exit_code("test_doctor");
}
