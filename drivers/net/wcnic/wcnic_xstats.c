/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Extended statistics: the driver's own counters (port totals and per
 * queue) and the device's counters read from the BAR control page.
 *
 * Device counters only clear on a device reset, which the driver does at
 * every start. A per-counter offset keeps the reported values cumulative
 * across those resets and lets a statistics reset start them from zero:
 * reported = register + offset (modulo 2^64).
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "wcnic_ethdev.h"

struct soft_xstat {
	const char *name;
	size_t offset; /* into the queue's stats struct */
};

#define TXQ_STAT(n, f) { n, offsetof(struct wcnic_txq_stats, f) }
#define RXQ_STAT(n, f) { n, offsetof(struct wcnic_rxq_stats, f) }

static const struct soft_xstat tx_xstats[] = {
	TXQ_STAT("push_entries", push_entries),
	TXQ_STAT("dma_descs", dma_descs),
	TXQ_STAT("doorbells", doorbells),
	TXQ_STAT("oversize_drops", oversize_drops),
	TXQ_STAT("runt_drops", runt_drops),
	TXQ_STAT("seg_drops", seg_drops),
	TXQ_STAT("csum_drops", csum_drops),
};

static const struct soft_xstat rx_xstats[] = {
	RXQ_STAT("alloc_failures", alloc_failures),
};

static const struct {
	const char *name;
	uint32_t reg;
} dev_xstats[] = {
	{ "dev_tx_packets", WCNIC_REG_CNT_TX_PACKETS },
	{ "dev_tx_bytes", WCNIC_REG_CNT_TX_BYTES },
	{ "dev_rx_packets", WCNIC_REG_CNT_RX_PACKETS },
	{ "dev_rx_bytes", WCNIC_REG_CNT_RX_BYTES },
	{ "dev_rx_no_buf", WCNIC_REG_CNT_RX_NO_BUF },
	{ "dev_rx_oversize", WCNIC_REG_CNT_RX_OVERSIZE },
	{ "dev_tx_hdr_bad", WCNIC_REG_CNT_TX_HDR_BAD },
	{ "dev_errors", WCNIC_REG_CNT_ERRORS },
	{ "dev_doorbells", WCNIC_REG_CNT_DOORBELLS },
	{ "dev_tx_csum", WCNIC_REG_CNT_TX_CSUM },
	{ "dev_tx_csum_bad", WCNIC_REG_CNT_TX_CSUM_BAD },
	{ "dev_rx_csum_bad", WCNIC_REG_CNT_RX_CSUM_BAD },
};

/* A simulated BAR (wc_sim=): what its stores became (wc_sim.h). */
#define SIM_STAT(f) { "wc_sim_" #f, offsetof(struct wc_sim_stats, f) }
static const struct soft_xstat sim_xstats[] = {
	SIM_STAT(whole_lines),
	SIM_STAT(pieces),
	SIM_STAT(torn_lines),
	SIM_STAT(evictions),
	SIM_STAT(overtakes),
};

#define NB_TX RTE_DIM(tx_xstats)
#define NB_RX RTE_DIM(rx_xstats)
#define NB_DEV RTE_DIM(dev_xstats)
static_assert(RTE_DIM(dev_xstats) == WCNIC_DEV_XSTATS, "adapter offsets sized for dev_xstats");

/* Order: tx_<name> totals, rx_<name> totals, dev_*, tx_qN_*, rx_qN_*, then
 * on a simulated BAR wc_sim_*. */
static unsigned int
xstats_count(const struct rte_eth_dev *dev)
{
	return NB_TX + NB_RX + NB_DEV + dev->data->nb_tx_queues * NB_TX +
	       dev->data->nb_rx_queues * NB_RX +
	       (((const struct wcnic_adapter *)dev->data->dev_private)->bar.simulated ?
		RTE_DIM(sim_xstats) : 0);
}

static uint64_t
stat_at(const void *stats, size_t offset)
{
	return *(const uint64_t *)((const uint8_t *)stats + offset);
}

/*
 * Device counter register i of dev_xstats[]. The checksum counters are new
 * in interface 1.1: a device that offers neither checksum feature (a 1.0
 * device) has reserved space there, read as 0.
 */
static uint64_t
dev_reg(const struct wcnic_adapter *ad, unsigned int i)
{
	if (dev_xstats[i].reg >= WCNIC_REG_CNT_TX_CSUM &&
	    !(ad->dev_features & (WCNIC_F_TX_CSUM | WCNIC_F_RX_CSUM)))
		return 0;
	return wcnic_bar_read64(&ad->bar, dev_xstats[i].reg);
}

