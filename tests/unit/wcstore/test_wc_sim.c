/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The write-combining simulator (wc_sim.h): stores wait until a fence of
 * wc_barrier.h or an eviction, merge per line, leave in arbitrary order,
 * partial lines in pieces; a register store that leaves ahead of older
 * stores lets the device look.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_check.h"
#include "wc_barrier.h"
#include "wc_sim.h"

#define REGION     4096u
#define LINES_OFF  1024u  /* the whole-line area: 1024..2047 */
#define LINES_LEN  1024u
#define DOORBELL   3072u
#define BUFFERS    4u

static uint8_t *region;
static uint8_t src[8 * WC_STORE_LINE];

/* What the observe callback saw: calls, and calls at which some entry
 * line (region 0 .. 3 lines) had not arrived yet. */
static unsigned int observed, observed_early;

static bool
line_arrived(unsigned int line)
{
	return memcmp(region + line * WC_STORE_LINE, src + line * WC_STORE_LINE,
		      WC_STORE_LINE) == 0;
}

static void
observe(void *ctx)
{
	(void)ctx;
	observed++;
	for (unsigned int l = 0; l < 3; l++)
		if (!line_arrived(l)) {
			observed_early++;
			return;
		}
}

static void
attach(uint64_t seed)
{
	const struct wc_sim_params p = {
		.base = region, .len = REGION, .lines_off = LINES_OFF, .lines_len = LINES_LEN,
		.seed = seed, .buffers = BUFFERS, .lines_variant = WC_STORE_U64,
		.observe = observe,
	};

	memset(region, 0, REGION);
	observed = observed_early = 0;
	REQUIRE(wc_sim_attach(&p) == 0, "attach");
}

static struct wc_sim_stats
stats(void)
{
	struct wc_sim_stats s;

	REQUIRE(wc_sim_stats(region, &s) == 0, "stats");
	return s;
}

static void
test_held_until_fence(void)
{
	attach(1);
	wc_sim_copy_lines(region, src, 2);
	CHECK(!line_arrived(0) && !line_arrived(1), "lines arrived before any fence");
	wc_barrier_entries_before_doorbell();
	CHECK(line_arrived(0) && line_arrived(1), "the store fence did not drain");
	CHECK_EQ(stats().whole_lines, 2);
	CHECK_EQ(stats().pieces, 0);
	wc_sim_detach(region);
}

static void
test_eviction_makes_room(void)
{
	unsigned int arrived = 0;

	attach(2);
	wc_sim_copy_lines(region, src, BUFFERS + 1);
	for (unsigned int l = 0; l < BUFFERS + 1; l++)
		arrived += line_arrived(l);
	CHECK_EQ(arrived, 1);
	CHECK_EQ(stats().evictions, 1);
	wc_barrier_flush_wc_store();
	for (unsigned int l = 0; l < BUFFERS + 1; l++)
		CHECK(line_arrived(l), "line %u missing after the fence", l);
	wc_sim_detach(region);
}

static void
test_stores_merge_per_line(void)
{
	attach(3);
	wc_sim_store(region + LINES_OFF, src, 32);
	wc_sim_store(region + LINES_OFF + 32, src + 32, 32);
	wc_store_fence_insn();
	CHECK(memcmp(region + LINES_OFF, src, WC_STORE_LINE) == 0, "merged line wrong");
	CHECK_EQ(stats().whole_lines, 1);
	CHECK_EQ(stats().torn_lines, 0);
	wc_sim_detach(region);
}

static void
test_partial_line_in_pieces(void)
{
	attach(4);
	wc_sim_store(region + LINES_OFF + 8, src, 8);
	wc_sim_store(region + LINES_OFF + 40, src + 8, 12);
	wc_store_fence_insn();
	CHECK(memcmp(region + LINES_OFF + 8, src, 8) == 0, "first piece wrong");
	CHECK(memcmp(region + LINES_OFF + 40, src + 8, 12) == 0, "second store wrong");
	CHECK_EQ(region[LINES_OFF], 0);
	CHECK_EQ(stats().pieces, 3); /* bytes 8-15, 40-47, 48-51 */
	CHECK_EQ(stats().torn_lines, 1);
	wc_sim_store(region + DOORBELL, src, 4); /* outside the whole-line area */
	wc_store_fence_insn();
	CHECK_EQ(stats().torn_lines, 1);
	wc_sim_detach(region);
}

/*
 * Entries, then a doorbell: with a store fence between them the device
 * never sees the doorbell early; without it, the doorbell overtakes its
 * entries in some rounds, and the device looks at that moment.
 */
static void
doorbell_rounds(bool fence, unsigned int rounds)
{
	uint32_t db = 1;

	attach(5);
	for (unsigned int r = 0; r < rounds; r++) {
		memset(region, 0, 3 * WC_STORE_LINE);
		wc_sim_copy_lines(region, src, 3);
		if (fence)
			wc_barrier_entries_before_doorbell();
		wc_sim_store(region + DOORBELL, &db, sizeof(db));
		wc_barrier_flush_wc_store();
		CHECK(line_arrived(0) && line_arrived(1) && line_arrived(2), "round %u: lost", r);
	}
	wc_sim_detach(region);
}

static void
test_fenced_doorbell_never_early(void)
{
	doorbell_rounds(true, 64);
	CHECK_EQ(observed_early, 0);
}

static void
test_unfenced_doorbell_overtakes(void)
{
	doorbell_rounds(false, 64);
	CHECK(observed_early > 0, "in 64 rounds the doorbell never overtook an entry line");
	CHECK_EQ(observed, observed_early);
}

static void
test_bad_regions(void)
{
	struct wc_sim_params p = {
		.base = region, .len = REGION, .lines_variant = WC_STORE_U64,
	};
	struct wc_sim_stats s;

	p.base = region + 8;
	CHECK_EQ(wc_sim_attach(&p), (uint64_t)-EINVAL);
	p.base = region;
	p.buffers = WC_SIM_BUFFERS_MAX + 1;
	CHECK_EQ(wc_sim_attach(&p), (uint64_t)-EINVAL);
	p.buffers = 0;
	p.lines_off = LINES_OFF;
	p.lines_len = REGION;
	CHECK_EQ(wc_sim_attach(&p), (uint64_t)-EINVAL);
	p.lines_off = 0;
	p.lines_len = 0;
	p.lines_variant = WC_STORE_VARIANT_COUNT;
	CHECK_EQ(wc_sim_attach(&p), (uint64_t)-ENOTSUP);
	p.lines_variant = WC_STORE_U64;
	REQUIRE(wc_sim_attach(&p) == 0, "attach");
	p.base = region + 2048;
	p.len = 64;
	CHECK_EQ(wc_sim_attach(&p), (uint64_t)-EEXIST);
	CHECK(wc_sim_active(), "a region is attached");
	wc_sim_detach(region);
	CHECK(!wc_sim_active(), "no region is attached");
	CHECK_EQ(wc_sim_stats(region, &s), (uint64_t)-ENOENT);
}

int
main(void)
{
	region = aligned_alloc(WC_STORE_LINE, REGION);
	if (region == NULL)
		return 1;
	for (unsigned int i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 13 + 1);
	TEST_RUN(test_held_until_fence);
	TEST_RUN(test_eviction_makes_room);
	TEST_RUN(test_stores_merge_per_line);
	TEST_RUN(test_partial_line_in_pieces);
	TEST_RUN(test_fenced_doorbell_never_early);
	TEST_RUN(test_unfenced_doorbell_overtakes);
	TEST_RUN(test_bad_regions);
	free(region);
	return test_exit_status("wcstore-sim");
}
