#!/usr/bin/env bash
# leak-sigkill.sh BOXCHECK - a run killed with SIGKILL in the middle (while
# selftest/hang holds a process tree in its cgroup), then `boxcheck cleanup`:
# the host must be as before, and no truncated results file may exist.
. "$(dirname "$0")/leak-common.sh"
leak_init "$1"

# Areas that leave cgroups, mounts and network namespaces in flight, then
# the hang (the whole suite first added 20 s and nothing more in flight:
# by the time the hang starts, what ran before it has finished).
"$bin" run -j 2 --timeout 60 --json "$out/k.json" --tap "$out/k.tap" \
	--junit "$out/k.xml" 'cgroup/*' 'mntns/*' 'netns/*' selftest/hang \
	>"$out/run.log" 2>&1 &
pid=$!
leak_wait_job $pid selftest_hang.iso
sleep 0.3
kill -KILL $pid
wait $pid && rc=0 || rc=$?
[ $rc -eq 137 ] || { echo "leak-sigkill: run exited $rc, not 137" >&2; exit 1; }

# The kill must have left something, or this test proves nothing.
left=$(find /sys/fs/cgroup -maxdepth 3 -type d -name "boxcheck-$pid-*" | wc -l)
[ "$left" -gt 0 ] || { echo "leak-sigkill: nothing was left to clean" >&2; exit 1; }
"$bin" cleanup --dry-run | grep -q "boxcheck-$pid-"
"$bin" cleanup >"$out/cleanup.log"
grep -q "boxcheck-$pid-" "$out/cleanup.log"
leak_results_valid "$out/k.json" "$out/k.tap" "$out/k.xml"
leak_compare $pid
echo "leak-sigkill: run killed mid-way ($left cgroup dirs left); cleanup restored the host"
