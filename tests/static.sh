#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Static checks: checkpatch --strict on every module, header and tool
# source, sparse over the module, and the stack above a hooked function
# (tests/stack-usage.py, at most 512 bytes). Prints one result line per check.
# Usage: tests/static.sh KDIR
set -u
cd "$(dirname "$0")/.."
KDIR=$1

# checkpatch comes from Debian's linux-source tarball, unpacked once.
SRC_TAR=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null)
CP_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon/checkpatch CP=$CP_DIR/scripts/checkpatch.pl
if [ ! -x "$CP" ] || [ "$SRC_TAR" -nt "$CP" ]; then
	mkdir -p "$CP_DIR"
	s=linux-source-6.1/scripts
	tar -xJf "$SRC_TAR" -C "$CP_DIR" --strip-components=1 \
		$s/checkpatch.pl $s/spelling.txt $s/const_structs.checkpatch || exit 1
	touch "$CP"
fi

SUITE=static
. tests/result.sh
# clean NAME OUTPUT: NAME passes when the check printed nothing; its output is shown otherwise.
clean() { [ -z "$2" ] || echo "$2"; expect "$1" "" "" [ -z "$2" ]; }

files=$(git ls-files 'module/*.c' 'module/*.h' 'include/*.h' 'tools/*.c' \
	'tools/*.h' 'tests/module/*.c' 2>/dev/null)
[ -n "$files" ] || files=$(ls module/*.c module/*.h include/uapi/*.h tools/*.c tools/*.h)
# shellcheck disable=SC2086 # a list of paths without blanks
clean checkpatch "$(perl "$CP" --strict --no-tree --quiet \
	--ignore FILE_PATH_CHANGES -f $files 2>&1)"
# (kbuild's own lines filtered out: then a failed build must still count.)
out=$(make -s -C "$KDIR" M="$PWD" C=2 CHECK=sparse modules 2>&1) || out="$out
sparse: the build failed"
clean sparse "$(echo "$out" | grep -vE 'Skipping BTF|^make|^\s')"

# Stack above a hooked function: gcc's call graph with frame sizes (-fcallgraph-info=su),
# summed along the longest path from each hook callback (tests/stack-usage.py: its status).
tmp=$(mktemp -d)
out=$(KCFLAGS=-fcallgraph-info=su tests/kbuild.sh "$KDIR" "$tmp" 2>&1) &&
	out=$(python3 tests/stack-usage.py --limit 512 ${STACK_VERBOSE:+--verbose} "$tmp/module")
stack=$?
rm -rf "$tmp"
echo "$out" | tail -n 1
[ "$stack" -eq 0 ] || echo "$out"
expect stack-usage "" "" [ "$stack" -eq 0 ]
finish
