#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build a sysrqmon debug kernel (issue 13): Debian's linux-source-SERIES, `make tinyconfig`
# (x86_64) plus tests/kernel/debug.config (KASAN, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak,
# KUnit, ...), the series' own debug-SERIES.config (symbols renamed between series) and,
# for VARIANT rt, rt.config (PREEMPT_RT), built out of tree into
#   ${XDG_CACHE_HOME:-~/.cache}/sysrqmon/debug-kernel/<key>/
# where <key> is the source package version, the variant and a hash of the fragments and of
# this script: it is rebuilt only when one of them changes, otherwise it returns at once.
#
# The directory is a kernel build tree (KDIR) ready for external modules:
#   make -C /work/main KDIR=<dir> module          (or make -C <dir> M=/work/main modules)
# and holds the image to boot:
#   python3 tests/qemu/run.py --kernel <dir>/arch/x86/boot/bzImage --module module/sysrqmon.ko
#
# Usage: tests/kernel/build-debug-kernel.sh [-v] [SERIES [VARIANT]]
#   SERIES 6.1 (default) or 6.12; VARIANT debug (default) or rt; -v streams the build output
# Progress goes to stderr, the build log to <dir>/build.log; the last line on stdout is <dir>.
set -eu

VERBOSE=0
[ "${1:-}" = -v ] && VERBOSE=1 && shift
SERIES=${1:-6.1}
VARIANT=${2:-debug}

say() { echo "build-debug-kernel: $*" >&2; }
die() { say "error: $*"; exit 1; }

HERE=$(cd "$(dirname "$0")" && pwd)
FRAGMENTS="$HERE/debug.config $HERE/debug-$SERIES.config"
case $VARIANT in
debug) ;;
rt) FRAGMENTS="$FRAGMENTS $HERE/rt.config" ;;
*) die "unknown variant '$VARIANT' (debug or rt)" ;;
esac
SELF=$HERE/$(basename "$0")
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon
SRC_PKG=linux-source-$SERIES
SRC_TAR=/usr/src/linux-source-$SERIES.tar.xz
SRC=$CACHE/linux-source-$SERIES
SRC_STAMP=$SRC/.sysrqmon-source-version
BUILD_DEPS="gcc make flex bison bc libelf-dev xz-utils $SRC_PKG"

# --- build dependencies (Debian packages)
# shellcheck disable=SC2086 # a list of package names
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $BUILD_DEPS 2>/dev/null |
	awk '$NF == "installed" { print $1 }')
missing=""
for p in $BUILD_DEPS; do
	printf '%s\n' "$installed" | grep -qx "$p" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	[ "$(id -u)" -eq 0 ] || die "missing packages; run as root or install: $missing"
	say "installing $missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
[ -r "$SRC_TAR" ] || die "$SRC_TAR not found (package $SRC_PKG)"
for f in $FRAGMENTS; do
	[ -r "$f" ] || die "$f not found (series $SERIES)"
done

VERSION=$(dpkg-query -W -f='${Version}' "$SRC_PKG")
# shellcheck disable=SC2086 # a list of paths without blanks
HASH=$(cat $FRAGMENTS "$SELF" | sha256sum | cut -c1-16)
KEY=$(printf '%s' "$VERSION" | tr -c 'A-Za-z0-9.+_-' '_')-$VARIANT-$HASH
TOP=$CACHE/debug-kernel
KDIR=$TOP/$KEY
DONE=$KDIR/.sysrqmon-debug-kernel-done
BZIMAGE=$KDIR/arch/x86/boot/bzImage

if [ -f "$DONE" ] && [ -f "$BZIMAGE" ] && [ -f "$KDIR/Module.symvers" ]; then
	say "up to date: $KEY"
	echo "$KDIR"
	exit 0
fi

mkdir -p "$TOP"
exec 9>"$TOP/.lock"
if command -v flock >/dev/null 2>&1; then
	flock 9 || die "cannot lock $TOP/.lock"
fi
# Another run may have finished it while we waited for the lock.
if [ -f "$DONE" ] && [ -f "$BZIMAGE" ] && [ -f "$KDIR/Module.symvers" ]; then
	echo "$KDIR"
	exit 0
fi

