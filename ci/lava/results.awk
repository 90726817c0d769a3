# results.awk: boxcheck's outputs as LAVA results, one "NAME RESULT
# [MEASUREMENT UNITS]" line each (the output/result.txt convention of
# Linaro's test-definitions). POSIX awk (busybox's will do).
#
# KTAP (boxcheck run/validate --ktap): every leaf test, named by its
# suites' "# Subtest:" names and its own, joined with '.'
# ("pidns.init-is-pid1", "validate.runc.ns-pid"). ok: pass; not ok: fail;
# # SKIP: skip; # XFAIL (validation's control failing, as it must): pass;
# # ERROR and # TIMEOUT (the test broke): unknown, the result LAVA has for
# "no verdict". A suite's own result line is not a test of its own.
#
# -v bench=1: the Markdown table of `boxcheck bench --markdown`: per
# variant "bench.NAME pass P50 us" (its start latency's median) and
# "bench.NAME.teardown pass P50 us"; a failed or skipped variant is
# "bench.NAME fail" or "bench.NAME skip".

function clean(s) {
	gsub(/[^A-Za-z0-9_.-]/, "_", s)
	return s
}
function num(s) {
	sub(/^ +/, "", s); sub(/ .*$/, "", s)
	return s ~ /^[0-9]+(\.[0-9]+)?$/ ? s : ""
}

bench && /^\| / && !/^\| variant / && !/^\|---/ {
	n = split($0, f, "|")
	name = f[2]; sub(/^ +/, "", name); sub(/ +$/, "", name)
	status = f[3]; sub(/^ +/, "", status); sub(/ +$/, "", status)
	teardown = 0
	if (name ~ / \(teardown\)$/) {
		sub(/ \(teardown\)$/, "", name)
		teardown = 1
	}
	id = "bench." clean(name)
	if (status == "skipped") { print id, "skip"; next }
	if (status == "failed" || status == "error") { print id, "fail"; next }
	if (status == "teardown only") next
	if (teardown) {
		if ((v = num(f[5])) != "") print id ".teardown", "pass", v, "us"
		next
	}
	if ((v = num(f[5])) != "") print id, "pass", v, "us"
	else print id, "fail"
	if ((v = num(f[9])) != "") print id ".teardown", "pass", v, "us"
	next
}
bench { next }

{
	line = $0
	match(line, /^ */)
	depth = int(RLENGTH / 2)
	s = substr(line, RLENGTH + 1)
}
s == "KTAP version 1" { open[depth] = 1; next }
s ~ /^# Subtest: / { suite[depth] = substr(s, 12); next }
s ~ /^(not )?ok [0-9]+/ {
	# the result that closes a suite one level down: not a test
	if (open[depth + 1]) { open[depth + 1] = 0; next }
	ok = s ~ /^ok/
	sub(/^(not )?ok [0-9]+ ?/, "", s)
	dir = ""
	if ((i = index(s, " # ")) > 0) {
		dir = substr(s, i + 3)
		s = substr(s, 1, i - 1)
		sub(/ .*/, "", dir)
		dir = toupper(dir)
	}
	res = ok ? "pass" : "fail"
	if (dir == "SKIP") res = "skip"
	else if (dir == "XFAIL") res = "pass"
	else if (dir == "ERROR" || dir == "TIMEOUT") res = "unknown"
	else if (dir == "TODO") res = "skip"
	id = ""
	for (k = 1; k <= depth; k++)
		id = id suite[k] "."
	print clean(id s), res
}
