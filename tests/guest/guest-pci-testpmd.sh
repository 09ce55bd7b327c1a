# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# Guest side of the PCI-path testpmd tests: Debian's dpdk-testpmd with
# net_wcnic on the ivshmem device (bound to vfio-pci), wcnic-emu behind it
# on the host. txonly for RUN_SECONDS; the port's counts must equal the
# device's; the memory type the driver reports must be the one the kernel's
# PAT list holds for BAR2, and decide the TX mode; dpdk-dumpcap captures
# while testpmd forwards and dpdk-proc-info reads the same counts, each a
# secondary process that maps BAR2 alike; then the port is hot
# unplugged (port detach), attached again, run again, and closed and
# detached the other way (port close, device detach); then testpmd's pools
# must be whole.
# test_guest_pci_testpmd.py sets:
#   EXPECT_MEM      uncached | write-combining  (the driver's word)
#   EXPECT_PAT      uncached-minus | write-combining  (the PAT list's word)
#   EXPECT_TX_MODE  dma | push
#   RUN_SECONDS     forwarding time per run
#   WCNIC_PMD       the driver in the guest
#   WC_MODULE       (optional) the vfio-pci module to load instead of Debian's
#   DUMPCAP_PRELOAD testpmd's DPDK libraries, then WCNIC_PMD, ':'-separated
# and reads the lines "WCNIC-RESULT tx-run-<n> PASS packets=<n>" to compare
# with what wcnic-emu counted.
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck source=testpmd-lib.sh
. /wcnic/testpmd-lib.sh

testpmd_prepare_device 160 || exit 0
bdf=$TESTPMD_BDF

# expect_in NAME TEXT PATTERN: PASS when TEXT matches the shell PATTERN.
expect_in() {
	# shellcheck disable=SC2254 # PATTERN is a pattern on purpose
	case "$2" in
	$3) wcnic_pass "$1" ;;
	*) wcnic_fail "$1" "'$2' does not match '$3'" ;;
	esac
}

# check_secondary PORT: dpdk-proc-info, a secondary process, against the
# running testpmd. It attaches to the port and maps BAR2 itself, at the
# primary's address and with the primary's memory type (its own mapping
# line says which); the statistics and the device counters it prints (read
# from BAR2 in its own process) are testpmd's.
check_secondary() {
	local port="$1" out=/tmp/proc-info.log want_tx want_dev what ok=1
	testpmd_cmd "show port stats $port"
	want_tx=$(testpmd_value TX-packets)
	testpmd_cmd "show port xstats $port"
	want_dev=$(testpmd_value dev_tx_packets)
	: >"$out"
	for what in --stats --xstats; do
		dpdk-proc-info -a "$bdf" -d "$WCNIC_PMD" -- "$what" >>"$out" 2>&1 || ok=0
	done
	if [ "$ok" = 1 ]; then
		wcnic_pass proc-info-exits-0
	else
		wcnic_fail proc-info-exits-0 "$(grep -v "^[0-9]*: " "$out" | head -n 20 | tr '\n' '|')"
	fi
	if [ "$EXPECT_MEM" = uncached ]; then
		expect_in proc-info-mapping "$(grep 'asked write-combining, got uncached' "$out" | head -n 1)" \
			"*vfio-mmap: VFIO_DEVICE_SET_MMAP_ATTRS: ENOTTY*"
	else
		expect_in proc-info-mapping "$(grep 'BAR2 write-combining' "$out" | head -n 1)" "*(uapi;*"
	fi
	expect_in proc-info-same-type "$(grep -c 'in the primary process' "$out")" 0
	expect_in proc-info-stats "$(grep -o '^ *TX-packets: *[0-9]*' "$out" | head -n 1 | sed 's/.*: *//')" \
		"${want_tx:-none}"
	expect_in proc-info-xstats "$(testpmd_value dev_tx_packets "$out")" "${want_dev:-none}"
}

# check_probe: the driver's probe line against the PAT list, while mapped.
check_probe() {
	local probe types
	probe=$(grep 'BAR memory type' "$TESTPMD_LOG" | tail -n 1)
	expect_in probe-mem-type "$probe" "*BAR memory type $EXPECT_MEM (*PAT: $EXPECT_PAT, verified)*"
	expect_in probe-tx-mode "$probe" "*TX mode $EXPECT_TX_MODE (asked auto)*"
	types=$(wcnic_pat_types "$bdf" 2 | sort -u | tr '\n' ' ')
	expect_in pat-list "$types" "$EXPECT_PAT "
	if [ "$EXPECT_MEM" = uncached ]; then
		# The fallback says why in one line.
		expect_in fallback-logged "$(grep 'asked write-combining, got uncached' "$TESTPMD_LOG")" \
			"*vfio-mmap: VFIO_DEVICE_SET_MMAP_ATTRS: ENOTTY*"
	else
		expect_in wc-logged "$(grep 'BAR2 write-combining' "$TESTPMD_LOG" | tail -n 1)" "*(uapi;*"
	fi
}

