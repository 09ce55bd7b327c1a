/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wc_doorbell_needs_store_fence(): which stores a doorbell announces can
 * pass it, for every store variant and memory type. A wrong answer is a
 * doorbell that reaches the device before its entries: on hardware, or
 * behind the write-combining simulator (wc_sim.h) for the WC cases only,
 * so the whole table is checked here against the rules of wc_barrier.h.
 */
#include <stdbool.h>
#include <stdio.h>

#include "test_check.h"
#include "wc_barrier.h"

static const char *const mem_names[] = {
	[WC_MEM_HOST] = "host", [WC_MEM_WC] = "wc", [WC_MEM_UC] = "uc",
};

/* The rule, stated independently of the function's code. */
static bool
expected(enum wc_store_variant v, enum wc_mem_type entries, enum wc_mem_type doorbell)
{
	bool non_temporal = v == WC_STORE_SSE2 || v == WC_STORE_AVX2 || v == WC_STORE_AVX512;

	if (doorbell == WC_MEM_WC || entries == WC_MEM_WC)
		return true;    /* WC stores may leave after younger stores */
	if (v == WC_STORE_MOVDIR64B)
		return true;    /* weakly ordered whatever the memory type */
	if (non_temporal)
		return entries == WC_MEM_HOST; /* UC memory: the UC protocol */
	return false;           /* plain stores to host or UC memory keep order */
}

int
main(void)
{
	enum wc_mem_type mems[] = { WC_MEM_HOST, WC_MEM_WC, WC_MEM_UC };
	unsigned int v, e, d;

	for (v = 0; v < WC_STORE_VARIANT_COUNT; v++)
		for (e = 0; e < 3; e++)
			for (d = 0; d < 3; d++)
				CHECK(wc_doorbell_needs_store_fence(v, mems[e], mems[d]) ==
				      expected(v, mems[e], mems[d]),
				      "%s entries to %s memory, doorbell to %s: expected %s",
				      wc_store_variant_name(v), mem_names[mems[e]],
				      mem_names[mems[d]],
				      expected(v, mems[e], mems[d]) ? "a store fence" :
								      "an I/O barrier");
	/* The cases the driver meets, spelled out. */
	CHECK(wc_doorbell_needs_store_fence(WC_STORE_MOVDIR64B, WC_MEM_UC, WC_MEM_UC),
	      "push with MOVDIR64B on an uncached BAR needs the store fence");
	CHECK(!wc_doorbell_needs_store_fence(WC_STORE_U64, WC_MEM_HOST, WC_MEM_UC),
	      "DMA descriptors with an uncached doorbell need only the I/O barrier");
	CHECK(wc_doorbell_needs_store_fence(WC_STORE_U64, WC_MEM_HOST, WC_MEM_WC),
	      "DMA descriptors with a write-combining doorbell need the store fence");
	CHECK(!wc_doorbell_needs_store_fence(WC_STORE_AVX2, WC_MEM_UC, WC_MEM_UC),
	      "non-temporal stores to uncached memory keep program order");
	return test_exit_status("wc-barrier");
}
