/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wcnic-l2fwd: a small layer-2 forwarder in the style of DPDK's l2fwd, and
 * the example of an application linked against net_wcnic's API.
 *
 * Every port receives on one queue and sends what it got out of its peer
 * (ports 0 and 1, 2 and 3, ...; a last odd port sends back out of itself),
 * with the destination MAC set to 02:00:00:00:00:<peer port> and the
 * source to the peer's own address. Before forwarding it prints, per port,
 * what the BAR mapping got and the TX mode, through rte_pmd_wcnic.h; with
 * --require-wc it refuses to run on a net_wcnic port that is not
 * write-combining.
 *
 * usage: wcnic-l2fwd [EAL options] -- [--seconds N] [--require-wc]
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include <rte_pmd_wcnic.h>

#define NB_MBUFS   8191
#define RING_SIZE  512
#define BURST      32

static volatile bool stopping;

struct options {
	unsigned int seconds;  /* 0: until SIGINT or SIGTERM */
	bool require_wc;
};

static void
on_signal(int sig)
{
	(void)sig;
	stopping = true;
}

static int
parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longs[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "require-wc", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		char *end;

		switch (c) {
		case 's':
			errno = 0;
			opt->seconds = (unsigned int)strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || optarg[0] == '\0') {
				fprintf(stderr, "--seconds %s: expected a number\n", optarg);
				return -1;
			}
			break;
		case 'w':
			opt->require_wc = true;
			break;
		default:
			fprintf(stderr, "usage: wcnic-l2fwd [EAL options] -- [--seconds N] "
				"[--require-wc]\n");
			return -1;
		}
	}
	return 0;
}

/*
 * What the port's BAR got, for a net_wcnic port; 0, or -1 when WC was
 * required and the port does not have it.
 */
static int
describe_port(uint16_t port, const struct options *opt)
{
	struct rte_pmd_wcnic_port_info info;
	int ret = rte_pmd_wcnic_get_port_info(port, &info);

	if (ret == -ENOTSUP) {
		printf("port %u: not a net_wcnic port\n", port);
		return 0;
	}
	if (ret != 0) {
		fprintf(stderr, "port %u: %s\n", port, strerror(-ret));
		return -1;
	}
	printf("port %u: BAR %s (%s, %s), TX mode %s", port,
	       rte_pmd_wcnic_mem_type_name(info.mem_type), info.mem_type_source,
	       info.mem_type_verified ? "verified" : "not verified",
	       rte_pmd_wcnic_tx_mode_name(info.tx_mode));
	if (info.tx_mode == RTE_PMD_WCNIC_TX_PUSH)
		printf(", %u-byte entries", info.push_entry_size);
	printf(", %u per doorbell\n", info.tx_burst_max);
	if (opt->require_wc && info.mem_type != RTE_PMD_WCNIC_MEM_WC) {
		fprintf(stderr, "port %u: write-combining required, the BAR is %s\n", port,
			rte_pmd_wcnic_mem_type_name(info.mem_type));
		return -1;
	}
	return 0;
}

static int
start_port(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, RING_SIZE, rte_eth_dev_socket_id(port), NULL,
					     mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, RING_SIZE, rte_eth_dev_socket_id(port), NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret != 0)
		fprintf(stderr, "port %u: cannot start: %s\n", port, strerror(-ret));
	return ret;
}

static uint16_t
peer_of(uint16_t port, uint16_t nb_ports)
{
	if (port % 2 == 0)
		return port + 1 < nb_ports ? port + 1 : port;
	return port - 1;
}

/* Address the frames for the peer, send them, drop what it did not take. */
static uint64_t
forward_burst(uint16_t peer, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_ether_addr peer_mac;
	uint16_t i, sent;

	rte_eth_macaddr_get(peer, &peer_mac);
	for (i = 0; i < n; i++) {
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);

		memset(&eth->dst_addr, 0, sizeof(eth->dst_addr));
		eth->dst_addr.addr_bytes[0] = 0x02;
		eth->dst_addr.addr_bytes[5] = (uint8_t)peer;
		rte_ether_addr_copy(&peer_mac, &eth->src_addr);
	}
	sent = rte_eth_tx_burst(peer, 0, pkts, n);
	if (sent < n)
		rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
	return sent;
}

int
main(int argc, char **argv)
{
	struct options opt = { 0 };
	struct rte_mempool *mp;
	uint64_t forwarded = 0, deadline;
	uint16_t nb_ports, port;
	int ret = rte_eal_init(argc, argv);

	if (ret < 0) {
		fprintf(stderr, "cannot initialise EAL\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	if (parse_options(argc, argv, &opt) != 0)
		goto fail;
	nb_ports = rte_eth_dev_count_avail();
	if (nb_ports == 0) {
		fprintf(stderr, "no ports: give one, e.g. --vdev net_wcnic0\n");
		goto fail;
	}
	mp = rte_pktmbuf_pool_create("l2fwd", NB_MBUFS * nb_ports, 256, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (mp == NULL) {
		fprintf(stderr, "cannot create the mbuf pool: %s\n", rte_strerror(rte_errno));
		goto fail;
	}
	RTE_ETH_FOREACH_DEV(port)
		if (start_port(port, mp) != 0 || describe_port(port, &opt) != 0)
			goto fail;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	deadline = opt.seconds ? rte_get_timer_cycles() + opt.seconds * rte_get_timer_hz() : 0;
	while (!stopping && (deadline == 0 || rte_get_timer_cycles() < deadline)) {
		RTE_ETH_FOREACH_DEV(port) {
			struct rte_mbuf *pkts[BURST];
			uint16_t n = rte_eth_rx_burst(port, 0, pkts, BURST);

			if (n != 0)
				forwarded += forward_burst(peer_of(port, nb_ports), pkts, n);
		}
	}

	RTE_ETH_FOREACH_DEV(port) {
		struct rte_eth_stats st;

		if (rte_eth_stats_get(port, &st) == 0)
			printf("port %u: received %" PRIu64 ", sent %" PRIu64 ", missed %" PRIu64
			       "\n", port, st.ipackets, st.opackets, st.imissed);
		rte_eth_dev_stop(port);
		rte_eth_dev_close(port);
	}
	printf("forwarded %" PRIu64 " frames\n", forwarded);
	rte_eal_cleanup();
	return 0;
fail:
	rte_eal_cleanup();
	return 1;
}
