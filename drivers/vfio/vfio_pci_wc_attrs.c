// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO_DEVICE_SET_MMAP_ATTRS and the mmaps it affects.
 *
 * The x86 PAT trap: the kernel keeps one memory type per physical range,
 * and vfio_pci_core_mmap() creates an uncached-minus kernel mapping of the
 * whole BAR (core.barmap[i], also created by read/write through the device
 * fd) the first time the BAR is used in an open. A user mapping asking for
 * write-combining afterwards is silently given uncached-minus. So a BAR's
 * memory type is chosen once per open, by whatever maps it first: for a
 * write-combining request this driver creates that kernel mapping
 * write-combined itself, before calling the core, and every later mapping
 * of the BAR agrees with it. Asking for the other type afterwards fails
 * with EBUSY, never with a quietly different mapping.
 */
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/uaccess.h>

#include "vfio_pci_wc.h"

/*
 * Only a prefetchable memory BAR may be write-combined: reads without side
 * effects and mergeable writes are what the device promises there. Not the
 * BAR holding the MSI-X table either: the kernel maps the table uncached
 * for its own MSI-X programming, and two memory types for one range is a
 * PAT conflict that fails whichever mapping comes second.
 */
static bool bar_can_wc(struct vfio_pci_wc_device *wdev, u32 index)
{
	struct pci_dev *pdev = wdev->core.pdev;
	unsigned long flags;

	if (index >= PCI_STD_NUM_BARS || index == wdev->core.msix_bar)
		return false;
	flags = pci_resource_flags(pdev, index);
	return (flags & IORESOURCE_MEM) && (flags & IORESOURCE_PREFETCH);
}

/* The BAR's memory type is already fixed in this open, and is not @wc. */
static bool bar_type_conflicts(struct vfio_pci_wc_device *wdev, u32 index, bool wc)
{
	lockdep_assert_held(&wdev->attrs_lock);
	return index < PCI_STD_NUM_BARS && wdev->core.barmap[index] &&
	       wdev->bar_wc[index] != wc;
}

long vfio_pci_wc_set_mmap_attrs(struct vfio_pci_wc_device *wdev,
				struct vfio_mmap_attrs __user *arg)
{
	struct pci_dev *pdev = wdev->core.pdev;
	struct vfio_mmap_attrs req;
	struct vfio_pci_wc_entry *entry;
	bool wc;
	long ret = 0;

	/* The tail padding is not part of the request. */
	if (copy_from_user(&req, arg, offsetofend(struct vfio_mmap_attrs, attrs)))
		return -EFAULT;
	if (req.attrs & ~VFIO_MMAP_ATTR_WRITE_COMBINE) {
		pci_dbg(pdev, "SET_MMAP_ATTRS: unknown attribute bits 0x%x\n",
			req.attrs & ~VFIO_MMAP_ATTR_WRITE_COMBINE);
		return -EINVAL;
	}
	wc = req.attrs & VFIO_MMAP_ATTR_WRITE_COMBINE;

