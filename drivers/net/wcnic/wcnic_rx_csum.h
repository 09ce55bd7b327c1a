/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RX packet type and checksum status (interface 1.1, WCNIC_F_RX_CSUM): what
 * bits 11:4 of a completion's flags (spec 18.4) become in the mbuf. The
 * tables are in wcnic_csum.c, with the packet types the port announces.
 */
#ifndef WCNIC_RX_CSUM_H
#define WCNIC_RX_CSUM_H

#include <rte_mbuf.h>

#include "wcnic_hw.h"

/* Indexed by flags bits 7:4 (L3 and L4 fields): the mbuf's packet_type. */
extern const uint32_t wcnic_rx_ptype[16];
/* Indexed by flags bits 11:8 (IP and L4 GOOD and BAD): RTE_MBUF_F_RX_*_CKSUM_*. */
extern const uint64_t wcnic_rx_csum_ol[16];

/*
 * The packet type and checksum flags of the frame whose first completion
 * has these flags. Without WCNIC_F_RX_CSUM accepted the bits are 0, which
 * gives an unknown packet type and unknown checksums: nothing to test.
 */
static __rte_always_inline void
wcnic_rx_csum_ptype(struct rte_mbuf *m, uint16_t flags)
{
	m->packet_type = wcnic_rx_ptype[(flags >> 4) & 0xfu];
	m->ol_flags |= wcnic_rx_csum_ol[(flags >> 8) & 0xfu];
}

#endif /* WCNIC_RX_CSUM_H */
