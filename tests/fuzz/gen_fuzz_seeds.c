/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gen-fuzz-seeds DIR: write the seed inputs of the wcnic-emu fuzz target
 * (fuzz_emu_input.h), one file per scenario a real driver goes through,
 * so the fuzzer starts from traffic that reaches the data paths and the
 * q35 boundaries rather than from noise.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz_emu_input.h"
#include "wcnic_hw.h"

static uint8_t buf[4096];
static size_t len;

static void put(uint64_t v, unsigned int n)
{
	while (n-- > 0 && len < sizeof(buf)) {
		buf[len++] = (uint8_t)v;
		v >>= 8;
	}
}

static void addr(enum fz_anchor at, int32_t off)
{
	put(at, 1);
	put((uint32_t)off, 4);
}

/* Buffer sizes of bringup(): 256 << n bytes. */
#define BUFS_256  0u
#define BUFS_2048 3u

/* nq queues with rings of 64, TX modes (2 bits per queue), RX buffers of
 * 256 << bufs bytes, FZ_BRING_* flags. */
static void bringup(unsigned int nq, unsigned int modes, unsigned int bufs, unsigned int flags)
{
	put(FZ_OP_BRINGUP, 1);
	put(nq - 1, 1);
	put(modes, 1);
	put(0, 1);  /* rings of 64 */
	put(bufs, 1);
	put(flags, 1);
}

/* FZ_OP_RAM: a 64-byte frame in the arena, where the DMA seeds point their
 * descriptors: an Ethernet header for IPv4 and the IPv4 version byte; the
 * caller puts the other 49 bytes. */
static void ram_ipv4_frame_head(void)
{
	put(FZ_OP_RAM, 1);
	addr(FZ_AT_ARENA, FZ_QUEUE_SPAN + 0x10000);
	put(64, 1);
	put(0, 12);
	put(0x0008, 2);
	put(0x45, 1);
}

static void wr32(uint32_t off, uint32_t v)
{
	put(FZ_OP_WR32, 1);
	put(off, 2);
	put(v, 4);
}

/* A push entry carrying the whole frame inline, headers of template
 * tmpl, with a checksum request (flags, hdr_lens; 0 for none). */
static void push_csum(unsigned int q, unsigned int slot, unsigned int inline_len,
		      unsigned int flags, unsigned int hdr_lens, unsigned int tmpl)
{
	put(FZ_OP_PUSH_ENTRY, 1);
	put(q, 1);
	put(slot, 2);
	put(1, 1);  /* 256-byte entry */
	put(0, 1);  /* no DMA segment */
	put(inline_len, 2);
	put(0, 1);  /* pkt_len = inline_len */
	put(flags, 1);
	put(hdr_lens, 2);
	put(tmpl, 1);
}

static void push_inline(unsigned int q, unsigned int slot, unsigned int inline_len)
{
	push_csum(q, slot, inline_len, 0, 0, FZ_TMPL_PATTERN);
}

static void doorbell(unsigned int q, int rx, unsigned int step)
{
	put(FZ_OP_DOORBELL, 1);
	put(q | (rx ? 0x80u : 0u), 1);
	put(step, 2);
	put(1, 1);
}

static void rx_post(unsigned int q, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		put(FZ_OP_RX_DESC, 1);
		put(q, 1);
		put(i, 2);
		addr(FZ_AT_ARENA, (int32_t)(q * FZ_QUEUE_SPAN + 0x100000 + i * 2048));
		put(0, 8);
	}
	doorbell(q, 1, n);
}

static void tx_desc_csum(unsigned int q, unsigned int slot, enum fz_anchor at, int32_t off,
			 unsigned int dlen, unsigned int flags, uint32_t hdr_lens)
{
	put(FZ_OP_TX_DESC, 1);
	put(q, 1);
	put(slot, 2);
	addr(at, off);
	put(dlen, 2);
	put(WCNIC_TXD_EOP | flags, 2);
	put(hdr_lens, 4);
}

static void tx_desc(unsigned int q, unsigned int slot, enum fz_anchor at, int32_t off,
		    unsigned int dlen)
{
	tx_desc_csum(q, slot, at, off, dlen, 0, 0);
}

static void poll(void)
{
	put(FZ_OP_POLL, 1);
	put(3, 1);
}

static void translate(enum fz_anchor at, int32_t off, uint32_t n)
{
	put(FZ_OP_TRANSLATE, 1);
	addr(at, off);
	put(n, 4);
}

