/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: wcnic-emu's device model against a guest driver that
 * writes anything. Each input (fuzz_emu_input.h) picks the RAM size (q35
 * splits the larger one around the PCI hole) and the back end, then runs
 * register and doorbell writes, push entries, DMA and RX descriptors and
 * RAM contents through the model, as wcnic-emu does: the RAM is granted
 * with the same guest_mem_grant(). It must never crash, never touch
 * memory outside the BAR and the RAM (both lie between PROT_NONE guard
 * pages, so a stray access faults; ASan watches the heap and stack), and
 * its translator must agree with the q35 rule on every address asked.
 *
 * Build and run: doc/wcnic-emu.md, "Fuzzing".
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "emu_guest_mem.h"
#include "fuzz_emu_input.h"
#include "wcnic_hw.h"
#include "wcnic_model.h"

#define GUARD       (64u << 10)
#define BAR_SIZE    WCNIC_BAR_MIN_SIZE

struct input {
	const uint8_t *p;
	size_t left;
};

/* Read n bytes little-endian; 0 once the input is used up. */
static uint64_t take(struct input *in, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n && in->left > 0; i++, in->left--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

static struct region {
	uint8_t *base;  /* first usable byte, GUARD bytes of PROT_NONE around */
	size_t len;
} bar_mem, ram_small, ram_split;

/* Reserve guard + len + guard with no access, open up the middle. */
static struct region guarded(size_t len)
{
	uint8_t *p = mmap(NULL, len + 2 * GUARD, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED || mprotect(p + GUARD, len, PROT_READ | PROT_WRITE) != 0) {
		perror("fuzz_emu: cannot map the BAR and RAM");
		abort();
	}
	return (struct region){ p + GUARD, len };
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	bar_mem = guarded(BAR_SIZE);
	ram_small = guarded(FZ_RAM_SMALL);
	/* 2.75 GiB of address space; only pages written cost memory, and
	 * every run gives them back (MADV_DONTNEED). */
	ram_split = guarded(FZ_RAM_SPLIT);
	return 0;
}

/* The guest driver's view of what it configured. */
struct drv_queue {
	uint64_t tx_ring, rx_ring;  /* guest-physical */
	uint32_t ring_size;
	uint16_t idx[2], seq[2];    /* doorbell index and sequence, TX and RX */
};

static struct run {
	struct wcnic_dma_map dma;
	struct guest_mem_layout layout;
	struct region *ram;
	struct wcnic_model *m;
	uint64_t arena;             /* guest-physical base of bring-up's area */
	struct drv_queue q[WCNIC_MAX_QUEUES];
	/* External echo back end: the last frame sent comes back on queue 0. */
	uint8_t echo[WCNIC_MAX_FRAME_LEN];
	uint32_t echo_len;
} r;

static void echo_tx(void *ctx, unsigned int qi, const uint8_t *frame, uint32_t len)
{
	(void)ctx;
	(void)qi;
	if (len > sizeof(r.echo))
		abort();  /* the model promised at most WCNIC_MAX_FRAME_LEN */
	memcpy(r.echo, frame, len);  /* reads every byte: ASan checks the frame */
	r.echo_len = len;
}

static unsigned int echo_rx_poll(void *ctx, struct wcnic_model *m, unsigned int qi,
				 unsigned int room)
{
	(void)ctx;
	if (qi != 0 || room == 0 || r.echo_len == 0)
		return 0;
	wcnic_model_rx(m, 0, r.echo, r.echo_len);
	r.echo_len = 0;
	return 1;
}

static const struct wcnic_backend_ops echo_ops = { .tx = echo_tx, .rx_poll = echo_rx_poll };

static uint64_t take_addr(struct input *in)
{
	unsigned int sel = (unsigned int)take(in, 1) % FZ_AT_COUNT;
	uint64_t anchor[FZ_AT_COUNT] = {
		[FZ_AT_ZERO] = 0,
		[FZ_AT_LOW_END] = r.layout.low.len,
		[FZ_AT_4G] = Q35_HIGH_BASE,
		[FZ_AT_RAM_END] = guest_mem_gpa_end(&r.layout),
		[FZ_AT_ARENA] = r.arena,
		[FZ_AT_TOP] = UINT64_MAX,
		[FZ_AT_2G] = Q35_LOW_SPLIT,
	};

	if (sel == FZ_AT_RAW)
		return take(in, 8);
	/* Unsigned wrap-around is the point: addresses below 0 and above
	 * 2^64 - 1 are addresses too. */
	return anchor[sel] + (uint64_t)(int64_t)(int32_t)take(in, 4);
}

/* The q35 rule, written independently of emu_guest_mem.c. */
static uint8_t *q35_expected(uint64_t gpa, uint64_t len)
{
	uint64_t low = r.ram->len >= FZ_RAM_SPLIT ? (UINT64_C(2) << 30) : r.ram->len;
	uint64_t high = r.ram->len - low;

	if (len == 0)
		return NULL;
	if (gpa < low && len <= low - gpa)
		return r.ram->base + gpa;
	if (gpa >= (UINT64_C(4) << 30) && gpa - (UINT64_C(4) << 30) < high &&
	    len <= high - (gpa - (UINT64_C(4) << 30)))
		return r.ram->base + low + (gpa - (UINT64_C(4) << 30));
	return NULL;
}

/* Driver writes to RAM go through the translator too (and are checked). */
static uint8_t *ram_at(uint64_t gpa, uint64_t len)
{
	uint8_t *host = wcnic_dma_translate(&r.dma, gpa, len);

	if (host != q35_expected(gpa, len)) {
		fprintf(stderr, "translator: [%#llx, +%#llx) -> %p, q35 says %p\n",
			(unsigned long long)gpa, (unsigned long long)len, (void *)host,
			(void *)q35_expected(gpa, len));
		abort();
	}
	return host;
}

static void wr32(uint32_t off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(void *)(bar_mem.base + off), v, __ATOMIC_RELEASE);
}

