/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Malformed push entries.
 *
 * Each case must stop exactly the ring it hits with the right code, report
 * it in Q ERROR and ERROR_*, leave the other queue running and touch
 * nothing outside granted memory (h_error_is()).
 */
#include <string.h>

#include "harness.h"

static struct h_dev dev;
static uint8_t good[2048];

/* Write a push entry at the tail of queue q: header, nsg sg elements,
 * then inline bytes of a valid frame up to the end of the entry. */
static void push_entry(unsigned int q, struct wcnic_push_hdr hdr, const struct wcnic_sg *sg,
		       unsigned int nsg)
{
	uint32_t esize = dev.tx[q].entry_size, off = WCNIC_PUSH_HDR_SIZE + nsg * WCNIC_SG_SIZE;
	uint8_t entry[WCNIC_PUSH_ENTRY_256] = { 0 };

	h_udp_frame(good, sizeof(good), 9);
	memcpy(entry, &hdr, sizeof(hdr));
	if (nsg != 0)
		memcpy(entry + WCNIC_PUSH_HDR_SIZE, sg, nsg * WCNIC_SG_SIZE);
	if (off < esize)
		memcpy(entry + off, good, esize - off);
	memcpy(h_push_slot(&dev, q), entry, esize);
	h_push_commit(&dev, q);
}

/* One push entry with one segment of sg_len bytes at iova, inline 64. */
static void push_one_sg(unsigned int q, uint64_t iova, uint32_t sg_len, uint16_t pkt_len)
{
	struct wcnic_push_hdr hdr = { .pkt_len = pkt_len, .inline_len = 64, .nb_sg = 1 };
	struct wcnic_sg sg = { .iova = iova, .len = sg_len };

	push_entry(q, hdr, &sg, 1);
	h_tx_doorbell(&dev, q);
	h_poll(&dev, 1);
}

/* ------------------------------------------------------------------ */
/* Push entries                                                        */

static void test_push_bad_iova(void)
{
	static const struct {
		const char *what;
		uint64_t iova;
		uint32_t len;
	} cases[] = {
		{ "past the grant", H_ARENA_END + 64, 100 },
		{ "before the grant", H_ARENA_IOVA - 128, 100 },
		{ "crossing the end of the grant", H_ARENA_END - 50, 100 },
		{ "iova + len overflowing", UINT64_MAX - 40, 100 },
		{ "zero page", 0, 100 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h_bringup(&dev, 2, WCNIC_TXM_PUSH_128);
		push_one_sg(0, cases[i].iova, cases[i].len, (uint16_t)(64 + cases[i].len));
		CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_BAD_IOVA, cases[i].iova), "sg %s", cases[i].what);
		CHECK_EQ(h_rd64(&dev, WCNIC_REG_CNT_TX_PACKETS), 1); /* queue 1's check frame */
	}
}

static void test_push_bad_lengths(void)
{
	static const struct {
		const char *what;
		uint16_t pkt_len;
		uint16_t inline_len;
		uint32_t sg_len;   /* 0: no segment */
		uint64_t info;
	} cases[] = {
		{ "pkt_len above inline + sg", 165, 64, 100, 164 },
		{ "pkt_len below inline + sg", 163, 64, 100, 164 },
		{ "pkt_len below inline", 50, 60, 0, 60 },
		{ "frame of 13 bytes", 13, 13, 0, 13 },
		{ "frame of 0 bytes", 0, 0, 0, 0 },
		{ "frame above MTU + 18", 1519, 64, 1455, 1519 },
		{ "frame above the largest frame", 9217, 64, 9153, 9217 },
		{ "sg of 0 bytes", 64, 64, UINT32_MAX, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wcnic_push_hdr hdr = {
			.pkt_len = cases[i].pkt_len,
			.inline_len = cases[i].inline_len,
			.nb_sg = cases[i].sg_len != 0,
		};
		struct wcnic_sg sg = {
			.iova = H_ARENA_IOVA,
			.len = cases[i].sg_len == UINT32_MAX ? 0 : cases[i].sg_len,
		};

		h_bringup(&dev, 2, WCNIC_TXM_PUSH_256);
		push_entry(0, hdr, &sg, hdr.nb_sg);
		h_tx_doorbell(&dev, 0);
		h_poll(&dev, 1);
		CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_BAD_LENGTH, cases[i].info), "%s", cases[i].what);
	}
}

