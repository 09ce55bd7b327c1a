/* SPDX-License-Identifier: BSD-3-Clause */
/* Driver side of the device model unit tests: see harness.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

void h_init(struct h_dev *h, const struct wcnic_model_params *p)
{
	memset(h, 0, sizeof(*h));
	if (p != NULL)
		h->params = *p;
	else
		wcnic_model_params_init(&h->params);

	h->bar = aligned_alloc(4096, WCNIC_BAR_MIN_SIZE);
	h->mem = aligned_alloc(4096, H_ARENA_SIZE + 2 * H_GUARD_SIZE);
	REQUIRE(h->bar != NULL && h->mem != NULL, "out of memory");
	/* Stale bytes a previous device could have left: create clears them. */
	memset(h->bar, 0xEE, WCNIC_BAR_MIN_SIZE);
	memset(h->mem, H_GUARD_BYTE, H_ARENA_SIZE + 2 * H_GUARD_SIZE);
	h->arena = h->mem + H_GUARD_SIZE;
	memset(h->arena, 0, H_ARENA_SIZE);

	wcnic_dma_map_init(&h->dma);
	REQUIRE(wcnic_dma_grant(&h->dma, H_ARENA_IOVA, h->arena, H_ARENA_SIZE) == 0, "grant");
	h->data = h_alloc(h, H_DATA_SIZE, NULL);

	h->m = wcnic_model_create(h->bar, WCNIC_BAR_MIN_SIZE, &h->dma, &h->params);
	REQUIRE(h->m != NULL, "wcnic_model_create failed");
}

void h_fini(struct h_dev *h)
{
	wcnic_model_destroy(h->m);
	free(h->bar);
	free(h->mem);
	memset(h, 0, sizeof(*h));
}

uint32_t h_rd32(struct h_dev *h, uint32_t off)
{
	return __atomic_load_n((uint32_t *)(void *)(h->bar + off), __ATOMIC_ACQUIRE);
}

uint64_t h_rd64(struct h_dev *h, uint32_t off)
{
	return __atomic_load_n((uint64_t *)(void *)(h->bar + off), __ATOMIC_ACQUIRE);
}

/* Release stores: what the driver wrote before a register is visible to a
 * device thread that sees the register (the model's acquire loads). */
void h_wr32(struct h_dev *h, uint32_t off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(void *)(h->bar + off), v, __ATOMIC_RELEASE);
}

void h_wr64(struct h_dev *h, uint32_t off, uint64_t v)
{
	__atomic_store_n((uint64_t *)(void *)(h->bar + off), v, __ATOMIC_RELEASE);
}

uint32_t h_qrd32(struct h_dev *h, unsigned int q, uint32_t reg)
{
	return h_rd32(h, WCNIC_QUEUE_CFG_OFF(q) + reg);
}

void h_qwr32(struct h_dev *h, unsigned int q, uint32_t reg, uint32_t v)
{
	h_wr32(h, WCNIC_QUEUE_CFG_OFF(q) + reg, v);
}

void h_qwr64(struct h_dev *h, unsigned int q, uint32_t reg, uint64_t v)
{
	h_wr64(h, WCNIC_QUEUE_CFG_OFF(q) + reg, v);
}

void *h_alloc(struct h_dev *h, size_t len, uint64_t *iova)
{
	size_t off = (h->used + 63) & ~(size_t)63;

	REQUIRE(off + len <= H_ARENA_SIZE, "arena exhausted (%zu + %zu)", off, len);
	h->used = off + len;
	memset(h->arena + off, 0, len);
	if (iova != NULL)
		*iova = H_ARENA_IOVA + off;
	return h->arena + off;
}

uint64_t h_iova(const struct h_dev *h, const void *host)
{
	return H_ARENA_IOVA + (uint64_t)((const uint8_t *)host - h->arena);
}

unsigned int h_poll(struct h_dev *h, unsigned int n)
{
	const struct timespec tick = { 0, 10000 };
	unsigned int work = 0;

	while (n-- > 0) {
		if (h->threaded)
			nanosleep(&tick, NULL);
		else
			work += wcnic_model_poll(h->m);
	}
	return work;
}

bool h_wait32(struct h_dev *h, uint32_t off, uint32_t mask, uint32_t want)
{
	/* Synchronous: a few passes are plenty. Threaded: up to ~2 s. */
	unsigned int tries = h->threaded ? 200000 : 64;

	while (tries-- > 0) {
		if ((h_rd32(h, off) & mask) == want)
			return true;
		h_poll(h, 1);
	}
	return (h_rd32(h, off) & mask) == want;
}

