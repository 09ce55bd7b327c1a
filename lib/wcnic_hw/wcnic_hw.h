/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wcnic device interface, version 1.1.
 *
 * This header is the single source of truth for the register map, the
 * bit fields and the in-memory formats shared by every wcnic driver and
 * every wcnic device (hardware or the device model). doc/device-spec.md
 * describes the same interface in prose; tests/spec checks that the tables
 * in that document and the definitions here agree.
 *
 * Conventions:
 *  - every multi-byte field is little-endian;
 *  - "BAR" is the one prefetchable memory BAR the device exposes
 *    (BAR2 when carried by a QEMU ivshmem-plain function, 1af4:1110);
 *  - register offsets are byte offsets from the start of the BAR;
 *  - "IOVA" is an address in the device's DMA address space;
 *  - ring indices are free-running counters; a ring position is the
 *    counter modulo the ring size, which is always a power of two.
 */
#ifndef WCNIC_HW_H
#define WCNIC_HW_H

#include <stdint.h>

/* ---------------------------------------------------------------------
 * Identification
 * ------------------------------------------------------------------ */

/* "WCNICDEV" as stored in memory (little-endian u64 at offset 0). */
#define WCNIC_SIGNATURE            UINT64_C(0x56454443494E4357)
#define WCNIC_VERSION_MAJOR        1
#define WCNIC_VERSION_MINOR        1
#define WCNIC_VERSION(maj, min)    (((uint32_t)(maj) << 16) | (uint32_t)(min))

/* PCI identity of the generic shared-memory carrier (QEMU ivshmem-plain). */
#define WCNIC_IVSHMEM_VENDOR_ID    0x1af4
#define WCNIC_IVSHMEM_DEVICE_ID    0x1110
#define WCNIC_IVSHMEM_BAR          2

/* ---------------------------------------------------------------------
 * BAR layout
 * ------------------------------------------------------------------ */

#define WCNIC_CTRL_PAGE_OFF        0x00000u  /* control page, 4 KiB */
#define WCNIC_CTRL_PAGE_SIZE       0x01000u
#define WCNIC_DOORBELL_PAGE_OFF    0x01000u  /* doorbell page, 4 KiB */
#define WCNIC_DOORBELL_PAGE_SIZE   0x01000u
#define WCNIC_PUSH_AREA_OFF        0x10000u  /* TX push rings */
#define WCNIC_PUSH_RING_BYTES      0x10000u  /* 64 KiB per queue */
#define WCNIC_MAX_QUEUES           8u
/* Smallest BAR that holds the whole version-1 layout (576 KiB). */
#define WCNIC_BAR_MIN_SIZE \
	(WCNIC_PUSH_AREA_OFF + WCNIC_MAX_QUEUES * WCNIC_PUSH_RING_BYTES)

/* ---------------------------------------------------------------------
 * Control page: global registers
 *
 * RO = written by the device only; RW = written by the driver, read by
 * the device; W1 = the driver writes 1, the device clears it when done.
 * ------------------------------------------------------------------ */

