/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checksum offloads and packet types (interface 1.1, spec section 18):
 * checksums the device inserts on TX (push and DMA, IPv4 and IPv6, TCP and
 * UDP, tagged frames, headers split over segments), the packet type and
 * checksum status it reports on RX, the sink's verification of inserted
 * checksums, the generator's mixed frames, and requests the device must
 * refuse (reserved bits, bad header lengths, headers past the frame).
 *
 * Expected checksums come from this file's own reference code, which
 * knows where each test frame's headers are; the model finds them from the
 * request (TX) or by parsing (RX).
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define CSUM_BITS (WCNIC_RXC_L3_MASK | WCNIC_RXC_L4_MASK | WCNIC_RXC_IP_CSUM_GOOD | \
		   WCNIC_RXC_IP_CSUM_BAD | WCNIC_RXC_L4_CSUM_GOOD | WCNIC_RXC_L4_CSUM_BAD)

/* ------------------------------------------------------------------ */
/* Test frames and the reference checksums                            */

struct tframe {
	uint8_t b[WCNIC_MAX_FRAME_LEN];
	uint32_t len;
	uint32_t l2, l3;      /* header lengths */
	bool ipv6, tcp;
	uint32_t ip_csum_at;  /* offset of the IPv4 header checksum; 0: none */
	uint32_t l4_csum_at;  /* offset of the L4 checksum */
};

static void wr16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t rd16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

