/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DMA address translation for the wcnic device model.
 *
 * A real device reaches host memory through an IOMMU that only maps what
 * the driver granted. The model does the same in software: every IOVA it
 * is handed (rings, completion words, packet buffers) goes through
 * wcnic_dma_translate(), which answers with a host pointer only when the
 * whole range lies inside one grant. Nothing else is ever dereferenced.
 *
 * Threading: one thread may add grants while another (the model's poll
 * thread) translates. Grants are add-only and each one is published with
 * a release store of the count, so a translator that sees the new count
 * also sees the complete entry. Concurrent wcnic_dma_grant() calls on one
 * map are not supported: callers serialise them.
 */
#ifndef WCNIC_DMA_H
#define WCNIC_DMA_H

#include <stdint.h>

/* Grants one map holds. DPDK memory segment lists and test arenas need a
 * few dozen at most. */
#define WCNIC_DMA_MAX_GRANTS 256u

struct wcnic_dma_region {
	uint64_t iova;   /* first device address */
	uint64_t len;    /* bytes, > 0 */
	uint8_t *host;   /* host address of iova */
};

/* Treat as opaque: use the functions below. Zero-initialised (or passed
 * through wcnic_dma_map_init()) it holds no grant. */
struct wcnic_dma_map {
	struct wcnic_dma_region region[WCNIC_DMA_MAX_GRANTS];
	uint32_t count;  /* regions published; written with release order */
};

/* Empty the map. Not safe while a translator may be reading it. */
void wcnic_dma_map_init(struct wcnic_dma_map *map);

/*
 * Let the device reach [iova, iova + len) at host address host.
 * Returns 0, or
 *   -EINVAL  len == 0, host NULL, either range wraps the address space, or
 *            iova and host disagree modulo 64 (the model relies on a
 *            64-byte aligned IOVA being a 64-byte aligned host address, as
 *            with any page-granular IOMMU mapping);
 *   -EEXIST  the IOVA range overlaps an existing grant;
 *   -ENOSPC  the map is full.
 */
int wcnic_dma_grant(struct wcnic_dma_map *map, uint64_t iova, void *host, uint64_t len);

/*
 * Host address of [iova, iova + len) if that range lies wholly inside one
 * grant, else NULL (also for len == 0).
 */
void *wcnic_dma_translate(const struct wcnic_dma_map *map, uint64_t iova, uint64_t len);

#endif /* WCNIC_DMA_H */
