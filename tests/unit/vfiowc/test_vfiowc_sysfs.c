/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The small parsers behind the sysfs steps: PCI addresses (which end up
 * in paths, so only the exact shape may pass) and the `resource` file
 * that gives a BAR's physical address for the verification.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vfiowc_priv.h"
#include "test_check.h"

static void test_bdf(void)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{ "0000:00:04.0", "0000:00:04.0" },
		{ "00:04.0", "0000:00:04.0" },
		{ "0000:00:1F.7", "0000:00:1f.7" },
		{ "abcd:ef:1f.7", "abcd:ef:1f.7" },
		{ "10000:00:00.0", "10000:00:00.0" },   /* VMD-style wide domain */
		{ "ffffffff:ff:1f.7", "ffffffff:ff:1f.7" },
	};
	static const char *const bad[] = {
		"", "0000:00:04", "0000:00:04.8", "0000:00:20.0", "0000:000:04.0", "000:00:04.0",
		"123456789:00:00.0", "0000:00:04.0/", "0000:00:04.0 ", " 0000:00:04.0",
		"../../../etc", "0000:00:04.0/../../x", "0000:0g:04.0", "0000:00:04:0", "0:00:04.0",
		"0000:00:04.00", "0000::04.0", "-000:00:04.0", "0000:00:+4.0",
	};
	char out[VFIOWC_BDF_LEN];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(out, 'x', sizeof(out));
		CHECK(vfiowc_bdf_normalize(good[i].in, out) == 0 && strcmp(out, good[i].out) == 0,
		      "'%s' -> '%.*s', want '%s'", good[i].in, (int)sizeof(out), out, good[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(vfiowc_bdf_normalize(bad[i], out) == -EINVAL, "'%s' accepted", bad[i]);
	CHECK(vfiowc_bdf_normalize(NULL, out) == -EINVAL, "NULL accepted");
}

static const char resource[] =
	"0x00000000febf0000 0x00000000febf00ff 0x0000000000040200\n"
	"0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	"0x00000000fe000000 0x00000000fe003fff 0x000000000014220c\n"
	"0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	"garbage\n"
	"0x0000000000001000 0x0000000000000fff 0x0000000000000000\n"
	"0x0000000000001000 0x0000000000001fff 0x0000000000000000 extra\n";

static void test_resource(void)
{
	uint64_t s = 1, e = 1;

	CHECK(vfiowc_resource_parse(resource, 0, &s, &e) == 0 && s == 0xfebf0000 &&
	      e == 0xfebf0100, "BAR0: 0x%lx-0x%lx", (unsigned long)s, (unsigned long)e);
	CHECK(vfiowc_resource_parse(resource, 2, &s, &e) == 0 && s == 0xfe000000 &&
	      e == 0xfe004000, "BAR2: 0x%lx-0x%lx (end exclusive)", (unsigned long)s,
	      (unsigned long)e);
	CHECK(vfiowc_resource_parse(resource, 1, &s, &e) == -ERANGE, "unassigned BAR1");
	CHECK(vfiowc_resource_parse(resource, 4, &s, &e) == -EINVAL, "garbage line");
	CHECK(vfiowc_resource_parse(resource, 5, &s, &e) == -EINVAL, "end before start");
	CHECK(vfiowc_resource_parse(resource, 6, &s, &e) == -EINVAL, "trailing junk");
	CHECK(vfiowc_resource_parse(resource, 7, &s, &e) == -ENOENT, "line after the last");
	CHECK(vfiowc_resource_parse(resource, 100, &s, &e) == -ENOENT, "far line");
	CHECK(vfiowc_resource_parse("", 0, &s, &e) == -ENOENT, "empty file");
	CHECK(vfiowc_resource_parse("0x1000 0x1fff 0x0", 0, &s, &e) == 0 && s == 0x1000 &&
	      e == 0x2000, "no final newline");
	CHECK(vfiowc_resource_parse("0x1000\n0x1fff 0x0\n", 0, &s, &e) == -EINVAL,
	      "a short line must not borrow numbers from the next one");
	CHECK(vfiowc_resource_parse("0x0 0xffffffffffffffff 0x0\n", 0, &s, &e) == -EINVAL,
	      "end at the top of the address space cannot be made exclusive");
}

int main(void)
{
	test_bdf();
	test_resource();
	return test_exit_status("vfiowc_sysfs");
}
