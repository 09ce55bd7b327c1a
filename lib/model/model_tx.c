/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TX path of the device model: doorbell checks, push entries (in the
 * BAR) and DMA descriptors (in host memory), head write-back.
 *
 * Every entry or descriptor is copied out of shared memory once and only
 * that copy is checked and used. The checks of one entry run in a fixed
 * order: structure (BAD_DESCRIPTOR), then lengths (BAD_LENGTH), then
 * addresses (BAD_IOVA); the first failure stops the ring before anything
 * of that entry is consumed. A checksum request (interface 1.1) is checked
 * with them and carried out on the device's copy of the frame
 * (model_csum.c).
 */
#include <string.h>

#include "model_priv.h"
#include "model_regs.h"

/* Push entries read ahead of the one being checked (tx_push_run()). */
#define TX_PUSH_PREFETCH_AHEAD 4u

enum wcnic_error model_txq_start(struct wcnic_model *m, unsigned int qi, uint32_t db,
				 uint64_t *info)
{
	uint32_t cfg = WCNIC_QUEUE_CFG_OFF(qi);
	uint32_t mode = bar_rd32(m->bar, cfg + WCNIC_QREG_TX_MODE);
	uint64_t cmpl_iova = bar_rd64(m->bar, cfg + WCNIC_QREG_TX_CMPL_IOVA);
	struct model_txq *tx = &m->q[qi].tx;
	uint32_t entries, entry_size = 0;
	uint64_t feature;
	enum wcnic_error err;
	void *ring = NULL, *head_wb;

	switch (mode) {
	case WCNIC_TXM_DMA:
		feature = WCNIC_F_TX_DMA;
		break;
	case WCNIC_TXM_PUSH_128:
		feature = WCNIC_F_PUSH_ENTRY_128;
		entry_size = WCNIC_PUSH_ENTRY_128;
		break;
	case WCNIC_TXM_PUSH_256:
		feature = WCNIC_F_PUSH_ENTRY_256;
		entry_size = WCNIC_PUSH_ENTRY_256;
		break;
	default:
		*info = mode;
		return WCNIC_ERR_BAD_CONFIG;
	}
	if (!(m->drv_features & feature)) {
		*info = mode;
		return WCNIC_ERR_BAD_CONFIG;
	}

	if (entry_size != 0) {
		/* Push mode: the ring is the queue's fixed BAR window. */
		entries = WCNIC_PUSH_RING_BYTES / entry_size;
	} else {
		entries = bar_rd32(m->bar, cfg + WCNIC_QREG_TX_RING_SIZE);
		if (!model_ring_size_ok(m, entries)) {
			*info = entries;
			return WCNIC_ERR_BAD_CONFIG;
		}
		err = model_map(m, bar_rd64(m->bar, cfg + WCNIC_QREG_TX_RING_IOVA),
				(uint64_t)entries * sizeof(struct wcnic_tx_desc), &ring, info);
		if (err != WCNIC_ERR_NONE)
			return err;
	}
	err = model_map(m, cmpl_iova, sizeof(wcnic_tx_head_t), &head_wb, info);
	if (err != WCNIC_ERR_NONE)
		return err;

	tx->state = RING_RUNNING;
	tx->db = db;
	tx->head = 0;
	tx->tail = 0;
	tx->mask = entries - 1;
	tx->mode = mode;
	tx->entry_size = entry_size;
	tx->push_ring = entry_size != 0 ? m->bar + WCNIC_PUSH_RING_OFF(qi) : NULL;
	tx->desc_ring = ring;
	tx->head_wb = head_wb;
	bar_wr32(m->bar, cfg + WCNIC_QREG_PUSH_ENTRIES, entry_size != 0 ? entries : 0);
	/* The head restarts at 0 with the ring; relaxed is enough as the
	 * TX_RUNNING bit that follows is a release store. */
	__atomic_store_n(tx->head_wb, 0, __ATOMIC_RELAXED);
	return WCNIC_ERR_NONE;
}

