/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest-physical memory of a QEMU q35 machine, as the device model reaches
 * it: the guest's RAM is one host file (memory-backend-file, share=on),
 * and the guest's driver hands the device guest-physical addresses (its
 * DPDK runs with IOVA = PA). q35 places that RAM in at most two pieces:
 *
 *   RAM file offset          guest-physical address
 *   [0, low)                 [0, low)                  below 4 GiB
 *   [low, ram_size)          [4 GiB, 4 GiB + high)     above 4 GiB
 *
 * low is all of the RAM when it is smaller than 0xB0000000, else 2 GiB
 * (QEMU 7.2, hw/i386/pc_q35.c: the rest of the first 4 GiB is left to PCI
 * MMIO and the MMCONFIG window). Each piece becomes one grant of the
 * model's DMA map at its guest-physical address, so the model's
 * translator refuses every range in the hole, past the end of the RAM or
 * across two pieces: the device never touches memory outside the file.
 */
#ifndef EMU_GUEST_MEM_H
#define EMU_GUEST_MEM_H

#include <stdint.h>

#include "wcnic_dma.h"

#define Q35_HIGH_BASE       (UINT64_C(1) << 32)  /* RAM above 4 GiB starts here */
#define Q35_LOW_MAX         UINT64_C(0xB0000000) /* all RAM low when smaller */
#define Q35_LOW_SPLIT       UINT64_C(0x80000000) /* low part when it is not */
/*
 * QEMU moves RAM above 4 GiB to 1 TiB for AMD guests whose addresses
 * would reach the HyperTransport hole below 1 TiB (1012 GiB). Such guests
 * are not supported: a RAM whose top would reach the hole is refused.
 */
#define Q35_AMD_HT_START    UINT64_C(0xFD00000000)

struct guest_mem_piece {
	uint64_t gpa;       /* guest-physical start */
	uint64_t file_off;  /* offset in the RAM file */
	uint64_t len;       /* bytes; 0: piece absent */
};

struct guest_mem_layout {
	struct guest_mem_piece low;   /* at guest-physical 0 */
	struct guest_mem_piece high;  /* at Q35_HIGH_BASE; len 0 when all RAM is low */
};

/* The q35 layout of ram_size bytes of RAM. Returns 0, or -EINVAL for a
 * size of 0 or one whose top would reach Q35_AMD_HT_START. */
int guest_mem_layout_q35(uint64_t ram_size, struct guest_mem_layout *out);

/* Guest-physical end (exclusive) of the RAM: where the last piece ends. */
uint64_t guest_mem_gpa_end(const struct guest_mem_layout *l);

/*
 * Grant the device the RAM mapped at ram (ram_size bytes) at its q35
 * guest-physical addresses. Returns 0 or a negative errno:
 * guest_mem_layout_q35()'s, or wcnic_dma_grant()'s (-EEXIST: the map
 * already holds an overlapping grant; -ENOSPC: it is full). On failure
 * the map may hold the low piece: it is add-only, start over with a new one.
 */
int guest_mem_grant(struct wcnic_dma_map *map, uint8_t *ram, uint64_t ram_size,
		    struct guest_mem_layout *out);

#endif /* EMU_GUEST_MEM_H */
