#!/usr/bin/env bash
# selftest.sh BOXCHECK - runs the hostile scenarios (tag "selftest") and
# checks that the runner handled each, whatever its pass/fail:
#   hang       error "timeout after 2 s", within 2+1 s, its whole tree gone
#   crash      error naming SIGSEGV
#   fork-bomb  held at pids.max; this shell could fork all along
#   oom        hog OOM-killed in its own cgroup; ours saw no OOM kill
#   leak       its daemon (outside its process group) dead, its cgroup
#              below the job's and its tree in the run dir gone
#   fence      every hostile act took effect in its worker's namespaces,
#              none in the runner's
# and that the host is as before (tests/leak-common.sh), hostname,
# domainname, SysV IPC, POSIX queues, interfaces and / propagation included.
# First it shows that comparison is not blind: the same hostile acts, done
# by this script in namespaces of its own (never the host's), must show as
# a change of every kind.
. "$(dirname "$0")/leak-common.sh"
leak_init "$1"
fail() { echo "selftest: $*" >&2; exit 1; }

# ---- the comparison sees what an unfenced scenario would do ------------
# The acts of selftest/fence, done here with no fence between them and the
# namespaces the snapshots look at: a set of our own (mount, UTS, IPC, net,
# / made private first), never the host's. Inside, the script refuses to
# act unless every one of them differs from ours.
unfenced_acts() {
	local outer=$1 dir=$2 t
	for t in mnt uts ipc net; do
		case " $outer " in *" $(readlink "/proc/self/ns/$t") "*)
			echo "selftest: still in the host's $t namespace" >&2
			return 1 ;;
		esac
	done
	fence_snapshot "$dir/unfenced.before"
	echo bxc-fence >/proc/sys/kernel/hostname
	echo bxc-fence >/proc/sys/kernel/domainname
	ipcmk -M 4096 >/dev/null && ipcmk -S 1 >/dev/null && ipcmk -Q >/dev/null
	mkdir "$dir/mq" && mount -t mqueue bxc-mqueue "$dir/mq" && : >"$dir/mq/bxc-fence"
	ip link add bxc-fence0 type veth peer name bxc-fence1
	mount --make-shared /
	fence_snapshot "$dir/unfenced.after"
}
outer=""
for t in mnt uts ipc net; do outer+="$(readlink "/proc/self/ns/$t") "; done
export -f unfenced_acts fence_snapshot fence_mqueues fence_netifs
unshare --mount --uts --ipc --net --propagation private \
	bash -euo pipefail -c 'unfenced_acts "$@"' _ "$outer" "$out" ||
	fail "could not act in namespaces of our own"
seen=$(fence_compare "$out/unfenced.before" "$out/unfenced.after" 2>/dev/null | xargs) || true
[ "$seen" = "$FENCE_KINDS" ] ||
	fail "the host comparison is blind: unfenced acts changed only '$seen' of '$FENCE_KINDS'"
echo "selftest: unfenced, the same acts change every kind the host check compares ($seen)"

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
# leak: all three are the host's to see, and the runner's to remove
[ "$(rec leak .verdict)" = pass ] || fail "leak: $(rec leak .reason)"
lp=$(rec leak '.isolated.evidence.leaked_pid')
lc=$(rec leak '.isolated.evidence.leaked_cgroup')
ld=$(rec leak '.isolated.evidence.leaked_dir')
[ "$lp" -gt 0 ] && [ -n "$lc" ] && [ -n "$ld" ] || fail "leak: no evidence ($lp, $lc, $ld)"
left=()
[ "$(readlink "/proc/$lp/exe" 2>/dev/null)" != "$bin" ] ||
	left+=("daemon $lp ($(cat "/proc/$lp/comm" 2>/dev/null)) still runs")
[ ! -e "$lc" ] || left+=("cgroup $lc still exists")
[ ! -e "$ld" ] || left+=("$ld still exists")
[ ${#left[@]} -eq 0 ] || fail "leak: $(printf '%s; ' "${left[@]}")"
# fence: every act done in the worker, none seen from the runner
[ "$(rec fence .verdict)" = pass ] || fail "fence: $(rec fence .reason)"
for call in sethostname setdomainname shmget semget msgget mq_open \
	"ip link add veth" "mount --make-shared /"; do
	r=$(rec fence ".isolated.evidence[\"$call\"]")
	[ "$r" = ok ] || fail "fence: $call: $r (the act was not even tried)"
done
# no hostile process of any kind survived, and the host is as before
leak_compare $pid || fail "the host changed"
echo "selftest: hang, crash, fork-bomb, oom, leak and fence were contained and cleaned up; the host's mounts, cgroups, processes, hostname, domainname, IPC objects, queues, interfaces and / propagation are unchanged"
