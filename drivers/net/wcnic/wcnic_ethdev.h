/* SPDX-License-Identifier: BSD-3-Clause */
/* net_wcnic: the port (adapter) and its queues. */
#ifndef WCNIC_ETHDEV_H
#define WCNIC_ETHDEV_H

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_memzone.h>

#include "rte_pmd_wcnic.h"
#include "wc_store.h"
#include "wcnic_bar.h"
#include "wcnic_devargs.h"
#include "wcnic_hw.h"
#include "wcnic_rss.h"

/* Per-queue software counters, exposed as stats and xstats. */
struct wcnic_txq_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t push_entries;   /* entries written into the BAR */
	uint64_t dma_descs;      /* descriptors written to host memory */
	uint64_t doorbells;
	uint64_t oversize_drops; /* frame longer than the port's limit */
	uint64_t runt_drops;     /* frame shorter than an Ethernet header */
	uint64_t seg_drops;      /* more segments than the device takes */
	uint64_t csum_drops;     /* a checksum request the device would refuse */
};

struct wcnic_rxq_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t alloc_failures;
};

/* Largest burst taken, reclaimed or dropped in one go. */
#define WCNIC_TX_FREE_BULK 64

/*
 * Push entries are composed in the queue's stage before their whole-line
 * copy to the BAR (all but direct ones, enum wcnic_push_direct): room for
 * one burst of the larger entries. It is zeroed at queue setup and belongs
 * to the queue, so the bytes past a frame in an entry's last line (which
 * the device does not read) are zeros or bytes of earlier frames of this
 * queue, never other memory of the process.
 */
#define WCNIC_PUSH_STAGE_BYTES (WCNIC_TX_FREE_BULK * WCNIC_PUSH_ENTRY_256)

/*
 * How a push queue writes the entries of its common case, one-segment
 * frames that fill a 128-byte entry: through the stage and the line copier
 * of its store variant, or straight from the frame into the slot with that
 * variant's stores (wcnic_push_direct_for(), push_direct_sse2()).
 */
enum wcnic_push_direct {
	WCNIC_PUSH_DIRECT_NONE,
	WCNIC_PUSH_DIRECT_SSE2,
	WCNIC_PUSH_DIRECT_AVX2,
	WCNIC_PUSH_DIRECT_AVX512,
};

struct wcnic_txq {
	/* Hot fields first: everything the burst function touches. */
	uint8_t *push_ring;                 /* BAR: this queue's push ring */
	struct wcnic_tx_desc *desc_ring;    /* host memory: DMA-mode ring */
	volatile uint32_t *doorbell;        /* BAR: TX doorbell register */
	const uint32_t *head_wb;            /* host memory: device's TX head */
	struct rte_mbuf **sw_ring;          /* mbuf to free when the head passes */
	wc_copy_lines_fn copy_lines;        /* widest WC store this CPU has */
	uint16_t nb_slots;                  /* entries or descriptors */
	uint16_t mask;
	uint16_t tail;                      /* producer index, free-running */
	uint16_t head;                      /* device head last seen */
	uint16_t db_seq;                    /* doorbell sequence */
	uint16_t burst_max;                 /* entries per doorbell (device) */
	uint16_t entry_size;                /* push entry bytes */
	uint16_t max_frame_len;
	uint16_t max_segs;
	uint16_t held_mbufs;                /* mbufs in sw_ring awaiting the head */
	bool dma_addr_is_va;                /* IOVA the device sees = virtual */
	bool db_needs_store_fence;          /* wc_doorbell_needs_store_fence() */
	bool bar_is_wc;                     /* doorbell flushed after (wc_barrier.h) */
	bool bar_simulated;                 /* doorbell through wc_sim_store() */
	bool fast_free;                     /* MBUF_FAST_FREE: one pool, refcnt 1 */
	uint8_t push_direct;                /* enum wcnic_push_direct */
	struct wcnic_txq_stats stats;

