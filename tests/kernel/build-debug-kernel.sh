#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build a sysrqmon debug kernel (issue 13) from Debian's linux-source-SERIES, cached by the
# source version and the resolved .config: docs/testing.md, "The debug kernels".
# Usage: tests/kernel/build-debug-kernel.sh [-v] [SERIES [VARIANT]]   (6.1 or 6.12; debug or rt)
# -v streams the build output; the last line on stdout is the kernel build tree (KDIR).
set -eu

exec 3>/dev/null
[ "${1:-}" = -v ] && exec 3>&2 && shift
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
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon
SRC_PKG=linux-source-$SERIES
SRC=$CACHE/$SRC_PKG
TOP=$CACHE/debug-kernel
DEPS_PACKAGES="gcc make flex bison bc libelf-dev xz-utils $SRC_PKG" "$HERE/../deps.sh" >&2 ||
	die "missing build dependencies"
VERSION=$(dpkg-query -W -f='${Version}' "$SRC_PKG")

# One build or source unpack at a time; a run that finds its kernel built does not wait.
mkdir -p "$TOP"
exec 9>"$TOP/.lock"
lock() { flock 9 || die "cannot lock $TOP/.lock"; }

# The source tree, unpacked once per package version (swapped in whole, never half).
source_current() { [ "$(cat "$SRC/.sysrqmon-source-version" 2>/dev/null)" = "$VERSION" ]; }
unpack_source() {
	say "unpacking /usr/src/$SRC_PKG.tar.xz ($VERSION) into $SRC"
	rm -rf "$SRC.new" "$SRC.old"
	mkdir -p "$SRC.new"
	tar -xJf "/usr/src/$SRC_PKG.tar.xz" -C "$SRC.new" --strip-components=1 ||
		die "cannot unpack /usr/src/$SRC_PKG.tar.xz"
	printf '%s\n' "$VERSION" > "$SRC.new/.sysrqmon-source-version"
	[ ! -e "$SRC" ] || mv "$SRC" "$SRC.old"
	mv "$SRC.new" "$SRC"
	rm -rf "$SRC.old"
}
source_current || { lock; source_current || unpack_source; }

# make in $SRC, out of tree into $OUT (kbuild refuses a source tree with an in-tree build).
kmake() {
	{ make -C "$SRC" O="$OUT" ARCH=x86_64 "$@" 2>&1; echo "rc=$?"; } |
		tee -a "$OUT/build.log" >&3
	[ "$(tail -n 1 "$OUT/build.log")" = rc=0 ] || fail_log "make $*"
}
fail_log() { tail -n 60 "$OUT/build.log" >&2; die "$1 failed; full log: $OUT/build.log"; }

# --- configure (seconds) in a scratch directory, left there if it fails: tinyconfig, the
# fragments merged in order by the kernel's merge_config.sh, olddefconfig
SCRATCH=$(mktemp -d)
OUT=$SCRATCH
say "configuring $SERIES $VARIANT (tinyconfig + $FRAGMENTS) in $OUT"
kmake tinyconfig
# shellcheck disable=SC2086
"$SRC/scripts/kconfig/merge_config.sh" -m -O "$OUT" "$OUT/.config" $FRAGMENTS \
	>> "$OUT/build.log" 2>&1 || fail_log "merge_config.sh"
kmake olddefconfig
# Fragment lines lost by olddefconfig (unmet dependencies, renamed symbols), the last setting
# of a symbol winning; a symbol they unset may also be absent (its menu is off).
# shellcheck disable=SC2086 # a list of paths without blanks
lost=$(awk '!/^(# )?CONFIG_/ { next }
	{ match($0, /CONFIG_[A-Za-z0-9_]+/); sym = substr($0, RSTART, RLENGTH) }
	NR == FNR { have[sym] = $0; next }
	{ want[sym] = $0 }
	END { for (s in want) if (have[s] != want[s] && (want[s] ~ /=/ || have[s] ~ /=/))
		print "not in .config: " want[s] " (have: " (have[s] ? have[s] : "absent") ")" }' \
	"$OUT/.config" $FRAGMENTS)
[ -z "$lost" ] || { echo "$lost" >&2; die "fragment lines lost; .config: $OUT/.config"; }

KEY=$(printf '%s' "$VERSION" | tr -c 'A-Za-z0-9.+_-' '_')-$VARIANT
KEY=$KEY-$(sha256sum < "$OUT/.config" | cut -c1-16)
KDIR=$TOP/$KEY
built() { [ -f "$KDIR/.sysrqmon-debug-kernel-done" ] && [ -f "$KDIR/Module.symvers" ] &&
	[ -f "$KDIR/arch/x86/boot/bzImage" ]; }
# --- build (an interrupted one resumes): the image, vmlinux's Module.symvers and everything
# external modules need
build() {
	mkdir -p "$KDIR"
	cp "$SCRATCH/.config" "$SCRATCH/build.log" "$KDIR/"
	OUT=$KDIR
	say "building $KEY with -j$(nproc) (log: $KDIR/build.log); this takes a while"
	start=$(date +%s)
	kmake -j"$(nproc)" bzImage modules
	kmake modules_prepare
	release=$(cat "$KDIR/include/config/kernel.release")
	printf 'source %s %s\nkernelrelease %s\nbuilt in %ss\n' "$SRC_PKG" "$VERSION" "$release" \
		"$(($(date +%s) - start))" > "$KDIR/.sysrqmon-debug-kernel-done"
	built || die "no bzImage or Module.symvers after the build"
	ln -sfn "$KEY" "$TOP/latest-$SERIES-$VARIANT"
	say "built $release in $(($(date +%s) - start)) s"
}
built || lock # another run may have built it while we waited
built || build
rm -rf "$SCRATCH"
echo "$KDIR"
