#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make matrix: every cell of the supported set (docs/testing.md: what each cell runs, how a
# cell's result is kept per tested tree and resumed, and what RECORD=1 writes).
# Usage: tests/matrix.sh [CELL...]    (default: every cell; CELL as printed by -l)
#        tests/matrix.sh --row CELL LOG SECONDS [KERNEL]   (a cell that ran elsewhere)
set -u
cd "$(dirname "$0")/.." || exit 1
CELLS='bookworm:linux-headers-amd64 bookworm:linux-headers-cloud-amd64
bookworm:linux-headers-rt-amd64 bookworm:linux-headers-6.12-amd64
bookworm:linux-headers-6.12-cloud-amd64 bookworm:linux-headers-6.12-rt-amd64
trixie:linux-headers-amd64 trixie:linux-headers-cloud-amd64 trixie:linux-headers-rt-amd64
debug:6.1:debug debug:6.12:debug debug:6.12:rt dkms:bookworm dkms:trixie host:bookworm
host:trixie'
CELLS_FILE=docs/matrix-cells.txt
if [ "${1:-}" = -l ]; then
	echo "$CELLS" | tr ' ' '\n'
	exit 0
fi

# The tested tree: the tracked files a cell runs, builds or installs, as committed and as changed.
# Not the docs, nor what only make check, bench and stress run: editing those keeps the results.
tested=$(git ls-tree -r --name-only HEAD | grep -vE '^(docs/|README\.md$|tests/bench/|'\
'tests/(check|stress|static|install|fresh|deb|dkms)\.sh$|tests/(stack-usage|record)\.py$)')
# shellcheck disable=SC2086 # paths without blanks
tree=$(git ls-tree -r HEAD -- $tested | sha256sum | cut -c1-12)
# shellcheck disable=SC2086
if ! git diff --quiet HEAD -- $tested; then
	tree=$tree-$(git diff HEAD -- $tested | sha256sum | cut -c1-8)
fi
STATE=${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon/matrix/$tree
mkdir -p "$STATE"

. tests/result.sh
# cell_row CELL LOG RC SECONDS [KERNEL]: the cell's row "kernel flavour phase passed failed
# seconds" from its log (counts in tests/result.sh), into $STATE/CELL.row.
cell_row() {
	kernel=${5:-$(sed -n 's/^smoke: kernel //p' "$2" | tail -n 1)}
	flavour=$(flavour "$1") phase=qemu
	case $1 in
	debug:*) kernel=linux-source-$(echo "$1" | cut -d: -f2) flavour=${1##*:}
		phase=debug-kernel ;;
	dkms:*) kernel=${1#dkms:}-root flavour=all phase=dkms-root ;;
	host:*) kernel=${1#host:}-host flavour=amd64 phase=host ;;
	esac
	counts "$2" "$3"
	row "${kernel:-?}" "$flavour" "$phase" "$p" "$f" "$4" > "$STATE/$1.row"
	record "$1"
}

# record CELL: with RECORD=1, CELL's row into $CELLS_FILE with this tree, commit and date.
record() {
	[ "${RECORD:-0}" = 1 ] || return 0
	{ grep -v "^$1 " "$CELLS_FILE" 2>/dev/null
	  echo "$1 $tree $(git rev-parse --short=12 HEAD) $(date -u +%F) $(cat "$STATE/$1.row")"
	} | sort > "$CELLS_FILE.new" && mv "$CELLS_FILE.new" "$CELLS_FILE"
}

# run_cell CELL: the cell's own script.
# shellcheck disable=SC2317 # run by timed
run_cell() {
	case $1 in
	debug:*) tests/debug.sh "$(echo "$1" | cut -d: -f2)" "${1##*:}" ;;
	dkms:*) tests/dkms-root.sh "${1#dkms:}" ;;
	host:*) tests/host.sh "${1#host:}" ;;
	*) SMOKE_CASES=all tests/smoke-kernel.sh "${1#*:}" "${1%%:*}" ;;
	esac
}

if [ "${1:-}" = --row ]; then
	cell_row "$2" "$3" 0 "$4" "${5:-}"
	exit 0
fi
[ $# -gt 0 ] && CELLS=$*

for cell in $CELLS; do
	done_row=$STATE/$cell.row
	# A row a session on another machine recorded for this tested tree counts as done.
	[ -s "$done_row" ] || awk -v c="$cell" -v t="$tree" '$1 == c && $2 == t && $9 == 0 {
		sub(/^[^ ]+ [^ ]+ [^ ]+ [^ ]+ /, ""); print
	}' "$CELLS_FILE" > "$done_row" 2>/dev/null
	if [ "$(awk '{ print $5 }' "$done_row")" = 0 ]; then
		echo "matrix: $cell: done earlier for $tree"
		# A cell make check ran (tests/check.sh) is in the cache only: record it too.
		grep -q "^$cell $tree " "$CELLS_FILE" 2>/dev/null || record "$cell"
		continue
	fi
	echo "matrix: $cell: running (log: $STATE/$cell.log)"
	timed "$STATE/$cell.log" run_cell "$cell"
	cell_row "$cell" "$STATE/$cell.log" "$rc" "$secs"
	cat "$done_row"
done

table=$(row kernel flavour phase passed failed seconds
	for cell in $CELLS; do cat "$STATE/$cell.row" 2>/dev/null; done)
# shellcheck disable=SC2046 # three numbers
set -- $(echo "$table" | awk 'NR > 1 { p += $4; f += $5 } END { print p + 0, f + 0, NR - 1 }')
missing=$(($(echo "$CELLS" | wc -w) - $3))
if [ "${RECORD:-0}" = 1 ]; then
	python3 tests/record.py matrix "$CELLS_FILE" "$(tests/matrix.sh -l | tr '\n' ' ')"
fi
echo
echo "$table"
[ "$missing" -eq 0 ] || echo "matrix: $missing cell(s) without a result"
passed=$1 failed=$(($2 + missing))
finish
