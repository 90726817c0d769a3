#!/usr/bin/env bash
# leak-common.sh - sourced by tests/leak-*.sh, tests/selftest.sh and
# tests/host-state.sh. The same host-state snapshot as tests/host-state.sh
# (mounts, cgroups below our own and named after a run, /run/netns, run
# dirs, processes of the binary, and the fence kinds below), as functions,
# for runs that are killed or interrupted midway.
#   fence_snapshot PREFIX     hostname, domainname, SysV IPC, POSIX queues,
#                             interfaces, propagation of / into PREFIX.*
#   fence_compare A B         diff those kinds; 1 if any changed
#   leak_init BOXCHECK        sets $bin, $out (removed on exit)
#   leak_snapshot NAME PID    state into $out/NAME.*; PID: the run's pid
#   leak_compare PID          diff before/after; 1 if anything was left
#   leak_wait_job PID JOB     wait till the run PID has started JOB's dir
set -euo pipefail

leak_init() {
	bin=$(realpath "$1")
	out=$(mktemp -d)
	rundir=${BOXCHECK_RUNDIR:-/run/boxcheck}
	trap 'rm -rf "$out"' EXIT
	leak_snapshot before none
}

# ---- the namespaces a worker would share with the host -----------------
# What a scenario outside the runner's fence would change, as the caller's
# own namespaces see it (so a test can also snapshot namespaces it made).
FENCE_KINDS="uts sysvipc mqueue netif propagation"

# POSIX message queues of our IPC namespace: an mqueue mount of our own, in
# a private mount namespace of its own; the caller's mount table never
# sees it. An empty dir under $TMPDIR is its mount point.
fence_mqueues() {
	local d rc=0
	d=$(mktemp -d)
	unshare --mount --propagation private \
		sh -c 'mount -t mqueue bxc-mqueue "$1" && ls -1A "$1"' sh "$d" || rc=$?
	rmdir "$d"
	return $rc
}

# Interface names of our network namespace (netlink; sysfs shows the
# namespace of whoever mounted it).
fence_netifs() {
	if command -v ip >/dev/null; then
		ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'
	else
		ls -1 /sys/class/net
	fi
}

fence_snapshot() {
	local dst=$1 k
	printf 'hostname %s\ndomainname %s\n' "$(cat /proc/sys/kernel/hostname)" \
		"$(cat /proc/sys/kernel/domainname)" >"$dst.uts"
	# SysV objects by kind, key and id (the other columns move on use).
	for k in shm sem msg; do
		awk -v k="$k" 'NR > 1 { print k, $1, $2 }' "/proc/sysvipc/$k"
	done | sort >"$dst.sysvipc"
	fence_mqueues | sort >"$dst.mqueue"
	fence_netifs | sort >"$dst.netif"
	# The optional fields of the mount on / (shared:N, master:N, ...).
	awk '$5 == "/" { o = "/"; for (i = 7; $i != "-"; i++) o = o " " $i; l = o }
		END { print l }' /proc/self/mountinfo >"$dst.propagation"
}

# Each kind that differs between snapshots A and B, with its diff on stderr.
fence_compare() {
	local a=$1 b=$2 status=0 kind
	for kind in $FENCE_KINDS; do
		if ! diff -u "$a.$kind" "$b.$kind" >"$b.diff.$kind"; then
			echo "host: $kind changed:" >&2
			cat "$b.diff.$kind" >&2
			echo "$kind"
			status=1
		fi
	done
	return $status
}

