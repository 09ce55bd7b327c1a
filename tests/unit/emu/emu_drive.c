/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * emu-drive: a guest driver without a guest, for wcnic-emu's host tests.
 * It maps the BAR and RAM files wcnic-emu serves, keeps its rings and
 * buffers in a window of the RAM file whose guest-physical address it is
 * told (so the test, not this program, states the q35 layout), runs one
 * scenario through the device and checks what the device wrote back. It
 * prints "expect KEY VALUE" (and "expect-min KEY VALUE") lines: the
 * values wcnic-emu's stats JSON must then hold (KEY is a dotted path).
 *
 * usage: emu-drive --bar FILE --ram FILE --ram-off OFF --gpa GPA [--hole GPA] SCENARIO
 * Exit status: 0 the device behaved, 1 it did not, 2 bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"  /* h_udp_frame(): the model tests' frame builder */
#include "wcnic_hw.h"

#define ARENA_SIZE   (4u << 20)
#define RING_SIZE    256u
#define RX_BUF_SIZE  2048u
#define WAIT_SECONDS 10

struct ring_mem {
	uint8_t *host;
	uint64_t gpa;
};

static struct drive {
	uint8_t *bar;
	uint8_t *arena;        /* host address of the window */
	uint64_t gpa;          /* its guest-physical address */
	size_t used;
	uint64_t hole;         /* an address in no RAM piece, 0: none given */
	struct txq {
		uint32_t mode, entries;
		uint16_t tail, seq;
		struct ring_mem ring, head;
	} tx[2];
	struct rxq {
		uint16_t posted, seq;
		uint32_t next;
		struct ring_mem ring, cmpl, bufs;
	} rx[2];
} d;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "emu-drive: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static uint8_t *map_file(const char *path, size_t min)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDWR);

	if (fd < 0 || fstat(fd, &st) != 0 || (size_t)st.st_size < min)
		die("%s: cannot open, or smaller than %zu bytes", path, min);
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		die("%s: mmap: %s", path, strerror(errno));
	return p;
}

/* Registers: acquire loads, release stores (what the driver wrote before
 * a register is visible to the device once it sees the register). */
static uint32_t rd32(uint32_t off)
{
	return __atomic_load_n((uint32_t *)(void *)(d.bar + off), __ATOMIC_ACQUIRE);
}

static void wr32(uint32_t off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(void *)(d.bar + off), v, __ATOMIC_RELEASE);
}

static void wr64(uint32_t off, uint64_t v)
{
	__atomic_store_n((uint64_t *)(void *)(d.bar + off), v, __ATOMIC_RELEASE);
}

static bool wait32(uint32_t off, uint32_t mask, uint32_t want)
{
	time_t end = time(NULL) + WAIT_SECONDS;
	const struct timespec tick = { 0, 100000 };

	while ((rd32(off) & mask) != want) {
		if (time(NULL) > end)
			return false;
		nanosleep(&tick, NULL);
	}
	return true;
}

static struct ring_mem alloc(size_t len)
{
	size_t off = (d.used + 4095) & ~(size_t)4095;
	struct ring_mem m = { d.arena + off, d.gpa + off };

	if (off + len > ARENA_SIZE)
		die("arena exhausted");
	memset(m.host, 0, len);
	d.used = off + len;
	return m;
}

