/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_wcnic ethdev operations, shared by the vdev (in-process device model)
 * and PCI front ends. Everything here talks to the device through the BAR
 * (control path) following doc/device-spec.md; the hot paths live in
 * wcnic_tx_push.c, wcnic_tx_dma.c and wcnic_rx.c.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_pause.h>

#include "wcnic_ethdev.h"
#include "wcnic_log.h"

RTE_LOG_REGISTER(wcnic_logtype, pmd.net.wcnic, NOTICE);

#define WCNIC_HANDSHAKE_TIMEOUT_MS 1000
#define WCNIC_DEFAULT_RING_SIZE    1024u

static const char *const error_names[] = {
	[WCNIC_ERR_NONE] = "none",
	[WCNIC_ERR_BAD_IOVA] = "DMA address outside granted memory",
	[WCNIC_ERR_BAD_LENGTH] = "bad length",
	[WCNIC_ERR_DOORBELL_RANGE] = "doorbell past the ring or moving back",
	[WCNIC_ERR_BAD_DESCRIPTOR] = "malformed descriptor",
	[WCNIC_ERR_TX_BURST] = "more entries than the per-doorbell budget",
	[WCNIC_ERR_BAD_CONFIG] = "configuration rejected",
	[WCNIC_ERR_QUEUE_DISABLED] = "doorbell changed on a stopped ring",
};

static const char *
error_name(uint32_t code)
{
	return code < RTE_DIM(error_names) ? error_names[code] : "unknown error code";
}

/* Poll until (reg & mask) == want, or time out. */
static int
wait_reg(const struct wcnic_adapter *ad, uint32_t off, uint32_t mask, uint32_t want)
{
	uint64_t deadline = rte_get_timer_cycles() +
			    rte_get_timer_hz() * WCNIC_HANDSHAKE_TIMEOUT_MS / 1000;

	while ((wcnic_bar_read32(&ad->bar, off) & mask) != want) {
		if (rte_get_timer_cycles() > deadline)
			return -ETIMEDOUT;
		rte_pause();
	}
	return 0;
}

static void
log_device_error(const struct wcnic_adapter *ad, uint16_t port_id)
{
	uint32_t code = wcnic_bar_read32(&ad->bar, WCNIC_REG_ERROR_CODE);

	WCNIC_LOG(ERR, "port %u: device error %u (%s) on queue %d, info 0x%" PRIx64,
		  port_id, code, error_name(code),
		  (int)wcnic_bar_read32(&ad->bar, WCNIC_REG_ERROR_QUEUE),
		  wcnic_bar_read64(&ad->bar, WCNIC_REG_ERROR_INFO));
}

/* Reset the device and read its limits (spec: bring-up steps 1-3). */
int
wcnic_dev_reset_hw(struct wcnic_adapter *ad)
{
	wcnic_xstats_before_device_reset(ad);
	wcnic_bar_write32(&ad->bar, WCNIC_REG_CONTROL, WCNIC_CTRL_RESET);
	if (wait_reg(ad, WCNIC_REG_CONTROL, WCNIC_CTRL_RESET, 0) != 0 ||
	    wait_reg(ad, WCNIC_REG_STATUS, WCNIC_STS_READY, WCNIC_STS_READY) != 0) {
		WCNIC_LOG(ERR, "device did not complete reset within %d ms",
			  WCNIC_HANDSHAKE_TIMEOUT_MS);
		return -ETIMEDOUT;
	}
	ad->dev_features = wcnic_bar_read64(&ad->bar, WCNIC_REG_DEV_FEATURES);
	ad->max_queues = RTE_MIN(wcnic_bar_read32(&ad->bar, WCNIC_REG_MAX_QUEUES),
				 WCNIC_MAX_QUEUES);
	ad->max_ring_size = RTE_MIN(wcnic_bar_read32(&ad->bar, WCNIC_REG_MAX_RING_SIZE),
				    WCNIC_MAX_RING_SIZE);
	ad->max_mtu = wcnic_bar_read32(&ad->bar, WCNIC_REG_MAX_MTU);
	ad->tx_burst_max = (uint16_t)RTE_MIN(wcnic_bar_read32(&ad->bar, WCNIC_REG_TX_BURST_MAX),
					     (uint32_t)UINT16_MAX);
	return 0;
}

static uint16_t
port_queues(const struct rte_eth_dev *dev)
{
	return RTE_MAX(dev->data->nb_rx_queues, dev->data->nb_tx_queues);
}

