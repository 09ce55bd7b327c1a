/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The x86 PAT memory-type list (/sys/kernel/debug/x86/pat_memtype_list),
 * the only place that tells which memory type a mapping really got: a WC
 * request the kernel downgrades to uncached-minus fails nowhere else.
 *
 * Its lines read (6.1 and later at least)
 *	PAT: [mem 0x00000000fe000000-0x00000000fe001000] write-combining
 * with an exclusive end. Anything else is counted as skipped, never
 * guessed at: a skipped line cannot make a type look confirmed.
 */
#include <ctype.h>
#include <string.h>

#include "vfiowc_priv.h"

/* Real lines are about 60 characters. */
#define PAT_LINE_MAX 160

static enum vfiowc_memtype memtype_from_name(const char *name, size_t n)
{
	for (enum vfiowc_memtype t = VFIOWC_MT_WB; t <= VFIOWC_MT_WP; t++) {
		const char *known = vfiowc_memtype_name(t);

		if (strlen(known) == n && memcmp(name, known, n) == 0)
			return t;
	}
	return VFIOWC_MT_UNVERIFIED;
}

static bool take(const char **p, const char *literal)
{
	size_t n = strlen(literal);

	if (strncmp(*p, literal, n) != 0)
		return false;
	*p += n;
	return true;
}

/* 1 to 16 hex digits; no sign, no second prefix (stricter than strtoull). */
static bool take_hex(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	size_t n = 0;

	for (; isxdigit((unsigned char)s[n]); n++) {
		char c = (char)tolower((unsigned char)s[n]);

		if (n == 16)
			return false;
		x = x << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	if (n == 0)
		return false;
	*p = s + n;
	*v = x;
	return true;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

/* One NUL-terminated line: "PAT: [mem 0xS-0xE] type", E > S. */
static bool parse_line(const char *line, uint64_t *start, uint64_t *end,
		       enum vfiowc_memtype *type)
{
	const char *p = line;
	size_t n;

	if (!take(&p, "PAT: [mem 0x") || !take_hex(&p, start) || !take(&p, "-0x") ||
	    !take_hex(&p, end) || !take(&p, "] ") || *end <= *start)
		return false;
	n = strcspn(p, " \t\r");
	if (!blank(p + n, strlen(p + n)))
		return false;
	*type = memtype_from_name(p, n);
	return *type != VFIOWC_MT_UNVERIFIED;
}

static void scan_line(const char *p, size_t n, uint64_t start, uint64_t end,
		      struct vfiowc_pat_result *res)
{
	char line[PAT_LINE_MAX];
	enum vfiowc_memtype t;
	uint64_t s, e;

	/* Too long, or with a NUL that would hide the rest of the line. */
	if (n >= sizeof(line) || memchr(p, '\0', n) != NULL) {
		res->skipped++;
		return;
	}
	memcpy(line, p, n);
	line[n] = '\0';
	if (!parse_line(line, &s, &e, &t)) {
		res->skipped++;
		return;
	}
	if (s >= end || start >= e || start >= end)
		return;
	res->overlapping++;
	if (res->first == VFIOWC_MT_NONE)
		res->first = t;
	else if (t != res->first && res->other == VFIOWC_MT_NONE)
		res->other = t;
}

void vfiowc_pat_scan(const char *text, size_t len, uint64_t start, uint64_t end,
		     struct vfiowc_pat_result *res)
{
	const char *p = text, *stop = text + len;

	memset(res, 0, sizeof(*res));
	res->first = VFIOWC_MT_NONE;
	res->other = VFIOWC_MT_NONE;
	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		size_t n = (size_t)((nl != NULL ? nl : stop) - p);

		if (!blank(p, n))
			scan_line(p, n, start, end, res);
		p += n + 1;
	}
	if (res->overlapping == 0)
		res->type = VFIOWC_MT_NONE;
	else if (res->other != VFIOWC_MT_NONE)
		res->type = VFIOWC_MT_CONFLICT;
	else
		res->type = res->first;
}
