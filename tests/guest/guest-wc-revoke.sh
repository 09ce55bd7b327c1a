# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-wc-revoke, guest side: vfio's revocation of user mappings on
# VFIO_DEVICE_RESET and on memory disable keeps working for write-combined
# mappings of drivers/vfio (wc-uapi-check.c, mode revoke). The device sits
# behind a PCIe root port, so it can be reset, and is bound with new_id.
# test_guest_wc.py sets HOST_WORD (BAR2 offset 0, from the host) and
# GUEST_WORD (for the host to find at BAR2 offsets 192 and 256).
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck source=guest-wc-lib.sh
. /wcnic/guest-wc-lib.sh

bdf=$(wcnic_ivshmem_bdf)
[ -n "$bdf" ] || { wcnic_fail ivshmem-found "no PCI device 1af4:1110"; exit 0; }
wc_load_module || exit 0
echo "1af4 1110" >/sys/bus/pci/drivers/vfio-pci/new_id
if [ "$(wcnic_pci_driver "$bdf")" = vfio-pci ]; then
	wcnic_pass bind-new-id
else
	wcnic_fail bind-new-id "driver after new_id: '$(wcnic_pci_driver "$bdf")'"
	exit 0
fi
wcnic_wait_vfio_group "$bdf"

wc_run_checks wc-uapi-check revoke "$bdf" "$HOST_WORD" "$GUEST_WORD"
wc_no_pat_conflict
