/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wc-dmabuf-check: VFIO_DEVICE_FEATURE_DMA_BUF on BAR2 of a device bound to
 * vfio-pci, inside a test guest.
 *
 *   wc-dmabuf-check observe BDF
 *       What the driver answers, as "key=value" lines, for the guest script
 *       to compare between the kernel's vfio-pci and drivers/vfio: the
 *       probe, an export of the whole BAR and the size of the dma-buf it
 *       gives, and requests the driver must refuse. A value is "ok", or the
 *       errno's name; "size" is "none (why)" when there is no dma-buf.
 *
 *   wc-dmabuf-check rules BDF
 *       drivers/vfio only: what an export does to BAR2's memory type
 *       (doc/vfio-module.md). One line per check, "NAME PASS", "NAME FAIL
 *       why" or "NAME SKIP why".
 *
 * Exit status 0, 1 when a check failed, 2 on bad usage or when the device
 * cannot be opened. Built static: the guest has busybox and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/vfio.h>
#include <vfio_mmap_attrs.h>

#include "guest_check.h"
#include "vfiowc.h"

#define BAR 2

/*
 * The dma-buf feature (Linux 6.19) as include/uapi/linux/vfio.h of 7.2
 * defines it: linux-libc-dev of Debian 12, which this program builds
 * against, is 6.1 and has none of it.
 */
#ifndef VFIO_DEVICE_FEATURE_DMA_BUF
#define VFIO_DEVICE_FEATURE_DMA_BUF 11

struct vfio_region_dma_range {
	__u64 offset;
	__u64 length;
};

struct vfio_device_feature_dma_buf {
	__u32 region_index;
	__u32 open_flags;
	__u32 flags;
	__u32 nr_ranges;
	struct vfio_region_dma_range dma_ranges[];
};
#endif

/*
 * The ioctl's argument with one range: struct vfio_device_feature, then
 * struct vfio_device_feature_dma_buf, then its range, field by field (both
 * structs end in flexible arrays, which cannot be nested in ISO C).
 */
struct dmabuf_request {
	__u32 argsz;           /* struct vfio_device_feature */
	__u32 flags;
	__u32 region_index;    /* struct vfio_device_feature_dma_buf */
	__u32 open_flags;
	__u32 dmabuf_flags;
	__u32 nr_ranges;
	__u64 offset;          /* its dma_ranges[0] */
	__u64 length;
};
_Static_assert(sizeof(struct dmabuf_request) ==
	       sizeof(struct vfio_device_feature) + sizeof(struct vfio_device_feature_dma_buf) +
	       sizeof(struct vfio_region_dma_range), "dmabuf_request is the kernel's layout");

/* "ok" for 0, else the errno's name ("ENOTTY"). */
static const char *err_name(int err)
{
	static char text[32];
	const char *name;

	if (err == 0)
		return "ok";
	name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(text, sizeof(text), "errno %d", err);
	return text;
}

/*
 * VFIO_DEVICE_FEATURE_DMA_BUF for one range of a region: a probe (flags
 * PROBE | GET, nothing exported) or an export. Returns 0 or the errno; an
 * export's dma-buf fd goes to *dmabuf_fd when it is not NULL, else is closed.
 */
static int dmabuf(int fd, uint32_t flags, uint32_t index, uint64_t offset, uint64_t length,
		  int *dmabuf_fd)
{
	struct dmabuf_request req = {
		.argsz = sizeof(req), .flags = flags | VFIO_DEVICE_FEATURE_DMA_BUF,
		.region_index = index, .open_flags = O_RDWR | O_CLOEXEC, .nr_ranges = 1,
		.offset = offset, .length = length,
	};
	int ret = ioctl(fd, VFIO_DEVICE_FEATURE, &req);

	if (ret < 0)
		return errno;
	if (flags & VFIO_DEVICE_FEATURE_PROBE)
		return 0;
	if (dmabuf_fd)
		*dmabuf_fd = ret;
	else
		close(ret);
	return 0;
}

#define PROBE (VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET)
#define EXPORT VFIO_DEVICE_FEATURE_GET

struct device {
	struct vfiowc_dev *dev;
	int fd;
	struct vfiowc_region bar;	/* BAR2 */
};

/* A fresh open of the device with BAR2's region info read (which in
 * drivers/vfio also makes its mmap-attribute entry); exits 2 on failure. */
static void open_device(const char *bdf, struct device *d)
{
	struct vfiowc_error err;

	d->dev = vfiowc_open(bdf, NULL, &err);
	if (!d->dev || vfiowc_region_info(d->dev, BAR, &d->bar, &err) != 0) {
		printf("error=%s\n", err.msg);
		fprintf(stderr, "wc-dmabuf-check: %s\n", err.msg);
		_exit(2);
	}
	d->fd = vfiowc_device_fd(d->dev);
}

