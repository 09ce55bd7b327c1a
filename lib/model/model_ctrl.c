/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control path of the device model: reset, device enable/disable, queue
 * start/stop, configuration checks, error recording and counters.
 */
#include <string.h>

#include "model_priv.h"
#include "model_regs.h"

static const uint32_t cnt_reg[WCNIC_CNT_NUM] = {
	[WCNIC_CNT_TX_PACKETS] = WCNIC_REG_CNT_TX_PACKETS,
	[WCNIC_CNT_TX_BYTES] = WCNIC_REG_CNT_TX_BYTES,
	[WCNIC_CNT_RX_PACKETS] = WCNIC_REG_CNT_RX_PACKETS,
	[WCNIC_CNT_RX_BYTES] = WCNIC_REG_CNT_RX_BYTES,
	[WCNIC_CNT_RX_NO_BUF] = WCNIC_REG_CNT_RX_NO_BUF,
	[WCNIC_CNT_RX_OVERSIZE] = WCNIC_REG_CNT_RX_OVERSIZE,
	[WCNIC_CNT_TX_HDR_BAD] = WCNIC_REG_CNT_TX_HDR_BAD,
	[WCNIC_CNT_ERRORS] = WCNIC_REG_CNT_ERRORS,
	[WCNIC_CNT_DOORBELLS] = WCNIC_REG_CNT_DOORBELLS,
	[WCNIC_CNT_TX_CSUM] = WCNIC_REG_CNT_TX_CSUM,
	[WCNIC_CNT_TX_CSUM_BAD] = WCNIC_REG_CNT_TX_CSUM_BAD,
	[WCNIC_CNT_RX_CSUM_BAD] = WCNIC_REG_CNT_RX_CSUM_BAD,
};

static uint32_t qreg(unsigned int qi, uint32_t reg)
{
	return WCNIC_QUEUE_CFG_OFF(qi) + reg;
}

static uint32_t db_off(unsigned int qi, enum model_dir d)
{
	return d == DIR_TX ? WCNIC_DB_TX_OFF(qi) : WCNIC_DB_RX_OFF(qi);
}

static enum model_ring_state *ring_state(struct model_queue *q, enum model_dir d)
{
	return d == DIR_TX ? &q->tx.state : &q->rx.state;
}

static uint32_t *ring_db(struct model_queue *q, enum model_dir d)
{
	return d == DIR_TX ? &q->tx.db : &q->rx.db;
}

static uint32_t running_bit(enum model_dir d)
{
	return d == DIR_TX ? WCNIC_QSTS_TX_RUNNING : WCNIC_QSTS_RX_RUNNING;
}

static uint32_t enable_bit(enum model_dir d)
{
	return d == DIR_TX ? WCNIC_QCTRL_TX_ENABLE : WCNIC_QCTRL_RX_ENABLE;
}

/*
 * Counters are plain u64 stores from this thread only (aligned, so a
 * driver never reads a torn value). They are refreshed once per pass, not
 * per packet, to keep the control page out of the data path.
 */
void model_counters_flush(struct wcnic_model *m)
{
	uint32_t dirty = m->cnt_dirty;

	while (dirty != 0) {
		unsigned int c = (unsigned int)__builtin_ctz(dirty);

		dirty &= dirty - 1;
		bar_wr64(m->bar, cnt_reg[c], m->cnt[c]);
	}
	m->cnt_dirty = 0;
}

static void status_set(struct wcnic_model *m, uint32_t status)
{
	m->status = status;
	/* Release: the registers STATUS vouches for (reset values for READY,
	 * ERROR_* for ERROR) are written before it. */
	bar_wr32_release(m->bar, WCNIC_REG_STATUS, status);
}

static void qstatus_set(struct wcnic_model *m, unsigned int qi, uint32_t status)
{
	m->q[qi].status = status;
	/* Release: Q ERROR (before a STOPPED_ERR bit) and the initial TX head
	 * (before TX_RUNNING) are visible to a driver that sees this value;
	 * a cleared RUNNING bit also follows the last host-memory access to
	 * the ring, which the driver relies on before it reuses the memory. */
	bar_wr32_release(m->bar, qreg(qi, WCNIC_QREG_STATUS), status);
}

