// SPDX-License-Identifier: GPL-2.0
/*
 * A PCI device that exists only in configuration space, for the guest test
 * of the vfio-pci module's MSI-X refusal: its three 64-bit BARs are all
 * prefetchable, and
 *   BAR0 holds the MSI-X table,
 *   BAR2 holds the MSI-X pending bit array,
 *   BAR4 holds neither (write-combining may be granted there).
 * No QEMU device model puts MSI-X in a prefetchable BAR; real devices do.
 *
 * The device appears at slot 0 of an empty bus behind a bridge (bus_nr:
 * the secondary bus of an empty PCIe root port), whose configuration
 * accesses this module takes over for slot 0 and passes on for the rest.
 * Behind a real port the device is in the scope of the guest's IOMMU, so
 * it gets an IOMMU group and vfio-pci takes it like any other device, and
 * its BARs come from the port's windows. Nothing backs the BARs: the
 * refusal is decided from the capability and the BAR flags, before
 * anything is mapped, and the test never reads or writes them.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/pci_regs.h>
#include <linux/spinlock.h>

#define MSIX_DEV_VENDOR   0x1b36   /* Red Hat, Inc. (QEMU's virtual devices) */
#define MSIX_DEV_DEVICE   0x00fe   /* not one QEMU uses */
#define MSIX_DEV_BAR_SIZE 0x4000u
#define MSIX_CAP          0x40
#define MSIX_VECTORS      4

static int bus_nr = -1;
module_param(bus_nr, int, 0444);
MODULE_PARM_DESC(bus_nr, "an empty bus behind a bridge, in segment 0, for the device");

static u8 config[PCI_CFG_SPACE_SIZE];
static u32 bar_value[PCI_STD_NUM_BARS];  /* what the BAR registers hold */
static DEFINE_SPINLOCK(config_lock);
static struct pci_bus *bus;
static struct pci_ops *bus_ops;  /* the bus's own, for every other slot */
static struct pci_dev *dev;

static void put8(unsigned int off, u8 v)
{
	config[off] = v;
}

static void put16(unsigned int off, u16 v)
{
	put8(off, v & 0xff);
	put8(off + 1, v >> 8);
}

static void put32(unsigned int off, u32 v)
{
	put16(off, v & 0xffff);
	put16(off + 2, v >> 16);
}

static void config_init(void)
{
	unsigned int i;

	put16(PCI_VENDOR_ID, MSIX_DEV_VENDOR);
	put16(PCI_DEVICE_ID, MSIX_DEV_DEVICE);
	put16(PCI_STATUS, PCI_STATUS_CAP_LIST);
	put32(PCI_CLASS_REVISION, PCI_CLASS_OTHERS << 24);  /* base class ff, revision 0 */
	put8(PCI_HEADER_TYPE, PCI_HEADER_TYPE_NORMAL);
	put8(PCI_CAPABILITY_LIST, MSIX_CAP);
	for (i = 0; i < PCI_STD_NUM_BARS; i += 2)
		bar_value[i] = PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_64 |
			       PCI_BASE_ADDRESS_MEM_PREFETCH;
	put8(MSIX_CAP + PCI_CAP_LIST_ID, PCI_CAP_ID_MSIX);
	put8(MSIX_CAP + PCI_CAP_LIST_NEXT, 0);
	put16(MSIX_CAP + PCI_MSIX_FLAGS, MSIX_VECTORS - 1);
	put32(MSIX_CAP + PCI_MSIX_TABLE, 0);  /* offset 0 of BAR0 */
	put32(MSIX_CAP + PCI_MSIX_PBA, 2);    /* offset 0 of BAR2 */
}

/* A BAR register write: the base the core assigns, or all ones to size it. */
static void bar_write(unsigned int index, u32 v)
{
	if (index % 2 == 0)
		bar_value[index] = (v & ~(MSIX_DEV_BAR_SIZE - 1)) | (bar_value[index] & 0xf);
	else
		bar_value[index] = v;  /* the upper half: any address */
}

static void bars_to_config(void)
{
	unsigned int i;

	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		put32(PCI_BASE_ADDRESS_0 + 4 * i, bar_value[i]);
}

static int msix_dev_read(struct pci_bus *b, unsigned int devfn, int where, int size, u32 *val)
{
	unsigned long flags;
	int i;

	if (devfn != 0)
		return bus_ops->read(b, devfn, where, size, val);
	if (where + size > PCI_CFG_SPACE_SIZE) {
		*val = ~0u;
		return PCIBIOS_BAD_REGISTER_NUMBER;
	}
	spin_lock_irqsave(&config_lock, flags);
	bars_to_config();
	*val = 0;
	for (i = 0; i < size; i++)
		*val |= (u32)config[where + i] << (8 * i);
	spin_unlock_irqrestore(&config_lock, flags);
	return PCIBIOS_SUCCESSFUL;
}

static int msix_dev_write(struct pci_bus *b, unsigned int devfn, int where, int size, u32 val)
{
	unsigned long flags;

	if (devfn != 0)
		return bus_ops->write(b, devfn, where, size, val);
	if (where + size > PCI_CFG_SPACE_SIZE)
		return PCIBIOS_BAD_REGISTER_NUMBER;
	spin_lock_irqsave(&config_lock, flags);
	if (where >= PCI_BASE_ADDRESS_0 && where <= PCI_BASE_ADDRESS_5 && size == 4)
		bar_write((where - PCI_BASE_ADDRESS_0) / 4, val);
	else if (where == PCI_COMMAND && size >= 2)
		put16(PCI_COMMAND, val & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
					  PCI_COMMAND_INTX_DISABLE));
	else if (where == MSIX_CAP + PCI_MSIX_FLAGS && size == 2)
		put16(where, (val & (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL)) |
			     (MSIX_VECTORS - 1));
	/* Everything else is read-only. */
	bars_to_config();
	spin_unlock_irqrestore(&config_lock, flags);
	return PCIBIOS_SUCCESSFUL;
}

static struct pci_ops msix_dev_ops = {
	.read = msix_dev_read,
	.write = msix_dev_write,
};

static int __init msix_dev_init(void)
{
	int ret = 0;

	config_init();
	bus = bus_nr >= 0 ? pci_find_bus(0, bus_nr) : NULL;
	if (!bus || !bus->self || !list_empty(&bus->devices)) {
		pr_err("wcnic-msix-bar-dev: bus_nr=%d is not an empty bus behind a bridge\n",
		       bus_nr);
		return -EINVAL;
	}
	pci_lock_rescan_remove();
	bus_ops = pci_bus_set_ops(bus, &msix_dev_ops);
	dev = pci_scan_single_device(bus, PCI_DEVFN(0, 0));
	if (dev) {
		pci_assign_unassigned_bridge_resources(bus->self);
		pci_bus_add_devices(bus);
	} else {
		pci_bus_set_ops(bus, bus_ops);
		ret = -ENODEV;
	}
	pci_unlock_rescan_remove();
	return ret;
}

static void __exit msix_dev_exit(void)
{
	pci_lock_rescan_remove();
	pci_stop_and_remove_bus_device(dev);
	pci_bus_set_ops(bus, bus_ops);
	pci_unlock_rescan_remove();
}

module_init(msix_dev_init);
module_exit(msix_dev_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A synthetic PCI device with MSI-X in prefetchable BARs (test only)");
