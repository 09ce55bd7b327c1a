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
#include <stddef.h>
#include <stdint.h>

#include "wcnic_dma.h"

/* What happens to transmitted frames and where received frames come from. */
enum wcnic_backend {
	WCNIC_BACKEND_SINK,     /* TX consumed and checked (IPv4/UDP); no RX */
	WCNIC_BACKEND_LOOPBACK, /* TX frame of queue q received on queue q */
	WCNIC_BACKEND_GEN,      /* RX filled with UDP frames; TX as sink */
};

struct wcnic_model_params {
	enum wcnic_backend backend;  /* default SINK */
	uint32_t max_queues;         /* 1..WCNIC_MAX_QUEUES; default 8 */
	uint32_t tx_burst_max;       /* 1..WCNIC_MAX_RING_SIZE; default 64 */
	uint32_t max_mtu;            /* 68..WCNIC_MAX_FRAME_LEN - 18; default 9000 */
	uint32_t max_ring_size;      /* power of two, WCNIC_MIN_RING_SIZE..
				      * WCNIC_MAX_RING_SIZE; default 4096 */
	uint32_t link_speed;         /* Mbit/s reported; default 100000 */
	uint32_t gen_frame_len;      /* gen back end frame bytes (no FCS),
				      * 42..WCNIC_MAX_FRAME_LEN; default 64 */
	uint64_t dev_features;       /* WCNIC_F_* offered; default all */
	uint8_t mac[6];              /* MAC after reset; default 02:77:63:6e:69:63 */
};

struct wcnic_model;

/* Fill p with the defaults above. */
void wcnic_model_params_init(struct wcnic_model_params *p);

/* "sink", "loopback", "gen" <-> enum. from_name returns 0 or -EINVAL. */
int wcnic_backend_from_name(const char *name, enum wcnic_backend *out);
const char *wcnic_backend_name(enum wcnic_backend b); /* NULL if unknown */

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

/* Free the model. The BAR and host memory are left as they are. */
void wcnic_model_destroy(struct wcnic_model *m);

#endif /* WCNIC_MODEL_H */