/* Count an error and, if it is the first since reset, describe it. */
static void record_error(struct wcnic_model *m, uint32_t queue, enum wcnic_error code,
			 uint64_t info)
{
	cnt_add(m, queue, WCNIC_CNT_ERRORS, 1);
	m->life.errors_by_code[code]++;
	if (!m->error_latched) {
		m->error_latched = true;
		m->error_code = (uint32_t)code;
		m->error_queue = queue;
		m->error_info = info;
		bar_wr32(m->bar, WCNIC_REG_ERROR_QUEUE, queue);
		bar_wr64(m->bar, WCNIC_REG_ERROR_INFO, info);
		bar_wr32(m->bar, WCNIC_REG_ERROR_CODE, (uint32_t)code);
	}
	if (!(m->status & WCNIC_STS_ERROR))
		status_set(m, m->status | WCNIC_STS_ERROR);
}

void model_ring_error(struct wcnic_model *m, unsigned int qi, enum model_dir d,
		      enum wcnic_error code, uint64_t info)
{
	struct model_queue *q = &m->q[qi];
	uint32_t stopped = d == DIR_TX ? WCNIC_QSTS_TX_STOPPED_ERR : WCNIC_QSTS_RX_STOPPED_ERR;

	*ring_state(q, d) = RING_FAILED;
	/* Q ERROR holds the first error of the queue pair, like ERROR_CODE. */
	if (q->error == WCNIC_ERR_NONE) {
		q->error = (uint32_t)code;
		bar_wr32(m->bar, qreg(qi, WCNIC_QREG_ERROR), q->error);
	}
	record_error(m, qi, code, info);
	qstatus_set(m, qi, (q->status & ~running_bit(d)) | stopped);
}

bool model_ring_size_ok(const struct wcnic_model *m, uint32_t size)
{
	return size >= WCNIC_MIN_RING_SIZE && size <= m->p.max_ring_size &&
	       (size & (size - 1)) == 0;
}

enum wcnic_error model_map(const struct wcnic_model *m, uint64_t iova, uint64_t len,
			   void **host, uint64_t *info)
{
	*info = iova;
	if (iova & (WCNIC_CACHE_LINE - 1))
		return WCNIC_ERR_BAD_CONFIG;
	*host = wcnic_dma_translate(m->dma, iova, len);
	return *host != NULL ? WCNIC_ERR_NONE : WCNIC_ERR_BAD_IOVA;
}

/*
 * Start one ring of queue qi: checks common to both directions here, the
 * direction's own in model_txq_start()/model_rxq_start().
 */
static void ring_start(struct wcnic_model *m, unsigned int qi, enum model_dir d)
{
	uint32_t db = bar_rd32(m->bar, db_off(qi, d));
	enum wcnic_error err = WCNIC_ERR_BAD_CONFIG;
	uint64_t info = qi;

	if (qi >= m->num_queues)
		goto fail;
	if (WCNIC_DB_INDEX(db) != 0) {
		info = db;
		goto fail;
	}
	err = d == DIR_TX ? model_txq_start(m, qi, db, &info) : model_rxq_start(m, qi, db, &info);
	if (err != WCNIC_ERR_NONE)
		goto fail;
	qstatus_set(m, qi, m->q[qi].status | running_bit(d));
	return;
fail:
	model_ring_error(m, qi, d, err, info);
}

/*
 * Stop a ring at the driver's request (or a device disable). The device
 * also clears the ring's doorbell: the next start requires index 0, and
 * without this a driver could only restart a ring after a full reset (it
 * may not write the doorbell of a ring that is not running).
 */
static void ring_stop(struct wcnic_model *m, unsigned int qi, enum model_dir d)
{
	struct model_queue *q = &m->q[qi];

	*ring_state(q, d) = RING_OFF;
	*ring_db(q, d) = 0;
	bar_wr32(m->bar, db_off(qi, d), 0);
	qstatus_set(m, qi, q->status & ~running_bit(d));
}

