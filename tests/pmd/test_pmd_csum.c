/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checksum offloads and packet types through net_wcnic on a loopback
 * device (interface 1.1), what testpmd cannot show:
 *
 *   - frames of every kind (IPv4 and IPv6, UDP and TCP, tagged, IPv4
 *     options), their checksum fields holding garbage, one segment or with
 *     the headers cut over several, asking for their checksums: they come
 *     back with checksums DPDK's own rte_ipv4_cksum() and
 *     rte_ipv[46]_udptcp_cksum_verify() accept, flagged GOOD, with the
 *     right packet type;
 *   - frames sent without a request and a wrong checksum come back BAD;
 *   - tx_prepare: every request the device would refuse, and offloads the
 *     port does not have, stop it at that packet with rte_errno EINVAL or
 *     ENOTSUP; sent anyway, the burst drops them (tx_csum_drops) and the
 *     device never sees them;
 *   - the port announces the packet types it sets;
 *   - on a port without the TX offloads, requests are not carried out.
 *
 * usage: test_pmd_csum push|dma
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ip.h>

#include "pmd_test.h"

#define NB_MBUFS 4096
#define RING     512

#define TX_CSUM (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM | \
		 RTE_ETH_TX_OFFLOAD_TCP_CKSUM)
#define RX_CSUM (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM | \
		 RTE_ETH_RX_OFFLOAD_TCP_CKSUM)

static struct rte_mempool *mp;
static const uint16_t port = 0;

/* One test frame: its bytes and the request that goes with it. */
struct frame {
	uint8_t b[1600];
	uint16_t len;
	uint8_t l2, l3;
	bool ipv6, tcp;
};

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* tags VLAN tags, IPv4 (with opt bytes of options) or IPv6, TCP or UDP,
 * payload bytes; every checksum field 0xDEAD. */
static void
frame_build(struct frame *f, unsigned int tags, bool ipv6, bool tcp, unsigned int opt,
	    unsigned int payload, unsigned int seed)
{
	uint8_t *ip, *l4;
	unsigned int i, l4h = tcp ? 20 : 8;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < 12; i++)
		f->b[i] = (uint8_t)(0x20 + i);
	f->b[0] = 0x02;
	f->l2 = (uint8_t)(14 + 4 * tags);
	for (i = 0; i < tags; i++) {
		wr16(f->b + 12 + 4 * i, 0x8100);
		wr16(f->b + 14 + 4 * i, (uint16_t)(10 + i));
	}
	wr16(f->b + f->l2 - 2, ipv6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
	f->l3 = (uint8_t)((ipv6 ? 40 : 20) + opt);
	f->ipv6 = ipv6;
	f->tcp = tcp;
	f->len = (uint16_t)(f->l2 + f->l3 + l4h + payload);
	ip = f->b + f->l2;
	l4 = ip + f->l3;
	if (ipv6) {
		ip[0] = 0x60;
		wr16(ip + 4, (uint16_t)(l4h + payload));
		ip[6] = tcp ? IPPROTO_TCP : IPPROTO_UDP;
		ip[7] = 64;
		for (i = 8; i < 40; i++)
			ip[i] = (uint8_t)(i * 5 + seed);
	} else {
		ip[0] = (uint8_t)(0x40 | (f->l3 / 4));
		wr16(ip + 2, (uint16_t)(f->l3 + l4h + payload));
		ip[8] = 64;
		ip[9] = tcp ? IPPROTO_TCP : IPPROTO_UDP;
		wr16(ip + 10, 0xDEAD);
		for (i = 12; i < 20; i++)
			ip[i] = (uint8_t)(i * 3 + seed);
		for (i = 20; i < f->l3; i++)
			ip[i] = 1;  /* NOP options */
	}
	wr16(l4, (uint16_t)(1000 + seed));
	wr16(l4 + 2, 2000);
	if (tcp) {
		l4[12] = 5 << 4;
		l4[13] = 0x10;
		wr16(l4 + 16, 0xDEAD);
	} else {
		wr16(l4 + 4, (uint16_t)(l4h + payload));
		wr16(l4 + 6, 0xDEAD);
	}
	for (i = 0; i < payload; i++)
		l4[l4h + i] = (uint8_t)(seed + i * 7);
}

