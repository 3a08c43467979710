#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Debian packages on this machine: make deb, their contents, lintian,
# install both (DKMS builds the module for Debian's kernel), boot the module
# DKMS installed in a QEMU case with the packaged sysrqmonctl, purge, and
# check that nothing is left. Installing builds and copies files only: the
# units are not enabled, nothing is loaded into this kernel.
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
. tests/dkms-boot.sh
# installed PKG: dpkg knows PKG in a state other than not-installed.
installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -qv 'not-installed$'
}
# What the packages (or make install, make dkms-install, tests/dkms.sh) put
# on this machine; empty when nothing is there.
leftovers() {
	ls -d /usr/src/sysrqmon-* /var/lib/dkms/sysrqmon \
		/lib/modules/*/updates/dkms/sysrqmon.ko* \
		/lib/modules/*/updates/module/sysrqmon.ko* \
		/usr/sbin/sysrqmonctl /usr/share/man/man8/sysrqmonctl.8* \
		/lib/systemd/system/sysrqmon*.service \
		/lib/systemd/system/sysrqmon*.timer \
		/etc/systemd/system/*.wants/sysrqmon* \
		/var/lib/systemd/deb-systemd-helper-enabled/sysrqmon* \
		/etc/modprobe.d/sysrqmon.conf /etc/modules-load.d/sysrqmon.conf \
		/usr/lib/systemd/catalog/sysrqmon.catalog \
		/usr/share/bash-completion/completions/sysrqmonctl \
		/usr/share/sysrqmon /usr/share/doc/sysrqmon* 2>/dev/null
	for p in sysrqmon sysrqmon-dkms sysrqmon-dbgsym; do
		installed "$p" && echo "package:$p"
	done
}

# 1. Leftovers of an interrupted run, of tests/dkms.sh or of make
# dkms-install / make install: packages purged, DKMS trees removed, files
# make install put removed.
before=$(leftovers)
pkgs=$(echo "$before" | sed -n 's/^package://p')
# shellcheck disable=SC2086
[ -n "$pkgs" ] && apt-get purge -y -q $pkgs > /dev/null 2>&1
for d in /usr/src/sysrqmon-* /var/lib/dkms/sysrqmon/[0-9]*; do
	[ -e "$d" ] || continue
	v=${d##*/}
	dkms remove -m sysrqmon -v "${v#sysrqmon-}" --all > /dev/null 2>&1
	case $d in /usr/src/*) rm -rf "$d" ;; esac
done
rm -rf /var/lib/dkms/sysrqmon
for ko in /lib/modules/*/updates/dkms/sysrqmon.ko*; do
	[ -e "$ko" ] || continue
	rm -f "$ko"
	r=${ko#/lib/modules/}
	depmod "${r%%/*}"
done
if [ -e /usr/sbin/sysrqmonctl ] || [ -e /etc/modprobe.d/sysrqmon.conf ] ||
	[ -e /lib/systemd/system/sysrqmon.service ]; then
	make -s uninstall KDIR="$KDIR" > /dev/null 2>&1
fi
left=$(leftovers)
if [ -n "$left" ]; then
	result leftovers FAIL "cannot remove: $(echo "$left" | tr '\n' ' ')"
elif [ -n "$before" ]; then
	result leftovers PASS "removed: $(echo "$before" | tr '\n' ' ')"
else
	result leftovers PASS "none"
fi

# 2. One version: debian/changelog says what VERSION says.
clver=$(dpkg-parsechangelog -S Version)
expect version "debian/changelog and VERSION: $ver" "debian/changelog $clver, VERSION $ver" \
	[ "$clver" = "$ver" ]

# 3. Build, in a copy; the tree is as it was.
status_before=$(git status --porcelain)
if make -s deb > "$work/build.log" 2>&1 && [ -f "$tool_deb" ] && [ -f "$dkms_deb" ]; then
	result build PASS "$(cd "$out" && printf "%s " ./*.deb)"
else
	tail -n 30 "$work/build.log"
	result build FAIL "make deb"
fi
status=$(git status --porcelain)
expect tree "git status unchanged by make deb" "$(echo "$status" | tr '\n' ' ')" \
	[ "$status" = "$status_before" ]

# 4. Contents. sysrqmon-dkms: exactly the sources of make dkms-install, and
# dkms.conf with the version.
want=$(git ls-files --cached --others --exclude-standard -- Kbuild VERSION \
	dkms.conf 'include/uapi/*.h' module/Kbuild 'module/*.c' 'module/*.h' | sort)
got=$(dpkg -c "$dkms_deb" 2>/dev/null | awk '$1 !~ /^d/ {print $6}' |
	sed -n "s|^\./usr/src/sysrqmon-$ver/||p" | sort)
expect contents-dkms "$(echo "$got" | wc -l) files in /usr/src/sysrqmon-$ver" \
	"differs: $(printf '%s\n%s\n' "$want" "$got" | sort | uniq -u | tr '\n' ' ')" \
	[ "${got:-none}" = "$want" ]
conf=$(dpkg-deb --fsys-tarfile "$dkms_deb" 2>/dev/null |
	tar -xOf - "./usr/src/sysrqmon-$ver/dkms.conf" 2>/dev/null)
expect dkms-conf "PACKAGE_VERSION=\"$ver\"" "$(echo "$conf" | grep PACKAGE_VERSION)" \
	[ -n "$(echo "$conf" | grep -x "PACKAGE_VERSION=\"$ver\"")" ]
# sysrqmon: every file of make install-tools (the man page compressed), the copyright, the
# modprobe.d example as a conffile, Recommends: sysrqmon-dkms.
make -s install-tools DESTDIR="$work/tools" > "$work/tools.log" 2>&1
missing=""
contents=$(dpkg -c "$tool_deb" 2>/dev/null | awk '{print $6}')
for f in $(cd "$work/tools" && find . -type f | sed 's/\.8$/.8.gz/') \
	./usr/share/doc/sysrqmon/copyright; do
	echo "$contents" | grep -qxF "$f" || missing="$missing ${f#.}"
done
expect contents-tool "$(echo "$contents" | grep -vc '/$') files" "missing:$missing" \
	[ -z "$missing" ]
if dpkg-deb --ctrl-tarfile "$tool_deb" 2>/dev/null | tar -xOf - ./conffiles 2>/dev/null |
	grep -qx /etc/modprobe.d/sysrqmon.conf; then
	result conffile PASS "/etc/modprobe.d/sysrqmon.conf"
else
	result conffile FAIL "/etc/modprobe.d/sysrqmon.conf is not a conffile"
fi
rec=$(dpkg-deb -f "$tool_deb" Recommends 2>/dev/null)
expect recommends "sysrqmon Recommends: $rec" "Recommends: $rec" [ "$rec" = sysrqmon-dkms ]

# 5. lintian: no error, no warning (overrides carry their reason).
if [ -f "$out/sysrqmon_${ver}_$arch.changes" ]; then
	lintian --fail-on error,warning --display-info --show-overrides \
		"$out/sysrqmon_${ver}_$arch.changes" > "$work/lintian" 2>&1
	rc=$?
	summary="$(grep -c '^E:' "$work/lintian") errors, $(grep -c '^W:' "$work/lintian") warnings, $(grep -c '^I:' "$work/lintian") info, $(grep -c '^O:' "$work/lintian") overridden"
	if [ "$rc" -eq 0 ]; then
		result lintian PASS "$summary"
	else
		grep -E '^[EW]:' "$work/lintian" | head -n 20
		result lintian FAIL "$summary (exit $rc)"
	fi
else
	result lintian FAIL "no .changes file"
fi

# 6. Install: dh_dkms's postinst adds, builds and installs the module.
if apt-get install -y -q "$tool_deb" "$dkms_deb" > "$work/install.log" 2>&1 &&
	installed sysrqmon && installed sysrqmon-dkms; then
	result install PASS "$(grep -i 'building for' "$work/install.log" | head -n 1)"
else
	tail -n 30 "$work/install.log"
	result install FAIL "apt-get install"
fi
how="by the package's postinst"
if ! dkms status -m sysrqmon -v "$ver" -k "$rel" 2>/dev/null | grep -q ': installed'; then
	# The postinst builds for the running and the newest kernel; a kernel
	# neither gets it from the kernel hook (/etc/kernel/postinst.d/dkms),
	# which runs this.
	dkms autoinstall -k "$rel" > "$work/autoinstall.log" 2>&1
	how="by dkms autoinstall -k $rel (the postinst built for other kernels)"
fi
if dkms status -m sysrqmon -v "$ver" -k "$rel" 2>/dev/null | grep -q ': installed'; then
	result dkms-status PASS "$(dkms status -m sysrqmon -v "$ver" -k "$rel") $how"
else
	result dkms-status FAIL "$(dkms status -m sysrqmon 2>&1)"
fi
v=$(/usr/sbin/sysrqmonctl --version 2>&1)
expect tool-version "$v" "$v" [ "$v" = "sysrqmonctl $ver" ]
# The units are installed but not enabled (debian/rules: installing must
# not load a kernel module).
en=$(ls /etc/systemd/system/*.wants/sysrqmon* 2>/dev/null)
[ -f /lib/systemd/system/sysrqmon.service ] || en="$en (and no sysrqmon.service)"
expect units "installed, not enabled" "enabled: $en" [ -z "$en" ]

# 7. The module DKMS installed, in a real kernel, with the packaged tool.
boot_dkms_module "$rel" "$ver" /usr/sbin/sysrqmonctl "$work"

# 8. Purge: dh_dkms's prerm removes the module from every kernel.
if apt-get purge -y -q sysrqmon sysrqmon-dkms > "$work/purge.log" 2>&1; then
	result purge PASS ""
else
	tail -n 30 "$work/purge.log"
	result purge FAIL "apt-get purge"
fi
left=$(leftovers)
expect clean "nothing left, neither package installed" "left: $(echo "$left" | tr '\n' ' ')" \
	[ -z "$left" ]
finish
