/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Region info: the capability-chain parser on synthetic kernel answers,
 * well-formed and malformed (loops, offsets out of bounds, truncation,
 * absurd counts), and the window check that decides what may be mapped.
 *
 * Each answer is copied into an exact-size heap buffer before parsing, so
 * AddressSanitizer reports any read past the given length.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/vfio.h>

#include "vfiowc_priv.h"
#include "test_check.h"

#define WHO "0000:00:04.0"
#define PAGE 4096u

/* A kernel answer under construction. */
struct answer {
	uint8_t b[1024];
	size_t len;
};

static void put_info(struct answer *a, uint32_t flags, uint32_t index, uint32_t cap_offset,
		     uint64_t size, uint64_t offset)
{
	struct vfio_region_info info = {
		.argsz = sizeof(info), .flags = flags, .index = index,
		.cap_offset = cap_offset, .size = size, .offset = offset,
	};

	memset(a, 0, sizeof(*a));
	memcpy(a->b, &info, sizeof(info));
	a->len = sizeof(info);
}

/* Append (or place at off) a capability header; returns its offset. */
static uint32_t put_hdr(struct answer *a, uint32_t off, uint16_t id, uint16_t version,
			uint32_t next)
{
	struct vfio_info_cap_header h = { .id = id, .version = version, .next = next };

	memcpy(a->b + off, &h, sizeof(h));
	if (off + sizeof(h) > a->len)
		a->len = off + sizeof(h);
	return off;
}

static void put_sparse(struct answer *a, uint32_t off, uint32_t next, uint32_t nr_areas,
		       const struct vfio_region_sparse_mmap_area *areas, uint32_t areas_written)
{
	struct vfio_region_info_cap_sparse_mmap sp = {
		.header = { .id = VFIO_REGION_INFO_CAP_SPARSE_MMAP, .version = 1, .next = next },
		.nr_areas = nr_areas,
	};

	memcpy(a->b + off, &sp, sizeof(sp));
	memcpy(a->b + off + sizeof(sp), areas, areas_written * sizeof(*areas));
	if (off + sizeof(sp) + areas_written * sizeof(*areas) > a->len)
		a->len = off + sizeof(sp) + areas_written * sizeof(*areas);
}

static int parse(const struct answer *a, size_t len, struct vfiowc_region *r,
		 struct vfiowc_error *err)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, a->b, len);
	memset(err, 0, sizeof(*err));
	ret = vfiowc_region_parse(copy, len, WHO, r, err);
	free(copy);
	return ret;
}

#define RWM (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP)
#define CAPS VFIO_REGION_INFO_FLAG_CAPS

static const struct vfio_region_sparse_mmap_area two_areas[] = {
	{ .offset = 0x0, .size = 0x1000 },
	{ .offset = 0x2000, .size = 0x2000 },
};

static void test_plain(void)
{
	struct vfiowc_region r;
	struct vfiowc_error err;
	struct answer a;

	put_info(&a, RWM, 2, 0, 0x4000, 2ull << 40);
	CHECK(parse(&a, a.len, &r, &err) == 0, "plain region: %s", err.msg);
	CHECK(r.index == 2 && r.size == 0x4000 && r.offset == 2ull << 40, "plain region fields");
	CHECK(r.readable && r.writable && r.mmappable, "plain region flags");
	CHECK(!r.sparse && !r.msix_mappable && r.nr_areas == 0, "plain region has no caps");

	put_info(&a, VFIO_REGION_INFO_FLAG_READ, 7, 0, 256, 7ull << 40);
	CHECK(parse(&a, a.len, &r, &err) == 0, "config region: %s", err.msg);
	CHECK(r.readable && !r.writable && !r.mmappable, "read-only, not mmap-able");

	/* CAPS set but cap_offset 0: the chain did not fit; not an error. */
	put_info(&a, RWM | CAPS, 0, 0, 0x4000, 0);
	CHECK(parse(&a, a.len, &r, &err) == 0 && !r.sparse, "CAPS without offset: %s", err.msg);

	/* A cap_offset without the CAPS flag is ignored, even a wild one. */
	put_info(&a, RWM, 0, 0xffffff00, 0x4000, 0);
	CHECK(parse(&a, a.len, &r, &err) == 0 && !r.sparse, "offset without CAPS: %s", err.msg);
}

