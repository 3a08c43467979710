#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DKMS round trip on this machine: add, build and install for Debian's
# kernel, boot the module DKMS built in a QEMU case, then remove everything.
# Usage: tests/dkms.sh KDIR
set -u
cd "$(dirname "$0")/.."
KDIR=$1
rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$KDIR/include/generated/utsrelease.h")
ver=$(cat VERSION)
SUITE=dkms
. tests/result.sh
. tests/dkms-boot.sh
step() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		result "$name" PASS ""
	else
		echo "$out" | tail -n 20
		result "$name" FAIL "$*"
	fi
}

# A leftover from an interrupted run would make "add" fail; so would the
# package of an interrupted tests/deb.sh, which owns the same sources.
if dpkg-query -W -f='${Status}' sysrqmon-dkms 2>/dev/null | grep -qv 'not-installed$'; then
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -q sysrqmon-dkms > /dev/null 2>&1
fi
dkms remove -m sysrqmon -v "$ver" --all > /dev/null 2>&1
make -s dkms-uninstall

step dkms-install make -s dkms-install
step add dkms add -m sysrqmon -v "$ver"
step build dkms build -m sysrqmon -v "$ver" -k "$rel"
step install dkms install -m sysrqmon -v "$ver" -k "$rel"
st=$(dkms status -m sysrqmon -v "$ver" -k "$rel")
expect status "$st" "$(dkms status -m sysrqmon)" [ -n "$(echo "$st" | grep ': installed')" ]

# The DKMS-built module, in a real kernel.
work=$(mktemp -d)
boot_dkms_module "$rel" "$ver" tools/sysrqmonctl "$work"
rm -rf "$work"

step remove dkms remove -m sysrqmon -v "$ver" --all
step dkms-uninstall make -s dkms-uninstall
# A kernel sysrqmon does not build for (a copy of these headers without
# GENL_MCAST_CAP_SYS_ADMIN, as Debian's 6.1 before 6.1.69): DKMS still succeeds,
# with the placeholder (module/unsupported.c), which refuses to load saying why.
# A failed build would stop the kernel's own installation (run-parts
# --exit-on-error runs DKMS's kernel hook).
old=$(mktemp -d)
common=$(sed -n 's/^include \(.*\)\/Makefile$/\1/p' "$KDIR/Makefile")
cp -a "$KDIR" "$old/arch" && cp -a "$common" "$old/common"
for l in $(cd "$KDIR" && find . -type l) $(cd "$common" && find . -type l | sed 's|^|common/|'); do
	case $l in
	common/*) ln -sfn "$(readlink -f "$common/${l#common/}")" "$old/$l" ;;
	*) ln -sfn "$(readlink -f "$KDIR/$l")" "$old/arch/$l" ;;
	esac
done
sed -i "s|^include .*|include $old/common/Makefile|" "$old/arch/Makefile"
sed -i '/define GENL_MCAST_CAP_SYS_ADMIN/d' "$old/common/include/net/genetlink.h"
step placeholder-add sh -c "make -s dkms-install && dkms add -m sysrqmon -v $ver"
step placeholder-build dkms build -m sysrqmon -v "$ver" -k "$rel" --kernelsourcedir "$old/arch"
step placeholder-install dkms install -m sysrqmon -v "$ver" -k "$rel"
work=$(mktemp -d)
dkms_ko "$rel" "$work"
desc=$(modinfo -F description "$work/sysrqmon.ko" 2>/dev/null)
expect placeholder-built "$_ko: $desc" "no placeholder under /lib/modules/$rel/updates/dkms: $_ko" \
	[ "${desc#*placeholder}" != "$desc" ]
if python3 tests/qemu/run.py --module "$work/sysrqmon.ko" --kernel-release "$rel" \
	--cases placeholder > "$work/log" 2>&1; then
	result placeholder-refuses PASS "$(tail -n 1 "$work/log")"
else
	tail -n 30 "$work/log"
	result placeholder-refuses FAIL "$(tail -n 1 "$work/log")"
fi
step placeholder-remove dkms remove -m sysrqmon -v "$ver" --all
step placeholder-uninstall make -s dkms-uninstall
rm -rf "$old" "$work"

left=$(ls -d /usr/src/sysrqmon-* /var/lib/dkms/sysrqmon \
	"/lib/modules/$rel/updates/dkms/sysrqmon.ko"* 2>/dev/null)
expect clean "nothing left" "left: $left" [ -z "$left" ]

finish
