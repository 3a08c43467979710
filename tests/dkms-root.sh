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
. tests/dkms-lib.sh

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
if ! logged "$work/log" in_root apt-get install -y -qq --no-install-recommends $headers; then
	result headers FAIL "apt-get install $headers"
	finish
fi
kernels=$(cd "$root/usr/src" && printf '%s\n' linux-headers-*-amd64 | sed 's/^linux-headers-//')
result headers PASS "$(echo "$kernels" | tr '\n' ' ')"

logged "$work/install.log" in_root apt-get install -y -q --no-install-recommends "/tmp/${deb##*/}"
rc=$?
audit=$(in_root dpkg --audit 2>&1)
if [ "$rc" -eq 0 ] && [ -z "$audit" ]; then
	result install PASS "dkms $(in_root dpkg-query -W -f="\${Version}" dkms)"
else
	result install FAIL "status $rc; dpkg --audit: $audit"
fi
for rel in $kernels; do
	# Debian 13's dkms compresses the module as its kernel's own are (sysrqmon.ko.xz).
	dkms_ko "$rel" "$work" "$root"
	ko=${_ko#"$root"}
	desc=$(modinfo -F description "$work/sysrqmon.ko" 2>&1)
	magic=$(modinfo -F vermagic "$work/sysrqmon.ko" 2>&1)
	if [ -z "$ko" ]; then
		result "built-$rel" FAIL "no /lib/modules/$rel/updates/dkms/sysrqmon.ko*"
	elif [ -z "$desc" ] || [ "${magic%% *}" != "$rel" ]; then
		result "built-$rel" FAIL "$ko: modinfo: $desc; vermagic $magic"
	else
		expect "built-$rel" "$ko: $desc" "$ko is the placeholder: $desc" \
			[ "${desc#*placeholder}" = "$desc" ]
	fi
done

logged "$work/purge.log" in_root apt-get purge -y -q sysrqmon-dkms
rc=$?
left=$(leftovers "$root")
if [ "$rc" -eq 0 ] && [ -z "$left" ]; then
	result purge PASS "nothing left"
else
	result purge FAIL "status $rc; left: $left"
fi
finish
