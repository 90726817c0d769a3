#!/usr/bin/env bash
# Run the conformance suite in a VM of ARCH and bring its results back into
# DIR/results: suite.json, suite.xml, suite.tap, probe.txt, dmesg.txt and
# console.log. Exit 0 when results came back (verdicts are judged by the
# matrix), 1 with the reason when they did not.
# Usage: run-suite.sh ARCH DIR VMRUN [BOXCHECK]  env: VM_TIMEOUT VM_MEM VM_CPUS VM_JOBS
#        VM_SELECT (comma-separated patterns for `boxcheck run`), VM_APPEND
#        (more kernel command line, e.g. boxcheck_mode=panic to test this)
set -euo pipefail

arch=$1 dir=$2 vmrun=$3 boxcheck=${4:-}
out=$dir/results
rm -rf "$out"
mkdir -p "$out"
# hugepages=8: a pool of 2 MiB huge pages for cgroup/hugetlb-limit-sigbus
# (16 MiB of the guest's memory; the pool is boot-time state).
append="boxcheck_jobs=${VM_JOBS:-2} hugepages=8"
[ -z "${VM_SELECT:-}" ] || append+=" boxcheck_select=$VM_SELECT"
[ -z "${VM_APPEND:-}" ] || append+=" $VM_APPEND"

echo "== vm $arch: boxcheck run in $(cat "$dir/kernel-release") (console: $out/console.log)"
rc=0
"$vmrun" --arch "$arch" --kernel "$dir/vmlinuz" --initrd "$dir/initramfs.cpio.gz" \
	--append "$append" --mem "${VM_MEM:-1024}" --cpus "${VM_CPUS:-2}" \
	--timeout "${VM_TIMEOUT:-240}" --console "$out/console.log" || rc=$?

# The guest's own lines (verdicts as they come), without the payload.
tr -d '\r' <"$out/console.log" | sed '/^@@boxcheck-results-begin@@$/,/^@@boxcheck-results-end@@$/d' |
	grep -E '^(pass|fail|skip|error|vm-init|[0-9]+ passed)|@@boxcheck-error|\x1b\[' | sed 's/^/   /' || true

# Between the markers: base64 of a tar.gz. Anything else on the console
# (an emergency kernel message) is not base64 and is dropped.
if tr -d '\r' <"$out/console.log" |
	sed -n '/^@@boxcheck-results-begin@@$/,/^@@boxcheck-results-end@@$/p' |
	grep -E '^[A-Za-z0-9+/=]+$' | base64 -d 2>/dev/null | tar -xzf - -C "$out" 2>/dev/null &&
	[ -s "$out/suite.json" ]; then
	echo "   guest boxcheck exit code $(cat "$out/exit-code"); results in $out"
	exit 0
fi

echo "vm $arch: ERROR: no results came back from the guest" >&2
[ "$rc" = 0 ] || echo "vm $arch: vmrun exit $rc (see its reason above)" >&2
[ ! -s "$out/exit-code" ] || echo "vm $arch: guest boxcheck exited $(cat "$out/exit-code")" >&2
panic=$(tr -d '\r' <"$out/console.log" | grep -m3 -E 'Kernel panic|Oops|BUG:|@@boxcheck-error' || true)
[ -z "$panic" ] || printf 'vm %s: guest: %s\n' "$arch" "$panic" >&2
if [ -n "$boxcheck" ]; then
	# Scenarios with no verdict on the console: one of them was running.
	done=$(tr -d '\r' <"$out/console.log" | awk '/^(pass|fail|skip|error) /{ print $2 }')
	left=$("$boxcheck" list | awk '{ print $1 }' | grep -vxF -e "${done:-@none@}" | paste -sd' ' || true)
	echo "vm $arch: scenarios without a verdict: ${left:-none}" >&2
fi
echo "vm $arch: last console lines:" >&2
tr -d '\r' <"$out/console.log" | grep -vE '^[A-Za-z0-9+/=]{60,}$' | tail -n 15 | sed 's/^/   /' >&2
exit 1
