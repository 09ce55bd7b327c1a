/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device control path, following doc/device-spec.md section 6: reset,
 * the enable and disable handshakes, the CONTROL register, error reports,
 * and the choice of TX mode from what the device offers and what the BAR
 * mapping got. No hot path goes through here.
 */
#include <rte_cycles.h>
#include <rte_pause.h>

#include "wcnic_dev.h"
#include "wcnic_log.h"

#define WCNIC_HANDSHAKE_TIMEOUT_MS 1000

const char *
wcnic_dev_error_text(uint32_t code, char *buf, size_t size)
{
	snprintf(buf, size, "%s (%s)", wcnic_error_name(code), wcnic_error_meaning(code));
	return buf;
}

/*
 * Poll a device-written register until its masked value equals want (or,
 * with any, is non-zero), or time out.
 */
static int
wait_reg(const struct wcnic_adapter *ad, uint32_t off, uint32_t mask, uint32_t want, bool any)
{
	uint64_t deadline = rte_get_timer_cycles() +
			    rte_get_timer_hz() * WCNIC_HANDSHAKE_TIMEOUT_MS / 1000;

	for (;;) {
		uint32_t v = wcnic_bar_read32(&ad->bar, off) & mask;

		if (any ? v != 0 : v == want)
			return 0;
		if (rte_get_timer_cycles() > deadline)
			return -ETIMEDOUT;
		rte_pause();
	}
}

/* STATUS.ERROR is read before ERROR_* (spec: ordering, device writes). */
void
wcnic_dev_log_error(const struct wcnic_adapter *ad, uint16_t port_id)
{
	uint32_t code = wcnic_bar_read32(&ad->bar, WCNIC_REG_ERROR_CODE);
	char text[96];
	uint32_t q;

	WCNIC_LOG(ERR, "port %u: device error %u, %s, on queue %d, info 0x%" PRIx64,
		  port_id, code, wcnic_dev_error_text(code, text, sizeof(text)),
		  (int)wcnic_bar_read32(&ad->bar, WCNIC_REG_ERROR_QUEUE),
		  wcnic_bar_read64(&ad->bar, WCNIC_REG_ERROR_INFO));
	for (q = 0; q < ad->max_queues; q++) {
		uint32_t sts = wcnic_bar_read32(&ad->bar, WCNIC_QUEUE_CFG_OFF(q) + WCNIC_QREG_STATUS);

		if (sts & (WCNIC_QSTS_TX_STOPPED_ERR | WCNIC_QSTS_RX_STOPPED_ERR))
			WCNIC_LOG(ERR, "port %u: queue %u stopped%s%s: %s", port_id, q,
				  (sts & WCNIC_QSTS_TX_STOPPED_ERR) ? " TX" : "",
				  (sts & WCNIC_QSTS_RX_STOPPED_ERR) ? " RX" : "",
				  wcnic_dev_error_text(wcnic_bar_read32(&ad->bar, WCNIC_QUEUE_CFG_OFF(q) +
							      WCNIC_QREG_ERROR), text, sizeof(text)));
	}
}

void
wcnic_dev_check_error(struct wcnic_adapter *ad, uint16_t port_id)
{
	if (ad->error_logged || !(wcnic_bar_read32(&ad->bar, WCNIC_REG_STATUS) & WCNIC_STS_ERROR))
		return;
	wcnic_dev_log_error(ad, port_id);
	ad->error_logged = true;
}

static void
control_write(struct wcnic_adapter *ad, uint32_t control)
{
	ad->control = control;
	wcnic_bar_write32(&ad->bar, WCNIC_REG_CONTROL, control);
}

