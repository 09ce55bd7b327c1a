/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RX path of the device model: posted buffers (RX doorbell), frame
 * delivery into them and completions with the phase bit.
 */
#include "model_priv.h"
#include "model_regs.h"

enum wcnic_error model_rxq_start(struct wcnic_model *m, unsigned int qi, uint32_t db,
				 uint64_t *info)
{
	uint32_t cfg = WCNIC_QUEUE_CFG_OFF(qi);
	uint32_t size = bar_rd32(m->bar, cfg + WCNIC_QREG_RX_RING_SIZE);
	uint32_t buf_size = bar_rd32(m->bar, cfg + WCNIC_QREG_RX_BUF_SIZE);
	struct model_rxq *rx = &m->q[qi].rx;
	void *ring, *cmpl;
	enum wcnic_error err;

	if (!model_ring_size_ok(m, size)) {
		*info = size;
		return WCNIC_ERR_BAD_CONFIG;
	}
	if (buf_size < WCNIC_MIN_RX_BUF_SIZE) {
		*info = buf_size;
		return WCNIC_ERR_BAD_CONFIG;
	}
	err = model_map(m, bar_rd64(m->bar, cfg + WCNIC_QREG_RX_RING_IOVA),
			(uint64_t)size * sizeof(struct wcnic_rx_desc), &ring, info);
	if (err != WCNIC_ERR_NONE)
		return err;
	err = model_map(m, bar_rd64(m->bar, cfg + WCNIC_QREG_RX_CMPL_IOVA),
			(uint64_t)size * sizeof(struct wcnic_rx_cmpl), &cmpl, info);
	if (err != WCNIC_ERR_NONE)
		return err;

	rx->state = RING_RUNNING;
	rx->db = db;
	rx->cons = 0;
	rx->posted = 0;
	rx->mask = size - 1;
	rx->size = size;
	rx->buf_size = buf_size;
	rx->ring = ring;
	rx->cmpl = cmpl;
	return WCNIC_ERR_NONE;
}

unsigned int model_rxq_doorbell_poll(struct wcnic_model *m, unsigned int qi)
{
	struct model_rxq *rx = &m->q[qi].rx;
	/* Acquire: the doorbell announces the descriptors written before it. */
	uint32_t db = bar_rd32_acquire(m->bar, WCNIC_DB_RX_OFF(qi));
	uint32_t out_old, out_new;

	if (db == rx->db)
		return 0;
	cnt_add(m, qi, WCNIC_CNT_DOORBELLS, 1);
	out_old = rx->posted - rx->cons;
	out_new = (uint16_t)(WCNIC_DB_INDEX(db) - (uint16_t)rx->cons);
	/* More buffers than the ring holds, or fewer than already posted. */
	if (out_new > rx->size || out_new < out_old) {
		model_ring_error(m, qi, DIR_RX, WCNIC_ERR_DOORBELL_RANGE, db);
		return 1;
	}
	rx->db = db;
	rx->posted = rx->cons + out_new;
	return 1;
}

/* Descriptor i's buffer, checked (spec 11.1); NULL after stopping the ring. */
static uint8_t *rx_buffer(struct wcnic_model *m, unsigned int qi, uint32_t i)
{
	struct model_rxq *rx = &m->q[qi].rx;
	struct wcnic_rx_desc d;
	uint8_t *buf;

	shm_snapshot(&d, &rx->ring[i & rx->mask], sizeof(d));
	if (d.rsvd != 0) {
		model_ring_error(m, qi, DIR_RX, WCNIC_ERR_BAD_DESCRIPTOR, d.rsvd);
		return NULL;
	}
	buf = wcnic_dma_translate(m->dma, d.iova, rx->buf_size);
	if (buf == NULL)
		model_ring_error(m, qi, DIR_RX, WCNIC_ERR_BAD_IOVA, d.iova);
	return buf;
}

/* Completion of buffer i: len bytes, this lap's phase, and flags. */
static uint64_t rx_completion(const struct model_rxq *rx, uint32_t i, uint32_t len,
			      uint16_t flags, uint32_t hash)
{
	/* The ring size is a power of two, so bit log2(size) of the index is
	 * the lap parity: this is WCNIC_RX_PHASE_OF() without a division. */
	uint16_t phase = (i & rx->size) ? 0 : WCNIC_RXC_PHASE;

	return (uint64_t)len | (uint64_t)(flags | phase) << 16 | (uint64_t)hash << 32;
}

/* Every frame (at most WCNIC_MAX_FRAME_LEN) fits the smallest ring of the
 * smallest buffers, so a scattered frame never needs more than bufs[] holds
 * or than a ring has. */
