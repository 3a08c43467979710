#!/bin/sh
# get-kernel.sh [RELEASE]
#
# Fetch Debian's linux-image-RELEASE (e.g. 6.1.0-56-amd64) into a per-user cache and print the
# path of its vmlinuz on stdout. Idempotent: a cached kernel is reused without network access.
# Never installs anything: `apt-get download` + `dpkg-deb -x` into
#   ${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon/kernels/RELEASE/
#
# RELEASE defaults to the release of the headers in $KDIR (or the newest
# /usr/src/linux-headers-*-amd64), read from include/generated/utsrelease.h. (Debian's
# include/config/kernel.release holds the upstream version, e.g. 6.1.192, not the package name.)
set -eu

cache="${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon/kernels"
here=$(cd "$(dirname "$0")" && pwd)

rel="${1:-}"
if [ -z "$rel" ]; then
	kdir="${KDIR:-}"
	if [ -z "$kdir" ]; then
		kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
	fi
	if [ -z "$kdir" ] || [ ! -f "$kdir/include/generated/utsrelease.h" ]; then
		echo "get-kernel.sh: no RELEASE given and no kernel headers found (set KDIR)" >&2
		exit 1
	fi
	rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$kdir/include/generated/utsrelease.h")
fi

dest="$cache/$rel"
vmlinuz="$dest/boot/vmlinuz-$rel"
if [ -f "$vmlinuz" ]; then
	echo "$vmlinuz"
	exit 0
fi

mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"    # apt's _apt sandbox user must be able to write the download here
(
	cd "$tmp"
	# The signed package and the -unsigned one carry the same vmlinuz contents for our purpose.
	# The machine's apt first, then tests/kernels.sh's private lists (bookworm and
	# bookworm-security, refreshed daily), which know the 6.12 kernels too.
	download() {
		"$@" download "linux-image-$rel" >&2 2>&1 ||
			"$@" download "linux-image-$rel-unsigned" >&2 2>&1
	}
	download apt-get || download "$here/../kernels.sh" apt-get || {
		echo "get-kernel.sh: cannot download linux-image-$rel (Debian drops superseded ABIs" \
			"from the archive: rebuild the module against current headers)" >&2
		exit 1
	}
)
deb=$(ls "$tmp"/*.deb | head -n 1)
dpkg-deb -x "$deb" "$tmp/root"
if [ ! -f "$tmp/root/boot/vmlinuz-$rel" ]; then
	echo "get-kernel.sh: $deb has no boot/vmlinuz-$rel" >&2
	exit 1
fi
rm -rf "$dest"
mv "$tmp/root" "$dest"
echo "$vmlinuz"
