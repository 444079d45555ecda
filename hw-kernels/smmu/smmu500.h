/* SPDX-License-Identifier: MIT */
/*
 * smmu500.h - register-level model of an ARM MMU-500 (SMMUv2 architecture)
 * as found on Zynq UltraScale+, stage 1 only, AArch64 4 KiB-granule tables.
 *
 * Freestanding C: no libc, no allocation. The caller owns struct smmu and the
 * TLB array, and supplies a descriptor reader (the walker's memory port).
 * The same files are meant to build in user space (sim) and in a kernel module.
 *
 * Address map (SMMUv2, 4 KiB register pages):
 *   page 0            GR0 (global register space 0)
 *   page 1            GR1 (context bank attributes)
 *   pages 2..15       other global pages, RAZ/WI in the model
 *   page 16 + n       context bank n  (CB base = NUMPAGE = 2^(NUMPAGENDXB+1) pages)
 *   total size        0x20000 (128 KiB, as the ZynqMP iommu@fd800000 node)
 * SMMU_GR0_* and SMMU_GR1_* constants are offsets from the SMMU base;
 * SMMU_CB_* constants are offsets inside a context bank page: use
 * smmu_cb_offset(s, cb) + SMMU_CB_xxx (or SMMU_CB_OFFSET(cb) + SMMU_CB_xxx).
 */
#ifndef FSVM_SMMU500_H
#define FSVM_SMMU500_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SMMU_MAX_CB	16	/* context banks modeled */
#define SMMU_MAX_SMR	48	/* stream match registers */

/* ------------------------------------------------------------------ */
/* Geometry                                                            */
/* ------------------------------------------------------------------ */
#define SMMU_PAGE_SHIFT		12u
#define SMMU_PAGE_SIZE		(1u << SMMU_PAGE_SHIFT)
#define SMMU_NUMPAGENDXB	3u	/* NUMPAGE = 2^(3+1) = 16 pages */
#define SMMU_NUMPAGE		(1u << (SMMU_NUMPAGENDXB + 1u))
#define SMMU_GR0_BASE		0x00000u
#define SMMU_GR1_BASE		0x01000u
#define SMMU_CB_BASE		(SMMU_NUMPAGE << SMMU_PAGE_SHIFT)	/* 0x10000 */
#define SMMU_CB_OFFSET(n)	(SMMU_CB_BASE + ((uint32_t)(n) << SMMU_PAGE_SHIFT))
#define SMMU_REG_SIZE		(2u * SMMU_CB_BASE)	/* 0x20000 */

/* ------------------------------------------------------------------ */
/* Global register space 0                                             */
/* ------------------------------------------------------------------ */
#define SMMU_GR0_SCR0		0x000u
#define SMMU_GR0_SCR1		0x004u
#define SMMU_GR0_SACR		0x010u
#define SMMU_GR0_IDR0		0x020u
#define SMMU_GR0_IDR1		0x024u
#define SMMU_GR0_IDR2		0x028u
#define SMMU_GR0_IDR3		0x02cu
#define SMMU_GR0_IDR4		0x030u
#define SMMU_GR0_IDR5		0x034u
#define SMMU_GR0_IDR6		0x038u
#define SMMU_GR0_IDR7		0x03cu
#define SMMU_GR0_SGFAR		0x040u	/* 64-bit */
#define SMMU_GR0_SGFSR		0x048u	/* write 1 to clear */
#define SMMU_GR0_SGFSRRESTORE	0x04cu
#define SMMU_GR0_SGFSYNR0	0x050u
#define SMMU_GR0_SGFSYNR1	0x054u	/* faulting StreamID [15:0] */
#define SMMU_GR0_SGFSYNR2	0x058u
#define SMMU_GR0_TLBIVMID	0x064u
#define SMMU_GR0_TLBIALLNSNH	0x068u
#define SMMU_GR0_TLBIALLH	0x06cu
#define SMMU_GR0_STLBGSYNC	0x070u
#define SMMU_GR0_STLBGSTATUS	0x074u
#define SMMU_GR0_SMR(n)		(0x800u + 4u * (uint32_t)(n))
#define SMMU_GR0_S2CR(n)	(0xc00u + 4u * (uint32_t)(n))

