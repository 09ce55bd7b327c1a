/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Edge cases of net_wcnic that testpmd cannot produce, each in its own
 * process (EAL initialises once per process):
 *
 *   bad-mbufs push|dma  mbufs whose segments do not add up to pkt_len, or
 *                       add up to less than an Ethernet header: dropped and
 *                       counted by the driver, never handed to the device,
 *                       and the queue keeps working.
 *   long-chain          DMA-mode packets with more segments than the
 *                       device's per-doorbell budget: extra doorbells, no
 *                       device error, bytes intact.
 *   rx-free-thresh      an RX refill threshold that could never be reached
 *                       is refused at queue setup.
 *   remove-started      EAL cleanup with the port still started: the driver
 *                       stops the device thread before its memory goes.
 *   rss-config          RSS settings ethdev can pass that the device cannot
 *                       take are refused and change nothing; a device of
 *                       interface 1.0 refuses RSS at configure.
 *   rx-late-completion  a scattered frame whose last completion comes after
 *                       the others (a device breaking spec 11.4's order):
 *                       the burst leaves it for a later call, which hands
 *                       it over whole, its segment count and length right.
 *   push-buffer-end     push-mode frames in external buffers that end where
 *                       the frame ends, an unreadable page right after:
 *                       entries written straight from the frame read 112
 *                       bytes (push_direct_full_run()), so these must take
 *                       the stage instead, and come back byte-exact.
 */
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>

#include "pmd_test.h"
#include "wcnic_dev.h"

#define RING 256

static struct rte_mbuf *
seg_alloc(struct rte_mempool *mp, uint16_t len, uint8_t fill)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);

	if (m != NULL)
		memset(rte_pktmbuf_append(m, len), fill, len);
	return m;
}

static uint8_t
times_three(uint32_t i, const void *ctx __rte_unused)
{
	return (uint8_t)(i * 3);
}

/* A frame of nb_segs segments of seg_len bytes, byte i of the frame = i * 3. */
static struct rte_mbuf *
frame_alloc(struct rte_mempool *mp, unsigned int nb_segs, uint16_t seg_len)
{
	return pmd_test_frame(mp, nb_segs * seg_len, seg_len, times_three, NULL);
}

static void
send_all(uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz();
	uint16_t sent = 0;

	while (sent < n && rte_get_timer_cycles() < deadline)
		sent += rte_eth_tx_burst(port, 0, pkts + sent, n - sent);
	CHECK(sent == n, "sent %u of %u", sent, n);
}

/* Receive up to n frames within a second; checks each against frame_alloc(). */
static unsigned int
receive_frames(uint16_t port, unsigned int n, uint32_t expect_len)
{
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz();
	unsigned int got = 0;

	while (got < n && rte_get_timer_cycles() < deadline) {
		struct rte_mbuf *pkts[32];
		uint16_t nb = rte_eth_rx_burst(port, 0, pkts, 32), i;

		for (i = 0; i < nb; i++, got++) {
			const uint8_t *p = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
			uint32_t b;

			CHECK(pkts[i]->pkt_len == expect_len, "frame %u: %u bytes, want %u", got,
			      pkts[i]->pkt_len, expect_len);
			for (b = 0; b < pkts[i]->data_len; b++) {
				if (p[b] != (uint8_t)(b * 3)) {
					CHECK(0, "frame %u byte %u: 0x%02x", got, b, p[b]);
					break;
				}
			}
			rte_pktmbuf_free(pkts[i]);
		}
	}
	return got;
}

