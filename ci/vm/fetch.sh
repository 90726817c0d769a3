#!/usr/bin/env bash
# Fetch what a VM of ARCH boots: Debian's kernel (x86_64: cloud-amd64,
# aarch64: arm64, which carries the Raspberry Pi device trees too) and
# busybox-static of that architecture, unpacked into DIR/pkgs, and the guest
# packages in ci/vm/packages, unpacked into DIR/extra. Versions go to
# DIR/pkgs.versions and DIR/extra.versions. Usage: fetch.sh ARCH DIR CACHE
set -euo pipefail
. "$(dirname "$0")/debian.sh"

arch=$1 dir=$2 cache=$(realpath -m "$3")
a=$(deb_arch "$arch")
case "$arch" in
x86_64) meta=linux-image-cloud-amd64 ;;
aarch64) meta=linux-image-arm64 ;;
esac

rm -rf "$dir/pkgs" "$dir/pkgs.versions" "$dir/extra" "$dir/extra.versions"
kernel=$(deb_resolve "$a" "$cache" "$meta")
[ -n "$kernel" ] || { echo "vm: cannot resolve $meta ($a)" >&2; exit 1; }
deb_fetch "$a" "$cache" "$dir/pkgs" "$kernel" busybox-static
# shellcheck disable=SC2046
deb_fetch "$a" "$cache" "$dir/extra" $(sed 's/#.*//' "$(dirname "$0")/packages")
echo "vm: $arch: $(paste -sd, "$dir/pkgs.versions")"