static void test_chains(void)
{
	struct vfiowc_region r;
	struct vfiowc_error err;
	struct answer a;

	/* Sparse mmap (the MSI-X table page left out). */
	put_info(&a, RWM | CAPS, 0, 32, 0x4000, 0);
	put_sparse(&a, 32, 0, 2, two_areas, 2);
	CHECK(parse(&a, a.len, &r, &err) == 0, "sparse: %s", err.msg);
	CHECK(r.sparse && r.nr_areas == 2, "sparse: %u areas", r.nr_areas);
	CHECK(r.areas[0].offset == 0 && r.areas[0].size == 0x1000 &&
	      r.areas[1].offset == 0x2000 && r.areas[1].size == 0x2000, "sparse: area values");
	CHECK(!r.msix_mappable, "sparse: no msix cap");

	/* Sparse -> unknown (type cap, id 2) -> MSI-X mappable. */
	put_info(&a, RWM | CAPS, 0, 32, 0x4000, 0);
	put_sparse(&a, 32, 80, 2, two_areas, 2);   /* ends at 32 + 16 + 32 = 80 */
	put_hdr(&a, 80, 2, 1, 96);
	put_hdr(&a, 96, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, 1, 0);
	CHECK(parse(&a, a.len, &r, &err) == 0, "three caps: %s", err.msg);
	CHECK(r.sparse && r.nr_areas == 2 && r.msix_mappable, "three caps: all seen");

	/* Zero areas: a sparse region with nothing mmap-able. */
	put_info(&a, RWM | CAPS, 0, 32, 0x4000, 0);
	put_sparse(&a, 32, 0, 0, two_areas, 0);
	CHECK(parse(&a, a.len, &r, &err) == 0 && r.sparse && r.nr_areas == 0, "zero areas: %s",
	      err.msg);

	/* Exactly the most areas the library holds. */
	struct vfio_region_sparse_mmap_area many[VFIOWC_MAX_SPARSE_AREAS + 1];

	for (unsigned int i = 0; i <= VFIOWC_MAX_SPARSE_AREAS; i++)
		many[i] = (struct vfio_region_sparse_mmap_area){ .offset = i * 0x1000ull,
								 .size = 0x1000 };
	put_info(&a, RWM | CAPS, 0, 32, 0x100000, 0);
	put_sparse(&a, 32, 0, VFIOWC_MAX_SPARSE_AREAS, many, VFIOWC_MAX_SPARSE_AREAS);
	CHECK(parse(&a, a.len, &r, &err) == 0 && r.nr_areas == VFIOWC_MAX_SPARSE_AREAS,
	      "max areas: %s", err.msg);
	put_sparse(&a, 32, 0, VFIOWC_MAX_SPARSE_AREAS + 1, many, VFIOWC_MAX_SPARSE_AREAS + 1);
	CHECK(parse(&a, a.len, &r, &err) == -E2BIG && err.errnum == E2BIG, "max+1 areas: E2BIG");
	CHECK(strstr(err.msg, WHO ": region 0 lists 17 sparse mmap areas") != NULL,
	      "max+1 message: %s", err.msg);
}

/* Every malformed answer: -EPROTO, a message naming the device, the
 * region and the capability offset, and a zeroed-out sparse result. */
static void expect_malformed(const struct answer *a, size_t len, const char *what,
			     const char *fragment)
{
	struct vfiowc_region r;
	struct vfiowc_error err;
	int ret = parse(a, len, &r, &err);

	CHECK(ret == -EPROTO && err.errnum == EPROTO, "%s: ret %d errnum %d (%s)", what, ret,
	      err.errnum, err.msg);
	CHECK(strncmp(err.msg, WHO ": ", strlen(WHO) + 2) == 0, "%s: message names the device: %s",
	      what, err.msg);
	CHECK(strstr(err.msg, fragment) != NULL, "%s: message '%s' lacks '%s'", what, err.msg,
	      fragment);
}

