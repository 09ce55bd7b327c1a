/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_wcnic on a PCI device bound to vfio-pci: today the ivshmem-plain
 * carrier (1af4:1110) whose BAR2 holds the wcnic interface, with the device
 * model behind it in a host process (doc/pci-path.md).
 *
 * Why the driver maps the BAR itself: DPDK's PCI bus, when a driver sets
 * RTE_PCI_DRV_NEED_MAPPING, mmaps every BAR through VFIO before probe, and
 * the first mapping of a BAR fixes its memory type for the whole open of the
 * device (uncached: doc/libvfiowc.md, "The PAT trap"). So this driver asks
 * for no bus mapping, opens the device with rte_vfio_setup_device() (DPDK's
 * container and DMA mappings stay in charge), and hands the fd to
 * libvfiowc, which asks the kernel for write-combining before the first
 * mapping and reports what the mapping really got. Nothing reads or writes
 * BAR2 before that, not even the signature check: a pread() on the device
 * fd would map the BAR uncached inside the kernel too.
 *
 * Secondary processes (dpdk-proc-info, dpdk-dumpcap) open the same device
 * through DPDK's VFIO group, which the primary shares with them, and map
 * BAR2 at the address the primary's port data holds (pci_attach_secondary).
 *
 * Devices: an ivshmem device not bound to vfio-pci, or without the wcnic
 * signature (another user of ivshmem), is left alone without an error:
 * probe returns 1 and the bus moves on. Nothing but VFIO set-up and BAR2's
 * signature read touches a device before it is known to be a wcnic.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <bus_pci_driver.h>
#include <ethdev_pci.h>
#include <rte_vfio.h>

#include "vfiowc.h"
#include "wcnic_compat.h"  /* struct vfio_device_info */
#include "wcnic_ethdev.h"
#include "wcnic_log.h"

struct wcnic_pci {
	struct rte_pci_device *pdev;
	int vfio_fd;                 /* from rte_vfio_setup_device(); -1 when closed */
	bool bus_master;             /* this driver turned bus mastering on */
	struct vfiowc_dev *vfiowc;   /* libvfiowc's view of that fd */
	struct vfiowc_mapping bar;   /* BAR2, mapped with the memory type we asked for */
};

static void
pci_teardown(struct wcnic_pci *wp)
{
	if (wp == NULL)
		return;
	if (wp->bar.addr != NULL)
		vfiowc_unmap(&wp->bar);
	/* The adopted fd stays DPDK's: vfiowc_close() frees only the handle. */
	vfiowc_close(wp->vfiowc);
	if (wp->bus_master)
		rte_pci_set_bus_master(wp->pdev, false);
	if (wp->vfio_fd >= 0) {
		rte_intr_dev_fd_set(wp->pdev->intr_handle, -1);
		rte_vfio_release_device(rte_pci_get_sysfs_path(), wp->pdev->name, wp->vfio_fd);
	}
	rte_free(wp);
}

static void
pci_close(struct wcnic_adapter *ad)
{
	pci_teardown(ad->transport);
	ad->transport = NULL;
}

/*
 * rte_vfio_setup_device() mapped every DPDK memory segment for the device
 * and follows later allocations through its memory event callback.
 */
static int
pci_dma_prepare(struct wcnic_adapter *ad __rte_unused)
{
	return 0;
}

static const struct wcnic_transport_ops pci_ops = {
	.dma_prepare = pci_dma_prepare,
	.close = pci_close,
};

/* The port's memory-type facts, from libvfiowc's report after first use. */
static void
record_mem_type(struct wcnic_adapter *ad, const struct vfiowc_report *r)
{
	ad->info.mem_type = r->obtained == VFIOWC_ATTR_WC ? RTE_PMD_WCNIC_MEM_WC
							  : RTE_PMD_WCNIC_MEM_UC;
	ad->info.mem_type_verified = vfiowc_memtype_verified(r->verified) && !r->mismatch;
	snprintf(ad->info.mem_type_source, sizeof(ad->info.mem_type_source), "%s, PAT: %s",
		 vfiowc_method_name(r->method), vfiowc_memtype_name(r->verified));
}

/*
 * Open the device through DPDK's VFIO container and map BAR2 asking for
 * write-combining, at the address `at` when not NULL (a secondary
 * process). Returns 0, 1 when the device is not a wcnic (left alone), or
 * a negative errno after logging why.
 */