static int emit(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "gen-fuzz-seeds: %s: %s\n", path, strerror(errno));
		return 1;
	}
	len = 0;
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir;
	int bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: gen-fuzz-seeds DIR\n");
		return 2;
	}
	dir = argv[1];

	/* Sink: push entries on queue 0, a DMA frame on queue 1. */
	put(0, 1);
	bringup(2, WCNIC_TXM_PUSH_128, BUFS_2048, 0);
	push_inline(0, 0, 60);
	push_inline(0, 1, 100);
	doorbell(0, 0, 2);
	ram_ipv4_frame_head();
	put(0, 49);
	tx_desc(1, 0, FZ_AT_ARENA, FZ_QUEUE_SPAN + 0x10000, 64);
	doorbell(1, 0, 1);
	poll();
	bad |= emit(dir, "sink-push-dma");

	/* Loopback with the rings above 4 GiB of a split RAM. */
	put(FZ_HDR_SPLIT_RAM | 1u << 1, 1);
	bringup(1, WCNIC_TXM_PUSH_256, BUFS_2048, FZ_BRING_HIGH);
	rx_post(0, 4);
	push_inline(0, 0, 100);
	push_inline(0, 1, 200);
	doorbell(0, 0, 2);
	poll();
	bad |= emit(dir, "loopback-high");

	/* The generator fills posted buffers. */
	put(2u << 1, 1);
	bringup(1, WCNIC_TXM_DMA, BUFS_2048, 0);
	rx_post(0, 8);
	poll();
	bad |= emit(dir, "gen");

	/* The external back end echoes a frame back. */
	put(3u << 1, 1);
	bringup(1, WCNIC_TXM_PUSH_128, BUFS_2048, 0);
	rx_post(0, 2);
	push_inline(0, 0, 80);
	doorbell(0, 0, 1);
	poll();
	poll();
	bad |= emit(dir, "external-echo");

	/* Loopback with RSS on (interface 1.1), buffers of 256 bytes: frames
	 * hashed and steered by the table, a 700-byte DMA frame scattered. */
	put(1u << 1, 1);
	bringup(2, WCNIC_TXM_PUSH_256 | WCNIC_TXM_DMA << 2, BUFS_256, 0);
	wr32(WCNIC_REG_RSS_KEY, 0xda565a6d);
	wr32(WCNIC_REG_RSS_RETA, 0x01000100);
	wr32(WCNIC_REG_RSS_TYPES, WCNIC_RSS_IPV4 | WCNIC_RSS_IPV4_UDP);
	wr32(WCNIC_REG_RSS_GEN, 1);
	rx_post(0, 8);
	rx_post(1, 8);
	push_inline(0, 0, 200);
	doorbell(0, 0, 1);
	tx_desc(1, 0, FZ_AT_ARENA, FZ_QUEUE_SPAN + 0x10000, 700);
	doorbell(1, 0, 1);
	poll();
	bad |= emit(dir, "loopback-rss-scatter");

	/* Addresses around the q35 boundaries. */
	put(FZ_HDR_SPLIT_RAM, 1);
	translate(FZ_AT_LOW_END, -64, 64);
	translate(FZ_AT_LOW_END, -64, 65);
	translate(FZ_AT_4G, 0, 64);
	translate(FZ_AT_4G, -1, 2);
	translate(FZ_AT_RAM_END, -8, 8);
	translate(FZ_AT_RAM_END, -8, 9);
	translate(FZ_AT_2G, 0x1000, 64);
	translate(FZ_AT_TOP, 0, 1);
	translate(FZ_AT_ZERO, -1, 2);
	bad |= emit(dir, "q35-boundaries");

	/* Errors: a descriptor into the PCI hole, a burst over the budget. */
	put(FZ_HDR_SPLIT_RAM | FZ_HDR_SMALL_BURST, 1);
	bringup(2, WCNIC_TXM_DMA, BUFS_2048, FZ_BRING_HIGH);
	tx_desc(0, 0, FZ_AT_2G, 0x10000000, 64);
	doorbell(0, 0, 1);
	doorbell(1, 0, 40);
	poll();
	bad |= emit(dir, "errors");

	/* Checksum offloads on loopback: requests for IPv4/UDP, tagged
	 * IPv4/TCP and IPv6/TCP push entries and a DMA frame, received with
	 * their packet type and checksum status; then a request with header
	 * lengths the device refuses. */
	put(1u << 1, 1);
	bringup(2, WCNIC_TXM_PUSH_256 | WCNIC_TXM_DMA << 2, BUFS_2048, 0);
	rx_post(0, 4);
	rx_post(1, 2);
	push_csum(0, 0, 100, WCNIC_TXF_IP_CSUM | WCNIC_TXF_L4_UDP, WCNIC_TX_HDR_LENS(14, 20),
		  FZ_TMPL_IPV4);
	push_csum(0, 1, 120, WCNIC_TXF_IP_CSUM | WCNIC_TXF_L4_TCP, WCNIC_TX_HDR_LENS(18, 20),
		  FZ_TMPL_VLAN_IPV4 | FZ_TMPL_TCP);
	push_csum(0, 2, 140, WCNIC_TXF_IPV6 | WCNIC_TXF_L4_TCP, WCNIC_TX_HDR_LENS(14, 40),
		  FZ_TMPL_IPV6 | FZ_TMPL_TCP);
	doorbell(0, 0, 3);
	ram_ipv4_frame_head();
	put(0, 1);
	put(0x3200, 2);  /* total length 50 */
	put(0, 5);
	put(17, 1);
	put(0, 10);
	put(0, 4);
	put(0x1e00, 2);  /* UDP length 30 */
	put(0, 24);
	tx_desc_csum(1, 0, FZ_AT_ARENA, FZ_QUEUE_SPAN + 0x10000, 64,
		     WCNIC_TXF_IP_CSUM | WCNIC_TXF_L4_UDP, WCNIC_TX_HDR_LENS(14, 20));
	doorbell(1, 0, 1);
	poll();
	push_csum(0, 3, 60, WCNIC_TXF_IP_CSUM, WCNIC_TX_HDR_LENS(14, 22), FZ_TMPL_IPV4);
	doorbell(0, 0, 1);
	poll();
	bad |= emit(dir, "checksums");
	return bad;
}
