/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Driver side of the device model unit tests: a BAR buffer, a granted
 * host-memory arena with guard zones around it, and the driver's half of
 * bring-up, push entries, DMA descriptors, RX buffers and doorbells.
 *
 * The tests run the model synchronously (h_poll() calls
 * wcnic_model_poll()) unless h->threaded is set, in which case another
 * thread runs it and the waiting functions only watch the registers.
 *
 * The tests use the shared CHECK, CHECK_EQ and REQUIRE and run under
 * TEST_RUN. The harness functions REQUIRE what the rest of a test depends
 * on (memory, reset, enable, valid arguments), so a failure there ends
 * the test function.
 */
#ifndef MODEL_TEST_HARNESS_H
#define MODEL_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "test_check.h"
#include "wcnic_dma.h"
#include "wcnic_hw.h"
#include "wcnic_model.h"

/* ------------------------------------------------------------------ */
/* The device under test                                               */

#define H_ARENA_SIZE (8u << 20)                    /* granted bytes */
#define H_GUARD_SIZE (64u << 10)                   /* each side, not granted */
#define H_ARENA_IOVA UINT64_C(0x0000004000000000)  /* unlike any host address */
#define H_ARENA_END  (H_ARENA_IOVA + H_ARENA_SIZE)
#define H_DATA_SIZE  (2u << 20)                    /* frame buffers for TX */
#define H_GUARD_BYTE 0xA5

struct h_txq {
	uint32_t mode;
	uint32_t entries;     /* push ring entries or DMA ring size */
	uint32_t entry_size;  /* push modes */
	uint16_t tail;        /* producer index */
	uint16_t seq;         /* doorbell sequence */
	struct wcnic_tx_desc *ring;
	uint64_t ring_iova;
	uint32_t *head_wb;
	uint64_t cmpl_iova;
};

struct h_rxq {
	uint32_t size;
	uint32_t buf_size;
	uint16_t posted;      /* buffers posted (doorbell index) */
	uint16_t seq;
	uint32_t next;        /* next completion to consume */
	struct wcnic_rx_desc *ring;
	uint64_t ring_iova;
	struct wcnic_rx_cmpl *cmpl;
	uint64_t cmpl_iova;
	uint8_t *bufs;        /* size * buf_size bytes, buffer i at i * buf_size */
	uint64_t bufs_iova;
};

struct h_dev {
	uint8_t *bar;
	uint8_t *mem;         /* guard | arena | guard */
	uint8_t *arena;
	size_t used;          /* arena bump allocator */
	uint8_t *data;        /* TX frame buffers, reused round robin */
	size_t data_used;
	struct wcnic_dma_map dma;
	struct wcnic_model_params params;
	struct wcnic_model *m;
	bool threaded;
	struct h_txq tx[WCNIC_MAX_QUEUES];
	struct h_rxq rx[WCNIC_MAX_QUEUES];
};

/* p NULL: model defaults. The arena is granted at H_ARENA_IOVA. */
void h_init(struct h_dev *h, const struct wcnic_model_params *p);
void h_fini(struct h_dev *h);

uint32_t h_rd32(struct h_dev *h, uint32_t off);
uint64_t h_rd64(struct h_dev *h, uint32_t off);
void h_wr32(struct h_dev *h, uint32_t off, uint32_t v);
void h_wr64(struct h_dev *h, uint32_t off, uint64_t v);
uint32_t h_qrd32(struct h_dev *h, unsigned int q, uint32_t reg);
void h_qwr32(struct h_dev *h, unsigned int q, uint32_t reg, uint32_t v);
void h_qwr64(struct h_dev *h, unsigned int q, uint32_t reg, uint64_t v);

/* Zeroed arena memory, 64-byte aligned; *iova (if not NULL) its IOVA. */
void *h_alloc(struct h_dev *h, size_t len, uint64_t *iova);
uint64_t h_iova(const struct h_dev *h, const void *host);

/* Let the model run: n synchronous passes, or a short wait when threaded. */
unsigned int h_poll(struct h_dev *h, unsigned int n);
/* Poll until the register masked equals want; false after the time limit. */
bool h_wait32(struct h_dev *h, uint32_t off, uint32_t mask, uint32_t want);

/* Bring-up pieces (semantics: reset, global config, queues, enable). */
void h_reset(struct h_dev *h);
void h_global(struct h_dev *h, uint64_t features, uint32_t nq, uint32_t mtu);
void h_txq_setup(struct h_dev *h, unsigned int q, uint32_t mode, uint32_t ring_size);
void h_rxq_setup(struct h_dev *h, unsigned int q, uint32_t ring_size, uint32_t buf_size);
void h_enable(struct h_dev *h);
/* The features interface 1.1 added (RX scatter, RSS, checksums and packet
 * types): each changes what a 1.0 driver would see. */
