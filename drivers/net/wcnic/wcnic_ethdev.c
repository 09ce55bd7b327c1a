/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_wcnic ethdev operations, shared by the vdev (in-process device model)
 * and PCI front ends. The device handshakes live in wcnic_dev.c, queue
 * memory in wcnic_queue.c, the hot paths in wcnic_tx_push.c, wcnic_tx_dma.c
 * and wcnic_rx.c.
 */
#include <string.h>

#include "wcnic_compat.h"
#include "wcnic_dev.h"
#include "wcnic_ethdev.h"
#include "wcnic_info.h"
#include "wcnic_log.h"

RTE_LOG_REGISTER(wcnic_logtype, pmd.net.wcnic, NOTICE);

#define WCNIC_DEFAULT_RING_SIZE 1024u

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

	if (conf->rxmode.mq_mode != RTE_ETH_MQ_RX_NONE &&
	    conf->rxmode.mq_mode != RTE_ETH_MQ_RX_RSS) {
		WCNIC_LOG(ERR, "port %u: RX multi-queue mode %d not supported (none or RSS)",
			  dev->data->port_id, conf->rxmode.mq_mode);
		return -ENOTSUP;
	}
	if (port_queues(dev) > ad->args.queues) {
		WCNIC_LOG(ERR, "port %u: %u queues asked, the port has %u (devarg queues=)",
			  dev->data->port_id, port_queues(dev), ad->args.queues);
		return -EINVAL;
	}
	return wcnic_rss_configure(dev);
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
	info->min_mtu = WCNIC_MIN_MTU;
	info->max_mtu = ad->max_mtu;
	info->max_rx_pktlen = WCNIC_MAX_FRAME_FOR_MTU(ad->max_mtu);
	info->min_rx_bufsize = WCNIC_MIN_RX_BUF_SIZE;
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE |
				(max_segs > 1 ? RTE_ETH_TX_OFFLOAD_MULTI_SEGS : 0) |
				((ad->dev_features & WCNIC_F_TX_CSUM) ? WCNIC_TX_CSUM_OFFLOADS : 0);
	info->rx_offload_capa = ((ad->dev_features & WCNIC_F_RX_SCATTER) ?
				 RTE_ETH_RX_OFFLOAD_SCATTER : 0) |
				((ad->dev_features & WCNIC_F_RSS) ? RTE_ETH_RX_OFFLOAD_RSS_HASH : 0) |
				((ad->dev_features & WCNIC_F_RX_CSUM) ? WCNIC_RX_CSUM_OFFLOADS : 0);
	info->flow_type_rss_offloads = wcnic_rss_offloads(ad);
	if (info->flow_type_rss_offloads != 0) {
		info->hash_key_size = WCNIC_RSS_KEY_SIZE;
		info->reta_size = WCNIC_RSS_RETA_SIZE;
	}
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
	info->speed_capa = rte_eth_speed_bitflag(wcnic_bar_read32(&ad->bar, WCNIC_REG_LINK_SPEED),
						 RTE_ETH_LINK_FULL_DUPLEX);
	info->default_rxconf.rx_free_thresh = WCNIC_RX_FREE_THRESH_DEFAULT;
	return 0;
}

/*
 * Whether the port receives frames over several buffers: when the
 * application asks for the scatter offload, or when a frame of the MTU does
 * not fit one buffer of some queue and the device can scatter (as NICs
 * users know do, so that --max-pkt-len=9018 works with 2 KB mbufs).
 */
static bool
rx_scatter_needed(struct rte_eth_dev *dev)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	uint16_t q;

	if (dev->data->dev_conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_SCATTER)
		return true;
	for (q = 0; q < dev->data->nb_rx_queues; q++)
		if (ad->rxqs[q]->buf_size < WCNIC_MAX_FRAME_FOR_MTU(dev->data->mtu))
			return true;
	return false;
}

/* Every configured queue set up; RX buffers that hold a whole frame unless
 * the device scatters. Decides dev->data->scattered_rx. */