leak_own_dirs() {
	while IFS=: read -r _ ctrls path; do
		local mnt
		if [ -z "$ctrls" ]; then
			mnt=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
		else
			ctrls=${ctrls#name=}
			mnt=$(awk -v c="$ctrls" '$9 == "cgroup" && ("," $NF ",") ~ ("," c ",") \
				{print $5; exit}' /proc/self/mountinfo)
		fi
		[ -n "$mnt" ] && [ -d "$mnt$path" ] && echo "$mnt${path%/}"
	done </proc/self/cgroup | sort -u
}

# Processes running our binary (zombies have no exe and do not count).
leak_procs() {
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$bin" ] &&
			echo "${p#/proc/} $(cat "$p/comm" 2>/dev/null)"
	done | sort || true
}

leak_snapshot() {
	local dst=$out/$1 pid=$2
	cat /proc/self/mountinfo >"$dst.mounts"
	for d in $(leak_own_dirs); do find "$d" -mindepth 1 -type d 2>/dev/null; done |
		grep -v -E "/boxcheck-[0-9]+-[0-9]+(/|$)" | sort >"$dst.cgroups" || true
	find /sys/fs/cgroup -type d -name "boxcheck-$pid-*" 2>/dev/null |
		sort >>"$dst.cgroups"
	ls -1 /run/netns 2>/dev/null | sort >"$dst.netns" || true
	ls -1 "$rundir" 2>/dev/null | grep -E "^boxcheck-$pid-" |
		sort >"$dst.rundirs" || true
	leak_procs >"$dst.procs"
	fence_snapshot "$dst"
}

leak_compare() {
	local status=0 kind
	leak_snapshot after "$1"
	# The host's own agents make and remove cgroups as they please (on this
	# machine, our own cgroup is the root of most hierarchies). Only boxcheck
	# names count as ours; other changes are shown, not failed on.
	if ! diff -u "$out/before.cgroups" "$out/after.cgroups" >"$out/diff.all-cgroups"; then
		grep -E '^[-+]/' "$out/diff.all-cgroups" | grep -v -E '/boxcheck-[0-9]+-[0-9]+(/|$)' |
			sed 's/^/leak: note, not ours: /' >&2 || true
	fi
	for f in before after; do
		grep -E '/boxcheck-[0-9]+-[0-9]+(/|$)' "$out/$f.cgroups" >"$out/$f.bxcgroups" || true
	done
	# Mounts: other engineers' containers come and go in the run area.
	# Fail on a mount added below this run's dirs or made by a selftest
	# ("bxc-*"), and on any removed outside the run area; note the rest.
	diff "$out/before.mounts" "$out/after.mounts" | grep -E '^[<>] ' |
		while read -r side _ _ _ _ mp _; do
			line=$(grep -F " $mp " "$out/$([ "$side" = ">" ] && echo after || echo before).mounts" | head -n 1)
			if [ "$side" = ">" ] && { [[ $mp == "$rundir/boxcheck-$1-"* ]] ||
				[[ $line == *" - "*" bxc-"* ]]; }; then
				echo "leak: mount left: $line" >&2; echo x
			elif [ "$side" = "<" ] && [[ $mp != "$rundir/"* ]]; then
				echo "leak: mount gone: $line" >&2; echo x
			else
				echo "leak: note, not ours: $side $mp" >&2
			fi
		done >"$out/mounts.bad" || true
	[ ! -s "$out/mounts.bad" ] || status=1
	for kind in bxcgroups netns rundirs procs; do
		if ! diff -u "$out/before.$kind" "$out/after.$kind" >"$out/diff.$kind"; then
			echo "leak: $kind changed:" >&2
			cat "$out/diff.$kind" >&2
			status=1
		fi
	done
	fence_compare "$out/before" "$out/after" >/dev/null || status=1
	return $status
}

# Wait (up to 120 s: the whole suite at -j 2 on a loaded host) until run
# PID has made the directory of job JOB.
leak_wait_job() {
	local i
	for i in $(seq 1200); do
		compgen -G "$rundir/boxcheck-$1-*/$2" >/dev/null && return 0
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	echo "leak: run $1 never started $2" >&2
	kill -TERM "$1" 2>/dev/null # it cleans up after itself on SIGTERM
	return 1
}

# Each results file is absent or complete and valid.
leak_results_valid() {
	local json=$1 tap=$2 xml=$3
	[ ! -e "$json" ] || jq -e '.format == "boxcheck-results"' "$json" >/dev/null
	# Valid TAP, whatever its verdicts: a scenario's "not ok" is no leak.
	if [ -e "$tap" ] && prove --exec cat "$tap" 2>&1 | grep -q 'Parse errors'; then
		echo "leak: $tap is not valid TAP" >&2
		return 1
	fi
	[ ! -e "$xml" ] || xmllint --noout "$xml"
	if compgen -G "$json.tmp.*" >/dev/null; then
		echo "leak: temp file left: $(compgen -G "$json.tmp.*")" >&2
		return 1
	fi
}
