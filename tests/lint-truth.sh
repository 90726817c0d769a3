#!/usr/bin/env bash
# lint-truth.sh [CC] - truth rule 1 (DESIGN.md): a predicate never reads
# which run it is. Three parts, each able to fail:
#   1. scenarios/*.c are clean under tests/lint-truth.pl;
#   2. every planted violation in tests/fixtures/lint is caught, with the
#      rule its name starts with (w_ -> W, j_ -> J, l_ -> L), and clean.c
#      is not flagged;
#   3. a judge that reads the run does not even compile.
set -euo pipefail
cd "$(dirname "$0")/.."
cc=${1:-${CC:-cc}}
lint=tests/lint-truth.pl
fail() { echo "lint-truth: $*" >&2; exit 1; }

$lint scenarios/*.c || fail "scenarios break truth rule 1 (above)"

n=0
for f in tests/fixtures/lint/[wjl]_*.c; do
	want=$(basename "$f" | cut -c1 | tr a-z A-Z)
	set +e
	got=$($lint "$f")
	rc=$?
	set -e
	[ $rc -eq 1 ] || fail "$f: planted violation not caught (exit $rc)"
	grep -q ": $want " <<<"$got" || fail "$f: caught, but not as rule $want: $got"
	n=$((n + 1))
done
$lint tests/fixtures/lint/clean.c || fail "clean.c flagged (a false positive)"

err=$($cc -std=gnu17 -D_GNU_SOURCE -fsyntax-only \
	tests/fixtures/lint/compile_judge_reads_run.c 2>&1) &&
	fail "a judge reading the run compiled"
grep -q "no member named .isolate." <<<"$err" ||
	fail "the planted judge failed to compile for another reason: $err"
echo "lint-truth: scenarios clean; $n planted violations caught; a judge cannot read the run (compile error)"
