#!/usr/bin/env bash
# cgroup-area.sh BOXCHECK
#
# The cgroup area on this host, as `make check` wants it: every scenario
# passes or skips with a reason (no fail, no error), the area takes under
# 10 s, and nothing of the run is left behind: no cgroup directory named
# after it on any hierarchy, no run directory, no process of the binary.
# (Only this run's traces are looked for: other runs and other users of
# the host may create and remove cgroups meanwhile.)
set -euo pipefail

bin=$(realpath "$1")
limit_s=10
if [ "$(id -u)" != 0 ]; then
	echo "cgroup-area: not root, the cgroup scenarios would all skip; skipped"
	exit 0
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT

start=$(date +%s%N)
set +e
"$bin" run -j 2 'cgroup/*' >"$log" 2>&1 &
pid=$!
wait $pid
rc=$?
set -e
end=$(date +%s%N)
ms=$(((end - start) / 1000000))
cat "$log"

status=0
left=$(find /sys/fs/cgroup -mindepth 1 -type d -name "boxcheck-$pid-*" 2>/dev/null || true)
if [ -n "$left" ]; then
	echo "cgroup-area: cgroups left behind:" >&2
	echo "$left" >&2
	status=1
fi
rundir=${BOXCHECK_RUNDIR:-/run/boxcheck}
if ls -1 "$rundir" 2>/dev/null | grep -q "^boxcheck-$pid-"; then
	echo "cgroup-area: run directory left in $rundir" >&2
	status=1
fi
procs=$(for p in /proc/[0-9]*; do
	[ "$(readlink "$p/exe" 2>/dev/null)" = "$bin" ] && echo "${p#/proc/}"
done || true)
if [ -n "$procs" ]; then
	echo "cgroup-area: processes of $bin still running: $procs" >&2
	status=1
fi
if [ $rc -ne 0 ] || ! grep -qE ' 0 failed, .* 0 errors' "$log"; then
	echo "cgroup-area: a scenario failed or broke (exit $rc)" >&2
	status=1
fi
if [ "$ms" -ge $((limit_s * 1000)) ]; then
	echo "cgroup-area: took ${ms} ms, over ${limit_s} s" >&2
	status=1
fi
[ $status -eq 0 ] && echo "cgroup-area: ok in ${ms} ms, nothing left behind"
exit $status