	const struct rte_memzone *mz;       /* desc ring + head write-back */
	uint16_t queue_id;
	uint16_t port_id;
	bool csum;                          /* TX checksum offloads on (wcnic_tx_prepare()) */
	uint8_t push_stage[WCNIC_PUSH_STAGE_BYTES] __rte_cache_aligned;
} __rte_cache_aligned;

struct wcnic_rxq {
	struct wcnic_rx_desc *desc_ring;    /* host memory: posted buffers */
	const struct wcnic_rx_cmpl *cmpl_ring; /* host memory: device completions */
	struct rte_mbuf **sw_ring;
	struct rte_mempool *mp;
	volatile uint32_t *doorbell;        /* BAR: RX doorbell register */
	uint16_t nb_desc;
	uint16_t mask;
	uint16_t next;                      /* next completion to read */
	uint16_t posted;                    /* buffers posted, free-running */
	uint16_t db_seq;
	uint16_t buf_size;
	uint16_t refill_threshold;
	bool dma_addr_is_va;
	bool bar_is_wc;                     /* descriptors: wc_doorbell_needs_store_fence() */
	bool bar_simulated;                 /* doorbell through wc_sim_store() */
	struct wcnic_rxq_stats stats;

	const struct rte_memzone *mz;       /* desc ring + completion ring */
	uint16_t queue_id;
	uint16_t port_id;
} __rte_cache_aligned;

struct wcnic_adapter;

/* Device counters exposed as xstats (wcnic_xstats.c). */
#define WCNIC_DEV_XSTATS 12

/* What differs between the in-process device and a PCI device. */
struct wcnic_transport_ops {
	/* Make memory allocated so far (and later) reachable by the device. */
	int (*dma_prepare)(struct wcnic_adapter *ad);
	void (*close)(struct wcnic_adapter *ad);
};

/* What the watchdog saw at its last look (wcnic_watchdog.c). */
struct wcnic_watchdog {
	bool failed;                          /* reset event raised: link down */
	uint64_t heartbeat;
	unsigned int heartbeat_still;         /* looks without a new HEARTBEAT */
	uint64_t tx_head[WCNIC_MAX_QUEUES];
	unsigned int tx_still[WCNIC_MAX_QUEUES]; /* looks with TX work, head unmoved */
};

struct wcnic_adapter {
	struct wcnic_bar bar;
	struct rte_pmd_wcnic_port_info info;  /* mem type, TX mode, ... */
	struct wcnic_devargs args;
	const struct wcnic_transport_ops *ops;
	void *transport;                      /* transport private state */
	bool dma_addr_is_va;

	/* Device limits read at reset. */
	uint64_t dev_features;
	uint32_t max_queues;
	uint32_t max_ring_size;
	uint32_t max_mtu;
	uint16_t tx_burst_max;

	struct rte_ether_addr mac;
	uint32_t control;                     /* CONTROL as last written */
	bool started;
	bool wedged;                          /* device did not stop or reset */
	bool error_logged;                    /* STATUS.ERROR already reported */
	struct wcnic_watchdog wd;             /* while started (wcnic_watchdog.c) */
	uint64_t dev_xstats_offset[WCNIC_DEV_XSTATS]; /* see wcnic_xstats_get() */
	struct wc_sim_stats sim_xstats_base;  /* wc_sim_stats() at the last reset */
	struct wcnic_rss rss;                 /* wcnic_rss.c */
	struct wcnic_txq *txqs[WCNIC_MAX_QUEUES];
	struct wcnic_rxq *rxqs[WCNIC_MAX_QUEUES];
};

static inline struct wcnic_adapter *
wcnic_adapter(struct rte_eth_dev *dev)
{
	return dev->data->dev_private;
}

/*
 * The end of every front end's probe, once the adapter has its BAR,
 * transport and memory-type facts: identify and reset the device, fill the
 * port, log one line with the BAR's memory type and the TX mode (detail:
 * the front end's own words for it, e.g. "backend sink, "), finish
 * probing. On failure the transport is closed and the port released.
 */
int wcnic_ethdev_probe_finish(struct rte_eth_dev *dev, const char *name, const char *detail);
/*
 * The watchdog of a started port: an EAL alarm that fails the port (link
 * down, RTE_ETH_EVENT_INTR_RESET) when the device reports an error, stops
 * its HEARTBEAT, or leaves TX work untouched. start arms it, stop disarms it.
 */
