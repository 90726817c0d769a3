#!/usr/bin/env bash
# lava.sh OVERLAY BOXCHECK [OUTDIR]
#
# The kernel-CI pieces that can be tried without a LAVA lab (ci/lava):
#   1. the overlay tarball: its files, modes and owner, each the same as
#      its source;
#   2. ci/lava/boxcheck.yaml parsed as YAML (python3-yaml) with what LAVA's
#      test definitions need: metadata (format "Lava-Test Test Definition
#      1.0", name, description, os, scope, devices), params, run.steps;
#   3. its steps run as LAVA's test shell would (the params set first),
#      from the unpacked overlay, with tests/lava/lava-test-case, a
#      stand-in that checks each call's arguments, on the pidns scenarios,
#      validation of ref and host, and a short bench;
#   4. the calls: one per scenario of the selection (as many as the KTAP
#      file's tests, read by the strict reader), validate's properties with
#      the control's expected failures as pass, bench variants with
#      measurements in us; no call the stand-in refused; and the stand-in
#      does refuse bad calls.
set -euo pipefail
overlay=$(realpath "$1")
bin=$(realpath "$2")
out=${3:-build/check/lava}
here=$(cd "$(dirname "$0")/.." && pwd)
select=pidns
rm -rf "$out"
mkdir -p "$out/dut" "$out/work"
out=$(realpath "$out")

fail() {
	echo "lava: FAIL: $*" >&2
	exit 1
}

# ---- 1. the tarball ---------------------------------------------------------
tar -tvJf "$overlay" >"$out/contents.txt"
while read -r mode path; do
	line=$(awk -v p="$path" '$6 == p' "$out/contents.txt")
	[ -n "$line" ] || fail "$overlay lacks $path"
	case $line in "$mode 0/0 "*) ;; *) fail "$path: want $mode 0/0: $line" ;; esac
done <<'EOF'
-rwxr-xr-x opt/boxcheck/boxcheck-static
-rwxr-xr-x opt/boxcheck/bench-tiny
-rwxr-xr-x opt/boxcheck/lava/run.sh
-rw-r--r-- opt/boxcheck/lava/results.awk
-rw-r--r-- opt/boxcheck/lava/boxcheck.yaml
EOF
tar -xJf "$overlay" -C "$out/dut"
dir=$out/dut/opt/boxcheck
for f in run.sh results.awk boxcheck.yaml; do
	cmp -s "$here/ci/lava/$f" "$dir/lava/$f" || fail "the overlay's $f is not ci/lava/$f"
done
"$dir/boxcheck-static" --version >/dev/null || fail "the overlay's boxcheck does not run"

# ---- 2. the test definition ---------------------------------------------------
python3 - "$here/ci/lava/boxcheck.yaml" >"$out/definition.sh" <<'EOF'
import shlex, sys, yaml

doc = yaml.safe_load(open(sys.argv[1]))
def need(cond, what):
    if not cond:
        sys.exit("boxcheck.yaml: " + what)
need(isinstance(doc, dict), "not a mapping")
m = doc.get("metadata")
need(isinstance(m, dict), "no metadata")
need(m.get("format") == "Lava-Test Test Definition 1.0",
     "metadata.format is not 'Lava-Test Test Definition 1.0'")
for k in ("name", "description"):
    need(isinstance(m.get(k), str) and m[k].strip(), "metadata." + k)
need(m["name"] == "boxcheck", "metadata.name is not boxcheck")
for k in ("os", "scope", "devices", "maintainer"):
    need(isinstance(m.get(k), list) and m[k] and
         all(isinstance(x, str) for x in m[k]), "metadata." + k + ": a list")
p = doc.get("params")
need(isinstance(p, dict) and all(isinstance(v, str) for v in p.values()),
     "params: a mapping of strings")
for k in ("BOXCHECK_DIR", "SELECT", "JOBS", "VALIDATE", "BENCH", "BENCH_ARGS"):
    need(k in p, "params." + k)
steps = (doc.get("run") or {}).get("steps")
need(isinstance(steps, list) and steps and
     all(isinstance(s, str) for s in steps), "run.steps: a list of strings")
