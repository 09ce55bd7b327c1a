/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Getting a VFIO device fd: through the group/container interface (the
 * only one Debian 12's kernels and headers offer), or adopted from a
 * caller that already has one. Nothing here touches a BAR: opening must
 * leave every BAR's memory type unchosen.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "vfiowc_priv.h"

/* vfio-pci has 9 fixed regions plus a few device-specific ones; anything
 * near this bound is a broken answer. */
#define MAX_REGIONS 1024u

struct vfiowc_dev *vfiowc_dev_new(const char *bdf, const struct vfiowc_opts *opts,
				  struct vfiowc_error *err)
{
	const char *sysfs_root = opts != NULL && opts->sysfs_root != NULL ? opts->sysfs_root : "/sys";
	const char *dev_root = opts != NULL && opts->dev_root != NULL ? opts->dev_root : "/dev";
	const char *pat_list = opts != NULL && opts->pat_list != NULL ? opts->pat_list :
			       "/sys/kernel/debug/x86/pat_memtype_list";
	struct vfiowc_dev *dev;

	dev = calloc(1, sizeof(*dev));
	if (dev == NULL) {
		vfiowc_fail(err, ENOMEM, bdf, "out of memory");
		return NULL;
	}
	dev->device_fd = dev->group_fd = dev->container_fd = -1;
	if (vfiowc_bdf_normalize(bdf, dev->bdf) < 0) {
		vfiowc_fail(err, EINVAL, NULL, "'%s': invalid PCI address (expected DDDD:BB:DD.F)",
			    bdf != NULL ? bdf : "(null)");
		free(dev);
		return NULL;
	}
	dev->sysfs_root = strdup(sysfs_root);
	dev->dev_root = strdup(dev_root);
	dev->pat_list = strdup(pat_list);
	if (dev->sysfs_root == NULL || dev->dev_root == NULL || dev->pat_list == NULL) {
		vfiowc_fail(err, ENOMEM, dev->bdf, "out of memory");
		vfiowc_close(dev);
		return NULL;
	}
	return dev;
}

/*
 * Why a group-interface file is absent. Kernels built without the group
 * interface offer only the device cdev and iommufd, which need uAPI
 * definitions (VFIO_DEVICE_BIND_IOMMUFD, ...) the 6.1 headers lack.
 */
static const char *absent_hint(const struct vfiowc_dev *dev, bool container)
{
	char path[PATH_MAX];
	struct stat st;

	if ((vfiowc_path(path, sizeof(path), "%s/vfio/devices", dev->dev_root) == 0 &&
	     stat(path, &st) == 0) ||
	    (vfiowc_path(path, sizeof(path), "%s/iommu", dev->dev_root) == 0 &&
	     stat(path, &st) == 0))
		return "this kernel offers only the VFIO device cdev and iommufd interface "
		       "(/dev/vfio/devices, /dev/iommu), which libvfiowc does not support yet";
	return container ? "the vfio module is not loaded (modprobe vfio-pci)" :
			   "the kernel has no VFIO group file for this IOMMU group";
}

static int open_vfio_file(struct vfiowc_dev *dev, const char *path, bool container,
			  struct vfiowc_error *err)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int e = errno;

	if (fd >= 0)
		return fd;
	switch (e) {
	case ENOENT:
		return vfiowc_fail(err, e, dev->bdf, "%s absent: %s", path,
				   absent_hint(dev, container));
	case EACCES:
	case EPERM:
		return vfiowc_fail(err, e, dev->bdf, "permission denied opening %s", path);
	case EBUSY:
		return vfiowc_fail(err, e, dev->bdf,
				   "%s is busy: another process has this IOMMU group open", path);
	default:
		return vfiowc_fail(err, e, dev->bdf, "cannot open %s: %s", path, strerror(e));
	}
}

static int ioctl_failed(struct vfiowc_dev *dev, const char *what, struct vfiowc_error *err)
{
	int e = errno;

	return vfiowc_fail(err, e, dev->bdf, "%s failed: %s", what, strerror(e));
}

static int open_container(struct vfiowc_dev *dev, struct vfiowc_error *err)
{
	char path[PATH_MAX];
	int ret;

	if (vfiowc_path(path, sizeof(path), "%s/vfio/vfio", dev->dev_root) < 0)
		return vfiowc_fail(err, ENAMETOOLONG, dev->bdf, "/dev path too long");
	ret = open_vfio_file(dev, path, true, err);
	if (ret < 0)
		return ret;
	dev->container_fd = ret;

	ret = ioctl(dev->container_fd, VFIO_GET_API_VERSION);
	if (ret < 0)
		return ioctl_failed(dev, "VFIO_GET_API_VERSION", err);
	if (ret != VFIO_API_VERSION)
		return vfiowc_fail(err, ENOTSUP, dev->bdf, "VFIO API version %d unsupported (expected %d)",
				   ret, VFIO_API_VERSION);
	ret = ioctl(dev->container_fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU);
	if (ret < 0)
		return ioctl_failed(dev, "VFIO_CHECK_EXTENSION(VFIO_TYPE1_IOMMU)", err);
	if (ret == 0)
		return vfiowc_fail(err, ENOTSUP, dev->bdf, "the VFIO container has no Type1 IOMMU");
	return 0;
}

