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
passed=0
failed=0
result() {
	if [ "$2" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
	echo "dkms: $1 $2 $3"
}
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
if dkms status -m sysrqmon -v "$ver" -k "$rel" | grep -q ': installed'; then
	result status PASS "$(dkms status -m sysrqmon -v "$ver" -k "$rel")"
else
	result status FAIL "$(dkms status -m sysrqmon)"
fi

# The DKMS-built module, in a real kernel.
work=$(mktemp -d)
boot_dkms_module "$rel" "$ver" tools/sysrqmonctl "$work"
rm -rf "$work"

step remove dkms remove -m sysrqmon -v "$ver" --all
step dkms-uninstall make -s dkms-uninstall
left=$(ls -d /usr/src/sysrqmon-* /var/lib/dkms/sysrqmon \
	"/lib/modules/$rel/updates/dkms/sysrqmon.ko"* 2>/dev/null)
if [ -z "$left" ]; then
	result clean PASS "nothing left"
else
	result clean FAIL "left: $left"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
