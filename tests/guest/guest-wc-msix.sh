# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-wc-msix, guest side: write-combining refused on a prefetchable BAR
# that holds the MSI-X table or the pending bit array. The device is the
# synthetic one of msix-bar-dev/ (no QEMU device model has one): BAR0
# holds the table, BAR2 the pending bit array, BAR4 neither. The module
# puts it behind the empty PCIe root port QEMU gives this case (1b36:000c).
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck source=guest-wc-lib.sh
. /wcnic/guest-wc-lib.sh

wc_load_module || exit 0
port=$(wcnic_pci_find 1b36 000c | head -n 1)
[ -n "$port" ] || { wcnic_fail msix-port-found "no PCIe root port 1b36:000c"; exit 0; }
bus=$(basename /sys/bus/pci/devices/"$port"/pci_bus/*)
wcnic_check msix-device-load insmod /wcnic/wcnic-msix-bar-dev.ko "bus_nr=0x${bus#*:}" || exit 0
bdf=$(wcnic_pci_find 1b36 00fe | head -n 1)
[ -n "$bdf" ] || { wcnic_fail msix-device-found "no PCI device 1b36:00fe"; exit 0; }
wcnic_pass msix-device-found
sysfs=/sys/bus/pci/devices/$bdf

# The device is what the test needs: three prefetchable 64-bit BARs.
for bar in 0 2 4; do
	flags=$(sed -n "$((bar + 1))p" "$sysfs/resource" | cut -d' ' -f3)
	# IORESOURCE_MEM 0x200, IORESOURCE_PREFETCH 0x2000
	if [ $((flags & 0x2200)) -eq $((0x2200)) ]; then
		wcnic_pass "msix-device-bar$bar-prefetchable"
	else
		wcnic_fail "msix-device-bar$bar-prefetchable" "resource flags $flags"
	fi
done

wcnic_check msix-device-bound wcnic_bind_vfio "$bdf" || exit 0
wcnic_wait_vfio_group "$bdf"

wc_run_checks wc-msix-check "$bdf"

wc_bars_refuses msix-table-bar-refused "$bdf" 0x1 "wc_bars: BAR 0 refused: holds the MSI-X table or pending bit array"
wc_bars_refuses msix-pba-bar-refused "$bdf" 0x4 "wc_bars: BAR 2 refused: holds the MSI-X table or pending bit array"
wcnic_check msix-free-bar-taken sh -c "echo 0x10 >$sysfs/wc_bars"
wc_bars_reads msix-free-bar-reads-back "$bdf" 0x10
wcnic_check msix-wc-bars-cleared sh -c "echo 0 >$sysfs/wc_bars"

echo "$bdf" >/sys/bus/pci/drivers/vfio-pci/unbind
wcnic_check msix-device-unload rmmod wcnic_msix_bar_dev
wc_no_kernel_complaint