void h_reset(struct h_dev *h)
{
	h_wr32(h, WCNIC_REG_CONTROL, WCNIC_CTRL_RESET);
	REQUIRE(h_wait32(h, WCNIC_REG_CONTROL, WCNIC_CTRL_RESET, 0) &&
		h_wait32(h, WCNIC_REG_STATUS, WCNIC_STS_READY, WCNIC_STS_READY),
		"reset did not complete: CONTROL %#x STATUS %#x",
		h_rd32(h, WCNIC_REG_CONTROL), h_rd32(h, WCNIC_REG_STATUS));
	memset(h->tx, 0, sizeof(h->tx));
	memset(h->rx, 0, sizeof(h->rx));
	/* Ring memory is allocated afresh after every reset; TX data stays. */
	h->used = H_DATA_SIZE;
}

void h_global(struct h_dev *h, uint64_t features, uint32_t nq, uint32_t mtu)
{
	h_wr64(h, WCNIC_REG_DRV_FEATURES, features);
	h_wr32(h, WCNIC_REG_NUM_QUEUES, nq);
	h_wr32(h, WCNIC_REG_MTU, mtu);
}

void h_txq_setup(struct h_dev *h, unsigned int q, uint32_t mode, uint32_t ring_size)
{
	struct h_txq *t = &h->tx[q];

	memset(t, 0, sizeof(*t));
	t->mode = mode;
	if (mode == WCNIC_TXM_DMA) {
		t->entries = ring_size;
		t->ring = h_alloc(h, (size_t)ring_size * sizeof(*t->ring), &t->ring_iova);
		h_qwr64(h, q, WCNIC_QREG_TX_RING_IOVA, t->ring_iova);
		h_qwr32(h, q, WCNIC_QREG_TX_RING_SIZE, ring_size);
	} else {
		t->entry_size = mode == WCNIC_TXM_PUSH_128 ? WCNIC_PUSH_ENTRY_128 : WCNIC_PUSH_ENTRY_256;
		t->entries = WCNIC_PUSH_RING_BYTES / t->entry_size;
	}
	t->head_wb = h_alloc(h, WCNIC_CACHE_LINE, &t->cmpl_iova);
	h_qwr32(h, q, WCNIC_QREG_TX_MODE, mode);
	h_qwr64(h, q, WCNIC_QREG_TX_CMPL_IOVA, t->cmpl_iova);
}

void h_rxq_setup(struct h_dev *h, unsigned int q, uint32_t ring_size, uint32_t buf_size)
{
	struct h_rxq *r = &h->rx[q];

	memset(r, 0, sizeof(*r));
	r->size = ring_size;
	r->buf_size = buf_size;
	r->ring = h_alloc(h, (size_t)ring_size * sizeof(*r->ring), &r->ring_iova);
	r->cmpl = h_alloc(h, (size_t)ring_size * sizeof(*r->cmpl), &r->cmpl_iova);
	r->bufs = h_alloc(h, (size_t)ring_size * buf_size, &r->bufs_iova);
	h_qwr64(h, q, WCNIC_QREG_RX_RING_IOVA, r->ring_iova);
	h_qwr64(h, q, WCNIC_QREG_RX_CMPL_IOVA, r->cmpl_iova);
	h_qwr32(h, q, WCNIC_QREG_RX_RING_SIZE, ring_size);
	h_qwr32(h, q, WCNIC_QREG_RX_BUF_SIZE, buf_size);
}

void h_enable(struct h_dev *h)
{
	h_wr32(h, WCNIC_REG_CONTROL, WCNIC_CTRL_ENABLE);
	REQUIRE(h_wait32(h, WCNIC_REG_STATUS, WCNIC_STS_ENABLED, WCNIC_STS_ENABLED),
		"device did not enable: STATUS %#x ERROR_CODE %u INFO %#llx",
		h_rd32(h, WCNIC_REG_STATUS), h_rd32(h, WCNIC_REG_ERROR_CODE),
		(unsigned long long)h_rd64(h, WCNIC_REG_ERROR_INFO));
}