static int
bad_mbufs(const char *prog, const char *mode)
{
	char devargs[64];
	struct rte_mempool *mp;
	struct rte_mbuf *pkts[6];
	uint16_t port = 0;
	unsigned int i;

	snprintf(devargs, sizeof(devargs), "backend=loopback,tx_mode=%s", mode);
	pmd_test_eal_init(prog, devargs);
	mp = pmd_test_pool(2048);
	REQUIRE(pmd_test_port_start(port, mp, RING, RTE_ETH_TX_OFFLOAD_MULTI_SEGS, 0) == 0, "port setup");
	/* pkt_len claims 60 bytes, the one segment holds 10. */
	pkts[0] = seg_alloc(mp, 10, 0xaa);
	pkts[0]->pkt_len = 60;
	/* Two segments of 5 and 4 bytes claiming 60. */
	pkts[1] = seg_alloc(mp, 5, 0xbb);
	pkts[1]->next = seg_alloc(mp, 4, 0xbb);
	pkts[1]->nb_segs = 2;
	pkts[1]->pkt_len = 60;
	/* Then good frames: the queue must still work. */
	for (i = 2; i < RTE_DIM(pkts); i++)
		pkts[i] = frame_alloc(mp, 1, 64);
	send_all(port, pkts, RTE_DIM(pkts));
	CHECK(receive_frames(port, 4, 64) == 4, "good frames after the bad ones came back");
	CHECK(pmd_test_xstat(port, "tx_runt_drops") == 2, "runt drops: %" PRIu64,
	      pmd_test_xstat(port, "tx_runt_drops"));
	CHECK(pmd_test_xstat(port, "dev_errors") == 0, "device errors: %" PRIu64,
	      pmd_test_xstat(port, "dev_errors"));
	CHECK(pmd_test_xstat(port, "dev_tx_packets") == 4, "device TX: %" PRIu64,
	      pmd_test_xstat(port, "dev_tx_packets"));
	printf("bad-mbufs %s: %u failure(s)\n", mode, test_failures);
	return pmd_test_finish(port);
}

static int
long_chain(const char *prog)
{
	enum { NB = 8, SEGS = 12, SEG_LEN = 50, BUDGET = 4 };
	struct rte_mempool *mp;
	struct rte_mbuf *pkts[NB];
	uint16_t port = 0;
	unsigned int i;

	pmd_test_eal_init(prog, "backend=loopback,tx_mode=dma,dev_burst_max=4");
	mp = pmd_test_pool(2048);
	REQUIRE(pmd_test_port_start(port, mp, RING, RTE_ETH_TX_OFFLOAD_MULTI_SEGS, 0) == 0, "port setup");
	for (i = 0; i < NB; i++)
		pkts[i] = frame_alloc(mp, SEGS, SEG_LEN);
	send_all(port, pkts, NB);
	CHECK(receive_frames(port, NB, SEGS * SEG_LEN) == NB, "every long chain came back");
	CHECK(pmd_test_xstat(port, "dev_errors") == 0, "device errors: %" PRIu64,
	      pmd_test_xstat(port, "dev_errors"));
	CHECK(pmd_test_xstat(port, "tx_doorbells") >= NB * SEGS / BUDGET,
	      "a doorbell per %u descriptors at most (%" PRIu64 " doorbells)", BUDGET,
	      pmd_test_xstat(port, "tx_doorbells"));
	printf("long-chain: %u failure(s)\n", test_failures);
	return pmd_test_finish(port);
}

static int
rx_free_thresh(const char *prog)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_rxconf rxconf = { 0 };
	struct rte_mempool *mp;
	uint16_t port = 0;

	pmd_test_eal_init(prog, "backend=sink");
	mp = pmd_test_pool(1024);
	CHECK(rte_eth_dev_configure(port, 1, 1, &conf) == 0, "configure");
	rxconf.rx_free_thresh = 64;
	CHECK(rte_eth_rx_queue_setup(port, 0, 64, 0, &rxconf, mp) == -EINVAL,
	      "threshold equal to the ring refused");
	rxconf.rx_free_thresh = 128;
	CHECK(rte_eth_rx_queue_setup(port, 0, 64, 0, &rxconf, mp) == -EINVAL,
	      "threshold above the ring refused");
	rxconf.rx_free_thresh = 32;
	CHECK(rte_eth_rx_queue_setup(port, 0, 64, 0, &rxconf, mp) == 0,
	      "threshold below the ring accepted");
	printf("rx-free-thresh: %u failure(s)\n", test_failures);
	return pmd_test_finish(port);
}

