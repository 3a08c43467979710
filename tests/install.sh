#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make install / uninstall into a DESTDIR: exactly the expected files, with
# the expected modes, and nothing left behind.
set -u
cd "$(dirname "$0")/.."
KDIR=$1
rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$KDIR/include/generated/utsrelease.h")
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
SUITE=install
. tests/result.sh

expected="0644 /etc/modprobe.d/sysrqmon.conf
0644 /etc/modules-load.d/sysrqmon.conf
0644 /lib/modules/$rel/updates/module/sysrqmon.ko
0644 /lib/systemd/system/sysrqmon-metrics.service
0644 /lib/systemd/system/sysrqmon-metrics.timer
0644 /lib/systemd/system/sysrqmon.service
0644 /usr/lib/systemd/catalog/sysrqmon.catalog
0755 /usr/sbin/sysrqmonctl
0644 /usr/share/bash-completion/completions/sysrqmonctl
0644 /usr/share/man/man8/sysrqmonctl.8
0644 /usr/share/sysrqmon/sysrqmon-record.schema.json
0644 /usr/share/sysrqmon/sysrqmon.rules.yml"

if make -s install KDIR="$KDIR" DESTDIR="$dest" LOAD_AT_BOOT=1 > "$dest.log" 2>&1; then
	got=$(cd "$dest" && find . -type f -printf '%m /%P\n' | sed 's/^644/0644/; s/^755/0755/' | sort -k2)
	expect file-list "$(echo "$expected" | wc -l) files as expected" \
		"got: $(echo "$got" | tr '\n' ';')" [ "$got" = "$expected" ]
	modinfo -F version "$dest/lib/modules/$rel/updates/module/sysrqmon.ko" |
		grep -qx "$(cat VERSION)" && result modinfo-version PASS "" ||
		result modinfo-version FAIL "version differs from VERSION"
	grep -q '^#options sysrqmon mode=monitor' "$dest/etc/modprobe.d/sysrqmon.conf" &&
		result modprobe-example PASS "" || result modprobe-example FAIL ""
else
	cat "$dest.log"
	result make-install FAIL "make install failed"
fi
rm -f "$dest.log"

if make -s uninstall KDIR="$KDIR" DESTDIR="$dest" > /dev/null 2>&1 &&
	[ -z "$(find "$dest" -type f)" ] && [ ! -e "$dest/usr/share/sysrqmon" ]; then
	result uninstall PASS "no file left"
else
	result uninstall FAIL "left: $(find "$dest" -type f | tr '\n' ' ')"
fi

# The units as installed, with their programs where this tree has them
# (the host has no sysrqmonctl in /usr/sbin) and without the man page check.
if command -v systemd-analyze > /dev/null; then
	for u in sysrqmon.service sysrqmon-metrics.service sysrqmon-metrics.timer; do
		sed -e "s|/usr/sbin/sysrqmonctl|$PWD/tools/sysrqmonctl|" \
			"tools/$u" > "$dest/$u"
	done
	out=$(cd "$dest" && systemd-analyze verify --man=no sysrqmon.service \
		sysrqmon-metrics.service sysrqmon-metrics.timer 2>&1)
	rc=$?
	expect systemd-analyze "3 units" "$out" [ "$rc" -eq 0 ]
else
	result systemd-analyze FAIL "systemd-analyze not installed"
fi

finish
