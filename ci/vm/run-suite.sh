#!/usr/bin/env bash
# Run the conformance suite in the VM of one matrix column and bring its
# results back into OUT: suite.json, suite.xml, suite.tap, probe.txt,
# dmesg.txt, console.log, vmrun.txt. The host adds meta.vm to suite.json
# (the column, how the guest was booted, the times). Exit 0 when results
# came back (verdicts are judged by the matrix), 1 with the reason when not.
# Usage: run-suite.sh COLUMN ARCH IMGDIR OUT VMRUN [BOXCHECK]
#   IMGDIR holds vmlinuz, initramfs.cpio.gz, kernel-release, pkgs.versions
#   env: VM_TIMEOUT VM_MEM VM_CPUS VM_JOBS, VM_SELECT (comma-separated
#   patterns for `boxcheck run`), VM_APPEND (more kernel command line:
#   cgroup_disable=memory for the Pi column, boxcheck_mode=panic to test this)
set -euo pipefail

col=$1 arch=$2 dir=$3 out=$4 vmrun=$5 boxcheck=${6:-}
rm -rf "$out"
mkdir -p "$out"
# hugepages=8: a pool of 2 MiB huge pages for cgroup/hugetlb-limit-sigbus
# (16 MiB of the guest's memory; the pool is boot-time state).
append="boxcheck_jobs=${VM_JOBS:-2} hugepages=8"
[ -z "${VM_SELECT:-}" ] || append+=" boxcheck_select=$VM_SELECT"
extra=$(echo "${VM_APPEND:-}" | xargs)
[ -z "$extra" ] || append+=" $extra"

kver=$(cat "$dir/kernel-release")
echo "== vm $col: boxcheck run in $kver${extra:+ ($extra)} (console: $out/console.log)"
rc=0
t0=$(date +%s.%N)
"$vmrun" --arch "$arch" --kernel "$dir/vmlinuz" --initrd "$dir/initramfs.cpio.gz" \
	--append "$append" --mem "${VM_MEM:-1024}" --cpus "${VM_CPUS:-2}" \
	--timeout "${VM_TIMEOUT:-300}" --console "$out/console.log" >"$out/vmrun.txt" || rc=$?
wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
cat "$out/vmrun.txt"

# The guest's own lines (verdicts as they come), without the payload.
tr -d '\r' <"$out/console.log" | sed '/^@@boxcheck-results-begin@@$/,/^@@boxcheck-results-end@@$/d' |
	grep -E '^(fail|skip|error|vm-init|[0-9]+ passed)|@@boxcheck-error|\x1b\[' | sed "s/^/   $col: /" || true

# Between the markers: base64 of a tar.gz. Anything else on the console
# (an emergency kernel message) is not base64 and is dropped.
if tr -d '\r' <"$out/console.log" |
	sed -n '/^@@boxcheck-results-begin@@$/,/^@@boxcheck-results-end@@$/p' |
	grep -E '^[A-Za-z0-9+/=]+$' | base64 -d 2>/dev/null | tar -xzf - -C "$out" 2>/dev/null &&
	[ -s "$out/suite.json" ]; then
	init=$(sed -n 's/.*init running \([0-9.]*\) s.*/\1/p' "$out/vmrun.txt")
	accel=$(sed -n 's/^vmrun: [^ ]* \([A-Z]*\):.*/\1/p' "$out/vmrun.txt")
	jq --arg col "$col" --arg arch "$arch" --arg append "$extra" \
		--arg pkg "$(head -n1 "$dir/pkgs.versions")" --arg accel "${accel:-?}" \
		--argjson wall "${wall:-0}" --argjson init "${init:-0}" --argjson cpus "${VM_CPUS:-2}" \
		'.meta.vm = { column: $col, arch: $arch, append: $append,
			kernel_package: $pkg, accel: $accel, cpus: $cpus,
			wall_s: $wall, init_s: $init, suite_s: .meta.duration_s }' \
		"$out/suite.json" >"$out/suite.json.tmp" && mv "$out/suite.json.tmp" "$out/suite.json"
	printf '   %s: guest boxcheck exit code %s; vm %.0f s (init at %s s), in-guest suite %.1f s; results in %s\n' \
		"$col" "$(cat "$out/exit-code")" "$wall" "${init:-?}" \
		"$(jq -r '.meta.duration_s' "$out/suite.json")" "$out"
	exit 0
fi

echo "vm $col: ERROR: no results came back from the guest" >&2
[ "$rc" = 0 ] || echo "vm $col: vmrun exit $rc (see its reason above)" >&2
[ ! -s "$out/exit-code" ] || echo "vm $col: guest boxcheck exited $(cat "$out/exit-code")" >&2
panic=$(tr -d '\r' <"$out/console.log" | grep -m3 -E 'Kernel panic|Oops|BUG:|@@boxcheck-error' || true)
[ -z "$panic" ] || printf 'vm %s: guest: %s\n' "$col" "$panic" >&2
if [ -n "$boxcheck" ]; then
	# Scenarios with no verdict on the console: one of them was running.
	done=$(tr -d '\r' <"$out/console.log" | awk '/^(pass|fail|skip|error) /{ print $2 }')
	left=$("$boxcheck" list | awk '{ print $1 }' | grep -vxF -e "${done:-@none@}" | paste -sd' ' || true)
	echo "vm $col: scenarios without a verdict: ${left:-none}" >&2
fi
echo "vm $col: last console lines:" >&2
tr -d '\r' <"$out/console.log" | grep -vE '^[A-Za-z0-9+/=]{60,}$' | tail -n 15 | sed 's/^/   /' >&2
exit 1