#define WCNIC_REG_SIGNATURE        0x000u  /* u64 RO */
#define WCNIC_REG_VERSION          0x008u  /* u32 RO: major << 16 | minor */
#define WCNIC_REG_BAR_SIZE         0x00Cu  /* u32 RO: bytes of BAR in use */
#define WCNIC_REG_DEV_FEATURES     0x010u  /* u64 RO: WCNIC_F_* offered */
#define WCNIC_REG_DRV_FEATURES     0x018u  /* u64 RW: WCNIC_F_* accepted */
#define WCNIC_REG_MAX_QUEUES       0x020u  /* u32 RO: queue pairs offered */
#define WCNIC_REG_NUM_QUEUES       0x024u  /* u32 RW: queue pairs in use */
#define WCNIC_REG_MAX_RING_SIZE    0x028u  /* u32 RO: largest host ring */
#define WCNIC_REG_TX_BURST_MAX     0x02Cu  /* u32 RO: entries per doorbell */
#define WCNIC_REG_MTU              0x030u  /* u32 RW: L3 MTU in bytes */
#define WCNIC_REG_MAX_MTU          0x034u  /* u32 RO */
#define WCNIC_REG_MAC_LO           0x038u  /* u32 RW: MAC bytes 0..3 */
#define WCNIC_REG_MAC_HI           0x03Cu  /* u32 RW: MAC bytes 4..5 (bits 15:0) */
#define WCNIC_REG_LINK_STATUS      0x040u  /* u32 RO: WCNIC_LINK_* */
#define WCNIC_REG_LINK_SPEED       0x044u  /* u32 RO: Mbit/s */
#define WCNIC_REG_CONTROL          0x048u  /* u32 RW/W1: WCNIC_CTRL_* */
#define WCNIC_REG_STATUS           0x04Cu  /* u32 RO: WCNIC_STS_* */
#define WCNIC_REG_ERROR_CODE       0x050u  /* u32 RO: first WCNIC_ERR_* seen */
#define WCNIC_REG_ERROR_QUEUE      0x054u  /* u32 RO: queue of that error */
#define WCNIC_REG_ERROR_INFO       0x058u  /* u64 RO: offending value */
#define WCNIC_REG_HEARTBEAT        0x060u  /* u64 RO: advances while alive */
#define WCNIC_REG_FW_VERSION       0x068u  /* u32 RO, 1.1: WCNIC_FW_VERSION() */

/* Encoding of FW_VERSION; a version 1.0 device reads 0 (reserved). */
#define WCNIC_FW_VERSION(maj, min, patch) \
	(((uint32_t)(maj) << 24) | ((uint32_t)(min) << 16) | (uint32_t)(patch))

/* Receive-side scaling (1.1, WCNIC_F_RSS). The device takes a copy of the
 * three tables at enable and whenever RSS_GEN changes while enabled. */
#define WCNIC_REG_RSS_TYPES        0x100u  /* u32 RW: WCNIC_RSS_* hashed; 0 = RSS off */
#define WCNIC_REG_RSS_GEN          0x104u  /* u32 RW: changed after the tables, to apply them */
#define WCNIC_REG_RSS_KEY          0x140u  /* WCNIC_RSS_KEY_SIZE bytes RW: Toeplitz key */
#define WCNIC_REG_RSS_RETA         0x180u  /* WCNIC_RSS_RETA_SIZE bytes RW: RX queue per entry */
#define WCNIC_RSS_KEY_SIZE         40u
#define WCNIC_RSS_RETA_SIZE        128u
/* The RETA entry of a frame: its hash modulo the table size. */
#define WCNIC_RSS_RETA_INDEX(hash) ((hash) & (WCNIC_RSS_RETA_SIZE - 1u))

/* RSS_TYPES bits: which frames are hashed, over which fields. */
#define WCNIC_RSS_IPV4             (1u << 0)  /* IPv4: source and destination address */
#define WCNIC_RSS_IPV4_TCP         (1u << 1)  /* IPv4 TCP: addresses and ports */
#define WCNIC_RSS_IPV4_UDP         (1u << 2)  /* IPv4 UDP: addresses and ports */
#define WCNIC_RSS_IPV6             (1u << 3)
#define WCNIC_RSS_IPV6_TCP         (1u << 4)
#define WCNIC_RSS_IPV6_UDP         (1u << 5)

