/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-pci with mmap attributes: the stock vfio-pci driver, built on the
 * exported vfio_pci_core API, plus VFIO_DEVICE_SET_MMAP_ATTRS (the seed
 * RFC "vfio: Introduce mmap maple tree") so that userspace can map a
 * prefetchable BAR write-combined. See doc/vfio-module.md.
 *
 * Everything here lives per open of the device: the vfio_device_ops
 * callbacks are not told which file they serve, so every fd of one device
 * opened at the same time shares one tree, and the tree is emptied when
 * the last of them is closed.
 */
#ifndef VFIO_PCI_WC_H
#define VFIO_PCI_WC_H

#include <linux/maple_tree.h>
#include <linux/mutex.h>
#include <linux/vfio_pci_core.h>

#include <vfio_mmap_attrs.h>

/*
 * What VFIO_DEVICE_GET_REGION_INFO left for one mmap-able BAR. Its key in
 * the tree is the BAR's offset range, [index << 40, (index << 40) + size).
 */
struct vfio_pci_wc_entry {
	u32 index;	/* the BAR, 0 to 5 (VFIO_PCI_BAR*_REGION_INDEX) */
	u32 attrs;	/* VFIO_MMAP_ATTR_*, applied by later mmaps of the BAR */
};

/*
 * A BAR's memory type in this open, fixed by its first use (an mmap, read(),
 * write(), an ioeventfd, a dma-buf) until the device is closed.
 */
enum vfio_pci_wc_bar_type {
	VFIO_PCI_WC_BAR_FREE,	/* not used yet */
	VFIO_PCI_WC_BAR_UC,	/* uncached-minus, as stock vfio-pci maps it */
	VFIO_PCI_WC_BAR_WC,	/* write-combining */
};

struct vfio_pci_wc_device {
	/* First member: vfio_alloc_device() checks its offset is 0. */
	struct vfio_pci_core_device core;
	/*
	 * Serialises attribute changes, the BARs' types and kernel mappings,
	 * the mmaps that depend on them and ioeventfd_calls. Taken inside
	 * mmap_lock by the mmap path, so it is never held across a user copy
	 * (a fault there would take mmap_lock inside it).
	 */
	struct mutex attrs_lock;
	/* mmap offset range -> struct vfio_pci_wc_entry, for this open */
	struct maple_tree mmap_tree;
	enum vfio_pci_wc_bar_type bar_type[PCI_STD_NUM_BARS];
	/* core.barmap[i] is a write-combined mapping this driver made */
	bool kmap_wc[PCI_STD_NUM_BARS];
	/* VFIO_DEVICE_IOEVENTFD calls now in the core */
	unsigned int ioeventfd_calls;
	/* The BARs holding the MSI-X table or PBA (read-only hardware, at probe) */
	u8 msix_bars;
	/*
	 * Write-combining by policy (sysfs wc_bars, module parameter
	 * wc_policy): the BARs each open starts as if the application had
	 * asked VFIO_DEVICE_SET_MMAP_ATTRS WC for them. Written without
	 * attrs_lock, read once at open.
	 */
	u32 wc_bars;
	/* Of those, the BARs made write-combined at this open */
	u32 policy_wc;
};

static inline struct vfio_pci_wc_device *to_wc_device(struct vfio_device *core_vdev)
{
	return container_of(core_vdev, struct vfio_pci_wc_device, core.vdev);
}

/* vfio_pci_wc_tree.c: the per-open maple tree of mmap offsets */
void vfio_pci_wc_tree_init(struct vfio_pci_wc_device *wdev);
int vfio_pci_wc_tree_add(struct vfio_pci_wc_device *wdev, u32 index);
struct vfio_pci_wc_entry *vfio_pci_wc_tree_find(struct vfio_pci_wc_device *wdev, u64 offset);
void vfio_pci_wc_tree_clear(struct vfio_pci_wc_device *wdev);

/* vfio_pci_wc_attrs.c: the attribute, a BAR's memory type, its users */
long vfio_pci_wc_set_mmap_attrs(struct vfio_pci_wc_device *wdev,
				struct vfio_mmap_attrs __user *arg);
long vfio_pci_wc_ioeventfd(struct vfio_pci_wc_device *wdev,
			   struct vfio_device_ioeventfd __user *arg);
int vfio_pci_wc_mmap(struct vfio_device *core_vdev, struct vm_area_struct *vma);
ssize_t vfio_pci_wc_read(struct vfio_device *core_vdev, char __user *buf,
			 size_t count, loff_t *ppos);
ssize_t vfio_pci_wc_write(struct vfio_device *core_vdev, const char __user *buf,
			  size_t count, loff_t *ppos);
int vfio_pci_wc_use_bar(struct vfio_pci_wc_device *wdev, u32 index);
bool vfio_pci_wc_mapping_is_wc(void __iomem *io);
void vfio_pci_wc_forget_bars(struct vfio_pci_wc_device *wdev);
u8 vfio_pci_wc_msix_bars(struct pci_dev *pdev);
const char *vfio_pci_wc_refusal(struct vfio_pci_wc_device *wdev, u32 index);
void vfio_pci_wc_apply_policy(struct vfio_pci_wc_device *wdev);

/* vfio_pci_wc_policy.c: write-combining by policy (sysfs, module parameter) */
void vfio_pci_wc_policy_init(struct vfio_pci_wc_device *wdev);
extern const struct attribute_group *vfio_pci_wc_dev_groups[];

#endif /* VFIO_PCI_WC_H */
