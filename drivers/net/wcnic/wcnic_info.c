/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Introspection as DPDK users expect it of a NIC: the firmware version
 * (testpmd's "show port info"), the RX and TX burst modes ("show rxq info",
 * "show txq info"), and the driver's private dump (rte_eth_dev_priv_dump(),
 * telemetry's /ethdev/dump_priv). Every fact comes from the port info, the
 * adapter or the device's registers; nothing here is kept twice.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "wcnic_dev.h"
#include "wcnic_info.h"

void
wcnic_info_versions(const struct wcnic_adapter *ad, struct wcnic_versions *v)
{
	uint32_t version = wcnic_bar_read32(&ad->bar, WCNIC_REG_VERSION);

	v->interface_major = (uint16_t)(version >> 16);
	v->interface_minor = (uint16_t)version;
	/* FW_VERSION is reserved space on a 1.0 device (spec 3): not read there. */
	v->has_fw_version = v->interface_minor >= 1;
	v->fw_version = v->has_fw_version ? wcnic_bar_read32(&ad->bar, WCNIC_REG_FW_VERSION) : 0;
}

void
wcnic_info_fw_version_text(uint32_t fw_version, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u", fw_version >> 24, (fw_version >> 16) & 0xffu,
		 fw_version & 0xffffu);
}

const char *
wcnic_info_wc_store_name(const struct wcnic_adapter *ad)
{
	if (ad->info.tx_mode != RTE_PMD_WCNIC_TX_PUSH)
		return NULL; /* DMA descriptors are plain stores to host memory */
	return wc_store_variant_name(wcnic_devargs_wc_store(&ad->args));
}

bool
wcnic_rxq_scatters(const struct rte_eth_dev *dev, const struct wcnic_rxq *rxq __rte_unused)
{
	return dev->data->scattered_rx != 0;
}

/* "0.1.0 (interface 1.1)"; a 1.0 device has no firmware version to give. */
int
wcnic_fw_version_get(struct rte_eth_dev *dev, char *fw_version, size_t fw_size)
{
	struct wcnic_versions v;
	char fw[16];
	int len;

	wcnic_info_versions(wcnic_adapter(dev), &v);
	if (v.has_fw_version) {
		wcnic_info_fw_version_text(v.fw_version, fw, sizeof(fw));
		len = snprintf(fw_version, fw_size, "%s (interface %u.%u)", fw, v.interface_major,
			       v.interface_minor);
	} else {
		len = snprintf(fw_version, fw_size, "interface %u.%u", v.interface_major,
			       v.interface_minor);
	}
	if (len < 0)
		return -EINVAL;
	/* ethdev's contract: too small a buffer is answered with the size the
	 * whole string needs, its terminating NUL included. */
	if ((size_t)len >= fw_size)
		return len + 1;
	return 0;
}

int
wcnic_rx_burst_mode_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_burst_mode *mode)
{
	const struct wcnic_adapter *ad = wcnic_adapter(dev);
	const struct wcnic_rxq *rxq = ad->rxqs[qid];

	if (rxq == NULL)
		return -EINVAL;
	snprintf(mode->info, sizeof(mode->info), "scalar%s",
		 wcnic_rxq_scatters(dev, rxq) ? " scattered" : "");
	return 0;
}

/* The BAR as a burst mode names it: "write-combining", "uncached (simulated)". */
static const char *
bar_words(const struct wcnic_adapter *ad, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", rte_pmd_wcnic_mem_type_name(ad->info.mem_type),
		 ad->bar.simulated ? " (simulated)" : "");
	return buf;
}

int
wcnic_tx_burst_mode_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_burst_mode *mode)
{
	const struct wcnic_adapter *ad = wcnic_adapter(dev);
	const struct rte_pmd_wcnic_port_info *info = &ad->info;
	const struct wcnic_txq *txq = ad->txqs[qid];
	char bar[48];

	if (txq == NULL)
		return -EINVAL;
	/* "(direct)": frames that fill an entry go from the mbuf straight
	 * into the BAR, not through the queue's stage (wcnic_push_direct_for()). */
	if (info->tx_mode == RTE_PMD_WCNIC_TX_PUSH)
		snprintf(mode->info, sizeof(mode->info),
			 "push, %s BAR, %s stores%s, %u B entries, %u per doorbell",
			 bar_words(ad, bar, sizeof(bar)), wcnic_info_wc_store_name(ad),
			 txq->push_direct != WCNIC_PUSH_DIRECT_NONE ? " (direct)" : "",
			 info->push_entry_size, info->tx_burst_max);
	else
		snprintf(mode->info, sizeof(mode->info),
			 "dma, %zu B descriptors in host memory, %s BAR doorbell, %u per doorbell",
			 sizeof(struct wcnic_tx_desc), bar_words(ad, bar, sizeof(bar)),
			 info->tx_burst_max);
	return 0;
}

/* ------------------------------------------------------------ priv dump */