# as LAVA's test shell has them: the params, then the overrides, the steps
for k, v in p.items():
    print("%s=%s" % (k, shlex.quote(v)))
print('. "$LAVA_OVERRIDES"')
for s in steps:
    print(s)
EOF

# ---- 3. the steps, with the stand-in -------------------------------------------
cat >"$out/overrides.sh" <<EOF
BOXCHECK_DIR='$dir'
SELECT='$select'
VALIDATE='ref,host'
BENCH=true
BENCH_ARGS='--quick --runs 10 --warmup 1 --variants fork,exec,net-cleanup --concurrency none --compare none --vm-runs 0'
EOF
export LAVA_STANDIN_LOG=$out/calls.txt LAVA_STANDIN_ERRORS=$out/refused.txt
export LAVA_OVERRIDES=$out/overrides.sh
: >"$LAVA_STANDIN_LOG"
: >"$LAVA_STANDIN_ERRORS"
(cd "$out/work" && PATH="$here/tests/lava:$PATH" sh -e "$out/definition.sh") \
	>"$out/steps.log" 2>&1 || { cat "$out/steps.log"; fail "the steps failed"; }

# ---- 4. the calls -----------------------------------------------------------------
[ ! -s "$out/refused.txt" ] || { cat "$out/refused.txt"; fail "the stand-in refused calls"; }
res=$out/work/output
cmp -s "$res/result.txt" "$LAVA_STANDIN_LOG" ||
	fail "result.txt and the lava-test-case calls differ"
[ "$(awk '{ print $1 }' "$LAVA_STANDIN_LOG" | sort | uniq -d | head -n 1)" = "" ] ||
	fail "a test case reported twice"
"$bin" list "$select" | awk '{ print $1 }' | tr / . >"$out/want.txt"
ktap_tests=$("$here/build/tests/ktap-valid" "$res/suite.ktap" | awk '{ print $(NF - 1) }')
suite_calls=$(grep -c '^pidns\.' "$LAVA_STANDIN_LOG" || true)
if [ "$suite_calls" != "$(wc -l <"$out/want.txt")" ] || [ "$suite_calls" != "$ktap_tests" ]; then
	fail "$suite_calls pidns calls, $(wc -l <"$out/want.txt") scenarios listed, $ktap_tests in the KTAP"
fi
while read -r id; do
	grep -Eq "^$id (pass|fail|skip|unknown)\$" "$LAVA_STANDIN_LOG" || fail "no call for $id"
done <"$out/want.txt"
for id in validate.ref.ns-pid validate.host.ns-pid; do
	grep -qx "$id pass" "$LAVA_STANDIN_LOG" || fail "want '$id pass' (the control's XFAIL is a pass)"
done
for id in bench.fork bench.exec bench.fork.teardown bench.net-cleanup.teardown; do
	grep -Eqx "$id pass [0-9]+(\.[0-9]+)? us" "$LAVA_STANDIN_LOG" ||
		fail "no measurement in us for $id"
done

# The stand-in refuses what LAVA would: it can fail.
errors=$out/standin-errors.txt
for call in "a/b --result pass" "x --result maybe" "x --result pass --measurement 5" \
	"x --result pass --measurement fast --units us" "x --outcome pass"; do
	# shellcheck disable=SC2086 # the call's words
	if LAVA_STANDIN_LOG=/dev/null LAVA_STANDIN_ERRORS=$errors \
		"$here/tests/lava/lava-test-case" $call; then
		fail "the stand-in accepted 'lava-test-case $call'"
	fi
done
n=$(wc -l <"$LAVA_STANDIN_LOG")
echo "lava: ok: the overlay ($(du -k "$overlay" | cut -f1) KiB), boxcheck.yaml's" \
	"fields, its steps with a checking lava-test-case: $n calls ($suite_calls" \
	"scenarios, $(grep -c '^validate\.' "$LAVA_STANDIN_LOG") properties," \
	"$(grep -c '^bench\.' "$LAVA_STANDIN_LOG") bench measurements); bad calls refused"