/* sCR0 */
#define SMMU_SCR0_CLIENTPD	(1u << 0)	/* 1 = SMMU bypassed (reset value) */
#define SMMU_SCR0_GFRE		(1u << 1)
#define SMMU_SCR0_GFIE		(1u << 2)
#define SMMU_SCR0_EXIDENABLE	(1u << 3)
#define SMMU_SCR0_GCFGFRE	(1u << 4)
#define SMMU_SCR0_GCFGFIE	(1u << 5)
#define SMMU_SCR0_USFCFG	(1u << 10)	/* 1 = unmatched stream faults */
#define SMMU_SCR0_VMIDPNE	(1u << 11)
#define SMMU_SCR0_PTM		(1u << 12)
#define SMMU_SCR0_FB		(1u << 13)

/* IDR0 */
#define SMMU_IDR0_NUMSMRG_MASK	0xffu
#define SMMU_IDR0_EXIDS		(1u << 8)
#define SMMU_IDR0_NUMSIDB_SHIFT	9u
#define SMMU_IDR0_NUMSIDB_MASK	(0xfu << 9)
#define SMMU_IDR0_CTTW		(1u << 14)
#define SMMU_IDR0_NUMIRPT_SHIFT	16u
#define SMMU_IDR0_NUMIRPT_MASK	(0xffu << 16)
#define SMMU_IDR0_PTFS_NO_AARCH32S (1u << 24)
#define SMMU_IDR0_PTFS_NO_AARCH32  (1u << 25)
#define SMMU_IDR0_ATOSNS	(1u << 26)	/* 1 = ATOS NOT supported */
#define SMMU_IDR0_SMS		(1u << 27)
#define SMMU_IDR0_NTS		(1u << 28)
#define SMMU_IDR0_S2TS		(1u << 29)
#define SMMU_IDR0_S1TS		(1u << 30)
#define SMMU_IDR0_SES		(1u << 31)

/* IDR1 */
#define SMMU_IDR1_NUMCB_MASK	0xffu
#define SMMU_IDR1_NUMS2CB_SHIFT	16u
#define SMMU_IDR1_NUMS2CB_MASK	(0xffu << 16)
#define SMMU_IDR1_NUMPAGENDXB_SHIFT 28u
#define SMMU_IDR1_NUMPAGENDXB_MASK (0x7u << 28)
#define SMMU_IDR1_PAGESIZE	(1u << 31)	/* 0 = 4 KiB register pages */

/* IDR2: address size encodings 0=32 1=36 2=40 3=42 4=44 5=48 bits */
#define SMMU_IDR2_IAS_MASK	0xfu
#define SMMU_IDR2_OAS_SHIFT	4u
#define SMMU_IDR2_OAS_MASK	(0xfu << 4)
#define SMMU_IDR2_UBS_SHIFT	8u
#define SMMU_IDR2_UBS_MASK	(0xfu << 8)
#define SMMU_IDR2_PTFS_4K	(1u << 12)
#define SMMU_IDR2_PTFS_16K	(1u << 13)
#define SMMU_IDR2_PTFS_64K	(1u << 14)

/* IDR7 */
#define SMMU_IDR7_MINOR_MASK	0xfu
#define SMMU_IDR7_MAJOR_SHIFT	4u
#define SMMU_IDR7_MAJOR_MASK	(0xfu << 4)

/* sGFSR (global fault status, write 1 to clear) */
#define SMMU_SGFSR_ICF		(1u << 0)	/* invalid context (CBAR type / VA64) */
#define SMMU_SGFSR_USF		(1u << 1)	/* unidentified stream / S2CR fault */
#define SMMU_SGFSR_SMCF		(1u << 2)	/* stream match conflict */
#define SMMU_SGFSR_UCBF		(1u << 3)	/* CBNDX names an unimplemented bank */
#define SMMU_SGFSR_UCIF		(1u << 4)
#define SMMU_SGFSR_CAF		(1u << 5)
#define SMMU_SGFSR_EF		(1u << 6)
#define SMMU_SGFSR_PF		(1u << 7)
#define SMMU_SGFSR_MULTI	(1u << 31)
#define SMMU_SGFSR_FAULT	(0xffu | SMMU_SGFSR_MULTI)