struct bit_name {
	uint64_t bit;
	const char *name;
};

static const struct bit_name feature_names[] = {
	{ WCNIC_F_TX_PUSH, "tx_push" },
	{ WCNIC_F_TX_DMA, "tx_dma" },
	{ WCNIC_F_PUSH_ENTRY_128, "push_entry_128" },
	{ WCNIC_F_PUSH_ENTRY_256, "push_entry_256" },
	{ WCNIC_F_MULTI_SEG, "multi_seg" },
	{ WCNIC_F_PROMISC, "promisc" },
	{ WCNIC_F_RX_SCATTER, "rx_scatter" },
	{ WCNIC_F_RSS, "rss" },
};

static const struct bit_name status_names[] = {
	{ WCNIC_STS_READY, "ready" },
	{ WCNIC_STS_ENABLED, "enabled" },
	{ WCNIC_STS_ERROR, "error" },
};

static const struct bit_name qstatus_names[] = {
	{ WCNIC_QSTS_TX_RUNNING, "tx_running" },
	{ WCNIC_QSTS_RX_RUNNING, "rx_running" },
	{ WCNIC_QSTS_TX_STOPPED_ERR, "tx_stopped_err" },
	{ WCNIC_QSTS_RX_STOPPED_ERR, "rx_stopped_err" },
};

/* "0x3 (ready enabled)"; bits without a name as "bit N". */
static void
dump_bits(FILE *f, uint64_t value, const struct bit_name *names, size_t nb_names)
{
	const char *sep = "";
	unsigned int b;
	size_t i;

	fprintf(f, "0x%" PRIx64 " (", value);
	for (b = 0; b < 64; b++) {
		uint64_t bit = UINT64_C(1) << b;

		if (!(value & bit))
			continue;
		for (i = 0; i < nb_names && names[i].bit != bit; i++)
			;
		if (i < nb_names)
			fprintf(f, "%s%s", sep, names[i].name);
		else
			fprintf(f, "%sbit %u", sep, b);
		sep = " ";
	}
	fprintf(f, "%s)\n", value == 0 ? "none" : "");
}

static void
dump_identity(FILE *f, struct rte_eth_dev *dev)
{
	const struct wcnic_adapter *ad = wcnic_adapter(dev);
	const struct rte_pmd_wcnic_port_info *info = &ad->info;
	struct wcnic_versions v;
	char fw[16];

	fprintf(f, "net_wcnic port %u (%s)\n", dev->data->port_id, dev->data->name);
	wcnic_info_versions(ad, &v);
	if (v.has_fw_version)
		wcnic_info_fw_version_text(v.fw_version, fw, sizeof(fw));
	fprintf(f, "  interface %u.%u, firmware %s\n", v.interface_major, v.interface_minor,
		v.has_fw_version ? fw : "none (a 1.0 device has no FW_VERSION)");
	fprintf(f, "  BAR: %s, %s, established by: %s; %zu bytes mapped%s\n",
		rte_pmd_wcnic_mem_type_name(info->mem_type),
		info->mem_type_verified ? "verified by the kernel" : "not verified by the kernel",
		info->mem_type_source, ad->bar.len,
		ad->bar.simulated ? ", behind the write-combining simulator" : "");
	if (info->tx_mode == RTE_PMD_WCNIC_TX_PUSH)
		fprintf(f, "  TX mode: push (asked %s), %s stores, %u B entries, %u per doorbell\n",
			wcnic_tx_mode_request_name(ad->args.tx_mode), wcnic_info_wc_store_name(ad),
			info->push_entry_size, info->tx_burst_max);
	else
		fprintf(f, "  TX mode: dma (asked %s), %zu B descriptors in host memory, "
			"%u per doorbell\n", wcnic_tx_mode_request_name(ad->args.tx_mode),
			sizeof(struct wcnic_tx_desc), info->tx_burst_max);
	fprintf(f, "  device features: ");
	dump_bits(f, ad->dev_features, feature_names, RTE_DIM(feature_names));
	/* Read back from the device: what the last start told it, not a
	 * second computation of it. */
	fprintf(f, "  driver features (DRV_FEATURES, accepted at start): ");
	dump_bits(f, wcnic_bar_read64(&ad->bar, WCNIC_REG_DRV_FEATURES), feature_names,
		  RTE_DIM(feature_names));
	fprintf(f, "  device limits: %u queue pair(s), rings up to %u, MTU up to %u\n",
		ad->max_queues, ad->max_ring_size, ad->max_mtu);
}

