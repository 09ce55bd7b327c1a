/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Byte-exact loopback through net_wcnic: frames of many sizes, single and
 * multi-segment, go out on a backend=loopback port and must come back in
 * order with every byte intact. testpmd cannot check payloads (its txonly
 * payload is whatever the mbuf held), so this program does.
 *
 * usage: test_loopback_payload [--jumbo] push|dma [entry_size [DEVARGS]]
 * --jumbo: MTU 9000 and frames up to 9018 bytes, received into the default
 * 2 KB mbufs: the device scatters them over several buffers and the
 * driver must hand them over as mbuf chains, byte-exact.
 * With wc_sim=SEED among the DEVARGS the port's BAR is behind the
 * write-combining simulator: what arrives is then only what real
 * write-combining could deliver, push entries must reach it in whole
 * lines, and a lone frame must leave without a later store pushing its
 * doorbell out. With wc_store=VARIANT the port uses that line store, and
 * (push, 128-byte entries, x86-64) that variant's writer of direct entries
 * (push_direct_sse2() and its AVX siblings); a variant this CPU lacks
 * skips the test.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include <rte_cycles.h>

#include "pmd_test.h"
#include "rte_pmd_wcnic.h"

#define NB_MBUFS    8192
#define NB_FRAMES   20000
#define BURST       32
#define RING        512
#define TIMEOUT_S   20
#define JUMBO_MTU   9000
#define JUMBO_FRAME (JUMBO_MTU + 18)  /* + Ethernet header and an 802.1Q tag */

static bool jumbo;

/* Frame n: length and bytes are a function of n, so the receiver can check. */
static uint16_t
frame_len(uint32_t n)
{
	static const uint16_t lens[] = { 60, 64, 65, 111, 112, 113, 128, 200, 240, 241,
					 512, 1000, 1514, 1518 };
	/* Around the 2048-byte buffer size, its multiples, and the largest. */
	static const uint16_t jumbo_lens[] = { 60, 1518, 2047, 2048, 2049, 4095, 4096, 4097,
					       6000, 8192, 9000, JUMBO_FRAME };

	return jumbo ? jumbo_lens[n % RTE_DIM(jumbo_lens)] : lens[n % RTE_DIM(lens)];
}

/* Segments of a sent frame: every third split small (a push entry of 128
 * bytes holds 7 of them, so a jumbo frame needs 1500-byte ones). */
static uint16_t
frame_seg_max(uint32_t n)
{
	if (jumbo)
		return (n % 3 == 0) ? 1500 : 2048;
	return (n % 3 == 0) ? 300 : frame_len(n);
}

static uint8_t
frame_byte(uint32_t n, uint32_t i)
{
	return (uint8_t)(n * 131u + i * 7u + (i >> 8));
}

static uint8_t
frame_byte_of(uint32_t i, const void *n)
{
	return frame_byte(*(const uint32_t *)n, i);
}

/* Every third frame is split into segments of up to 300 bytes. */
static struct rte_mbuf *
frame_build(struct rte_mempool *mp, uint32_t n)
{
	uint16_t len = frame_len(n);
	struct rte_mbuf *m = pmd_test_frame(mp, len, frame_seg_max(n), frame_byte_of, &n);

	/* The frame number rides in bytes 0..3 (where a MAC would be). */
	if (m != NULL)
		memcpy(rte_pktmbuf_mtod(m, void *), &n, sizeof(n));
	return m;
}

/* Frame `expect` received in m: in order, whole, each byte right, and in
 * as many segments as buffers of buf_size bytes it needs. */
static void
frame_check(struct rte_mbuf *m, uint32_t expect, uint16_t buf_size)
{
	const uint16_t len = frame_len(expect);
	const struct rte_mbuf *seg;
	uint32_t n, i = 0;

	memcpy(&n, rte_pktmbuf_mtod(m, const uint8_t *), sizeof(n));
	CHECK(n == expect, "frame %u arrived where %u was due", n, expect);
	CHECK(m->nb_segs == (len + buf_size - 1) / buf_size, "frame %u (%u bytes): %u RX segments",
	      n, len, m->nb_segs);
	CHECK(m->pkt_len == len, "frame %u: %u bytes, sent %u", n, m->pkt_len, len);
	for (seg = m; seg != NULL; seg = seg->next) {
		const uint8_t *p = rte_pktmbuf_mtod(seg, const uint8_t *);
		uint16_t k;

		for (k = 0; k < seg->data_len && i < len; k++, i++) {
			if (i >= sizeof(n) && p[k] != frame_byte(expect, i)) {
				CHECK(0, "frame %u: byte %u is 0x%02x, sent 0x%02x", expect, i,
				      p[k], frame_byte(expect, i));
				return;
			}
		}
	}
	CHECK(i == len, "frame %u: the segments hold %u bytes, sent %u", expect, i, len);
}

/*
 * One frame sent and nothing else written to the BAR: the device must
 * still send it. On a write-combining BAR a doorbell that is not flushed
 * out waits in its buffer until some later store evicts it; here nothing
 * comes later. Frame 0 is then received by the main loop.
 */
static void
lone_frame_leaves(uint16_t port, struct rte_mempool *mp)
{
	struct rte_mbuf *m = frame_build(mp, 0);
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz();

	CHECK(m != NULL && rte_eth_tx_burst(port, 0, &m, 1) == 1, "the lone frame was not taken");
	while (pmd_test_xstat(port, "dev_tx_packets") == 0 && rte_get_timer_cycles() < deadline)
		rte_delay_us_sleep(1000);
	CHECK(pmd_test_xstat(port, "dev_tx_packets") == 1,
	      "a lone frame did not leave within a second: its doorbell is still buffered");
}

