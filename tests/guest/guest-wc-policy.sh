# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-wc-policy, guest side: write-combining by policy for a program that
# never calls VFIO_DEVICE_SET_MMAP_ATTRS (wc-verify-check.c, modes policy
# and no-policy): the sysfs attribute wc_bars, what it accepts, wc_state,
# one log line per open, then the module parameter wc_policy, then the
# udev rule of doc/vfio-module.md run by udevd.
# test_guest_wc.py sets:
#   GUEST_WORD  64-bit value for the host to find at BAR2 offset 512
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck source=guest-wc-lib.sh
. /wcnic/guest-wc-lib.sh

wc_ready_device || exit 0
bdf=$WC_BDF
sysfs=/sys/bus/pci/devices/$bdf

wc_bars_reads wc-bars-default-none "$bdf" 0x0
state=$(cat "$sysfs/wc_state")
if [ "$state" = "$(printf 'bar0 free\nbar2 free')" ]; then
	wcnic_pass wc-state-lists-bars-free
else
	wcnic_fail wc-state-lists-bars-free "wc_state: $(printf '%s' "$state" | tr '\n' ';')"
fi
wc_bars_refuses wc-bars-refuses-non-prefetchable "$bdf" 0x1 "wc_bars: BAR 0 refused: not prefetchable"
wc_bars_refuses wc-bars-refuses-missing-bar "$bdf" 0x8 "wc_bars: BAR 3 refused: no such BAR"
wc_bars_reads wc-bars-unchanged-by-refusals "$bdf" 0x0
wcnic_check wc-bars-set sh -c "echo 0x4 >$sysfs/wc_bars"
wc_bars_reads wc-bars-reads-back "$bdf" 0x4

applied="wc_bars 0x4: write-combining for BARs 0x4 in this open"
before=$(wc_log_count "$applied")
wc_run_checks wc-verify-check policy "$bdf" "$GUEST_WORD"
# Four opens in that run, one line each.
wc_expect_log_lines policy-logged-once-per-open "$applied" "$before" 4

wcnic_check wc-bars-cleared sh -c "echo 0 >$sysfs/wc_bars"
before=$(wc_log_count "wc_bars 0x")
wc_run_checks wc-verify-check no-policy "$bdf"
wc_expect_log_lines no-policy-nothing-logged "wc_bars 0x" "$before" 0

# The module parameter: wc_bars set at bind, from the device's IDs.
echo "$bdf" >/sys/bus/pci/drivers/vfio-pci/unbind
wcnic_check param-module-unload rmmod vfio_pci || exit 0
wcnic_check param-module-load insmod "$WC_MODULE" wc_policy=1234:5678:0x1,1af4:1110:0x4 || exit 0
echo "$bdf" >/sys/bus/pci/drivers_probe
if [ "$(wcnic_pci_driver "$bdf")" = vfio-pci ]; then
	wcnic_pass param-bound
else
	wcnic_fail param-bound "driver '$(wcnic_pci_driver "$bdf")'"
	exit 0
fi
wcnic_wait_vfio_group "$bdf"
wc_bars_reads param-wc-bars-from-wc-policy "$bdf" 0x4
WC_CHECK_PREFIX=param-
wc_run_checks wc-verify-check policy "$bdf" "$GUEST_WORD"
WC_CHECK_PREFIX=

# The udev rule of doc/vfio-module.md (the net/ena walkthrough): the doc's
# own line, this device's vendor ID in place of ENA's, run by udevd when
# vfio-pci binds the device, under a module loaded without wc_policy.
udev_rule=$(sed -n 's/^ *\(ACTION=="bind".*ATTR{wc_bars}=.*\)$/\1/p' /wcnic/vfio-module.md)
case $udev_rule in
*'ATTR{vendor}=="0x1d0f"'*) wcnic_pass udev-rule-in-doc ;;
*)
	wcnic_fail udev-rule-in-doc "no rule for ENA's vendor 0x1d0f in the doc: '$udev_rule'"
	exit 0
	;;
esac
mkdir -p /etc/udev/rules.d /run/udev
printf '%s\n' "$udev_rule" | sed "s/0x1d0f/$(cat "$sysfs/vendor")/" \
	>/etc/udev/rules.d/70-vfio-pci-wc.rules
# udevadm is udevd when called by that name.
ln -s /bin/udevadm /run/systemd-udevd
wcnic_check udevd-started /run/systemd-udevd --daemon || exit 0
echo "$bdf" >/sys/bus/pci/drivers/vfio-pci/unbind
wcnic_check udev-module-unload rmmod vfio_pci || exit 0
# The device, still with driver_override, binds as the module loads.
wcnic_check udev-module-load insmod "$WC_MODULE" || exit 0
wcnic_check udev-settled udevadm settle --timeout=30
wcnic_wait_vfio_group "$bdf"
wc_bars_reads udev-rule-sets-wc-bars "$bdf" 0x4
WC_CHECK_PREFIX=udev-
wc_run_checks wc-verify-check policy "$bdf" "$GUEST_WORD"
WC_CHECK_PREFIX=
udevadm control --exit

wc_no_kernel_complaint