int
wcnic_dev_reset(struct wcnic_adapter *ad)
{
	const char *why;

	wcnic_xstats_before_device_reset(ad);
	control_write(ad, WCNIC_CTRL_RESET);
	ad->control = 0; /* the device clears RESET and every other bit */
	ad->error_logged = false;
	if (wait_reg(ad, WCNIC_REG_CONTROL, WCNIC_CTRL_RESET, 0, false) != 0 ||
	    wait_reg(ad, WCNIC_REG_STATUS, WCNIC_STS_READY, WCNIC_STS_READY, false) != 0) {
		WCNIC_LOG(ERR, "device did not complete reset within %d ms",
			  WCNIC_HANDSHAKE_TIMEOUT_MS);
		ad->wedged = true;
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
	ad->wedged = false;
	why = wcnic_dev_limits_problem(ad);
	if (why != NULL) {
		WCNIC_LOG(ERR, "device limits this driver cannot work with: %s (MAX_QUEUES %u, "
			  "MAX_RING_SIZE %u, MAX_MTU %u, TX_BURST_MAX %u)", why, ad->max_queues,
			  ad->max_ring_size, ad->max_mtu, ad->tx_burst_max);
		return -EIO;
	}
	return 0;
}

const char *
wcnic_dev_limits_problem(const struct wcnic_adapter *ad)
{
	if (ad->max_queues == 0)
		return "no queue (MAX_QUEUES 0)";
	if (ad->max_ring_size < WCNIC_MIN_RING_SIZE || !rte_is_power_of_2(ad->max_ring_size))
		return "MAX_RING_SIZE is not a power of two of at least WCNIC_MIN_RING_SIZE (64)";
	if (ad->max_mtu < WCNIC_MIN_MTU)
		return "MAX_MTU below the Ethernet minimum (68)";
	if (ad->tx_burst_max == 0)
		return "no entry allowed per doorbell (TX_BURST_MAX 0)";
	return NULL;
}

int
wcnic_dev_enable(struct wcnic_adapter *ad, uint16_t port_id, uint32_t flags)
{
	control_write(ad, WCNIC_CTRL_ENABLE | flags);
	/* A refused enable or a rejected ring sets ERROR; ENABLED may follow. */
	if (wait_reg(ad, WCNIC_REG_STATUS, WCNIC_STS_ENABLED | WCNIC_STS_ERROR, 0, true) != 0) {
		WCNIC_LOG(ERR, "port %u: device did not enable within %d ms", port_id,
			  WCNIC_HANDSHAKE_TIMEOUT_MS);
	} else if (!(wcnic_bar_read32(&ad->bar, WCNIC_REG_STATUS) & WCNIC_STS_ERROR)) {
		return 0;
	} else {
		wcnic_dev_log_error(ad, port_id);
		ad->error_logged = true;
	}
	wcnic_dev_disable(ad, port_id);
	return -EIO;
}

int
wcnic_dev_disable(struct wcnic_adapter *ad, uint16_t port_id)
{
	control_write(ad, ad->control & ~WCNIC_CTRL_ENABLE);
	/* After ENABLED clears the device no longer touches host memory. */
	if (wait_reg(ad, WCNIC_REG_STATUS, WCNIC_STS_ENABLED, 0, false) == 0)
		return 0;
	WCNIC_LOG(ERR, "port %u: device did not stop within %d ms; resetting it", port_id,
		  WCNIC_HANDSHAKE_TIMEOUT_MS);
	return wcnic_dev_reset(ad);
}

void
wcnic_dev_control_bit(struct wcnic_adapter *ad, uint32_t bit, bool on)
{
	control_write(ad, on ? ad->control | bit : ad->control & ~bit);
}

static uint64_t
entry_feature(uint16_t entry_size)
{
	return entry_size == WCNIC_PUSH_ENTRY_256 ? WCNIC_F_PUSH_ENTRY_256 : WCNIC_F_PUSH_ENTRY_128;
}

int
wcnic_dev_choose_tx_mode(struct wcnic_adapter *ad, const char *name)
{
	uint64_t push_needs = WCNIC_F_TX_PUSH | entry_feature(ad->args.entry_size);
	bool can_push = (ad->dev_features & push_needs) == push_needs;
	bool can_dma = (ad->dev_features & WCNIC_F_TX_DMA) != 0;
	bool wc = ad->info.mem_type == RTE_PMD_WCNIC_MEM_WC;

	switch (ad->args.tx_mode) {
	case WCNIC_TX_REQ_PUSH:
		if (!can_push) {
			WCNIC_LOG(ERR, "%s: tx_mode=push with entry_size=%u: the device does not offer it",
				  name, ad->args.entry_size);
			return -ENOTSUP;
		}
		if (!wc)
			WCNIC_LOG(WARNING, "%s: tx_mode=push on an uncached BAR: every store of every "
				  "entry becomes its own uncached transaction (slow)", name);
		ad->info.tx_mode = RTE_PMD_WCNIC_TX_PUSH;
		return 0;
	case WCNIC_TX_REQ_DMA:
		if (!can_dma) {
			WCNIC_LOG(ERR, "%s: tx_mode=dma: the device does not offer it", name);
			return -ENOTSUP;
		}
		ad->info.tx_mode = RTE_PMD_WCNIC_TX_DMA;
		return 0;
	case WCNIC_TX_REQ_AUTO:
		break;
	}
	if (can_push && (wc || !can_dma)) {
		ad->info.tx_mode = RTE_PMD_WCNIC_TX_PUSH;
	} else if (can_dma) {
		if (!wc)
			WCNIC_LOG(NOTICE, "%s: BAR is uncached: TX uses host-memory descriptors (dma mode)",
				  name);
		ad->info.tx_mode = RTE_PMD_WCNIC_TX_DMA;
	} else {
		WCNIC_LOG(ERR, "%s: the device offers no TX mode this driver can use", name);
		return -ENOTSUP;
	}
	return 0;
}

uint64_t
wcnic_dev_features_for_mode(const struct wcnic_adapter *ad, uint64_t rx_features)
{
	uint64_t want = WCNIC_F_MULTI_SEG | WCNIC_F_PROMISC | rx_features |
		(ad->info.tx_mode == RTE_PMD_WCNIC_TX_PUSH ?
		 WCNIC_F_TX_PUSH | entry_feature(ad->args.entry_size) : WCNIC_F_TX_DMA);

	return ad->dev_features & want;
}
