/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfiowc_open() and vfiowc_adopt_fd() against fake sysfs and /dev trees:
 * every step that can be reached without a VFIO kernel must fail with the
 * right errno and a message naming the device and the step.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_tree.h"
#include "vfiowc_priv.h"
#include "test_check.h"

#define BDF "0000:00:04.0"

static struct fake_tree tree;

static struct vfiowc_opts opts(void)
{
	struct vfiowc_opts o = { .sysfs_root = tree.sysfs, .dev_root = tree.dev,
				 .pat_list = tree.pat };

	return o;
}

/* Open bdf in the fake tree; it must fail with errnum and a message that
 * starts with "<prefix>" and contains every fragment. */
static void expect_open_error(const char *what, const char *bdf, int errnum, const char *prefix,
			      const char *frag1, const char *frag2)
{
	struct vfiowc_opts o = opts();
	struct vfiowc_error err = { 0 };
	struct vfiowc_dev *dev = vfiowc_open(bdf, &o, &err);

	CHECK(dev == NULL, "%s: open succeeded", what);
	vfiowc_close(dev);
	CHECK(err.errnum == errnum, "%s: errno %d (%s), want %d", what, err.errnum, err.msg, errnum);
	CHECK(strncmp(err.msg, prefix, strlen(prefix)) == 0, "%s: '%s' does not start with '%s'",
	      what, err.msg, prefix);
	CHECK(frag1 == NULL || strstr(err.msg, frag1) != NULL, "%s: '%s' lacks '%s'", what, err.msg,
	      frag1);
	CHECK(frag2 == NULL || strstr(err.msg, frag2) != NULL, "%s: '%s' lacks '%s'", what, err.msg,
	      frag2);
	printf("ok: %s: %s\n", what, err.msg);
}

static void test_sysfs_steps(void)
{
	expect_open_error("device absent", BDF, ENODEV, BDF ": ", "no such PCI device",
			  "/sys/bus/pci/devices/" BDF " absent");
	expect_open_error("short address", "00:04.0", ENODEV, BDF ": ", "no such PCI device", NULL);
	expect_open_error("invalid address", "00:04", EINVAL, "'00:04': invalid PCI address", NULL,
			  NULL);
	expect_open_error("path in address", "../../x", EINVAL, "'../../x': invalid PCI address",
			  NULL, NULL);
	expect_open_error("NULL address", NULL, EINVAL, "'(null)': invalid PCI address", NULL, NULL);

	CHECK(fake_tree_pci_device(&tree, "0000:00:05.0", NULL, -1), "fake unbound device");
	expect_open_error("unbound", "0000:00:05.0", ENODEV, "0000:00:05.0: ",
			  "not bound to any driver", "vfio-pci");

	CHECK(fake_tree_pci_device(&tree, "0000:00:06.0", "virtio-pci", 3), "fake virtio device");
	expect_open_error("other driver", "0000:00:06.0", EBUSY,
			  "0000:00:06.0: not bound to vfio-pci (driver: virtio-pci)", NULL, NULL);

	CHECK(fake_tree_pci_device(&tree, "0000:00:07.0", "vfio-pci", -1), "fake group-less device");
	expect_open_error("no iommu_group", "0000:00:07.0", ENODEV, "0000:00:07.0: no IOMMU group",
			  "iommu_group absent", "intel_iommu=on");

	CHECK(fake_tree_pci_device(&tree, "0000:00:08.0", "vfio-pci", -1) &&
	      fake_tree_link(&tree, "sys/bus/pci/devices/0000:00:08.0/iommu_group",
			     "../../../kernel/iommu_groups/seven"), "fake odd group");
	expect_open_error("odd iommu_group", "0000:00:08.0", EPROTO, "0000:00:08.0: ",
			  "unexpected IOMMU group link target 'seven'", NULL);
}

