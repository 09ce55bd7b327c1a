# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# Functions for guest scripts that use drivers/vfio (the guest-wc-* tests,
# and any other that loads the module: testpmd-lib.sh, guest-wcbench.sh),
# sourced after guest-lib.sh. wc_module.guest_options() on the host sets
# WC_MODULE (the module's path in the guest) and WC_MODULE_VERSION.

# wc_load_module [PARAM=VALUE...]: insmod our vfio-pci in place of the
# kernel's (not loaded by this bench) and check it is the one driving the
# "vfio-pci" PCI driver. Status 0 when it is.
# shellcheck disable=SC2120 # the parameters are optional
wc_load_module() {
	wcnic_check wc-module-load insmod "$WC_MODULE" "$@" || return 1
	# The kernel's own vfio-pci declares no version.
	local version
	version=$(cat /sys/module/vfio_pci/version 2>/dev/null)
	if [ "$version" = "$WC_MODULE_VERSION" ]; then
		wcnic_pass wc-module-is-ours
	else
		wcnic_fail wc-module-is-ours "vfio_pci version '$version', expected '$WC_MODULE_VERSION'"
		return 1
	fi
	if [ "$(basename "$(readlink /sys/bus/pci/drivers/vfio-pci/module)")" = vfio_pci ]; then
		wcnic_pass wc-driver-named-vfio-pci
	else
		wcnic_fail wc-driver-named-vfio-pci "no PCI driver vfio-pci belonging to module vfio_pci"
		return 1
	fi
}

# wc_run_checks CMD [ARG...]: run a checker that prints "NAME PASS|FAIL|SKIP
# [why]" lines and exits 0 (all passed) or 1 (some failed); report each.
wc_run_checks() {
	local out rc name status why
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | while read -r name status why; do
		case $status in
		PASS | FAIL | SKIP) wcnic_result "$name" "$status" "$why" ;;
		*) echo "$name $status $why" ;;
		esac
	done
	case $rc in
	0 | 1) ;;
	*) wcnic_fail "$(basename "$1")-exit" "'$*' exited $rc" ;;
	esac
}

# wc_no_pat_conflict: the kernel logged no PAT complaint (a conflicting
# memory type, a mapping given another type than asked, an ioremap
# refused). The boot-time "x86/PAT: Configuration" line is not one.
wc_no_pat_conflict() {
	local lines
	lines=$(dmesg | grep -E 'x86/PAT|ioremap error|memtype' | grep -v 'x86/PAT: Configuration')
	if [ -z "$lines" ]; then
		wcnic_pass no-pat-conflict-logged
	else
		wcnic_fail no-pat-conflict-logged "$(printf '%s\n' "$lines" | head -n 3)"
	fi
}
