#!/bin/busybox sh
# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# /init of a wcnic test guest: mount the kernel's file systems, load the
# modules in /wcnic/modules.list, run the guest script, report its exit status
# as 'WCNIC-DONE <status>' and power off.
/bin/busybox --install -s
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
mount -t proc none /proc
mount -t sysfs none /sys
mount -t devtmpfs none /dev
mount -t debugfs none /sys/kernel/debug
ln -s /run /var/run
echo "WCNIC-INIT $(cut -d' ' -f1 /proc/uptime)"

# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck disable=SC1091 # written per boot by initramfs.py
. /wcnic/env
while read -r module; do
	out=$(insmod "/wcnic/modules/$module.ko" 2>&1) || wcnic_fail "insmod-$module" "$out"
done </wcnic/modules.list

cd /tmp || exit
sh /wcnic/guest-script </dev/null
status=$?

# The console stays quiet during the run; the kernel log explains failures.
if [ "$status" -ne 0 ] || [ -e "$WCNIC_FAILED_MARK" ] || [ -n "$WCNIC_DMESG" ]; then
	echo WCNIC-DMESG-BEGIN
	dmesg
	echo WCNIC-DMESG-END
fi
echo "WCNIC-DONE $status"
# The host stops QEMU as soon as it reads WCNIC-DONE. Powering off at once
# could drop console output still queued in the serial driver.
sleep 5
poweroff -f
