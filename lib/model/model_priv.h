/* SPDX-License-Identifier: BSD-3-Clause */
/* Device model internals shared by the model_*.c files. */
#ifndef MODEL_PRIV_H
#define MODEL_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "wcnic_dma.h"
#include "wcnic_hw.h"
#include "wcnic_model.h"

/* MTU after reset (spec: 4.1). */
#define MODEL_RESET_MTU     1500u

/* A frame is the inline bytes (push mode) followed by DMA segments. */
#define MODEL_FRAME_MAX_SEGS (WCNIC_TX_MAX_SEGS + 1)

struct model_frame {
	uint32_t len;
	uint32_t nseg;
	const uint8_t *seg[MODEL_FRAME_MAX_SEGS];
	uint32_t seg_len[MODEL_FRAME_MAX_SEGS];
	/* TX checksum request (spec 18.1): WCNIC_TXF_* (0: none) and the
	 * header lengths it came with. */
	uint32_t txf;
	uint32_t l2_len;
	uint32_t l3_len;
};

enum model_ring_state {
	RING_OFF,      /* not started; doorbell watched while the device runs */
	RING_RUNNING,
	RING_FAILED,   /* stopped by a protocol error until the next reset */
};

enum model_dir { DIR_TX, DIR_RX };

struct model_txq {
	enum model_ring_state state;
	uint32_t db;          /* doorbell value last acted on */
	uint32_t head;        /* entries/descriptors finished (free-running) */
	uint32_t tail;        /* entries/descriptors announced (free-running) */
	uint32_t mask;        /* ring entries - 1 */
	uint32_t mode;        /* WCNIC_TXM_* */
	uint32_t entry_size;  /* push modes */
	const uint8_t *push_ring;               /* BAR */
	const struct wcnic_tx_desc *desc_ring;  /* host memory, DMA mode */
	wcnic_tx_head_t *head_wb;               /* host memory */
};

struct model_rxq {
	enum model_ring_state state;
	uint32_t db;          /* doorbell value last acted on */
	uint32_t cons;        /* buffers filled (free-running) */
	uint32_t posted;      /* buffers announced (free-running) */
	uint32_t mask;        /* ring entries - 1 */
	uint32_t size;        /* ring entries */
	uint32_t buf_size;
	const struct wcnic_rx_desc *ring;  /* host memory */
	uint64_t *cmpl;                    /* host memory, one u64 per entry */
};

struct model_queue {
	struct model_txq tx;
	struct model_rxq rx;
	uint32_t ctl;     /* Q CONTROL value last acted on */
	uint32_t status;  /* what Q STATUS holds */
	uint32_t error;   /* what Q ERROR holds */
};

/* RSS tables as the device last took them (model_rss_load()). */
struct model_rss {
	uint32_t types;        /* RSS_TYPES; 0 when off or RSS not accepted */
	uint32_t gen;          /* RSS_GEN at that moment */
	uint8_t key[WCNIC_RSS_KEY_SIZE];
	uint8_t reta[WCNIC_RSS_RETA_SIZE];
};

/* A frame's hash and what it covers (WCNIC_RXC_HASH_*). */
struct model_rss_hash {
	uint32_t hash;
	uint16_t type;
};

struct wcnic_model {
	uint8_t *bar;
	uint64_t polls;        /* passes wcnic_model_run() completed (atomic) */
	const struct wcnic_dma_map *dma;
	struct wcnic_model_params p;

	/* Global state, valid between enable and disable/reset. */
	bool enable_req;       /* CONTROL.ENABLE last acted on */
	bool enabled;          /* STATUS.ENABLED */
	bool error_latched;    /* ERROR_* hold the first error */
	uint32_t status;       /* what STATUS holds */
	uint64_t drv_features;
	uint32_t num_queues;
	uint32_t max_frame;    /* min(MTU + 18, WCNIC_MAX_FRAME_LEN) */
	struct model_rss rss;

	bool fault_played;     /* p.fault happened (it happens once) */
	bool wedged;           /* WCNIC_FAULT_WEDGE played: nothing is served */
	uint64_t cnt[WCNIC_CNT_NUM]; /* the BAR copies are refreshed once per pass */
	uint32_t cnt_dirty;    /* bit per counter changed since the refresh */
	uint64_t passes;
	/* Counts since create, untouched by reset; the state fields are
	 * filled in by wcnic_model_stats(). */
	struct wcnic_model_stats life;
	uint32_t error_code;   /* ERROR_CODE, ERROR_QUEUE, ERROR_INFO as written */
	uint32_t error_queue;
	uint64_t error_info;

	struct model_queue q[WCNIC_MAX_QUEUES];

	/* The generator's frames: one kind, or WCNIC_MODEL_GEN_KINDS with
	 * gen_mix, delivered in turn (gen_next counts since enable). */
	uint32_t gen_kinds;
	uint64_t gen_next;
	uint32_t gen_len[WCNIC_MODEL_GEN_KINDS];
	uint8_t gen_frame[WCNIC_MODEL_GEN_KINDS][WCNIC_MAX_FRAME_LEN];
	/* External back end: a transmitted frame gathered for its tx(). */
	uint8_t ext_frame[WCNIC_MAX_FRAME_LEN];
	/* A transmitted frame with the checksums it asked for inserted. */
	uint8_t csum_frame[WCNIC_MAX_FRAME_LEN];
	/* A received frame of several pieces, gathered to be classified. */
	uint8_t rx_frame[WCNIC_MAX_FRAME_LEN];
};

