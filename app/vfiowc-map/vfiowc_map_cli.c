/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfiowc-map: map one region of a vfio-pci device with the asked memory
 * attribute and print libvfiowc's report as key=value lines, for people
 * and for scripts. Optionally writes a pattern into the first 64-byte
 * line and reads it back, then verifies again: some kernels reserve the
 * user mapping's memory type only when it first faults.
 *
 * Exit status: 0 mapped, 1 the library refused (error= and errno= lines
 * say why), 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_num.h"
#include "vfiowc_priv.h"

#define LINE_WORDS 8   /* one 64-byte line of 8-byte stores */

struct cli {
	const char *bdf;
	unsigned int region;
	enum vfiowc_attr attr;
	unsigned int flags;
	uint64_t offset, length;
	bool write, read, remap;
	enum vfiowc_attr remap_attr;
	uint64_t pattern;
	struct vfiowc_opts opts;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vfiowc-map [options] BDF REGION {uc|wc}\n"
		"  --allow-sysfs-wc      also try sysfs resourceN_wc (root, prefetchable BARs)\n"
		"  --offset N            window offset in the region (page-aligned; default 0)\n"
		"  --length N            window length (default: to the end of the region)\n"
		"  --write-pattern HEX   write the 64-bit value HEX over the first 64 bytes\n"
		"  --read                read back the first 8 bytes\n"
		"  --remap {uc|wc}       then map the same window again in the same open,\n"
		"                        asking this attribute (remap=... lines)\n"
		"  --sysfs-root DIR      instead of /sys\n"
		"  --dev-root DIR        instead of /dev\n"
		"  --pat-list FILE       instead of /sys/kernel/debug/x86/pat_memtype_list\n");
}

static bool parse_attr(const char *s, enum vfiowc_attr *attr)
{
	if (strcmp(s, "uc") == 0)
		*attr = VFIOWC_ATTR_UC;
	else if (strcmp(s, "wc") == 0)
		*attr = VFIOWC_ATTR_WC;
	else
		return false;
	return true;
}