/* sGFSYNR0 */
#define SMMU_SGFSYNR0_NESTED	(1u << 0)
#define SMMU_SGFSYNR0_WNR	(1u << 1)
#define SMMU_SGFSYNR0_PNU	(1u << 2)
#define SMMU_SGFSYNR0_IND	(1u << 3)

/* SMR(n): ID [14:0], MASK [30:16] (1 = don't care), VALID 31 */
#define SMMU_SMR_ID_MASK	0x7fffu
#define SMMU_SMR_MASK_SHIFT	16u
#define SMMU_SMR_MASK_MASK	(0x7fffu << 16)
#define SMMU_SMR_VALID		(1u << 31)
#define SMMU_SMR(id, mask)	(((uint32_t)(id) & SMMU_SMR_ID_MASK) | \
				 (((uint32_t)(mask) & SMMU_SMR_ID_MASK) << 16))

/* S2CR(n) */
#define SMMU_S2CR_CBNDX_MASK	0xffu
#define SMMU_S2CR_CBNDX(x)	((uint32_t)(x) & 0xffu)
#define SMMU_S2CR_SHCFG_SHIFT	8u
#define SMMU_S2CR_EXIDVALID	(1u << 10)
#define SMMU_S2CR_MTCFG		(1u << 11)
#define SMMU_S2CR_MEMATTR_SHIFT	12u
#define SMMU_S2CR_TYPE_SHIFT	16u
#define SMMU_S2CR_TYPE_MASK	(3u << 16)
#define SMMU_S2CR_TYPE(x)	(((uint32_t)(x) & 3u) << 16)
#define SMMU_S2CR_TYPE_TRANS	0u
#define SMMU_S2CR_TYPE_BYPASS	1u
#define SMMU_S2CR_TYPE_FAULT	2u
#define SMMU_S2CR_NSCFG_SHIFT	18u
#define SMMU_S2CR_RACFG_SHIFT	20u
#define SMMU_S2CR_WACFG_SHIFT	22u
#define SMMU_S2CR_PRIVCFG_SHIFT	24u
#define SMMU_S2CR_PRIVCFG_MASK	(3u << 24)
#define SMMU_S2CR_PRIVCFG(x)	(((uint32_t)(x) & 3u) << 24)
#define SMMU_S2CR_PRIVCFG_DEFAULT 0u	/* use incoming: the PL master is unprivileged */
#define SMMU_S2CR_PRIVCFG_UNPRIV  2u
#define SMMU_S2CR_PRIVCFG_PRIV	  3u
#define SMMU_S2CR_INSTCFG_SHIFT	26u
#define SMMU_S2CR_INSTCFG_MASK	(3u << 26)
#define SMMU_S2CR_INSTCFG(x)	(((uint32_t)(x) & 3u) << 26)
#define SMMU_S2CR_INSTCFG_DEFAULT 0u	/* use incoming: the PL master issues data */
#define SMMU_S2CR_INSTCFG_DATA	  2u
#define SMMU_S2CR_INSTCFG_INST	  3u	/* reset value: every access is a fetch */
#define SMMU_S2CR_TRANSIENTCFG_SHIFT 28u
/* Model reset value of S2CR: TYPE=fault, INSTCFG=instruction (see README.md). */
#define SMMU_S2CR_RESET		(SMMU_S2CR_TYPE(SMMU_S2CR_TYPE_FAULT) | \
				 SMMU_S2CR_INSTCFG(SMMU_S2CR_INSTCFG_INST))

/* ------------------------------------------------------------------ */
/* Global register space 1 (offsets from the SMMU base)                */
/* ------------------------------------------------------------------ */
#define SMMU_GR1_CBAR(n)	(SMMU_GR1_BASE + 0x000u + 4u * (uint32_t)(n))
#define SMMU_GR1_CBFRSYNRA(n)	(SMMU_GR1_BASE + 0x400u + 4u * (uint32_t)(n))
#define SMMU_GR1_CBA2R(n)	(SMMU_GR1_BASE + 0x800u + 4u * (uint32_t)(n))