static void test_dev_steps(void)
{
	char path[PATH_MAX];

	CHECK(fake_tree_pci_device(&tree, BDF, "vfio-pci", 7), "fake vfio-pci device");

	snprintf(path, sizeof(path), "%s/vfio/vfio absent", tree.dev);
	expect_open_error("/dev/vfio missing", BDF, ENOENT, BDF ": ", path,
			  "vfio module is not loaded");

	/* A kernel with only the cdev interface: say so, do not pretend. */
	CHECK(fake_tree_dir(&tree, "dev/vfio/devices"), "fake /dev/vfio/devices");
	expect_open_error("cdev only", BDF, ENOENT, BDF ": ", path,
			  "cdev and iommufd interface");
	CHECK(rmdir(strcat(strcpy(path, tree.dev), "/vfio/devices")) == 0, "rmdir devices");
	CHECK(fake_tree_file(&tree, "dev/iommu", ""), "fake /dev/iommu");
	expect_open_error("iommufd only", BDF, ENOENT, BDF ": ", "does not support yet", NULL);
	CHECK(unlink(strcat(strcpy(path, tree.dev), "/iommu")) == 0, "unlink iommu");

	/* A container node that is not VFIO: the first ioctl names itself. */
	CHECK(fake_tree_file(&tree, "dev/vfio/vfio", ""), "fake container file");
	expect_open_error("container not VFIO", BDF, ENOTTY, BDF ": VFIO_GET_API_VERSION failed",
			  NULL, NULL);

	/* Root opens anything, so the permission message needs another user. */
	snprintf(path, sizeof(path), "%s/vfio/vfio", tree.dev);
	if (geteuid() != 0) {
		char want[PATH_MAX + 32];

		CHECK(chmod(path, 0) == 0, "chmod container");
		snprintf(want, sizeof(want), "permission denied opening %s", path);
		expect_open_error("no permission", BDF, EACCES, BDF ": ", want, NULL);
	} else {
		printf("note: permission-denied case not run (root opens any file)\n");
	}
}

static void test_adopt(void)
{
	struct vfiowc_opts o = opts();
	struct vfiowc_error err = { 0 };
	struct vfiowc_dev *dev;
	int fd;

	dev = vfiowc_adopt_fd(-1, BDF, &o, &err);
	CHECK(dev == NULL && err.errnum == EBADF && strstr(err.msg, BDF ": invalid device fd -1"),
	      "adopt -1: %s", err.msg);

	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0, "open /dev/null");
	dev = vfiowc_adopt_fd(fd, BDF, &o, &err);
	CHECK(dev == NULL && err.errnum == ENOTTY, "adopt /dev/null: errno %d", err.errnum);
	CHECK(strstr(err.msg, "is not a VFIO device fd") != NULL &&
	      strncmp(err.msg, BDF ": fd ", strlen(BDF ": fd ")) == 0, "adopt message: %s", err.msg);
	/* A refused fd is still the caller's, and still open. */
	CHECK(fcntl(fd, F_GETFD) >= 0, "adopted fd closed after a failed adopt");

	dev = vfiowc_adopt_fd(fd, "nonsense", &o, &err);
	CHECK(dev == NULL && err.errnum == EINVAL, "adopt with a bad address: %s", err.msg);
	CHECK(fcntl(fd, F_GETFD) >= 0, "adopted fd closed after a bad address");
	close(fd);

	/* err may be NULL: failures still return NULL. */
	CHECK(vfiowc_open("0000:ff:1f.7", &o, NULL) == NULL, "open with NULL err");
	CHECK(vfiowc_adopt_fd(-1, BDF, &o, NULL) == NULL, "adopt with NULL err");
	vfiowc_close(NULL);
}

int main(void)
{
	if (!fake_tree_init(&tree)) {
		fprintf(stderr, "cannot create a temporary tree: %s\n", strerror(errno));
		return 1;
	}
	test_sysfs_steps();
	test_dev_steps();
	test_adopt();
	fake_tree_remove(&tree);
	return test_exit_status("vfiowc_open_fake");
}
