/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RX: buffers are posted in a host-memory ring; the device writes each
 * frame into the next buffer and then a completion (length + phase bit)
 * into the completion ring. The driver polls completions in host memory
 * and refills in bulk, with one doorbell per refill.
 */
#include <rte_mbuf.h>

#include "wcnic_ethdev.h"

static __rte_always_inline uint64_t
rx_buf_dma_addr(const struct wcnic_rxq *rxq, struct rte_mbuf *m)
{
	return rxq->dma_addr_is_va ? (uint64_t)(uintptr_t)rte_pktmbuf_mtod(m, void *)
				   : rte_mbuf_data_iova_default(m);
}

static __rte_always_inline void
rx_desc_write(struct wcnic_rx_desc *desc, uint64_t iova)
{
	desc->iova = rte_cpu_to_le_64(iova);
	desc->rsvd = 0;
}

/*
 * Post up to n fresh buffers with one doorbell; wcnic_doorbell() orders the
 * descriptor stores before it, since the device may read the descriptors
 * as soon as it sees the doorbell. When the pool cannot give n at once,
 * a smaller batch is tried, so a nearly empty pool slows RX down rather
 * than stopping it.
 */
static uint16_t
rx_refill(struct wcnic_rxq *rxq, uint16_t n)
{
	struct rte_mbuf *bufs[64];
	uint16_t i;

	n = RTE_MIN(n, (uint16_t)RTE_DIM(bufs));
	if (unlikely(rte_pktmbuf_alloc_bulk(rxq->mp, bufs, n) != 0)) {
		rxq->stats.alloc_failures++;
		n = RTE_MIN(n, (uint16_t)4);
		if (rte_pktmbuf_alloc_bulk(rxq->mp, bufs, n) != 0)
			return 0;
	}
	for (i = 0; i < n; i++) {
		uint16_t slot = rxq->posted & rxq->mask;

		rxq->sw_ring[slot] = bufs[i];
		rx_desc_write(&rxq->desc_ring[slot], rx_buf_dma_addr(rxq, bufs[i]));
		rxq->posted++;
	}
	/* Descriptors in host memory, plain stores, before the doorbell. */
	wcnic_doorbell(rxq->doorbell, &rxq->db_seq, rxq->posted, rxq->bar_is_wc, rxq->bar_is_wc);
	return n;
}

/* WCNIC_RX_PHASE_OF(next, nb_desc) for a power-of-two ring, without a division. */
static __rte_always_inline uint16_t
rx_expected_phase(const struct wcnic_rxq *rxq)
{
	return (rxq->next & rxq->nb_desc) ? 0 : WCNIC_RXC_PHASE;
}

void
wcnic_rx_queue_post_initial(struct wcnic_rxq *rxq)
{
	while ((uint16_t)(rxq->posted - rxq->next) < rxq->nb_desc)
		if (rx_refill(rxq, rxq->nb_desc - (uint16_t)(rxq->posted - rxq->next)) == 0)
			break;
}

uint16_t
wcnic_recv(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct wcnic_rxq *rxq = queue;
	uint16_t nb_rx = 0, empty;
	uint64_t bytes = 0;

	while (nb_rx < nb_pkts) {
		const struct wcnic_rx_cmpl *cmpl = &rxq->cmpl_ring[rxq->next & rxq->mask];
		uint16_t flags = __atomic_load_n(&cmpl->flags, __ATOMIC_RELAXED);
		struct rte_mbuf *m;
		uint16_t len;

		/* The device writes the frame, then the completion with this
		 * lap's phase: len and the frame only after seeing the phase. */
		if ((flags & WCNIC_RXC_PHASE) != rx_expected_phase(rxq))
			break;
		wc_barrier_device_read();
		len = rte_le_to_cpu_16(cmpl->len);
		/* Posted mbufs come from rte_pktmbuf_alloc_bulk(): already reset. */
		m = rxq->sw_ring[rxq->next & rxq->mask];
		m->data_len = len;
		m->pkt_len = len;
		m->port = rxq->port_id;
		pkts[nb_rx++] = m;
		bytes += len;
		rxq->next++;
	}

	/* Refill in batches: one allocation and one doorbell per batch. */
	empty = rxq->nb_desc - (uint16_t)(rxq->posted - rxq->next);
	if (empty >= rxq->refill_threshold)
		rx_refill(rxq, empty);

	rxq->stats.packets += nb_rx;
	rxq->stats.bytes += bytes;
	return nb_rx;
}
