/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "file_atomic.h"

int file_write_atomic(const char *path, void (*fill)(FILE *f, void *arg), void *arg,
		      const char **step)
{
	char tmp[PATH_MAX];
	FILE *f;
	int n, failed, saved;

	/* The same folder as path: rename() does not cross file systems. */
	n = snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		*step = "create";
		errno = ENAMETOOLONG;
		return -1;
	}
	f = fopen(tmp, "w");
	if (f == NULL) {
		*step = "create";
		return -1;
	}
	fill(f, arg);
	/* | not ||: the file is closed whatever ferror() says. */
	failed = ferror(f) | fclose(f);
	if (failed) {
		*step = "write";
		saved = errno != 0 ? errno : EIO;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	if (rename(tmp, path) != 0) {
		*step = "rename";
		saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}