static int
check_queues(struct rte_eth_dev *dev)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	uint16_t q;

	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		if (ad->txqs[q] == NULL) {
			WCNIC_LOG(ERR, "port %u: TX queue %u not set up", dev->data->port_id, q);
			return -EINVAL;
		}
	}
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		if (ad->rxqs[q] == NULL) {
			WCNIC_LOG(ERR, "port %u: RX queue %u not set up", dev->data->port_id, q);
			return -EINVAL;
		}
	}
	dev->data->scattered_rx = rx_scatter_needed(dev);
	if (!dev->data->scattered_rx || (ad->dev_features & WCNIC_F_RX_SCATTER))
		return 0;
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		if (ad->rxqs[q]->buf_size < WCNIC_MAX_FRAME_FOR_MTU(dev->data->mtu)) {
			WCNIC_LOG(ERR, "port %u: RX queue %u buffers hold %u bytes, MTU %u needs %u, "
				  "and the device does not offer RX scatter: use larger mbufs or "
				  "a smaller MTU", dev->data->port_id, q, ad->rxqs[q]->buf_size,
				  dev->data->mtu, WCNIC_MAX_FRAME_FOR_MTU(dev->data->mtu));
			return -EINVAL;
		}
	}
	WCNIC_LOG(ERR, "port %u: the scatter offload was asked but the device does not offer "
		  "RX scatter", dev->data->port_id);
	return -ENOTSUP;
}

/*
 * The checksum features of interface 1.1 the port's offloads call for, of
 * those the device offers: TX checksum insertion, RX packet types and
 * checksum status. Without them the device does neither, at no cost.
 */
static uint64_t
csum_features(struct rte_eth_dev *dev)
{
	const struct rte_eth_conf *conf = &dev->data->dev_conf;
	uint64_t want = ((conf->txmode.offloads & WCNIC_TX_CSUM_OFFLOADS) ? WCNIC_F_TX_CSUM : 0) |
			((conf->rxmode.offloads & WCNIC_RX_CSUM_OFFLOADS) ? WCNIC_F_RX_CSUM : 0);

	return wcnic_adapter(dev)->dev_features & want;
}

static void
write_mac(struct wcnic_adapter *ad)
{
	const uint8_t *b = ad->mac.addr_bytes;

	wcnic_bar_write32(&ad->bar, WCNIC_REG_MAC_LO, (uint32_t)b[0] | (uint32_t)b[1] << 8 |
			  (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24);
	wcnic_bar_write32(&ad->bar, WCNIC_REG_MAC_HI, (uint32_t)b[4] | (uint32_t)b[5] << 8);
}

static void
set_queue_states(struct rte_eth_dev *dev, uint8_t state)
{
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++)
		dev->data->rx_queue_state[q] = state;
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		dev->data->tx_queue_state[q] = state;
}

/* The burst functions for the port's TX mode and RX scatter (each process
 * sets its own: they are per-process pointers). */
static void
select_burst_functions(struct rte_eth_dev *dev)
{
	const struct wcnic_adapter *ad = wcnic_adapter(dev);

	bool tx_csum = (csum_features(dev) & WCNIC_F_TX_CSUM) != 0;

	dev->rx_pkt_burst = dev->data->scattered_rx ? wcnic_recv_scattered : wcnic_recv;
	/* Checksum requests go to the device only from the _csum bursts: the
	 * others stay as they were without the offloads. */
	if (ad->info.tx_mode == RTE_PMD_WCNIC_TX_PUSH)
		dev->tx_pkt_burst = tx_csum ? wcnic_xmit_push_csum : wcnic_xmit_push;
	else
		dev->tx_pkt_burst = tx_csum ? wcnic_xmit_dma_csum : wcnic_xmit_dma;
	dev->tx_pkt_prepare = wcnic_tx_prepare;
}

