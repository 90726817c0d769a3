#!/usr/bin/env bash
# coverage-selftest: the coverage checker (tests/coverage.c) refuses what it
# must. Each case writes a small table and runs the checker on it, expecting
# an exit status and a message; a case that passes when it should fail
# fails this script. The scenario id used is one of this build's.
# usage: coverage-selftest.sh COVERAGE_BINARY
set -uo pipefail
cov=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
known=pidns/init-is-pid1
head=$'#doc\tt(7)\tsome source'

# table NAME LINE...: a table with the #doc line and these lines.
table() {
	local name=$1
	shift
	printf '%s\n' "$head" "$@" >"$tmp/$name.tsv"
}

# expect STATUS PATTERN WHAT ARGS...: the checker exits STATUS and its
# output matches PATTERN.
expect() {
	local want=$1 pattern=$2 what=$3 got
	shift 3
	"$cov" "$@" >"$tmp/out" 2>&1
	got=$?
	if [ "$got" -ne "$want" ] || ! grep -q -- "$pattern" "$tmp/out"; then
		echo "coverage-selftest: $what: exit $got (want $want)," \
			"output:" >&2
		sed 's/^/  /' "$tmp/out" >&2
		fail=1
	fi
}

t=$'\t'
table good "a.1${t}S ¶1${t}a statement${t}yes${t}$known" \
	"a.2${t}S ¶2${t}another${t}yes${t}-" \
	"a.3${t}S ¶3${t}a third${t}no${t}historical note"
expect 0 '50.0%' "a good table" -o "$tmp/good.md" "$tmp/good.tsv"
expect 0 'total' "its markdown, checked" --check "$tmp/good.md" \
	"$tmp/good.tsv"
echo "stale" >>"$tmp/good.md"
expect 1 'not what the tables make' "a stale markdown" \
	--check "$tmp/good.md" "$tmp/good.tsv"

table unknown "a.1${t}S${t}s${t}yes${t}nosuch/scenario"
expect 1 'not in this build' "an unknown scenario" "$tmp/unknown.tsv"

table planned "a.1${t}S${t}s${t}yes${t}br20:nosuch/scenario"
expect 1 'planned in branch br20, not in this build' "a planned id, strict" \
	"$tmp/planned.tsv"
expect 0 '0.0%' "a planned id, --allow-planned" --allow-planned \
	"$tmp/planned.tsv"

table landed "a.1${t}S${t}s${t}yes${t}br20:$known"
expect 1 'drop its "br20:" prefix' "a planned id now built" \
	--allow-planned "$tmp/landed.tsv"

table short "a.1${t}S${t}s${t}yes"
expect 2 '4 fields' "a short line" "$tmp/short.tsv"
table noreason "a.1${t}S${t}s${t}no${t}-"
expect 2 'without its reason' "untestable, no reason" "$tmp/noreason.tsv"
table maybe "a.1${t}S${t}s${t}maybe${t}-"
expect 2 'neither' "testable neither yes nor no" "$tmp/maybe.tsv"
table pipe "a.1${t}S${t}s | t${t}yes${t}-"
expect 2 "a '|'" "a pipe in a field" "$tmp/pipe.tsv"
table badid "a.1${t}S${t}s${t}yes${t}not-an-id"
expect 2 'checked-by' "a malformed scenario id" "$tmp/badid.tsv"
table dup "a.1${t}S${t}s${t}yes${t}-" "a.1${t}S${t}t${t}yes${t}-"
expect 2 'twice' "a duplicate statement id" "$tmp/dup.tsv"
printf 'a.1\tS\ts\tyes\t-\n' >"$tmp/nodoc.tsv"
expect 2 'no "#doc" line' "a table without #doc" "$tmp/nodoc.tsv"

[ "$fail" -eq 0 ] && echo "coverage-selftest: ok"
exit "$fail"
