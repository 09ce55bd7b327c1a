/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TX push mode: each packet becomes one entry written straight into the
 * device BAR (a descriptor header, DMA segments for what does not fit, and
 * the first bytes of the frame inline), with whole 64-byte line stores.
 * One fence and one doorbell per burst; an extra doorbell only when the
 * device's per-doorbell budget (TX_BURST_MAX) runs out.
 *
 * An entry is composed in a small stack buffer and then copied out as
 * whole lines: the header and the frame bytes must share lines, and a line
 * written in pieces would leave the CPU as 8-byte fragments in no
 * guaranteed order (doc/device-spec.md). The stack buffer stays in L1; the
 * BAR sees only full-line stores.
 */
#include <stdalign.h>
#include <string.h>

#include "wcnic_tx_common.h"

/* The header as two 8-byte stores: no partial-field writes into the entry. */
static __rte_always_inline void
push_hdr_write(uint8_t *entry, uint16_t pkt_len, uint16_t inline_len, uint8_t nb_sg)
{
	uint64_t w0 = (uint64_t)pkt_len | (uint64_t)inline_len << 16 | (uint64_t)nb_sg << 32;
	uint64_t *hdr = (uint64_t *)entry;

	/* flags, rsvd0, cookie and rsvd1 are all zero in version 1. */
	hdr[0] = rte_cpu_to_le_64(w0);
	hdr[1] = 0;
}

static __rte_always_inline void
push_sg_write(uint8_t *entry, unsigned int i, uint64_t iova, uint32_t len)
{
	uint64_t *sg = (uint64_t *)(entry + WCNIC_PUSH_HDR_SIZE + i * WCNIC_SG_SIZE);

	sg[0] = rte_cpu_to_le_64(iova);
	sg[1] = rte_cpu_to_le_64((uint64_t)len); /* rsvd (upper half) is 0 */
}

static __rte_always_inline unsigned int
push_lines(unsigned int used_bytes)
{
	return (used_bytes + WCNIC_CACHE_LINE - 1) / WCNIC_CACHE_LINE;
}

/*
 * A frame that fits whole into the entry. The device only reads
 * inline_len bytes, so copying the full inline room (when the mbuf buffer
 * is that long) turns a variable-length copy into a fixed one.
 */
static __rte_always_inline unsigned int
push_build_inline(const struct wcnic_txq *txq, struct rte_mbuf *m, uint8_t *entry)
{
	uint16_t len = m->data_len;
	uint16_t room = WCNIC_PUSH_INLINE_ROOM(txq->entry_size, 0);
	const void *data = rte_pktmbuf_mtod(m, const void *);

	push_hdr_write(entry, len, len, 0);
	if (likely(room == WCNIC_PUSH_INLINE_ROOM(WCNIC_PUSH_ENTRY_128, 0) &&
		   (uint32_t)m->buf_len - m->data_off >= room))
		memcpy(entry + WCNIC_PUSH_HDR_SIZE, data,
		       WCNIC_PUSH_INLINE_ROOM(WCNIC_PUSH_ENTRY_128, 0));
	else
		memcpy(entry + WCNIC_PUSH_HDR_SIZE, data, len);
	return push_lines(WCNIC_PUSH_HDR_SIZE + len);
}

/*
 * A frame with DMA segments: the first segment's head goes inline, the
 * rest of it and every further non-empty segment become sg elements.
 * Returns the lines to write, or 0 when the frame was dropped (counted):
 * a length the device would refuse, or more segments than an entry holds.
 * The length checked is the sum of the segments, which is what the device
 * sees, not pkt_len, which a malformed mbuf may get wrong.
 */
