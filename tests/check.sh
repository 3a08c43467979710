#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check: every phase, each timed; the last line sums their results as
# "N passed, M failed". Exit status non-zero on any failure.
# Usage: tests/check.sh KDIR
# RECORD_FIGURES=1 also writes the QEMU figures of both kernels into
# docs/testing.md (section "Latest figures: make check"). The two cells of make matrix it
# runs in full count for the matrix too (tests/matrix.sh --row; RECORD=1 records them).
set -u
cd "$(dirname "$0")/.." || exit 1
KDIR=$1
LOG=${TMPDIR:-/tmp}/sysrqmon-check.$$
mkdir -p "$LOG"
trap 'rm -rf "$LOG"' EXIT

table=""
. tests/result.sh

# phase KERNEL FLAVOUR NAME CMD...: run CMD, show its output, count its "N passed, M failed"
# (counts in tests/result.sh); KERNEL and FLAVOUR say which kernel the phase tests ("-" for
# none) in the table printed at the end. KERNEL "smoke" takes the release
# tests/smoke-kernel.sh found for its metapackage.
phase() {
	kernel=$1 flavour=$2 name=$3
	shift 3
	start=$(date +%s)
	"$@" > "$LOG/$name" 2>&1
	rc=$?
	cat "$LOG/$name"
	secs=$(($(date +%s) - start))
	if [ "$kernel" = smoke ]; then
		kernel=$(sed -n 's/^smoke: kernel \(.*\)$/\1/p' "$LOG/$name" | tail -n 1)
		kernel=${kernel:-?}
	fi
	counts "$LOG/$name" "$rc"
	passed=$((passed + p))
	failed=$((failed + f))
	table="$table$(row "$kernel" "$flavour" "$name" "$p" "$f" "$secs")
"
}

KREL=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$KDIR/include/generated/utsrelease.h" 2>/dev/null)
KVER=${KREL%-amd64}
phase - - build-module make -s module KDIR="$KDIR"
phase - - build-tools make -s tools
phase - - static tests/static.sh "$KDIR"
phase - - unit make -s -C tools check
phase - - fresh tests/fresh.sh
phase "$KVER" amd64 install tests/install.sh "$KDIR"
if [ -f module/sysrqmon.ko ]; then
	phase "$KVER" amd64 qemu python3 tests/qemu/run.py --all --module module/sysrqmon.ko \
		--tool tools/sysrqmonctl --figures "$LOG/debian.fig"
	echo "debian: $p passed, $f failed" >> "$LOG/results"
	tests/matrix.sh --row bookworm:linux-headers-amd64 "$LOG/qemu" "$secs" "$KVER"
	# The whole suite on Debian 13's 6.12 too (built in a trixie root), and the smoke set
	# (tests/smoke-kernel.sh) on the other seven kernels of the supported set.
	phase smoke amd64 qemu env SMOKE_CASES=all tests/smoke-kernel.sh linux-headers-amd64 trixie
	tests/matrix.sh --row trixie:linux-headers-amd64 "$LOG/qemu" "$secs"
	for target in bookworm:linux-headers-cloud-amd64 bookworm:linux-headers-rt-amd64 \
		bookworm:linux-headers-6.12-amd64 bookworm:linux-headers-6.12-cloud-amd64 \
		bookworm:linux-headers-6.12-rt-amd64 \
		trixie:linux-headers-cloud-amd64 trixie:linux-headers-rt-amd64; do
		meta=${target#*:}
		flavour=$(echo "$meta" | sed -n 's/.*-\(cloud\|rt\)-amd64$/\1/p')
		phase smoke "${flavour:-amd64}" smoke tests/smoke-kernel.sh "$meta" "${target%%:*}"
	done
	phase "$KVER" amd64 dkms tests/dkms.sh "$KDIR"
	phase "$KVER" amd64 deb tests/deb.sh "$KDIR"
	# bench-smoke boots both series, 6.1 and 6.12 (its module built against 6.12 on the way).
	phase "$KVER+6.12" amd64 bench-smoke python3 tests/bench/bench.py --smoke \
		--module module/sysrqmon.ko --tool tools/sysrqmonctl
fi
# The packages in a booted Debian 12 root, systemd as PID 1: install, start, one event
# through the journal and node_exporter, purge (tests/host.sh; the full run is in make matrix).
phase bookworm-host amd64 host-smoke tests/host.sh bookworm --smoke
export FIGURES="$LOG/debug.fig"
# The debug kernel runs everything but the evasion matrix's two longest cases (write paths and
# descriptor kinds: the same hooks as the rest, and 6.1 and Debian 13 run them above); make
# matrix runs them there too.
phase linux-source-6.12 debug debug-kernel env DEBUG_SKIP=adv-paths,adv-fds \
	tests/debug.sh 6.12 debug
echo "debug: $p passed, $f failed" >> "$LOG/results"
if [ "${RECORD_FIGURES:-0}" = 1 ]; then
	python3 tests/record-figures.py docs/testing.md check "$LOG" \
		"\`make check\` (LOAD_SCALE 100 on Debian's kernel, 5 on the debug kernel)"
fi

echo
row kernel flavour phase passed failed seconds
printf '%s' "$table"
finish
