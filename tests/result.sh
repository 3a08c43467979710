# shellcheck shell=sh
# result.sh: the counters of the tests/*.sh that count their own results (sourced, after
# SUITE=NAME): `result NAME PASS|FAIL DETAIL` prints "SUITE: NAME PASS|FAIL DETAIL" and
# counts it; `add_counts LINE` adds a "N passed, M failed" line (none: one failure);
# `finish` prints the total, "N passed, M failed", and exits, non-zero when M > 0.
passed=0
failed=0
result() {
	if [ "$2" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
	echo "$SUITE: $1 $2 $3"
}
add_counts() {
	# shellcheck disable=SC2046
	set -- $(echo "$1" | sed -nE 's/^(.*: )?([0-9]+) passed, ([0-9]+) failed.*/\2 \3/p')
	passed=$((passed + ${1:-0}))
	failed=$((failed + ${2:-1}))
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
