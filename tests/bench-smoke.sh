#!/usr/bin/env bash
# bench-smoke: `boxcheck bench --quick` and `compare`, structure and exit
# codes only. Never asserts an absolute time. Every runtime and tool that
# ci/install-deps.sh provides (hyperfine, the runtimes, qemu) must be there
# and run; a missing one fails unless named in BOXCHECK_ALLOW_MISSING (a
# comma list of bench's names, or "all"), which is printed. jq is a test
# dependency: without it this check fails.
set -euo pipefail
BIN=$1
OUT=$2
mkdir -p "$OUT"
command -v jq >/dev/null || {
	echo "bench-smoke: jq is missing (ci/install-deps.sh test)" >&2
	exit 1
}
allow=${BOXCHECK_ALLOW_MISSING:-}
[ -z "$allow" ] || echo "bench-smoke: BOXCHECK_ALLOW_MISSING=$allow:" \
	"these may be missing (skipped, not checked)"
V=empty,spin,faults,fork,exec,ns-all,cgroup,pivot-root
run() { "$BIN" bench --quick --runs 8 --warmup 1 --variants $V --compare true "$@"; }

run --json "$OUT/a.json" --markdown "$OUT/a.md" >"$OUT/a.txt"
run --json "$OUT/b.json" >/dev/null
jq -e '.format == "boxcheck-results" and .kind == "bench" and .format_version == 1
	and (.meta.host.kernel | type == "string") and (.meta.tools | type == "object")
	and .meta.options.pin_mode == "auto" and .meta.options.pin >= 0
	and ([.variants[] | select(.status == "ok" and .start != null)
		| .start.samples | length == 8] | length >= 5)
	and ([.variants[] | select(.name == "cgroup") | .teardown.stats.n] == [8])
	and (.variants[] | select(.name == "fork") | .counters["task-clock"].per_start > 0)' \
	"$OUT/a.json" >/dev/null
grep -q '^| variant |' "$OUT/a.md"
grep -q '^\[ladder\]' "$OUT/a.txt"

# Every external row bench knows and this host's VM row ran: "ok", or
# skipped as missing where allowed. A tool that errors (hyperfine missing,
# a runtime that refuses the host) fails here with its row's reason.
allowed() { case ",$allow," in *,all,* | *,"$1",*) return 0 ;; esac; return 1; }
# what docker's row could leave: a dockerd of ours, its files, interfaces
# (another dockerd's are counted alike, before and after, never touched)
docker_leftovers() {
	{ ls /etc/docker /run/docker /opt/containerd 2>/dev/null || true; } | wc -l
	{ ip -o link show 2>/dev/null || true; } | grep -c docker || true
	for f in /proc/[0-9]*/cmdline; do { tr '\0' ' ' <"$f"; } 2>/dev/null; echo; done |
		grep -c '^dockerd .*/run/boxcheck/' || true
}
before=$(docker_leftovers)
"$BIN" bench --quick --runs 2 --warmup 0 --variants fork --compare all \
	--ext-runs 2 --vm-runs 1 --vm-arch host --json "$OUT/e.json" \
	>"$OUT/e.txt" 2>"$OUT/e.err"
bad=0
while IFS=$'\t' read -r name status reason; do
	[ "$status" = ok ] && continue
	[ "$status" = skipped ] && allowed "$name" && continue
	echo "bench-smoke: $name $status: $reason" >&2
	bad=1
done < <(jq -r '.variants[] | select(.group == "external" or .group == "vm")
	| [.name, .status, .reason] | @tsv' "$OUT/e.json")
ALL=$(jq -r '.meta.options.compare | join(",")' "$OUT/e.json")
n=$(jq '[.variants[] | select(.group == "external" or .group == "vm")] | length' "$OUT/e.json")
[ "${ALL#*podman}" != "$ALL" ] && [ "${ALL#*docker}" != "$ALL" ] && [ "$n" -eq $(($(jq '.meta.options.compare | length' "$OUT/e.json") + 1)) ] ||
	{ echo "bench-smoke: $n external and VM rows for $ALL and one VM" >&2; bad=1; }
# The VM row says what ran it; crun on a hybrid host, its v1 view.
jq -e '[.variants[] | select(.group == "vm" and .status == "ok")
	| .description | test("\\((KVM|TCG: [^,]*), ")] | all' "$OUT/e.json" >/dev/null &&
	grep -q '^note: vm-.*(\(KVM\|TCG: [^,]*\), ' "$OUT/e.txt" ||
	{ echo "bench-smoke: the VM row does not say KVM or TCG" >&2; bad=1; }
