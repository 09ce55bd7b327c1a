/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checksum offloads of the device model (interface 1.1, spec section 18):
 * the checks of a TX checksum request, the insertion of the checksums into
 * the transmitted frame, and the classification of received frames
 * (packet type and checksum status), which the checking back end also uses
 * to verify what was inserted.
 *
 * Insertion follows the request and the header lengths alone; the
 * classification parses the frame by itself. A request whose lengths do
 * not match the frame therefore puts checksums where the classification
 * does not find them, which is what the sink counts.
 */
#include "model_inet.h"
#include "model_priv.h"
#include "model_regs.h"

#define IPV4_CSUM_OFF   10u
#define TCP_CSUM_OFF    16u
#define UDP_CSUM_OFF    6u

/* The pseudo-header's sum (spec 18.3) for an IP header at ip. */
static uint32_t pseudo_sum(const uint8_t *ip, bool ipv6, uint32_t proto, uint32_t n)
{
	if (ipv6)
		return inet_sum(ip + 8, 32, proto + (n >> 16) + (n & 0xffff));
	return inet_sum(ip + 12, 8, proto + n);
}

enum wcnic_error model_csum_req_check(const struct wcnic_model *m, uint32_t field, uint32_t extra,
				      uint32_t hdr_lens, struct model_frame *f, uint32_t *need,
				      uint64_t *info)
{
	const bool accepted = (m->drv_features & WCNIC_F_TX_CSUM) != 0;
	uint32_t txf = field & ~extra, l2, l3;
	bool request = (txf & (WCNIC_TXF_IP_CSUM | WCNIC_TXF_L4_MASK)) != 0;

	f->txf = 0;
	*need = 0;
	if (txf != 0 && (!accepted || !request || (txf & ~WCNIC_TXF_MASK) != 0 ||
			 (txf & WCNIC_TXF_L4_MASK) == WCNIC_TXF_L4_MASK ||
			 (txf & (WCNIC_TXF_IP_CSUM | WCNIC_TXF_IPV6)) ==
			 (WCNIC_TXF_IP_CSUM | WCNIC_TXF_IPV6))) {
		*info = field;
		return WCNIC_ERR_BAD_DESCRIPTOR;
	}
	if (txf == 0) {
		if (hdr_lens != 0) {
			*info = hdr_lens;
			return WCNIC_ERR_BAD_DESCRIPTOR;
		}
		return WCNIC_ERR_NONE;
	}
	l2 = WCNIC_TX_HDR_L2(hdr_lens);
	l3 = WCNIC_TX_HDR_L3(hdr_lens);
	if ((hdr_lens >> 16) != 0 || l2 < WCNIC_TX_L2_LEN_MIN ||
	    ((txf & WCNIC_TXF_IPV6) ?
	     l3 < WCNIC_TX_IPV6_LEN_MIN || l3 > WCNIC_TX_IPV6_LEN_MAX || l3 % 8 != 0 :
	     l3 < WCNIC_TX_IPV4_LEN_MIN || l3 > WCNIC_TX_IPV4_LEN_MAX || l3 % 4 != 0)) {
		*info = hdr_lens;
		return WCNIC_ERR_BAD_DESCRIPTOR;
	}
	f->txf = txf;
	f->l2_len = l2;
	f->l3_len = l3;
	*need = l2 + l3;
	if ((txf & WCNIC_TXF_L4_MASK) == WCNIC_TXF_L4_TCP)
		*need += WCNIC_TX_TCP_HDR_MIN;
	else if ((txf & WCNIC_TXF_L4_MASK) == WCNIC_TXF_L4_UDP)
		*need += WCNIC_TX_UDP_HDR_LEN;
	return WCNIC_ERR_NONE;
}

void model_csum_fill(uint8_t *p, uint32_t len, uint32_t txf, uint32_t l2_len, uint32_t l3_len)
{
	uint8_t *ip = p + l2_len;

	if (txf & WCNIC_TXF_IP_CSUM) {
		put_be16(ip + IPV4_CSUM_OFF, 0);
		put_be16(ip + IPV4_CSUM_OFF, ~inet_fold(inet_sum(ip, l3_len, 0)) & 0xffff);
	}
	if (txf & WCNIC_TXF_L4_MASK) {
		const bool tcp = (txf & WCNIC_TXF_L4_MASK) == WCNIC_TXF_L4_TCP;
		uint32_t l4 = l2_len + l3_len, n = len - l4, c;
		uint8_t *field = p + l4 + (tcp ? TCP_CSUM_OFF : UDP_CSUM_OFF);

		put_be16(field, 0);
		c = ~inet_fold(inet_sum(p + l4, n,
					pseudo_sum(ip, (txf & WCNIC_TXF_IPV6) != 0,
						   tcp ? IPPROTO_TCP_NUM : IPPROTO_UDP_NUM, n)));
		c &= 0xffff;
		/* A UDP checksum of 0 says "none": its equal 0xFFFF goes instead. */
		put_be16(field, !tcp && c == 0 ? 0xffff : c);
	}
}