void h_bringup(struct h_dev *h, unsigned int nq, uint32_t mode)
{
	unsigned int q;

	h_reset(h);
	h_global(h, h->params.dev_features & ~H_FEATURES_1_1, nq, 1500);
	for (q = 0; q < nq; q++) {
		h_txq_setup(h, q, mode, 256);
		h_rxq_setup(h, q, 256, 2048);
		h_qwr32(h, q, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE | WCNIC_QCTRL_RX_ENABLE);
	}
	h_enable(h);
	for (q = 0; q < nq; q++)
		REQUIRE(h_tx_running(h, q) && h_rx_running(h, q), "queue %u not running: %#x", q,
			h_qrd32(h, q, WCNIC_QREG_STATUS));
}

bool h_tx_running(struct h_dev *h, unsigned int q)
{
	return h_qrd32(h, q, WCNIC_QREG_STATUS) & WCNIC_QSTS_TX_RUNNING;
}

bool h_rx_running(struct h_dev *h, unsigned int q)
{
	return h_qrd32(h, q, WCNIC_QREG_STATUS) & WCNIC_QSTS_RX_RUNNING;
}

bool h_stopped(struct h_dev *h, unsigned int q, bool tx, uint32_t code)
{
	uint32_t st = h_qrd32(h, q, WCNIC_QREG_STATUS);
	uint32_t run = tx ? WCNIC_QSTS_TX_RUNNING : WCNIC_QSTS_RX_RUNNING;
	uint32_t err = tx ? WCNIC_QSTS_TX_STOPPED_ERR : WCNIC_QSTS_RX_STOPPED_ERR;

	if ((st & run) || !(st & err) || h_qrd32(h, q, WCNIC_QREG_ERROR) != code) {
		fprintf(stderr, "    queue %u %s: Q STATUS %#x Q ERROR %u, expected error %u\n", q,
			tx ? "TX" : "RX", st, h_qrd32(h, q, WCNIC_QREG_ERROR), code);
		return false;
	}
	return true;
}

uint64_t h_data(struct h_dev *h, const void *bytes, uint32_t len)
{
	size_t off = (h->data_used + 63) & ~(size_t)63;

	if (off + len > H_DATA_SIZE)
		off = 0;
	REQUIRE(len <= H_DATA_SIZE, "frame too large");
	memcpy(h->data + off, bytes, len);
	h->data_used = off + len;
	return h_iova(h, h->data + off);
}

uint8_t *h_push_slot(struct h_dev *h, unsigned int q)
{
	const struct h_txq *t = &h->tx[q];

	return h->bar + WCNIC_PUSH_RING_OFF(q) + (t->tail & (t->entries - 1)) * t->entry_size;
}

void h_push_commit(struct h_dev *h, unsigned int q)
{
	h->tx[q].tail++;
}

void h_push(struct h_dev *h, unsigned int q, const uint8_t *frame, uint32_t len,
	    uint32_t inline_len, unsigned int nb_sg)
{
	h_push_csum(h, q, frame, len, inline_len, nb_sg, 0, 0);
}

void h_push_csum(struct h_dev *h, unsigned int q, const uint8_t *frame, uint32_t len,
		 uint32_t inline_len, unsigned int nb_sg, uint8_t flags, uint16_t hdr_lens)
{
	uint32_t esize = h->tx[q].entry_size, rest = len - inline_len, off = inline_len, i;
	uint8_t entry[WCNIC_PUSH_ENTRY_256];
	struct wcnic_push_hdr hdr = {
		.pkt_len = (uint16_t)len,
		.inline_len = (uint16_t)inline_len,
		.nb_sg = (uint8_t)nb_sg,
		.flags = flags,
		.hdr_lens = hdr_lens,
		.cookie = 0xC0FFEE,
	};

	REQUIRE(inline_len <= len && (nb_sg == 0) == (rest == 0) && rest >= nb_sg &&
		WCNIC_PUSH_HDR_SIZE + nb_sg * WCNIC_SG_SIZE + inline_len <= esize,
		"bad h_push(len %u, inline %u, nb_sg %u)", len, inline_len, nb_sg);
	/* Bytes past the used part are don't-care: make them noisy. */
	memset(entry, 0xCC, sizeof(entry));
	memcpy(entry, &hdr, sizeof(hdr));
	for (i = 0; i < nb_sg; i++) {
		uint32_t seg = rest / nb_sg + (i < rest % nb_sg);
		struct wcnic_sg sg = { .iova = h_data(h, frame + off, seg), .len = seg };

		memcpy(entry + WCNIC_PUSH_HDR_SIZE + i * WCNIC_SG_SIZE, &sg, sizeof(sg));
		off += seg;
	}
	memcpy(entry + WCNIC_PUSH_HDR_SIZE + nb_sg * WCNIC_SG_SIZE, frame, inline_len);
	memcpy(h_push_slot(h, q), entry, esize);
	h_push_commit(h, q);
}

