/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Register access to the wcnic BAR from the driver side.
 *
 * The BAR may be mapped write-combining (WC) or uncached (UC); these helpers
 * are correct on both. On WC a store can sit in a write-combining buffer and
 * reach the device late, merged with neighbours, and two stores to one line
 * may arrive in either order (doc/device-spec.md, ordering contract).
 * Control-path writes therefore end with a store fence; the hot path uses
 * its own batched fences (wcnic_tx_push.c).
 */
#ifndef WCNIC_BAR_H
#define WCNIC_BAR_H

#include <stdint.h>

#include <rte_atomic.h>
#include <rte_io.h>

#include "wcnic_hw.h"

struct wcnic_bar {
	uint8_t *base;
	size_t len;
};

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
 * Control-register write. The fence pushes the store out of any WC buffer
 * before the next write, so a later write that depends on it (the enable
 * bit after the configuration it enables) cannot overtake it, and a later
 * read of a device-written register sees the device's answer to it.
 */
static inline void
wcnic_bar_write32(const struct wcnic_bar *bar, uint32_t off, uint32_t val)
{
	rte_write32_relaxed(val, bar->base + off);
	rte_wmb();
}

static inline void
wcnic_bar_write64(const struct wcnic_bar *bar, uint32_t off, uint64_t val)
{
	rte_write64_relaxed(val, bar->base + off);
	rte_wmb();
}

/*
 * Ring a doorbell: everything written before it must reach the device
 * first, and the doorbell itself must not linger.
 *
 * Barrier (1) orders the batch before the doorbell. On a write-combining
 * BAR (and on the in-process BAR, written with non-temporal stores) push
 * entries are weakly ordered stores that x86 keeps in order with nothing
 * but SFENCE, and a WC doorbell may pass earlier ordinary stores (DMA
 * descriptors): SFENCE (rte_wmb). On an uncached BAR every store is strongly
 * ordered on x86, so the I/O write barrier (a compiler barrier there, a
 * real one on weaker CPUs) is enough. One barrier per doorbell, not one
 * per entry.
 * Barrier (2), WC only, drains the doorbell: a 4-byte WC store can wait in
 * a write-combining buffer until something evicts it, adding latency; the
 * fence also keeps the next burst's entry lines from combining ahead of it.
 * An uncached store is not buffered, so UC needs nothing after it.
 */
static __rte_always_inline void
wcnic_doorbell(volatile uint32_t *doorbell, uint16_t *seq, uint16_t index, bool bar_is_wc)
{
	if (bar_is_wc)
		rte_wmb(); /* (1) */
	else
		rte_io_wmb(); /* (1) */
	(*seq)++;
	rte_write32_relaxed(WCNIC_DB_VALUE(*seq, index), doorbell);
	if (bar_is_wc)
		rte_wmb(); /* (2) */
}

#endif /* WCNIC_BAR_H */