static int
remove_started(const char *prog)
{
	struct rte_mempool *mp;

	pmd_test_eal_init(prog, "backend=gen");
	mp = pmd_test_pool(2048);
	REQUIRE(pmd_test_port_start(0, mp, RING, 0, 0) == 0, "port setup");
	/* No stop, no close: the vdev's remove must do both, in order. */
	CHECK(rte_eal_cleanup() == 0, "EAL cleanup with the port started");
	printf("remove-started: %u failure(s)\n", test_failures);
	return test_exit_status(NULL);
}

static int
rss_config(const char *prog, const char *interface)
{
	struct rte_eth_conf conf = { .rxmode.mq_mode = RTE_ETH_MQ_RX_RSS,
				     .rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_NONFRAG_IPV4_UDP };
	struct rte_eth_rss_reta_entry64 reta[2] = { { .mask = 1 }, { .mask = 0 } };
	uint8_t key[41] = { 1 }, got_key[40];
	struct rte_eth_rss_conf rss = { .rss_key = key, .rss_key_len = 41 };
	char devargs[64];
	uint16_t port = 0;

	snprintf(devargs, sizeof(devargs), "backend=loopback,interface=%s", interface);
	pmd_test_eal_init(prog, devargs);
	if (strcmp(interface, "1.0") == 0) {
		/* Hash types the device does not offer ethdev refuses itself. */
		conf.rx_adv_conf.rss_conf.rss_hf = 0;
		CHECK(rte_eth_dev_configure(port, 2, 2, &conf) == -ENOTSUP,
		      "RSS refused by a device of interface 1.0");
		printf("rss-config 1.0: %u failure(s)\n", test_failures);
		return pmd_test_finish(port);
	}
	conf.rx_adv_conf.rss_conf = rss;
	CHECK(rte_eth_dev_configure(port, 2, 2, &conf) != 0, "a 41-byte key refused at configure");
	conf.rx_adv_conf.rss_conf = (struct rte_eth_rss_conf){ .rss_hf = RTE_ETH_RSS_NONFRAG_IPV4_UDP };
	REQUIRE(rte_eth_dev_configure(port, 2, 2, &conf) == 0, "configure with RSS");
	CHECK(rte_eth_dev_rss_hash_update(port, &rss) == -EINVAL, "a 41-byte key refused");
	rss.rss_key_len = 40;
	rss.rss_hf = RTE_ETH_RSS_L2_PAYLOAD;
	CHECK(rte_eth_dev_rss_hash_update(port, &rss) != 0, "a hash type not offered refused");
	reta[0].reta[0] = 2;
	CHECK(rte_eth_dev_rss_reta_update(port, reta, 128) == -EINVAL,
	      "a table entry naming RX queue 2 of 2 refused");
	reta[0].reta[0] = 1;
	CHECK(rte_eth_dev_rss_reta_update(port, reta, 64) == -EINVAL, "a table of 64 refused");
	CHECK(rte_eth_dev_rss_reta_update(port, reta, 128) == 0, "entry 0 to queue 1 taken");
	reta[0].reta[0] = 0;
	CHECK(rte_eth_dev_rss_reta_query(port, reta, 128) == 0 && reta[0].reta[0] == 1,
	      "entry 0 reads back queue 1 (%u)", reta[0].reta[0]);
	rss = (struct rte_eth_rss_conf){ .rss_key = got_key, .rss_key_len = sizeof(got_key) };
	CHECK(rte_eth_dev_rss_hash_conf_get(port, &rss) == 0 &&
	      rss.rss_hf == RTE_ETH_RSS_NONFRAG_IPV4_UDP && got_key[0] == 0x6d,
	      "the configured types and the default key read back (hf 0x%" PRIx64 ", key[0] 0x%x)",
	      rss.rss_hf, got_key[0]);
	printf("rss-config: %u failure(s)\n", test_failures);
	return pmd_test_finish(port);
}

