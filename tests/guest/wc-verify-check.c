/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wc-verify-check: write-combining that drivers/vfio verifies or refuses,
 * and write-combining by policy, inside a test guest.
 *
 *   wc-verify-check nopat BDF          (the guest booted with nopat)
 *   wc-verify-check uc-reserved BDF
 *   wc-verify-check policy BDF GUEST_WORD
 *   wc-verify-check no-policy BDF
 *
 * BAR2 must be a prefetchable memory BAR, BAR0 a non-prefetchable one.
 * One line per check on stdout, "NAME PASS", "NAME FAIL why", "NAME SKIP
 * why" (or "NAME INFO what" for the log), for the guest script to report.
 * Exit status 1 when a check failed, 2 on bad usage.
 *
 * nopat: no write-combining without PAT: SET_MMAP_ATTRS WC is EINVAL,
 * uncached still maps, wc_state says uc.
 *
 * uc-reserved: a process (this one) holds an uncached mapping of BAR2
 * through sysfs resource2 (O_SYNC) before the VFIO open. Either the WC
 * request is refused with EBUSY and the PAT list shows no WC for the BAR,
 * or (when requesting the region revoked the sysfs mapping and its
 * reservation) it is granted and the PAT list shows only WC: never a WC
 * answer the PAT list contradicts. Which one is the kernel's doing, so
 * the expectation is per kernel (below).
 *
 * policy: wc_bars is 0x4 (set by the script): an application that never
 * calls the ioctl gets BAR2 WC, with and without reading the region info
 * first, and BAR0 uncached; an explicit attrs = 0 before the mmap still
 * opts out; clearing after the WC mmap is EBUSY. GUEST_WORD is written
 * over BAR2 bytes 512..575 through the policy's WC mapping, for the host.
 * Four opens of the device (the first reads BAR2's range), each applying
 * the policy once.
 *
 * no-policy: wc_bars is 0: the same plain mmap of BAR2 is uncached.
 *
 * Built static: the guest has busybox and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/vfio.h>
#include <vfio_mmap_attrs.h>

#include "guest_check.h"
#include "vfiowc_priv.h"

#define BAR 2
#define GUEST_LINE_AT 512

static const char *bdf;
static uint64_t bar_start, bar_end;

static void expect_text(const char *name, const char *what, const char *got, const char *want)
{
	if (strcmp(got, want) == 0)
		result(name, "PASS", NULL);
	else
		result(name, "FAIL", "%s is %s, expected %s", what, got, want);
}

static struct vfiowc_dev *open_dev(void)
{
	struct vfiowc_error err;
	struct vfiowc_dev *dev = vfiowc_open(bdf, NULL, &err);

	if (!dev) {
		result("open", "FAIL", "%s", err.msg);
		exit(1);
	}
	return dev;
}

/* VFIO_DEVICE_GET_REGION_INFO (which creates the region's entry): its offset. */
static uint64_t region_offset(struct vfiowc_dev *dev, unsigned int index)
{
	struct vfiowc_error err;
	struct vfiowc_region r;

	if (vfiowc_region_info(dev, index, &r, &err) == 0)
		return r.offset;
	result("region-info", "FAIL", "%s", err.msg);
	exit(1);
}

/* The offset stock vfio-pci gives region @index, without asking the kernel. */
static uint64_t legacy_offset(unsigned int index)
{
	return (uint64_t)index << 40;
}

static void *map_at(int fd, uint64_t offset, size_t length, int *err)
{
	void *p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);

	*err = p == MAP_FAILED ? errno : 0;
	return p == MAP_FAILED ? NULL : p;
}

/* What pat_memtype_list says about BAR2: "write-combining", "uncached-minus", "none", ... */
static const char *bar_memtype(void)
{
	return pat_memtype(bar_start, bar_end);
}

static void expect_memtype(const char *name, const char *want)
{
	expect_text(name, "pat_memtype_list's type for BAR2", bar_memtype(), want);
}

/* BAR @index's line of the wc_state attribute: "free", "uc", "wc", or "missing". */
static const char *bar_state(unsigned int index)
{
	static char state[16];
	char path[128], key[16], *text, *line;
	size_t len;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/wc_state", bdf);
	if (vfiowc_read_file(path, 4096, &text, &len) < 0)
		return "missing";
	snprintf(key, sizeof(key), "bar%u ", index);
	strcpy(state, "missing");
	for (line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, key, strlen(key)) == 0) {
			sscanf(line + strlen(key), "%15s", state);
			break;
		}
	}
	free(text);
	return state;
}

