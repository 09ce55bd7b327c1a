/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wc-uapi-check: the mmap-attribute UAPI of drivers/vfio (vfio-pci with
 * VFIO_DEVICE_SET_MMAP_ATTRS) against a real kernel, inside a test guest.
 *
 *   wc-uapi-check uapi BDF HOST_WORD GUEST_WORD
 *   wc-uapi-check revoke BDF HOST_WORD GUEST_WORD
 *
 * BAR2 must be a prefetchable memory BAR whose first 8 bytes the host set
 * to HOST_WORD. One line per check on stdout, "NAME PASS", "NAME FAIL why"
 * or "NAME SKIP why", for the guest script to report. Exit status 1 when
 * a check failed, 2 on bad usage.
 *
 * uapi: every error of the ioctl, the attribute's per-open lifetime, one
 * memory type per BAR per open (EBUSY), the PAT list's verdict on each
 * mapping, the stock uncached mapping when no attribute was set,
 * VFIO_DEVICE_IOEVENTFD refused on a write-combined BAR only, and
 * GUEST_WORD written over BAR2 bytes 64..127 through a WC mapping (and
 * GUEST_WORD ^ 0x5A5A5A5A5A5A5A5A over bytes 128..135 by write()).
 *
 * revoke: a WC mapping is revoked by VFIO_DEVICE_RESET and by clearing the
 * memory enable bit through config space, and faults back in, still WC,
 * showing what the host wrote into the BAR meanwhile (a mailbox the host
 * side of the test answers, below); GUEST_WORD goes to bytes 192..255
 * after the reset and 256..319 after memory is enabled again.
 *
 * Built static: the guest has busybox and nothing else.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <vfio_mmap_attrs.h>

#include "guest_check.h"
#include "vfiowc_priv.h"
#include "wc_store.h"

#define BAR 2
#define IORESOURCE_PREFETCH 0x2000	/* flag bit in sysfs "resource" */

/*
 * The mailbox the host side (test_guest_wc.py) serves while the guest runs:
 * the guest stores a request number at MAILBOX_REQ; the host answers with
 * mailbox_answer(request) at MAILBOX_ANSWER.
 */
#define MAILBOX_REQ 0x1000
#define MAILBOX_ANSWER 0x1008
#define MAILBOX_POLLS 30000	/* 1 ms apart: the host has 30 s to answer */

static uint64_t mailbox_answer(uint64_t host_word, uint64_t request)
{
	return host_word ^ (request * 0x9E3779B97F4A7C15ull);
}

/*
 * VFIO_DEVICE_IOEVENTFD of a 4-byte write at @offset: added with a fresh
 * eventfd (never signalled, so nothing is written; the kernel keeps its
 * own reference), or deleted (fd -1). The errno, 0 on success.
 */
static int ioeventfd(int fd, uint64_t offset, bool add)
{
	struct vfio_device_ioeventfd req = {
		.argsz = sizeof(req),
		.flags = VFIO_DEVICE_IOEVENTFD_32,
		.offset = offset,
		.data = 0x600DF00D,
		.fd = add ? eventfd(0, EFD_CLOEXEC) : -1,
	};
	int err;

	if (add && req.fd < 0)
		return errno;
	err = ioctl(fd, VFIO_DEVICE_IOEVENTFD, &req) == 0 ? 0 : errno;
	if (add)
		close(req.fd);
	return err;
}

/* Where the ioeventfds of these checks write: past the mailbox, unused. */
#define IOEVENTFD_AT 0x2000

struct setup {
	const char *bdf;
	uint64_t host_word;
	uint64_t guest_word;
	uint64_t bar_start, bar_end;	/* BAR2's physical range, end exclusive */
	uint64_t bar_offset;		/* its mmap offset on the device fd */
	uint64_t bar0_offset;		/* BAR0's (registers, not prefetchable) */
	size_t bar_size;
};