# docker's row: the client of a private dockerd (its socket in our run
# dir), the container's cgroup below ours; then nothing of it is left.
allowed docker || jq -e '.variants[] | select(.name == "docker") | .command
	| test("docker --host unix:///[^ ]*/boxcheck-[0-9]+-[0-9]+/ext/docker/docker.sock --config [^ ]* run --rm --network none .*--cgroup-parent /[^ ]*boxcheck-[0-9]+-[0-9]+ ")' \
	"$OUT/e.json" >/dev/null ||
	{ echo "bench-smoke: docker's row is not the client of a private dockerd" >&2; bad=1; }
[ "$(docker_leftovers)" = "$before" ] ||
	{ echo "bench-smoke: docker's row left a dockerd, files in /etc/docker," \
		"/run/docker or /opt/containerd, or an interface" >&2; bad=1; }
v2=/sys/fs/cgroup/unified/cgroup.controllers
if ! allowed crun && [ -s "$v2" ] && [ -n "$(tr -d ' \n' <"$v2")" ]; then
	jq -e '.variants[] | select(.name == "crun") | .description
		== "crun (v1 view: cgroup2 hidden in a private mount ns)"' \
		"$OUT/e.json" >/dev/null &&
		grep -q '^note: crun (v1 view: cgroup2 hidden in a private mount ns)$' "$OUT/e.txt" ||
		{ echo "bench-smoke: crun's row is not labelled with its v1 view" >&2; bad=1; }
	"$BIN" bench --quick --runs 2 --warmup 0 --variants fork --compare crun \
		--crun-v1-view off --json "$OUT/crun-off.json" >/dev/null 2>&1
	jq -e '.variants[] | select(.name == "crun") | .status == "failed"
		and (.reason | test("; hint: "))' "$OUT/crun-off.json" >/dev/null ||
		{ echo "bench-smoke: crun without its v1 view on a hybrid host is" \
			"not a failed row with a hint" >&2; bad=1; }
fi
[ $bad -eq 0 ] || { cat "$OUT/e.err" >&2; exit 1; }
echo "bench-smoke: $n external and VM rows checked ($ALL, $(jq -r \
	'[.variants[] | select(.group == "vm") | .name] | join(",")' "$OUT/e.json"))"

# Two runs of the same build: exit 0 or 1 are both answers (a busy host can
# shift a median); exit 2 would mean the files were not understood.
set +e
"$BIN" compare "$OUT/a.json" "$OUT/b.json" >"$OUT/compare.txt"
rc=$?
"$BIN" compare "$OUT/a.json" "$OUT/a.json" >/dev/null; same=$?
"$BIN" compare "$OUT/a.json" tests/fixtures/hyperfine.json 2>/dev/null; bad=$?
"$BIN" bench --variants nosuch 2>/dev/null; unknown=$?
set -e
[ "$rc" -le 1 ] && [ "$same" -eq 0 ] && [ "$bad" -eq 2 ] && [ "$unknown" -eq 2 ]
echo "bench-smoke: ok (compare of two runs exited $rc)"

