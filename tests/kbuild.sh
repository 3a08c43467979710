#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the external module in SRC against KDIR, wherever KDIR lives: on this machine, or in a
# root of tests/debian-root.sh (another release's headers, whose compiler and kbuild run only
# there). In a root, SRC is copied in, built with chroot, and the results copied back.
#
#   tests/kbuild.sh KDIR SRC
set -eu

kdir=$1
src=$2

root=$kdir
while [ "$root" != / ] && [ ! -f "$root/.sysrqmon-root" ]; do
	root=$(dirname "$root")
done
if [ "$root" = / ]; then
	exec make -s -j"$(nproc)" -C "$kdir" M="$src" modules
fi

work=$(mktemp -d "$root/tmp/kbuild.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
chroot "$root" make -s -j"$(nproc)" -C "${kdir#"$root"}" M="${work#"$root"}" modules
cp -r "$work/." "$src/"
