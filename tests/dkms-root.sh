#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# sysrqmon-dkms in a real Debian root of RELEASE, with that release's own dkms, compiler and
# kernel headers (issue 23; docs/testing.md, "Packages and DKMS on the build host").
# Usage: tests/dkms-root.sh RELEASE    (bookworm or trixie; make deb when build/deb has none)
set -u
cd "$(dirname "$0")/.." || exit 1
RELEASE=${1:?usage: tests/dkms-root.sh RELEASE}
deb=$PWD/build/deb/sysrqmon-dkms_$(cat VERSION)_all.deb
SUITE=dkms-$RELEASE
. tests/result.sh
. tests/dkms-lib.sh

[ -f "$deb" ] || DEB_BUILD_OPTIONS=nocheck DEB_BUILD_PROFILES=nocheck make -s deb \
	> /dev/null 2>&1 || abort deb "make deb did not build $deb"
headers=linux-headers-amd64
[ "$RELEASE" = bookworm ] && headers="$headers linux-headers-6.12-amd64"
# The root's headers: for trixie the ones tests/kernels.sh installed in the cached root.
[ "$RELEASE" = bookworm ] || tests/kernels.sh kdir linux-headers-amd64 "$RELEASE" > /dev/null
base=$(tests/debian-root.sh "$RELEASE") || abort root "no $RELEASE root (debootstrap)"
overlay "$base" proc
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive "$@"; }

# shellcheck disable=SC2086 # a list of package names
logged "$work/log" in_root apt-get install -y -qq --no-install-recommends $headers ||
	abort headers "apt-get install $headers"
kernels=$(cd "$root/usr/src" && printf '%s\n' linux-headers-*-amd64 | sed 's/^linux-headers-//')
result headers PASS "$(echo "$kernels" | tr '\n' ' ')"

logged "$work/install.log" in_root apt-get install -y -q --no-install-recommends "/tmp/${deb##*/}"
rc=$?
audit=$(in_root dpkg --audit 2>&1)
# Status 0, and nothing from dpkg --audit.
expect install "dkms $(in_root dpkg-query -W -f="\${Version}" dkms)" \
	"status $rc; dpkg --audit: $audit" [ "$rc$audit" = 0 ]
for rel in $kernels; do
	dkms_ko "$rel" "$work" "$root"
	desc=$(modinfo -F description "$work/sysrqmon.ko" 2>&1)
	magic=$(modinfo -F vermagic "$work/sysrqmon.ko" 2>&1)
	# Built for REL, and not the placeholder.
	expect "built-$rel" "${_ko#"$root"}: $desc" "${_ko#"$root"}: $desc; vermagic $magic" \
		[ "${magic%% *} ${desc#*placeholder}" = "$rel $desc" ]
done

logged "$work/purge.log" in_root apt-get purge -y -q sysrqmon-dkms
rc=$?
left=$(leftovers "$root")
# Status 0, and nothing left.
expect purge "nothing left" "status $rc; left: $left" [ "$rc$left" = 0 ]
finish