# The gate on work: exact counts of system calls and page faults per start.
# With ASLR off and a steady sampler (bench/run.h) every sample of a rung
# counts the same; the host may add a page fault to a sample now and then
# (a page migrated, a page-cache page held by another process), never take
# one away, and compare judges each count by its floor. System calls the
# host cannot add: each rung's must be the same in every sample of every
# run. 10 A/A pairs must all pass `compare --gate counts`, and one getppid()
# more in one step (the test hook --syscalls container:1) must be flagged
# by count, that step alone.
CV=$V,idmap,overlay,pseudo-fs,caps,container
cnt() { "$BIN" bench --quick --runs 8 --warmup 1 --variants $CV "$@" >/dev/null; }
cnt --json "$OUT/k0.json"
jq -e '.meta.options.aslr == "off" and ([.variants[] | select(.status == "ok")
	| .counters.syscalls.min, .counters["minor-faults"].min | type] | unique == ["number"])
	and ([.variants[] | select(.name == "container") | .counters.syscalls
		| (.samples | length == 8)] == [true])' \
	"$OUT/k0.json" >/dev/null ||
	{ echo "bench-smoke: no exact counts in the JSON" >&2; exit 1; }
floors=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	cnt --json "$OUT/k$i.json"
	"$BIN" compare --gate counts "$OUT/k0.json" "$OUT/k$i.json" >"$OUT/kc$i.txt" &&
		grep -q ' 0 not judged$' "$OUT/kc$i.txt" ||
		{ cat "$OUT/kc$i.txt"; echo "bench-smoke: A/A pair $i flagged by count" >&2; exit 1; }
	floors=$((floors + $(sed -n 's/.*(\([0-9]*\) by a floor.*/\1/p' "$OUT/kc$i.txt")))
