# shellcheck shell=sh
# integrity-lib.sh: shared functions of the integrity cases (3N-integrity-*.sh): SysRq state
# changed by a hostile module (/tests/sysrqevil.ko, source tests/module/sysrqevil.c) rather
# than through the two files. Sourced after lib.sh and deny-lib.sh.

EVIL=$T/sysrqevil.ko
SRQP=/sys/module/sysrq/parameters
KPE=/sys/kernel/debug/kprobes/enabled
FTE=/proc/sys/kernel/ftrace_enabled
VERIFY_MS=${VERIFY_MS:-200}
# Scheduling, the 10 ms confirmation and the log polling in an emulated guest.
DRIFT_SLACK_MS=${DRIFT_SLACK_MS:-300}
hidden_ran_re='sysrqevil: the hidden key ran'

# evil_need: fail and end the case when /tests/sysrqevil.ko is missing
evil_need() {
	[ -r "$EVIL" ] || { fail evil-module "no $EVIL: tests/module did not build"; exit 0; }
}

# evil ARGS...: insmod sysrqevil ARGS (act=, mask=, key=, addr=); EVIL_RC, EVIL_OUT (insmod's
# output), EVIL_RET (ret= of the module's log line)
evil() {
	EVIL_OUT=$(insmod "$EVIL" "$@" 2>&1)
	EVIL_RC=$?
	EVIL_LINE=$(new_klog | grep 'sysrqevil: act=' | tail -n 1)
	EVIL_RET=$(field "$EVIL_LINE" ret)
	info "insmod sysrqevil $*: status $EVIL_RC${EVIL_OUT:+ ($EVIL_OUT)}: $EVIL_LINE"
	return $EVIL_RC
}

# ksym NAME: address of kernel symbol NAME (0x...)
ksym() { awk -v n="$1" 'NF == 3 && $3 == n { print "0x" $1; exit }' /proc/kallsyms; }

# drift_mark: the mark before a change that expect_drift then looks for, and a watch of the
# longest gap (ms) between two reads of /proc/uptime in a loop (until expect_drift, or 60 s):
# time the guest's shell did not run (a starved vCPU: 1578 ms once, beside three guests and a
# kernel build). A drift bound adds it so it follows the host's load.
drift_mark() {
	mark
	rm -f /tmp/stall.stop /tmp/stall.max
	awk 'BEGIN { f = "/proc/uptime"; stop = "/tmp/stall.stop"
		getline t < f; close(f); first = last = t + 0; max = 0
		while ((getline x < stop) <= 0 && last - first < 60) {
			close(stop); getline t < f; close(f)
			if (t - last > max) max = t - last
			last = t + 0
		}
		printf "%d\n", max * 1000 > "/tmp/stall.max" }' &
	STALL_PID=$!
}

# expect_drift NAME VERDICT mask OLD NEW | expect_drift NAME VERDICT keytable KEY: a drift
# event since the drift_mark, within one period + DRIFT_SLACK_MS + the longest stall of the
# change, on the kernel's own timestamps (from the hostile module's line after its write,
# CHANGE_RE, to the drift line), so that a slow shell does not count.
expect_drift() {
	_ed_cre=${CHANGE_RE:-'sysrqevil: (act=|unloaded)'}
	CHANGE_RE=
	_ed_what="old_mask=$4 new_mask=$5"
	[ "$3" = mask ] || _ed_what="key=$(re_quote "$4")"
	_ed_re="$(HDR_VERDICT=$2 HDR_TID=0 hdr drift 0 -) what=$3 $_ed_what source=verify( |\$)"
	# A generous wait (ceil(6 periods + the slack + 5 s) s): the timestamps decide
	found_audit "$1" "$_ed_re" $(( (6 * VERIFY_MS + DRIFT_SLACK_MS + 5999) / 1000 ))
	_ed_found=$?
	echo stop > /tmp/stall.stop
	wait "$STALL_PID"
	_ed_stall=$(cat /tmp/stall.max 2>/dev/null || echo 0)
	[ "$_ed_found" -eq 0 ] || return 1
	# ms from the first CHANGE_RE line to the first drift line; none (fails) if one is missing
	_ed_ms=$(klog_since | C=$_ed_cre D=$_ed_re awk -F'[][]' '
		function ms(t) { split($2, t, "."); return t[1] * 1000 + substr(t[2] "000", 1, 3) }
		c == "" && $0 ~ ENVIRON["C"] { c = ms() }
		d == "" && $0 ~ ENVIRON["D"] { d = ms() }
		END { if (c != "" && d != "") print d - c }')
	_ed_max=$((VERIFY_MS + DRIFT_SLACK_MS + _ed_stall))
	_ed_d="${_ed_ms:-no timestamp} ms (kernel time) from /$_ed_cre/ to the drift line, at most"
	check "$1" "$_ed_d $_ed_max (verify_ms, slack, longest stall $_ed_stall): $AUDIT_LINE" \
		[ "${_ed_ms:-$((_ed_max + 1))}" -le "$_ed_max" ]
}

# settle_periods N: sleep N verify periods
settle_periods() { usleep $(( ${1:-3} * VERIFY_MS * 1000 )); }

rd() { cat "$1" 2>/dev/null; }
# expect_write_ok NAME "$W": a shell_write that must have succeeded
expect_write_ok() { check "$1" "$2" [ "${2#rc=0 }" != "$2" ]; }
# addr_ok ADDR: a non-zero address (kallsyms shows zeros when it hides them)
addr_ok() { case $1 in 0x*[1-9a-f]*) return 0 ;; *) return 1 ;; esac; }

# params_restore RESET_SEQ DOWNTIME [NAME]: put the sysrq driver's parameters back and check
# they read back. An array write empties the sequence before it parses, so an unparsable value
# (refused with EINVAL) is how an empty sequence is restored.
params_restore() {
	echo "${1:-none}" > $SRQP/reset_seq 2>/dev/null
	echo "${2:-0}" > $SRQP/sysrq_downtime_ms
	_pr="reset_seq='$(rd $SRQP/reset_seq)' sysrq_downtime_ms=$(rd $SRQP/sysrq_downtime_ms)"
	check "${3:-params-restored}" "$_pr (want '$1', $2)" \
		[ "$_pr" = "reset_seq='$1' sysrq_downtime_ms=$2" ]
	mark
}