	mutex_lock(&wdev->attrs_lock);
	entry = vfio_pci_wc_tree_find(wdev, req.offset);
	if (!entry || !(entry->flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		pci_dbg(pdev, "SET_MMAP_ATTRS: offset 0x%llx: no mmap-able region whose info was read in this open\n",
			req.offset);
		ret = -EINVAL;
	} else if (wc && !bar_can_wc(wdev, entry->index)) {
		pci_dbg(pdev, "SET_MMAP_ATTRS: region %u is not a prefetchable memory BAR without the MSI-X table: no write-combining\n",
			entry->index);
		ret = -EINVAL;
	} else if (bar_type_conflicts(wdev, entry->index, wc)) {
		pci_dbg(pdev, "SET_MMAP_ATTRS: BAR %u is already mapped %s in this open\n",
			entry->index, wc ? "uncached" : "write-combined");
		ret = -EBUSY;
	} else {
		entry->attrs = req.attrs;
	}
	mutex_unlock(&wdev->attrs_lock);
	return ret;
}

/*
 * Fix BAR @index's memory type for this open before the core maps it, or
 * check that it is already @wc. For write-combining, the kernel mapping
 * the core keeps in barmap is created here, write-combined, and the core
 * then uses it instead of making its own. It stays until the device is
 * closed, even if the mmap that created it fails later on its own
 * arguments: read/write through the device fd may already be using it.
 */
static int claim_bar(struct vfio_pci_wc_device *wdev, u32 index, bool wc)
{
	struct vfio_pci_core_device *vdev = &wdev->core;
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *io;
	int ret;

	if (bar_type_conflicts(wdev, index, wc)) {
		pci_dbg(pdev, "mmap: BAR %u is already mapped %s in this open\n",
			index, wc ? "uncached" : "write-combined");
		return -EBUSY;
	}
	if (vdev->barmap[index] || !wc)
		return 0;	/* agreed, or the core maps it uncached as stock does */

	/* Fails with EBUSY if the core's read/write path requested it meanwhile. */
	ret = pci_request_selected_regions(pdev, 1 << index, "vfio-pci");
	if (ret)
		return ret;
	io = pci_iomap_wc(pdev, index, 0);
	if (!io) {
		pci_warn(pdev, "cannot map BAR %u write-combined (a PAT conflict is logged above if that is why)\n",
			 index);
		pci_release_selected_regions(pdev, 1 << index);
		return -ENOMEM;
	}
	/* Both under attrs_lock, which vfio_pci_wc_write() relies on. */
	wdev->bar_wc[index] = true;
	vdev->barmap[index] = io;
	return 0;
}

int vfio_pci_wc_mmap(struct vfio_device *core_vdev, struct vm_area_struct *vma)
{
	struct vfio_pci_wc_device *wdev = to_wc_device(core_vdev);
	u64 offset = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 index = VFIO_PCI_OFFSET_TO_INDEX(offset);
	/* The core rewrites vm_page_prot (and, on 6.1, vm_pgoff). */
	pgprot_t asked = vma->vm_page_prot;
	struct vfio_pci_wc_entry *entry;
	bool wc;
	int ret = 0;

	mutex_lock(&wdev->attrs_lock);
	entry = vfio_pci_wc_tree_find(wdev, offset);
	wc = entry && (entry->attrs & VFIO_MMAP_ATTR_WRITE_COMBINE);
	if (index < PCI_STD_NUM_BARS)
		ret = claim_bar(wdev, index, wc);
	if (!ret)
		ret = vfio_pci_core_mmap(core_vdev, vma);
	/*
	 * The core set pgprot_noncached(asked), and on x86 the cache-mode
	 * bits can only be added, not replaced, so start again from the
	 * protection the caller asked for. Decrypted as the core's own is:
	 * MMIO is never encrypted memory.
	 */
	if (!ret && wc)
		vma->vm_page_prot = pgprot_decrypted(pgprot_writecombine(asked));
	mutex_unlock(&wdev->attrs_lock);
	return ret;
}

/*
 * write() through the device fd uses barmap, so it is write-combined on a
 * BAR mapped WC. The store fence pushes the data out of the CPU's
 * write-combining buffers before the call returns, as an uncached store
 * would have left; without it the data could sit there until some later
 * serialising event.
 */
ssize_t vfio_pci_wc_write(struct vfio_device *core_vdev, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	struct vfio_pci_wc_device *wdev = to_wc_device(core_vdev);
	u64 index = VFIO_PCI_OFFSET_TO_INDEX((u64)*ppos);
	ssize_t ret = vfio_pci_core_write(core_vdev, buf, count, ppos);
	bool wc;

	if (ret <= 0 || index >= PCI_STD_NUM_BARS)
		return ret;
	/*
	 * claim_bar() publishes a WC barmap and sets bar_wc in one attrs_lock
	 * section. A write that went through that barmap saw it inside or
	 * after the section, and takes the lock here only after the section
	 * ended, so it reads bar_wc true.
	 */
	mutex_lock(&wdev->attrs_lock);
	wc = wdev->bar_wc[index];
	mutex_unlock(&wdev->attrs_lock);
	if (wc)
		wmb();
	return ret;
}

/* At the last close, after the core has unmapped every barmap. */
void vfio_pci_wc_forget_bars(struct vfio_pci_wc_device *wdev)
{
	memset(wdev->bar_wc, 0, sizeof(wdev->bar_wc));
}
