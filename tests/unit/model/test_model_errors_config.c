/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rejected configurations, bad RX buffers, and errors in general: first
 * error wins, failed rings stay down, reset in the middle of traffic.
 *
 * Each case must stop exactly the ring it hits with the right code, report
 * it in Q ERROR and ERROR_*, leave the other queue running and touch
 * nothing outside granted memory (h_error_is()).
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct h_dev dev;
static uint8_t good[2048];

/* ------------------------------------------------------------------ */
/* Configuration at enable                                             */

/* Bring up queues 0 and 1; spoil queue 0 with one register write. */
static void enable_with(uint32_t mode, uint64_t features, uint32_t reg, uint64_t value,
			bool wide)
{
	h_reset(&dev);
	h_global(&dev, features, 2, 1500);
	h_txq_setup(&dev, 0, mode, 256);
	h_rxq_setup(&dev, 0, 256, 2048);
	h_txq_setup(&dev, 1, WCNIC_TXM_DMA, 256);
	if (wide)
		h_qwr64(&dev, 0, reg, value);
	else
		h_qwr32(&dev, 0, reg, (uint32_t)value);
	h_qwr32(&dev, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE | WCNIC_QCTRL_RX_ENABLE);
	h_qwr32(&dev, 1, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	h_enable(&dev);
}

static void test_bad_config_at_enable(void)
{
	const uint64_t all = dev.params.dev_features;
	const struct {
		const char *what;
		uint32_t mode;
		uint64_t features;
		uint32_t reg;
		uint64_t value;
		bool wide;
		bool tx;
		uint32_t code;
		uint64_t info;
	} cases[] = {
		{ "TX ring size 100", WCNIC_TXM_DMA, all, WCNIC_QREG_TX_RING_SIZE, 100, false,
		  true, WCNIC_ERR_BAD_CONFIG, 100 },
		{ "TX ring size 32", WCNIC_TXM_DMA, all, WCNIC_QREG_TX_RING_SIZE, 32, false,
		  true, WCNIC_ERR_BAD_CONFIG, 32 },
		{ "TX ring size above MAX_RING_SIZE", WCNIC_TXM_DMA, all, WCNIC_QREG_TX_RING_SIZE,
		  8192, false, true, WCNIC_ERR_BAD_CONFIG, 8192 },
		{ "RX ring size 0", WCNIC_TXM_DMA, all, WCNIC_QREG_RX_RING_SIZE, 0, false,
		  false, WCNIC_ERR_BAD_CONFIG, 0 },
		{ "RX buffers of 255 bytes", WCNIC_TXM_DMA, all, WCNIC_QREG_RX_BUF_SIZE, 255, false,
		  false, WCNIC_ERR_BAD_CONFIG, 255 },
		{ "TX ring misaligned", WCNIC_TXM_DMA, all, WCNIC_QREG_TX_RING_IOVA,
		  H_ARENA_IOVA + 8, true, true, WCNIC_ERR_BAD_CONFIG, H_ARENA_IOVA + 8 },
		{ "TX head misaligned", WCNIC_TXM_PUSH_128, all, WCNIC_QREG_TX_CMPL_IOVA,
		  H_ARENA_IOVA + 4, true, true, WCNIC_ERR_BAD_CONFIG, H_ARENA_IOVA + 4 },
		{ "RX ring misaligned", WCNIC_TXM_DMA, all, WCNIC_QREG_RX_RING_IOVA,
		  H_ARENA_IOVA + 32, true, false, WCNIC_ERR_BAD_CONFIG, H_ARENA_IOVA + 32 },
		{ "RX completions misaligned", WCNIC_TXM_DMA, all, WCNIC_QREG_RX_CMPL_IOVA,
		  H_ARENA_IOVA + 16, true, false, WCNIC_ERR_BAD_CONFIG, H_ARENA_IOVA + 16 },
		{ "TX ring not granted", WCNIC_TXM_DMA, all, WCNIC_QREG_TX_RING_IOVA,
		  H_ARENA_END, true, true, WCNIC_ERR_BAD_IOVA, H_ARENA_END },
		{ "TX ring running off the grant", WCNIC_TXM_DMA, all, WCNIC_QREG_TX_RING_IOVA,
		  H_ARENA_END - 64 * 16, true, true, WCNIC_ERR_BAD_IOVA, H_ARENA_END - 64 * 16 },
		{ "TX head not granted", WCNIC_TXM_PUSH_256, all, WCNIC_QREG_TX_CMPL_IOVA,
		  0x40, true, true, WCNIC_ERR_BAD_IOVA, 0x40 },
		{ "RX ring running off the grant", WCNIC_TXM_DMA, all, WCNIC_QREG_RX_RING_IOVA,
		  H_ARENA_END - 128 * 16, true, false, WCNIC_ERR_BAD_IOVA, H_ARENA_END - 128 * 16 },
		{ "RX completions running off the grant", WCNIC_TXM_DMA, all,
		  WCNIC_QREG_RX_CMPL_IOVA, H_ARENA_END - 64 * 8, true, false, WCNIC_ERR_BAD_IOVA,
		  H_ARENA_END - 64 * 8 },
		{ "push 128 not accepted", WCNIC_TXM_PUSH_128, all & ~WCNIC_F_PUSH_ENTRY_128,
		  WCNIC_QREG_TX_MODE, WCNIC_TXM_PUSH_128, false, true, WCNIC_ERR_BAD_CONFIG,
		  WCNIC_TXM_PUSH_128 },
		{ "push 256 not accepted", WCNIC_TXM_PUSH_256, all & ~WCNIC_F_PUSH_ENTRY_256,
		  WCNIC_QREG_TX_MODE, WCNIC_TXM_PUSH_256, false, true, WCNIC_ERR_BAD_CONFIG,
		  WCNIC_TXM_PUSH_256 },
		{ "DMA not accepted", WCNIC_TXM_PUSH_256, all & ~WCNIC_F_TX_DMA, WCNIC_QREG_TX_MODE,
		  WCNIC_TXM_DMA, false, true, WCNIC_ERR_BAD_CONFIG, WCNIC_TXM_DMA },
		{ "unknown TX mode", WCNIC_TXM_DMA, all, WCNIC_QREG_TX_MODE, 3, false, true,
		  WCNIC_ERR_BAD_CONFIG, 3 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enable_with(cases[i].mode, cases[i].features, cases[i].reg, cases[i].value,
			    cases[i].wide);
		/* Queue 1 (DMA) is not hurt when DMA is not accepted: skip it there. */
		if (!(cases[i].features & WCNIC_F_TX_DMA)) {
			CHECK(h_stopped(&dev, 0, true, cases[i].code), "%s", cases[i].what);
			continue;
		}
		CHECK(h_error_is(&dev, 0, cases[i].tx, cases[i].code, cases[i].info), "%s", cases[i].what);
		CHECK(h_rd32(&dev, WCNIC_REG_STATUS) & WCNIC_STS_ENABLED, "device not enabled");
		/* The other direction of the same queue started normally. */
		CHECK(cases[i].tx ? h_rx_running(&dev, 0) : h_tx_running(&dev, 0),
		      "%s: other direction not running", cases[i].what);
	}
}

static void test_queue_beyond_num_queues(void)
{
	h_reset(&dev);
	h_global(&dev, dev.params.dev_features, 1, 1500);
	h_txq_setup(&dev, 0, WCNIC_TXM_PUSH_128, 0);
	h_txq_setup(&dev, 1, WCNIC_TXM_PUSH_128, 0);
	h_qwr32(&dev, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	h_qwr32(&dev, 1, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	h_enable(&dev);
	CHECK(h_error_is(&dev, 1, true, WCNIC_ERR_BAD_CONFIG, 1), "queue 1 with NUM_QUEUES 1");
}

static void test_doorbell_not_zero_at_enable(void)
{
	uint32_t db = WCNIC_DB_VALUE(3, 2);

	h_reset(&dev);
	h_global(&dev, dev.params.dev_features, 2, 1500);
	h_txq_setup(&dev, 0, WCNIC_TXM_PUSH_128, 0);
	h_txq_setup(&dev, 1, WCNIC_TXM_PUSH_128, 0);
	h_qwr32(&dev, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	h_qwr32(&dev, 1, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	h_wr32(&dev, WCNIC_DB_TX_OFF(0), db);
	/* A sequence without an index is a baseline, not an error. */
	h_wr32(&dev, WCNIC_DB_TX_OFF(1), WCNIC_DB_VALUE(40, 0));
	dev.tx[1].seq = 40;
	h_enable(&dev);
	CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_BAD_CONFIG, db), "doorbell index 2 at enable");
}

static void test_bad_config_at_run_time_start(void)
{
	h_bringup(&dev, 2, WCNIC_TXM_PUSH_128);
	h_qwr32(&dev, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	CHECK(h_wait32(&dev, WCNIC_QUEUE_CFG_OFF(0) + WCNIC_QREG_STATUS, WCNIC_QSTS_RX_RUNNING, 0),
	      "RX did not stop");
	h_qwr32(&dev, 0, WCNIC_QREG_RX_BUF_SIZE, 100);
	h_qwr32(&dev, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE | WCNIC_QCTRL_RX_ENABLE);
	h_poll(&dev, 1);
	CHECK(h_error_is(&dev, 0, false, WCNIC_ERR_BAD_CONFIG, 100), "RX restarted with 100-byte buffers");
}

/* ------------------------------------------------------------------ */
/* RX buffers                                                          */

static void loopback_device(void)
{
	struct wcnic_model_params p;

	h_fini(&dev);
	wcnic_model_params_init(&p);
	p.backend = WCNIC_BACKEND_LOOPBACK;
	h_init(&dev, &p);
}

static void test_rx_bad_buffers(void)
{
	static const struct {
		const char *what;
		uint64_t iova, rsvd;
		uint32_t code;
		uint64_t info;
	} cases[] = {
		{ "buffer not granted", H_ARENA_END + 4096, 0, WCNIC_ERR_BAD_IOVA, H_ARENA_END + 4096 },
		{ "buffer running off the grant", H_ARENA_END - 100, 0, WCNIC_ERR_BAD_IOVA,
		  H_ARENA_END - 100 },
		{ "rsvd set", H_ARENA_IOVA, 1, WCNIC_ERR_BAD_DESCRIPTOR, 1 },
	};
	size_t i;

	loopback_device();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h_bringup(&dev, 2, WCNIC_TXM_PUSH_128);
		h_rx_post_desc(&dev, 0, cases[i].iova, cases[i].rsvd);
		h_rx_doorbell(&dev, 0);
		h_udp_frame(good, 64, 0);
		h_push(&dev, 0, good, 64, 64, 0);
		h_tx_doorbell(&dev, 0);
		h_poll(&dev, 1);
		CHECK(h_error_is(&dev, 0, false, cases[i].code, cases[i].info), "%s", cases[i].what);
		CHECK(h_tx_running(&dev, 0), "%s: TX of the queue stopped", cases[i].what);
		CHECK_EQ(h_rd64(&dev, WCNIC_REG_CNT_RX_PACKETS), 0);
	}
	h_fini(&dev);
	h_init(&dev, NULL);
}

/* ------------------------------------------------------------------ */
/* Errors in general                                                   */

static void test_first_error_wins(void)
{
	uint32_t db0 = WCNIC_DB_VALUE(1, 600), db1;

	h_bringup(&dev, 2, WCNIC_TXM_PUSH_128);
	h_wr32(&dev, WCNIC_DB_TX_OFF(0), db0);
	h_poll(&dev, 1);
	db1 = WCNIC_DB_VALUE(0, 1);
	h_wr32(&dev, WCNIC_DB_TX_OFF(1), db1);
	h_poll(&dev, 1);
	CHECK_EQ(h_rd32(&dev, WCNIC_REG_ERROR_CODE), WCNIC_ERR_DOORBELL_RANGE);
	CHECK_EQ(h_rd32(&dev, WCNIC_REG_ERROR_QUEUE), 0);
	CHECK_EQ(h_rd64(&dev, WCNIC_REG_ERROR_INFO), db0);
	CHECK_EQ(h_rd64(&dev, WCNIC_REG_CNT_ERRORS), 2);
	CHECK(h_stopped(&dev, 0, true, WCNIC_ERR_DOORBELL_RANGE), "queue 0");
	CHECK(h_stopped(&dev, 1, true, WCNIC_ERR_TX_BURST), "queue 1");
	/* A second error on the same queue pair keeps its first code. */
	h_wr32(&dev, WCNIC_DB_RX_OFF(0), WCNIC_DB_VALUE(1, 300));
	h_poll(&dev, 1);
	CHECK(h_stopped(&dev, 0, false, WCNIC_ERR_DOORBELL_RANGE), "queue 0 RX");
	CHECK_EQ(h_rd64(&dev, WCNIC_REG_CNT_ERRORS), 3);
}

static void test_failed_ring_stays_down_until_reset(void)
{
	h_bringup(&dev, 2, WCNIC_TXM_PUSH_128);
	h_wr32(&dev, WCNIC_DB_TX_OFF(0), WCNIC_DB_VALUE(1, 1000));
	h_poll(&dev, 1);
	CHECK(h_stopped(&dev, 0, true, WCNIC_ERR_DOORBELL_RANGE), "not stopped");
	/* Toggling the queue's enable bit or the device's does not revive it. */
	h_qwr32(&dev, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_RX_ENABLE);
	h_poll(&dev, 1);
	h_qwr32(&dev, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE | WCNIC_QCTRL_RX_ENABLE);
	h_poll(&dev, 1);
	CHECK(h_stopped(&dev, 0, true, WCNIC_ERR_DOORBELL_RANGE), "revived by Q CONTROL");
	h_wr32(&dev, WCNIC_REG_CONTROL, 0);
	h_poll(&dev, 1);
	h_enable(&dev);
	CHECK(h_stopped(&dev, 0, true, WCNIC_ERR_DOORBELL_RANGE), "revived by ENABLE");
	CHECK(h_tx_running(&dev, 1), "queue 1 not restarted");
	/* A reset clears it. */
	h_bringup(&dev, 2, WCNIC_TXM_PUSH_128);
	CHECK(h_queue_works(&dev, 0), "queue 0 after reset");
}

/* Reset requested while traffic is pending: nothing more reaches host
 * memory once the reset is done, whatever the driver keeps writing. */
static void test_reset_during_traffic(void)
{
	uint8_t *snapshot = malloc(H_ARENA_SIZE);
	bool changed;
	unsigned int i;

	REQUIRE(snapshot != NULL, "out of memory");
	loopback_device();
	h_bringup(&dev, 2, WCNIC_TXM_PUSH_128);
	h_rx_post(&dev, 0, 200);
	h_udp_frame(good, 200, 1);
	for (i = 0; i < 40; i++)
		h_push(&dev, 0, good, 200, 64, 1);
	h_tx_doorbell(&dev, 0);
	h_poll(&dev, 1);
	CHECK_EQ(h_tx_head(&dev, 0), 40);
	for (i = 0; i < 40; i++)
		h_push(&dev, 0, good, 200, 64, 1);
	h_tx_doorbell(&dev, 0);
	/* The reset arrives before the device saw the second doorbell. */
	h_wr32(&dev, WCNIC_REG_CONTROL, WCNIC_CTRL_RESET);
	memcpy(snapshot, dev.arena, H_ARENA_SIZE);
	h_poll(&dev, 1);
	CHECK_EQ(h_rd32(&dev, WCNIC_REG_CONTROL), 0);
	CHECK_EQ(h_rd32(&dev, WCNIC_REG_STATUS), WCNIC_STS_READY);
	CHECK_EQ(h_qrd32(&dev, 0, WCNIC_QREG_STATUS), 0);
	CHECK_EQ(h_rd64(&dev, WCNIC_REG_CNT_TX_PACKETS), 0);
	/* The driver carries on as if nothing happened. */
	for (i = 0; i < 3; i++) {
		h_rx_post(&dev, 0, 10);
		h_push(&dev, 0, good, 200, 64, 1);
		h_tx_doorbell(&dev, 0);
		h_poll(&dev, 10);
	}
	memcpy(snapshot + ((uint8_t *)dev.data - dev.arena), dev.data, H_DATA_SIZE);
	for (i = 0; i < 256; i++)
		memcpy(snapshot + ((uint8_t *)&dev.rx[0].ring[i] - dev.arena), &dev.rx[0].ring[i],
		       sizeof(dev.rx[0].ring[i]));
	changed = memcmp(snapshot, dev.arena, H_ARENA_SIZE) != 0;
	free(snapshot);
	CHECK(!changed, "the device wrote host memory after the reset");
	CHECK_EQ(h_rd32(&dev, WCNIC_REG_ERROR_CODE), 0);
	CHECK_EQ(h_rd32(&dev, WCNIC_REG_STATUS), WCNIC_STS_READY);
	CHECK(h_guards_ok(&dev), "guards");
	h_fini(&dev);
	h_init(&dev, NULL);
}

int main(void)
{
	h_init(&dev, NULL);
	TEST_RUN(test_bad_config_at_enable);
	TEST_RUN(test_queue_beyond_num_queues);
	TEST_RUN(test_doorbell_not_zero_at_enable);
	TEST_RUN(test_bad_config_at_run_time_start);
	TEST_RUN(test_rx_bad_buffers);
	TEST_RUN(test_first_error_wins);
	TEST_RUN(test_failed_ring_stays_down_until_reset);
	TEST_RUN(test_reset_during_traffic);
	h_fini(&dev);
	return test_exit_status(NULL);
}
