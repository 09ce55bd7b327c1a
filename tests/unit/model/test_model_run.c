/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The model on its own thread (wcnic_model_run) against a driver on this
 * one: bring-up by register polling, then loopback traffic on a push
 * queue and a DMA queue at once, every frame checked, flow-controlled by
 * the TX head and the RX completions only. Run once with the threads free
 * and once with both on one CPU, where preemption lands at arbitrary
 * points of a pass and exposes ordering assumptions.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define FRAMES    20000u
#define BURST     32u
#define STALL     5.0 /* seconds without a frame: give up */

static struct h_dev dev;
static atomic_bool stop;

static void *runner(void *arg)
{
	wcnic_model_run(arg, &stop);
	return NULL;
}

/* A failed REQUIRE during bring-up: the model thread stops first. */
static void stop_runner(void *thread)
{
	atomic_store(&stop, true);
	pthread_join(*(pthread_t *)thread, NULL);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint32_t frame_len(uint32_t i)
{
	return 60 + i * 7 % 1000;
}

struct flow {
	uint32_t sent, received;
};

static void send_some(unsigned int q, struct flow *f)
{
	struct h_txq *t = &dev.tx[q];
	uint16_t in_ring = (uint16_t)(t->tail - (uint16_t)h_tx_head(&dev, q));
	uint16_t room_rx = (uint16_t)(dev.rx[q].posted - f->sent);
	uint32_t n = 0;
	uint32_t since_doorbell = 0, burst_max = h_rd32(&dev, WCNIC_REG_TX_BURST_MAX);
	uint8_t frame[1100];

	/* No more frames than posted RX buffers (loopback would drop them)
	 * and, for DMA, three descriptors per frame at most; an extra
	 * doorbell whenever the next frame would overrun TX_BURST_MAX. */
	while (n < BURST && f->sent < FRAMES && n < room_rx &&
	       in_ring + 3u <= t->entries) {
		uint32_t len = frame_len(f->sent);

		uint32_t slots = t->mode == WCNIC_TXM_DMA ? 1 + f->sent % 3 : 1;

		if (since_doorbell + slots > burst_max) {
			h_tx_doorbell(&dev, q);
			since_doorbell = 0;
		}
		h_udp_frame(frame, len, f->sent);
		if (t->mode == WCNIC_TXM_DMA)
			h_dma_tx(&dev, q, frame, len, slots);
		else
			h_push(&dev, q, frame, len, len <= 112 ? len : 64, len <= 112 ? 0 : 1);
		in_ring += (uint16_t)slots;
		since_doorbell += slots;
		f->sent++;
		n++;
	}
	if (since_doorbell != 0)
		h_tx_doorbell(&dev, q);
}

static bool receive_some(unsigned int q, struct flow *f)
{
	uint8_t want[1100];
	const uint8_t *buf;
	uint16_t len;
	unsigned int got = 0;

	while (h_rx_next(&dev, q, &buf, &len)) {
		uint32_t wlen = frame_len(f->received);

		h_udp_frame(want, wlen, f->received);
		if (len != wlen || memcmp(buf, want, wlen) != 0) {
			fprintf(stderr, "    queue %u frame %u: len %u (want %u) or bytes differ\n",
				q, f->received, len, wlen);
			return false;
		}
		f->received++;
		got++;
	}
	/* Give every consumed buffer back. */
	if (got != 0)
		h_rx_post(&dev, q, got);
	return true;
}

static void threaded_loopback(bool one_cpu)
{
	struct wcnic_model_params p;
	struct flow flows[2] = { { 0, 0 }, { 0, 0 } };
	pthread_t thread;
	cpu_set_t cpus;
	uint64_t beat;
	uint32_t last = 0;
	double stall_at;
	bool ok = true;

	wcnic_model_params_init(&p);
	p.backend = WCNIC_BACKEND_LOOPBACK;
	h_init(&dev, &p);
	dev.threaded = true;
	atomic_store(&stop, false);
	REQUIRE(pthread_create(&thread, NULL, runner, dev.m) == 0, "pthread_create");
	test_on_require(stop_runner, &thread);
	if (one_cpu) {
		CPU_ZERO(&cpus);
		CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &cpus);
		pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus);
		pthread_setaffinity_np(thread, sizeof(cpus), &cpus);
	}

	h_reset(&dev);
	h_global(&dev, p.dev_features, 2, 1500);
	h_txq_setup(&dev, 0, WCNIC_TXM_PUSH_128, 0);
	h_txq_setup(&dev, 1, WCNIC_TXM_DMA, 256);
	h_rxq_setup(&dev, 0, 256, 2048);
	h_rxq_setup(&dev, 1, 256, 2048);
	h_qwr32(&dev, 0, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE | WCNIC_QCTRL_RX_ENABLE);
	h_qwr32(&dev, 1, WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE | WCNIC_QCTRL_RX_ENABLE);
	h_enable(&dev);
	h_rx_post(&dev, 0, 256);
	h_rx_post(&dev, 1, 256);
	beat = h_rd64(&dev, WCNIC_REG_HEARTBEAT);

	stall_at = now() + STALL;
	while (ok && (flows[0].received < FRAMES || flows[1].received < FRAMES) &&
	       !(h_rd32(&dev, WCNIC_REG_STATUS) & WCNIC_STS_ERROR) && now() < stall_at) {
		unsigned int q;

		for (q = 0; q < 2; q++) {
			send_some(q, &flows[q]);
			ok = receive_some(q, &flows[q]) && ok;
		}
		if (flows[0].received + flows[1].received != last) {
			last = flows[0].received + flows[1].received;
			stall_at = now() + STALL;
		}
	}
	test_on_require(NULL, NULL);
	stop_runner(&thread);

	CHECK(ok, "a frame came back wrong");
	CHECK(flows[0].received == FRAMES && flows[1].received == FRAMES,
	      "received %u and %u of %u frames, then nothing for %.0f s "
	      "(ERROR_CODE %u, RX_NO_BUF %llu)",
	      flows[0].received, flows[1].received, FRAMES, STALL,
	      h_rd32(&dev, WCNIC_REG_ERROR_CODE),
	      (unsigned long long)h_rd64(&dev, WCNIC_REG_CNT_RX_NO_BUF));
	CHECK_EQ(h_rd64(&dev, WCNIC_REG_CNT_TX_PACKETS), 2 * FRAMES);
	CHECK_EQ(h_rd64(&dev, WCNIC_REG_CNT_RX_PACKETS), 2 * FRAMES);
	CHECK_EQ(h_rd64(&dev, WCNIC_REG_CNT_RX_NO_BUF), 0);
	CHECK_EQ(h_rd64(&dev, WCNIC_REG_CNT_ERRORS), 0);
	CHECK(h_rd64(&dev, WCNIC_REG_HEARTBEAT) > beat, "heartbeat did not move");
	CHECK(h_guards_ok(&dev), "write outside granted memory");
	h_fini(&dev);
}

static void test_threaded_loopback(void)
{
	threaded_loopback(false);
}

static void test_threaded_loopback_one_cpu(void)
{
	threaded_loopback(true);
}

int main(void)
{
	TEST_RUN(test_threaded_loopback);
	TEST_RUN(test_threaded_loopback_one_cpu);
	return test_exit_status(NULL);
}
