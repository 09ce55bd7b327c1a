# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-group-not-viable, guest side: the ivshmem device shares an IOMMU
# group with a PCI serial port (both behind one PCIe-to-PCI bridge), which
# the kernel's built-in 8250 driver holds. vfio-pci binds the ivshmem
# device, but the group is not viable, and libvfiowc says so by name.
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh

bdf=$(wcnic_ivshmem_bdf)
serial=$(wcnic_pci_find 1b36 0002 | head -n 1)
[ -n "$bdf" ] || { wcnic_fail ivshmem-found "no PCI device 1af4:1110"; exit 0; }
[ -n "$serial" ] || { wcnic_fail serial-found "no PCI serial port 1b36:0002"; exit 0; }

group=$(wcnic_iommu_group "$bdf")
if [ -n "$group" ] && [ "$group" = "$(wcnic_iommu_group "$serial")" ]; then
	wcnic_pass same-group
else
	wcnic_fail same-group "ivshmem in group '$group', serial in '$(wcnic_iommu_group "$serial")'"
fi
driver=$(wcnic_pci_driver "$serial")
if [ -n "$driver" ] && [ "$driver" != vfio-pci ]; then
	wcnic_pass serial-has-host-driver
else
	wcnic_fail serial-has-host-driver "serial port driver: '${driver:-none}'"
fi

wcnic_check bind-vfio wcnic_bind_vfio "$bdf" || exit 0
wcnic_wait_path "/dev/vfio/$group" || wcnic_fail vfio-group "no /dev/vfio/$group"

out=$(vfiowc-map "$bdf" 2 wc 2>&1) && status=0 || status=$?
case $out in
*"error=$bdf: "*"group $group not viable"*) wcnic_pass group-not-viable ;;
*) wcnic_fail group-not-viable "exit $status: $(printf '%s\n' "$out" | sed -n 's/^error=//p')" ;;
esac
