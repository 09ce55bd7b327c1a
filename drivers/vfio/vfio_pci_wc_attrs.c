// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO_DEVICE_SET_MMAP_ATTRS, the mmaps it affects, and the other users of
 * a BAR's kernel mapping that its memory type concerns (read(), write(),
 * ioeventfd, dma-buf).
 *
 * The x86 PAT trap: the kernel keeps one memory type per physical range,
 * and the core keeps an uncached-minus kernel mapping of the whole BAR
 * (core.barmap[i]). A user mapping asking for write-combining while that
 * mapping exists is silently given uncached-minus. So a BAR's memory type
 * is chosen once per open, by its first use, and for write-combining the
 * kernel mapping is made write-combined first: SET_MMAP_ATTRS asking WC
 * does it for a BAR not used yet, and every later mapping of the BAR then
 * agrees with it. Before 7.2 the core maps a BAR lazily, and this driver
 * creates that mapping WC before the core does; since 7.2 the core maps
 * every BAR uncached at open, and this driver replaces that mapping
 * (vfio_pci_wc_remap_bar(), vfio_pci_wc_compat.h). Asking for the other
 * type after the first use fails with EBUSY, never with a quietly
 * different mapping.
 */
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/uaccess.h>

#include "vfio_pci_wc.h"
#include "vfio_pci_wc_compat.h"

/*
 * Whether the kernel can write-combine at all. On x86 that is PAT: without
 * it (nopat, or a CPU without it) a WC request is given uncached-minus.
 */
static bool wc_available(void)
{
#ifdef CONFIG_X86
	return pat_enabled();
#else
	return true;
#endif
}

/*
 * Whether @io, a kernel mapping just made with pci_iomap_wc(), is
 * write-combining. On x86, a WC request for a range that PAT already
 * tracks with another type (another mapping of the BAR, in this kernel or
 * in a process) is silently given that type. The mapping's page-table
 * entry says what was obtained: lookup_address() and cachemode2protval()
 * are exported, the memtype tree itself (lookup_memtype()) is not. Other
 * architectures keep no memory type per range that could override
 * pgprot_writecombine().
 */
bool vfio_pci_wc_mapping_is_wc(void __iomem *io)
{
#ifdef CONFIG_X86
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)io, &level);
	pgprotval_t prot;

	if (!pte || !wc_available())
		return false;
	prot = pte_val(*pte);
	/* A huge ioremap keeps its PAT bit where 4K entries have the PFN. */
	if (level != PG_LEVEL_4K)
		prot = protval_large_2_4k(prot);
	return (prot & _PAGE_CACHE_MASK) == cachemode2protval(_PAGE_CACHE_MODE_WC);
#else
	return true;
#endif
}

/*
 * The BARs holding the MSI-X table and the pending bit array, from the
 * capability (read-only fields, read once at probe). The core's msix_bar
 * names the table's BAR only, and only while the device is open.
 */
u8 vfio_pci_wc_msix_bars(struct pci_dev *pdev)
{
	u32 table, pba;

	if (!pdev->msix_cap ||
	    pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE, &table) ||
	    pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_PBA, &pba))
		return 0;
	return BIT(table & PCI_MSIX_TABLE_BIR) | BIT(pba & PCI_MSIX_PBA_BIR);
}

/*
 * Why BAR @index may not be write-combined, or NULL when it may. Only a
 * prefetchable memory BAR: reads without side effects and mergeable writes
 * are what the device promises there. Not the BAR holding the MSI-X table
 * or its pending bit array either: the kernel maps them uncached for its
 * own MSI-X programming, and two memory types for one range is a PAT
 * conflict that fails whichever mapping comes second.
 */
const char *vfio_pci_wc_refusal(struct vfio_pci_wc_device *wdev, u32 index)
{
	struct pci_dev *pdev = wdev->core.pdev;
	unsigned long flags;

	if (index >= PCI_STD_NUM_BARS || !pci_resource_len(pdev, index))
		return "no such BAR";
	if (!wc_available())
		return "the kernel has no write-combining (PAT disabled)";
	flags = pci_resource_flags(pdev, index);
	if (!(flags & IORESOURCE_MEM))
		return "not a memory BAR";
	if (!(flags & IORESOURCE_PREFETCH))
		return "not prefetchable";
	if (wdev->msix_bars & BIT(index))
		return "holds the MSI-X table or pending bit array";
	return NULL;
}

/*
 * Make the kernel mapping of BAR @index, not used yet in this open,
 * write-combined (@wc) or uncached again.
 */
