/* SPDX-License-Identifier: BSD-3-Clause */
/* Control path: creation, identification, reset, enable, queue start/stop. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const uint8_t default_mac[6] = { 0x02, 0x77, 0x63, 0x6e, 0x69, 0x63 };

/* Create must fail with EINVAL. */
static bool create_fails(void *bar, size_t size, const struct wcnic_dma_map *dma,
			 const struct wcnic_model_params *p)
{
	struct wcnic_model *m;

	errno = 0;
	m = wcnic_model_create(bar, size, dma, p);
	if (m != NULL) {
		wcnic_model_destroy(m);
		return false;
	}
	return errno == EINVAL;
}

static void test_create_rejects_bad_arguments(void)
{
	/* A u32 parameter set to a value out of its range. */
	static const struct {
		const char *what;
		size_t field;
		uint32_t value;
	} bad[] = {
		{ "max_queues 0", offsetof(struct wcnic_model_params, max_queues), 0 },
		{ "max_queues 9", offsetof(struct wcnic_model_params, max_queues), 9 },
		{ "tx_burst_max 0", offsetof(struct wcnic_model_params, tx_burst_max), 0 },
		{ "tx_burst_max 65536", offsetof(struct wcnic_model_params, tx_burst_max), 65536 },
		{ "max_mtu 67", offsetof(struct wcnic_model_params, max_mtu), 67 },
		{ "max_mtu 9199", offsetof(struct wcnic_model_params, max_mtu), 9199 },
		{ "max_ring_size 100", offsetof(struct wcnic_model_params, max_ring_size), 100 },
		{ "max_ring_size 32", offsetof(struct wcnic_model_params, max_ring_size), 32 },
		{ "max_ring_size 65536", offsetof(struct wcnic_model_params, max_ring_size), 65536 },
		{ "gen_frame_len 41", offsetof(struct wcnic_model_params, gen_frame_len), 41 },
		{ "gen_frame_len 9217", offsetof(struct wcnic_model_params, gen_frame_len), 9217 },
		{ "backend 3", offsetof(struct wcnic_model_params, backend), 3 },
	};
	struct wcnic_dma_map dma;
	struct wcnic_model_params p;
	uint8_t *bar = aligned_alloc(4096, WCNIC_BAR_MIN_SIZE);
	bool ok;
	size_t i;

	REQUIRE(bar != NULL, "out of memory");
	wcnic_dma_map_init(&dma);
	wcnic_model_params_init(&p);
	ok = create_fails(bar, WCNIC_BAR_MIN_SIZE - 1, &dma, &p) &&
	     create_fails(bar + 8, WCNIC_BAR_MIN_SIZE, &dma, &p) &&
	     create_fails(NULL, WCNIC_BAR_MIN_SIZE, &dma, &p) &&
	     create_fails(bar, WCNIC_BAR_MIN_SIZE, NULL, &p);
	for (i = 0; ok && i < sizeof(bad) / sizeof(bad[0]); i++) {
		wcnic_model_params_init(&p);
		memcpy((uint8_t *)&p + bad[i].field, &bad[i].value, sizeof(uint32_t));
		ok = create_fails(bar, WCNIC_BAR_MIN_SIZE, &dma, &p);
		if (!ok)
			fprintf(stderr, "    accepted %s\n", bad[i].what);
	}
	wcnic_model_params_init(&p);
	p.dev_features = UINT64_C(1) << 40;
	ok = ok && create_fails(bar, WCNIC_BAR_MIN_SIZE, &dma, &p);
	free(bar);
	CHECK(ok, "a bad argument or parameter was accepted");
}

static void test_backend_names(void)
{
	enum wcnic_backend b = WCNIC_BACKEND_GEN;

	CHECK_EQ(wcnic_backend_from_name("sink", &b), 0);
	CHECK_EQ(b, WCNIC_BACKEND_SINK);
	CHECK_EQ(wcnic_backend_from_name("loopback", &b), 0);
	CHECK_EQ(b, WCNIC_BACKEND_LOOPBACK);
	CHECK_EQ(wcnic_backend_from_name("gen", &b), 0);
	CHECK_EQ(b, WCNIC_BACKEND_GEN);
	CHECK_EQ(wcnic_backend_from_name("Sink", &b), -EINVAL);
	CHECK_EQ(wcnic_backend_from_name("", &b), -EINVAL);
	CHECK_EQ(wcnic_backend_from_name(NULL, &b), -EINVAL);
	CHECK(strcmp(wcnic_backend_name(WCNIC_BACKEND_LOOPBACK), "loopback") == 0, "name");
	CHECK(wcnic_backend_name((enum wcnic_backend)9) == NULL, "unknown backend named");
}

