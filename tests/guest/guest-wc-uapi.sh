# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-wc-uapi, guest side: VFIO_DEVICE_SET_MMAP_ATTRS of drivers/vfio on a
# real kernel (wc-uapi-check.c lists the checks). The device is bound with
# driver_override. test_guest_wc.py sets:
#   HOST_WORD   64-bit value the host wrote at BAR2 offset 0 before boot
#   GUEST_WORD  64-bit value for the host to find at BAR2 offset 64
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck source=guest-wc-lib.sh
. /wcnic/guest-wc-lib.sh

wc_ready_device || exit 0
bdf=$WC_BDF

wc_run_checks wc-uapi-check uapi "$bdf" "$HOST_WORD" "$GUEST_WORD"
wc_no_kernel_complaint