/* Count v in counter c, for queue qi (WCNIC_ERROR_QUEUE_NONE: the device). */
static inline void cnt_add(struct wcnic_model *m, uint32_t qi, enum wcnic_counter c, uint64_t v)
{
	m->cnt[c] += v;
	m->cnt_dirty |= 1u << c;
	m->life.total[c] += v;
	if (qi < WCNIC_MAX_QUEUES)
		m->life.queue[qi][c] += v;
}

/* model_ctrl.c */
void model_reset(struct wcnic_model *m);
unsigned int model_ctrl_poll(struct wcnic_model *m);
unsigned int model_queue_ctrl_poll(struct wcnic_model *m, unsigned int qi);
void model_ring_error(struct wcnic_model *m, unsigned int qi, enum model_dir d,
		      enum wcnic_error code, uint64_t info);
void model_counters_flush(struct wcnic_model *m);
/* Ring size acceptable at enable: power of two in [64, MAX_RING_SIZE]. */
bool model_ring_size_ok(const struct wcnic_model *m, uint32_t size);
/* Host address of a ring or completion area given at enable: 64-byte
 * aligned (else BAD_CONFIG) and wholly granted (else BAD_IOVA). */
enum wcnic_error model_map(const struct wcnic_model *m, uint64_t iova, uint64_t len,
			   void **host, uint64_t *info);

/* model_tx.c. Start: db is the doorbell found (index 0), the baseline. */
enum wcnic_error model_txq_start(struct wcnic_model *m, unsigned int qi, uint32_t db,
				 uint64_t *info);
unsigned int model_txq_poll(struct wcnic_model *m, unsigned int qi);

/* model_rx.c */
enum wcnic_error model_rxq_start(struct wcnic_model *m, unsigned int qi, uint32_t db,
				 uint64_t *info);
unsigned int model_rxq_doorbell_poll(struct wcnic_model *m, unsigned int qi);
/* Deliver one frame to queue qi (drops are counted); true if delivered.
 * h: the frame's RSS hash if the caller has it, NULL to compute it here. */
bool model_rx_deliver(struct wcnic_model *m, unsigned int qi, const struct model_frame *f,
		      const struct model_rss_hash *h);

/* model_rss.c */
uint32_t model_toeplitz(const uint8_t key[WCNIC_RSS_KEY_SIZE], const uint8_t *in, uint32_t len);
/* Take the RSS tables from the BAR (at enable, and on a new RSS_GEN). */
void model_rss_load(struct wcnic_model *m);
/* While enabled: take the tables again when RSS_GEN changed; 1 if it did. */
unsigned int model_rss_poll(struct wcnic_model *m);
/* The frame's hash under the RSS tables taken (type NONE when not hashed). */
struct model_rss_hash model_rss_classify(const struct wcnic_model *m, const struct model_frame *f);
/* The RX queue the redirection table gives for h (queue 0 if not hashed). */
unsigned int model_rss_queue(const struct wcnic_model *m, const struct model_rss_hash *h);

/* model_csum.c: checksum requests, insertion and checks, RX classification. */
/*
 * The structure checks of a checksum request (spec 18.2): field is the
 * whole flags field, extra the bits it may hold besides a request
 * (WCNIC_TXD_EOP in a descriptor), hdr_lens as read. On success *f gets
 * the request (txf, l2_len, l3_len) and *need the frame bytes its headers
 * need (0 without a request); else BAD_DESCRIPTOR with *info.
 */
enum wcnic_error model_csum_req_check(const struct wcnic_model *m, uint32_t field, uint32_t extra,
				      uint32_t hdr_lens, struct model_frame *f, uint32_t *need,
				      uint64_t *info);
/* Gather f, insert the checksums it asks for (spec 18.3), count it, and
 * make f that one gathered segment. */
void model_csum_insert(struct wcnic_model *m, unsigned int qi, struct model_frame *f);
/* The checksums a request txf asks (spec 18.3), into the len bytes at p. */
void model_csum_fill(uint8_t *p, uint32_t len, uint32_t txf, uint32_t l2_len, uint32_t l3_len);
/* Packet type and checksum status of a frame: WCNIC_RXC_* bits 11:4 (spec 18.4). */
uint16_t model_csum_classify(const uint8_t *p, uint32_t len);
/* The same for a frame of any number of segments. */
uint16_t model_rx_classify(struct wcnic_model *m, const struct model_frame *f);
/* A checking back end's verdict on a frame with a request: are the
 * checksums it asked right where the receive side looks (spec 16)? */
bool model_csum_verify(const uint8_t *p, uint32_t len, uint32_t txf);

/* model_backend.c */
void model_backend_tx(struct wcnic_model *m, unsigned int qi, const struct model_frame *f);
unsigned int model_backend_rx_poll(struct wcnic_model *m, unsigned int qi);
void model_gen_build(struct wcnic_model *m);
/* len bytes of the frame from byte offset on, into dst. */
void model_frame_copy(const struct model_frame *f, uint32_t offset, uint8_t *dst, uint32_t len);

#endif /* MODEL_PRIV_H */
