/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared mappings of the BAR and RAM files: see emu_files.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu_files.h"

int emu_file_map(const char *what, const char *path, uint64_t len, uint64_t min_len,
		 struct emu_file_map *m)
{
	struct stat st;
	void *addr;
	int fd;

	memset(m, 0, sizeof(*m));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "wcnic-emu: %s %s: cannot open for reading and writing: %s\n", what,
			path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		fprintf(stderr, "wcnic-emu: %s %s: %s\n", what, path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "wcnic-emu: %s %s: not a regular file\n", what, path);
		goto fail;
	}
	m->file_size = (uint64_t)st.st_size;
	if (len == 0)
		len = m->file_size;
	if (len > m->file_size) {
		fprintf(stderr, "wcnic-emu: %s %s: %" PRIu64 " bytes asked, the file has %" PRIu64
			"\n", what, path, len, m->file_size);
		goto fail;
	}
	if (len < min_len || len > SIZE_MAX) {
		fprintf(stderr, "wcnic-emu: %s %s: %" PRIu64 " bytes, the device needs at least %"
			PRIu64 "\n", what, path, len, min_len);
		goto fail;
	}
	addr = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);  /* the mapping keeps the file */
	if (addr == MAP_FAILED) {
		fprintf(stderr, "wcnic-emu: %s %s: cannot map %" PRIu64 " bytes: %s\n", what, path,
			len, strerror(errno));
		return -1;
	}
	m->addr = addr;
	m->len = len;
	return 0;
fail:
	close(fd);
	return -1;
}

void emu_file_unmap(struct emu_file_map *m)
{
	if (m->addr != NULL)
		munmap(m->addr, (size_t)m->len);
	m->addr = NULL;
}