done
bad=$(jq -r '.variants[] | select(.counters.syscalls.min != .counters.syscalls.max)
	| "\(input_filename): \(.name)"' "$OUT"/k[0-9]*.json)
[ -z "$bad" ] || { echo "bench-smoke: system calls varied within a run: $bad" >&2; exit 1; }
cnt --syscalls container:1 --json "$OUT/km.json"
set +e
"$BIN" compare --gate counts "$OUT/k0.json" "$OUT/km.json" >"$OUT/km.txt"; more=$?
set -e
[ "$more" -eq 1 ] && grep -q '^REGRESSED  container  *syscalls .* +1 ' "$OUT/km.txt" &&
	[ "$(grep -c '^REGRESSED' "$OUT/km.txt")" -eq 1 ] ||
	{ cat "$OUT/km.txt"; echo "bench-smoke: one syscall more not flagged: exit $more" >&2; exit 1; }
echo "bench-smoke: counts: 10 A/A pairs the same ($floors fault counts judged on a floor" \
	"a sample rose above), one syscall more in container flagged"

# A slower host (the hook slows the host-speed variant by 3 ms): spin is
# printed as 'host', never a verdict, and compare warns; with the same host,
# no warning. 3 ms, not 0.3: one of BASE's 8 spin samples preempted past
# the slowed ones (412 us) made U = 8, p = 0.014, no warning (a warm make
# check); BASE's samples would now have to reach 3.1 ms.
run --delay spin:3000 --json "$OUT/c.json" >/dev/null
set +e
"$BIN" compare "$OUT/a.json" "$OUT/c.json" >"$OUT/host.txt" 2>"$OUT/host.err"
hrc=$?
"$BIN" compare "$OUT/a.json" "$OUT/a.json" >/dev/null 2>"$OUT/same.err"
set -e
[ "$hrc" -le 1 ] && grep -q '^host  *spin  *start' "$OUT/host.txt" &&
	! grep -q 'REGRESSED  *spin' "$OUT/host.txt" &&
	grep -q "the host itself was [0-9]*% slower in NEW (the 'spin' variant" "$OUT/host.err" &&
	! [ -s "$OUT/same.err" ] ||
	{ cat "$OUT/host.txt" "$OUT/host.err"; echo "bench-smoke: host drift not reported" >&2; exit 1; }
echo "bench-smoke: host drift reported, not gated"

# The ladder is pinned unless --pin none; compare names a difference.
run --pin none --json "$OUT/u.json" >"$OUT/u.txt"
set +e
"$BIN" compare "$OUT/a.json" "$OUT/u.json" >/dev/null 2>"$OUT/pin.err"
"$BIN" bench --pin 99999 2>/dev/null; badpin=$?
set -e
grep -q '^the ladder ran on CPU [0-9]* (--pin auto)$' "$OUT/a.txt" &&
	grep -q '^the ladder ran on any CPU (--pin none)$' "$OUT/u.txt" &&
	grep -q "BASE's ladder ran on CPU [0-9]*, NEW's on any CPU" "$OUT/pin.err" &&
	! grep -q "ladder ran" "$OUT/same.err" && [ "$badpin" -eq 2 ] ||
	{ cat "$OUT/pin.err"; echo "bench-smoke: --pin not reported" >&2; exit 1; }
echo "bench-smoke: pinning reported"

# Whether the host moved within the run: a line per host probe, and the
# halves in the JSON (20 samples at least).
"$BIN" bench --quick --runs 24 --warmup 1 --variants spin,faults,fork \
	--json "$OUT/d.json" >"$OUT/d.txt"
grep -q "^host: 'spin' [-+][0-9.]*% from the first half of the run to the second" "$OUT/d.txt" &&
	grep -q "^host: 'faults' " "$OUT/d.txt" && ! grep -q "^host: 'fork'" "$OUT/d.txt" &&
	! grep -q "^host: " "$OUT/a.txt" &&
	jq -e '[.variants[] | select(.drift != null) | .name] == ["spin", "faults"]
		and ([.variants[] | select(.name == "spin") | .drift.moved | type] == ["boolean"])' \
		"$OUT/d.json" >/dev/null ||
	{ cat "$OUT/d.txt"; echo "bench-smoke: host drift within a run not reported" >&2; exit 1; }
echo "bench-smoke: drift within a run reported"

# A/B in one run (bench --against, this binary as the base build too). The
# A/A pair must pass the gate at the default threshold. Interleaving takes
# out the drift between runs, but 4 series at alpha 0.01 still give a false
# regression now and then (with 20 samples, 1 A/A pair in 40 on the busy
# 2-CPU development VM), so up to 3 pairs are tried.
ab() { "$BIN" bench --quick --variants fork,exec --against "$BIN" "$@"; }
for try in 1 2 3; do
	ab --json "$OUT/n.json" --against-json "$OUT/b.json" >"$OUT/ab.txt" 2>"$OUT/ab.err"
	"$BIN" compare "$OUT/b.json" "$OUT/n.json" >"$OUT/ab-compare.txt" && break
	[ $try -lt 3 ] || { cat "$OUT/ab-compare.txt"; echo "bench-smoke: A/A flagged 3 times" >&2; exit 1; }
done
grep -q '^== arm new: ' "$OUT/ab.txt" && grep -q '^== arm base: ' "$OUT/ab.txt"
for f in n:new b:base; do
	jq -e --arg arm "${f#*:}" '.meta.ab.arm == $arm and .meta.ab.interleaved
		and (.meta.host.kernel | type == "string")
		and ([.variants[] | .start.samples | length] == [60, 60])
		and (.variants[0].counters["task-clock"].per_start > 0)' \
		"$OUT/${f%:*}.json" >/dev/null
done
# The test hook slows this arm only: exec regressed, named.
ab --delay exec:3000 --json "$OUT/n2.json" --against-json "$OUT/b2.json" >/dev/null 2>&1
set +e
"$BIN" compare "$OUT/b2.json" "$OUT/n2.json" >"$OUT/ab-delay.txt"; slow=$?
"$BIN" bench --quick --variants fork --against /bin/true >/dev/null 2>"$OUT/true.err"
notbx=$?
set -e
[ "$slow" -eq 1 ] && grep -q '^REGRESSED  exec  *start' "$OUT/ab-delay.txt" ||
	{ cat "$OUT/ab-delay.txt"; echo "bench-smoke: A/B delay: exit $slow" >&2; exit 1; }
[ "$notbx" -eq 2 ] && grep -q 'not a boxcheck build' "$OUT/true.err" ||
	{ cat "$OUT/true.err"; echo "bench-smoke: --against /bin/true: exit $notbx" >&2; exit 1; }
echo "bench-smoke: A/B ok (A/A passed on try $try, a 3 ms exec delay caught, /bin/true refused)"
