# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-wc-nopat, guest side: booted with nopat, drivers/vfio refuses
# write-combining (SET_MMAP_ATTRS EINVAL, wc_bars EINVAL) and uncached
# mappings still work (wc-verify-check.c, mode nopat).
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck source=guest-wc-lib.sh
. /wcnic/guest-wc-lib.sh

bdf=$(wcnic_ivshmem_bdf)
[ -n "$bdf" ] || { wcnic_fail ivshmem-found "no PCI device 1af4:1110"; exit 0; }
if grep -qw nopat /proc/cmdline; then
	wcnic_pass booted-with-nopat
else
	wcnic_fail booted-with-nopat "no nopat in /proc/cmdline: $(cat /proc/cmdline)"
fi
wc_load_module || exit 0
wcnic_check bind-driver-override wcnic_bind_vfio "$bdf" || exit 0
wcnic_wait_vfio_group "$bdf"

wc_run_checks wc-verify-check nopat "$bdf"

# The policy cannot ask what the kernel cannot give either.
sysfs=/sys/bus/pci/devices/$bdf
before=$(wc_log_count "wc_bars: BAR 2 refused: the kernel has no write-combining")
if echo 0x4 >"$sysfs/wc_bars" 2>/dev/null; then
	wcnic_fail nopat-wc-bars-refused "writing 0x4 to wc_bars succeeded without PAT"
else
	wcnic_pass nopat-wc-bars-refused
fi
wc_expect_log_lines nopat-wc-bars-reason-logged \
	"wc_bars: BAR 2 refused: the kernel has no write-combining" "$before" 1
if [ "$(cat "$sysfs/wc_bars")" = 0x0 ]; then
	wcnic_pass nopat-wc-bars-unchanged
else
	wcnic_fail nopat-wc-bars-unchanged "wc_bars reads $(cat "$sysfs/wc_bars")"
fi
wc_no_kernel_complaint
