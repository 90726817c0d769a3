#!/usr/bin/env bash
# deps-coverage: ci/install-deps.sh covers every external command boxcheck
# and its make targets run, so a forgotten package fails here, on the
# developer's machine too, where it may have been installed by hand.
#
# ci/commands lists COMMAND PACKAGE GROUP. Checked:
#  1. each row's PACKAGE is in GROUP of ci/install-deps.sh (or GROUP is
#     "base": Essential or Priority required, there on every Debian), and
#     where installed, PACKAGE (or what it depends on) provides COMMAND;
#  2. every command boxcheck's own tables name (tools, validate targets,
#     bench's runtimes, scenarios' requirements: TOOL_LIST's output) has
#     a row, installed or not;
#  3. every command found in use has a row or comes with the base system:
#     words in command position in the scripts and make recipes, the
#     values of make variables, and whole string literals in the C
#     sources, each one that names an executable here (so its package is
#     known from dpkg);
#  4. every row is still used (found by 2 or 3).
# usage: deps-coverage.sh TOOL_LIST [TABLE]
set -uo pipefail
tool_list=$1
table=${2:-ci/commands}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "deps-coverage: $*" >&2
	fail=1
}

# "WORD PACKAGE" for each word (stdin) that names an executable here, the
# package dpkg says it comes from (one dpkg -S for all: it is slow).
providers() {
	local w p c
	while read -r w; do
		p=$(command -v "$w" 2>/dev/null) || continue
		case $p in /*) ;; *) continue ;; esac
		for c in "$p" /usr/bin/"$w" /bin/"$w" /usr/sbin/"$w" /sbin/"$w" \
			"$(readlink -f "$p")"; do
			echo "$w $c"
		done
	done >"$tmp/cand"
	[ -s "$tmp/cand" ] || return 0
	awk '{ print $2 }' "$tmp/cand" | sort -u | xargs dpkg -S 2>/dev/null |
		grep -v '^diversion by ' >"$tmp/owners"
	awk 'NR == FNR { i = index($0, ": "); pkg = substr($0, 1, i - 1)
			sub(/,.*/, "", pkg); sub(/:[a-z0-9]+$/, "", pkg)
			own[substr($0, i + 2)] = pkg; next }
		!($1 in done) && ($2 in own) { done[$1] = 1; print $1, own[$2] }' \
		"$tmp/owners" "$tmp/cand"
}
# "PACKAGE" lines of the packages (stdin) that are Essential or Priority
# required: on every Debian system.
base_of() {
	sort -u | xargs -r dpkg-query -W -f='${Package} ${Essential} ${Priority}\n' \
		2>/dev/null | awk '$2 == "yes" || $NF == "required" { print $1 }'
}

# ---- 1. the table against the groups ---------------------------------------
grep -v '^[[:space:]]*#' "$table" | awk 'NF' >"$tmp/rows"
while read -r cmd pkg group _; do
	if [ -z "$group" ]; then
		bad "$table: '$cmd $pkg': want COMMAND PACKAGE GROUP"
		continue
	fi
	if [ "$group" = base ]; then
		echo "$pkg" | base_of | grep -q . || bad "$cmd: $pkg is neither Essential nor" \
			"Priority required: give it a group of ci/install-deps.sh"
	elif ! ci/install-deps.sh --list "$group" >"$tmp/group" 2>/dev/null; then
		bad "$cmd: no group '$group' in ci/install-deps.sh"
	elif ! grep -qx "$pkg" "$tmp/group"; then
		bad "$cmd: package $pkg is not in group $group of" \
			"ci/install-deps.sh (it has: $(tr '\n' ' ' <"$tmp/group"))"
	fi
done <"$tmp/rows"