/*
 * Check a changed TX doorbell and take the new tail. Returns false when
 * the doorbell is invalid (the ring has then been stopped).
 */
static bool tx_doorbell(struct wcnic_model *m, unsigned int qi, uint32_t db)
{
	struct model_txq *tx = &m->q[qi].tx;
	uint32_t out_old = tx->tail - tx->head;
	uint32_t out_new = (uint16_t)(WCNIC_DB_INDEX(db) - (uint16_t)tx->head);
	uint32_t spanned = (uint16_t)(WCNIC_DB_SEQ(db) - WCNIC_DB_SEQ(tx->db));

	cnt_add(m, qi, WCNIC_CNT_DOORBELLS, 1);
	/* Past the ring, or backwards over entries already announced. */
	if (out_new > tx->mask + 1 || out_new < out_old) {
		model_ring_error(m, qi, DIR_TX, WCNIC_ERR_DOORBELL_RANGE, db);
		return false;
	}
	/* Each doorbell written may announce TX_BURST_MAX entries at most. */
	if (out_new - out_old > spanned * m->p.tx_burst_max) {
		model_ring_error(m, qi, DIR_TX, WCNIC_ERR_TX_BURST, db);
		return false;
	}
	tx->db = db;
	tx->tail = tx->head + out_new;
	return true;
}

/*
 * Check one push entry and describe its frame in f. copy receives the
 * entry (WCNIC_PUSH_ENTRY_256 bytes of room); the inline bytes of f point
 * into it.
 */
static enum wcnic_error push_entry_parse(const struct wcnic_model *m, const uint8_t *slot,
					 uint32_t entry_size, uint8_t *copy,
					 struct model_frame *f, uint64_t *info)
{
	struct wcnic_push_hdr h;
	struct wcnic_sg sg[WCNIC_PUSH_MAX_SG(WCNIC_PUSH_ENTRY_256)];
	uint32_t used, i, nseg = 0, need;
	enum wcnic_error err;
	uint64_t sum;

	/* The header line first: it says how much more there is to copy. */
	shm_snapshot(copy, slot, WCNIC_CACHE_LINE);
	memcpy(&h, copy, sizeof(h));
	/* flags and hdr_lens: a checksum request, or reserved (0). */
	err = model_csum_req_check(m, h.flags, 0, h.hdr_lens, f, &need, info);
	if (err != WCNIC_ERR_NONE)
		return err;
	if (h.rsvd1 != 0) {
		*info = h.rsvd1;
		return WCNIC_ERR_BAD_DESCRIPTOR;
	}
	used = WCNIC_PUSH_HDR_SIZE + (uint32_t)h.nb_sg * WCNIC_SG_SIZE + h.inline_len;
	if (used > entry_size) {
		*info = used;
		return WCNIC_ERR_BAD_DESCRIPTOR;
	}
	if (h.nb_sg > 1 && !(m->drv_features & WCNIC_F_MULTI_SEG)) {
		*info = h.nb_sg;
		return WCNIC_ERR_BAD_DESCRIPTOR;
	}
	if (used > WCNIC_CACHE_LINE)
		shm_snapshot(copy + WCNIC_CACHE_LINE, slot + WCNIC_CACHE_LINE,
			     used - WCNIC_CACHE_LINE);
	memcpy(sg, copy + WCNIC_PUSH_HDR_SIZE, (size_t)h.nb_sg * WCNIC_SG_SIZE);
	for (i = 0; i < h.nb_sg; i++) {
		if (sg[i].rsvd != 0) {
			*info = sg[i].rsvd;
			return WCNIC_ERR_BAD_DESCRIPTOR;
		}
	}

