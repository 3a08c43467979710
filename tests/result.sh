# shellcheck shell=sh
# result.sh: the counters of the tests/*.sh that count their own results (sourced, after
# SUITE=NAME): `result NAME PASS|FAIL DETAIL` prints "SUITE: NAME PASS|FAIL DETAIL" and
# counts it; `expect NAME PASS-DETAIL FAIL-DETAIL CMD...` is that result by CMD's status;
# `add_counts LINE` adds a "N passed, M failed" line (none: one failure);
# `finish` prints the total, "N passed, M failed", and exits, non-zero when M > 0.
# `overlay BASE [proc]`: $root ($work/root, $work new) is a throw-away overlay on the root
# BASE (with /proc mounted), taken down at exit; when it cannot be mounted, the run fails.
passed=0
failed=0
result() {
	if [ "$2" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
	echo "$SUITE: $1 $2 $3"
}
expect() {
	_en=$1 _ep=$2 _ef=$3
	shift 3
	if "$@"; then result "$_en" PASS "$_ep"; else result "$_en" FAIL "$_ef"; fi
}
add_counts() {
	# shellcheck disable=SC2046
	set -- $(echo "$1" | sed -nE 's/^(.*: )?([0-9]+) passed, ([0-9]+) failed.*/\2 \3/p')
	passed=$((passed + ${1:-0}))
	failed=$((failed + ${2:-1}))
}
overlay() {
	work=$(mktemp -d)
	root=$work/root
	# A daemon apt started (gpg-agent, say) may still hold the root: detach it lazily.
	trap 'umount "$root/proc" 2>/dev/null; umount "$root" 2>/dev/null || umount -l "$root" 2>/dev/null
		rm -rf "$work"' EXIT
	mkdir -p "$work/upper" "$work/work" "$root"
	mount -t overlay overlay -o "lowerdir=$1,upperdir=$work/upper,workdir=$work/work" "$root" &&
		{ [ -z "${2:-}" ] || mount -t proc proc "$root/proc"; } && return
	result overlay FAIL "cannot mount an overlay on $1"
	finish
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