/* RFC 1071 over len bytes from p, started at `start`; not complemented. */
static uint32_t ref_sum(const uint8_t *p, uint32_t len, uint64_t start)
{
	uint64_t s = start;
	uint32_t i;

	for (i = 0; i < len; i++)
		s += (i & 1) ? p[i] : (uint64_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

/* Put the right checksums into f (the fields' old contents ignored). */
static void ref_fill(struct tframe *f)
{
	uint8_t *ip = f->b + f->l2;
	uint32_t l4 = f->l2 + f->l3, n = f->len - l4, c;
	uint64_t pseudo;

	if (!f->ipv6) {
		wr16(ip + 10, 0);
		wr16(ip + 10, ~ref_sum(ip, f->l3, 0) & 0xffff);
		pseudo = ref_sum(ip + 12, 8, 0) + (f->tcp ? 6 : 17) + n;
	} else {
		pseudo = ref_sum(ip + 8, 32, 0) + (f->tcp ? 6 : 17) + n;
	}
	wr16(f->b + f->l4_csum_at, 0);
	c = ~ref_sum(f->b + l4, n, pseudo) & 0xffff;
	wr16(f->b + f->l4_csum_at, !f->tcp && c == 0 ? 0xffff : c);
}

/*
 * A frame: tags 802.1Q tags, IPv4 with opt_len bytes of options or IPv6
 * with ext_len bytes of extension headers (a hop-by-hop header), TCP or
 * UDP, payload bytes from seed; every length field right, every checksum
 * field holding garbage.
 */
static void tframe_build(struct tframe *f, unsigned int tags, bool ipv6, bool tcp,
			 uint32_t opt_len, uint32_t payload, uint32_t seed)
{
	uint32_t i, l4h = tcp ? 20 : 8;
	uint8_t *ip, *l4;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < 12; i++)
		f->b[i] = (uint8_t)(0x10 + i);
	f->b[0] = 0x02;
	f->l2 = 14 + 4 * tags;
	for (i = 0; i < tags; i++) {
		wr16(f->b + 12 + 4 * i, i == 0 && tags == 2 ? 0x88A8 : 0x8100);
		wr16(f->b + 14 + 4 * i, 100 + i);
	}
	wr16(f->b + f->l2 - 2, ipv6 ? 0x86DD : 0x0800);
	f->ipv6 = ipv6;
	f->tcp = tcp;
	f->l3 = (ipv6 ? 40 : 20) + opt_len;
	f->len = f->l2 + f->l3 + l4h + payload;
	ip = f->b + f->l2;
	l4 = ip + f->l3;
	if (ipv6) {
		ip[0] = 0x60;
		wr16(ip + 4, f->l3 - 40 + l4h + payload);
		ip[6] = opt_len != 0 ? 0 : (tcp ? 6 : 17);  /* hop-by-hop first */
		ip[7] = 64;
		for (i = 0; i < 32; i++)
			ip[8 + i] = (uint8_t)(0xA0 + i * 3 + seed);
		if (opt_len != 0) {
			ip[40] = tcp ? 6 : 17;
			ip[41] = (uint8_t)(opt_len / 8 - 1);
			ip[42] = 1;  /* PadN */
			ip[43] = (uint8_t)(opt_len - 4);
		}
	} else {
		ip[0] = (uint8_t)(0x40 | (f->l3 / 4));
		wr16(ip + 2, f->l3 + l4h + payload);
		wr16(ip + 4, seed);
		ip[8] = 64;
		ip[9] = tcp ? 6 : 17;
		wr16(ip + 10, 0xBEEF);
		for (i = 0; i < 8; i++)
			ip[12 + i] = (uint8_t)(10 + i + seed);
		for (i = 20; i < f->l3; i++)
			ip[i] = 1;  /* NOP options */
		f->ip_csum_at = f->l2 + 10;
	}
	wr16(l4, 4000 + seed);
	wr16(l4 + 2, 5000);
	if (tcp) {
		l4[12] = 5 << 4;
		l4[13] = 0x18;
		wr16(l4 + 16, 0xDEAD);
		f->l4_csum_at = f->l2 + f->l3 + 16;
	} else {
		wr16(l4 + 4, l4h + payload);
		wr16(l4 + 6, 0xDEAD);
		f->l4_csum_at = f->l2 + f->l3 + 6;
	}
	for (i = 0; i < payload; i++)
		l4[l4h + i] = (uint8_t)(seed * 7 + i * 13);
}

/* The request for f: every checksum it has. */
static uint8_t tframe_flags(const struct tframe *f)
{
	return (uint8_t)((f->ipv6 ? WCNIC_TXF_IPV6 : WCNIC_TXF_IP_CSUM) |
			 (f->tcp ? WCNIC_TXF_L4_TCP : WCNIC_TXF_L4_UDP));
}

static uint16_t tframe_rxc(const struct tframe *f)
{
	return (uint16_t)((f->ipv6 ? WCNIC_RXC_L3_IPV6 : WCNIC_RXC_L3_IPV4 | WCNIC_RXC_IP_CSUM_GOOD) |
			  (f->tcp ? WCNIC_RXC_L4_TCP : WCNIC_RXC_L4_UDP) | WCNIC_RXC_L4_CSUM_GOOD);
}

/* ------------------------------------------------------------------ */

static void setup(struct h_dev *h, enum wcnic_backend backend)
{
	struct wcnic_model_params p;

	wcnic_model_params_init(&p);
	p.backend = backend;
	h_init(h, &p);
}

/* One queue in mode, RX of 256 buffers of 2048 bytes (64 of 256 with
 * scatter), with the features given on top of those of version 1.0. */
static void bringup(struct h_dev *h, uint32_t mode, uint64_t extra)
{
	bool scatter = (extra & WCNIC_F_RX_SCATTER) != 0;

	h_reset(h);
	h_global(h, (h->params.dev_features & ~H_FEATURES_1_1) | extra, 2, 9000);
	h_txq_setup(h, 0, mode, 256);
	h_rxq_setup(h, 0, scatter ? 64 : 256, scatter ? 256 : 2048);
	h_txq_setup(h, 1, mode, 256);
	h_rxq_setup(h, 1, 64, 2048);
	h_qwr32(h, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE | WCNIC_QCTRL_RX_ENABLE);
	h_qwr32(h, 1, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE | WCNIC_QCTRL_RX_ENABLE);
	h_enable(h);
}

/* The next completion of queue 0 holds exactly want and these flags. */
static bool rx_expect(struct h_dev *h, const uint8_t *want, uint32_t len, uint16_t rxc,
		      const char *what)
{
	const uint8_t *buf;
	uint16_t got, flags;
	uint32_t i;

	if (!h_rx_next_flags(h, 0, &buf, &got, &flags)) {
		fprintf(stderr, "    %s: nothing received\n", what);
		return false;
	}
	if (got != len) {
		fprintf(stderr, "    %s: %u bytes received, %u sent\n", what, got, len);
		return false;
	}
	for (i = 0; i < len; i++) {
		if (buf[i] != want[i]) {
			fprintf(stderr, "    %s: byte %u is %#x, expected %#x\n", what, i, buf[i],
				want[i]);
			return false;
		}
	}
	if ((flags & CSUM_BITS) != rxc) {
		fprintf(stderr, "    %s: RX flags %#x, expected %#x\n", what, flags & CSUM_BITS,
			rxc);
		return false;
	}
	return true;
}

static const struct {
	const char *what;
	unsigned int tags;
	bool ipv6, tcp;
	uint32_t opt;
	uint32_t payload;
} kinds[] = {
	{ "IPv4/UDP", 0, false, false, 0, 22 },
	{ "IPv4/TCP", 0, false, true, 0, 101 },
	{ "IPv6/UDP", 0, true, false, 0, 3 },
	{ "IPv6/TCP", 0, true, true, 0, 1000 },
	{ "802.1Q IPv4/TCP", 1, false, true, 0, 0 },
	{ "802.1Q IPv6/UDP", 1, true, false, 0, 77 },
	{ "QinQ IPv4/UDP", 2, false, false, 0, 1400 },
	{ "IPv4 options/TCP", 0, false, true, 40, 9 },
	{ "IPv4 options/UDP", 1, false, false, 4, 0 },
	{ "IPv6 hop-by-hop/UDP", 0, true, false, 8, 50 },
	{ "IPv6 hop-by-hop/TCP", 1, true, true, 24, 1900 },
};
#define NB_KINDS (sizeof(kinds) / sizeof(kinds[0]))

/* RX type and status of a loopback frame of kinds[k] with right checksums:
 * extension headers hide the L4 header from the classification. */
static uint16_t kind_rxc(unsigned int k, const struct tframe *f)
{
	if (kinds[k].ipv6 && kinds[k].opt != 0)
		return WCNIC_RXC_L3_IPV6;
	return tframe_rxc(f);
}

/*
 * Every kind of frame, with garbage in its checksum fields and a request
 * for all its checksums, in push mode (inline, and with the headers split
 * over DMA segments) and DMA mode (one or several descriptors): the frame
 * looped back carries the right checksums, the RX side calls them good,
 * and the driver's buffers were left as they were.
 */
static void run_insert(uint32_t mode)
{
	static struct tframe f, want;
	struct h_dev h;
	unsigned int k, v, sent = 0;

	setup(&h, WCNIC_BACKEND_LOOPBACK);
	bringup(&h, mode, WCNIC_F_TX_CSUM | WCNIC_F_RX_CSUM);
	for (k = 0; k < NB_KINDS; k++) {
		for (v = 0; v < 3; v++) {
			uint32_t hdr;

			tframe_build(&f, kinds[k].tags, kinds[k].ipv6, kinds[k].tcp, kinds[k].opt,
				     kinds[k].payload, k * 3 + v);
			want = f;
			ref_fill(&want);
			hdr = WCNIC_TX_HDR_LENS(f.l2, f.l3);
			h_rx_post(&h, 0, 1);
			if (mode == WCNIC_TXM_DMA) {
				/* 1, 2 or 7 descriptors: headers cut anywhere. */
				unsigned int nseg = v == 0 ? 1 : v == 1 ? 2 : 7;

				h_dma_tx_csum(&h, 0, f.b, f.len, f.len < nseg ? 1 : nseg,
					      tframe_flags(&f), hdr);
			} else {
				/* All inline if it fits; else 30 bytes inline and the
				 * rest over 1 or 3 segments; else no inline byte. */
				uint32_t room = WCNIC_PUSH_INLINE_ROOM(WCNIC_PUSH_ENTRY_256, 0);
				uint32_t inl = v == 0 && f.len <= room ? f.len : v == 2 ? 0 : 30;
				unsigned int nb_sg = inl == f.len ? 0 : v == 1 ? 1 : 3;

				h_push_csum(&h, 0, f.b, f.len, inl, nb_sg, tframe_flags(&f),
					    (uint16_t)hdr);
			}
			h_tx_doorbell(&h, 0);
			h_poll(&h, 1);
			sent++;
			REQUIRE(rx_expect(&h, want.b, want.len, kind_rxc(k, &want), kinds[k].what),
				"%s, variant %u", kinds[k].what, v);
			/* The TX data in host memory still has its garbage. */
			CHECK(memcmp(f.b + f.l4_csum_at, "\xDE\xAD", 2) == 0, "test frame changed");
		}
	}
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_CSUM), sent);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_PACKETS), sent);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_CSUM_BAD), 0);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_CSUM_BAD), 0);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_ERRORS), 0);
	CHECK(h_guards_ok(&h), "write outside granted memory");
	h_fini(&h);
}

