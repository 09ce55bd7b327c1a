/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two files wcnic-emu shares with QEMU: the ivshmem BAR and the guest
 * RAM, each mapped shared (MAP_SHARED), so the device's stores reach the
 * guest and the guest's stores reach the device.
 */
#ifndef EMU_FILES_H
#define EMU_FILES_H

#include <stddef.h>
#include <stdint.h>

struct emu_file_map {
	uint8_t *addr;
	uint64_t len;        /* bytes mapped, from the start of the file */
	uint64_t file_size;
};

/*
 * Map the first len bytes of path (len 0: the whole file) for reading and
 * writing. what names the file in error messages (an option: "--bar").
 * Refuses a file smaller than min_len or than len. Returns 0, or -1 after
 * printing why on stderr.
 */
int emu_file_map(const char *what, const char *path, uint64_t len, uint64_t min_len,
		 struct emu_file_map *m);

void emu_file_unmap(struct emu_file_map *m);

#endif /* EMU_FILES_H */
