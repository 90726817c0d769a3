#!/usr/bin/env bash
# bench-smoke: `boxcheck bench --quick` and `compare`, structure and exit
# codes only. Never asserts an absolute time.
set -euo pipefail
BIN=$1
OUT=$2
mkdir -p "$OUT"
V=empty,fork,exec,ns-all,cgroup,pivot-root
run() { "$BIN" bench --quick --runs 8 --warmup 1 --variants $V --compare true "$@"; }

run --json "$OUT/a.json" --markdown "$OUT/a.md" >"$OUT/a.txt"
run --json "$OUT/b.json" >/dev/null
if command -v jq >/dev/null; then
jq -e '.format == "boxcheck-results" and .kind == "bench" and .format_version == 1
	and (.meta.host.kernel | type == "string") and (.meta.tools | type == "object")
	and ([.variants[] | select(.status == "ok" and .start != null)
		| .start.samples | length == 8] | length >= 5)
	and ([.variants[] | select(.name == "cgroup") | .teardown.stats.n] == [8])
	and (.variants[] | select(.name == "fork") | .counters["task-clock"].per_start > 0)' \
	"$OUT/a.json" >/dev/null
else
	grep -q '"kind": "bench"' "$OUT/a.json"
	grep -q '"samples"' "$OUT/a.json"
fi
grep -q '^| variant |' "$OUT/a.md"
grep -q '^\[ladder\]' "$OUT/a.txt"

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
