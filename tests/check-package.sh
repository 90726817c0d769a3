#!/usr/bin/env bash
# check-package.sh OUTDIR VERSION GIT_REV [BUILD]
#
# The Debian package, built and tried as a user would:
#   1. a copy of the tree (git's files, tracked and new; no build/) in
#      OUTDIR/src, where `dpkg-buildpackage -us -uc -b` builds it (its
#      `debian/rules clean` must not touch this tree's build/). With BUILD
#      (this tree's build, made with the same dpkg-buildflags: see the
#      Makefile's FLAGS_STAMP), its objects and binaries are copied in
#      first, times kept, and the build does not clean first (-nc): make
#      compiles again only what the package's flags would make otherwise,
#      everything when they differ;
#   2. the .deb holds /usr/bin/boxcheck (a link), /usr/lib/boxcheck/
#      {boxcheck,boxcheck-static,bench-tiny} and boxcheck(1), and its
#      version is VERSION;
#   3. the man page renders with groff without a warning and has a section
#      per command of `boxcheck --help`, each with the command's usage line;
#   4. installed into a scratch root with `dpkg --root`, chroot there runs
#      `boxcheck --version` (VERSION) and `boxcheck list` (as many
#      scenarios as this build lists); the host's shared libraries the
#      binary needs are copied in first, since the root has no libc of its
#      own, and the static agent runs with none.
# The scratch root is a plain directory: chroot mounts nothing.
set -euo pipefail
out=$1 version=$2 rev=${3:-unknown} seed=${4:-}
here=$(cd "$(dirname "$0")/.." && pwd)
t0=$(date +%s)

fail() {
	echo "check-package: FAIL: $*" >&2
	exit 1
}

rm -rf "$out"
mkdir -p "$out/src"
out=$(realpath "$out")
cd "$here"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -co --exclude-standard -z | grep -zv '^build/' |
		xargs -0 tar -cf - --no-recursion | tar -xf - -C "$out/src"
else
	tar --exclude=./build -cf - . | tar -xf - -C "$out/src"
fi

# 1. the build
nc=
if [ -n "$seed" ] && [ -s "$seed/gen/flags" ]; then
	mkdir -p "$out/src/build"
	for f in obj gen libboxcheck.a boxcheck boxcheck-static bench-tiny boxcheck.1; do
		[ ! -e "$seed/$f" ] || cp -a "$seed/$f" "$out/src/build/"
	done
	nc=-nc
fi
echo "check-package: dpkg-buildpackage -us -uc -b $nc (log: $out/build.log)"
(cd "$out/src" && BOXCHECK_GIT_REV=$rev DEB_BUILD_OPTIONS="parallel=$(nproc) noautodbgsym" \
	dpkg-buildpackage -us -uc -b $nc) >"$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log"; fail "dpkg-buildpackage failed"; }
t1=$(date +%s)
compiled=$(grep -cE '^(cc|gcc) .* -c -o ' "$out/build.log" || true)
if [ -n "$nc" ] && [ "$compiled" = 0 ]; then
	echo "check-package: the package build compiled nothing: every object is" \
		"this build's, made with its flags ($(cat "$out/src/build/gen/flags"))"
elif [ -n "$nc" ]; then
	echo "check-package: the package build compiled $compiled files (its flags or" \
		"sources differ from this build's: $(cat "$out/src/build/gen/flags"))"
fi
deb=$(find "$out" -maxdepth 1 -name 'boxcheck_*.deb' | head -n 1)
[ -n "$deb" ] || fail "no boxcheck_*.deb in $out"

# 2. what it holds
dpkg-deb -c "$deb" | awk '{ print $6 }' >"$out/contents.txt"
for f in ./usr/bin/boxcheck ./usr/lib/boxcheck/boxcheck \
	./usr/lib/boxcheck/boxcheck-static ./usr/lib/boxcheck/bench-tiny \
	./usr/share/man/man1/boxcheck.1.gz ./usr/share/doc/boxcheck/copyright; do
	grep -qx -- "$f" "$out/contents.txt" || fail "$deb lacks $f"
done
got=$(dpkg-deb -f "$deb" Version)
[ "$got" = "$version" ] || fail "the package's version is $got, the Makefile's $version"

# 3. the man page
man=$out/man
mkdir -p "$man"
dpkg-deb -x "$deb" "$man"
zcat "$man/usr/share/man/man1/boxcheck.1.gz" >"$out/boxcheck.1"
groff -man -Tutf8 -ww -z "$out/boxcheck.1" 2>"$out/groff.err" || true
[ ! -s "$out/groff.err" ] || { cat "$out/groff.err"; fail "groff warns about boxcheck(1)"; }
groff -man -Tutf8 "$out/boxcheck.1" 2>/dev/null | sed 's/.\x08//g' >"$out/boxcheck.1.txt"
bin=$man/usr/lib/boxcheck/boxcheck
cmds=$("$bin" --help | awk '/^commands:/ { on = 1; next } on && !NF { exit } on { print $1 }')
n=0
for c in $cmds; do
	grep -q "^   boxcheck $c\$" "$out/boxcheck.1.txt" || fail "boxcheck(1) has no section for $c"
	usage=$("$bin" "$c" --help | head -n 1 | sed 's/^ *//')
	grep -qF -- "$usage" "$out/boxcheck.1.txt" || fail "boxcheck(1) lacks '$usage'"
	n=$((n + 1))
done

# 4. installed into a scratch root, run there
root=$out/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/tmp"
: >"$root/var/lib/dpkg/status"
dpkg --root="$root" --force-depends --force-script-chrootless -i "$deb" \
	>"$out/dpkg.log" 2>&1 || { cat "$out/dpkg.log"; fail "dpkg --root -i failed"; }
dpkg --root="$root" -s boxcheck | grep -q '^Status: install ok installed' ||
	fail "dpkg --root does not list boxcheck as installed"
[ "$(readlink -f "$root/usr/bin/boxcheck")" = "$root/usr/lib/boxcheck/boxcheck" ] ||
	fail "/usr/bin/boxcheck does not lead to /usr/lib/boxcheck/boxcheck"
# the libraries the dynamic binary needs, from the host
ldd "$root/usr/lib/boxcheck/boxcheck" | grep -oE '/[^ ]+' | while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
v=$(chroot "$root" /usr/bin/boxcheck --version) || fail "boxcheck --version fails in the root"
case $v in "boxcheck $version "*) ;; *) fail "boxcheck --version says '$v'" ;; esac
chroot "$root" /usr/bin/boxcheck list >"$out/list.txt" || fail "boxcheck list fails in the root"
want=$("$here/build/boxcheck" list 2>/dev/null | wc -l || true)
got=$(wc -l <"$out/list.txt")
[ "$got" -gt 0 ] || fail "boxcheck list in the root lists nothing"
[ -z "$want" ] || [ "$want" = 0 ] || [ "$got" = "$want" ] ||
	fail "boxcheck list in the root lists $got scenarios, this build $want"
chroot "$root" /usr/lib/boxcheck/boxcheck-static --version >/dev/null ||
	fail "the static agent does not run in the root"
t2=$(date +%s)
echo "check-package: ok: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB) built in" \
	"$((t1 - t0)) s; boxcheck(1) has all $n commands; in a scratch root:" \
	"'$v', $got scenarios listed ($((t2 - t0)) s in all)"
