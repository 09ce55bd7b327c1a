# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-wc-stress, guest side: drivers/vfio with five threads on one open
# of the device (wc-lifecycle-check.c, mode stress): SET_MMAP_ATTRS WC on
# and off, mmap/munmap of BAR2, pread/pwrite, ioeventfd add/kick/delete and
# VFIO_DEVICE_RESET, in rounds of a fresh open each. One vCPU; the device
# sits behind a PCIe root port so it can be reset. test_guest_wc.py sets
# STRESS_SECONDS.
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck source=guest-wc-lib.sh
. /wcnic/guest-wc-lib.sh

wc_ready_device || exit 0
bdf=$WC_BDF

wc_run_checks wc-lifecycle-check stress "$bdf" "${STRESS_SECONDS:-6}"
# shellcheck disable=SC2046 # "start end"
wc_pat_none pat-none-at-end $(wcnic_bar_range "$bdf" 2)
wc_no_kernel_complaint