/* The reset state every test below expects after create or reset. */
static void check_reset_state(struct h_dev *h)
{
	uint32_t off;

	CHECK_EQ(h_rd32(h, WCNIC_REG_CONTROL), 0);
	CHECK_EQ(h_rd32(h, WCNIC_REG_STATUS), WCNIC_STS_READY);
	CHECK_EQ(h_rd64(h, WCNIC_REG_DRV_FEATURES), 0);
	CHECK_EQ(h_rd32(h, WCNIC_REG_NUM_QUEUES), 0);
	CHECK_EQ(h_rd32(h, WCNIC_REG_MTU), 1500);
	CHECK_EQ(h_rd32(h, WCNIC_REG_MAC_LO), 0x6e637702u);
	CHECK_EQ(h_rd32(h, WCNIC_REG_MAC_HI), 0x6369u);
	CHECK_EQ(h_rd32(h, WCNIC_REG_ERROR_CODE), 0);
	CHECK_EQ(h_rd32(h, WCNIC_REG_ERROR_QUEUE), 0);
	CHECK_EQ(h_rd64(h, WCNIC_REG_ERROR_INFO), 0);
	for (off = WCNIC_REG_CNT_TX_PACKETS; off <= WCNIC_REG_CNT_RX_CSUM_BAD; off += 8)
		CHECK(h_rd64(h, off) == 0, "counter at %#x not cleared", off);
	for (off = WCNIC_QUEUE_CFG_BASE; off < WCNIC_QUEUE_CFG_OFF(WCNIC_MAX_QUEUES); off += 4)
		CHECK(h_rd32(h, off) == 0, "queue block word at %#x not cleared", off);
	for (off = 0; off < WCNIC_DOORBELL_PAGE_SIZE; off += 4)
		CHECK(h_rd32(h, WCNIC_DOORBELL_PAGE_OFF + off) == 0, "doorbell page +%#x", off);
}

static void test_identification_after_create(void)
{
	struct wcnic_model_params p;
	struct h_dev h;

	wcnic_model_params_init(&p);
	CHECK(memcmp(p.mac, default_mac, 6) == 0, "default MAC");
	p.max_queues = 4;
	p.tx_burst_max = 32;
	p.max_mtu = 4000;
	p.max_ring_size = 1024;
	p.link_speed = 25000;
	p.dev_features = WCNIC_F_TX_DMA | WCNIC_F_MULTI_SEG;
	h_init(&h, &p);

	CHECK_EQ(h_rd64(&h, WCNIC_REG_SIGNATURE), WCNIC_SIGNATURE);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_VERSION), WCNIC_VERSION(1, 1));
	CHECK_EQ(h_rd32(&h, WCNIC_REG_FW_VERSION), WCNIC_MODEL_FW_VERSION);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_BAR_SIZE), WCNIC_BAR_MIN_SIZE);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_DEV_FEATURES), WCNIC_F_TX_DMA | WCNIC_F_MULTI_SEG);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_MAX_QUEUES), 4);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_MAX_RING_SIZE), 1024);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_TX_BURST_MAX), 32);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_MAX_MTU), 4000);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_LINK_STATUS), WCNIC_LINK_UP | WCNIC_LINK_FULL_DUPLEX);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_LINK_SPEED), 25000);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_HEARTBEAT), 0);
	check_reset_state(&h);
	h_fini(&h);
}

static void test_defaults_reported(void)
{
	struct h_dev h;

	h_init(&h, NULL);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_MAX_QUEUES), WCNIC_MAX_QUEUES);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_TX_BURST_MAX), 64);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_MAX_MTU), 9000);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_MAX_RING_SIZE), 4096);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_DEV_FEATURES), WCNIC_MODEL_ALL_FEATURES);
	h_fini(&h);
}

/* A model made to be a 1.0 device: VERSION 1.0, only 1.0's features
 * whatever dev_features asks, FW_VERSION reserved (0). */
