/* SPDX-License-Identifier: BSD-3-Clause */
/* TX push mode: entries in the BAR, counters, head write-back, sink check. */
#include <string.h>

#include "harness.h"

static const uint32_t modes[] = { WCNIC_TXM_PUSH_128, WCNIC_TXM_PUSH_256 };

/* Push n frames of the given lengths as described, one doorbell, poll. */
static uint64_t push_frames(struct h_dev *h, unsigned int q, unsigned int n, uint32_t len,
			    uint32_t inline_len, unsigned int nb_sg)
{
	uint8_t frame[WCNIC_MAX_FRAME_LEN];
	uint64_t bytes = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		h_udp_frame(frame, len, i);
		h_push(h, q, frame, len, inline_len, nb_sg);
		bytes += len;
	}
	h_tx_doorbell(h, q);
	h_poll(h, 1);
	return bytes;
}

static void check_clean(struct h_dev *h, uint64_t packets, uint64_t bytes)
{
	CHECK_EQ(h_rd64(h, WCNIC_REG_CNT_TX_PACKETS), packets);
	CHECK_EQ(h_rd64(h, WCNIC_REG_CNT_TX_BYTES), bytes);
	CHECK_EQ(h_rd64(h, WCNIC_REG_CNT_TX_HDR_BAD), 0);
	CHECK_EQ(h_rd64(h, WCNIC_REG_CNT_ERRORS), 0);
	CHECK_EQ(h_rd32(h, WCNIC_REG_ERROR_CODE), 0);
	CHECK(h_guards_ok(h), "write outside granted memory");
}

static void test_inline_only(void)
{
	struct h_dev h;
	size_t mi;

	h_init(&h, NULL);
	for (mi = 0; mi < 2; mi++) {
		uint32_t room = WCNIC_PUSH_INLINE_ROOM(mi ? 256u : 128u, 0);
		uint64_t bytes = 0;

		h_bringup(&h, 1, modes[mi]);
		bytes += push_frames(&h, 0, 10, 60, 60, 0);
		bytes += push_frames(&h, 0, 10, room, room, 0);
		bytes += push_frames(&h, 0, 1, 42, 42, 0);
		CHECK_EQ(h_tx_head(&h, 0), 21);
		CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_DOORBELLS), 3);
		check_clean(&h, 21, bytes);
	}
	h_fini(&h);
}

static void test_inline_and_sg(void)
{
	struct h_dev h;
	size_t mi;

	h_init(&h, NULL);
	for (mi = 0; mi < 2; mi++) {
		uint32_t room = WCNIC_PUSH_INLINE_ROOM(mi ? 256u : 128u, 1);
		uint64_t bytes = 0;

		h_bringup(&h, 1, modes[mi]);
		bytes += push_frames(&h, 0, 16, 1500, room, 1);
		bytes += push_frames(&h, 0, 16, 200, 64, 1);
		/* Headers split between the inline bytes and the segment. */
		bytes += push_frames(&h, 0, 4, 300, 20, 1);
		/* Nothing inline: the whole frame comes by DMA. */
		bytes += push_frames(&h, 0, 4, 1000, 0, 1);
		CHECK_EQ(h_tx_head(&h, 0), 40);
		check_clean(&h, 40, bytes);
	}
	h_fini(&h);
}

static void test_multi_segment(void)
{
	struct h_dev h;
	size_t mi;

	h_init(&h, NULL);
	for (mi = 0; mi < 2; mi++) {
		uint32_t esize = mi ? 256u : 128u;
		uint32_t max_sg = WCNIC_PUSH_MAX_SG(esize);
		uint64_t bytes = 0;

		h_bringup(&h, 1, modes[mi]);
		bytes += push_frames(&h, 0, 8, 1514, 0, max_sg);
		bytes += push_frames(&h, 0, 8, 1514, WCNIC_PUSH_INLINE_ROOM(esize, 3), 3);
		/* Headers scattered over tiny segments: the sink gathers them. */
		bytes += push_frames(&h, 0, 8, 42, 0, max_sg);
		CHECK_EQ(h_tx_head(&h, 0), 24);
		check_clean(&h, 24, bytes);
	}
	h_fini(&h);
}