/* Program the device from the port's configuration and start it (spec 6.3-6.4). */
static int
wcnic_dev_start(struct rte_eth_dev *dev)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	uint16_t nb_queues = port_queues(dev), q;
	uint64_t csum = csum_features(dev);
	uint32_t flags = 0;
	int ret;

	ret = check_queues(dev);
	if (ret == 0)
		ret = wcnic_dev_reset(ad);
	if (ret == 0)
		ret = ad->ops->dma_prepare(ad);
	if (ret != 0)
		return ret;

	wcnic_bar_write64(&ad->bar, WCNIC_REG_DRV_FEATURES,
			  wcnic_dev_features_for_mode(ad,
				(dev->data->scattered_rx ? WCNIC_F_RX_SCATTER : 0) |
				(wcnic_rss_accepted(ad) ? WCNIC_F_RSS : 0)) | csum);
	wcnic_rss_start(ad);
	wcnic_bar_write32(&ad->bar, WCNIC_REG_NUM_QUEUES, nb_queues);
	wcnic_bar_write32(&ad->bar, WCNIC_REG_MTU, dev->data->mtu);
	write_mac(ad);
	for (q = 0; q < nb_queues; q++) {
		uint32_t qctrl = 0;

		if (q < dev->data->nb_tx_queues) {
			ad->txqs[q]->max_frame_len = (uint16_t)WCNIC_MAX_FRAME_FOR_MTU(dev->data->mtu);
			ad->txqs[q]->csum = (csum & WCNIC_F_TX_CSUM) != 0;
			wcnic_tx_queue_hw_start(ad, ad->txqs[q]);
			qctrl |= WCNIC_QCTRL_TX_ENABLE;
		}
		if (q < dev->data->nb_rx_queues) {
			wcnic_rx_queue_hw_start(ad, ad->rxqs[q]);
			qctrl |= WCNIC_QCTRL_RX_ENABLE;
		}
		/* The fences in wcnic_bar_write*() put the block before the enable bits. */
		wcnic_bar_write32(&ad->bar, WCNIC_QUEUE_CFG_OFF(q) + WCNIC_QREG_CONTROL, qctrl);
	}

	if (dev->data->promiscuous)
		flags |= WCNIC_CTRL_PROMISC;
	if (dev->data->all_multicast)
		flags |= WCNIC_CTRL_ALLMULTI;
	ret = wcnic_dev_enable(ad, dev->data->port_id, flags);
	if (ret != 0)
		return ret;

	for (q = 0; q < dev->data->nb_rx_queues; q++)
		wcnic_rx_queue_post_initial(ad->rxqs[q]);
	select_burst_functions(dev);
	set_queue_states(dev, RTE_ETH_QUEUE_STATE_STARTED);
	dev->data->dev_link.link_status = RTE_ETH_LINK_UP;
	ad->started = true;
	wcnic_watchdog_start(dev);
	WCNIC_LOG(INFO, "port %u started: %u queue(s), TX mode %s, MTU %u%s%s%s", dev->data->port_id,
		  nb_queues, rte_pmd_wcnic_tx_mode_name(ad->info.tx_mode), dev->data->mtu,
		  dev->data->scattered_rx ? ", RX scattered" : "",
		  (csum & WCNIC_F_TX_CSUM) ? ", TX checksums" : "",
		  (csum & WCNIC_F_RX_CSUM) ? ", RX checksums and packet types" : "");
	return 0;
}

static int
wcnic_dev_stop(struct rte_eth_dev *dev)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	uint16_t q;

	if (!ad->started)
		return 0;
	ad->started = false;
	wcnic_watchdog_stop(dev);
	dev->data->dev_link.link_status = RTE_ETH_LINK_DOWN;
	set_queue_states(dev, RTE_ETH_QUEUE_STATE_STOPPED);
	wcnic_dev_check_error(ad, dev->data->port_id);
	if (wcnic_dev_disable(ad, dev->data->port_id) != 0) {
		/*
		 * The device may still read buffers and write rings: keep them
		 * (close leaves them too). The port is stopped all the same, so
		 * that close, remove and EAL clean-up go on.
		 */
		WCNIC_LOG(ERR, "port %u: device wedged; its queue memory and the mbufs it holds "
			  "are left allocated", dev->data->port_id);
		return 0;
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		wcnic_tx_queue_reset(ad->txqs[q]);
	for (q = 0; q < dev->data->nb_rx_queues; q++)
		wcnic_rx_queue_reset(ad->rxqs[q]);
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
	/* The transport goes first: afterwards no device can touch queue memory. */
	ad->ops->close(ad);
	if (!ad->wedged) {
		for (q = 0; q < dev->data->nb_tx_queues; q++)
			wcnic_tx_queue_release(dev, q);
		for (q = 0; q < dev->data->nb_rx_queues; q++)
			wcnic_rx_queue_release(dev, q);
	}
	dev->data->mac_addrs = NULL; /* points into the adapter, not malloc'd */
	return 0;
}

