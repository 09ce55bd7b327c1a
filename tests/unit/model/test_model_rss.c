/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSS of the device model (interface 1.1): the Toeplitz hash against the
 * published verification vectors, and loopback frames steered to the RX
 * queue the redirection table names, with hash and hash type in the
 * completion.
 *
 * The vectors are those of Microsoft's "Verifying the RSS Hash
 * Calculation" (Windows network driver documentation, RSS): its 40-byte
 * key, five IPv4 and three IPv6 flows, each with the hash over the
 * addresses alone and over addresses and TCP ports.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "model_priv.h"

static const uint8_t ms_key[WCNIC_RSS_KEY_SIZE] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

struct vector {
	int family;
	const char *src, *dst;
	uint16_t sport, dport;
	uint32_t hash_l3, hash_l4;
};

static const struct vector vectors[] = {
	{ AF_INET, "66.9.149.187", "161.142.100.80", 2794, 1766, 0x323e8fc2, 0x51ccc178 },
	{ AF_INET, "199.92.111.2", "65.69.140.83", 14230, 4739, 0xd718262a, 0xc626b0ea },
	{ AF_INET, "24.19.198.95", "12.22.207.184", 12898, 38024, 0xd2d0a5de, 0x5c2b394a },
	{ AF_INET, "38.27.205.30", "209.142.163.6", 48228, 2217, 0x82989176, 0xafc7327f },
	{ AF_INET, "153.39.163.191", "202.188.127.2", 44251, 1303, 0x5d1809c5, 0x10e828a2 },
	{ AF_INET6, "3ffe:2501:200:1fff::7", "3ffe:2501:200:3::1", 2794, 1766,
	  0x2cc18cd5, 0x40207d3d },
	{ AF_INET6, "3ffe:501:8::260:97ff:fe40:efab", "ff02::1", 14230, 4739,
	  0x0f0c461c, 0xdde51bbf },
	{ AF_INET6, "3ffe:1900:4545:3:200:f8ff:fe21:67cf", "fe80::200:f8ff:fe21:67cf", 44251,
	  38024, 0x4b61e985, 0x02d1feef },
};

/* The hash input of v: source and destination address, then (with ports)
 * source and destination port, all in network order. Returns its length. */
static uint32_t
vector_input(const struct vector *v, bool ports, uint8_t *in)
{
	uint32_t alen = v->family == AF_INET ? 4 : 16;
	uint16_t p[2] = { htons(v->sport), htons(v->dport) };

	REQUIRE(inet_pton(v->family, v->src, in) == 1 && inet_pton(v->family, v->dst, in + alen) == 1,
		"vector addresses %s %s", v->src, v->dst);
	if (ports)
		memcpy(in + 2 * alen, p, sizeof(p));
	return 2 * alen + (ports ? 4 : 0);
}

static void test_toeplitz_vectors(void)
{
	unsigned int i;
	uint8_t in[36];

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];
		uint32_t l3 = model_toeplitz(ms_key, in, vector_input(v, false, in));
		uint32_t l4 = model_toeplitz(ms_key, in, vector_input(v, true, in));

		CHECK(l3 == v->hash_l3, "%s -> %s: addresses hash to 0x%08x, published 0x%08x",
		      v->src, v->dst, l3, v->hash_l3);
		CHECK(l4 == v->hash_l4, "%s:%u -> %s:%u: hash 0x%08x, published 0x%08x", v->src,
		      v->sport, v->dst, v->dport, l4, v->hash_l4);
	}
}

/* Ethernet (optionally 802.1Q tagged), IPv4 or IPv6 of vector v, then a
 * TCP or UDP header (proto) or none; returns the frame length. */