/* A fresh open of the device: VFIO_GROUP_GET_DEVICE_FD, nothing else. */
static struct vfiowc_dev *open_dev(const struct setup *s)
{
	struct vfiowc_error err;
	struct vfiowc_dev *dev = vfiowc_open(s->bdf, NULL, &err);

	if (!dev) {
		result("open", "FAIL", "%s", err.msg);
		exit(1);
	}
	return dev;
}

/* What pat_memtype_list says about BAR2: "write-combining", "uncached-minus", ... */
static const char *bar_memtype(const struct setup *s)
{
	return pat_memtype(s->bar_start, s->bar_end);
}

static void expect_memtype(const char *name, const struct setup *s, const char *want)
{
	const char *got = bar_memtype(s);

	if (strcmp(got, want) == 0)
		pass(name);
	else
		result(name, "FAIL", "pat_memtype_list says %s for BAR%d, expected %s", got, BAR,
		       want);
}

/* Is BAR index prefetchable memory, by sysfs "resource"? -1 when unknown. */
static int bar_prefetchable(const char *bdf, unsigned int index)
{
	char path[128], *text, *line;
	uint64_t start, end, flags;
	size_t len;
	int ret = -1;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	if (vfiowc_read_file(path, 4096, &text, &len) < 0)
		return -1;
	line = text;
	for (unsigned int i = 0; line && i < index; i++) {
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	if (line && sscanf(line, "%" SCNx64 " %" SCNx64 " %" SCNx64, &start, &end, &flags) == 3)
		ret = (flags & IORESOURCE_PREFETCH) != 0;
	free(text);
	return ret;
}

static volatile uint64_t *map_bar(int fd, const struct setup *s, size_t length, uint64_t at,
				  int *err)
{
	void *p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       (off_t)(s->bar_offset + at));

	*err = p == MAP_FAILED ? errno : 0;
	return p == MAP_FAILED ? NULL : p;
}

/*
 * Load p and check the value and whether the load page-faulted. A revoked
 * mapping (its page table entries zapped) faults on the next access, which
 * maps it again; a mapping in place does not. The process's own fault
 * counter tells: /proc/self/pagemap and mincore() report nothing for
 * VM_PFNMAP mappings. load_word() has run before, so its own pages are in.
 */
static void expect_load(const char *name, const volatile uint64_t *p, uint64_t want,
			bool want_fault)
{
	struct rusage before, after;
	uint64_t got;
	long faults;
	bool ok;

	getrusage(RUSAGE_SELF, &before);
	ok = load_word(p, &got);
	getrusage(RUSAGE_SELF, &after);
	faults = (after.ru_minflt - before.ru_minflt) + (after.ru_majflt - before.ru_majflt);
	if (!ok)
		result(name, "FAIL", "SIGBUS reading the mapping");
	else if (got != want)
		result(name, "FAIL", "read 0x%016" PRIx64 ", expected 0x%016" PRIx64, got, want);
	else if (want_fault && faults == 0)
		result(name, "FAIL", "no page fault: the mapping was not revoked");
	else if (!want_fault && faults != 0)
		result(name, "FAIL", "%ld page faults: the mapping did not stay in place", faults);
	else
		pass(name);
}

