/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Queue setup, release and hardware start for TX and RX.
 *
 * Each queue owns one memzone for what the device reaches by DMA: the TX
 * descriptor ring (DMA mode) and the TX head write-back word, or the RX
 * descriptor and completion rings. Ring and completion addresses are kept
 * 64-byte aligned, as the device requires.
 */
#include <string.h>

#include <rte_malloc.h>
#include <rte_memzone.h>

#include "wcnic_ethdev.h"
#include "wcnic_log.h"
#include "wcnic_tx_common.h"

static uint64_t
mz_dma_addr(const struct wcnic_adapter *ad, const struct rte_memzone *mz, size_t off)
{
	return (ad->dma_addr_is_va ? (uint64_t)(uintptr_t)mz->addr : mz->iova) + off;
}

static const struct rte_memzone *
queue_memzone(struct rte_eth_dev *dev, const char *kind, uint16_t qid, size_t len,
	      unsigned int socket_id)
{
	char name[RTE_MEMZONE_NAMESIZE];

	snprintf(name, sizeof(name), "wcnic%u_%s%u", dev->data->port_id, kind, qid);
	return rte_memzone_reserve_aligned(name, len, (int)socket_id, RTE_MEMZONE_IOVA_CONTIG,
					   WCNIC_CACHE_LINE);
}

static int
ring_size_ok(const struct wcnic_adapter *ad, const char *kind, uint16_t qid, uint16_t nb_desc)
{
	if (rte_is_power_of_2(nb_desc) && nb_desc >= WCNIC_MIN_RING_SIZE &&
	    nb_desc <= ad->max_ring_size)
		return 0;
	WCNIC_LOG(ERR, "%s queue %u: %u descriptors; need a power of two from %u to %u",
		  kind, qid, nb_desc, WCNIC_MIN_RING_SIZE, ad->max_ring_size);
	return -EINVAL;
}

/* What every queue allocates: its struct, its mbuf ring, its DMA memzone. */
struct queue_mem {
	void *queue;
	struct rte_mbuf **sw_ring;
	const struct rte_memzone *mz;
};

static void
queue_mem_free(struct queue_mem *mem)
{
	rte_memzone_free(mem->mz);
	rte_free(mem->sw_ring);
	rte_free(mem->queue);
}

static int
queue_mem_alloc(struct rte_eth_dev *dev, const char *kind, uint16_t qid, size_t queue_size,
		uint16_t nb_slots, size_t dma_len, unsigned int socket_id, struct queue_mem *mem)
{
	mem->queue = rte_zmalloc_socket("wcnic_queue", queue_size, RTE_CACHE_LINE_SIZE,
					(int)socket_id);
	mem->sw_ring = rte_zmalloc_socket("wcnic_sw_ring", nb_slots * sizeof(*mem->sw_ring),
					  RTE_CACHE_LINE_SIZE, (int)socket_id);
	mem->mz = queue_memzone(dev, kind, qid, dma_len, socket_id);
	if (mem->queue != NULL && mem->sw_ring != NULL && mem->mz != NULL)
		return 0;
	WCNIC_LOG(ERR, "port %u %s queue %u: out of memory", dev->data->port_id, kind, qid);
	queue_mem_free(mem);
	return -ENOMEM;
}

/* ------------------------------------------------------------------ TX */

/* Queues start with the port: no per-queue start/stop operations. */
static int
deferred_start_refused(struct rte_eth_dev *dev, const char *kind, uint16_t qid, bool deferred)
{
	if (!deferred)
		return 0;
	WCNIC_LOG(ERR, "port %u %s queue %u: deferred start not supported", dev->data->port_id,
		  kind, qid);
	return -ENOTSUP;
}

