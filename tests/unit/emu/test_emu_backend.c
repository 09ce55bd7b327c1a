/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The model's external back end (what wcnic-emu's tap bridge plugs into)
 * and the counters wcnic-emu reports, with the model harness as driver:
 * transmitted frames reach tx() whole and unchanged, rx_poll() is asked
 * only for room the driver posted, wcnic_model_rx() drops and counts as
 * the interface says, and wcnic_model_stats() keeps per-queue and total
 * counts across device resets.
 */
#include <errno.h>
#include <string.h>

#include "harness.h"

#define PENDING_MAX 16

/* A wire: remembers what was sent, hands out frames queued for receive. */
static struct wire {
	unsigned int tx_count;
	unsigned int tx_queue[PENDING_MAX];
	uint32_t tx_len[PENDING_MAX];
	uint8_t tx_frame[PENDING_MAX][2048];
	unsigned int rx_pending, rx_next;
	uint32_t rx_len[PENDING_MAX];
	uint8_t rx_frame[PENDING_MAX][WCNIC_MAX_FRAME_LEN + 64];
	unsigned int polls, last_room, polled_queues;
} wire;

static void wire_tx(void *ctx, unsigned int qi, const uint8_t *frame, uint32_t len)
{
	struct wire *w = ctx;

	if (w->tx_count < PENDING_MAX && len <= sizeof(w->tx_frame[0])) {
		w->tx_queue[w->tx_count] = qi;
		w->tx_len[w->tx_count] = len;
		memcpy(w->tx_frame[w->tx_count], frame, len);
	}
	w->tx_count++;
}

static unsigned int wire_rx_poll(void *ctx, struct wcnic_model *m, unsigned int qi,
				 unsigned int room)
{
	struct wire *w = ctx;
	unsigned int n = 0;

	w->polls++;
	w->last_room = room;
	w->polled_queues |= 1u << qi;
	while (n < room && w->rx_next < w->rx_pending) {
		wcnic_model_rx(m, qi, w->rx_frame[w->rx_next], w->rx_len[w->rx_next]);
		w->rx_next++;
		n++;
	}
	return n;
}

static const struct wcnic_backend_ops wire_ops = { .tx = wire_tx, .rx_poll = wire_rx_poll };

static struct h_dev dev;

static void start(unsigned int nq, uint32_t mode)
{
	struct wcnic_model_params p;

	memset(&wire, 0, sizeof(wire));
	wcnic_model_params_init(&p);
	p.backend = WCNIC_BACKEND_EXTERNAL;
	p.ext_ops = &wire_ops;
	p.ext_ctx = &wire;
	h_init(&dev, &p);
	h_bringup(&dev, nq, mode);
}

static void queue_rx(uint32_t len, uint32_t seed)
{
	REQUIRE(wire.rx_pending < PENDING_MAX, "too many frames queued");
	wire.rx_len[wire.rx_pending] = len;
	if (len >= 42)
		h_udp_frame(wire.rx_frame[wire.rx_pending], len, seed);
	wire.rx_pending++;
}

static void test_tx_reaches_the_wire(void)
{
	uint8_t a[300], b[1500], bad[60];
	struct wcnic_model_stats s;

	start(2, WCNIC_TXM_PUSH_128);
	h_udp_frame(a, sizeof(a), 1);
	h_udp_frame(b, sizeof(b), 2);
	memset(bad, 0x55, sizeof(bad)); /* not IPv4: the wire takes it as it is */
	h_push(&dev, 0, a, sizeof(a), 64, 2);  /* inline part and two DMA segments */
	h_push(&dev, 1, bad, sizeof(bad), sizeof(bad), 0);
	h_tx_doorbell(&dev, 0);
	h_tx_doorbell(&dev, 1);
	h_poll(&dev, 2);
	CHECK_EQ(wire.tx_count, 2);
	CHECK(wire.tx_queue[0] == 0 && wire.tx_len[0] == sizeof(a) &&
	      memcmp(wire.tx_frame[0], a, sizeof(a)) == 0, "frame of queue 0 differs");
	CHECK(wire.tx_queue[1] == 1 && wire.tx_len[1] == sizeof(bad) &&
	      memcmp(wire.tx_frame[1], bad, sizeof(bad)) == 0, "frame of queue 1 differs");
	h_fini(&dev);

	start(1, WCNIC_TXM_DMA);
	h_dma_tx(&dev, 0, b, sizeof(b), 3);
	h_tx_doorbell(&dev, 0);
	h_poll(&dev, 2);
	CHECK_EQ(wire.tx_count, 1);
	CHECK(wire.tx_len[0] == sizeof(b) && memcmp(wire.tx_frame[0], b, sizeof(b)) == 0,
	      "DMA frame of three segments differs");
	wcnic_model_stats(dev.m, &s);
	CHECK_EQ(s.total[WCNIC_CNT_TX_PACKETS], 1);
	CHECK_EQ(s.total[WCNIC_CNT_TX_BYTES], sizeof(b));
	CHECK_EQ(s.total[WCNIC_CNT_TX_HDR_BAD], 0);
	h_fini(&dev);
}