/* Every ioctl error, and what the attribute leaves for later mmaps. */
static void check_errors(int fd, struct vfiowc_dev *dev, const struct setup *s)
{
	struct vfiowc_region r;
	int fd2;

	expect_errno("attrs-efault", ioctl(fd, VFIO_DEVICE_SET_MMAP_ATTRS, NULL) ? errno : 0,
		     EFAULT);
	expect_errno("attrs-before-region-info",
		     set_attrs(fd, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE), EINVAL);
	if (region_info(dev, BAR, &r))
		return;
	expect_errno("attrs-unknown-bit-1", set_attrs(fd, s->bar_offset, 1u << 1), EINVAL);
	expect_errno("attrs-unknown-bit-31", set_attrs(fd, s->bar_offset, 1u << 31), EINVAL);
	expect_errno("attrs-past-region-end",
		     set_attrs(fd, s->bar_offset + s->bar_size, VFIO_MMAP_ATTR_WRITE_COMBINE),
		     EINVAL);
	if (region_info(dev, VFIO_PCI_CONFIG_REGION_INDEX, &r) == 0)
		expect_errno("attrs-not-mmappable", set_attrs(fd, r.offset, 0), EINVAL);

	/* BAR0 of ivshmem: 256 bytes of registers, page-aligned, so mmap-able. */
	if (region_info(dev, 0, &r) == 0) {
		if (!r.mmappable || bar_prefetchable(s->bdf, 0) != 0) {
			result("attrs-wc-non-prefetchable", "SKIP",
			       "BAR0 is not an mmap-able non-prefetchable BAR here");
		} else {
			expect_errno("attrs-wc-non-prefetchable",
				     set_attrs(fd, r.offset, VFIO_MMAP_ATTR_WRITE_COMBINE), EINVAL);
			expect_errno("attrs-uc-non-prefetchable", set_attrs(fd, r.offset, 0), 0);
		}
	}

	/* Any offset inside the region; 0 clears; set again. */
	expect_errno("attrs-inside-region",
		     set_attrs(fd, s->bar_offset + 0x1000, VFIO_MMAP_ATTR_WRITE_COMBINE), 0);
	expect_errno("attrs-clear", set_attrs(fd, s->bar_offset, 0), 0);

	/* The tree belongs to the open, not the fd: a second fd shares it. */
	fd2 = ioctl(dev->group_fd, VFIO_GROUP_GET_DEVICE_FD, s->bdf);
	if (fd2 < 0) {
		result("second-fd-shares-entry", "FAIL", "second VFIO_GROUP_GET_DEVICE_FD: %s",
		       strerror(errno));
		return;
	}
	expect_errno("second-fd-shares-entry",
		     set_attrs(fd2, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE), 0);
	close(fd2);
	expect_errno("entry-outlives-other-fd",
		     set_attrs(fd, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE), 0);
	/* Asking again keeps the entry and its attribute (the mmaps below show it). */
	if (region_info(dev, BAR, &r) == 0)
		pass("region-info-again");
}

/* WC set above: mappings are WC, and the BAR's type is fixed until close. */
static void check_wc_mappings(int fd, const struct setup *s)
{
	volatile uint64_t *bar, *page;
	uint64_t word = s->guest_word ^ 0x5A5A5A5A5A5A5A5Aull, back = 0;
	int err;

	bar = map_bar(fd, s, s->bar_size, 0, &err);
	expect_errno("wc-mmap", err, 0);
	if (!bar)
		return;
	expect_word("wc-reads-host-word", bar, s->host_word);
	expect_memtype("wc-pat-write-combining", s, "write-combining");
	store_line(bar + 8, s->guest_word);
	expect_word("wc-write-reads-back", bar + 8, s->guest_word);

	expect_errno("uc-after-wc-ebusy", set_attrs(fd, s->bar_offset, 0), EBUSY);
	expect_errno("wc-again", set_attrs(fd, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE), 0);
	page = map_bar(fd, s, 4096, 4096, &err);
	expect_errno("second-wc-mmap", err, 0);
	if (page)
		munmap((void *)page, 4096);
	expect_memtype("second-wc-mmap-pat", s, "write-combining");

	/*
	 * An ioeventfd's writes would go through the WC kernel mapping with no
	 * fence: refused. Deleting one still reaches the core, which has none
	 * to delete. BAR0 is uncached in this open, and takes one.
	 */
	expect_errno("ioeventfd-efault", ioctl(fd, VFIO_DEVICE_IOEVENTFD, NULL) ? errno : 0,
		     EFAULT);
	expect_errno("ioeventfd-on-wc-bar-ebusy",
		     ioeventfd(fd, s->bar_offset + IOEVENTFD_AT, true), EBUSY);
	expect_errno("ioeventfd-delete-on-wc-bar-reaches-core",
		     ioeventfd(fd, s->bar_offset + IOEVENTFD_AT, false), ENODEV);
	err = ioeventfd(fd, s->bar0_offset, true);
	expect_errno("ioeventfd-on-uc-bar0-in-wc-open", err, 0);
	if (!err)
		expect_errno("ioeventfd-delete-on-uc-bar0", ioeventfd(fd, s->bar0_offset, false), 0);

	/* write() through the device fd uses the WC kernel mapping, then a fence. */
	if (pwrite(fd, &word, sizeof(word), (off_t)(s->bar_offset + 128)) != sizeof(word))
		result("pwrite-on-wc-bar", "FAIL", "pwrite: %s", strerror(errno));
	else
		expect_word("pwrite-on-wc-bar", bar + 16, word);
	if (pread(fd, &back, sizeof(back), (off_t)(s->bar_offset + 128)) != sizeof(back) ||
	    back != word)
		result("pread-on-wc-bar", "FAIL", "read 0x%016" PRIx64 ": %s", back, strerror(errno));
	else
		pass("pread-on-wc-bar");
	munmap((void *)bar, s->bar_size);
}

