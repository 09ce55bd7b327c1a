# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-wc-unplug, guest side: QEMU unplugs the device (device_del through
# QMP, from the host side of the test) while a process holds a
# write-combined mapping of BAR2 through drivers/vfio. The holder
# (wc-lifecycle-check.c, mode hold) writes UNPLUG_ASK into the BAR, which
# the host watches; the kernel's removal asks vfio for the device back
# through the request eventfd, the holder lets go, the device disappears,
# and no PAT entry is left for its BAR.
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck source=guest-wc-lib.sh
. /wcnic/guest-wc-lib.sh

wc_ready_device || exit 0
bdf=$WC_BDF
range=$(wcnic_bar_range "$bdf" 2)

wc_run_checks wc-lifecycle-check hold "$bdf" /tmp/held "${HOLD_SECONDS:-30}" "$UNPLUG_ASK"
# The removal finishes once the holder has let go.
wait_gone() {
	local i=0
	while [ -e "$1" ] && [ "$i" -lt "$2" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ ! -e "$1" ]
}
if wait_gone "/sys/bus/pci/devices/$bdf" 300; then
	wcnic_pass unplug-device-gone
else
	wcnic_fail unplug-device-gone "$bdf still present 30 s after the holder let go"
fi
# shellcheck disable=SC2086 # "start end"
wc_pat_none unplugged-pat-none $range
wc_no_kernel_complaint