static void wr64(uint32_t off, uint64_t v)
{
	__atomic_store_n((uint64_t *)(void *)(bar_mem.base + off), v, __ATOMIC_RELEASE);
}

static void poll(unsigned int n)
{
	while (n-- > 0)
		wcnic_model_poll(r.m);
}

static void op_bringup(struct input *in)
{
	unsigned int nq = 1 + (unsigned int)take(in, 1) % WCNIC_MAX_QUEUES, qi;
	uint32_t modes = (uint32_t)take(in, 1);
	uint32_t ring = 64u << (take(in, 1) % 4), buf = 256u << (take(in, 1) % 4);
	uint32_t flags = (uint32_t)take(in, 1);
	uint64_t features = WCNIC_MODEL_ALL_FEATURES;

	if (flags & FZ_BRING_FEATURES)
		features &= take(in, 2);
	r.arena = (flags & FZ_BRING_HIGH) && r.layout.high.len != 0 ?
		  Q35_HIGH_BASE + FZ_ARENA_OFF : FZ_ARENA_OFF;
	wr32(WCNIC_REG_CONTROL, WCNIC_CTRL_RESET);
	poll(1);
	wr64(WCNIC_REG_DRV_FEATURES, features);
	wr32(WCNIC_REG_NUM_QUEUES, nq);
	wr32(WCNIC_REG_MTU, 1500);
	memset(r.q, 0, sizeof(r.q));
	for (qi = 0; qi < nq; qi++) {
		uint32_t cfg = WCNIC_QUEUE_CFG_OFF(qi);
		uint64_t base = r.arena + (uint64_t)qi * FZ_QUEUE_SPAN;
		struct drv_queue *q = &r.q[qi];

		q->ring_size = ring;
		q->tx_ring = base;
		q->rx_ring = base + 0x4000;
		wr32(cfg + WCNIC_QREG_TX_MODE, qi < 4 ? (modes >> (2 * qi)) % 3 : WCNIC_TXM_DMA);
		wr32(cfg + WCNIC_QREG_TX_RING_SIZE, ring);
		wr64(cfg + WCNIC_QREG_TX_RING_IOVA, q->tx_ring);
		wr64(cfg + WCNIC_QREG_TX_CMPL_IOVA, base + 0x3000);
		wr64(cfg + WCNIC_QREG_RX_RING_IOVA, q->rx_ring);
		wr64(cfg + WCNIC_QREG_RX_CMPL_IOVA, base + 0x8000);
		wr32(cfg + WCNIC_QREG_RX_RING_SIZE, ring);
		wr32(cfg + WCNIC_QREG_RX_BUF_SIZE, buf);
		wr32(cfg + WCNIC_QREG_CONTROL, WCNIC_QCTRL_TX_ENABLE | WCNIC_QCTRL_RX_ENABLE);
	}
	wr32(WCNIC_REG_CONTROL, WCNIC_CTRL_ENABLE);
	poll(1);
}

