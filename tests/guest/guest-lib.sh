# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# Functions for guest scripts (busybox sh), which run in a shell of their own
# and start with:
#     . /wcnic/guest-lib.sh
# Results reach the host as console lines it parses:
#     WCNIC-RESULT <name> PASS|FAIL|SKIP [why]
# A name is one word. Any FAIL (or a non-zero exit of the script) makes /init
# print the kernel log before WCNIC-DONE.

WCNIC_FAILED_MARK=/run/wcnic-failed

# wcnic_result NAME STATUS [WHY...]
wcnic_result() {
	local name="$1" status="$2" why
	shift 2
	why=$(printf '%s' "$*" | tr '\n' ' ')
	echo "WCNIC-RESULT $name $status${why:+ $why}"
	if [ "$status" = FAIL ]; then
		: >"$WCNIC_FAILED_MARK"
	fi
}

wcnic_pass() { wcnic_result "$1" PASS; }

# wcnic_fail NAME WHY...
wcnic_fail() {
	local name="$1"
	shift
	wcnic_result "$name" FAIL "$@"
}

# wcnic_skip NAME WHY...
wcnic_skip() {
	local name="$1"
	shift
	wcnic_result "$name" SKIP "$@"
}

# wcnic_check NAME CMD [ARG...]: PASS when CMD succeeds, else FAIL with its
# exit status and last line of output. Returns CMD's status.
wcnic_check() {
	local name="$1" out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		wcnic_pass "$name"
	else
		wcnic_fail "$name" "'$*' exited $rc: $(printf '%s\n' "$out" | tail -n 1)"
	fi
	return "$rc"
}

# wcnic_kernel_at_least MAJOR MINOR: status 0 when the guest kernel is
# MAJOR.MINOR or newer, for a check of behaviour a kernel release changed.
wcnic_kernel_at_least() {
	local release major minor
	release=$(uname -r)
	major=${release%%.*}
	minor=${release#*.}
	minor=${minor%%[!0-9]*}
	[ "$major" -gt "$1" ] || { [ "$major" -eq "$1" ] && [ "$minor" -ge "$2" ]; }
}

# wcnic_field KEY OUTPUT: the value of KEY=... in a key=value report (the
# output of vfiowc-map, wc-uapi-check).
wcnic_field() { printf '%s\n' "$2" | sed -n "s/^$1=//p" | head -n 1; }

# wcnic_expect_field NAME KEY WANT OUTPUT: PASS when the report's KEY is
# WANT; otherwise FAIL with what it is and the report's error line.
wcnic_expect_field() {
	local got
	got=$(wcnic_field "$2" "$4")
	if [ "$got" = "$3" ]; then
		wcnic_pass "$1"
	else
		wcnic_fail "$1" "$2=$got, expected $3 ($(wcnic_field error "$4"))"
	fi
}

# wcnic_wait_path PATH [TENTHS]: wait up to TENTHS/10 s (default 5 s) for PATH.
wcnic_wait_path() {
	local i=0
	while [ ! -e "$1" ]; do
		[ "$i" -ge "${2:-50}" ] && return 1
		i=$((i + 1))
		sleep 0.1
	done
}

# wcnic_pci_find VENDOR DEVICE: addresses (0000:00:03.0) of matching PCI
# functions, ids in hex without 0x.
wcnic_pci_find() {
	local dev
	for dev in /sys/bus/pci/devices/*; do
		if [ "$(cat "$dev/vendor")" = "0x$1" ] && [ "$(cat "$dev/device")" = "0x$2" ]; then
			basename "$dev"
		fi
	done
}

# The ivshmem-plain device (1af4:1110) QEMU gives every guest; BAR2 is the
# host's shared-memory file.
wcnic_ivshmem_bdf() { wcnic_pci_find 1af4 1110 | head -n 1; }

# wcnic_pci_driver BDF: the bound driver's name; empty when unbound.
wcnic_pci_driver() {
	local link="/sys/bus/pci/devices/$1/driver"
	if [ -e "$link" ]; then
		basename "$(readlink "$link")"
	fi
}

# wcnic_bind_vfio BDF: make vfio-pci drive the device; status 0 when it does.
wcnic_bind_vfio() {
	local dev="/sys/bus/pci/devices/$1" driver
	echo vfio-pci >"$dev/driver_override" || return 1
	driver=$(wcnic_pci_driver "$1")
	if [ -n "$driver" ] && [ "$driver" != vfio-pci ]; then
		echo "$1" >"/sys/bus/pci/drivers/$driver/unbind" || return 1
	fi
	if [ "$driver" != vfio-pci ]; then
		echo "$1" >/sys/bus/pci/drivers_probe
	fi
	[ "$(wcnic_pci_driver "$1")" = vfio-pci ]
}

# wcnic_wait_vfio_group BDF: wait for the /dev/vfio node of the device's
# IOMMU group, which appears once vfio-pci drives it; FAIL when it does not.
wcnic_wait_vfio_group() {
	wcnic_wait_path "/dev/vfio/$(wcnic_iommu_group "$1")" || wcnic_fail vfio-group "no /dev/vfio node"
}

# wcnic_iommu_group BDF: the device's IOMMU group number (/dev/vfio/<n>).
wcnic_iommu_group() {
	local link="/sys/bus/pci/devices/$1/iommu_group"
	[ -e "$link" ] && basename "$(readlink "$link")"
}

# wcnic_bar_range BDF BAR: "start end" of a BAR (hex, end inclusive).
wcnic_bar_range() {
	sed -n "$(($2 + 1))p" "/sys/bus/pci/devices/$1/resource" | cut -d' ' -f1,2
}

# wcnic_pat_entries BDF BAR: the lines of /sys/kernel/debug/x86/pat_memtype_list
# that overlap a BAR, e.g. "PAT: [mem 0x...-0x...] write-combining". The
# kernel's memory-type bookkeeping is the ground truth for what a mapping got.
wcnic_pat_entries() {
	local start end line s e
	# shellcheck disable=SC2046 # split "start end" into $1 $2
	set -- $(wcnic_bar_range "$1" "$2")
	start=$(($1))
	end=$(($2))
	while read -r line; do
		case $line in *"[mem "*) ;; *) continue ;; esac
		s=${line#*\[mem }
		s=${s%%-*}
		e=${line#*\[mem *-}
		e=${e%%\]*}
		if [ $((s)) -le "$end" ] && [ $((e)) -gt "$start" ]; then
			echo "$line"
		fi
	done </sys/kernel/debug/x86/pat_memtype_list
}

# wcnic_pat_types BDF BAR: just the memory types of those lines.
wcnic_pat_types() { wcnic_pat_entries "$1" "$2" | sed 's/.*\] *//'; }
