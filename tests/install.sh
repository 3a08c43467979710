#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make install / uninstall into a DESTDIR: exactly the expected files, with
# the expected modes, and nothing left behind.
set -u
cd "$(dirname "$0")/.." || exit 1
KDIR=$1
rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$KDIR/include/generated/utsrelease.h")
dest=$(mktemp -d)
trap 'rm -rf "$dest" "$dest.log"' EXIT
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
	got=$(cd "$dest" && find . -type f -printf '%#m /%P\n' | sort -k2)
	expect file-list "$(echo "$expected" | wc -l) files as expected" \
		"got: $(echo "$got" | tr '\n' ';')" [ "$got" = "$expected" ]
	v=$(modinfo -F version "$dest/lib/modules/$rel/updates/module/sysrqmon.ko")
	expect modinfo-version "" "version differs from VERSION" [ "$v" = "$(cat VERSION)" ]
	expect modprobe-example "" "" \
		grep -q '^#options sysrqmon mode=monitor' "$dest/etc/modprobe.d/sysrqmon.conf"
else
	cat "$dest.log"
	result make-install FAIL "make install failed"
fi

if make -s uninstall KDIR="$KDIR" DESTDIR="$dest" > /dev/null 2>&1 &&
	[ -z "$(find "$dest" -type f)" ] && [ ! -e "$dest/usr/share/sysrqmon" ]; then
	result uninstall PASS "no file left"
else
	result uninstall FAIL "left: $(find "$dest" -type f | tr '\n' ' ')"
fi

# The units as installed, with their programs where this tree has them
# (the host has no sysrqmonctl in /usr/sbin) and without the man page check.
set -- sysrqmon.service sysrqmon-metrics.service sysrqmon-metrics.timer
for u; do sed "s|/usr/sbin/sysrqmonctl|$PWD/tools/sysrqmonctl|" "tools/$u" > "$dest/$u"; done
out=$(cd "$dest" && systemd-analyze verify --man=no "$@" 2>&1)
rc=$?
expect systemd-analyze "3 units" "$out" [ "$rc" -eq 0 ]

finish