static int set_kernel_mapping(struct vfio_pci_wc_device *wdev, u32 index, bool wc)
{
	lockdep_assert_held(&wdev->attrs_lock);
	if (wdev->kmap_wc[index] == wc)
		return 0;
	/*
	 * The core would take the mapping being replaced for the ioeventfd it
	 * is setting up, which may concern any BAR (vfio_pci_wc_ioeventfd()).
	 */
	if (wdev->ioeventfd_calls) {
		pci_dbg(wdev->core.pdev, "BAR %u: an ioeventfd is being set up in this open\n",
			index);
		return -EBUSY;
	}
	return vfio_pci_wc_remap_bar(wdev, index, wc);
}

/*
 * Fix BAR @index's memory type for this open, or check that it already is
 * @wc, before anything maps or accesses it.
 */
static int fix_bar(struct vfio_pci_wc_device *wdev, u32 index, bool wc)
{
	enum vfio_pci_wc_bar_type want = wc ? VFIO_PCI_WC_BAR_WC : VFIO_PCI_WC_BAR_UC;
	int ret;

	lockdep_assert_held(&wdev->attrs_lock);
	if (wdev->bar_type[index] != VFIO_PCI_WC_BAR_FREE) {
		if (wdev->bar_type[index] == want)
			return 0;
		pci_dbg(wdev->core.pdev, "BAR %u is already used %s in this open\n",
			index, wc ? "uncached" : "write-combined");
		return -EBUSY;
	}
	ret = set_kernel_mapping(wdev, index, wc);
	if (ret)
		return ret;
	wdev->bar_type[index] = want;
	return 0;
}

/*
 * read(), write() and dma-buf export of BAR @index: a BAR not used yet is
 * fixed uncached, one already used keeps its type; an uncached one gets
 * its kernel mapping here (vfio_pci_wc_claim_bar()). Returns the type, or
 * a negative errno.
 */
int vfio_pci_wc_use_bar(struct vfio_pci_wc_device *wdev, u32 index)
{
	int ret = 0;

	mutex_lock(&wdev->attrs_lock);
	if (wdev->bar_type[index] == VFIO_PCI_WC_BAR_FREE)
		ret = fix_bar(wdev, index, false);
	if (!ret && wdev->bar_type[index] == VFIO_PCI_WC_BAR_UC)
		ret = vfio_pci_wc_claim_bar(wdev, index);
	if (!ret)
		ret = wdev->bar_type[index];
	mutex_unlock(&wdev->attrs_lock);
	return ret;
}

long vfio_pci_wc_set_mmap_attrs(struct vfio_pci_wc_device *wdev,
				struct vfio_mmap_attrs __user *arg)
{
	struct pci_dev *pdev = wdev->core.pdev;
	struct vfio_mmap_attrs req;
	struct vfio_pci_wc_entry *entry;
	enum vfio_pci_wc_bar_type type;
	const char *why;
	bool wc;
	long ret;

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
		goto out;
	}
	why = wc ? vfio_pci_wc_refusal(wdev, entry->index) : NULL;
	if (why) {
		pci_dbg(pdev, "SET_MMAP_ATTRS: BAR %u: no write-combining: %s\n",
			entry->index, why);
		ret = -EINVAL;
		goto out;
	}
	type = wdev->bar_type[entry->index];
	if (type == VFIO_PCI_WC_BAR_FREE) {
		/*
		 * The kernel mapping follows the attribute until the BAR is used,
		 * so that a type the kernel cannot give is refused here, where
		 * the caller can still choose the other one.
		 */
		ret = set_kernel_mapping(wdev, entry->index, wc);
	} else if (type != (wc ? VFIO_PCI_WC_BAR_WC : VFIO_PCI_WC_BAR_UC)) {
		pci_dbg(pdev, "SET_MMAP_ATTRS: BAR %u is already used %s in this open\n",
			entry->index, wc ? "uncached" : "write-combined");
		ret = -EBUSY;
	} else {
		ret = 0;
	}
	if (!ret)
		entry->attrs = req.attrs;
out:
	mutex_unlock(&wdev->attrs_lock);
	return ret;
}

/*
 * VFIO_DEVICE_IOEVENTFD. The core's ioeventfd writes go through the BAR's
 * kernel mapping with no store fence after them, so on a BAR fixed
 * write-combined in this open a doorbell written that way could wait in a
 * write-combining buffer: that request is refused. Otherwise an ioeventfd
 * fixes its BAR uncached, like read(). Deleting one (fd -1), and whatever
 * the core refuses anyway, pass through unchanged.
 *
 * The core reads the request again, and attrs_lock cannot be held across
 * that user copy (see vfio_pci_wc.h), so a caller rewriting its request
 * meanwhile can steer the core to another BAR, even turn a deletion into
 * an addition. That misleads nobody but itself as long as no kernel mapping
 * the core may keep in an ioeventfd is ever unmapped before the close:
 * while any call is in the core, no kernel mapping changes
 * (set_kernel_mapping()); a WC mapping of a BAR not used yet is made
 * uncached before every call, so no ioeventfd can hold one; and since 7.2,
 * where an uncached mapping is replaced rather than created,
 * vfio_pci_wc_remap_bar() replaces none while the open has an ioeventfd.
 */
