/* SPDX-License-Identifier: MIT */
/*
 * doctor.c - the rules of `fsvm doctor` (see doctor.h). Register fields are
 * decoded with the SMMU model's definitions (hw-kernels/smmu/smmu500.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "doctor.h"
#include "fsvm_hw.h"
#include "smmu500.h"

/* io-pgtable-arm's MAIR (index 0 non-cacheable): never the CPU's. */
#define IO_PGTABLE_MAIR_LO	0xf404ff44u

struct acc {
	struct doctor_finding *out;
	unsigned int n, max;
};

static void add(struct acc *a, enum doctor_level lvl, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(struct acc *a, enum doctor_level lvl, const char *check, const char *fmt, ...)
{
	va_list ap;

	if (a->n >= a->max)
		return;
	a->out[a->n].level = lvl;
	a->out[a->n].check = check;
	va_start(ap, fmt);
	vsnprintf(a->out[a->n].text, sizeof(a->out[a->n].text), fmt, ap);
	va_end(ap);
	a->n++;
}

static unsigned int size_bits(unsigned int enc)
{
	static const unsigned int b[] = { 32, 36, 40, 42, 44, 48 };

	return enc < 6 ? b[enc] : 48;
}

static void check_global(const struct doctor_input *in, struct acc *a)
{
	const struct fsvm_diag *d = &in->diag;
	uint32_t idr0 = d->idr[0];
	unsigned int ias = size_bits(d->idr[2] & SMMU_IDR2_IAS_MASK);
	bool cttw = (idr0 & SMMU_IDR0_CTTW) != 0;
	bool fw = (d->flags & FSVM_DIAG_F_FW_COHERENT) != 0;

	if (d->scr0 & SMMU_SCR0_CLIENTPD)
		add(a, DOC_FAIL, "smmu-enabled", "sCR0.CLIENTPD is set: the SMMU is bypassed and "
		    "the FPGA's virtual addresses go to memory as physical addresses. Let the "
		    "arm-smmu driver bind the SMMU, or load fsvm with own_smmu=1.");
	else
		add(a, DOC_OK, "smmu-enabled", "the SMMU translates (sCR0.CLIENTPD clear).");

	if (!(idr0 & SMMU_IDR0_S1TS) || !(d->idr[2] & SMMU_IDR2_PTFS_4K))
		add(a, DOC_FAIL, "smmu-features", "the SMMU lacks stage-1 translation or AArch64 "
		    "4 KiB tables: it cannot walk Linux's page tables.");

	add(a, DOC_INFO, "cpu", "CPU: %u-bit user virtual addresses, %u-bit physical addresses, "
	    "MAIR_EL1 0x%016llx; SMMU: IAS %u bits, table walk %s by hardware (IDR0.CTTW), "
	    "%s by firmware (dma-coherent).", d->cpu_va_bits, d->cpu_pa_bits,
	    (unsigned long long)d->cpu_mair, ias, cttw ? "coherent" : "not coherent",
	    fw ? "coherent" : "not coherent");

	if (d->flags & FSVM_DIAG_F_FORCED)
		add(a, DOC_FAIL, "forced", "the module runs shared mode FORCED (force_shared=1) "
		    "although the table walk is not known to be coherent: nothing guarantees the "
		    "SMMU sees the page tables the CPU wrote. Never on a production board.");

	if (d->mode == FSVM_MODE_SHARED && !(fw && cttw))
		add(a, DOC_FAIL, "walk-coherence", "shared mode on a NON-COHERENT table walk "
		    "(forced): Linux writes page tables with plain stores and never cleans them, "
		    "so the SMMU reads stale or half-built tables from DRAM - the \"works only "
		    "after a 10 second pause\" symptom, or a translation to a page the process no "
		    "longer owns. Load fsvm with mode=mirror (or without force_shared), or make "
		    "the walk coherent (CCI snooping for the TBU, dma-coherent on the SMMU node).");
	else if (d->mode == FSVM_MODE_MIRROR && !(fw && cttw))
		add(a, DOC_OK, "walk-coherence", "the table walk is not coherent, so fsvm uses "
		    "mirror mode: its own table, cleaned to memory on every write.");
	else if (d->mode == FSVM_MODE_SHARED)
		add(a, DOC_OK, "walk-coherence", "the table walk is coherent: the SMMU shares the "
		    "process's own page table (shared mode).");
	else
		add(a, DOC_INFO, "walk-coherence", "the walk is coherent but mirror mode was "
		    "chosen (mode=mirror): correct, one extra table per process.");

	if (d->cpu_pa_bits > ias)
		add(a, DOC_WARN, "pasize", "the CPU uses %u-bit physical addresses but the SMMU "
		    "outputs only %u bits: memory above that cannot be reached by the FPGA.",
		    d->cpu_pa_bits, ias);

	if (d->sgfsr & SMMU_SGFSR_FAULT) {
		if (d->sgfsr & SMMU_SGFSR_USF)
			add(a, DOC_FAIL, "stream-mapping", "global fault: unidentified stream 0x%x "
			    "(sGFSR 0x%x). A transaction arrived with a StreamID no SMR matches: "
			    "check fsvm,stream-ids (TBU|master|AXI ID: HPC0 = 0x200) and that the "
			    "interconnect keeps AXI IDs (AXI SmartConnect does not).",
			    d->sgfsynr1 & 0xffff, d->sgfsr);
		else
			add(a, DOC_FAIL, "stream-mapping", "global fault sGFSR 0x%x (StreamID "
			    "0x%x): stream mapping or context bank type is wrong.", d->sgfsr,
			    d->sgfsynr1 & 0xffff);
	}
}

static void check_bank(const struct doctor_input *in, const struct fsvm_diag_bank *b,
		       unsigned int idx, struct acc *a)
{
	const struct fsvm_diag *d = &in->diag;
	unsigned int t0sz = b->tcr & SMMU_TCR_T0SZ_MASK;
	unsigned int pasize = size_bits(b->tcr2 & SMMU_TCR2_PASIZE_MASK);
	unsigned int ias = size_bits(d->idr[2] & SMMU_IDR2_IAS_MASK);
	unsigned int want_pa = d->cpu_pa_bits < ias ? d->cpu_pa_bits : ias;
	unsigned int instcfg = (b->s2cr & SMMU_S2CR_INSTCFG_MASK) >> SMMU_S2CR_INSTCFG_SHIFT;
	unsigned int privcfg = (b->s2cr & SMMU_S2CR_PRIVCFG_MASK) >> SMMU_S2CR_PRIVCFG_SHIFT;
	unsigned int type = (b->s2cr & SMMU_S2CR_TYPE_MASK) >> SMMU_S2CR_TYPE_SHIFT;
	uint64_t mair = ((uint64_t)b->mair1 << 32) | b->mair0;
	bool fw = (d->flags & FSVM_DIAG_F_FW_COHERENT) && (d->idr[0] & SMMU_IDR0_CTTW);
	unsigned int irgn = (b->tcr >> SMMU_TCR_IRGN0_SHIFT) & 3;
	char name[32];

	snprintf(name, sizeof(name), "context %u (bank %u)", idx, b->bank);
	if (!(b->sctlr & SMMU_SCTLR_M)) {
		add(a, DOC_FAIL, "bank-enabled", "%s: in use but SCTLR.M is clear - the bank "
		    "was reset behind fsvm's back (arm-smmu reset/resume?). Rebind; check that "
		    "arm-smmu does not own this bank.", name);
		return;
	}
	if (t0sz != 64 - d->cpu_va_bits)
		add(a, DOC_FAIL, "t0sz", "%s: TCR.T0SZ is %u (%u-bit VAs) but the CPU uses "
		    "%u-bit user VAs (T0SZ %u): the SMMU starts its walk at the wrong level and "
		    "every translation is wrong. Set T0SZ from the kernel's VA_BITS (PetaLinux "
		    "39 -> 25, Debian 48 -> 16).", name, t0sz, 64 - t0sz, d->cpu_va_bits,
		    64 - d->cpu_va_bits);
	else
		add(a, DOC_OK, "t0sz", "%s: T0SZ %u matches the CPU's %u-bit VAs.", name, t0sz,
		    d->cpu_va_bits);
	if (pasize < want_pa)
		add(a, DOC_FAIL, "pasize", "%s: TCR2.PASize is %u bits but the CPU's physical "
		    "addresses have %u: tables or pages above 2^%u give address size faults. "
		    "Program PASize from the CPU's PA size (ID_AA64MMFR0/TCR_EL1.IPS), not a "
		    "fixed value.", name, pasize, d->cpu_pa_bits, pasize);
	else if (pasize > ias)
		add(a, DOC_FAIL, "pasize", "%s: TCR2.PASize %u bits exceeds the SMMU's IAS %u "
		    "(behaviour unpredictable).", name, pasize, ias);
	else
		add(a, DOC_OK, "pasize", "%s: PASize %u bits.", name, pasize);
	if (type != SMMU_S2CR_TYPE_TRANS || (b->s2cr & SMMU_S2CR_CBNDX_MASK) != b->bank ||
	    !(b->smr & SMMU_SMR_VALID))
		add(a, DOC_FAIL, "stream-mapping", "%s: the stream is not mapped to this bank "
		    "(SMR 0x%08x, S2CR 0x%08x).", name, b->smr, b->s2cr);
	if (instcfg == SMMU_S2CR_INSTCFG_INST)
		add(a, DOC_FAIL, "instcfg", "%s: S2CR.INSTCFG is 3 (instruction fetch), its reset "
		    "value: every FPGA read of user data (execute-never pages) takes a permission "
		    "fault. Write S2CR whole with INSTCFG=2 (data), never read-modify-write it.",
		    name);
	else if (instcfg != SMMU_S2CR_INSTCFG_DATA)
		add(a, DOC_WARN, "instcfg", "%s: S2CR.INSTCFG %u uses the master's AxPROT[2]; "
		    "fsvm expects 2 (data).", name, instcfg);
	else
		add(a, DOC_OK, "instcfg", "%s: accesses are data (INSTCFG 2).", name);
	if (privcfg != SMMU_S2CR_PRIVCFG_UNPRIV)
		add(a, DOC_WARN, "privcfg", "%s: S2CR.PRIVCFG is %u; user pages need "
		    "unprivileged accesses (2).", name, privcfg);
	if (mair != d->cpu_mair) {
		if (b->mair0 == IO_PGTABLE_MAIR_LO)
			add(a, DOC_FAIL, "mair", "%s: MAIR is io-pgtable's (0x%016llx), not the "
			    "CPU's (0x%016llx): index 0 is non-cacheable there, so Linux's normal "
			    "memory comes out uncached or as the wrong type. Copy MAIR_EL1.", name,
			    (unsigned long long)mair, (unsigned long long)d->cpu_mair);
		else
			add(a, DOC_FAIL, "mair", "%s: MAIR 0x%016llx differs from the CPU's "
			    "MAIR_EL1 0x%016llx: attribute indices in the PTEs mean other memory "
			    "types to the SMMU (the layout changed between Linux 5.10 and 6.1). "
			    "Copy MAIR_EL1, never hard-code it.", name, (unsigned long long)mair,
			    (unsigned long long)d->cpu_mair);
	} else {
		add(a, DOC_OK, "mair", "%s: MAIR equals the CPU's.", name);
	}
	if (irgn && !fw)
		add(a, DOC_WARN, "walk-attributes", "%s: cacheable walk attributes (IRGN0 %u) on "
		    "a walk the firmware does not call coherent.", name, irgn);
	if (!(b->sctlr & SMMU_SCTLR_CFCFG) || !(b->sctlr & SMMU_SCTLR_CFIE))
		add(a, DOC_WARN, "stall", "%s: faults are not stalled with an interrupt "
		    "(SCTLR 0x%x): pages not yet present or writable-clean cannot be resolved.",
		    name, b->sctlr);
	if (!(b->sctlr & SMMU_SCTLR_AFFD) && (d->flags & FSVM_DIAG_F_HW_AFDBM))
		add(a, DOC_INFO, "access-flag", "%s: access-flag faults are on and this CPU "
		    "leaves old (AF=0) PTEs: expect resolved AF faults.", name);
	if (b->faults_terminated)
		add(a, DOC_INFO, "faults", "%s: %llu faults resolved, %llu terminated (see "
		    "FSVM_IOC_READ_FAULTS / dmesg).", name,
		    (unsigned long long)b->faults_resolved,
		    (unsigned long long)b->faults_terminated);
}

/* A NOP launch that failed although the SMMU saw nothing: secure masters. */
static void check_probe(const struct doctor_input *in, struct acc *a)
{
	const struct fsvm_diag *d = &in->diag;
	bool smmu_saw_fault = d->irqs || (d->sgfsr & SMMU_SGFSR_FAULT);

	if (!in->probe_ran)
		return;
	if (in->probe_status == FSVM_ST_DONE) {
		add(a, DOC_OK, "probe", "a probe launch (nop kernel, ring and completion record "
		    "at process virtual addresses) completed.");
		return;
	}
	if (!smmu_saw_fault &&
	    (in->probe_status == 0 || (in->probe_status == FSVM_ST_FAULTED &&
	     FSVM_SYND_TYPE(in->probe_syndrome) == FSVM_FAULT_EXTERNAL)))
		add(a, DOC_FAIL, "axprot", "the probe launch %s, yet the SMMU recorded no fault "
		    "and no global fault: the FPGA's transactions never reached the non-secure "
		    "stream table. Vitis HLS m_axi masters default to AxPROT = 000 (secure), "
		    "which bypasses it: drive AxPROT[1] = 1 (non-secure), and AxCACHE = 0b1111 "
		    "for coherent HPC ports.", in->probe_status == 0 ? "timed out" :
		    "ended in a bus error");
	else
		add(a, DOC_FAIL, "probe", "the probe launch ended with status %u, syndrome 0x%x: "
		    "see the findings above and dmesg.", in->probe_status, in->probe_syndrome);
}

unsigned int doctor_diagnose(const struct doctor_input *in, struct doctor_finding *out,
			     unsigned int max)
{
	struct acc a = { out, 0, max };
	unsigned int i, used = 0;

	check_global(in, &a);
	for (i = 0; i < in->diag.num_banks && i < FSVM_UAPI_MAX_CONTEXTS; i++) {
		const struct fsvm_diag_bank *b = &in->diag.banks[i];

		if (!b->in_use || (in->diag.flags & FSVM_DIAG_F_PARTIAL && !b->sctlr))
			continue;
		used++;
		check_bank(in, b, i, &a);
	}
	if (!used)
		add(&a, DOC_INFO, "banks", "no context is bound right now: the per-bank checks "
		    "need a bound context (run doctor with the probe, as root, or while a "
		    "program runs).");
	check_probe(in, &a);
	return a.n;
}

enum doctor_level doctor_worst(const struct doctor_finding *f, unsigned int n)
{
	enum doctor_level w = DOC_OK;

	for (unsigned int i = 0; i < n; i++)
		if (f[i].level > w)
			w = f[i].level;
	return w;
}

const char *doctor_no_device_text(void)
{
	return "No /dev/fsvm* device exists, so there is no FPGA context to check.\n"
	       "  - Is the kernel module loaded? \"lsmod | grep fsvm\"; load it with\n"
	       "    \"modprobe fsvm\" (a board whose device tree has the fsvm,shell-1.0 node)\n"
	       "    or \"insmod fsvm.ko emulate=1\" (no FPGA: the device model runs in the kernel).\n"
	       "  - Loaded but no device: \"dmesg | grep fsvm\" says why probe refused (no\n"
	       "    fsvm,smmu phandle, SMMU without stage 1, banks outside the SMMU, ...).\n"
	       "  - No board at all: use the simulator, FSVM_DEVICE=sim (the default).\n";
}