static void test_push_bad_descriptor(void)
{
	static const struct {
		const char *what;
		uint32_t mode;
		struct wcnic_push_hdr hdr;
		struct wcnic_sg sg;
		uint64_t info;
	} cases[] = {
		{ "flags set", WCNIC_TXM_PUSH_128, { .pkt_len = 64, .inline_len = 64, .flags = 1 },
		  { 0, 0, 0 }, 1 },
		{ "hdr_lens set", WCNIC_TXM_PUSH_128, { .pkt_len = 64, .inline_len = 64, .hdr_lens = 2 },
		  { 0, 0, 0 }, 2 },
		{ "rsvd1 set", WCNIC_TXM_PUSH_128,
		  { .pkt_len = 64, .inline_len = 64, .rsvd1 = 0x80000000u }, { 0, 0, 0 },
		  0x80000000u },
		{ "sg rsvd set", WCNIC_TXM_PUSH_128, { .pkt_len = 164, .inline_len = 64, .nb_sg = 1 },
		  { H_ARENA_IOVA, 100, 4 }, 4 },
		{ "inline past the 128-byte entry", WCNIC_TXM_PUSH_128,
		  { .pkt_len = 113, .inline_len = 113 }, { 0, 0, 0 }, 129 },
		{ "8 sg in a 128-byte entry", WCNIC_TXM_PUSH_128,
		  { .pkt_len = 800, .inline_len = 0, .nb_sg = 8 }, { H_ARENA_IOVA, 100, 0 }, 144 },
		{ "16 sg in a 256-byte entry", WCNIC_TXM_PUSH_256,
		  { .pkt_len = 1600, .inline_len = 0, .nb_sg = 16 }, { H_ARENA_IOVA, 100, 0 }, 272 },
		{ "255 sg", WCNIC_TXM_PUSH_256,
		  { .pkt_len = 1600, .inline_len = 0, .nb_sg = 255 }, { H_ARENA_IOVA, 100, 0 },
		  16 + 255 * 16 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h_bringup(&dev, 2, cases[i].mode);
		push_entry(0, cases[i].hdr, &cases[i].sg, cases[i].hdr.nb_sg != 0);
		h_tx_doorbell(&dev, 0);
		h_poll(&dev, 1);
		CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_BAD_DESCRIPTOR, cases[i].info), "%s",
		      cases[i].what);
	}
}

static void test_push_multi_seg_not_accepted(void)
{
	struct wcnic_push_hdr hdr = { .pkt_len = 264, .inline_len = 64, .nb_sg = 2 };
	struct wcnic_sg sg[2] = { { H_ARENA_IOVA, 100, 0 }, { H_ARENA_IOVA + 100, 100, 0 } };

	h_reset(&dev);
	h_global(&dev, WCNIC_F_TX_PUSH | WCNIC_F_PUSH_ENTRY_128, 2, 1500);
	h_txq_setup(&dev, 0, WCNIC_TXM_PUSH_128, 0);
	h_txq_setup(&dev, 1, WCNIC_TXM_PUSH_128, 0);
	h_qwr32(&dev, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	h_qwr32(&dev, 1, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	h_enable(&dev);
	/* One segment is fine without MULTI_SEG. */
	push_one_sg(0, H_ARENA_IOVA, 100, 164);
	CHECK_EQ(h_tx_head(&dev, 0), 1);
	push_entry(0, hdr, sg, 2);
	h_tx_doorbell(&dev, 0);
	h_poll(&dev, 1);
	CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_BAD_DESCRIPTOR, 2), "two segments without MULTI_SEG");
}

static void test_push_good_entries_before_bad_one_complete(void)
{
	struct wcnic_push_hdr bad = { .pkt_len = 64, .inline_len = 64, .flags = 0x80 };
	unsigned int i;

	h_bringup(&dev, 2, WCNIC_TXM_PUSH_128);
	h_udp_frame(good, 80, 0);
	for (i = 0; i < 3; i++)
		h_push(&dev, 0, good, 80, 80, 0);
	push_entry(0, bad, NULL, 0);
	for (i = 0; i < 2; i++)
		h_push(&dev, 0, good, 80, 80, 0);
	h_tx_doorbell(&dev, 0);
	h_poll(&dev, 1);
	CHECK_EQ(h_tx_head(&dev, 0), 3);
	CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_BAD_DESCRIPTOR, 0x80), "flags 0x80");
	/* Nothing more happens on the failed ring. */
	h_tx_doorbell(&dev, 0);
	h_poll(&dev, 3);
	CHECK_EQ(h_tx_head(&dev, 0), 3);
	CHECK_EQ(h_rd64(&dev, WCNIC_REG_CNT_ERRORS), 1);
}

int main(void)
{
	h_init(&dev, NULL);
	TEST_RUN(test_push_bad_iova);
	TEST_RUN(test_push_bad_lengths);
	TEST_RUN(test_push_bad_descriptor);
	TEST_RUN(test_push_multi_seg_not_accepted);
	TEST_RUN(test_push_good_entries_before_bad_one_complete);
	h_fini(&dev);
	return test_exit_status(NULL);
}