static void test_largest_frame_for_mtu(void)
{
	struct h_dev h;
	uint64_t bytes;

	h_init(&h, NULL);
	h_bringup(&h, 1, WCNIC_TXM_PUSH_256);
	bytes = push_frames(&h, 0, 2, 1518, 64, 2); /* MTU 1500 + 18 */
	check_clean(&h, 2, bytes);
	h_reset(&h);
	h_global(&h, h.params.dev_features, 1, 9000);
	h_txq_setup(&h, 0, WCNIC_TXM_PUSH_256, 0);
	h_qwr32(&h, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	h_enable(&h);
	bytes = push_frames(&h, 0, 2, 9018, 64, 2);
	CHECK_EQ(h_tx_head(&h, 0), 2);
	check_clean(&h, 2, bytes);
	h_fini(&h);
}

/* Several laps of the ring, and past the 16-bit doorbell index wrap. */
static void test_ring_wraps(void)
{
	struct h_dev h;
	size_t mi;

	h_init(&h, NULL);
	for (mi = 0; mi < 2; mi++) {
		uint64_t bytes = 0;
		uint32_t sent = 0;

		h_bringup(&h, 2, modes[mi]);
		while (sent < 70000) {
			uint32_t n = 70000 - sent < 61 ? 70000 - sent : 61;

			bytes += push_frames(&h, 1, n, 64 + sent % 40, 64 + sent % 40, 0);
			sent += n;
			if (h_tx_head(&h, 1) != sent)
				break;
		}
		CHECK_EQ(h_tx_head(&h, 1), 70000);
		check_clean(&h, 70000, bytes);
		CHECK(h_tx_running(&h, 1), "queue stopped");
	}
	h_fini(&h);
}

static void test_burst_budget_and_doorbell_count(void)
{
	struct h_dev h;
	uint8_t frame[64];
	unsigned int i;

	h_init(&h, NULL);
	h_bringup(&h, 1, WCNIC_TXM_PUSH_128);
	/* Exactly TX_BURST_MAX entries on one doorbell. */
	push_frames(&h, 0, 64, 64, 64, 0);
	CHECK_EQ(h_tx_head(&h, 0), 64);
	/* 100 entries with two doorbells the device samples as one change. */
	h_udp_frame(frame, sizeof(frame), 0);
	for (i = 0; i < 100; i++) {
		h_push(&h, 0, frame, sizeof(frame), sizeof(frame), 0);
		if (i == 49)
			h_tx_doorbell(&h, 0);
	}
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK_EQ(h_tx_head(&h, 0), 164);
	/* Doorbell changes observed: the second poll saw one change. */
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_DOORBELLS), 2);
	/* A doorbell announcing nothing new is fine (sequence moves only). */
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_DOORBELLS), 3);
	CHECK_EQ(h_tx_head(&h, 0), 164);
	check_clean(&h, 164, 164 * 64);
	h_fini(&h);
}

/* The sink's IPv4/UDP check: bad headers are counted, the queue runs on. */
static void test_sink_header_check(void)
{
	static const struct {
		const char *what;
		uint32_t off;   /* byte to change */
		uint8_t value;
		bool fix_csum;  /* recompute the IPv4 checksum after the change */
	} bad[] = {
		{ "bad checksum", 24, 0x00, false },
		{ "ethertype IPv6", 12, 0x86, false },
		{ "protocol ICMP", 23, 1, true },
		{ "IP version 6", 14, 0x65, true },
		{ "IHL 4", 14, 0x44, true },
		{ "total length past the frame", 16, 0x08, true },
		{ "UDP length 7", 39, 7, false },
		{ "UDP length past the IP payload", 38, 0x10, false },
	};
	uint8_t frame[128], tagged[132];
	struct h_dev h;
	uint64_t pkts = 0, bytes = 0;
	size_t i;

	h_init(&h, NULL);
	h_bringup(&h, 1, WCNIC_TXM_PUSH_256);

	h_udp_frame(frame, sizeof(frame), 7);
	CHECK(h_frame_is_udp4(frame, sizeof(frame)), "harness frame is not valid");
	frame[24] ^= 0xff; /* checksum inverted */
	frame[25] ^= 0xff;
	h_push(&h, 0, frame, sizeof(frame), sizeof(frame), 0);
	h_udp_frame(frame, sizeof(frame), 7);
	/* Good frames, untagged and behind one 802.1Q tag. */
	h_push(&h, 0, frame, sizeof(frame), sizeof(frame), 0);
	memcpy(tagged, frame, 12);
	tagged[12] = 0x81;
	tagged[13] = 0x00;
	tagged[14] = 0x00;
	tagged[15] = 0x05;
	memcpy(tagged + 16, frame + 12, sizeof(frame) - 12);
	h_push(&h, 0, tagged, sizeof(tagged), sizeof(tagged), 0);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_HDR_BAD), 1);
	pkts = 3;
	bytes = 2 * sizeof(frame) + sizeof(tagged);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		h_udp_frame(frame, sizeof(frame), 7);
		frame[bad[i].off] = bad[i].value;
		if (bad[i].fix_csum) {
			uint16_t c = h_ip_csum(frame + 14, 20);

			frame[24] = (uint8_t)(c >> 8);
			frame[25] = (uint8_t)c;
		}
		h_push(&h, 0, frame, sizeof(frame), 64, 1);
		h_tx_doorbell(&h, 0);
		h_poll(&h, 1);
		pkts++;
		bytes += sizeof(frame);
		REQUIRE(h_rd64(&h, WCNIC_REG_CNT_TX_HDR_BAD) == 2 + i, "%s not counted", bad[i].what);
	}
	/* An Ethernet header and nothing more. */
	h_udp_frame(frame, sizeof(frame), 7);
	h_push(&h, 0, frame, 14, 14, 0);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_HDR_BAD), 2 + i);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_PACKETS), pkts + 1);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_BYTES), bytes + 14);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_ERROR_CODE), 0);
	CHECK(h_tx_running(&h, 0), "header failures must not stop the queue");
	h_fini(&h);
}

int main(void)
{
	TEST_RUN(test_inline_only);
	TEST_RUN(test_inline_and_sg);
	TEST_RUN(test_multi_segment);
	TEST_RUN(test_largest_frame_for_mtu);
	TEST_RUN(test_ring_wraps);
	TEST_RUN(test_burst_budget_and_doorbell_count);
	TEST_RUN(test_sink_header_check);
	return test_exit_status(NULL);
}