static void test_insert_push(void)
{
	run_insert(WCNIC_TXM_PUSH_256);
}

static void test_insert_dma(void)
{
	run_insert(WCNIC_TXM_DMA);
}

/* The driver's TX buffers are read, not written: the DMA segments keep the
 * garbage the checksum fields had. */
static void test_tx_buffers_untouched(void)
{
	static struct tframe f;
	struct h_dev h;
	uint8_t *copy;
	uint64_t iova;

	setup(&h, WCNIC_BACKEND_SINK);
	bringup(&h, WCNIC_TXM_DMA, WCNIC_F_TX_CSUM);
	tframe_build(&f, 0, false, true, 0, 200, 1);
	copy = h_alloc(&h, f.len, &iova);
	memcpy(copy, f.b, f.len);
	h_dma_desc(&h, 0, iova, (uint16_t)f.len, WCNIC_TXD_EOP | tframe_flags(&f),
		   WCNIC_TX_HDR_LENS(f.l2, f.l3));
	h_tx_doorbell(&h, 0);
	h_poll(&h, 2);
	CHECK_EQ(h_tx_head(&h, 0), 1);
	CHECK(memcmp(copy, f.b, f.len) == 0, "the device wrote into a TX buffer");
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_CSUM), 1);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_CSUM_BAD), 0);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_HDR_BAD), 0);
	h_fini(&h);
}

/* A request for only some checksums inserts only those. */
static void test_partial_requests(void)
{
	static struct tframe f, want;
	struct h_dev h;

	setup(&h, WCNIC_BACKEND_LOOPBACK);
	bringup(&h, WCNIC_TXM_PUSH_128, WCNIC_F_TX_CSUM | WCNIC_F_RX_CSUM);

	/* IPv4 header only: the UDP checksum keeps its garbage. */
	tframe_build(&f, 0, false, false, 0, 30, 4);
	want = f;
	ref_fill(&want);
	memcpy(want.b + want.l4_csum_at, f.b + f.l4_csum_at, 2);
	h_rx_post(&h, 0, 2);
	h_push_csum(&h, 0, f.b, f.len, f.len, 0, WCNIC_TXF_IP_CSUM,
		    (uint16_t)WCNIC_TX_HDR_LENS(f.l2, f.l3));
	/* TCP only: the IPv4 header checksum keeps its garbage. */
	tframe_build(&f, 1, false, true, 0, 10, 5);
	h_push_csum(&h, 0, f.b, f.len, f.len, 0, WCNIC_TXF_L4_TCP,
		    (uint16_t)WCNIC_TX_HDR_LENS(f.l2, f.l3));
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK(rx_expect(&h, want.b, want.len,
			WCNIC_RXC_L3_IPV4 | WCNIC_RXC_IP_CSUM_GOOD | WCNIC_RXC_L4_UDP |
			WCNIC_RXC_L4_CSUM_BAD, "IPv4 checksum only"), "IPv4 checksum only");
	want = f;
	ref_fill(&want);
	memcpy(want.b + want.ip_csum_at, f.b + f.ip_csum_at, 2);
	CHECK(rx_expect(&h, want.b, want.len,
			WCNIC_RXC_L3_IPV4 | WCNIC_RXC_IP_CSUM_BAD | WCNIC_RXC_L4_TCP |
			WCNIC_RXC_L4_CSUM_GOOD, "TCP checksum only"), "TCP checksum only");
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_CSUM_BAD), 2);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_CSUM), 2);
	h_fini(&h);
}

/* A UDP checksum that comes out 0 is sent as 0xFFFF (0 means none). */
static void test_udp_zero_sent_as_ffff(void)
{
	static struct tframe f;
	const uint8_t *buf;
	uint16_t len, flags;
	uint32_t c;
	struct h_dev h;

	tframe_build(&f, 0, false, false, 0, 2, 6);
	/* Payload word chosen so that the sum is all ones: checksum 0. */
	wr16(f.b + f.l2 + f.l3 + 8, 0);
	wr16(f.b + f.l4_csum_at, 0);
	c = ref_sum(f.b + f.l2 + f.l3, f.len - f.l2 - f.l3,
		    ref_sum(f.b + f.l2 + 12, 8, 0) + 17 + (f.len - f.l2 - f.l3));
	wr16(f.b + f.l2 + f.l3 + 8, ~c & 0xffff);
	wr16(f.b + f.l4_csum_at, 0x1234);

	setup(&h, WCNIC_BACKEND_LOOPBACK);
	bringup(&h, WCNIC_TXM_DMA, WCNIC_F_TX_CSUM | WCNIC_F_RX_CSUM);
	h_rx_post(&h, 0, 1);
	h_dma_tx_csum(&h, 0, f.b, f.len, 1, WCNIC_TXF_L4_UDP, WCNIC_TX_HDR_LENS(f.l2, f.l3));
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	REQUIRE(h_rx_next_flags(&h, 0, &buf, &len, &flags), "nothing received");
	CHECK_EQ(rd16(buf + f.l4_csum_at), 0xffff);
	CHECK_EQ(flags & CSUM_BITS, WCNIC_RXC_L3_IPV4 | WCNIC_RXC_IP_CSUM_BAD | WCNIC_RXC_L4_UDP |
				     WCNIC_RXC_L4_CSUM_GOOD);
	h_fini(&h);
}

