#!/usr/bin/env bash
# ci/run.sh - the measuring steps of `make run` (mk/run.mk installs and
# builds first): the conformance suite on this host, validate against every
# runtime boxcheck knows, the quick bench with every runtime and one VM
# boot row for this host's architecture, then one report of all three.
# Each step says what it does and how far it got; its full output goes to
# OUT/logs/. Scenario failures, runtime findings and runtimes that refuse
# this host are results, not failures of this script: it fails only when
# a step could not run or the report could not be written.
# usage: ci/run.sh BOXCHECK OUT FIRST_STEP TOTAL_STEPS
#   RUN_BUILD     make with its options: the build is a step of its own,
#                 `all` then `vm-image-host` (mk/run.mk sets it)
#   RUN_T0        when make run started (date +%s), for the total time
#   RUN_RUNTIMES  validate --runtime (default: every target boxcheck knows:
#                 ref host runc crun bwrap nspawn lxc podman docker)
#   RUN_COMPARE   bench --compare (default all: every tool bench knows)
#   RUN_VM_RUNS   boots of the VM row (default 1), RUN_VM_ARCH (host)
#   RUN_EXT_RUNS  hyperfine runs per runtime (default: bench --quick's)
set -uo pipefail
bin=$1 out=$2 n=$3 total=$4
compare=${RUN_COMPARE:-all}
logs=$out/logs
mkdir -p "$logs"
start=${RUN_T0:-$(date +%s)}

step() {
	printf '\n[%d/%d] %s\n' "$n" "$total" "$*"
	n=$((n + 1))
	t_step=$SECONDS
}
took() { echo "      ($((SECONDS - t_step)) s)"; }
die() {
	echo "make run: $*" >&2
	exit 1
}

# Lines of `boxcheck run` as they come: a count every 10 scenarios, each
# one that did not pass in full. On a terminal, one line that updates.
suite_progress() {
	awk -v total="$1" -v tty="$2" '
	/^(pass|fail|skip|error) / {
		k++
		if (tty) printf "\r      %d/%d %-60.60s", k, total, $2
		if ($1 != "pass" && $1 != "skip")
			printf "%s      %s\n", tty ? "\r" : "", $0
		else if (!tty && (k % 10 == 0 || k == total))
			printf "      %d/%d scenarios\n", k, total
		fflush()
	}
	/ passed, / { printf "%s      %s\n", tty ? "\r" : "", $0 }'
}

tty=0
[ -t 1 ] && tty=1

# ---- the build ---------------------------------------------------------------
# Compiler lines are counted, the VM image's lines shown. The binaries must
# build; a VM image that cannot (no network for the kernel) is said, and
# bench's VM row then says it has no image.
build() {
	$RUN_BUILD "$@" 2>&1 | tee -a "$logs/build.txt" | awk '
		/^(cc|gcc|clang|ar) / { if (++k % 20 == 0)
			printf "      %d compiler runs\n", k; fflush(); next }
		/^vm: |^E: |rror|install-deps/ { print "      " $0; fflush() }'
	return "${PIPESTATUS[0]}"
}
if [ -n "${RUN_BUILD:-}" ]; then
	step "build: $bin, its static twin, the ${RUN_VM_HOST:-host} VM image" \
		"(log: $logs/build.txt)"
	: >"$logs/build.txt"
	build all || { tail -n 30 "$logs/build.txt" >&2; die "the build failed"; }
	build vm-image-host ||
		echo "      the VM image could not be built (see $logs/build.txt):" \
			"the VM row will say so"
	took
fi

# ---- the conformance suite ------------------------------------------------
total_sc=$("$bin" list | grep -vc '^selftest/')
step "conformance suite on this host: $total_sc scenarios, each isolated and" \
	"as a control (log: $logs/suite.txt)"
"$bin" run -j 2 --json "$out/run.json" 2>"$logs/suite.err" |
	tee "$logs/suite.txt" | suite_progress "$total_sc" "$tty"
st=${PIPESTATUS[0]}
[ "$st" -le 1 ] || { cat "$logs/suite.err" >&2; die "boxcheck run exited $st"; }
took

# ---- runtime validation ---------------------------------------------------
step "validate: ${RUN_RUNTIMES:-every target boxcheck knows} (log:" \
	"$logs/validate.txt)"
"$bin" validate ${RUN_RUNTIMES:+--runtime "$RUN_RUNTIMES"} --json "$out/validate.json" \
	--format markdown -o "$out/validate.md" >"$logs/validate.txt" \
	2> >(sed -u 's/^/      /' >&2)
st=$?
[ "$st" -le 1 ] || die "boxcheck validate exited $st"
# What each target gave, one line each; a target that did not run says why.
jq -r '.records | group_by(.target)[] |
	(map(select(.verdict == "error")) | .[0].reason) as $err |
	"      \(.[0].target): " + (if $err then "did not run: " + $err else
	([group_by(.verdict)[] | "\(length) \(.[0].verdict)"] | join(", "))
	end)' "$out/validate.json"
took

# ---- the benchmark ----------------------------------------------------------
vm_arch=${RUN_VM_ARCH:-host}
step "bench --quick: the ladder, the runtimes ($compare), a VM boot" \
	"($vm_arch) (log: $logs/bench.txt)"
"$bin" bench --quick --compare "$compare" ${RUN_EXT_RUNS:+--ext-runs $RUN_EXT_RUNS} \
	--vm-runs "${RUN_VM_RUNS:-1}" --vm-arch "$vm_arch" \
	--json "$out/bench.json" --markdown "$out/bench.md" \
	>"$logs/bench.txt" 2> >(sed -u 's/^/      /' >&2)
st=$?
[ "$st" -le 1 ] || die "boxcheck bench exited $st"
# One line per runtime and VM: its median start, how it ran when that is
# not plain (crun's v1 view, KVM or TCG), or why it did not run.
jq -r '.variants[] | select(.group == "external" or .group == "vm") |
	.name as $n | .description as $d |
	"      \($n): " + (if .status == "ok" then
	"median \(.start.stats.p50 * 10000 | round / 10) ms" +
	(if ($d | startswith("qemu") or startswith($n + " (")) then
	" [\($d)]" else "" end)
	else "\(.status): \(.reason)" end)' "$out/bench.json" ||
	die "no bench results in $out/bench.json"
took

# ---- the report -------------------------------------------------------------
step "report: $out/report.html and $out/report.md"
"$bin" report "$out/run.json" "$out/validate.json" "$out/bench.json" \
	--html "$out/report.html" --markdown "$out/report.md" \
	>"$logs/report.txt" 2>&1 || { cat "$logs/report.txt" >&2; die "boxcheck report failed"; }
sed 's/^/      /' "$logs/report.txt"
took
echo
echo "make run: done in $(($(date +%s) - start)) s: $out/report.html," \
	"$out/report.md"
