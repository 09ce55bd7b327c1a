/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels this module builds against that the
 * code has to spell out, each guarded by the release that made it, and the
 * list of those kernels. Nothing else in the module tests
 * LINUX_VERSION_CODE.
 */
#ifndef VFIO_PCI_WC_COMPAT_H
#define VFIO_PCI_WC_COMPAT_H

#include <linux/pci.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vfio.h>

#include "vfio_pci_wc.h"

/*
 * The tested kernel series, and only those: every other one may have moved
 * vfio_pci_core under this module (it changed in 6.15, 6.17, 6.19 and 7.2)
 * in a way that compiles and misbehaves. dkms.conf's BUILD_EXCLUSIVE_KERNEL
 * says the same. See doc/vfio-module.md before adding a series.
 */
#define VFIO_PCI_WC_SERIES(a, b)					\
	(LINUX_VERSION_CODE >= KERNEL_VERSION(a, b, 0) &&		\
	 LINUX_VERSION_CODE < KERNEL_VERSION(a, (b) + 1, 0))
#if !(VFIO_PCI_WC_SERIES(6, 1) || VFIO_PCI_WC_SERIES(6, 12) ||	\
	VFIO_PCI_WC_SERIES(7, 2) || VFIO_PCI_WC_SERIES(7, 3))
#error "vfio-pci with mmap attributes supports Linux 6.1.x, 6.12.x, 7.2.x and 7.3.x only (doc/vfio-module.md)"
#endif

/*
 * The iommufd binding ops of a physical device, as stock vfio-pci sets
 * them: bind, unbind and attach since 6.2, detach since 6.6, the PASID
 * attach and detach since 6.15. Kernels built without CONFIG_IOMMUFD (all
 * of Debian's) define them as NULL.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#define VFIO_PCI_WC_IOMMUFD_OPS						\
	.bind_iommufd		= vfio_iommufd_physical_bind,		\
	.unbind_iommufd		= vfio_iommufd_physical_unbind,		\
	.attach_ioas		= vfio_iommufd_physical_attach_ioas,	\
	.detach_ioas		= vfio_iommufd_physical_detach_ioas,	\
	.pasid_attach_ioas	= vfio_iommufd_physical_pasid_attach_ioas, \
	.pasid_detach_ioas	= vfio_iommufd_physical_pasid_detach_ioas,
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
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

/*
 * 6.17: vfio_pci_core_match() calls ops->match_token_uuid (the VF token
 * check) without testing it, so a driver without it oopses at
 * VFIO_GROUP_GET_DEVICE_FD. Stock vfio-pci sets the core's.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define VFIO_PCI_WC_MATCH_TOKEN_OP					\
	.match_token_uuid = vfio_pci_core_match_token_uuid,
#else
#define VFIO_PCI_WC_MATCH_TOKEN_OP
#endif

/*
 * 6.19: vfio_main answers VFIO_DEVICE_GET_REGION_INFO itself through
 * ops->get_region_info_caps (EINVAL without it), and the ioctl never
 * reaches ops->ioctl. The core's answer, as stock vfio-pci gives it, then
 * the region's entry in the offset tree.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
static inline int vfio_pci_wc_get_region_info_caps(struct vfio_device *core_vdev,
						   struct vfio_region_info *info,
						   struct vfio_info_cap *caps)
{
	int ret = vfio_pci_ioctl_get_region_info(core_vdev, info, caps);

	if (ret)
		return ret;
	/* info is the kernel's copy: another thread cannot change the index. */
	return vfio_pci_wc_tree_add(to_wc_device(core_vdev), info->index);
}

#define VFIO_PCI_WC_REGION_INFO_OP					\
	.get_region_info_caps = vfio_pci_wc_get_region_info_caps,

/* Every other ioctl is the core's. */
static inline long vfio_pci_wc_other_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
					   unsigned long arg)
{
	return vfio_pci_core_ioctl(core_vdev, cmd, arg);
}
#else
#define VFIO_PCI_WC_REGION_INFO_OP

/*
 * Before 6.19 VFIO_DEVICE_GET_REGION_INFO comes through ops->ioctl: the
 * core answers it, then the region gets its entry.
 */