static uint8_t
frame_byte(uint32_t i, const void *f)
{
	return ((const struct frame *)f)->b[i];
}

/* f as an mbuf of segments of at most seg_max bytes, asking for every
 * checksum it has (none when ask is false). */
static struct rte_mbuf *
frame_mbuf(const struct frame *f, uint16_t seg_max, bool ask)
{
	struct rte_mbuf *m = pmd_test_frame(mp, f->len, seg_max, frame_byte, f);

	REQUIRE(m != NULL, "out of mbufs");
	if (ask) {
		m->ol_flags = (f->ipv6 ? RTE_MBUF_F_TX_IPV6 :
			       RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM) |
			      (f->tcp ? RTE_MBUF_F_TX_TCP_CKSUM : RTE_MBUF_F_TX_UDP_CKSUM);
		m->l2_len = f->l2;
		m->l3_len = f->l3;
	}
	return m;
}

/* The one frame looped back, within a second. */
static struct rte_mbuf *
receive_one(void)
{
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz();
	struct rte_mbuf *m = NULL;

	while (rte_get_timer_cycles() < deadline)
		if (rte_eth_rx_burst(port, 0, &m, 1) == 1)
			return m;
	return NULL;
}

static bool
send_one(struct rte_mbuf *m)
{
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz();

	while (rte_get_timer_cycles() < deadline)
		if (rte_eth_tx_burst(port, 0, &m, 1) == 1)
			return true;
	rte_pktmbuf_free(m);
	return false;
}

/* What the port says of received frame r, sent as f: packet type, flags,
 * and whether its checksums are right by DPDK's own functions. */
