/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "parse_num.h"

bool parse_uint64(const char *s, int base, uint64_t *v)
{
	char *end;

	/* strtoull itself would skip blanks and take a sign (negating!). */
	if (!isxdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	*v = strtoull(s, &end, base);
	return errno == 0 && end != s && *end == '\0';
}
