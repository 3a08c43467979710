# shellcheck shell=sh
# lib.sh: helpers for the sysrqmon QEMU test cases (busybox sh, inside the guest).
#
# Every case runs as `sh /tests/cases/NN-name.sh` (its own process: `$$` and the comm `sh` are
# those of whatever the script itself opens or writes) and starts with `. /tests/lib.sh`.
# Results and requests to the host are marker lines on /dev/ttyS1 (docs/qemu-suite.md).
# A function's usage is in the comment above it; NAME is a check's name (prefixed "CASE/"),
# PID and COMM-ERE narrow an event's head (default: any), LOG_LINES=new_klog makes the event
# matchers look at every kernel log line instead of the sysrqmon events.

export PATH=/tests/bin:/bin:/sbin:/usr/bin:/usr/sbin
# Settings from run.py (--env NAME=VALUE, --demo): NLFUZZ_COUNT, DEMO, ...
[ -r /tests/env ] && . /tests/env
T=/tests
KO=$T/sysrqmon.ko
PARAMS=/sys/module/sysrqmon/parameters
TOOL=/usr/sbin/sysrqmonctl
CASE=${CASE:-adhoc}
CASE_NAME=${CASE#[0-9][0-9]-}
EXPECT_TIMEOUT=${EXPECT_TIMEOUT:-1}
SETTLE=${SETTLE:-0.3}

# --- markers --------------------------------------------------------------------------------
# One write per marker line on the marker port; nothing else writes there. The demo (DEMO=1)
# keeps the console for the operator.
marker() {
	[ ! -c /dev/ttyS1 ] || printf '%s\n' "$*" > /dev/ttyS1
	[ -n "$DEMO" ] || printf '%s\n' "$*"
}

# figure NAME VALUE: a row of run.py's figures table
figure() { marker "@@FIGURE $1 $2"; }
oneline() { printf '%s' "$*" | tr '\n\r\t' '   ' | cut -c1-600; }
# pass NAME DETAIL... / fail NAME DETAIL...: one result
pass() { result PASS "$@"; }
fail() { result FAIL "$@"; }
result() { marker "@@RESULT $CASE_NAME/$2 $1 $(shift 2; oneline "$*")"; }
# skip NAME WHY: a check this kernel cannot run, and why (run.py prints it and counts it)
skip() { marker "@@SKIP $CASE_NAME/$1 $(oneline "$2")"; }
info() { printf '# %s: %s\n' "$CASE_NAME" "$*"; }

# verdict NAME PASS-DETAIL FAIL-DETAIL CMD...: pass if CMD succeeds, else fail (and return 1)
verdict() {
	_vn=$1 _vp=$2 _vf=$3
	shift 3
	if "$@"; then pass "$_vn" "$_vp"; else fail "$_vn" "$_vf"; return 1; fi
}

# check NAME DETAIL CMD...: verdict with one detail for both outcomes
check() {
	_cn=$1
	shift
	verdict "$_cn" "$1" "$@"
}

# sendkey SPEC: the host runs `sendkey SPEC` on the QEMU monitor
sendkey() { marker "@@SENDKEY $1"; }
# host_data TEXT: a line for the case's host half (cases/NN-name.host.py, run after the boot)
host_data() { marker "@@HOST $*"; }

# --- kernel log -----------------------------------------------------------------------------
# The mark: the kernel log's line count (cheap to skip to while the 8M ring has room) and the
# last line's timestamp (found by search once lines rotate out; not the line: pr_cont grows it).
MARK=0 MARK_TS=

mark() {
	# One read of the log, so the count and the timestamp agree.
	_m=$(dmesg | awk 'END { print NR " " substr($0, 1, index($0, "]")) }')
	MARK=${_m%% *} MARK_TS=${_m#* }
}

# awk: the lines after the first that starts with ts (only=1: the first line must), 1 if none does
# shellcheck disable=SC2016 # awk's fields
AFTER_MARK='f { print; next } index($0, ts) == 1 { f = 1; next } only { exit } END { exit !f }'

# Kernel log lines since the mark, with their timestamps; fails klog when the ring no longer
# reaches back to the mark. Found first, printed after: a reader that closes the pipe early
# (grep -m 1) must not read as a lost mark (it did, in one run in three on 6.12).
klog_since() {
	[ "$MARK" -gt 0 ] || { dmesg; return; }
	if _ko=$(dmesg | tail -n "+$MARK" | awk -v ts="$MARK_TS" -v only=1 "$AFTER_MARK") ||
	   _ko=$(dmesg | awk -v ts="$MARK_TS" -v only=0 "$AFTER_MARK"); then
		[ -z "$_ko" ] || printf '%s\n' "$_ko"
		return 0
	fi
	fail klog "kernel log wrapped past the mark ($MARK_TS)"
}

# Kernel log lines since the mark, timestamps cut; the sysrqmon event lines among them.
new_klog() { klog_since | sed 's/^\[[ 0-9.]*\] //'; }
new_audit() { klog_since | grep -o 'sysrqmon: event=.*'; }

# Bytes allowed bare in a value, and a quoted value (contract: "Audit line").
RE_VAL='([]^-~!#-<>-[]+|"([]^-~ !#-[]|\\["\\]|\\x[0-9a-fA-F]{2})*")'
RE_GRAMMAR="^sysrqmon: event=[a-z_]+ verdict=(allowed|denied) pid=[0-9]+ tid=[0-9]+ uid=[0-9]+ euid=[0-9]+ comm=$RE_VAL( [a-z_]+=$RE_VAL)* seq=[0-9]+\$"
RE_SUPPRESSED='^sysrqmon: event=suppressed count=[0-9]+$'

# matches TEXT ERE: the line TEXT matches ERE
matches() { printf '%s\n' "$1" | grep -qE -e "$2"; }
# Escape a literal string for an ERE.
re_quote() { printf '%s' "$1" | sed 's/[].[\*^$+?(){}|]/\\&/g'; }

# hdr KIND [PID] [COMM-ERE]: ERE of an event line's head; HDR_VERDICT (allowed), HDR_TID,
# HDR_UID and HDR_EUID (0) override the defaults
hdr() {
	printf '%s' "sysrqmon: event=$1 verdict=${HDR_VERDICT:-allowed} pid=${2:-[0-9]+}" \
		" tid=${HDR_TID:-[0-9]+} uid=${HDR_UID:-0} euid=${HDR_EUID:-0} comm=${3:-$RE_VAL}"
}

# poll TENTHS CMD...: run CMD every 0.1 s until it succeeds; 1 after TENTHS retries
poll() {
	_pl=$1
	shift
	until "$@"; do
		[ $((_pl -= 1)) -ge 0 ] || return 1
		sleep 0.1
	done
}

# find_audit ERE [TIMEOUT]: wait (EXPECT_TIMEOUT s: events are logged synchronously) for a
# new line matching ERE; sets AUDIT_LINE
find_audit() {
	_fa_re=$1
	poll $(( ${2:-$EXPECT_TIMEOUT} * 10 )) eval \
		'AUDIT_LINE=$(${LOG_LINES:-new_audit} | grep -m 1 -E -e "$_fa_re"); [ -n "$AUDIT_LINE" ]'
}

# audit_summary: the first new event lines (LOG_LINES), for a failure's detail
audit_summary() { echo "new lines: $(${LOG_LINES:-new_audit} | head -n 4 | sed 's/$/ |/')"; }

# found_audit NAME ERE [TIMEOUT]: find_audit; NAME fails unless the line is found and grammatical
found_audit() {
	find_audit "$2" "$3" || { fail "$1" "expected /$2/; $(audit_summary)"; return 1; }
	[ -n "$LOG_LINES" ] || matches "$AUDIT_LINE" "$RE_GRAMMAR|$RE_SUPPRESSED" ||
		{ fail "$1" "line breaks the contract grammar: $AUDIT_LINE"; return 1; }
}

# expect_audit NAME ERE [TIMEOUT]: a new event line matches ERE and the contract grammar
expect_audit() { found_audit "$@" && pass "$1" "$AUDIT_LINE"; }

# expect_count NAME N ERE: exactly N new event lines match ERE
expect_count() {
	_ec_n=$2 _ec_re=$3
	poll $((EXPECT_TIMEOUT * 10)) eval \
		'[ "$(${LOG_LINES:-new_audit} | grep -cE -e "$_ec_re")" -ge "$_ec_n" ]'
	sleep "$SETTLE"
	_c=$(${LOG_LINES:-new_audit} | grep -cE -e "$3")
	verdict "$1" "$_c lines match /$3/" "$_c lines match /$3/, expected $2; $(audit_summary)" \
		[ "$_c" -eq "$2" ]
}

# expect_klog NAME ERE [N]: a new kernel log line matches ERE (exactly N when given: 0 is none)
expect_klog() {
	[ -z "$3" ] || { LOG_LINES=new_klog expect_count "$1" "$3" "$2"; return; }
	LOG_LINES=new_klog expect_audit "$1" "$2"
}

# expect_no_audit NAME [WHAT]: no new event line at all (after SETTLE); WHAT, for the reader
expect_no_audit() { LOG_LINES=new_audit expect_count "$1" 0 .; }

# Every new sysrqmon line (events and other messages) must be a whole, grammatical event
# line or a known non-event message: nothing may look like a fragment of a split line.
expect_all_grammatical() {
	_bad=$(new_klog | grep -E 'sysrqmon|verdict=|action=|comm=' |
		awk '!/^sysrqmon: / || /^sysrqmon: event=/' |
		grep -vE -e "$RE_GRAMMAR" -e "$RE_SUPPRESSED" | sed 's/$/ |/')
	verdict "$1" "all new sysrqmon lines intact" "broken lines: $_bad" [ -z "$_bad" ]
}

# expect_open NAME TARGET PATH w|r [PID] [COMM-ERE]: w wants access mode (flags & 3) 1 or 2, r 0
expect_open() {
	_eo="$(hdr open "$5" "$6") target=$2 path=\"?$(re_quote "$3")\"? flags=0x[0-9a-fA-F]+( |\$)"
	found_audit "$1" "$_eo" || return 1
	_f=$(printf '%s\n' "$AUDIT_LINE" | sed -n 's/.* flags=\(0x[0-9a-fA-F]*\).*/\1/p')
	check "$1" "mode '$4', access $((_f & 3)): $AUDIT_LINE" \
		matches "$4$((_f & 3))" '^(w[12]|r0|[^wr].*)$'
}

# expect_trigger NAME KEY ACTION [PID] [COMM-ERE]: ACTION '' is any action
expect_trigger() {
	_et_a=$(re_quote "$3")
	expect_audit "$1" "$(hdr trigger "$4" "$5") key=$(re_quote "$2") action=${_et_a:-[^ ]+}( |\$)"
}

# expect_sysctl NAME OLD NEW [PID] [COMM-ERE]
expect_sysctl() { expect_audit "$1" "$(hdr sysctl "$4" "$5") old_mask=$2 new_mask=$3( |\$)"; }

# expect_console NAME KEY ACTION SOURCE [TIMEOUT]: the keyboard's event (20 s by default)
expect_console() {
	_ck=$(re_quote "$2") _ca=$(re_quote "$3")
	expect_audit "$1" "$(HDR_TID=0 hdr console 0 -) key=$_ck action=$_ca source=$4( |\$)" "${5:-20}"
}

# --- helpers' output ------------------------------------------------------------------------
# run_helper VAR CMD...: runs CMD, keeps its last stdout line (the helper's report,
# "pid=.. tid=.. fdpath=.. result=..") in VAR, returns CMD's status.
run_helper() {
	_var=$1
	shift
	_out=$("$@" 2>&1)
	_rc=$?
	eval "$_var=\$(printf '%s\n' \"\$_out\" | tail -n 1)"
	return $_rc
}

# field LINE KEY: value of KEY=... in a helper's report line
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }

# --- module ---------------------------------------------------------------------------------
# loaded [MODULE] / ensure_unloaded [MODULE]: sysrqmon unless MODULE (e.g. sysrqevil) is given
loaded() { [ -d "/sys/module/${1:-sysrqmon}" ]; }
ensure_loaded() { loaded || insmod "$KO" "$@"; }
ensure_unloaded() { ! loaded "$1" || rmmod "${1:-sysrqmon}"; }
reload() { ensure_unloaded sysrqmon && insmod "$KO" "$@"; }
# must_reload PARAMS...: reload and mark; when that fails, fail `load` and end the case
must_reload() {
	reload "$@" || { fail load "insmod $*"; exit 0; }
	mark
}
param() { cat "$PARAMS/$1" 2>/dev/null; }
sysrq_mask() { cat /proc/sys/kernel/sysrq; }
# set_mask VALUE: set kernel.sysrq without leaving an expectation behind (marks afterwards)
set_mask() { echo "$1" > /proc/sys/kernel/sysrq; mark; }

# --- sysrqmonctl and netlink ----------------------------------------------------------------
# tool_run ARGS...: sysrqmonctl ARGS; TOOL_OUT (stdout and stderr), TOOL_RC
tool_run() {
	TOOL_OUT=$("$TOOL" "$@" 2>&1)
	TOOL_RC=$?
}

# as_id ID CMD...: CMD as ID (helpers/runas.c); root-netadmin is uid 0 with SECBIT_NOROOT
as_id() {
	_id=$1
	shift
	case $_id in
	root) "$@" ;;
	user) runas --uid 1000 --caps none -- "$@" ;;
	netadmin) runas --uid 1000 --caps net_admin -- "$@" ;;
	root-netadmin) runas --uid 0 --noroot --caps net_admin -- "$@" ;;
	*) echo "as_id: unknown identity $_id" >&2; return 125 ;;
	esac
}

