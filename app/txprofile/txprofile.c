/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wcnic-txprofile: a steady stream of full TX bursts through net_wcnic,
 * for counting the instructions of the driver's TX burst function.
 *
 * The program is meant to run under callgrind with collection toggled on
 * the burst function only (app/pmdrun/txprofile.py does that): everything
 * else here (EAL, mbuf allocation, pacing) is excluded from the count, so
 * the instructions collected divided by the packets sent is the cost of
 * the hot path per packet.
 *
 * Frames are sane IPv4/UDP frames written once into every mbuf of the
 * pool; a mempool hands freed mbufs back with their bytes intact, so each
 * burst only needs its lengths set again, as testpmd's txonly does.
 * Bursts are always full: before each one the program waits until the
 * device has consumed enough that the ring has room for it (the device
 * model runs on its own thread), so no call of the burst function is a
 * short or empty one.
 *
 * usage: wcnic-txprofile push|dma|push-csum|dma-csum [--packets N] [--len BYTES] [--burst N]
 * The -csum modes ask the device for the IPv4 and UDP checksums of every
 * frame (the offloads on, each mbuf flagged, rte_eth_tx_prepare() before
 * each burst) and check that the device verified every one.
 * Prints one line "txprofile: mode M sent N packets in B bursts of K ...";
 * exits 0 when every packet was sent and consumed without a device error.
 */
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "parse_num.h"
#include "rte_pmd_wcnic.h"
#include "wcnic_hw.h"

#define PORT        0
#define RING_SIZE   512  /* DMA-mode ring; push mode uses the device's own */
#define POOL_SIZE   4095 /* > a ring of held mbufs plus a burst, a power of 2 - 1 */
#define MAX_BURST   64   /* the driver's largest burst (WCNIC_TX_FREE_BULK) */
#define WAIT_S      20   /* longest wait for the device to make progress */

struct options {
	const char *mode;   /* the driver's tx_mode devarg: push or dma */
	bool csum;          /* checksum offloads on every frame */
	uint64_t packets;
	uint16_t len;
	uint16_t burst;
};

static void
usage(const char *prog)
{
	fprintf(stderr, "usage: %s push|dma|push-csum|dma-csum [--packets N] [--len BYTES] "
		"[--burst N]\n"
		"  --packets  packets to send (default 100000)\n"
		"  --len      frame length, %u to %u bytes (default 64)\n"
		"  --burst    packets per burst, 1 to %u (default 32)\n",
		prog, (unsigned int)(RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) +
				     sizeof(struct rte_udp_hdr)),
		RTE_ETHER_MAX_LEN, MAX_BURST);
	exit(2);
}

static uint64_t
number_arg(const char *prog, const char *name, const char *text, uint64_t min, uint64_t max)
{
	uint64_t v;

	if (!parse_uint64(text, 10, &v) || v < min || v > max) {
		fprintf(stderr, "%s: %s %s: expected a number from %" PRIu64 " to %" PRIu64 "\n",
			prog, name, text, min, max);
		usage(prog);
	}
	return v;
}

static struct options
parse_args(int argc, char **argv)
{
	const uint16_t min_len = RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) +
				 sizeof(struct rte_udp_hdr);
	struct options o = { .packets = 100000, .len = 64, .burst = 32 };
	int i;

	if (argc < 2)
		usage(argv[0]);
	o.csum = strcmp(argv[1], "push-csum") == 0 || strcmp(argv[1], "dma-csum") == 0;
	o.mode = strncmp(argv[1], "push", 4) == 0 ? "push" : "dma";
	if (strcmp(argv[1], o.mode) != 0 && !o.csum)
		usage(argv[0]);
	for (i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--packets") == 0)
			o.packets = number_arg(argv[0], argv[i], argv[i + 1], 1, UINT32_MAX);
		else if (strcmp(argv[i], "--len") == 0)
			o.len = (uint16_t)number_arg(argv[0], argv[i], argv[i + 1], min_len,
						     RTE_ETHER_MAX_LEN);
		else if (strcmp(argv[i], "--burst") == 0)
			o.burst = (uint16_t)number_arg(argv[0], argv[i], argv[i + 1], 1, MAX_BURST);
		else
			usage(argv[0]);
	}
	if (i != argc)
		usage(argv[0]);
	return o;
}

