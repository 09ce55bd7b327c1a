/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wc-msix-check: VFIO_DEVICE_SET_MMAP_ATTRS asks write-combining for each
 * prefetchable BAR of the synthetic device of msix-bar-dev/, inside a
 * test guest:
 *
 *   wc-msix-check BDF
 *
 * BAR0 holds the MSI-X table and BAR2 the pending bit array: refused
 * (EINVAL); BAR4 holds neither: granted. One line per check on stdout,
 * "NAME PASS" or "NAME FAIL why"; exit status 1 when a check failed, 2 on
 * bad usage.
 *
 * Built static: the guest has busybox and nothing else.
 */
#include <errno.h>
#include <stdio.h>

#include <vfio_mmap_attrs.h>

#include "guest_check.h"
#include "vfiowc_priv.h"

/* SET_MMAP_ATTRS WC on BAR index: the errno (0: granted) is want. */
static void ask_wc(struct vfiowc_dev *dev, unsigned int index, const char *name, int want)
{
	struct vfiowc_region r;

	/* Reading the region info creates the region's entry in this open. */
	if (region_info(dev, index, &r) < 0)
		return;
	expect_errno(name, set_attrs(dev->device_fd, r.offset, VFIO_MMAP_ATTR_WRITE_COMBINE),
		     want);
}

int main(int argc, char **argv)
{
	struct vfiowc_error err;
	struct vfiowc_dev *dev;

	if (argc != 2) {
		fprintf(stderr, "usage: wc-msix-check BDF\n");
		return 2;
	}
	dev = vfiowc_open(argv[1], NULL, &err);
	if (!dev) {
		result("open", "FAIL", "%s", err.msg);
		return 1;
	}
	ask_wc(dev, 0, "msix-table-bar-ioctl-refused", EINVAL);
	ask_wc(dev, 2, "msix-pba-bar-ioctl-refused", EINVAL);
	ask_wc(dev, 4, "msix-free-bar-ioctl-granted", 0);
	vfiowc_close(dev);
	return failures() ? 1 : 0;
}