static inline long vfio_pci_wc_other_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
					   unsigned long arg)
{
	struct vfio_region_info __user *info = (void __user *)arg;
	u32 index;
	long ret;

	if (cmd != VFIO_DEVICE_GET_REGION_INFO)
		return vfio_pci_core_ioctl(core_vdev, cmd, arg);
	/*
	 * Read before the core reads it again: another thread may rewrite it,
	 * which only gets that caller an entry for a region of its own device
	 * whose size comes from the kernel (vfio_pci_wc_tree.c).
	 */
	if (get_user(index, &info->index))
		return -EFAULT;
	ret = vfio_pci_core_ioctl(core_vdev, cmd, arg);
	if (ret)
		return ret;
	return vfio_pci_wc_tree_add(to_wc_device(core_vdev), index);
}
#endif

/*
 * 6.19: VFIO_DEVICE_FEATURE_DMA_BUF exports a BAR as a dma-buf when the
 * driver gives vdev->pci_ops->get_dmabuf_phys; stock vfio-pci gives the
 * core's. A dma-buf request for a BAR not used yet in this open fixes it
 * uncached, as read() does (vfio_pci_wc_use_bar()): the type of a BAR must
 * not change under a dma-buf of it. Its importers get physical ranges, not
 * the kernel mapping, so a dma-buf of a write-combined BAR is allowed.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
static inline void vfio_pci_wc_set_pci_ops(struct vfio_pci_core_device *vdev)
{
	static const struct vfio_pci_device_ops pci_ops = {
		.get_dmabuf_phys = vfio_pci_core_get_dmabuf_phys,
	};

	vdev->pci_ops = &pci_ops;
}

static inline int vfio_pci_wc_device_feature(struct vfio_device *core_vdev, u32 flags,
					     void __user *arg, size_t argsz)
{
	struct vfio_device_feature_dma_buf __user *req = arg;
	u32 index;
	int ret;

	/* Only a request the core goes on to execute (the core's own test). */
	if ((flags & VFIO_DEVICE_FEATURE_MASK) == VFIO_DEVICE_FEATURE_DMA_BUF &&
	    vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_GET, sizeof(*req)) == 1) {
		if (get_user(index, &req->region_index))
			return -EFAULT;
		if (index < PCI_STD_NUM_BARS) {
			ret = vfio_pci_wc_use_bar(to_wc_device(core_vdev), index);
			if (ret < 0)
				return ret;
		}
	}
	return vfio_pci_core_ioctl_feature(core_vdev, flags, arg, argsz);
}

#define VFIO_PCI_WC_FEATURE_OP .device_feature = vfio_pci_wc_device_feature,
#else
static inline void vfio_pci_wc_set_pci_ops(struct vfio_pci_core_device *vdev)
{
}

#define VFIO_PCI_WC_FEATURE_OP .device_feature = vfio_pci_core_ioctl_feature,
#endif

/*
 * The per-device behaviour bits of the module parameters. 6.12 and older
 * keep them module-wide in the core, set once with
 * vfio_pci_core_set_params(); 7.2 has no such function (it went in a
 * release between 6.13 and 7.2, none of which this module supports), and
 * stock vfio-pci latches them into each device before
 * vfio_pci_core_init_dev().
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 2, 0)
static inline void vfio_pci_wc_set_params(bool nointxmask, bool disable_vga,
					  bool disable_idle_d3)
{
}

static inline void vfio_pci_wc_latch_params(struct vfio_pci_core_device *vdev, bool nointxmask,
					    bool disable_vga, bool disable_idle_d3)
{
	vdev->nointxmask = nointxmask;
	vdev->disable_vga = disable_vga;
	vdev->disable_idle_d3 = disable_idle_d3;
}
#else
static inline void vfio_pci_wc_set_params(bool nointxmask, bool disable_vga,
					  bool disable_idle_d3)
{
	vfio_pci_core_set_params(nointxmask, disable_vga, disable_idle_d3);
}

static inline void vfio_pci_wc_latch_params(struct vfio_pci_core_device *vdev, bool nointxmask,
					    bool disable_vga, bool disable_idle_d3)
{
}
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 2, 0)
/* Every BAR was mapped at open: nothing to claim. */
static inline int vfio_pci_wc_claim_bar(struct vfio_pci_wc_device *wdev, u32 index)
{
	return 0;
}
#else
/*
 * Before 7.2 the core maps a BAR the first time read(), write(), an
 * ioeventfd (added or deleted) or an mmap needs it: vfio_pci_setup_barmap()
 * and the same steps inside vfio_pci_core_mmap() request the region and
 * pci_iomap() it, with no lock. Two threads using a BAR for the first time
 * at once both request the region, and the second fails with EBUSY. This
 * driver takes those first uses under attrs_lock and makes the uncached
 * mapping here, as the core would, so the core finds it made. Called
 * under attrs_lock for a BAR whose type is uncached or not fixed yet.
 */
