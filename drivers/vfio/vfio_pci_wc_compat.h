/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels this module builds against (Debian
 * 12's 6.1 and bookworm-backports' 6.12) that the code has to spell out.
 * Nothing else in the module tests LINUX_VERSION_CODE.
 */
#ifndef VFIO_PCI_WC_COMPAT_H
#define VFIO_PCI_WC_COMPAT_H

#include <linux/version.h>
#include <linux/vfio.h>

/*
 * The iommufd binding ops of a physical device, as stock vfio-pci sets
 * them: bind, unbind and attach since 6.2, detach since 6.6. Kernels built
 * without CONFIG_IOMMUFD (both of Debian's) define them as NULL.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define VFIO_PCI_WC_IOMMUFD_OPS					\
	.bind_iommufd	= vfio_iommufd_physical_bind,		\
	.unbind_iommufd	= vfio_iommufd_physical_unbind,		\
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,	\
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define VFIO_PCI_WC_IOMMUFD_OPS					\
	.bind_iommufd	= vfio_iommufd_physical_bind,		\
	.unbind_iommufd	= vfio_iommufd_physical_unbind,		\
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,
#else
#define VFIO_PCI_WC_IOMMUFD_OPS
#endif

#endif /* VFIO_PCI_WC_COMPAT_H */