long vfio_pci_wc_ioeventfd(struct vfio_pci_wc_device *wdev,
			   struct vfio_device_ioeventfd __user *arg)
{
	const size_t minsz = offsetofend(struct vfio_device_ioeventfd, fd);
	struct vfio_device_ioeventfd req;
	u64 index;
	long ret = 0;
	u32 i;

	if (copy_from_user(&req, arg, minsz))
		return -EFAULT;
	index = VFIO_PCI_OFFSET_TO_INDEX(req.offset);

	mutex_lock(&wdev->attrs_lock);
	if (req.argsz >= minsz && req.fd >= 0 && index < PCI_STD_NUM_BARS) {
		if (wdev->bar_type[index] == VFIO_PCI_WC_BAR_WC) {
			pci_dbg(wdev->core.pdev, "IOEVENTFD: BAR %llu is mapped write-combined in this open, and ioeventfd writes are not fenced\n",
				index);
			ret = -EBUSY;
		} else {
			ret = fix_bar(wdev, index, false);
		}
	}
	/*
	 * The core maps the request's BAR for additions and deletions alike
	 * (before 7.2): its first use is claimed here, under the lock. A
	 * write-combined BAR is mapped already.
	 */
	if (!ret && req.argsz >= minsz && index < PCI_STD_NUM_BARS &&
	    (u64)(req.offset & VFIO_PCI_OFFSET_MASK) < pci_resource_len(wdev->core.pdev, index) &&
	    wdev->bar_type[index] != VFIO_PCI_WC_BAR_WC)
		ret = vfio_pci_wc_claim_bar(wdev, index);
	if (!ret) {
		/*
		 * Going back to UC leaves no WC mapping behind even when it
		 * fails: the BAR then has no mapping at all (7.2 and later),
		 * which no ioeventfd can hold either. So it refuses nothing,
		 * a deletion least of all.
		 */
		for (i = 0; i < PCI_STD_NUM_BARS; i++) {
			if (wdev->bar_type[i] == VFIO_PCI_WC_BAR_FREE)
				set_kernel_mapping(wdev, i, false);
		}
		wdev->ioeventfd_calls++;
	}
	mutex_unlock(&wdev->attrs_lock);
	if (ret)
		return ret;

	ret = vfio_pci_core_ioctl(&wdev->core.vdev, VFIO_DEVICE_IOEVENTFD, (unsigned long)arg);

	mutex_lock(&wdev->attrs_lock);
	wdev->ioeventfd_calls--;
	mutex_unlock(&wdev->attrs_lock);
	return ret;
}

/*
 * The core's own checks of a BAR mmap, made before fix_bar() so that a
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

int vfio_pci_wc_mmap(struct vfio_device *core_vdev, struct vm_area_struct *vma)
{
	struct vfio_pci_wc_device *wdev = to_wc_device(core_vdev);
	u64 offset = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 index = VFIO_PCI_OFFSET_TO_INDEX(offset);
	/* The core rewrites vm_page_prot (and, on 6.1, vm_pgoff). */
	pgprot_t asked = vma->vm_page_prot;
	struct vfio_pci_wc_entry *entry;
	bool wc = false;
	int ret = 0;

	mutex_lock(&wdev->attrs_lock);
	if (index < PCI_STD_NUM_BARS) {
		/* An entry is sized to its own region, but only ever trust its index. */
		entry = vfio_pci_wc_tree_find(wdev, offset);
		if (entry && entry->index != index)
			entry = NULL;
		/* No entry (region info never read): as the policy set it at open. */
		wc = entry ? entry->attrs & VFIO_MMAP_ATTR_WRITE_COMBINE :
			     wdev->policy_wc & BIT(index);
		ret = check_bar_mmap(wdev, vma, index);
		if (!ret && wc && vfio_pci_wc_refusal(wdev, index)) {
			pci_dbg(wdev->core.pdev, "mmap: BAR %u: no write-combining: %s\n",
				(u32)index, vfio_pci_wc_refusal(wdev, index));
			ret = -EINVAL;
		}
		if (!ret)
			ret = fix_bar(wdev, index, wc);
	}
	if (!ret)
		ret = vfio_pci_core_mmap(core_vdev, vma);
	/*
	 * The core set pgprot_noncached(asked), and on x86 the cache-mode
	 * bits can only be added, not replaced, so start again from the
	 * protection the caller asked for. Decrypted as the core's own is:
	 * MMIO is never encrypted memory. On x86 the page-table entries then
	 * take the type PAT tracks for the BAR, that of the WC kernel mapping.
	 */
	if (!ret && wc)
		vma->vm_page_prot = pgprot_decrypted(pgprot_writecombine(asked));
	mutex_unlock(&wdev->attrs_lock);
	return ret;
}

