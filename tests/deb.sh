#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages on this machine, from make deb to purge; nothing is loaded into this
# kernel (docs/testing.md, "Packages and DKMS on the build host").
# Usage: tests/deb.sh KDIR
set -u
cd "$(dirname "$0")/.." || exit 1
KDIR=$1
rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$KDIR/include/generated/utsrelease.h")
ver=$(cat VERSION)
arch=$(dpkg --print-architecture)
out=$PWD/build/deb
tool_deb=$out/sysrqmon_${ver}_$arch.deb
dkms_deb=$out/sysrqmon-dkms_${ver}_all.deb
export DEBIAN_FRONTEND=noninteractive
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
SUITE=deb
. tests/result.sh
. tests/dkms-lib.sh

# 1. Leftovers of an interrupted run, of tests/dkms.sh or of make dkms-install / make install.
before=$(leftovers / | tr '\n' ' ')
remove_leftovers "$KDIR"
left=$(leftovers / | tr '\n' ' ')
removed=${before:+removed: $before}
expect leftovers "${removed:-none}" "cannot remove: $left" [ -z "$left" ]

# 2. One version: debian/changelog says what VERSION says.
clver=$(dpkg-parsechangelog -S Version)
expect version "debian/changelog and VERSION: $ver" "debian/changelog $clver, VERSION $ver" \
	[ "$clver" = "$ver" ]

# 3. Build, in a copy; the tree is as it was.
status_before=$(git status --porcelain)
if logged "$work/build.log" make -s deb && [ -f "$tool_deb" ] && [ -f "$dkms_deb" ]; then
	result build PASS "$(cd "$out" && printf "%s " ./*.deb)"
else
	result build FAIL "make deb"
fi
status=$(git status --porcelain)
expect tree "git status unchanged by make deb" "$(echo "$status" | tr '\n' ' ')" \
	[ "$status" = "$status_before" ]

# 4. Contents, against what make dkms-install and make install-tools put in a DESTDIR.
# sysrqmon-dkms: exactly those sources, and dkms.conf with the version.
src=usr/src/sysrqmon-$ver
make -s dkms-install install-tools DESTDIR="$work/want" > "$work/make.log" 2>&1
dpkg-deb -x "$dkms_deb" "$work/dkms" 2>/dev/null
dpkg-deb -x "$tool_deb" "$work/tool" 2>/dev/null
differs=$(diff -rq "$work/want/$src" "$work/dkms/$src" 2>&1)
expect contents-dkms "$(find "$work/dkms/$src" ! -type d | wc -l) files in /$src" \
	"differs: $differs" [ -z "$differs" ]
conf=$work/dkms/$src/dkms.conf
expect dkms-conf "PACKAGE_VERSION=\"$ver\"" "$(grep PACKAGE_VERSION "$conf" 2>/dev/null)" \
	grep -qx "PACKAGE_VERSION=\"$ver\"" "$conf"
# sysrqmon: every file of make install-tools (the man page compressed), the copyright, the
# modprobe.d example as a conffile, Recommends: sysrqmon-dkms.
missing=""
for f in $(cd "$work/want" && find . -type f ! -path "./$src/*" | sed 's/\.8$/.8.gz/') \
	./usr/share/doc/sysrqmon/copyright; do
	[ -e "$work/tool/$f" ] || missing="$missing ${f#.}"
done
expect contents-tool "$(find "$work/tool" ! -type d 2>/dev/null | wc -l) files" \
	"missing:$missing" [ -z "$missing" ]
conffiles=$(dpkg-deb --info "$tool_deb" conffiles 2>/dev/null)
expect conffile /etc/modprobe.d/sysrqmon.conf "/etc/modprobe.d/sysrqmon.conf is not a conffile" \
	[ -n "$(echo "$conffiles" | grep -x /etc/modprobe.d/sysrqmon.conf)" ]
rec=$(dpkg-deb -f "$tool_deb" Recommends 2>/dev/null)
expect recommends "sysrqmon Recommends: $rec" "Recommends: $rec" [ "$rec" = sysrqmon-dkms ]

# 5. lintian: no error, no warning (overrides carry their reason).
changes=$out/sysrqmon_${ver}_$arch.changes
tags() { grep -c "^$1:" "$work/lintian"; }
if [ -f "$changes" ]; then
	lintian --fail-on error,warning --display-info --show-overrides "$changes" \
		> "$work/lintian" 2>&1
	rc=$?
	summary="$(tags E) errors, $(tags W) warnings, $(tags I) info, $(tags O) overridden"
	[ "$rc" -eq 0 ] || grep -E '^[EW]:' "$work/lintian" | head -n 20
	expect lintian "$summary" "$summary (exit $rc)" [ "$rc" -eq 0 ]
else
	result lintian FAIL "no .changes file"
fi

# 6. Install: dh_dkms's postinst adds, builds and installs the module.
if logged "$work/install.log" apt-get install -y -q "$tool_deb" "$dkms_deb" &&
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' sysrqmon sysrqmon-dkms)" = "ii ii " ]; then
	result install PASS "$(grep -i 'building for' "$work/install.log" | head -n 1)"
else
	result install FAIL "apt-get install"
fi
how="by the package's postinst"
if ! dkms_installed; then
	# The postinst builds for the running and the newest kernel; a kernel
	# neither gets it from the kernel hook (/etc/kernel/postinst.d/dkms),
	# which runs this.
	dkms autoinstall -k "$rel" > "$work/autoinstall.log" 2>&1
	how="by dkms autoinstall -k $rel (the postinst built for other kernels)"
fi
expect dkms-status "$(dkms status -m sysrqmon -v "$ver" -k "$rel") $how" \
	"$(dkms status -m sysrqmon 2>&1)" dkms_installed
v=$(/usr/sbin/sysrqmonctl --version 2>&1)
expect tool-version "$v" "$v" [ "$v" = "sysrqmonctl $ver" ]
# The units are installed but not enabled (debian/rules: installing must
# not load a kernel module).
en=$(ls /etc/systemd/system/*.wants/sysrqmon* 2>/dev/null)
[ -f /lib/systemd/system/sysrqmon.service ] || en="$en (and no sysrqmon.service)"
expect units "installed, not enabled" "enabled: $en" [ -z "$en" ]

# 7. The module DKMS installed, in a real kernel, with the packaged tool.
boot_dkms_module /usr/sbin/sysrqmonctl "$work"

# 8. Purge: dh_dkms's prerm removes the module from every kernel.
expect purge "" "apt-get purge" \
	logged "$work/purge.log" apt-get purge -y -q sysrqmon sysrqmon-dkms
left=$(leftovers / | tr '\n' ' ')
expect clean "nothing left, neither package installed" "left: $left" [ -z "$left" ]
finish