static void bringup(unsigned int nq, const uint32_t *modes)
{
	unsigned int q;

	wr32(WCNIC_REG_CONTROL, WCNIC_CTRL_RESET);
	if (!wait32(WCNIC_REG_CONTROL, WCNIC_CTRL_RESET, 0) ||
	    !wait32(WCNIC_REG_STATUS, WCNIC_STS_READY, WCNIC_STS_READY))
		die("reset did not complete (is wcnic-emu running?)");
	wr64(WCNIC_REG_DRV_FEATURES, WCNIC_F_TX_PUSH | WCNIC_F_TX_DMA | WCNIC_F_PUSH_ENTRY_128 |
				     WCNIC_F_PUSH_ENTRY_256 | WCNIC_F_MULTI_SEG);
	wr32(WCNIC_REG_NUM_QUEUES, nq);
	wr32(WCNIC_REG_MTU, 1500);
	for (q = 0; q < nq; q++) {
		uint32_t cfg = WCNIC_QUEUE_CFG_OFF(q);
		struct txq *t = &d.tx[q];
		struct rxq *r = &d.rx[q];

		memset(t, 0, sizeof(*t));
		memset(r, 0, sizeof(*r));
		t->mode = modes[q];
		t->entries = modes[q] == WCNIC_TXM_PUSH_128 ? WCNIC_PUSH_RING_BYTES / 128 :
			     modes[q] == WCNIC_TXM_PUSH_256 ? WCNIC_PUSH_RING_BYTES / 256 : RING_SIZE;
		t->head = alloc(64);
		if (t->mode == WCNIC_TXM_DMA)
			t->ring = alloc(RING_SIZE * sizeof(struct wcnic_tx_desc));
		r->ring = alloc(RING_SIZE * sizeof(struct wcnic_rx_desc));
		r->cmpl = alloc(RING_SIZE * sizeof(struct wcnic_rx_cmpl));
		r->bufs = alloc((size_t)RING_SIZE * RX_BUF_SIZE);
		wr32(cfg + WCNIC_QREG_TX_MODE, t->mode);
		wr32(cfg + WCNIC_QREG_TX_RING_SIZE, RING_SIZE);
		wr64(cfg + WCNIC_QREG_TX_RING_IOVA, t->ring.gpa);
		wr64(cfg + WCNIC_QREG_TX_CMPL_IOVA, t->head.gpa);
		wr64(cfg + WCNIC_QREG_RX_RING_IOVA, r->ring.gpa);
		wr64(cfg + WCNIC_QREG_RX_CMPL_IOVA, r->cmpl.gpa);
		wr32(cfg + WCNIC_QREG_RX_RING_SIZE, RING_SIZE);
		wr32(cfg + WCNIC_QREG_RX_BUF_SIZE, RX_BUF_SIZE);
		wr32(cfg + WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE | WCNIC_QCTRL_RX_ENABLE);
	}
	wr32(WCNIC_REG_CONTROL, WCNIC_CTRL_ENABLE);
	if (!wait32(WCNIC_REG_STATUS, WCNIC_STS_ENABLED, WCNIC_STS_ENABLED))
		die("device did not enable: STATUS %#x ERROR_CODE %u", rd32(WCNIC_REG_STATUS),
		    rd32(WCNIC_REG_ERROR_CODE));
	for (q = 0; q < nq; q++)
		if (!wait32(WCNIC_QUEUE_CFG_OFF(q) + WCNIC_QREG_STATUS, 3, 3))
			die("queue %u not running: Q STATUS %#x ERROR_CODE %u", q,
			    rd32(WCNIC_QUEUE_CFG_OFF(q) + WCNIC_QREG_STATUS),
			    rd32(WCNIC_REG_ERROR_CODE));
}

/* One frame at the tail: inline in a push entry, or one DMA descriptor
 * pointing at iova (0: a copy in the arena). */
static void send(unsigned int q, const uint8_t *frame, uint32_t len, uint64_t iova)
{
	struct txq *t = &d.tx[q];
	uint32_t pos = t->tail & (t->entries - 1);

	if (t->mode == WCNIC_TXM_DMA) {
		struct wcnic_tx_desc *ring = (struct wcnic_tx_desc *)(void *)t->ring.host;

		if (iova == 0) {
			struct ring_mem buf = alloc(len);

			memcpy(buf.host, frame, len);
			iova = buf.gpa;
		}
		ring[pos] = (struct wcnic_tx_desc){ .iova = iova, .len = (uint16_t)len,
						    .flags = WCNIC_TXD_EOP };
	} else {
		uint32_t size = t->mode == WCNIC_TXM_PUSH_128 ? 128 : 256;
		uint8_t *slot = d.bar + WCNIC_PUSH_RING_OFF(q) + pos * size;
		struct wcnic_push_hdr h = { .pkt_len = (uint16_t)len, .inline_len = (uint16_t)len };

		if (len > size - WCNIC_PUSH_HDR_SIZE)
			die("frame of %u bytes does not fit inline", len);
		memcpy(slot, &h, sizeof(h));
		memcpy(slot + WCNIC_PUSH_HDR_SIZE, frame, len);
	}
	t->tail++;
}

static void tx_doorbell(unsigned int q)
{
	struct txq *t = &d.tx[q];

	t->seq++;
	wr32(WCNIC_DB_TX_OFF(q), WCNIC_DB_VALUE(t->seq, t->tail));
}