/* CBAR */
#define SMMU_CBAR_VMID_MASK	0xffu
#define SMMU_CBAR_BPSHCFG_SHIFT	8u
#define SMMU_CBAR_BPSHCFG(x)	(((uint32_t)(x) & 3u) << 8)
#define SMMU_CBAR_MEMATTR_SHIFT	12u
#define SMMU_CBAR_MEMATTR(x)	(((uint32_t)(x) & 0xfu) << 12)
#define SMMU_CBAR_TYPE_SHIFT	16u
#define SMMU_CBAR_TYPE_MASK	(3u << 16)
#define SMMU_CBAR_TYPE(x)	(((uint32_t)(x) & 3u) << 16)
#define SMMU_CBAR_TYPE_S2_TRANS		0u
#define SMMU_CBAR_TYPE_S1_S2BYPASS	1u	/* the only type the model translates */
#define SMMU_CBAR_TYPE_S1_S2FAULT	2u
#define SMMU_CBAR_TYPE_S1_S2NESTED	3u
#define SMMU_CBAR_IRPTNDX_SHIFT	24u

/* CBA2R */
#define SMMU_CBA2R_VA64		(1u << 0)
#define SMMU_CBA2R_MONC		(1u << 1)
#define SMMU_CBA2R_VMID16_SHIFT	16u

/* CBFRSYNRA */
#define SMMU_CBFRSYNRA_SID_MASK	0xffffu

/* ------------------------------------------------------------------ */
/* Context bank registers (offsets inside the bank's page)             */
/* ------------------------------------------------------------------ */
#define SMMU_CB_SCTLR		0x000u
#define SMMU_CB_ACTLR		0x004u
#define SMMU_CB_RESUME		0x008u
#define SMMU_CB_TCR2		0x010u
#define SMMU_CB_TTBR0		0x020u	/* 64-bit */
#define SMMU_CB_TTBR1		0x028u	/* 64-bit, stored only */
#define SMMU_CB_TCR		0x030u
#define SMMU_CB_CONTEXTIDR	0x034u
#define SMMU_CB_MAIR0		0x038u
#define SMMU_CB_MAIR1		0x03cu
#define SMMU_CB_PAR		0x050u	/* 64-bit */
#define SMMU_CB_FSR		0x058u	/* write 1 to clear */
#define SMMU_CB_FSRRESTORE	0x05cu
#define SMMU_CB_FAR		0x060u	/* 64-bit */
#define SMMU_CB_FSYNR0		0x068u
#define SMMU_CB_FSYNR1		0x06cu
#define SMMU_CB_TLBIVA		0x600u	/* 64-bit: (VA >> 12) | ASID << 48 */
#define SMMU_CB_TLBIVAA		0x608u	/* 64-bit: VA >> 12, all ASIDs */
#define SMMU_CB_TLBIASID	0x610u	/* ASID in [15:0] */
#define SMMU_CB_TLBIALL		0x618u
#define SMMU_CB_TLBIVAL		0x620u	/* last level only: same as TLBIVA here */
#define SMMU_CB_TLBIVAAL	0x628u
#define SMMU_CB_TLBSYNC		0x7f0u
#define SMMU_CB_TLBSTATUS	0x7f4u
#define SMMU_CB_ATS1PR		0x800u	/* 64-bit: VA to translate (privileged read) */
#define SMMU_CB_ATSR		0x8f0u

/* SCTLR */
#define SMMU_SCTLR_M		(1u << 0)
#define SMMU_SCTLR_TRE		(1u << 1)
#define SMMU_SCTLR_AFE		(1u << 2)
#define SMMU_SCTLR_AFFD		(1u << 3)	/* access flag faults disabled */
#define SMMU_SCTLR_E		(1u << 4)
#define SMMU_SCTLR_CFRE		(1u << 5)	/* 0: terminated access is RAZ/WI, no abort */
#define SMMU_SCTLR_CFIE		(1u << 6)
#define SMMU_SCTLR_CFCFG	(1u << 7)	/* 1 = stall on fault */
#define SMMU_SCTLR_HUPCF	(1u << 8)
#define SMMU_SCTLR_WXN		(1u << 9)
#define SMMU_SCTLR_UWXN		(1u << 10)
#define SMMU_SCTLR_ASIDPNE	(1u << 12)

/* RESUME */
#define SMMU_RESUME_RETRY	0u
#define SMMU_RESUME_TERMINATE	(1u << 0)

