#!/usr/bin/env bash
# report-fleet.sh BOXCHECK [OUTDIR]
#
# One report from 50 machines. From the suite's results of `make run`
# (tests/fixtures/report/make-run/run.json), 50 synthetic files (jq): machines
# node-01 .. node-50 over 3 kernels x 2 arches (6 groups), with two planted
# differences: node-07 fails cgroup/kill-kills-all, and every 5.10 machine
# skips ns/new-ipc-only. Then `boxcheck report` on all 50, and checks:
#   - it takes under 2 s of CPU (user + sys; the wall time is printed);
#   - the headline counts 50 machines in 6 groups and names node-07;
#   - the HTML matrix: a group row over the columns (6 groups, 50
#     machines under them), a summary per machine whose last row is
#     "every scenario" with 50 cells, node-07's cell failing;
#   - only the rows that differ: exactly the two planted ones, in HTML and
#     Markdown; with --all-rows every scenario (so the count can fail).
set -euo pipefail
bin=$(realpath "$1")
out=${2:-build/check/report-fleet}
src=tests/fixtures/report/make-run/run.json
rm -rf "$out"
mkdir -p "$out/in"

fail() {
	echo "report-fleet: FAIL: $*" >&2
	exit 1
}

# The 50 files: one jq writes them, one a line, awk splits them.
jq -c '. as $d | range(1; 51) as $i | $d
	| .meta.host.hostname = ("node-" + (if $i < 10 then "0" else "" end) + ($i | tostring))
	| .meta.host.kernel = (["5.10.0-33", "6.1.0-28", "6.12.12"][$i % 3])
	| .meta.host.arch = (["x86_64", "aarch64"][$i % 2])
	| .records |= map(
		if $i == 7 and .id == "cgroup/kill-kills-all" then
			.verdict = "fail" | .reason = "planted: one process survived"
		elif $i % 3 == 0 and .id == "ns/new-ipc-only" then
			.verdict = "skip" | .reason = "planted: no ipc namespaces"
		else . end)' "$src" |
	awk -v dir="$out/in" '{ f = sprintf("%s/node-%02d.json", dir, NR); print > f; close(f) }'
n=$(find "$out/in" -name '*.json' | wc -l)
[ "$n" = 50 ] || fail "made $n files, not 50"
rows=$(jq '.records | length' "$src")

# The report, timed (bash's time: real, user, sys).
TIMEFORMAT='%R %U %S'
{ time "$bin" report "$out"/in/*.json --html "$out/fleet.html" \
	--markdown "$out/fleet.md" >"$out/stdout.txt"; } 2>"$out/time.txt"
read -r real user sys <"$out/time.txt"
cpu=$(echo "$user $sys" | awk '{ printf "%.2f", $1 + $2 }')
echo "report-fleet: 50 files x $rows scenarios: $cpu s CPU, $real s wall"
awk -v c="$cpu" 'BEGIN { exit !(c < 2) }' || fail "the report took $cpu s of CPU (>= 2)"

lead=$(grep -m1 '^50 machines in 6 groups of arch and kernel: ' "$out/stdout.txt") ||
	fail "the headline does not count 50 machines in 6 groups"
case $lead in *"(1 failed, 1 skipped) on node-07"*) ;;
*) fail "the headline does not name node-07's failure: $lead" ;; esac

# count_rows HTML: the scenario rows of the area tables (matrix-*, not
# the summary): their first cell is a scenario id.
count_rows() {
	perl -0ne 'my $n = 0;
		while (m{<table id="matrix-(?!summary)[^"]*">(.*?)</table>}sg) {
			my $t = $1; $n++ while $t =~ m{<td class="v-id"}g }
		print "$n\n"' "$1"
}
html=$out/fleet.html
got=$(count_rows "$html")
[ "$got" = 2 ] || fail "the matrix shows $got scenario rows, not the 2 that differ"
for id in cgroup/kill-kills-all ns/new-ipc-only; do
	grep -q "$id" "$html" || fail "the planted difference $id is missing from the matrix"
done
perl -0ne '
	m{<table id="matrix-summary">(.*?)</table>}s or die "no summary table\n";
	my $t = $1;
	my ($groups) = $t =~ m{<tr class="groups">(.*?)</tr>}s or die "no group row\n";
	my @g = $groups =~ m{<th(?: colspan="(\d+)")?[^>]*>([^<]*)</th>}g;
	my ($n, $cols) = (0, 0);
	for (my $i = 0; $i < @g; $i += 2) {
		next if $g[$i + 1] eq "";
		$n++; $cols += $g[$i] // 1;
	}
	die "$n groups over $cols columns, not 6 over 50\n" unless $n == 6 && $cols == 50;
	my ($last) = $t =~ m{<tr><td class="v-id">every scenario</td>(.*?)</tr>}s
		or die "no every-scenario row\n";
	my @cells = $last =~ m{<td }g;
	die scalar(@cells) . " cells in the summary row, not 50\n" unless @cells == 50;
	my @failed = $last =~ m{<td class="v-fail"}g;
	die scalar(@failed) . " failing machines in the summary row, not 1\n" unless @failed == 1;
' "$html" || fail "the summary per machine is wrong"
# the matrix's rows: an id with its property under it (the failures
# table has no property)
md_rows=$(grep -cE '^\| [a-z_]+/[a-z0-9-]+ <br>' "$out/fleet.md" || true)
[ "$md_rows" = 2 ] || fail "the Markdown matrix shows $md_rows scenario rows, not 2"

# --all-rows: every scenario, so the count above can see more than two.
"$bin" report "$out"/in/*.json --html "$out/all-rows.html" --all-rows >/dev/null
got=$(count_rows "$out/all-rows.html")
[ "$got" = "$rows" ] || fail "--all-rows shows $got rows, not $rows"
echo "report-fleet: ok: 6 groups of arch and kernel over 50 columns, a summary" \
	"row per machine, 2 differing rows of $rows shown ($rows with --all-rows);" \
	"$html"