static void put_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Headers of template tmpl (fuzz_emu_input.h) over the frame's first bytes
 * p[0..n), for a frame of pkt_len bytes. */
static void frame_template(uint8_t *p, uint32_t n, uint32_t tmpl, uint32_t pkt_len)
{
	uint8_t hdr[14 + 4 + 40 + 20];
	uint32_t kind = tmpl & 3u, l2 = kind == FZ_TMPL_VLAN_IPV4 ? 18 : 14;
	uint32_t l3 = kind == FZ_TMPL_IPV6 ? 40 : 20, i;
	uint8_t proto = (tmpl & FZ_TMPL_TCP) ? 6 : 17;
	uint8_t *ip = hdr + l2, *l4 = ip + l3;

	for (i = 0; i < n; i++)
		p[i] = i == 12 ? 0x08 : (uint8_t)(i * 7 + 0x45);
	if (kind == FZ_TMPL_PATTERN)
		return;
	memset(hdr, 0x5a, sizeof(hdr));
	if (kind == FZ_TMPL_VLAN_IPV4) {
		put_be16(hdr + 12, 0x8100);
		put_be16(hdr + 14, 100);
	}
	put_be16(hdr + l2 - 2, kind == FZ_TMPL_IPV6 ? 0x86DD : 0x0800);
	if (kind == FZ_TMPL_IPV6) {
		ip[0] = 0x60;
		put_be16(ip + 4, pkt_len - l2 - l3);
		ip[6] = proto;
	} else {
		ip[0] = 0x45;
		put_be16(ip + 2, pkt_len - l2);
		put_be16(ip + 6, 0);
		ip[9] = proto;
	}
	if (proto == 17)
		put_be16(l4 + 4, pkt_len - l2 - l3);
	else
		l4[12] = 0x50;
	memcpy(p, hdr, n < l2 + l3 + 20 ? n : l2 + l3 + 20);
}

static void op_push_entry(struct input *in)
{
	unsigned int qi = (unsigned int)take(in, 1) % WCNIC_MAX_QUEUES;
	uint32_t slot = (uint32_t)take(in, 2);
	uint32_t esize = (take(in, 1) & 1) ? WCNIC_PUSH_ENTRY_256 : WCNIC_PUSH_ENTRY_128;
	uint32_t nb_sg = (uint32_t)take(in, 1) % (WCNIC_PUSH_MAX_SG(WCNIC_PUSH_ENTRY_256) + 1);
	uint32_t inline_len = (uint32_t)take(in, 2) % (WCNIC_PUSH_ENTRY_256 + 1);
	int32_t delta = (int8_t)take(in, 1);
	uint8_t flags = (uint8_t)take(in, 1);
	uint16_t hdr_lens = (uint16_t)take(in, 2);
	uint32_t tmpl = (uint32_t)take(in, 1);
	uint8_t entry[WCNIC_PUSH_ENTRY_256 + WCNIC_PUSH_MAX_SG(WCNIC_PUSH_ENTRY_256) * 16 + 256];
	struct wcnic_push_hdr h = { 0 };
	uint32_t i, sum = inline_len, used;
	uint8_t *slot_p;

	memset(entry, 0, sizeof(entry));

	for (i = 0; i < nb_sg; i++) {
		struct wcnic_sg sg = { .iova = take_addr(in), .len = (uint32_t)take(in, 2) };

		sum += sg.len;
		memcpy(entry + WCNIC_PUSH_HDR_SIZE + i * WCNIC_SG_SIZE, &sg, sizeof(sg));
	}
	used = WCNIC_PUSH_HDR_SIZE + nb_sg * WCNIC_SG_SIZE;
	h.nb_sg = (uint8_t)nb_sg;
	h.inline_len = (uint16_t)inline_len;
	h.pkt_len = (uint16_t)(sum + (uint32_t)delta);
	h.flags = flags;
	h.hdr_lens = hdr_lens;
	/* Inline bytes: frame-like (the sink parses them, checksum requests
	 * work on them, loopback classifies them). */
	frame_template(entry + used, inline_len, tmpl, h.pkt_len);
	memcpy(entry, &h, sizeof(h));
	slot_p = bar_mem.base + WCNIC_PUSH_RING_OFF(qi) +
		 (slot % (WCNIC_PUSH_RING_BYTES / esize)) * esize;
	memcpy(slot_p, entry, esize);  /* the bytes past the entry are don't-care */
}