_Static_assert(WCNIC_MIN_RING_SIZE * WCNIC_MIN_RX_BUF_SIZE >= WCNIC_MAX_FRAME_LEN,
	       "a frame fits any RX ring");

bool model_rx_deliver(struct wcnic_model *m, unsigned int qi, const struct model_frame *f,
		      const struct model_rss_hash *h)
{
	struct model_rxq *rx = &m->q[qi].rx;
	struct model_rss_hash rss = { 0, WCNIC_RXC_HASH_NONE };
	uint16_t frame_flags;
	const bool scatter = (m->drv_features & WCNIC_F_RX_SCATTER) != 0;
	uint8_t *bufs[WCNIC_MAX_FRAME_LEN / WCNIC_MIN_RX_BUF_SIZE + 1];
	uint32_t nbuf = 1, i, off;
	uint16_t cls = 0;

	/* A ring that is not running has no buffers for the frame. */
	if (rx->state != RING_RUNNING) {
		cnt_add(m, qi, WCNIC_CNT_RX_NO_BUF, 1);
		return false;
	}
	if (scatter)
		nbuf = (f->len + rx->buf_size - 1) / rx->buf_size;
	/*
	 * Out of buffers as of this pass's RX doorbell read: look again
	 * before dropping. A driver that posts buffers and then transmits
	 * may do both between that read and the TX doorbell read that
	 * brought this frame; the TX doorbell's acquire makes the newer RX
	 * doorbell visible now, so such a frame is never dropped.
	 */
	if (rx->posted - rx->cons < nbuf)
		model_rxq_doorbell_poll(m, qi);
	/* The doorbell may have stopped the ring (a bad value). */
	if (rx->state != RING_RUNNING) {
		cnt_add(m, qi, WCNIC_CNT_RX_NO_BUF, 1);
		return false;
	}
	if (rx->posted - rx->cons < nbuf) {
		cnt_add(m, qi, WCNIC_CNT_RX_NO_BUF, 1);
		return false;
	}
	if (!scatter && f->len > rx->buf_size) {
		cnt_add(m, qi, WCNIC_CNT_RX_OVERSIZE, 1);
		return false;
	}
	if (h != NULL)
		rss = *h;
	else if (m->rss.types != 0)
		rss = model_rss_classify(m, f);
	frame_flags = (uint16_t)(rss.type << WCNIC_RXC_HASH_SHIFT);
	/* Every descriptor is checked before any byte is written (spec 11.4). */
	for (i = 0; i < nbuf; i++) {
		bufs[i] = rx_buffer(m, qi, rx->cons + i);
		if (bufs[i] == NULL)
			return false;
	}
	/* Packet type and checksum status, from the frame before it is
	 * copied (a buffer may overlap a looped-back TX buffer): spec 18.4. */
	if (m->drv_features & WCNIC_F_RX_CSUM) {
		cls = model_rx_classify(m, f);
		if (cls & (WCNIC_RXC_IP_CSUM_BAD | WCNIC_RXC_L4_CSUM_BAD))
			cnt_add(m, qi, WCNIC_CNT_RX_CSUM_BAD, 1);
	}
	for (i = 0, off = 0; i < nbuf; i++, off += rx->buf_size)
		model_frame_copy(f, off, bufs[i], f->len - off < rx->buf_size ? f->len - off :
								       rx->buf_size);
	/*
	 * The later buffers' completions first, then the first one with
	 * release: the frame bytes and every other completion of the frame
	 * are written before the completion that hands the frame over, so a
	 * driver that sees the first buffer's new phase (and issues its read
	 * barrier) sees the whole frame. Each completion is one aligned
	 * 8-byte store: len and flags arrive together.
	 */
	for (i = nbuf - 1, off = i * rx->buf_size; i > 0; i--, off -= rx->buf_size)
		__atomic_store_n(&rx->cmpl[(rx->cons + i) & rx->mask],
				 rx_completion(rx, rx->cons + i, f->len - off < rx->buf_size ?
					       f->len - off : rx->buf_size,
					       frame_flags | (i == nbuf - 1 ? WCNIC_RXC_LAST : 0),
					       rss.hash),
				 __ATOMIC_RELAXED);
	__atomic_store_n(&rx->cmpl[rx->cons & rx->mask],
			 rx_completion(rx, rx->cons, nbuf == 1 ? f->len : rx->buf_size,
				       frame_flags | cls | (scatter && nbuf == 1 ? WCNIC_RXC_LAST : 0),
				       rss.hash),
			 __ATOMIC_RELEASE);
	rx->cons += nbuf;
	cnt_add(m, qi, WCNIC_CNT_RX_PACKETS, 1);
	cnt_add(m, qi, WCNIC_CNT_RX_BYTES, f->len);
	return true;
}