static bool tx_done(unsigned int q)
{
	time_t end = time(NULL) + WAIT_SECONDS;
	const uint32_t *head = (const uint32_t *)(const void *)d.tx[q].head.host;

	while (__atomic_load_n(head, __ATOMIC_ACQUIRE) != d.tx[q].tail) {
		if (time(NULL) > end)
			return false;
		usleep(100);
	}
	return true;
}

static void rx_post(unsigned int q, unsigned int n)
{
	struct rxq *r = &d.rx[q];
	struct wcnic_rx_desc *ring = (struct wcnic_rx_desc *)(void *)r->ring.host;

	while (n-- > 0) {
		uint32_t pos = r->posted & (RING_SIZE - 1);

		ring[pos] = (struct wcnic_rx_desc){ .iova = r->bufs.gpa + (uint64_t)pos * RX_BUF_SIZE };
		r->posted++;
	}
	r->seq++;
	wr32(WCNIC_DB_RX_OFF(q), WCNIC_DB_VALUE(r->seq, r->posted));
}

/* The next received frame, or NULL after the wait. */
static const uint8_t *rx_next(unsigned int q, uint16_t *len)
{
	struct rxq *r = &d.rx[q];
	uint32_t pos = r->next & (RING_SIZE - 1);
	const uint64_t *cmpl = (const uint64_t *)(const void *)r->cmpl.host + pos;
	time_t end = time(NULL) + WAIT_SECONDS;

	for (;;) {
		uint64_t c = __atomic_load_n(cmpl, __ATOMIC_ACQUIRE);

		if (((c >> 16) & WCNIC_RXC_PHASE) == WCNIC_RX_PHASE_OF(r->next, RING_SIZE)) {
			*len = (uint16_t)c;
			r->next++;
			return r->bufs.host + (size_t)pos * RX_BUF_SIZE;
		}
		if (time(NULL) > end)
			return NULL;
		usleep(100);
	}
}

/* Sink: push on queue 0, DMA on queue 1 with one frame the sink rejects. */
static void scenario_sink(void)
{
	static const uint32_t modes[2] = { WCNIC_TXM_PUSH_128, WCNIC_TXM_DMA };
	uint8_t frame[200], junk[60];
	unsigned int i;

	bringup(2, modes);
	for (i = 0; i < 10; i++) {
		h_udp_frame(frame, 100, i);
		send(0, frame, 100, 0);
	}
	tx_doorbell(0);
	for (i = 0; i < 5; i++) {
		h_udp_frame(frame, 200, i);
		send(1, frame, 200, 0);
	}
	memset(junk, 0, sizeof(junk));  /* EtherType 0: not IPv4 */
	send(1, junk, sizeof(junk), 0);
	tx_doorbell(1);
	if (!tx_done(0) || !tx_done(1))
		die("TX heads did not reach the tails");
	printf("expect total.tx_packets 16\nexpect total.tx_bytes 2060\n"
	       "expect queues.0.tx_packets 10\nexpect queues.0.tx_bytes 1000\n"
	       "expect queues.1.tx_packets 6\nexpect queues.1.tx_bytes 1060\n"
	       "expect total.tx_hdr_bad 1\nexpect queues.1.tx_hdr_bad 1\n"
	       "expect total.errors 0\nexpect total.rx_packets 0\n"
	       "expect device.enabled true\nexpect device.num_queues 2\n"
	       "expect device.resets 1\nexpect queues.0.tx_running true\n");
}

/* Loopback: frames come back byte for byte into buffers in this window. */
static void scenario_loopback(void)
{
	static const uint32_t modes[1] = { WCNIC_TXM_PUSH_256 };
	uint8_t frame[8][200];
	const uint8_t *got;
	unsigned int i;
	uint16_t len;

	bringup(1, modes);
	rx_post(0, 16);
	for (i = 0; i < 8; i++) {
		h_udp_frame(frame[i], 200, 100 + i);
		send(0, frame[i], 200, 0);
	}
	tx_doorbell(0);
	for (i = 0; i < 8; i++) {
		got = rx_next(0, &len);
		if (got == NULL)
			die("frame %u not received", i);
		if (len != 200 || memcmp(got, frame[i], 200) != 0)
			die("frame %u received with other bytes (length %u)", i, len);
	}
	printf("expect total.tx_packets 8\nexpect total.rx_packets 8\n"
	       "expect total.rx_bytes 1600\nexpect queues.0.rx_packets 8\n"
	       "expect total.errors 0\n");
}

