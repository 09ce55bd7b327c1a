/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checksum offloads and packet types (device interface 1.1, spec section
 * 18): the tables that turn an mbuf's checksum flags into the device's
 * request (TX) and a completion's packet type and checksum status into
 * the mbuf's (RX), tx_prepare, and the packet types the port announces.
 */
#include <rte_errno.h>
#include <rte_mbuf.h>

#include "wcnic_rx_csum.h"
#include "wcnic_tx_common.h"

/* ------------------------------------------------------------------ TX */

/* The fields of an index of wcnic_tx_csum_rules[] (ol_flags bits 52..56). */
#define OL_L4(i)  ((i) & 3u)          /* 0 none, 1 TCP, 2 SCTP, 3 UDP */
#define OL_IP(i)  (((i) >> 2) & 1u)   /* RTE_MBUF_F_TX_IP_CKSUM */
#define OL_V4(i)  (((i) >> 3) & 1u)   /* RTE_MBUF_F_TX_IPV4 */
#define OL_V6(i)  (((i) >> 4) & 1u)   /* RTE_MBUF_F_TX_IPV6 */
static_assert(RTE_MBUF_F_TX_TCP_CKSUM >> WCNIC_TX_OL_SHIFT == 1 &&
	      RTE_MBUF_F_TX_SCTP_CKSUM >> WCNIC_TX_OL_SHIFT == 2 &&
	      RTE_MBUF_F_TX_UDP_CKSUM >> WCNIC_TX_OL_SHIFT == 3, "the mbuf's L4 checksum field");

/* No request at all, and a combination the device does not take. IP_CKSUM
 * without IPV4 is taken as IPv4, as NICs do: it exists for IPv4 only, and
 * testpmd's txonly (DPDK 25.11) sends IP_CKSUM | UDP_CKSUM. */
#define OL_NONE(i) (!OL_IP(i) && OL_L4(i) == 0)
#define OL_REFUSED(i) \
	(OL_L4(i) == 2 || (OL_V4(i) && OL_V6(i)) || (OL_IP(i) && OL_V6(i)) || \
	 (OL_L4(i) != 0 && !OL_IP(i) && !OL_V4(i) && !OL_V6(i)))
#define TXF(i) \
	((OL_IP(i) ? WCNIC_TXF_IP_CSUM : 0u) | (OL_V6(i) ? WCNIC_TXF_IPV6 : 0u) | \
	 (OL_L4(i) == 1 ? WCNIC_TXF_L4_TCP : OL_L4(i) == 3 ? WCNIC_TXF_L4_UDP : 0u))
/* Each field of a rule: a request's limits; a refused combination gets an
 * L3 range that no 9-bit l3_len falls into. */
#define TAKEN(i) (!OL_NONE(i) && !OL_REFUSED(i))
#define RULE(i) { \
	.flags = OL_NONE(i) ? 0u : OL_REFUSED(i) ? WCNIC_TXF_IP_CSUM : TXF(i), \
	.l4_len = !TAKEN(i) ? 0u : OL_L4(i) == 1 ? WCNIC_TX_TCP_HDR_MIN : \
		  OL_L4(i) == 3 ? WCNIC_TX_UDP_HDR_LEN : 0u, \
	.l3_align = OL_V6(i) ? 7u : 3u, \
	.l3_min = OL_REFUSED(i) ? UINT16_MAX : \
		  OL_V6(i) ? WCNIC_TX_IPV6_LEN_MIN : WCNIC_TX_IPV4_LEN_MIN, \
	.l3_span = !TAKEN(i) ? 0u : OL_V6(i) ? WCNIC_TX_IPV6_LEN_MAX - WCNIC_TX_IPV6_LEN_MIN : \
				  WCNIC_TX_IPV4_LEN_MAX - WCNIC_TX_IPV4_LEN_MIN }
#define RULE4(i) RULE(i), RULE(i + 1), RULE(i + 2), RULE(i + 3)

const struct wcnic_tx_csum_rule wcnic_tx_csum_rules[WCNIC_TX_OL_BITS + 1] = {
	RULE4(0u), RULE4(4u), RULE4(8u), RULE4(12u), RULE4(16u), RULE4(20u), RULE4(24u), RULE4(28u),
};
static_assert(WCNIC_TX_IPV6_LEN_MIN % 8 == 0 && WCNIC_TX_IPV4_LEN_MIN % 4 == 0,
	      "the alignment masks of the L3 header lengths");

/* Offload flags the device takes; tx_prepare refuses the others. */
#define WCNIC_TX_OL_TAKEN (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK | \
			   RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6)