/* Device counter i of dev_xstats[] as the port reports it. */
static uint64_t
dev_counter_at(const struct wcnic_adapter *ad, unsigned int i)
{
	return dev_reg(ad, i) + ad->dev_xstats_offset[i];
}

int
wcnic_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
		       unsigned int size)
{
	unsigned int n = xstats_count(dev), i, q, k = 0;

	if (names == NULL || size < n)
		return (int)n;
	for (i = 0; i < NB_TX; i++)
		snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE, "tx_%s", tx_xstats[i].name);
	for (i = 0; i < NB_RX; i++)
		snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE, "rx_%s", rx_xstats[i].name);
	for (i = 0; i < NB_DEV; i++)
		snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE, "%s", dev_xstats[i].name);
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		for (i = 0; i < NB_TX; i++)
			snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE, "tx_q%u_%s", q,
				 tx_xstats[i].name);
	for (q = 0; q < dev->data->nb_rx_queues; q++)
		for (i = 0; i < NB_RX; i++)
			snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE, "rx_q%u_%s", q,
				 rx_xstats[i].name);
	for (i = 0; k < n; i++)
		snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE, "%s", sim_xstats[i].name);
	return (int)n;
}

int
wcnic_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats, unsigned int n)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	unsigned int total = xstats_count(dev), i, q, k;
	unsigned int per_q_base = NB_TX + NB_RX + NB_DEV;

	if (xstats == NULL || n < total)
		return (int)total;
	for (k = 0; k < total; k++) {
		xstats[k].id = k;
		xstats[k].value = 0;
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		const struct wcnic_txq *txq = ad->txqs[q];

		for (i = 0; txq != NULL && i < NB_TX; i++) {
			uint64_t v = stat_at(&txq->stats, tx_xstats[i].offset);

			xstats[i].value += v;
			xstats[per_q_base + q * NB_TX + i].value = v;
		}
	}
	per_q_base += dev->data->nb_tx_queues * NB_TX;
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		const struct wcnic_rxq *rxq = ad->rxqs[q];

		for (i = 0; rxq != NULL && i < NB_RX; i++) {
			uint64_t v = stat_at(&rxq->stats, rx_xstats[i].offset);

			xstats[NB_TX + i].value += v;
			xstats[per_q_base + q * NB_RX + i].value = v;
		}
	}
	for (i = 0; i < NB_DEV; i++)
		xstats[NB_TX + NB_RX + i].value = dev_counter_at(ad, i);
	per_q_base += dev->data->nb_rx_queues * NB_RX;
	if (ad->bar.simulated) {
		struct wc_sim_stats now;

		/* Only the primary process runs the simulator: elsewhere the
		 * counts read as the last reset's, so they show 0. */
		if (wc_sim_stats(ad->bar.base, &now) != 0)
			now = ad->sim_xstats_base;
		for (i = 0; i < RTE_DIM(sim_xstats); i++)
			xstats[per_q_base + i].value =
				stat_at(&now, sim_xstats[i].offset) -
				stat_at(&ad->sim_xstats_base, sim_xstats[i].offset);
	}
	return (int)total;
}

int
wcnic_xstats_reset(struct rte_eth_dev *dev)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	unsigned int i;
	uint16_t q;

	for (q = 0; q < dev->data->nb_tx_queues; q++)
		if (ad->txqs[q] != NULL)
			memset(&ad->txqs[q]->stats, 0, sizeof(ad->txqs[q]->stats));
	for (q = 0; q < dev->data->nb_rx_queues; q++)
		if (ad->rxqs[q] != NULL)
			memset(&ad->rxqs[q]->stats, 0, sizeof(ad->rxqs[q]->stats));
	for (i = 0; i < NB_DEV; i++)
		ad->dev_xstats_offset[i] = -dev_reg(ad, i);
	if (ad->bar.simulated && wc_sim_stats(ad->bar.base, &ad->sim_xstats_base) != 0)
		memset(&ad->sim_xstats_base, 0, sizeof(ad->sim_xstats_base));
	return 0;
}

uint64_t
wcnic_xstats_dev_counter(const struct wcnic_adapter *ad, uint32_t reg)
{
	unsigned int i;

	for (i = 0; i < NB_DEV; i++)
		if (dev_xstats[i].reg == reg)
			return dev_counter_at(ad, i);
	return 0;
}

/* Called just before a device reset zeroes the counters: carry them over. */
void
wcnic_xstats_before_device_reset(struct wcnic_adapter *ad)
{
	unsigned int i;

	for (i = 0; i < NB_DEV; i++)
		ad->dev_xstats_offset[i] += dev_reg(ad, i);
}