# --- the source tree, unpacked once per package version (swapped in whole, never half)
if [ "$(cat "$SRC_STAMP" 2>/dev/null)" != "$VERSION" ]; then
	say "unpacking $SRC_TAR ($SRC_PKG $VERSION) into $SRC"
	tmp=$CACHE/.$SRC_PKG.new.$$
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -xJf "$SRC_TAR" -C "$tmp" --strip-components=1 ||
		{ rm -rf "$tmp"; die "cannot unpack $SRC_TAR"; }
	printf '%s\n' "$VERSION" > "$tmp/.sysrqmon-source-version"
	if [ -e "$SRC" ]; then
		mv "$SRC" "$CACHE/.$SRC_PKG.old.$$"
	fi
	mv "$tmp" "$SRC"
	rm -rf "$CACHE/.$SRC_PKG.old.$$"
fi
# An out-of-tree build needs a clean source tree.
if [ -e "$SRC/.config" ] || [ -e "$SRC/include/config" ]; then
	die "$SRC has an in-tree build (.config); remove $SRC to unpack it again"
fi

# --- configure: tinyconfig + the fragments, then check they survived olddefconfig
mkdir -p "$KDIR"
rm -f "$DONE"
LOG=$KDIR/build.log
: > "$LOG"
if [ "$VERBOSE" -eq 1 ]; then
	kmake() {
		{ make -C "$SRC" O="$KDIR" ARCH=x86_64 "$@" 2>&1; echo "rc=$?"; } |
			tee -a "$LOG" >&2
		[ "$(tail -n 1 "$LOG")" = rc=0 ]
	}
else
	kmake() { make -C "$SRC" O="$KDIR" ARCH=x86_64 "$@" >> "$LOG" 2>&1; }
fi
fail_log() { tail -n 60 "$LOG" >&2; die "$1 failed; full log: $LOG"; }

# The fragments merged in order, the last setting of a symbol winning (rt.config turns
# debug.config's voluntary preemption into PREEMPT_RT): what the .config must end up with.
WANT=$KDIR/sysrqmon-debug.config
# shellcheck disable=SC2086
sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1 &/p; s/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1 &/p' \
	$FRAGMENTS | awk '{ sym = $1; sub(/^[^ ]* /, ""); if (!(sym in want)) order[n++] = sym
		want[sym] = $0 } END { for (i = 0; i < n; i++) print want[order[i]] }' > "$WANT"

say "configuring $KEY (tinyconfig + $FRAGMENTS)"
kmake tinyconfig || fail_log "make tinyconfig"
"$SRC/scripts/kconfig/merge_config.sh" -m -O "$KDIR" "$KDIR/.config" "$WANT" \
	>> "$LOG" 2>&1 || fail_log "merge_config.sh"
kmake olddefconfig || fail_log "make olddefconfig"

bad=""
for line in $(grep -E '^CONFIG_[A-Za-z0-9_]+=' "$WANT" | tr -d ' '); do
	grep -qxF "$line" "$KDIR/.config" || bad="$bad $line"
done
# shellcheck disable=SC2013 # one symbol per line, no blanks
for sym in $(sed -n 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1/p' "$WANT"); do
	if grep -q "^$sym=" "$KDIR/.config"; then
		bad="$bad $(grep "^$sym=" "$KDIR/.config")(want-unset)"
	fi
done
if [ -n "$bad" ]; then
	for b in $bad; do
		have=$(grep -E "^(# )?${b%%=*}[= ]" "$KDIR/.config" || echo "absent")
		say "not in .config: $b (have: $have)"
	done
	die "fragment lines lost by olddefconfig (unmet dependencies?); .config: $KDIR/.config"
fi

# --- build: the image, vmlinux's Module.symvers and everything external modules need
JOBS=$(nproc 2>/dev/null || echo 2)
say "building bzImage and modules with -j$JOBS (log: $LOG); this takes a while"
start=$(date +%s)
kmake -j"$JOBS" bzImage modules || fail_log "make bzImage modules"
kmake modules_prepare || fail_log "make modules_prepare"
[ -f "$BZIMAGE" ] || die "no $BZIMAGE after the build"
[ -f "$KDIR/Module.symvers" ] || die "no Module.symvers after the build"
printf 'source %s %s\nkernelrelease %s\nbuilt in %ss\n' "$SRC_PKG" "$VERSION" \
	"$(cat "$KDIR/include/config/kernel.release")" "$(($(date +%s) - start))" > "$DONE"
ln -sfn "$KEY" "$TOP/latest-$SERIES-$VARIANT"
say "built $(cat "$KDIR/include/config/kernel.release") in $(($(date +%s) - start)) s"
echo "$KDIR"
