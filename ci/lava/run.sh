#!/bin/sh
# run.sh: boxcheck on a LAVA device (ci/lava/boxcheck.yaml runs it). It runs
# the static binary from the overlay, then reports each scenario, property
# and bench variant with lava-test-case (outside LAVA: the LAVA_SIGNAL lines
# lava-test-case prints), and keeps everything in $OUTPUT: suite.ktap,
# validate.ktap, bench.md and bench.json, the logs, and result.txt (one
# "NAME RESULT [MEASUREMENT UNITS]" line each).
#
# Environment (the test definition's params):
#   BOXCHECK_DIR  where the overlay put boxcheck (default /opt/boxcheck)
#   SELECT        scenario patterns for `boxcheck run` (default: all)
#   JOBS          boxcheck run -j (default 2)
#   VALIDATE      runtimes for `boxcheck validate --runtime` (default:
#                 none; "ref,host" checks boxcheck's own container)
#   BENCH         "true": also `boxcheck bench $BENCH_ARGS`
#   BENCH_ARGS    default "--quick --concurrency none --compare none"
#   OUTPUT        default ./output
# Exit status: boxcheck's worst (0 nothing failed or errored).
set -u
dir=${BOXCHECK_DIR:-/opt/boxcheck}
bin=$dir/boxcheck-static
lava=$dir/lava
out=${OUTPUT:-$(pwd)/output}
mkdir -p "$out"
: >"$out/result.txt"
status=0

# report NAME RESULT [MEASUREMENT UNITS]
report() {
	echo "$*" >>"$out/result.txt"
	if command -v lava-test-case >/dev/null 2>&1; then
		if [ $# -ge 4 ]; then
			lava-test-case "$1" --result "$2" --measurement "$3" --units "$4"
		else
			lava-test-case "$1" --result "$2"
		fi
	elif [ $# -ge 4 ]; then
		echo "<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=$1 RESULT=$2 MEASUREMENT=$3 UNITS=$4>"
	else
		echo "<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=$1 RESULT=$2>"
	fi
}

# results FILE [awk -v ...]: every result line of FILE, reported
results() {
	f=$1
	shift
	awk "$@" -f "$lava/results.awk" "$f" >"$f.results"
	while read -r name result value units; do
		report "$name" "$result" ${value:+"$value"} ${units:+"$units"}
	done <"$f.results"
}

# step NAME CMD...: run it, its log in $OUTPUT/NAME.log; a step that
# writes nothing is one failed test case named after it
step() {
	name=$1
	shift
	"$@" >"$out/$name.log" 2>&1
	rc=$?
	[ $rc -gt $status ] && status=$rc
	return 0
}

"$bin" --version >"$out/version.txt" 2>&1 || { report boxcheck-runs fail; exit 2; }
# shellcheck disable=SC2086 # SELECT is a list of patterns
step suite "$bin" run -j "${JOBS:-2}" --ktap "$out/suite.ktap" ${SELECT:-}
if [ -s "$out/suite.ktap" ]; then results "$out/suite.ktap"; else report suite fail; fi
if [ -n "${VALIDATE:-}" ]; then
	step validate "$bin" validate --runtime "$VALIDATE" --ktap "$out/validate.ktap"
	if [ -s "$out/validate.ktap" ]; then results "$out/validate.ktap"; else report validate fail; fi
fi
if [ "${BENCH:-false}" = true ]; then
	# shellcheck disable=SC2086 # BENCH_ARGS is a list of options
	step bench "$bin" bench ${BENCH_ARGS:---quick --concurrency none --compare none} \
		--markdown "$out/bench.md" --json "$out/bench.json"
	if [ -s "$out/bench.md" ]; then results "$out/bench.md" -v bench=1; else report bench fail; fi
fi
exit $status
