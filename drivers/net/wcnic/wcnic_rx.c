/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RX: buffers are posted in a host-memory ring; the device writes each
 * frame into the next buffer and then a completion (length + phase bit)
 * into the completion ring. The driver polls completions in host memory
 * and refills in bulk, with one doorbell per refill. With RX scatter a
 * frame spans consecutive buffers, the last completion flagged LAST.
 */
#include <rte_mbuf.h>

#include "wcnic_ethdev.h"
#include "wcnic_rx_csum.h"

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
 * as soon as it sees the doorbell. The mbufs go straight into the software
 * ring, in at most two runs (it wraps), so a burst of scattered frames
 * that took many buffers gets them all back at once. When the pool cannot
 * give a run, a few buffers are tried, so a nearly empty pool slows RX
 * down rather than stopping it.
 */
static uint16_t
rx_refill(struct wcnic_rxq *rxq, uint16_t n)
{
	uint16_t done = 0;

	while (done < n) {
		uint16_t slot = rxq->posted & rxq->mask;
		uint16_t run = RTE_MIN((uint16_t)(n - done), (uint16_t)(rxq->nb_desc - slot));
		bool short_of_mbufs = false;
		uint16_t i;

		if (unlikely(rte_pktmbuf_alloc_bulk(rxq->mp, &rxq->sw_ring[slot], run) != 0)) {
			rxq->stats.alloc_failures++;
			short_of_mbufs = true;
			run = RTE_MIN(run, (uint16_t)4);
			if (rte_pktmbuf_alloc_bulk(rxq->mp, &rxq->sw_ring[slot], run) != 0)
				break;
		}
		for (i = 0; i < run; i++)
			rx_desc_write(&rxq->desc_ring[slot + i],
				      rx_buf_dma_addr(rxq, rxq->sw_ring[slot + i]));
		rxq->posted += run;
		done += run;
		if (short_of_mbufs)
			break;
	}
	/* Descriptors in host memory, plain stores, before the doorbell. */
	if (done != 0)
		wcnic_doorbell(rxq->doorbell, &rxq->db_seq, rxq->posted, rxq->bar_is_wc,
			       rxq->bar_is_wc, rxq->bar_simulated);
	return done;
}

void
wcnic_rx_queue_post_initial(struct wcnic_rxq *rxq)
{
	while ((uint16_t)(rxq->posted - rxq->next) < rxq->nb_desc)
		if (rx_refill(rxq, rxq->nb_desc - (uint16_t)(rxq->posted - rxq->next)) == 0)
			break;
}

/* Completion of index i, if the device has written it in this lap: its flags. */
static __rte_always_inline bool
rx_cmpl_ready(const struct wcnic_rxq *rxq, uint16_t i, uint16_t *flags)
{
	const struct wcnic_rx_cmpl *cmpl = &rxq->cmpl_ring[i & rxq->mask];

	*flags = __atomic_load_n(&cmpl->flags, __ATOMIC_RELAXED);
	/* WCNIC_RX_PHASE_OF(i, nb_desc) for a power-of-two ring, without a division. */
	return (*flags & WCNIC_RXC_PHASE) == ((i & rxq->nb_desc) ? 0 : WCNIC_RXC_PHASE);
}

/* The mbuf of buffer i, holding the completion's length of frame bytes. */
static __rte_always_inline struct rte_mbuf *
rx_buffer_take(const struct wcnic_rxq *rxq, uint16_t i)
{
	struct rte_mbuf *m = rxq->sw_ring[i & rxq->mask];

	/* Posted mbufs come from rte_pktmbuf_alloc_bulk(): already reset. */
	m->data_len = rte_le_to_cpu_16(rxq->cmpl_ring[i & rxq->mask].len);
	return m;
}

/*
 * The head of a frame, from its first completion (index i, these flags):
 * its port, its length so far, its packet type and checksum status
 * (wcnic_rx_csum_ptype()), and the RSS hash when the device gave one (only
 * with RSS accepted, so a port without RSS pays one test).
 */
static __rte_always_inline void
rx_frame_head(const struct wcnic_rxq *rxq, struct rte_mbuf *m, uint16_t i, uint16_t flags)
{
	m->port = rxq->port_id;
	m->pkt_len = m->data_len;
	wcnic_rx_csum_ptype(m, flags);
	if (flags & WCNIC_RXC_HASH_MASK) {
		m->hash.rss = rte_le_to_cpu_32(rxq->cmpl_ring[i & rxq->mask].hash);
		m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
	}
}

/* Refill in batches (one allocation and one doorbell each), count. */
static __rte_always_inline uint16_t
rx_burst_end(struct wcnic_rxq *rxq, uint16_t nb_rx, uint64_t bytes)
{
	uint16_t empty = rxq->nb_desc - (uint16_t)(rxq->posted - rxq->next);

	if (empty >= rxq->refill_threshold)
		rx_refill(rxq, empty);
	rxq->stats.packets += nb_rx;
	rxq->stats.bytes += bytes;
	return nb_rx;
}

uint16_t
wcnic_recv(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct wcnic_rxq *rxq = queue;
	uint16_t nb_rx = 0, flags;
	uint64_t bytes = 0;

	/* The device writes the frame, then the completion with this lap's
	 * phase: len and the frame only after seeing the phase. */
	while (nb_rx < nb_pkts && rx_cmpl_ready(rxq, rxq->next, &flags)) {
		struct rte_mbuf *m;

		wc_barrier_device_read();
		m = rx_buffer_take(rxq, rxq->next);
		rx_frame_head(rxq, m, rxq->next, flags);
		pkts[nb_rx++] = m;
		bytes += m->pkt_len;
		rxq->next++;
	}
	return rx_burst_end(rxq, nb_rx, bytes);
}

uint16_t
wcnic_recv_scattered(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct wcnic_rxq *rxq = queue;
	uint16_t nb_rx = 0, flags;
	uint64_t bytes = 0;

	while (nb_rx < nb_pkts && rx_cmpl_ready(rxq, rxq->next, &flags)) {
		struct rte_mbuf *head, *tail;
		uint16_t i = rxq->next;

		/* The device writes a frame's later completions before its
		 * first (spec 11.4): after this barrier they are all visible. */
		wc_barrier_device_read();
		head = rx_buffer_take(rxq, i);
		rx_frame_head(rxq, head, i, flags);
		/* A frame left for a later call (below) was counted that far. */
		head->nb_segs = 1;
		tail = head;
		while (!(flags & WCNIC_RXC_LAST)) {
			/* A device that completed the first buffer before the
			 * others: take the frame at a later call, whole. */
			if (!rx_cmpl_ready(rxq, ++i, &flags))
				return rx_burst_end(rxq, nb_rx, bytes);
			tail->next = rx_buffer_take(rxq, i);
			tail = tail->next;
			head->pkt_len += tail->data_len;
			head->nb_segs++;
		}
		pkts[nb_rx++] = head;
		bytes += head->pkt_len;
		rxq->next = i + 1;
	}
	return rx_burst_end(rxq, nb_rx, bytes);
}