/* TCR2 */
#define SMMU_TCR2_PASIZE_MASK	0xfu	/* 0=32 1=36 2=40 3=42 4=44 5=48 */
#define SMMU_TCR2_PASIZE(x)	((uint32_t)(x) & 0xfu)
#define SMMU_TCR2_AS		(1u << 4)	/* 16-bit ASID */
#define SMMU_TCR2_TBI0		(1u << 5)
#define SMMU_TCR2_TBI1		(1u << 6)
#define SMMU_TCR2_SEP_SHIFT	15u
#define SMMU_TCR2_SEP_UPSTREAM	(7u << 15)

/* TTBRn */
#define SMMU_TTBR_ASID_SHIFT	48u
#define SMMU_TTBR_ADDR_MASK	0x0000fffffffffffeull

/* TCR (AArch64 format, 32-bit register on SMMUv2) */
#define SMMU_TCR_T0SZ_MASK	0x3fu
#define SMMU_TCR_T0SZ(x)	((uint32_t)(x) & 0x3fu)
#define SMMU_TCR_EPD0		(1u << 7)
#define SMMU_TCR_IRGN0_SHIFT	8u
#define SMMU_TCR_ORGN0_SHIFT	10u
#define SMMU_TCR_SH0_SHIFT	12u
#define SMMU_TCR_RGN_WBWA	1u
#define SMMU_TCR_SH_IS		3u
#define SMMU_TCR_TG0_SHIFT	14u
#define SMMU_TCR_TG0_MASK	(3u << 14)
#define SMMU_TCR_TG0_4K		(0u << 14)
#define SMMU_TCR_T1SZ_SHIFT	16u
#define SMMU_TCR_A1		(1u << 22)
#define SMMU_TCR_EPD1		(1u << 23)

/* PAR (64-bit). F=0: PA[47:12], SH [8:7], ATTR [63:56].
 * F=1 (model format): FSR fault bits [8:1] as in FSR, FSYNR0 in [63:32]. */
#define SMMU_PAR_F		(1ull << 0)
#define SMMU_PAR_SH_SHIFT	7u
#define SMMU_PAR_ADDR_MASK	0x0000fffffffff000ull
#define SMMU_PAR_ATTR_SHIFT	56u
#define SMMU_PAR_FSYNR0_SHIFT	32u

/* FSR (write 1 to clear) */
#define SMMU_FSR_TF		(1u << 1)	/* translation */
#define SMMU_FSR_AFF		(1u << 2)	/* access flag */
#define SMMU_FSR_PF		(1u << 3)	/* permission */
#define SMMU_FSR_EF		(1u << 4)	/* external (walk bus error, with FSYNR0.PTWF) */
#define SMMU_FSR_TLBMCF		(1u << 5)
#define SMMU_FSR_TLBLKF		(1u << 6)
#define SMMU_FSR_ASF		(1u << 7)	/* address size */
#define SMMU_FSR_UUT		(1u << 8)
#define SMMU_FSR_SS		(1u << 30)	/* stalled */
#define SMMU_FSR_MULTI		(1u << 31)
#define SMMU_FSR_FAULT		(0x1feu | SMMU_FSR_SS | SMMU_FSR_MULTI)

/* FSYNR0 */
#define SMMU_FSYNR0_PLVL_MASK	0x3u
#define SMMU_FSYNR0_WNR		(1u << 4)
#define SMMU_FSYNR0_PNU		(1u << 5)	/* privileged access */
#define SMMU_FSYNR0_IND		(1u << 6)	/* instruction fetch */
#define SMMU_FSYNR0_NSSTATE	(1u << 7)
#define SMMU_FSYNR0_NSATTR	(1u << 8)
#define SMMU_FSYNR0_ATOF	(1u << 9)
#define SMMU_FSYNR0_PTWF	(1u << 10)	/* external fault on the table walk */
#define SMMU_FSYNR0_AFR		(1u << 11)	/* asynchronous fault: never in the model */

/* TLBSTATUS / sTLBGSTATUS */
#define SMMU_TLBSTATUS_SACTIVE	(1u << 0)

