/* SPDX-License-Identifier: MIT */
/* fsvm_model_internal.h - shared between the model's files; not public API. */
#ifndef FSVM_MODEL_INTERNAL_H
#define FSVM_MODEL_INTERNAL_H

#include "fsvm_model.h"

/* cycle_model.c */
void fsvm_cycles_translation(const struct fsvm_model_config *cfg, struct fsvm_axi *a,
			     bool tlb_hit, unsigned int walk_reads);
void fsvm_cycles_burst(const struct fsvm_model_config *cfg, struct fsvm_axi *a,
		       uint32_t len);

/* fsvm_model.c: SMMU lock */
void fsvm_model_lock(struct fsvm_model *m);
void fsvm_model_unlock(struct fsvm_model *m);

/* fsvm_axi.c */
void fsvm_axi_clear_fault(struct fsvm_axi *a);

/* Relaxed/acquire/release shorthands for the register file. */
#define LD(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define LDA(p)		__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define ST(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define STR(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define OR(p, v)	__atomic_fetch_or((p), (v), __ATOMIC_ACQ_REL)
#define AND(p, v)	__atomic_fetch_and((p), (v), __ATOMIC_ACQ_REL)
#define ADD(p, v)	__atomic_fetch_add((p), (v), __ATOMIC_ACQ_REL)

#endif /* FSVM_MODEL_INTERNAL_H */
