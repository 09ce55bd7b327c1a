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
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "rte_pmd_wcnic.h"

#define NB_MBUFS    8192
#define NB_FRAMES   20000
#define BURST       32
#define RING        512
#define TIMEOUT_S   20

static int failures;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		failures++; \
		printf("FAIL %s:%d: ", __FILE__, __LINE__); \
		printf(__VA_ARGS__); \
		printf("\n"); \
	} \
} while (0)

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

/* Every third frame is split into segments of up to 300 bytes. */
static struct rte_mbuf *
frame_build(struct rte_mempool *mp, uint32_t n)
{
	uint16_t len = frame_len(n), seg_max = (n % 3 == 0) ? 300 : len;
	struct rte_mbuf *head = NULL, *tail = NULL;
	uint32_t off = 0;

	while (off < len) {
		uint16_t chunk = RTE_MIN((uint16_t)(len - off), seg_max);
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		uint8_t *p;
		uint32_t i;

		if (m == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		p = (uint8_t *)rte_pktmbuf_append(m, chunk);
		for (i = 0; i < chunk; i++)
			p[i] = frame_byte(n, off + i);
		if (head == NULL) {
			head = m;
		} else {
			tail->next = m;
			head->nb_segs++;
			head->pkt_len += chunk;
		}
		tail = m;
		off += chunk;
	}
	/* The frame number rides in bytes 0..3 (where a MAC would be). */
	memcpy(rte_pktmbuf_mtod(head, void *), &n, sizeof(n));
	return head;
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

static uint64_t
xstat(uint16_t port, const char *name)
{
	uint64_t id, value = UINT64_MAX;

	if (rte_eth_xstats_get_id_by_name(port, name, &id) == 0)
		rte_eth_xstats_get_by_id(port, &id, &value, 1);
	return value;
}

int
main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "push";
	const char *entry = argc > 2 ? argv[2] : "128";
	char vdev[128], prefix[64], runtime_dir[PATH_MAX];
	char *eal[] = { argv[0], "-l", "0", "--no-pci", "--no-huge", "-m", "256", "--no-shconf",
			"--no-telemetry", prefix, "--vdev", vdev, "--log-level=pmd.net.wcnic:info" };
	struct rte_eth_conf conf = {
		.txmode.offloads = RTE_ETH_TX_OFFLOAD_MULTI_SEGS,
		.rxmode.mtu = 1500,
	};
	struct rte_pmd_wcnic_port_info info;
	struct rte_mempool *mp;
	uint32_t sent = 0, received = 0;
	uint64_t deadline;
	uint16_t port = 0;

	snprintf(vdev, sizeof(vdev), "net_wcnic0,backend=loopback,tx_mode=%s,entry_size=%s",
		 mode, entry);
	snprintf(prefix, sizeof(prefix), "--file-prefix=wcnic_lb%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal), eal) < 0) {
		printf("FAIL: EAL init\n");
		return 1;
	}
	mp = rte_pktmbuf_pool_create("lb", NB_MBUFS, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (mp == NULL || rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, RING, 0, NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, RING, 0, NULL) != 0 ||
	    rte_eth_dev_start(port) != 0) {
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
		if (failures > 10)
			break;
	}
	CHECK(received == NB_FRAMES, "received %u of %u frames (sent %u)", received, NB_FRAMES,
	      sent);
	CHECK(xstat(port, "dev_errors") == 0, "device errors: %" PRIu64, xstat(port, "dev_errors"));
	CHECK(xstat(port, "dev_rx_no_buf") == 0, "device drops: %" PRIu64,
	      xstat(port, "dev_rx_no_buf"));
	CHECK(xstat(port, "dev_tx_packets") == NB_FRAMES, "device TX %" PRIu64,
	      xstat(port, "dev_tx_packets"));
	printf("%s mode, %s-byte entries: %u frames looped back, %d failure(s)\n", mode, entry,
	       received, failures);

	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	/* EAL leaves its runtime folder behind (empty with --no-shconf and
	 * --no-telemetry). */
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(runtime_dir);
	return failures ? 1 : 0;
}