static uint32_t
vector_frame(const struct vector *v, uint8_t proto, bool vlan, uint8_t *f)
{
	uint32_t l2 = vlan ? 18 : 14, l3 = v->family == AF_INET ? 20 : 40;
	uint32_t alen = v->family == AF_INET ? 4 : 16, len = l2 + l3 + 20 + 26;
	uint16_t p[2] = { htons(v->sport), htons(v->dport) };
	uint8_t *ip = f + l2;

	memset(f, 0, len);
	memcpy(f, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
	if (vlan)
		memcpy(f + 12, "\x81\x00\x00\x05", 4);
	memcpy(f + l2 - 2, v->family == AF_INET ? "\x08\x00" : "\x86\xdd", 2);
	if (v->family == AF_INET) {
		ip[0] = 0x45;
		ip[2] = (uint8_t)((len - l2) >> 8);
		ip[3] = (uint8_t)(len - l2);
		ip[8] = 64;
		ip[9] = proto;
		REQUIRE(inet_pton(AF_INET, v->src, ip + 12) == 1 &&
			inet_pton(AF_INET, v->dst, ip + 16) == 1, "IPv4 vector");
	} else {
		ip[0] = 0x60;
		ip[4] = (uint8_t)((len - l2 - l3) >> 8);
		ip[5] = (uint8_t)(len - l2 - l3);
		ip[6] = proto;
		ip[7] = 64;
		REQUIRE(inet_pton(AF_INET6, v->src, ip + 8) == 1 &&
			inet_pton(AF_INET6, v->dst, ip + 8 + alen) == 1, "IPv6 vector");
	}
	memcpy(ip + l3, p, sizeof(p));
	return len;
}

static void write_tables(struct h_dev *h, uint32_t types, const uint8_t *reta)
{
	uint32_t i, w;

	for (i = 0; i < WCNIC_RSS_KEY_SIZE; i += 4) {
		memcpy(&w, ms_key + i, 4);
		h_wr32(h, WCNIC_REG_RSS_KEY + i, w);
	}
	for (i = 0; i < WCNIC_RSS_RETA_SIZE; i += 4) {
		memcpy(&w, reta + i, 4);
		h_wr32(h, WCNIC_REG_RSS_RETA + i, w);
	}
	h_wr32(h, WCNIC_REG_RSS_TYPES, types);
}

/* Four queues, loopback, RSS accepted (or not) with the tables written. */
static void bringup(struct h_dev *h, uint64_t features, uint32_t types, const uint8_t *reta)
{
	struct wcnic_model_params p;
	unsigned int q;

	wcnic_model_params_init(&p);
	p.backend = WCNIC_BACKEND_LOOPBACK;
	h_init(h, &p);
	h_reset(h);
	h_global(h, features, 4, 1500);
	write_tables(h, types, reta);
	for (q = 0; q < 4; q++) {
		h_txq_setup(h, q, WCNIC_TXM_PUSH_128, 256);
		h_rxq_setup(h, q, 64, 2048);
		h_qwr32(h, q, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE | WCNIC_QCTRL_RX_ENABLE);
	}
	h_enable(h);
	for (q = 0; q < 4; q++)
		h_rx_post(h, q, 32);
}

/* Send frame on queue 0; return the queue it came back on (-1: none) and
 * its completion's flags and hash. */
static int send_and_find(struct h_dev *h, const uint8_t *frame, uint32_t len, uint16_t *flags,
			 uint32_t *hash)
{
	const uint8_t *buf;
	uint16_t got;
	unsigned int q;

	h_push(h, 0, frame, len, len, 0);
	h_tx_doorbell(h, 0);
	h_poll(h, 1);
	for (q = 0; q < 4; q++) {
		if (h_rx_next(h, q, &buf, &got)) {
			const struct wcnic_rx_cmpl *c =
				&h->rx[q].cmpl[(h->rx[q].next - 1) & (h->rx[q].size - 1)];

			CHECK(got == len && memcmp(buf, frame, len) == 0, "frame bytes on queue %u", q);
			*flags = c->flags & ~WCNIC_RXC_PHASE;
			*hash = c->hash;
			return (int)q;
		}
	}
	return -1;
}

static void test_loopback_steers_by_hash(void)
{
	static const struct { uint8_t proto; bool vlan; uint32_t types; uint16_t type; } cases[] = {
		{ 6, false, WCNIC_RSS_IPV4 | WCNIC_RSS_IPV4_TCP | WCNIC_RSS_IPV6 | WCNIC_RSS_IPV6_TCP,
		  WCNIC_RXC_HASH_TCP },
		{ 6, true, WCNIC_RSS_IPV4 | WCNIC_RSS_IPV4_TCP | WCNIC_RSS_IPV6 | WCNIC_RSS_IPV6_TCP,
		  WCNIC_RXC_HASH_TCP },
		/* TCP frames, port hashing off: addresses only. */
		{ 6, false, WCNIC_RSS_IPV4 | WCNIC_RSS_IPV6, WCNIC_RXC_HASH_L3 },
		/* UDP frames with TCP types only: addresses only. */
		{ 17, false, WCNIC_RSS_IPV4 | WCNIC_RSS_IPV4_TCP | WCNIC_RSS_IPV6 | WCNIC_RSS_IPV6_TCP,
		  WCNIC_RXC_HASH_L3 },
	};
	uint8_t reta[WCNIC_RSS_RETA_SIZE], frame[128];
	unsigned int c, i, q;
	uint32_t hash;
	uint16_t flags;
	struct h_dev h;

	for (i = 0; i < WCNIC_RSS_RETA_SIZE; i++)
		reta[i] = (uint8_t)((i * 7 + i / 64 + 1) % 4);  /* differs at i and i + 64 */
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		bringup(&h, WCNIC_MODEL_FEATURES_1_0 | WCNIC_F_RSS, cases[c].types, reta);
		for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
			const struct vector *v = &vectors[i];
			uint32_t want = cases[c].type == WCNIC_RXC_HASH_L3 ? v->hash_l3 : v->hash_l4;
			int got_q = send_and_find(&h, frame, vector_frame(v, cases[c].proto,
									  cases[c].vlan, frame),
						  &flags, &hash);

			CHECK(hash == want, "case %u, %s: completion hash 0x%08x, want 0x%08x", c,
			      v->src, hash, want);
			CHECK(WCNIC_RXC_HASH_TYPE(flags) == cases[c].type,
			      "case %u, %s: hash type %u, want %u", c, v->src,
			      WCNIC_RXC_HASH_TYPE(flags), cases[c].type);
			CHECK(got_q == reta[WCNIC_RSS_RETA_INDEX(want)],
			      "case %u, %s: on queue %d, the table says %u", c, v->src, got_q,
			      reta[WCNIC_RSS_RETA_INDEX(want)]);
		}
		h_fini(&h);
	}

	/* New tables apply when RSS_GEN changes: everything to queue 2; a
	 * frame that is not IP goes to queue 0, unhashed. */
	bringup(&h, WCNIC_MODEL_FEATURES_1_0 | WCNIC_F_RSS, WCNIC_RSS_IPV4_TCP, reta);
	memset(reta, 2, sizeof(reta));
	write_tables(&h, WCNIC_RSS_IPV4_TCP, reta);
	h_wr32(&h, WCNIC_REG_RSS_GEN, 1);
	h_poll(&h, 1);
	for (i = 0; i < 5; i++)
		CHECK(send_and_find(&h, frame, vector_frame(&vectors[i], 6, false, frame), &flags,
				    &hash) == 2, "after RSS_GEN, %s on queue 2", vectors[i].src);
	/* A table entry naming no queue of the device: dropped as no-buffer,
	 * counted on the sending queue (per-queue counts add up to the total). */
	memset(reta, 200, sizeof(reta));
	write_tables(&h, WCNIC_RSS_IPV4_TCP, reta);
	h_wr32(&h, WCNIC_REG_RSS_GEN, 2);
	h_poll(&h, 1);
	CHECK(send_and_find(&h, frame, vector_frame(&vectors[0], 6, false, frame), &flags,
			    &hash) == -1, "a frame for queue 200 received");
	{
		struct wcnic_model_stats st;

		wcnic_model_stats(h.m, &st);
		CHECK(st.total[WCNIC_CNT_RX_NO_BUF] == 1 && st.queue[0][WCNIC_CNT_RX_NO_BUF] == 1,
		      "no-buffer drops: total %" PRIu64 ", queue 0 %" PRIu64,
		      st.total[WCNIC_CNT_RX_NO_BUF], st.queue[0][WCNIC_CNT_RX_NO_BUF]);
	}
	memset(reta, 2, sizeof(reta));
	write_tables(&h, WCNIC_RSS_IPV4_TCP, reta);
	h_wr32(&h, WCNIC_REG_RSS_GEN, 3);
	h_poll(&h, 1);
	memset(frame + 12, 0x88, 2);  /* an EtherType that is not IP */
	q = (unsigned int)send_and_find(&h, frame, 64, &flags, &hash);
	CHECK(q == 0 && flags == 0 && hash == 0, "non-IP frame: queue %u, flags 0x%x, hash 0x%x",
	      q, flags, hash);
	h_fini(&h);
}

/* RSS not accepted (a 1.0 driver): frames stay on their queue, hash 0. */
static void test_rss_not_accepted(void)
{
	uint8_t reta[WCNIC_RSS_RETA_SIZE], frame[128];
	uint32_t hash;
	uint16_t flags;
	struct h_dev h;
	unsigned int i;

	memset(reta, 3, sizeof(reta));
	bringup(&h, WCNIC_MODEL_FEATURES_1_0, WCNIC_RSS_IPV4_TCP, reta);
	for (i = 0; i < 5; i++) {
		int q = send_and_find(&h, frame, vector_frame(&vectors[i], 6, false, frame), &flags,
				      &hash);

		CHECK(q == 0 && flags == 0 && hash == 0,
		      "%s: queue %d, flags 0x%x, hash 0x%x without RSS", vectors[i].src, q, flags,
		      hash);
	}
	h_fini(&h);
}

int main(void)
{
	TEST_RUN(test_toeplitz_vectors);
	TEST_RUN(test_loopback_steers_by_hash);
	TEST_RUN(test_rss_not_accepted);
	return test_exit_status(NULL);
}
