/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The wcnic device model: software that plays a wcnic device against a
 * driver. It reads the BAR (registers, doorbells, push entries) the way
 * the hardware would, and touches host memory only through a DMA map of
 * granted regions (wcnic_dma.h). Behaviour follows the device interface
 * in wcnic_hw.h and its description in doc/device-spec.md; the model's
 * own choices are listed in doc/device-model.md.
 *
 * Threading: the library starts no thread. One thread at a time calls
 * wcnic_model_poll() (or wcnic_model_run(), which loops over it); the
 * driver runs concurrently on other threads or in another process and
 * talks to the model only through the BAR and the granted memory.
 */
#ifndef WCNIC_MODEL_H
#define WCNIC_MODEL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wcnic_dma.h"

#include "wcnic_hw.h"

/* What happens to transmitted frames and where received frames come from. */
enum wcnic_backend {
	WCNIC_BACKEND_SINK,     /* TX consumed and checked (IPv4/UDP); no RX */
	WCNIC_BACKEND_LOOPBACK, /* TX frame of queue q received on queue q */
	WCNIC_BACKEND_GEN,      /* RX filled with UDP (or mixed) frames; TX as sink */
	WCNIC_BACKEND_EXTERNAL, /* the embedding program's wcnic_backend_ops */
};

struct wcnic_model;

/*
 * A back end supplied by the program that embeds the model (a bridge to a
 * TAP interface, say). Both functions run on the thread that polls the
 * model, inside wcnic_model_poll().
 */
struct wcnic_backend_ops {
	/* Queue qi transmitted the len bytes at frame (14..WCNIC_MAX_FRAME_LEN,
	 * already checked as the interface requires). frame is the model's
	 * copy, valid until the function returns. */
	void (*tx)(void *ctx, unsigned int qi, const uint8_t *frame, uint32_t len);
	/* Queue qi's RX ring runs and has room buffers posted: offer at most
	 * room frames, each with wcnic_model_rx(), and return how many were
	 * offered (0 when there was nothing). NULL: nothing is ever received. */
	unsigned int (*rx_poll)(void *ctx, struct wcnic_model *m, unsigned int qi,
				unsigned int room);
};

/* Parameter limits (with those of wcnic_hw.h) that wcnic_model_create() checks. */
#define WCNIC_MODEL_MAX_MTU        (WCNIC_MAX_FRAME_LEN - WCNIC_L2_OVERHEAD)
#define WCNIC_MODEL_GEN_MIN_LEN    42u   /* Ethernet, IPv4 and UDP headers */
/* The features of interface version 1.0, and of 1.1 (the default dev_features). */
#define WCNIC_MODEL_FEATURES_1_0   (WCNIC_F_TX_PUSH | WCNIC_F_TX_DMA | WCNIC_F_PUSH_ENTRY_128 | \
				    WCNIC_F_PUSH_ENTRY_256 | WCNIC_F_MULTI_SEG | WCNIC_F_PROMISC)
#define WCNIC_MODEL_ALL_FEATURES   (WCNIC_MODEL_FEATURES_1_0 | WCNIC_F_RX_SCATTER | WCNIC_F_RSS | \
				    WCNIC_F_TX_CSUM | WCNIC_F_RX_CSUM)
/* gen_mix: the kinds of frames the generator cycles through (spec 16), and
 * the longest of their headers (802.1Q, IPv6, TCP). */
#define WCNIC_MODEL_GEN_KINDS      8u
#define WCNIC_MODEL_GEN_MIX_MIN_LEN 78u

/* Faults the model can play (wcnic_model_params.fault). */
enum wcnic_model_fault {
	WCNIC_FAULT_NONE = 0,
	/* Stop TX ring 0 with a device error (BAD_DESCRIPTOR, ERROR_INFO 0), as
	 * a device that read a malformed descriptor does. */
	WCNIC_FAULT_ERROR,
	/* Stop answering: no register is served any more, not even RESET, and
	 * HEARTBEAT stops. */
	WCNIC_FAULT_WEDGE,
};

