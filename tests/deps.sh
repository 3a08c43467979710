#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the build and the tests need, when missing.
# DEPS_PACKAGES replaces the list (tests/fresh.sh: what `make build` needs).
set -eu

packages=${DEPS_PACKAGES:-"gcc make pkg-config python3 cpio xz-utils kmod iproute2
	linux-headers-amd64 linux-source-6.1 linux-source-6.12 qemu-system-x86 busybox-static
	libnl-genl-3-dev libsystemd-dev liburing-dev dkms sparse systemd
	systemd-journal-remote prometheus python3-jsonschema flex bison bc libelf-dev auditd
	dpkg-dev debhelper dh-dkms lintian dwarves debootstrap e2fsprogs openssl"}

missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages; run as root or install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# auditd is here for ausearch, aureport and libauparse (the audit case's host half), prometheus
# for promtool: their daemons must not start on the build machine. Where no policy-rc.d exists,
# one refuses every start for the length of the install (the units are still enabled for the
# next boot, as the packages want; `systemctl disable auditd` undoes that).
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\n# tests/deps.sh: no service starts during the install\nexit 101\n' \
		> /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
