# shellcheck shell=sh
# adv-lib.sh: shared functions of the adversarial, load and fault cases (4N-adv-*.sh).
# Sourced after lib.sh and deny-lib.sh. The matrix these cases check is docs/evasion-matrix.md.
#
#   scaled N                 N * LOAD_SCALE / 100, at least 1 (LOAD_SCALE: percent, default
#                            100; a slow debug kernel sets e.g. --env LOAD_SCALE=5, the
#                            stress profile 1000)
#   mode_set MODE            write the mode parameter and mark (the config event is not counted)
#   path_run VAR VIA HOW PATH DATA [ARGS...]   sysrqpath in this shell's foreground; VAR gets
#                            its report line
#   path_staged VAR MODE VIA HOW PATH DATA [ARGS...]  sysrqpath obtains its descriptor in
#                            monitor mode, waits; the mode is switched to MODE, the log marked,
#                            then it writes; VAR gets the report line
#   expect_errno NAME LINE ERRNO   the report's result is ERRNO (a name) or a byte count
#   kernel_problems          BUG/WARNING/Oops lines in the whole kernel log (for cases that lower
#                            the console loglevel, so run.py's console check cannot see them)
#   hooks_left               our hooked functions still in enabled_functions / kprobes/list
#   json_listen FILE [ARGS]  `sysrqmonctl listen --json ARGS`, its output summarised by awk
#                            into FILE (events=, lost=, lostsum=, minseq=, maxseq=, and per
#                            event/verdict counts); JL_PID is the listener, JL_AWK the awk;
#                            returns once the listener has joined
#   json_listen_stop [SIG]   stop the last json_listen (SIGINT), wait for its summary; JL_RC
#   ship_listen FILE [CMD...]  the same with --ship (the shipping consumer), run through CMD
#                            if given (e.g. runas ... --); returns once the module has it
#                            (status "shipping":true)
#   wait_shipped [S]         wait (S seconds, default 120) until the module holds no event and
#                            no listener socket has unread data
#   summary_get FILE KEY     a value from a json_listen summary
#   wait_listeners_idle [S]  wait (S seconds, default 60) until no netlink socket in a group
#                            has unread data (/proc/net/netlink Rmem): the listeners have read
#                            everything the module sent (SIGINT makes sysrqmonctl stop at once)

LOAD_SCALE=${LOAD_SCALE:-100}

scaled() {
	_s=$(( $1 * LOAD_SCALE / 100 ))
	[ "$_s" -ge 1 ] || _s=1
	echo "$_s"
}

mode_set() {
	echo "$1" > "$PARAMS/mode"
	mark
}

path_run() {
	_pv=$1
	shift
	_pr_via=$1 _pr_how=$2
	shift 2
	_pr_out=$(sysrqpath --via "$_pr_via" --fd "$_pr_how" "$@" 2>&1 | tail -n 1)
	eval "$_pv=\$_pr_out"
}

path_staged() {
	_pv=$1 _ps_mode=$2 _pr_via=$3 _pr_how=$4
	shift 4
	rm -f /tmp/adv-ready /tmp/adv-go /tmp/adv-out
	echo monitor > "$PARAMS/mode"
	sysrqpath --via "$_pr_via" --fd "$_pr_how" --ready /tmp/adv-ready --go /tmp/adv-go \
		"$@" > /tmp/adv-out 2>&1 &
	_ps_pid=$!
	wait_file /tmp/adv-ready || info "sysrqpath $_pr_via/$_pr_how never got ready: $(cat /tmp/adv-out)"
	echo "$_ps_mode" > "$PARAMS/mode"
	mark
	touch /tmp/adv-go
	wait $_ps_pid
	_pr_out=$(tail -n 1 /tmp/adv-out)
	eval "$_pv=\$_pr_out"
}

expect_errno() {
	expect_result "$@"
}

kernel_problems() {
	dmesg | grep -E 'BUG:|WARNING:|Oops|Call Trace|general protection|KASAN|possible circular locking|sleeping function called from invalid context'
}

HOOKED_RE='sysrqmon|security_file_open|sysrq_sysctl_handler|write_sysrq_trigger|__handle_sysrq|handle_sysrq|sysrq_toggle_support|register_sysrq_key|param_array_set|param_set_int|orderly_reboot|write_enabled_file_bool|proc_dointvec|delete_module'
hooks_left() {
	cat /sys/kernel/debug/kprobes/list /sys/kernel/tracing/enabled_functions 2>/dev/null |
		grep -E "$HOOKED_RE"
}