static void ring_set(struct wcnic_model *m, unsigned int qi, enum model_dir d, bool on)
{
	enum model_ring_state st = *ring_state(&m->q[qi], d);

	if (on && st == RING_OFF)
		ring_start(m, qi, d);
	else if (!on && st == RING_RUNNING)
		ring_stop(m, qi, d);
	/* A failed ring ignores its enable bit until reset. */
}

/*
 * A ring that is not running must not see doorbells. Failed rings are not
 * watched: their queue already reports the error that stopped it.
 */
static unsigned int watch_idle_doorbell(struct wcnic_model *m, unsigned int qi, enum model_dir d)
{
	struct model_queue *q = &m->q[qi];
	uint32_t db;

	if (*ring_state(q, d) != RING_OFF)
		return 0;
	db = bar_rd32(m->bar, db_off(qi, d));
	if (db == *ring_db(q, d))
		return 0;
	cnt_add(m, qi, WCNIC_CNT_DOORBELLS, 1);
	model_ring_error(m, qi, d, WCNIC_ERR_QUEUE_DISABLED, db);
	return 1;
}

unsigned int model_queue_ctrl_poll(struct wcnic_model *m, unsigned int qi)
{
	struct model_queue *q = &m->q[qi];
	/* Acquire: a newly set enable bit publishes the queue block fields
	 * the driver wrote before it (it fences between them on WC). */
	uint32_t ctl = bar_rd32_acquire(m->bar, qreg(qi, WCNIC_QREG_CONTROL));
	uint32_t changed = ctl ^ q->ctl;
	unsigned int work = 0;

	if (changed != 0) {
		q->ctl = ctl;
		if (changed & WCNIC_QCTRL_TX_ENABLE)
			ring_set(m, qi, DIR_TX, ctl & WCNIC_QCTRL_TX_ENABLE);
		if (changed & WCNIC_QCTRL_RX_ENABLE)
			ring_set(m, qi, DIR_RX, ctl & WCNIC_QCTRL_RX_ENABLE);
		work++;
	}
	work += watch_idle_doorbell(m, qi, DIR_TX);
	work += watch_idle_doorbell(m, qi, DIR_RX);
	return work;
}

static void device_enable(struct wcnic_model *m)
{
	uint64_t drv = bar_rd64(m->bar, WCNIC_REG_DRV_FEATURES);
	uint32_t nq = bar_rd32(m->bar, WCNIC_REG_NUM_QUEUES);
	uint32_t mtu = bar_rd32(m->bar, WCNIC_REG_MTU);
	unsigned int qi;
	uint64_t info;

	if (drv & ~m->p.dev_features)
		info = drv;
	else if (nq == 0 || nq > m->p.max_queues)
		info = nq;
	else if (mtu < WCNIC_MIN_MTU || mtu > m->p.max_mtu)
		info = mtu;
	else
		goto valid;
	/* The device stays disabled until the driver clears and sets
	 * ENABLE again (or resets). */
	record_error(m, WCNIC_ERROR_QUEUE_NONE, WCNIC_ERR_BAD_CONFIG, info);
	return;

valid:
	m->drv_features = drv;
	m->num_queues = nq;
	m->max_frame = WCNIC_MAX_FRAME_FOR_MTU(mtu);
	model_rss_load(m);
	if (m->p.backend == WCNIC_BACKEND_GEN)
		model_gen_build(m);
	m->enabled = true;

	for (qi = 0; qi < WCNIC_MAX_QUEUES; qi++) {
		struct model_queue *q = &m->q[qi];
		enum model_dir d;

		q->ctl = bar_rd32(m->bar, qreg(qi, WCNIC_QREG_CONTROL));
		for (d = DIR_TX; d <= DIR_RX; d++) {
			if (*ring_state(q, d) != RING_OFF)
				continue;
			if (q->ctl & enable_bit(d))
				ring_start(m, qi, d);
			else
				*ring_db(q, d) = bar_rd32(m->bar, db_off(qi, d));
		}
	}
	status_set(m, m->status | WCNIC_STS_ENABLED);
}

