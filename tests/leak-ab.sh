#!/usr/bin/env bash
# leak-ab.sh BOXCHECK - A/B runs (bench --against, the same binary as the
# other arm) stopped midway: the master by SIGTERM (its server sees EOF),
# the master by SIGKILL (its server gets SIGTERM through PR_SET_PDEATHSIG),
# the server by SIGTERM (the master says so and exits 1). Each server
# removes what it made by itself; the host is as before.
. "$(dirname "$0")/leak-common.sh"
leak_init "$1"

V=fork,exec,cgroup,pivot-root

# The `bench --serve` child of master $1, once it has its run dir.
server_of() {
	local c i
	for i in $(seq 300); do
		for c in $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
			if tr "\\0" " " 2>/dev/null <"/proc/$c/cmdline" | grep -q -- '--serve' &&
				compgen -G "$rundir/boxcheck-$c-*" >/dev/null; then
				echo "$c"
				return 0
			fi
		done
		sleep 0.05
	done
	echo "leak-ab: master $1 never started its server" >&2
	return 1
}

gone() {
	local i
	for i in $(seq 300); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	echo "leak-ab: process $1 still there" >&2
	return 1
}

# An A/B run in the background, a while into its rounds: sets pid and srv.
start() {
	"$bin" bench --runs 100000 --warmup 0 --variants $V --against "$bin" \
		--json "$out/$1.json" --against-json "$out/$1.b.json" \
		>"$out/$1.log" 2>&1 &
	pid=$!
	srv=$(server_of $pid)
	sleep 0.5
}

finish() { # NAME RC-WANTED: exit status, both processes gone, host as before
	wait $pid && rc=0 || rc=$?
	[ "$rc" -eq "$2" ] ||
		{ echo "leak-ab: $1: exit $rc, not $2" >&2; cat "$out/$1.log" >&2; exit 1; }
	gone "$srv"
	if compgen -G "$rundir/boxcheck-$srv-*" >/dev/null ||
		[ -n "$(find /sys/fs/cgroup -maxdepth 3 -type d -name "boxcheck-$srv-*")" ]; then
		echo "leak-ab: $1: server $srv left its run dir or cgroups" >&2
		exit 1
	fi
}

both_valid() { # NAME: both results written, with samples in each arm
	jq -e '[.variants[] | select(.name == "fork") | .start.stats.n > 0] == [true]
		and .meta.ab.arm == "new"' "$out/$1.json" >/dev/null
	jq -e '[.variants[] | select(.name == "fork") | .start.stats.n > 0] == [true]
		and .meta.ab.arm == "base"' "$out/$1.b.json" >/dev/null
}

start term
kill -TERM $pid
finish term 143
both_valid term
leak_compare $pid && leak_compare $srv
echo "leak-ab: master SIGTERM: exit 143, both arms written, host unchanged"

start kill
kill -KILL $pid
finish kill 137 # the server removed its own; the master's is for cleanup
"$bin" cleanup >"$out/cleanup.log"
leak_compare $pid && leak_compare $srv
echo "leak-ab: master SIGKILL: its server cleaned up by itself"

start server
kill -TERM $srv
finish server 1
grep -q "bench --serve' exited with status 143" "$out/server.log"
jq -e '[.variants[] | select(.status == "failed")] | length > 0' \
	"$out/server.b.json" >/dev/null
leak_compare $pid && leak_compare $srv
echo "leak-ab: server SIGTERM: the master said so, exit 1, host unchanged"
