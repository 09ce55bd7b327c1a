/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A write-combining simulator for a "BAR" that is ordinary memory (the
 * in-process device's), so that tests see what real write-combining could
 * do to the driver's stores and no more:
 *
 *   - stores to a simulated region wait in the storing thread's WC buffers
 *     (a few 64-byte lines, as a CPU core has), merging with earlier
 *     stores to the same line;
 *   - a buffer leaves only when a store fence drains them all
 *     (wc_store_fence_insn(), so every fence of wc_barrier.h counts) or
 *     when a store needs a buffer and one is evicted; drains and
 *     evictions go in an arbitrary, seeded order, younger lines before
 *     older ones included;
 *   - a line written whole leaves as one 64-byte write; a partly written
 *     line leaves as its 8-byte pieces, in arbitrary order;
 *   - register stores (the doorbell included) are WC stores like any
 *     other: wc_sim_store().
 *
 * When a piece of a partly written line (a register store: a doorbell, a
 * control write) leaves while an older store or another piece of its line
 * is still buffered, the device
 * is given the chance to look before anything else arrives (the region's
 * observe callback): that is when a real device could act on a doorbell
 * that overtook its entries. Whole lines are data a device acts on only
 * when a register tells it to, so they are only counted. Lines of a
 * region's whole-line area (a push ring) that leave in pieces are counted
 * as torn: the device contract asks for whole lines there.
 *
 * Nothing here is fast. Regions are found by address; the fence hook costs
 * the hot path of real devices one load and a branch (wc_sim_active()).
 */
#ifndef WC_SIM_H
#define WC_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "wc_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* WC buffers per thread: the default, and the most a region may ask. */
#define WC_SIM_BUFFERS_DEFAULT 8u
#define WC_SIM_BUFFERS_MAX     16u

struct wc_sim_params {
	void *base;                 /* the region: what its stores land in */
	size_t len;
	size_t lines_off;           /* the part written in whole lines only */
	size_t lines_len;
	uint64_t seed;              /* eviction and piece order */
	unsigned int buffers;       /* 1..WC_SIM_BUFFERS_MAX; 0: the default */
	enum wc_store_variant lines_variant; /* what wc_sim_copy_lines() runs */
	/* Called (from the storing thread) after a register store left ahead
	 * of an older buffered store or of the rest of its line; returns when
	 * the device has looked. */
	void (*observe)(void *ctx);
	void *ctx;
};

/* What a region's stores became; cumulative since wc_sim_attach(). */
struct wc_sim_stats {
	uint64_t whole_lines;    /* 64-byte writes */
	uint64_t pieces;         /* writes of partly written lines */
	uint64_t torn_lines;     /* partly written lines in the whole-line area */
	uint64_t evictions;      /* buffers that left to make room */
	uint64_t overtakes;      /* writes that left ahead of older stores */
};

/*
 * Simulate the region p describes. Returns 0, -EINVAL for a bad parameter
 * (which it logs nowhere: the caller names the region), -ENOTSUP when the
 * line variant cannot run here, -ENOSPC when too many regions are
 * simulated already, -EEXIST when the region overlaps one.
 */
int wc_sim_attach(const struct wc_sim_params *p);

/* Stop simulating the region at base: the calling thread's buffered
 * stores are drained first. Other threads must have fenced already. */
void wc_sim_detach(void *base);

/* The region's counts; -ENOENT when base is not simulated. */
int wc_sim_stats(const void *base, struct wc_sim_stats *out);

/* Store len bytes (1..64, within one line) at dst, in a simulated region. */
void wc_sim_store(volatile void *dst, const void *src, unsigned int len);

/*
 * A wc_copy_lines_fn for simulated regions: each line is written by the
 * region's lines_variant (into a scratch line, to learn which bytes its
 * stores cover) and then enters the WC buffers as those bytes.
 */
void wc_sim_copy_lines(void *dst, const void *src, unsigned int nb_lines);

/* Drain the calling thread's buffers, in arbitrary order. */
void wc_sim_fence(void);

/* Whether any region is simulated: the store fence then drains too. */
extern int wc_sim_regions;

static inline int
wc_sim_active(void)
{
	return __atomic_load_n(&wc_sim_regions, __ATOMIC_RELAXED) != 0;
}

#ifdef __cplusplus
}
#endif

#endif /* WC_SIM_H */