static void check_uapi(const struct setup *s)
{
	struct vfiowc_dev *dev = open_dev(s);
	int fd = vfiowc_device_fd(dev);
	struct vfiowc_region r;
	volatile uint64_t *bar;
	uint64_t word;
	int err;

	check_errors(fd, dev, s);
	check_wc_mappings(fd, s);
	vfiowc_close(dev);

	/* A new open: no entries, and the BAR's type is free again. */
	dev = open_dev(s);
	fd = vfiowc_device_fd(dev);
	expect_errno("attrs-gone-after-close",
		     set_attrs(fd, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE), EINVAL);
	if (region_info(dev, BAR, &r) == 0) {
		bar = map_bar(fd, s, s->bar_size, 0, &err);
		expect_errno("uc-entry-mmap", err, 0);
		if (bar) {
			expect_word("uc-entry-reads-host-word", bar, s->host_word);
			expect_memtype("uc-entry-pat-uncached-minus", s, "uncached-minus");
			munmap((void *)bar, s->bar_size);
		}
		expect_errno("wc-after-uc-ebusy",
			     set_attrs(fd, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE), EBUSY);
		expect_errno("uc-again", set_attrs(fd, s->bar_offset, 0), 0);
		err = ioeventfd(fd, s->bar_offset + IOEVENTFD_AT, true);
		expect_errno("ioeventfd-on-uc-bar", err, 0);
		if (!err)
			expect_errno("ioeventfd-delete-on-uc-bar",
				     ioeventfd(fd, s->bar_offset + IOEVENTFD_AT, false), 0);
	}
	vfiowc_close(dev);

	/* No GET_REGION_INFO, so no entry: the stock uncached mapping. */
	dev = open_dev(s);
	bar = map_bar(vfiowc_device_fd(dev), s, s->bar_size, 0, &err);
	expect_errno("no-entry-mmap", err, 0);
	if (bar) {
		expect_word("no-entry-reads-host-word", bar, s->host_word);
		expect_memtype("no-entry-pat-uncached-minus", s, "uncached-minus");
		munmap((void *)bar, s->bar_size);
	}
	vfiowc_close(dev);

	/* read() through the fd maps the BAR uncached in the kernel first. */
	dev = open_dev(s);
	fd = vfiowc_device_fd(dev);
	if (region_info(dev, BAR, &r) == 0) {
		if (pread(fd, &word, sizeof(word), (off_t)s->bar_offset) != sizeof(word))
			result("pread-first", "FAIL", "pread: %s", strerror(errno));
		expect_errno("wc-after-pread-ebusy",
			     set_attrs(fd, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE), EBUSY);
	}
	vfiowc_close(dev);

	/* An ioeventfd maps the BAR uncached in the kernel first, as read() does. */
	dev = open_dev(s);
	fd = vfiowc_device_fd(dev);
	if (region_info(dev, BAR, &r) == 0) {
		err = ioeventfd(fd, s->bar_offset + IOEVENTFD_AT, true);
		expect_errno("ioeventfd-first", err, 0);
		expect_errno("wc-after-ioeventfd-ebusy",
			     set_attrs(fd, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE), EBUSY);
		if (!err)
			expect_errno("ioeventfd-first-delete",
				     ioeventfd(fd, s->bar_offset + IOEVENTFD_AT, false), 0);
	}
	vfiowc_close(dev);

	/* A WC mmap refused for its own arguments fixes no type: UC is still free. */
	dev = open_dev(s);
	fd = vfiowc_device_fd(dev);
	if (region_info(dev, BAR, &r) == 0) {
		void *private;

		expect_errno("wc-before-bad-mmaps",
			     set_attrs(fd, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE), 0);
		private = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
			       (off_t)s->bar_offset);
		expect_errno("wc-mmap-private-einval", private == MAP_FAILED ? errno : 0, EINVAL);
		if (private != MAP_FAILED)
			munmap(private, 4096);
		bar = map_bar(fd, s, s->bar_size + 4096, 0, &err);
		expect_errno("wc-mmap-past-bar-end-einval", err, EINVAL);
		if (bar)
			munmap((void *)bar, s->bar_size + 4096);
		expect_errno("uc-after-refused-wc-mmaps", set_attrs(fd, s->bar_offset, 0), 0);
	}
	vfiowc_close(dev);

	/* WC set, then a read() fixes the type uncached: the mmap refuses. */
	dev = open_dev(s);
	fd = vfiowc_device_fd(dev);
	if (region_info(dev, BAR, &r) == 0) {
		expect_errno("wc-before-pread",
			     set_attrs(fd, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE), 0);
		if (pread(fd, &word, sizeof(word), (off_t)s->bar_offset) != sizeof(word))
			result("pread-first", "FAIL", "pread: %s", strerror(errno));
		bar = map_bar(fd, s, s->bar_size, 0, &err);
		expect_errno("wc-mmap-after-pread-ebusy", err, EBUSY);
		if (bar)
			munmap((void *)bar, s->bar_size);
	}
	vfiowc_close(dev);
}