# awk program summarising a JSON listener's stdout (one object per line).
JL_AWK_PROG='
/"type":"event"/ {
	ev++
	if (match($0, /"seq":[0-9]+/)) { s = substr($0, RSTART + 6, RLENGTH - 6) + 0
		if (min == "" || s < min) min = s; if (s > max) max = s }
	k = ""; v = ""
	if (match($0, /"event":"[a-z_]+"/)) k = substr($0, RSTART + 9, RLENGTH - 10)
	if (match($0, /"verdict":"[a-z]+"/)) v = substr($0, RSTART + 11, RLENGTH - 12)
	n[k "_" v]++
	if (k == "trigger" && match($0, /"tid":[0-9]+/)) tids[substr($0, RSTART + 6, RLENGTH - 6)] = 1
	next
}
/"type":"lost"/ {
	lost++
	f = 0; t = 0
	if (match($0, /"from_seq":[0-9]+/)) f = substr($0, RSTART + 11, RLENGTH - 11) + 0
	if (match($0, /"to_seq":[0-9]+/)) t = substr($0, RSTART + 9, RLENGTH - 9) + 0
	if (t >= f && f > 0) lostsum += t - f + 1
	if (match($0, /"reason":"[a-z]+"/)) r[substr($0, RSTART + 10, RLENGTH - 11)]++
	next
}
{ other++ }
END {
	nt = 0; for (x in tids) nt++
	printf "events=%d lost=%d lostsum=%d minseq=%s maxseq=%d other=%d trigger_tids=%d", ev, lost, lostsum, (min == "" ? 0 : min), max, other, nt
	for (x in n) printf " %s=%d", x, n[x]
	for (x in r) printf " reason_%s=%d", x, r[x]
	printf "\n"
}'

json_listen() {
	_jf=$1
	shift
	_before=$(nl_joined)
	rm -f "$_jf" "$_jf.fifo"
	mkfifo "$_jf.fifo"
	awk "$JL_AWK_PROG" < "$_jf.fifo" > "$_jf" &
	JL_AWK=$!
	"$TOOL" listen --json "$@" > "$_jf.fifo" 2> "$_jf.err" &
	JL_PID=$!
	joined $JL_PID "$_before" "$_jf.err"
}

ship_listen() {
	_jf=$1
	shift
	rm -f "$_jf" "$_jf.fifo"
	mkfifo "$_jf.fifo"
	awk "$JL_AWK_PROG" < "$_jf.fifo" > "$_jf" &
	JL_AWK=$!
	"$@" "$TOOL" listen --json --ship > "$_jf.fifo" 2> "$_jf.err" &
	JL_PID=$!
	_sl=0
	while [ $_sl -lt 50 ] && kill -0 $JL_PID 2>/dev/null; do
		status_json && [ "$(json_get "$STATUS" shipping)" = true ] && return 0
		sleep 0.1
		_sl=$((_sl + 1))
	done
	info "shipping consumer $JL_PID did not subscribe: $(cat "$_jf.err")"
	return 1
}

sockets_unread() {
	awk 'NR > 1 && $2 == 16 && $4 != "00000000" && $5 != 0' /proc/net/netlink | wc -l
}

wait_shipped() {
	_ws=$(( ${1:-120} * 10 ))
	while [ $_ws -gt 0 ]; do
		status_json && [ "$(counter queued)" = 0 ] && [ "$(sockets_unread)" = 0 ] && return 0
		sleep 0.1
		_ws=$((_ws - 1))
	done
	return 1
}

json_listen_stop() {
	# Let the listener read what its socket already holds before it stops.
	[ "${1:-INT}" = INT ] && wait_listeners_idle 10
	kill -"${1:-INT}" $JL_PID 2>/dev/null
	wait $JL_PID
	# shellcheck disable=SC2034 # read by the cases
	JL_RC=$?
	wait $JL_AWK
}

summary_get() {
	_v=$(field "$(cat "$1")" "$2")
	echo "${_v:-0}"
}

wait_listeners_idle() {
	poll $(( ${1:-60} * 10 )) _listeners_idle
}
_listeners_idle() {
	[ "$(awk 'NR > 1 && $2 == 16 && $4 != "00000000" && $5 != 0' /proc/net/netlink | wc -l)" = 0 ]
}
