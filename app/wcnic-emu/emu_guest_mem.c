/* SPDX-License-Identifier: BSD-3-Clause */
/* q35 guest-physical layout of the guest's RAM file: see emu_guest_mem.h. */
#include <errno.h>

#include "emu_guest_mem.h"

int guest_mem_layout_q35(uint64_t ram_size, struct guest_mem_layout *out)
{
	/* Same rule as QEMU's q35 machine: everything below 4 GiB while the
	 * RAM is smaller than 0xB0000000, otherwise 2 GiB there and the
	 * rest from 4 GiB on (1 GiB aligned on both sides). */
	uint64_t low = ram_size >= Q35_LOW_MAX ? Q35_LOW_SPLIT : ram_size;
	uint64_t high = ram_size - low;

	if (ram_size == 0 || (high != 0 && high >= Q35_AMD_HT_START - Q35_HIGH_BASE))
		return -EINVAL;
	out->low = (struct guest_mem_piece){ .gpa = 0, .file_off = 0, .len = low };
	out->high = (struct guest_mem_piece){ .gpa = Q35_HIGH_BASE, .file_off = low, .len = high };
	return 0;
}

uint64_t guest_mem_gpa_end(const struct guest_mem_layout *l)
{
	return l->high.len != 0 ? l->high.gpa + l->high.len : l->low.gpa + l->low.len;
}

int guest_mem_grant(struct wcnic_dma_map *map, uint8_t *ram, uint64_t ram_size,
		    struct guest_mem_layout *out)
{
	const struct guest_mem_piece *piece[2] = { &out->low, &out->high };
	unsigned int i;
	int ret;

	ret = guest_mem_layout_q35(ram_size, out);
	for (i = 0; ret == 0 && i < 2; i++)
		if (piece[i]->len != 0)
			ret = wcnic_dma_grant(map, piece[i]->gpa, ram + piece[i]->file_off,
					      piece[i]->len);
	return ret;
}