/* Device counters: u64, RO, cleared by reset only. */
#define WCNIC_REG_CNT_TX_PACKETS   0x080u
#define WCNIC_REG_CNT_TX_BYTES     0x088u
#define WCNIC_REG_CNT_RX_PACKETS   0x090u
#define WCNIC_REG_CNT_RX_BYTES     0x098u
#define WCNIC_REG_CNT_RX_NO_BUF    0x0A0u  /* dropped: no buffer, or RX ring not running */
#define WCNIC_REG_CNT_RX_OVERSIZE  0x0A8u  /* dropped: larger than buffer */
#define WCNIC_REG_CNT_TX_HDR_BAD   0x0B0u  /* sink: IPv4/UDP check failed */
#define WCNIC_REG_CNT_ERRORS       0x0B8u  /* protocol errors (queue stops) */
#define WCNIC_REG_CNT_DOORBELLS    0x0C0u  /* doorbell changes observed */
#define WCNIC_REG_CNT_TX_CSUM      0x0C8u  /* 1.1: TX frames whose checksums the device inserted */
#define WCNIC_REG_CNT_TX_CSUM_BAD  0x0D0u  /* 1.1, sink: inserted checksums found wrong */
#define WCNIC_REG_CNT_RX_CSUM_BAD  0x0D8u  /* 1.1: RX frames given a bad checksum status */

/* Feature bits (DEV_FEATURES / DRV_FEATURES). */
#define WCNIC_F_TX_PUSH            (UINT64_C(1) << 0)  /* TX push rings in BAR */
#define WCNIC_F_TX_DMA             (UINT64_C(1) << 1)  /* TX host-memory rings */
#define WCNIC_F_PUSH_ENTRY_128     (UINT64_C(1) << 2)
#define WCNIC_F_PUSH_ENTRY_256     (UINT64_C(1) << 3)
#define WCNIC_F_MULTI_SEG          (UINT64_C(1) << 4)  /* >1 DMA segment/packet */
#define WCNIC_F_PROMISC            (UINT64_C(1) << 5)
#define WCNIC_F_RX_SCATTER         (UINT64_C(1) << 6)  /* 1.1: a frame over several RX buffers */
#define WCNIC_F_RSS                (UINT64_C(1) << 7)  /* 1.1: receive-side scaling */
#define WCNIC_F_TX_CSUM            (UINT64_C(1) << 8)  /* 1.1: TX checksum insertion */
#define WCNIC_F_RX_CSUM            (UINT64_C(1) << 9)  /* 1.1: RX packet type and checksum status */

/* LINK_STATUS bits. */
#define WCNIC_LINK_UP              (1u << 0)
#define WCNIC_LINK_FULL_DUPLEX     (1u << 1)

/* CONTROL bits. */
#define WCNIC_CTRL_ENABLE          (1u << 0)  /* RW: run the enabled queues */
#define WCNIC_CTRL_RESET           (1u << 1)  /* W1: full reset, self-clears */
#define WCNIC_CTRL_PROMISC         (1u << 2)  /* RW */
#define WCNIC_CTRL_ALLMULTI        (1u << 3)  /* RW */

/* STATUS bits. */
#define WCNIC_STS_READY            (1u << 0)  /* reset done, accepts config */
#define WCNIC_STS_ENABLED          (1u << 1)  /* CONTROL.ENABLE accepted */
#define WCNIC_STS_ERROR            (1u << 2)  /* ERROR_* registers are valid */

/* Error reason codes (ERROR_CODE and Q_ERROR). */
enum wcnic_error {
	WCNIC_ERR_NONE            = 0,
	WCNIC_ERR_BAD_IOVA        = 1, /* DMA address outside granted memory */
	WCNIC_ERR_BAD_LENGTH      = 2, /* length beyond buffer or inconsistent */
	WCNIC_ERR_DOORBELL_RANGE  = 3, /* doorbell past the ring, or moving back */
	WCNIC_ERR_BAD_DESCRIPTOR  = 4, /* reserved bits, bad counts, bad flags */
	WCNIC_ERR_TX_BURST        = 5, /* more entries than TX_BURST_MAX per doorbell */
	WCNIC_ERR_BAD_CONFIG      = 6, /* global or ring configuration rejected at start */
	WCNIC_ERR_QUEUE_DISABLED  = 7, /* doorbell changed on a ring that is not running */
};
#define WCNIC_ERR_MAX              WCNIC_ERR_QUEUE_DISABLED
#define WCNIC_ERROR_QUEUE_NONE     0xFFFFFFFFu  /* error not tied to a queue */

