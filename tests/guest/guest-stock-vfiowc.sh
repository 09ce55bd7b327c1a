# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-stock-vfiowc, guest side: libvfiowc (through vfiowc-map) against
# Debian's stock vfio-pci, which has no mmap-attribute UAPI. Asked for WC it
# must fall back to a plain VFIO mapping, say why, and report the memory
# type the kernel's PAT list shows (uncached-minus), never WC; the opt-in
# sysfs resource2_wc path gives write-combining while VFIO does not hold the
# BAR (6.x), and is refused and said to be from 7.2 on, where VFIO holds
# every BAR from the open; every error case names the device and the step.
# test_guest_stock_vfiowc.py sets:
#   HOST_WORD   64-bit value the host wrote at BAR2 offset 0 before boot
#   GUEST_WORD  64-bit value to write over BAR2's first 64 bytes for the host
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh

# expect_error NAME PATTERN CMD...: the command fails and its error matches.
expect_error() {
	local name="$1" pattern="$2" out
	shift 2
	if out=$("$@" 2>&1); then
		wcnic_fail "$name" "succeeded: $(wcnic_field method "$out")"
	elif printf '%s\n' "$out" | grep -q "^error=.*$pattern"; then
		wcnic_pass "$name"
	else
		wcnic_fail "$name" "error does not match '$pattern': $(wcnic_field error "$out")"
	fi
}

bdf=$(wcnic_ivshmem_bdf)
[ -n "$bdf" ] || { wcnic_fail ivshmem-found "no PCI device 1af4:1110"; exit 0; }

expect_error absent-device "0000:00:1f.7: .*no such" vfiowc-map 0000:00:1f.7 2 wc
expect_error not-bound "$bdf: not bound to" vfiowc-map "$bdf" 2 wc

wcnic_check bind-vfio wcnic_bind_vfio "$bdf" || exit 0
wcnic_wait_vfio_group "$bdf"

# /dev/vfio/<group> is root's (0600): an ordinary user is told so.
grep -q '^nobody:' /etc/passwd 2>/dev/null ||
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
expect_error permission-denied "$bdf: .*permission denied opening /dev/vfio/" \
	su -s /bin/sh nobody -c "vfiowc-map $bdf 2 wc"

expect_error region-out-of-range "region 9 out of range" vfiowc-map "$bdf" 9 wc
expect_error region-not-mmappable "region 7 not mmap-able" vfiowc-map "$bdf" 7 wc

# WC asked, stock kernel: the UAPI is missing, plain VFIO mmap, uncached-minus.
out=$(vfiowc-map "$bdf" 2 wc --read)
wcnic_expect_field wc-falls-back-obtained obtained uc "$out"
wcnic_expect_field wc-falls-back-method method vfio-mmap "$out"
case $(wcnic_field reason "$out") in
*ENOTTY* | *"no mmap-attribute"* | *"no such UAPI"* | *UAPI*) wcnic_pass wc-falls-back-reason ;;
*) wcnic_fail wc-falls-back-reason "reason does not name the missing UAPI: $(wcnic_field reason "$out")" ;;
esac
wcnic_expect_field pat-says-uncached-minus verified uncached-minus "$out"
wcnic_expect_field no-silent-wc mismatch no "$out"
wcnic_expect_field guest-reads-host-word read "$HOST_WORD" "$out"

out=$(vfiowc-map "$bdf" 2 wc --write-pattern "$GUEST_WORD" --read)
wcnic_expect_field guest-write-reads-back readback match "$out"

# Opt-in sysfs resource2_wc. Up to 6.12 VFIO requests a BAR at its first
# use, so the route works in an open that has not used BAR2 yet. From 7.2
# on vfio_pci_core_enable() requests every BAR at open and the kernel
# refuses the mapping (EINVAL, CONFIG_IO_STRICT_DEVMEM): libvfiowc falls
# back, says why, and the mapping it hands out is verified uncached.
out=$(vfiowc-map --allow-sysfs-wc "$bdf" 2 wc --read)
if wcnic_kernel_at_least 7 2; then
	case $(wcnic_field reason "$out") in
	*"resource2_wc refused (EINVAL)"*) wcnic_pass sysfs-wc-refused-while-open ;;
	*) wcnic_fail sysfs-wc-refused-while-open "reason: $(wcnic_field reason "$out")" ;;
	esac
	wcnic_expect_field sysfs-wc-falls-back-method method vfio-mmap "$out"
	wcnic_expect_field sysfs-wc-falls-back-obtained obtained uc "$out"
	wcnic_expect_field sysfs-wc-pat-says-uncached-minus verified uncached-minus "$out"
else
	wcnic_expect_field sysfs-wc-method method sysfs-wc "$out"
	wcnic_expect_field sysfs-wc-obtained obtained wc "$out"
	wcnic_expect_field sysfs-wc-pat-says-wc verified write-combining "$out"
fi

# The PAT rule: once the BAR is mapped uncached in an open, asking WC in the
# same open is refused (EBUSY), not quietly handed an uncached mapping;
# asking UC again is fine.
out=$(vfiowc-map "$bdf" 2 uc --remap wc)
wcnic_expect_field second-type-is-ebusy remap_errno EBUSY "$out"
out=$(vfiowc-map "$bdf" 2 uc --remap uc)
wcnic_expect_field same-type-again remap_obtained uc "$out"

# UC asked: plain mapping, verified uncached-minus.
out=$(vfiowc-map "$bdf" 2 uc --read)
wcnic_expect_field uc-obtained obtained uc "$out"
wcnic_expect_field uc-pat-says-uncached-minus verified uncached-minus "$out"
