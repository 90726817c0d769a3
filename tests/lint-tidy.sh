#!/usr/bin/env bash
# lint-tidy.sh GEN JOBS STAMPS FILE... - clang-tidy over the FILEs, JOBS
# processes at a time, 16 files each; its findings on stdout (make lint
# greps them). Incremental: a file found clean gets a stamp in STAMPS, and
# is linted again only when it, .clang-tidy or a file it includes is newer
# than its stamp (version.h, a version string, is not watched). What it
# includes is its make .d file under $LINT_DEPS (the main build's objects)
# when that is newer than the file; else every header of the tree and
# areas.h count. A warm `make check` then lints what changed, not 277
# files (4 CPU minutes), and a changed header only the files that include it.
set -u
gen=$1 jobs=$2 stamps=$3
shift 3
deps_dir=${LINT_DEPS:-}
tidy() { clang-tidy --quiet "$@" -- -std=gnu17 -D_GNU_SOURCE -I"$gen"; }
export -f tidy
export gen

# The newest of what every file's findings may depend on.
newest=$(ls -t .clang-tidy "$gen/areas.h" $(git ls-files '*.h' 2>/dev/null ||
	find . -name '*.h' -not -path './build/*') | head -n 1)
# The files f includes, by its .d when that is up to date; else nothing.
included() {
	local d=$deps_dir/${1%.c}.d
	[ -n "$deps_dir" ] && [ "$d" -nt "$1" ] || return 1
	sed -n '1,/[^\\]$/p' "$d" | tr -d '\\' | tr ' ' '\n' |
		grep -v -e ':$' -e '^$' -e '/version\.h$'
}
# Is the stamp s older than .clang-tidy or what f includes?
dep_newer() {
	local f=$1 s=$2 list dep
	[ .clang-tidy -nt "$s" ] && return 0
	list=$(included "$f") || { [ "$newest" -nt "$s" ]; return; }
	for dep in $list; do
		[ "$dep" -nt "$s" ] && return 0
	done
	return 1
}
stale=()
for f in "$@"; do
	s=$stamps/$f.ok
	if [ ! -e "$s" ] || [ "$f" -nt "$s" ] || dep_newer "$f" "$s"; then
		stale+=("$f")
	fi
done
echo "lint: clang-tidy on ${#stale[@]} of $# files (the others unchanged since clean)"
[ ${#stale[@]} -eq 0 ] && exit 0
out=$(printf '%s\n' "${stale[@]}" | xargs -P "$jobs" -n 16 bash -c 'tidy "$@"' tidy 2>&1)
rc=$?
printf '%s\n' "$out"
# Stamp only a clean run: one finding anywhere and nothing is stamped.
if [ $rc -eq 0 ] && ! grep -q -E '(warning|error|Error):' <<<"$out"; then
	for f in "${stale[@]}"; do
		mkdir -p "$stamps/$(dirname "$f")"
		touch "$stamps/$f.ok"
	done
fi
exit $rc