	sum = h.inline_len;
	for (i = 0; i < h.nb_sg; i++) {
		if (sg[i].len == 0) {
			*info = 0;
			return WCNIC_ERR_BAD_LENGTH;
		}
		sum += sg[i].len;
	}
	if (sum != h.pkt_len || h.pkt_len < WCNIC_MIN_FRAME_LEN || h.pkt_len > m->max_frame) {
		*info = sum != h.pkt_len ? sum : h.pkt_len;
		return WCNIC_ERR_BAD_LENGTH;
	}
	if (need > h.pkt_len) {
		*info = need;
		return WCNIC_ERR_BAD_LENGTH;
	}

	if (h.inline_len != 0) {
		f->seg[0] = copy + used - h.inline_len;
		f->seg_len[0] = h.inline_len;
		nseg = 1;
	}
	for (i = 0; i < h.nb_sg; i++, nseg++) {
		f->seg[nseg] = wcnic_dma_translate(m->dma, sg[i].iova, sg[i].len);
		if (f->seg[nseg] == NULL) {
			*info = sg[i].iova;
			return WCNIC_ERR_BAD_IOVA;
		}
		f->seg_len[nseg] = sg[i].len;
	}
	f->nseg = nseg;
	f->len = h.pkt_len;
	return WCNIC_ERR_NONE;
}

/*
 * Check the packet whose first descriptor is at the head and describe it
 * in f. *ndesc is its descriptor count, or 0 if its EOP descriptor is not
 * announced yet (the packet then waits for a later doorbell).
 */
static enum wcnic_error dma_packet_parse(const struct wcnic_model *m, const struct model_txq *tx,
					 struct model_frame *f, uint32_t *ndesc, uint64_t *info)
{
	struct wcnic_tx_desc d[WCNIC_TX_MAX_SEGS];
	uint32_t avail = tx->tail - tx->head, n = 0, i, need = 0;
	uint64_t total = 0;

	*ndesc = 0;
	for (;;) {
		struct wcnic_tx_desc *c = &d[n];

		if (n == avail)
			return WCNIC_ERR_NONE;
		shm_snapshot(c, &tx->desc_ring[(tx->head + n) & tx->mask], sizeof(*c));
		if (n == 0) {
			/* The first descriptor may carry a checksum request. */
			enum wcnic_error err = model_csum_req_check(m, c->flags, WCNIC_TXD_EOP,
								    c->hdr_lens, f, &need, info);

			if (err != WCNIC_ERR_NONE)
				return err;
		} else if ((c->flags & ~WCNIC_TXD_EOP) != 0 || c->hdr_lens != 0) {
			*info = (c->flags & ~WCNIC_TXD_EOP) != 0 ? c->flags : c->hdr_lens;
			return WCNIC_ERR_BAD_DESCRIPTOR;
		}
		n++;
		if (c->flags & WCNIC_TXD_EOP)
			break;
		/* No EOP yet: fail now rather than wait if no EOP can be valid. */
		if (n == WCNIC_TX_MAX_SEGS || !(m->drv_features & WCNIC_F_MULTI_SEG)) {
			*info = n + 1;
			return WCNIC_ERR_BAD_DESCRIPTOR;
		}
	}

	for (i = 0; i < n; i++) {
		if (d[i].len == 0) {
			*info = 0;
			return WCNIC_ERR_BAD_LENGTH;
		}
		total += d[i].len;
	}
	if (total < WCNIC_MIN_FRAME_LEN || total > m->max_frame) {
		*info = total;
		return WCNIC_ERR_BAD_LENGTH;
	}
	if (need > total) {
		*info = need;
		return WCNIC_ERR_BAD_LENGTH;
	}

	for (i = 0; i < n; i++) {
		f->seg[i] = wcnic_dma_translate(m->dma, d[i].iova, d[i].len);
		if (f->seg[i] == NULL) {
			*info = d[i].iova;
			return WCNIC_ERR_BAD_IOVA;
		}
		f->seg_len[i] = d[i].len;
	}
	f->nseg = n;
	f->len = (uint32_t)total;
	*ndesc = n;
	return WCNIC_ERR_NONE;
}

