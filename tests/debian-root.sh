#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A minimal Debian root for building against another release's kernel headers: Debian 13's
# headers need Debian 13's compiler (gcc-14) and kbuild, whose binaries do not run on Debian
# 12. Made once with debootstrap, cached, its package lists refreshed once a day
# (KERNELS_UPDATE=1: now); nothing of the machine's own apt configuration is touched.
#
#   tests/debian-root.sh RELEASE     print the root's path (e.g. for trixie), making it if missing
#
# The root is ${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon/roots/RELEASE; tests/kernels.sh installs
# kernel headers into it and tests/kbuild.sh builds modules in it.
set -eu

release=${1:?usage: tests/debian-root.sh RELEASE}
cache="${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon"
root="$cache/roots/$release"
mirror=http://deb.debian.org/debian
key=/usr/share/keyrings/debian-archive-keyring.gpg

[ "$(id -u)" -eq 0 ] || { echo "debian-root.sh: needs root (debootstrap, chroot)" >&2; exit 1; }

if [ ! -f "$root/.sysrqmon-root" ]; then
	mkdir -p "$cache/roots"
	tmp=$(mktemp -d "$cache/roots/.new.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	chmod 755 "$tmp"	# the root's /: apt's _apt user must reach its lists
	echo "debian-root.sh: debootstrap $release (a few minutes, once)" >&2
	debootstrap --variant=minbase --keyring="$key" \
		--include=gcc,make,libc6-dev,libelf-dev,dwarves,kmod,bc,xz-utils,ca-certificates \
		"$release" "$tmp" "$mirror" >"$tmp.log" 2>&1 || {
		tail -n 20 "$tmp.log" >&2
		rm -f "$tmp.log"
		exit 1
	}
	rm -f "$tmp.log"
	cat >"$tmp/etc/apt/sources.list" <<-EOF
	deb $mirror $release main
	deb $mirror $release-updates main
	deb http://deb.debian.org/debian-security $release-security main
	EOF
	touch "$tmp/.sysrqmon-root"
	mv "$tmp" "$root"
	trap - EXIT
	rm -f "$root/.sysrqmon-updated"
fi

if [ -z "$(find "$root" -maxdepth 1 -name .sysrqmon-updated -mmin -1440)" ] ||
   [ "${KERNELS_UPDATE:-0}" = 1 ]; then
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	if chroot "$root" apt-get -qq update >&2; then
		touch "$root/.sysrqmon-updated"
	else
		echo "debian-root.sh: apt-get update in $root failed, using older lists" >&2
	fi
fi
echo "$root"
