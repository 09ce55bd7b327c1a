/* SPDX-License-Identifier: BSD-3-Clause */
/* Files other processes poll for (a ready file, a statistics dump). */
#ifndef FILE_ATOMIC_H
#define FILE_ATOMIC_H

#include <stdio.h>

/*
 * Write path so that a reader sees the old file or the whole new one,
 * never a part: fill(f, arg) writes a temporary file next to path, which
 * is then renamed over it. Returns 0, or -1 with errno set and *step
 * naming what failed ("create", "write" or "rename"); the temporary file
 * is removed.
 */
int file_write_atomic(const char *path, void (*fill)(FILE *f, void *arg), void *arg,
		      const char **step);

#endif /* FILE_ATOMIC_H */
