# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-wc-uc-reserved, guest side: an uncached sysfs resource2 mapping
# of BAR2 held from before the VFIO open. drivers/vfio must never answer a
# WC request with a BAR the PAT list shows uncached: it refuses with EBUSY
# and logs why, or grants WC that really is (wc-verify-check.c, mode
# uc-reserved, says which each kernel does and why).
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck source=guest-wc-lib.sh
. /wcnic/guest-wc-lib.sh

wc_ready_device || exit 0
bdf=$WC_BDF

reason="BAR 2: write-combining refused (EBUSY): the kernel gave the mapping another memory type"
before=$(wc_log_count "$reason")
wc_run_checks wc-verify-check uc-reserved "$bdf"
# From 7.2 refused, with one line saying why; up to 6.12 granted (see
# wc-verify-check.c), so nothing to log.
if wcnic_kernel_at_least 7 2; then
	wc_expect_log_lines uc-refusal-reason-logged "$reason" "$before" 1
else
	wc_expect_log_lines uc-no-refusal-logged "$reason" "$before" 0
fi
wc_no_kernel_complaint