/* EAL on one lcore: the device model's control thread gets another CPU
 * when there is one. No hugepages, no PCI, nothing left behind. */
static void
eal_start(const char *prog, const char *mode)
{
	char vdev[128], prefix[64];
	char *eal[] = { (char *)(uintptr_t)prog, "-l", "0", "--no-pci", "--no-huge", "-m", "256",
			"--no-shconf", "--no-telemetry", prefix, "--vdev", vdev,
			"--log-level=pmd.net.wcnic:notice" };

	snprintf(vdev, sizeof(vdev), "net_wcnic0,tx_mode=%s,backend=sink", mode);
	snprintf(prefix, sizeof(prefix), "--file-prefix=wcnic_prof%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal), eal) < 0) {
		fprintf(stderr, "txprofile: EAL init with --vdev %s failed: %s\n", vdev,
			rte_strerror(rte_errno));
		exit(1);
	}
}

/* One RX and one TX queue, fast free as testpmd asks for it (and the
 * checksum offloads when asked), started. */
static int
port_start(struct rte_mempool *mp, bool csum)
{
	struct rte_eth_conf conf = { .txmode.offloads = RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE };
	int ret;

	if (csum)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
					RTE_ETH_TX_OFFLOAD_UDP_CKSUM;

	ret = rte_eth_dev_configure(PORT, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(PORT, 0, RING_SIZE, 0, NULL, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(PORT, 0, RING_SIZE, 0, NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(PORT);
	if (ret != 0)
		fprintf(stderr, "txprofile: port setup failed: %s\n", rte_strerror(-ret));
	return ret;
}

/* An IPv4/UDP frame of len bytes (198.18.0.0/15, the benchmarking range). */
static void
frame_write(uint8_t *p, uint16_t len)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	const uint16_t l3_len = len - RTE_ETHER_HDR_LEN;

	memset(p, 0, len);
	eth->dst_addr = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 0x02 } };
	eth->src_addr = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 0x01 } };
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(l3_len);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(198, 18, 0, 1));
	ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(198, 18, 0, 2));
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(1024);
	udp->dst_port = rte_cpu_to_be_16(1024);
	udp->dgram_len = rte_cpu_to_be_16(l3_len - sizeof(*ip));
}

/* Write the frame into every mbuf of the pool once. */
static int
pool_fill(struct rte_mempool *mp, uint16_t len)
{
	static struct rte_mbuf *all[POOL_SIZE];
	unsigned int i;

	if (rte_pktmbuf_alloc_bulk(mp, all, POOL_SIZE) != 0)
		return -ENOMEM;
	for (i = 0; i < POOL_SIZE; i++)
		frame_write(rte_pktmbuf_mtod(all[i], uint8_t *), len);
	rte_pktmbuf_free_bulk(all, POOL_SIZE);
	return 0;
}

static uint64_t
xstat(const char *name)
{
	uint64_t id, value = UINT64_MAX;

	if (rte_eth_xstats_get_id_by_name(PORT, name, &id) == 0)
		rte_eth_xstats_get_by_id(PORT, &id, &value, 1);
	return value;
}

/*
 * Wait until at most `allowed` sent packets are still unconsumed by the
 * device. The device writes its consumed head before it publishes the
 * counter read here, so the driver sees at least that much room too.
 * Yielding lets the device thread run where it shares our CPU (under
 * valgrind every thread does).
 */
