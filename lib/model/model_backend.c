/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Back ends of the device model: what the wire does with transmitted
 * frames (sink check, loopback, the embedding program's back end) and
 * where received frames come from (loopback, generator, that back end).
 */
#include <string.h>

#include "model_inet.h"
#include "model_priv.h"
#include "model_regs.h"

/* Bytes the sink check may look at: tagged L2, largest IPv4 header, TCP. */
#define SINK_HDR_SPAN   (ETH_HDR_LEN + VLAN_TAG_LEN + IPV4_MAX_HDR + TCP_MIN_HDR)

void model_frame_copy(const struct model_frame *f, uint32_t offset, uint8_t *dst, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < f->nseg && len != 0; i++) {
		uint32_t n;

		if (offset >= f->seg_len[i]) {
			offset -= f->seg_len[i];
			continue;
		}
		n = f->seg_len[i] - offset < len ? f->seg_len[i] - offset : len;
		/* memmove: a driver may post an RX buffer over the very TX
		 * buffer being looped back; hardware would just copy. */
		memmove(dst, f->seg[i] + offset, n);
		offset = 0;
		dst += n;
		len -= n;
	}
}

/*
 * The sink's sanity check: IPv4 or IPv6 carrying UDP or TCP (spec 16). p
 * holds the first avail bytes of a frame of frame_len bytes, avail =
 * min(frame_len, SINK_HDR_SPAN), which covers every header byte looked at.
 */
static bool hdr_is_sane(const uint8_t *p, uint32_t avail, uint32_t frame_len)
{
	uint32_t l2 = ETH_HDR_LEN, type, hl, l4_len, proto, ulen, doff;
	const uint8_t *ip, *l4;

	if (avail < ETH_HDR_LEN)
		return false;
	type = be16(p + 12);
	if (type == ETHERTYPE_VLAN) {
		if (avail < ETH_HDR_LEN + VLAN_TAG_LEN)
			return false;
		type = be16(p + 16);
		l2 += VLAN_TAG_LEN;
	}
	ip = p + l2;
	if (type == ETHERTYPE_IPV4) {
		if (avail < l2 + IPV4_MIN_HDR)
			return false;
		hl = (ip[0] & 0xfu) * 4u;
		if ((ip[0] >> 4) != 4 || hl < IPV4_MIN_HDR || l2 + hl > avail ||
		    inet_fold(inet_sum(ip, hl, 0)) != 0xffff)
			return false;
		l4_len = be16(ip + 2);  /* total length */
		if (l4_len > frame_len - l2 || l4_len < hl)
			return false;
		l4_len -= hl;
		proto = ip[9];
	} else if (type == ETHERTYPE_IPV6) {
		if (avail < l2 + IPV6_HDR_LEN || (ip[0] >> 4) != 6)
			return false;
		hl = IPV6_HDR_LEN;
		l4_len = be16(ip + 4);  /* payload length */
		if (hl + l4_len > frame_len - l2)
			return false;
		proto = ip[6];
	} else {
		return false;
	}
	l4 = ip + hl;
	if (proto == IPPROTO_UDP_NUM) {
		if (l4_len < UDP_HDR_LEN || l2 + hl + UDP_HDR_LEN > avail)
			return false;
		ulen = be16(l4 + 4);
		return ulen >= UDP_HDR_LEN && ulen <= l4_len;
	}
	if (proto == IPPROTO_TCP_NUM) {
		if (l4_len < TCP_MIN_HDR || l2 + hl + TCP_MIN_HDR > avail)
			return false;
		doff = (uint32_t)(l4[12] >> 4) * 4u;
		return doff >= TCP_MIN_HDR && doff <= l4_len;
	}
	return false;
}

static bool frame_is_sane(const struct model_frame *f)
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
		return hdr_is_sane(f->seg[0], avail, f->len);
	model_frame_copy(f, 0, buf, avail);
	return hdr_is_sane(buf, avail, f->len);
}

/*
 * Queue qi's frame back to RX: to queue qi, or with RSS on (1.1) to the
 * queue the redirection table gives, as a NIC receiving it would. A table
 * entry naming no queue of the device drops the frame as no-buffer.
 */
static void loopback(struct wcnic_model *m, unsigned int qi, const struct model_frame *f)
{
	struct model_rss_hash h;
	unsigned int to;

	if (m->rss.types == 0) {
		model_rx_deliver(m, qi, f, NULL);
		return;
	}
	h = model_rss_classify(m, f);
	to = model_rss_queue(m, &h);
	/* Counted on the sending queue: the frame reached no RX queue. */
	if (to >= WCNIC_MAX_QUEUES) {
		cnt_add(m, qi, WCNIC_CNT_RX_NO_BUF, 1);
		return;
	}
	model_rx_deliver(m, to, f, &h);
}