# check_capture: dpdk-dumpcap, a secondary process, captures CAPTURE
# packets of the forwarding port into a pcapng file; tcpdump reads back as
# many packets as dumpcap says it captured, every one testpmd's UDP frame.
# dumpcap takes no EAL options: the driver and testpmd's libraries are
# preloaded (DUMPCAP_PRELOAD, in testpmd's order: doc/pmd-guide.md).
CAPTURE=200
check_capture() {
	local file=/tmp/wcnic.pcapng out=/tmp/dumpcap.log said packets udp
	if LD_PRELOAD="$DUMPCAP_PRELOAD" timeout 60 dpdk-dumpcap -i "$bdf" -c "$CAPTURE" \
		-w "$file" >"$out" 2>&1; then
		wcnic_pass dumpcap-exits-0
	else
		wcnic_fail dumpcap-exits-0 "$(tr '\r' '\n' <"$out" | grep -v '^[0-9]*: ' | tail -n 12 | tr '\n' '|')"
	fi
	# Its counter is rewritten in place: the last number after the label.
	said=$(sed -n 's/.*Packets captured://p' "$out" | tail -n 1 | grep -o '[0-9][0-9]*' | tail -n 1)
	# tcpdump drops its privileges to a user it looks up, even to read a
	# file: the guest has no user database of its own.
	[ -e /etc/passwd ] || echo 'root:x:0:0:root:/:/bin/sh' >/etc/passwd
	if tcpdump -Z root -nn -r "$file" >/tmp/tcpdump.txt 2>/tmp/tcpdump.err; then
		wcnic_pass tcpdump-reads-capture
	else
		wcnic_fail tcpdump-reads-capture "$(tail -n 3 /tmp/tcpdump.err | tr '\n' '|')"
	fi
	packets=$(grep -c . /tmp/tcpdump.txt)
	udp=$(grep -c 'UDP, length' /tmp/tcpdump.txt)
	if [ "${said:-0}" -ge "$CAPTURE" ] && [ "$packets" = "$said" ] && [ "$udp" = "$packets" ]; then
		wcnic_result capture-count PASS "packets=$packets"
	else
		wcnic_fail capture-count "dumpcap captured ${said:-none} ($CAPTURE asked), the file has" \
			"$packets, $udp of them testpmd's UDP frames"
	fi
}

# forward RUN PORT [DURING]: txonly for RUN_SECONDS, running the command
# DURING first while testpmd forwards; the port's and the device's counts
# must agree; reports the packets for the host's comparison.
forward() {
	local run="$1" port="$2" tx dev_tx errors tries
	testpmd_cmd start || { wcnic_fail "start-$run" "$(testpmd_log_tail 10)"; return; }
	[ -z "$3" ] || "$3"
	sleep "$RUN_SECONDS"
	testpmd_cmd stop || { wcnic_fail "stop-$run" "$(testpmd_log_tail 10)"; return; }
	tx=$(testpmd_value TX-packets)
	# The device finishes what the last doorbell announced on its own time
	# (a host process, its counters refreshed once per pass): ask until it
	# has counted them all, for up to 30 s.
	tries=0
	while :; do
		testpmd_cmd "show port xstats $port"
		dev_tx=$(testpmd_value dev_tx_packets)
		[ "$dev_tx" = "$tx" ] || [ "$tries" -ge 60 ] && break
		tries=$((tries + 1))
		sleep 0.5
	done
	errors=$(testpmd_value dev_errors)
	if [ "${tx:-0}" -gt 0 ] && [ "$tx" = "$dev_tx" ]; then
		wcnic_result "tx-run-$run" PASS "packets=$tx"
	else
		wcnic_fail "tx-run-$run" "TX-packets ${tx:-none}, device counted ${dev_tx:-none}"
	fi
	expect_in "device-errors-$run" "${errors:-none}" 0
}

if ! testpmd_start "$bdf,tx_mode=auto" --forward-mode=txonly; then
	wcnic_fail testpmd-start "$(testpmd_log_tail 15)"
	exit 0
fi
wcnic_pass testpmd-start
check_probe
forward 1 0 check_capture
check_secondary 0

# Hot unplug without closing first: the driver's remove closes the port.
testpmd_cmd "port stop 0"
testpmd_cmd "port detach 0"
expect_in port-detach "$(testpmd_count 'Device is detached')" 1

testpmd_cmd "port attach $bdf,tx_mode=auto"
port=$(grep -o 'Port [0-9]* is attached' "$TESTPMD_LOG" | tail -n 1 | cut -d' ' -f2)
if [ -z "$port" ]; then
	wcnic_fail port-attach "$(testpmd_log_tail 10)"
else
	wcnic_pass port-attach
	testpmd_cmd "port start $port"
	check_probe
	forward 2 "$port"
	# The other way out: close, then detach the device.
	testpmd_cmd "port stop $port"
	testpmd_cmd "port close $port"
	testpmd_cmd "device detach $bdf"
	expect_in device-detach "$(testpmd_count "Device $bdf is detached")" 1
fi
# Both ports are gone: every mbuf the driver took (TX in flight) is back.
expect_in mbufs-returned "$(testpmd_mbufs_in_use)" 0

testpmd_quit
status=$?
expect_in testpmd-exit "$status" 0
if grep -q -i 'segmentation fault\|panic\|assert' "$TESTPMD_LOG"; then
	wcnic_fail testpmd-log "$(grep -i -m 1 'segmentation fault\|panic\|assert' "$TESTPMD_LOG")"
fi
# The driver's own lines always (what it mapped and chose), everything on failure.
if [ -e "$WCNIC_FAILED_MARK" ]; then
	echo "---- testpmd log ----"
	cat "$TESTPMD_LOG"
else
	grep '^net_wcnic: ' "$TESTPMD_LOG"
fi