static void test_interface_1_0(void)
{
	struct wcnic_model_params p;
	struct h_dev h;

	wcnic_model_params_init(&p);
	p.interface_minor = 0;
	h_init(&h, &p);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_VERSION), WCNIC_VERSION(1, 0));
	CHECK_EQ(h_rd64(&h, WCNIC_REG_DEV_FEATURES), WCNIC_MODEL_FEATURES_1_0);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_FW_VERSION), 0);
	h_fini(&h);
}

static void test_reset_clears_everything(void)
{
	uint8_t frame[128];
	struct h_dev h;
	unsigned int i;

	h_init(&h, NULL);
	h_bringup(&h, 2, WCNIC_TXM_PUSH_128);
	h_udp_frame(frame, sizeof(frame), 1);
	for (i = 0; i < 8; i++)
		h_push(&h, 0, frame, sizeof(frame), 64, 1);
	h_tx_doorbell(&h, 0);
	h_wr32(&h, WCNIC_DB_TX_OFF(5), WCNIC_DB_VALUE(1, 1)); /* queue 5 is not running */
	h_wr32(&h, WCNIC_REG_MAC_LO, 0x11223344);
	h_poll(&h, 2);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_PACKETS), 8);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_ERROR_CODE), WCNIC_ERR_QUEUE_DISABLED);

	h_reset(&h);
	check_reset_state(&h);
	/* Reset does not stop the heartbeat or clear identification. */
	CHECK_EQ(h_rd64(&h, WCNIC_REG_SIGNATURE), WCNIC_SIGNATURE);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_LINK_STATUS), WCNIC_LINK_UP | WCNIC_LINK_FULL_DUPLEX);
	/* And the device comes up again from scratch. */
	h_bringup(&h, 1, WCNIC_TXM_DMA);
	h_fini(&h);
}

static void test_enable_starts_queues(void)
{
	struct h_dev h;

	h_init(&h, NULL);
	h_reset(&h);
	h_global(&h, h.params.dev_features, 3, 1500);
	h_txq_setup(&h, 0, WCNIC_TXM_PUSH_128, 0);
	h_rxq_setup(&h, 0, 64, 256);
	h_qwr32(&h, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE | WCNIC_QCTRL_RX_ENABLE);
	h_txq_setup(&h, 1, WCNIC_TXM_PUSH_256, 0);
	h_qwr32(&h, 1, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	h_txq_setup(&h, 2, WCNIC_TXM_DMA, 4096);
	h_qwr32(&h, 2, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	*h.tx[2].head_wb = 0xdeadbeef; /* the device starts the head at 0 */
	h_poll(&h, 3);
	CHECK(!(h_rd32(&h, WCNIC_REG_STATUS) & WCNIC_STS_ENABLED), "enabled without ENABLE");
	CHECK_EQ(h_qrd32(&h, 0, WCNIC_QREG_STATUS), 0);

	h_enable(&h);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_STATUS), WCNIC_STS_READY | WCNIC_STS_ENABLED);
	CHECK_EQ(h_qrd32(&h, 0, WCNIC_QREG_STATUS), WCNIC_QSTS_TX_RUNNING | WCNIC_QSTS_RX_RUNNING);
	CHECK_EQ(h_qrd32(&h, 1, WCNIC_QREG_STATUS), WCNIC_QSTS_TX_RUNNING);
	CHECK_EQ(h_qrd32(&h, 2, WCNIC_QREG_STATUS), WCNIC_QSTS_TX_RUNNING);
	CHECK_EQ(h_qrd32(&h, 3, WCNIC_QREG_STATUS), 0);
	CHECK_EQ(h_qrd32(&h, 0, WCNIC_QREG_PUSH_ENTRIES), 512);
	CHECK_EQ(h_qrd32(&h, 1, WCNIC_QREG_PUSH_ENTRIES), 256);
	CHECK_EQ(h_qrd32(&h, 2, WCNIC_QREG_PUSH_ENTRIES), 0);
	CHECK_EQ(h_tx_head(&h, 2), 0);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_ERROR_CODE), 0);
	/* Nothing to do: the pass reports no work, so a runner can back off. */
	CHECK_EQ(h_poll(&h, 5), 0);
	h_fini(&h);
}