/*
 * An application burst of 256 packets on an empty ring: one tx_burst call
 * takes them all (the rings have room for all of them), and the
 * device gets every one.
 */
static int
big_burst(const char *prog, const char *mode)
{
	enum { NB = 256 };
	struct rte_mbuf *pkts[NB];
	struct rte_mempool *mp;
	char devargs[64];
	uint16_t port = 0, sent;
	uint64_t deadline;
	unsigned int i;

	snprintf(devargs, sizeof(devargs), "backend=sink,tx_mode=%s", mode);
	pmd_test_eal_init(prog, devargs);
	mp = pmd_test_pool(2048);
	REQUIRE(pmd_test_port_start(port, mp, RING, 0, 0) == 0, "port setup");
	for (i = 0; i < NB; i++)
		pkts[i] = frame_alloc(mp, 1, 64);
	sent = rte_eth_tx_burst(port, 0, pkts, NB);
	CHECK(sent == NB, "one tx_burst call took %u of %u packets", sent, NB);
	if (sent < NB)
		rte_pktmbuf_free_bulk(pkts + sent, NB - sent);
	deadline = rte_get_timer_cycles() + rte_get_timer_hz();
	while (pmd_test_xstat(port, "dev_tx_packets") < sent && rte_get_timer_cycles() < deadline)
		rte_delay_ms(1);
	CHECK(pmd_test_xstat(port, "dev_tx_packets") == NB, "device TX: %" PRIu64,
	      pmd_test_xstat(port, "dev_tx_packets"));
	printf("big-burst %s: %u failure(s)\n", mode, test_failures);
	return pmd_test_finish(port);
}

/* The external buffers are the test's own pages: nothing to give back. */
static void
ext_buf_free(void *addr __rte_unused, void *opaque __rte_unused)
{
}

