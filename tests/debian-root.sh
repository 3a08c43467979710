#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The cached Debian roots, ${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon/roots/NAME, made with
# debootstrap; nothing of the machine's own apt configuration is touched. Prints the root's path.
#
#   tests/debian-root.sh RELEASE         a root to build against RELEASE's kernel headers
#   tests/debian-root.sh host-RELEASE    the host root of tests/host.sh (docs/testing.md)
#
# RELEASE: Debian 13's headers need Debian 13's compiler (gcc-14) and kbuild, whose binaries do
# not run on Debian 12; tests/kernels.sh installs headers into it, tests/kbuild.sh builds there.
set -eu

name=${1:?usage: tests/debian-root.sh [host-]RELEASE}
release=${name#host-}
root="${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon/roots/$name"
mirror=http://deb.debian.org/debian

[ "$(id -u)" -eq 0 ] || { echo "debian-root.sh: needs root (debootstrap, chroot)" >&2; exit 1; }

# host_root: the host root's packages and settings; nothing starts in the chroot (auditd,
# node_exporter).
host_root() {
	cp /etc/resolv.conf "$tmp/etc/resolv.conf"
	printf '#!/bin/sh\nexit 101\n' | install -m 755 /dev/stdin "$tmp/usr/sbin/policy-rc.d"
	mount -t proc proc "$tmp/proc" || return
	chroot "$tmp" sh -c 'apt-get -qq update && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends initramfs-tools linux-image-amd64 \
		linux-headers-amd64 dkms auditd prometheus-node-exporter curl libnl-genl-3-200 \
		&& apt-get clean'
	rc=$?
	umount "$tmp/proc"
	rm -f "$tmp/usr/sbin/policy-rc.d"
	echo hostbox > "$tmp/etc/hostname"
	echo '/dev/vda / ext4 defaults 0 1' > "$tmp/etc/fstab"
	return $rc
}

# sources: the root's apt sources.list
sources() {
	printf 'deb %s main\n' "$mirror $release" "$mirror $release-updates" \
		"http://deb.debian.org/debian-security $release-security"
}
# make_root PACKAGES: debootstrap the root anew with PACKAGES (and host_root's for host-*).
make_root() {
	mkdir -p "$(dirname "$root")"
	tmp=$(mktemp -d "$(dirname "$root")/.new.XXXXXX")
	trap 'umount "$tmp/proc" 2>/dev/null || :; rm -rf "$tmp" "$tmp.log"' EXIT
	chmod 755 "$tmp"	# the root's /: apt's _apt user must reach its lists
	echo "debian-root.sh: debootstrap $name (several minutes)" >&2
	if ! { debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
		--include="$1" "$release" "$tmp" "$mirror" && sources > "$tmp/etc/apt/sources.list" &&
		{ [ "$name" = "$release" ] || host_root; }; } > "$tmp.log" 2>&1; then
		tail -n 20 "$tmp.log" >&2
		exit 1
	fi
	touch "$tmp/.sysrqmon-root"
	rm -rf "$root"
	mv "$tmp" "$root"
	rm -f "$tmp.log"
	trap - EXIT
}

# fresh [FIND-TESTS]: the root was made (FIND-TESTS: and is that recent)
fresh() { [ -n "$(find "$root/.sysrqmon-root" "$@" 2>/dev/null)" ]; }
case $name in
host-*)
	# Made again after 7 days (HOST_ROOT_REFRESH=1: now).
	{ [ "${HOST_ROOT_REFRESH:-0}" = 0 ] && fresh -mtime -7; } ||
		make_root systemd-sysv,udev,kmod,ca-certificates
	;;
*)
	fresh || make_root gcc,make,libc6-dev,libelf-dev,dwarves,kmod,bc,xz-utils,ca-certificates
	# Package lists refreshed once a day (KERNELS_UPDATE=1: now).
	if [ "${KERNELS_UPDATE:-0}" = 1 ] ||
		[ -z "$(find "$root" -maxdepth 1 -name .sysrqmon-updated -mmin -1440)" ]; then
		cp /etc/resolv.conf "$root/etc/resolv.conf"
		if chroot "$root" apt-get -qq update >&2; then
			touch "$root/.sysrqmon-updated"
		else
			echo "debian-root.sh: apt-get update in $root failed, using older lists" >&2
		fi
	fi
	;;
esac
echo "$root"
