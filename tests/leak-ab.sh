#!/usr/bin/env bash
# leak-ab.sh BOXCHECK - A/B runs (bench --against, the same binary as the
# other arm) stopped midway: the master by SIGTERM (its servers see EOF),
# the master by SIGKILL (its servers get SIGTERM through PR_SET_PDEATHSIG),
# a server by SIGTERM (the master says so and exits 1). Each server removes
# what it made by itself; the host is as before.
. "$(dirname "$0")/leak-common.sh"
leak_init "$1"

V=fork,exec,cgroup,pivot-root

# Run dirs and cgroups of boxcheck instances whose process is gone.
stale() {
	{ ls -1 "$rundir" 2>/dev/null
	  find /sys/fs/cgroup -maxdepth 4 -type d -name 'boxcheck-*' -printf '%f\n'
	} | sort -u | while read -r n; do
		[[ $n =~ ^boxcheck-([0-9]+)-[0-9]+$ ]] || continue
		kill -0 "${BASH_REMATCH[1]}" 2>/dev/null || echo "$n"
	done
}

# A `bench --serve` child of master $1 that has its run dir.
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
	echo "leak-ab: master $1 never started a server" >&2
	return 1
}

# No process of the run left: the master, its servers (renewed every 10
# rounds: several of them) and their children.
gone() {
	local i
	for i in $(seq 300); do
		[ -z "$(leak_procs)" ] && return 0
		sleep 0.05
	done
	echo "leak-ab: processes left: $(leak_procs)" >&2
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

finish() { # NAME RC-WANTED: exit status, all gone, nothing new left behind
	wait $pid && rc=0 || rc=$?
	[ "$rc" -eq "$2" ] ||
		{ echo "leak-ab: $1: exit $rc, not $2" >&2; cat "$out/$1.log" >&2; exit 1; }
	gone
	stale | comm -13 "$out/stale.before" - >"$out/stale.new"
	if [ "$2" -eq 137 ]; then # the master's own are for cleanup
		grep -v "^boxcheck-$pid-" "$out/stale.new" >"$out/stale.srv" || true
	else
		cp "$out/stale.new" "$out/stale.srv"
	fi
	[ ! -s "$out/stale.srv" ] ||
		{ echo "leak-ab: $1: left behind:" >&2; cat "$out/stale.srv" >&2; exit 1; }
}

both_valid() { # NAME: both results written, with samples in each arm
	jq -e '[.variants[] | select(.name == "fork") | .start.stats.n > 0] == [true]
		and .meta.ab.arm == "new"' "$out/$1.json" >/dev/null
	jq -e '[.variants[] | select(.name == "fork") | .start.stats.n > 0] == [true]
		and .meta.ab.arm == "base"' "$out/$1.b.json" >/dev/null
}

stale >"$out/stale.before"
pid=
trap '{ [ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null; } || true; rm -rf "$out"' EXIT

start term
kill -TERM $pid
finish term 143
both_valid term
leak_compare $pid
echo "leak-ab: master SIGTERM: exit 143, both arms written, host unchanged"

start kill
kill -KILL $pid
finish kill 137 # its servers removed their own; the master's is for cleanup
"$bin" cleanup >"$out/cleanup.log"
leak_compare $pid
echo "leak-ab: master SIGKILL: its servers cleaned up by themselves"

start server
# Servers are renewed every 10 rounds: a server stopped while it was being
# replaced goes unnoticed (its rounds were done). Take one that is still
# there, and the next one if the master did not notice within 5 s.
for i in $(seq 20); do
	srv=$(server_of $pid)
	kill -TERM "$srv" 2>/dev/null || continue
	for k in $(seq 50); do kill -0 $pid 2>/dev/null || break 2; sleep 0.1; done
done
finish server 1
grep -q "bench --serve' exited with status 143" "$out/server.log"
jq -s -e '[.[].variants[] | select(.status == "failed")] | length > 0' \
	"$out/server.json" "$out/server.b.json" >/dev/null
leak_compare $pid
echo "leak-ab: a server SIGTERM: the master said so, exit 1, host unchanged"