static int
push_buffer_end(const char *prog)
{
	static const uint16_t lens[] = { 64, 65, 96, 111, 112 };
	struct rte_mbuf_ext_shared_info shinfo[RTE_DIM(lens)];
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct rte_mempool *mp;
	uint16_t port = 0;
	uint8_t *area, *end;
	unsigned int i, b;
	int status;

	pmd_test_eal_init(prog, "backend=loopback,tx_mode=push,entry_size=128");
	mp = pmd_test_pool(2048);
	REQUIRE(pmd_test_port_start(port, mp, RING, 0, 0) == 0, "port setup");
	/* One page per frame, each followed by one no access is allowed to. */
	area = mmap(NULL, 2 * page * RTE_DIM(lens), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(area != MAP_FAILED, "mmap");
	for (i = 0; i < RTE_DIM(lens); i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		uint8_t *frame;

		REQUIRE(m != NULL, "mbuf");
		end = area + (2 * i + 1) * page;
		REQUIRE(mprotect(end, page, PROT_NONE) == 0, "mprotect");
		frame = end - lens[i];
		for (b = 0; b < lens[i]; b++)
			frame[b] = (uint8_t)(b * 3);
		shinfo[i] = (struct rte_mbuf_ext_shared_info){ .free_cb = ext_buf_free };
		rte_mbuf_ext_refcnt_set(&shinfo[i], 1);
		rte_pktmbuf_attach_extbuf(m, frame, (rte_iova_t)(uintptr_t)frame, lens[i],
					  &shinfo[i]);
		m->data_len = lens[i];
		m->pkt_len = lens[i];
		send_all(port, &m, 1);
		CHECK(receive_frames(port, 1, lens[i]) == 1, "the %u-byte frame came back",
		      lens[i]);
	}
	CHECK(pmd_test_xstat(port, "dev_errors") == 0, "device errors: %" PRIu64,
	      pmd_test_xstat(port, "dev_errors"));
	printf("push-buffer-end: %u failure(s)\n", test_failures);
	status = pmd_test_finish(port);
	munmap(area, 2 * page * RTE_DIM(lens));
	return status;
}

/*
 * RX with the pool exhausted: the application holds every frame it gets
 * until the driver cannot post new buffers (counted as rx_nombuf), then
 * gives them back; reception resumes, and after close every mbuf is back
 * (pmd_test_finish()).
 */
static int
rx_pool_exhausted(const char *prog)
{
	enum { POOL = 1024 };
	static struct rte_mbuf *held[POOL];
	struct rte_eth_stats stats;
	unsigned int nb_held = 0, resumed = 0;
	struct rte_mempool *mp;
	uint64_t deadline;
	uint16_t port = 0;

	pmd_test_eal_init(prog, "backend=gen");
	mp = pmd_test_pool(POOL);
	REQUIRE(pmd_test_port_start(port, mp, RING, 0, 0) == 0, "port setup");
	deadline = rte_get_timer_cycles() + 2 * rte_get_timer_hz();
	while (rte_get_timer_cycles() < deadline &&
	       (rte_eth_stats_get(port, &stats) != 0 || stats.rx_nombuf == 0))
		nb_held += rte_eth_rx_burst(port, 0, held + nb_held,
					    (uint16_t)RTE_MIN(32u, POOL - nb_held));
	CHECK(rte_eth_stats_get(port, &stats) == 0 && stats.rx_nombuf > 0,
	      "the driver ran out of buffers and counted it (rx_nombuf %" PRIu64
	      ", %u frames held)", stats.rx_nombuf, nb_held);
	rte_pktmbuf_free_bulk(held, nb_held);
	deadline = rte_get_timer_cycles() + rte_get_timer_hz();
	while (rte_get_timer_cycles() < deadline && resumed < 4096) {
		struct rte_mbuf *pkts[32];
		uint16_t n = rte_eth_rx_burst(port, 0, pkts, 32);

		rte_pktmbuf_free_bulk(pkts, n);
		resumed += n;
	}
	CHECK(resumed >= 4096, "reception resumed once the frames went back (%u frames)",
	      resumed);
	printf("rx-pool-exhausted: %u failure(s)\n", test_failures);
	return pmd_test_finish(port);
}

/* Completion i of the RX queue as a device writes it (phase of the first lap). */
static void
rx_complete(struct wcnic_rxq *rxq, uint16_t i, uint16_t len, bool last)
{
	struct wcnic_rx_cmpl *c = (struct wcnic_rx_cmpl *)&rxq->cmpl_ring[i & rxq->mask];

	c->len = rte_cpu_to_le_16(len);
	c->hash = 0;
	__atomic_store_n(&c->flags, rte_cpu_to_le_16(WCNIC_RXC_PHASE | (last ? WCNIC_RXC_LAST : 0)),
			 __ATOMIC_RELEASE);
}

/*
 * The driver's scattered RX against a device that writes a frame's first
 * two completions and only later its last one. The completions are
 * written here, by hand: the in-process device (sink back end: it
 * delivers nothing) keeps spec 11.4's order and never does this.
 */
static int
rx_late_completion(const char *prog)
{
	enum { SEG = 2000 };
	struct rte_mbuf *pkts[4];
	struct wcnic_rxq *rxq;
	struct rte_mempool *mp;
	uint16_t port = 0, first, n;

	pmd_test_eal_init(prog, "backend=sink");
	mp = pmd_test_pool(1024);
	/* MTU 9000 into default (2 KB) mbufs: the port receives scattered. */
	REQUIRE(pmd_test_port_start(port, mp, RING, 0, 9000) == 0, "port setup");
	REQUIRE(rte_eth_devices[port].data->scattered_rx, "the port receives scattered");
	rxq = rte_eth_devices[port].data->rx_queues[0];
	first = rxq->next;
	rx_complete(rxq, first, SEG, false);
	rx_complete(rxq, first + 1, SEG, false);
	n = rte_eth_rx_burst(port, 0, pkts, RTE_DIM(pkts));
	CHECK(n == 0, "a frame without its last completion is not handed over (%u frames)", n);
	n = rte_eth_rx_burst(port, 0, pkts, RTE_DIM(pkts));
	CHECK(n == 0, "nor at the next call (%u frames)", n);
	rx_complete(rxq, first + 2, 100, true);
	n = rte_eth_rx_burst(port, 0, pkts, RTE_DIM(pkts));
	CHECK(n == 1, "the frame comes once its last completion is there (%u frames)", n);
	if (n == 1) {
		CHECK(pkts[0]->nb_segs == 3, "3 segments, got %u", pkts[0]->nb_segs);
		CHECK(pkts[0]->pkt_len == 2 * SEG + 100, "%u bytes, got %u", 2 * SEG + 100,
		      pkts[0]->pkt_len);
		CHECK(rte_mbuf_check(pkts[0], 1, NULL) == 0, "a well-formed mbuf chain");
	}
	rte_pktmbuf_free_bulk(pkts, n);
	printf("rx-late-completion: %u failure(s)\n", test_failures);
	return pmd_test_finish(port);
}

/*
 * Limits a device may report that the driver must refuse at reset: with
 * TX_BURST_MAX 0 every TX burst would loop forever. The in-process device
 * never reports them, so the check is called on made-up values.
 */
static int
device_limits(void)
{
	static const struct {
		uint32_t queues, ring, mtu;
		uint16_t burst;
		bool usable;
	} cases[] = {
		{ 8, 4096, 9000, 64, true },
		{ 1, 64, 68, 1, true },
		{ 0, 4096, 9000, 64, false },
		{ 8, 3000, 9000, 64, false },
		{ 8, 32, 9000, 64, false },
		{ 8, 0, 9000, 64, false },
		{ 8, 4096, 67, 64, false },
		{ 8, 4096, 9000, 0, false },
	};
	struct wcnic_adapter ad;
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++) {
		const char *why;

		memset(&ad, 0, sizeof(ad));
		ad.max_queues = cases[i].queues;
		ad.max_ring_size = cases[i].ring;
		ad.max_mtu = cases[i].mtu;
		ad.tx_burst_max = cases[i].burst;
		why = wcnic_dev_limits_problem(&ad);
		CHECK((why == NULL) == cases[i].usable,
		      "queues %u, ring %u, MTU %u, burst %u: %s, expected %s", cases[i].queues,
		      cases[i].ring, cases[i].mtu, cases[i].burst, why ? why : "usable",
		      cases[i].usable ? "usable" : "refused");
	}
	printf("device-limits: %u failure(s)\n", test_failures);
	return test_exit_status(NULL);
}

