# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-wc-vfiowc, guest side: libvfiowc (through vfiowc-map) with
# drivers/vfio. Asked for WC it gets WC by the UAPI method, and the PAT list
# confirms write-combining; UC goes through the UAPI too (attrs 0); a BAR
# that is not prefetchable falls back to the plain uncached mapping with
# the kernel's EINVAL as the reason. The module binds the device itself
# (ids=). test_guest_wc.py sets HOST_WORD (BAR2 offset 0, from the host)
# and GUEST_WORD (for the host to find over BAR2 bytes 0..63).
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck source=guest-wc-lib.sh
. /wcnic/guest-wc-lib.sh

bdf=$(wcnic_ivshmem_bdf)
[ -n "$bdf" ] || { wcnic_fail ivshmem-found "no PCI device 1af4:1110"; exit 0; }
wc_load_module ids=1af4:1110 || exit 0
if [ "$(wcnic_pci_driver "$bdf")" = vfio-pci ]; then
	wcnic_pass bind-ids-parameter
else
	wcnic_fail bind-ids-parameter "driver after insmod ids=1af4:1110: '$(wcnic_pci_driver "$bdf")'"
	exit 0
fi
wcnic_wait_vfio_group "$bdf"

out=$(vfiowc-map "$bdf" 2 wc --read)
wcnic_expect_field wc-obtained obtained wc "$out"
wcnic_expect_field wc-method method uapi "$out"
wcnic_expect_field wc-no-fallback-reason reason "" "$out"
wcnic_expect_field wc-pat-write-combining verified write-combining "$out"
wcnic_expect_field wc-no-mismatch mismatch no "$out"
wcnic_expect_field wc-reads-host-word read "$HOST_WORD" "$out"

# The report after the access verifies the user mapping's entry too.
out=$(vfiowc-map "$bdf" 2 wc --write-pattern "$GUEST_WORD" --read)
wcnic_expect_field wc-write-reads-back readback match "$out"
wcnic_expect_field wc-pat-after-access verified write-combining "$out"

out=$(vfiowc-map "$bdf" 2 uc --read)
wcnic_expect_field uc-obtained obtained uc "$out"
wcnic_expect_field uc-method method uapi "$out"
wcnic_expect_field uc-pat-uncached-minus verified uncached-minus "$out"

# One type per BAR per open, both ways.
out=$(vfiowc-map "$bdf" 2 wc --remap uc)
wcnic_expect_field wc-then-uc-ebusy remap_errno EBUSY "$out"
out=$(vfiowc-map "$bdf" 2 uc --remap wc)
wcnic_expect_field uc-then-wc-ebusy remap_errno EBUSY "$out"

# BAR0 holds registers, not prefetchable: the kernel says EINVAL.
out=$(vfiowc-map "$bdf" 0 wc)
wcnic_expect_field bar0-wc-falls-back obtained uc "$out"
wcnic_expect_field bar0-wc-method method vfio-mmap "$out"
case $(wcnic_field reason "$out") in
*EINVAL*) wcnic_pass bar0-wc-reason ;;
*) wcnic_fail bar0-wc-reason "reason does not name the kernel's EINVAL: $(wcnic_field reason "$out")" ;;
esac
wcnic_expect_field bar0-pat-uncached-minus verified uncached-minus "$out"

wc_no_pat_conflict