/* The name of an error code in logs, counters and reports ("unknown" for a
 * code this interface does not define: never NULL, so it prints). */
static inline const char *wcnic_error_name(uint32_t code)
{
	switch (code) {
	case WCNIC_ERR_NONE:           return "none";
	case WCNIC_ERR_BAD_IOVA:       return "bad_iova";
	case WCNIC_ERR_BAD_LENGTH:     return "bad_length";
	case WCNIC_ERR_DOORBELL_RANGE: return "doorbell_range";
	case WCNIC_ERR_BAD_DESCRIPTOR: return "bad_descriptor";
	case WCNIC_ERR_TX_BURST:       return "tx_burst";
	case WCNIC_ERR_BAD_CONFIG:     return "bad_config";
	case WCNIC_ERR_QUEUE_DISABLED: return "queue_disabled";
	}
	return "unknown";
}

/* What an error code means, for a reader of a log line; never NULL. */
static inline const char *wcnic_error_meaning(uint32_t code)
{
	switch (code) {
	case WCNIC_ERR_NONE:           return "no error";
	case WCNIC_ERR_BAD_IOVA:       return "DMA address outside granted memory";
	case WCNIC_ERR_BAD_LENGTH:     return "length beyond the buffer or inconsistent";
	case WCNIC_ERR_DOORBELL_RANGE: return "doorbell past the ring or moving back";
	case WCNIC_ERR_BAD_DESCRIPTOR: return "malformed descriptor";
	case WCNIC_ERR_TX_BURST:       return "more entries than the per-doorbell budget";
	case WCNIC_ERR_BAD_CONFIG:     return "configuration rejected";
	case WCNIC_ERR_QUEUE_DISABLED: return "doorbell changed on a stopped ring";
	}
	return "not an error code of this interface";
}

/* ---------------------------------------------------------------------
 * Control page: per-queue configuration blocks
 *
 * Queue q's block starts at WCNIC_QUEUE_CFG_OFF(q). Fields are RW unless
 * marked RO, and are read by the device when the queue is enabled.
 * ------------------------------------------------------------------ */

#define WCNIC_QUEUE_CFG_BASE       0x400u
#define WCNIC_QUEUE_CFG_STRIDE     0x80u
#define WCNIC_QUEUE_CFG_OFF(q)     (WCNIC_QUEUE_CFG_BASE + (q) * WCNIC_QUEUE_CFG_STRIDE)

#define WCNIC_QREG_TX_RING_IOVA    0x00u  /* u64: DMA mode descriptor ring */
#define WCNIC_QREG_TX_CMPL_IOVA    0x08u  /* u64: TX head write-back (u32) */
#define WCNIC_QREG_TX_RING_SIZE    0x10u  /* u32: entries, power of two */
#define WCNIC_QREG_TX_MODE         0x14u  /* u32: WCNIC_TXM_* */
#define WCNIC_QREG_RX_RING_IOVA    0x18u  /* u64: RX buffer descriptor ring */
#define WCNIC_QREG_RX_CMPL_IOVA    0x20u  /* u64: RX completion ring */
#define WCNIC_QREG_RX_RING_SIZE    0x28u  /* u32: entries, power of two */
#define WCNIC_QREG_RX_BUF_SIZE     0x2Cu  /* u32: bytes per RX buffer */
#define WCNIC_QREG_CONTROL         0x30u  /* u32: WCNIC_QCTRL_* */
#define WCNIC_QREG_STATUS          0x34u  /* u32 RO: WCNIC_QSTS_* */
#define WCNIC_QREG_ERROR           0x38u  /* u32 RO: WCNIC_ERR_* that stopped it */
#define WCNIC_QREG_PUSH_ENTRIES    0x3Cu  /* u32 RO: push ring entries in use */