/* ------------------------------------------------------------------ */
/* RX classification                                                   */

/* Send f unchanged (no request) on loopback; expect rxc. */
static void rx_case(struct h_dev *h, const struct tframe *f, uint16_t rxc, const char *what)
{
	h_rx_post(h, 0, 1);
	h_push(h, 0, f->b, f->len, f->len <= 240 ? f->len : 64, f->len <= 240 ? 0 : 2);
	h_tx_doorbell(h, 0);
	h_poll(h, 1);
	CHECK(rx_expect(h, f->b, f->len, rxc, what), "%s", what);
}

static void test_rx_classification(void)
{
	static struct tframe f, g;
	struct h_dev h;
	uint64_t bad = 0;
	unsigned int k;

	setup(&h, WCNIC_BACKEND_LOOPBACK);
	bringup(&h, WCNIC_TXM_PUSH_256, WCNIC_F_RX_CSUM);

	for (k = 0; k < NB_KINDS; k++) {
		tframe_build(&f, kinds[k].tags, kinds[k].ipv6, kinds[k].tcp, kinds[k].opt,
			     kinds[k].payload, k);
		ref_fill(&f);
		rx_case(&h, &f, kind_rxc(k, &f), kinds[k].what);
		if (kinds[k].opt != 0 && kinds[k].ipv6)
			continue;
		/* The same with a wrong L4 checksum, then a wrong IPv4 one. */
		g = f;
		g.b[g.l4_csum_at + 1] ^= 0x40;
		rx_case(&h, &g, (uint16_t)((kind_rxc(k, &f) & ~WCNIC_RXC_L4_CSUM_GOOD) |
					   WCNIC_RXC_L4_CSUM_BAD), kinds[k].what);
		bad++;
		if (!kinds[k].ipv6) {
			g = f;
			g.b[g.ip_csum_at] ^= 0x01;
			rx_case(&h, &g, (uint16_t)((kind_rxc(k, &f) & ~WCNIC_RXC_IP_CSUM_GOOD) |
						   WCNIC_RXC_IP_CSUM_BAD), kinds[k].what);
			bad++;
		}
	}

	/* UDP without checksum: none over IPv4, bad over IPv6. */
	tframe_build(&f, 0, false, false, 0, 20, 1);
	ref_fill(&f);
	wr16(f.b + f.l4_csum_at, 0);
	rx_case(&h, &f, WCNIC_RXC_L3_IPV4 | WCNIC_RXC_IP_CSUM_GOOD | WCNIC_RXC_L4_UDP,
		"IPv4/UDP without checksum");
	tframe_build(&f, 0, true, false, 0, 20, 1);
	ref_fill(&f);
	wr16(f.b + f.l4_csum_at, 0);
	rx_case(&h, &f, WCNIC_RXC_L3_IPV6 | WCNIC_RXC_L4_UDP | WCNIC_RXC_L4_CSUM_BAD,
		"IPv6/UDP without checksum");
	bad++;

	/* A fragment (MF set, then an offset): L3 only. */
	tframe_build(&f, 0, false, true, 0, 40, 2);
	f.b[f.l2 + 6] = 0x20;
	ref_fill(&f);
	rx_case(&h, &f, WCNIC_RXC_L3_IPV4 | WCNIC_RXC_IP_CSUM_GOOD, "first fragment");
	f.b[f.l2 + 6] = 0x00;
	f.b[f.l2 + 7] = 0x08;
	ref_fill(&f);
	rx_case(&h, &f, WCNIC_RXC_L3_IPV4 | WCNIC_RXC_IP_CSUM_GOOD, "later fragment");
	/* DF is no fragment. */
	f.b[f.l2 + 6] = 0x40;
	f.b[f.l2 + 7] = 0x00;
	ref_fill(&f);
	rx_case(&h, &f, tframe_rxc(&f), "don't fragment");

	/* Another protocol: ICMP. */
	tframe_build(&f, 0, false, false, 0, 20, 3);
	f.b[f.l2 + 9] = 1;
	f.tcp = false;
	wr16(f.b + f.l2 + 10, 0);
	wr16(f.b + f.l2 + 10, ~ref_sum(f.b + f.l2, 20, 0) & 0xffff);
	rx_case(&h, &f, WCNIC_RXC_L3_IPV4 | WCNIC_RXC_IP_CSUM_GOOD | WCNIC_RXC_L4_OTHER, "ICMP");
	tframe_build(&f, 0, true, false, 0, 20, 3);
	f.b[f.l2 + 6] = 58;
	rx_case(&h, &f, WCNIC_RXC_L3_IPV6 | WCNIC_RXC_L4_OTHER, "ICMPv6");

	/* Not IP. */
	tframe_build(&f, 0, false, false, 0, 40, 4);
	wr16(f.b + 12, 0x0806);
	rx_case(&h, &f, 0, "ARP");
	/* Three tags: the third is not looked behind. */
	tframe_build(&f, 2, false, false, 0, 40, 4);
	memmove(f.b + 26, f.b + 22, f.len - 22);
	wr16(f.b + 20, 0x8100);
	wr16(f.b + 22, 7);
	wr16(f.b + 24, 0x0800);
	f.len += 4;
	rx_case(&h, &f, 0, "three VLAN tags");
	/* Broken IPv4 headers: nothing recognised. */
	tframe_build(&f, 0, false, false, 0, 40, 5);
	f.b[14] = 0x44;
	rx_case(&h, &f, 0, "IHL 4");
	f.b[14] = 0x55;
	rx_case(&h, &f, 0, "IPv4 version 5");
	tframe_build(&f, 0, true, false, 0, 40, 5);
	f.b[14] = 0x40;
	rx_case(&h, &f, 0, "IPv6 EtherType, version 4");

	/* Inconsistent lengths: L3 only. */
	tframe_build(&f, 0, false, true, 0, 40, 6);
	wr16(f.b + f.l2 + 2, f.len - f.l2 + 1);
	ref_fill(&f);
	rx_case(&h, &f, WCNIC_RXC_L3_IPV4 | WCNIC_RXC_IP_CSUM_GOOD,
		"IPv4 total length past the frame");
	tframe_build(&f, 0, true, true, 0, 40, 6);
	wr16(f.b + f.l2 + 4, f.len - f.l2 - 40 + 1);
	rx_case(&h, &f, WCNIC_RXC_L3_IPV6, "IPv6 payload length past the frame");

	/* Ethernet padding after the IP packet is ignored. */
	tframe_build(&f, 0, false, false, 0, 4, 7);
	ref_fill(&f);
	memset(f.b + f.len, 0x99, 12);
	f.len += 12;
	rx_case(&h, &f, tframe_rxc(&f), "padded frame");

	/* Too short for its L4 header, UDP length not the L4 bytes: bad. */
	tframe_build(&f, 0, false, true, 0, 0, 8);
	wr16(f.b + f.l2 + 2, 20 + 19);
	ref_fill(&f);
	rx_case(&h, &f, WCNIC_RXC_L3_IPV4 | WCNIC_RXC_IP_CSUM_GOOD | WCNIC_RXC_L4_TCP |
		WCNIC_RXC_L4_CSUM_BAD, "19 bytes of TCP");
	tframe_build(&f, 0, false, false, 0, 20, 8);
	ref_fill(&f);
	wr16(f.b + f.l2 + 20 + 4, 27);
	rx_case(&h, &f, WCNIC_RXC_L3_IPV4 | WCNIC_RXC_IP_CSUM_GOOD | WCNIC_RXC_L4_UDP |
		WCNIC_RXC_L4_CSUM_BAD, "UDP length short of the L4 bytes");
	bad += 2;

	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_CSUM_BAD), bad);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_ERRORS), 0);
	h_fini(&h);
}