/* A DMA descriptor pointing into the hole below 4 GiB. */
static void scenario_bad_iova(void)
{
	static const uint32_t modes[1] = { WCNIC_TXM_DMA };
	uint8_t frame[100];

	if (d.hole == 0)
		die("scenario bad-iova needs --hole GPA");
	bringup(1, modes);
	h_udp_frame(frame, sizeof(frame), 7);
	send(0, frame, sizeof(frame), 0);
	send(0, frame, sizeof(frame), d.hole);
	tx_doorbell(0);
	if (!wait32(WCNIC_QUEUE_CFG_OFF(0) + WCNIC_QREG_STATUS, WCNIC_QSTS_TX_STOPPED_ERR,
		    WCNIC_QSTS_TX_STOPPED_ERR))
		die("the ring did not stop on an address in the hole");
	printf("expect total.tx_packets 1\nexpect device.error_code bad_iova\n"
	       "expect device.error_queue 0\nexpect device.error_info %" PRIu64 "\n"
	       "expect errors_by_code.bad_iova 1\nexpect queues.0.error bad_iova\n"
	       "expect queues.0.tx_stopped_error true\nexpect total.errors 1\n", d.hole);
}

/* Tap: one frame out to the interface, then wait for one the test sends
 * in (its payload holds "wcnic-emu-tap-in"); other traffic is skipped. */
static void scenario_tap(void)
{
	static const uint32_t modes[1] = { WCNIC_TXM_PUSH_128 };
	static const char out_mark[] = "wcnic-emu-tap-out", in_mark[] = "wcnic-emu-tap-in";
	uint8_t frame[100];
	const uint8_t *got;
	uint16_t len;

	bringup(1, modes);
	rx_post(0, RING_SIZE);
	h_udp_frame(frame, sizeof(frame), 1);
	memcpy(frame + 42, out_mark, sizeof(out_mark));
	send(0, frame, sizeof(frame), 0);
	tx_doorbell(0);
	while ((got = rx_next(0, &len)) != NULL)
		if (len >= 42 + sizeof(in_mark) && memcmp(got + 42, in_mark, sizeof(in_mark)) == 0)
			break;
	if (got == NULL)
		die("no frame from the interface");
	printf("expect total.tx_packets 1\nexpect tap.tx_frames 1\nexpect-min tap.rx_frames 1\n"
	       "expect-min queues.0.rx_packets 1\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bar", required_argument, NULL, 'b' }, { "ram", required_argument, NULL, 'r' },
		{ "ram-off", required_argument, NULL, 'o' }, { "gpa", required_argument, NULL, 'g' },
		{ "hole", required_argument, NULL, 'H' }, { NULL, 0, NULL, 0 },
	};
	const char *bar = NULL, *ram = NULL;
	uint64_t ram_off = 0;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'b': bar = optarg; break;
		case 'r': ram = optarg; break;
		case 'o': ram_off = strtoull(optarg, NULL, 0); break;
		case 'g': d.gpa = strtoull(optarg, NULL, 0); break;
		case 'H': d.hole = strtoull(optarg, NULL, 0); break;
		default: return 2;
		}
	}
	if (bar == NULL || ram == NULL || optind + 1 != argc) {
		fprintf(stderr, "usage: emu-drive --bar FILE --ram FILE --ram-off OFF --gpa GPA "
			"[--hole GPA] sink|loopback|bad-iova|tap\n");
		return 2;
	}
	d.bar = map_file(bar, WCNIC_BAR_MIN_SIZE);
	d.arena = map_file(ram, ram_off + ARENA_SIZE) + ram_off;
	if (rd32(WCNIC_REG_SIGNATURE) != (uint32_t)WCNIC_SIGNATURE)
		die("no wcnic signature in %s", bar);
	if (strcmp(argv[optind], "sink") == 0)
		scenario_sink();
	else if (strcmp(argv[optind], "loopback") == 0)
		scenario_loopback();
	else if (strcmp(argv[optind], "bad-iova") == 0)
		scenario_bad_iova();
	else if (strcmp(argv[optind], "tap") == 0)
		scenario_tap();
	else
		die("unknown scenario %s", argv[optind]);
	return 0;
}
