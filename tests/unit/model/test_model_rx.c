/* SPDX-License-Identifier: BSD-3-Clause */
/* RX: loopback delivery, drops, the generator, completions and phase. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

static void setup(struct h_dev *h, enum wcnic_backend backend, uint32_t gen_len)
{
	struct wcnic_model_params p;

	wcnic_model_params_init(&p);
	p.backend = backend;
	p.gen_frame_len = gen_len;
	h_init(h, &p);
}

/* Queues 0..nq-1 in the given TX mode plus RX rings of ring_size buffers,
 * every feature accepted but RX scatter (one frame per buffer, as 1.0). */
static void bringup_one(struct h_dev *h, unsigned int nq, uint32_t mode, uint32_t ring_size,
			uint32_t buf_size)
{
	unsigned int q;

	h_reset(h);
	h_global(h, h->params.dev_features & ~WCNIC_F_RX_SCATTER, nq, 9000);
	for (q = 0; q < nq; q++) {
		h_txq_setup(h, q, mode, 256);
		h_rxq_setup(h, q, ring_size, buf_size);
		h_qwr32(h, q, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE | WCNIC_QCTRL_RX_ENABLE);
	}
	h_enable(h);
}

/* Receive exactly the frame sent; reports the first difference. */
static bool rx_expect(struct h_dev *h, unsigned int q, const uint8_t *frame, uint32_t len)
{
	const uint8_t *buf;
	uint16_t got;

	if (!h_rx_next(h, q, &buf, &got)) {
		fprintf(stderr, "    queue %u: no completion at %u\n", q, h->rx[q].next);
		return false;
	}
	if (got != len || memcmp(buf, frame, len) != 0) {
		fprintf(stderr, "    queue %u completion %u: len %u (sent %u) or bytes differ\n", q,
			h->rx[q].next - 1, got, len);
		return false;
	}
	return true;
}

static void test_loopback_push_payload_and_phase(void)
{
	static uint8_t sent[32][WCNIC_MAX_FRAME_LEN];
	static uint32_t sent_len[32];
	const uint8_t *buf;
	struct h_dev h;
	uint16_t len;
	unsigned int round, i;

	setup(&h, WCNIC_BACKEND_LOOPBACK, 64);
	bringup_one(&h, 2, WCNIC_TXM_PUSH_256, 64, 2048);
	/* 20 rounds of 32 frames over a 64-entry ring: 10 laps, both phases. */
	for (round = 0; round < 20; round++) {
		h_rx_post(&h, 1, 32);
		for (i = 0; i < 32; i++) {
			uint32_t n = 42 + (round * 32 + i) * 13 % 2000;
			uint32_t inl = n < 200 ? n : 64;

			sent_len[i] = n;
			h_udp_frame(sent[i], n, round * 32 + i);
			h_push(&h, 1, sent[i], n, inl, n == inl ? 0 : 1 + i % 3);
		}
		h_tx_doorbell(&h, 1);
		h_poll(&h, 1);
		for (i = 0; i < 32; i++)
			REQUIRE(rx_expect(&h, 1, sent[i], sent_len[i]), "round %u frame %u", round, i);
		CHECK(!h_rx_next(&h, 1, &buf, &len), "extra completion in round %u", round);
	}
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_PACKETS), 640);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_BYTES), h_rd64(&h, WCNIC_REG_CNT_TX_BYTES));
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_NO_BUF), 0);
	/* Loopback stays within the queue: queue 0 got nothing. */
	CHECK(!h_rx_next(&h, 0, &buf, &len), "queue 0 received queue 1's frames");
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_ERRORS), 0);
	CHECK(h_guards_ok(&h), "write outside granted memory");
	h_fini(&h);
}

static void test_loopback_dma_multi_descriptor(void)
{
	uint8_t frame[3000];
	struct h_dev h;
	unsigned int i;

	setup(&h, WCNIC_BACKEND_LOOPBACK, 64);
	bringup_one(&h, 1, WCNIC_TXM_DMA, 256, 4096);
	h_rx_post(&h, 0, 16);
	for (i = 1; i <= 16; i++) {
		h_udp_frame(frame, 100 * i + 42, i);
		h_dma_tx(&h, 0, frame, 100 * i + 42, i);
		h_tx_doorbell(&h, 0); /* keeps each doorbell within TX_BURST_MAX */
	}
	h_poll(&h, 1);
	for (i = 1; i <= 16; i++) {
		h_udp_frame(frame, 100 * i + 42, i);
		REQUIRE(rx_expect(&h, 0, frame, 100 * i + 42), "frame of %u descriptors", i);
	}
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_PACKETS), 16);
	CHECK(h_guards_ok(&h), "write outside granted memory");
	h_fini(&h);
}

