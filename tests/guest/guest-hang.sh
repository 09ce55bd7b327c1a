# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# A guest script that never ends: test_timeout_cleanup.py boots it to check
# that the bench stops QEMU and removes its files when the time is up or a
# signal arrives.
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
wcnic_pass hang-started
exec sleep 1000000
