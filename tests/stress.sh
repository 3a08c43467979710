#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/stress.sh [RUN.PY ARGS...]: the long form of the load and fault cases (`make stress`):
# the 4N-adv cases, netlink fuzzing, the status, lost and deny-race cases, in the main and the
# 2-vCPU guests, on Debian's kernel and then the debug kernel. Its settings (STRESS_SCALE,
# STRESS_FUZZ, STRESS_KERNELS, RECORD, MODULE, TOOL), sizes and figures: docs/testing.md.
set -u
cd "$(dirname "$0")/.." || exit 2
SCALE=${STRESS_SCALE:-1000} FUZZ=${STRESS_FUZZ:-100000} KERNELS=${STRESS_KERNELS:-both}
bad() { echo "stress.sh: $*" >&2; echo "0 passed, 1 failed"; exit 2; }
case $SCALE$FUZZ in *[!0-9]*|"") bad "STRESS_SCALE and STRESS_FUZZ take numbers" ;; esac
case $KERNELS in debian|debug|both) ;; *) bad "STRESS_KERNELS takes debian, debug or both" ;; esac

MODULE=${MODULE:-module/sysrqmon.ko} TOOL=${TOOL:-tools/sysrqmonctl}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sysrqmon-stress.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
CASES='adv-*,netlink-fuzz,netlink-status,netlink-lost,deny-race'
CYCLES=$SCALE	# 100 at make check's LOAD_SCALE 100
. tests/result.sh

# suite LABEL SCALE FUZZ RUN.PY-ARGS...: one run.py run, shown as it goes; figures in
# $WORK/LABEL.fig, its sizes in $WORK/LABEL.what, its "N passed, M failed" in $WORK/results.
suite() {
	label=$1 scale=$2 fuzz=$3
	shift 3
	echo "LOAD_SCALE=$scale, NLFUZZ_COUNT=$fuzz per sender, $CYCLES unload cycles" \
		> "$WORK/$label.what"
	{
		python3 tests/qemu/run.py --tool "$TOOL" --smp2 --timeout 5400 --cases "$CASES" \
			--env LOAD_SCALE="$scale" --env NLFUZZ_COUNT="$fuzz" \
			--env NLFUZZ_SENDERS="root user netadmin" \
			--env STATUS_BURST=$((2000 * scale / 100)) \
			--env UNLOAD_CYCLES=$((CYCLES * 100 / scale)) \
			--figures "$WORK/$label.fig" "$@" 2>&1
		echo $? > "$WORK/$label.rc"
	} | tee "$WORK/$label.log"
	counts "$WORK/$label.log" "$(cat "$WORK/$label.rc")"
	echo "$label: $p passed, $f failed" >> "$WORK/results"
}

if [ "$KERNELS" != debug ]; then
	suite debian "$SCALE" "$FUZZ" --module "$MODULE" "$@"
fi
if [ "$KERNELS" != debian ]; then
	if dirs=$(tests/kernel/build-debug-module.sh); then
		# A load cycle under load costs the debug kernel several seconds (KASAN,
		# lockdep, kmemleak): a fifth of the cycles, still 10x make check's.
		CYCLES=$((CYCLES / 5))
		suite debug $((SCALE / 20 > 1 ? SCALE / 20 : 1)) $((FUZZ / 10)) \
			--kdir "$(echo "$dirs" | sed -n 1p)" \
			--module "$(echo "$dirs" | sed -n 2p)/module/sysrqmon.ko" \
			--out-dir tests/qemu/out-debug-stress
	else
		echo "debug: 0 passed, 1 failed (the debug kernel or module did not build)" \
			>> "$WORK/results"
		failed=$((failed + 1))
	fi
fi

# One block per kernel (stress-debian, stress-debug), so the two can also run apart.
if [ "${RECORD:-1}" != 0 ]; then
	for label in $(cut -d: -f1 "$WORK/results"); do
		what=$(cat "$WORK/$label.what" 2>/dev/null)
		python3 tests/record.py figures docs/testing.md "stress-$label" "$WORK" \
			"\`STRESS_KERNELS=$label tests/stress.sh\` ($what)" "$label"
	done
fi
cat "$WORK/results"
finish