static void test_rx_only_into_posted_room(void)
{
	const uint8_t *buf;
	uint16_t len;
	unsigned int i;

	start(2, WCNIC_TXM_PUSH_128);
	for (i = 0; i < 6; i++)
		queue_rx(100 + i, i);
	h_poll(&dev, 3);
	CHECK(wire.polls == 0, "rx_poll asked %u times with no buffer posted", wire.polls);
	h_rx_post(&dev, 0, 4);
	h_poll(&dev, 1);
	CHECK(wire.polls == 1 && wire.last_room == 4 && wire.polled_queues == 1,
	      "polls %u room %u queues %#x", wire.polls, wire.last_room, wire.polled_queues);
	CHECK_EQ(wire.rx_next, 4);
	for (i = 0; i < 4; i++) {
		REQUIRE(h_rx_next(&dev, 0, &buf, &len), "completion %u missing", i);
		CHECK(len == wire.rx_len[i] && memcmp(buf, wire.rx_frame[i], len) == 0,
		      "frame %u differs (len %u)", i, len);
	}
	h_poll(&dev, 2);
	CHECK(wire.polls == 1, "rx_poll asked again without room");
	h_rx_post(&dev, 0, 8);
	h_poll(&dev, 1);
	CHECK_EQ(wire.rx_next, 6);
	CHECK(wire.last_room == 8, "room %u", wire.last_room);
	h_fini(&dev);
}

static void test_rx_drops(void)
{
	struct wcnic_model_stats s;
	uint8_t frame[WCNIC_MAX_FRAME_LEN + 1];

	start(1, WCNIC_TXM_PUSH_128);
	memset(frame, 0, sizeof(frame));
	/* Nothing posted: no buffer. */
	CHECK(!wcnic_model_rx(dev.m, 0, frame, 64), "frame taken with no buffer");
	h_rx_post(&dev, 0, 2);
	h_poll(&dev, 1);
	CHECK(!wcnic_model_rx(dev.m, 0, frame, 2049), "frame longer than the buffers taken");
	CHECK(!wcnic_model_rx(dev.m, 0, frame, sizeof(frame)), "frame over the interface's maximum");
	CHECK(!wcnic_model_rx(dev.m, 0, frame, 13), "frame shorter than an Ethernet header");
	CHECK(!wcnic_model_rx(dev.m, WCNIC_MAX_QUEUES, frame, 64), "queue out of range");
	CHECK(wcnic_model_rx(dev.m, 0, frame, 2048), "frame filling a buffer refused");
	/* Queue 1 does not run. */
	CHECK(!wcnic_model_rx(dev.m, 1, frame, 64), "frame taken by a stopped queue");
	h_poll(&dev, 1);
	wcnic_model_stats(dev.m, &s);
	CHECK_EQ(s.total[WCNIC_CNT_RX_NO_BUF], 2);
	CHECK_EQ(s.queue[0][WCNIC_CNT_RX_NO_BUF], 1);
	CHECK_EQ(s.queue[1][WCNIC_CNT_RX_NO_BUF], 1);
	CHECK_EQ(s.total[WCNIC_CNT_RX_OVERSIZE], 2);
	CHECK_EQ(s.total[WCNIC_CNT_RX_PACKETS], 1);
	CHECK_EQ(s.total[WCNIC_CNT_RX_BYTES], 2048);
	CHECK_EQ(h_rd64(&dev, WCNIC_REG_CNT_RX_OVERSIZE), 2);
	h_fini(&dev);
}

