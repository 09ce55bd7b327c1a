/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The input language of the wcnic-emu fuzz target (fuzz_emu.c), shared
 * with the seed generator (gen_fuzz_seeds.c). An input is a header byte
 * and a list of operations a guest driver could perform on the BAR and its
 * RAM; each operation is an opcode byte and its arguments, little-endian.
 * Input that runs out ends the list; every value is taken modulo its
 * range, so any byte string is a valid input.
 */
#ifndef FUZZ_EMU_INPUT_H
#define FUZZ_EMU_INPUT_H

#include <stdint.h>

/* Header byte. */
#define FZ_HDR_SPLIT_RAM    0x01u  /* 2.75 GiB of RAM: q35 puts 2 GiB low, the rest at 4 GiB */
#define FZ_HDR_BACKEND(h)   (((h) >> 1) & 3u)  /* 0 sink, 1 loopback, 2 gen, 3 external echo */
#define FZ_HDR_SMALL_BURST  0x08u  /* TX_BURST_MAX 4 instead of 64 */

/* RAM sizes: all low, or the smallest that q35 splits. */
#define FZ_RAM_SMALL        (32u << 20)
#define FZ_RAM_SPLIT        UINT64_C(0xB0000000)
/* Where bring-up puts the driver's rings and buffers: 2 MiB per queue
 * from 1 MiB into low RAM, or from 4 GiB + 1 MiB with FZ_BRING_HIGH. */
#define FZ_ARENA_OFF        (1u << 20)
#define FZ_QUEUE_SPAN       (2u << 20)

/*
 * An address argument (ADDR): a selector byte, then a signed 32-bit offset
 * from the selected anchor, or for FZ_AT_RAW a whole 64-bit address.
 */
enum fz_anchor {
	FZ_AT_ZERO,       /* guest-physical 0 */
	FZ_AT_LOW_END,    /* end of RAM below 4 GiB */
	FZ_AT_4G,         /* where RAM above 4 GiB starts */
	FZ_AT_RAM_END,    /* end of the last RAM piece */
	FZ_AT_ARENA,      /* the driver's data area of the last bring-up */
	FZ_AT_RAW,        /* u64 follows instead of the offset */
	FZ_AT_TOP,        /* 2^64 - 1 */
	FZ_AT_2G,         /* 2 GiB: the split point */
	FZ_AT_COUNT
};

enum fz_op {
	FZ_OP_WR32,       /* u16 offset, u32 value: control or doorbell page */
	FZ_OP_WR64,       /* u16 offset, u64 value */
	FZ_OP_PUSH_LINE,  /* u8 queue, u16 line, 64 bytes: raw push-ring line */
	FZ_OP_PUSH_ENTRY, /* u8 queue, u16 slot, u8 size (bit 0: 256), u8 nb_sg,
			   * u16 inline_len, s8 pkt_len delta, u8 flags, u16 hdr_lens,
			   * u8 inline template (FZ_TMPL_*), nb_sg x (ADDR, u16 len) */
	FZ_OP_RAM,        /* ADDR, u8 len, len bytes written to RAM */
	FZ_OP_TX_DESC,    /* u8 queue, u16 slot, ADDR, u16 len, u16 flags, u32 hdr_lens */
	FZ_OP_RX_DESC,    /* u8 queue, u16 slot, ADDR, u64 rsvd */
	FZ_OP_DOORBELL,   /* u8 queue (bit 7: RX), u16 index step, u8 sequence step */
	FZ_OP_POLL,       /* u8 n: 1 + n % 4 passes */
	FZ_OP_BRINGUP,    /* u8 queues, u8 modes (2 bits per queue 0..3), u8 ring
			   * size (64 << n % 4), u8 buffer size (256 << n % 4), u8 flags */
	FZ_OP_TRANSLATE,  /* ADDR, u32 len: the translator against the q35 rule */
	FZ_OP_COUNT
};

/* FZ_OP_BRINGUP flags. */
#define FZ_BRING_HIGH       0x01u  /* rings above 4 GiB (split RAM only) */
#define FZ_BRING_FEATURES   0x02u  /* accept only the features of the next u16 */

/*
 * What a push entry's inline bytes hold (the template byte): bits 1:0 the
 * kind, bit 2 TCP instead of UDP. The headers' length fields follow
 * pkt_len; checksum fields and the rest are a pattern, so checksum requests
 * (flags, hdr_lens) and the RX classification have something to work on.
 */
enum fz_template {
	FZ_TMPL_PATTERN,  /* EtherType 0x089E and a counting pattern */
	FZ_TMPL_IPV4,     /* Ethernet, IPv4 (IHL 5), UDP or TCP */
	FZ_TMPL_IPV6,     /* Ethernet, IPv6, UDP or TCP */
	FZ_TMPL_VLAN_IPV4 /* the same as FZ_TMPL_IPV4 behind an 802.1Q tag */
};
#define FZ_TMPL_TCP         0x04u

#endif /* FUZZ_EMU_INPUT_H */
