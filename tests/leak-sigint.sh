#!/usr/bin/env bash
# leak-sigint.sh BOXCHECK - runs interrupted with SIGINT (and SIGTERM) while
# selftest/hang runs: each must clean up by itself, exit 128+N, and write the
# results so far, complete. Also: a run whose stdout reader goes away.
. "$(dirname "$0")/leak-common.sh"
leak_init "$1"

for sig in INT TERM; do
	n=$(kill -l $sig)
	# -j 1 through 41 scenarios, then the hang: serially, the whole
	# suite would take most of a minute to reach it.
	"$bin" run -j 1 --timeout 60 --json "$out/$sig.json" --tap "$out/$sig.tap" \
		--junit "$out/$sig.xml" 'pidns/*' 'utsns/*' 'ipcns/*' selftest/hang \
		>"$out/$sig.log" 2>&1 &
	pid=$!
	leak_wait_job $pid selftest_hang.iso
	sleep 0.3
	t0=$(date +%s%N)
	kill -$sig $pid
	wait $pid && rc=0 || rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ $rc -eq $((128 + n)) ] ||
		{ echo "leak-sigint: SIG$sig: exit $rc, not $((128 + n))" >&2; exit 1; }
	[ $ms -lt 5000 ] || { echo "leak-sigint: SIG$sig: took $ms ms" >&2; exit 1; }
	for f in json tap xml; do
		[ -s "$out/$sig.$f" ] || { echo "leak-sigint: no $sig.$f" >&2; exit 1; }
	done
	leak_results_valid "$out/$sig.json" "$out/$sig.tap" "$out/$sig.xml"
	done_n=$(jq '.records | length' "$out/$sig.json")
	jq -e '[.records[].id] | index("selftest/hang") == null' "$out/$sig.json" >/dev/null
	[ "$done_n" -gt 0 ] || { echo "leak-sigint: no records written" >&2; exit 1; }
	leak_compare $pid
	echo "leak-sigint: SIG$sig: exit $rc in $ms ms, $done_n records written, host unchanged"
done

# The reader of stdout goes away: SIGPIPE must not kill the run midway,
# and it still cleans up. closed_stdout NAME WANT_RC ARGS...
closed_stdout() {
	local name=$1 want=$2 rc
	shift 2
	(
		"$bin" "$@" &
		echo $! >"$out/$name.pid"
		wait $! && echo 0 >"$out/$name.rc" || echo $? >"$out/$name.rc"
	) | head -c 1 >/dev/null
	rc=$(cat "$out/$name.rc")
	[ "$rc" -eq "$want" ] ||
		{ echo "leak-sigint: $name, closed stdout: exit $rc" >&2; exit 1; }
	leak_compare "$(cat "$out/$name.pid")"
	echo "leak-sigint: $name, closed stdout: finished (exit $rc), host unchanged"
}
# 120 scenarios print well past the first byte (the whole suite only
# added time).
closed_stdout run 1 run -j 2 'pidns/*' 'mntns/*' 'cgroup/*' 'netns/*' \
	'utsns/*' selftest/crash
# bench's ladder makes cgroups, mounts and a run dir
closed_stdout bench 0 bench --quick --variants fork,container \
	--concurrency none --compare none --vm-runs 0