/* ------------------------------------------------------------------ */
/* AArch64 stage-1 descriptor bits (4 KiB granule)                     */
/* ------------------------------------------------------------------ */
#define SMMU_PTE_VALID		(1ull << 0)
#define SMMU_PTE_TABLE		(1ull << 1)	/* table (L0-2) / page (L3) */
#define SMMU_PTE_PAGE		(1ull << 1)
#define SMMU_PTE_ATTRINDX_SHIFT	2u
#define SMMU_PTE_NS		(1ull << 5)
#define SMMU_PTE_AP1		(1ull << 6)	/* EL0 accessible */
#define SMMU_PTE_AP2		(1ull << 7)	/* read-only */
#define SMMU_PTE_SH_SHIFT	8u
#define SMMU_PTE_AF		(1ull << 10)
#define SMMU_PTE_NG		(1ull << 11)
#define SMMU_PTE_ADDR_MASK	0x0000fffffffff000ull
#define SMMU_PTE_DBM		(1ull << 51)	/* ignored by the SMMU-500 */
#define SMMU_PTE_CONT		(1ull << 52)
#define SMMU_PTE_PXN		(1ull << 53)
#define SMMU_PTE_UXN		(1ull << 54)
#define SMMU_PTE_PXNTABLE	(1ull << 59)
#define SMMU_PTE_UXNTABLE	(1ull << 60)
#define SMMU_PTE_APTABLE0	(1ull << 61)	/* no EL0 access below */
#define SMMU_PTE_APTABLE1	(1ull << 62)	/* no write access below */
#define SMMU_PTE_NSTABLE	(1ull << 63)

/* ------------------------------------------------------------------ */
/* Model types                                                         */
/* ------------------------------------------------------------------ */

/* smmu_tlb_entry.perm: the leaf's effective attributes (APTable/XNTable folded in). */
#define SMMU_PERM_R		0x01u	/* always set on a valid entry */
#define SMMU_PERM_W		0x02u	/* AP[2] = 0 */
#define SMMU_PERM_USER		0x04u	/* AP[1] = 1: unprivileged access allowed */
#define SMMU_PERM_UXN		0x08u
#define SMMU_PERM_PXN		0x10u

/*
 * One TLB entry. va_page/pa_page are the addresses of the first byte of the
 * page or block (aligned to 1 << page_shift), not page numbers. The link
 * fields are the model's bookkeeping (hash chains and the LRU/free lists,
 * as entry indices, SMMU_TLB_NONE = end); callers only provide the storage.
 */
#define SMMU_TLB_NONE	0xffffu
#define SMMU_TLB_MAX	0xfffeu	/* larger tlb_entries are clamped to this */

struct smmu_tlb_entry {
	uint64_t va_page;
	uint64_t pa_page;
	uint16_t asid;
	uint8_t cb;
	uint8_t valid;
	uint8_t perm;		/* SMMU_PERM_* */
	uint8_t page_shift;	/* 12, 21 or 30 */
	uint8_t ng;		/* 0 = global: matches any ASID */
	uint8_t attrindx;	/* MAIR index of the leaf */
	uint16_t hnext;		/* next entry in this entry's hash chain */
	uint16_t hhead;		/* first entry of hash bucket <this index> */
	uint16_t prev, next;	/* LRU list (valid) or free list (invalid) */
};

struct smmu_ops {
	void *priv;
	/* Read one 64-bit descriptor at physical address pa for the table walker.
	 * 0 = ok, nonzero = bus error (-> FSR.EF with FSYNR0.PTWF). */
	int (*read_desc)(void *priv, uint64_t pa, uint64_t *desc);
	/* Context fault interrupt for bank cb raised (only called when SCTLR.CFIE).
	 * Called on every recorded fault, including ones that only set MULTI. May be NULL. */
	void (*context_irq)(void *priv, unsigned int cb);
	/* Global fault interrupt (only called when sCR0.GFIE). May be NULL. */
	void (*global_irq)(void *priv);
};

struct smmu_config {
	unsigned int num_cb;	/* 1..SMMU_MAX_CB */
	unsigned int num_smr;	/* 1..SMMU_MAX_SMR */
	unsigned int ias_bits;	/* 32/36/40/42/44/48, reported in IDR2.IAS */
	unsigned int oas_bits;	/* 32/36/40/42/44/48, IDR2.OAS; clamps TCR2.PASize */
	bool cttw;		/* coherent table walk, reported in IDR0.CTTW */
};

