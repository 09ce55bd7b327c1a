/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Back ends of the device model: what the wire does with transmitted
 * frames (sink check, loopback, the embedding program's back end) and
 * where received frames come from (loopback, generator, that back end).
 */
#include <string.h>

#include "model_priv.h"
#include "model_regs.h"

#define ETH_HDR_LEN     14u
#define VLAN_TAG_LEN    4u
#define ETHERTYPE_IPV4  0x0800u
#define ETHERTYPE_VLAN  0x8100u
#define IPV4_MIN_HDR    20u
#define IPV4_MAX_HDR    60u
#define IPPROTO_UDP_NUM 17u
#define UDP_HDR_LEN     8u
/* Bytes the sink check may look at: tagged L2, largest IPv4 header, UDP. */
#define SINK_HDR_SPAN   (ETH_HDR_LEN + VLAN_TAG_LEN + IPV4_MAX_HDR + UDP_HDR_LEN)

void model_frame_copy(const struct model_frame *f, uint8_t *dst, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < f->nseg && len != 0; i++) {
		uint32_t n = f->seg_len[i] < len ? f->seg_len[i] : len;

		/* memmove: a driver may post an RX buffer over the very TX
		 * buffer being looped back; hardware would just copy. */
		memmove(dst, f->seg[i], n);
		dst += n;
		len -= n;
	}
}

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static void put_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* One's complement sum of len bytes (len even), folded to 16 bits. */
static uint32_t csum16(const uint8_t *p, uint32_t len)
{
	uint32_t sum = 0, i;

	for (i = 0; i < len; i += 2)
		sum += be16(p + i);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/*
 * The sink's sanity check of an IPv4/UDP frame. p holds the first avail
 * bytes of a frame of frame_len bytes, avail = min(frame_len, SINK_HDR_SPAN),
 * which covers every header byte looked at.
 */
static bool hdr_is_udp4(const uint8_t *p, uint32_t avail, uint32_t frame_len)
{
	uint32_t l2 = ETH_HDR_LEN, type, ihl, tot, ulen;
	const uint8_t *ip;

	if (avail < ETH_HDR_LEN)
		return false;
	type = be16(p + 12);
	if (type == ETHERTYPE_VLAN) {
		if (avail < ETH_HDR_LEN + VLAN_TAG_LEN)
			return false;
		type = be16(p + 16);
		l2 += VLAN_TAG_LEN;
	}
	if (type != ETHERTYPE_IPV4 || avail < l2 + IPV4_MIN_HDR)
		return false;
	ip = p + l2;
	ihl = (ip[0] & 0xfu) * 4u;
	if ((ip[0] >> 4) != 4 || ihl < IPV4_MIN_HDR || l2 + ihl + UDP_HDR_LEN > avail)
		return false;
	if (csum16(ip, ihl) != 0xffff || ip[9] != IPPROTO_UDP_NUM)
		return false;
	tot = be16(ip + 2);
	if (tot > frame_len - l2 || tot < ihl + UDP_HDR_LEN)
		return false;
	ulen = be16(ip + ihl + 4);
	return ulen >= UDP_HDR_LEN && ulen <= tot - ihl;
}

static bool frame_is_udp4(const struct model_frame *f)
{
	uint8_t buf[SINK_HDR_SPAN];
	uint32_t avail = f->len < SINK_HDR_SPAN ? f->len : SINK_HDR_SPAN;

	/*
	 * Usually the headers lie in the first segment and are read in place
	 * (that segment is the local copy of the push entry, or granted host
	 * memory that a racing driver could change; a race then only changes
	 * the verdict, which only feeds a counter). Otherwise gather them.
	 */
	if (f->seg_len[0] >= avail)
		return hdr_is_udp4(f->seg[0], avail, f->len);
	model_frame_copy(f, buf, avail);
	return hdr_is_udp4(buf, avail, f->len);
}

void model_backend_tx(struct wcnic_model *m, unsigned int qi, const struct model_frame *f)
{
	switch (m->p.backend) {
	case WCNIC_BACKEND_LOOPBACK:
		model_rx_deliver(m, qi, f);
		break;
	case WCNIC_BACKEND_EXTERNAL:
		/* One contiguous copy: the back end sees a plain frame, and the
		 * driver cannot change it while the back end reads it. */
		model_frame_copy(f, m->ext_frame, f->len);
		m->p.ext_ops->tx(m->p.ext_ctx, qi, m->ext_frame, f->len);
		break;
	default:
		if (!frame_is_udp4(f))
			cnt_add(m, qi, WCNIC_CNT_TX_HDR_BAD, 1);
		break;
	}
}

/*
 * The generator's frame: to the MAC the driver configured, from a fixed
 * locally administered MAC, IPv4 198.18.0.1 -> 198.18.0.2 (benchmarking
 * range), UDP 1024 -> 1024, a counting byte pattern as payload.
 */
void model_gen_build(struct wcnic_model *m)
{
	static const uint8_t src_mac[6] = { 0x02, 0x77, 0x63, 0x67, 0x65, 0x6e };
	static const uint8_t src_ip[4] = { 198, 18, 0, 1 };
	static const uint8_t dst_ip[4] = { 198, 18, 0, 2 };
	uint8_t *fr = m->gen_frame, *ip = fr + ETH_HDR_LEN, *udp = ip + IPV4_MIN_HDR;
	uint32_t len = m->p.gen_frame_len, mac_lo, mac_hi, i;

	mac_lo = bar_rd32(m->bar, WCNIC_REG_MAC_LO);
	mac_hi = bar_rd32(m->bar, WCNIC_REG_MAC_HI);
	for (i = 0; i < 4; i++)
		fr[i] = (uint8_t)(mac_lo >> (8 * i));
	fr[4] = (uint8_t)mac_hi;
	fr[5] = (uint8_t)(mac_hi >> 8);
	memcpy(fr + 6, src_mac, sizeof(src_mac));
	put_be16(fr + 12, ETHERTYPE_IPV4);

	memset(ip, 0, IPV4_MIN_HDR + UDP_HDR_LEN);
	ip[0] = 0x45;
	put_be16(ip + 2, len - ETH_HDR_LEN);
	ip[8] = 64;
	ip[9] = IPPROTO_UDP_NUM;
	memcpy(ip + 12, src_ip, 4);
	memcpy(ip + 16, dst_ip, 4);
	put_be16(ip + 10, ~csum16(ip, IPV4_MIN_HDR) & 0xffff);

	put_be16(udp, 1024);
	put_be16(udp + 2, 1024);
	put_be16(udp + 4, len - ETH_HDR_LEN - IPV4_MIN_HDR);
	/* UDP checksum 0: none, allowed over IPv4. */
	for (i = WCNIC_MODEL_GEN_MIN_LEN; i < len; i++)
		fr[i] = (uint8_t)i;
	m->gen_len = len;
}

/* The generator: a frame for every posted buffer. */
static unsigned int gen_rx_poll(struct wcnic_model *m, unsigned int qi)
{
	const struct model_rxq *rx = &m->q[qi].rx;
	struct model_frame f = {
		.len = m->gen_len,
		.nseg = 1,
		.seg = { m->gen_frame },
		.seg_len = { m->gen_len },
	};
	unsigned int n = 0;

	/* Offer a frame per posted buffer; stop at the first that is not
	 * taken (too large for the buffers, or the ring failed). */
	while (rx->state == RING_RUNNING && rx->cons != rx->posted && model_rx_deliver(m, qi, &f))
		n++;
	return n;
}

unsigned int model_backend_rx_poll(struct wcnic_model *m, unsigned int qi)
{
	const struct model_rxq *rx = &m->q[qi].rx;
	const struct wcnic_backend_ops *ops = m->p.ext_ops;

	switch (m->p.backend) {
	case WCNIC_BACKEND_GEN:
		return gen_rx_poll(m, qi);
	case WCNIC_BACKEND_EXTERNAL:
		/* Only asked when there is room: a back end reading from a
		 * socket leaves frames queued there rather than drop them. */
		if (ops->rx_poll == NULL || rx->cons == rx->posted)
			return 0;
		return ops->rx_poll(m->p.ext_ctx, m, qi, rx->posted - rx->cons);
	default:
		return 0;  /* sink and loopback have no source of their own */
	}
}

bool wcnic_model_rx(struct wcnic_model *m, unsigned int qi, const void *frame, uint32_t len)
{
	struct model_frame f = {
		.len = len,
		.nseg = 1,
		.seg = { frame },
		.seg_len = { len },
	};

	if (qi >= WCNIC_MAX_QUEUES || len < MODEL_MIN_FRAME_LEN)
		return false;
	/* Longer than any frame the interface carries (and than the 16-bit
	 * completion length): no buffer could take it. */
	if (len > WCNIC_MAX_FRAME_LEN) {
		cnt_add(m, qi, WCNIC_CNT_RX_OVERSIZE, 1);
		return false;
	}
	return model_rx_deliver(m, qi, &f);
}
