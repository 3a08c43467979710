#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make matrix: the whole QEMU suite on each of the nine kernels of the supported set, the
# suite on the 6.1, 6.12 and 6.12 PREEMPT_RT debug kernels, and sysrqmon-dkms installed in a
# real Debian 12 and Debian 13 root (tests/dkms-root.sh), and the packages on a booted Debian 12
# and Debian 13 host, systemd as PID 1 (tests/host.sh). Each cell's row is kept
# under ${XDG_CACHE_HOME:-~/.cache}/sysrqmon/matrix/<tree>/, where <tree> names the commit
# (and a hash of uncommitted changes): a run resumes where an earlier one stopped, cell by
# cell, so it can be finished across sessions. A failed cell runs again.
# Ends with the table (kernel, flavour, phase, passed, failed, seconds) and "N passed,
# M failed"; RECORD=1 also writes the table into docs/testing.md and the README.
# Usage: tests/matrix.sh [CELL...]    (default: every cell; CELL as printed by -l)
set -u
cd "$(dirname "$0")/.." || exit 1
CELLS='bookworm:linux-headers-amd64 bookworm:linux-headers-cloud-amd64
bookworm:linux-headers-rt-amd64 bookworm:linux-headers-6.12-amd64
bookworm:linux-headers-6.12-cloud-amd64 bookworm:linux-headers-6.12-rt-amd64
trixie:linux-headers-amd64 trixie:linux-headers-cloud-amd64 trixie:linux-headers-rt-amd64
debug:6.1:debug debug:6.12:debug debug:6.12:rt dkms:bookworm dkms:trixie host:bookworm
host:trixie'
if [ "${1:-}" = -l ]; then
	echo "$CELLS" | tr ' ' '\n'
	exit 0
fi
[ $# -gt 0 ] && CELLS=$*

tree=$(git rev-parse --short=12 HEAD)
if ! git diff --quiet HEAD; then
	tree=$tree-$(git diff HEAD | sha256sum | cut -c1-8)
fi
STATE=${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon/matrix/$tree
mkdir -p "$STATE"

# run_cell CELL: its row "kernel flavour phase passed failed seconds" into $STATE/CELL.row,
# its output into $STATE/CELL.log.
run_cell() {
	start=$(date +%s)
	case $1 in
	debug:*)
		series=$(echo "$1" | cut -d: -f2)
		variant=$(echo "$1" | cut -d: -f3)
		tests/debug.sh "$series" "$variant" > "$STATE/$1.log" 2>&1
		rc=$?
		kernel=linux-source-$series flavour=$variant phase=debug-kernel
		;;
	dkms:*)
		tests/dkms-root.sh "${1#dkms:}" > "$STATE/$1.log" 2>&1
		rc=$?
		kernel="${1#dkms:}-root" flavour=all phase=dkms-root
		;;
	host:*)
		tests/host.sh "${1#host:}" > "$STATE/$1.log" 2>&1
		rc=$?
		kernel="${1#host:}-host" flavour=amd64 phase=host
		;;
	*)
		meta=${1#*:}
		SMOKE_CASES=all tests/smoke-kernel.sh "$meta" "${1%%:*}" > "$STATE/$1.log" 2>&1
		rc=$?
		kernel=$(sed -n 's/^smoke: kernel \(.*\)$/\1/p' "$STATE/$1.log" | tail -n 1)
		flavour=$(echo "$meta" | sed -n 's/.*-\(cloud\|rt\)-amd64$/\1/p')
		flavour=${flavour:-amd64} phase=qemu
		;;
	esac
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$STATE/$1.log" | tail -n 1)
	p=$(echo "$line" | cut -d' ' -f1)
	f=$(echo "$line" | cut -d' ' -f3)
	[ -n "$line" ] || { p=0 f=1; }
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	printf '%-22s %-8s %-13s %6s %6s %7s\n' "${kernel:-?}" "$flavour" "$phase" "$p" "$f" \
		"$(($(date +%s) - start))" > "$STATE/$1.row"
}

for cell in $CELLS; do
	row=$STATE/$cell.row
	if [ -f "$row" ] && [ "$(awk '{ print $5 }' "$row")" = 0 ]; then
		echo "matrix: $cell: done earlier for $tree"
		continue
	fi
	echo "matrix: $cell: running (log: $STATE/$cell.log)"
	run_cell "$cell"
	cat "$row"
done

table=$(printf '%-22s %-8s %-13s %6s %6s %7s\n' kernel flavour phase passed failed seconds
	for cell in $CELLS; do cat "$STATE/$cell.row" 2>/dev/null; done)
passed=$(echo "$table" | awk 'NR > 1 { n += $4 } END { print n + 0 }')
failed=$(echo "$table" | awk 'NR > 1 { n += $5 } END { print n + 0 }')
cells=$(echo "$table" | awk 'NR > 1' | wc -l)
missing=$(($(echo "$CELLS" | wc -w) - cells))
if [ "${RECORD:-0}" = 1 ]; then
	python3 tests/record-matrix.py "$tree" "$STATE" "$CELLS"
fi
echo
echo "$table"
[ "$missing" -eq 0 ] || echo "matrix: $missing cell(s) without a result"
echo "$passed passed, $((failed + missing)) failed"
[ "$failed" -eq 0 ] && [ "$missing" -eq 0 ]