static int
wcnic_dev_configure(struct rte_eth_dev *dev)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	const struct rte_eth_conf *conf = &dev->data->dev_conf;

	if (conf->rxmode.mq_mode != RTE_ETH_MQ_RX_NONE) {
		WCNIC_LOG(ERR, "port %u: RX multi-queue mode %d not supported (no RSS)",
			  dev->data->port_id, conf->rxmode.mq_mode);
		return -ENOTSUP;
	}
	if (port_queues(dev) > ad->args.queues) {
		WCNIC_LOG(ERR, "port %u: %u queues asked, the port has %u (devarg queues=)",
			  dev->data->port_id, port_queues(dev), ad->args.queues);
		return -EINVAL;
	}
	return 0;
}

static int
wcnic_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	bool push = ad->info.tx_mode == RTE_PMD_WCNIC_TX_PUSH;
	uint16_t push_slots = WCNIC_PUSH_RING_BYTES / ad->args.entry_size;
	uint16_t max_segs = (ad->dev_features & WCNIC_F_MULTI_SEG) ?
		(push ? WCNIC_PUSH_MAX_SG(ad->args.entry_size) : WCNIC_TX_MAX_SEGS) : 1;

	info->max_rx_queues = ad->args.queues;
	info->max_tx_queues = ad->args.queues;
	info->max_mac_addrs = 1;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = ad->max_mtu;
	info->max_rx_pktlen = ad->max_mtu + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN;
	info->min_rx_bufsize = WCNIC_MIN_RX_BUF_SIZE;
	info->tx_offload_capa = max_segs > 1 ? RTE_ETH_TX_OFFLOAD_MULTI_SEGS : 0;
	info->rx_desc_lim = (struct rte_eth_desc_lim){
		.nb_max = ad->max_ring_size, .nb_min = WCNIC_MIN_RING_SIZE, .nb_align = 1,
	};
	/* Push mode accepts any valid count and uses the device's fixed ring. */
	info->tx_desc_lim = (struct rte_eth_desc_lim){
		.nb_max = ad->max_ring_size,
		.nb_min = WCNIC_MIN_RING_SIZE,
		.nb_align = 1,
		.nb_seg_max = max_segs,
		.nb_mtu_seg_max = max_segs,
	};
	info->default_rxportconf.ring_size = RTE_MIN(WCNIC_DEFAULT_RING_SIZE, ad->max_ring_size);
	info->default_txportconf.ring_size =
		push ? push_slots : RTE_MIN(WCNIC_DEFAULT_RING_SIZE, ad->max_ring_size);
	info->default_rxportconf.burst_size = 32;
	info->default_txportconf.burst_size = 32;
	info->speed_capa = RTE_ETH_LINK_SPEED_100G;
	info->default_rxconf.rx_free_thresh = 32;
	return 0;
}