void model_backend_tx(struct wcnic_model *m, unsigned int qi, const struct model_frame *f)
{
	switch (m->p.backend) {
	case WCNIC_BACKEND_LOOPBACK:
		loopback(m, qi, f);
		break;
	case WCNIC_BACKEND_EXTERNAL:
		/* One contiguous copy: the back end sees a plain frame, and the
		 * driver cannot change it while the back end reads it. */
		model_frame_copy(f, 0, m->ext_frame, f->len);
		m->p.ext_ops->tx(m->p.ext_ctx, qi, m->ext_frame, f->len);
		break;
	default:
		if (!frame_is_sane(f))
			cnt_add(m, qi, WCNIC_CNT_TX_HDR_BAD, 1);
		/* A frame with a checksum request is the one segment
		 * model_csum_insert() made: are its checksums right? */
		if (f->txf != 0 && !model_csum_verify(f->seg[0], f->len, f->txf))
			cnt_add(m, qi, WCNIC_CNT_TX_CSUM_BAD, 1);
		break;
	}
}

/* What the generator's frames have in common (spec 16). */
static const uint8_t gen_src_mac[6] = { 0x02, 0x77, 0x63, 0x67, 0x65, 0x6e };
static const uint8_t gen_src_ip[4] = { 198, 18, 0, 1 };
static const uint8_t gen_dst_ip[4] = { 198, 18, 0, 2 };
static const uint8_t gen_src_ip6[16] = { 0x20, 0x01, 0x00, 0x02, [15] = 1 };
static const uint8_t gen_dst_ip6[16] = { 0x20, 0x01, 0x00, 0x02, [15] = 2 };
#define GEN_VLAN_TCI    100u
#define GEN_PORT        1024u

/* Ethernet header (and tag) to the MAC the driver configured; returns its length. */
static uint32_t gen_l2(const struct wcnic_model *m, uint8_t *fr, bool vlan, uint32_t type)
{
	uint32_t mac_lo = bar_rd32(m->bar, WCNIC_REG_MAC_LO);
	uint32_t mac_hi = bar_rd32(m->bar, WCNIC_REG_MAC_HI), i, l2 = ETH_HDR_LEN;

	for (i = 0; i < 4; i++)
		fr[i] = (uint8_t)(mac_lo >> (8 * i));
	fr[4] = (uint8_t)mac_hi;
	fr[5] = (uint8_t)(mac_hi >> 8);
	memcpy(fr + 6, gen_src_mac, sizeof(gen_src_mac));
	if (vlan) {
		put_be16(fr + 12, ETHERTYPE_VLAN);
		put_be16(fr + 14, GEN_VLAN_TCI);
		l2 += VLAN_TAG_LEN;
	}
	put_be16(fr + l2 - 2, type);
	return l2;
}

/* IPv4 header without options, total length tot, valid header checksum. */
static void gen_ipv4(uint8_t *ip, uint32_t tot, uint32_t proto)
{
	memset(ip, 0, IPV4_MIN_HDR);
	ip[0] = 0x45;
	put_be16(ip + 2, tot);
	ip[8] = 64;
	ip[9] = (uint8_t)proto;
	memcpy(ip + 12, gen_src_ip, 4);
	memcpy(ip + 16, gen_dst_ip, 4);
	put_be16(ip + 10, ~inet_fold(inet_sum(ip, IPV4_MIN_HDR, 0)) & 0xffff);
}

/*
 * The plain generator frame: to the MAC the driver configured, from a
 * fixed locally administered MAC, IPv4 198.18.0.1 -> 198.18.0.2
 * (benchmarking range), UDP 1024 -> 1024 without checksum, a counting
 * byte pattern as payload.
 */
static uint32_t gen_build_udp4(const struct wcnic_model *m, uint8_t *fr)
{
	uint32_t len = m->p.gen_frame_len, l2 = gen_l2(m, fr, false, ETHERTYPE_IPV4), i;
	uint8_t *udp = fr + l2 + IPV4_MIN_HDR;

	gen_ipv4(fr + l2, len - l2, IPPROTO_UDP_NUM);
	memset(udp, 0, UDP_HDR_LEN);
	put_be16(udp, GEN_PORT);
	put_be16(udp + 2, GEN_PORT);
	put_be16(udp + 4, len - l2 - IPV4_MIN_HDR);
	/* UDP checksum 0: none, allowed over IPv4. */
	for (i = WCNIC_MODEL_GEN_MIN_LEN; i < len; i++)
		fr[i] = (uint8_t)i;
	return len;
}