static void test_malformed(void)
{
	struct answer a;

	put_info(&a, RWM, 0, 0, 0x4000, 0);
	expect_malformed(&a, sizeof(struct vfio_region_info) - 1, "short answer", "too short");
	expect_malformed(&a, 0, "empty answer", "too short");

	put_info(&a, RWM | CAPS, 3, 8, 0x4000, 0);
	expect_malformed(&a, a.len, "cap inside the fixed struct",
			 "region 3: malformed capability chain: capability at offset 8 points back");

	put_info(&a, RWM | CAPS, 0, 4096, 0x4000, 0);
	expect_malformed(&a, a.len, "cap beyond the answer", "offset 4096 is outside");

	put_info(&a, RWM | CAPS, 0, 0xfffffffc, 0x4000, 0);
	expect_malformed(&a, a.len, "cap offset near 4 GiB", "is outside");

	put_info(&a, RWM | CAPS, 0, 32, 0x4000, 0);
	put_hdr(&a, 32, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, 1, 0);
	expect_malformed(&a, 36, "truncated header", "offset 32 is outside");

	put_info(&a, RWM | CAPS, 0, 32, 0x4000, 0);
	put_hdr(&a, 32, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, 1, 32);
	expect_malformed(&a, a.len, "self loop", "points back");

	put_info(&a, RWM | CAPS, 0, 32, 0x4000, 0);
	put_hdr(&a, 32, 2, 1, 40);
	put_hdr(&a, 40, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, 1, 32);
	expect_malformed(&a, a.len, "two-cap loop", "offset 32 points back");

	put_info(&a, RWM | CAPS, 0, 32, 0x4000, 0);
	put_hdr(&a, 32, 2, 1, 36);   /* next inside the current header */
	expect_malformed(&a, a.len, "overlapping header", "offset 36 points back");

	put_info(&a, RWM | CAPS, 0, 32, 0x4000, 0);
	put_sparse(&a, 32, 56, 2, two_areas, 2);   /* next inside its own areas */
	expect_malformed(&a, a.len, "next inside sparse areas", "offset 56 points back");

	put_info(&a, RWM | CAPS, 0, 32, 0x4000, 0);
	put_sparse(&a, 32, 0, 2, two_areas, 2);
	expect_malformed(&a, 32 + 12, "truncated sparse header", "(sparse mmap) is truncated");
	expect_malformed(&a, 32 + 16 + 16, "one area missing", "more areas than the answer holds");

	put_info(&a, RWM | CAPS, 0, 32, 0x4000, 0);
	put_sparse(&a, 32, 0, 0xffffffff, two_areas, 2);
	expect_malformed(&a, a.len, "huge area count", "more areas than the answer holds");
	put_sparse(&a, 32, 0, 0x10000000, two_areas, 2);   /* * 16 wraps a 32-bit size */
	expect_malformed(&a, a.len, "area count that wraps", "more areas than the answer holds");

	static const struct vfio_region_sparse_mmap_area wrap[] = {
		{ .offset = 0xfffffffffffff000ull, .size = 0x2000 },
	};

	put_info(&a, RWM | CAPS, 0, 32, 0x4000, 0);
	put_sparse(&a, 32, 0, 1, wrap, 1);
	expect_malformed(&a, a.len, "wrapping area", "wraps around");

	put_info(&a, RWM | CAPS, 0, 32, 0x4000, 0);
	put_sparse(&a, 32, 0, 2, two_areas, 2);
	a.b[32 + 2] = 0;   /* version 0 */
	expect_malformed(&a, a.len, "sparse version 0", "version 0");

	put_info(&a, RWM | CAPS, 0, 32, 0x4000, 0);
	put_sparse(&a, 32, 80, 2, two_areas, 2);
	put_sparse(&a, 80, 0, 2, two_areas, 2);
	expect_malformed(&a, a.len, "two sparse caps", "second sparse mmap capability");
}

static struct vfiowc_region region(uint64_t size, bool mmap)
{
	struct vfiowc_region r = {
		.index = 2, .readable = true, .writable = true, .mmappable = mmap, .size = size,
		.offset = 2ull << 40,
	};

	return r;
}

static int window(const struct vfiowc_region *r, uint64_t offset, uint64_t *len,
		  struct vfiowc_error *err)
{
	memset(err, 0, sizeof(*err));
	return vfiowc_window_check(r, offset, len, PAGE, WHO, err);
}

