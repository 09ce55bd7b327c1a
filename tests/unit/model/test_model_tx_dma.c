/* SPDX-License-Identifier: BSD-3-Clause */
/* TX DMA mode: descriptor rings in host memory. */
#include "harness.h"

static void check_clean(struct h_dev *h, uint64_t packets, uint64_t bytes)
{
	CHECK_EQ(h_rd64(h, WCNIC_REG_CNT_TX_PACKETS), packets);
	CHECK_EQ(h_rd64(h, WCNIC_REG_CNT_TX_BYTES), bytes);
	CHECK_EQ(h_rd64(h, WCNIC_REG_CNT_TX_HDR_BAD), 0);
	CHECK_EQ(h_rd64(h, WCNIC_REG_CNT_ERRORS), 0);
	CHECK(h_tx_running(h, 0), "queue stopped");
	CHECK(h_guards_ok(h), "write outside granted memory");
}

static void test_single_descriptor_packets(void)
{
	uint8_t frame[1518];
	struct h_dev h;
	uint64_t bytes = 0;
	unsigned int i;

	h_init(&h, NULL);
	h_bringup(&h, 1, WCNIC_TXM_DMA);
	for (i = 0; i < 30; i++) {
		uint32_t len = 60 + i * 48;

		h_udp_frame(frame, len, i);
		h_dma_tx(&h, 0, frame, len, 1);
		bytes += len;
	}
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK_EQ(h_tx_head(&h, 0), 30);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_DOORBELLS), 1);
	check_clean(&h, 30, bytes);
	h_fini(&h);
}

static void test_multi_descriptor_packets(void)
{
	static const unsigned int segs[] = { 2, 3, 16, 1, 7 };
	uint8_t frame[1000];
	struct h_dev h;
	unsigned int i, descs = 0;

	h_init(&h, NULL);
	h_bringup(&h, 1, WCNIC_TXM_DMA);
	h_udp_frame(frame, sizeof(frame), 3);
	for (i = 0; i < 5; i++) {
		h_dma_tx(&h, 0, frame, sizeof(frame), segs[i]);
		descs += segs[i];
	}
	/* Headers scattered over 16 tiny descriptors. */
	h_udp_frame(frame, 42, 4);
	h_dma_tx(&h, 0, frame, 42, 16);
	descs += 16;
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK_EQ(h_tx_head(&h, 0), descs);
	check_clean(&h, 6, 5 * sizeof(frame) + 42);
	h_fini(&h);
}

static void test_packet_waits_for_its_eop(void)
{
	uint8_t frame[300];
	struct h_dev h;
	uint64_t iova;

	h_init(&h, NULL);
	h_bringup(&h, 1, WCNIC_TXM_DMA);
	h_udp_frame(frame, sizeof(frame), 1);
	iova = h_data(&h, frame, sizeof(frame));
	/* One complete packet, then two descriptors of a three-descriptor one. */
	h_dma_tx(&h, 0, frame, sizeof(frame), 1);
	h_dma_desc(&h, 0, iova, 100, 0, 0);
	h_dma_desc(&h, 0, iova + 100, 100, 0, 0);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 3);
	CHECK_EQ(h_tx_head(&h, 0), 1);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_PACKETS), 1);
	CHECK(h_tx_running(&h, 0), "an unfinished packet is not an error");

	h_dma_desc(&h, 0, iova + 200, 100, WCNIC_TXD_EOP, 0);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK_EQ(h_tx_head(&h, 0), 4);
	check_clean(&h, 2, 2 * sizeof(frame));
	h_fini(&h);
}

static void test_ring_wraps(void)
{
	uint8_t frame[256];
	struct h_dev h;
	uint64_t bytes = 0, pkts = 0;
	uint32_t descs = 0, batch;

	h_init(&h, NULL);
	h_reset(&h);
	h_global(&h, h.params.dev_features, 1, 1500);
	h_txq_setup(&h, 0, WCNIC_TXM_DMA, 64);
	h_qwr32(&h, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE);
	h_enable(&h);
	/* Batches of mixed 1-3 descriptor packets, 40 laps of the ring. */
	for (batch = 0; batch < 200; batch++) {
		uint32_t used = 0;

		while (used + 3 <= 60) {
			unsigned int n = 1 + (pkts % 3);
			uint32_t len = 64 + (uint32_t)(pkts % 190);

			h_udp_frame(frame, len, (uint32_t)pkts);
			h_dma_tx(&h, 0, frame, len, n);
			used += n;
			bytes += len;
			pkts++;
		}
		descs += used;
		h_tx_doorbell(&h, 0);
		h_poll(&h, 1);
		if (h_tx_head(&h, 0) != descs)
			break;
	}
	CHECK_EQ(h_tx_head(&h, 0), descs);
	check_clean(&h, pkts, bytes);
	h_fini(&h);
}

int main(void)
{
	TEST_RUN(test_single_descriptor_packets);
	TEST_RUN(test_multi_descriptor_packets);
	TEST_RUN(test_packet_waits_for_its_eop);
	TEST_RUN(test_ring_wraps);
	return test_exit_status(NULL);
}
