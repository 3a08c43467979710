#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The smoke set (docs/testing.md: what it covers, SMOKE_CASES) on another Debian kernel: META's
# current ABI fetched (tests/kernels.sh), the module built against it out of the source tree,
# the cases booted; ends with run.py's "N passed, M failed".
# Usage: tests/smoke-kernel.sh [META [RELEASE]]   (default linux-headers-6.12-amd64 bookworm)
set -u
cd "$(dirname "$0")/.." || exit 1
META=${1:-linux-headers-6.12-amd64}
RELEASE=${2:-bookworm}
SMOKE='load,sysctl,trigger,identity,console,unload,deny-trigger,deny-sysctl,deny-inject,integrity-deny,integrity-gone,lock'
SUITE=smoke
. tests/result.sh

{ kdir=$(tests/kernels.sh kdir "$META" "$RELEASE" | tail -n 1) && [ -d "$kdir" ]; } ||
	abort fetch "cannot fetch the kernel tree of $META ($RELEASE)"
echo "smoke: kernel $(basename "$kdir" | sed 's/^linux-headers-//; s/-\(cloud-\|rt-\)\{0,1\}amd64$//')"
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
tests/kbuild.sh "$kdir" "$build/src" > "$build/log" 2>&1 ||
	{ cat "$build/log"; abort build "the module does not build against $kdir"; }
out=tests/qemu/out-$(basename "$kdir" | sed 's/^linux-headers-//')
case ${SMOKE_CASES:-} in
all) set -- --all ;;
*) set -- --cases "${SMOKE_CASES:-$SMOKE}" ;;
esac
python3 tests/qemu/run.py "$@" --module "$build/src/module/sysrqmon.ko" \
	--tool tools/sysrqmonctl --kdir "$kdir" --out-dir "$out"