static int
wcnic_dev_reset_op(struct rte_eth_dev *dev)
{
	int ret = wcnic_dev_stop(dev);

	return ret != 0 ? ret : wcnic_dev_reset(wcnic_adapter(dev));
}

static int
wcnic_link_update(struct rte_eth_dev *dev, int wait_to_complete __rte_unused)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	struct rte_eth_link link = {
		.link_speed = wcnic_bar_read32(&ad->bar, WCNIC_REG_LINK_SPEED),
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
		.link_status = ad->started && !ad->wd.failed &&
			(wcnic_bar_read32(&ad->bar, WCNIC_REG_LINK_STATUS) & WCNIC_LINK_UP) ?
			RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN,
	};

	if (ad->started)
		wcnic_dev_check_error(ad, dev->data->port_id);
	return rte_eth_linkstatus_set(dev, &link);
}

/* qstats: where the per-queue counters go, NULL when ethdev does not want them. */
static void
stats_fill(struct rte_eth_dev *dev, struct rte_eth_stats *stats, wcnic_qstats_t *qstats)
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
				  txq->stats.seg_drops + txq->stats.csum_drops;
		if (qstats != NULL && q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			qstats->q_opackets[q] = txq->stats.packets;
			qstats->q_obytes[q] = txq->stats.bytes;
		}
	}
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		const struct wcnic_rxq *rxq = ad->rxqs[q];

		if (rxq == NULL)
			continue;
		stats->ipackets += rxq->stats.packets;
		stats->ibytes += rxq->stats.bytes;
		stats->rx_nombuf += rxq->stats.alloc_failures;
		if (qstats != NULL && q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			qstats->q_ipackets[q] = rxq->stats.packets;
			qstats->q_ibytes[q] = rxq->stats.bytes;
		}
	}
	/* Frames the device dropped for want of a posted buffer. */
	stats->imissed = wcnic_xstats_dev_counter(ad, WCNIC_REG_CNT_RX_NO_BUF);
	if (ad->started)
		wcnic_dev_check_error(ad, dev->data->port_id);
}

static int
wcnic_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats WCNIC_QSTATS_PARAM)
{
	stats_fill(dev, stats, WCNIC_QSTATS_ARG);
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
	if (mtu < WCNIC_MIN_MTU || mtu > ad->max_mtu) {
		WCNIC_LOG(ERR, "port %u: MTU %u outside %u..%u", dev->data->port_id, mtu,
			  WCNIC_MIN_MTU, ad->max_mtu);
		return -EINVAL;
	}
	return 0; /* written to the device at start */
}

/* Promiscuous and all-multicast bits apply at once when running. */
static int
control_bit_set(struct rte_eth_dev *dev, uint32_t bit, bool on)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);

	if (!(ad->dev_features & WCNIC_F_PROMISC))
		return -ENOTSUP;
	if (ad->started)
		wcnic_dev_control_bit(ad, bit, on);
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

static void
wcnic_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_rxq_info *qinfo)
{
	const struct wcnic_rxq *rxq = wcnic_adapter(dev)->rxqs[qid];

	qinfo->mp = rxq->mp;
	qinfo->nb_desc = rxq->nb_desc;
	qinfo->rx_buf_size = rxq->buf_size;
	qinfo->scattered_rx = dev->data->scattered_rx;
	qinfo->conf.rx_free_thresh = rxq->refill_threshold;
}

