#!/usr/bin/env bash
# selftest.sh BOXCHECK - runs the hostile scenarios (tag "selftest") and
# checks that the runner handled each, whatever its pass/fail:
#   hang       error "timeout after 2 s", within 2+1 s, its whole tree gone
#   crash      error naming SIGSEGV
#   fork-bomb  held at pids.max; this shell could fork all along
#   oom        hog OOM-killed in its own cgroup; ours saw no OOM kill
#   leak       the leaked daemon is dead, its mount gone
# and that the host is as before (tests/leak-common.sh).
. "$(dirname "$0")/leak-common.sh"
leak_init "$1"
fail() { echo "selftest: $*" >&2; exit 1; }

# Our own memory cgroup's OOM kills (v1 oom_control, v2 memory.events).
own_oom_kills() {
	local d
	for d in $(leak_own_dirs); do
		for f in memory.oom_control memory.events; do
			[ ! -r "$d/$f" ] || awk '$1 == "oom_kill" {print $2}' "$d/$f"
		done
	done | head -n 1
}
oom_before=$(own_oom_kills)

# Fork from this shell every 20 ms while the bomb goes off.
(
	n=0
	while [ ! -e "$out/stop" ]; do
		/bin/true || n=$((n + 1))
		sleep 0.02
	done
	echo $n >"$out/forkfail"
) &
prober=$!

set +e
"$bin" run -j 2 --tag selftest --json "$out/st.json" >"$out/run.log" 2>&1 &
pid=$!
wait $pid
rc=$?
set -e
touch "$out/stop"
wait $prober
cat "$out/run.log"
[ $rc -eq 1 ] || fail "run exited $rc, not 1 (errors expected)"

rec() { jq -r --arg id "selftest/$1" ".records[] | select(.id == \$id) | $2" "$out/st.json"; }

# hang
[ "$(rec hang .verdict)" = error ] || fail "hang: verdict $(rec hang .verdict)"
[ "$(rec hang .reason)" = "timeout after 2 s" ] || fail "hang: reason $(rec hang .reason)"
awk -v d="$(rec hang .isolated.duration_s)" 'BEGIN { exit !(d >= 2 && d <= 3) }' ||
	fail "hang: stopped after $(rec hang .isolated.duration_s) s, not within 2-3 s"
# crash
[ "$(rec crash .verdict)" = error ] || fail "crash: verdict $(rec crash .verdict)"
rec crash .reason | grep -q SIGSEGV || fail "crash: reason $(rec crash .reason)"
# fork-bomb
[ "$(rec fork-bomb .verdict)" = pass ] || fail "fork-bomb: $(rec fork-bomb .reason)"
[ "$(cat "$out/forkfail")" = 0 ] || fail "fork-bomb: this shell failed to fork $(cat "$out/forkfail") times"
# oom
[ "$(rec oom .verdict)" = pass ] || fail "oom: $(rec oom .reason)"
[ "$(own_oom_kills)" = "$oom_before" ] ||
	fail "oom: our own cgroup's oom_kill went $oom_before -> $(own_oom_kills)"
# leak
[ "$(rec leak .verdict)" = pass ] || fail "leak: $(rec leak .reason)"
lp=$(rec leak '.isolated.evidence.leaked_pid')
lm=$(rec leak '.isolated.evidence.leaked_mount')
if [ "$(readlink "/proc/$lp/exe" 2>/dev/null)" = "$bin" ]; then
	fail "leak: daemon $lp still runs"
fi
! grep -qF " $lm " /proc/self/mountinfo || fail "leak: $lm still mounted"
[ ! -e "$lm" ] || fail "leak: $lm still exists"
# no hostile process of any kind survived, and the host is as before
leak_compare $pid || fail "the host changed"
echo "selftest: hang, crash, fork-bomb, oom and leak were contained and cleaned up"
