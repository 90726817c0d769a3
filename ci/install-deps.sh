#!/usr/bin/env bash
# Install every build and test dependency of boxcheck from Debian's packages.
# Idempotent: when everything is present it only checks and returns.
# Usage: ci/install-deps.sh [GROUP...]   groups: build test runtimes vm report
#        sanitize valgrind lint package all
#        ci/install-deps.sh --list [GROUP...]   print the packages, one a
#        line, and install nothing (tests/deps-coverage.sh reads it)
# What each external command boxcheck and its make targets run comes from,
# and in which group: ci/commands (checked by `make deps-coverage`).
set -euo pipefail

declare -A GROUP=(
	[build]="build-essential dpkg-dev pkg-config git libcap-dev libpfm4-dev libjansson-dev libseccomp-dev"
	[test]="libcmocka-dev libxml2-utils perl iproute2 util-linux clang-format busybox-static jq python3-yaml"
	[runtimes]="hyperfine bubblewrap runc crun systemd-container lxc podman docker.io"
	[vm]="qemu-system-x86 qemu-system-arm gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf cpio xz-utils"
	[report]="gnuplot-nox chromium procps"
	[sanitize]="clang libclang-rt-14-dev"
	[valgrind]="valgrind"
	[lint]="clang-tidy cppcheck"
	[package]="dpkg-dev debhelper groff-base xz-utils"
)
ORDER="build test runtimes vm report sanitize valgrind lint package"

list=false
if [ "${1:-}" = --list ]; then
	list=true
	shift
fi
want=()
groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(all)
for g in "${groups[@]}"; do
	if [ "$g" = all ]; then
		for o in $ORDER; do want+=(${GROUP[$o]}); done
	elif [ -n "${GROUP[$g]:-}" ]; then
		want+=(${GROUP[$g]})
	else
		echo "install-deps: unknown group '$g' (known: $ORDER all)" >&2
		exit 2
	fi
done
if $list; then
	printf '%s\n' "${want[@]}"
	exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: not a Debian-based host; install these yourself:" >&2
	printf '  %s\n' "${want[@]}" >&2
	exit 2
fi

missing=()
for p in "${want[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages and not root: ${missing[*]}" >&2
	exit 2
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# apt may be busy (another install, unattended upgrades): wait for its lock.
lock=(-o DPkg::Lock::Timeout=600)
echo "install-deps: apt-get update"
apt-get "${lock[@]}" update -qq
# How far: one line per package set up, out of all apt will install.
n=$(apt-get -s install --no-install-recommends "${missing[@]}" 2>/dev/null |
	grep -c '^Inst ' || true)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
apt-get "${lock[@]}" install -y -q --no-install-recommends "${missing[@]}" \
	2>&1 | tee "$log" | awk -v n="$n" '/^Setting up / {
		printf "install-deps: %d/%d %s\n", ++k, n, $3; fflush() }'
st=${PIPESTATUS[0]}
set -e
if [ "$st" -ne 0 ]; then
	tail -n 20 "$log" >&2
	echo "install-deps: apt-get install failed (exit $st)" >&2
	exit 1
fi