static void
wcnic_txq_info_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_txq_info *qinfo)
{
	qinfo->nb_desc = wcnic_adapter(dev)->txqs[qid]->nb_slots;
}

static const uint32_t *
wcnic_dev_supported_ptypes_get(struct rte_eth_dev *dev WCNIC_PTYPES_PARAM)
{
	return wcnic_ptypes(dev, WCNIC_PTYPES_COUNT);
}

const struct eth_dev_ops wcnic_eth_dev_ops = {
	.dev_configure = wcnic_dev_configure,
	.dev_infos_get = wcnic_dev_infos_get,
	.dev_start = wcnic_dev_start,
	.dev_stop = wcnic_dev_stop,
	.dev_close = wcnic_dev_close,
	.dev_reset = wcnic_dev_reset_op,
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
	.tx_done_cleanup = wcnic_tx_done_cleanup,
	.rxq_info_get = wcnic_rxq_info_get,
	.txq_info_get = wcnic_txq_info_get,
	.rss_hash_update = wcnic_rss_hash_update,
	.rss_hash_conf_get = wcnic_rss_hash_conf_get,
	.reta_update = wcnic_rss_reta_update,
	.reta_query = wcnic_rss_reta_query,
	.rx_burst_mode_get = wcnic_rx_burst_mode_get,
	.tx_burst_mode_get = wcnic_tx_burst_mode_get,
	.fw_version_get = wcnic_fw_version_get,
	.eth_dev_priv_dump = wcnic_priv_dump,
	.dev_supported_ptypes_get = wcnic_dev_supported_ptypes_get,
};

/*
 * What a secondary process may do with a port: look at it (information,
 * link, statistics, queue and RSS settings). Changing it stays with the
 * primary, which owns the device; ethdev answers -ENOTSUP for the rest.
 */
static const struct eth_dev_ops wcnic_eth_dev_ops_secondary = {
	.dev_infos_get = wcnic_dev_infos_get,
	.link_update = wcnic_link_update,
	.stats_get = wcnic_stats_get,
	.xstats_get = wcnic_xstats_get,
	.xstats_get_names = wcnic_xstats_get_names,
	.rxq_info_get = wcnic_rxq_info_get,
	.txq_info_get = wcnic_txq_info_get,
	.rss_hash_conf_get = wcnic_rss_hash_conf_get,
	.reta_query = wcnic_rss_reta_query,
	.rx_burst_mode_get = wcnic_rx_burst_mode_get,
	.tx_burst_mode_get = wcnic_tx_burst_mode_get,
	.fw_version_get = wcnic_fw_version_get,
	.eth_dev_priv_dump = wcnic_priv_dump,
};

bool
wcnic_ethdev_is_ours(const struct rte_eth_dev *dev)
{
	return dev->dev_ops == &wcnic_eth_dev_ops || dev->dev_ops == &wcnic_eth_dev_ops_secondary;
}

void
wcnic_ethdev_attach_secondary(struct rte_eth_dev *dev, struct rte_device *device)
{
	/* The adapter and its queues are shared memory at the same addresses
	 * in every process (the BAR too, once the front end saw to it); the
	 * function pointers are not. */
	dev->device = device;
	dev->dev_ops = &wcnic_eth_dev_ops_secondary;
	select_burst_functions(dev);
	wcnic_fast_path_dummies(dev);
	rte_eth_dev_probing_finish(dev);
	WCNIC_LOG(INFO, "%s: port %u attached in a secondary process", dev->data->name,
		  dev->data->port_id);
}

static void
read_device_mac(struct wcnic_adapter *ad)
{
	uint32_t lo = wcnic_bar_read32(&ad->bar, WCNIC_REG_MAC_LO);
	uint32_t hi = wcnic_bar_read32(&ad->bar, WCNIC_REG_MAC_HI);
	unsigned int i;

	for (i = 0; i < 4; i++)
		ad->mac.addr_bytes[i] = (uint8_t)(lo >> (8 * i));
	ad->mac.addr_bytes[4] = (uint8_t)hi;
	ad->mac.addr_bytes[5] = (uint8_t)(hi >> 8);
}