/* Without RX_CSUM accepted bits 11:4 are 0; with scatter only the first
 * completion of a frame carries them. */
static void test_rx_bits_only_when_accepted(void)
{
	static struct tframe f;
	const uint8_t *buf;
	uint16_t len, flags;
	struct h_dev h;
	unsigned int i;

	setup(&h, WCNIC_BACKEND_LOOPBACK);
	bringup(&h, WCNIC_TXM_PUSH_256, 0);
	tframe_build(&f, 0, false, true, 0, 100, 1);
	ref_fill(&f);
	rx_case(&h, &f, 0, "RX_CSUM not accepted");

	bringup(&h, WCNIC_TXM_PUSH_256, WCNIC_F_RX_CSUM | WCNIC_F_RX_SCATTER);
	tframe_build(&f, 1, true, true, 0, 1000, 2);
	ref_fill(&f);
	h_rx_post(&h, 0, 8);
	h_push(&h, 0, f.b, f.len, 64, 3);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	for (i = 0; i < (f.len + 255) / 256; i++) {
		REQUIRE(h_rx_next_flags(&h, 0, &buf, &len, &flags), "buffer %u missing", i);
		CHECK_EQ(flags & CSUM_BITS, i == 0 ? tframe_rxc(&f) : 0);
		CHECK_EQ(memcmp(buf, f.b + 256 * i, len), 0);
	}
	CHECK(flags & WCNIC_RXC_LAST, "last buffer not LAST");
	h_fini(&h);
}

/* ------------------------------------------------------------------ */
/* The sink                                                            */

static void sink_send(struct h_dev *h, const struct tframe *f, uint8_t flags, uint16_t hdr)
{
	h_push_csum(h, 0, f->b, f->len, f->len <= 112 ? f->len : 64, f->len <= 112 ? 0 : 1,
		    flags, hdr);
	h_tx_doorbell(h, 0);
	h_poll(h, 1);
}