void wcnic_watchdog_start(struct rte_eth_dev *dev);
void wcnic_watchdog_stop(struct rte_eth_dev *dev);

/*
 * The end of a front end's probe in a secondary process: dev is the
 * primary's port as rte_eth_dev_attach_secondary() found it, and
 * everything its shared data points at (the BAR) is reachable in this
 * process at the same address. The port gets the operations that only
 * look at it.
 */
void wcnic_ethdev_attach_secondary(struct rte_eth_dev *dev, struct rte_device *device);

/* A front end's remove: stop and close the port named, if still open (in a
 * secondary process: release its view of the port). */
int wcnic_ethdev_remove(const char *name);
extern const struct eth_dev_ops wcnic_eth_dev_ops;
/* Whether a port is a net_wcnic port, in the primary or a secondary process. */
bool wcnic_ethdev_is_ours(const struct rte_eth_dev *dev);

#define WCNIC_RX_FREE_THRESH_DEFAULT 32

/* Queues: the ethdev queue setup and release ops, their reset and start on the
 * device, and TX completion cleanup. */
int wcnic_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			 unsigned int socket_id, const struct rte_eth_txconf *conf);
void wcnic_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
void wcnic_tx_queue_hw_start(struct wcnic_adapter *ad, struct wcnic_txq *txq);
void wcnic_tx_queue_reset(struct wcnic_txq *txq);
int wcnic_tx_done_cleanup(void *txq, uint32_t free_cnt);
int wcnic_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			 unsigned int socket_id, const struct rte_eth_rxconf *conf,
			 struct rte_mempool *mp);
void wcnic_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
void wcnic_rx_queue_hw_start(struct wcnic_adapter *ad, struct wcnic_rxq *rxq);
void wcnic_rx_queue_post_initial(struct wcnic_rxq *rxq);
void wcnic_rx_queue_reset(struct wcnic_rxq *rxq);

/* Burst functions. */
enum wcnic_push_direct wcnic_push_direct_for(enum wc_store_variant store, uint16_t entry_size,
					    bool simulated);
uint16_t wcnic_xmit_push(void *txq, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t wcnic_xmit_dma(void *txq, struct rte_mbuf **pkts, uint16_t nb_pkts);
/* The same for a port with TX checksum offloads: the mbufs' requests go
 * to the device (interface 1.1). */
uint16_t wcnic_xmit_push_csum(void *txq, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t wcnic_xmit_dma_csum(void *txq, struct rte_mbuf **pkts, uint16_t nb_pkts);
/* tx_prepare: the offload flags and lengths the device takes (rte_errno
 * ENOTSUP, EINVAL at the first packet it would not). */
uint16_t wcnic_tx_prepare(void *txq, struct rte_mbuf **pkts, uint16_t nb_pkts);
/* The TX and RX checksum offloads of interface 1.1, and packet types. */
#define WCNIC_TX_CSUM_OFFLOADS (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM | \
				RTE_ETH_TX_OFFLOAD_TCP_CKSUM)
#define WCNIC_RX_CSUM_OFFLOADS (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM | \
				RTE_ETH_RX_OFFLOAD_TCP_CKSUM)
const uint32_t *wcnic_ptypes(const struct rte_eth_dev *dev, size_t *count);
uint16_t wcnic_recv(void *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts);
/* The same when a frame may span several buffers (RX scatter). */
uint16_t wcnic_recv_scattered(void *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts);

/* xstats (wcnic_xstats.c). */
int wcnic_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats, unsigned int n);
int wcnic_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
			   unsigned int size);
int wcnic_xstats_reset(struct rte_eth_dev *dev);
void wcnic_xstats_before_device_reset(struct wcnic_adapter *ad);
/* A device counter (WCNIC_REG_CNT_*) as the port reports it. */
uint64_t wcnic_xstats_dev_counter(const struct wcnic_adapter *ad, uint32_t reg);

#endif /* WCNIC_ETHDEV_H */
