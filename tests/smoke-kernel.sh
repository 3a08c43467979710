#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The smoke set on another Debian kernel: fetch META's current ABI (tests/kernels.sh),
# build the module against it out of the source tree, and boot the cases that cover load,
# each detection path, deny on each, drift restore, injected keys, lock (rmmod -f refused)
# and unload. Ends with run.py's "N passed, M failed".
# Usage: tests/smoke-kernel.sh [META]   (default linux-headers-6.12-amd64)
set -u
cd "$(dirname "$0")/.."
META=${1:-linux-headers-6.12-amd64}
SMOKE='load,sysctl,trigger,identity,console,unload,deny-trigger,deny-sysctl,deny-inject,integrity-deny,integrity-gone,lock'

if ! kdir=$(tests/kernels.sh kdir "$META" | tail -n 1) || [ ! -d "$kdir" ]; then
	echo "smoke: cannot fetch the kernel tree of $META"
	echo "0 passed, 1 failed"
	exit 1
fi
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
cp -r Kbuild VERSION include module "$build/"
find "$build" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \) -exec rm -f {} +
if ! make -s -C "$kdir" M="$build" modules > "$build/log" 2>&1; then
	cat "$build/log"
	echo "smoke: the module does not build against $kdir"
	echo "0 passed, 1 failed"
	exit 1
fi
out=tests/qemu/out-$(basename "$kdir" | sed 's/^linux-headers-//')
python3 tests/qemu/run.py --cases "$SMOKE" --module "$build/module/sysrqmon.ko" \
	--tool tools/sysrqmonctl --kdir "$kdir" --out-dir "$out"
