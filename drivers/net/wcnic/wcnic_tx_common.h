/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the push and DMA TX paths share: doorbells, completion reclaim and
 * the checks that keep malformed packets away from the device.
 */
#ifndef WCNIC_TX_COMMON_H
#define WCNIC_TX_COMMON_H

#include <rte_mbuf.h>

#include "wcnic_ethdev.h"

/* Announce everything posted since the last doorbell (wcnic_doorbell()). */
static __rte_always_inline void
wcnic_tx_doorbell(struct wcnic_txq *txq)
{
	wcnic_doorbell(txq->doorbell, &txq->db_seq, txq->tail, txq->db_needs_store_fence,
		       txq->bar_is_wc);
	txq->stats.doorbells++;
}

/*
 * Give back mbufs the device no longer needs. With MBUF_FAST_FREE the
 * application promised direct mbufs of one pool with a reference count of
 * 1, so they go straight back to that pool without per-mbuf checks; only
 * one-segment packets come here then (wcnic_tx_hold()).
 */
static __rte_always_inline void
wcnic_tx_free(const struct wcnic_txq *txq, struct rte_mbuf **mbufs, unsigned int n)
{
	if (n == 0)
		return;
	if (txq->fast_free)
		rte_mempool_put_bulk(mbufs[0]->pool, (void **)mbufs, n);
	else
		rte_pktmbuf_free_bulk(mbufs, n);
}

/*
 * sw_ring slots hold the packets the device still reads. A multi-segment
 * packet's slot is tagged in bit 0 (mbufs are cache-line aligned), so that
 * reclaim frees its whole chain: wcnic_tx_free()'s bulk return to the pool
 * under MBUF_FAST_FREE would give back the first segment only. Only the
 * slow paths store chains, so the one-segment hot loops store plain
 * pointers.
 */
#define WCNIC_TX_SLOT_CHAIN ((uintptr_t)1)

static inline void
wcnic_tx_hold(struct wcnic_txq *txq, uint16_t slot, struct rte_mbuf *m)
{
	txq->sw_ring[slot & txq->mask] = m->nb_segs > 1 ?
		(struct rte_mbuf *)((uintptr_t)m | WCNIC_TX_SLOT_CHAIN) : m;
}

/* Free a slot's packet outside the bulk path: the whole chain, tag or not. */
static inline void
wcnic_tx_slot_free(struct rte_mbuf *held)
{
	rte_pktmbuf_free((struct rte_mbuf *)((uintptr_t)held & ~WCNIC_TX_SLOT_CHAIN));
}

/*
 * Free the mbufs of every slot the device has finished with. The device
 * writes the head (host memory) only after it has read everything it
 * covers; wc_barrier_device_read() keeps our reuse of those slots and
 * buffers after seeing it.
 */
static __rte_always_inline void
wcnic_tx_reclaim(struct wcnic_txq *txq)
{
	struct rte_mbuf *done[WCNIC_TX_FREE_BULK];
	uint16_t dev_head = (uint16_t)__atomic_load_n(txq->head_wb, __ATOMIC_RELAXED);
	uint16_t head = txq->head;
	unsigned int nb_done = 0;

	wc_barrier_device_read();
	txq->head = dev_head;
	if (txq->held_mbufs == 0)
		return;
	for (; head != dev_head; head++) {
		struct rte_mbuf **slot = &txq->sw_ring[head & txq->mask];
		struct rte_mbuf *held = *slot;

		if (held == NULL)
			continue;
		*slot = NULL;
		if (unlikely((uintptr_t)held & WCNIC_TX_SLOT_CHAIN)) {
			wcnic_tx_slot_free(held);
			txq->held_mbufs--;
			continue;
		}
		done[nb_done++] = held;
		if (nb_done == WCNIC_TX_FREE_BULK) {
			wcnic_tx_free(txq, done, nb_done);
			txq->held_mbufs -= nb_done;
			nb_done = 0;
		}
	}
	wcnic_tx_free(txq, done, nb_done);
	txq->held_mbufs -= nb_done;
}

/*
 * Frame length the device accepts: an Ethernet header at least, the port's
 * limit at most. A frame outside that would stop the queue with a device
 * error, so it is dropped here and counted.
 */
static __rte_always_inline bool
wcnic_tx_len_ok(struct wcnic_txq *txq, uint32_t pkt_len)
{
	if (likely(pkt_len >= RTE_ETHER_HDR_LEN && pkt_len <= txq->max_frame_len))
		return true;
	if (pkt_len < RTE_ETHER_HDR_LEN)
		txq->stats.runt_drops++;
	else
		txq->stats.oversize_drops++;
	return false;
}

/*
 * A packet's non-empty segments, and the frame length the device will see:
 * the sum of the segments, not pkt_len, which a malformed mbuf may get
 * wrong.
 */
static __rte_always_inline unsigned int
wcnic_tx_segs(const struct rte_mbuf *m, uint32_t *frame_len)
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

/* DMA address of a segment's data as this device sees it. */
static __rte_always_inline uint64_t
wcnic_seg_dma_addr(const struct wcnic_txq *txq, const struct rte_mbuf *seg)
{
	return txq->dma_addr_is_va ? (uint64_t)(uintptr_t)rte_pktmbuf_mtod(seg, void *)
				   : rte_mbuf_data_iova(seg);
}

#endif /* WCNIC_TX_COMMON_H */
