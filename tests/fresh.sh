#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The "nothing installed yet" path (issue 23): on 2026-12-03 the first `make demo` on a
# fresh machine failed because the Makefile computed KDIR before deps installed the headers.
# Here a Debian 12 root where nothing is installed (tests/debian-root.sh, a throw-away
# overlay on it) gets a copy of the tree, and `make build` must install what it needs and
# build the module and the tool on its first run.
# Usage: tests/fresh.sh      (ends with "N passed, M failed")
set -u
cd "$(dirname "$0")/.." || exit 1
SUITE=fresh
. tests/result.sh

if ! base=$(tests/debian-root.sh bookworm); then
	result root FAIL "no Debian 12 root (debootstrap)"
	finish
fi
overlay "$base"
if ls "$root"/usr/src/linux-headers-* > /dev/null 2>&1; then
	result nothing-installed FAIL "$(ls -d "$root"/usr/src/linux-headers-*)"
	finish
fi
result nothing-installed PASS "no kernel headers in the root"

mkdir "$root/src"
git ls-files -z | xargs -0 cp --parents -t "$root/src"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# What `make build` needs, not everything `make check` does (qemu, linux-source: minutes).
chroot "$root" env DEPS_PACKAGES="gcc make pkg-config linux-headers-amd64 libnl-genl-3-dev
	libsystemd-dev" make -C /src build > "$work/log" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ -f "$root/src/module/sysrqmon.ko" ] && [ -x "$root/src/tools/sysrqmonctl" ]; then
	result first-build PASS "make build on its first run: module/sysrqmon.ko, tools/sysrqmonctl"
else
	tail -n 30 "$work/log"
	result first-build FAIL "make build: status $rc"
fi
finish