static void expect_state(const char *name, unsigned int index, const char *want)
{
	char what[32];

	snprintf(what, sizeof(what), "wc_state of BAR%u", index);
	expect_text(name, what, bar_state(index), want);
}

/* The first number of the running kernel's release. */
static int kernel_major(void)
{
	struct utsname u;

	return uname(&u) == 0 ? atoi(u.release) : 0;
}

static void check_nopat(void)
{
	struct vfiowc_dev *dev = open_dev();
	uint64_t offset = region_offset(dev, BAR);
	size_t size = (size_t)(bar_end - bar_start);
	int err;
	void *p;

	expect_errno("nopat-set-wc-einval", set_attrs(dev->device_fd, offset, VFIO_MMAP_ATTR_WRITE_COMBINE),
		     EINVAL);
	expect_state("nopat-state-free-after-refusal", BAR, "free");
	expect_errno("nopat-set-uc", set_attrs(dev->device_fd, offset, 0), 0);
	p = map_at(dev->device_fd, offset, size, &err);
	expect_errno("nopat-uc-mmap", err, 0);
	expect_state("nopat-state-uc", BAR, "uc");
	if (p)
		munmap(p, size);
	vfiowc_close(dev);
}

static void check_uc_reserved(void)
{
	size_t size = (size_t)(bar_end - bar_start);
	struct vfiowc_dev *dev;
	uint64_t offset;
	char path[128];
	int sysfs_fd, err, busy;
	void *held, *p;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%d", bdf, BAR);
	sysfs_fd = open(path, O_RDWR | O_SYNC);
	held = sysfs_fd < 0 ? MAP_FAILED :
	       mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, sysfs_fd, 0);
	if (held == MAP_FAILED) {
		result("uc-sysfs-map", "FAIL", "%s: %s", path, strerror(errno));
		return;
	}
	(void)*(volatile uint64_t *)held;	/* faulted in, reserved uncached-minus */
	expect_memtype("uc-sysfs-map-uncached", "uncached-minus");

	dev = open_dev();
	offset = region_offset(dev, BAR);
	err = set_attrs(dev->device_fd, offset, VFIO_MMAP_ATTR_WRITE_COMBINE);
	result("uc-set-wc-answer", "INFO", "%s, PAT list %s", err ? strerror(err) : "success",
	       bar_memtype());
	/*
	 * From 7.2 the core requests every BAR at open, while the sysfs mapping
	 * exists: it stays, and so does its uncached-minus reservation, so the
	 * WC kernel mapping comes out uncached-minus and the module must refuse
	 * (EBUSY, its reason in the kernel log, checked by the script). Up to
	 * 6.12 the module requests the region itself on this WC request, which
	 * revokes the sysfs mapping (CONFIG_IO_STRICT_DEVMEM) and drops its
	 * reservation: WC is then really had, and granted.
	 */
	busy = kernel_major() >= 7;
	expect_errno("uc-set-wc-answer-for-this-kernel", err, busy ? EBUSY : 0);
	/* Whatever the answer: never one the PAT list contradicts. */
	if (err == EBUSY) {
		if (strcmp(bar_memtype(), "write-combining") && strcmp(bar_memtype(), "conflict"))
			result("uc-refused-not-wc", "PASS", NULL);
		else
			result("uc-refused-not-wc", "FAIL", "refused, yet the PAT list says %s",
			       bar_memtype());
		expect_state("uc-refused-state-free", BAR, "free");
		expect_errno("uc-refused-set-uc", set_attrs(dev->device_fd, offset, 0), 0);
		p = map_at(dev->device_fd, offset, size, &err);
		expect_errno("uc-refused-uc-mmap", err, 0);
		expect_memtype("uc-refused-uc-mmap-pat", "uncached-minus");
		expect_state("uc-refused-state-uc", BAR, "uc");
	} else if (err == 0) {
		expect_memtype("uc-granted-pat-wc", "write-combining");
		p = map_at(dev->device_fd, offset, size, &err);
		expect_errno("uc-granted-wc-mmap", err, 0);
		expect_memtype("uc-granted-wc-mmap-pat", "write-combining");
		expect_state("uc-granted-state-wc", BAR, "wc");
	} else {
		result("uc-set-wc-errno", "FAIL", "%s, expected EBUSY or success", strerror(err));
		p = NULL;
	}
	if (p)
		munmap(p, size);
	vfiowc_close(dev);
	munmap(held, 4096);
	close(sysfs_fd);
	expect_memtype("uc-all-closed-pat-none", "none");
}