static void op_doorbell(struct input *in)
{
	uint32_t sel = (uint32_t)take(in, 1);
	unsigned int qi = sel % WCNIC_MAX_QUEUES, dir = sel >> 7;
	struct drv_queue *q = &r.q[qi];

	q->idx[dir] += (uint16_t)take(in, 2);
	q->seq[dir] += (uint16_t)take(in, 1);
	wr32(dir ? WCNIC_DB_RX_OFF(qi) : WCNIC_DB_TX_OFF(qi),
	     WCNIC_DB_VALUE(q->seq[dir], q->idx[dir]));
}

static void op_desc(struct input *in, bool tx)
{
	struct drv_queue *q = &r.q[take(in, 1) % WCNIC_MAX_QUEUES];
	uint32_t slot = (uint32_t)take(in, 2) % (q->ring_size != 0 ? q->ring_size : 64);
	uint64_t iova = take_addr(in);
	uint8_t *p;

	if (tx) {
		struct wcnic_tx_desc d = { .iova = iova, .len = (uint16_t)take(in, 2),
					   .flags = (uint16_t)take(in, 2),
					   .hdr_lens = (uint32_t)take(in, 4) };

		p = ram_at(q->tx_ring + slot * sizeof(d), sizeof(d));
		if (p != NULL)
			memcpy(p, &d, sizeof(d));
	} else {
		struct wcnic_rx_desc d = { .iova = iova, .rsvd = take(in, 8) };

		p = ram_at(q->rx_ring + slot * sizeof(d), sizeof(d));
		if (p != NULL)
			memcpy(p, &d, sizeof(d));
	}
}

static void run_op(struct input *in)
{
	uint8_t line[WCNIC_CACHE_LINE], bytes[255];
	uint64_t gpa, len;
	uint32_t off, n, i;
	uint8_t *p;

	switch (take(in, 1) % FZ_OP_COUNT) {
	case FZ_OP_WR32:
		off = (uint32_t)take(in, 2) % (WCNIC_CTRL_PAGE_SIZE + WCNIC_DOORBELL_PAGE_SIZE);
		wr32(off & ~3u, (uint32_t)take(in, 4));
		break;
	case FZ_OP_WR64:
		off = (uint32_t)take(in, 2) % (WCNIC_CTRL_PAGE_SIZE + WCNIC_DOORBELL_PAGE_SIZE);
		wr64(off & ~7u, take(in, 8));
		break;
	case FZ_OP_PUSH_LINE:
		off = WCNIC_PUSH_RING_OFF(take(in, 1) % WCNIC_MAX_QUEUES) +
		      ((uint32_t)take(in, 2) % (WCNIC_PUSH_RING_BYTES / WCNIC_CACHE_LINE)) *
		      WCNIC_CACHE_LINE;
		for (i = 0; i < sizeof(line); i++)
			line[i] = (uint8_t)take(in, 1);
		memcpy(bar_mem.base + off, line, sizeof(line));
		break;
	case FZ_OP_PUSH_ENTRY:
		op_push_entry(in);
		break;
	case FZ_OP_RAM:
		gpa = take_addr(in);
		n = (uint32_t)take(in, 1);
		for (i = 0; i < n; i++)
			bytes[i] = (uint8_t)take(in, 1);
		p = n != 0 ? ram_at(gpa, n) : NULL;
		if (p != NULL)
			memcpy(p, bytes, n);
		break;
	case FZ_OP_TX_DESC:
		op_desc(in, true);
		break;
	case FZ_OP_RX_DESC:
		op_desc(in, false);
		break;
	case FZ_OP_DOORBELL:
		op_doorbell(in);
		break;
	case FZ_OP_POLL:
		poll(1 + (unsigned int)take(in, 1) % 4);
		break;
	case FZ_OP_BRINGUP:
		op_bringup(in);
		break;
	case FZ_OP_TRANSLATE:
		gpa = take_addr(in);
		len = take(in, 4);
		ram_at(gpa, len);
		break;
	}
}

