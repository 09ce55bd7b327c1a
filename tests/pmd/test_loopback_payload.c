/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Byte-exact loopback through net_wcnic: frames of many sizes, single and
 * multi-segment, go out on a backend=loopback port and must come back in
 * order with every byte intact. testpmd cannot check payloads (its txonly
 * payload is whatever the mbuf held), so this program does.
 *
 * usage: test_loopback_payload push|dma [entry_size]
 */
#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>

#include "pmd_test.h"
#include "rte_pmd_wcnic.h"

#define NB_MBUFS    8192
#define NB_FRAMES   20000
#define BURST       32
#define RING        512
#define TIMEOUT_S   20

/* Frame n: length and bytes are a function of n, so the receiver can check. */
static uint16_t
frame_len(uint32_t n)
{
	static const uint16_t lens[] = { 60, 64, 65, 111, 112, 113, 128, 200, 240, 241,
					 512, 1000, 1514, 1518 };
	return lens[n % RTE_DIM(lens)];
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
	struct rte_mbuf *m = pmd_test_frame(mp, len, (n % 3 == 0) ? 300 : len, frame_byte_of, &n);

	/* The frame number rides in bytes 0..3 (where a MAC would be). */
	if (m != NULL)
		memcpy(rte_pktmbuf_mtod(m, void *), &n, sizeof(n));
	return m;
}

static void
frame_check(struct rte_mbuf *m, uint32_t expect)
{
	uint32_t n, i;
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	memcpy(&n, p, sizeof(n));
	CHECK(n == expect, "frame %u arrived where %u was due", n, expect);
	CHECK(m->nb_segs == 1, "frame %u: %u RX segments", n, m->nb_segs);
	CHECK(m->pkt_len == frame_len(expect), "frame %u: %u bytes, sent %u", n, m->pkt_len,
	      frame_len(expect));
	for (i = sizeof(n); i < m->data_len && i < frame_len(expect); i++) {
		if (p[i] != frame_byte(expect, i)) {
			CHECK(0, "frame %u: byte %u is 0x%02x, sent 0x%02x", expect, i, p[i],
			      frame_byte(expect, i));
			break;
		}
	}
}

int
main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "push";
	const char *entry = argc > 2 ? argv[2] : "128";
	char devargs[128];
	struct rte_pmd_wcnic_port_info info;
	struct rte_mempool *mp;
	uint32_t sent = 0, received = 0;
	uint64_t deadline;
	uint16_t port = 0;

	snprintf(devargs, sizeof(devargs), "backend=loopback,tx_mode=%s,entry_size=%s", mode,
		 entry);
	pmd_test_eal_init(argv[0], devargs);
	mp = pmd_test_pool(NB_MBUFS);
	if (pmd_test_port_start(port, mp, RING, RTE_ETH_TX_OFFLOAD_MULTI_SEGS) != 0) {
		printf("FAIL: port setup\n");
		return 1;
	}
	CHECK(rte_pmd_wcnic_get_port_info(port, &info) == 0, "port info");
	CHECK(strcmp(rte_pmd_wcnic_tx_mode_name(info.tx_mode), mode) == 0,
	      "TX mode %s, asked %s", rte_pmd_wcnic_tx_mode_name(info.tx_mode), mode);

	deadline = rte_get_timer_cycles() + rte_get_timer_hz() * TIMEOUT_S;
	while (received < NB_FRAMES && rte_get_timer_cycles() < deadline) {
		struct rte_mbuf *pkts[BURST];
		uint16_t n = 0, i;

		/* Keep fewer frames in flight than RX buffers: nothing may drop. */
		while (n < BURST && sent + n < NB_FRAMES && sent + n - received < RING / 2) {
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
			frame_check(pkts[i], received++);
			rte_pktmbuf_free(pkts[i]);
		}
		if (pmd_test_failures > 10)
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
	printf("%s mode, %s-byte entries: %u frames looped back, %d failure(s)\n", mode, entry,
	       received, pmd_test_failures);
	return pmd_test_finish(port);
}