/*
 * Ask the host for a fresh word through the device fd (write() works
 * while the mapping is revoked), then read the answer through the mapping,
 * which faults back in.
 */
static void check_host_answer(const char *name, int fd, const struct setup *s,
			      const volatile uint64_t *bar, uint64_t request)
{
	uint64_t want = mailbox_answer(s->host_word, request), got = 0;
	struct timespec pause = { .tv_nsec = 1000000 };

	if (pwrite(fd, &request, sizeof(request), (off_t)(s->bar_offset + MAILBOX_REQ)) !=
	    sizeof(request)) {
		result(name, "FAIL", "pwrite of the request: %s", strerror(errno));
		return;
	}
	for (unsigned int i = 0; i < MAILBOX_POLLS; i++) {
		if (!load_word(bar + MAILBOX_ANSWER / 8, &got)) {
			result(name, "FAIL", "SIGBUS reading the mapping");
			return;
		}
		if (got == want) {
			pass(name);
			return;
		}
		nanosleep(&pause, NULL);
	}
	result(name, "FAIL", "no host answer 0x%016" PRIx64 " to request %" PRIu64
	       " (last read 0x%016" PRIx64 ")", want, request, got);
}

static int config_command(int fd, const struct vfiowc_region *cfg, uint16_t *cmd, bool write)
{
	off_t at = (off_t)(cfg->offset + PCI_COMMAND);
	ssize_t n = write ? pwrite(fd, cmd, sizeof(*cmd), at) : pread(fd, cmd, sizeof(*cmd), at);

	return n == sizeof(*cmd) ? 0 : -1;
}

