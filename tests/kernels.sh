#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Debian kernels other than the installed one, for building and booting, fetched with a private
# apt state (bookworm) or into a Debian root (trixie); never installs anything on this machine
# and never touches its apt configuration (docs/contract.md, "Build").
#
#   tests/kernels.sh kdir [META [RELEASE]]   print the KDIR of META's current ABI (default
#                                            linux-headers-6.12-amd64 bookworm), fetching it
#   tests/kernels.sh apt-get|apt-cache ARGS  apt with the private state
set -eu

cache="${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon"
state="$cache/apt/bookworm"

# The private apt state; /root is not readable by apt's _apt user, hence root.
apt_opts() {
	echo "-o Dir::Etc::sourcelist=$state/sources.list" \
		"-o Dir::Etc::sourceparts=/nonexistent -o Dir::State::Lists=$state/lists" \
		"-o Dir::Cache=$state/cache -o APT::Sandbox::User=root"
}

apt_update() {
	mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
	key=/usr/share/keyrings/debian-archive-keyring.gpg
	# A file of this process's own, renamed into place: smokes fetch two kernels at once.
	cat >"$state/sources.list.$$" <<-EOF
	deb [signed-by=$key] http://deb.debian.org/debian bookworm main
	deb [signed-by=$key] http://deb.debian.org/debian-security bookworm-security main
	EOF
	mv "$state/sources.list.$$" "$state/sources.list"
	fresh=$(find "$state" -maxdepth 1 -name updated -mmin -1440)
	[ -z "$fresh" ] || [ "${KERNELS_UPDATE:-0}" = 1 ] || return 0
	# shellcheck disable=SC2046
	if apt-get $(apt_opts) -qq update >&2; then
		touch "$state/updated"
	elif [ -f "$state/updated" ]; then
		echo "kernels.sh: apt-get update failed, using the lists of $(date -r "$state/updated")" >&2
	else
		return 1
	fi
}

# depends PACKAGE PATTERN: the first dependency of PACKAGE whose name matches PATTERN, in the
# private apt state or, with IN_ROOT set, in that root.
depends() {
	# shellcheck disable=SC2046
	${IN_ROOT:+chroot "$IN_ROOT"} apt-cache $([ -n "${IN_ROOT:-}" ] || apt_opts) depends "$1" |
		sed -n 's/^ *|\{0,1\}Depends: \([^ <]*\)$/\1/p' | grep -m 1 -x "$2"
}

# newdir: $tmp, a new directory in the kernels' cache, removed at exit.
newdir() {
	mkdir -p "$cache/kernels"
	tmp=$(mktemp -d "$cache/kernels/.dl.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
}

kdir() {
	meta=${1:-linux-headers-6.12-amd64} root=
	if [ "${2:-bookworm}" = bookworm ]; then
		apt_update
	else
		root=$("$(dirname "$0")/debian-root.sh" "$2")
	fi
	headers=$(IN_ROOT=$root depends "$meta" 'linux-headers-.*') || {
		echo "kernels.sh: $meta depends on no linux-headers package${root:+ in $2}" >&2
		return 1
	}
	rel=${headers#linux-headers-}
	dest="$cache/kernels/$rel"
	kdir="${root:-$dest}/usr/src/$headers"
	if [ -n "$root" ]; then
		if [ ! -f "$kdir/.sysrqmon-ready" ]; then
			DEBIAN_FRONTEND=noninteractive chroot "$root" \
				apt-get install -y -qq --no-install-recommends "$headers" >&2
			touch "$kdir/.sysrqmon-ready"
		fi
		# The headers depend on their image, so the root has it: the QEMU tests boot it.
		if [ ! -f "$dest/boot/vmlinuz-$rel" ]; then
			newdir
			mkdir -p "$tmp/root/boot" "$tmp/root/lib/modules"
			cp "$root/boot/vmlinuz-$rel" "$root/boot/config-$rel" "$tmp/root/boot/"
			cp -r "$root/lib/modules/$rel" "$tmp/root/lib/modules/"
			rm -rf "$dest"
			mv "$tmp/root" "$dest"
		fi
	elif [ ! -f "$kdir/.sysrqmon-ready" ]; then
		# The rt flavour's common headers are linux-headers-VERSION-common-rt.
		common=$(depends "$headers" 'linux-headers-.*-common\(-rt\)\{0,1\}')
		kbuild=$(depends "$headers" 'linux-kbuild-.*')
		image=$(depends "$(echo "$meta" | sed 's/^linux-headers-/linux-image-/')" \
			"linux-image-$rel\(-unsigned\)\{0,1\}") || image=linux-image-$rel

		newdir
		# shellcheck disable=SC2046
		(cd "$tmp" && apt-get $(apt_opts) -qq download "$image" "$headers" "$common" \
			"$kbuild" >&2)
		for deb in "$tmp"/*.deb; do
			dpkg-deb -x "$deb" "$tmp/root"
		done
		# "include /usr/src/linux-headers-REL-common/Makefile", and the like.
		sed -i "s|^include /usr/src/|include $dest/usr/src/|" "$tmp/root/usr/src/$headers/Makefile"
		touch "$tmp/root/usr/src/$headers/.sysrqmon-ready"
		rm -rf "$dest"
		mv "$tmp/root" "$dest"
	fi
	echo "$kdir"
}

cmd=${1:-}
[ $# -eq 0 ] || shift
case $cmd in
kdir)
	kdir "$@"
	;;
apt-get | apt-cache)
	apt_update
	# shellcheck disable=SC2046
	exec "$cmd" $(apt_opts) "$@"
	;;
*)
	echo "usage: tests/kernels.sh kdir [META [RELEASE]] | apt-get ARGS | apt-cache ARGS" >&2
	exit 2
	;;
esac
