// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO_DEVICE_SET_MMAP_ATTRS, the mmaps it affects, and the other users of
 * a BAR's kernel mapping that its memory type concerns (write(), ioeventfd).
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
	unsigned long flags = pci_resource_flags(wdev->core.pdev, index);

	if (index == wdev->core.msix_bar)
		return false;
	return (flags & IORESOURCE_MEM) && (flags & IORESOURCE_PREFETCH);
}

/* BAR @index's memory type is already fixed in this open, and is not @wc. */
static bool bar_type_conflicts(struct vfio_pci_wc_device *wdev, u32 index, bool wc)
{
	lockdep_assert_held(&wdev->attrs_lock);
	return wdev->core.barmap[index] && wdev->bar_wc[index] != wc;
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
	if (!entry) {
		pci_dbg(pdev, "SET_MMAP_ATTRS: offset 0x%llx: no mmap-able region whose info was read in this open\n",
			req.offset);
		ret = -EINVAL;
	} else if (wc && !bar_can_wc(wdev, entry->index)) {
		pci_dbg(pdev, "SET_MMAP_ATTRS: BAR %u is not prefetchable memory without the MSI-X table: no write-combining\n",
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
 * VFIO_DEVICE_IOEVENTFD. The core's ioeventfd writes go through barmap with
 * no store fence after them, so on a BAR fixed write-combined in this open
 * a doorbell written that way could wait in a write-combining buffer: that
 * request is refused. Deleting an ioeventfd (fd -1), and whatever the core
 * refuses anyway, pass through unchanged.
 *
 * The core reads the request again, and attrs_lock cannot be held across
 * that user copy (see vfio_pci_wc.h). So that a WC mmap of the same BAR
 * cannot fix it between the check here and the core taking barmap,
 * claim_bar() refuses while ioeventfd_setups counts a call for that BAR.
 * A caller rewriting its own request while the ioctl runs can still steer
 * the core to another BAR; that misleads nobody but itself.
 */
long vfio_pci_wc_ioeventfd(struct vfio_pci_wc_device *wdev,
			   struct vfio_device_ioeventfd __user *arg)
{
	const size_t minsz = offsetofend(struct vfio_device_ioeventfd, fd);
	struct vfio_device *core_vdev = &wdev->core.vdev;
	struct vfio_device_ioeventfd req;
	bool wc;
	u64 index;
	long ret;

	if (copy_from_user(&req, arg, minsz))
		return -EFAULT;
	index = VFIO_PCI_OFFSET_TO_INDEX(req.offset);
	if (req.argsz < minsz || req.fd < 0 || index >= PCI_STD_NUM_BARS)
		return vfio_pci_core_ioctl(core_vdev, VFIO_DEVICE_IOEVENTFD, (unsigned long)arg);

	mutex_lock(&wdev->attrs_lock);
	wc = wdev->bar_wc[index];
	if (!wc)
		wdev->ioeventfd_setups[index]++;
	mutex_unlock(&wdev->attrs_lock);
	if (wc) {
		pci_dbg(wdev->core.pdev, "IOEVENTFD: BAR %llu is mapped write-combined in this open, and ioeventfd writes are not fenced\n",
			index);
		return -EBUSY;
	}

	ret = vfio_pci_core_ioctl(core_vdev, VFIO_DEVICE_IOEVENTFD, (unsigned long)arg);

	mutex_lock(&wdev->attrs_lock);
	wdev->ioeventfd_setups[index]--;
	mutex_unlock(&wdev->attrs_lock);
	return ret;
}

/*
 * The core's own checks of a BAR mmap, made before claim_bar() so that a
 * mapping refused for its arguments fixes no memory type. The core makes
 * them again.
 */
static int check_bar_mmap(struct vfio_pci_wc_device *wdev, struct vm_area_struct *vma,
			  u32 index)
{
	struct vfio_pci_core_device *vdev = &wdev->core;
	u64 start = ((u64)vma->vm_pgoff << PAGE_SHIFT) & VFIO_PCI_OFFSET_MASK;
	u64 length = vma->vm_end - vma->vm_start;
	u64 bar_len = pci_resource_len(vdev->pdev, index);

	if (!(vma->vm_flags & VM_SHARED)) {
		pci_dbg(vdev->pdev, "mmap: BAR %u: only MAP_SHARED mappings\n", index);
		return -EINVAL;
	}
	if (!vdev->bar_mmap_supported[index] || start + length > PAGE_ALIGN(bar_len)) {
		pci_dbg(vdev->pdev, "mmap: BAR %u (0x%llx bytes%s): 0x%llx bytes at 0x%llx do not fit\n",
			index, bar_len, vdev->bar_mmap_supported[index] ? "" : ", not mmap-able",
			length, start);
		return -EINVAL;
	}
	return 0;
}

/*
 * Fix BAR @index's memory type for this open before the core maps it, or
 * check that it is already @wc. For write-combining, the kernel mapping
 * the core keeps in barmap is created here, write-combined, and the core
 * then uses it instead of making its own. It stays until the device is
 * closed, even if the core's mmap fails afterwards: read/write through the
 * device fd may be using it as soon as it is published.
 */
static int claim_bar(struct vfio_pci_wc_device *wdev, u32 index, bool wc)
{
	struct vfio_pci_core_device *vdev = &wdev->core;
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *io;
	int ret;

	if (bar_type_conflicts(wdev, index, wc)) {
		/*
		 * Never UC on a WC BAR: its entry asks WC for as long as the BAR
		 * is WC (SET_MMAP_ATTRS refuses to clear it), and an mmap that
		 * passed check_bar_mmap() starts inside its BAR's entry.
		 */
		WARN_ON_ONCE(!wc);
		pci_dbg(pdev, "mmap: BAR %u is already mapped %s in this open\n",
			index, wc ? "uncached" : "write-combined");
		return -EBUSY;
	}
	if (vdev->barmap[index] || !wc)
		return 0;	/* agreed, or the core maps it uncached as stock does */
	if (wdev->ioeventfd_setups[index]) {
		pci_dbg(pdev, "mmap: an ioeventfd being set up on BAR %u fixes it uncached\n", index);
		return -EBUSY;
	}

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
	/*
	 * bar_wc before barmap: the core's read/write path loads barmap
	 * without attrs_lock, and vfio_pci_wc_write() then reads bar_wc
	 * without it too; this smp_wmb() pairs with the smp_rmb() there, so
	 * a write that went through this mapping finds bar_wc set.
	 */
	WRITE_ONCE(wdev->bar_wc[index], true);
	smp_wmb();
	WRITE_ONCE(vdev->barmap[index], io);
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
	if (index < PCI_STD_NUM_BARS) {
		ret = check_bar_mmap(wdev, vma, index);
		if (!ret)
			ret = claim_bar(wdev, index, wc);
	}
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
 * write() through the device fd uses barmap, so on a BAR mapped WC its
 * stores are write-combined: within one call they may be merged and
 * reordered among themselves, and are ordered only at its end. There a
 * store fence pushes them out of the CPU's write-combining buffers before
 * the call returns, as uncached stores would have left, instead of letting
 * them wait for some later serialising event. On x86 wmb() is SFENCE; the
 * core's access path happens to end with a locked instruction too
 * (releasing memory_lock), which also drains those buffers on x86, but
 * that is no promise of its code. On other architectures a lock release
 * does not order MMIO stores at all; wmb() does.
 */
ssize_t vfio_pci_wc_write(struct vfio_device *core_vdev, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	struct vfio_pci_wc_device *wdev = to_wc_device(core_vdev);
	u64 index = VFIO_PCI_OFFSET_TO_INDEX((u64)*ppos);
	ssize_t ret = vfio_pci_core_write(core_vdev, buf, count, ppos);

	if (ret <= 0 || index >= PCI_STD_NUM_BARS)
		return ret;
	/*
	 * The core loaded barmap before its stores. If that was a WC mapping,
	 * claim_bar() set bar_wc before publishing it (smp_wmb() there), and
	 * this read, ordered after that load, sees it. A barmap is neither
	 * replaced nor cleared while the device is open, so bar_wc read false
	 * means the stores went through an uncached mapping.
	 */
	smp_rmb();
	if (READ_ONCE(wdev->bar_wc[index]))
		wmb();
	return ret;
}

/* At the last close, after the core has unmapped every barmap. */
void vfio_pci_wc_forget_bars(struct vfio_pci_wc_device *wdev)
{
	memset(wdev->bar_wc, 0, sizeof(wdev->bar_wc));
}