int
wcnic_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		     unsigned int socket_id, const struct rte_eth_txconf *conf)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	bool push = ad->info.tx_mode == RTE_PMD_WCNIC_TX_PUSH;
	enum wc_store_variant wc_store = wcnic_devargs_wc_store(&ad->args);
	enum wc_mem_type bar_mem = ad->info.mem_type == RTE_PMD_WCNIC_MEM_WC ? WC_MEM_WC : WC_MEM_UC;
	uint16_t nb_slots = push ? WCNIC_PUSH_RING_BYTES / ad->args.entry_size : nb_desc;
	size_t ring_len = push ? 0 : RTE_ALIGN_CEIL(nb_slots * sizeof(struct wcnic_tx_desc),
						      WCNIC_CACHE_LINE);
	struct queue_mem mem;
	struct wcnic_txq *txq;

	if (!push && ring_size_ok(ad, "TX", qid, nb_desc) != 0)
		return -EINVAL;
	if (deferred_start_refused(dev, "TX", qid, conf->tx_deferred_start) != 0)
		return -ENOTSUP;
	if (push && nb_desc != nb_slots)
		WCNIC_LOG(INFO, "port %u TX queue %u: push mode uses the device's %u-entry ring (asked %u)",
			  dev->data->port_id, qid, nb_slots, nb_desc);
	wcnic_tx_queue_release(dev, qid);

	if (queue_mem_alloc(dev, "tx", qid, sizeof(*txq), nb_slots, ring_len + WCNIC_CACHE_LINE,
			    socket_id, &mem) != 0)
		return -ENOMEM;
	txq = mem.queue;
	txq->sw_ring = mem.sw_ring;
	txq->mz = mem.mz;
	txq->desc_ring = push ? NULL : txq->mz->addr;
	txq->head_wb = (const uint32_t *)((uint8_t *)txq->mz->addr + ring_len);
	txq->push_ring = ad->bar.base + WCNIC_PUSH_RING_OFF(qid);
	txq->doorbell = (volatile uint32_t *)(ad->bar.base + WCNIC_DB_TX_OFF(qid));
	/* A simulated BAR takes whole lines through the simulator, which runs
	 * the port's variant to learn what its stores cover. */
	txq->copy_lines = ad->bar.simulated ? wc_sim_copy_lines : wc_store_copy_fn(wc_store);
	txq->push_direct = push ? wcnic_push_direct_for(wc_store, ad->args.entry_size,
							ad->bar.simulated) :
				  WCNIC_PUSH_DIRECT_NONE;
	txq->nb_slots = nb_slots;
	txq->mask = nb_slots - 1;
	txq->entry_size = ad->args.entry_size;
	txq->burst_max = ad->tx_burst_max;
	txq->max_frame_len = (uint16_t)WCNIC_MAX_FRAME_FOR_MTU(dev->data->mtu);
	txq->max_segs = (ad->dev_features & WCNIC_F_MULTI_SEG) ? WCNIC_TX_MAX_SEGS : 1;
	txq->dma_addr_is_va = ad->dma_addr_is_va;
	txq->bar_is_wc = ad->info.mem_type == RTE_PMD_WCNIC_MEM_WC;
	txq->bar_simulated = ad->bar.simulated;
	/* Push entries are BAR stores of the line copier's kind, DMA
	 * descriptors plain stores to host memory. */
	txq->db_needs_store_fence = push ?
		wc_doorbell_needs_store_fence(wc_store, bar_mem, bar_mem) :
		wc_doorbell_needs_store_fence(WC_STORE_U64, WC_MEM_HOST, bar_mem);
	txq->fast_free = ((conf->offloads | dev->data->dev_conf.txmode.offloads) &
			  RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE) != 0;
	txq->queue_id = qid;
	txq->port_id = dev->data->port_id;
	dev->data->tx_queues[qid] = txq;
	ad->txqs[qid] = txq;
	return 0;
}

/* Give back mbufs the device never finished with (after the queue stopped). */
static void
tx_queue_drop_held(struct wcnic_txq *txq)
{
	uint16_t i;

	for (i = 0; i < txq->nb_slots; i++) {
		wcnic_tx_slot_free(txq->sw_ring[i]);
		txq->sw_ring[i] = NULL;
	}
	txq->held_mbufs = 0;
}

