/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The watchdog. A device that fails stops its rings and raises
 * STATUS.ERROR, or stops answering altogether; either way TX bursts return
 * 0 from then on. Without a look at the device nothing would tell the
 * application. So while a port is started, an EAL alarm looks at the device
 * every WCNIC_WD_PERIOD_US: STATUS.ERROR set, HEARTBEAT (which advances
 * while the device operates) unchanged for WCNIC_WD_STILL_LOOKS looks, or a
 * TX queue with work posted whose head has not moved for as long, fails the
 * port: the error is logged, the link goes down and RTE_ETH_EVENT_INTR_RESET
 * asks the application to reset the port (rte_eth_dev_reset(), then
 * configure and start: wcnic_dev_start() resets the device).
 */
#include <string.h>

#include <rte_alarm.h>

#include "wcnic_dev.h"
#include "wcnic_log.h"

#define WCNIC_WD_PERIOD_US  100000u
/* A second: far longer than any pause of a working device's thread. */
#define WCNIC_WD_STILL_LOOKS 10u

static void
watchdog_fail(struct rte_eth_dev *dev, const char *why)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	struct rte_eth_link link = dev->data->dev_link;

	ad->wd.failed = true;
	WCNIC_LOG(ERR, "port %u: %s: link down, the port needs a reset (rte_eth_dev_reset)",
		  dev->data->port_id, why);
	wcnic_dev_check_error(ad, dev->data->port_id);
	link.link_status = RTE_ETH_LINK_DOWN;
	rte_eth_linkstatus_set(dev, &link);
	rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_RESET, NULL);
}

/* Counts looks at which *value stayed what it was; returns that count. */
static unsigned int
still(uint64_t now, uint64_t *value, unsigned int *looks)
{
	if (now != *value) {
		*value = now;
		*looks = 0;
	} else {
		(*looks)++;
	}
	return *looks;
}

static void
watchdog_look(void *arg)
{
	struct rte_eth_dev *dev = arg;
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	uint16_t q;

	if (!ad->started || ad->wd.failed)
		return;
	if (wcnic_bar_read32(&ad->bar, WCNIC_REG_STATUS) & WCNIC_STS_ERROR) {
		watchdog_fail(dev, "device error");
		return;
	}
	if (still(wcnic_bar_read64(&ad->bar, WCNIC_REG_HEARTBEAT), &ad->wd.heartbeat,
		  &ad->wd.heartbeat_still) >= WCNIC_WD_STILL_LOOKS) {
		watchdog_fail(dev, "device stopped (HEARTBEAT does not advance)");
		return;
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		const struct wcnic_txq *txq = ad->txqs[q];
		uint16_t head = (uint16_t)__atomic_load_n(txq->head_wb, __ATOMIC_RELAXED);
		uint16_t tail = __atomic_load_n(&txq->tail, __ATOMIC_RELAXED);

		if (head == tail) {
			/* Nothing posted, nothing to wait for. */
			ad->wd.tx_head[q] = head;
			ad->wd.tx_still[q] = 0;
		} else if (still(head, &ad->wd.tx_head[q], &ad->wd.tx_still[q]) >=
			   WCNIC_WD_STILL_LOOKS) {
			watchdog_fail(dev, "TX queue stalled (the device takes no posted work)");
			return;
		}
	}
	rte_eal_alarm_set(WCNIC_WD_PERIOD_US, watchdog_look, dev);
}

void
wcnic_watchdog_start(struct rte_eth_dev *dev)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);

	memset(&ad->wd, 0, sizeof(ad->wd));
	ad->wd.heartbeat = wcnic_bar_read64(&ad->bar, WCNIC_REG_HEARTBEAT);
	if (rte_eal_alarm_set(WCNIC_WD_PERIOD_US, watchdog_look, dev) != 0)
		WCNIC_LOG(WARNING, "port %u: no watchdog (EAL alarm refused): a device failure "
			  "shows only in the statistics", dev->data->port_id);
}

void
wcnic_watchdog_stop(struct rte_eth_dev *dev)
{
	/* Waits for a look in progress; with the port stopped it does not re-arm. */
	rte_eal_alarm_cancel(watchdog_look, dev);
}