void h_dma_desc(struct h_dev *h, unsigned int q, uint64_t iova, uint16_t len, uint16_t flags,
		uint32_t hdr_lens)
{
	struct h_txq *t = &h->tx[q];
	struct wcnic_tx_desc d = { .iova = iova, .len = len, .flags = flags, .hdr_lens = hdr_lens };

	t->ring[t->tail & (t->entries - 1)] = d;
	t->tail++;
}

void h_dma_tx(struct h_dev *h, unsigned int q, const uint8_t *frame, uint32_t len,
	      unsigned int nseg)
{
	h_dma_tx_csum(h, q, frame, len, nseg, 0, 0);
}

void h_dma_tx_csum(struct h_dev *h, unsigned int q, const uint8_t *frame, uint32_t len,
		   unsigned int nseg, uint16_t flags, uint32_t hdr_lens)
{
	uint32_t off = 0, i;

	REQUIRE(nseg >= 1 && len >= nseg, "bad h_dma_tx(len %u, nseg %u)", len, nseg);
	for (i = 0; i < nseg; i++) {
		uint32_t seg = len / nseg + (i < len % nseg);

		h_dma_desc(h, q, h_data(h, frame + off, seg), (uint16_t)seg,
			   (uint16_t)((i + 1 == nseg ? WCNIC_TXD_EOP : 0) | (i == 0 ? flags : 0)),
			   i == 0 ? hdr_lens : 0);
		off += seg;
	}
}

void h_tx_doorbell(struct h_dev *h, unsigned int q)
{
	struct h_txq *t = &h->tx[q];

	t->seq++;
	h_wr32(h, WCNIC_DB_TX_OFF(q), WCNIC_DB_VALUE(t->seq, t->tail));
}

uint32_t h_tx_head(struct h_dev *h, unsigned int q)
{
	return __atomic_load_n(h->tx[q].head_wb, __ATOMIC_ACQUIRE);
}

void h_rx_post_desc(struct h_dev *h, unsigned int q, uint64_t iova, uint64_t rsvd)
{
	struct h_rxq *r = &h->rx[q];
	struct wcnic_rx_desc d = { .iova = iova, .rsvd = rsvd };

	r->ring[r->posted & (r->size - 1)] = d;
	r->posted++;
}

void h_rx_doorbell(struct h_dev *h, unsigned int q)
{
	struct h_rxq *r = &h->rx[q];

	r->seq++;
	h_wr32(h, WCNIC_DB_RX_OFF(q), WCNIC_DB_VALUE(r->seq, r->posted));
}

void h_rx_post(struct h_dev *h, unsigned int q, unsigned int n)
{
	struct h_rxq *r = &h->rx[q];

	while (n-- > 0)
		h_rx_post_desc(h, q, r->bufs_iova + (uint64_t)(r->posted & (r->size - 1)) * r->buf_size,
			       0);
	h_rx_doorbell(h, q);
}

bool h_rx_next(struct h_dev *h, unsigned int q, const uint8_t **buf, uint16_t *len)
{
	uint16_t flags;

	return h_rx_next_flags(h, q, buf, len, &flags);
}

bool h_rx_next_flags(struct h_dev *h, unsigned int q, const uint8_t **buf, uint16_t *len,
		     uint16_t *flags)
{
	struct h_rxq *r = &h->rx[q];
	uint32_t pos = r->next & (r->size - 1);
	/* Acquire: the frame bytes are read only after the completion. */
	uint64_t c = __atomic_load_n((uint64_t *)(void *)&r->cmpl[pos], __ATOMIC_ACQUIRE);
	uint32_t phase = (uint32_t)(c >> 16) & WCNIC_RXC_PHASE;

	if (phase != WCNIC_RX_PHASE_OF(r->next, r->size))
		return false;
	*len = (uint16_t)c;
	*flags = (uint16_t)(c >> 16);
	*buf = r->bufs + (size_t)pos * r->buf_size;
	r->next++;
	return true;
}

bool h_guards_ok(const struct h_dev *h)
{
	const uint8_t *zones[2] = { h->mem, h->arena + H_ARENA_SIZE };
	size_t z, i;

	for (z = 0; z < 2; z++) {
		for (i = 0; i < H_GUARD_SIZE; i++) {
			if (zones[z][i] != H_GUARD_BYTE) {
				fprintf(stderr, "    guard %s the arena changed at byte %zu\n",
					z == 0 ? "before" : "after", i);
				return false;
			}
		}
	}
	return true;
}

