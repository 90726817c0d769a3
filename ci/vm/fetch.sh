#!/usr/bin/env bash
# Fetch what the VMs of ARCH boot, into a cache (ci/vm/debian.sh).
#   fetch.sh kernel ARCH KERNEL DIR CACHE
#       Debian's kernel KERNEL (a label of ci/vm/kernels) unpacked into
#       DIR/pkgs, its version in DIR/pkgs.versions: x86_64 cloud-amd64,
#       aarch64 arm64 (which carries the Raspberry Pi device trees too),
#       armhf armmp-lpae (Cortex-A7/A15 with LPAE: Pi 2/3/4 in 32-bit).
#   fetch.sh user ARCH DIR CACHE
#       from the host's release: busybox-static into DIR/busybox and the
#       packages of ci/vm/packages into DIR/extra (+ DIR/extra.versions).
set -euo pipefail
here=$(dirname "$0")
. "$here/debian.sh"

flavour() {
	case "$1" in
	x86_64) echo cloud-amd64 ;;
	aarch64) echo arm64 ;;
	armhf) echo armmp-lpae ;;
	*) echo "vm: no kernel flavour for '$1'" >&2; return 1 ;;
	esac
}

kernel() {
	local arch=$1 k=$2 dir=$3 cache=$4 a suite meta pkg
	a=$(deb_arch "$arch")
	suite=$(deb_kernel_suite "$k")
	meta=linux-image-$(flavour "$arch")
	rm -rf "$dir/pkgs" "$dir/pkgs.versions"
	# The newest the mirror serves (an index may name one it lacks).
	for pkg in $(deb_resolve "$a" "$suite" "$cache" "$meta"); do
		if deb_fetch "$a" "$suite" "$cache" "$dir/pkgs" "$pkg"; then
			echo "vm: $arch $k: $(cat "$dir/pkgs.versions") ($suite)"
			return 0
		fi
		echo "vm: warning: $pkg ($suite $a) could not be fetched; trying an older one" >&2
		rm -rf "$dir/pkgs" "$dir/pkgs.versions"
	done
	echo "vm: no package of $meta ($suite $a) could be fetched" >&2
	exit 1
}

user() {
	local arch=$1 dir=$2 cache=$3 a suite tmp pkg paths
	a=$(deb_arch "$arch")
	suite=$(deb_host_suite)
	rm -rf "$dir/extra" "$dir/extra.versions" "$dir/bb" "$dir/bb.versions"
	# shellcheck disable=SC2046 # the package names, one word each
	deb_download "$a" "$suite" "$cache" busybox-static \
		$(sed 's/#.*//' "$here/packages" | awk 'NF { print $1 }')
	deb_fetch "$a" "$suite" "$cache" "$dir/bb" busybox-static
	tmp=$(mktemp -d "$dir/.pick.XXXXXX")
	trap 'rm -rf "$tmp"' RETURN
	while read -r pkg paths; do
		if [ -z "$paths" ]; then
			deb_fetch "$a" "$suite" "$cache" "$dir/extra" "$pkg"
			continue
		fi
		# Only the named paths of this package.
		rm -rf "$tmp/x" "$tmp/x.versions"
		deb_fetch "$a" "$suite" "$cache" "$tmp/x" "$pkg"
		cat "$tmp/x.versions" >>"$dir/extra.versions"
		# shellcheck disable=SC2086 # PATH... is a list
		(cd "$tmp/x" && cp -a --parents $paths "$dir/extra/")
	done < <(sed 's/#.*//; /^[[:space:]]*$/d' "$here/packages")
	echo "vm: $arch userland ($suite): $(cat "$dir/bb.versions" "$dir/extra.versions" | wc -l) packages"
}

mode=${1:-}
[ $# -ge 1 ] && shift
case "$mode $#" in
"kernel 4") kernel "$1" "$2" "$(realpath -m "$3")" "$(realpath -m "$4")" ;;
"user 3") user "$1" "$(realpath -m "$2")" "$(realpath -m "$3")" ;;
*) echo "usage: fetch.sh kernel ARCH KERNEL DIR CACHE | user ARCH DIR CACHE" >&2; exit 2 ;;
esac
