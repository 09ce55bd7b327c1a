/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Receive-side scaling (device interface 1.1, WCNIC_F_RSS): the hash
 * types, key and redirection table of a port, as ethdev configures and
 * queries them, and their copy in the device's RSS registers.
 */
#include <string.h>

#include <ethdev_driver.h>

#include "wcnic_dev.h"
#include "wcnic_ethdev.h"
#include "wcnic_log.h"
#include "wcnic_rss.h"

/* The key of the published Toeplitz verification vectors, which many NICs
 * also use by default: a port configured without a key gets it. */
static const uint8_t default_key[WCNIC_RSS_KEY_SIZE] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* ethdev's flow types and the device's RSS_TYPES bit that hashes them. */
static const struct {
	uint64_t rss_hf;
	uint32_t type;
} flow_types[] = {
	{ RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_FRAG_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_OTHER, WCNIC_RSS_IPV4 },
	{ RTE_ETH_RSS_NONFRAG_IPV4_TCP, WCNIC_RSS_IPV4_TCP },
	{ RTE_ETH_RSS_NONFRAG_IPV4_UDP, WCNIC_RSS_IPV4_UDP },
	{ RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_FRAG_IPV6 | RTE_ETH_RSS_NONFRAG_IPV6_OTHER, WCNIC_RSS_IPV6 },
	{ RTE_ETH_RSS_NONFRAG_IPV6_TCP, WCNIC_RSS_IPV6_TCP },
	{ RTE_ETH_RSS_NONFRAG_IPV6_UDP, WCNIC_RSS_IPV6_UDP },
};

uint64_t
wcnic_rss_offloads(const struct wcnic_adapter *ad)
{
	uint64_t hf = 0;
	unsigned int i;

	if (!(ad->dev_features & WCNIC_F_RSS))
		return 0;
	for (i = 0; i < RTE_DIM(flow_types); i++)
		hf |= flow_types[i].rss_hf;
	return hf;
}

static uint32_t
device_types(uint64_t rss_hf)
{
	uint32_t types = 0;
	unsigned int i;

	for (i = 0; i < RTE_DIM(flow_types); i++)
		if (rss_hf & flow_types[i].rss_hf)
			types |= flow_types[i].type;
	return types;
}

/* Key, hash types and table into the device; RSS_GEN last, so that a
 * running device takes them together (spec: RSS). */
static void
rss_write(struct wcnic_adapter *ad)
{
	uint32_t i, word;

	for (i = 0; i < WCNIC_RSS_KEY_SIZE; i += 4) {
		memcpy(&word, ad->rss.key + i, sizeof(word));
		wcnic_bar_write32(&ad->bar, WCNIC_REG_RSS_KEY + i, word);
	}
	for (i = 0; i < WCNIC_RSS_RETA_SIZE; i += 4) {
		memcpy(&word, ad->rss.reta + i, sizeof(word));
		wcnic_bar_write32(&ad->bar, WCNIC_REG_RSS_RETA + i, word);
	}
	wcnic_bar_write32(&ad->bar, WCNIC_REG_RSS_TYPES, device_types(ad->rss.rss_hf));
	/* wcnic_bar_write32() fences: the tables are out before RSS_GEN. */
	wcnic_bar_write32(&ad->bar, WCNIC_REG_RSS_GEN, ++ad->rss.gen);
}

/* A key, when one is given, of the size the device takes. */
static bool
key_size_ok(const struct rte_eth_dev *dev, const struct rte_eth_rss_conf *conf)
{
	if (conf->rss_key == NULL || conf->rss_key_len == WCNIC_RSS_KEY_SIZE)
		return true;
	WCNIC_LOG(ERR, "port %u: RSS key of %u bytes, the device takes %u", dev->data->port_id,
		  conf->rss_key_len, WCNIC_RSS_KEY_SIZE);
	return false;
}

int
wcnic_rss_configure(struct rte_eth_dev *dev)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	const struct rte_eth_rss_conf *conf = &dev->data->dev_conf.rx_adv_conf.rss_conf;
	uint16_t nb_rxq = dev->data->nb_rx_queues;
	unsigned int i;

	ad->rss.on = (dev->data->dev_conf.rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG) != 0;
	if (!ad->rss.on)
		return 0;
	if (!(ad->dev_features & WCNIC_F_RSS)) {
		WCNIC_LOG(ERR, "port %u: RSS asked, but the device does not offer it (interface "
			  "1.0)", dev->data->port_id);
		return -ENOTSUP;
	}
	if (!key_size_ok(dev, conf))
		return -EINVAL;
	memcpy(ad->rss.key, conf->rss_key != NULL ? conf->rss_key : default_key,
	       WCNIC_RSS_KEY_SIZE);
	ad->rss.rss_hf = conf->rss_hf & wcnic_rss_offloads(ad);
	/* Queues round-robin over the table, as ethdev users expect by default. */
	for (i = 0; i < WCNIC_RSS_RETA_SIZE; i++)
		ad->rss.reta[i] = (uint8_t)(i % nb_rxq);
	return 0;
}