static void
dump_state(FILE *f, struct rte_eth_dev *dev)
{
	const struct wcnic_adapter *ad = wcnic_adapter(dev);
	uint32_t status = wcnic_bar_read32(&ad->bar, WCNIC_REG_STATUS);

	fprintf(f, "  port: %s%s%s, %u RX / %u TX queue(s) of %u, MTU %u, CONTROL 0x%x\n",
		ad->started ? "started" : "stopped",
		ad->wd.failed ? ", failed (reset event raised)" : "",
		ad->wedged ? ", device wedged" : "", dev->data->nb_rx_queues,
		dev->data->nb_tx_queues, ad->args.queues, dev->data->mtu, ad->control);
	fprintf(f, "  device STATUS: ");
	dump_bits(f, status, status_names, RTE_DIM(status_names));
	/* ERROR_* are valid only once STATUS.ERROR is seen, and read after it. */
	if (status & WCNIC_STS_ERROR) {
		uint32_t code = wcnic_bar_read32(&ad->bar, WCNIC_REG_ERROR_CODE);
		uint32_t queue = wcnic_bar_read32(&ad->bar, WCNIC_REG_ERROR_QUEUE);
		char text[96], qtext[16];

		if (queue == WCNIC_ERROR_QUEUE_NONE)
			snprintf(qtext, sizeof(qtext), "none");
		else
			snprintf(qtext, sizeof(qtext), "%u", queue);
		fprintf(f, "  device error: %u %s, queue %s, info 0x%" PRIx64 "\n", code,
			wcnic_dev_error_text(code, text, sizeof(text)), qtext,
			wcnic_bar_read64(&ad->bar, WCNIC_REG_ERROR_INFO));
	} else {
		fprintf(f, "  device error: none\n");
	}
}

static void
dump_queues(FILE *f, struct rte_eth_dev *dev)
{
	const struct wcnic_adapter *ad = wcnic_adapter(dev);
	uint16_t q;

	for (q = 0; q < RTE_MAX(dev->data->nb_rx_queues, dev->data->nb_tx_queues); q++) {
		uint32_t blk = WCNIC_QUEUE_CFG_OFF(q);
		uint32_t qsts = wcnic_bar_read32(&ad->bar, blk + WCNIC_QREG_STATUS);
		const struct wcnic_txq *txq = q < dev->data->nb_tx_queues ? ad->txqs[q] : NULL;
		const struct wcnic_rxq *rxq = q < dev->data->nb_rx_queues ? ad->rxqs[q] : NULL;
		char text[96];

		fprintf(f, "  queue %u: device STATUS ", q);
		dump_bits(f, qsts, qstatus_names, RTE_DIM(qstatus_names));
		if (qsts & (WCNIC_QSTS_TX_STOPPED_ERR | WCNIC_QSTS_RX_STOPPED_ERR))
			fprintf(f, "    stopped by: %s\n",
				wcnic_dev_error_text(wcnic_bar_read32(&ad->bar, blk + WCNIC_QREG_ERROR),
						     text, sizeof(text)));
		if (txq != NULL)
			fprintf(f, "    TX: %u %s, tail %u, head %u, %u mbuf(s) held, "
				"doorbell sequence %u, fast free %s\n", txq->nb_slots,
				txq->desc_ring == NULL ? "push entries" : "descriptors",
				txq->tail, txq->head, txq->held_mbufs, txq->db_seq,
				txq->fast_free ? "on" : "off");
		else if (q < dev->data->nb_tx_queues)
			fprintf(f, "    TX: not set up\n");
		if (rxq != NULL)
			fprintf(f, "    RX: %u descriptors, %u B buffers%s, posted %u, next %u, "
				"refill at %u empty\n", rxq->nb_desc, rxq->buf_size,
				wcnic_rxq_scatters(dev, rxq) ? " (scattered)" : "",
				rxq->posted, rxq->next, rxq->refill_threshold);
		else if (q < dev->data->nb_rx_queues)
			fprintf(f, "    RX: not set up\n");
	}
}

/* The device counters as the port's xstats report them (dev_*), and with
 * wc_sim= what the simulated BAR saw (wc_sim_*). */
static void
dump_device_counters(FILE *f, struct rte_eth_dev *dev)
{
	int n = wcnic_xstats_get_names(dev, NULL, 0);
	struct rte_eth_xstat_name *names = calloc(n, sizeof(*names));
	struct rte_eth_xstat *values = calloc(n, sizeof(*values));
	int i;

	if (names == NULL || values == NULL ||
	    wcnic_xstats_get_names(dev, names, n) != n || wcnic_xstats_get(dev, values, n) != n) {
		fprintf(f, "  device counters: out of memory\n");
	} else {
		fprintf(f, "  device counters (as xstats):\n");
		for (i = 0; i < n; i++)
			if (strncmp(names[i].name, "dev_", 4) == 0 ||
			    strncmp(names[i].name, "wc_sim_", 7) == 0)
				fprintf(f, "    %s %" PRIu64 "\n", names[i].name, values[i].value);
	}
	free(names);
	free(values);
}

int
wcnic_priv_dump(struct rte_eth_dev *dev, FILE *f)
{
	dump_identity(f, dev);
	dump_state(f, dev);
	dump_queues(f, dev);
	dump_device_counters(f, dev);
	return 0;
}