/*
 * Kind k of gen_mix (spec 16): 0 IPv4/UDP, 1 IPv4/TCP, 2 IPv6/UDP,
 * 3 IPv6/TCP, 4 and 5 the same as 0 and 3 behind an 802.1Q tag, 6 IPv4/UDP
 * with a wrong IPv4 header checksum, 7 IPv4/TCP with a wrong TCP checksum.
 * The checksums are made as the device's insertion makes them.
 */
static uint32_t gen_build_kind(const struct wcnic_model *m, unsigned int k, uint8_t *fr)
{
	const bool vlan = k == 4 || k == 5, ipv6 = k == 2 || k == 3 || k == 5;
	const bool tcp = k == 1 || k == 3 || k == 5 || k == 7;
	uint32_t l2 = gen_l2(m, fr, vlan, ipv6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
	uint32_t l3 = ipv6 ? IPV6_HDR_LEN : IPV4_MIN_HDR, l4_hdr = tcp ? TCP_MIN_HDR : UDP_HDR_LEN;
	uint32_t len = m->p.gen_frame_len, i, txf;
	uint8_t *ip = fr + l2, *l4 = ip + l3;

	if (len < l2 + l3 + l4_hdr)
		len = l2 + l3 + l4_hdr;
	if (ipv6) {
		memset(ip, 0, IPV6_HDR_LEN);
		ip[0] = 0x60;
		put_be16(ip + 4, len - l2 - l3);
		ip[6] = tcp ? IPPROTO_TCP_NUM : IPPROTO_UDP_NUM;
		ip[7] = 64;
		memcpy(ip + 8, gen_src_ip6, 16);
		memcpy(ip + 24, gen_dst_ip6, 16);
	} else {
		gen_ipv4(ip, len - l2, tcp ? IPPROTO_TCP_NUM : IPPROTO_UDP_NUM);
	}
	memset(l4, 0, l4_hdr);
	put_be16(l4, GEN_PORT);
	put_be16(l4 + 2, GEN_PORT);
	if (tcp) {
		l4[7] = 1;            /* sequence number 1 */
		l4[12] = 5u << 4;     /* data offset 5 */
		l4[13] = 0x10;        /* ACK */
		put_be16(l4 + 14, 0xffff);
	} else {
		put_be16(l4 + 4, len - l2 - l3);
	}
	for (i = l2 + l3 + l4_hdr; i < len; i++)
		fr[i] = (uint8_t)i;
	txf = (tcp ? WCNIC_TXF_L4_TCP : WCNIC_TXF_L4_UDP) | (ipv6 ? WCNIC_TXF_IPV6 : 0);
	model_csum_fill(fr, len, txf, l2, l3);
	if (k == 6)
		ip[11] ^= 1;   /* the IPv4 header checksum's lowest bit */
	if (k == 7)
		l4[17] ^= 1;   /* the TCP checksum's lowest bit */
	return len;
}

void model_gen_build(struct wcnic_model *m)
{
	unsigned int k;

	m->gen_next = 0;
	if (!m->p.gen_mix) {
		m->gen_kinds = 1;
		m->gen_len[0] = gen_build_udp4(m, m->gen_frame[0]);
		return;
	}
	m->gen_kinds = WCNIC_MODEL_GEN_KINDS;
	for (k = 0; k < WCNIC_MODEL_GEN_KINDS; k++)
		m->gen_len[k] = gen_build_kind(m, k, m->gen_frame[k]);
}

/* The generator: a frame for every posted buffer, the kinds in turn. */
static unsigned int gen_rx_poll(struct wcnic_model *m, unsigned int qi)
{
	const struct model_rxq *rx = &m->q[qi].rx;
	unsigned int n = 0;

	/* Offer a frame per posted buffer; stop at the first that is not
	 * taken (too large for the buffers, or the ring failed). */
	while (rx->state == RING_RUNNING && rx->cons != rx->posted) {
		unsigned int k = (unsigned int)(m->gen_next % m->gen_kinds);
		struct model_frame f = {
			.len = m->gen_len[k],
			.nseg = 1,
			.seg = { m->gen_frame[k] },
			.seg_len = { m->gen_len[k] },
		};

		if (!model_rx_deliver(m, qi, &f, NULL))
			break;
		m->gen_next++;
		n++;
	}
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

	if (qi >= WCNIC_MAX_QUEUES || len < WCNIC_MIN_FRAME_LEN)
		return false;
	/* Longer than any frame the interface carries (and than the 16-bit
	 * completion length): no buffer could take it. */
	if (len > WCNIC_MAX_FRAME_LEN) {
		cnt_add(m, qi, WCNIC_CNT_RX_OVERSIZE, 1);
		return false;
	}
	return model_rx_deliver(m, qi, &f, NULL);
}