/* TX_MODE values. The push ring entry size is part of the mode. */
#define WCNIC_TXM_DMA              0u   /* descriptors in host memory */
#define WCNIC_TXM_PUSH_128         1u   /* 128-byte entries in the BAR */
#define WCNIC_TXM_PUSH_256         2u   /* 256-byte entries in the BAR */

/* Queue CONTROL / STATUS bits. */
#define WCNIC_QCTRL_TX_ENABLE      (1u << 0)
#define WCNIC_QCTRL_RX_ENABLE      (1u << 1)
#define WCNIC_QSTS_TX_RUNNING      (1u << 0)
#define WCNIC_QSTS_RX_RUNNING      (1u << 1)
#define WCNIC_QSTS_TX_STOPPED_ERR  (1u << 2)
#define WCNIC_QSTS_RX_STOPPED_ERR  (1u << 3)

#define WCNIC_MIN_RING_SIZE        64u
#define WCNIC_MAX_RING_SIZE        32768u  /* indices fit 16-bit doorbells */
#define WCNIC_MIN_RX_BUF_SIZE      256u
#define WCNIC_MAX_FRAME_LEN        9216u   /* largest frame, any mode */
#define WCNIC_MIN_FRAME_LEN        14u     /* an Ethernet header */
#define WCNIC_MIN_MTU              68u     /* smallest MTU and MAX_MTU */
#define WCNIC_L2_OVERHEAD          18u     /* frame bytes above the MTU: Ethernet + 802.1Q */
/* Largest frame the device accepts for transmission under MTU mtu. */
#define WCNIC_MAX_FRAME_FOR_MTU(mtu) \
	((uint32_t)(mtu) + WCNIC_L2_OVERHEAD < WCNIC_MAX_FRAME_LEN ? \
	 (uint32_t)(mtu) + WCNIC_L2_OVERHEAD : WCNIC_MAX_FRAME_LEN)

/* ---------------------------------------------------------------------
 * Doorbell page
 *
 * Each queue owns one 64-byte line so that doorbells of different queues
 * never share a write-combining buffer. Every doorbell is a u32:
 *   bits 15:0  producer index (free-running, modulo 65536)
 *   bits 31:16 doorbell sequence (free-running, +1 for every doorbell write)
 * The sequence lets a device that samples the register (rather than seeing
 * every write) still tell how many doorbells a tail advance spans.
 * ------------------------------------------------------------------ */

#define WCNIC_DB_STRIDE            64u
#define WCNIC_DB_TX_OFF(q)         (WCNIC_DOORBELL_PAGE_OFF + (q) * WCNIC_DB_STRIDE)
#define WCNIC_DB_RX_OFF(q)         (WCNIC_DB_TX_OFF(q) + 8u)
#define WCNIC_DB_VALUE(seq, idx)   (((uint32_t)(uint16_t)(seq) << 16) | (uint16_t)(idx))
#define WCNIC_DB_SEQ(v)            ((uint16_t)((v) >> 16))
#define WCNIC_DB_INDEX(v)          ((uint16_t)(v))

/* ---------------------------------------------------------------------
 * TX push mode: entries in the BAR
 *
 * Queue q's push ring occupies WCNIC_PUSH_RING_BYTES at
 * WCNIC_PUSH_RING_OFF(q); it holds WCNIC_PUSH_RING_BYTES / entry size
 * entries. An entry is laid out as
 *   struct wcnic_push_hdr                  16 bytes
 *   struct wcnic_sg      sg[nb_sg]         16 bytes each
 *   inline packet bytes  [inline_len]
 * and the packet is the inline bytes followed by the sg buffers in order.
 * The driver writes whole 64-byte lines; bytes past the used part of the
 * last line are don't-care.
 * ------------------------------------------------------------------ */

