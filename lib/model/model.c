/* SPDX-License-Identifier: BSD-3-Clause */
/* Device model life cycle, the poll pass and the runner loop. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model_priv.h"
#include "model_regs.h"

/*
 * HEARTBEAT is refreshed every this many passes: often enough for a
 * driver to see it move within milliseconds even when the runner sleeps,
 * rarely enough that its cache line does not bounce between the cores.
 */
#define HEARTBEAT_PASSES 256u

/* Runner back-off: idle passes spent spinning, then the nap between
 * passes. The spin phase lasts some milliseconds, longer than any gap
 * inside a traffic burst, so a busy device never sleeps. */
#define RUN_SPIN_PASSES   (1u << 16)
#define RUN_IDLE_SLEEP_NS 50000L

#define NAMES(a) (sizeof(a) / sizeof((a)[0]))

static const char *const backend_names[] = {
	[WCNIC_BACKEND_SINK] = "sink",
	[WCNIC_BACKEND_LOOPBACK] = "loopback",
	[WCNIC_BACKEND_GEN] = "gen",
	[WCNIC_BACKEND_EXTERNAL] = "external",
};

static const char *const counter_names[] = {
	[WCNIC_CNT_TX_PACKETS] = "tx_packets",
	[WCNIC_CNT_TX_BYTES] = "tx_bytes",
	[WCNIC_CNT_RX_PACKETS] = "rx_packets",
	[WCNIC_CNT_RX_BYTES] = "rx_bytes",
	[WCNIC_CNT_RX_NO_BUF] = "rx_no_buf",
	[WCNIC_CNT_RX_OVERSIZE] = "rx_oversize",
	[WCNIC_CNT_TX_HDR_BAD] = "tx_hdr_bad",
	[WCNIC_CNT_ERRORS] = "errors",
	[WCNIC_CNT_DOORBELLS] = "doorbells",
	[WCNIC_CNT_TX_CSUM] = "tx_csum",
	[WCNIC_CNT_TX_CSUM_BAD] = "tx_csum_bad",
	[WCNIC_CNT_RX_CSUM_BAD] = "rx_csum_bad",
};

void wcnic_model_params_init(struct wcnic_model_params *p)
{
	static const uint8_t mac[6] = { 0x02, 0x77, 0x63, 0x6e, 0x69, 0x63 };

	memset(p, 0, sizeof(*p));
	p->backend = WCNIC_BACKEND_SINK;
	p->max_queues = WCNIC_MAX_QUEUES;
	p->tx_burst_max = 64;
	p->max_mtu = 9000;
	p->max_ring_size = 4096;
	p->link_speed = 100000;
	p->gen_frame_len = 64;
	p->dev_features = WCNIC_MODEL_ALL_FEATURES;
	p->interface_minor = WCNIC_VERSION_MINOR;
	memcpy(p->mac, mac, sizeof(mac));
}