/* Reset, write one bad global setting, enable: BAD_CONFIG, not enabled. */
static void check_global_rejected(struct h_dev *h, uint64_t features, uint32_t nq, uint32_t mtu,
				  uint64_t info)
{
	h_reset(h);
	h_global(h, features, nq, mtu);
	h_txq_setup(h, 0, WCNIC_TXM_DMA, 64);
	h_qwr32(h, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	h_wr32(h, WCNIC_REG_CONTROL, WCNIC_CTRL_ENABLE);
	h_poll(h, 3);
	CHECK_EQ(h_rd32(h, WCNIC_REG_STATUS), WCNIC_STS_READY | WCNIC_STS_ERROR);
	CHECK_EQ(h_rd32(h, WCNIC_REG_ERROR_CODE), WCNIC_ERR_BAD_CONFIG);
	CHECK_EQ(h_rd32(h, WCNIC_REG_ERROR_QUEUE), WCNIC_ERROR_QUEUE_NONE);
	CHECK_EQ(h_rd64(h, WCNIC_REG_ERROR_INFO), info);
	CHECK_EQ(h_rd64(h, WCNIC_REG_CNT_ERRORS), 1);
	CHECK_EQ(h_qrd32(h, 0, WCNIC_QREG_STATUS), 0);
	/* Fixed configuration, ENABLE cleared and set again: it runs. */
	h_global(h, WCNIC_F_TX_DMA, 1, 1500);
	h_wr32(h, WCNIC_REG_CONTROL, 0);
	h_poll(h, 1);
	h_enable(h);
	CHECK(h_tx_running(h, 0), "queue 0 not running after a valid enable");
	CHECK_EQ(h_rd64(h, WCNIC_REG_CNT_ERRORS), 1);
}

static void test_enable_rejects_bad_global_config(void)
{
	struct wcnic_model_params p;
	struct h_dev h;

	wcnic_model_params_init(&p);
	p.max_queues = 4;
	p.max_mtu = 3000;
	p.dev_features &= ~WCNIC_F_PROMISC;
	h_init(&h, &p);
	check_global_rejected(&h, WCNIC_F_TX_DMA | WCNIC_F_PROMISC, 1, 1500,
			      WCNIC_F_TX_DMA | WCNIC_F_PROMISC);
	check_global_rejected(&h, WCNIC_F_TX_DMA, 0, 1500, 0);
	check_global_rejected(&h, WCNIC_F_TX_DMA, 5, 1500, 5);
	check_global_rejected(&h, WCNIC_F_TX_DMA, 1, 67, 67);
	check_global_rejected(&h, WCNIC_F_TX_DMA, 1, 3001, 3001);
	h_fini(&h);
}

static void send_push(struct h_dev *h, unsigned int q, unsigned int n)
{
	uint8_t frame[100];
	unsigned int i;

	for (i = 0; i < n; i++) {
		h_udp_frame(frame, sizeof(frame), i);
		h_push(h, q, frame, sizeof(frame), sizeof(frame), 0);
	}
	h_tx_doorbell(h, q);
	h_poll(h, 1);
}

static void test_queue_stop_and_restart(void)
{
	struct h_dev h;

	h_init(&h, NULL);
	h_bringup(&h, 1, WCNIC_TXM_PUSH_128);
	send_push(&h, 0, 10);
	CHECK_EQ(h_tx_head(&h, 0), 10);

	h_qwr32(&h, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_RX_ENABLE);
	CHECK(h_wait32(&h, WCNIC_QUEUE_CFG_OFF(0) + WCNIC_QREG_STATUS, WCNIC_QSTS_TX_RUNNING, 0),
	      "TX still running after its enable bit was cleared");
	CHECK(h_rx_running(&h, 0), "RX stopped with TX");
	CHECK_EQ(h_rd32(&h, WCNIC_DB_TX_OFF(0)), 0);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_ERROR_CODE), 0);

	/* Restart: the driver starts its ring afresh at index 0, seq 0. */
	h.tx[0].tail = 0;
	h.tx[0].seq = 0;
	h_qwr32(&h, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE | WCNIC_QCTRL_RX_ENABLE);
	CHECK(h_wait32(&h, WCNIC_QUEUE_CFG_OFF(0) + WCNIC_QREG_STATUS, WCNIC_QSTS_TX_RUNNING,
		       WCNIC_QSTS_TX_RUNNING), "TX did not restart");
	CHECK_EQ(h_tx_head(&h, 0), 0);
	send_push(&h, 0, 7);
	CHECK_EQ(h_tx_head(&h, 0), 7);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_PACKETS), 17);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_ERROR_CODE), 0);
	h_fini(&h);
}

