# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-wc-unbind, guest side: the device unbound from drivers/vfio while a
# process holds a write-combined mapping of BAR2 (wc-lifecycle-check.c,
# mode hold). vfio does not revoke the mapping: the unbind waits for the
# user, and the driver asks for the device back through the request
# eventfd. The holder lets go on that request; then the unbind completes,
# the PAT entry is gone, and after binding again WC is obtained again.
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck source=guest-wc-lib.sh
. /wcnic/guest-wc-lib.sh

wc_ready_device || exit 0
bdf=$WC_BDF
range=$(wcnic_bar_range "$bdf" 2)

wc-lifecycle-check hold "$bdf" /tmp/held "${HOLD_SECONDS:-20}" >/tmp/hold.out 2>&1 &
holder=$!
if ! wcnic_wait_path /tmp/held 600; then
	wcnic_fail holder-ready "wc-lifecycle-check hold never got ready"
	wait "$holder"
	wc_run_checks cat /tmp/hold.out
	exit 0
fi
echo "$bdf" >/sys/bus/pci/drivers/vfio-pci/unbind &
unbinder=$!
wait "$holder"
wc_run_checks cat /tmp/hold.out
wait "$unbinder"
driver=$(wcnic_pci_driver "$bdf")
if [ -z "$driver" ]; then
	wcnic_pass unbind-completes-after-release
else
	wcnic_fail unbind-completes-after-release "still bound to '$driver'"
fi
# shellcheck disable=SC2086 # "start end"
wc_pat_none unbound-pat-none $range

# Bound again: a new open starts clean.
wcnic_check bind-again wcnic_bind_vfio "$bdf" || exit 0
wcnic_wait_vfio_group "$bdf"
wc_run_checks wc-lifecycle-check once "$bdf" rebound
wc_no_kernel_complaint
