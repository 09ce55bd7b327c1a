/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PAT list parser: which memory type the entries overlapping a
 * physical range give, with exclusive ends, conflicts, and lines that
 * must be skipped rather than believed. Texts are passed in exact-size
 * heap buffers without a terminating NUL, so AddressSanitizer catches a
 * read past the length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfiowc_priv.h"
#include "test_check.h"

static const char sample[] =
	"PAT: [mem 0x0000000000000000-0x000000000009f000] write-back\n"
	"PAT: [mem 0x00000000fd000000-0x00000000fe000000] uncached-minus\n"
	"PAT: [mem 0x00000000fe000000-0x00000000fe001000] write-combining\n"
	"PAT: [mem 0x00000000fe000000-0x00000000fe004000] write-combining\n"
	"PAT: [mem 0x00000000fe004000-0x00000000fe005000] uncached-minus\n"
	"PAT: [mem 0x00000000fe005000-0x00000000fe006000] uncached\n"
	"PAT: [mem 0x00000000fe006000-0x00000000fe007000] write-through\n"
	"PAT: [mem 0x00000000fe007000-0x00000000fe008000] write-protect\n"
	"PAT: [mem 0x0000004000000000-0x0000004000080000] uncached-minus\n";

static struct vfiowc_pat_result scan_n(const char *text, size_t len, uint64_t start,
				       uint64_t end)
{
	struct vfiowc_pat_result res;
	char *copy = malloc(len ? len : 1);

	memcpy(copy, text, len);
	vfiowc_pat_scan(copy, len, start, end, &res);
	free(copy);
	return res;
}

static struct vfiowc_pat_result scan(const char *text, uint64_t start, uint64_t end)
{
	return scan_n(text, strlen(text), start, end);
}

static void test_types(void)
{
	static const struct {
		uint64_t start, end;
		enum vfiowc_memtype want;
		unsigned int overlapping;
	} cases[] = {
		{ 0x0, 0x1000, VFIOWC_MT_WB, 1 },
		{ 0xfe000000, 0xfe001000, VFIOWC_MT_WC, 2 },        /* whole-BAR + page entry agree */
		{ 0xfe002000, 0xfe003000, VFIOWC_MT_WC, 1 },
		{ 0xfe004000, 0xfe005000, VFIOWC_MT_UC_MINUS, 1 },  /* end 0xfe004000 is exclusive */
		{ 0xfe005000, 0xfe006000, VFIOWC_MT_UC, 1 },
		{ 0xfe006000, 0xfe007000, VFIOWC_MT_WT, 1 },
		{ 0xfe007000, 0xfe008000, VFIOWC_MT_WP, 1 },
		{ 0x4000000000, 0x4000001000, VFIOWC_MT_UC_MINUS, 1 },
		{ 0xfe008000, 0xfe009000, VFIOWC_MT_NONE, 0 },      /* starts at an exclusive end */
		{ 0xfc000000, 0xfd000000, VFIOWC_MT_NONE, 0 },      /* ends where an entry starts */
		{ 0x100000000, 0x200000000, VFIOWC_MT_NONE, 0 },
		{ 0xfe001000, 0xfe001000, VFIOWC_MT_NONE, 0 },      /* empty range */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vfiowc_pat_result r = scan(sample, cases[i].start, cases[i].end);

		CHECK(r.type == cases[i].want, "case %zu [0x%lx, 0x%lx): got %s, want %s", i,
		      (unsigned long)cases[i].start, (unsigned long)cases[i].end,
		      vfiowc_memtype_name(r.type), vfiowc_memtype_name(cases[i].want));
		CHECK(r.overlapping == cases[i].overlapping, "case %zu: %u overlapping, want %u", i,
		      r.overlapping, cases[i].overlapping);
		CHECK(r.skipped == 0, "case %zu: %u lines skipped in clean sample", i, r.skipped);
	}
}

static void test_conflicts(void)
{
	struct vfiowc_pat_result r;

	/* Spans the WC entries and the uncached-minus one after them. */
	r = scan(sample, 0xfe003000, 0xfe004001);
	CHECK(r.type == VFIOWC_MT_CONFLICT, "WC + UC- overlap: got %s", vfiowc_memtype_name(r.type));
	CHECK(r.first == VFIOWC_MT_WC && r.other == VFIOWC_MT_UC_MINUS,
	      "conflict names %s and %s", vfiowc_memtype_name(r.first), vfiowc_memtype_name(r.other));
	CHECK(r.overlapping == 2, "%u overlapping", r.overlapping);

	/* uncached-minus and uncached disagree too: no type is "close enough". */
	r = scan(sample, 0xfe004000, 0xfe006000);
	CHECK(r.type == VFIOWC_MT_CONFLICT, "UC- + UC: got %s", vfiowc_memtype_name(r.type));

	/* The order of the lines does not decide the outcome. */
	r = scan("PAT: [mem 0x00000000fe000000-0x00000000fe004000] uncached-minus\n"
		 "PAT: [mem 0x00000000fe000000-0x00000000fe001000] write-combining\n",
		 0xfe000000, 0xfe001000);
	CHECK(r.type == VFIOWC_MT_CONFLICT && r.first == VFIOWC_MT_UC_MINUS &&
	      r.other == VFIOWC_MT_WC, "reversed order: %s", vfiowc_memtype_name(r.type));
}

