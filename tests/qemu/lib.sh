# shellcheck shell=sh
# lib.sh: helpers for the sysrqmon QEMU test cases (busybox sh, inside the guest).
#
# Every case script is run as `sh /tests/cases/NN-name.sh` (its own process, so `$$` is the pid
# and `sh` the comm of whatever the script itself opens or writes) and starts with
# `. /tests/lib.sh`.
#
# Reporting (markers go to /dev/ttyS1, which the host reads; a copy goes to the console log):
#   pass NAME DETAIL / fail NAME DETAIL     one result; NAME is prefixed with "CASE/"
#   check NAME CONDITION-COMMAND... DETAIL   see below
#   sendkey SPEC                             ask the host to `sendkey SPEC` on the QEMU monitor
# Kernel log (busybox dmesg + a line counter; log_buf_len=8M on the command line keeps the ring
# buffer from wrapping during a run, and `mark` fails loudly if it ever shrinks):
#   mark                          remember how many lines the kernel log has now
#   new_audit                     sysrqmon event lines logged since the mark (timestamps cut)
#   find_audit ERE [TIMEOUT]      wait (default 1 s; events are logged synchronously) for a new event line matching ERE; sets
#                                 AUDIT_LINE; returns 1 if none
#   expect_audit NAME ERE         pass if a new event line matches ERE and the contract grammar
#   expect_count NAME N ERE       exactly N new event lines match ERE
#   expect_no_audit NAME [WHY]    no new sysrqmon event line at all (after a short settle)
#   expect_open NAME TARGET PATH w|r [PID] [COMM-ERE]
#   expect_trigger NAME KEY ACTION [PID] [COMM-ERE]
#   expect_sysctl NAME OLD NEW [PID] [COMM-ERE]
#   expect_console NAME KEY ACTION SOURCE [TIMEOUT]
#   hdr KIND [PID] [COMM-ERE]     ERE of the common head of an event line; HDR_VERDICT,
#                                 HDR_TID, HDR_UID, HDR_EUID override the defaults
# Module:
#   ensure_loaded [PARAMS...]     insmod unless loaded; reload PARAMS... always reloads
#   ensure_unloaded
#   run_helper VAR CMD...         run a helper, store its "pid=.. tid=.. fdpath=.. result=.."
#                                 line in VAR; field VAR KEY extracts one field