static void test_sink_verifies(void)
{
	static const struct {
		const char *what;
		unsigned int tags;
		bool ipv6, tcp;
		uint32_t opt;
		int l2_delta, l3_delta;
		uint8_t flags;    /* 0: the frame's own request */
		bool wrong;
	} cases[] = {
		{ "right", 0, false, false, 0, 0, 0, 0, false },
		{ "right, tagged IPv6/TCP", 1, true, true, 0, 0, 0, 0, false },
		{ "right, IPv4 options", 1, false, true, 12, 0, 0, 0, false },
		{ "l2 of an untagged frame for a tagged one", 1, false, true, 0, -4, 0, 0, true },
		{ "l2 4 bytes too long", 0, true, false, 0, 4, 0, 0, true },
		{ "options left out of l3", 0, false, false, 8, 0, -8, 0, true },
		{ "IPv6 l3 8 bytes too long", 0, true, true, 0, 0, 8, 0, true },
		{ "UDP asked of a TCP frame", 0, false, true, 0, 0, 0,
		  WCNIC_TXF_IP_CSUM | WCNIC_TXF_L4_UDP, true },
		{ "IPv4 pseudo-header for IPv6", 0, true, false, 0, 0, -20, WCNIC_TXF_L4_UDP, true },
		{ "IPv4 header only, right", 0, false, true, 0, 0, 0, WCNIC_TXF_IP_CSUM, false },
	};
	static struct tframe f;
	uint64_t wrong = 0;
	struct h_dev h;
	size_t i;

	setup(&h, WCNIC_BACKEND_SINK);
	bringup(&h, WCNIC_TXM_PUSH_128, WCNIC_F_TX_CSUM);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t l2, l3;

		tframe_build(&f, cases[i].tags, cases[i].ipv6, cases[i].tcp, cases[i].opt, 60,
			     (uint32_t)i);
		if (!cases[i].ipv6)  /* the sink wants a right IPv4 header */
			ref_fill(&f);
		l2 = (uint32_t)((int)f.l2 + cases[i].l2_delta);
		l3 = (uint32_t)((int)f.l3 + cases[i].l3_delta);
		sink_send(&h, &f, cases[i].flags != 0 ? cases[i].flags : tframe_flags(&f),
			  (uint16_t)WCNIC_TX_HDR_LENS(l2, l3));
		wrong += cases[i].wrong;
		CHECK(h_rd64(&h, WCNIC_REG_CNT_TX_CSUM_BAD) == wrong, "%s: TX_CSUM_BAD %llu", cases[i].what,
		      (unsigned long long)h_rd64(&h, WCNIC_REG_CNT_TX_CSUM_BAD));
	}
	/* Frames without request are not checked for checksums. */
	tframe_build(&f, 0, false, true, 0, 60, 99);
	ref_fill(&f);
	f.b[f.l4_csum_at] ^= 0xff;
	sink_send(&h, &f, 0, 0);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_CSUM_BAD), wrong);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_CSUM), i);
	/* Well-formed IPv4 and IPv6, TCP and UDP: no header complaint; the
	 * wrong requests broke no header the sink checks but the IPv4 one. */
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_HDR_BAD), 2);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_ERRORS), 0);
	CHECK(h_tx_running(&h, 0), "wrong checksums must not stop the queue");
	h_fini(&h);
}

/* ------------------------------------------------------------------ */
/* The generator's mixed frames                                        */

static void test_gen_mix(void)
{
	static const uint16_t want[WCNIC_MODEL_GEN_KINDS] = {
		WCNIC_RXC_L3_IPV4 | WCNIC_RXC_IP_CSUM_GOOD | WCNIC_RXC_L4_UDP | WCNIC_RXC_L4_CSUM_GOOD,
		WCNIC_RXC_L3_IPV4 | WCNIC_RXC_IP_CSUM_GOOD | WCNIC_RXC_L4_TCP | WCNIC_RXC_L4_CSUM_GOOD,
		WCNIC_RXC_L3_IPV6 | WCNIC_RXC_L4_UDP | WCNIC_RXC_L4_CSUM_GOOD,
		WCNIC_RXC_L3_IPV6 | WCNIC_RXC_L4_TCP | WCNIC_RXC_L4_CSUM_GOOD,
		WCNIC_RXC_L3_IPV4 | WCNIC_RXC_IP_CSUM_GOOD | WCNIC_RXC_L4_UDP | WCNIC_RXC_L4_CSUM_GOOD,
		WCNIC_RXC_L3_IPV6 | WCNIC_RXC_L4_TCP | WCNIC_RXC_L4_CSUM_GOOD,
		WCNIC_RXC_L3_IPV4 | WCNIC_RXC_IP_CSUM_BAD | WCNIC_RXC_L4_UDP | WCNIC_RXC_L4_CSUM_GOOD,
		WCNIC_RXC_L3_IPV4 | WCNIC_RXC_IP_CSUM_GOOD | WCNIC_RXC_L4_TCP | WCNIC_RXC_L4_CSUM_BAD,
	};
	static const uint32_t want_len[WCNIC_MODEL_GEN_KINDS] = { 64, 64, 64, 74, 64, 78, 64, 64 };
	static struct tframe ref;
	struct wcnic_model_params p;
	const uint8_t *buf;
	uint16_t len, flags;
	struct h_dev h;
	unsigned int i;

	wcnic_model_params_init(&p);
	p.backend = WCNIC_BACKEND_GEN;
	p.gen_mix = true;
	h_init(&h, &p);
	bringup(&h, WCNIC_TXM_PUSH_128, WCNIC_F_RX_CSUM);
	h_rx_post(&h, 0, 24);
	h_poll(&h, 2);
	for (i = 0; i < 24; i++) {
		unsigned int k = i % WCNIC_MODEL_GEN_KINDS;

		REQUIRE(h_rx_next_flags(&h, 0, &buf, &len, &flags), "frame %u missing", i);
		CHECK(len == want_len[k] && (flags & CSUM_BITS) == want[k],
		      "kind %u: %u bytes, flags %#x", k, len, flags & CSUM_BITS);
		/* The reference code agrees: right checksums where the device
		 * says good (kinds 0..5 have the layout tframe_build() makes). */
		if (k <= 5) {
			bool v6 = k == 2 || k == 3 || k == 5, tcp = k == 1 || k == 3 || k == 5;

			tframe_build(&ref, k == 4 || k == 5, v6, tcp, 0, 0, 0);
			memcpy(ref.b, buf, len);
			ref.len = len;
			ref_fill(&ref);
			CHECK(memcmp(ref.b, buf, len) == 0, "kind %u: checksums differ from the "
			      "reference", k);
		}
	}
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_RX_CSUM_BAD), 6);
	h_fini(&h);
}

/* ------------------------------------------------------------------ */
/* Requests the device refuses                                         */

