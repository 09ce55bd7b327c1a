/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Malformed doorbells and DMA descriptors.
 *
 * Each case must stop exactly the ring it hits with the right code, report
 * it in Q ERROR and ERROR_*, leave the other queue running and touch
 * nothing outside granted memory (h_error_is()).
 */
#include "harness.h"

static struct h_dev dev;
static uint8_t good[2048];

/* ------------------------------------------------------------------ */
/* Doorbells                                                           */

static void test_doorbell_past_the_ring(void)
{
	static const struct {
		uint32_t mode;
		uint16_t index;  /* one past the ring, or far past it */
	} cases[] = {
		{ WCNIC_TXM_PUSH_128, 513 },
		{ WCNIC_TXM_PUSH_256, 257 },
		{ WCNIC_TXM_DMA, 257 },
		{ WCNIC_TXM_DMA, 0xffff },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t db = WCNIC_DB_VALUE(100, cases[i].index);

		h_bringup(&dev, 2, cases[i].mode);
		h_wr32(&dev, WCNIC_DB_TX_OFF(0), db);
		h_poll(&dev, 1);
		CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_DOORBELL_RANGE, db), "mode %u index %u",
		      cases[i].mode, cases[i].index);
		CHECK_EQ(h_tx_head(&dev, 0), 0);
	}
}

static void test_doorbell_backwards(void)
{
	uint32_t db = WCNIC_DB_VALUE(3, 5);
	unsigned int i;

	h_bringup(&dev, 2, WCNIC_TXM_PUSH_128);
	h_udp_frame(good, 64, 0);
	for (i = 0; i < 10; i++)
		h_push(&dev, 0, good, 64, 64, 0);
	h_tx_doorbell(&dev, 0);
	h_poll(&dev, 1);
	CHECK_EQ(h_tx_head(&dev, 0), 10);
	h_wr32(&dev, WCNIC_DB_TX_OFF(0), db);
	h_poll(&dev, 1);
	CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_DOORBELL_RANGE, db), "index going from 10 to 5");

	/* Backwards over descriptors announced but not finished (no EOP yet). */
	h_bringup(&dev, 2, WCNIC_TXM_DMA);
	h_dma_desc(&dev, 0, H_ARENA_IOVA, 64, 0, 0);
	h_dma_desc(&dev, 0, H_ARENA_IOVA, 64, 0, 0);
	h_tx_doorbell(&dev, 0);
	h_poll(&dev, 1);
	CHECK_EQ(h_rd64(&dev, WCNIC_REG_CNT_ERRORS), 0);
	db = WCNIC_DB_VALUE(2, 1);
	h_wr32(&dev, WCNIC_DB_TX_OFF(0), db);
	h_poll(&dev, 1);
	CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_DOORBELL_RANGE, db), "index going from 2 to 1");

	/* RX: fewer buffers than already posted. */
	h_bringup(&dev, 2, WCNIC_TXM_PUSH_128);
	h_rx_post(&dev, 0, 10);
	h_poll(&dev, 1);
	db = WCNIC_DB_VALUE(2, 5);
	h_wr32(&dev, WCNIC_DB_RX_OFF(0), db);
	h_poll(&dev, 1);
	CHECK(h_error_is(&dev, 0, false, WCNIC_ERR_DOORBELL_RANGE, db), "RX index going from 10 to 5");
}

static void test_burst_over_budget(void)
{
	uint32_t db;
	unsigned int i;

	/* 65 entries on one doorbell with TX_BURST_MAX 64. */
	h_bringup(&dev, 2, WCNIC_TXM_PUSH_128);
	h_udp_frame(good, 64, 0);
	for (i = 0; i < 65; i++)
		h_push(&dev, 0, good, 64, 64, 0);
	h_tx_doorbell(&dev, 0);
	db = WCNIC_DB_VALUE(dev.tx[0].seq, dev.tx[0].tail);
	h_poll(&dev, 1);
	CHECK_EQ(h_tx_head(&dev, 0), 0);
	CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_TX_BURST, db), "65 entries, one doorbell");

	/* The same advance with an extra doorbell is accepted. */
	h_bringup(&dev, 2, WCNIC_TXM_PUSH_128);
	for (i = 0; i < 65; i++)
		h_push(&dev, 0, good, 64, 64, 0);
	h_tx_doorbell(&dev, 0);
	h_tx_doorbell(&dev, 0);
	h_poll(&dev, 1);
	CHECK_EQ(h_tx_head(&dev, 0), 65);
	CHECK_EQ(h_rd64(&dev, WCNIC_REG_CNT_ERRORS), 0);

	/* DMA mode counts descriptors. */
	h_bringup(&dev, 2, WCNIC_TXM_DMA);
	for (i = 0; i < 5; i++)
		h_dma_tx(&dev, 0, good, 64, 13);
	h_tx_doorbell(&dev, 0);
	db = WCNIC_DB_VALUE(dev.tx[0].seq, dev.tx[0].tail);
	h_poll(&dev, 1);
	CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_TX_BURST, db), "65 descriptors, one doorbell");

	/* An advance without a new sequence number. */
	h_bringup(&dev, 2, WCNIC_TXM_PUSH_256);
	h_push(&dev, 0, good, 64, 64, 0);
	db = WCNIC_DB_VALUE(0, 1);
	h_wr32(&dev, WCNIC_DB_TX_OFF(0), db);
	h_poll(&dev, 1);
	CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_TX_BURST, db), "advance with sequence unchanged");
}

