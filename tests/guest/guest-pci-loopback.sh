# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# Guest side of guest-*-testpmd-loopback: the host tests' byte-exact
# loopback program (tests/pmd/test_loopback_payload.c) on the ivshmem
# device, wcnic-emu behind it with its loopback back end: frames of many
# sizes, single and multi-segment, go out and must come back in order with
# every byte intact, in dma and in push mode.
# test_guest_pci_testpmd.py sets EXPECT_MEM (the memory type the port must
# report, verified), and WC_MODULE when the project's vfio-pci module
# replaces Debian's (see testpmd-lib.sh).
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck source=testpmd-lib.sh
. /wcnic/testpmd-lib.sh

testpmd_prepare_device 160 || exit 0
bdf=$TESTPMD_BDF

for mode in dma push; do
	# The port must also report the memory type the kernel gave, verified.
	out=$(WCNIC_TEST_PCI="$bdf" WCNIC_TEST_EXPECT_MEM="$EXPECT_MEM" \
		test_loopback_payload "$mode" 128 2>&1)
	status=$?
	if [ "$status" -eq 0 ]; then
		wcnic_pass "loopback-payload-$mode"
	else
		wcnic_fail "loopback-payload-$mode" \
			"exit $status: $(printf '%s\n' "$out" | grep -m 3 FAIL | tr '\n' '|')"
		printf '%s\n' "$out" | tail -n 30
	fi
done
