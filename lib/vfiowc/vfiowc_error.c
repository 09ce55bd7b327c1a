/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Messages: errors the caller receives and the report's free text. Kept
 * in caller-provided buffers so the library needs no global state.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vfiowc_priv.h"

int vfiowc_fail(struct vfiowc_error *err, int errnum, const char *who, const char *fmt, ...)
{
	if (err != NULL) {
		size_t used = 0;
		va_list ap;

		err->errnum = errnum;
		err->msg[0] = '\0';
		if (who != NULL) {
			int n = snprintf(err->msg, sizeof(err->msg), "%s: ", who);

			used = n < 0 ? 0 : (size_t)n;
			if (used >= sizeof(err->msg))
				used = sizeof(err->msg) - 1;
		}
		va_start(ap, fmt);
		vsnprintf(err->msg + used, sizeof(err->msg) - used, fmt, ap);
		va_end(ap);
	}
	return -errnum;
}

void vfiowc_text_append(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strnlen(buf, size);
	va_list ap;

	if (used + 1 >= size)
		return;
	if (used > 0) {
		int n = snprintf(buf + used, size - used, "; ");

		used += n < 0 ? 0 : (size_t)n;
		if (used + 1 >= size)
			return;
	}
	va_start(ap, fmt);
	vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
}

const char *vfiowc_errno_name(int errnum, char *buf, size_t size)
{
	/* glibc >= 2.32; the numeric form keeps other C libraries working. */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
	const char *name = strerrorname_np(errnum);

	if (name != NULL)
		return name;
#endif
	snprintf(buf, size, "errno %d", errnum);
	return buf;
}