# json_get LINE KEY: raw JSON value of KEY in a one-line object (strings quoted). Keys are
# preceded by '{' or ',' outside strings only (a '"' inside a string is escaped).
json_get() {
	printf '%s\n' "$1" | sed -nE 's/.*[{,]"'"$2"'":("([^"\\]|\\.)*"|[^],}]*).*/\1/p' | head -n 1
}

# json_str LINE KEY: the same, quotes removed (escapes left as they are)
json_str() { json_get "$1" "$2" | sed -E 's/^"(.*)"$/\1/'; }

# status_json: STATUS = `sysrqmonctl status --json`, its exit status
status_json() { STATUS=$("$TOOL" status --json 2>/dev/null); }
counter() { json_get "${2:-$STATUS}" "$1"; }

# counters_ok [STATUS]: generated == sent + no_listener + dropped + queued
counters_ok() {
	_s=${1:-$STATUS}
	_g=$(counter generated "$_s")
	_sum=$(( $(counter sent "$_s") + $(counter no_listener "$_s") +
		$(counter dropped "$_s") + $(counter queued "$_s") ))
	[ -n "$_g" ] && [ "$_g" -eq "$_sum" ]
}

# wait_drained [S]: wait (S seconds, 5) until the module's queue is empty
wait_drained() { poll $(( ${1:-5} * 10 )) eval 'status_json && [ "$(counter queued)" = 0 ]'; }
# wait_listeners_idle [S]: until no generic netlink socket holds unread data (SIGINT stops
# sysrqmonctl at once). A loaded host only slows a draining listener: the wait fails only after S
# seconds (60) in which the unread bytes did not go down, as with a stopped listener.
wait_listeners_idle() {
	_wl_min=$(group_sockets unread) _wl_left=$((${1:-60} * 10))
	while [ "$_wl_min" -gt 0 ] && [ $((_wl_left -= 1)) -ge 0 ]; do
		sleep 0.1
		_wl_now=$(group_sockets unread)
		[ "$_wl_now" -ge "$_wl_min" ] || _wl_min=$_wl_now _wl_left=$((${1:-60} * 10))
	done
	[ "$_wl_min" = 0 ]
}