#define H_FEATURES_1_1 (WCNIC_MODEL_ALL_FEATURES & ~WCNIC_MODEL_FEATURES_1_0)
/* Reset, every feature but H_FEATURES_1_1, nq queues each with TX in mode
 * and RX (ring 256, buffers 2048), everything enabled and checked running. */
void h_bringup(struct h_dev *h, unsigned int nq, uint32_t mode);

bool h_tx_running(struct h_dev *h, unsigned int q);
bool h_rx_running(struct h_dev *h, unsigned int q);
/* The ring stopped with this error code and the queue reports it. */
bool h_stopped(struct h_dev *h, unsigned int q, bool tx, uint32_t code);

/* TX frame data: a copy of len bytes in granted memory, reused round robin. */
uint64_t h_data(struct h_dev *h, const void *bytes, uint32_t len);

/* Write a push entry for frame at the tail: inline_len bytes inline, the
 * rest split over nb_sg DMA segments (as equal as possible). */
void h_push(struct h_dev *h, unsigned int q, const uint8_t *frame, uint32_t len,
	    uint32_t inline_len, unsigned int nb_sg);
/* The same with a checksum request (interface 1.1): flags, hdr_lens. */
void h_push_csum(struct h_dev *h, unsigned int q, const uint8_t *frame, uint32_t len,
		 uint32_t inline_len, unsigned int nb_sg, uint8_t flags, uint16_t hdr_lens);
/* The tail slot, for writing an entry by hand; h_push_commit() moves on. */
uint8_t *h_push_slot(struct h_dev *h, unsigned int q);
void h_push_commit(struct h_dev *h, unsigned int q);

/* DMA mode: frame over nseg descriptors (last with EOP). */
void h_dma_tx(struct h_dev *h, unsigned int q, const uint8_t *frame, uint32_t len,
	      unsigned int nseg);
/* The same with a checksum request in the first descriptor. */
void h_dma_tx_csum(struct h_dev *h, unsigned int q, const uint8_t *frame, uint32_t len,
		   unsigned int nseg, uint16_t flags, uint32_t hdr_lens);
void h_dma_desc(struct h_dev *h, unsigned int q, uint64_t iova, uint16_t len, uint16_t flags,
		uint32_t hdr_lens);

void h_tx_doorbell(struct h_dev *h, unsigned int q);
/* Head written back by the device. */
uint32_t h_tx_head(struct h_dev *h, unsigned int q);

/* Post n buffers (their own slice of the queue's buffer area), one doorbell. */
void h_rx_post(struct h_dev *h, unsigned int q, unsigned int n);
void h_rx_post_desc(struct h_dev *h, unsigned int q, uint64_t iova, uint64_t rsvd);
void h_rx_doorbell(struct h_dev *h, unsigned int q);
/* Next completion if its phase says it is new: *buf, *len, true. */
bool h_rx_next(struct h_dev *h, unsigned int q, const uint8_t **buf, uint16_t *len);
/* The same, also giving the completion's flags. */
bool h_rx_next_flags(struct h_dev *h, unsigned int q, const uint8_t **buf, uint16_t *len,
		     uint16_t *flags);

/* Guard zones around the arena untouched. */
bool h_guards_ok(const struct h_dev *h);

/* A valid frame on queue q (push or DMA mode), doorbell, one pass: true
 * if the device consumed it. */
bool h_queue_works(struct h_dev *h, unsigned int q);
/*
 * The first error since reset hit ring (q, TX or RX) with this code and
 * ERROR_INFO: the ring stopped with the code in Q ERROR, ERROR_* and
 * STATUS.ERROR say so, CNT_ERRORS is 1, the guard zones are intact, and
 * the other queue of 0 and 1, if running, still transmits.
 */
bool h_error_is(struct h_dev *h, unsigned int q, bool tx, uint32_t code, uint64_t info);

/* ------------------------------------------------------------------ */
/* Frames                                                              */

/* A valid Ethernet/IPv4/UDP frame of len (>= 42) bytes; seed varies the
 * payload. */
void h_udp_frame(uint8_t *buf, uint32_t len, uint32_t seed);
/* IPv4 header checksum field value for the header at ip (ihl bytes). */
uint16_t h_ip_csum(const uint8_t *ip, uint32_t ihl);
/* The frame is Ethernet/IPv4/UDP with valid lengths and checksum. */
bool h_frame_is_udp4(const uint8_t *f, uint32_t len);

/* Deterministic pseudo-random numbers (xorshift64*). */
uint64_t h_rand(uint64_t *state);

#endif /* MODEL_TEST_HARNESS_H */