static void test_burst_budget_is_a_parameter(void)
{
	struct wcnic_model_params p;
	uint32_t db;
	unsigned int i;

	h_fini(&dev);
	wcnic_model_params_init(&p);
	p.tx_burst_max = 4;
	h_init(&dev, &p);
	h_bringup(&dev, 2, WCNIC_TXM_PUSH_128);
	CHECK_EQ(h_rd32(&dev, WCNIC_REG_TX_BURST_MAX), 4);
	h_udp_frame(good, 64, 0);
	for (i = 0; i < 5; i++)
		h_push(&dev, 0, good, 64, 64, 0);
	h_tx_doorbell(&dev, 0);
	db = WCNIC_DB_VALUE(dev.tx[0].seq, dev.tx[0].tail);
	h_poll(&dev, 1);
	CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_TX_BURST, db), "5 entries with a budget of 4");
	h_fini(&dev);
	h_init(&dev, NULL);
}

static void test_doorbell_on_disabled_queue(void)
{
	uint32_t db = WCNIC_DB_VALUE(1, 1);

	/* Queue 0's TX not enabled (RX is): its TX doorbell is an error. */
	h_reset(&dev);
	h_global(&dev, dev.params.dev_features, 4, 1500);
	h_txq_setup(&dev, 0, WCNIC_TXM_PUSH_128, 0);
	h_rxq_setup(&dev, 0, 64, 256);
	h_txq_setup(&dev, 1, WCNIC_TXM_PUSH_128, 0);
	h_qwr32(&dev, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_RX_ENABLE);
	h_qwr32(&dev, 1, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	h_enable(&dev);
	h_wr32(&dev, WCNIC_DB_TX_OFF(0), db);
	h_poll(&dev, 1);
	CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_QUEUE_DISABLED, db), "TX doorbell, TX not enabled");
	CHECK(h_rx_running(&dev, 0), "RX of the queue stopped too");

	/* RX doorbell of a queue whose RX is not enabled. */
	h_bringup(&dev, 2, WCNIC_TXM_PUSH_128);
	h_qwr32(&dev, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	h_poll(&dev, 1);
	CHECK(!h_rx_running(&dev, 0), "RX still running");
	h_wr32(&dev, WCNIC_DB_RX_OFF(0), db);
	h_poll(&dev, 1);
	CHECK(h_error_is(&dev, 0, false, WCNIC_ERR_QUEUE_DISABLED, db), "RX doorbell, RX stopped");

	/* A queue beyond NUM_QUEUES. */
	h_bringup(&dev, 2, WCNIC_TXM_PUSH_128);
	h_wr32(&dev, WCNIC_DB_TX_OFF(7), db);
	h_poll(&dev, 1);
	CHECK(h_error_is(&dev, 7, true, WCNIC_ERR_QUEUE_DISABLED, db), "doorbell on queue 7 of 2");
}

static void test_rx_doorbell_past_the_ring(void)
{
	uint32_t db;

	h_bringup(&dev, 2, WCNIC_TXM_PUSH_128);
	dev.rx[0].posted = 257; /* ring of 256 */
	dev.rx[0].seq = 1;
	db = WCNIC_DB_VALUE(1, 257);
	h_wr32(&dev, WCNIC_DB_RX_OFF(0), db);
	h_poll(&dev, 1);
	CHECK(h_error_is(&dev, 0, false, WCNIC_ERR_DOORBELL_RANGE, db), "257 buffers on 256 entries");
	CHECK(h_tx_running(&dev, 0), "TX of the queue stopped too");
	CHECK(h_queue_works(&dev, 0), "TX of the queue");
}