struct smmu_stats {
	uint64_t translations;	/* smmu_translate calls */
	uint64_t tlb_hits;
	uint64_t tlb_misses;
	uint64_t walks;		/* table walks started (misses + ATS1PR) */
	uint64_t walk_reads;	/* descriptors read */
	uint64_t faults;	/* context faults recorded (incl. raise_fault) */
	uint64_t global_faults;	/* sGFSR faults */
	uint64_t stalls;
	uint64_t bypassed;
	uint64_t tlb_evictions;
	uint64_t tlbi;		/* TLB invalidation operations */
	uint64_t tlbsync;	/* TLBSYNC + sTLBGSYNC writes */
	uint64_t ats;		/* ATS1PR operations */
};

/* Per context bank state (registers of the bank page + model state). */
struct smmu_cb {
	uint32_t sctlr, actlr, tcr2, tcr, contextidr, mair0, mair1;
	uint32_t fsr, fsynr0, fsynr1;
	uint64_t ttbr0, ttbr1, par, far;
	uint32_t cmd_hi;	/* latched high half of a 64-bit command (hi-lo writes) */
	uint16_t last_sid;	/* last StreamID routed here (CBFRSYNRA on raise_fault) */
	uint8_t stalled;	/* a transaction is held */
	uint8_t resume;		/* 0 none, 1 retry, 2 terminate (written, not yet polled) */
	uint8_t last_priv, last_inst;
	uint8_t tlbi_unsynced;	/* a TLBI was issued and no TLBSYNC since */
	/*
	 * Transactions in their data phase (smmu_inflight_enter/exit), counted
	 * by the parity of the epoch they entered in; __atomic accesses, the
	 * only fields touched without the caller's lock. A TLBSYNC asks that
	 * every epoch <= sync_want drains: TLBSTATUS.SACTIVE reads 1 until it
	 * has, as a TBU holds a sync until the transactions that used the old
	 * translations have completed. New transactions go to the next epoch,
	 * so a busy master cannot starve a sync.
	 */
	uint32_t inflight[2];
	uint32_t epoch;		/* epoch new transactions enter (starts at 1) */
	uint32_t sync_want;
};

struct smmu {
	/* configuration (IDR contents) */
	unsigned int num_cb, num_smr, ias_bits, oas_bits;
	bool cttw;
	/* ops, copied field by field */
	void *priv;
	int (*read_desc)(void *priv, uint64_t pa, uint64_t *desc);
	void (*context_irq)(void *priv, unsigned int cb);
	void (*global_irq)(void *priv);
	/* GR0 */
	uint32_t scr0, scr1, sacr;
	uint32_t sgfsr, sgfsynr0, sgfsynr1, sgfsynr2;
	uint64_t sgfar;
	uint32_t gcmd_hi;
	uint8_t gtlbi_unsynced;
	uint32_t smr[SMMU_MAX_SMR];
	uint32_t s2cr[SMMU_MAX_SMR];
	/* GR1 */
	uint32_t cbar[SMMU_MAX_CB];
	uint32_t cba2r[SMMU_MAX_CB];
	uint32_t cbfrsynra[SMMU_MAX_CB];
	/* context banks */
	struct smmu_cb cb[SMMU_MAX_CB];
	/* TLB (caller storage) */
	struct smmu_tlb_entry *tlb;
	unsigned int tlb_entries;
	unsigned int tlb_hmask;		/* hash buckets - 1 (a power of two <= entries) */
	uint16_t lru_old, lru_new;	/* LRU list ends: least / most recently used */
	uint16_t free_head;		/* free entries, a stack */
	/* valid entries per bank, size (12/21/30) and nG: lets a lookup skip
	 * the probes that cannot hit */
	uint16_t tlb_count[SMMU_MAX_CB][3][2];
	struct smmu_stats stats;
};

/* ------------------------------------------------------------------ */
/* API                                                                 */
/* ------------------------------------------------------------------ */

/* Reset state. tlb may be NULL with tlb_entries 0 (every access walks).
 * Reset: sCR0.CLIENTPD=1 (all traffic bypasses until software clears it),
 * SMRs invalid, S2CR = SMMU_S2CR_RESET, banks disabled, TLB empty. */
void smmu_init(struct smmu *s, const struct smmu_config *cfg,
	       struct smmu_tlb_entry *tlb, unsigned int tlb_entries,
	       const struct smmu_ops *ops);

