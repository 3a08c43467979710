#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Stack above a hooked function: builds the module with -fcallgraph-info=su
# (gcc's call graph with frame sizes) in a scratch copy of the tree and sums
# sysrqmon's frames along the longest call path from each hook callback
# (tests/stack-usage.py). The budget is 512 bytes (issue 24): hooks run on the
# stack of whatever they interrupt.
# Usage: tests/stack-usage.sh KDIR [LIMIT]
set -u
cd "$(dirname "$0")/.."
KDIR=$1
LIMIT=${2:-512}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r Kbuild VERSION include module "$tmp"/
rm -f "$tmp"/module/*.o "$tmp"/module/*.ci "$tmp"/module/.*.cmd
if ! make -s -C "$KDIR" M="$tmp" KCFLAGS=-fcallgraph-info=su modules > "$tmp/build.log" 2>&1; then
	cat "$tmp/build.log"
	echo "stack: build failed"
	exit 1
fi
python3 tests/stack-usage.py --limit "$LIMIT" ${STACK_VERBOSE:+--verbose} "$tmp/module"
