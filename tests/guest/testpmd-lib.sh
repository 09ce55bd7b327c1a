# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# Driving Debian's dpdk-testpmd with net_wcnic in a guest (busybox sh), for
# the PCI-path tests. testpmd reads its commands from a FIFO, so the script
# sends each one when the previous has had its effect, and the whole console
# output lands in one log file to check afterwards.
# Needs guest-lib.sh sourced first, and in the environment:
#   WCNIC_PMD   path of librte_net_wcnic.so in the guest
#   WC_MODULE   (optional) a vfio-pci module to load instead of the kernel's

TESTPMD_LOG=/tmp/testpmd.log
TESTPMD_FIFO=/tmp/testpmd.in
TESTPMD_PID=

# testpmd_prepare_device PAGES: load drivers/vfio when WC_MODULE asks for it
# (guest-wc-lib.sh's wc_load_module, which checks it is ours), bind the
# ivshmem device to vfio-pci, reserve PAGES hugepages; sets TESTPMD_BDF.
# Returns non-zero (after a FAIL line) when the guest is not usable.
testpmd_prepare_device() {
	if [ -n "$WC_MODULE" ]; then
		# shellcheck source=guest-wc-lib.sh
		. /wcnic/guest-wc-lib.sh
		wc_load_module || return 1
	fi
	TESTPMD_BDF=$(wcnic_ivshmem_bdf)
	[ -n "$TESTPMD_BDF" ] || { wcnic_fail ivshmem-found "no PCI device 1af4:1110"; return 1; }
	wcnic_check bind-vfio wcnic_bind_vfio "$TESTPMD_BDF" || return 1
	wcnic_check hugepages testpmd_hugepages "$1"
}

# testpmd_hugepages PAGES: mount hugetlbfs and reserve PAGES 2 MiB pages.
testpmd_hugepages() {
	mkdir -p /dev/hugepages
	grep -q ' /dev/hugepages ' /proc/mounts || mount -t hugetlbfs nodev /dev/hugepages
	echo "$1" >/proc/sys/vm/nr_hugepages
	[ "$(cat /proc/sys/vm/nr_hugepages)" -ge "$1" ]
}

# testpmd_count TEXT: how often TEXT occurs in the log.
testpmd_count() { grep -o -F -- "$1" "$TESTPMD_LOG" | wc -l; }

# testpmd_wait TEXT [TENTHS]: wait (default 60 s) until the log holds TEXT
# more often than it did when the last command was sent.
testpmd_wait() {
	local i=0
	while [ "$(testpmd_count "$1")" -le "${TESTPMD_SEEN:-0}" ]; do
		[ "$i" -ge "${2:-600}" ] && return 1
		kill -0 "$TESTPMD_PID" 2>/dev/null || return 1
		i=$((i + 1))
		sleep 0.1
	done
}

# testpmd_cmd COMMAND: send one command and wait for the next prompt.
testpmd_cmd() {
	TESTPMD_SEEN=$(testpmd_count 'testpmd> ')
	echo "$1" >&3
	testpmd_wait 'testpmd> '
}

# testpmd_start DEVICE ARGS...: start testpmd interactive with DEVICE
# ("<bdf>,<devargs>") as its only port and the testpmd ARGS after '--';
# returns once the first prompt is there.
testpmd_start() {
	local device="$1"
	shift
	rm -f "$TESTPMD_FIFO" "$TESTPMD_LOG"
	mkfifo "$TESTPMD_FIFO"
	# Two lcores: testpmd's main one and one forwarding. Physical addresses:
	# the device model behind the ivshmem carrier reads guest memory by them.
	# Line-buffered, so each command's output precedes the next prompt.
	stdbuf -oL dpdk-testpmd -l 0-1 -n 1 --iova-mode=pa -m 256 --no-telemetry \
		-a "$device" -d "$WCNIC_PMD" --log-level=pmd.net.wcnic:info \
		-- -i --nb-cores=1 --total-num-mbufs=8192 "$@" \
		<"$TESTPMD_FIFO" >"$TESTPMD_LOG" 2>&1 &
	TESTPMD_PID=$!
	exec 3>"$TESTPMD_FIFO"
	TESTPMD_SEEN=0
	testpmd_wait 'testpmd> '
}

# testpmd_quit: quit and wait for the process; its exit status.
testpmd_quit() {
	echo quit >&3
	exec 3>&-
	wait "$TESTPMD_PID"
}

# testpmd_value NAME [FILE]: the last "NAME: <number>" in testpmd's log, or
# in FILE (the output of a secondary process): stats, xstats.
testpmd_value() {
	grep -o -- "$1: *[0-9]*" "${2:-$TESTPMD_LOG}" | tail -n 1 | sed 's/.*: *//'
}

# testpmd_mbufs_in_use: mbufs taken from testpmd's pools and not given
# back, summed over every pool: its size less what its common pool and the
# lcore caches hold ('dump_mempool'). Empty when testpmd did not answer.
testpmd_mbufs_in_use() {
	local from
	from=$(($(wc -l <"$TESTPMD_LOG") + 1))
	testpmd_cmd dump_mempool || return 1
	tail -n +"$from" "$TESTPMD_LOG" | awk -F= '
		/^ *size=[0-9]+$/ { n += $2; pools++ }
		/^ *common_pool_count=[0-9]+$/ { n -= $2 }
		/^ *total_cache_count=[0-9]+$/ { n -= $2 }
		END { if (pools) print n }'
}

# testpmd_log_tail N: the last N lines, one line, for failure messages.
testpmd_log_tail() { tail -n "$1" "$TESTPMD_LOG" | tr '\n' '|'; }