/*
 * The BAR a read() or write() at *@ppos of @count bytes goes through the
 * kernel mapping of, or PCI_STD_NUM_BARS when it reaches none (another
 * region, or one the core refuses before mapping anything).
 */
static u32 rw_bar(struct vfio_pci_wc_device *wdev, size_t count, loff_t *ppos)
{
	u64 index = VFIO_PCI_OFFSET_TO_INDEX((u64)*ppos);
	u64 pos = (u64)*ppos & VFIO_PCI_OFFSET_MASK;

	if (!count || index >= PCI_STD_NUM_BARS ||
	    pos >= pci_resource_len(wdev->core.pdev, index))
		return PCI_STD_NUM_BARS;
	return index;
}

ssize_t vfio_pci_wc_read(struct vfio_device *core_vdev, char __user *buf,
			 size_t count, loff_t *ppos)
{
	struct vfio_pci_wc_device *wdev = to_wc_device(core_vdev);
	u32 index = rw_bar(wdev, count, ppos);
	int ret;

	if (index < PCI_STD_NUM_BARS) {
		ret = vfio_pci_wc_use_bar(wdev, index);
		if (ret < 0)
			return ret;
	}
	return vfio_pci_core_read(core_vdev, buf, count, ppos);
}

/*
 * write() through the device fd uses the kernel mapping, so on a BAR mapped
 * WC its stores are write-combined: within one call they may be merged and
 * reordered among themselves, and are ordered only at its end. There a
 * store fence pushes them out of the CPU's write-combining buffers before
 * the call returns, as uncached stores would have left, instead of letting
 * them wait for some later serialising event. On x86 wmb() is SFENCE; the
 * core's access path happens to end with a locked instruction too
 * (releasing memory_lock), which also drains those buffers on x86, but
 * that is no promise of its code. On other architectures a lock release
 * does not order MMIO stores at all; wmb() does. The fence comes on every
 * return, errors included: the core may have stored part of the buffer
 * before failing (a fault in the user buffer, say).
 */
ssize_t vfio_pci_wc_write(struct vfio_device *core_vdev, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	struct vfio_pci_wc_device *wdev = to_wc_device(core_vdev);
	u32 index = rw_bar(wdev, count, ppos);
	bool wc = false;
	ssize_t ret;

	if (index < PCI_STD_NUM_BARS) {
		/* Fixed from here to the close, so still the type the core used. */
		ret = vfio_pci_wc_use_bar(wdev, index);
		if (ret < 0)
			return ret;
		wc = ret == VFIO_PCI_WC_BAR_WC;
	}
	ret = vfio_pci_core_write(core_vdev, buf, count, ppos);
	if (wc)
		wmb();	/* the stores above leave the write-combining buffers */
	return ret;
}

/* At the last close, after the core has unmapped every BAR. */
void vfio_pci_wc_forget_bars(struct vfio_pci_wc_device *wdev)
{
	memset(wdev->bar_type, 0, sizeof(wdev->bar_type));
	memset(wdev->kmap_wc, 0, sizeof(wdev->kmap_wc));
	wdev->policy_wc = 0;
}

/*
 * At open, before anything can use a BAR: the BARs of the policy (sysfs
 * wc_bars, module parameter wc_policy) start write-combined, as after
 * VFIO_DEVICE_SET_MMAP_ATTRS WC. Their entries are created with the
 * attribute set (vfio_pci_wc_tree_add()), and an mmap without an entry
 * follows the policy too, so an application that never calls the ioctl
 * maps them WC. A BAR the kernel will not give WC stays uncached, with a
 * reason logged. One line per open says what was done.
 */
void vfio_pci_wc_apply_policy(struct vfio_pci_wc_device *wdev)
{
	struct pci_dev *pdev = wdev->core.pdev;
	u32 asked = READ_ONCE(wdev->wc_bars), done = 0, index;
	const char *why;

	if (!asked)
		return;
	mutex_lock(&wdev->attrs_lock);
	for (index = 0; index < PCI_STD_NUM_BARS; index++) {
		if (!(asked & BIT(index)))
			continue;
		why = vfio_pci_wc_refusal(wdev, index);
		if (why) {
			pci_info_ratelimited(pdev, "wc_bars: BAR %u: no write-combining: %s\n",
					     index, why);
			continue;
		}
		if (!set_kernel_mapping(wdev, index, true))
			done |= BIT(index);
	}
	wdev->policy_wc = done;
	mutex_unlock(&wdev->attrs_lock);
	pci_info_ratelimited(pdev, "wc_bars 0x%x: write-combining for BARs 0x%x in this open%s\n",
			     asked, done, done == asked ? "" : ", the others uncached");
}