/* The instruction set the DEVARGS' wc_store= needs, when this CPU lacks it. */
static const char *
store_missing(const char *extra)
{
#if defined(__x86_64__)
	if (extra == NULL)
		return NULL;
	if (strstr(extra, "wc_store=avx512") != NULL && !__builtin_cpu_supports("avx512f"))
		return "AVX-512F";
	if (strstr(extra, "wc_store=avx2") != NULL && !__builtin_cpu_supports("avx2"))
		return "AVX2";
#else
	RTE_SET_USED(extra);
#endif
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *mode;
	const char *entry, *extra;
	bool simulated;
	char devargs[160];
	struct rte_pmd_wcnic_port_info info;
	struct rte_mempool *mp;
	uint32_t sent = 0, received = 0, in_flight_max = RING / 2;
	uint16_t port = 0, buf_size;
	uint64_t deadline;

	if (argc > 1 && strcmp(argv[1], "--jumbo") == 0) {
		jumbo = true;
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	mode = argc > 1 ? argv[1] : "push";
	entry = argc > 2 ? argv[2] : "128";
	extra = argc > 3 ? argv[3] : NULL;
	simulated = extra != NULL && strstr(extra, "wc_sim=") != NULL;
	if (store_missing(extra) != NULL) {
		printf("SKIP: %s asks for a line store this CPU lacks (%s)\n", extra,
		       store_missing(extra));
		return EXIT_SKIP;
	}

	snprintf(devargs, sizeof(devargs), "backend=loopback,tx_mode=%s,entry_size=%s%s%s", mode,
		 entry, extra != NULL ? "," : "", extra != NULL ? extra : "");
	pmd_test_eal_init(argv[0], devargs);
	mp = pmd_test_pool(NB_MBUFS);
	REQUIRE(pmd_test_port_start(port, mp, RING, RTE_ETH_TX_OFFLOAD_MULTI_SEGS,
				    jumbo ? JUMBO_MTU : 0) == 0, "port setup");
	buf_size = rte_pktmbuf_data_room_size(mp) - RTE_PKTMBUF_HEADROOM;
	/* Fewer frames in flight than RX buffers, at the most buffers a frame takes. */
	if (jumbo)
		in_flight_max = RING / 2 / ((JUMBO_FRAME + buf_size - 1) / buf_size);
	CHECK(rte_pmd_wcnic_get_port_info(port, &info) == 0, "port info");
	CHECK(strcmp(rte_pmd_wcnic_tx_mode_name(info.tx_mode), mode) == 0,
	      "TX mode %s, asked %s", rte_pmd_wcnic_tx_mode_name(info.tx_mode), mode);

	if (simulated) {
		lone_frame_leaves(port, mp);
		sent = 1;
	}
	deadline = rte_get_timer_cycles() + rte_get_timer_hz() * TIMEOUT_S;
	while (received < NB_FRAMES && rte_get_timer_cycles() < deadline) {
		struct rte_mbuf *pkts[BURST];
		uint16_t n = 0, i;

		/* Keep fewer frames in flight than RX buffers: nothing may drop. */
		while (n < BURST && sent + n < NB_FRAMES && sent + n - received < in_flight_max) {
			pkts[n] = frame_build(mp, sent + n);
			if (pkts[n] == NULL)
				break;
			n++;
		}
		i = rte_eth_tx_burst(port, 0, pkts, n);
		sent += i;
		rte_pktmbuf_free_bulk(&pkts[i], n - i);

		n = rte_eth_rx_burst(port, 0, pkts, BURST);
		for (i = 0; i < n; i++) {
			frame_check(pkts[i], received++, buf_size);
			rte_pktmbuf_free(pkts[i]);
		}
		if (test_failures > 10)
			break;
	}
	CHECK(received == NB_FRAMES, "received %u of %u frames (sent %u)", received, NB_FRAMES,
	      sent);
	CHECK(pmd_test_xstat(port, "dev_errors") == 0, "device errors: %" PRIu64,
	      pmd_test_xstat(port, "dev_errors"));
	CHECK(pmd_test_xstat(port, "dev_rx_no_buf") == 0, "device drops: %" PRIu64,
	      pmd_test_xstat(port, "dev_rx_no_buf"));
	CHECK(pmd_test_xstat(port, "dev_tx_packets") == NB_FRAMES, "device TX %" PRIu64,
	      pmd_test_xstat(port, "dev_tx_packets"));
	if (simulated) {
		uint64_t lines = pmd_test_xstat(port, "wc_sim_whole_lines");
		uint64_t torn = pmd_test_xstat(port, "wc_sim_torn_lines");

		printf("simulated write-combining: %" PRIu64 " whole lines, %" PRIu64
		       " pieces, %" PRIu64 " evictions, %" PRIu64 " overtakes\n", lines,
		       pmd_test_xstat(port, "wc_sim_pieces"), pmd_test_xstat(port, "wc_sim_evictions"),
		       pmd_test_xstat(port, "wc_sim_overtakes"));
		CHECK(torn == 0, "%" PRIu64 " push-ring lines left the WC buffers in pieces", torn);
		CHECK(strcmp(mode, "push") != 0 || lines >= NB_FRAMES,
		      "%" PRIu64 " whole lines for %u push entries: not through the simulator", lines,
		      NB_FRAMES);
	}
	printf("%s mode, %s-byte entries%s: %u frames looped back, %u failure(s)\n", mode, entry,
	       jumbo ? ", MTU 9000 into 2 KB mbufs" : "", received, test_failures);
	return pmd_test_finish(port);
}