static void expect_window_error(const struct vfiowc_region *r, uint64_t offset, uint64_t len,
				const char *fragment)
{
	struct vfiowc_error err;
	uint64_t l = len;

	CHECK(window(r, offset, &l, &err) == -EINVAL && err.errnum == EINVAL,
	      "window 0x%lx+0x%lx accepted", (unsigned long)offset, (unsigned long)len);
	CHECK(strstr(err.msg, fragment) != NULL && strncmp(err.msg, WHO ": ", strlen(WHO) + 2) == 0,
	      "window message '%s' lacks '%s'", err.msg, fragment);
	CHECK(l == len, "a refused window's length changed to 0x%lx", (unsigned long)l);
}

static void test_window(void)
{
	struct vfiowc_region r = region(0x4000, true);
	struct vfiowc_error err;
	uint64_t len;

	len = 0;
	CHECK(window(&r, 0, &len, &err) == 0 && len == 0x4000, "whole region: 0x%lx",
	      (unsigned long)len);
	len = 0;
	CHECK(window(&r, 0x1000, &len, &err) == 0 && len == 0x3000, "to the end: 0x%lx",
	      (unsigned long)len);
	len = 0x10;
	CHECK(window(&r, 0x3000, &len, &err) == 0 && len == 0x1000, "rounded up: 0x%lx",
	      (unsigned long)len);

	struct vfiowc_region small = region(0x100, true);

	len = 0;
	CHECK(window(&small, 0, &len, &err) == 0 && len == PAGE, "small BAR maps one page: 0x%lx",
	      (unsigned long)len);

	expect_window_error(&r, 0x800, 0, "not page-aligned");
	expect_window_error(&r, 0x4000, 0, "beyond the region");
	expect_window_error(&r, 0x1000, 0x3001, "exceeds the region");
	expect_window_error(&r, 0, UINT64_MAX, "exceeds the region");

	struct vfiowc_region empty = region(0, false);
	struct vfiowc_region config = region(256, false);
	struct vfiowc_region huge = region(UINT64_MAX - 10, true);
	struct vfiowc_region neither = region(0x4000, true);

	neither.readable = neither.writable = false;
	expect_window_error(&empty, 0, 0, "region 2 is empty");
	expect_window_error(&config, 0, 0, "region 2 not mmap-able");
	expect_window_error(&neither, 0, 0, "neither readable nor writable");
	expect_window_error(&huge, 0, 0, "absurd");

	struct vfiowc_region sp = region(0x4000, true);

	sp.sparse = true;
	sp.nr_areas = 2;
	sp.areas[0] = (struct vfiowc_sparse_area){ 0x0, 0x1000 };
	sp.areas[1] = (struct vfiowc_sparse_area){ 0x2000, 0x2000 };
	len = 0x1000;
	CHECK(window(&sp, 0, &len, &err) == 0, "first area: %s", err.msg);
	len = 0;
	CHECK(window(&sp, 0x2000, &len, &err) == 0 && len == 0x2000, "second area to the end: %s",
	      err.msg);
	expect_window_error(&sp, 0, 0, "not inside one mmap-able area (areas: 0x0+0x1000; 0x2000+0x2000)");
	expect_window_error(&sp, 0x1000, 0x1000, "not inside one mmap-able area");
	expect_window_error(&sp, 0, 0x3000, "not inside one mmap-able area");

	sp.nr_areas = 0;
	expect_window_error(&sp, 0, 0x1000, "(areas: none)");

	/* Area values that would overflow are never "inside". */
	sp.nr_areas = 1;
	sp.areas[0] = (struct vfiowc_sparse_area){ 0xfffffffffffff000ull, 0xfff };
	expect_window_error(&sp, 0, 0x1000, "not inside");
	sp.areas[0] = (struct vfiowc_sparse_area){ 0x1000, UINT64_MAX - 0x1000 };
	expect_window_error(&sp, 0x1000, 0x1000, "not inside");
}

int main(void)
{
	test_plain();
	test_chains();
	test_malformed();
	test_window();
	return test_exit_status("vfiowc_region");
}