export PATH=/tests/bin:/bin:/sbin:/usr/bin:/usr/sbin
T=/tests
KO=$T/sysrqmon.ko
PARAMS=/sys/module/sysrqmon/parameters
TOOL=/usr/sbin/sysrqmonctl
CASE=${CASE:-adhoc}
CASE_NAME=${CASE#[0-9][0-9]-}
EXPECT_TIMEOUT=${EXPECT_TIMEOUT:-1}
SETTLE=${SETTLE:-0.3}
MARK=0

# --- markers --------------------------------------------------------------------------------

marker() {
	# One write per marker line on the marker port; nothing else writes there.
	if [ -c /dev/ttyS1 ]; then
		printf '%s\n' "$*" > /dev/ttyS1
	fi
	printf '%s\n' "$*"
}

oneline() {
	printf '%s' "$*" | tr '\n\r\t' '   ' | cut -c1-600
}

pass() {
	_n=$1
	shift
	marker "@@RESULT $CASE_NAME/$_n PASS $(oneline "$*")"
}

fail() {
	_n=$1
	shift
	marker "@@RESULT $CASE_NAME/$_n FAIL $(oneline "$*")"
}

info() {
	printf '# %s: %s\n' "$CASE_NAME" "$*"
}

# check NAME DETAIL CMD...: pass if CMD succeeds
check() {
	_n=$1
	_d=$2
	shift 2
	if "$@"; then pass "$_n" "$_d"; else fail "$_n" "$_d"; fi
}

sendkey() {
	marker "@@SENDKEY $1"
}

# --- kernel log -----------------------------------------------------------------------------

klog_lines() {
	dmesg | wc -l
}

mark() {
	_now=$(klog_lines)
	if [ "$_now" -lt "$MARK" ]; then
		fail klog "kernel log shrank ($MARK -> $_now lines): ring buffer wrapped?"
	fi
	MARK=$_now
}

# Kernel log lines since the mark, timestamps cut.
new_klog() {
	dmesg | sed -n "$((MARK + 1)),\$p" | sed 's/^\[[ 0-9.]*\] //'
}

new_audit() {
	dmesg | sed -n "$((MARK + 1)),\$p" | grep -o 'sysrqmon: event=.*'
}

# Bytes allowed bare in a value, and a quoted value (contract: "Audit line").
RE_VAL='([]^-~!#-<>-[]+|"([]^-~ !#-[]|\\["\\]|\\x[0-9a-fA-F]{2})*")'
RE_GRAMMAR="^sysrqmon: event=[a-z_]+ verdict=(allowed|denied) pid=[0-9]+ tid=[0-9]+ uid=[0-9]+ euid=[0-9]+ comm=$RE_VAL( [a-z_]+=$RE_VAL)*\$"
RE_SUPPRESSED='^sysrqmon: event=suppressed count=[0-9]+$'

grammar_ok() {
	printf '%s\n' "$1" | grep -qE -e "$RE_GRAMMAR" -e "$RE_SUPPRESSED"
}

# Escape a literal string for an ERE.
re_quote() {
	printf '%s' "$1" | sed 's/[].[\*^$+?(){}|]/\\&/g'
}

# hdr KIND [PID] [COMM-ERE]
hdr() {
	printf 'sysrqmon: event=%s verdict=%s pid=%s tid=%s uid=%s euid=%s comm=%s' \
		"$1" "${HDR_VERDICT:-allowed}" "${2:-[0-9]+}" "${HDR_TID:-[0-9]+}" \
		"${HDR_UID:-0}" "${HDR_EUID:-0}" "${3:-$RE_VAL}"
}

# find_audit ERE [TIMEOUT]
find_audit() {
	_t=$(( ${2:-$EXPECT_TIMEOUT} * 10 ))
	while :; do
		AUDIT_LINE=$(new_audit | grep -m 1 -E -e "$1")
		[ -n "$AUDIT_LINE" ] && return 0
		[ "$_t" -le 0 ] && return 1
		_t=$((_t - 1))
		sleep 0.1
	done
}

audit_summary() {
	_l=$(new_audit)
	if [ -z "$_l" ]; then
		echo "no new sysrqmon event lines"
	else
		echo "new event lines: $(printf '%s\n' "$_l" | head -n 4 | sed 's/$/ |/')"
	fi
}

# expect_audit NAME ERE [TIMEOUT]
expect_audit() {
	if find_audit "$2" "$3"; then
		if grammar_ok "$AUDIT_LINE"; then
			pass "$1" "$AUDIT_LINE"
			return 0
		fi
		fail "$1" "line breaks the contract grammar: $AUDIT_LINE"
		return 1
	fi
	fail "$1" "expected /$2/; $(audit_summary)"
	return 1
}

# expect_count NAME N ERE
expect_count() {
	_t=$((EXPECT_TIMEOUT * 10))
	while :; do
		_c=$(new_audit | grep -cE -e "$3")
		[ "$_c" -ge "$2" ] || [ "$_t" -le 0 ] && break
		_t=$((_t - 1))
		sleep 0.1
	done
	sleep "$SETTLE"
	_c=$(new_audit | grep -cE -e "$3")
	if [ "$_c" -eq "$2" ]; then
		pass "$1" "$_c lines match /$3/"
		return 0
	fi
	fail "$1" "$_c lines match /$3/, expected $2; $(audit_summary)"
	return 1
}

# expect_no_audit NAME [WHAT]
expect_no_audit() {
	sleep "$SETTLE"
	_l=$(new_audit)
	if [ -z "$_l" ]; then
		pass "$1" "no event${2:+ for $2}"
		return 0
	fi
	fail "$1" "unexpected: $(printf '%s\n' "$_l" | head -n 3 | sed 's/$/ |/')"
	return 1
}

# Every new sysrqmon line (events and other messages) must be a whole, grammatical event
# line or a known non-event message: nothing may look like a fragment of a split line.
expect_all_grammatical() {
	_bad=$(new_klog | grep -E 'sysrqmon|verdict=|action=|comm=' | while IFS= read -r _x; do
		case "$_x" in
		"sysrqmon: event="*) grammar_ok "$_x" || printf '%s | ' "$_x" ;;
		"sysrqmon: "*) ;;
		*) printf '%s | ' "$_x" ;;
		esac
	done)
	if [ -z "$_bad" ]; then
		pass "$1" "all new sysrqmon lines intact"
	else
		fail "$1" "broken lines: $_bad"
	fi
}