static void test_no_buffer_and_oversize_drops(void)
{
	uint8_t frame[400];
	struct h_dev h;

	setup(&h, WCNIC_BACKEND_LOOPBACK, 64);
	bringup_one(&h, 1, WCNIC_TXM_PUSH_128, 64, 256);

	h_udp_frame(frame, 100, 1);
	h_push(&h, 0, frame, 100, 100, 0);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_NO_BUF), 1);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_PACKETS), 1);

	/* One buffer of 256 bytes: a 257-byte frame does not take it. */
	h_rx_post(&h, 0, 1);
	h_udp_frame(frame, 257, 2);
	h_push(&h, 0, frame, 257, 64, 1);
	h_udp_frame(frame, 256, 3);
	h_push(&h, 0, frame, 256, 64, 1);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_OVERSIZE), 1);
	CHECK(rx_expect(&h, 0, frame, 256), "the buffer went to the frame that fits");
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_PACKETS), 1);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_NO_BUF), 1);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_ERRORS), 0);
	h_fini(&h);
}

static void test_loopback_into_stopped_rx_is_no_buffer(void)
{
	uint8_t frame[64];
	struct h_dev h;

	setup(&h, WCNIC_BACKEND_LOOPBACK, 64);
	h_reset(&h);
	h_global(&h, h.params.dev_features, 1, 1500);
	h_txq_setup(&h, 0, WCNIC_TXM_PUSH_128, 0);
	h_qwr32(&h, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	h_enable(&h);
	h_udp_frame(frame, sizeof(frame), 0);
	h_push(&h, 0, frame, sizeof(frame), sizeof(frame), 0);
	h_push(&h, 0, frame, sizeof(frame), sizeof(frame), 0);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_PACKETS), 2);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_NO_BUF), 2);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_PACKETS), 0);
	h_fini(&h);
}

static void test_full_ring_of_buffers(void)
{
	uint8_t frame[64];
	struct h_dev h;
	unsigned int i;

	setup(&h, WCNIC_BACKEND_LOOPBACK, 64);
	bringup_one(&h, 1, WCNIC_TXM_PUSH_128, 64, 256);
	h_rx_post(&h, 0, 64); /* exactly the ring size */
	for (i = 0; i < 64; i++) {
		h_udp_frame(frame, sizeof(frame), i);
		h_push(&h, 0, frame, sizeof(frame), sizeof(frame), 0);
	}
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	for (i = 0; i < 64; i++) {
		h_udp_frame(frame, sizeof(frame), i);
		REQUIRE(rx_expect(&h, 0, frame, sizeof(frame)), "frame %u", i);
	}
	CHECK(h_rx_running(&h, 0), "RX stopped");
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_ERRORS), 0);
	h_fini(&h);
}

static void test_gen_fills_every_posted_buffer(void)
{
	static const uint32_t lens[] = { 64, 1000 };
	const uint8_t *buf;
	struct h_dev h;
	uint16_t len;
	size_t li;

	for (li = 0; li < 2; li++) {
		uint32_t got = 0, lap;

		setup(&h, WCNIC_BACKEND_GEN, lens[li]);
		h_reset(&h);
		h_global(&h, h.params.dev_features, 2, 1500);
		h_wr32(&h, WCNIC_REG_MAC_LO, 0x44332211);
		h_wr32(&h, WCNIC_REG_MAC_HI, 0x6655);
		h_txq_setup(&h, 1, WCNIC_TXM_PUSH_128, 0);
		h_rxq_setup(&h, 1, 256, 2048);
		h_qwr32(&h, 1, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE | WCNIC_QCTRL_RX_ENABLE);
		h_enable(&h);
		/* Over four laps of the ring, in batches of 200 buffers. */
		for (lap = 0; lap < 6; lap++) {
			h_rx_post(&h, 1, 200);
			h_poll(&h, 2);
			while (h_rx_next(&h, 1, &buf, &len)) {
				static const uint8_t mac[6] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };

				CHECK(len == lens[li] && h_frame_is_udp4(buf, len),
				      "completion %u: len %u, not a valid UDP frame", got, len);
				CHECK(memcmp(buf, mac, 6) == 0, "destination is not the port MAC");
				got++;
			}
			CHECK(got == (lap + 1) * 200, "lap %u: %u frames for %u buffers", lap, got,
			      (lap + 1) * 200);
		}
		CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_PACKETS), 1200);
		CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_BYTES), 1200 * lens[li]);
		CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_NO_BUF), 0);
		CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_ERRORS), 0);
		CHECK(h_guards_ok(&h), "write outside granted memory");
		h_fini(&h);
	}
}

static void test_gen_oversize_and_tx_like_sink(void)
{
	uint8_t frame[128];
	const uint8_t *buf;
	struct h_dev h;
	uint16_t len;

	setup(&h, WCNIC_BACKEND_GEN, 300);
	bringup_one(&h, 1, WCNIC_TXM_PUSH_128, 64, 256);
	h_rx_post(&h, 0, 8);
	h_poll(&h, 1);
	CHECK(!h_rx_next(&h, 0, &buf, &len), "a 300-byte frame in a 256-byte buffer");
	CHECK(h_rd64(&h, WCNIC_REG_CNT_RX_OVERSIZE) >= 1, "oversize not counted");
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_PACKETS), 0);

	h_udp_frame(frame, sizeof(frame), 0);
	h_push(&h, 0, frame, sizeof(frame), 90, 1);
	frame[23] = 6;
	h_push(&h, 0, frame, sizeof(frame), 90, 1);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_PACKETS), 2);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_HDR_BAD), 1);
	h_fini(&h);
}

