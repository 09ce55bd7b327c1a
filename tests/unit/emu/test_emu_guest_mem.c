/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wcnic-emu's q35 guest-physical translator: the layout QEMU's q35 machine
 * gives a RAM of each size, and what the model's DMA map answers once the
 * RAM is granted: every byte of RAM at its guest-physical address, nothing
 * in the hole below 4 GiB, past the end, across two pieces or overlapping
 * a grant. The "RAM" is address space reserved without access (PROT_NONE):
 * translating never touches it, and a test that did would crash.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

#include "emu_guest_mem.h"
#include "test_check.h"

#define GIB (UINT64_C(1) << 30)
#define MIB (UINT64_C(1) << 20)

static uint8_t *reserve(uint64_t len)
{
	void *p = mmap(NULL, (size_t)len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void check_layout(uint64_t ram, uint64_t low, uint64_t high)
{
	struct guest_mem_layout l;

	CHECK(guest_mem_layout_q35(ram, &l) == 0, "size %#" PRIx64, ram);
	CHECK(l.low.gpa == 0 && l.low.file_off == 0 && l.low.len == low,
	      "size %#" PRIx64 ": low %#" PRIx64 ", expected %#" PRIx64, ram, l.low.len, low);
	CHECK(l.high.len == high, "size %#" PRIx64 ": high %#" PRIx64 ", expected %#" PRIx64,
	      ram, l.high.len, high);
	if (high != 0)
		CHECK(l.high.gpa == 4 * GIB && l.high.file_off == low,
		      "size %#" PRIx64 ": high at %#" PRIx64 " from offset %#" PRIx64, ram,
		      l.high.gpa, l.high.file_off);
	CHECK(guest_mem_gpa_end(&l) == (high != 0 ? 4 * GIB + high : low),
	      "size %#" PRIx64 ": end %#" PRIx64, ram, guest_mem_gpa_end(&l));
}

/* QEMU 7.2 pc_q35.c: all low below 0xB0000000, else 2 GiB low. */
static void test_layouts(void)
{
	struct guest_mem_layout l;

	check_layout(1 * MIB, 1 * MIB, 0);
	check_layout(1 * GIB, 1 * GIB, 0);
	check_layout(UINT64_C(0xB0000000) - 4096, UINT64_C(0xB0000000) - 4096, 0);
	check_layout(UINT64_C(0xB0000000), 2 * GIB, UINT64_C(0x30000000));
	check_layout(3 * GIB, 2 * GIB, 1 * GIB);
	check_layout(64 * GIB, 2 * GIB, 62 * GIB);
	CHECK(guest_mem_layout_q35(0, &l) == -EINVAL, "size 0 accepted");
	/* The top may not reach the AMD HyperTransport hole at 1012 GiB. */
	check_layout(Q35_AMD_HT_START - 4 * GIB + 2 * GIB - 4096, 2 * GIB,
		     Q35_AMD_HT_START - 4 * GIB - 4096);
	CHECK(guest_mem_layout_q35(Q35_AMD_HT_START - 2 * GIB, &l) == -EINVAL,
	      "a RAM reaching the HyperTransport hole accepted");
}

static void expect(const struct wcnic_dma_map *map, uint64_t gpa, uint64_t len,
		   const uint8_t *want, const char *what)
{
	const uint8_t *got = wcnic_dma_translate(map, gpa, len);

	CHECK(got == want, "%s: [%#" PRIx64 ", +%#" PRIx64 ") -> %p, expected %p", what, gpa, len,
	      (const void *)got, (const void *)want);
}

/* RAM that fits below 4 GiB: one piece, guest-physical = file offset. */
static void test_small_ram(void)
{
	const uint64_t size = 256 * MIB;
	struct wcnic_dma_map map;
	struct guest_mem_layout l;
	uint8_t *ram = reserve(size);

	CHECK(ram != NULL, "cannot reserve %" PRIu64 " bytes", size);
	if (ram == NULL)
		return;
	wcnic_dma_map_init(&map);
	CHECK(guest_mem_grant(&map, ram, size, &l) == 0, "grant");
	expect(&map, 0, 64, ram, "first line");
	expect(&map, 0x123440, 2048, ram + 0x123440, "a buffer");
	expect(&map, size - 8, 8, ram + size - 8, "last word");
	expect(&map, 0, size, ram, "the whole RAM");
	expect(&map, size - 8, 9, NULL, "one byte past the end");
	expect(&map, size, 1, NULL, "at the end");
	expect(&map, 4 * GIB, 64, NULL, "where a larger RAM would continue");
	expect(&map, UINT64_MAX - 63, 64, NULL, "top of the address space");
	expect(&map, UINT64_MAX, 2, NULL, "a range that wraps");
	expect(&map, 64, 0, NULL, "zero length");
	munmap(ram, size);
}

/* RAM split around the 32-bit PCI hole: [0, 2G) and [4G, 4G + rest). */
static void test_split_ram(void)
{
	const uint64_t size = 3 * GIB, low = 2 * GIB;
	struct wcnic_dma_map map;
	struct guest_mem_layout l;
	uint8_t *ram = reserve(size);

	CHECK(ram != NULL, "cannot reserve %" PRIu64 " bytes", size);
	if (ram == NULL)
		return;
	wcnic_dma_map_init(&map);
	CHECK(guest_mem_grant(&map, ram, size, &l) == 0, "grant");
	expect(&map, 0x1000, 4096, ram + 0x1000, "low RAM");
	expect(&map, low - 64, 64, ram + low - 64, "last line below the hole");
	expect(&map, low - 64, 65, NULL, "a range running into the hole");
	expect(&map, low, 64, NULL, "the hole's first line");
	expect(&map, UINT64_C(0xB0000000), 64, NULL, "in the hole (MMCONFIG)");
	expect(&map, 4 * GIB - 64, 64, NULL, "the hole's last line");
	expect(&map, 4 * GIB - 64, 128, NULL, "a range from the hole into high RAM");
	expect(&map, 4 * GIB, 64, ram + low, "high RAM starts at file offset 2 GiB");
	expect(&map, 4 * GIB + 0x12345600, 256, ram + low + 0x12345600, "high RAM");
	expect(&map, 5 * GIB - 64, 64, ram + size - 64, "last line of the RAM");
	expect(&map, 5 * GIB - 64, 65, NULL, "one byte past the end");
	expect(&map, 5 * GIB, 64, NULL, "past the end");
	expect(&map, low - 64, 4 * GIB - low + 128, NULL, "a range across the whole hole");
	expect(&map, 0, size, NULL, "the file's size from 0: crosses the split");
	/* File offset 2 GiB is not guest-physical 2 GiB: the hole is not RAM. */
	expect(&map, low + 0x1000, 64, NULL, "file offset used as an address");
	munmap(ram, size);
}

/* Grants never overlap: the RAM cannot be granted twice, nor over
 * another grant; a failed grant leaves the map answering as before. */
static void test_overlaps(void)
{
	const uint64_t size = 3 * GIB;
	struct wcnic_dma_map map;
	struct guest_mem_layout l;
	uint8_t *ram = reserve(size), *other = reserve(64 * MIB);

	CHECK(ram != NULL && other != NULL, "cannot reserve memory");
	if (ram == NULL || other == NULL)
		return;
	wcnic_dma_map_init(&map);
	CHECK(guest_mem_grant(&map, ram, size, &l) == 0, "grant");
	CHECK(guest_mem_grant(&map, ram, size, &l) == -EEXIST, "the same RAM granted twice");
	CHECK(wcnic_dma_grant(&map, 2 * GIB - 4096, other, 8192) == -EEXIST,
	      "a grant overlapping the end of low RAM");
	CHECK(wcnic_dma_grant(&map, 5 * GIB - 4096, other, 8192) == -EEXIST,
	      "a grant overlapping the end of high RAM");
	/* The hole itself is free for other grants (a peer BAR, say). */
	CHECK(wcnic_dma_grant(&map, 3 * GIB, other, 64 * MIB) == 0, "a grant in the hole");
	expect(&map, 3 * GIB + 64, 64, other + 64, "the grant in the hole");
	expect(&map, 2 * GIB - 64, 64, ram + 2 * GIB - 64, "low RAM after the refusals");

	wcnic_dma_map_init(&map);
	CHECK(wcnic_dma_grant(&map, 4 * GIB + 0x100000, other, 4096) == 0, "a grant at 4 GiB");
	CHECK(guest_mem_grant(&map, ram, size, &l) == -EEXIST,
	      "RAM granted over an existing grant in its high piece");
	munmap(ram, size);
	munmap(other, 64 * MIB);
}

int main(void)
{
	test_layouts();
	test_small_ram();
	test_split_ram();
	test_overlaps();
	return test_exit_status("test_emu_guest_mem");
}
