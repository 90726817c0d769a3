# Sourced by the ci/vm scripts: download Debian packages of any architecture
# into a cache without touching the host's apt state or dpkg architectures.
#   deb_arch ARCH                    x86_64 -> amd64, aarch64 -> arm64
#   deb_fetch DEBARCH CACHE DEST PKG...   download (cached) and dpkg -x into DEST,
#                                    appending "package version arch" to DEST.versions

deb_arch() {
	case "$1" in
	x86_64 | amd64) echo amd64 ;;
	aarch64 | arm64) echo arm64 ;;
	*) echo "unsupported architecture '$1'" >&2; return 1 ;;
	esac
}

# The host's Debian release; the mirror can be overridden for CI caches.
_deb_sources() {
	local codename mirror=${VM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
	local security=${VM_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
	codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	codename=${codename:-bookworm}
	printf 'deb %s %s main\n' "$mirror" "$codename" "$mirror" "$codename-updates"
	printf 'deb %s %s-security main\n' "$security" "$codename"
}

# apt options for one architecture with its own lists and cache under CACHE.
_deb_opts() {
	local a=$1 c=$2/apt-$1
	echo "-q -oAPT::Architecture=$a -oAPT::Architectures=$a" \
		"-oDir::State::Lists=$c/lists -oDir::Cache=$c/cache" \
		"-oDir::State::status=/dev/null -oDir::Etc::SourceList=$c/sources.list" \
		"-oDir::Etc::SourceParts=$c/sources.list.d -oAPT::Sandbox::User=root"
}

_deb_update() {
	local a=$1 c=$2/apt-$1
	mkdir -p "$c/lists/partial" "$c/cache/archives/partial" "$c/sources.list.d"
	_deb_sources >"$c/sources.list"
	echo "vm: apt-get update ($a)" >&2
	# shellcheck disable=SC2046
	apt-get $(_deb_opts "$a" "$2") update >/dev/null
}

# Resolve a metapackage (linux-image-arm64) to the package it depends on.
deb_resolve() {
	local a=$1 cache=$2 pkg=$3
	[ -d "$cache/apt-$a/lists/partial" ] || _deb_update "$a" "$cache"
	# shellcheck disable=SC2046
	apt-cache $(_deb_opts "$a" "$cache") depends "$pkg" |
		awk -v p="${4:-linux-image-}" '$1 == "Depends:" && index($2, p) == 1 { print $2; exit }'
}

_deb_download() {
	local a=$1 cache=$2 dir=$3
	shift 3
	# shellcheck disable=SC2046
	(cd "$dir" && apt-get $(_deb_opts "$a" "$cache") download "$@" >/dev/null)
}

_deb_file() {
	{ ls -t "$2/${3}_"*"_$1.deb" "$2/${3}_"*"_all.deb" 2>/dev/null || true; } | head -n1
}

deb_fetch() {
	local a=$1 cache=$2 dest=$3 dir=$2/debs-$1 p f missing=()
	shift 3
	mkdir -p "$dir" "$dest"
	for p in "$@"; do
		[ -n "$(_deb_file "$a" "$dir" "$p")" ] || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		[ -d "$cache/apt-$a/lists/partial" ] || _deb_update "$a" "$cache"
		# Stale lists name versions the mirror no longer has: refresh, retry.
		_deb_download "$a" "$cache" "$dir" "${missing[@]}" 2>/dev/null ||
			{ _deb_update "$a" "$cache" &&
				_deb_download "$a" "$cache" "$dir" "${missing[@]}"; }
	fi
	for p in "$@"; do
		f=$(_deb_file "$a" "$dir" "$p")
		[ -n "$f" ] || { echo "vm: no .deb for $p ($a)" >&2; return 1; }
		dpkg -x "$f" "$dest"
		dpkg-deb -W --showformat='${Package} ${Version} ${Architecture}\n' "$f" >>"$dest.versions"
	done
}