static void
check_received(const struct frame *f, struct rte_mbuf *r, bool want_good, const char *what)
{
	const uint8_t *p = rte_pktmbuf_mtod(r, const uint8_t *);
	const void *ip = p + f->l2, *l4 = p + f->l2 + f->l3;
	uint32_t want_ptype = (f->ipv6 ? RTE_PTYPE_L3_IPV6_EXT_UNKNOWN :
			       RTE_PTYPE_L3_IPV4_EXT_UNKNOWN) |
			      (f->tcp ? RTE_PTYPE_L4_TCP : RTE_PTYPE_L4_UDP);
	uint64_t want_ip = f->ipv6 ? RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN :
			   want_good ? RTE_MBUF_F_RX_IP_CKSUM_GOOD : RTE_MBUF_F_RX_IP_CKSUM_BAD;
	uint64_t want_l4 = want_good ? RTE_MBUF_F_RX_L4_CKSUM_GOOD : RTE_MBUF_F_RX_L4_CKSUM_BAD;
	bool ip_ok, l4_ok;

	CHECK(r->pkt_len == f->len && r->nb_segs == 1, "%s: %u bytes in %u segments, sent %u",
	      what, r->pkt_len, r->nb_segs, f->len);
	CHECK(r->packet_type == want_ptype, "%s: packet type %#x, expected %#x", what,
	      r->packet_type, want_ptype);
	CHECK((r->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == want_ip &&
	      (r->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == want_l4,
	      "%s: RX flags %#" PRIx64, what, r->ol_flags);
	if (f->ipv6) {
		ip_ok = true;
		l4_ok = rte_ipv6_udptcp_cksum_verify(ip, l4) == 0;
	} else {
		ip_ok = rte_ipv4_cksum(ip) == 0;
		l4_ok = rte_ipv4_udptcp_cksum_verify(ip, l4) == 0;
	}
	if (want_good)
		CHECK(ip_ok && l4_ok, "%s: DPDK finds the checksums wrong (IP %d, L4 %d)", what,
		      ip_ok, l4_ok);
	else
		CHECK(!l4_ok, "%s: DPDK finds the L4 checksum right", what);
	/* The headers up to the IPv4 checksum, and the payload after the
	 * TCP checksum, as sent. */
	CHECK(memcmp(p, f->b, f->l2 + (f->ipv6 ? 40 : 10)) == 0 &&
	      (f->len <= f->l2 + f->l3 + 18 ||
	       memcmp(p + f->l2 + f->l3 + 18, f->b + f->l2 + f->l3 + 18,
		      f->len - f->l2 - f->l3 - 18) == 0), "%s: bytes changed", what);
}

static const struct {
	const char *what;
	unsigned int tags;
	bool ipv6, tcp;
	unsigned int opt, payload;
} kinds[] = {
	{ "IPv4/UDP", 0, false, false, 0, 18 },
	{ "IPv4/TCP", 0, false, true, 0, 200 },
	{ "IPv6/UDP", 0, true, false, 0, 1 },
	{ "IPv6/TCP", 0, true, true, 0, 1400 },
	{ "802.1Q IPv4/TCP", 1, false, true, 0, 60 },
	{ "802.1Q IPv6/UDP", 1, true, false, 0, 900 },
	{ "IPv4 options/UDP", 0, false, false, 12, 100 },
};

/* Every kind asking for its checksums, in 1 segment and cut in pieces of
 * 7, 30 and 100 bytes: right checksums, GOOD. Returns the frames sent. */
static unsigned int
test_requests(bool push)
{
	static const uint16_t seg_max[] = { 2048, 7, 30, 100 };
	static struct frame f;
	unsigned int k, s, sent = 0;

	for (k = 0; k < RTE_DIM(kinds); k++) {
		for (s = 0; s < RTE_DIM(seg_max); s++) {
			struct rte_mbuf *m, *r;
			char what[64];

			snprintf(what, sizeof(what), "%s, segments of %u", kinds[k].what, seg_max[s]);
			frame_build(&f, kinds[k].tags, kinds[k].ipv6, kinds[k].tcp, kinds[k].opt,
				    kinds[k].payload, k * 4 + s);
			m = frame_mbuf(&f, seg_max[s], true);
			/* More segments than an entry or a packet takes: not sent. */
			if (m->nb_segs > (push ? 8 : 16)) {
				rte_pktmbuf_free(m);
				continue;
			}
			CHECK(rte_eth_tx_prepare(port, 0, &m, 1) == 1, "%s: tx_prepare refused it: %s",
			      what, rte_strerror(rte_errno));
			REQUIRE(send_one(m), "%s: not sent", what);
			sent++;
			r = receive_one();
			REQUIRE(r != NULL, "%s: nothing received", what);
			check_received(&f, r, true, what);
			rte_pktmbuf_free(r);
		}
	}
	return sent;
}

/* Frames without a request and a wrong checksum: BAD. */
static unsigned int
test_bad_checksums_received(void)
{
	static struct frame f;
	unsigned int k;

	for (k = 0; k < RTE_DIM(kinds); k++) {
		struct rte_mbuf *m, *r;

		frame_build(&f, kinds[k].tags, kinds[k].ipv6, kinds[k].tcp, kinds[k].opt,
			    kinds[k].payload, k);
		m = frame_mbuf(&f, 2048, false);
		REQUIRE(send_one(m), "%s: not sent", kinds[k].what);
		r = receive_one();
		REQUIRE(r != NULL, "%s: nothing received", kinds[k].what);
		check_received(&f, r, false, kinds[k].what);
		rte_pktmbuf_free(r);
	}
	return k;
}

/* tx_prepare: the packet the device would refuse stops it, with errno. */
static unsigned int
test_prepare_refuses(void)
{
	static const struct {
		const char *what;
		uint64_t ol;
		uint8_t l2, l3;
		uint16_t len;
		int err;
	} cases[] = {
		{ "SCTP checksum", RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_SCTP_CKSUM, 14, 20, 100, ENOTSUP },
		{ "VLAN insertion", RTE_MBUF_F_TX_VLAN, 14, 20, 100, ENOTSUP },
		{ "TCP segmentation", RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
		  RTE_MBUF_F_TX_TCP_SEG, 14, 20, 100, ENOTSUP },
		{ "IPv4 checksum of IPv6", RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_IP_CKSUM, 14, 40, 100,
		  EINVAL },
		{ "TCP without IPv4 or IPv6", RTE_MBUF_F_TX_TCP_CKSUM, 14, 20, 100, EINVAL },
		{ "l2_len 10", RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM, 10, 20, 100, EINVAL },
		{ "IPv4 l3_len 22", RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM, 14, 22, 100, EINVAL },
		{ "IPv4 l3_len 64", RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM, 14, 64, 100, EINVAL },
		{ "IPv6 l3_len 44", RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM, 14, 44, 100, EINVAL },
		{ "TCP header past the frame", RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM, 14, 20,
		  53, EINVAL },
		{ "a 13-byte frame", 0, 0, 0, 13, EINVAL },
	};
	static struct frame f;
	unsigned int i, sent = 0;

	for (i = 0; i < RTE_DIM(cases); i++) {
		struct rte_mbuf *pkts[3];
		uint16_t n;

		frame_build(&f, 0, false, true, 0, 200, i);
		pkts[0] = frame_mbuf(&f, 2048, true);
		pkts[1] = frame_mbuf(&f, 2048, false);
		pkts[2] = frame_mbuf(&f, 2048, true);
		rte_pktmbuf_trim(pkts[1], (uint16_t)(f.len - cases[i].len));
		pkts[1]->ol_flags = cases[i].ol;
		pkts[1]->l2_len = cases[i].l2;
		pkts[1]->l3_len = cases[i].l3;
		pkts[1]->tso_segsz = 100;
		rte_errno = 0;
		n = rte_eth_tx_prepare(port, 0, pkts, 3);
		CHECK(n == 1 && rte_errno == cases[i].err, "%s: tx_prepare %u of 3, rte_errno %d (%s)",
		      cases[i].what, n, rte_errno, rte_strerror(rte_errno));
		/* Sent anyway: the burst drops what the device would refuse,
		 * except SCTP, VLAN and TSO requests, which it ignores. */
		if (cases[i].err == EINVAL && cases[i].len >= 14) {
			REQUIRE(rte_eth_tx_burst(port, 0, &pkts[1], 1) == 1, "%s: not taken",
				cases[i].what);
		} else {
			rte_pktmbuf_free(pkts[1]);
		}
		rte_pktmbuf_free(pkts[0]);
		rte_pktmbuf_free(pkts[2]);
		sent += cases[i].err == EINVAL && cases[i].len >= 14;
	}
	return sent;
}

static uint16_t
port_start(uint64_t tx_offloads)
{
	struct rte_eth_conf conf = {
		.txmode.offloads = tx_offloads | RTE_ETH_TX_OFFLOAD_MULTI_SEGS,
		.rxmode.offloads = RX_CSUM,
	};

	REQUIRE(rte_eth_dev_configure(port, 1, 1, &conf) == 0 &&
		rte_eth_rx_queue_setup(port, 0, RING, 0, NULL, mp) == 0 &&
		rte_eth_tx_queue_setup(port, 0, RING, 0, NULL) == 0 &&
		rte_eth_dev_start(port) == 0, "port start with TX offloads %#" PRIx64, tx_offloads);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "push";
	uint32_t ptypes[16];
	struct rte_eth_dev_info info;
	unsigned int requests, bad_rx, dropped;
	char devargs[96];
	struct frame *f;
	struct rte_mbuf *m, *r;
	int n, i;

	snprintf(devargs, sizeof(devargs), "backend=loopback,tx_mode=%s", mode);
	pmd_test_eal_init(argv[0], devargs);
	mp = pmd_test_pool(NB_MBUFS);
	REQUIRE(mp != NULL, "mbuf pool");
	REQUIRE(rte_eth_dev_info_get(port, &info) == 0, "dev info");
	CHECK((info.tx_offload_capa & TX_CSUM) == TX_CSUM, "TX checksum offloads offered (%#" PRIx64
	      ")", info.tx_offload_capa);
	CHECK((info.rx_offload_capa & RX_CSUM) == RX_CSUM, "RX checksum offloads offered (%#" PRIx64
	      ")", info.rx_offload_capa);
	port_start(TX_CSUM);

	n = rte_eth_dev_get_supported_ptypes(port, RTE_PTYPE_ALL_MASK, ptypes, RTE_DIM(ptypes));
	CHECK(n == 5, "%d packet types announced", n);
	for (i = 0; i < n && i < (int)RTE_DIM(ptypes); i++)
		CHECK(ptypes[i] == RTE_PTYPE_L3_IPV4_EXT_UNKNOWN ||
		      ptypes[i] == RTE_PTYPE_L3_IPV6_EXT_UNKNOWN || ptypes[i] == RTE_PTYPE_L4_TCP ||
		      ptypes[i] == RTE_PTYPE_L4_UDP || ptypes[i] == RTE_PTYPE_L4_NONFRAG,
		      "packet type %#x announced", ptypes[i]);

	requests = test_requests(strcmp(mode, "push") == 0);
	bad_rx = test_bad_checksums_received();
	dropped = test_prepare_refuses();
	rte_delay_ms(50); /* the device updates its counters once per pass */
	/* Refused requests never reached the device. */
	CHECK(pmd_test_xstat(port, "tx_csum_drops") == dropped, "tx_csum_drops %" PRIu64
	      ", %u refused requests sent", pmd_test_xstat(port, "tx_csum_drops"), dropped);
	CHECK(pmd_test_xstat(port, "dev_tx_csum") == requests, "dev_tx_csum %" PRIu64 ", %u requests",
	      pmd_test_xstat(port, "dev_tx_csum"), requests);
	CHECK(pmd_test_xstat(port, "dev_tx_packets") == requests + bad_rx,
	      "dev_tx_packets %" PRIu64, pmd_test_xstat(port, "dev_tx_packets"));
	CHECK(pmd_test_xstat(port, "dev_rx_csum_bad") == bad_rx, "dev_rx_csum_bad %" PRIu64
	      ", %u bad frames sent", pmd_test_xstat(port, "dev_rx_csum_bad"), bad_rx);
	CHECK(pmd_test_xstat(port, "dev_errors") == 0, "device errors");

	/* A port without the TX offloads: tx_prepare says so, and the frame
	 * goes out as it is (its garbage checksums received as BAD). */
	REQUIRE(rte_eth_dev_stop(port) == 0, "port stop");
	port_start(0);
	f = calloc(1, sizeof(*f));
	REQUIRE(f != NULL, "memory");
	frame_build(f, 0, false, false, 0, 50, 77);
	m = frame_mbuf(f, 2048, true);
	rte_errno = 0;
	CHECK(rte_eth_tx_prepare(port, 0, &m, 1) == 0 && rte_errno == ENOTSUP,
	      "tx_prepare on a port without TX checksum offloads: rte_errno %d", rte_errno);
	REQUIRE(send_one(m), "not sent");
	r = receive_one();
	REQUIRE(r != NULL, "nothing received");
	check_received(f, r, false, "request on a port without TX offloads");
	rte_pktmbuf_free(r);
	free(f);

	printf("%s mode: %u frames with requests, %u with bad checksums, %u refused; "
	       "%u failure(s)\n", mode, requests, bad_rx, dropped, test_failures);
	return pmd_test_finish(port);
}
