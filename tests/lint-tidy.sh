#!/usr/bin/env bash
# lint-tidy.sh GEN JOBS FILE... - clang-tidy over the FILEs, JOBS processes
# at a time, 16 files each; its findings on stdout (make lint greps them).
set -u
gen=$1 jobs=$2
shift 2
tidy() { clang-tidy --quiet "$@" -- -std=gnu17 -D_GNU_SOURCE -I"$gen"; }
export -f tidy
export gen
printf '%s\n' "$@" | xargs -P "$jobs" -n 16 bash -c 'tidy "$@"' tidy
