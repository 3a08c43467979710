#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the module and its KUnit suites against the debug kernel (build-debug-kernel.sh) in a
# copy of the sources, so the tree stays built for Debian's kernel. Prints two lines: the debug
# kernel's tree, then the directory holding module/sysrqmon.ko.
# Usage: tests/kernel/build-debug-module.sh [SERIES [VARIANT]]   (as build-debug-kernel.sh)
set -u
cd "$(dirname "$0")/../.." || exit 1
die() { echo "build-debug-module: $*" >&2; exit 1; }

DKDIR=$(tests/kernel/build-debug-kernel.sh "${1:-6.1}" "${2:-debug}" | tail -n 1)
[ -f "$DKDIR/arch/x86/boot/bzImage" ] || die "the debug kernel did not build"
BUILD=${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon/debug-module-${1:-6.1}-${2:-debug}
rm -rf "$BUILD"
# shellcheck disable=SC2015 # either failing is the failure
tests/kbuild.sh "$DKDIR" "$BUILD" > "$BUILD.log" 2>&1 && [ -f "$BUILD/module/sysrqmon_test.ko" ] ||
	{ cat "$BUILD.log" >&2; die "the build against $DKDIR failed"; }
printf '%s\n' "$DKDIR" "$BUILD"
