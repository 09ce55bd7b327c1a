/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Receive-side scaling of the device model (interface 1.1, WCNIC_F_RSS):
 * the Toeplitz hash over a frame's addresses and ports, as the spec's RSS
 * section defines it, and the RX queue its redirection-table entry names.
 */
#include "model_inet.h"
#include "model_priv.h"
#include "model_regs.h"

/* Bytes that hold every field the hash may read: tagged Ethernet, an IPv6
 * header (larger than any IPv4 one the hash reads ports after), ports. */
#define RSS_SPAN        (18u + 60u + 4u)

uint32_t model_toeplitz(const uint8_t key[WCNIC_RSS_KEY_SIZE], const uint8_t *in, uint32_t len)
{
	/* The 32 key bits that line up with the input bit being read. */
	uint32_t window = (uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 |
			  (uint32_t)key[2] << 8 | key[3];
	uint32_t hash = 0, i, next_key_bit = 32;
	int b;

	for (i = 0; i < len; i++) {
		for (b = 7; b >= 0; b--, next_key_bit++) {
			if (in[i] & (1u << b))
				hash ^= window;
			window <<= 1;
			if (next_key_bit < WCNIC_RSS_KEY_SIZE * 8)
				window |= (key[next_key_bit / 8] >> (7 - next_key_bit % 8)) & 1u;
		}
	}
	return hash;
}

void model_rss_load(struct wcnic_model *m)
{
	struct model_rss *r = &m->rss;

	r->gen = bar_rd32(m->bar, WCNIC_REG_RSS_GEN);
	r->types = (m->drv_features & WCNIC_F_RSS) ? bar_rd32(m->bar, WCNIC_REG_RSS_TYPES) : 0;
	shm_snapshot(r->key, m->bar + WCNIC_REG_RSS_KEY, sizeof(r->key));
	shm_snapshot(r->reta, m->bar + WCNIC_REG_RSS_RETA, sizeof(r->reta));
}

unsigned int model_rss_poll(struct wcnic_model *m)
{
	/* Acquire: a new RSS_GEN publishes the tables written before it. */
	if (!(m->drv_features & WCNIC_F_RSS) ||
	    __atomic_load_n(reg32(m->bar, WCNIC_REG_RSS_GEN), __ATOMIC_ACQUIRE) == m->rss.gen)
		return 0;
	model_rss_load(m);
	return 1;
}

struct model_rss_hash model_rss_classify(const struct wcnic_model *m, const struct model_frame *f)
{
	struct model_rss_hash h = { 0, WCNIC_RXC_HASH_NONE };
	const uint32_t types = m->rss.types;
	uint8_t buf[RSS_SPAN], in[36];
	uint32_t avail = f->len < RSS_SPAN ? f->len : RSS_SPAN;
	uint32_t l2 = 14, type, addr_len, l4 = 0, proto;
	bool ports_ok;

	if (types == 0 || avail < l2)
		return h;
	model_frame_copy(f, 0, buf, avail);
	type = be16(buf + 12);
	if (type == ETHERTYPE_VLAN && avail >= 18) {
		l2 = 18;
		type = be16(buf + 16);
	}
	if (type == ETHERTYPE_IPV4 && avail >= l2 + 20 && (buf[l2] >> 4) == 4 &&
	    (types & (WCNIC_RSS_IPV4 | WCNIC_RSS_IPV4_TCP | WCNIC_RSS_IPV4_UDP))) {
		/* Fragments (MF or an offset) are hashed on addresses only. */
		bool fragment = (be16(buf + l2 + 6) & 0x3FFFu) != 0;

		addr_len = 4;
		memcpy(in, buf + l2 + 12, 8);
		proto = buf[l2 + 9];
		l4 = l2 + (buf[l2] & 0xFu) * 4u;
		ports_ok = !fragment && (buf[l2] & 0xFu) >= 5 &&
			   ((proto == IPPROTO_TCP_NUM && (types & WCNIC_RSS_IPV4_TCP)) ||
			    (proto == IPPROTO_UDP_NUM && (types & WCNIC_RSS_IPV4_UDP)));
		if (!ports_ok && !(types & WCNIC_RSS_IPV4))
			return h;
	} else if (type == ETHERTYPE_IPV6 && avail >= l2 + 40 && (buf[l2] >> 4) == 6 &&
		   (types & (WCNIC_RSS_IPV6 | WCNIC_RSS_IPV6_TCP | WCNIC_RSS_IPV6_UDP))) {
		addr_len = 16;
		memcpy(in, buf + l2 + 8, 32);
		proto = buf[l2 + 6];
		l4 = l2 + 40;
		ports_ok = (proto == IPPROTO_TCP_NUM && (types & WCNIC_RSS_IPV6_TCP)) ||
			   (proto == IPPROTO_UDP_NUM && (types & WCNIC_RSS_IPV6_UDP));
		if (!ports_ok && !(types & WCNIC_RSS_IPV6))
			return h;
	} else {
		return h;
	}
	/* Ports only when the frame holds them; else the addresses alone. */
	if (ports_ok && avail >= l4 + 4) {
		memcpy(in + 2 * addr_len, buf + l4, 4);
		h.hash = model_toeplitz(m->rss.key, in, 2 * addr_len + 4);
		h.type = proto == IPPROTO_TCP_NUM ? WCNIC_RXC_HASH_TCP : WCNIC_RXC_HASH_UDP;
	} else if (types & (addr_len == 4 ? WCNIC_RSS_IPV4 : WCNIC_RSS_IPV6)) {
		h.hash = model_toeplitz(m->rss.key, in, 2 * addr_len);
		h.type = WCNIC_RXC_HASH_L3;
	}
	return h;
}

unsigned int model_rss_queue(const struct wcnic_model *m, const struct model_rss_hash *h)
{
	/* Frames that are not hashed go to queue 0, as on NICs users know. */
	return h->type == WCNIC_RXC_HASH_NONE ? 0 : m->rss.reta[WCNIC_RSS_RETA_INDEX(h->hash)];
}