static unsigned int
push_build_sg(struct wcnic_txq *txq, struct rte_mbuf *m, uint8_t *entry, uint32_t *frame_len)
{
	const unsigned int max_sg = WCNIC_PUSH_MAX_SG(txq->entry_size);
	struct rte_mbuf *seg;
	unsigned int nb_sg = 0, i = 0;
	uint16_t first_len = m->data_len, inline_len;
	uint32_t total = first_len;

	for (seg = m->next; seg != NULL; seg = seg->next) {
		nb_sg += seg->data_len != 0;
		total += seg->data_len;
	}
	if (!wcnic_tx_len_ok(txq, total))
		return 0;
	if (first_len > WCNIC_PUSH_INLINE_ROOM(txq->entry_size, nb_sg))
		nb_sg++; /* the tail of the first segment goes by DMA too */
	if (nb_sg > max_sg || (nb_sg > 1 && txq->max_segs == 1)) {
		txq->stats.seg_drops++;
		return 0;
	}

	inline_len = RTE_MIN(first_len, (uint16_t)WCNIC_PUSH_INLINE_ROOM(txq->entry_size, nb_sg));
	memcpy(entry + WCNIC_PUSH_HDR_SIZE + nb_sg * WCNIC_SG_SIZE,
	       rte_pktmbuf_mtod(m, const void *), inline_len);
	if (first_len > inline_len)
		push_sg_write(entry, i++, wcnic_seg_dma_addr(txq, m) + inline_len,
			      first_len - inline_len);
	for (seg = m->next; seg != NULL; seg = seg->next)
		if (seg->data_len != 0)
			push_sg_write(entry, i++, wcnic_seg_dma_addr(txq, seg), seg->data_len);
	push_hdr_write(entry, (uint16_t)total, inline_len, (uint8_t)nb_sg);
	*frame_len = total;
	return push_lines(WCNIC_PUSH_HDR_SIZE + nb_sg * WCNIC_SG_SIZE + inline_len);
}

uint16_t
wcnic_xmit_push(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct wcnic_txq *txq = queue;
	struct rte_mbuf *sent_inline[WCNIC_TX_FREE_BULK];
	alignas(WCNIC_CACHE_LINE) uint8_t entry[WCNIC_PUSH_ENTRY_256];
	unsigned int nb_inline = 0, since_doorbell = 0;
	uint16_t free_slots, i;
	uint64_t bytes = 0;
	uint16_t entries = 0;

	wcnic_tx_reclaim(txq);
	free_slots = txq->nb_slots - (uint16_t)(txq->tail - txq->head);
	nb_pkts = RTE_MIN(nb_pkts, WCNIC_TX_FREE_BULK);

	for (i = 0; i < nb_pkts && entries < free_slots; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t *slot;
		unsigned int lines;
		uint32_t frame_len = m->data_len;
		bool fully_inline = m->nb_segs == 1 &&
			m->data_len <= WCNIC_PUSH_INLINE_ROOM(txq->entry_size, 0);

		if (likely(fully_inline))
			lines = wcnic_tx_len_ok(txq, frame_len) ? push_build_inline(txq, m, entry) : 0;
		else
			lines = push_build_sg(txq, m, entry, &frame_len);
		if (unlikely(lines == 0)) {
			rte_pktmbuf_free(m); /* dropped and counted */
			continue;
		}
		if (unlikely(since_doorbell == txq->burst_max)) {
			wcnic_tx_doorbell(txq);
			since_doorbell = 0;
		}

		slot = txq->push_ring + (uint32_t)(txq->tail & txq->mask) * txq->entry_size;
		txq->copy_lines(slot, entry, lines);
		if (likely(fully_inline)) {
			/* The frame now lives in the BAR: the mbuf can go at once. */
			sent_inline[nb_inline++] = m;
		} else {
			/* The device reads the sg buffers later: free on completion. */
			txq->sw_ring[txq->tail & txq->mask] = m;
			txq->held_mbufs++;
		}
		bytes += frame_len;
		txq->tail++;
		entries++;
		since_doorbell++;
	}
	if (likely(since_doorbell != 0))
		wcnic_tx_doorbell(txq);

	wcnic_tx_free(txq, sent_inline, nb_inline);
	txq->stats.packets += entries;
	txq->stats.push_entries += entries;
	txq->stats.bytes += bytes;
	return i;
}
