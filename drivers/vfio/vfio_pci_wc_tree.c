// SPDX-License-Identifier: GPL-2.0
/*
 * The mmap offset tree of one open device, as in the seed RFC: every
 * successful VFIO_DEVICE_GET_REGION_INFO of an mmap-able BAR leaves an
 * entry covering the BAR's offset range, which VFIO_DEVICE_SET_MMAP_ATTRS
 * and mmap look up by any offset inside it. The offsets are stock vfio-pci's
 * (index << 40), so userspace offset arithmetic is unchanged.
 */
#include <linux/build_bug.h>
#include <linux/minmax.h>
#include <linux/slab.h>

#include "vfio_pci_wc.h"

void vfio_pci_wc_tree_init(struct vfio_pci_wc_device *wdev)
{
	/* The tree's keys are unsigned long; a 32-bit one would cut index << 40. */
	BUILD_BUG_ON_MSG(BITS_PER_LONG < 64,
			 "vfio-pci with mmap attributes needs a 64-bit kernel (doc/vfio-module.md)");
	mt_init(&wdev->mmap_tree);
}

/*
 * The size of region @index's entry; 0 when the region gets none. Only a
 * BAR can be mmapped through this driver: config space, ROM and VGA never
 * are, and it registers no device-specific region (stock vfio-pci's only
 * ones are Intel graphics', left out, see vfio_pci_wc_probe()). Taken from
 * the core's own state rather than from its answer, which before 6.19 is
 * read back from the user's buffer that another thread may rewrite: an
 * entry must never claim more than the BAR it names, nor more than the
 * region's offset span: a BAR over 1 TiB (1 << VFIO_PCI_OFFSET_SHIFT) would
 * otherwise overlap the next region's offsets. Its end cannot be mapped
 * through VFIO's offsets anyway.
 */
static u64 entry_size(struct vfio_pci_core_device *vdev, u32 index)
{
	if (index >= PCI_STD_NUM_BARS || !vdev->bar_mmap_supported[index])
		return 0;
	return min_t(u64, pci_resource_len(vdev->pdev, index), 1ULL << VFIO_PCI_OFFSET_SHIFT);
}

/*
 * After a successful VFIO_DEVICE_GET_REGION_INFO of region @index (see
 * vfio_pci_wc_compat.h for how it gets here on each kernel).
 */
int vfio_pci_wc_tree_add(struct vfio_pci_wc_device *wdev, u32 index)
{
	u64 size = entry_size(&wdev->core, index), offset = VFIO_PCI_INDEX_TO_OFFSET(index);
	struct vfio_pci_wc_entry *entry;
	int ret;

	if (!size)
		return 0;
	/* Asked again: keep the entry, and the attributes set on it. */
	if (mtree_load(&wdev->mmap_tree, offset))
		return 0;
	entry = kzalloc(sizeof(*entry), GFP_KERNEL_ACCOUNT);
	if (!entry)
		return -ENOMEM;
	entry->index = index;
	/* A BAR the policy made write-combined at open starts with WC set. */
	if (READ_ONCE(wdev->policy_wc) & BIT(index))
		entry->attrs = VFIO_MMAP_ATTR_WRITE_COMBINE;
	ret = mtree_insert_range(&wdev->mmap_tree, offset, offset + size - 1, entry,
				 GFP_KERNEL_ACCOUNT);
	if (ret)
		kfree(entry);
	/* -EEXIST: another thread's call for the same region got there first. */
	return ret == -EEXIST ? 0 : ret;
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
