/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a net_wcnic port says about itself: firmware version, burst modes,
 * the private dump (ethdev operations), and the facts the telemetry
 * commands report.
 */
#ifndef WCNIC_INFO_H
#define WCNIC_INFO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "wcnic_ethdev.h"

/* The device's interface version and, from 1.1 on, its firmware version. */
struct wcnic_versions {
	uint16_t interface_major;
	uint16_t interface_minor;
	bool has_fw_version;   /* false on a 1.0 device: it has no FW_VERSION */
	uint32_t fw_version;   /* WCNIC_FW_VERSION() encoding */
};

void wcnic_info_versions(const struct wcnic_adapter *ad, struct wcnic_versions *v);

/* "0.1.0" from a WCNIC_FW_VERSION() value. */
void wcnic_info_fw_version_text(uint32_t fw_version, char *buf, size_t size);

/* The store variant push entries are written with; NULL in DMA mode. */
const char *wcnic_info_wc_store_name(const struct wcnic_adapter *ad);

/*
 * Whether RX queue rxq delivers a frame over several buffers (RX scatter,
 * WCNIC_F_RX_SCATTER): the burst mode and the private dump ask here. The
 * answer is ethdev's port-wide scattered_rx, which a driver sets when it
 * receives in scattered mode; a per-queue choice would answer from rxq.
 */
bool wcnic_rxq_scatters(const struct rte_eth_dev *dev, const struct wcnic_rxq *rxq);

/* ethdev operations. */
int wcnic_fw_version_get(struct rte_eth_dev *dev, char *fw_version, size_t fw_size);
int wcnic_rx_burst_mode_get(struct rte_eth_dev *dev, uint16_t qid,
			    struct rte_eth_burst_mode *mode);
int wcnic_tx_burst_mode_get(struct rte_eth_dev *dev, uint16_t qid,
			    struct rte_eth_burst_mode *mode);
int wcnic_priv_dump(struct rte_eth_dev *dev, FILE *f);

#endif /* WCNIC_INFO_H */
