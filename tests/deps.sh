#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the build and the tests need, when missing.
set -eu

packages="gcc make pkg-config python3 cpio xz-utils kmod iproute2
	linux-headers-amd64 linux-source-6.1 qemu-system-x86 busybox-static
	libnl-genl-3-dev libsystemd-dev liburing-dev dkms sparse systemd
	systemd-journal-remote prometheus flex bison bc libelf-dev
	dpkg-dev debhelper dh-dkms lintian"

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages; run as root or install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
