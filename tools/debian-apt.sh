# Sourced: apt on a private sources list and state, to download packages
# of any Debian suite and architecture without touching the machine's apt
# configuration, lists or cache.  apt checks the suite's InRelease against
# Debian's archive keyring and each .deb against the signed Packages index
# when it downloads.
# usage: debian_apt_init DIR SUITE ARCH   (once; runs apt-get update when
#        DIR has no lists yet)
#        debian_apt apt-get|apt-cache ARGS...
#        debian_apt_download DEST PKG...   (.debs into DEST)

# The archive the machine's own Debian sources use (read, not changed).
debian_archive_uri() {
	local uri
	uri=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null |
		grep -v security | head -n 1)
	echo "${uri:-http://deb.debian.org/debian}"
}

debian_apt_init() {
	mkdir -p "$1" && DEBIAN_APT_DIR=$(cd "$1" && pwd) || return 1
	local suite=$2 arch=$3 keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	case $arch in
	x86-64|amd64) DEBIAN_APT_ARCH=amd64 ;;
	arm64|aarch64) DEBIAN_APT_ARCH=arm64 ;;
	*) echo "debian-apt: unknown architecture $arch" >&2; return 1 ;;
	esac
	# Empty parts directories: no other sources, no pins of the machine.
	mkdir -p "$DEBIAN_APT_DIR"/lists/partial "$DEBIAN_APT_DIR"/cache/archives/partial \
		"$DEBIAN_APT_DIR"/sources.list.d "$DEBIAN_APT_DIR"/preferences.d
	: >"$DEBIAN_APT_DIR/status"
	echo "deb [arch=$DEBIAN_APT_ARCH signed-by=$keyring] $(debian_archive_uri) $suite main" \
		>"$DEBIAN_APT_DIR/sources.list"
	if ! ls "$DEBIAN_APT_DIR"/lists/*_Packages* >/dev/null 2>&1; then
		echo "debian-apt: apt-get update for $suite ($DEBIAN_APT_ARCH) in $DEBIAN_APT_DIR" >&2
		debian_apt apt-get -qq update >&2 || return 1
	fi
}

debian_apt() {
	local cmd=$1
	shift
	"$cmd" -o Dir::Etc::sourcelist="$DEBIAN_APT_DIR/sources.list" \
		-o Dir::Etc::sourceparts="$DEBIAN_APT_DIR/sources.list.d" \
		-o Dir::Etc::preferences="$DEBIAN_APT_DIR/preferences" \
		-o Dir::Etc::preferencesparts="$DEBIAN_APT_DIR/preferences.d" \
		-o Dir::State::Lists="$DEBIAN_APT_DIR/lists" \
		-o Dir::State::status="$DEBIAN_APT_DIR/status" \
		-o Dir::Cache="$DEBIAN_APT_DIR/cache" \
		-o APT::Architecture="$DEBIAN_APT_ARCH" \
		-o APT::Architectures::="$DEBIAN_APT_ARCH" \
		"$@"
}

# debian_apt_depends PKG: the linux-image-* a metapackage depends on.
debian_apt_depends() {
	debian_apt apt-cache depends "$1" 2>/dev/null |
		awk -v pat="$2" '$1 == "Depends:" && $2 ~ pat { print $2; exit }'
}

debian_apt_download() {
	local dest=$1
	shift
	mkdir -p "$dest"
	# apt drops to user _apt for downloads: a directory it can write
	# avoids the "unsandboxed" warning.
	chmod 777 "$dest"
	(cd "$dest" && debian_apt apt-get -qq download "$@" >&2)
}
