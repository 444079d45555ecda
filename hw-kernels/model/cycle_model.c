/* SPDX-License-Identifier: MIT */
/*
 * cycle_model.c - how many kernel clock cycles a launch takes.
 *
 * A deliberately simple, deterministic model of one AXI master with one
 * outstanding burst at a time, charged per burst as the kernels issue them
 * (the HLS code issues one call of fsvm_axi_read/write per burst):
 *
 *   translation   TLB hit:  tlb_hit_cycles
 *                 TLB miss: tlb_hit_cycles + walk_reads * walk_read_cycles
 *                 (descriptor reads of a walk are dependent: they serialize)
 *   data          ddr_latency_cycles + ceil(len / axi_bytes_per_beat)
 *                 (the latency is paid once per burst, the data beats then
 *                 stream back to back)
 *
 * Consequences, and the assumptions behind them:
 *  - Dependent pointer reads serialize: pointer_chase costs about
 *    hops * (translation + latency + 2 beats), exactly the latency-bound
 *    behaviour of a real chase.
 *  - A streaming kernel (vadd, memcpy) issues 4 KiB bursts: latency once per
 *    burst and 256 beats of data on a 128-bit port, i.e. close to the port's
 *    bandwidth; overlapping of consecutive bursts (several outstanding
 *    transactions) is not modeled, which makes streaming slightly
 *    pessimistic (~15% at 40 cycles latency).
 *  - Writes cost the same as reads (latency = the write response).
 *  - Kernel compute is free: the HLS kernels are memory bound by design.
 *  - Stalls cost no cycles here: the time a stalled transaction waits for
 *    software is wall-clock time, visible in start/end ticks.
 *  - Overlap: bursts a kernel brackets with fsvm_axi_overlap_begin/end are
 *    independent (the K lanes of pointer_chase_batch); they are issued back
 *    to back and kept outstanding together, up to FSVM_MODEL_AXI_OUTSTANDING
 *    at once. The group costs the sum of its translations and data beats
 *    plus the DDR latency once per FSVM_MODEL_AXI_OUTSTANDING bursts. Table
 *    walks of TLB misses are not overlapped (they stay in the sum): with
 *    many misses the walker, not the latency, limits a batch.
 *  - The packet fetch, argument block and completion record are bursts like
 *    any other and are charged the same way (except the completion record
 *    itself, which is written after the cycle count is taken).
 */
#include "fsvm_model_internal.h"

void fsvm_cycles_translation(const struct fsvm_model_config *cfg, struct fsvm_axi *a,
			     bool tlb_hit, unsigned int walk_reads)
{
	uint64_t c = cfg->tlb_hit_cycles;

	if (!tlb_hit)
		c += (uint64_t)walk_reads * cfg->walk_read_cycles;
	if (a->ov_active)
		a->ov_cycles += c;
	else
		a->cycles += c;
}

void fsvm_cycles_burst(const struct fsvm_model_config *cfg, struct fsvm_axi *a,
		       uint32_t len)
{
	uint32_t bpb = cfg->axi_bytes_per_beat ? cfg->axi_bytes_per_beat : 1u;

	if (a->ov_active) {
		a->ov_cycles += (len + bpb - 1u) / bpb;
		a->ov_bursts++;
		return;
	}
	a->cycles += cfg->ddr_latency_cycles + (len + bpb - 1u) / bpb;
}

void fsvm_axi_overlap_begin(fsvm_axi_t *a)
{
	if (a->ov_active)
		return;		/* groups do not nest: the outer one counts */
	a->ov_active = true;
	a->ov_bursts = 0;
	a->ov_cycles = 0;
}

void fsvm_axi_overlap_end(fsvm_axi_t *a)
{
	uint64_t waves;

	if (!a->ov_active)
		return;
	waves = (a->ov_bursts + FSVM_MODEL_AXI_OUTSTANDING - 1u) / FSVM_MODEL_AXI_OUTSTANDING;
	a->cycles += a->ov_cycles + waves * a->m->cfg.ddr_latency_cycles;
	a->ov_active = false;
	a->ov_bursts = 0;
	a->ov_cycles = 0;
}
