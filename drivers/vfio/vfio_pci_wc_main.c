// SPDX-License-Identifier: GPL-2.0
/*
 * The "vfio-pci" PCI driver, rebuilt on the exported vfio_pci_core API with
 * the mmap-attribute UAPI added. Binding (driver_override, new_id, the ids=
 * parameter), the module parameters and every ioctl, read, write, mmap and
 * reset behave as in the kernel's own vfio-pci, except on a write-combined
 * BAR (doc/vfio-module.md). The driver registers under the same name
 * because DPDK and other VFIO users only recognise a device bound to
 * "vfio-pci". It therefore replaces that module, it cannot be loaded
 * beside it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/string.h>

#include "vfio_pci_wc.h"
#include "vfio_pci_wc_compat.h"

/* The module parameters of stock vfio-pci, with the same meaning. */
static char ids[1024] __initdata;
module_param_string(ids, ids, sizeof(ids), 0);
MODULE_PARM_DESC(ids, "PCI IDs to bind at load, \"vendor:device[:subvendor[:subdevice[:class[:class_mask]]]]\", comma separated");

static bool nointxmask;
module_param(nointxmask, bool, 0644);
MODULE_PARM_DESC(nointxmask, "Disable PCI 2.3 style INTx masking");

#ifdef CONFIG_VFIO_PCI_VGA
static bool disable_vga;
module_param(disable_vga, bool, 0444);
MODULE_PARM_DESC(disable_vga, "Disable VGA resource access through vfio-pci");
#else
static const bool disable_vga = true;
#endif

static bool disable_idle_d3;
module_param(disable_idle_d3, bool, 0644);
MODULE_PARM_DESC(disable_idle_d3, "Disable the PCI D3 low power state for idle, unused devices");

static bool enable_sriov;
#ifdef CONFIG_PCI_IOV
module_param(enable_sriov, bool, 0644);
MODULE_PARM_DESC(enable_sriov, "Allow enabling SR-IOV VFs of a device bound to vfio-pci");
#endif

static bool disable_denylist;
module_param(disable_denylist, bool, 0444);
MODULE_PARM_DESC(disable_denylist, "Also bind devices with known errata that make them unsafe for untrusted users");

/* The devices stock vfio-pci refuses: errata make them unsafe to hand to userspace. */
static const struct pci_device_id denylist[] = {
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C3XXX) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C3XXX_VF) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C62X) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C62X_VF) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_DH895XCC) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_DH895XCC_VF) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_DSA_SPR0) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_IAX_SPR0) },
	{}
};

static bool refused_by_denylist(struct pci_dev *pdev)
{
	if (!pci_match_id(denylist, pdev))
		return false;
	if (disable_denylist) {
		pci_warn(pdev, "device denylist disabled: binding %04x:%04x anyway\n",
			 pdev->vendor, pdev->device);
		return false;
	}
	pci_warn(pdev, "%04x:%04x is in the vfio-pci device denylist: not binding\n",
		 pdev->vendor, pdev->device);
	return true;
}

static int vfio_pci_wc_init_dev(struct vfio_device *core_vdev)
{
	struct vfio_pci_wc_device *wdev = to_wc_device(core_vdev);
	int ret;

	/*
	 * From 7.2 the parameters' bits live in each device, set before the
	 * core's init as stock vfio-pci does: a later change of a writable
	 * parameter concerns the devices bound afterwards.
	 */
	vfio_pci_wc_latch_params(&wdev->core, nointxmask, disable_vga, disable_idle_d3);
	ret = vfio_pci_core_init_dev(core_vdev);
	if (ret)
		return ret;
	mutex_init(&wdev->attrs_lock);
	vfio_pci_wc_tree_init(wdev);
	return 0;
}

/* Ours first: on 6.1 the core's release frees the whole device. */
static void vfio_pci_wc_release_dev(struct vfio_device *core_vdev)
{
	mutex_destroy(&to_wc_device(core_vdev)->attrs_lock);
	vfio_pci_core_release_dev(core_vdev);
}

static int vfio_pci_wc_open_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = &to_wc_device(core_vdev)->core;
	int ret = vfio_pci_core_enable(vdev);

	if (ret)
		return ret;
	vfio_pci_core_finish_enable(vdev);
	/* Before the open is visible to anything that could use a BAR. */
	vfio_pci_wc_apply_policy(to_wc_device(core_vdev));
	return 0;
}

/* The last fd of this open is gone, and with it every mapping. */
static void vfio_pci_wc_close_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_wc_device *wdev = to_wc_device(core_vdev);

	vfio_pci_core_close_device(core_vdev);
	vfio_pci_wc_forget_bars(wdev);
	vfio_pci_wc_tree_clear(wdev);
}

static long vfio_pci_wc_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
			      unsigned long arg)
{
	struct vfio_pci_wc_device *wdev = to_wc_device(core_vdev);

	switch (cmd) {
	case VFIO_DEVICE_SET_MMAP_ATTRS:
		return vfio_pci_wc_set_mmap_attrs(wdev, (void __user *)arg);
	case VFIO_DEVICE_IOEVENTFD:
		return vfio_pci_wc_ioeventfd(wdev, (void __user *)arg);
	default:
		return vfio_pci_wc_other_ioctl(core_vdev, cmd, arg);
	}
}