static inline int vfio_pci_wc_claim_bar(struct vfio_pci_wc_device *wdev, u32 index)
{
	struct vfio_pci_core_device *vdev = &wdev->core;
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *io;
	int ret;

	lockdep_assert_held(&wdev->attrs_lock);
	if (READ_ONCE(vdev->barmap[index]))
		return 0;
	ret = pci_request_selected_regions(pdev, 1 << index, "vfio");
	if (ret)
		return ret;
	io = pci_iomap(pdev, index, 0);
	if (!io) {
		pci_release_selected_regions(pdev, 1 << index);
		return -ENOMEM;
	}
	WRITE_ONCE(vdev->barmap[index], io);
	return 0;
}
#endif

/*
 * Make core.barmap[@index], the kernel's mapping of a BAR not used yet in
 * this open, write-combined (@wc) or uncached again. Called under
 * attrs_lock, with no VFIO_DEVICE_IOEVENTFD call in the core, and only
 * when wdev->kmap_wc[@index] != @wc. The result is checked with
 * vfio_pci_wc_mapping_is_wc(): a WC request the kernel answered with
 * another memory type fails with EBUSY and leaves the BAR uncached.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 2, 0)
/*
 * 7.2 (the vfio pull for 7.2-rc1 replaced vfio_pci_core_setup_barmap() by
 * vfio_pci_core_get_iomap()): vfio_pci_core_enable() requests every BAR
 * and maps it uncached at open (vfio_pci_core_map_bars(); a BAR it could
 * not map holds an ERR_PTR), and the core's users of the mapping take it
 * with vfio_pci_core_get_iomap() when they need it. So the core's mapping is
 * replaced: the region stays requested by the core, the UC mapping is
 * unmapped first (PAT gives a new mapping the type of any mapping of the
 * range that still exists) and the BAR mapped again with the other type,
 * under memory_lock so that no access through the core (ioeventfd writes
 * on other BARs, faults) runs meanwhile. barmap never holds NULL, which
 * vfio_pci_core_get_iomap() would warn about.
 */
