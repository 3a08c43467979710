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

ko=$(find "/lib/modules/$rel/updates/dkms" -name 'sysrqmon.ko*' 2>/dev/null | head -n 1)
if [ -n "$ko" ]; then
	work=$(mktemp -d)
	case $ko in
	*.xz) xz -dc "$ko" > "$work/sysrqmon.ko" ;;
	*) cp "$ko" "$work/sysrqmon.ko" ;;
	esac
	if [ "$(modinfo -F version "$work/sysrqmon.ko")" = "$ver" ]; then
		result modinfo PASS "version $ver"
	else
		result modinfo FAIL "version $(modinfo -F version "$work/sysrqmon.ko")"
	fi
	# The DKMS-built module, in a real kernel.
	if python3 tests/qemu/run.py --module "$work/sysrqmon.ko" \
		--tool tools/sysrqmonctl --cases 'load,trigger' > "$work/log" 2>&1; then
		result qemu PASS "$(tail -n 1 "$work/log")"
	else
		tail -n 30 "$work/log"
		result qemu FAIL "$(tail -n 1 "$work/log")"
	fi
	rm -rf "$work"
else
	result module FAIL "no sysrqmon.ko under /lib/modules/$rel/updates/dkms"
fi

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