static const struct vfio_device_ops vfio_pci_wc_ops = {
	.name		= "vfio-pci",
	.init		= vfio_pci_wc_init_dev,
	.release	= vfio_pci_wc_release_dev,
	.open_device	= vfio_pci_wc_open_device,
	.close_device	= vfio_pci_wc_close_device,
	.ioctl		= vfio_pci_wc_ioctl,
	VFIO_PCI_WC_REGION_INFO_OP
	VFIO_PCI_WC_FEATURE_OP
	.read		= vfio_pci_wc_read,
	.write		= vfio_pci_wc_write,
	.mmap		= vfio_pci_wc_mmap,
	.request	= vfio_pci_core_request,
	.match		= vfio_pci_core_match,
	VFIO_PCI_WC_MATCH_TOKEN_OP
	VFIO_PCI_WC_IOMMUFD_OPS
};

static int vfio_pci_wc_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vfio_pci_wc_device *wdev;
	int ret;

	if (refused_by_denylist(pdev))
		return -EINVAL;
	/*
	 * Stock vfio-pci adds the IGD OpRegion and host bridge regions for
	 * Intel integrated graphics; the core does not export that code.
	 */
	if (pdev->vendor == PCI_VENDOR_ID_INTEL && (pdev->class >> 8) == PCI_CLASS_DISPLAY_VGA)
		pci_info(pdev, "Intel graphics: no IGD OpRegion or host bridge regions with this vfio-pci\n");

	wdev = vfio_alloc_device(vfio_pci_wc_device, core.vdev, &pdev->dev, &vfio_pci_wc_ops);
	if (IS_ERR(wdev))
		return PTR_ERR(wdev);
	dev_set_drvdata(&pdev->dev, &wdev->core);
	vfio_pci_wc_set_pci_ops(&wdev->core);
	wdev->msix_bars = vfio_pci_wc_msix_bars(pdev);
	vfio_pci_wc_policy_init(wdev);
	ret = vfio_pci_core_register_device(&wdev->core);
	if (ret)
		vfio_put_device(&wdev->core.vdev);
	return ret;
}

static void vfio_pci_wc_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	vfio_pci_core_unregister_device(vdev);
	vfio_put_device(&vdev->vdev);
}

static int vfio_pci_wc_sriov_configure(struct pci_dev *pdev, int nr_virtfn)
{
	if (!enable_sriov)
		return -ENOENT;
	return vfio_pci_core_sriov_configure(dev_get_drvdata(&pdev->dev), nr_virtfn);
}

/* Matches nothing by itself: devices come through driver_override, new_id or ids=. */
static const struct pci_device_id vfio_pci_wc_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID, PCI_ANY_ID) },
	{}
};
MODULE_DEVICE_TABLE(pci, vfio_pci_wc_table);

/* Not const: vfio_pci_core_register_device() sets driver.pm. */
static struct pci_driver vfio_pci_wc_driver = {
	.name			= "vfio-pci",
	.id_table		= vfio_pci_wc_table,
	.probe			= vfio_pci_wc_probe,
	.remove			= vfio_pci_wc_remove,
	.sriov_configure	= vfio_pci_wc_sriov_configure,
	.err_handler		= &vfio_pci_core_err_handlers,
	/* wc_bars and wc_state (vfio_pci_wc_policy.c) */
	.dev_groups		= vfio_pci_wc_dev_groups,
	.driver_managed_dma	= true,
};

/* ids=: each "vendor:device[:subvendor[:subdevice[:class[:class_mask]]]]" in hex. */
static void __init add_ids(void)
{
	char *rest = ids, *id;

	while ((id = strsep(&rest, ","))) {
		unsigned int vendor, device, subvendor = PCI_ANY_ID, subdevice = PCI_ANY_ID;
		unsigned int class = 0, class_mask = 0;
		int ret;

		if (!*id)
			continue;
		if (sscanf(id, "%x:%x:%x:%x:%x:%x", &vendor, &device, &subvendor, &subdevice,
			   &class, &class_mask) < 2) {
			pr_warn("ids: \"%s\" is not vendor:device[:subvendor[:subdevice[:class[:class_mask]]]] in hex\n",
				id);
			continue;
		}
		ret = pci_add_dynid(&vfio_pci_wc_driver, vendor, device, subvendor, subdevice,
				    class, class_mask, 0);
		if (ret)
			pr_warn("ids: cannot add %04x:%04x[%04x:%04x] class %#08x/%08x: %d\n",
				vendor, device, subvendor, subdevice, class, class_mask, ret);
		else
			pr_info("add [%04x:%04x[%04x:%04x]] class %#08x/%08x\n",
				vendor, device, subvendor, subdevice, class, class_mask);
	}
}

static int __init vfio_pci_wc_init(void)
{
	int ret;

	vfio_pci_wc_set_params(nointxmask, disable_vga, disable_idle_d3);
	ret = pci_register_driver(&vfio_pci_wc_driver);
	if (ret) {
		pr_err("cannot register the vfio-pci PCI driver (%d)%s\n", ret,
		       ret == -EBUSY ? ": another module has registered that name" : "");
		return ret;
	}
	add_ids();
	if (disable_denylist)
		pr_warn("device denylist disabled\n");
	return 0;
}
module_init(vfio_pci_wc_init);

static void __exit vfio_pci_wc_exit(void)
{
	pci_unregister_driver(&vfio_pci_wc_driver);
}
module_exit(vfio_pci_wc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-pci with mmap attributes (VFIO_DEVICE_SET_MMAP_ATTRS: write-combined BARs)");
MODULE_VERSION(VFIO_PCI_WC_VERSION);
