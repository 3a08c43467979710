#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The "nothing installed yet" path (issue 23; docs/testing.md): in a throw-away Debian 12 root
# where nothing is installed, `make build` must install what it needs, then build.
# Usage: tests/fresh.sh      (ends with "N passed, M failed")
set -u
cd "$(dirname "$0")/.." || exit 1
SUITE=fresh
. tests/result.sh

base=$(tests/debian-root.sh bookworm) || abort root "no Debian 12 root (debootstrap)"
overlay "$base"
headers=$(find "$root/usr/src" -maxdepth 1 -name 'linux-headers-*')
expect nothing-installed "no kernel headers in the root" "$headers" [ -z "$headers" ] || finish

mkdir "$root/src"
git ls-files -z | xargs -0 cp --parents -t "$root/src"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# What `make build` needs, not everything `make check` does (qemu, linux-source: minutes).
chroot "$root" env DEPS_PACKAGES="gcc make pkg-config linux-headers-amd64 libnl-genl-3-dev
	libsystemd-dev" make -C /src build > "$work/log" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ -f "$root/src/module/sysrqmon.ko" ] &&
	[ -x "$root/src/tools/sysrqmonctl" ]; then
	result first-build PASS "make build on its first run: module/sysrqmon.ko, tools/sysrqmonctl"
else
	tail -n 30 "$work/log"
	result first-build FAIL "make build: status $rc"
fi
finish