/* "none", "error", "wedge" <-> enum: 0 or -EINVAL / NULL if unknown. */
int wcnic_model_fault_from_name(const char *name, enum wcnic_model_fault *out);
const char *wcnic_model_fault_name(enum wcnic_model_fault f);

struct wcnic_model_params {
	enum wcnic_backend backend;  /* default SINK */
	uint32_t max_queues;         /* 1..WCNIC_MAX_QUEUES; default 8 */
	uint32_t tx_burst_max;       /* 1..WCNIC_MAX_RING_SIZE; default 64 */
	uint32_t max_mtu;            /* 68..WCNIC_MODEL_MAX_MTU (9198); default 9000 */
	uint32_t max_ring_size;      /* power of two, WCNIC_MIN_RING_SIZE..
				      * WCNIC_MAX_RING_SIZE; default 4096 */
	uint32_t link_speed;         /* Mbit/s reported; default 100000 */
	uint32_t gen_frame_len;      /* gen back end frame bytes (no FCS),
				      * 42..WCNIC_MAX_FRAME_LEN; default 64 */
	/* gen back end: false (default), every frame IPv4/UDP without UDP
	 * checksum; true, WCNIC_MODEL_GEN_KINDS kinds in turn: IPv4 and IPv6,
	 * UDP and TCP, tagged or not, two with a wrong checksum (spec 16). A
	 * kind whose headers do not fit gen_frame_len is longer (at most
	 * WCNIC_MODEL_GEN_MIX_MIN_LEN). */
	bool gen_mix;
	uint64_t dev_features;       /* WCNIC_F_* offered; default all */
	/* Interface minor version the device implements, 0 or
	 * WCNIC_VERSION_MINOR (default): a 1.0 device offers only the features
	 * of 1.0 (whatever dev_features says) and has no FW_VERSION. */
	uint32_t interface_minor;
	uint8_t mac[6];              /* MAC after reset; default 02:77:63:6e:69:63 */
	/* WCNIC_BACKEND_EXTERNAL only: ops (tx required) and their context. */
	const struct wcnic_backend_ops *ext_ops;
	void *ext_ctx;
	/*
	 * A fault to play once the device has transmitted fault_after_tx
	 * packets since create (what a driver's error handling is tested
	 * against); default none.
	 */
	enum wcnic_model_fault fault;
	uint64_t fault_after_tx;
};

/* The device counters, in register order (WCNIC_REG_CNT_*). */
enum wcnic_counter {
	WCNIC_CNT_TX_PACKETS,
	WCNIC_CNT_TX_BYTES,
	WCNIC_CNT_RX_PACKETS,
	WCNIC_CNT_RX_BYTES,
	WCNIC_CNT_RX_NO_BUF,
	WCNIC_CNT_RX_OVERSIZE,
	WCNIC_CNT_TX_HDR_BAD,
	WCNIC_CNT_ERRORS,
	WCNIC_CNT_DOORBELLS,
	WCNIC_CNT_TX_CSUM,
	WCNIC_CNT_TX_CSUM_BAD,
	WCNIC_CNT_RX_CSUM_BAD,
	WCNIC_CNT_NUM
};

/*
 * What the device did since wcnic_model_create(). Unlike the counter
 * registers, the totals survive device resets (a driver that resets the
 * device when it closes does not erase them) and are the model's own, out
 * of the driver's reach. The state fields are the device's now.
 */
struct wcnic_model_stats {
	uint64_t total[WCNIC_CNT_NUM];
	/* Per queue; an error not tied to a queue (BAD_CONFIG at enable)
	 * counts in total only. */
	uint64_t queue[WCNIC_MAX_QUEUES][WCNIC_CNT_NUM];
	uint64_t errors_by_code[WCNIC_ERR_MAX + 1];  /* index WCNIC_ERR_*; [0] is 0 */
	uint64_t resets;           /* CONTROL.RESET requests served */

