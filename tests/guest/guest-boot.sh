# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-boot, guest side: the VFIO modules load, the ivshmem device is there,
# its BAR2 (the host's /dev/shm file) is shared both ways through sysfs
# resource2, pat_memtype_list reports the memory type of a BAR mapping, and
# vfio-pci binds the device. test_guest_boot.py sets the variables below and
# makes the host-side checks.
#   WCNIC_BAR_SIZE                          expected BAR2 size
#   HOST_SEED HOST_OFFSET HOST_LENGTH       pattern the host wrote before boot
#   GUEST_SEED GUEST_OFFSET GUEST_LENGTH    pattern to write for the host
#   RAM_SEED                                reversed, marks guest RAM for the host
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh

missing=
for module in vfio vfio_iommu_type1 vfio_pci_core vfio_pci; do
	[ -d "/sys/module/$module" ] || missing="$missing $module"
done
if [ -z "$missing" ]; then
	wcnic_pass vfio-modules
else
	wcnic_fail vfio-modules "not loaded:$missing"
fi

bdf=$(wcnic_ivshmem_bdf)
if [ -z "$bdf" ]; then
	wcnic_fail ivshmem-found "no PCI device 1af4:1110"
	exit 0
fi
wcnic_pass ivshmem-found

res=/sys/bus/pci/devices/$bdf/resource2
size=$(wcnic-bar-rw "$res" size)
if [ "$size" = "$WCNIC_BAR_SIZE" ]; then
	wcnic_pass bar-size
else
	wcnic_fail bar-size "resource2 is '$size' bytes, expected $WCNIC_BAR_SIZE"
fi

# Before vfio-pci owns the device: sysfs mappings of the BAR.
wcnic_check host-pattern-visible \
	wcnic-bar-rw "$res" check "$HOST_OFFSET" "$HOST_LENGTH" "$HOST_SEED"
wcnic_check guest-pattern-written \
	wcnic-bar-rw "$res" fill "$GUEST_OFFSET" "$GUEST_LENGTH" "$GUEST_SEED" &&
	wcnic_check guest-pattern-reads-back \
		wcnic-bar-rw "$res" check "$GUEST_OFFSET" "$GUEST_LENGTH" "$GUEST_SEED"

# pat_memtype_list has an entry for the BAR only while something maps it,
# with the type that mapping got.
types=$(wcnic_pat_types "$bdf" 2)
if [ -z "$types" ]; then
	wcnic_pass pat-unmapped
else
	wcnic_fail pat-unmapped "entries while nothing maps the BAR: $types"
fi
for variant in resource2:uncached-minus resource2_wc:write-combining; do
	file=${variant%%:*}
	want=${variant#*:}
	types=$(wcnic-bar-rw "/sys/bus/pci/devices/$bdf/$file" hold \
		sh -c ". /wcnic/guest-lib.sh; wcnic_pat_types $bdf 2")
	if [ "$types" = "$want" ]; then
		wcnic_pass "pat-$file"
	else
		wcnic_fail "pat-$file" "mapped $file, pat_memtype_list says '$types', expected $want"
	fi
done

# Mark guest RAM (a file in the initramfs lives in page cache, i.e. RAM).
# Reversed so that the marker is nowhere in the initramfs itself.
printf 'WCNIC-RAM-MARK-%s\n' "$(echo "$RAM_SEED" | rev)" >/tmp/ram-mark

if wcnic_bind_vfio "$bdf"; then
	wcnic_pass vfio-bind
else
	wcnic_fail vfio-bind "driver is '$(wcnic_pci_driver "$bdf")', not vfio-pci"
fi
group=$(wcnic_iommu_group "$bdf")
if [ -n "$group" ] && wcnic_wait_path "/dev/vfio/$group"; then
	wcnic_pass vfio-group-node
else
	wcnic_fail vfio-group-node "no /dev/vfio/<group> (iommu group '$group')"
fi
