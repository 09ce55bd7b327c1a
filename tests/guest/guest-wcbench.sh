# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-stock-wcbench and guest-wc-wcbench, guest side: wcbench on the
# ivshmem BAR through VFIO, under TCG. With Debian's stock vfio-pci, asked
# for WC it gets UC and must say so; with this project's module (WC_MODULE
# set: load it first) it gets WC by the mmap-attribute UAPI, verified in the
# PAT list. Asked for UC it gets UC; through sysfs resource2_wc it gets WC.
# Every run goes end to end and warns that TCG makes the figures
# meaningless. test_guest_wcbench.py checks on the host that the stores
# reached the BAR, and only the doorbell and the push ring.
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh

# Few, short samples: TCG emulates every store; the figures are not judged.
QUICK="--runs 5 --iterations 10 --burst 1,8 --cpu 0"

# expect NAME FILE TEXT: PASS when FILE contains the fixed string TEXT.
expect() {
	if grep -qF -- "$3" "$2"; then
		wcnic_pass "$1"
	else
		wcnic_fail "$1" "no '$3' in $(basename "$2"): $(head -c 300 "$2")"
	fi
}

# bench NAME OUT ARGS...: run wcbench, stdout to OUT, stderr to OUT.err.
bench() {
	local name="$1" out="$2"
	shift 2
	# shellcheck disable=SC2086 # QUICK is a list of words
	if wcbench "$@" $QUICK >"$out" 2>"$out.err"; then
		wcnic_pass "$name"
	else
		wcnic_fail "$name" "wcbench $* exited $?: $(tail -n 2 "$out.err")"
		return 1
	fi
}

if [ -n "$WC_MODULE" ]; then
	# shellcheck source=guest-wc-lib.sh
	. /wcnic/guest-wc-lib.sh
	wc_load_module || exit 0
fi
bdf=$(wcnic_ivshmem_bdf)
[ -n "$bdf" ] || { wcnic_fail ivshmem-found "no PCI device 1af4:1110"; exit 0; }
wcnic_check bind-vfio wcnic_bind_vfio "$bdf" || exit 0
wcnic_wait_vfio_group "$bdf"

# WC asked. The stock kernel has no mmap-attribute UAPI, so the mapping is
# uncached, and the report says so; the module grants WC.
if bench wc-runs /tmp/wc.json --vfio "$bdf" --region 2 --attr wc --format json; then
	expect wc-asked /tmp/wc.json '"asked": "wc"'
	if [ -n "$WC_MODULE" ]; then
		expect wc-obtained-wc /tmp/wc.json '"obtained": "wc"'
		expect wc-method-uapi /tmp/wc.json '"method": "uapi"'
		expect wc-pat-write-combining /tmp/wc.json '"verified": "write-combining"'
		if grep -q 'uncached obtained' /tmp/wc.json; then
			wcnic_fail wc-no-fallback-warning "WC obtained, yet warned about a fallback"
		else
			wcnic_pass wc-no-fallback-warning
		fi
	else
		expect wc-obtained-uc /tmp/wc.json '"obtained": "uc"'
		expect wc-method /tmp/wc.json '"method": "vfio-mmap"'
		expect wc-pat-uncached-minus /tmp/wc.json '"verified": "uncached-minus"'
		expect wc-fallback-reason /tmp/wc.json 'ENOTTY'
		expect wc-warns-uc /tmp/wc.json 'write-combining asked but uncached obtained'
		expect wc-warns-uc-stderr /tmp/wc.json.err 'WARNING: write-combining asked but uncached'
	fi
	expect tcg-cpu-model /tmp/wc.json '"cpu_model": "QEMU TCG'
	expect tcg-signature /tmp/wc.json '"hypervisor_signature": "TCGTCGTCGTCG"'
	expect tcg-is-emulator /tmp/wc.json '"emulator": true'
	expect tcg-warned /tmp/wc.json 'running under QEMU TCG, an emulator that does not model'
	expect wc-burst-rows /tmp/wc.json '"pattern": "burst", "store": "u64"'
	expect wc-pinned /tmp/wc.json '"pinned_cpu": 0'
fi

# UC asked: uncached, no fallback to report, still the emulator warning.
if bench uc-runs /tmp/uc.txt --vfio "$bdf" --region 2 --attr uc; then
	# The module takes the UC request through the UAPI too (attrs 0).
	method=vfio-mmap
	[ -n "$WC_MODULE" ] && method=uapi
	expect uc-memory-type /tmp/uc.txt \
		"asked uc, obtained uc, verified uncached-minus (method $method)"
	expect uc-tcg-warned /tmp/uc.txt 'WARNING: running under QEMU TCG, an emulator'
	if grep -q 'write-combining asked' /tmp/uc.txt; then
		wcnic_fail uc-no-wc-warning "UC asked, yet warned about a WC fallback"
	else
		wcnic_pass uc-no-wc-warning
	fi
fi

# sysfs resource2_wc, while no VFIO user holds the BAR: write-combining.
if bench sysfs-wc-runs /tmp/sysfs.csv --sysfs "/sys/bus/pci/devices/$bdf/resource2_wc" \
	--format csv; then
	expect sysfs-wc-memory-type /tmp/sysfs.csv ',wc,wc,write-combining,sysfs-wc'
	expect sysfs-wc-tcg-warned /tmp/sysfs.csv.err 'WARNING: running under QEMU TCG'
fi

# A region too small for the window is refused, naming the region.
# shellcheck disable=SC2086 # QUICK is a list of words
out=$(wcbench --vfio "$bdf" --region 0 $QUICK 2>&1)
case $out in
*"region 0 has 0x100 bytes: wcbench needs"*) wcnic_pass small-region-refused ;;
*) wcnic_fail small-region-refused "$out" ;;
esac
