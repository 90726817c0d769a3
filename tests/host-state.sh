#!/usr/bin/env bash
# host-state.sh BOXCHECK [RUN ARGS...]
#
# Proves that a boxcheck run leaves the host as it found it. Snapshots, runs
# `boxcheck run ARGS` and snapshots again; any difference fails the test:
#   - the host's mount table (/proc/self/mountinfo, whole lines);
#   - every cgroup directory below our own cgroup on every hierarchy, and any
#     directory anywhere under /sys/fs/cgroup named after this run;
#   - network namespaces in /run/netns;
#   - the run directory area (/run/boxcheck or $BOXCHECK_RUNDIR);
#   - processes still running the boxcheck binary that this run started;
#   - what the runner's fence (private mount, UTS, IPC and net namespaces
#     per worker) keeps from the host: hostname and domainname, SysV IPC
#     objects, POSIX message queues, network interfaces and the propagation
#     of / (fence_snapshot in tests/leak-common.sh).
# Other boxcheck runs on the same host (other instances) are left out.
# HOST_STATE_STRICT=1: the run must also exit 0 (make suite runs the suite
# through this test, so one run serves both).
set -euo pipefail
# shellcheck source=tests/leak-common.sh
. "$(dirname "$0")/leak-common.sh" # leak_own_dirs, leak_procs, fence_*

bin=$(realpath "$1")
shift
[ $# -gt 0 ] || set -- -j 2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

others() {
	# Cgroup dirs of other boxcheck instances that are alive: not ours.
	grep -v -E "/boxcheck-[0-9]+-[0-9]+(/|$)" || true
}

snapshot() {
	local dst=$1 pid=$2
	cat /proc/self/mountinfo >"$dst.mounts"
	# find exits non-zero when a concurrent run removes a dir under it:
	# that is not our change, so its status is ignored (|| true).
	for d in $(leak_own_dirs); do
		find "$d" -mindepth 1 -type d 2>/dev/null || true
	done | others | sort >"$dst.cgroups"
	{ find /sys/fs/cgroup -type d -name "boxcheck-$pid-*" 2>/dev/null || true; } |
		sort >>"$dst.cgroups"
	ls -1 /run/netns 2>/dev/null | sort >"$dst.netns" || true
	ls -1 "${BOXCHECK_RUNDIR:-/run/boxcheck}" 2>/dev/null |
		grep -E "^boxcheck-$pid-" | sort >"$dst.rundirs" || true
	fence_snapshot "$dst"
}

trap 'echo "host-state: failed at line $LINENO" >&2' ERR
snapshot "$out/before" none
trap - ERR # boxcheck's own exit status is judged below, not here
set +e
"$bin" run "$@" >"$out/run.log" 2>&1 &
pid=$!
wait $pid
rc=$?
set -e
trap 'echo "host-state: failed at line $LINENO" >&2' ERR
snapshot "$out/after" "$pid"
# The "before" state had no dirs of this pid by construction.
: >"$out/before.rundirs"

status=0
for kind in mounts cgroups netns rundirs $FENCE_KINDS; do
	if ! diff -u "$out/before.$kind" "$out/after.$kind" >"$out/diff.$kind"; then
		echo "host-state: $kind changed:" >&2
		cat "$out/diff.$kind" >&2
		status=1
	fi
done
left=$(leak_procs)
if [ -n "$left" ]; then
	echo "host-state: processes of $bin still running: $left" >&2
	status=1
fi
if [ $rc -ne 0 ] && { [ $rc -ne 1 ] || [ "${HOST_STATE_STRICT:-0}" = 1 ]; }; then
	echo "host-state: boxcheck run exited $rc" >&2
	grep -v -E '^(pass|skip) ' "$out/run.log" >&2 || true
	status=1
fi
tail -n 1 "$out/run.log"
if [ $status -eq 0 ]; then
	echo "host-state: unchanged after '$bin run $*' (mounts, cgroups, netns, run dirs, processes, hostname and domainname, SysV IPC, POSIX queues, interfaces, propagation of /)"
fi
exit $status
