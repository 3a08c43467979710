#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DKMS round trip on this machine: add, build and install for Debian's
# kernel, boot the module DKMS built in a QEMU case, then remove everything.
# Usage: tests/dkms.sh KDIR
set -u
cd "$(dirname "$0")/.." || exit 1
KDIR=$1
rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$KDIR/include/generated/utsrelease.h")
ver=$(cat VERSION)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
SUITE=dkms
. tests/result.sh
. tests/dkms-lib.sh
# step NAME CMD...: CMD's status is NAME's result.
step() { _name=$1; shift; expect "$_name" "" "$*" logged "$work/step.log" "$@"; }

# A leftover from an interrupted run would make "add" fail; so would the
# package of an interrupted tests/deb.sh, which owns the same sources.
remove_leftovers "$KDIR"

step dkms-install make -s dkms-install
step add dkms add -m sysrqmon -v "$ver"
step build dkms build -m sysrqmon -v "$ver" -k "$rel"
step install dkms install -m sysrqmon -v "$ver" -k "$rel"
expect status "$(dkms status -m sysrqmon -v "$ver" -k "$rel")" "$(dkms status -m sysrqmon)" \
	dkms_installed

# The DKMS-built module, in a real kernel.
boot_dkms_module tools/sysrqmonctl "$work"

step remove dkms remove -m sysrqmon -v "$ver" --all
step dkms-uninstall make -s dkms-uninstall
# A kernel sysrqmon does not build for (a copy of these headers without
# GENL_MCAST_CAP_SYS_ADMIN, as Debian's 6.1 before 6.1.69): DKMS still succeeds,
# with the placeholder (module/unsupported.c), which refuses to load saying why.
# A failed build would stop the kernel's own installation (run-parts
# --exit-on-error runs DKMS's kernel hook).
old=$work/headers
common=$(sed -n 's/^include \(.*\)\/Makefile$/\1/p' "$KDIR/Makefile")
# Dereferenced: Debian's headers link to the kbuild tree relatively.
mkdir "$old" && cp -aL "$KDIR" "$old/arch" && cp -aL "$common" "$old/common"
sed -i "s|^include .*|include $old/common/Makefile|" "$old/arch/Makefile"
sed -i '/define GENL_MCAST_CAP_SYS_ADMIN/d' "$old/common/include/net/genetlink.h"
step placeholder-add sh -c "make -s dkms-install && dkms add -m sysrqmon -v $ver"
step placeholder-build dkms build -m sysrqmon -v "$ver" -k "$rel" --kernelsourcedir "$old/arch"
step placeholder-install dkms install -m sysrqmon -v "$ver" -k "$rel"
dkms_ko "$rel" "$work"
desc=$(modinfo -F description "$work/sysrqmon.ko" 2>/dev/null)
expect placeholder-built "$_ko: $desc" "no placeholder under /lib/modules/$rel/updates/dkms: $_ko" \
	[ "${desc#*placeholder}" != "$desc" ]
qemu_result placeholder-refuses "$work/log" --module "$work/sysrqmon.ko" --kernel-release "$rel" \
	--cases placeholder
step placeholder-remove dkms remove -m sysrqmon -v "$ver" --all
step placeholder-uninstall make -s dkms-uninstall

left=$(leftovers /)
expect clean "nothing left" "left: $left" [ -z "$left" ]

finish
