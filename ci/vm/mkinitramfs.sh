#!/usr/bin/env bash
# Pack the guest's initramfs: busybox, the static boxcheck, the modules in
# ci/vm/modules with their dependencies, and ci/vm/init.
# Usage: mkinitramfs.sh DIR BOXCHECK OUT   (DIR holds pkgs/ from fetch.sh)
set -euo pipefail

here=$(dirname "$0")
dir=$1 boxcheck=$2 out=$(realpath -m "$3")
pkgs=$dir/pkgs
kver=$(basename "$(ls -d "$pkgs"/lib/modules/*/ | head -n1)")
mods=$pkgs/lib/modules/$kver

[ -s "$mods/modules.dep" ] || busybox depmod -b "$pkgs" "$kver"

root=$(mktemp -d "${out}.root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,etc,newroot,lib/modules/"$kver"}
cp "$pkgs/bin/busybox" "$root/bin/busybox"
cp "$boxcheck" "$root/bin/boxcheck"
install -m 0755 "$here/init" "$root/init"
cp "$mods/modules.builtin" "$root/lib/modules/$kver/"
cat "$dir/pkgs.versions" "$dir/extra.versions" >"$root/etc/boxcheck-vm-packages"

# ci/vm/packages: programs and shared libraries (no docs, locales, gconv).
(cd "$dir/extra" && find $(ls -d bin sbin usr/bin usr/sbin lib lib64 usr/lib 2>/dev/null) \
	\( -name gconv -o -name '*.a' -o -name audit \) -prune -o \
	\( -type f -o -type l \) -print 2>/dev/null | cpio -pdm --quiet "$root")

# Dependencies first, as modules.dep lists them (the last is loaded first).
order=$root/lib/modules/$kver/load-order
: >"$order"
sed 's/#.*//' "$here/modules" | while read -r m; do
	[ -n "$m" ] || continue
	line=$(grep -E "(^|/)$m\.ko:" "$mods/modules.dep" || true)
	if [ -z "$line" ]; then
		grep -qE "(^|/)$m\.ko$" "$mods/modules.builtin" && continue
		echo "vm: module $m is neither in modules.dep nor built in ($kver)" >&2
		exit 1
	fi
	for f in $(echo "${line#*:}" | tr ' ' '\n' | tac) "${line%%:*}"; do
		grep -qx "$f" "$order" && continue
		mkdir -p "$root/lib/modules/$kver/$(dirname "$f")"
		cp "$mods/$f" "$root/lib/modules/$kver/$f"
		echo "$f" >>"$order"
	done
done

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
	gzip -6 >"$out.tmp"
mv "$out.tmp" "$out"
echo "$kver" >"$dir/kernel-release"