static void test_bad_push_requests(void)
{
	static const struct {
		const char *what;
		uint8_t flags;
		uint32_t l2, l3;
		uint16_t raw_hdr;  /* used when l2 is 0 */
		uint32_t code;
		uint64_t info;
	} cases[] = {
		{ "flag bit 0", 1 | WCNIC_TXF_IP_CSUM, 14, 20, 0, WCNIC_ERR_BAD_DESCRIPTOR, 3 },
		{ "flag bit 5", 0x20 | WCNIC_TXF_L4_UDP, 14, 20, 0, WCNIC_ERR_BAD_DESCRIPTOR, 0x30 },
		{ "flag bit 7", 0x80, 14, 20, 0, WCNIC_ERR_BAD_DESCRIPTOR, 0x80 },
		{ "L4 field 3", WCNIC_TXF_L4_MASK, 14, 20, 0, WCNIC_ERR_BAD_DESCRIPTOR, 0x18 },
		{ "IPv4 checksum of IPv6", WCNIC_TXF_IP_CSUM | WCNIC_TXF_IPV6, 14, 40, 0,
		  WCNIC_ERR_BAD_DESCRIPTOR, 6 },
		{ "IPV6 asking nothing", WCNIC_TXF_IPV6, 14, 40, 0, WCNIC_ERR_BAD_DESCRIPTOR, 4 },
		{ "hdr_lens without request", 0, 0, 0, 0x0A0E, WCNIC_ERR_BAD_DESCRIPTOR, 0x0A0E },
		{ "l2 13", WCNIC_TXF_IP_CSUM, 13, 20, 0, WCNIC_ERR_BAD_DESCRIPTOR,
		  WCNIC_TX_HDR_LENS(13, 20) },
		{ "l2 0", WCNIC_TXF_L4_TCP, 0, 0, WCNIC_TX_HDR_LENS(0, 20), WCNIC_ERR_BAD_DESCRIPTOR,
		  WCNIC_TX_HDR_LENS(0, 20) },
		{ "IPv4 l3 16", WCNIC_TXF_IP_CSUM, 14, 16, 0, WCNIC_ERR_BAD_DESCRIPTOR,
		  WCNIC_TX_HDR_LENS(14, 16) },
		{ "IPv4 l3 22", WCNIC_TXF_L4_UDP, 14, 22, 0, WCNIC_ERR_BAD_DESCRIPTOR,
		  WCNIC_TX_HDR_LENS(14, 22) },
		{ "IPv4 l3 64", WCNIC_TXF_IP_CSUM, 14, 64, 0, WCNIC_ERR_BAD_DESCRIPTOR,
		  WCNIC_TX_HDR_LENS(14, 64) },
		{ "IPv6 l3 32", WCNIC_TXF_IPV6 | WCNIC_TXF_L4_TCP, 14, 32, 0, WCNIC_ERR_BAD_DESCRIPTOR,
		  WCNIC_TX_HDR_LENS(14, 32) },
		{ "IPv6 l3 44", WCNIC_TXF_IPV6 | WCNIC_TXF_L4_TCP, 14, 44, 0, WCNIC_ERR_BAD_DESCRIPTOR,
		  WCNIC_TX_HDR_LENS(14, 44) },
		{ "IPv6 l3 0", WCNIC_TXF_IPV6 | WCNIC_TXF_L4_UDP, 14, 0, 0, WCNIC_ERR_BAD_DESCRIPTOR,
		  WCNIC_TX_HDR_LENS(14, 0) },
		{ "TCP header past the frame", WCNIC_TXF_L4_TCP, 14, 20, 0, WCNIC_ERR_BAD_LENGTH,
		  14 + 20 + 20 },
		{ "UDP header past the frame", WCNIC_TXF_IPV6 | WCNIC_TXF_L4_UDP, 22, 40, 0,
		  WCNIC_ERR_BAD_LENGTH, 22 + 40 + 8 },
		{ "IPv4 header past the frame", WCNIC_TXF_IP_CSUM, 14, 60, 0, WCNIC_ERR_BAD_LENGTH,
		  14 + 60 },
	};
	static struct tframe f;
	size_t i;
	struct h_dev h;

	setup(&h, WCNIC_BACKEND_SINK);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint16_t hdr = cases[i].l2 != 0 ? (uint16_t)WCNIC_TX_HDR_LENS(cases[i].l2, cases[i].l3) :
			       cases[i].raw_hdr;

		bringup(&h, WCNIC_TXM_PUSH_128, WCNIC_F_TX_CSUM);
		/* A 52-byte IPv4/UDP frame: 14 + 20 + 8 + 10. */
		tframe_build(&f, 0, false, false, 0, 10, 1);
		h_push_csum(&h, 0, f.b, f.len, f.len, 0, cases[i].flags, hdr);
		h_tx_doorbell(&h, 0);
		h_poll(&h, 1);
		CHECK(h_error_is(&h, 0, true, cases[i].code, cases[i].info), "%s", cases[i].what);
		CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_CSUM), 0);
	}
	h_fini(&h);
}

