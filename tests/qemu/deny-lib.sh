# shellcheck shell=sh
# deny-lib.sh: shared functions of the deny-mode and lock cases (2N-deny-*.sh, 9N-lock*.sh).
# Sourced after lib.sh. PID and COMM narrow an event's head, as in lib.sh.

P=/proc/sysrq-trigger
S=/proc/sys/kernel/sysrq
# Every write these cases make is decided and logged (and a command run) before the system
# call returns, io_uring included (the worker logs before it completes the request): a short
# settle for the negative checks is enough and keeps the many checks fast.
SETTLE=${DENY_SETTLE:-0.1}
GO=/tmp/deny-go

# mode_set MODE: write the mode parameter and mark (the config event is not counted)
mode_set() { echo "$1" > "$PARAMS/mode"; mark; }

# setup_mask V: kernel.sysrq=V, set in monitor mode (deny might refuse it); the mode restored
setup_mask() {
	_sm_old=$(param mode)
	echo monitor > "$PARAMS/mode"
	echo "$1" > "$S"
	mode_set "$_sm_old"
	[ "$(sysrq_mask)" = "$1" ] || fail setup "cannot set kernel.sysrq=$1 (reads $(sysrq_mask))"
}

# ran_re KEY: ERE of the kernel's own line for a trigger command (__handle_sysrq's pr_info:
# the handler's action message, or "HELP :" for a key without handler).
ran_re() {
	case $1 in
	h) echo 'sysrq: HELP :' ;;
	m) echo 'sysrq: Show Memory' ;;
	7) echo 'sysrq: Changing Loglevel' ;;
	b) echo 'sysrq: Resetting' ;;
	c) echo 'sysrq: Trigger a crash' ;;
	*) echo "unknown key $1" ;;
	esac
}

# expect_ran NAME KEY [N]: the kernel ran KEY (exactly N times, default at least once)
expect_ran() {
	_er=$(ran_re "$2")
	_er_c=$(new_klog | grep -c "$_er")
	if [ -n "$3" ]; then
		verdict "$1" "'$_er' printed $_er_c times" "'$_er' printed $_er_c times, want $3" \
			[ "$_er_c" -eq "$3" ]
	else
		verdict "$1" "'$_er' printed: the command ran" \
			"no '$_er' line: the command did not run" [ "$_er_c" -ge 1 ]
	fi
}

# expect_not_ran NAME KEY: the kernel did not run KEY since the mark
expect_not_ran() {
	sleep 0.05
	_enr=$(new_klog | grep -m 1 "$(ran_re "$2")")
	verdict "$1" "no '$(ran_re "$2")' line: '$2' did not run" "the command ran: $_enr" \
		[ -z "$_enr" ]
}

# expect_result NAME LINE WANT: helper report LINE has result=WANT
expect_result() { verdict "$1" "$2" "want result=$3: $2" [ "$(field "$2" result)" = "$3" ]; }

# shell_write VAR DATA PATH: `echo DATA > PATH` in this shell (pid $$, comm sh), not a
# subshell; VAR gets "rc=N err=TEXT"
shell_write() {
	{ echo "$2" > "$3"; } 2> /tmp/shell_write.err
	_sw_rc=$?
	_sw_err=$(tr '\n' ' ' < /tmp/shell_write.err)
	eval "$1=\"rc=\$_sw_rc err=\$_sw_err\""
}

# expect_shell_eperm NAME "$VAR": shell_write's write failed with EPERM
expect_shell_eperm() {
	case $2 in
	"rc=0 "*) fail "$1" "the write succeeded: $2" ;;
	*"Operation not permitted"*) pass "$1" "$2" ;;
	*) fail "$1" "failed, but not with EPERM: $2" ;;
	esac
}

# expect_mask NAME V: kernel.sysrq reads back V
expect_mask() {
	_em=$(sysrq_mask)
	verdict "$1" "kernel.sysrq reads $_em" "kernel.sysrq reads $_em, want $2" [ "$_em" = "$2" ]
}

# expect_denied_{open,trigger,sysctl} NAME ARGS: a denial, as expect_open (of sysrq-trigger, for
# writing) PATH, expect_trigger KEY (any action), expect_sysctl OLD NEW; [PID] [COMM] follow
expect_denied_open() { HDR_VERDICT=denied expect_open "$1" sysrq-trigger "$2" w "$3" "$4"; }
expect_denied_trigger() { HDR_VERDICT=denied expect_trigger "$1" "$2" '' "$3" "$4"; }
expect_denied_sysctl() { HDR_VERDICT=denied expect_sysctl "$1" "$2" "$3" "$4" "$5"; }
# wait_file FILE: wait (10 s) until FILE is not empty
wait_file() { poll 100 test -s "$1"; }