static void device_disable(struct wcnic_model *m)
{
	unsigned int qi;

	for (qi = 0; qi < WCNIC_MAX_QUEUES; qi++) {
		enum model_dir d;

		for (d = DIR_TX; d <= DIR_RX; d++)
			if (*ring_state(&m->q[qi], d) != RING_FAILED)
				ring_stop(m, qi, d);
	}
	m->enabled = false;
	status_set(m, m->status & ~WCNIC_STS_ENABLED);
}

unsigned int model_ctrl_poll(struct wcnic_model *m)
{
	/* Acquire: ENABLE publishes the global and queue configuration the
	 * driver wrote before it. */
	uint32_t ctl = bar_rd32_acquire(m->bar, WCNIC_REG_CONTROL);
	bool enable = (ctl & WCNIC_CTRL_ENABLE) != 0;

	if (ctl & WCNIC_CTRL_RESET) {
		m->life.resets++;
		model_reset(m);
		return 1;
	}
	if (enable == m->enable_req)
		return 0;
	m->enable_req = enable;
	if (enable)
		device_enable(m);
	else
		device_disable(m);
	return 1;
}

void model_reset(struct wcnic_model *m)
{
	const uint8_t *mac = m->p.mac;
	uint32_t mac_lo = (uint32_t)mac[0] | (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 |
			  (uint32_t)mac[3] << 24;
	uint32_t mac_hi = (uint32_t)mac[4] | (uint32_t)mac[5] << 8;

	/* READY drops first: a driver polling it waits for the whole reset. */
	status_set(m, 0);

	/* Every ring stops here: the model is the only thread acting on them,
	 * so after this point no host memory is touched until a new start. */
	memset(m->q, 0, sizeof(m->q));
	m->enable_req = false;
	m->enabled = false;
	m->error_latched = false;
	m->error_code = WCNIC_ERR_NONE;
	m->error_queue = 0;
	m->error_info = 0;
	m->drv_features = 0;
	m->num_queues = 0;
	m->max_frame = WCNIC_MAX_FRAME_FOR_MTU(MODEL_RESET_MTU);
	memset(&m->rss, 0, sizeof(m->rss));

	bar_zero(m->bar, WCNIC_REG_RSS_TYPES,
		 WCNIC_REG_RSS_RETA + WCNIC_RSS_RETA_SIZE - WCNIC_REG_RSS_TYPES);
	bar_zero(m->bar, WCNIC_QUEUE_CFG_BASE, WCNIC_MAX_QUEUES * WCNIC_QUEUE_CFG_STRIDE);
	bar_zero(m->bar, WCNIC_DOORBELL_PAGE_OFF, WCNIC_DOORBELL_PAGE_SIZE);
	bar_wr64(m->bar, WCNIC_REG_DRV_FEATURES, 0);
	bar_wr32(m->bar, WCNIC_REG_NUM_QUEUES, 0);
	bar_wr32(m->bar, WCNIC_REG_MTU, MODEL_RESET_MTU);
	bar_wr32(m->bar, WCNIC_REG_MAC_LO, mac_lo);
	bar_wr32(m->bar, WCNIC_REG_MAC_HI, mac_hi);
	bar_wr32(m->bar, WCNIC_REG_ERROR_CODE, WCNIC_ERR_NONE);
	bar_wr32(m->bar, WCNIC_REG_ERROR_QUEUE, 0);
	bar_wr64(m->bar, WCNIC_REG_ERROR_INFO, 0);

	memset(m->cnt, 0, sizeof(m->cnt));
	m->cnt_dirty = (1u << WCNIC_CNT_NUM) - 1;
	model_counters_flush(m);

	status_set(m, WCNIC_STS_READY);
	/* RESET self-clears last, with release order: a driver that sees
	 * RESET == 0 and READY sees every reset value above. */
	bar_wr32_release(m->bar, WCNIC_REG_CONTROL, 0);
}