static int
pci_device_open(struct rte_pci_device *pdev, void *at, struct wcnic_pci **out)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfiowc_error err;
	struct wcnic_pci *wp;
	uint64_t sig;
	int ret;

	wp = rte_zmalloc("wcnic_pci", sizeof(*wp), RTE_CACHE_LINE_SIZE);
	if (wp == NULL)
		return -ENOMEM;
	wp->pdev = pdev;
	wp->vfio_fd = -1;

	ret = rte_vfio_setup_device(rte_pci_get_sysfs_path(), pdev->name, &wp->vfio_fd, &info);
	if (ret != 0) {
		wp->vfio_fd = -1;
		WCNIC_LOG(ERR, "%s: cannot open the device through VFIO (is it bound to vfio-pci "
			  "and its IOMMU group viable?)", pdev->name);
		ret = -ENODEV;
		goto fail;
	}
	wp->vfiowc = vfiowc_adopt_fd(wp->vfio_fd, pdev->name, NULL, &err);
	if (wp->vfiowc == NULL ||
	    vfiowc_map_region_at(wp->vfiowc, WCNIC_IVSHMEM_BAR, 0, 0, VFIOWC_ATTR_WC, 0, at,
				 &wp->bar, &err) != 0) {
		WCNIC_LOG(ERR, "%s: cannot map BAR%u: %s", pdev->name, WCNIC_IVSHMEM_BAR, err.msg);
		ret = err.errnum != 0 ? -err.errnum : -EIO;
		goto fail;
	}
	if (wp->bar.length < WCNIC_BAR_MIN_SIZE) {
		WCNIC_LOG(INFO, "%s: BAR%u has %zu bytes, a wcnic needs %u: not a wcnic, left alone",
			  pdev->name, WCNIC_IVSHMEM_BAR, wp->bar.length,
			  (unsigned int)WCNIC_BAR_MIN_SIZE);
		ret = 1;
		goto fail;
	}
	/* The first access: the mapping faults in here, with the type asked for. */
	sig = rte_read64((uint8_t *)wp->bar.addr + WCNIC_REG_SIGNATURE);
	if (sig != WCNIC_SIGNATURE) {
		WCNIC_LOG(INFO, "%s: BAR%u carries no wcnic signature (0x%016" PRIx64 "): left alone",
			  pdev->name, WCNIC_IVSHMEM_BAR, sig);
		ret = 1;
		goto fail;
	}
	/* Some kernels record the user mapping's memory type only at its first
	 * fault, which the signature read just caused: verify now. */
	vfiowc_verify(wp->vfiowc, &wp->bar);
	*out = wp;
	return 0;
fail:
	pci_teardown(wp);
	return ret;
}

/*
 * What the primary process does once the device is known to be a wcnic:
 * config-space access, the DMA addressing check, bus mastering. Returns 0
 * or a negative errno after logging why.
 */
static int
pci_device_enable(struct wcnic_pci *wp)
{
	struct rte_pci_device *pdev = wp->pdev;

	/* DPDK's config-space accessors reach the device through this fd. */
	if (rte_intr_dev_fd_set(pdev->intr_handle, wp->vfio_fd) != 0)
		return -EIO;
	/* The device model behind an ivshmem carrier reads guest memory by
	 * guest-physical address: it cannot see the guest's IOMMU tables. */
	if (rte_eal_iova_mode() != RTE_IOVA_PA) {
		WCNIC_LOG(ERR, "%s: the ivshmem carrier needs physical addresses for DMA: "
			  "run with --iova-mode=pa", pdev->name);
		return -ENOTSUP;
	}
	/* vfio-pci enabled memory decoding; a real device also fetches
	 * descriptors and frames by DMA. */
	if (rte_pci_set_bus_master(pdev, true) != 0) {
		WCNIC_LOG(ERR, "%s: cannot enable bus mastering", pdev->name);
		return -EIO;
	}
	wp->bus_master = true;
	return 0;
}

/* One line that says what the BAR got and why, WC or not. */
static void
log_mapping(const char *name, const struct vfiowc_report *r)
{
	if (r->obtained == VFIOWC_ATTR_WC && !r->mismatch) {
		WCNIC_LOG(NOTICE, "%s: BAR%u write-combining (%s; %s)", name, WCNIC_IVSHMEM_BAR,
			  vfiowc_method_name(r->method), r->detail);
		return;
	}
	WCNIC_LOG(WARNING, "%s: BAR%u asked write-combining, got uncached (%s%s%s; %s)", name,
		  WCNIC_IVSHMEM_BAR, vfiowc_method_name(r->method), r->reason[0] ? ": " : "",
		  r->reason, r->detail);
}

/*
 * A secondary process looks at the primary's port. Its data, shared
 * memory, holds the primary's address of BAR2: this process maps BAR2
 * there, through a device fd of its own. The fds of one device open share
 * one memory type (doc/vfio-module.md), so asking write-combining gets
 * what the primary got. This process's mapping is dev->process_private.
 */
