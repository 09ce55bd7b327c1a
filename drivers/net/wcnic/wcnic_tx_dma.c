/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TX DMA mode, the fallback for an uncached BAR: descriptors live in host
 * memory and the only store into the BAR is one doorbell per burst (plus
 * one whenever the device's per-doorbell budget runs out). Pushing entries
 * through an uncached mapping would cost one slow transaction per store.
 *
 * The common case, a one-segment packet of a length the device accepts,
 * runs in a loop that calls nothing, so its state stays in registers;
 * every other packet is posted out of line (dma_post_any()).
 *
 * With TX checksum offloads (interface 1.1) the port runs
 * wcnic_xmit_dma_csum(): the same loop, each packet's checksum request
 * (wcnic_tx_csum_req()) in its first descriptor; a request the device
 * would refuse leaves the loop for the out-of-line poster, which drops and
 * counts it. Without the offloads the request is the constant 0 and the
 * loop compiles as if it did not exist.
 */
#include "wcnic_tx_common.h"

/* A descriptor; req: the packet's checksum request in its first one, else 0. */
static __rte_always_inline void
dma_desc_write(struct wcnic_tx_desc *desc, uint64_t iova, uint16_t len, uint16_t flags,
	       uint32_t req)
{
	uint64_t *words = (uint64_t *)desc;

	words[0] = rte_cpu_to_le_64(iova);
	words[1] = rte_cpu_to_le_64((uint64_t)len | (uint64_t)(flags | (req & 0xffu)) << 16 |
				    (uint64_t)(req >> 8) << 32);
}

/* What dma_post_any() did with a packet. */
struct dma_posted {
	int descs;                   /* descriptors written; 0: dropped; -1: no room */
	unsigned int since_doorbell; /* descriptors not yet announced */
	uint32_t frame_len;
};

/*
 * Post any packet at txq->tail, ringing the doorbell first when the
 * packet would overrun the device's per-doorbell budget, or within it
 * when the packet alone is longer than the budget. Drops (counted, freed)
 * a packet the device would refuse.
 */
static __rte_always_inline struct dma_posted
dma_post(struct wcnic_txq *txq, struct rte_mbuf *m, unsigned int free_slots,
	 unsigned int since_doorbell, const bool csum)
{
	struct dma_posted r = { .since_doorbell = since_doorbell };
	/* Zero-length segments get no descriptor: the device rejects them. */
	unsigned int needed = wcnic_tx_segs(m, &r.frame_len);
	struct rte_mbuf *seg;
	uint32_t req = 0;

	if (unlikely(!wcnic_tx_len_ok(txq, r.frame_len))) {
		rte_pktmbuf_free(m);
		return r;
	}
	if (csum) {
		req = wcnic_tx_csum_req(m, r.frame_len);
		if (wcnic_tx_csum_refused(txq, req)) {
			rte_pktmbuf_free(m);
			return r;
		}
	}
	if (unlikely(needed > txq->max_segs)) {
		txq->stats.seg_drops++;
		rte_pktmbuf_free(m);
		return r;
	}
	if (needed > free_slots) {
		r.descs = -1;
		return r;
	}
	/* Keep a packet within one doorbell when the budget allows it. */
	if (r.since_doorbell + needed > txq->burst_max) {
		wcnic_tx_doorbell(txq);
		r.since_doorbell = 0;
	}
	r.descs = (int)needed;
	for (seg = m; seg != NULL; seg = seg->next) {
		if (unlikely(seg->data_len == 0))
			continue;
		/* A packet longer than the budget spans doorbells: the
		 * device waits for its EOP descriptor (spec: TX DMA mode). */
		if (unlikely(r.since_doorbell == txq->burst_max)) {
			wcnic_tx_doorbell(txq);
			r.since_doorbell = 0;
		}
		needed--;
		dma_desc_write(&txq->desc_ring[txq->tail & txq->mask], wcnic_seg_dma_addr(txq, seg),
			       seg->data_len, needed == 0 ? WCNIC_TXD_EOP : 0, req);
		req = 0; /* the request is the first descriptor's */
		txq->tail++;
		r.since_doorbell++;
	}
	/* The mbuf belongs to the packet's last descriptor. */
	wcnic_tx_hold(txq, (uint16_t)(txq->tail - 1), m);
	return r;
}

static __rte_noinline struct dma_posted
dma_post_any(struct wcnic_txq *txq, struct rte_mbuf *m, unsigned int free_slots,
	     unsigned int since_doorbell)
{
	return dma_post(txq, m, free_slots, since_doorbell, false);
}

static __rte_noinline struct dma_posted
dma_post_any_csum(struct wcnic_txq *txq, struct rte_mbuf *m, unsigned int free_slots,
		  unsigned int since_doorbell)
{
	return dma_post(txq, m, free_slots, since_doorbell, true);
}

/* The burst, with or without checksum requests (csum is a constant). */
static __rte_always_inline uint16_t
dma_burst(struct wcnic_txq *txq, struct rte_mbuf **pkts, uint16_t nb_pkts, const bool csum)
{
	/* One unsigned compare for WCNIC_MIN_FRAME_LEN <= len <= max_frame_len. */
	const uint32_t len_span = txq->max_frame_len - WCNIC_MIN_FRAME_LEN;
	struct wcnic_tx_desc *const ring = txq->desc_ring;
	struct rte_mbuf **const sw_ring = txq->sw_ring;
	const uint16_t mask = txq->mask;
	unsigned int free_slots, since_doorbell = 0, sent = 0;
	uint16_t start, tail, i = 0;
	uint64_t bytes = 0;

	wcnic_tx_reclaim(txq);
	free_slots = txq->nb_slots - (uint16_t)(txq->tail - txq->head);
	start = tail = txq->tail;

	while (i < nb_pkts) {
		/* One descriptor per packet here: stop at the budget or a full ring. */
		const unsigned int room = RTE_MIN(free_slots, txq->burst_max - since_doorbell);
		const uint16_t fast_end = i + RTE_MIN((unsigned int)(nb_pkts - i), room);
		const uint16_t fast_start = i;
		struct dma_posted r;

		for (; i < fast_end; i++) {
			struct rte_mbuf *m = pkts[i];
			uint16_t len = m->data_len;
			uint32_t req = csum ? wcnic_tx_csum_req(m, len) : 0;

			if (unlikely(m->nb_segs != 1 || (uint32_t)len - WCNIC_MIN_FRAME_LEN > len_span ||
				     req == WCNIC_TX_CSUM_REFUSED))
				break;
			dma_desc_write(&ring[tail & mask], wcnic_seg_dma_addr(txq, m), len,
				       WCNIC_TXD_EOP, req);
			sw_ring[tail & mask] = m;
			bytes += len;
			tail++;
		}
		since_doorbell += i - fast_start;
		free_slots -= i - fast_start;
		sent += i - fast_start;
		if (i == nb_pkts)
			break;
		txq->tail = tail;
		if (i == fast_end && since_doorbell == txq->burst_max) {
			/* The budget ran out before the burst did. */
			wcnic_tx_doorbell(txq);
			since_doorbell = 0;
			continue;
		}
		if (free_slots == 0)
			break;

		r = csum ? dma_post_any_csum(txq, pkts[i], free_slots, since_doorbell) :
			   dma_post_any(txq, pkts[i], free_slots, since_doorbell);
		if (r.descs < 0)
			break; /* no room for all its descriptors */
		i++;
		since_doorbell = r.since_doorbell;
		free_slots -= r.descs;
		sent += r.descs != 0;
		bytes += r.descs != 0 ? r.frame_len : 0;
		tail = txq->tail;
	}
	txq->tail = tail;
	if (likely(since_doorbell != 0))
		wcnic_tx_doorbell(txq);

	txq->held_mbufs += sent;
	txq->stats.packets += sent;
	txq->stats.dma_descs += (uint16_t)(tail - start);
	txq->stats.bytes += bytes;
	return i;
}

uint16_t
wcnic_xmit_dma(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return dma_burst(queue, pkts, nb_pkts, false);
}

/* wcnic_xmit_dma() with checksum requests. */
uint16_t
wcnic_xmit_dma_csum(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return dma_burst(queue, pkts, nb_pkts, true);
}
