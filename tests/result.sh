# shellcheck shell=sh
# result.sh: the counters of the tests/*.sh that count their own results (sourced, after
# SUITE=NAME): `result NAME PASS|FAIL DETAIL` prints "SUITE: NAME PASS|FAIL DETAIL" and
# counts it; `expect NAME PASS-DETAIL FAIL-DETAIL CMD...` is that result by CMD's status
# (returning 1 on FAIL); `relay FILE` counts FILE's "PASS|FAIL NAME DETAIL" lines as results
# and shows the others; `finish` prints the total, "N passed, M failed", and exits, non-zero
# when M > 0; `abort NAME DETAIL [LOG]` is a failure that ends the run, after LOG's last lines.
# `overlay BASE [proc]`: $root ($work/root, $work new) is a throw-away overlay on the root
# BASE (with /proc mounted), taken down at exit (and QEMU's $qpid killed); when it cannot be
# mounted, the run fails.
# `counts LOG STATUS` adds LOG's last "N passed, M failed" to the counters, also as p and f
# (without one: 1 pass or 1 fail by STATUS; a non-zero STATUS is at least one failure).
# For the tables of tests/check.sh and tests/matrix.sh: `timed LOG CMD...` runs CMD, its output
# into LOG, its status and seconds into rc and secs and LOG.time; `row KERNEL FLAVOUR PHASE
# PASSED FAILED SECONDS` prints a row; `flavour RELEASE:META`: that kernel's flavour.
passed=0
failed=0
result() {
	if [ "$2" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
	echo "$SUITE: $1 $2 $3"
}
expect() {
	_en=$1 _ep=$2 _ef=$3
	shift 3
	if "$@"; then result "$_en" PASS "$_ep"; else result "$_en" FAIL "$_ef"; return 1; fi
}
relay() {
	while read -r _verdict _name _detail; do
		case $_verdict in
		PASS | FAIL) result "$_name" "$_verdict" "$_detail" ;;
		*) echo "$_verdict $_name $_detail" ;;
		esac
	done < "$1"
}
timed() {
	_log=$1
	shift
	_start=$(date +%s)
	"$@" > "$_log" 2>&1
	rc=$?
	secs=$(($(date +%s) - _start))
	echo "$rc $secs" > "$_log.time"
}
counts() {
	# shellcheck disable=SC2046
	set -- "$2" $(sed -nE 's/^([A-Za-z-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\2 \3/p' "$1" |
		tail -n 1)
	if [ $# -eq 3 ]; then p=$2 f=$3; elif [ "$1" -eq 0 ]; then p=1 f=0; else p=0 f=1; fi
	[ "$1" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	passed=$((passed + p))
	failed=$((failed + f))
}
row() { printf '%-22s %-8s %-13s %6s %6s %7s\n' "$@"; }
flavour() { echo "$1" | sed -n 's/.*-\(cloud\|rt\)-amd64$/\1/p; t; s/.*/amd64/p'; }
overlay() {
	work=$(mktemp -d)
	root=$work/root
	# A daemon apt started (gpg-agent, say) may still hold the root: detach it lazily.
	trap '[ -z "${qpid:-}" ] || kill "$qpid" 2>/dev/null; umount "$root/proc" 2>/dev/null
		umount "$root" 2>/dev/null || umount -l "$root" 2>/dev/null; rm -rf "$work"' EXIT
	mkdir -p "$work/upper" "$work/work" "$root"
	mount -t overlay overlay -o "lowerdir=$1,upperdir=$work/upper,workdir=$work/work" "$root" &&
		{ [ -z "${2:-}" ] || mount -t proc proc "$root/proc"; } && return
	abort overlay "cannot mount an overlay on $1"
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
abort() {
	[ -z "${3:-}" ] || tail -n 20 "$3"
	result "$1" FAIL "$2"
	finish
}
