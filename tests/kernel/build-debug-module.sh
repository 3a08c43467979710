#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the module and its KUnit suites against the debug kernel (built or
# taken from its cache by build-debug-kernel.sh), in a copy of the sources
# so the tree stays built for Debian's kernel. Prints two lines: the debug
# kernel's tree, then the directory holding module/sysrqmon.ko.
# Usage: tests/kernel/build-debug-module.sh [SERIES [VARIANT]]   (as build-debug-kernel.sh)
set -u
cd "$(dirname "$0")/../.." || exit 1
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon

DKDIR=$(tests/kernel/build-debug-kernel.sh "${1:-6.1}" "${2:-debug}" | tail -n 1)
if [ -z "$DKDIR" ] || [ ! -f "$DKDIR/arch/x86/boot/bzImage" ]; then
	echo "build-debug-module: the debug kernel did not build" >&2
	exit 1
fi
BUILD=$CACHE/debug-module-${1:-6.1}-${2:-debug}
rm -rf "$BUILD"
if ! tests/kbuild.sh "$DKDIR" "$BUILD" > "$BUILD.log" 2>&1 ||
	[ ! -f "$BUILD/module/sysrqmon_test.ko" ]; then
	cat "$BUILD.log" >&2
	echo "build-debug-module: the build against $DKDIR failed" >&2
	exit 1
fi
echo "$DKDIR"
echo "$BUILD"