static void check_policy(uint64_t guest_word)
{
	size_t size = (size_t)(bar_end - bar_start);
	struct vfiowc_dev *dev;
	uint64_t offset;
	void *p, *p0;
	int err;

	/* Open 1: as DPDK's PCI bus does, region info then a plain mmap. */
	dev = open_dev();
	expect_state("policy-open-state-free", BAR, "free");
	expect_memtype("policy-open-pat-wc", "write-combining");
	offset = region_offset(dev, BAR);
	p = map_at(dev->device_fd, offset, size, &err);
	expect_errno("policy-plain-mmap", err, 0);
	expect_memtype("policy-plain-mmap-pat-wc", "write-combining");
	expect_state("policy-plain-mmap-state-wc", BAR, "wc");
	if (p)
		store_line((volatile uint64_t *)((char *)p + GUEST_LINE_AT), guest_word);
	p0 = map_at(dev->device_fd, region_offset(dev, 0), 4096, &err);
	expect_errno("policy-bar0-mmap", err, 0);
	expect_state("policy-bar0-state-uc", 0, "uc");
	/* The type of a used BAR is fixed for the open, the policy's too. */
	expect_errno("policy-clear-after-mmap-ebusy", set_attrs(dev->device_fd, offset, 0), EBUSY);
	if (p0)
		munmap(p0, 4096);
	if (p)
		munmap(p, size);
	vfiowc_close(dev);
	expect_state("policy-closed-state-free", BAR, "free");

	/* Open 2: no region info at all, the legacy offset. */
	dev = open_dev();
	p = map_at(dev->device_fd, legacy_offset(BAR), size, &err);
	expect_errno("policy-no-region-info-mmap", err, 0);
	expect_memtype("policy-no-region-info-pat-wc", "write-combining");
	expect_state("policy-no-region-info-state-wc", BAR, "wc");
	if (p)
		munmap(p, size);
	vfiowc_close(dev);

	/* Open 3: an application that knows the UAPI can still ask uncached. */
	dev = open_dev();
	offset = region_offset(dev, BAR);
	expect_errno("policy-opt-out-set-uc", set_attrs(dev->device_fd, offset, 0), 0);
	p = map_at(dev->device_fd, offset, size, &err);
	expect_errno("policy-opt-out-mmap", err, 0);
	expect_memtype("policy-opt-out-pat-uc", "uncached-minus");
	expect_state("policy-opt-out-state-uc", BAR, "uc");
	if (p)
		munmap(p, size);
	vfiowc_close(dev);
}

static void check_no_policy(void)
{
	size_t size = (size_t)(bar_end - bar_start);
	struct vfiowc_dev *dev = open_dev();
	uint64_t offset = region_offset(dev, BAR);
	int err;
	void *p;

	p = map_at(dev->device_fd, offset, size, &err);
	expect_errno("no-policy-plain-mmap", err, 0);
	expect_memtype("no-policy-plain-mmap-pat-uc", "uncached-minus");
	expect_state("no-policy-state-uc", BAR, "uc");
	if (p)
		munmap(p, size);
	vfiowc_close(dev);
}

int main(int argc, char **argv)
{
	char why[VFIOWC_TEXT_MAX], *end;
	struct vfiowc_dev *dev;
	uint64_t guest_word = 0;
	const char *mode;

	if (argc < 3 || (strcmp(argv[1], "policy") == 0) != (argc == 4) || argc > 4) {
		fprintf(stderr, "usage: wc-verify-check nopat|uc-reserved|no-policy BDF\n"
				"       wc-verify-check policy BDF GUEST_WORD\n");
		return 2;
	}
	mode = argv[1];
	bdf = argv[2];
	if (argc == 4) {
		errno = 0;
		guest_word = strtoull(argv[3], &end, 0);
		if (errno || *end) {
			fprintf(stderr, "wc-verify-check: bad GUEST_WORD %s\n", argv[3]);
			return 2;
		}
	}

	/* BAR2's physical range, read in an open that maps nothing. */
	dev = open_dev();
	if (vfiowc_bar_phys(dev, BAR, &bar_start, &bar_end, why, sizeof(why)) < 0) {
		result("bar-phys", "FAIL", "%s", why);
		return 1;
	}
	vfiowc_close(dev);

	if (strcmp(mode, "nopat") == 0)
		check_nopat();
	else if (strcmp(mode, "uc-reserved") == 0)
		check_uc_reserved();
	else if (strcmp(mode, "policy") == 0)
		check_policy(guest_word);
	else if (strcmp(mode, "no-policy") == 0)
		check_no_policy();
	else {
		fprintf(stderr, "wc-verify-check: unknown mode %s\n", mode);
		return 2;
	}
	return failures() ? 1 : 0;
}