# expect_open NAME TARGET PATH w|r [PID] [COMM-ERE]
expect_open() {
	_re="$(hdr open "$5" "$6") target=$2 path=\"?$(re_quote "$3")\"? flags=0x[0-9a-fA-F]+( |\$)"
	find_audit "$_re" || { fail "$1" "expected /$_re/; $(audit_summary)"; return 1; }
	grammar_ok "$AUDIT_LINE" || { fail "$1" "grammar: $AUDIT_LINE"; return 1; }
	_f=$(printf '%s\n' "$AUDIT_LINE" | sed -n 's/.* flags=\(0x[0-9a-fA-F]*\).*/\1/p')
	_acc=$((_f & 3))
	case "$4" in
	w) [ "$_acc" -eq 1 ] || [ "$_acc" -eq 2 ] ;;
	r) [ "$_acc" -eq 0 ] ;;
	*) true ;;
	esac || { fail "$1" "access mode in flags is not '$4': $AUDIT_LINE"; return 1; }
	pass "$1" "$AUDIT_LINE"
}

# expect_trigger NAME KEY ACTION [PID] [COMM-ERE]
expect_trigger() {
	expect_audit "$1" "$(hdr trigger "$4" "$5") key=$(re_quote "$2") action=$(re_quote "$3")( |\$)"
}

# expect_sysctl NAME OLD NEW [PID] [COMM-ERE]
expect_sysctl() {
	expect_audit "$1" "$(hdr sysctl "$4" "$5") old_mask=$2 new_mask=$3( |\$)"
}

# expect_console NAME KEY ACTION SOURCE [TIMEOUT]
expect_console() {
	expect_audit "$1" "sysrqmon: event=console verdict=${HDR_VERDICT:-allowed} pid=0 tid=0 uid=0 euid=0 comm=- key=$(re_quote "$2") action=$(re_quote "$3") source=$4( |\$)" "${5:-20}"
}

# --- helpers' output ------------------------------------------------------------------------

# run_helper VAR CMD...: runs CMD, keeps its last stdout line in VAR, returns CMD's status.
run_helper() {
	_var=$1
	shift
	_out=$("$@" 2>&1)
	_rc=$?
	eval "$_var=\$(printf '%s\n' \"\$_out\" | tail -n 1)"
	return $_rc
}

# field LINE KEY: value of KEY=... in a helper's report line
field() {
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

# --- module ---------------------------------------------------------------------------------

loaded() {
	[ -d /sys/module/sysrqmon ]
}

ensure_loaded() {
	loaded && return 0
	insmod "$KO" "$@"
}

ensure_unloaded() {
	loaded || return 0
	rmmod sysrqmon
}

reload() {
	ensure_unloaded || return 1
	insmod "$KO" "$@"
}

param() {
	cat "$PARAMS/$1" 2>/dev/null
}

sysrq_mask() {
	cat /proc/sys/kernel/sysrq
}

# set_mask VALUE: set kernel.sysrq without leaving an expectation behind (marks afterwards)
set_mask() {
	echo "$1" > /proc/sys/kernel/sysrq
	mark
}
