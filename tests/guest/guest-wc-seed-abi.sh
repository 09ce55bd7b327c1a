# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=dash
#
# guest-wc-seed-abi, guest side: wc-seed-abi, a program written only
# against the seed RFC's ABI, gets a write-combined mapping of BAR2 from
# drivers/vfio; the PAT list is read while it holds the mapping.
# test_guest_wc.py sets HOST_WORD (BAR2 offset 0, from the host) and
# GUEST_WORD (for the host to find over BAR2 bytes 64..127).
# shellcheck source=guest-lib.sh
. /wcnic/guest-lib.sh
# shellcheck source=guest-wc-lib.sh
. /wcnic/guest-wc-lib.sh

wc_ready_device || exit 0
bdf=$WC_BDF

# While the mapping is held: one "pat=<type>" line per PAT entry of BAR2.
out=$(wc-seed-abi "$bdf" 2 64 "$GUEST_WORD" \
	sh -c ". /wcnic/guest-lib.sh; wcnic_pat_types $bdf 2 | sed 's/^/pat=/'")
rc=$?
if [ "$rc" -eq 0 ] && [ "$(wcnic_field set_mmap_attrs "$out")" = ok ]; then
	wcnic_pass seed-abi-set-mmap-attrs
else
	wcnic_fail seed-abi-set-mmap-attrs "exit $rc: $(wcnic_field error "$out")"
	exit 0
fi
wcnic_expect_field seed-abi-reads-host-word read "$HOST_WORD" "$out"
types=$(printf '%s\n' "$out" | sed -n 's/^pat=//p' | sort -u | tr '\n' ' ')
if [ "$types" = "write-combining " ]; then
	wcnic_pass seed-abi-pat-write-combining
else
	wcnic_fail seed-abi-pat-write-combining "PAT types of BAR2 while mapped: '${types}'"
fi
wc_no_pat_conflict
