# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-wc-fork, guest side: a write-combined mapping of drivers/vfio
# inherited by a child process, and the device fd passed to another process
# over a Unix socket (SCM_RIGHTS), which asks WC, maps and writes
# (wc-lifecycle-check.c, modes fork and scm). test_guest_wc.py sets
# HOST_WORD and GUEST_WORD, and finds GUEST_WORD at BAR2 0x3000 (the
# child's line) and 0x3040 (the receiver's) afterwards.
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck source=guest-wc-lib.sh
. /wcnic/guest-wc-lib.sh

wc_ready_device || exit 0
bdf=$WC_BDF

wc_run_checks wc-lifecycle-check fork "$bdf" "$HOST_WORD" "$GUEST_WORD"
wc_run_checks wc-lifecycle-check scm "$bdf" "$HOST_WORD" "$GUEST_WORD"
# shellcheck disable=SC2046 # "start end"
wc_pat_none pat-none-at-end $(wcnic_bar_range "$bdf" 2)
wc_no_kernel_complaint
