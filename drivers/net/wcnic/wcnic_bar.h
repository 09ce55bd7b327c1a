/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Register access to the wcnic BAR from the driver side, correct whether
 * the BAR is mapped write-combining (WC) or uncached (UC). The ordering
 * rules are the functions of wc_barrier.h.
 */
#ifndef WCNIC_BAR_H
#define WCNIC_BAR_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_io.h>

#include "wc_barrier.h"
#include "wcnic_hw.h"

struct wcnic_bar {
	uint8_t *base;
	size_t len;
	bool simulated; /* behind the write-combining simulator (wc_sim=) */
};

/*
 * One register store into the BAR: a plain store, or on a simulated BAR
 * a store into the simulated WC buffers (wc_sim_store()), where it waits
 * for a fence like a real WC store would.
 */
static __rte_always_inline void
wcnic_bar_store32(volatile uint32_t *reg, uint32_t val, bool simulated)
{
	if (unlikely(simulated))
		wc_sim_store(reg, &val, sizeof(val));
	else
		rte_write32_relaxed(val, reg);
}

static inline void
wcnic_bar_store64(volatile uint64_t *reg, uint64_t val, bool simulated)
{
	if (unlikely(simulated))
		wc_sim_store(reg, &val, sizeof(val));
	else
		rte_write64_relaxed(val, reg);
}

/*
 * Reads of device-written registers carry a read barrier after the load
 * (rte_read*: a compiler barrier on x86, a real one on weaker CPUs), so a
 * register read after polling STATUS is not satisfied before it: the
 * device writes ERROR_* before STATUS.ERROR, and the driver must see them
 * in that order.
 */
static inline uint32_t
wcnic_bar_read32(const struct wcnic_bar *bar, uint32_t off)
{
	return rte_read32(bar->base + off);
}

static inline uint64_t
wcnic_bar_read64(const struct wcnic_bar *bar, uint32_t off)
{
	return rte_read64(bar->base + off);
}

/*
 * Control-register write, then wc_barrier_flush_wc_store(): on a WC mapping
 * a later write that depends on this one (the enable bit after the
 * configuration it enables) cannot overtake it, and a later read of a
 * device-written register sees the device's answer to it (spec 14.3). On
 * a UC mapping the fence is more than the rules ask; this is the control
 * path.
 */
static inline void
wcnic_bar_write32(const struct wcnic_bar *bar, uint32_t off, uint32_t val)
{
	wcnic_bar_store32((volatile uint32_t *)(bar->base + off), val, bar->simulated);
	wc_barrier_flush_wc_store();
}

static inline void
wcnic_bar_write64(const struct wcnic_bar *bar, uint32_t off, uint64_t val)
{
	wcnic_bar_store64((volatile uint64_t *)(bar->base + off), val, bar->simulated);
	wc_barrier_flush_wc_store();
}

/*
 * Ring a doorbell: the entries it announces before it, by the rule the
 * queue chose at setup (wc_doorbell_needs_store_fence()), and on a WC
 * mapping the doorbell out of its WC buffer at once. One barrier per
 * doorbell, never per entry.
 */
static __rte_always_inline void
wcnic_doorbell(volatile uint32_t *doorbell, uint16_t *seq, uint16_t index, bool needs_store_fence,
	       bool doorbell_wc, bool simulated)
{
	wc_barrier_before_doorbell(needs_store_fence);
	(*seq)++;
	wcnic_bar_store32(doorbell, WCNIC_DB_VALUE(*seq, index), simulated);
	if (doorbell_wc)
		wc_barrier_flush_wc_store();
}

#endif /* WCNIC_BAR_H */