	uint32_t status;           /* STATUS: WCNIC_STS_* */
	uint32_t num_queues;       /* accepted at enable; 0 while disabled */
	uint32_t error_code;       /* first error since the last reset, WCNIC_ERR_* */
	uint32_t error_queue;      /* its queue, or WCNIC_ERROR_QUEUE_NONE */
	uint64_t error_info;       /* its ERROR_INFO */
	uint32_t queue_status[WCNIC_MAX_QUEUES];  /* Q STATUS: WCNIC_QSTS_* */
	uint32_t queue_error[WCNIC_MAX_QUEUES];   /* Q ERROR: WCNIC_ERR_* */
};

/* Fill p with the defaults above. */
void wcnic_model_params_init(struct wcnic_model_params *p);

/* "sink", "loopback", "gen" <-> enum. from_name returns 0 or -EINVAL; it
 * knows only the built-in back ends ("external" needs ops: set in code). */
int wcnic_backend_from_name(const char *name, enum wcnic_backend *out);
const char *wcnic_backend_name(enum wcnic_backend b); /* NULL if unknown */

/* "tx_packets", ... (the register names in lower case); NULL if unknown. */
const char *wcnic_counter_name(enum wcnic_counter c);

/*
 * Become the device behind bar (at least WCNIC_BAR_MIN_SIZE bytes, 64-byte
 * aligned). Clears the control and doorbell pages, writes the
 * identification and read-only registers, performs a reset (STATUS =
 * READY) and writes the signature last, so a driver that sees the
 * signature sees a ready device. dma must outlive the model; grants may be
 * added to it while the model runs. p NULL means defaults.
 * Returns NULL with errno = EINVAL (bad argument or parameter) or ENOMEM.
 */
struct wcnic_model *wcnic_model_create(void *bar, size_t bar_size,
				       const struct wcnic_dma_map *dma,
				       const struct wcnic_model_params *p);

/*
 * One pass over the control registers and every queue: reset, enable and
 * queue start/stop requests, then for each running queue the RX doorbell,
 * the TX doorbell and everything it announces, and the back end's RX
 * traffic. Bounded: at most one ring's worth of work per queue.
 * Returns the amount of work done (entries, descriptors, frames, control
 * events); 0 means the pass found nothing to do.
 */
unsigned int wcnic_model_poll(struct wcnic_model *m);

/*
 * Call wcnic_model_poll() until *stop is true. While idle it spins with a
 * CPU pause hint, then, after a long idle stretch, sleeps briefly between
 * passes so an idle device does not hold a core; any work resets that.
 */
void wcnic_model_run(struct wcnic_model *m, const atomic_bool *stop);

/*
 * Passes wcnic_model_run() has completed. One who changed the BAR and
 * waits until this has grown by 2 knows the device looked at the change
 * (a whole pass started after it).
 */
uint64_t wcnic_model_polls(const struct wcnic_model *m);

/*
 * Offer one received frame of len bytes to queue qi, from the external
 * back end's rx_poll only. true: written to the next posted buffer. false:
 * dropped and counted as the interface says (RX_NO_BUF, RX_OVERSIZE, or a
 * descriptor error that stops the ring); a frame longer than
 * WCNIC_MAX_FRAME_LEN counts as RX_OVERSIZE; len < 14 or qi out of range
 * is refused without counting.
 */
bool wcnic_model_rx(struct wcnic_model *m, unsigned int qi, const void *frame, uint32_t len);

/* Fill s. Call it from the thread that polls the model (between passes),
 * or while no thread does. */
void wcnic_model_stats(const struct wcnic_model *m, struct wcnic_model_stats *s);

/* Free the model. The BAR and host memory are left as they are. */
void wcnic_model_destroy(struct wcnic_model *m);

#endif /* WCNIC_MODEL_H */
