#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check: every phase, each timed; the last line sums their results as "N passed, M failed"
# (exit status non-zero on any failure). Usage: tests/check.sh KDIR. RECORD_FIGURES=1 and the
# two cells of make matrix it runs in full (tests/matrix.sh --row): docs/testing.md.
set -u
cd "$(dirname "$0")/.." || exit 1
KDIR=$1
LOG=$(mktemp -d "${TMPDIR:-/tmp}/sysrqmon-check.XXXXXX")
trap 'rm -rf "$LOG"' EXIT

. tests/result.sh

# count_phase KERNEL FLAVOUR NAME [FILE]: show the output of a phase run `timed` (FILE, default
# NAME), count its "N passed, M failed" (counts in tests/result.sh) and keep its failures for
# the end; KERNEL and FLAVOUR say which kernel the phase tests ("-" for none) in the table
# printed at the end. KERNEL "smoke" takes the release tests/smoke-kernel.sh found.
count_phase() {
	kernel=$1 flavour=$2 name=$3 file=$LOG/${4:-$3}
	cat "$file"
	read -r rc secs < "$file.time"
	[ "$kernel" != smoke ] || kernel=$(sed -n 's/^smoke: kernel //p' "$file" | tail -n 1)
	counts "$file" "$rc"
	row "${kernel:-?}" "$flavour" "$name" "$p" "$f" "$secs" >> "$LOG/table"
	grep -E '^FAIL |^[A-Za-z0-9-]+: [^ ]+ FAIL ' "$file" | awk '!seen[$0]++' |
		cut -c1-200 | sed "s|^|${kernel:-?} $flavour $name: |" >> "$LOG/failures"
}

# phase KERNEL FLAVOUR NAME CMD...: one phase, timed and counted.
phase() {
	_kernel=$1 _flavour=$2 _name=$3
	shift 3
	timed "$LOG/$_name" "$@"
	count_phase "$_kernel" "$_flavour" "$_name"
}

# smokes "RELEASE:META..."...: tests/smoke-kernel.sh on each, one group at a time (a guest keeps
# one CPU busy, and the machines have two); the kernels are fetched first, one after the other
# (one apt state).
# shellcheck disable=SC2048,SC2086 # RELEASE:META words: no blanks, no globs
smokes() {
	for target in $*; do
		tests/kernels.sh kdir "${target#*:}" "${target%%:*}" > /dev/null 2>&1
	done
	for group; do
		for target in $group; do
			timed "$LOG/smoke-$target" \
				tests/smoke-kernel.sh "${target#*:}" "${target%%:*}" &
		done
		wait
		for target in $group; do
			count_phase smoke "$(flavour "$target")" smoke "smoke-$target"
		done
	done
}

KREL=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
	"$KDIR/include/generated/utsrelease.h" 2>/dev/null)
KVER=${KREL%-amd64}
phase - - build-module make -s module KDIR="$KDIR"
phase - - build-tools make -s tools
# bench-smoke boots both series, 6.1 and 6.12 (its module built against 6.12 on the way), in
# instruction-count mode, where the load beside it changes no figure it checks: it runs
# beside the phases up to install, which keep one core busy at most.
if [ -f module/sysrqmon.ko ]; then
	timed "$LOG/bench-smoke" python3 tests/bench/bench.py --smoke \
		--module module/sysrqmon.ko --tool tools/sysrqmonctl &
fi
phase - - static tests/static.sh "$KDIR"
phase - - unit make -s -C tools check
phase - - fresh tests/fresh.sh
phase "$KVER" amd64 install tests/install.sh "$KDIR"
wait
if [ -f module/sysrqmon.ko ]; then
	count_phase "$KVER+6.12" amd64 bench-smoke
	phase "$KVER" amd64 qemu python3 tests/qemu/run.py --all --module module/sysrqmon.ko \
		--tool tools/sysrqmonctl --figures "$LOG/debian.fig"
	echo "debian: $p passed, $f failed" >> "$LOG/results"
	tests/matrix.sh --row bookworm:linux-headers-amd64 "$LOG/qemu" "$secs" "$KVER"
	# The whole suite on Debian 13's 6.12 too (built in a trixie root), and the smoke set
	# (tests/smoke-kernel.sh) on the other seven kernels of the supported set.
	phase smoke amd64 qemu env SMOKE_CASES=all tests/smoke-kernel.sh linux-headers-amd64 trixie
	tests/matrix.sh --row trixie:linux-headers-amd64 "$LOG/qemu" "$secs"
	smokes "bookworm:linux-headers-cloud-amd64 bookworm:linux-headers-rt-amd64" \
		"bookworm:linux-headers-6.12-amd64 bookworm:linux-headers-6.12-cloud-amd64" \
		"bookworm:linux-headers-6.12-rt-amd64 trixie:linux-headers-cloud-amd64" \
		trixie:linux-headers-rt-amd64
fi
export FIGURES="$LOG/debug.fig"
# Under the checkers, each code path once: the cases that repeat a path with more variants
# ran in full on 6.1 and Debian 13 above (docs/testing.md, make check; make matrix runs them).
skip=adv-paths,adv-fds,deny-trigger,deny-keys,identity,adv-ns,comm,deny-scope
skip=$skip,netlink-status,netlink-config,integrity-monitor,deny-sysctl,adv-storm
# The debug kernel's guests leave a core idle for long stretches (the smp2 guest, the own
# boots one by one), and the package phases keep about one busy: they run side by side.
timed "$LOG/debug-kernel" env DEBUG_SKIP=$skip tests/debug.sh 6.12 debug &
if [ -f module/sysrqmon.ko ]; then
	phase "$KVER" amd64 dkms tests/dkms.sh "$KDIR"
	phase "$KVER" amd64 deb tests/deb.sh "$KDIR"
fi
# The packages in a booted Debian 12 root, systemd as PID 1: install, start, one event
# through the journal and node_exporter, purge (tests/host.sh; the full run is in make matrix).
phase bookworm-host amd64 host-smoke tests/host.sh bookworm --smoke
wait
count_phase linux-source-6.12 debug debug-kernel
echo "debug: $p passed, $f failed" >> "$LOG/results"
if [ "${RECORD_FIGURES:-0}" = 1 ]; then
	python3 tests/record.py figures docs/testing.md check "$LOG" \
		"\`make check\` (LOAD_SCALE 100 on Debian's kernel, 5 on the debug kernel)"
fi

echo
row kernel flavour phase passed failed seconds
cat "$LOG/table"
if [ -s "$LOG/failures" ]; then
	echo "failures (the first 15 of $(wc -l < "$LOG/failures")):"
	head -n 15 "$LOG/failures"
fi
finish