/* Program the device from the port's configuration and start it (spec: bring-up 3-5). */
static int
wcnic_dev_start(struct rte_eth_dev *dev)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	uint16_t nb_queues = port_queues(dev), q;
	uint64_t features = ad->dev_features & (WCNIC_F_TX_PUSH | WCNIC_F_TX_DMA |
			    WCNIC_F_PUSH_ENTRY_128 | WCNIC_F_PUSH_ENTRY_256 | WCNIC_F_MULTI_SEG |
			    WCNIC_F_PROMISC);
	uint32_t control = WCNIC_CTRL_ENABLE;
	int ret;

	ret = wcnic_dev_reset_hw(ad);
	if (ret == 0)
		ret = ad->ops->dma_prepare(ad);
	if (ret != 0)
		return ret;

	wcnic_bar_write64(&ad->bar, WCNIC_REG_DRV_FEATURES, features);
	wcnic_bar_write32(&ad->bar, WCNIC_REG_NUM_QUEUES, nb_queues);
	wcnic_bar_write32(&ad->bar, WCNIC_REG_MTU, dev->data->mtu);
	wcnic_bar_write32(&ad->bar, WCNIC_REG_MAC_LO,
			  (uint32_t)ad->mac.addr_bytes[0] | (uint32_t)ad->mac.addr_bytes[1] << 8 |
			  (uint32_t)ad->mac.addr_bytes[2] << 16 |
			  (uint32_t)ad->mac.addr_bytes[3] << 24);
	wcnic_bar_write32(&ad->bar, WCNIC_REG_MAC_HI,
			  (uint32_t)ad->mac.addr_bytes[4] | (uint32_t)ad->mac.addr_bytes[5] << 8);

	for (q = 0; q < nb_queues; q++) {
		uint32_t qctrl = 0;

		if (q < dev->data->nb_tx_queues && ad->txqs[q] != NULL) {
			ad->txqs[q]->max_frame_len =
				(uint16_t)(dev->data->mtu + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN);
			wcnic_tx_queue_hw_start(ad, ad->txqs[q]);
			qctrl |= WCNIC_QCTRL_TX_ENABLE;
		}
		if (q < dev->data->nb_rx_queues && ad->rxqs[q] != NULL) {
			wcnic_rx_queue_hw_start(ad, ad->rxqs[q]);
			qctrl |= WCNIC_QCTRL_RX_ENABLE;
		}
		/* The fences in wcnic_bar_write*() put the block before the enable bits. */
		wcnic_bar_write32(&ad->bar, WCNIC_QUEUE_CFG_OFF(q) + WCNIC_QREG_CONTROL, qctrl);
	}

	if (dev->data->promiscuous)
		control |= WCNIC_CTRL_PROMISC;
	if (dev->data->all_multicast)
		control |= WCNIC_CTRL_ALLMULTI;
	wcnic_bar_write32(&ad->bar, WCNIC_REG_CONTROL, control);
	if (wait_reg(ad, WCNIC_REG_STATUS, WCNIC_STS_ENABLED | WCNIC_STS_ERROR,
		     WCNIC_STS_ENABLED) != 0) {
		if (wcnic_bar_read32(&ad->bar, WCNIC_REG_STATUS) & WCNIC_STS_ERROR)
			log_device_error(ad, dev->data->port_id);
		else
			WCNIC_LOG(ERR, "port %u: device did not enable within %d ms",
				  dev->data->port_id, WCNIC_HANDSHAKE_TIMEOUT_MS);
		wcnic_bar_write32(&ad->bar, WCNIC_REG_CONTROL, 0);
		return -EIO;
	}

	for (q = 0; q < dev->data->nb_rx_queues; q++)
		if (ad->rxqs[q] != NULL)
			wcnic_rx_queue_post_initial(ad->rxqs[q]);

	dev->rx_pkt_burst = wcnic_recv;
	dev->tx_pkt_burst = ad->info.tx_mode == RTE_PMD_WCNIC_TX_PUSH ? wcnic_xmit_push
								       : wcnic_xmit_dma;
	for (q = 0; q < dev->data->nb_rx_queues; q++)
		dev->data->rx_queue_state[q] = RTE_ETH_QUEUE_STATE_STARTED;
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		dev->data->tx_queue_state[q] = RTE_ETH_QUEUE_STATE_STARTED;
	dev->data->dev_link.link_status = RTE_ETH_LINK_UP;
	ad->started = true;
	WCNIC_LOG(INFO, "port %u started: %u queue(s), TX mode %s", dev->data->port_id,
		  nb_queues, rte_pmd_wcnic_tx_mode_name(ad->info.tx_mode));
	return 0;
}

static int
wcnic_dev_stop(struct rte_eth_dev *dev)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	uint16_t q;

	if (!ad->started)
		return 0;
	/* After ENABLED clears the device no longer touches host memory. */
	wcnic_bar_write32(&ad->bar, WCNIC_REG_CONTROL, 0);
	if (wcnic_bar_read32(&ad->bar, WCNIC_REG_STATUS) & WCNIC_STS_ERROR)
		log_device_error(ad, dev->data->port_id);
	if (wait_reg(ad, WCNIC_REG_STATUS, WCNIC_STS_ENABLED, 0) != 0) {
		WCNIC_LOG(ERR, "port %u: device did not stop within %d ms; resetting it",
			  dev->data->port_id, WCNIC_HANDSHAKE_TIMEOUT_MS);
		wcnic_dev_reset_hw(ad);
	}

	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		if (ad->txqs[q] != NULL)
			wcnic_tx_queue_reset(ad->txqs[q]);
		dev->data->tx_queue_state[q] = RTE_ETH_QUEUE_STATE_STOPPED;
	}
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		if (ad->rxqs[q] != NULL)
			wcnic_rx_queue_reset(ad->rxqs[q]);
		dev->data->rx_queue_state[q] = RTE_ETH_QUEUE_STATE_STOPPED;
	}
	dev->data->dev_link.link_status = RTE_ETH_LINK_DOWN;
	ad->started = false;
	return 0;
}