#define WCNIC_PUSH_RING_OFF(q)     (WCNIC_PUSH_AREA_OFF + (q) * WCNIC_PUSH_RING_BYTES)
#define WCNIC_PUSH_ENTRY_128       128u
#define WCNIC_PUSH_ENTRY_256       256u
#define WCNIC_CACHE_LINE           64u

struct wcnic_push_hdr {
	uint16_t pkt_len;     /* whole frame length, bytes */
	uint16_t inline_len;  /* frame bytes carried in this entry */
	uint8_t  nb_sg;       /* DMA segments following the header */
	uint8_t  flags;       /* WCNIC_TXF_*; 0 unless WCNIC_F_TX_CSUM was accepted */
	uint16_t hdr_lens;    /* WCNIC_TX_HDR_LENS(); 0 unless flags ask a checksum */
	uint32_t cookie;      /* opaque to the device */
	uint32_t rsvd1;       /* must be 0 */
};

struct wcnic_sg {
	uint64_t iova;
	uint32_t len;         /* > 0 */
	uint32_t rsvd;        /* must be 0 */
};

#define WCNIC_PUSH_HDR_SIZE        16u
#define WCNIC_SG_SIZE              16u
/* Largest nb_sg an entry of size e can hold (no inline bytes). */
#define WCNIC_PUSH_MAX_SG(e)       (((e) - WCNIC_PUSH_HDR_SIZE) / WCNIC_SG_SIZE)
/* Inline room of an entry of size e that carries nb_sg segments. */
#define WCNIC_PUSH_INLINE_ROOM(e, nb_sg) \
	((e) - WCNIC_PUSH_HDR_SIZE - (nb_sg) * WCNIC_SG_SIZE)

/* ---------------------------------------------------------------------
 * TX DMA mode: descriptors in host memory
 *
 * A packet is one or more consecutive descriptors; the last has EOP.
 * ------------------------------------------------------------------ */

struct wcnic_tx_desc {
	uint64_t iova;
	uint16_t len;         /* > 0 */
	uint16_t flags;       /* WCNIC_TXD_EOP, first descriptor: WCNIC_TXF_*; others 0 */
	uint32_t hdr_lens;    /* first descriptor: WCNIC_TX_HDR_LENS(); others 0 */
};
#define WCNIC_TXD_EOP              (1u << 0)
#define WCNIC_TX_MAX_SEGS          16u     /* descriptors per packet */

/* ---------------------------------------------------------------------
 * TX checksum insertion (1.1, WCNIC_F_TX_CSUM)
 *
 * The flags of a push entry, or of a DMA packet's first descriptor, ask
 * the device to compute checksums and insert them into the frame it
 * transmits; hdr_lens gives where the headers start. Unless the driver
 * accepted WCNIC_F_TX_CSUM, these bits and hdr_lens are reserved (0).
 * ------------------------------------------------------------------ */

#define WCNIC_TXF_IP_CSUM          (1u << 1)  /* insert the IPv4 header checksum */
#define WCNIC_TXF_IPV6             (1u << 2)  /* the L3 header is IPv6 (else IPv4) */
#define WCNIC_TXF_L4_TCP           (1u << 3)  /* insert the TCP checksum */
#define WCNIC_TXF_L4_UDP           (2u << 3)  /* insert the UDP checksum */
#define WCNIC_TXF_L4_MASK          (3u << 3)  /* L4 field; 3 << 3 is reserved */
#define WCNIC_TXF_MASK             (WCNIC_TXF_IP_CSUM | WCNIC_TXF_IPV6 | WCNIC_TXF_L4_MASK)

/* hdr_lens: L2 header bytes in bits 6:0, L3 header bytes in bits 15:7. */
#define WCNIC_TX_HDR_LENS(l2, l3)  (((uint32_t)(l2) & 0x7Fu) | (((uint32_t)(l3) & 0x1FFu) << 7))
#define WCNIC_TX_HDR_L2(v)         ((uint32_t)(v) & 0x7Fu)
#define WCNIC_TX_HDR_L3(v)         (((uint32_t)(v) >> 7) & 0x1FFu)