# group_sockets events|unread: how many NETLINK_GENERIC (16) sockets are in a group but "notify"
# (bit 00008000, sysrqmonctl's unload watch), i.e. the events group; or the bytes all hold unread
# (Rmem; the shipping consumer joins no group). /proc/net/netlink shows groups 1-32 only.
group_sockets() {
	awk -v u="$1" 'NR > 1 && $2 == 16 { if (u == "unread") n += $5
		else if ($4 != "00000000" && $4 != "00008000") n++ } END { print n + 0 }' /proc/net/netlink
}

# joined PID BEFORE ERRFILE: wait (5 s at most) until more sockets than BEFORE joined a group;
# 1, with ERRFILE's text, when PID ends first or none joins. /proc/net/netlink shows groups 1-32
# only: for another group id, PID is given a second.
joined() {
	_jp=$1 _jb=$2
	_gid=$(nlfuzz --resolve 2>/dev/null | sed -n 's/^group=events://p')
	if [ "${_gid:-0}" -gt 32 ]; then
		sleep 1
		kill -0 "$_jp" 2>/dev/null
		return
	fi
	poll 50 eval '[ "$(group_sockets events)" -gt "$_jb" ] || ! kill -0 "$_jp" 2>/dev/null' &&
		[ "$(group_sockets events)" -gt "$2" ] && return 0
	info "listener $1 did not join the events group: $(cat "$3")"
	return 1
}

