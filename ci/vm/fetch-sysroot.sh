#!/usr/bin/env bash
# A sysroot for cross-linking a static boxcheck: libc's and the -dev packages
# boxcheck links (libcap, libseccomp, libpfm4, jansson) of ARCH from the
# host's release, unpacked into DIR. Usage: fetch-sysroot.sh ARCH DIR CACHE
set -euo pipefail
. "$(dirname "$0")/debian.sh"

arch=$1 dir=$2 cache=$(realpath -m "$3")
rm -rf "$dir" "$dir.versions"
deb_fetch "$(deb_arch "$arch")" "$(deb_host_suite)" "$cache" "$dir" \
	libc6 libc6-dev linux-libc-dev libcrypt-dev \
	libcap2 libcap-dev libpfm4 libpfm4-dev libjansson4 libjansson-dev \
	libseccomp2 libseccomp-dev
echo "vm: sysroot $arch: $(wc -l <"$dir.versions") packages"