int
main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	if (strcmp(c, "bad-mbufs") == 0 && argc > 2)
		return bad_mbufs(argv[0], argv[2]);
	if (strcmp(c, "long-chain") == 0)
		return long_chain(argv[0]);
	if (strcmp(c, "rx-free-thresh") == 0)
		return rx_free_thresh(argv[0]);
	if (strcmp(c, "remove-started") == 0)
		return remove_started(argv[0]);
	if (strcmp(c, "device-limits") == 0)
		return device_limits();
	if (strcmp(c, "big-burst") == 0 && argc > 2)
		return big_burst(argv[0], argv[2]);
	if (strcmp(c, "rx-pool-exhausted") == 0)
		return rx_pool_exhausted(argv[0]);
	if (strcmp(c, "rss-config") == 0 && argc > 2)
		return rss_config(argv[0], argv[2]);
	if (strcmp(c, "rx-late-completion") == 0)
		return rx_late_completion(argv[0]);
	if (strcmp(c, "push-buffer-end") == 0)
		return push_buffer_end(argv[0]);
	printf("usage: %s bad-mbufs push|dma | long-chain | rx-free-thresh | remove-started | "
	       "device-limits | big-burst push|dma | rx-pool-exhausted | rss-config 1.0|1.1 | "
	       "rx-late-completion | push-buffer-end\n",
	       argv[0]);
	return 2;
}
