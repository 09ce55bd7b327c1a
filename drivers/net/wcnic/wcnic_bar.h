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

struct wcnic_bar {
	uint8_t *base;
	size_t len;
};

static inline uint32_t
wcnic_bar_read32(const struct wcnic_bar *bar, uint32_t off)
{
	return rte_read32_relaxed(bar->base + off);
}

static inline uint64_t
wcnic_bar_read64(const struct wcnic_bar *bar, uint32_t off)
{
	return rte_read64_relaxed(bar->base + off);
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

#endif /* WCNIC_BAR_H */
