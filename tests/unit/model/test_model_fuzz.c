/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A driver gone mad: random and half-valid push entries, descriptors, RX
 * buffers, doorbells and register writes, with a fixed seed. The model
 * must never crash or hang, never write outside granted memory (guard
 * zones intact) and only ever report valid error codes; and the run must
 * reach both the data path and the error checks. MODEL_FUZZ_SEED in the
 * environment replaces the seed (to explore; the suite uses the fixed one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define ITERATIONS 10000u

static struct h_dev dev;
static uint64_t rng = UINT64_C(0x243F6A8885A308D3);
static uint32_t codes_seen;

static uint32_t rnd(uint32_t n)
{
	return (uint32_t)(h_rand(&rng) % n);
}

/* Mostly a good address for len bytes; sometimes one off the grant. */
static uint64_t pick_iova(uint32_t len)
{
	switch (rnd(64)) {
	case 0:
		return h_rand(&rng);
	case 1:
		return H_ARENA_END - rnd(256);
	case 2:
		return H_ARENA_IOVA - 1 - rnd(256);
	case 3:
		return UINT64_MAX - rnd(4096);
	default:
		return H_ARENA_IOVA + rnd(H_ARENA_SIZE - len);
	}
}

/* One in n chance of garbage for a field that should be 0. */
static uint32_t maybe(uint32_t n, uint32_t bits)
{
	return rnd(n) == 0 ? (uint32_t)h_rand(&rng) & bits : 0;
}

static void epoch(void)
{
	unsigned int nq = 1 + rnd(4), q;
	static const uint32_t modes[] = { WCNIC_TXM_DMA, WCNIC_TXM_PUSH_128, WCNIC_TXM_PUSH_256 };

	h_reset(&dev);
	h_global(&dev, dev.params.dev_features, nq, 1500 + rnd(7500));
	for (q = 0; q < nq; q++) {
		uint32_t ring = 64u << rnd(4);

		h_txq_setup(&dev, q, modes[rnd(3)], ring);
		h_rxq_setup(&dev, q, ring, 256u << rnd(4));
		h_qwr32(&dev, q, WCNIC_QREG_CONTROL, rnd(8) == 0 ? rnd(4) : 3);
		if (rnd(20) == 0) /* a garbage configuration word */
			h_qwr32(&dev, q, 4 * rnd(WCNIC_QREG_STATUS / 4), (uint32_t)h_rand(&rng));
	}
	h_enable(&dev);
}

static void random_push_entry(unsigned int q)
{
	const struct h_txq *t = &dev.tx[q];
	uint8_t entry[WCNIC_PUSH_ENTRY_256];
	struct wcnic_push_hdr hdr = { 0 };
	uint32_t max_sg = WCNIC_PUSH_MAX_SG(t->entry_size), sum = 0, i;

	if (rnd(50) == 0) {
		/* Pure noise. */
		for (i = 0; i < sizeof(entry); i++)
			entry[i] = (uint8_t)h_rand(&rng);
	} else {
		memset(entry, 0, sizeof(entry));
		hdr.nb_sg = (uint8_t)(rnd(20) == 0 ? rnd(max_sg + 2) : rnd(2));
		if (hdr.nb_sg <= max_sg) {
			uint32_t room = WCNIC_PUSH_INLINE_ROOM(t->entry_size, hdr.nb_sg);

			/* Mostly long enough for a frame; now and then too long. */
			hdr.inline_len = (uint16_t)(rnd(50) == 0 ? rnd(room + 2) :
						    hdr.nb_sg != 0 ? rnd(room + 1) :
						    14 + rnd(room - 13));
		}
		for (i = 0; i < hdr.nb_sg && i < max_sg; i++) {
			struct wcnic_sg sg = { .len = rnd(100) == 0 ? 0 : 14 + rnd(1000) };

			sg.iova = pick_iova(sg.len);
			sg.rsvd = maybe(200, UINT32_MAX);
			sum += sg.len;
			memcpy(entry + WCNIC_PUSH_HDR_SIZE + i * WCNIC_SG_SIZE, &sg, sizeof(sg));
		}
		hdr.pkt_len = (uint16_t)(hdr.inline_len + sum + maybe(100, 3));
		hdr.flags = (uint8_t)maybe(200, 0xff);
		hdr.hdr_lens = (uint16_t)maybe(200, 0xffff);
		hdr.rsvd1 = maybe(200, UINT32_MAX);
		hdr.cookie = (uint32_t)h_rand(&rng);
		memcpy(entry, &hdr, sizeof(hdr));
	}
	memcpy(h_push_slot(&dev, q), entry, t->entry_size);
	h_push_commit(&dev, q);
}

static void random_dma_packet(unsigned int q)
{
	unsigned int n = rnd(30) == 0 ? 1 + rnd(18) : 1 + rnd(3), i;

	for (i = 0; i < n; i++) {
		uint16_t len = (uint16_t)(rnd(100) == 0 ? rnd(65536) : 14 + rnd(500));
		uint16_t flags = (uint16_t)((i + 1 == n ? WCNIC_TXD_EOP : 0) | maybe(200, 0xffff));

		h_dma_desc(&dev, q, pick_iova(len), len, flags, maybe(200, UINT32_MAX));
	}
}

static void random_tx(unsigned int q)
{
	unsigned int n = rnd(12), i;

	if (dev.tx[q].entries == 0) /* queue not set up in this epoch */
		return;
	for (i = 0; i < n; i++) {
		if (dev.tx[q].mode == WCNIC_TXM_DMA)
			random_dma_packet(q);
		else
			random_push_entry(q);
	}
}

static void random_rx(unsigned int q)
{
	struct h_rxq *r = &dev.rx[q];
	unsigned int n = rnd(40), i;

	if (r->size == 0)
		return;
	for (i = 0; i < n; i++)
		h_rx_post_desc(&dev, q, pick_iova(r->buf_size), maybe(200, UINT32_MAX));
}

static void random_doorbell(unsigned int q, bool tx)
{
	uint32_t off = tx ? WCNIC_DB_TX_OFF(q) : WCNIC_DB_RX_OFF(q);

	switch (rnd(100)) {
	case 0:
		h_wr32(&dev, off, (uint32_t)h_rand(&rng));
		break;
	case 1:
	case 2:
	case 3: /* index moved (or not) without a new sequence number */
		h_wr32(&dev, off, WCNIC_DB_VALUE(tx ? dev.tx[q].seq : dev.rx[q].seq,
						 (tx ? dev.tx[q].tail : dev.rx[q].posted) + rnd(3)));
		break;
	default:
		if (tx)
			h_tx_doorbell(&dev, q);
		else
			h_rx_doorbell(&dev, q);
	}
}

static void random_register_write(void)
{
	switch (rnd(4)) {
	case 0: /* DRV_FEATURES up to CONTROL (RW, and RO ones between) */
		h_wr32(&dev, WCNIC_REG_DRV_FEATURES + 4 * rnd(13), (uint32_t)h_rand(&rng));
		break;
	case 1:
		h_wr32(&dev, WCNIC_REG_CONTROL, rnd(16));
		break;
	case 2:
		h_qwr32(&dev, rnd(WCNIC_MAX_QUEUES), WCNIC_QREG_CONTROL, rnd(4));
		break;
	default: /* a RW word of a queue block (RO ones are the device's) */
		h_qwr32(&dev, rnd(WCNIC_MAX_QUEUES), 4 * rnd(WCNIC_QREG_STATUS / 4),
			(uint32_t)h_rand(&rng));
	}
}

/* Invariants that hold whatever the driver did. */
static bool device_sane(void)
{
	uint32_t code = h_rd32(&dev, WCNIC_REG_ERROR_CODE), q;

	if (!h_guards_ok(&dev))
		return false;
	if (code > WCNIC_ERR_MAX || (h_rd32(&dev, WCNIC_REG_STATUS) & ~7u) != 0) {
		fprintf(stderr, "    ERROR_CODE %u STATUS %#x\n", code,
			h_rd32(&dev, WCNIC_REG_STATUS));
		return false;
	}
	codes_seen |= 1u << code;
	for (q = 0; q < WCNIC_MAX_QUEUES; q++) {
		uint32_t qerr = h_qrd32(&dev, q, WCNIC_QREG_ERROR);

		if (qerr > WCNIC_ERR_MAX || (h_qrd32(&dev, q, WCNIC_QREG_STATUS) & ~15u) != 0) {
			fprintf(stderr, "    queue %u: Q ERROR %u Q STATUS %#x\n", q, qerr,
				h_qrd32(&dev, q, WCNIC_QREG_STATUS));
			return false;
		}
		codes_seen |= 1u << qerr;
	}
	return true;
}

static void fuzz(enum wcnic_backend backend, unsigned int iterations)
{
	struct wcnic_model_params p;
	uint64_t tx_pkts = 0, rx_pkts = 0, errors = 0;
	unsigned int i;

	wcnic_model_params_init(&p);
	p.backend = backend;
	h_init(&dev, &p);
	epoch();
	for (i = 0; i < iterations; i++) {
		unsigned int q = rnd(5) == 0 ? rnd(WCNIC_MAX_QUEUES) : rnd(2);
		uint32_t action = rnd(40);

		if (action < 14) {
			random_tx(q);
			random_doorbell(q, true);
		} else if (action < 24) {
			random_rx(q);
			random_doorbell(q, false);
		} else if (action == 24) {
			random_register_write();
		} else if (action == 25) {
			tx_pkts += h_rd64(&dev, WCNIC_REG_CNT_TX_PACKETS);
			rx_pkts += h_rd64(&dev, WCNIC_REG_CNT_RX_PACKETS);
			errors += h_rd64(&dev, WCNIC_REG_CNT_ERRORS);
			epoch();
		} else {
			random_tx(q);
			random_rx(q);
			h_tx_doorbell(&dev, q);
			h_rx_doorbell(&dev, q);
		}
		h_poll(&dev, 1 + rnd(3));
		REQUIRE(device_sane(), "iteration %u (backend %s)", i, wcnic_backend_name(backend));
	}
	tx_pkts += h_rd64(&dev, WCNIC_REG_CNT_TX_PACKETS);
	rx_pkts += h_rd64(&dev, WCNIC_REG_CNT_RX_PACKETS);
	errors += h_rd64(&dev, WCNIC_REG_CNT_ERRORS);
	h_fini(&dev);
	printf("     %s: %llu TX frames, %llu RX frames, %llu errors\n",
	       wcnic_backend_name(backend), (unsigned long long)tx_pkts,
	       (unsigned long long)rx_pkts, (unsigned long long)errors);
	CHECK(tx_pkts > 100 && errors > 10, "the fuzz did not reach the data path or the checks");
	CHECK(backend == WCNIC_BACKEND_SINK || rx_pkts > 100, "no RX traffic");
}

static void test_fuzz_loopback(void)
{
	fuzz(WCNIC_BACKEND_LOOPBACK, ITERATIONS);
}

static void test_fuzz_gen(void)
{
	fuzz(WCNIC_BACKEND_GEN, ITERATIONS / 2);
}

static void test_fuzz_sink(void)
{
	fuzz(WCNIC_BACKEND_SINK, ITERATIONS / 2);
}

static void test_every_error_code_reached(void)
{
	uint32_t c;

	/* ERROR_NONE, BAD_CONFIG... everything but nothing out of range. */
	for (c = WCNIC_ERR_BAD_IOVA; c <= WCNIC_ERR_MAX; c++)
		CHECK(codes_seen & (1u << c), "error code %u never seen (seen mask %#x)", c,
		      codes_seen);
}

int main(void)
{
	const char *seed = getenv("MODEL_FUZZ_SEED");

	if (seed != NULL && strtoull(seed, NULL, 0) != 0)
		rng = strtoull(seed, NULL, 0);
	printf("     seed %#llx\n", (unsigned long long)rng);
	TEST_RUN(test_fuzz_loopback);
	TEST_RUN(test_fuzz_gen);
	TEST_RUN(test_fuzz_sink);
	TEST_RUN(test_every_error_code_reached);
	return test_exit_status(NULL);
}
