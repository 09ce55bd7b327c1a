// SPDX-License-Identifier: GPL-2.0
/*
 * The mmap offset tree of one open device, as in the seed RFC: every
 * successful VFIO_DEVICE_GET_REGION_INFO of an mmap-able region leaves an
 * entry covering the region's offset range, which VFIO_DEVICE_SET_MMAP_ATTRS
 * and mmap look up by any offset inside it. The offsets are stock vfio-pci's
 * (index << 40), so userspace offset arithmetic is unchanged.
 */
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfio_pci_wc.h"

void vfio_pci_wc_tree_init(struct vfio_pci_wc_device *wdev)
{
	mt_init(&wdev->mmap_tree);
}

/*
 * Fill *span for region @index when it can be mmapped; false otherwise.
 * Taken from the core's own state rather than read back from the user's
 * buffer, which another thread may rewrite between the core's answer and
 * this call: an entry must never claim more than the region it names.
 */
static bool region_span(struct vfio_pci_core_device *vdev, u32 index,
			struct vfio_pci_wc_entry *span)
{
	*span = (struct vfio_pci_wc_entry){
		.index = index,
		.offset = VFIO_PCI_INDEX_TO_OFFSET(index),
	};
	if (index < PCI_STD_NUM_BARS) {
		if (!vdev->bar_mmap_supported[index])
			return false;
		span->size = pci_resource_len(vdev->pdev, index);
		span->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			      VFIO_REGION_INFO_FLAG_MMAP;
	} else if (index >= VFIO_PCI_NUM_REGIONS &&
		   index - VFIO_PCI_NUM_REGIONS < (u32)vdev->num_regions) {
		u32 i = array_index_nospec(index - VFIO_PCI_NUM_REGIONS, vdev->num_regions);
		struct vfio_pci_region *region = &vdev->region[i];

		if (!(region->flags & VFIO_REGION_INFO_FLAG_MMAP))
			return false;
		span->size = region->size;
		span->flags = region->flags & (VFIO_REGION_INFO_FLAG_READ |
					       VFIO_REGION_INFO_FLAG_WRITE |
					       VFIO_REGION_INFO_FLAG_MMAP);
	} else {
		return false;	/* config space, ROM, VGA: never mmap-able */
	}
	return span->size != 0;
}

static int tree_add_region(struct vfio_pci_wc_device *wdev, u32 index)
{
	struct vfio_pci_wc_entry span, *entry;
	int ret;

	if (!region_span(&wdev->core, index, &span))
		return 0;
	/* Asked again: keep the entry, and the attributes set on it. */
	if (mtree_load(&wdev->mmap_tree, span.offset))
		return 0;
	entry = kmemdup(&span, sizeof(span), GFP_KERNEL_ACCOUNT);
	if (!entry)
		return -ENOMEM;
	ret = mtree_insert_range(&wdev->mmap_tree, span.offset, span.offset + span.size - 1,
				 entry, GFP_KERNEL_ACCOUNT);
	if (ret)
		kfree(entry);
	/* -EEXIST: another thread's call for the same region got there first. */
	return ret == -EEXIST ? 0 : ret;
}

long vfio_pci_wc_get_region_info(struct vfio_pci_wc_device *wdev,
				 struct vfio_region_info __user *arg)
{
	u32 index;
	long ret;

	if (get_user(index, &arg->index))
		return -EFAULT;
	ret = vfio_pci_core_ioctl(&wdev->core.vdev, VFIO_DEVICE_GET_REGION_INFO,
				  (unsigned long)arg);
	if (ret)
		return ret;
	return tree_add_region(wdev, index);
}

/* The entry covering @offset, or NULL. Entries live until the device is closed. */
struct vfio_pci_wc_entry *vfio_pci_wc_tree_find(struct vfio_pci_wc_device *wdev, u64 offset)
{
	return mtree_load(&wdev->mmap_tree, offset);
}

/* At the last close: no ioctl or mmap can run any more. */
void vfio_pci_wc_tree_clear(struct vfio_pci_wc_device *wdev)
{
	struct vfio_pci_wc_entry *entry;
	unsigned long offset = 0;

	mt_for_each(&wdev->mmap_tree, entry, offset, ULONG_MAX)
		kfree(entry);
	/* Frees the nodes and leaves an empty tree for the next open. */
	mtree_destroy(&wdev->mmap_tree);
}