/* Consume announced push entries. Returns the error that stopped it. */
static enum wcnic_error tx_push_run(struct wcnic_model *m, unsigned int qi, uint64_t *bytes,
				    uint64_t *info)
{
	struct model_txq *tx = &m->q[qi].tx;
	uint8_t copy[WCNIC_PUSH_ENTRY_256] __attribute__((aligned(WCNIC_CACHE_LINE)));
	struct model_frame f;

	while (tx->head != tx->tail) {
		const uint8_t *slot = tx->push_ring + (tx->head & tx->mask) * tx->entry_size;
		enum wcnic_error err;

		/* Entries arrive by non-temporal or WC stores, so they are
		 * in memory, not in a cache: start reading an announced
		 * entry a few ahead, about one memory latency at full rate.
		 * Unannounced ones may still be being written: left alone. */
		if (tx->tail - tx->head > TX_PUSH_PREFETCH_AHEAD) {
			const uint8_t *ahead = tx->push_ring +
					       ((tx->head + TX_PUSH_PREFETCH_AHEAD) & tx->mask) *
					       tx->entry_size;

			__builtin_prefetch(ahead);
			__builtin_prefetch(ahead + WCNIC_CACHE_LINE);
		}
		err = push_entry_parse(m, slot, tx->entry_size, copy, &f, info);
		if (err != WCNIC_ERR_NONE)
			return err;
		if (f.txf != 0)
			model_csum_insert(m, qi, &f);
		model_backend_tx(m, qi, &f);
		*bytes += f.len;
		tx->head++;
	}
	return WCNIC_ERR_NONE;
}

/* Consume announced complete DMA packets. Returns the error that stopped it. */
static enum wcnic_error tx_dma_run(struct wcnic_model *m, unsigned int qi, uint64_t *pkts,
				   uint64_t *bytes, uint64_t *info)
{
	struct model_txq *tx = &m->q[qi].tx;
	struct model_frame f;

	while (tx->head != tx->tail) {
		uint32_t ndesc;
		enum wcnic_error err = dma_packet_parse(m, tx, &f, &ndesc, info);

		if (err != WCNIC_ERR_NONE)
			return err;
		if (ndesc == 0)
			break;
		if (f.txf != 0)
			model_csum_insert(m, qi, &f);
		model_backend_tx(m, qi, &f);
		*bytes += f.len;
		(*pkts)++;
		tx->head += ndesc;
	}
	return WCNIC_ERR_NONE;
}

unsigned int model_txq_poll(struct wcnic_model *m, unsigned int qi)
{
	struct model_txq *tx = &m->q[qi].tx;
	/* Acquire: the doorbell announces entries/descriptors and buffers the
	 * driver wrote (and fenced) before it; see model_regs.h. */
	uint32_t db = bar_rd32_acquire(m->bar, WCNIC_DB_TX_OFF(qi));
	uint32_t start = tx->head;
	uint64_t pkts = 0, bytes = 0, info = 0;
	enum wcnic_error err;

	if (db != tx->db && !tx_doorbell(m, qi, db))
		return 1;
	if (tx->head == tx->tail)
		return 0;

	if (tx->mode == WCNIC_TXM_DMA) {
		err = tx_dma_run(m, qi, &pkts, &bytes, &info);
	} else {
		err = tx_push_run(m, qi, &bytes, &info);
		pkts = tx->head - start;
	}

	if (tx->head != start) {
		/*
		 * Release: every read of the entries, descriptors and buffers
		 * the new head covers (and, for loopback, every write of the RX
		 * frames made from them) happens before the driver can see the
		 * head and reuse that memory. One write per batch.
		 */
		__atomic_store_n(tx->head_wb, tx->head, __ATOMIC_RELEASE);
		cnt_add(m, qi, WCNIC_CNT_TX_PACKETS, pkts);
		cnt_add(m, qi, WCNIC_CNT_TX_BYTES, bytes);
	}
	if (err != WCNIC_ERR_NONE)
		model_ring_error(m, qi, DIR_TX, err, info);
	return (unsigned int)(tx->head - start) + (err != WCNIC_ERR_NONE);
}