bool h_queue_works(struct h_dev *h, unsigned int q)
{
	uint32_t before = h_tx_head(h, q);
	uint8_t frame[100];

	h_udp_frame(frame, sizeof(frame), q);
	if (h->tx[q].mode == WCNIC_TXM_DMA)
		h_dma_tx(h, q, frame, sizeof(frame), 1);
	else
		h_push(h, q, frame, sizeof(frame), sizeof(frame), 0);
	h_tx_doorbell(h, q);
	h_poll(h, 1);
	if (h_tx_head(h, q) != before + 1) {
		fprintf(stderr, "    queue %u did not consume a valid frame\n", q);
		return false;
	}
	return true;
}

bool h_error_is(struct h_dev *h, unsigned int q, bool tx, uint32_t code, uint64_t info)
{
	unsigned int other = q == 1 ? 0 : 1;
	bool ok = true;

	if (h_rd32(h, WCNIC_REG_ERROR_CODE) != code || h_rd32(h, WCNIC_REG_ERROR_QUEUE) != q ||
	    h_rd64(h, WCNIC_REG_ERROR_INFO) != info) {
		fprintf(stderr, "    ERROR_CODE %u QUEUE %u INFO %#llx, expected %u %u %#llx\n",
			h_rd32(h, WCNIC_REG_ERROR_CODE), h_rd32(h, WCNIC_REG_ERROR_QUEUE),
			(unsigned long long)h_rd64(h, WCNIC_REG_ERROR_INFO), code, q,
			(unsigned long long)info);
		ok = false;
	}
	if (!(h_rd32(h, WCNIC_REG_STATUS) & WCNIC_STS_ERROR) ||
	    h_rd64(h, WCNIC_REG_CNT_ERRORS) != 1) {
		fprintf(stderr, "    STATUS %#x CNT_ERRORS %llu\n", h_rd32(h, WCNIC_REG_STATUS),
			(unsigned long long)h_rd64(h, WCNIC_REG_CNT_ERRORS));
		ok = false;
	}
	ok = h_stopped(h, q, tx, code) && ok;
	ok = h_guards_ok(h) && ok;
	if (other < h_rd32(h, WCNIC_REG_NUM_QUEUES) && h_tx_running(h, other))
		ok = h_queue_works(h, other) && ok;
	return ok;
}

/* ------------------------------------------------------------------ */

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

uint16_t h_ip_csum(const uint8_t *ip, uint32_t ihl)
{
	uint32_t sum = 0, i;

	for (i = 0; i < ihl; i += 2)
		if (i != 10)
			sum += get16(ip + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void h_udp_frame(uint8_t *f, uint32_t len, uint32_t seed)
{
	static const uint8_t hdr[34] = {
		0x02, 0x77, 0x63, 0x6e, 0x69, 0x63, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x08, 0x00,
		0x45, 0x00, 0, 0, 0, 0, 0x40, 0x00, 64, 17, 0, 0,
		10, 0, 0, 1, 10, 0, 0, 2,
	};
	uint32_t i;

	REQUIRE(len >= 42, "frame of %u bytes cannot hold UDP", len);
	memcpy(f, hdr, sizeof(hdr));
	put16(f + 16, len - 14);
	put16(f + 18, seed);
	put16(f + 24, h_ip_csum(f + 14, 20));
	put16(f + 34, 4000 + (seed & 0xff));
	put16(f + 36, 5000);
	put16(f + 38, len - 34);
	put16(f + 40, 0);
	for (i = 42; i < len; i++)
		f[i] = (uint8_t)(seed * 31 + i);
}

bool h_frame_is_udp4(const uint8_t *f, uint32_t len)
{
	uint32_t ihl, tot, ulen;

	if (len < 42 || get16(f + 12) != 0x0800 || (f[14] >> 4) != 4)
		return false;
	ihl = (f[14] & 15u) * 4;
	if (ihl < 20 || 14 + ihl + 8 > len || f[23] != 17)
		return false;
	if (h_ip_csum(f + 14, ihl) != get16(f + 24))
		return false;
	tot = get16(f + 16);
	ulen = get16(f + 14 + ihl + 4);
	return tot <= len - 14 && tot >= ihl + 8 && ulen >= 8 && ulen <= tot - ihl;
}

uint64_t h_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}