void
wcnic_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	struct wcnic_txq *txq = ad->txqs[qid];

	if (txq == NULL)
		return;
	tx_queue_drop_held(txq);
	queue_mem_free(&(struct queue_mem){ txq, txq->sw_ring, txq->mz });
	ad->txqs[qid] = NULL;
	dev->data->tx_queues[qid] = NULL;
}

/* Free what the device has finished with, outside a TX burst. */
int
wcnic_tx_done_cleanup(void *queue, uint32_t free_cnt __rte_unused)
{
	struct wcnic_txq *txq = queue;
	uint16_t held = txq->held_mbufs;

	wcnic_tx_reclaim(txq);
	return held - txq->held_mbufs;
}

void
wcnic_tx_queue_reset(struct wcnic_txq *txq)
{
	tx_queue_drop_held(txq);
	txq->tail = 0;
	txq->head = 0;
	txq->db_seq = 0;
	*(uint32_t *)(uintptr_t)txq->head_wb = 0;
}

/* Write the TX half of the queue block; the caller enables the queue. */
void
wcnic_tx_queue_hw_start(struct wcnic_adapter *ad, struct wcnic_txq *txq)
{
	uint32_t blk = WCNIC_QUEUE_CFG_OFF(txq->queue_id);
	uint64_t base = mz_dma_addr(ad, txq->mz, 0);
	size_t ring_len = (uint8_t *)(uintptr_t)txq->head_wb - (uint8_t *)txq->mz->addr;

	wcnic_tx_queue_reset(txq);
	if (ad->info.tx_mode == RTE_PMD_WCNIC_TX_PUSH) {
		wcnic_bar_write32(&ad->bar, blk + WCNIC_QREG_TX_MODE,
				  txq->entry_size == WCNIC_PUSH_ENTRY_256 ? WCNIC_TXM_PUSH_256
									  : WCNIC_TXM_PUSH_128);
	} else {
		wcnic_bar_write32(&ad->bar, blk + WCNIC_QREG_TX_MODE, WCNIC_TXM_DMA);
		wcnic_bar_write64(&ad->bar, blk + WCNIC_QREG_TX_RING_IOVA, base);
		wcnic_bar_write32(&ad->bar, blk + WCNIC_QREG_TX_RING_SIZE, txq->nb_slots);
	}
	wcnic_bar_write64(&ad->bar, blk + WCNIC_QREG_TX_CMPL_IOVA, base + ring_len);
}

/* ------------------------------------------------------------------ RX */

