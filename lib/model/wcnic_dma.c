/* SPDX-License-Identifier: BSD-3-Clause */
/* DMA translator of the device model: see wcnic_dma.h. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "wcnic_dma.h"

#define DMA_ALIGN_CHECK 64u

void wcnic_dma_map_init(struct wcnic_dma_map *map)
{
	memset(map, 0, sizeof(*map));
}

int wcnic_dma_grant(struct wcnic_dma_map *map, uint64_t iova, void *host, uint64_t len)
{
	uintptr_t h = (uintptr_t)host;
	uint32_t n = map->count; /* only the granting thread writes it */
	struct wcnic_dma_region *r;
	uint32_t i;

	if (len == 0 || host == NULL)
		return -EINVAL;
	/* Both ranges must be representable: end = start + len, no wrap. */
	if (len - 1 > UINT64_MAX - iova || len - 1 > (uint64_t)(UINTPTR_MAX - h))
		return -EINVAL;
	if (((iova ^ h) & (DMA_ALIGN_CHECK - 1)) != 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		const struct wcnic_dma_region *o = &map->region[i];

		/* Inclusive last addresses: a range may end at 2^64 - 1. */
		if (iova <= o->iova + (o->len - 1) && o->iova <= iova + (len - 1))
			return -EEXIST;
	}
	if (n >= WCNIC_DMA_MAX_GRANTS)
		return -ENOSPC;

	r = &map->region[n];
	r->iova = iova;
	r->len = len;
	r->host = host;
	/*
	 * Publish: the region's fields are stored before the count that makes
	 * them visible. Pairs with the acquire load in wcnic_dma_translate(),
	 * so a poll thread that sees count n + 1 reads a complete entry n.
	 */
	__atomic_store_n(&map->count, n + 1, __ATOMIC_RELEASE);
	return 0;
}

void *wcnic_dma_translate(const struct wcnic_dma_map *map, uint64_t iova, uint64_t len)
{
	/* Pairs with the release store in wcnic_dma_grant(). */
	uint32_t n = __atomic_load_n(&map->count, __ATOMIC_ACQUIRE);
	uint32_t i;

	if (len == 0)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct wcnic_dma_region *r = &map->region[i];
		/* Unsigned: an iova below the region wraps to a huge offset. */
		uint64_t off = iova - r->iova;

		/* off < r->len and len <= r->len - off: no sum can overflow. */
		if (off < r->len && len <= r->len - off)
			return r->host + off;
	}
	return NULL;
}
