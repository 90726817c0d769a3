#!/usr/bin/env bash
# Pack the guest's initramfs: busybox, the static boxcheck, the packages of
# ci/vm/packages, the modules in ci/vm/modules with their dependencies (of
# the kernel in KDIR, decompressed: busybox's insmod takes plain .ko), and
# ci/vm/init. The kernel's release goes to KDIR/kernel-release.
# Usage: mkinitramfs.sh USERDIR KDIR BOXCHECK OUT
#   USERDIR holds bb/ and extra/ (fetch.sh user), KDIR pkgs/ (fetch.sh kernel)
set -euo pipefail

here=$(dirname "$0")
user=$1 kdir=$2 boxcheck=$3 out=$(realpath -m "$4")
pkgs=$kdir/pkgs
mods=$({ ls -d "$pkgs"/lib/modules/*/ "$pkgs"/usr/lib/modules/*/ 2>/dev/null || true; } | head -n1)
mods=${mods%/}
kver=$(basename "$mods")
[ -n "$kver" ] || { echo "vm: no modules in $pkgs" >&2; exit 1; }

root=$(mktemp -d "${out}.root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,etc,newroot,lib/modules/"$kver"}
cp "$user/bb/bin/busybox" "$root/bin/busybox"
cp "$boxcheck" "$root/bin/boxcheck"
install -m 0755 "$here/init" "$root/init"
cp "$mods/modules.builtin" "$root/lib/modules/$kver/"
cat "$kdir/pkgs.versions" "$user/bb.versions" "$user/extra.versions" \
	>"$root/etc/boxcheck-vm-packages"

# ci/vm/packages: programs and shared libraries (no docs, locales, gconv).
(cd "$user/extra" && find $(ls -d bin sbin usr/bin usr/sbin lib lib64 usr/lib 2>/dev/null) \
	\( -name gconv -o -name '*.a' -o -name audit \) -prune -o \
	\( -type f -o -type l \) -print 2>/dev/null | cpio -pdm --quiet "$root")

# Dependencies first, as modules.dep lists them (the last is loaded first).
# Names may end in .ko.xz or .ko.gz; the initramfs holds them as .ko.
dep=$mods/modules.dep
[ -s "$dep" ] || busybox depmod -b "${mods%/lib/modules/*}" "$kver"
[ -s "$dep" ] || { echo "vm: no modules.dep in $mods" >&2; exit 1; }
order=$root/lib/modules/$kver/load-order
: >"$order"
sed 's/#.*//' "$here/modules" | while read -r m; do
	[ -n "$m" ] || continue
	line=$(grep -E "(^|/)$m\.ko(\.xz|\.zst|\.gz)?:" "$dep" || true)
	if [ -z "$line" ]; then
		grep -qE "(^|/)$m\.ko(\.xz|\.zst|\.gz)?$" "$mods/modules.builtin" && continue
		echo "vm: module $m is neither in modules.dep nor built in ($kver)" >&2
		exit 1
	fi
	for f in $(echo "${line#*:}" | tr ' ' '\n' | tac) "${line%%:*}"; do
		ko=${f%.xz}
		ko=${ko%.zst}
		ko=${ko%.gz}
		grep -qx "$ko" "$order" && continue
		mkdir -p "$root/lib/modules/$kver/$(dirname "$f")"
		case "$f" in
		*.xz)
			xz -dc "$mods/$f" >"$root/lib/modules/$kver/$ko"
			;;
		*.zst) echo "vm: $f: zstd modules are not handled" >&2; exit 1 ;;
		*.gz) gzip -dc "$mods/$f" >"$root/lib/modules/$kver/$ko" ;;
		*) cp "$mods/$f" "$root/lib/modules/$kver/$ko" ;;
		esac
		echo "$ko" >>"$order"
	done
done

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
	gzip -6 >"$out.tmp"
mv "$out.tmp" "$out"
echo "$kver" >"$kdir/kernel-release"