int
wcnic_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		     unsigned int socket_id, const struct rte_eth_rxconf *conf,
		     struct rte_mempool *mp)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	uint32_t buf_size = rte_pktmbuf_data_room_size(mp) - RTE_PKTMBUF_HEADROOM;
	size_t desc_len = RTE_ALIGN_CEIL(nb_desc * sizeof(struct wcnic_rx_desc), WCNIC_CACHE_LINE);
	size_t cmpl_len = RTE_ALIGN_CEIL(nb_desc * sizeof(struct wcnic_rx_cmpl), WCNIC_CACHE_LINE);
	struct queue_mem mem;
	struct wcnic_rxq *rxq;

	uint16_t free_thresh = conf->rx_free_thresh != 0 ? conf->rx_free_thresh
							 : RTE_MIN(WCNIC_RX_FREE_THRESH_DEFAULT,
								   nb_desc / 2);

	if (ring_size_ok(ad, "RX", qid, nb_desc) != 0)
		return -EINVAL;
	if (deferred_start_refused(dev, "RX", qid, conf->rx_deferred_start) != 0)
		return -ENOTSUP;
	/* Refill waits for this many empty slots: it must be fewer than the ring. */
	if (free_thresh >= nb_desc) {
		WCNIC_LOG(ERR, "RX queue %u: rx_free_thresh %u must be below the ring size %u",
			  qid, free_thresh, nb_desc);
		return -EINVAL;
	}
	if (rte_pktmbuf_data_room_size(mp) < RTE_PKTMBUF_HEADROOM + WCNIC_MIN_RX_BUF_SIZE) {
		WCNIC_LOG(ERR, "RX queue %u: mbuf data room %u too small; need %u + %u",
			  qid, rte_pktmbuf_data_room_size(mp), RTE_PKTMBUF_HEADROOM,
			  WCNIC_MIN_RX_BUF_SIZE);
		return -EINVAL;
	}
	wcnic_rx_queue_release(dev, qid);

	if (queue_mem_alloc(dev, "rx", qid, sizeof(*rxq), nb_desc, desc_len + cmpl_len,
			    socket_id, &mem) != 0)
		return -ENOMEM;
	rxq = mem.queue;
	rxq->sw_ring = mem.sw_ring;
	rxq->mz = mem.mz;
	rxq->desc_ring = rxq->mz->addr;
	rxq->cmpl_ring = (const struct wcnic_rx_cmpl *)((uint8_t *)rxq->mz->addr + desc_len);
	rxq->doorbell = (volatile uint32_t *)(ad->bar.base + WCNIC_DB_RX_OFF(qid));
	rxq->mp = mp;
	rxq->nb_desc = nb_desc;
	rxq->mask = nb_desc - 1;
	rxq->buf_size = (uint16_t)RTE_MIN(buf_size, (uint32_t)UINT16_MAX);
	rxq->refill_threshold = free_thresh;
	rxq->dma_addr_is_va = ad->dma_addr_is_va;
	rxq->bar_is_wc = ad->info.mem_type == RTE_PMD_WCNIC_MEM_WC;
	rxq->bar_simulated = ad->bar.simulated;
	rxq->queue_id = qid;
	rxq->port_id = dev->data->port_id;
	dev->data->rx_queues[qid] = rxq;
	ad->rxqs[qid] = rxq;
	return 0;
}

static void
rx_queue_drop_posted(struct wcnic_rxq *rxq)
{
	for (; rxq->next != rxq->posted; rxq->next++) {
		uint16_t slot = rxq->next & rxq->mask;

		rte_pktmbuf_free(rxq->sw_ring[slot]);
		rxq->sw_ring[slot] = NULL;
	}
}

void
wcnic_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct wcnic_adapter *ad = wcnic_adapter(dev);
	struct wcnic_rxq *rxq = ad->rxqs[qid];

	if (rxq == NULL)
		return;
	rx_queue_drop_posted(rxq);
	queue_mem_free(&(struct queue_mem){ rxq, rxq->sw_ring, rxq->mz });
	ad->rxqs[qid] = NULL;
	dev->data->rx_queues[qid] = NULL;
}

void
wcnic_rx_queue_reset(struct wcnic_rxq *rxq)
{
	rx_queue_drop_posted(rxq);
	rxq->next = 0;
	rxq->posted = 0;
	rxq->db_seq = 0;
	/* Phase 0 everywhere: nothing is complete until the device says so. */
	memset((void *)(uintptr_t)rxq->cmpl_ring, 0,
	       RTE_ALIGN_CEIL(rxq->nb_desc * sizeof(struct wcnic_rx_cmpl), WCNIC_CACHE_LINE));
}

void
wcnic_rx_queue_hw_start(struct wcnic_adapter *ad, struct wcnic_rxq *rxq)
{
	uint32_t blk = WCNIC_QUEUE_CFG_OFF(rxq->queue_id);
	uint64_t base = mz_dma_addr(ad, rxq->mz, 0);
	size_t desc_len = (const uint8_t *)rxq->cmpl_ring - (uint8_t *)rxq->mz->addr;

	wcnic_rx_queue_reset(rxq);
	wcnic_bar_write64(&ad->bar, blk + WCNIC_QREG_RX_RING_IOVA, base);
	wcnic_bar_write64(&ad->bar, blk + WCNIC_QREG_RX_CMPL_IOVA, base + desc_len);
	wcnic_bar_write32(&ad->bar, blk + WCNIC_QREG_RX_RING_SIZE, rxq->nb_desc);
	wcnic_bar_write32(&ad->bar, blk + WCNIC_QREG_RX_BUF_SIZE, rxq->buf_size);
}