void model_csum_insert(struct wcnic_model *m, unsigned int qi, struct model_frame *f)
{
	/* The driver's buffers are read, never written: the checksums go
	 * into the device's own copy of the frame. */
	model_frame_copy(f, 0, m->csum_frame, f->len);
	model_csum_fill(m->csum_frame, f->len, f->txf, f->l2_len, f->l3_len);
	f->nseg = 1;
	f->seg[0] = m->csum_frame;
	f->seg_len[0] = f->len;
	cnt_add(m, qi, WCNIC_CNT_TX_CSUM, 1);
}

/* IPv6 extension headers (IANA): the classification does not walk them. */
static bool ipv6_ext_header(uint32_t nh)
{
	switch (nh) {
	case 0: case 43: case 44: case 50: case 51: case 60:
	case 135: case 139: case 140: case 253: case 254:
		return true;
	}
	return false;
}

uint16_t model_csum_classify(const uint8_t *p, uint32_t len)
{
	uint32_t type, off = 12, tags, l3, hl, n, l4, proto, sum;
	uint16_t r;

	if (len < WCNIC_MIN_FRAME_LEN)
		return 0;
	/* Rule 1: up to two VLAN tags. */
	type = be16(p + off);
	for (tags = 0; tags < 2 && (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ); tags++) {
		off += 4;
		if (len < off + 2)
			return 0;
		type = be16(p + off);
	}
	l3 = off + 2;
	if (type == ETHERTYPE_IPV4) {
		/* Rule 2. */
		if (len < l3 + 20 || (p[l3] >> 4) != 4)
			return 0;
		hl = (p[l3] & 0xfu) * 4u;
		if (hl < 20 || l3 + hl > len)
			return 0;
		r = WCNIC_RXC_L3_IPV4 | (inet_fold(inet_sum(p + l3, hl, 0)) == 0xffff ?
					 WCNIC_RXC_IP_CSUM_GOOD : WCNIC_RXC_IP_CSUM_BAD);
		n = be16(p + l3 + 2);  /* total length */
		if (n < hl || n > len - l3 || (be16(p + l3 + 6) & 0x3fffu) != 0)
			return r;  /* inconsistent, or a fragment: no L4 */
		n -= hl;
		proto = p[l3 + 9];
		l4 = l3 + hl;
		sum = pseudo_sum(p + l3, false, proto, n);
	} else if (type == ETHERTYPE_IPV6) {
		/* Rule 3. */
		if (len < l3 + 40 || (p[l3] >> 4) != 6)
			return 0;
		r = WCNIC_RXC_L3_IPV6;
		n = be16(p + l3 + 4);  /* payload length */
		proto = p[l3 + 6];
		if (n > len - l3 - 40 || ipv6_ext_header(proto))
			return r;
		l4 = l3 + 40;
		sum = pseudo_sum(p + l3, true, proto, n);
	} else {
		return 0;
	}
	/* Rule 4. */
	if (proto == IPPROTO_TCP_NUM) {
		r |= WCNIC_RXC_L4_TCP;
		if (n < WCNIC_TX_TCP_HDR_MIN)
			return r | WCNIC_RXC_L4_CSUM_BAD;
	} else if (proto == IPPROTO_UDP_NUM) {
		r |= WCNIC_RXC_L4_UDP;
		if (n < WCNIC_TX_UDP_HDR_LEN || be16(p + l4 + 4) != n)
			return r | WCNIC_RXC_L4_CSUM_BAD;
		if (be16(p + l4 + UDP_CSUM_OFF) == 0)  /* no checksum: IPv4 only */
			return (r & WCNIC_RXC_L3_MASK) == WCNIC_RXC_L3_IPV4 ? r :
			       r | WCNIC_RXC_L4_CSUM_BAD;
	} else {
		return r | WCNIC_RXC_L4_OTHER;
	}
	return r | (inet_fold(inet_sum(p + l4, n, sum)) == 0xffff ? WCNIC_RXC_L4_CSUM_GOOD :
							    WCNIC_RXC_L4_CSUM_BAD);
}

uint16_t model_rx_classify(struct wcnic_model *m, const struct model_frame *f)
{
	if (f->nseg == 1)
		return model_csum_classify(f->seg[0], f->len);
	model_frame_copy(f, 0, m->rx_frame, f->len);
	return model_csum_classify(m->rx_frame, f->len);
}

bool model_csum_verify(const uint8_t *p, uint32_t len, uint32_t txf)
{
	const uint16_t c = model_csum_classify(p, len);
	uint32_t want;

	if ((txf & WCNIC_TXF_IP_CSUM) &&
	    ((c & WCNIC_RXC_L3_MASK) != WCNIC_RXC_L3_IPV4 || !(c & WCNIC_RXC_IP_CSUM_GOOD)))
		return false;
	switch (txf & WCNIC_TXF_L4_MASK) {
	case WCNIC_TXF_L4_TCP:
		want = WCNIC_RXC_L4_TCP;
		break;
	case WCNIC_TXF_L4_UDP:
		want = WCNIC_RXC_L4_UDP;
		break;
	default:
		return true;
	}
	return (c & WCNIC_RXC_L4_MASK) == want && (c & WCNIC_RXC_L4_CSUM_GOOD);
}