int wcnic_backend_from_name(const char *name, enum wcnic_backend *out)
{
	unsigned int i;

	/* The external back end is not selectable by name: it needs ops. */
	for (i = 0; name != NULL && i < NAMES(backend_names); i++) {
		if (i != WCNIC_BACKEND_EXTERNAL && strcmp(name, backend_names[i]) == 0) {
			*out = (enum wcnic_backend)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *wcnic_backend_name(enum wcnic_backend b)
{
	return (unsigned int)b < NAMES(backend_names) ? backend_names[b] : NULL;
}

const char *wcnic_counter_name(enum wcnic_counter c)
{
	return (unsigned int)c < NAMES(counter_names) ? counter_names[c] : NULL;
}

static const char *const fault_names[] = {
	[WCNIC_FAULT_NONE] = "none",
	[WCNIC_FAULT_ERROR] = "error",
	[WCNIC_FAULT_WEDGE] = "wedge",
};

int wcnic_model_fault_from_name(const char *name, enum wcnic_model_fault *out)
{
	unsigned int i;

	for (i = 0; i < NAMES(fault_names); i++) {
		if (strcmp(name, fault_names[i]) == 0) {
			*out = (enum wcnic_model_fault)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *wcnic_model_fault_name(enum wcnic_model_fault f)
{
	return (unsigned int)f < NAMES(fault_names) ? fault_names[f] : NULL;
}

static bool params_valid(const struct wcnic_model_params *p)
{
	bool ext = p->backend == WCNIC_BACKEND_EXTERNAL;

	return wcnic_backend_name(p->backend) != NULL &&
	       (!ext || (p->ext_ops != NULL && p->ext_ops->tx != NULL)) &&
	       p->max_queues >= 1 && p->max_queues <= WCNIC_MAX_QUEUES &&
	       p->tx_burst_max >= 1 && p->tx_burst_max <= WCNIC_MAX_RING_SIZE &&
	       p->max_mtu >= WCNIC_MIN_MTU &&
	       p->max_mtu <= WCNIC_MODEL_MAX_MTU &&
	       p->max_ring_size >= WCNIC_MIN_RING_SIZE &&
	       p->max_ring_size <= WCNIC_MAX_RING_SIZE &&
	       (p->max_ring_size & (p->max_ring_size - 1)) == 0 &&
	       p->gen_frame_len >= WCNIC_MODEL_GEN_MIN_LEN && p->gen_frame_len <= WCNIC_MAX_FRAME_LEN &&
	       (p->dev_features & ~WCNIC_MODEL_ALL_FEATURES) == 0 &&
	       (p->interface_minor == 0 || p->interface_minor == WCNIC_VERSION_MINOR) &&
	       wcnic_model_fault_name(p->fault) != NULL;
}

struct wcnic_model *wcnic_model_create(void *bar, size_t bar_size,
				       const struct wcnic_dma_map *dma,
				       const struct wcnic_model_params *p)
{
	struct wcnic_model_params defaults;
	struct wcnic_model *m;

	if (p == NULL) {
		wcnic_model_params_init(&defaults);
		p = &defaults;
	}
	if (bar == NULL || ((uintptr_t)bar & (WCNIC_CACHE_LINE - 1)) != 0 ||
	    bar_size < WCNIC_BAR_MIN_SIZE || dma == NULL || !params_valid(p)) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	m->bar = bar;
	m->dma = dma;
	m->p = *p;

	/* Whatever a previous device left in the pages goes, the signature
	 * first: until it is back the BAR does not claim to be a wcnic. */
	bar_zero(m->bar, WCNIC_CTRL_PAGE_OFF, WCNIC_CTRL_PAGE_SIZE + WCNIC_DOORBELL_PAGE_SIZE);
	if (p->interface_minor == 0)
		m->p.dev_features &= WCNIC_MODEL_FEATURES_1_0;
	else
		bar_wr32(m->bar, WCNIC_REG_FW_VERSION, WCNIC_MODEL_FW_VERSION);
	bar_wr32(m->bar, WCNIC_REG_VERSION, WCNIC_VERSION(WCNIC_VERSION_MAJOR, p->interface_minor));
	bar_wr32(m->bar, WCNIC_REG_BAR_SIZE, WCNIC_BAR_MIN_SIZE);
	bar_wr64(m->bar, WCNIC_REG_DEV_FEATURES, m->p.dev_features);
	bar_wr32(m->bar, WCNIC_REG_MAX_QUEUES, p->max_queues);
	bar_wr32(m->bar, WCNIC_REG_MAX_RING_SIZE, p->max_ring_size);
	bar_wr32(m->bar, WCNIC_REG_TX_BURST_MAX, p->tx_burst_max);
	bar_wr32(m->bar, WCNIC_REG_MAX_MTU, p->max_mtu);
	bar_wr32(m->bar, WCNIC_REG_LINK_STATUS, WCNIC_LINK_UP | WCNIC_LINK_FULL_DUPLEX);
	bar_wr32(m->bar, WCNIC_REG_LINK_SPEED, p->link_speed);
	model_reset(m);
	/* Release: a driver that reads the signature sees the identification
	 * registers and the reset state written above. */
	__atomic_store_n(reg64(m->bar, WCNIC_REG_SIGNATURE), WCNIC_SIGNATURE, __ATOMIC_RELEASE);
	return m;
}

/* Play the configured fault once its packet count is reached. */
static void fault_poll(struct wcnic_model *m)
{
	if (m->life.total[WCNIC_CNT_TX_PACKETS] < m->p.fault_after_tx)
		return;
	if (m->p.fault == WCNIC_FAULT_WEDGE)
		m->wedged = true;
	else if (m->q[0].tx.state == RING_RUNNING)
		model_ring_error(m, 0, DIR_TX, WCNIC_ERR_BAD_DESCRIPTOR, 0);
	else
		return; /* an error needs a running ring: when ring 0 runs again */
	m->fault_played = true;
}

unsigned int wcnic_model_poll(struct wcnic_model *m)
{
	unsigned int work, qi;

	if (m->p.fault != WCNIC_FAULT_NONE && !m->fault_played)
		fault_poll(m);
	if (m->wedged)
		return 0;
	work = model_ctrl_poll(m);
	if (m->enabled)
		work += model_rss_poll(m);

	for (qi = 0; m->enabled && qi < WCNIC_MAX_QUEUES; qi++) {
		const struct model_queue *q = &m->q[qi];

		work += model_queue_ctrl_poll(m, qi);
		/* RX first: loopback TX below may deliver into buffers the RX
		 * doorbell has just announced. */
		if (q->rx.state == RING_RUNNING)
			work += model_rxq_doorbell_poll(m, qi);
		if (q->tx.state == RING_RUNNING)
			work += model_txq_poll(m, qi);
		if (q->rx.state == RING_RUNNING)
			work += model_backend_rx_poll(m, qi);
	}
	if (m->cnt_dirty != 0)
		model_counters_flush(m);
	if (++m->passes % HEARTBEAT_PASSES == 0)
		bar_wr64(m->bar, WCNIC_REG_HEARTBEAT, m->passes / HEARTBEAT_PASSES);
	return work;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

void wcnic_model_run(struct wcnic_model *m, const atomic_bool *stop)
{
	const struct timespec nap = { .tv_sec = 0, .tv_nsec = RUN_IDLE_SLEEP_NS };
	unsigned int idle = 0;

	while (!atomic_load_explicit(stop, memory_order_acquire)) {
		unsigned int work = wcnic_model_poll(m);

		__atomic_add_fetch(&m->polls, 1, __ATOMIC_RELEASE);
		if (work != 0) {
			idle = 0;
		} else if (idle < RUN_SPIN_PASSES) {
			idle++;
			cpu_relax();
		} else {
			nanosleep(&nap, NULL);
		}
	}
}

uint64_t wcnic_model_polls(const struct wcnic_model *m)
{
	return __atomic_load_n(&m->polls, __ATOMIC_ACQUIRE);
}

void wcnic_model_stats(const struct wcnic_model *m, struct wcnic_model_stats *s)
{
	unsigned int qi;

	*s = m->life;
	s->status = m->status;
	s->num_queues = m->enabled ? m->num_queues : 0;
	s->error_code = m->error_code;
	s->error_queue = m->error_queue;
	s->error_info = m->error_info;
	for (qi = 0; qi < WCNIC_MAX_QUEUES; qi++) {
		s->queue_status[qi] = m->q[qi].status;
		s->queue_error[qi] = m->q[qi].error;
	}
}

void wcnic_model_destroy(struct wcnic_model *m)
{
	free(m);
}
