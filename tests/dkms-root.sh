#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# sysrqmon-dkms in a real Debian root of RELEASE (issue 23), with that release's own dkms,
# compiler and kernel headers: a throw-away overlay on the cached root of
# tests/debian-root.sh. Installing the package must exit 0, leave `dpkg --audit` empty and
# put a module that is not the placeholder in updates/dkms of every kernel whose headers are
# installed; purging must leave nothing.
# Usage: tests/dkms-root.sh RELEASE    (bookworm: the 6.1 and 6.12 headers; trixie: the
# generic, cloud and rt headers tests/kernels.sh installed there). Needs build/deb (make deb).
set -u
cd "$(dirname "$0")/.." || exit 1
RELEASE=${1:?usage: tests/dkms-root.sh RELEASE}
deb=$PWD/build/deb/sysrqmon-dkms_$(cat VERSION)_all.deb
SUITE=dkms-$RELEASE
. tests/result.sh

if [ ! -f "$deb" ] && ! DEB_BUILD_OPTIONS=nocheck DEB_BUILD_PROFILES=nocheck make -s deb \
	> /dev/null 2>&1; then
	result deb FAIL "make deb did not build $deb"
	finish
fi
headers=linux-headers-amd64
[ "$RELEASE" = bookworm ] && headers="$headers linux-headers-6.12-amd64"
# The root's headers: for trixie the ones tests/kernels.sh installed in the cached root.
[ "$RELEASE" = bookworm ] || tests/kernels.sh kdir linux-headers-amd64 "$RELEASE" > /dev/null
if ! base=$(tests/debian-root.sh "$RELEASE"); then
	result root FAIL "no $RELEASE root (debootstrap)"
	finish
fi
overlay "$base" proc
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
in_root() {
	chroot "$root" env DEBIAN_FRONTEND=noninteractive "$@"
}

# shellcheck disable=SC2086 # a list of package names
if ! in_root apt-get install -y -qq --no-install-recommends $headers > "$work/log" 2>&1; then
	tail -n 20 "$work/log"
	result headers FAIL "apt-get install $headers"
	finish
fi
kernels=$(cd "$root/usr/src" && ls -d linux-headers-*-amd64 | sed 's/^linux-headers-//')
result headers PASS "$(echo "$kernels" | tr '\n' ' ')"

in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb")" \
	> "$work/install.log" 2>&1
rc=$?
audit=$(in_root dpkg --audit 2>&1)
if [ "$rc" -eq 0 ] && [ -z "$audit" ]; then
	result install PASS "dkms $(in_root dpkg-query -W -f='${Version}' dkms)"
else
	tail -n 30 "$work/install.log"
	result install FAIL "status $rc; dpkg --audit: $audit"
fi
for rel in $kernels; do
	# Debian 13's dkms compresses the module as its kernel's own are (sysrqmon.ko.xz).
	ko=$(cd "$root" && ls "lib/modules/$rel/updates/dkms/"sysrqmon.ko* 2>/dev/null | head -n 1)
	if [ -z "$ko" ]; then
		result "built-$rel" FAIL "no /lib/modules/$rel/updates/dkms/sysrqmon.ko*"
	elif ! desc=$(in_root modinfo -F description "/$ko" 2>&1) || [ -z "$desc" ]; then
		result "built-$rel" FAIL "/$ko: modinfo: $desc"
	elif [ "$(in_root modinfo -F vermagic "/$ko" | cut -d' ' -f1)" != "$rel" ]; then
		result "built-$rel" FAIL "/$ko: vermagic $(in_root modinfo -F vermagic "/$ko")"
	else
		case $desc in
		*placeholder*) result "built-$rel" FAIL "/$ko is the placeholder: $desc" ;;
		*) result "built-$rel" PASS "/$ko: $desc" ;;
		esac
	fi
done

in_root apt-get purge -y -q sysrqmon-dkms > "$work/purge.log" 2>&1
rc=$?
left=$(cd "$root" && ls -d usr/src/sysrqmon-* var/lib/dkms/sysrqmon \
	lib/modules/*/updates/dkms/sysrqmon.ko* 2>/dev/null)
if [ "$rc" -eq 0 ] && [ -z "$left" ]; then
	result purge PASS "nothing left"
else
	tail -n 20 "$work/purge.log"
	result purge FAIL "status $rc; left: $left"
fi
finish
