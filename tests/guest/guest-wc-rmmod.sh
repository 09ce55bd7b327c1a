# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-wc-rmmod, guest side: drivers/vfio removed and loaded again after a
# write-combined use of BAR2 (wc-lifecycle-check.c, mode once): no PAT
# entry and no claim on the BAR is left after the close and the rmmod, and
# the first open after insmod obtains WC again.
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck source=guest-wc-lib.sh
. /wcnic/guest-wc-lib.sh

wc_ready_device || exit 0
bdf=$WC_BDF
range=$(wcnic_bar_range "$bdf" 2)

wc_run_checks wc-lifecycle-check once "$bdf" first-load
echo "$bdf" >/sys/bus/pci/drivers/vfio-pci/unbind
wcnic_check rmmod rmmod vfio_pci || exit 0
if [ -e /sys/module/vfio_pci ]; then
	wcnic_fail rmmod-gone "/sys/module/vfio_pci still exists"
else
	wcnic_pass rmmod-gone
fi
# shellcheck disable=SC2086 # "start end"
wc_pat_none rmmod-pat-none $range
if grep -q vfio-pci /proc/iomem; then
	wcnic_fail rmmod-no-region-claimed "$(grep vfio-pci /proc/iomem | head -n 1)"
else
	wcnic_pass rmmod-no-region-claimed
fi

wcnic_check insmod-again insmod "$WC_MODULE" || exit 0
wcnic_check bind-after-insmod wcnic_bind_vfio "$bdf" || exit 0
wcnic_wait_vfio_group "$bdf"
wc_run_checks wc-lifecycle-check once "$bdf" after-insmod
# shellcheck disable=SC2086 # "start end"
wc_pat_none pat-none-at-end $range
wc_no_kernel_complaint