/* Totals survive a reset (the registers do not); queues add up to them. */
static void test_stats_across_reset(void)
{
	struct wcnic_model_stats s;
	unsigned int q, c;
	uint64_t sum;

	start(2, WCNIC_TXM_PUSH_256);
	CHECK(h_queue_works(&dev, 0) && h_queue_works(&dev, 1), "queues do not transmit");
	/* A bad doorbell: ring 1 stops with DOORBELL_RANGE. */
	h_wr32(&dev, WCNIC_DB_TX_OFF(1), WCNIC_DB_VALUE(dev.tx[1].seq + 1, 0x8000));
	h_poll(&dev, 1);
	wcnic_model_stats(dev.m, &s);
	CHECK_EQ(s.error_code, WCNIC_ERR_DOORBELL_RANGE);
	CHECK_EQ(s.error_queue, 1);
	CHECK_EQ(s.queue_error[1], WCNIC_ERR_DOORBELL_RANGE);
	CHECK(s.queue_status[1] & WCNIC_QSTS_TX_STOPPED_ERR, "Q STATUS %#x", s.queue_status[1]);
	CHECK(s.status & WCNIC_STS_ERROR, "STATUS %#x", s.status);
	CHECK_EQ(s.num_queues, 2);

	h_bringup(&dev, 1, WCNIC_TXM_PUSH_256);
	CHECK(h_queue_works(&dev, 0), "queue 0 does not transmit after the reset");
	wcnic_model_stats(dev.m, &s);
	CHECK_EQ(s.resets, 2);
	CHECK_EQ(s.total[WCNIC_CNT_TX_PACKETS], 3);
	CHECK_EQ(h_rd64(&dev, WCNIC_REG_CNT_TX_PACKETS), 1);
	CHECK_EQ(s.total[WCNIC_CNT_ERRORS], 1);
	CHECK_EQ(s.errors_by_code[WCNIC_ERR_DOORBELL_RANGE], 1);
	CHECK_EQ(s.error_code, WCNIC_ERR_NONE);
	CHECK(!(s.status & WCNIC_STS_ERROR), "STATUS %#x", s.status);
	for (c = 0; c < WCNIC_CNT_NUM; c++) {
		for (sum = 0, q = 0; q < WCNIC_MAX_QUEUES; q++)
			sum += s.queue[q][c];
		CHECK(sum == s.total[c], "%s: queues %llu, total %llu",
		      wcnic_counter_name((enum wcnic_counter)c), (unsigned long long)sum,
		      (unsigned long long)s.total[c]);
	}
	/* A device-wide error counts in the total only. */
	h_reset(&dev);
	h_global(&dev, dev.params.dev_features, 9, 1500);
	h_wr32(&dev, WCNIC_REG_CONTROL, WCNIC_CTRL_ENABLE);
	h_poll(&dev, 1);
	wcnic_model_stats(dev.m, &s);
	CHECK_EQ(s.error_code, WCNIC_ERR_BAD_CONFIG);
	CHECK_EQ(s.error_queue, WCNIC_ERROR_QUEUE_NONE);
	CHECK_EQ(s.total[WCNIC_CNT_ERRORS], 2);
	CHECK_EQ(s.queue[1][WCNIC_CNT_ERRORS], 1);
	h_fini(&dev);
}

static void test_names_and_refusals(void)
{
	struct wcnic_model_params p;
	enum wcnic_backend b;
	static uint8_t bar[WCNIC_BAR_MIN_SIZE] __attribute__((aligned(64)));
	struct wcnic_dma_map map;

	CHECK(strcmp(wcnic_counter_name(WCNIC_CNT_TX_PACKETS), "tx_packets") == 0 &&
	      strcmp(wcnic_counter_name(WCNIC_CNT_DOORBELLS), "doorbells") == 0 &&
	      wcnic_counter_name(WCNIC_CNT_NUM) == NULL, "counter names");
	CHECK(strcmp(wcnic_error_name(WCNIC_ERR_NONE), "none") == 0 &&
	      strcmp(wcnic_error_name(WCNIC_ERR_BAD_IOVA), "bad_iova") == 0 &&
	      strcmp(wcnic_error_name(WCNIC_ERR_QUEUE_DISABLED), "queue_disabled") == 0 &&
	      strcmp(wcnic_error_name(WCNIC_ERR_MAX + 1), "unknown") == 0, "error names");
	CHECK(strcmp(wcnic_backend_name(WCNIC_BACKEND_EXTERNAL), "external") == 0, "name");
	CHECK(wcnic_backend_from_name("external", &b) == -EINVAL,
	      "the external back end selected by name");

	wcnic_dma_map_init(&map);
	wcnic_model_params_init(&p);
	p.backend = WCNIC_BACKEND_EXTERNAL;
	errno = 0;
	CHECK(wcnic_model_create(bar, sizeof(bar), &map, &p) == NULL && errno == EINVAL,
	      "external back end without ops accepted");
}

int main(void)
{
	TEST_RUN(test_tx_reaches_the_wire);
	TEST_RUN(test_rx_only_into_posted_room);
	TEST_RUN(test_rx_drops);
	TEST_RUN(test_stats_across_reset);
	TEST_RUN(test_names_and_refusals);
	return test_exit_status(NULL);
}