/* Next completion: its buffer, length and flags; false if none is new. */
static bool rx_next_flags(struct h_dev *h, unsigned int q, const uint8_t **buf, uint16_t *len,
			  uint16_t *flags)
{
	if (!h_rx_next(h, q, buf, len))
		return false;
	*flags = h->rx[q].cmpl[(h->rx[q].next - 1) & (h->rx[q].size - 1)].flags;
	return true;
}

/* Loopback, one queue, MTU 9000, RX scatter accepted (checksums not:
 * completions carry no packet type), 64 buffers of 256 bytes. */
static void scatter_bringup(struct h_dev *h)
{
	setup(h, WCNIC_BACKEND_LOOPBACK, 64);
	h_reset(h);
	h_global(h, h->params.dev_features & ~(WCNIC_F_TX_CSUM | WCNIC_F_RX_CSUM), 1, 9000);
	h_txq_setup(h, 0, WCNIC_TXM_PUSH_256, 256);
	h_rxq_setup(h, 0, 64, 256);
	h_qwr32(h, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE | WCNIC_QCTRL_RX_ENABLE);
	h_enable(h);
}

/* RX scatter accepted: a 700-byte frame over 256-byte buffers takes three,
 * 256 + 256 + 188 bytes, LAST on the third only; a frame that fits one
 * buffer carries LAST; a frame needing more buffers than are posted is
 * dropped as no-buffer without taking any. */
static void test_scatter_over_buffers(void)
{
	static const uint16_t want_len[] = { 256, 256, 188, 100 };
	static const uint16_t want_flags[] = { 0, 0, WCNIC_RXC_LAST, WCNIC_RXC_LAST };
	uint8_t frame[9000], got[700];
	const uint8_t *buf;
	uint16_t len, flags;
	struct h_dev h;
	unsigned int i;

	scatter_bringup(&h);

	h_rx_post(&h, 0, 4);
	h_udp_frame(frame, 700, 1);
	h_push(&h, 0, frame, 700, 64, 2);
	h_udp_frame(frame + 700, 100, 2);
	h_push(&h, 0, frame + 700, 100, 100, 0);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	for (i = 0; i < 4; i++) {
		REQUIRE(rx_next_flags(&h, 0, &buf, &len, &flags), "completion %u missing", i);
		CHECK_EQ(len, want_len[i]);
		CHECK_EQ(flags & ~WCNIC_RXC_PHASE, want_flags[i]);
		if (i < 3)
			memcpy(got + 256 * i, buf, len);
		else
			CHECK(memcmp(buf, frame + 700, 100) == 0, "one-buffer frame bytes");
	}
	CHECK(memcmp(got, frame, 700) == 0, "scattered frame bytes");
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_PACKETS), 2);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_BYTES), 800);

	/* Two buffers posted, the frame needs three: dropped, none taken. */
	h_rx_post(&h, 0, 2);
	h_push(&h, 0, frame, 700, 64, 2);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK(!rx_next_flags(&h, 0, &buf, &len, &flags), "a frame over too few buffers");
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_NO_BUF), 1);
	h_rx_post(&h, 0, 1);
	h_push(&h, 0, frame, 700, 64, 2);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	for (i = 0; i < 3; i++)
		CHECK(rx_next_flags(&h, 0, &buf, &len, &flags) && len == want_len[i] &&
		      (flags & ~WCNIC_RXC_PHASE) == want_flags[i],
		      "buffer %u of the frame once three are posted", i);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_OVERSIZE), 0);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_ERRORS), 0);
	h_fini(&h);

	/* The largest frame over the smallest buffers: 36 of them. */
	scatter_bringup(&h);
	h_rx_post(&h, 0, 64);
	h_udp_frame(frame, 9000, 3);
	h_push(&h, 0, frame, 9000, 0, 4);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	for (i = 0; i < 36; i++)
		REQUIRE(rx_next_flags(&h, 0, &buf, &len, &flags) &&
			len == (i < 35 ? 256 : 9000 - 35 * 256) &&
			(flags & ~WCNIC_RXC_PHASE) == (i < 35 ? 0 : WCNIC_RXC_LAST) &&
			memcmp(buf, frame + 256 * i, len) == 0,
			"buffer %u of the 9000-byte frame", i);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_PACKETS), 1);
	h_fini(&h);
}

int main(void)
{
	TEST_RUN(test_loopback_push_payload_and_phase);
	TEST_RUN(test_loopback_dma_multi_descriptor);
	TEST_RUN(test_no_buffer_and_oversize_drops);
	TEST_RUN(test_loopback_into_stopped_rx_is_no_buffer);
	TEST_RUN(test_full_ring_of_buffers);
	TEST_RUN(test_gen_fills_every_posted_buffer);
	TEST_RUN(test_gen_oversize_and_tx_like_sink);
	TEST_RUN(test_scatter_over_buffers);
	return test_exit_status(NULL);
}
