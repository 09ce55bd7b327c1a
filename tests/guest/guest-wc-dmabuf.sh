# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-wc-dmabuf, guest side: VFIO_DEVICE_FEATURE_DMA_BUF through
# drivers/vfio answers as through the kernel's own vfio-pci, and an export
# follows the module's memory-type rules (doc/vfio-module.md). The boot
# loads the kernel's vfio-pci; the device is bound to it and observed
# (wc-dmabuf-check observe), then that module is removed, ours loaded and
# the device observed again. Every observation must be the same; on a
# kernel that exports (7.2 and later) the stock one must have exported the
# whole BAR, and on one that does not, refused it with ENOTTY.
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck source=guest-wc-lib.sh
. /wcnic/guest-wc-lib.sh

# The keys of "wc-dmabuf-check observe", each compared.
KEYS="probe export size past-end unaligned bar0 config zero-length set"

bdf=$(wcnic_ivshmem_bdf)
[ -n "$bdf" ] || { wcnic_fail ivshmem-found "no PCI device 1af4:1110"; exit 0; }

# observe NAME: bind, run the observation into /tmp/NAME; status 0 when made.
observe() {
	local out
	wcnic_check "$1-bind" wcnic_bind_vfio "$bdf" || return 1
	wcnic_wait_vfio_group "$bdf" || return 1
	if out=$(wc-dmabuf-check observe "$bdf" 2>&1); then
		printf '%s\n' "$out" >"/tmp/$1"
		printf '%s\n' "$out" | sed "s/^/$1: /"
		wcnic_pass "$1-observed"
	else
		wcnic_fail "$1-observed" "wc-dmabuf-check observe: $(printf '%s\n' "$out" | tail -n 1)"
		return 1
	fi
}

# The kernel's vfio-pci first: it is loaded, and declares no version.
if [ -n "$(cat /sys/module/vfio_pci/version 2>/dev/null)" ] || [ ! -d /sys/module/vfio_pci ]; then
	wcnic_fail stock-vfio-pci-loaded "no vfio_pci module without a version"
	exit 0
fi
observe stock || exit 0
stock=$(cat /tmp/stock)

# What stock does on this kernel: the feature needs 6.19, so here 7.2.
if wcnic_kernel_at_least 7 2; then
	want_export=ok want_size=$(wcnic_field bar-size "$stock")
else
	want_export=ENOTTY want_size="none (no dma-buf: ENOTTY)"
fi
wcnic_expect_field stock-probe probe "$want_export" "$stock"
wcnic_expect_field stock-export export "$want_export" "$stock"
wcnic_expect_field stock-size size "$want_size" "$stock"

wcnic_check stock-unload rmmod vfio_pci || exit 0
if [ -n "$(wcnic_pci_driver "$bdf")" ]; then
	wcnic_fail stock-unbound "still bound to $(wcnic_pci_driver "$bdf")"
	exit 0
fi
wc_load_module || exit 0
observe wc || exit 0
wc=$(cat /tmp/wc)

for key in $KEYS; do
	s=$(wcnic_field "$key" "$stock")
	w=$(wcnic_field "$key" "$wc")
	if [ -z "$s" ] || [ -z "$w" ]; then
		wcnic_fail "same-$key" "not observed: stock '$s', ours '$w'"
	elif [ "$s" != "$w" ]; then
		wcnic_fail "same-$key" "stock $s, ours $w"
	elif [ "$key" = size ] && [ "${s#none}" != "$s" ]; then
		wcnic_skip "same-$key" "no dma-buf from either: $s"
	else
		wcnic_pass "same-$key"
	fi
done

wc_run_checks wc-dmabuf-check rules "$bdf"
wc_no_pat_conflict
