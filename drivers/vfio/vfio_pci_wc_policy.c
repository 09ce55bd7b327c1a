// SPDX-License-Identifier: GPL-2.0
/*
 * Write-combining by policy, for applications that do not know
 * VFIO_DEVICE_SET_MMAP_ATTRS (DPDK's PCI bus, which mmaps each BAR at its
 * region offset with no ioctl, for net/ena's LLQ): root names the BARs of a
 * device that every open starts with write-combining, as if the
 * application had asked for it (vfio_pci_wc_apply_policy()).
 *
 *   /sys/bus/pci/devices/<bdf>/wc_bars    read/write, a BAR bitmask
 *   /sys/bus/pci/devices/<bdf>/wc_state   read-only, each BAR's type now
 *   vfio_pci.wc_policy=VVVV:DDDD:MASK[,...]  wc_bars at bind, by ID
 *
 * See doc/vfio-module.md, "WC for net/ena LLQ with DKMS instead of a
 * patched kernel".
 */
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "vfio_pci_wc.h"

static char wc_policy[256];
module_param_string(wc_policy, wc_policy, sizeof(wc_policy), 0444);
MODULE_PARM_DESC(wc_policy, "wc_bars of devices at bind, \"vendor:device:bar_mask\" in hex, comma separated (e.g. 1d0f:ec20:0x4)");

static struct vfio_pci_wc_device *dev_to_wc(struct device *dev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(dev);

	return container_of(vdev, struct vfio_pci_wc_device, core);
}

/*
 * The BARs of @mask that may not be write-combined, each logged with the
 * reason, named after @what.
 */
static u32 refused_bars(struct vfio_pci_wc_device *wdev, u32 mask, const char *what)
{
	const char *why;
	u32 refused = 0, index;

	for (index = 0; index < 32; index++) {
		if (!(mask & BIT(index)))
			continue;
		why = vfio_pci_wc_refusal(wdev, index);
		if (!why)
			continue;
		pci_info(wdev->core.pdev, "%s: BAR %u refused: %s\n", what, index, why);
		refused |= BIT(index);
	}
	return refused;
}

/* At probe: wc_bars from the first wc_policy item naming this device. */
void vfio_pci_wc_policy_init(struct vfio_pci_wc_device *wdev)
{
	struct pci_dev *pdev = wdev->core.pdev;
	const char *item = wc_policy;
	unsigned int vendor, device, mask;
	int len;

	while (*item) {
		len = strcspn(item, ",");
		if (sscanf(item, "%x:%x:%x", &vendor, &device, &mask) == 3 &&
		    vendor == pdev->vendor && device == pdev->device) {
			mask &= ~refused_bars(wdev, mask, "wc_policy");
			WRITE_ONCE(wdev->wc_bars, mask);
			if (mask)
				pci_info(pdev, "wc_policy: wc_bars 0x%x\n", mask);
			return;
		}
		item += len;
		if (*item)
			item++;
	}
}

static ssize_t wc_bars_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%x\n", READ_ONCE(dev_to_wc(dev)->wc_bars));
}

/* Takes effect at the next open of the device; the current one keeps its types. */
static ssize_t wc_bars_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct vfio_pci_wc_device *wdev = dev_to_wc(dev);
	u32 mask;

	if (kstrtou32(buf, 0, &mask))
		return -EINVAL;
	if (refused_bars(wdev, mask, "wc_bars"))
		return -EINVAL;
	WRITE_ONCE(wdev->wc_bars, mask);
	pci_info(wdev->core.pdev, "wc_bars 0x%x, from the next open\n", mask);
	return count;
}
static DEVICE_ATTR_RW(wc_bars);

/* "barN free|uc|wc", one line per BAR the device has: its type in this open. */
static ssize_t wc_state_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	static const char * const names[] = {
		[VFIO_PCI_WC_BAR_FREE] = "free",
		[VFIO_PCI_WC_BAR_UC] = "uc",
		[VFIO_PCI_WC_BAR_WC] = "wc",
	};
	struct vfio_pci_wc_device *wdev = dev_to_wc(dev);
	int len = 0;
	u32 index;

	mutex_lock(&wdev->attrs_lock);
	for (index = 0; index < PCI_STD_NUM_BARS; index++) {
		if (pci_resource_len(wdev->core.pdev, index))
			len += sysfs_emit_at(buf, len, "bar%u %s\n", index,
					     names[wdev->bar_type[index]]);
	}
	mutex_unlock(&wdev->attrs_lock);
	return len;
}
static DEVICE_ATTR_RO(wc_state);

static struct attribute *vfio_pci_wc_dev_attrs[] = {
	&dev_attr_wc_bars.attr,
	&dev_attr_wc_state.attr,
	NULL,
};

static const struct attribute_group vfio_pci_wc_dev_group = {
	.attrs = vfio_pci_wc_dev_attrs,
};

const struct attribute_group *vfio_pci_wc_dev_groups[] = {
	&vfio_pci_wc_dev_group,
	NULL,
};
