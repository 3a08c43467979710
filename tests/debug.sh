#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The suite on the debug kernel (tests/kernel/) with loads sized for a kernel ~30 times slower
# per write, and its KUnit output parsed by the kernel's own kunit.py.
# Usage: tests/debug.sh [SERIES [VARIANT]]   (6.1 or 6.12; debug or rt: build-debug-kernel.sh)
# FIGURES=FILE: run.py's figures table goes there too. DEBUG_SKIP=LIST: cases to leave out
# (make check leaves the longest to make matrix).
set -u
cd "$(dirname "$0")/.." || exit 1
SERIES=${1:-6.1}
VARIANT=${2:-debug}
OUT=tests/qemu/out-debug-$SERIES-$VARIANT
SUITE=debug
. tests/result.sh

dirs=$(tests/kernel/build-debug-module.sh "$SERIES" "$VARIANT") ||
	abort build "the debug kernel or the module against it did not build"
DKDIR=$(echo "$dirs" | sed -n 1p)
BUILD=$(echo "$dirs" | sed -n 2p)
result kernel PASS "$DKDIR"
result module PASS "sysrqmon.ko and sysrqmon_test.ko"

[ -n "${DEBUG_SKIP:-}" ] && echo "debug: left to make matrix: $DEBUG_SKIP"
python3 tests/qemu/run.py --all ${DEBUG_SKIP:+--skip "$DEBUG_SKIP"} --tool tools/sysrqmonctl \
	--module "$BUILD/module/sysrqmon.ko" --kdir "$DKDIR" --out-dir "$OUT" \
	--env LOAD_SCALE="${DEBUG_LOAD_SCALE:-5}" --env NLFUZZ_COUNT=200 \
	${FIGURES:+--figures "$FIGURES"} > "$OUT.log" 2>&1
rc=$?
cat "$OUT.log"
counts "$OUT.log" "$rc"

# KUnit's own parser over the KTAP the guest printed. On 6.1 a module's suites come without the
# top-level header the executor prints for built-in ones: add it there, one plan entry a suite.
KUNIT_PY=${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon/linux-source-$SERIES/tools/testing/kunit/kunit.py
ktap=$(sed -n '/@@KTAP-BEGIN/,/@@KTAP-END/{/@@KTAP/!p}' "$OUT"/main*.console.log 2>/dev/null)
suites=$(printf '%s\n' "$ktap" | grep -cE '^(not )?ok [0-9]+ ')
if [ -z "$ktap" ]; then
	result kunit-parse FAIL "no KTAP output in the console logs"
elif out=$({ printf '%s\n' "$ktap" | grep -q '^KTAP version' ||
	{ echo "KTAP version 1"; echo "1..$suites"; }; printf '%s\n' "$ktap"; } |
	python3 "$KUNIT_PY" parse 2>&1) &&
	echo "$out" | grep -q 'Testing complete. Ran [1-9][0-9]* tests: passed: [0-9]*$'; then
	echo "$out" | tail -n 3
	result kunit-parse PASS "$(echo "$out" | grep -o 'Ran [0-9]* tests.*' | tail -n 1)"
else
	echo "$out" | tail -n 20
	result kunit-parse FAIL "kunit.py parse reported failures"
fi
finish