# Where installed, the row's package (or one it pulls in) provides it.
awk '{ print $1 }' "$tmp/rows" | providers >"$tmp/rowprov"
while read -r cmd pkg group _; do
	prov=$(awk -v c="$cmd" '$1 == c { print $2 }' "$tmp/rowprov")
	[ -n "$prov" ] && [ "$prov" != "$pkg" ] || continue
	[ -e "$tmp/deps-$pkg" ] ||
		apt-cache depends --recurse --no-recommends --no-suggests \
			--no-conflicts --no-breaks --no-replaces --no-enhances \
			"$pkg" </dev/null >"$tmp/deps-$pkg" 2>/dev/null
	grep -qx "$prov" "$tmp/deps-$pkg" ||
		bad "$cmd comes from $prov here, which $pkg ($group) does not" \
			"pull in"
done <"$tmp/rows"

# ---- 2. boxcheck's own tables -------------------------------------------------
"$tool_list" >"$tmp/tables" || { bad "$tool_list failed"; exit 1; }
awk '{ print $1 }' "$tmp/rows" | sort -u >"$tmp/listed"
while read -r cmd where; do
	grep -qx "$cmd" "$tmp/listed" ||
		bad "$cmd ($where) has no row in $table"
done < <(sort -u "$tmp/tables")

# ---- 3. what the scripts, recipes and C sources run -------------------------
scripts=(Makefile mk/*.mk ci/*.sh ci/vm/*.sh ci/lava/*.sh tests/*.sh tests/fixtures/*.sh)
csrc=(primitives/*.c scenarios/*.c bench/*.c harness/*.c harness/validate/*.c
	reports/*.c
	ci/vm/*.c tests/*.c)
{
	awk -f tests/deps-words.awk "${scripts[@]}"
	# make variables' commands: VALGRIND := valgrind -q ..., CC ?= gcc
	grep -hE '^[A-Z_]+[[:space:]]*[:?+]?=' Makefile mk/*.mk |
		sed 's/^[^=]*=[[:space:]]*//' | awk '{ print $1 }'
	# whole literals where C runs something: execlp("cat", ...),
	# argv[] = { "lxc-stop", ...}, "gnuplot" (an argv), "/bin/busybox"
	grep -hE 'exec[lv]|argv|popen' "${csrc[@]}" |
		grep -ohE '"(/usr)?(/s?bin/)?[a-z][a-z0-9._+-]*"' |
		tr -d '"' | sed 's|.*/||'
} | grep -E '^[a-z][a-z0-9._+-]*$' | sort -u >"$tmp/words"
providers <"$tmp/words" >"$tmp/wordprov"
awk '{ print $2 }' "$tmp/wordprov" | base_of >"$tmp/base"
awk '{ print $1 }' "$tmp/wordprov" >"$tmp/used"
while read -r w prov; do
	grep -qx "$w" "$tmp/listed" && continue
	grep -qx "$prov" "$tmp/base" && continue
	where=$(grep -lwE -- "$w" "${scripts[@]}" "${csrc[@]}" 2>/dev/null |
		head -n 3 | tr '\n' ' ')
	bad "$w (package $prov, in ${where:-?}) has no row in $table"
done <"$tmp/wordprov"

# ---- 4. no stale rows -----------------------------------------------------------
# A row whose note names the make variable it runs through ("$(CC)") is
# used where that variable is.
awk '{ print $1 }' "$tmp/tables" >>"$tmp/used"
while read -r cmd; do
	grep -qx "$cmd" "$tmp/used" && continue
	var=$(grep -E "^${cmd}[[:space:]]" "$tmp/rows" | grep -oE '\$\([A-Za-z_]+\)[A-Za-z0-9_-]*' |
		head -n 1)
	[ -n "$var" ] && grep -qF -- "$var" Makefile mk/*.mk && continue
	bad "$cmd has a row in $table but is not used (or not found in use)"
done <"$tmp/listed"

n=$(wc -l <"$tmp/rows")
[ $fail -eq 0 ] && echo "deps-coverage: ok: $n commands in $table, each" \
	"in its ci/install-deps.sh group; $(sort -u "$tmp/tables" | awk '{ print $1 }' |
	sort -u | wc -l) from boxcheck's tables and $(sort -u "$tmp/used" | wc -l)" \
	"found in use, none missing"
exit $fail