static int
device_catch_up(uint64_t base, uint64_t sent, uint64_t allowed)
{
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz() * WAIT_S;

	while (sent - (xstat("dev_tx_packets") - base) > allowed) {
		if (rte_get_timer_cycles() > deadline) {
			fprintf(stderr, "txprofile: the device stopped consuming (%" PRIu64
				" of %" PRIu64 " sent packets consumed, dev_errors %" PRIu64 ")\n",
				xstat("dev_tx_packets") - base, sent, xstat("dev_errors"));
			return -ETIMEDOUT;
		}
		sched_yield();
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o = parse_args(argc, argv);
	struct rte_pmd_wcnic_port_info info;
	struct rte_mempool *mp;
	uint64_t base, csum_base, csum_done, sent = 0, bursts = 0, short_bursts = 0, allowed;
	char runtime_dir[PATH_MAX];
	int status = 1;

	eal_start(argv[0], o.mode);
	/* Also what makes the linker keep the driver this program links. */
	if (rte_pmd_wcnic_get_port_info(PORT, &info) != 0) {
		fprintf(stderr, "txprofile: port %u is not a net_wcnic port\n", PORT);
		return 1;
	}
	mp = rte_pktmbuf_pool_create("txprofile", POOL_SIZE, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     0);
	if (mp == NULL || pool_fill(mp, o.len) != 0) {
		fprintf(stderr, "txprofile: cannot create the mbuf pool\n");
		goto out;
	}
	if (port_start(mp, o.csum) != 0)
		goto out;
	/* Half the ring may be in flight: a full burst always fits. */
	allowed = (info.tx_mode == RTE_PMD_WCNIC_TX_PUSH ?
		   WCNIC_PUSH_RING_BYTES / info.push_entry_size : RING_SIZE) / 2;
	base = xstat("dev_tx_packets");
	csum_base = xstat("dev_tx_csum");

	while (sent < o.packets) {
		struct rte_mbuf *pkts[MAX_BURST];
		uint16_t n = (uint16_t)RTE_MIN((uint64_t)o.burst, o.packets - sent), i, done;

		if (device_catch_up(base, sent, allowed) != 0)
			goto out;
		if (rte_pktmbuf_alloc_bulk(mp, pkts, n) != 0) {
			fprintf(stderr, "txprofile: mbuf pool empty after %" PRIu64 " packets\n",
				sent);
			goto out;
		}
		for (i = 0; i < n; i++) {
			pkts[i]->data_len = o.len;
			pkts[i]->pkt_len = o.len;
			if (o.csum) {
				pkts[i]->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
						    RTE_MBUF_F_TX_UDP_CKSUM;
				pkts[i]->l2_len = RTE_ETHER_HDR_LEN;
				pkts[i]->l3_len = sizeof(struct rte_ipv4_hdr);
			}
		}
		if (o.csum && rte_eth_tx_prepare(PORT, 0, pkts, n) != n) {
			fprintf(stderr, "txprofile: tx_prepare refused a frame: %s\n",
				rte_strerror(rte_errno));
			rte_pktmbuf_free_bulk(pkts, n);
			goto out;
		}
		done = rte_eth_tx_burst(PORT, 0, pkts, n);
		rte_pktmbuf_free_bulk(&pkts[done], n - done);
		sent += done;
		bursts++;
		short_bursts += done != n;
	}
	if (device_catch_up(base, sent, 0) != 0)
		goto out;
	/* Every checksum asked for is one the device computed and found right. */
	csum_done = xstat("dev_tx_csum") - csum_base;
	status = xstat("dev_errors") == 0 && xstat("dev_tx_hdr_bad") == 0 &&
		 xstat("dev_tx_csum_bad") == 0 && csum_done == (o.csum ? sent : 0) ? 0 : 1;
	printf("txprofile: mode %s%s sent %" PRIu64 " packets in %" PRIu64 " bursts of %u "
	       "(%" PRIu64 " short), %u-byte frames, dev_errors %" PRIu64
	       ", dev_tx_hdr_bad %" PRIu64 ", checksums %" PRIu64 " (bad %" PRIu64 ")\n",
	       rte_pmd_wcnic_tx_mode_name(info.tx_mode), o.csum ? "-csum" : "", sent, bursts,
	       o.burst, short_bursts, o.len, xstat("dev_errors"), xstat("dev_tx_hdr_bad"),
	       csum_done, xstat("dev_tx_csum_bad"));
out:
	rte_eth_dev_stop(PORT);
	rte_eth_dev_close(PORT);
	/* EAL leaves its (empty) runtime folder behind. */
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(runtime_dir);
	return status;
}