static int open_group(struct vfiowc_dev *dev, unsigned int group, struct vfiowc_error *err)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[PATH_MAX];
	int ret;

	if (vfiowc_path(path, sizeof(path), "%s/vfio/%u", dev->dev_root, group) < 0)
		return vfiowc_fail(err, ENAMETOOLONG, dev->bdf, "/dev path too long");
	ret = open_vfio_file(dev, path, false, err);
	if (ret < 0)
		return ret;
	dev->group_fd = ret;

	if (ioctl(dev->group_fd, VFIO_GROUP_GET_STATUS, &status) != 0)
		return ioctl_failed(dev, "VFIO_GROUP_GET_STATUS", err);
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return vfiowc_fail(err, EBUSY, dev->bdf,
				   "IOMMU group %u not viable: other devices in the group are bound "
				   "to host drivers", group);
	if (ioctl(dev->group_fd, VFIO_GROUP_SET_CONTAINER, &dev->container_fd) != 0)
		return ioctl_failed(dev, "VFIO_GROUP_SET_CONTAINER", err);
	if (ioctl(dev->container_fd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU) != 0)
		return ioctl_failed(dev, "VFIO_SET_IOMMU(VFIO_TYPE1_IOMMU)", err);
	ret = ioctl(dev->group_fd, VFIO_GROUP_GET_DEVICE_FD, dev->bdf);
	if (ret < 0)
		return ioctl_failed(dev, "VFIO_GROUP_GET_DEVICE_FD", err);
	dev->device_fd = ret;
	return 0;
}

/* VFIO_DEVICE_GET_INFO: proves the fd is a vfio-pci device and sizes the
 * per-region state. */
static int read_device_info(struct vfiowc_dev *dev, struct vfiowc_error *err)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	if (ioctl(dev->device_fd, VFIO_DEVICE_GET_INFO, &info) != 0) {
		int e = errno;

		if (dev->adopted)
			return vfiowc_fail(err, e, dev->bdf,
					   "fd %d is not a VFIO device fd (VFIO_DEVICE_GET_INFO: %s)",
					   dev->device_fd, strerror(e));
		return ioctl_failed(dev, "VFIO_DEVICE_GET_INFO", err);
	}
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI))
		return vfiowc_fail(err, ENODEV, dev->bdf, "the VFIO device is not a PCI device");
	if (info.num_regions == 0 || info.num_regions > MAX_REGIONS)
		return vfiowc_fail(err, EPROTO, dev->bdf, "the device reports %u regions",
				   info.num_regions);
	dev->regions = calloc(info.num_regions, sizeof(*dev->regions));
	if (dev->regions == NULL)
		return vfiowc_fail(err, ENOMEM, dev->bdf, "out of memory");
	dev->num_regions = info.num_regions;
	return 0;
}

struct vfiowc_dev *vfiowc_open(const char *bdf, const struct vfiowc_opts *opts,
			       struct vfiowc_error *err)
{
	struct vfiowc_dev *dev = vfiowc_dev_new(bdf, opts, err);
	unsigned int group;

	if (dev == NULL)
		return NULL;
	if (vfiowc_sysfs_check(dev->sysfs_root, dev->bdf, &group, err) < 0 ||
	    open_container(dev, err) < 0 ||
	    open_group(dev, group, err) < 0 ||
	    read_device_info(dev, err) < 0) {
		vfiowc_close(dev);
		return NULL;
	}
	return dev;
}

struct vfiowc_dev *vfiowc_adopt_fd(int device_fd, const char *bdf,
				   const struct vfiowc_opts *opts, struct vfiowc_error *err)
{
	struct vfiowc_dev *dev;

	if (device_fd < 0) {
		vfiowc_fail(err, EBADF, bdf, "invalid device fd %d", device_fd);
		return NULL;
	}
	dev = vfiowc_dev_new(bdf, opts, err);
	if (dev == NULL)
		return NULL;
	dev->device_fd = device_fd;
	dev->adopted = true;
	if (read_device_info(dev, err) < 0) {
		vfiowc_close(dev);
		return NULL;
	}
	return dev;
}

void vfiowc_close(struct vfiowc_dev *dev)
{
	if (dev == NULL)
		return;
	/* Device before group before container: each holds the next. */
	if (dev->device_fd >= 0 && !dev->adopted)
		close(dev->device_fd);
	if (dev->group_fd >= 0)
		close(dev->group_fd);
	if (dev->container_fd >= 0)
		close(dev->container_fd);
	free(dev->regions);
	free(dev->sysfs_root);
	free(dev->dev_root);
	free(dev->pat_list);
	free(dev);
}

int vfiowc_device_fd(const struct vfiowc_dev *dev)
{
	return dev->device_fd;
}

int vfiowc_container_fd(const struct vfiowc_dev *dev)
{
	return dev->container_fd;
}

const char *vfiowc_bdf(const struct vfiowc_dev *dev)
{
	return dev->bdf;
}

unsigned int vfiowc_num_regions(const struct vfiowc_dev *dev)
{
	return dev->num_regions;
}
