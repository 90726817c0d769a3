#!/usr/bin/env bash
# seed-build.sh SRC DST HEADER - give the build tree DST the objects of the
# build tree SRC that do not depend on HEADER (by their make .d files),
# times kept, with their .d files pointed at DST. make in DST, with the
# flags SRC was built with (DST's gen/flags then matches; if not, make
# rebuilds everything), compiles only the objects left out: those that
# include HEADER, which reads the one define the two trees differ by. An
# object DST already has from a later compile is kept. Nothing happens
# when SRC has no gen/flags (built before flags were recorded).
set -euo pipefail
src=$1 dst=$2 header=$3
[ -s "$src/gen/flags" ] || exit 0
mkdir -p "$dst/obj" "$dst/gen"
copied=0 left=0
while IFS= read -r -d '' d; do
	rel=${d#"$src"/obj/}
	o=${d%.d}.o
	[ -e "$o" ] || continue
	if grep -qF "$header" "$d"; then
		left=$((left + 1))
		continue
	fi
	# kept: the same object, or one DST compiled since
	[ -e "$dst/obj/${rel%.d}.o" ] && ! [ "$o" -nt "$dst/obj/${rel%.d}.o" ] && continue
	mkdir -p "$dst/obj/$(dirname "$rel")"
	cp -p "$o" "$dst/obj/${rel%.d}.o"
	sed "s|$src/obj/|$dst/obj/|g; s|$src/gen/|$dst/gen/|g" "$d" >"$dst/obj/$rel"
	touch -r "$d" "$dst/obj/$rel"
	copied=$((copied + 1))
done < <(find "$src/obj" -name '*.d' -print0)
for f in version.h areas.h flags ldflags; do
	[ ! -e "$src/gen/$f" ] || { [ -e "$dst/gen/$f" ] && ! [ "$src/gen/$f" -nt "$dst/gen/$f" ]; } ||
		cp -p "$src/gen/$f" "$dst/gen/$f"
done
echo "seed-build: $dst: $copied objects copied from $src; its $left objects that include $header are compiled there"