/* Identify and reset the device, fill the port's data. */
static int
ethdev_init(struct rte_eth_dev *dev, const char *name)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	uint64_t sig = wcnic_bar_read64(&ad->bar, WCNIC_REG_SIGNATURE);
	uint32_t version = wcnic_bar_read32(&ad->bar, WCNIC_REG_VERSION);
	uint32_t bar_size;
	int ret;

	if (sig != WCNIC_SIGNATURE || (version >> 16) != WCNIC_VERSION_MAJOR) {
		WCNIC_LOG(ERR, "%s: no wcnic %u.x device here (signature 0x%" PRIx64
			  ", version 0x%x)", name, WCNIC_VERSION_MAJOR, sig, version);
		return -ENODEV;
	}
	bar_size = wcnic_bar_read32(&ad->bar, WCNIC_REG_BAR_SIZE);
	if (bar_size < WCNIC_BAR_MIN_SIZE || bar_size > ad->bar.len) {
		WCNIC_LOG(ERR, "%s: the device says its BAR holds %u bytes; the mapping has %zu "
			  "and the interface needs at least %u", name, bar_size, ad->bar.len,
			  (unsigned int)WCNIC_BAR_MIN_SIZE);
		return -ENODEV;
	}
	ret = wcnic_dev_reset(ad);
	if (ret != 0)
		return ret;
	/* Counters of an earlier user of the device are not this port's. */
	memset(ad->dev_xstats_offset, 0, sizeof(ad->dev_xstats_offset));
	if (ad->args.queues > ad->max_queues) {
		WCNIC_LOG(ERR, "%s: queues=%u: the device offers %u", name, ad->args.queues,
			  ad->max_queues);
		return -EINVAL;
	}
	if (ad->args.queues == 0)
		ad->args.queues = (uint16_t)ad->max_queues;
	ret = wcnic_dev_choose_tx_mode(ad, name);
	if (ret != 0)
		return ret;
	if (ad->args.mac_set)
		ad->mac = ad->args.mac;
	else
		read_device_mac(ad);
	ad->info.tx_burst_max = ad->tx_burst_max;
	ad->info.push_entry_size = ad->args.entry_size;

	dev->dev_ops = &wcnic_eth_dev_ops;
	/* Set only on success: rte_eth_dev_release_port() frees mac_addrs, and
	 * this one points into the adapter (close clears it again). */
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

int
wcnic_ethdev_probe_finish(struct rte_eth_dev *dev, const char *name, const char *detail)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	int ret = ethdev_init(dev, name);

	if (ret != 0) {
		ad->ops->close(ad);
		rte_eth_dev_release_port(dev);
		return ret;
	}
	WCNIC_LOG(NOTICE, "%s: port %u, BAR memory type %s (%s, %s), TX mode %s (asked %s), "
		  "%s%u queue(s)", name, dev->data->port_id,
		  rte_pmd_wcnic_mem_type_name(ad->info.mem_type), ad->info.mem_type_source,
		  ad->info.mem_type_verified ? "verified" : "not verified by the kernel",
		  rte_pmd_wcnic_tx_mode_name(ad->info.tx_mode),
		  wcnic_tx_mode_request_name(ad->args.tx_mode), detail, ad->args.queues);
	rte_eth_dev_probing_finish(dev);
	return 0;
}

int
wcnic_ethdev_remove(const char *name)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(name);
	int ret;

	if (dev == NULL)
		return 0; /* closed already: the close released the device */
	/* A secondary process only lets go of its view of the port. */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return rte_eth_dev_release_port(dev);
	/* ethdev refuses to close a started port: stop it first, or the
	 * device could outlive the memory it works on. */
	ret = rte_eth_dev_stop(dev->data->port_id);
	if (ret == 0)
		ret = rte_eth_dev_close(dev->data->port_id);
	return ret;
}