static int
wcnic_dev_close(struct rte_eth_dev *dev)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	uint16_t q;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	wcnic_dev_stop(dev);
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		wcnic_tx_queue_release(dev, q);
	for (q = 0; q < dev->data->nb_rx_queues; q++)
		wcnic_rx_queue_release(dev, q);
	ad->ops->close(ad);
	dev->data->mac_addrs = NULL; /* points into the adapter, not malloc'd */
	return 0;
}

static int
wcnic_dev_reset(struct rte_eth_dev *dev)
{
	int ret = wcnic_dev_stop(dev);

	return ret != 0 ? ret : wcnic_dev_reset_hw(wcnic_adapter(dev));
}

static int
wcnic_link_update(struct rte_eth_dev *dev, int wait_to_complete __rte_unused)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	struct rte_eth_link link = {
		.link_speed = wcnic_bar_read32(&ad->bar, WCNIC_REG_LINK_SPEED),
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
		.link_status = ad->started &&
			(wcnic_bar_read32(&ad->bar, WCNIC_REG_LINK_STATUS) & WCNIC_LINK_UP) ?
			RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN,
	};

	return rte_eth_linkstatus_set(dev, &link);
}

static int
wcnic_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	uint16_t q;

	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		const struct wcnic_txq *txq = ad->txqs[q];

		if (txq == NULL)
			continue;
		stats->opackets += txq->stats.packets;
		stats->obytes += txq->stats.bytes;
		stats->oerrors += txq->stats.oversize_drops + txq->stats.runt_drops +
				  txq->stats.seg_drops;
		if (q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			stats->q_opackets[q] = txq->stats.packets;
			stats->q_obytes[q] = txq->stats.bytes;
		}
	}
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		const struct wcnic_rxq *rxq = ad->rxqs[q];

		if (rxq == NULL)
			continue;
		stats->ipackets += rxq->stats.packets;
		stats->ibytes += rxq->stats.bytes;
		stats->rx_nombuf += rxq->stats.alloc_failures;
		if (q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			stats->q_ipackets[q] = rxq->stats.packets;
			stats->q_ibytes[q] = rxq->stats.bytes;
		}
	}
	/* Frames the device dropped for want of a posted buffer. */
	stats->imissed = wcnic_bar_read64(&ad->bar, WCNIC_REG_CNT_RX_NO_BUF);
	return 0;
}

static int
wcnic_stats_reset(struct rte_eth_dev *dev)
{
	return wcnic_xstats_reset(dev);
}

static int
wcnic_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);

	if (ad->started) {
		WCNIC_LOG(ERR, "port %u: stop the port before changing the MTU", dev->data->port_id);
		return -EBUSY;
	}
	if (mtu < RTE_ETHER_MIN_MTU || mtu > ad->max_mtu) {
		WCNIC_LOG(ERR, "port %u: MTU %u outside %u..%u", dev->data->port_id, mtu,
			  RTE_ETHER_MIN_MTU, ad->max_mtu);
		return -EINVAL;
	}
	return 0; /* written to the device at start */
}

/* Promiscuous and all-multicast bits apply at once when running. */
static int
control_bit_set(struct rte_eth_dev *dev, uint32_t bit, bool on)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	uint32_t control;

	if (!ad->started)
		return 0;
	control = wcnic_bar_read32(&ad->bar, WCNIC_REG_CONTROL);
	control = on ? control | bit : control & ~bit;
	wcnic_bar_write32(&ad->bar, WCNIC_REG_CONTROL, control);
	return 0;
}

static int wcnic_promisc_enable(struct rte_eth_dev *dev)
{ return control_bit_set(dev, WCNIC_CTRL_PROMISC, true); }
static int wcnic_promisc_disable(struct rte_eth_dev *dev)
{ return control_bit_set(dev, WCNIC_CTRL_PROMISC, false); }
static int wcnic_allmulti_enable(struct rte_eth_dev *dev)
{ return control_bit_set(dev, WCNIC_CTRL_ALLMULTI, true); }
static int wcnic_allmulti_disable(struct rte_eth_dev *dev)
{ return control_bit_set(dev, WCNIC_CTRL_ALLMULTI, false); }

static int
wcnic_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);

	if (ad->started) {
		WCNIC_LOG(ERR, "port %u: stop the port before changing its MAC address",
			  dev->data->port_id);
		return -EBUSY;
	}
	ad->mac = *addr; /* written to the device at start */
	return 0;
}

