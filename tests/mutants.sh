#!/usr/bin/env bash
# mutants.sh MUTANT_BIN OUTDIR - the suite against each built-in mutant
# (primitives/mutant.h; build/mutant/boxcheck). A mutant breaks one thing on
# purpose: the isolating action (no-isolate), or an observation helper forced
# to report the property. Every scenario whose run went through the mutation
# (evidence "mutant: ... reached") must not pass: a check that still passes
# with its observation broken could never fail. A mutant that no scenario
# reaches is dead and fails too. Writes OUTDIR/mutants.md: mutant -> the
# scenarios that caught it.
set -euo pipefail
bin=$(realpath "$1")
out=$2
mkdir -p "$out"
fail() { echo "mutants: $*" >&2; exit 1; }

# The unmutated build first: what passes there is what a mutant must break.
"$bin" run -j 2 --json "$out/none.json" >/dev/null || true
jq -e '.records | length > 0' "$out/none.json" >/dev/null || fail "no baseline records"

table="$out/mutants.md"
printf '| mutant | what it breaks | scenarios reached | caught (fail) | caught (error) | caught by |\n' >"$table"
printf '|---|---|---|---|---|---|\n' >>"$table"
bad=0
while IFS=$'\t' read -r name does; do
	json="$out/$name.json"
	BOXCHECK_MUTANT=$name "$bin" run -j 2 --json "$json" >/dev/null || true
	# Reached: the mutation ran in either run of the scenario.
	reached=$(jq -r '.records[] | select((.isolated.evidence.mutant // .control.evidence.mutant) != null) | .id' "$json")
	n=$(printf '%s' "$reached" | grep -c . || true)
	[ "$n" -gt 0 ] || { echo "mutants: $name: no scenario reached the mutation (a dead mutant)" >&2; bad=1; }
	# Caught: fail or error. A skip is no escape only where the unmutated
	# build skipped too (a missing feature says nothing of the check).
	escaped=$(jq -r --slurpfile base "$out/none.json" '
		($base[0].records | map(select(.verdict == "skip") | .id)) as $skipped
		| .records[]
		| select((.isolated.evidence.mutant // .control.evidence.mutant) != null)
		| select(.verdict == "pass" or (.verdict == "skip" and (.id | IN($skipped[]) | not)))
		| "\(.id) (\(.verdict): \(.reason))"' "$json")
	if [ -n "$escaped" ]; then
		echo "mutants: $name: these scenarios did not notice:" >&2
		printf '  %s\n' "$escaped" >&2
		bad=1
	fi
	nf=$(jq '[.records[] | select((.isolated.evidence.mutant // .control.evidence.mutant) != null) | select(.verdict == "fail")] | length' "$json")
	ne=$(jq '[.records[] | select((.isolated.evidence.mutant // .control.evidence.mutant) != null) | select(.verdict == "error")] | length' "$json")
	ids=$(printf '%s\n' "$reached" | paste -sd' ' -)
	printf '| %s | %s | %d | %d | %d | %s |\n' "$name" "$does" "$n" "$nf" "$ne" "$ids" >>"$table"
	echo "mutants: $name: $n scenarios reached, $nf failed, $ne errored"
done < <("$bin" mutants)
[ $bad -eq 0 ] || fail "some mutants were not caught (above)"
echo "mutants: every mutant caught by every scenario it reached ($table)"
