#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/stress.sh: the long form of the load and fault cases (`make stress`), in QEMU guests
# running the kernel the module was built for; never loads anything on this host.
#
# Usage: tests/stress.sh [--scale PERCENT] [--fuzz N] [--no-record] [-- RUN.PY ARGS...]
#   --scale PERCENT  LOAD_SCALE for the guests (default 1000: 10x the make-check sizes:
#                    500 000 storm events, 1000 insmod/rmmod cycles under load, ...)
#   --fuzz N         netlink fuzz messages per sender (default 100000; senders: root, uid
#                    1000, uid 1000 with CAP_NET_ADMIN)
#   --no-record      do not write the figures into docs/testing.md
#   RUN.PY ARGS      passed on (e.g. --kernel-release REL, --module M, --tool T, --verbose)
# Environment: MODULE (default module/sysrqmon.ko), TOOL (default tools/sysrqmonctl).
#
# Runs: the adversarial/load cases (4N-adv-*), netlink fuzzing, the netlink status/lost and
# deny-race cases, in the main guests and the 2-vCPU guest; prints the figures table; records
# it with the date in docs/testing.md (section "Latest figures: stress"); ends with
# "N passed, M failed" (exit 1 when M > 0).
set -u
cd "$(dirname "$0")/.." || exit 2
SCALE=1000
FUZZ=100000
RECORD=1
while [ $# -gt 0 ]; do
	case $1 in
	--scale) SCALE=$2; shift 2 ;;
	--fuzz) FUZZ=$2; shift 2 ;;
	--no-record) RECORD=0; shift ;;
	--) shift; break ;;
	-h|--help) sed -n '4,20p' "$0"; exit 0 ;;
	*) break ;;
	esac
done
case $SCALE$FUZZ in *[!0-9]*) echo "stress.sh: --scale and --fuzz take numbers" >&2; echo "0 passed, 1 failed"; exit 2 ;; esac

MODULE=${MODULE:-module/sysrqmon.ko}
TOOL=${TOOL:-tools/sysrqmonctl}
FIG=${TMPDIR:-/tmp}/sysrqmon-stress-figures.$$
LOG=${TMPDIR:-/tmp}/sysrqmon-stress.$$.log
trap 'rm -f "$FIG" "$LOG"' EXIT

if [ ! -f "$MODULE" ]; then
	echo "stress.sh: no $MODULE (run make first)"
	echo "0 passed, 1 failed"
	exit 1
fi

python3 tests/qemu/run.py --module "$MODULE" --tool "$TOOL" --smp2 --timeout 5400 \
	--cases 'adv-*,netlink-fuzz,netlink-status,netlink-lost,deny-race' \
	--env LOAD_SCALE="$SCALE" --env NLFUZZ_COUNT="$FUZZ" \
	--env NLFUZZ_SENDERS="root user netadmin" --env STATUS_BURST=$((2000 * SCALE / 100)) \
	--figures "$FIG" "$@" 2>&1 | tee "$LOG"
last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LOG" | tail -n 1)
[ -n "$last" ] || last="0 passed, 1 failed"

if [ "$RECORD" = 1 ] && [ -s "$FIG" ]; then
	python3 - "$FIG" "$SCALE" "$FUZZ" "$last" <<'EOF'
import re, sys
fig, scale, fuzz, last = sys.argv[1:5]
md = "docs/testing.md"
body = open(fig).read().rstrip("\n")
block = ("<!-- figures:stress -->\n"
         "`tests/stress.sh` (LOAD_SCALE=%s, NLFUZZ_COUNT=%s per sender): %s\n\n```\n%s\n```\n"
         "<!-- /figures:stress -->" % (scale, fuzz, last, body))
text = open(md).read()
new, n = re.subn(r"<!-- figures:stress -->.*?<!-- /figures:stress -->", lambda m: block,
                 text, flags=re.S)
if not n:
    new = text.rstrip("\n") + "\n\n## Latest figures: stress\n\n" + block + "\n"
open(md, "w").write(new)
print("figures recorded in " + md)
EOF
fi
echo "$last"
case $last in *" 0 failed") exit 0 ;; *) exit 1 ;; esac