/* What every run must leave true, whatever the driver did. */
static void check_invariants(void)
{
	struct wcnic_model_stats s;
	unsigned int c, qi;

	wcnic_model_stats(r.m, &s);
	for (c = 0; c < WCNIC_CNT_NUM; c++) {
		uint64_t sum = 0;

		for (qi = 0; qi < WCNIC_MAX_QUEUES; qi++)
			sum += s.queue[qi][c];
		/* Only a device-wide error (BAD_CONFIG at enable) has no queue. */
		if (c == WCNIC_CNT_ERRORS ? sum > s.total[c] : sum != s.total[c])
			abort();
	}
	if (s.error_code > WCNIC_ERR_MAX ||
	    s.total[WCNIC_CNT_TX_CSUM] > s.total[WCNIC_CNT_TX_PACKETS] ||
	    s.total[WCNIC_CNT_TX_CSUM_BAD] > s.total[WCNIC_CNT_TX_CSUM] ||
	    s.total[WCNIC_CNT_RX_CSUM_BAD] > s.total[WCNIC_CNT_RX_PACKETS] ||
	    s.total[WCNIC_CNT_TX_BYTES] < 14 * s.total[WCNIC_CNT_TX_PACKETS] ||
	    s.total[WCNIC_CNT_TX_BYTES] > (uint64_t)WCNIC_MAX_FRAME_LEN * s.total[WCNIC_CNT_TX_PACKETS] ||
	    s.total[WCNIC_CNT_RX_BYTES] < 14 * s.total[WCNIC_CNT_RX_PACKETS] ||
	    s.total[WCNIC_CNT_RX_BYTES] > (uint64_t)WCNIC_MAX_FRAME_LEN * s.total[WCNIC_CNT_RX_PACKETS])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum wcnic_backend backends[4] = {
		WCNIC_BACKEND_SINK, WCNIC_BACKEND_LOOPBACK, WCNIC_BACKEND_GEN,
		WCNIC_BACKEND_EXTERNAL,
	};
	struct input in = { data, size };
	struct wcnic_model_params p;
	uint32_t hdr = (uint32_t)take(&in, 1);

	memset(&r, 0, sizeof(r));
	r.ram = (hdr & FZ_HDR_SPLIT_RAM) ? &ram_split : &ram_small;
	/* Fresh zero pages: no run sees what another left in the BAR or RAM. */
	madvise(bar_mem.base, bar_mem.len, MADV_DONTNEED);
	madvise(r.ram->base, r.ram->len, MADV_DONTNEED);

	wcnic_dma_map_init(&r.dma);
	if (guest_mem_grant(&r.dma, r.ram->base, r.ram->len, &r.layout) != 0)
		abort();
	wcnic_model_params_init(&p);
	p.backend = backends[FZ_HDR_BACKEND(hdr)];
	p.ext_ops = &echo_ops;
	if (hdr & FZ_HDR_SMALL_BURST)
		p.tx_burst_max = 4;
	r.m = wcnic_model_create(bar_mem.base, bar_mem.len, &r.dma, &p);
	if (r.m == NULL)
		abort();
	r.arena = FZ_ARENA_OFF;
	while (in.left > 0)
		run_op(&in);
	poll(2);
	check_invariants();
	wcnic_model_destroy(r.m);
	return 0;
}
