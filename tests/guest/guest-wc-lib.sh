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

# wc_ready_device: the ivshmem device found, our module loaded
# (wc_load_module), the device bound to it with driver_override and its
# IOMMU group ready; WC_BDF is its address. Status 0 when all that holds
# (a FAIL line says what did not).
wc_ready_device() {
	WC_BDF=$(wcnic_ivshmem_bdf)
	[ -n "$WC_BDF" ] || { wcnic_fail ivshmem-found "no PCI device 1af4:1110"; return 1; }
	wc_load_module || return 1
	wcnic_check bind-driver-override wcnic_bind_vfio "$WC_BDF" || return 1
	wcnic_wait_vfio_group "$WC_BDF"
}

# wc_run_checks CMD [ARG...]: run a checker that prints "NAME PASS|FAIL|SKIP
# [why]" lines and exits 0 (all passed) or 1 (some failed); report each,
# named $WC_CHECK_PREFIX NAME (for a checker run twice in one boot).
wc_run_checks() {
	local out rc name status why
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | while read -r name status why; do
		case $status in
		PASS | FAIL | SKIP) wcnic_result "$WC_CHECK_PREFIX$name" "$status" "$why" ;;
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
# refused). The boot-time "x86/PAT: Configuration" line is not one, nor
# the one saying PAT is off (nopat).
wc_no_pat_conflict() {
	local lines
	lines=$(dmesg | grep -E 'x86/PAT|ioremap error|memtype' |
		grep -v -e 'x86/PAT: Configuration' -e 'x86/PAT: PAT support disabled')
	if [ -z "$lines" ]; then
		wcnic_pass no-pat-conflict-logged
	else
		wcnic_fail no-pat-conflict-logged "$(printf '%s\n' "$lines" | head -n 3)"
	fi
}

# wc_no_kernel_complaint [NAME]: the kernel log has no oops, BUG, WARNING
# or call trace (anything a module bug under abuse would leave), and no
# PAT complaint (wc_no_pat_conflict).
wc_no_kernel_complaint() {
	local lines
	lines=$(dmesg | grep -E 'Oops|BUG[: ]|WARNING:|Call Trace|general protection|unable to handle|refcount_t|use-after-free|list_del corruption|INFO: task .* blocked')
	if [ -z "$lines" ]; then
		wcnic_pass "${1:-no-kernel-complaint}"
	else
		wcnic_fail "${1:-no-kernel-complaint}" "$(printf '%s\n' "$lines" | head -n 3)"
	fi
	wc_no_pat_conflict
}

# wc_pat_none NAME START END: no pat_memtype_list entry overlaps the
# physical range START..END (hex, inclusive: a BAR, as wcnic_bar_range
# prints it), which is the state once nothing maps the BAR.
wc_pat_none() {
	local name=$1 start=$((0x${2#0x})) end=$((0x${3#0x})) line from to found=""
	while read -r line; do
		from=${line#*mem 0x}
		from=${from%%-*}
		to=${line#*-0x}
		to=${to%%]*}
		case $from$to in *[!0-9a-fA-F]* | "") continue ;; esac
		if [ $((0x$from)) -le "$end" ] && [ $((0x$to)) -gt "$start" ]; then
			found="$found${found:+; }$line"
		fi
	done </sys/kernel/debug/x86/pat_memtype_list
	if [ -z "$found" ]; then
		wcnic_pass "$name"
	else
		wcnic_fail "$name" "pat_memtype_list still has: $found"
	fi
}

# wc_log_count TEXT: how many kernel log lines contain TEXT.
wc_log_count() { dmesg | grep -c -F -e "$1"; }

# wc_expect_log_lines NAME TEXT BEFORE WANT: PASS when the kernel log has
# WANT more lines with TEXT than the BEFORE lines counted earlier.
wc_expect_log_lines() {
	local got
	got=$(($(wc_log_count "$2") - $3))
	if [ "$got" -eq "$4" ]; then
		wcnic_pass "$1"
	else
		wcnic_fail "$1" "$got new kernel log lines with '$2', expected $4"
	fi
}

# wc_bars_reads NAME BDF WANT: the device's wc_bars attribute reads WANT.
wc_bars_reads() {
	local got
	got=$(cat "/sys/bus/pci/devices/$2/wc_bars")
	if [ "$got" = "$3" ]; then
		wcnic_pass "$1"
	else
		wcnic_fail "$1" "wc_bars reads '$got', expected $3"
	fi
}

# wc_bars_refuses NAME BDF MASK REASON: writing MASK to the device's
# wc_bars fails, with REASON logged once.
wc_bars_refuses() {
	local before
	before=$(wc_log_count "$4")
	if echo "$3" >"/sys/bus/pci/devices/$2/wc_bars" 2>/dev/null; then
		wcnic_fail "$1" "writing $3 to wc_bars succeeded"
	else
		wcnic_pass "$1"
	fi
	wc_expect_log_lines "$1-logged" "$4" "$before" 1
}
