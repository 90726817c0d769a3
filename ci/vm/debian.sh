# shellcheck shell=bash
# Sourced by the ci/vm scripts: download Debian packages of any architecture
# and suite into a cache without touching the host's apt state, sources or
# dpkg architectures. Each (suite, architecture) has an apt state of its own
# under CACHE/apt-SUITE-DEBARCH: its own lists (Dir::State::Lists) and its
# own sources list (Dir::Etc::SourceList) naming that suite only.
#   deb_arch ARCH          x86_64 -> amd64, aarch64 -> arm64, armhf -> armhf
#   deb_host_suite         the host's release (userland and sysroots)
#   deb_kernel_suite K     5.10 -> bullseye ... (ci/vm/kernels)
#   deb_resolve DEBARCH SUITE CACHE META [PREFIX]
#                          the packages a metapackage's versions depend on,
#                          newest first
#   deb_download DEBARCH SUITE CACHE PKG...
#                          download into the cache what it lacks
#   deb_fetch DEBARCH SUITE CACHE DEST PKG...
#                          download (cached) and dpkg -x into DEST,
#                          appending "package version arch" to DEST.versions

deb_arch() {
	case "$1" in
	x86_64 | amd64) echo amd64 ;;
	aarch64 | arm64) echo arm64 ;;
	armhf | arm) echo armhf ;;
	*) echo "unsupported architecture '$1'" >&2; return 1 ;;
	esac
}

deb_host_suite() {
	local codename
	codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	echo "${codename:-bookworm}"
}

deb_kernel_suite() {
	local s
	s=$(awk -v k="$1" '$1 == k { print $2 }' "$(dirname "${BASH_SOURCE[0]}")/kernels")
	[ -n "$s" ] || { echo "vm: kernel '$1' is not in ci/vm/kernels" >&2; return 1; }
	echo "$s"
}

# One suite's lines; the mirrors can be overridden for CI caches. A
# backports suite is only itself (its packages are opt-in by nature).
_deb_sources() {
	local suite=$1 mirror=${VM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
	local security=${VM_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
	printf 'deb %s %s main\n' "$mirror" "$suite"
	case "$suite" in
	*-backports) ;;
	*) printf 'deb %s %s-updates main\n' "$mirror" "$suite"
	   printf 'deb %s %s-security main\n' "$security" "$suite" ;;
	esac
}

# apt options for one architecture and suite, state under CACHE.
_deb_opts() {
	local a=$1 c=$3/apt-$2-$1
	echo "-q -oAPT::Architecture=$a -oAPT::Architectures=$a" \
		"-oDir::State::Lists=$c/lists -oDir::Cache=$c/cache" \
		"-oDir::State::status=/dev/null -oDir::Etc::SourceList=$c/sources.list" \
		"-oDir::Etc::SourceParts=$c/sources.list.d -oAPT::Sandbox::User=root" \
		"-oAcquire::Languages=none"
}

_deb_update() {
	local a=$1 suite=$2 c=$3/apt-$2-$1
	mkdir -p "$c/lists/partial" "$c/cache/archives/partial" "$c/sources.list.d"
	_deb_sources "$suite" >"$c/sources.list"
	echo "vm: apt-get update ($suite $a)" >&2
	# shellcheck disable=SC2046
	apt-get $(_deb_opts "$a" "$suite" "$3") -oAcquire::Retries=2 update >/dev/null && return 0
	# A mirror (or a cache before it) caught mid-sync fails one index: go on
	# with the others when the suite's own main index came.
	if ls "$c"/lists/*_dists_"${suite}"_main_binary-"${a}"_Packages* >/dev/null 2>&1; then
		echo "vm: warning: apt-get update ($suite $a) failed for an index; using the others" >&2
		return 0
	fi
	return 1
}

_deb_ready() {
	[ -d "$3/apt-$2-$1/lists/partial" ] || _deb_update "$1" "$2" "$3"
}

# One user of an apt state at a time (make -j fetches arches and kernels in
# parallel; apt's own lock fails rather than waits). Held until the
# (sub)shell that took it exits.
_deb_lock() {
	mkdir -p "$3"
	exec {_deb_fd}>"$3/apt-$2-$1.lock"
	flock "$_deb_fd"
}

# Resolve a metapackage (linux-image-arm64) to the packages its versions
# depend on, newest first (the suite's security update, then the point
# release's: a fallback when the mirror lacks the newest).
deb_resolve() (
	local a=$1 suite=$2 cache=$3 pkg=$4
	_deb_lock "$a" "$suite" "$cache"
	_deb_ready "$a" "$suite" "$cache" || return 1
	# shellcheck disable=SC2046
	apt-cache $(_deb_opts "$a" "$suite" "$cache") show "$pkg" |
		awk -v p="${5:-linux-image-}" '$1 == "Depends:" {
			for (i = 2; i <= NF; i++) { d = $i; sub(/,$/, "", d)
				if (index(d, p) == 1) { print d; break } } }' |
		sort -uVr
)

_deb_download() {
	local a=$1 suite=$2 cache=$3 dir=$4
	shift 4
	# shellcheck disable=SC2046
	(cd "$dir" && apt-get $(_deb_opts "$a" "$suite" "$cache") download "$@" >/dev/null)
}

_deb_file() {
	{ ls -t "$2/${3}_"*"_$1.deb" "$2/${3}_"*"_all.deb" 2>/dev/null || true; } | head -n1
}

# The .debs of PKG... not in the cache yet, in one apt-get run (each run
# loads the suite's whole package index: about a second of cpu).
deb_download() (
	local a=$1 suite=$2 cache=$3 dir=$3/debs-$1 p missing=()
	shift 3
	_deb_lock "$a" "$suite" "$cache"
	mkdir -p "$dir"
	for p in "$@"; do
		[ -n "$(_deb_file "$a" "$dir" "$p")" ] || missing+=("$p")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	_deb_ready "$a" "$suite" "$cache" || return 1
	# Stale lists name versions the mirror no longer has: refresh, retry.
	_deb_download "$a" "$suite" "$cache" "$dir" "${missing[@]}" 2>/dev/null ||
		{ _deb_update "$a" "$suite" "$cache" &&
			_deb_download "$a" "$suite" "$cache" "$dir" "${missing[@]}"; }
)

deb_fetch() (
	local a=$1 suite=$2 cache=$3 dest=$4 dir=$3/debs-$1 p f
	shift 4
	deb_download "$a" "$suite" "$cache" "$@" || return 1
	_deb_lock "$a" "$suite" "$cache"
	mkdir -p "$dest"
	for p in "$@"; do
		f=$(_deb_file "$a" "$dir" "$p")
		[ -n "$f" ] || { echo "vm: no .deb for $p ($suite $a)" >&2; return 1; }
		dpkg -x "$f" "$dest"
		dpkg-deb -W --showformat='${Package} ${Version} ${Architecture}\n' "$f" >>"$dest.versions"
	done
)