/* What the device accepts in a checksum request. */
#define WCNIC_TX_L2_LEN_MIN        14u     /* an Ethernet header */
#define WCNIC_TX_L2_LEN_MAX        127u
#define WCNIC_TX_IPV4_LEN_MIN      20u     /* IPv4: a multiple of 4 */
#define WCNIC_TX_IPV4_LEN_MAX      60u
#define WCNIC_TX_IPV6_LEN_MIN      40u     /* IPv6 with extension headers: a multiple of 8 */
#define WCNIC_TX_IPV6_LEN_MAX      504u
#define WCNIC_TX_TCP_HDR_MIN       20u     /* frame bytes an L4 request needs after L3 */
#define WCNIC_TX_UDP_HDR_LEN       8u

/* TX completion: the device writes a u32, the number of entries (push) or
 * descriptors (DMA) it has finished with, free-running, to TX_CMPL_IOVA. */
typedef uint32_t wcnic_tx_head_t;

/* ---------------------------------------------------------------------
 * RX: buffers posted in host memory, completions written by the device
 * ------------------------------------------------------------------ */

struct wcnic_rx_desc {
	uint64_t iova;        /* buffer of RX_BUF_SIZE bytes */
	uint64_t rsvd;        /* must be 0 */
};

struct wcnic_rx_cmpl {
	uint16_t len;         /* frame bytes written to the buffer */
	uint16_t flags;       /* WCNIC_RXC_* */
	uint32_t hash;        /* 1.1, RSS accepted: the frame's Toeplitz hash; else 0 */
};
#define WCNIC_RXC_PHASE            (1u << 0)  /* flips on each ring wrap */
#define WCNIC_RXC_LAST             (1u << 1)  /* 1.1, RX_SCATTER accepted: the frame's last buffer */
/* 1.1, RSS accepted: bits 3:2, what `hash` was computed over. */
#define WCNIC_RXC_HASH_SHIFT       2
#define WCNIC_RXC_HASH_MASK        (3u << WCNIC_RXC_HASH_SHIFT)
#define WCNIC_RXC_HASH_NONE        0u  /* not hashed: hash is 0 */
#define WCNIC_RXC_HASH_L3          1u  /* IPv4 or IPv6 addresses */
#define WCNIC_RXC_HASH_TCP         2u  /* addresses and TCP ports */
#define WCNIC_RXC_HASH_UDP         3u  /* addresses and UDP ports */
#define WCNIC_RXC_HASH_TYPE(flags) (((flags) & WCNIC_RXC_HASH_MASK) >> WCNIC_RXC_HASH_SHIFT)

/* 1.1, RX_CSUM accepted: packet type and checksum status, in the
 * completion of a frame's first buffer (0 in the others). */
#define WCNIC_RXC_L3_IPV4          (1u << 4)
#define WCNIC_RXC_L3_IPV6          (2u << 4)
#define WCNIC_RXC_L3_MASK          (3u << 4)  /* 0: no L3 recognised; 3 << 4 reserved */
#define WCNIC_RXC_L4_TCP           (1u << 6)
#define WCNIC_RXC_L4_UDP           (2u << 6)
#define WCNIC_RXC_L4_OTHER         (3u << 6)  /* an unfragmented IP packet of another protocol */
#define WCNIC_RXC_L4_MASK          (3u << 6)  /* 0: no L4 recognised */
#define WCNIC_RXC_IP_CSUM_GOOD     (1u << 8)
#define WCNIC_RXC_IP_CSUM_BAD      (1u << 9)
#define WCNIC_RXC_L4_CSUM_GOOD     (1u << 10)
#define WCNIC_RXC_L4_CSUM_BAD      (1u << 11)

/* Phase value the device writes during the lap that starts at index i. */
#define WCNIC_RX_PHASE_OF(i, ring_size)  ((((i) / (ring_size)) & 1u) ^ 1u)

#endif /* WCNIC_HW_H */
