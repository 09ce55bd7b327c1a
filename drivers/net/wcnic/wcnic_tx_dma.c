/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TX DMA mode, the fallback for an uncached BAR: descriptors live in host
 * memory and the only store into the BAR is one doorbell per burst (plus
 * one whenever the device's per-doorbell budget runs out). Pushing entries
 * through an uncached mapping would cost one slow transaction per store.
 */
#include "wcnic_tx_common.h"

static __rte_always_inline void
dma_desc_write(struct wcnic_tx_desc *desc, uint64_t iova, uint16_t len, uint16_t flags)
{
	uint64_t *words = (uint64_t *)desc;

	words[0] = rte_cpu_to_le_64(iova);
	words[1] = rte_cpu_to_le_64((uint64_t)len | (uint64_t)flags << 16); /* rsvd 0 */
}

/*
 * Descriptors a packet needs (its non-empty segments: the device rejects
 * zero-length descriptors) and the frame length the device will see (the
 * sum of the segments, not pkt_len, which a malformed mbuf may get wrong).
 */
static __rte_always_inline unsigned int
dma_descs_needed(const struct rte_mbuf *m, uint32_t *frame_len)
{
	unsigned int n = 0;
	uint32_t len = 0;

	for (; m != NULL; m = m->next) {
		n += m->data_len != 0;
		len += m->data_len;
	}
	*frame_len = len;
	return n;
}

uint16_t
wcnic_xmit_dma(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct wcnic_txq *txq = queue;
	unsigned int since_doorbell = 0;
	uint16_t free_slots, i;
	uint64_t bytes = 0;
	uint16_t sent = 0;

	wcnic_tx_reclaim(txq);
	free_slots = txq->nb_slots - (uint16_t)(txq->tail - txq->head);

	for (i = 0; i < nb_pkts; i++) {
		struct rte_mbuf *m = pkts[i], *seg;
		uint32_t frame_len;
		unsigned int needed = dma_descs_needed(m, &frame_len);

		if (unlikely(!wcnic_tx_len_ok(txq, frame_len))) {
			rte_pktmbuf_free(m);
			continue;
		}
		if (unlikely(needed > txq->max_segs)) {
			txq->stats.seg_drops++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (needed > free_slots)
			break;
		/* Keep a packet within one doorbell when the budget allows it. */
		if (unlikely(since_doorbell + needed > txq->burst_max)) {
			wcnic_tx_doorbell(txq);
			since_doorbell = 0;
		}
		for (seg = m; seg != NULL; seg = seg->next) {
			if (unlikely(seg->data_len == 0))
				continue;
			/* A packet longer than the budget spans doorbells: the
			 * device waits for its EOP descriptor (spec: TX DMA mode). */
			if (unlikely(since_doorbell == txq->burst_max)) {
				wcnic_tx_doorbell(txq);
				since_doorbell = 0;
			}
			needed--;
			dma_desc_write(&txq->desc_ring[txq->tail & txq->mask],
				       wcnic_seg_dma_addr(txq, seg), seg->data_len,
				       needed == 0 ? WCNIC_TXD_EOP : 0);
			txq->tail++;
			free_slots--;
			since_doorbell++;
			txq->stats.dma_descs++;
		}
		/* The mbuf belongs to the packet's last descriptor. */
		txq->sw_ring[(uint16_t)(txq->tail - 1) & txq->mask] = m;
		txq->held_mbufs++;
		bytes += frame_len;
		sent++;
	}
	if (likely(since_doorbell != 0))
		wcnic_tx_doorbell(txq);

	txq->stats.packets += sent;
	txq->stats.bytes += bytes;
	return i;
}
