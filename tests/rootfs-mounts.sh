#!/usr/bin/env bash
# A run of the root filesystem areas must leave the host exactly as it was:
# the same /proc/self/mountinfo, and nothing left in the run directory.
# Usage: tests/rootfs-mounts.sh BOXCHECK [AREA...]
set -euo pipefail
bin=${1:?usage: rootfs-mounts.sh BOXCHECK [AREA...]}
shift
areas=("$@")
[ ${#areas[@]} -eq 0 ] && areas=(overlay chroot pivot_root mounts minrootfs)

if [ "$(id -u)" != 0 ]; then
	echo "rootfs-mounts: SKIP (needs root to run the areas)"
	exit 0
fi

# The host's mounts, less those under another boxcheck instance's run dir
# ("/boxcheck-PID-START/"): runs on a shared host come and go meanwhile.
mounts() {
	awk -v me="${1:-none}" '{
		if (match($5, /\/boxcheck-[0-9]+-[0-9]+(\/|$)/)) {
			split(substr($5, RSTART + 10), id, "-")
			if (id[1] != me)
				next
		}
		print
	}' /proc/self/mountinfo
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# 1. Default run directory, two workers at once. The run's own leftovers are
#    those named after its pid: other runs may share /run/boxcheck.
mounts >"$tmp/before"
"$bin" run -j 2 "${areas[@]}" >"$tmp/out" &
pid=$!
wait "$pid" || { cat "$tmp/out"; echo "rootfs-mounts: the run failed"; fail=1; }
mounts "$pid" >"$tmp/after"
if ! diff -u "$tmp/before" "$tmp/after"; then
	echo "rootfs-mounts: FAIL: the host's mountinfo changed"
	fail=1
fi
base=${BOXCHECK_RUNDIR:-/run/boxcheck}
if compgen -G "$base/boxcheck-$pid-*" >/dev/null; then
	echo "rootfs-mounts: FAIL: left behind:" "$base"/boxcheck-"$pid"-*
	fail=1
fi

# 2. A private run directory: it must be empty afterwards.
mkdir "$tmp/rundir"
# Mounts under the private run dir are all this run's: none are filtered.
mounts >"$tmp/before2"
BOXCHECK_RUNDIR="$tmp/rundir" "$bin" run "${areas[@]}" >"$tmp/out2" || {
	cat "$tmp/out2"; echo "rootfs-mounts: the second run failed"; fail=1; }
mounts >"$tmp/after2"
grep -F " $tmp/rundir" /proc/self/mountinfo >>"$tmp/after2" || true
diff -u "$tmp/before2" "$tmp/after2" ||
	{ echo "rootfs-mounts: FAIL: mountinfo changed (run 2)"; fail=1; }
if [ -n "$(ls -A "$tmp/rundir")" ]; then
	echo "rootfs-mounts: FAIL: left in the run dir:" "$(ls -A "$tmp/rundir")"
	fail=1
fi

[ $fail -eq 0 ] && echo "rootfs-mounts: ok ($(wc -l <"$tmp/before") mounts unchanged," \
	"${areas[*]})"
exit $fail
