# shellcheck shell=sh
# deny-lib.sh: shared functions of the deny-mode and lock cases (2N-deny-*.sh, 9N-lock*.sh).
# Sourced after lib.sh; a denial is HDR_VERDICT=denied before lib.sh's expect_open and the like.

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

# expect_ran NAME KEY [N]: the kernel ran KEY (exactly N times, 0: not at all; default at
# least once), by its own line (ran_re)
expect_ran() { expect_klog "$1" "$(ran_re "$2")" "$3"; }

# expect_result NAME LINE WANT: helper report LINE has result=WANT
expect_result() { verdict "$1" "$2" "want result=$3: $2" [ "$(field "$2" result)" = "$3" ]; }

# shell_write VAR DATA PATH: `echo DATA > PATH` in this shell (pid $$, comm sh), not a
# subshell; VAR gets "rc=N err=TEXT" (rc from the write: $? as eval's argument is built)
shell_write() {
	{ echo "$2" > "$3"; } 2> /tmp/shell_write.err
	eval "$1=\"rc=$? err=\$(tr '\n' ' ' < /tmp/shell_write.err)\""
}

# expect_shell_eperm NAME "$VAR": shell_write's write failed with EPERM
expect_shell_eperm() { check "$1" "$2" matches "$2" '^rc=[1-9].* err=.*Operation not permitted'; }

# expect_mask NAME V: kernel.sysrq reads back V
expect_mask() { check "$1" "kernel.sysrq reads $(sysrq_mask), want $2" [ "$(sysrq_mask)" = "$2" ]; }

# wait_file FILE: wait (10 s) until FILE is not empty
wait_file() { poll 100 test -s "$1"; }
