#!/usr/bin/env bash
# lint-tidy.sh GEN JOBS STAMPS FILE... - clang-tidy over the FILEs, JOBS
# processes at a time, 16 files each; its findings on stdout (make lint
# greps them). Incremental: a file found clean gets a stamp in STAMPS, and
# is linted again only when it, any header of the tree, areas.h or
# .clang-tidy is newer than its stamp (version.h, a version string, is
# not watched). A warm `make check` then lints what changed, not 277 files
# (4 CPU minutes).
set -u
gen=$1 jobs=$2 stamps=$3
shift 3
tidy() { clang-tidy --quiet "$@" -- -std=gnu17 -D_GNU_SOURCE -I"$gen"; }
export -f tidy
export gen

# The newest of what every file's findings may depend on.
newest=$(ls -t .clang-tidy "$gen/areas.h" $(git ls-files '*.h' 2>/dev/null ||
	find . -name '*.h' -not -path './build/*') | head -n 1)
stale=()
for f in "$@"; do
	s=$stamps/$f.ok
	if [ ! -e "$s" ] || [ "$f" -nt "$s" ] || [ "$newest" -nt "$s" ]; then
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