static void test_device_stop_and_start(void)
{
	struct h_dev h;

	h_init(&h, NULL);
	h_bringup(&h, 2, WCNIC_TXM_PUSH_256);
	send_push(&h, 1, 5);
	h_rx_post(&h, 0, 4);
	h_poll(&h, 1);

	h_wr32(&h, WCNIC_REG_CONTROL, 0);
	CHECK(h_wait32(&h, WCNIC_REG_STATUS, WCNIC_STS_ENABLED, 0), "still enabled");
	CHECK_EQ(h_qrd32(&h, 0, WCNIC_QREG_STATUS), 0);
	CHECK_EQ(h_qrd32(&h, 1, WCNIC_QREG_STATUS), 0);
	CHECK_EQ(h_rd32(&h, WCNIC_DB_TX_OFF(1)), 0);
	CHECK_EQ(h_rd32(&h, WCNIC_DB_RX_OFF(0)), 0);

	/* Start again with the configuration in place (dev_stop/dev_start);
	 * the doorbells were cleared, so the driver's indices restart at 0. */
	h.tx[1].tail = h.tx[1].seq = 0;
	h.rx[0].posted = h.rx[0].seq = 0;
	h_enable(&h);
	CHECK(h_tx_running(&h, 0) && h_tx_running(&h, 1) && h_rx_running(&h, 1),
	      "queues not running after restart");
	send_push(&h, 1, 3);
	CHECK_EQ(h_tx_head(&h, 1), 3);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_PACKETS), 8);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_ERROR_CODE), 0);
	h_fini(&h);
}

static void test_heartbeat_advances(void)
{
	struct h_dev h;
	uint64_t before, after;

	h_init(&h, NULL);
	before = h_rd64(&h, WCNIC_REG_HEARTBEAT);
	h_poll(&h, 1000);
	after = h_rd64(&h, WCNIC_REG_HEARTBEAT);
	CHECK(after > before, "heartbeat %llu -> %llu", (unsigned long long)before,
	      (unsigned long long)after);
	h_poll(&h, 1000);
	CHECK(h_rd64(&h, WCNIC_REG_HEARTBEAT) > after, "heartbeat stopped");
	h_fini(&h);
}

static void test_config_change_while_running_is_ignored(void)
{
	uint8_t frame[64];
	struct h_dev h;
	unsigned int i;

	h_init(&h, NULL);
	h_bringup(&h, 1, WCNIC_TXM_DMA);
	/* The device read the queue block at start; later writes wait for
	 * the next start. */
	h_qwr32(&h, 0, WCNIC_QREG_TX_RING_SIZE, 100);
	h_qwr64(&h, 0, WCNIC_QREG_TX_RING_IOVA, 0x123);
	h_qwr32(&h, 0, WCNIC_QREG_TX_MODE, 77);
	h_wr32(&h, WCNIC_REG_NUM_QUEUES, 0);
	h_wr32(&h, WCNIC_REG_MTU, 20);
	for (i = 0; i < 40; i++) {
		h_udp_frame(frame, sizeof(frame), i);
		h_dma_tx(&h, 0, frame, sizeof(frame), 1);
	}
	h_tx_doorbell(&h, 0);
	h_poll(&h, 2);
	CHECK_EQ(h_tx_head(&h, 0), 40);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_ERROR_CODE), 0);
	CHECK(h_tx_running(&h, 0), "queue stopped");
	h_fini(&h);
}

int main(void)
{
	TEST_RUN(test_create_rejects_bad_arguments);
	TEST_RUN(test_backend_names);
	TEST_RUN(test_identification_after_create);
	TEST_RUN(test_defaults_reported);
	TEST_RUN(test_interface_1_0);
	TEST_RUN(test_reset_clears_everything);
	TEST_RUN(test_enable_starts_queues);
	TEST_RUN(test_enable_rejects_bad_global_config);
	TEST_RUN(test_queue_stop_and_restart);
	TEST_RUN(test_device_stop_and_start);
	TEST_RUN(test_heartbeat_advances);
	TEST_RUN(test_config_change_while_running_is_ignored);
	return test_exit_status(NULL);
}
