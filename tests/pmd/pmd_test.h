/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the C end-to-end tests of net_wcnic: EAL bring-up on one
 * net_wcnic vdev (no hugepages, no PCI, no leftovers) or PCI device, port setup,
 * xstats by name, and the shared CHECK and REQUIRE.
 */
#ifndef PMD_TEST_H
#define PMD_TEST_H

#include <stdint.h>
#include <stdio.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "test_check.h"

/* Names a PCI device (a BDF) to test instead of the in-process vdev. */
#define PMD_TEST_PCI_VARIABLE "WCNIC_TEST_PCI"
/* The BAR memory type the port must report, verified ("write-combining",
 * "uncached"); unset: not checked. */
#define PMD_TEST_EXPECT_MEM_VARIABLE "WCNIC_TEST_EXPECT_MEM"

/*
 * EAL with one vdev "net_wcnic0,<devargs>" as port 0, or, when the
 * environment names a PCI device, that device with the port's part of
 * devargs. A failure ends the test (REQUIRE); a memory type other than the
 * one the environment expects counts as a failed check.
 */
void pmd_test_eal_init(const char *prog, const char *devargs);

/* A pool of n default-size mbufs. */
struct rte_mempool *pmd_test_pool(unsigned int n);

/*
 * A frame of len bytes in segments of at most seg_max bytes, byte i of the
 * frame = byte(i, ctx); NULL when the pool runs dry.
 */
struct rte_mbuf *pmd_test_frame(struct rte_mempool *mp, uint32_t len, uint16_t seg_max,
				uint8_t (*byte)(uint32_t i, const void *ctx), const void *ctx);

/* One RX and one TX queue of nb_desc, the given TX offloads and MTU (0:
 * Ethernet's 1500), started. */
int pmd_test_port_start(uint16_t port, struct rte_mempool *mp, uint16_t nb_desc,
			uint64_t tx_offloads, uint16_t mtu);

/* An xstat by name; UINT64_MAX when the port has no such counter. */
uint64_t pmd_test_xstat(uint16_t port, const char *name);

/* Stop and close the port, check that every mbuf of the pmd_test_pool() is
 * back, clean EAL up; returns the exit status. */
int pmd_test_finish(uint16_t port);

#endif /* PMD_TEST_H */