static void test_bad_dma_requests(void)
{
	static struct tframe f;
	struct h_dev h;
	uint32_t hdr;

	setup(&h, WCNIC_BACKEND_SINK);
	tframe_build(&f, 0, false, true, 0, 100, 2);
	hdr = WCNIC_TX_HDR_LENS(f.l2, f.l3);

	/* A request on the second descriptor. */
	bringup(&h, WCNIC_TXM_DMA, WCNIC_F_TX_CSUM);
	h_dma_desc(&h, 0, h_data(&h, f.b, 60), 60, 0, 0);
	h_dma_desc(&h, 0, h_data(&h, f.b + 60, f.len - 60), (uint16_t)(f.len - 60),
		   WCNIC_TXD_EOP | WCNIC_TXF_L4_TCP, 0);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK(h_error_is(&h, 0, true, WCNIC_ERR_BAD_DESCRIPTOR, WCNIC_TXD_EOP | WCNIC_TXF_L4_TCP),
	      "flags on the second descriptor");

	/* hdr_lens on the second descriptor. */
	bringup(&h, WCNIC_TXM_DMA, WCNIC_F_TX_CSUM);
	h_dma_desc(&h, 0, h_data(&h, f.b, 60), 60, WCNIC_TXF_L4_TCP, hdr);
	h_dma_desc(&h, 0, h_data(&h, f.b + 60, f.len - 60), (uint16_t)(f.len - 60),
		   WCNIC_TXD_EOP, hdr);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK(h_error_is(&h, 0, true, WCNIC_ERR_BAD_DESCRIPTOR, hdr), "hdr_lens on the second");

	/* Bits 31:16 of hdr_lens. */
	bringup(&h, WCNIC_TXM_DMA, WCNIC_F_TX_CSUM);
	h_dma_desc(&h, 0, h_data(&h, f.b, f.len), (uint16_t)f.len,
		   WCNIC_TXD_EOP | WCNIC_TXF_L4_TCP, hdr | 0x10000u);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK(h_error_is(&h, 0, true, WCNIC_ERR_BAD_DESCRIPTOR, hdr | 0x10000u), "hdr_lens bit 16");

	/* The headers need more than the packet's descriptors hold. */
	bringup(&h, WCNIC_TXM_DMA, WCNIC_F_TX_CSUM);
	h_dma_desc(&h, 0, h_data(&h, f.b, 30), 30, WCNIC_TXF_L4_TCP, hdr);
	h_dma_desc(&h, 0, h_data(&h, f.b + 30, 20), 20, WCNIC_TXD_EOP, 0);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK(h_error_is(&h, 0, true, WCNIC_ERR_BAD_LENGTH, 14 + 20 + 20), "TCP past 50 bytes");

	/* A right request split over descriptors passes; its packet counts once. */
	bringup(&h, WCNIC_TXM_DMA, WCNIC_F_TX_CSUM);
	h_dma_tx_csum(&h, 0, f.b, f.len, 5, WCNIC_TXF_IP_CSUM | WCNIC_TXF_L4_TCP, hdr);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK_EQ(h_tx_head(&h, 0), 5);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_CSUM), 1);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_CSUM_BAD), 0);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_ERRORS), 0);
	h_fini(&h);
}

/* The device offers TX_CSUM but the driver did not accept it: a request
 * is reserved bits, as in version 1.0. */
static void test_request_without_feature(void)
{
	static struct tframe f;
	struct h_dev h;
	uint32_t hdr;

	setup(&h, WCNIC_BACKEND_SINK);
	tframe_build(&f, 0, false, false, 0, 30, 3);
	hdr = WCNIC_TX_HDR_LENS(f.l2, f.l3);

	bringup(&h, WCNIC_TXM_PUSH_128, WCNIC_F_RX_CSUM);
	h_push_csum(&h, 0, f.b, f.len, f.len, 0, WCNIC_TXF_IP_CSUM, (uint16_t)hdr);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK(h_error_is(&h, 0, true, WCNIC_ERR_BAD_DESCRIPTOR, WCNIC_TXF_IP_CSUM), "push flags");

	bringup(&h, WCNIC_TXM_PUSH_128, 0);
	h_push_csum(&h, 0, f.b, f.len, f.len, 0, 0, (uint16_t)hdr);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK(h_error_is(&h, 0, true, WCNIC_ERR_BAD_DESCRIPTOR, hdr), "push hdr_lens");

	bringup(&h, WCNIC_TXM_DMA, 0);
	h_dma_tx_csum(&h, 0, f.b, f.len, 1, WCNIC_TXF_L4_UDP, hdr);
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK(h_error_is(&h, 0, true, WCNIC_ERR_BAD_DESCRIPTOR, WCNIC_TXD_EOP | WCNIC_TXF_L4_UDP),
	      "DMA flags");
	h_fini(&h);
}

/* A 1.0 device offers neither feature; accepting one is refused at enable,
 * and its bits stay reserved. */
static void test_interface_1_0(void)
{
	struct wcnic_model_params p;
	static struct tframe f;
	struct h_dev h;

	wcnic_model_params_init(&p);
	p.backend = WCNIC_BACKEND_LOOPBACK;
	p.interface_minor = 0;
	h_init(&h, &p);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_DEV_FEATURES) & (WCNIC_F_TX_CSUM | WCNIC_F_RX_CSUM), 0);

	h_reset(&h);
	h_global(&h, WCNIC_F_TX_DMA | WCNIC_F_TX_CSUM, 1, 1500);
	h_wr32(&h, WCNIC_REG_CONTROL, WCNIC_CTRL_ENABLE);
	h_poll(&h, 2);
	CHECK_EQ(h_rd32(&h, WCNIC_REG_ERROR_CODE), WCNIC_ERR_BAD_CONFIG);
	CHECK_EQ(h_rd64(&h, WCNIC_REG_ERROR_INFO), WCNIC_F_TX_DMA | WCNIC_F_TX_CSUM);

	bringup(&h, WCNIC_TXM_PUSH_128, 0);
	tframe_build(&f, 0, false, false, 0, 30, 3);
	ref_fill(&f);
	rx_case(&h, &f, 0, "1.0 device: no RX bits");
	h_push_csum(&h, 0, f.b, f.len, f.len, 0, WCNIC_TXF_IP_CSUM,
		    (uint16_t)WCNIC_TX_HDR_LENS(f.l2, f.l3));
	h_tx_doorbell(&h, 0);
	h_poll(&h, 1);
	CHECK(h_error_is(&h, 0, true, WCNIC_ERR_BAD_DESCRIPTOR, WCNIC_TXF_IP_CSUM),
	      "a request on a 1.0 device");
	CHECK_EQ(h_rd64(&h, WCNIC_REG_CNT_TX_CSUM), 0);
	h_fini(&h);
}

int main(void)
{
	TEST_RUN(test_insert_push);
	TEST_RUN(test_insert_dma);
	TEST_RUN(test_tx_buffers_untouched);
	TEST_RUN(test_partial_requests);
	TEST_RUN(test_udp_zero_sent_as_ffff);
	TEST_RUN(test_rx_classification);
	TEST_RUN(test_rx_bits_only_when_accepted);
	TEST_RUN(test_sink_verifies);
	TEST_RUN(test_gen_mix);
	TEST_RUN(test_bad_push_requests);
	TEST_RUN(test_bad_dma_requests);
	TEST_RUN(test_request_without_feature);
	TEST_RUN(test_interface_1_0);
	return test_exit_status(NULL);
}
