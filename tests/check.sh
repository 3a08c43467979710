#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check: every phase, each timed; the last line sums their results as
# "N passed, M failed". Exit status non-zero on any failure.
# Usage: tests/check.sh KDIR
# RECORD_FIGURES=1 also writes the QEMU figures of both kernels into
# docs/testing.md (section "Latest figures: make check").
set -u
cd "$(dirname "$0")/.."
KDIR=$1
LOG=${TMPDIR:-/tmp}/sysrqmon-check.$$
mkdir -p "$LOG"
trap 'rm -rf "$LOG"' EXIT

total_pass=0
total_fail=0
table=""

# phase NAME CMD...: run CMD, show its output, take its "N passed, M failed"
# line (or count 1 pass / 1 fail by exit status when it prints none).
phase() {
	name=$1
	shift
	start=$(date +%s)
	"$@" > "$LOG/$name" 2>&1
	rc=$?
	cat "$LOG/$name"
	secs=$(($(date +%s) - start))
	line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$LOG/$name" | tail -n 1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed.*/\2/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	elif [ "$rc" -eq 0 ]; then
		p=1 f=0
	else
		p=0 f=1
	fi
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	table="$table$(printf '%-14s %6ss  %4s passed %4s failed' "$name" "$secs" "$p" "$f")
"
}

phase build-module make -s module KDIR="$KDIR"
phase build-tools make -s tools
phase static tests/static.sh "$KDIR"
phase unit make -s -C tools check
phase install tests/install.sh "$KDIR"
if [ -f module/sysrqmon.ko ]; then
	phase qemu python3 tests/qemu/run.py --all --module module/sysrqmon.ko \
		--tool tools/sysrqmonctl --figures "$LOG/debian.fig"
	echo "debian: $p passed, $f failed" >> "$LOG/results"
	phase qemu-6.12 tests/smoke-kernel.sh linux-headers-6.12-amd64
	phase dkms tests/dkms.sh "$KDIR"
	phase deb tests/deb.sh "$KDIR"
	phase bench-smoke python3 tests/bench/bench.py --smoke \
		--module module/sysrqmon.ko --tool tools/sysrqmonctl
fi
export FIGURES="$LOG/debug.fig"
phase debug-kernel tests/debug.sh
echo "debug: $p passed, $f failed" >> "$LOG/results"
if [ "${RECORD_FIGURES:-0}" = 1 ]; then
	python3 tests/record-figures.py docs/testing.md check "$LOG" \
		"\`make check\` (LOAD_SCALE 100 on Debian's kernel, 5 on the debug kernel)"
fi

echo
echo "phase           time   results"
printf '%s' "$table"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
