#!/usr/bin/env bash
# mutants.sh MUTANT_BIN OUTDIR - the suite against each built-in mutant
# (primitives/mutant.h; build/mutant/boxcheck). A mutant breaks one thing on
# purpose: the isolating action (no-isolate), or an observation helper forced
# to report the property. Every scenario whose run went through the mutation
# (evidence "mutant") must fail or error: a check that still passes with its
# observation broken could never fail. A mutant that no scenario reaches is
# dead and fails too.
#
# A census run first (BOXCHECK_MUTANT=census: nothing mutated, every
# mutation point passed is noted), then each mutant runs only the scenarios
# that reach it. Writes OUTDIR/mutants.md: mutant -> the scenarios that
# caught it.
set -euo pipefail
bin=$(realpath "$1")
out=$2
mkdir -p "$out"
rm -f "$out"/*.json
fail() { echo "mutants: $*" >&2; exit 1; }
reached_ids() { # JSON MUTANT: ids of the records whose runs reached MUTANT
	jq -r --arg m "$2" '.records[]
		| select([.isolated.evidence.mutant, .control.evidence.mutant]
			 | map(select(. != null) | split(" ")[]) | index($m))
		| .id' "$1"
}

# The README lists every mutant (a table row "| `name` |"), so it cannot drift.
readme=$(dirname "$0")/../README.md
while IFS=$'\t' read -r name _; do
	grep -qF "| \`$name\` |" "$readme" || fail "README.md does not list mutant $name"
done < <("$bin" mutants)

# The unmutated build, noting every point: what passes there is what a
# mutant must break, and where each mutant is reached.
BOXCHECK_MUTANT=census "$bin" run -j 2 --json "$out/census.json" >/dev/null || true
jq -e '.records | length > 0' "$out/census.json" >/dev/null || fail "no census records"

# The mutants' runs, MUTANT_PAR at a time (most reach a few scenarios
# that wait on the kernel, not the cpu); judged in order below.
par=${MUTANT_PAR:-2}
running=0
while IFS=$'\t' read -r name _; do
	mapfile -t ids < <(reached_ids "$out/census.json" "$name")
	[ ${#ids[@]} -gt 0 ] || continue
	BOXCHECK_MUTANT=$name "$bin" run -j 2 --json "$out/$name.json" \
		"${ids[@]}" >/dev/null </dev/null &
	if [ $((++running)) -ge "$par" ]; then
		wait -n || true
		running=$((running - 1))
	fi
done < <("$bin" mutants)
wait

table="$out/mutants.md"
printf '| mutant | what it breaks | reached | caught: fail | caught: error | scenarios |\n|---|---|---|---|---|---|\n' >"$table"
bad=0
while IFS=$'\t' read -r name does; do
	json="$out/$name.json"
	mapfile -t ids < <(reached_ids "$out/census.json" "$name")
	if [ ${#ids[@]} -eq 0 ]; then
		echo "mutants: $name: no scenario reaches it (a dead mutant)" >&2
		bad=1
		continue
	fi
	[ -s "$json" ] || { echo "mutants: $name: its run wrote no JSON" >&2; bad=1; continue; }
	mapfile -t hit < <(reached_ids "$json" "$name")
	# Caught: fail or error. A skip is no escape only where the unmutated
	# build skipped too (a missing feature says nothing of the check).
	escaped=$(jq -r --arg m "$name" --slurpfile base "$out/census.json" '
		($base[0].records | map(select(.verdict == "skip") | .id)) as $skipped
		| .records[]
		| select([.isolated.evidence.mutant, .control.evidence.mutant]
			 | map(select(. != null) | split(" ")[]) | index($m))
		| select(.verdict == "pass" or (.verdict == "skip" and (.id | IN($skipped[]) | not)))
		| "\(.id) (\(.verdict): \(.reason))"' "$json")
	if [ -n "$escaped" ]; then
		echo "mutants: $name: these scenarios did not notice:" >&2
		printf '  %s\n' "$escaped" >&2
		bad=1
	fi
	nf=$(jq '[.records[] | select(.verdict == "fail")] | length' "$json")
	ne=$(jq '[.records[] | select(.verdict == "error")] | length' "$json")
	printf '| %s | %s | %d | %d | %d | %s |\n' "$name" "$does" "${#hit[@]}" \
		"$nf" "$ne" "${hit[*]}" >>"$table"
	echo "mutants: $name: ${#hit[@]} scenarios reached, $nf failed, $ne errored"
done < <("$bin" mutants)
[ $bad -eq 0 ] || fail "some mutants were not caught (above)"
echo "mutants: every mutant caught by every scenario it reached ($table)"