/* MMIO into the SMMU's register space, offsets relative to the SMMU base. */
uint32_t smmu_read32(struct smmu *s, uint32_t off);
void smmu_write32(struct smmu *s, uint32_t off, uint32_t val);
uint64_t smmu_read64(struct smmu *s, uint32_t off);
void smmu_write64(struct smmu *s, uint32_t off, uint64_t val);

/*
 * In-flight accounting of a master's data phase on bank cb (cb < num_cb):
 * call smmu_inflight_enter after a translation succeeded and before the
 * data moves, smmu_inflight_exit with its return value once the data phase
 * is over (successful or not). TLBSYNC / sTLBGSYNC complete (TLBSTATUS and
 * sTLBGSTATUS read 0) only when every transaction that entered before the
 * sync has exited. enter/exit take no lock: call enter under the lock that
 * serializes smmu_translate and the register accesses, or, for a
 * translation cached by the master, enter first and then check that no
 * register write happened since the translation (else exit and translate
 * again): the sequentially consistent atomics make that check race-free.
 * Never stall or wait for software between enter and exit.
 */
uint32_t smmu_inflight_enter(struct smmu *s, unsigned int cb);
void smmu_inflight_exit(struct smmu *s, unsigned int cb, uint32_t token);

/* Offset of context bank cb's register page from the SMMU base. */
uint32_t smmu_cb_offset(const struct smmu *s, unsigned int cb);

enum smmu_access { SMMU_READ = 0, SMMU_WRITE = 1 };

enum smmu_result {
	SMMU_OK = 0,
	SMMU_FAULT = 1,		/* terminated: bus error to the master (or RAZ/WI, see razwi) */
	SMMU_STALLED = 2,	/* transaction held; caller waits for RESUME */
	SMMU_BYPASSED = 3,	/* bypass: pa = va */
};

struct smmu_xlate {
	uint64_t pa;			/* output address */
	unsigned int cb;		/* context bank used (0 if none) */
	bool tlb_hit;
	unsigned int walk_reads;	/* descriptors read by the walk (0 on hit) */
	unsigned int page_shift;	/* 12 / 21 / 30 */
	uint32_t fsr;			/* on context fault: FSR bits of this fault */
	uint32_t fsynr0;		/* on context fault: FSYNR0 of this fault */
	uint32_t gfsr;			/* on global fault: sGFSR bit of this fault */
	bool razwi;			/* SMMU_FAULT with CFRE=0 (GFRE=0 for global):
					 * the master sees OKAY, reads 0, writes dropped */
};

enum smmu_result smmu_translate(struct smmu *s, uint16_t sid, uint64_t va,
				enum smmu_access acc, struct smmu_xlate *out);

/* After SMMU_STALLED: 0 = still stalled, 1 = retry requested,
 * 2 = terminate requested (also for a bank number out of range).
 * Consumes the resume; one RESUME releases everything held in the bank. */
int smmu_stall_poll(struct smmu *s, unsigned int cb);

/* Record a fault found outside the walk (fsr_bit is SMMU_FSR_PF/TF/AFF/...,
 * level 0..3) in bank cb, with the same stall/terminate/irq rules. */
enum smmu_result smmu_raise_fault(struct smmu *s, unsigned int cb, uint64_t va,
				  enum smmu_access acc, uint32_t fsr_bit,
				  unsigned int level);

/* Statistics */
const struct smmu_stats *smmu_get_stats(const struct smmu *s);
void smmu_reset_stats(struct smmu *s);

/* Number of valid TLB entries for bank cb (SMMU_CB_ANY for all banks). */
#define SMMU_CB_ANY	(~0u)
unsigned int smmu_tlb_count(const struct smmu *s, unsigned int cb);

/* True if a TLBI was issued on bank cb (SMMU_CB_ANY: a global TLBI) and no
 * TLBSYNC/sTLBGSYNC has followed: lets tests catch a driver missing a sync. */
bool smmu_tlbi_unsynced(const struct smmu *s, unsigned int cb);

/* Address size encoding helpers (0..5 <-> 32,36,40,42,44,48 bits). */
unsigned int smmu_size_bits(unsigned int enc);
unsigned int smmu_size_enc(unsigned int bits);

#endif /* FSVM_SMMU500_H */