static void observe(const char *bdf)
{
	struct device d;
	int err, buf = -1;
	off_t size;

	open_device(bdf, &d);
	printf("bar-size=%llu\n", (unsigned long long)d.bar.size);
	printf("probe=%s\n", err_name(dmabuf(d.fd, PROBE, BAR, 0, d.bar.size, NULL)));
	err = dmabuf(d.fd, EXPORT, BAR, 0, d.bar.size, &buf);
	printf("export=%s\n", err_name(err));
	if (err) {
		printf("size=none (no dma-buf: %s)\n", err_name(err));
	} else {
		size = lseek(buf, 0, SEEK_END);
		if (size < 0)
			printf("size=none (lseek SEEK_END: %s)\n", err_name(errno));
		else
			printf("size=%lld\n", (long long)size);
		close(buf);
	}
	/* Requests to refuse: past the BAR's end, not page-aligned, a BAR
	 * smaller than a page (BAR0, the registers), a region that is no
	 * BAR (config space), no range, and SET, which the feature lacks. */
	printf("past-end=%s\n", err_name(dmabuf(d.fd, EXPORT, BAR, 0, d.bar.size + 4096, NULL)));
	printf("unaligned=%s\n", err_name(dmabuf(d.fd, EXPORT, BAR, 0, 100, NULL)));
	printf("bar0=%s\n", err_name(dmabuf(d.fd, EXPORT, 0, 0, 4096, NULL)));
	printf("config=%s\n", err_name(dmabuf(d.fd, EXPORT, VFIO_PCI_CONFIG_REGION_INDEX, 0,
					       4096, NULL)));
	printf("zero-length=%s\n", err_name(dmabuf(d.fd, EXPORT, BAR, 0, 0, NULL)));
	printf("set=%s\n", err_name(dmabuf(d.fd, VFIO_DEVICE_FEATURE_SET, BAR, 0, d.bar.size,
					    NULL)));
	vfiowc_close(d.dev);
}

/* NAME PASS when an ioctl's errno is the one wanted; returns whether. */
static bool expect(const char *name, const char *what, int got, int want)
{
	if (got == want) {
		result(name, "PASS", NULL);
		return true;
	}
	result(name, "FAIL", "%s: %s, expected %s", what, err_name(got), err_name(want));
	return false;
}

/* The kernel's release is at least major.minor. */
static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

static void rules(const char *bdf)
{
	struct device d;
	void *map;
	int err;

	if (!kernel_at_least(7, 2)) {
		/* No dma-buf export before 7.2 (6.19 upstream; none of the
		 * series between is supported): the refused request is no use
		 * of the BAR, which stays free for write-combining. */
		open_device(bdf, &d);
		err = dmabuf(d.fd, EXPORT, BAR, 0, d.bar.size, NULL);
		if (err == 0)
			result("dmabuf-export-refused", "FAIL", "exported, on a kernel before 7.2");
		else
			result("dmabuf-export-refused", "PASS", NULL);
		expect("dmabuf-refused-fixes-nothing", "SET_MMAP_ATTRS WC after the export",
		       set_attrs(d.fd, d.bar.offset, VFIO_MMAP_ATTR_WRITE_COMBINE), 0);
		vfiowc_close(d.dev);
		return;
	}

	/* A probe exports nothing and uses nothing. */
	open_device(bdf, &d);
	if (expect("dmabuf-probe", "probe", dmabuf(d.fd, PROBE, BAR, 0, d.bar.size, NULL), 0))
		expect("dmabuf-probe-fixes-nothing", "SET_MMAP_ATTRS WC after the probe",
		       set_attrs(d.fd, d.bar.offset, VFIO_MMAP_ATTR_WRITE_COMBINE), 0);
	vfiowc_close(d.dev);

	/* An export of a BAR not used yet fixes it uncached: WC is then
	 * refused, UC accepted. */
	open_device(bdf, &d);
	if (expect("dmabuf-export-unused-bar", "export",
		   dmabuf(d.fd, EXPORT, BAR, 0, d.bar.size, NULL), 0)) {
		expect("dmabuf-export-fixes-uc", "SET_MMAP_ATTRS WC after the export",
		       set_attrs(d.fd, d.bar.offset, VFIO_MMAP_ATTR_WRITE_COMBINE), EBUSY);
		expect("dmabuf-export-uc-accepted", "SET_MMAP_ATTRS UC after the export",
		       set_attrs(d.fd, d.bar.offset, 0), 0);
	}
	vfiowc_close(d.dev);

	/* An export of a BAR already write-combined (WC set, then mmap) is
	 * accepted and leaves it write-combined. */
	open_device(bdf, &d);
	if (!expect("dmabuf-wc-set", "SET_MMAP_ATTRS WC",
		    set_attrs(d.fd, d.bar.offset, VFIO_MMAP_ATTR_WRITE_COMBINE), 0)) {
		vfiowc_close(d.dev);
		return;
	}
	map = mmap(NULL, d.bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd,
		   (off_t)d.bar.offset);
	if (map == MAP_FAILED) {
		result("dmabuf-wc-mmap", "FAIL", "mmap of the WC BAR: %s", err_name(errno));
		vfiowc_close(d.dev);
		return;
	}
	result("dmabuf-wc-mmap", "PASS", NULL);
	if (expect("dmabuf-export-wc-bar", "export of the WC BAR",
		   dmabuf(d.fd, EXPORT, BAR, 0, d.bar.size, NULL), 0)) {
		expect("dmabuf-wc-bar-stays-wc", "SET_MMAP_ATTRS WC after the export",
		       set_attrs(d.fd, d.bar.offset, VFIO_MMAP_ATTR_WRITE_COMBINE), 0);
		expect("dmabuf-wc-bar-uc-refused", "SET_MMAP_ATTRS UC after the export",
		       set_attrs(d.fd, d.bar.offset, 0), EBUSY);
	}
	munmap(map, d.bar.size);
	vfiowc_close(d.dev);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "observe") == 0)
		observe(argv[2]);
	else if (argc == 3 && strcmp(argv[1], "rules") == 0)
		rules(argv[2]);
	else {
		fprintf(stderr, "usage: wc-dmabuf-check observe|rules BDF\n");
		return 2;
	}
	return failures() ? 1 : 0;
}
