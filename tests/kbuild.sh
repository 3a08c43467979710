#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/kbuild.sh KDIR OUT [SRC]: OUT gets a copy of SRC (default: this tree's module, its
# Kbuild, VERSION and uapi headers) without build products, built as an external module against
# KDIR: with chroot in KDIR's root when KDIR lives in one of tests/debian-root.sh (another
# release's compiler and kbuild run only there). KCFLAGS and the like reach kbuild.
set -eu

kdir=$1
out=$2
mkdir -p "$out"
if [ $# -ge 3 ]; then
	cp -r "$3/." "$out/"
else
	repo=$(dirname "$0")/..
	cp -r "$repo/Kbuild" "$repo/VERSION" "$repo/include" "$repo/module" "$out/"
fi
find "$out" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \
	-o -name modules.order -o -name Module.symvers \) -exec rm -f {} +

root=${kdir%/usr/src/*}
if [ ! -f "$root/.sysrqmon-root" ]; then
	exec make -s -j"$(nproc)" -C "$kdir" M="$(realpath "$out")" modules
fi

work=$(mktemp -d "$root/tmp/kbuild.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$out/." "$work/"
chroot "$root" make -s -j"$(nproc)" -C "${kdir#"$root"}" M="${work#"$root"}" modules
cp -r "$work/." "$out/"