static void check_revoke(const struct setup *s)
{
	struct vfiowc_dev *dev = open_dev(s);
	int fd = vfiowc_device_fd(dev), err;
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfiowc_region r, cfg;
	volatile uint64_t *bar;
	uint16_t cmd;
	uint64_t word;

	if (region_info(dev, BAR, &r) || region_info(dev, VFIO_PCI_CONFIG_REGION_INDEX, &cfg))
		return;
	expect_errno("revoke-wc-attrs",
		     set_attrs(fd, s->bar_offset, VFIO_MMAP_ATTR_WRITE_COMBINE), 0);
	bar = map_bar(fd, s, s->bar_size, 0, &err);
	expect_errno("revoke-wc-mmap", err, 0);
	if (!bar)
		return;
	expect_word("mapped-reads-host-word", bar, s->host_word);
	expect_load("mapped-stays", bar, s->host_word, false);
	expect_memtype("mapped-pat-write-combining", s, "write-combining");

	/* VFIO_DEVICE_RESET zaps every user mapping of the device. */
	if (ioctl(fd, VFIO_DEVICE_GET_INFO, &info) || !(info.flags & VFIO_DEVICE_FLAGS_RESET)) {
		result("reset", "FAIL", "the device offers no reset here");
	} else {
		expect_errno("reset", ioctl(fd, VFIO_DEVICE_RESET) ? errno : 0, 0);
		expect_load("reset-revokes-then-refaults", bar, s->host_word, true);
		check_host_answer("reset-refault-sees-host", fd, s, bar, 1);
		expect_memtype("reset-refault-pat-write-combining", s, "write-combining");
		store_line(bar + 24, s->guest_word);
	}

	/* Clearing the memory enable bit zaps them too, and access is SIGBUS. */
	if (config_command(fd, &cfg, &cmd, false)) {
		result("memory-disable", "FAIL", "config read: %s", strerror(errno));
	} else {
		cmd &= (uint16_t)~PCI_COMMAND_MEMORY;
		expect_errno("memory-disable", config_command(fd, &cfg, &cmd, true) ? errno : 0, 0);
		if (load_word(bar, &word))
			result("memory-disable-revokes", "FAIL", "read 0x%016" PRIx64 ", not SIGBUS",
			       word);
		else
			pass("memory-disable-revokes");
		cmd |= PCI_COMMAND_MEMORY;
		expect_errno("memory-enable", config_command(fd, &cfg, &cmd, true) ? errno : 0, 0);
		expect_load("memory-enable-refaults", bar, s->host_word, true);
		check_host_answer("memory-refault-sees-host", fd, s, bar, 2);
		expect_memtype("memory-refault-pat-write-combining", s, "write-combining");
		store_line(bar + 32, s->guest_word);
	}
	munmap((void *)bar, s->bar_size);
	vfiowc_close(dev);
}

static int parse_u64(const char *text, uint64_t *value)
{
	char *end;

	errno = 0;
	*value = strtoull(text, &end, 0);
	return errno || end == text || *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct setup s = { 0 };
	struct vfiowc_dev *dev;
	struct vfiowc_region r;
	char why[VFIOWC_TEXT_MAX];

	if (argc != 5 || (strcmp(argv[1], "uapi") && strcmp(argv[1], "revoke")) ||
	    parse_u64(argv[3], &s.host_word) || parse_u64(argv[4], &s.guest_word)) {
		fprintf(stderr, "usage: wc-uapi-check uapi|revoke BDF HOST_WORD GUEST_WORD\n");
		return 2;
	}
	s.bdf = argv[2];
	catch_sigbus();

	/* The BAR's place, read in an open that then maps nothing. */
	dev = open_dev(&s);
	if (region_info(dev, BAR, &r))
		return 1;
	s.bar_offset = r.offset;
	s.bar_size = (size_t)r.size;
	if (region_info(dev, 0, &r))
		return 1;
	s.bar0_offset = r.offset;
	if (vfiowc_bar_phys(dev, BAR, &s.bar_start, &s.bar_end, why, sizeof(why)) < 0) {
		result("bar-phys", "FAIL", "%s", why);
		return 1;
	}
	vfiowc_close(dev);

	if (strcmp(argv[1], "uapi") == 0)
		check_uapi(&s);
	else
		check_revoke(&s);
	return failures() ? 1 : 0;
}
