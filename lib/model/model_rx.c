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

bool model_rx_deliver(struct wcnic_model *m, unsigned int qi, const struct model_frame *f)
{
	struct model_rxq *rx = &m->q[qi].rx;
	struct wcnic_rx_desc d;
	uint32_t pos = rx->cons & rx->mask;
	uint64_t cmpl;
	uint8_t *buf;

	/*
	 * Out of buffers as of this pass's RX doorbell read: look again
	 * before dropping. A driver that posts buffers and then transmits
	 * may do both between that read and the TX doorbell read that
	 * brought this frame; the TX doorbell's acquire makes the newer RX
	 * doorbell visible now, so such a frame is never dropped.
	 */
	if (rx->state == RING_RUNNING && rx->cons == rx->posted)
		model_rxq_doorbell_poll(m, qi);
	/* A ring that is not running has no buffers for the frame either. */
	if (rx->state != RING_RUNNING || rx->cons == rx->posted) {
		cnt_add(m, qi, WCNIC_CNT_RX_NO_BUF, 1);
		return false;
	}
	if (f->len > rx->buf_size) {
		cnt_add(m, qi, WCNIC_CNT_RX_OVERSIZE, 1);
		return false;
	}
	shm_snapshot(&d, &rx->ring[pos], sizeof(d));
	if (d.rsvd != 0) {
		model_ring_error(m, qi, DIR_RX, WCNIC_ERR_BAD_DESCRIPTOR, d.rsvd);
		return false;
	}
	buf = wcnic_dma_translate(m->dma, d.iova, rx->buf_size);
	if (buf == NULL) {
		model_ring_error(m, qi, DIR_RX, WCNIC_ERR_BAD_IOVA, d.iova);
		return false;
	}
	model_frame_copy(f, buf, f->len);

	/* The ring size is a power of two, so bit log2(size) of the index is
	 * the lap parity: this is WCNIC_RX_PHASE_OF() without a division. */
	cmpl = (uint64_t)f->len | (uint64_t)((rx->cons & rx->size) ? 0 : WCNIC_RXC_PHASE) << 16;
	/*
	 * Release: the frame bytes are written before the completion that
	 * hands the buffer over, so a driver that sees the new phase (and
	 * issues its read barrier) reads the whole frame. The completion is
	 * one aligned 8-byte store: len and flags arrive together.
	 */
	__atomic_store_n(&rx->cmpl[pos], cmpl, __ATOMIC_RELEASE);
	rx->cons++;
	cnt_add(m, qi, WCNIC_CNT_RX_PACKETS, 1);
	cnt_add(m, qi, WCNIC_CNT_RX_BYTES, f->len);
	return true;
}
