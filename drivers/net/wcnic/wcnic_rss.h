/* SPDX-License-Identifier: BSD-3-Clause */
/* Receive-side scaling of a net_wcnic port (wcnic_rss.c). */
#ifndef WCNIC_RSS_H
#define WCNIC_RSS_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>

#include "wcnic_hw.h"

/* A port's RSS settings, as ethdev configured them. */
struct wcnic_rss {
	bool on;                             /* rxmode.mq_mode has RSS */
	uint64_t rss_hf;                     /* RTE_ETH_RSS_* the device hashes */
	uint32_t gen;                        /* RSS_GEN last written */
	uint8_t key[WCNIC_RSS_KEY_SIZE];
	uint8_t reta[WCNIC_RSS_RETA_SIZE];   /* RX queue per entry */
};

struct wcnic_adapter;

/* The RTE_ETH_RSS_* a port offers: none unless the device has WCNIC_F_RSS. */
uint64_t wcnic_rss_offloads(const struct wcnic_adapter *ad);
/* At dev_configure: take the RSS settings (default key, round-robin table). */
int wcnic_rss_configure(struct rte_eth_dev *dev);
/* Whether the port accepts WCNIC_F_RSS; at start, before enable, the tables
 * go into the device. */
bool wcnic_rss_accepted(const struct wcnic_adapter *ad);
void wcnic_rss_start(struct wcnic_adapter *ad);

int wcnic_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf);
int wcnic_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf);
int wcnic_rss_reta_update(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf,
			  uint16_t size);
int wcnic_rss_reta_query(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf,
			 uint16_t size);

#endif /* WCNIC_RSS_H */
