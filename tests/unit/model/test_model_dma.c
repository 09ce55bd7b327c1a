/* SPDX-License-Identifier: BSD-3-Clause */
/* The DMA translator: grant checks and translation bounds. */
#include <errno.h>
#include <stdlib.h>

#include "harness.h"

static uint8_t mem[3 * 4096] __attribute__((aligned(4096)));

static void test_grant_rejects_bad_arguments(void)
{
	struct wcnic_dma_map map;

	wcnic_dma_map_init(&map);
	CHECK_EQ(wcnic_dma_grant(&map, 0x1000, mem, 0), -EINVAL);
	CHECK_EQ(wcnic_dma_grant(&map, 0x1000, NULL, 64), -EINVAL);
	/* IOVA range wrapping past 2^64. */
	CHECK_EQ(wcnic_dma_grant(&map, UINT64_MAX - 63, mem, 128), -EINVAL);
	/* IOVA and host address disagree modulo 64. */
	CHECK_EQ(wcnic_dma_grant(&map, 0x1008, mem, 64), -EINVAL);
	CHECK_EQ(wcnic_dma_grant(&map, 0x1000, mem + 8, 64), -EINVAL);
	CHECK_EQ(wcnic_dma_grant(&map, 0x1000, mem, 4096), 0);
	/* Overlaps: same start, inside, straddling either end. */
	CHECK_EQ(wcnic_dma_grant(&map, 0x1000, mem + 4096, 64), -EEXIST);
	CHECK_EQ(wcnic_dma_grant(&map, 0x1040, mem + 4096, 64), -EEXIST);
	CHECK_EQ(wcnic_dma_grant(&map, 0xfc0, mem + 4096, 128), -EEXIST);
	CHECK_EQ(wcnic_dma_grant(&map, 0x1fc0, mem + 4096, 128), -EEXIST);
	/* Adjacent on both sides is fine. */
	CHECK_EQ(wcnic_dma_grant(&map, 0x2000, mem + 4096, 4096), 0);
	CHECK_EQ(wcnic_dma_grant(&map, 0x0, mem + 8192, 4096), 0);
}

static void test_grant_capacity(void)
{
	struct wcnic_dma_map *map = calloc(1, sizeof(*map));
	uint32_t i;

	REQUIRE(map != NULL, "out of memory");
	for (i = 0; i < WCNIC_DMA_MAX_GRANTS; i++) {
		int rc = wcnic_dma_grant(map, (uint64_t)i << 12, mem, 64);

		if (rc != 0)
			free(map);
		REQUIRE(rc == 0, "grant %u failed: %d", i, rc);
	}
	i = (uint32_t)wcnic_dma_grant(map, UINT64_C(1) << 40, mem, 64);
	free(map);
	CHECK_EQ((int)i, -ENOSPC);
}

static void test_translate_bounds(void)
{
	struct wcnic_dma_map map;
	const uint64_t base = 0x100000;

	wcnic_dma_map_init(&map);
	CHECK(wcnic_dma_translate(&map, base, 1) == NULL, "empty map translated");
	CHECK_EQ(wcnic_dma_grant(&map, base, mem, 4096), 0);

	CHECK(wcnic_dma_translate(&map, base, 4096) == mem, "whole grant");
	CHECK(wcnic_dma_translate(&map, base + 100, 50) == mem + 100, "inside");
	CHECK(wcnic_dma_translate(&map, base + 4095, 1) == mem + 4095, "last byte");
	CHECK(wcnic_dma_translate(&map, base, 0) == NULL, "length 0 accepted");
	CHECK(wcnic_dma_translate(&map, base + 4096, 1) == NULL, "one past the end");
	CHECK(wcnic_dma_translate(&map, base + 4000, 97) == NULL, "crosses the end");
	CHECK(wcnic_dma_translate(&map, base - 1, 2) == NULL, "starts before");
	CHECK(wcnic_dma_translate(&map, base + 64, UINT64_MAX) == NULL, "iova + len wraps");
	CHECK(wcnic_dma_translate(&map, UINT64_MAX, 2) == NULL, "wraps from the top");
	CHECK(wcnic_dma_translate(&map, 0, base + 1) == NULL, "reaches in from below");
}

static void test_translate_never_spans_grants(void)
{
	struct wcnic_dma_map map;

	/* Two grants contiguous in IOVA space but not in host memory. */
	wcnic_dma_map_init(&map);
	CHECK_EQ(wcnic_dma_grant(&map, 0x10000, mem, 4096), 0);
	CHECK_EQ(wcnic_dma_grant(&map, 0x11000, mem + 8192, 4096), 0);
	CHECK(wcnic_dma_translate(&map, 0x10f80, 256) == NULL, "range spanning two grants");
	CHECK(wcnic_dma_translate(&map, 0x10f00, 256) == mem + 0xf00, "end of the first grant");
	CHECK(wcnic_dma_translate(&map, 0x11000, 16) == mem + 8192, "second grant");
}

static void test_grant_at_top_of_iova_space(void)
{
	struct wcnic_dma_map map;
	const uint64_t base = UINT64_MAX - 4095; /* ends exactly at 2^64 - 1 */

	wcnic_dma_map_init(&map);
	CHECK_EQ(wcnic_dma_grant(&map, base, mem, 4096), 0);
	CHECK(wcnic_dma_translate(&map, UINT64_MAX, 1) == mem + 4095, "top byte");
	CHECK(wcnic_dma_translate(&map, UINT64_MAX, 2) == NULL, "past the top");
	CHECK(wcnic_dma_translate(&map, base, 4096) == mem, "whole top grant");
}

int main(void)
{
	TEST_RUN(test_grant_rejects_bad_arguments);
	TEST_RUN(test_grant_capacity);
	TEST_RUN(test_translate_bounds);
	TEST_RUN(test_translate_never_spans_grants);
	TEST_RUN(test_grant_at_top_of_iova_space);
	return test_exit_status(NULL);
}