/* 0 parsed, 2 bad usage, -1 help printed. */
static int parse_args(int argc, char **argv, struct cli *c)
{
	enum { O_SYSFS_WC = 256, O_OFFSET, O_LENGTH, O_PATTERN, O_READ, O_REMAP, O_SYSFS, O_DEV,
	       O_PAT };
	static const struct option longopts[] = {
		{ "allow-sysfs-wc", no_argument, NULL, O_SYSFS_WC },
		{ "offset", required_argument, NULL, O_OFFSET },
		{ "length", required_argument, NULL, O_LENGTH },
		{ "write-pattern", required_argument, NULL, O_PATTERN },
		{ "read", no_argument, NULL, O_READ },
		{ "remap", required_argument, NULL, O_REMAP },
		{ "sysfs-root", required_argument, NULL, O_SYSFS },
		{ "dev-root", required_argument, NULL, O_DEV },
		{ "pat-list", required_argument, NULL, O_PAT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t region;
	int opt;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		bool ok = true;

		switch (opt) {
		case O_SYSFS_WC: c->flags |= VFIOWC_MAP_ALLOW_SYSFS_WC; break;
		case O_OFFSET: ok = parse_uint64(optarg, 0, &c->offset); break;
		case O_LENGTH: ok = parse_uint64(optarg, 0, &c->length); break;
		case O_PATTERN: c->write = true; ok = parse_uint64(optarg, 16, &c->pattern); break;
		case O_READ: c->read = true; break;
		case O_REMAP:
			c->remap = true;
			if (!parse_attr(optarg, &c->remap_attr)) {
				fprintf(stderr, "vfiowc-map: --remap takes uc or wc, not '%s'\n", optarg);
				return 2;
			}
			break;
		case O_SYSFS: c->opts.sysfs_root = optarg; break;
		case O_DEV: c->opts.dev_root = optarg; break;
		case O_PAT: c->opts.pat_list = optarg; break;
		case 'h': usage(stdout); return -1;
		default: usage(stderr); return 2;
		}
		if (!ok) {
			fprintf(stderr, "vfiowc-map: bad number '%s'\n", optarg);
			return 2;
		}
	}
	if (argc - optind != 3) {
		usage(stderr);
		return 2;
	}
	c->bdf = argv[optind];
	if (!parse_uint64(argv[optind + 1], 10, &region) || region > UINT32_MAX) {
		fprintf(stderr, "vfiowc-map: bad region '%s'\n", argv[optind + 1]);
		return 2;
	}
	c->region = (unsigned int)region;
	if (!parse_attr(argv[optind + 2], &c->attr)) {
		fprintf(stderr, "vfiowc-map: attribute must be uc or wc, not '%s'\n", argv[optind + 2]);
		return 2;
	}
	return 0;
}

static int fail(const struct vfiowc_error *err)
{
	char name[32];

	printf("error=%s\nerrno=%s\n", err->msg, vfiowc_errno_name(err->errnum, name, sizeof(name)));
	fprintf(stderr, "vfiowc-map: %s\n", err->msg);
	return 1;
}

static void print_report(const struct vfiowc_mapping *m)
{
	const struct vfiowc_report *r = &m->report;

	printf("region=%u\noffset=0x%" PRIx64 "\nlength=0x%zx\n", m->region, m->offset, m->length);
	printf("asked=%s\nobtained=%s\nmethod=%s\nreason=%s\n", vfiowc_attr_name(r->asked),
	       vfiowc_attr_name(r->obtained), vfiowc_method_name(r->method), r->reason);
	printf("verified=%s\nmismatch=%s\n", vfiowc_memtype_name(r->verified),
	       r->mismatch ? "yes" : "no");
	if (r->phys_known)
		printf("phys=0x%" PRIx64 "-0x%" PRIx64 "\n", r->phys_start, r->phys_end);
	else
		printf("phys=unknown\n");
	printf("detail=%s\n", r->detail);
	if (r->mismatch)
		fprintf(stderr, "vfiowc-map: WARNING: %s\n", r->detail);
}

/* Whole-line stores, then a full fence: it drains the WC buffers, so the
 * read-back (and the device) see the line. */
static void write_line(volatile uint64_t *p, uint64_t pattern)
{
	for (unsigned int i = 0; i < LINE_WORDS; i++)
		p[i] = pattern;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	struct vfiowc_error err = { 0 };
	struct vfiowc_mapping m;
	struct vfiowc_dev *dev;
	int ret;

	ret = parse_args(argc, argv, &c);
	if (ret != 0)
		return ret < 0 ? 0 : ret;
	dev = vfiowc_open(c.bdf, &c.opts, &err);
	if (dev == NULL)
		return fail(&err);
	printf("device=%s\n", vfiowc_bdf(dev));
	if (vfiowc_map_region(dev, c.region, c.offset, c.length, c.attr, c.flags, &m, &err) < 0) {
		vfiowc_close(dev);
		return fail(&err);
	}
	if (c.write) {
		struct vfiowc_region r;

		/* A store into a read-only mapping would be a SIGSEGV. */
		if (vfiowc_region_info(dev, c.region, &r, &err) < 0 || !r.writable) {
			if (err.errnum == 0)
				vfiowc_fail(&err, EACCES, vfiowc_bdf(dev), "region %u is read-only",
					    c.region);
			vfiowc_unmap(&m);
			vfiowc_close(dev);
			return fail(&err);
		}
		write_line(m.addr, c.pattern);
		printf("written=0x%016" PRIx64 "\n", c.pattern);
	}
	if (c.read) {
		uint64_t v = *(volatile const uint64_t *)m.addr;

		printf("read=0x%016" PRIx64 "\n", v);
		if (c.write)
			printf("readback=%s\n", v == c.pattern ? "match" : "differ");
	}
	if (c.write || c.read)
		vfiowc_verify(dev, &m);
	print_report(&m);
	if (c.remap) {
		/* A second mapping in the same open: another memory type is EBUSY. */
		struct vfiowc_mapping again;
		char name[32];

		if (vfiowc_map_region(dev, c.region, c.offset, c.length, c.remap_attr, c.flags,
				      &again, &err) < 0) {
			printf("remap_error=%s\nremap_errno=%s\n", err.msg,
			       vfiowc_errno_name(err.errnum, name, sizeof(name)));
		} else {
			printf("remap_obtained=%s\n", vfiowc_attr_name(again.report.obtained));
			vfiowc_unmap(&again);
		}
	}
	vfiowc_unmap(&m);
	vfiowc_close(dev);
	return 0;
}
