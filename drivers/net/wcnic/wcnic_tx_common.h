/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the push and DMA TX paths share: doorbells, completion reclaim and
 * the checks that keep malformed packets away from the device.
 */
#ifndef WCNIC_TX_COMMON_H
#define WCNIC_TX_COMMON_H

#include <assert.h>

#include <rte_mbuf.h>

#include "wcnic_ethdev.h"

/* Announce everything posted since the last doorbell (wcnic_doorbell()). */
static __rte_always_inline void
wcnic_tx_doorbell(struct wcnic_txq *txq)
{
	wcnic_doorbell(txq->doorbell, &txq->db_seq, txq->tail, txq->db_needs_store_fence,
		       txq->bar_is_wc, txq->bar_simulated);
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
	if (likely(pkt_len >= WCNIC_MIN_FRAME_LEN && pkt_len <= txq->max_frame_len))
		return true;
	if (pkt_len < WCNIC_MIN_FRAME_LEN)
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

/*
 * Checksum offloads (interface 1.1, WCNIC_F_TX_CSUM; wcnic_tx_csum.c).
 *
 * An mbuf's request is its L4 checksum flag and its IP_CKSUM, IPV4 and
 * IPV6 flags, bits 52 to 56 of ol_flags: wcnic_tx_csum_rules[] holds, for
 * each combination, the device's WCNIC_TXF_* bits (0 for no request) and
 * the header limits a request must meet, so that the check is the same few
 * comparisons for every request. A combination the device does not take
 * (SCTP, an L4 checksum without IPV4, IPV6 or IP_CKSUM, the IPv4 header
 * checksum of IPv6) has an L3 range no header length falls into.
 */
#define WCNIC_TX_OL_SHIFT 52
#define WCNIC_TX_OL_BITS  0x1fu
static_assert(RTE_MBUF_F_TX_L4_MASK == 3ULL << WCNIC_TX_OL_SHIFT &&
	      RTE_MBUF_F_TX_IP_CKSUM == 1ULL << (WCNIC_TX_OL_SHIFT + 2) &&
	      RTE_MBUF_F_TX_IPV4 == 1ULL << (WCNIC_TX_OL_SHIFT + 3) &&
	      RTE_MBUF_F_TX_IPV6 == 1ULL << (WCNIC_TX_OL_SHIFT + 4),
	      "the mbuf's checksum request flags are bits 52 to 56");

struct wcnic_tx_csum_rule {
	uint8_t flags;      /* WCNIC_TXF_*; 0: no request */
	uint8_t l4_len;     /* frame bytes the L4 checksum needs after L3 */
	uint16_t l3_align;  /* l3_len & l3_align must be 0 */
	uint16_t l3_min;    /* l3_len - l3_min <= l3_span */
	uint16_t l3_span;
};
extern const struct wcnic_tx_csum_rule wcnic_tx_csum_rules[WCNIC_TX_OL_BITS + 1];

/* A request the device would refuse (wcnic_tx_csum_req()). */
#define WCNIC_TX_CSUM_REFUSED UINT32_MAX

/*
 * The checksum request of packet m, whose frame has frame_len bytes, as the
 * device takes it (spec 18.1, 18.2): 0 for none, else its WCNIC_TXF_* flags
 * in bits 7:0 and its hdr_lens in bits 23:8; WCNIC_TX_CSUM_REFUSED when the
 * device would stop the queue over it: flags it does not take, header
 * lengths outside its limits, or headers longer than the frame. The mbuf's
 * l2_len and l3_len have the widths of hdr_lens' fields (7 and 9 bits).
 */
static __rte_always_inline uint32_t
wcnic_tx_csum_req(const struct rte_mbuf *m, uint32_t frame_len)
{
	const struct wcnic_tx_csum_rule *r =
		&wcnic_tx_csum_rules[(m->ol_flags >> WCNIC_TX_OL_SHIFT) & WCNIC_TX_OL_BITS];
	uint32_t l2, l3;

	if (likely(r->flags == 0))
		return 0;
	l2 = m->l2_len;
	l3 = m->l3_len;
	/* One test for all the limits: the request is usually good. */
	if (unlikely((l3 - r->l3_min > r->l3_span) | ((l3 & r->l3_align) != 0) |
		     (l2 < WCNIC_TX_L2_LEN_MIN) | (l2 + l3 + r->l4_len > frame_len)))
		return WCNIC_TX_CSUM_REFUSED;
	return r->flags | WCNIC_TX_HDR_LENS(l2, l3) << 8;
}

/* A request the device would refuse: the packet is dropped and counted. */
static __rte_always_inline bool
wcnic_tx_csum_refused(struct wcnic_txq *txq, uint32_t req)
{
	if (likely(req != WCNIC_TX_CSUM_REFUSED))
		return false;
	txq->stats.csum_drops++;
	return true;
}

#endif /* WCNIC_TX_COMMON_H */
