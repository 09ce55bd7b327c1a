/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause */
/*
 * VFIO_DEVICE_SET_MMAP_ATTRS, as proposed on the kvm list in the RFC
 * "vfio: Introduce mmap maple tree" (2025-08-04, patch 8/9). No released
 * kernel header defines it. This header restates that ABI for both sides:
 * the vfio-pci module in drivers/vfio implements it, and userspace built
 * against linux-libc-dev 6.1 (libvfiowc) uses it.
 *
 * On the device fd: offset is any offset inside a region whose info was
 * read with VFIO_DEVICE_GET_REGION_INFO in this open of the device; attrs
 * applies to later mmaps of that region. attrs = 0 clears write-combining.
 * Unpatched kernels answer ENOTTY. The number equals the container ioctl
 * VFIO_EEH_PE_OP, which device fds do not implement.
 *
 * A kernel header that defines the ioctl wins over these definitions.
 */
#ifndef VFIO_MMAP_ATTRS_H
#define VFIO_MMAP_ATTRS_H

#include <linux/types.h>
#include <linux/vfio.h>

#ifndef VFIO_DEVICE_SET_MMAP_ATTRS

struct vfio_mmap_attrs {
	__u64 offset;
	__u32 attrs;
#define VFIO_MMAP_ATTR_WRITE_COMBINE (1 << 0)
};

/* No size in the number: the RFC declares it with _IO, like most VFIO
 * ioctls. 0x3B79. */
#define VFIO_DEVICE_SET_MMAP_ATTRS _IO(VFIO_TYPE, VFIO_BASE + 21)

_Static_assert(VFIO_DEVICE_SET_MMAP_ATTRS == 0x3B79, "seed ABI: ioctl number");
_Static_assert(sizeof(struct vfio_mmap_attrs) == 16, "seed ABI: 16 bytes with tail padding");

#endif /* VFIO_DEVICE_SET_MMAP_ATTRS */

#endif /* VFIO_MMAP_ATTRS_H */