# listener_start FILE ARGS...: `sysrqmonctl listen ARGS > FILE 2> FILE.err &`, LISTENER_PID;
# returns once its socket has joined the events group
listener_start() {
	_lf=$1 _before=$(group_sockets events)
	shift
	"$TOOL" listen "$@" > "$_lf" 2> "$_lf.err" &
	LISTENER_PID=$!
	joined $LISTENER_PID "$_before" "$_lf.err"
}

# expect_reboot: the guest resets next; run.py checks the case's reboot-expect line reached the
# console before "sysrq: Resetting". PREEMPT_RT (6.12 on) prints consoles from a thread the
# reset does not wait for: there only the reset is checked.
expect_reboot() {
	case "$(uname -r) $(uname -v)" in
	6.1.*) marker "@@EXPECT_REBOOT ordered" ;;
	*PREEMPT_RT*)
		skip audit-before-reset "PREEMPT_RT $(uname -r): consoles print from a thread the reset does not wait for"
		marker "@@EXPECT_REBOOT unordered" ;;
	*) marker "@@EXPECT_REBOOT ordered" ;;
	esac
}

# ended PID: PID (a child of the case) has ended: a zombie, or gone
ended() { case $(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) in '' | Z) true ;; *) false ;; esac; }

# listener_stop: SIGINT, and wait: LISTENER_RC (a json_listen one's summary too). SIGINT ends
# sysrqmonctl at once, so every listener first reads what its socket already holds.
listener_stop() {
	wait_listeners_idle 10
	kill -INT $LISTENER_PID 2>/dev/null
	wait $LISTENER_PID
	LISTENER_RC=$?
	[ -z "$JL_SUM" ] || wait $JL_SUM
	JL_SUM=
}
