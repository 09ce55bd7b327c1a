/* SPDX-License-Identifier: BSD-3-Clause */
/* Device model life cycle, the poll pass and the runner loop. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model_priv.h"
#include "model_regs.h"

#define ALL_FEATURES (WCNIC_F_TX_PUSH | WCNIC_F_TX_DMA | WCNIC_F_PUSH_ENTRY_128 | \
		      WCNIC_F_PUSH_ENTRY_256 | WCNIC_F_MULTI_SEG | WCNIC_F_PROMISC)

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

static const char *const backend_names[] = {
	[WCNIC_BACKEND_SINK] = "sink",
	[WCNIC_BACKEND_LOOPBACK] = "loopback",
	[WCNIC_BACKEND_GEN] = "gen",
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
	p->dev_features = ALL_FEATURES;
	memcpy(p->mac, mac, sizeof(mac));
}

int wcnic_backend_from_name(const char *name, enum wcnic_backend *out)
{
	unsigned int i;

	for (i = 0; name != NULL && i < sizeof(backend_names) / sizeof(backend_names[0]); i++) {
		if (strcmp(name, backend_names[i]) == 0) {
			*out = (enum wcnic_backend)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *wcnic_backend_name(enum wcnic_backend b)
{
	if ((unsigned int)b >= sizeof(backend_names) / sizeof(backend_names[0]))
		return NULL;
	return backend_names[b];
}

static bool params_valid(const struct wcnic_model_params *p)
{
	return wcnic_backend_name(p->backend) != NULL &&
	       p->max_queues >= 1 && p->max_queues <= WCNIC_MAX_QUEUES &&
	       p->tx_burst_max >= 1 && p->tx_burst_max <= WCNIC_MAX_RING_SIZE &&
	       p->max_mtu >= MODEL_MIN_MTU &&
	       p->max_mtu <= WCNIC_MAX_FRAME_LEN - MODEL_L2_OVERHEAD &&
	       p->max_ring_size >= WCNIC_MIN_RING_SIZE &&
	       p->max_ring_size <= WCNIC_MAX_RING_SIZE &&
	       (p->max_ring_size & (p->max_ring_size - 1)) == 0 &&
	       p->gen_frame_len >= MODEL_GEN_MIN_LEN && p->gen_frame_len <= WCNIC_MAX_FRAME_LEN &&
	       (p->dev_features & ~ALL_FEATURES) == 0;
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
	bar_wr32(m->bar, WCNIC_REG_VERSION, WCNIC_VERSION(WCNIC_VERSION_MAJOR, WCNIC_VERSION_MINOR));
	bar_wr32(m->bar, WCNIC_REG_BAR_SIZE, WCNIC_BAR_MIN_SIZE);
	bar_wr64(m->bar, WCNIC_REG_DEV_FEATURES, p->dev_features);
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

unsigned int wcnic_model_poll(struct wcnic_model *m)
{
	unsigned int work = model_ctrl_poll(m);
	unsigned int qi;

	for (qi = 0; m->enabled && qi < WCNIC_MAX_QUEUES; qi++) {
		const struct model_queue *q = &m->q[qi];

		work += model_queue_ctrl_poll(m, qi);
		/* RX first: loopback TX below may deliver into buffers the RX
		 * doorbell has just announced. */
		if (q->rx.state == RING_RUNNING)
			work += model_rxq_doorbell_poll(m, qi);
		if (q->tx.state == RING_RUNNING)
			work += model_txq_poll(m, qi);
		if (m->p.backend == WCNIC_BACKEND_GEN && q->rx.state == RING_RUNNING)
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
		if (wcnic_model_poll(m) != 0) {
			idle = 0;
		} else if (idle < RUN_SPIN_PASSES) {
			idle++;
			cpu_relax();
		} else {
			nanosleep(&nap, NULL);
		}
	}
}

void wcnic_model_destroy(struct wcnic_model *m)
{
	free(m);
}