/* ------------------------------------------------------------------ */
/* DMA descriptors                                                     */

static void test_dma_bad_descriptors(void)
{
	static const struct {
		const char *what;
		uint16_t len, flags;
		uint32_t hdr_lens;
		uint32_t code;
		uint64_t info;
	} cases[] = {
		{ "flag bit 1", 64, WCNIC_TXD_EOP | 2, 0, WCNIC_ERR_BAD_DESCRIPTOR, 3 },
		{ "hdr_lens set", 64, WCNIC_TXD_EOP, 1, WCNIC_ERR_BAD_DESCRIPTOR, 1 },
		{ "length 0", 0, WCNIC_TXD_EOP, 0, WCNIC_ERR_BAD_LENGTH, 0 },
		{ "13-byte frame", 13, WCNIC_TXD_EOP, 0, WCNIC_ERR_BAD_LENGTH, 13 },
		{ "frame above MTU", 1519, WCNIC_TXD_EOP, 0, WCNIC_ERR_BAD_LENGTH, 1519 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h_bringup(&dev, 2, WCNIC_TXM_DMA);
		h_dma_desc(&dev, 0, H_ARENA_IOVA, cases[i].len, cases[i].flags, cases[i].hdr_lens);
		h_tx_doorbell(&dev, 0);
		h_poll(&dev, 1);
		CHECK(h_error_is(&dev, 0, true, cases[i].code, cases[i].info), "%s", cases[i].what);
	}
}

static void test_dma_bad_iova(void)
{
	h_bringup(&dev, 2, WCNIC_TXM_DMA);
	h_dma_desc(&dev, 0, H_ARENA_IOVA, 50, 0, 0);
	h_dma_desc(&dev, 0, H_ARENA_END - 10, 50, WCNIC_TXD_EOP, 0);
	h_tx_doorbell(&dev, 0);
	h_poll(&dev, 1);
	CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_BAD_IOVA, H_ARENA_END - 10), "buffer crossing the end");
}

static void test_dma_too_many_segments(void)
{
	unsigned int i;

	h_bringup(&dev, 2, WCNIC_TXM_DMA);
	for (i = 0; i < 17; i++)
		h_dma_desc(&dev, 0, H_ARENA_IOVA, 64, i == 16 ? WCNIC_TXD_EOP : 0, 0);
	h_tx_doorbell(&dev, 0);
	h_poll(&dev, 1);
	CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_BAD_DESCRIPTOR, 17), "17 descriptors");

	/* Sixteen without EOP fail at once: no EOP can make them valid. */
	h_bringup(&dev, 2, WCNIC_TXM_DMA);
	for (i = 0; i < 16; i++)
		h_dma_desc(&dev, 0, H_ARENA_IOVA, 64, 0, 0);
	h_tx_doorbell(&dev, 0);
	h_poll(&dev, 1);
	CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_BAD_DESCRIPTOR, 17), "16 descriptors, no EOP");
}

static void test_dma_multi_seg_not_accepted(void)
{
	h_reset(&dev);
	h_global(&dev, WCNIC_F_TX_DMA, 2, 1500);
	h_txq_setup(&dev, 0, WCNIC_TXM_DMA, 64);
	h_txq_setup(&dev, 1, WCNIC_TXM_DMA, 64);
	h_qwr32(&dev, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	h_qwr32(&dev, 1, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	h_enable(&dev);
	/* The first descriptor without EOP already tells. */
	h_dma_desc(&dev, 0, H_ARENA_IOVA, 64, 0, 0);
	h_tx_doorbell(&dev, 0);
	h_poll(&dev, 1);
	CHECK(h_error_is(&dev, 0, true, WCNIC_ERR_BAD_DESCRIPTOR, 2), "two descriptors, no MULTI_SEG");
}

int main(void)
{
	h_init(&dev, NULL);
	TEST_RUN(test_doorbell_past_the_ring);
	TEST_RUN(test_doorbell_backwards);
	TEST_RUN(test_burst_over_budget);
	TEST_RUN(test_burst_budget_is_a_parameter);
	TEST_RUN(test_doorbell_on_disabled_queue);
	TEST_RUN(test_rx_doorbell_past_the_ring);
	TEST_RUN(test_dma_bad_descriptors);
	TEST_RUN(test_dma_bad_iova);
	TEST_RUN(test_dma_too_many_segments);
	TEST_RUN(test_dma_multi_seg_not_accepted);
	h_fini(&dev);
	return test_exit_status(NULL);
}