static void test_garbage(void)
{
	/* Every line overlaps the query range if it were believed. */
	static const char *const bad[] = {
		"hello world",
		"PAT: [mem 0xfe000000-0xfe001000]",                           /* no type */
		"PAT: [mem 0xfe000000-0xfe001000] mystery-type",
		"PAT: [mem 0xfe000000-0xfe001000] write-combining trailing",
		"PAT: [mem 0xfe000000-0xfe001000]write-combining",
		"PAT: [mem fe000000-fe001000] write-combining",                 /* no 0x */
		"PAT: [mem 0x-1-0xfe001000] write-combining",                   /* sign */
		"PAT: [mem 0x0x10-0xfe001000] write-combining",                 /* double prefix */
		"PAT: [mem 0x00000000000000000-0xfe001000] write-combining",    /* 17 digits */
		"PAT: [mem 0xfe001000-0xfe000000] write-combining",             /* end < start */
		"PAT: [mem 0xfe000000-0xfe000000] write-combining",             /* empty */
		"PAT: [mem 0xfe000000 0xfe001000] write-combining",
		"pat: [mem 0xfe000000-0xfe001000] write-combining",
		" PAT: [mem 0xfe000000-0xfe001000] write-combining",
		"write-combining @ 0xfe000000-0xfe001000",                      /* pre-5.x format */
		"PAT: [mem 0xfe000000-0xfe001000] WRITE-COMBINING",
	};
	char text[4096] = "";
	struct vfiowc_pat_result r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = scan(bad[i], 0xfe000000, 0xfe001000);
		CHECK(r.type == VFIOWC_MT_NONE && r.skipped == 1,
		      "garbage line '%s': type %s, %u skipped", bad[i], vfiowc_memtype_name(r.type),
		      r.skipped);
		strcat(text, bad[i]);
		strcat(text, "\n");
	}
	/* Garbage around one good line: the good line decides, the rest is counted. */
	strcat(text, "PAT: [mem 0x00000000fe000000-0x00000000fe001000] uncached-minus\n");
	r = scan(text, 0xfe000000, 0xfe001000);
	CHECK(r.type == VFIOWC_MT_UC_MINUS, "mixed: %s", vfiowc_memtype_name(r.type));
	CHECK(r.skipped == sizeof(bad) / sizeof(bad[0]), "mixed: %u skipped", r.skipped);

	/* An overlong line is skipped, not truncated into something valid. */
	char longline[400];

	snprintf(longline, sizeof(longline), "PAT: [mem 0xfe000000-0xfe001000] write-combining%*s",
		 300, "x");
	r = scan(longline, 0xfe000000, 0xfe001000);
	CHECK(r.type == VFIOWC_MT_NONE && r.skipped == 1, "overlong line: %s, %u skipped",
	      vfiowc_memtype_name(r.type), r.skipped);

	/* A NUL inside a line must not hide what follows it. */
	static const char with_nul[] = "PAT: [mem 0xfe000000-0xfe001000] write-combining\0 junk\n";

	r = scan_n(with_nul, sizeof(with_nul) - 1, 0xfe000000, 0xfe001000);
	CHECK(r.type == VFIOWC_MT_NONE && r.skipped == 1, "embedded NUL: %s, %u skipped",
	      vfiowc_memtype_name(r.type), r.skipped);
}

static void test_text_shapes(void)
{
	struct vfiowc_pat_result r;
	const char *two = "PAT: [mem 0x00000000fe000000-0x00000000fe001000] write-combining\n"
			  "PAT: [mem 0x00000000fe000000-0x00000000fe001000] uncached-minus\n";

	r = scan("", 0, UINT64_MAX);
	CHECK(r.type == VFIOWC_MT_NONE && r.overlapping == 0 && r.skipped == 0, "empty text");

	r = scan("\n\n   \n\t\n", 0, UINT64_MAX);
	CHECK(r.type == VFIOWC_MT_NONE && r.skipped == 0, "blank lines are not garbage (%u)",
	      r.skipped);

	r = scan("PAT: [mem 0x00000000fe000000-0x00000000fe001000] write-combining", 0xfe000000,
		 0xfe001000);
	CHECK(r.type == VFIOWC_MT_WC, "last line without newline: %s", vfiowc_memtype_name(r.type));

	r = scan("PAT: [mem 0x00000000fe000000-0x00000000fe001000] write-combining\r\n", 0xfe000000,
		 0xfe001000);
	CHECK(r.type == VFIOWC_MT_WC, "CRLF line: %s", vfiowc_memtype_name(r.type));

	r = scan("PAT: [mem 0x00000000FE000000-0x00000000FE001000] write-combining\n", 0xfe000000,
		 0xfe001000);
	CHECK(r.type == VFIOWC_MT_WC, "upper-case hex: %s", vfiowc_memtype_name(r.type));

	/* The length bounds the scan: the second line is outside it. */
	r = scan_n(two, strlen(two) / 2, 0xfe000000, 0xfe001000);
	CHECK(r.type == VFIOWC_MT_WC && r.overlapping == 1, "length bound: %s, %u",
	      vfiowc_memtype_name(r.type), r.overlapping);
	/* A cut in the middle of a line leaves a fragment: skipped. */
	r = scan_n(two, strlen(two) / 2 + 20, 0xfe000000, 0xfe001000);
	CHECK(r.type == VFIOWC_MT_WC && r.skipped == 1, "cut line: %s, %u skipped",
	      vfiowc_memtype_name(r.type), r.skipped);

	r = scan("PAT: [mem 0xfffffffffffff000-0xffffffffffffffff] uncached\n", 0xfffffffffffff800,
		 UINT64_MAX);
	CHECK(r.type == VFIOWC_MT_UC, "top of the address space: %s", vfiowc_memtype_name(r.type));
}

int main(void)
{
	test_types();
	test_conflicts();
	test_garbage();
	test_text_shapes();
	return test_exit_status("vfiowc_pat");
}