static inline int vfio_pci_wc_remap_bar(struct vfio_pci_wc_device *wdev, u32 index, bool wc)
{
	struct vfio_pci_core_device *vdev = &wdev->core;
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *old, *io;
	int nr, ret = 0;

	/*
	 * An ioeventfd keeps the address it was given in the mapping of its
	 * BAR, and the core re-reads the request after this driver looked at
	 * it, so the BAR it holds is not known for sure: no UC mapping is
	 * replaced while the open has one. A WC mapping of a BAR not used yet
	 * never existed while an ioeventfd was being set up (see
	 * vfio_pci_wc_ioeventfd()), so going back to UC stays possible.
	 */
	if (wc) {
		mutex_lock(&vdev->ioeventfds_lock);
		nr = vdev->ioeventfds_nr;
		mutex_unlock(&vdev->ioeventfds_lock);
		if (nr) {
			pci_dbg(pdev, "BAR %u: the open has %d ioeventfd(s), its uncached mapping cannot be replaced\n",
				index, nr);
			return -EBUSY;
		}
	}

	down_write(&vdev->memory_lock);
	/* Under memory_lock: the core's users of barmap read it under it too. */
	old = READ_ONCE(vdev->barmap[index]);
	/* The core could not map this BAR at open; its mmap would fail too. */
	if (IS_ERR_OR_NULL(old)) {
		up_write(&vdev->memory_lock);
		return old ? PTR_ERR(old) : -ENODEV;
	}
	pci_iounmap(pdev, old);
	io = wc ? pci_iomap_wc(pdev, index, 0) : pci_iomap(pdev, index, 0);
	if (wc && (!io || !vfio_pci_wc_mapping_is_wc(io))) {
		if (io) {
			pci_info_ratelimited(pdev, "BAR %u: write-combining refused (EBUSY): the kernel gave the mapping another memory type, that of another mapping of the range (a sysfs resource%u mapping, say); BAR left uncached\n",
					     index, index);
			pci_iounmap(pdev, io);
			ret = -EBUSY;
		} else {
			ret = -ENOMEM;
		}
		/* Back to what the core made at open. */
		io = pci_iomap(pdev, index, 0);
	}
	if (!io) {
		/* As the core leaves a BAR it cannot map: region released, ERR_PTR. */
		dev_warn_ratelimited(&pdev->dev, "cannot map BAR %u again: unusable until the device is closed\n",
				     index);
		pci_release_selected_regions(pdev, 1 << index);
		io = IOMEM_ERR_PTR(-ENOMEM);
		ret = -ENOMEM;
	}
	WRITE_ONCE(vdev->barmap[index], io);
	wdev->kmap_wc[index] = !ret && wc;
	up_write(&vdev->memory_lock);
	return ret;
}
#else
/*
 * Before 7.2 the core maps a BAR the first time it needs it
 * (vfio_pci_setup_barmap(): request the region, pci_iomap()) and uses
 * barmap when it is already there. A WC mapping is created here in its
 * place, before the core; going back to UC removes it, and the core maps
 * the BAR uncached when it needs it.
 */
static inline int vfio_pci_wc_remap_bar(struct vfio_pci_wc_device *wdev, u32 index, bool wc)
{
	struct vfio_pci_core_device *vdev = &wdev->core;
	struct pci_dev *pdev = vdev->pdev;
	/* The core sets barmap without a lock of ours (vfio_pci_setup_barmap()). */
	void __iomem *io = READ_ONCE(vdev->barmap[index]);
	int ret;

	if (!wc) {
		WRITE_ONCE(vdev->barmap[index], NULL);
		pci_iounmap(pdev, io);
		pci_release_selected_regions(pdev, 1 << index);
		wdev->kmap_wc[index] = false;
		return 0;
	}
	/*
	 * The core's own uncached mapping: an ioeventfd request rewritten
	 * while the core ran put it on this BAR (vfio_pci_wc_ioeventfd()).
	 */
	if (io) {
		pci_dbg(pdev, "BAR %u is already mapped uncached by the core in this open\n",
			index);
		return -EBUSY;
	}
	ret = pci_request_selected_regions(pdev, 1 << index, "vfio-pci");
	if (ret)
		return ret;
	io = pci_iomap_wc(pdev, index, 0);
	if (io && !vfio_pci_wc_mapping_is_wc(io)) {
		pci_info_ratelimited(pdev, "BAR %u: write-combining refused (EBUSY): the kernel gave the mapping another memory type, that of another mapping of the range (a sysfs resource%u mapping, say); BAR left uncached\n",
				     index, index);
		/* Undone in full: no mapping, region released, as before. */
		pci_iounmap(pdev, io);
		pci_release_selected_regions(pdev, 1 << index);
		return -EBUSY;
	}
	if (!io) {
		dev_warn_ratelimited(&pdev->dev, "cannot map BAR %u write-combined (a PAT conflict is logged above if that is why)\n",
				     index);
		pci_release_selected_regions(pdev, 1 << index);
		return -ENOMEM;
	}
	wdev->kmap_wc[index] = true;
	WRITE_ONCE(vdev->barmap[index], io);
	return 0;
}
#endif

#endif /* VFIO_PCI_WC_COMPAT_H */
