#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Inside a clean Debian root (packages.py): install the wcnic packages from
# DEBS with apt, as a user would, and use them with no checkout. Prints
# "PASS name" or "FAIL name: why" per check. Environment:
#   DEBS           folder of the .deb files
#   KERNEL_ABI     the guest bench's kernel of this release: DKMS builds the
#                  module for it, into MODULE_OUT/vfio-pci.ko
#   MODULE_OUT     where to leave that build for the guest bench
set -uo pipefail

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
log_tail() { tail -n "${2:-15}" "$1" | tr '\n' '|'; }

export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# The packages with their dependencies from the archive; dpdk-dev for
# testpmd, a compiler, make and pkgconf for the example (and libsystemd-dev,
# which a static link of Debian's DPDK needs through libpcap and libdbus but
# libdpdk-dev does not bring), the guest kernel's headers for DKMS
# (installed first, so the package's own build finds them).
if apt-get install -y -q --no-install-recommends dpdk-dev gcc libc6-dev make pkgconf \
	libsystemd-dev "linux-headers-$KERNEL_ABI" >/tmp/apt-deps.log 2>&1 &&
	apt-get install -y -q --no-install-recommends "$DEBS"/*.deb >/tmp/apt.log 2>&1; then
	pass apt-install
else
	fail apt-install "$(log_tail /tmp/apt-deps.log 5)$(log_tail /tmp/apt.log 10)"
	exit 0
fi

# testpmd finds the driver in DPDK's plugin folder: no -d.
{ echo start; sleep 2; echo stop; echo quit; } |
	dpdk-testpmd --no-huge -m 512 --no-pci --vdev net_wcnic0,backend=sink -- \
		-i --forward-mode=txonly --total-num-mbufs=8192 >/tmp/testpmd.log 2>&1
status=$?
tx=$(grep -o 'TX-packets: *[0-9]*' /tmp/testpmd.log | tail -n 1 | grep -o '[0-9]*$')
if [ "$status" -eq 0 ] && grep -q '^net_wcnic: net_wcnic0: port 0' /tmp/testpmd.log &&
	[ "${tx:-0}" -gt 0 ]; then
	pass "testpmd-without-d ($tx packets)"
else
	fail testpmd-without-d "exit $status, TX-packets ${tx:-none}: $(log_tail /tmp/testpmd.log)"
fi

# The example, built out of tree with pkg-config only, shared and static.
rm -rf /tmp/example && cp -r /usr/share/doc/librte-net-wcnic-dev/examples /tmp/example
for kind in shared static; do
	target=wcnic-l2fwd
	[ "$kind" = static ] && target=wcnic-l2fwd-static
	if ! make -C /tmp/example "$target" >"/tmp/make-$kind.log" 2>&1; then
		fail "example-$kind-build" "$(log_tail "/tmp/make-$kind.log")"
		continue
	fi
	pass "example-$kind-build"
	/tmp/example/$target --no-huge -m 512 --no-pci --vdev net_wcnic0,backend=gen -- \
		--seconds 2 --require-wc >"/tmp/run-$kind.log" 2>&1
	status=$?
	forwarded=$(sed -n 's/^forwarded \([0-9]*\) frames$/\1/p' "/tmp/run-$kind.log")
	if [ "$status" -eq 0 ] && [ "${forwarded:-0}" -gt 0 ] &&
		grep -q '^port 0: BAR write-combining' "/tmp/run-$kind.log"; then
		pass "example-$kind-runs ($forwarded frames)"
	else
		fail "example-$kind-runs" "exit $status: $(log_tail "/tmp/run-$kind.log")"
	fi
done
# Statically linked, the driver must be in the program, not loaded beside it.
if [ -x /tmp/example/wcnic-l2fwd-static ]; then
	if ldd /tmp/example/wcnic-l2fwd-static | grep -q librte_net_wcnic; then
		fail example-static-has-driver "links librte_net_wcnic.so as well"
	else
		pass example-static-has-driver
	fi
fi

# DKMS: the module built for the guest kernel, ready for the guest bench.
version=$(dpkg-query -W -f='${Version}' wcnic-vfio-pci-dkms)
dkms install "wcnic-vfio-pci/$version" -k "$KERNEL_ABI" >/tmp/dkms.log 2>&1
if dkms status "wcnic-vfio-pci/$version" -k "$KERNEL_ABI" | grep -q ': installed'; then
	pass "dkms-installed ($KERNEL_ABI)"
	mkdir -p "$MODULE_OUT"
	cp "/lib/modules/$KERNEL_ABI/updates/dkms/vfio-pci.ko"* "$MODULE_OUT/"
	# Compressed or not, the way this release's DKMS leaves it.
	case $(ls "$MODULE_OUT") in
	*.xz) xz -d "$MODULE_OUT"/vfio-pci.ko.xz ;;
	*.zst) zstd -q -d --rm "$MODULE_OUT"/vfio-pci.ko.zst ;;
	esac
else
	fail dkms-installed "$(dkms status 2>&1 | tr '\n' '|') $(log_tail /tmp/dkms.log)"
fi