static int
pci_attach_secondary(struct rte_pci_device *pdev)
{
	const struct wcnic_adapter *ad;
	struct rte_eth_dev *dev;
	struct wcnic_pci *wp;
	int ret;

	dev = rte_eth_dev_attach_secondary(pdev->name);
	if (dev == NULL) {
		WCNIC_LOG(NOTICE, "%s: the primary process has no port on it: left alone",
			  pdev->name);
		return 1;
	}
	ad = wcnic_adapter(dev);
	ret = pci_device_open(pdev, ad->bar.base, &wp);
	if (ret == 0 && wp->bar.length != ad->bar.len) {
		WCNIC_LOG(ERR, "%s: BAR%u maps %zu bytes here, %zu in the primary process",
			  pdev->name, WCNIC_IVSHMEM_BAR, wp->bar.length, ad->bar.len);
		pci_teardown(wp);
		ret = -EIO;
	}
	if (ret != 0) {
		rte_eth_dev_release_port(dev);
		return ret < 0 ? ret : -ENODEV;
	}
	log_mapping(pdev->name, &wp->bar.report);
	if ((wp->bar.report.obtained == VFIOWC_ATTR_WC) != (ad->info.mem_type == RTE_PMD_WCNIC_MEM_WC))
		WCNIC_LOG(WARNING, "%s: BAR%u is %s in this process, %s in the primary process",
			  pdev->name, WCNIC_IVSHMEM_BAR, vfiowc_attr_name(wp->bar.report.obtained),
			  rte_pmd_wcnic_mem_type_name(ad->info.mem_type));
	dev->process_private = wp;
	wcnic_ethdev_attach_secondary(dev, &pdev->device);
	return 0;
}

static int
wcnic_pci_probe(struct rte_pci_driver *drv __rte_unused, struct rte_pci_device *pdev)
{
	const char *name = pdev->name;
	struct wcnic_devargs args;
	struct wcnic_adapter *ad;
	struct rte_eth_dev *dev;
	struct wcnic_pci *wp;
	int ret;

	/* Without RTE_PCI_DRV_NEED_MAPPING the bus hands over devices bound to
	 * any driver: ivshmem devices of other users are left alone. */
	if (pdev->kdrv != RTE_PCI_KDRV_VFIO) {
		WCNIC_LOG(NOTICE, "%s: not bound to vfio-pci, left alone (to use it as a wcnic: "
			  "dpdk-devbind.py -b vfio-pci %s)", name, name);
		return 1;
	}
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return pci_attach_secondary(pdev);
	ret = wcnic_devargs_parse(pdev->device.devargs, false, &args);
	if (ret != 0)
		return ret;

	ret = pci_device_open(pdev, NULL, &wp);
	if (ret != 0)
		return ret;
	ret = pci_device_enable(wp);
	if (ret != 0) {
		pci_teardown(wp);
		return ret;
	}

	dev = rte_eth_dev_pci_allocate(pdev, sizeof(*ad));
	if (dev == NULL) {
		pci_teardown(wp);
		return -ENOMEM;
	}
	ad = wcnic_adapter(dev);
	ad->args = args;
	ad->ops = &pci_ops;
	ad->transport = wp;
	ad->dma_addr_is_va = false;
	ad->bar.base = wp->bar.addr;
	ad->bar.len = wp->bar.length;
	record_mem_type(ad, &wp->bar.report);
	log_mapping(name, &wp->bar.report);

	return wcnic_ethdev_probe_finish(dev, name, "");
}

static int
wcnic_pci_remove(struct rte_pci_device *pdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(pdev->device.name);
	struct wcnic_pci *own = NULL;
	int ret;

	/* A secondary process unmaps its own view of BAR2 (pci_attach_secondary)
	 * once the port is released; the primary's goes with the port's close. */
	if (dev != NULL && rte_eal_process_type() != RTE_PROC_PRIMARY) {
		own = dev->process_private;
		dev->process_private = NULL;
	}
	ret = wcnic_ethdev_remove(pdev->device.name);
	pci_teardown(own);
	return ret;
}

static const struct rte_pci_id wcnic_pci_ids[] = {
	{ RTE_PCI_DEVICE(WCNIC_IVSHMEM_VENDOR_ID, WCNIC_IVSHMEM_DEVICE_ID) },
	{ .vendor_id = 0 },
};

/* No RTE_PCI_DRV_NEED_MAPPING: see the top of this file. */
static struct rte_pci_driver wcnic_pci_driver = {
	.id_table = wcnic_pci_ids,
	.probe = wcnic_pci_probe,
	.remove = wcnic_pci_remove,
};

RTE_PMD_REGISTER_PCI(net_wcnic_pci, wcnic_pci_driver);
RTE_PMD_REGISTER_PCI_TABLE(net_wcnic_pci, wcnic_pci_ids);
RTE_PMD_REGISTER_KMOD_DEP(net_wcnic_pci, "vfio-pci");
RTE_PMD_REGISTER_PARAM_STRING(net_wcnic_pci, WCNIC_DEVARGS_PCI_HELP);