const struct eth_dev_ops wcnic_eth_dev_ops = {
	.dev_configure = wcnic_dev_configure,
	.dev_infos_get = wcnic_dev_infos_get,
	.dev_start = wcnic_dev_start,
	.dev_stop = wcnic_dev_stop,
	.dev_close = wcnic_dev_close,
	.dev_reset = wcnic_dev_reset,
	.link_update = wcnic_link_update,
	.stats_get = wcnic_stats_get,
	.stats_reset = wcnic_stats_reset,
	.xstats_get = wcnic_xstats_get,
	.xstats_get_names = wcnic_xstats_get_names,
	.xstats_reset = wcnic_xstats_reset,
	.promiscuous_enable = wcnic_promisc_enable,
	.promiscuous_disable = wcnic_promisc_disable,
	.allmulticast_enable = wcnic_allmulti_enable,
	.allmulticast_disable = wcnic_allmulti_disable,
	.mtu_set = wcnic_mtu_set,
	.mac_addr_set = wcnic_mac_addr_set,
	.rx_queue_setup = wcnic_rx_queue_setup,
	.rx_queue_release = wcnic_rx_queue_release,
	.tx_queue_setup = wcnic_tx_queue_setup,
	.tx_queue_release = wcnic_tx_queue_release,
};

/* Common part of probing: read the device, fill the port's data. */
int
wcnic_ethdev_init(struct rte_eth_dev *dev)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	uint64_t sig = wcnic_bar_read64(&ad->bar, WCNIC_REG_SIGNATURE);
	uint32_t version = wcnic_bar_read32(&ad->bar, WCNIC_REG_VERSION);
	int ret;

	if (sig != WCNIC_SIGNATURE || (version >> 16) != WCNIC_VERSION_MAJOR) {
		WCNIC_LOG(ERR, "no wcnic %u.x device here (signature 0x%" PRIx64 ", version 0x%x)",
			  WCNIC_VERSION_MAJOR, sig, version);
		return -ENODEV;
	}
	ret = wcnic_dev_reset_hw(ad);
	if (ret != 0)
		return ret;
	/* Counters of an earlier user of the device are not this port's. */
	memset(ad->dev_xstats_offset, 0, sizeof(ad->dev_xstats_offset));
	if (ad->args.queues > ad->max_queues) {
		WCNIC_LOG(ERR, "queues=%u: the device offers %u", ad->args.queues, ad->max_queues);
		return -EINVAL;
	}
	if (!(ad->dev_features & (ad->args.entry_size == WCNIC_PUSH_ENTRY_256 ?
				  WCNIC_F_PUSH_ENTRY_256 : WCNIC_F_PUSH_ENTRY_128))) {
		WCNIC_LOG(ERR, "entry_size=%u: the device does not offer it", ad->args.entry_size);
		return -EINVAL;
	}
	if (ad->args.mac_set) {
		ad->mac = ad->args.mac;
	} else {
		uint32_t lo = wcnic_bar_read32(&ad->bar, WCNIC_REG_MAC_LO);
		uint32_t hi = wcnic_bar_read32(&ad->bar, WCNIC_REG_MAC_HI);
		unsigned int i;

		for (i = 0; i < 4; i++)
			ad->mac.addr_bytes[i] = (uint8_t)(lo >> (8 * i));
		ad->mac.addr_bytes[4] = (uint8_t)hi;
		ad->mac.addr_bytes[5] = (uint8_t)(hi >> 8);
	}
	ad->info.tx_burst_max = ad->tx_burst_max;
	ad->info.push_entry_size = ad->args.entry_size;

	dev->dev_ops = &wcnic_eth_dev_ops;
	dev->rx_pkt_burst = wcnic_recv;
	dev->tx_pkt_burst = ad->info.tx_mode == RTE_PMD_WCNIC_TX_PUSH ? wcnic_xmit_push
								       : wcnic_xmit_dma;
	dev->data->mac_addrs = &ad->mac;
	dev->data->mtu = RTE_ETHER_MTU;
	/* The MAC is programmed at start: ethdev must restore it before, not after. */
	dev->data->dev_flags |= RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS | RTE_ETH_DEV_NOLIVE_MAC_ADDR;
	dev->data->dev_link = (struct rte_eth_link){
		.link_speed = wcnic_bar_read32(&ad->bar, WCNIC_REG_LINK_SPEED),
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_status = RTE_ETH_LINK_DOWN,
		.link_autoneg = RTE_ETH_LINK_FIXED,
	};
	return 0;
}