uint16_t
wcnic_tx_prepare(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	const struct wcnic_txq *txq = queue;
	uint16_t i;

	for (i = 0; i < nb_pkts; i++) {
		const struct rte_mbuf *m = pkts[i];
		uint64_t ol = m->ol_flags;
		uint32_t frame_len;
		int ret;

		/* The frame the device sees: what the burst would drop. */
		wcnic_tx_segs(m, &frame_len);
		if (frame_len < WCNIC_MIN_FRAME_LEN || frame_len > txq->max_frame_len) {
			rte_errno = EINVAL;
			return i;
		}
		if (!(ol & RTE_MBUF_F_TX_OFFLOAD_MASK))
			continue;
		if ((ol & RTE_MBUF_F_TX_OFFLOAD_MASK & ~WCNIC_TX_OL_TAKEN) != 0 ||
		    (ol & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_SCTP_CKSUM ||
		    ((ol & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK)) != 0 && !txq->csum)) {
			rte_errno = ENOTSUP;
			return i;
		}
		ret = rte_validate_tx_offload(m);
		if (ret != 0) {
			rte_errno = -ret;
			return i;
		}
		if (wcnic_tx_csum_req(m, frame_len) == WCNIC_TX_CSUM_REFUSED) {
			rte_errno = EINVAL;
			return i;
		}
	}
	return i;
}

/* ------------------------------------------------------------------ RX */

/* wcnic_rx_ptype[] index: flags bits 5:4 (L3) and 7:6 (L4). */
static_assert(WCNIC_RXC_L3_IPV4 == 1u << 4 && WCNIC_RXC_L3_IPV6 == 2u << 4 &&
	      WCNIC_RXC_L4_TCP == 1u << 6 && WCNIC_RXC_L4_UDP == 2u << 6 &&
	      WCNIC_RXC_L4_OTHER == 3u << 6, "completion packet type fields");
#define RX_L3(i) (((i) & 3u) == 1 ? RTE_PTYPE_L3_IPV4_EXT_UNKNOWN : \
		  ((i) & 3u) == 2 ? RTE_PTYPE_L3_IPV6_EXT_UNKNOWN : 0u)
#define RX_L4(i) ((((i) >> 2) & 3u) == 1 ? RTE_PTYPE_L4_TCP : \
		  (((i) >> 2) & 3u) == 2 ? RTE_PTYPE_L4_UDP : \
		  (((i) >> 2) & 3u) == 3 ? RTE_PTYPE_L4_NONFRAG : 0u)
/* No L4 without an L3 (the device never reports one). */
#define RX_PT(i) (RX_L3(i) == 0 ? 0u : RX_L3(i) | RX_L4(i))

const uint32_t wcnic_rx_ptype[16] = {
	RX_PT(0u), RX_PT(1u), RX_PT(2u), RX_PT(3u), RX_PT(4u), RX_PT(5u), RX_PT(6u), RX_PT(7u),
	RX_PT(8u), RX_PT(9u), RX_PT(10u), RX_PT(11u), RX_PT(12u), RX_PT(13u), RX_PT(14u), RX_PT(15u),
};

/* wcnic_rx_csum_ol[] index: flags bits 11:8. GOOD and BAD both set does
 * not happen; it says nothing. */
static_assert(WCNIC_RXC_IP_CSUM_GOOD == 1u << 8 && WCNIC_RXC_IP_CSUM_BAD == 1u << 9 &&
	      WCNIC_RXC_L4_CSUM_GOOD == 1u << 10 && WCNIC_RXC_L4_CSUM_BAD == 1u << 11,
	      "completion checksum status bits");
#define RX_IP(i) (((i) & 3u) == 1 ? RTE_MBUF_F_RX_IP_CKSUM_GOOD : \
		  ((i) & 3u) == 2 ? RTE_MBUF_F_RX_IP_CKSUM_BAD : 0u)
#define RX_L4S(i) ((((i) >> 2) & 3u) == 1 ? RTE_MBUF_F_RX_L4_CKSUM_GOOD : \
		   (((i) >> 2) & 3u) == 2 ? RTE_MBUF_F_RX_L4_CKSUM_BAD : 0u)
#define RX_OL(i) (RX_IP(i) | RX_L4S(i))

const uint64_t wcnic_rx_csum_ol[16] = {
	RX_OL(0u), RX_OL(1u), RX_OL(2u), RX_OL(3u), RX_OL(4u), RX_OL(5u), RX_OL(6u), RX_OL(7u),
	RX_OL(8u), RX_OL(9u), RX_OL(10u), RX_OL(11u), RX_OL(12u), RX_OL(13u), RX_OL(14u), RX_OL(15u),
};

/*
 * What wcnic_rx_ptype[] can give, when it gives anything: the port
 * classifies frames (WCNIC_F_RX_CSUM accepted) when the device offers it
 * and the application turned on an RX checksum offload.
 */
const uint32_t *
wcnic_ptypes(const struct rte_eth_dev *dev, size_t *count)
{
	static const uint32_t ptypes[] = {
		RTE_PTYPE_L3_IPV4_EXT_UNKNOWN,
		RTE_PTYPE_L3_IPV6_EXT_UNKNOWN,
		RTE_PTYPE_L4_TCP,
		RTE_PTYPE_L4_UDP,
		RTE_PTYPE_L4_NONFRAG,
		RTE_PTYPE_UNKNOWN,  /* the end, for DPDK before 24.03 */
	};
	const struct wcnic_adapter *ad = dev->data->dev_private;

	if (!(ad->dev_features & WCNIC_F_RX_CSUM) ||
	    !(dev->data->dev_conf.rxmode.offloads & WCNIC_RX_CSUM_OFFLOADS)) {
		*count = 0;
		return NULL;
	}
	*count = RTE_DIM(ptypes) - 1;
	return ptypes;
}
