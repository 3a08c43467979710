#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The cached Debian roots, made with debootstrap; nothing of the machine's own apt
# configuration is touched.
#
#   tests/debian-root.sh RELEASE         print the root's path (e.g. for trixie), making it if missing
#   tests/debian-root.sh host-RELEASE    the same for the host root of tests/host.sh
#
# RELEASE: a minimal root for building against another release's kernel headers: Debian 13's
# headers need Debian 13's compiler (gcc-14) and kbuild, whose binaries do not run on Debian
# 12. Made once, its package lists refreshed once a day (KERNELS_UPDATE=1: now);
# tests/kernels.sh installs kernel headers into it and tests/kbuild.sh builds modules in it.
# host-RELEASE: minimal Debian with systemd, the release's kernel and headers metapackages
# (whatever ABI they point at today), dkms, auditd, node_exporter, curl; root logged in on
# ttyS0 without a password prompt. Made again after 7 days (HOST_ROOT_REFRESH=1: now).
# The roots are ${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon/roots/NAME.
set -eu

name=${1:?usage: tests/debian-root.sh [host-]RELEASE}
release=${name#host-}
cache="${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon"
root="$cache/roots/$name"
mirror=http://deb.debian.org/debian

[ "$(id -u)" -eq 0 ] || { echo "debian-root.sh: needs root (debootstrap, chroot)" >&2; exit 1; }

# host_root: the host root's packages and settings; nothing starts in the chroot (auditd,
# node_exporter).
host_root() {
	cp /etc/resolv.conf "$tmp/etc/resolv.conf"
	printf '#!/bin/sh\nexit 101\n' > "$tmp/usr/sbin/policy-rc.d"
	chmod 755 "$tmp/usr/sbin/policy-rc.d"
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
	mkdir -p "$tmp/etc/systemd/system/serial-getty@ttyS0.service.d"
	cat > "$tmp/etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf" <<-'UNIT'
	[Service]
	ExecStart=
	ExecStart=-/sbin/agetty --autologin root --noclear --keep-baud 115200,38400,9600 %I $TERM
	UNIT
	return $rc
}

make=0
[ -f "$root/.sysrqmon-root" ] || make=1
case $name in
host-*)
	include=systemd-sysv,udev,kmod,ca-certificates
	if [ "${HOST_ROOT_REFRESH:-0}" = 1 ] || [ -z "$(find "$root/.sysrqmon-root" -mtime -7 2>/dev/null)" ]; then
		make=1
	fi
	;;
*) include=gcc,make,libc6-dev,libelf-dev,dwarves,kmod,bc,xz-utils,ca-certificates ;;
esac

if [ "$make" = 1 ]; then
	mkdir -p "$cache/roots"
	tmp=$(mktemp -d "$cache/roots/.new.XXXXXX")
	trap 'umount "$tmp/proc" 2>/dev/null; rm -rf "$tmp" "$tmp.log"' EXIT
	chmod 755 "$tmp"	# the root's /: apt's _apt user must reach its lists
	echo "debian-root.sh: debootstrap $name (several minutes)" >&2
	if ! debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
		--include="$include" "$release" "$tmp" "$mirror" > "$tmp.log" 2>&1; then
		tail -n 20 "$tmp.log" >&2
		exit 1
	fi
	cat >"$tmp/etc/apt/sources.list" <<-EOF
	deb $mirror $release main
	deb $mirror $release-updates main
	deb http://deb.debian.org/debian-security $release-security main
	EOF
	case $name in
	host-*) host_root >> "$tmp.log" 2>&1 || { tail -n 20 "$tmp.log" >&2; exit 1; } ;;
	esac
	touch "$tmp/.sysrqmon-root"
	rm -rf "$root"
	mv "$tmp" "$root"
	rm -f "$tmp.log" "$root/.sysrqmon-updated"
	trap - EXIT
fi

case $name in
host-*) ;;
*)
	if [ -z "$(find "$root" -maxdepth 1 -name .sysrqmon-updated -mmin -1440)" ] ||
	   [ "${KERNELS_UPDATE:-0}" = 1 ]; then
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