void
wcnic_rss_start(struct wcnic_adapter *ad)
{
	if (ad->rss.on)
		rss_write(ad);
}

bool
wcnic_rss_accepted(const struct wcnic_adapter *ad)
{
	return ad->rss.on;
}

/* Changes made while the port runs reach the device now; otherwise at start. */
static void
rss_apply(struct wcnic_adapter *ad)
{
	if (ad->started)
		rss_write(ad);
}

static int
rss_usable(struct rte_eth_dev *dev)
{
	if (wcnic_adapter(dev)->rss.on)
		return 0;
	WCNIC_LOG(ERR, "port %u: RSS is not configured (rxmode.mq_mode RSS)", dev->data->port_id);
	return -ENOTSUP;
}

int
wcnic_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	int ret = rss_usable(dev);

	if (ret != 0)
		return ret;
	if (!key_size_ok(dev, conf))
		return -EINVAL;
	if (conf->rss_hf & ~wcnic_rss_offloads(ad)) {
		WCNIC_LOG(ERR, "port %u: RSS hash types 0x%" PRIx64 " not offered (offered 0x%" PRIx64
			  ")", dev->data->port_id, conf->rss_hf, wcnic_rss_offloads(ad));
		return -EINVAL;
	}
	if (conf->rss_key != NULL)
		memcpy(ad->rss.key, conf->rss_key, WCNIC_RSS_KEY_SIZE);
	ad->rss.rss_hf = conf->rss_hf;
	rss_apply(ad);
	return 0;
}

int
wcnic_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	int ret = rss_usable(dev);

	if (ret != 0)
		return ret;
	if (conf->rss_key != NULL) {
		if (conf->rss_key_len < WCNIC_RSS_KEY_SIZE)
			return -EINVAL;
		memcpy(conf->rss_key, ad->rss.key, WCNIC_RSS_KEY_SIZE);
	}
	conf->rss_key_len = WCNIC_RSS_KEY_SIZE;
	conf->rss_hf = ad->rss.rss_hf;
	return 0;
}

/* Entry i of a RETA update/query array when its group's mask selects it,
 * else NULL. */
static uint16_t *
reta_entry(struct rte_eth_rss_reta_entry64 *conf, uint16_t i)
{
	struct rte_eth_rss_reta_entry64 *g = &conf[i / RTE_ETH_RETA_GROUP_SIZE];
	unsigned int bit = i % RTE_ETH_RETA_GROUP_SIZE;

	return g->mask >> bit & 1 ? &g->reta[bit] : NULL;
}

static int
reta_size_ok(struct rte_eth_dev *dev, uint16_t size)
{
	if (size == WCNIC_RSS_RETA_SIZE)
		return rss_usable(dev);
	WCNIC_LOG(ERR, "port %u: redirection table of %u entries, the device has %u",
		  dev->data->port_id, size, WCNIC_RSS_RETA_SIZE);
	return -EINVAL;
}

/* The entries the masks select, from the array into the port's table
 * (into_table) or back. */
static void
reta_copy(struct rte_eth_rss_reta_entry64 *conf, uint16_t size, uint8_t *table,
	  bool into_table)
{
	uint16_t i;

	for (i = 0; i < size; i++) {
		uint16_t *queue = reta_entry(conf, i);

		if (queue == NULL)
			continue;
		if (into_table)
			table[i] = (uint8_t)*queue;
		else
			*queue = table[i];
	}
}

int
wcnic_rss_reta_update(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf,
		      uint16_t size)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	int ret = reta_size_ok(dev, size);
	uint16_t i;

	if (ret != 0)
		return ret;
	/* Every entry checked before any is taken: a bad update changes nothing. */
	for (i = 0; i < size; i++) {
		const uint16_t *queue = reta_entry(conf, i);

		if (queue != NULL && *queue >= dev->data->nb_rx_queues) {
			WCNIC_LOG(ERR, "port %u: redirection entry %u names RX queue %u of %u",
				  dev->data->port_id, i, *queue, dev->data->nb_rx_queues);
			return -EINVAL;
		}
	}
	reta_copy(conf, size, ad->rss.reta, true);
	rss_apply(ad);
	return 0;
}

int
wcnic_rss_reta_query(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf,
		     uint16_t size)
{
	int ret = reta_size_ok(dev, size);

	if (ret == 0)
		reta_copy(conf, size, wcnic_adapter(dev)->rss.reta, false);
	return ret;
}
