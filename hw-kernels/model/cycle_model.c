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
 *  - The packet fetch, argument block and completion record are bursts like
 *    any other and are charged the same way (except the completion record
 *    itself, which is written after the cycle count is taken).
 */
#include "fsvm_model_internal.h"

void fsvm_cycles_translation(const struct fsvm_model_config *cfg, struct fsvm_axi *a,
			     bool tlb_hit, unsigned int walk_reads)
{
	a->cycles += cfg->tlb_hit_cycles;
	if (!tlb_hit)
		a->cycles += (uint64_t)walk_reads * cfg->walk_read_cycles;
}

void fsvm_cycles_burst(const struct fsvm_model_config *cfg, struct fsvm_axi *a,
		       uint32_t len)
{
	uint32_t bpb = cfg->axi_bytes_per_beat ? cfg->axi_bytes_per_beat : 1u;

	a->cycles += cfg->ddr_latency_cycles + (len + bpb - 1u) / bpb;
}
