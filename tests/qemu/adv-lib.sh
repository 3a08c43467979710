# shellcheck shell=sh
# adv-lib.sh: shared functions of the adversarial, load and fault cases (4N-adv-*.sh).
# Sourced after lib.sh and deny-lib.sh. The matrix these cases check is docs/evasion-matrix.md;
# LOAD_SCALE, the percent of every load, is in docs/qemu-suite.md.

LOAD_SCALE=${LOAD_SCALE:-100}

# scaled N: N * LOAD_SCALE / 100, at least 1
scaled() { echo $(( $1 * LOAD_SCALE / 100 > 1 ? $1 * LOAD_SCALE / 100 : 1 )); }

# path_run VAR VIA HOW PATH DATA [ARGS...]: sysrqpath, VAR gets its report line. STAGE=MODE:
# sysrqpath gets its descriptor in monitor mode and waits; then the mode is switched to MODE
# (mode_set: marks), and it writes. deny-lib.sh's mode_set and wait_file.
path_run() {
	_pv=$1 _pr_via=$2 _pr_how=$3
	shift 3
	if [ -z "$STAGE" ]; then
		run_helper "$_pv" sysrqpath --via "$_pr_via" --fd "$_pr_how" "$@"
		return 0
	fi
	rm -f /tmp/adv-ready /tmp/adv-go
	echo monitor > "$PARAMS/mode"
	sysrqpath --via "$_pr_via" --fd "$_pr_how" --ready /tmp/adv-ready --go /tmp/adv-go \
		"$@" > /tmp/adv-out 2>&1 &
	_ps_pid=$!
	wait_file /tmp/adv-ready || info "sysrqpath $_pr_via/$_pr_how never got ready: $(cat /tmp/adv-out)"
	mode_set "$STAGE"
	touch /tmp/adv-go
	wait $_ps_pid
	eval "$_pv=\$(tail -n 1 /tmp/adv-out)"
}

# kernel_problems: BUG/WARNING/Oops lines in the whole kernel log (for the cases that lower
# the console loglevel, so that run.py's console check cannot see them)
kernel_problems() {
	dmesg | grep -E 'BUG:|WARNING:|Oops|Call Trace|general protection|KASAN|possible circular locking|sleeping function called from invalid context'
}

HOOKED_RE='sysrqmon|security_file_open|sysrq_sysctl_handler|write_sysrq_trigger|__handle_sysrq|handle_sysrq|sysrq_toggle_support|register_sysrq_key|param_array_set|param_set_int|orderly_reboot|write_enabled_file_bool|proc_dointvec|delete_module'
# hooks_left: our hooked functions still in kprobes/list or enabled_functions
hooks_left() {
	cat /sys/kernel/debug/kprobes/list /sys/kernel/tracing/enabled_functions 2>/dev/null |
		grep -E "$HOOKED_RE"
}

# awk program summarising a JSON listener's stdout (one object per line); val(KEY) is the
# value of "KEY":N or "KEY":"TEXT" on the line, "" when it has none.
JL_AWK_PROG='
function val(k,  v) {
	if (!match($0, "\"" k "\":\"?[^\",}]+")) return ""
	v = substr($0, RSTART + length(k) + 3, RLENGTH - length(k) - 3)
	sub(/^"/, "", v)
	return v
}
/"type":"event"/ {
	ev++
	if ((s = val("seq")) != "") { s += 0; if (min == "" || s < min) min = s; if (s > max) max = s }
	k = val("event")
	c[k "_" val("verdict")]++
	if (k == "trigger" && val("tid") != "") tids[val("tid")] = 1
	if ((x = val("exe")) != "") { sub(/.*\//, "", x); c["exe_" x]++ }
	next
}
/"type":"lost"/ {
	lost++
	f = val("from_seq") + 0; t = val("to_seq") + 0
	if (t >= f && f > 0) lostsum += t - f + 1
	if ((x = val("reason")) != "") c["reason_" x]++
	next
}
{ other++ }
END {
	nt = 0; for (x in tids) nt++
	printf "events=%d lost=%d lostsum=%d minseq=%s maxseq=%d other=%d trigger_tids=%d", ev, lost, lostsum, (min == "" ? 0 : min), max, other, nt
	for (x in c) printf " %s=%d", x, c[x]
	printf "\n"
}'

# jl_start FILE CMD...: CMD's stdout (JSON lines) summarised by JL_AWK_PROG into FILE; JL_PID
# is CMD, JL_AWK the awk
jl_start() {
	_jf=$1
	shift
	rm -f "$_jf" "$_jf.fifo"
	mkfifo "$_jf.fifo"
	awk "$JL_AWK_PROG" < "$_jf.fifo" > "$_jf" &
	JL_AWK=$!
	"$@" > "$_jf.fifo" 2> "$_jf.err" &
	JL_PID=$!
}

# json_listen FILE [ARGS]: jl_start of `sysrqmonctl listen --json ARGS`; returns once the
# listener has joined
json_listen() {
	_before=$(group_sockets events) _jl_f=$1
	shift
	jl_start "$_jl_f" "$TOOL" listen --json "$@"
	joined "$JL_PID" "$_before" "$_jl_f.err"
}

# ship_listen FILE [CMD...]: the same with --ship (the shipping consumer), through CMD if
# given (e.g. runas ... --); returns once the module has it (status "shipping":true)
ship_listen() {
	jl_start "$@" "$TOOL" listen --json --ship
	poll 50 eval '! kill -0 "$JL_PID" 2>/dev/null ||
		{ status_json && [ "$(json_get "$STATUS" shipping)" = true ]; }' &&
		kill -0 "$JL_PID" 2>/dev/null && return 0
	info "shipping consumer $JL_PID did not subscribe: $(cat "$1.err")"
	return 1
}

# wait_shipped: wait (120 s) until the module holds no event and no socket has unread data
wait_shipped() {
	poll 1200 eval 'status_json && [ "$(counter queued)" = 0 ] && [ "$(group_sockets unread)" = 0 ]'
}

# json_listen_stop: stop the last json_listen (SIGINT) and wait for its summary; JL_RC
json_listen_stop() {
	# Let the listener read what its socket already holds before it stops.
	wait_listeners_idle 10
	kill -INT "$JL_PID" 2>/dev/null
	wait "$JL_PID"
	# shellcheck disable=SC2034 # read by the cases
	JL_RC=$?
	wait $JL_AWK
}

# summary_get FILE KEY: a value from a json_listen summary
summary_get() { field "$(cat "$1")" "$2" | grep . || echo 0; }

# wait_listeners_idle [S]: wait (S seconds, 60) until no generic netlink socket has unread
# data: the listeners have read everything the module sent (SIGINT stops sysrqmonctl at once)
wait_listeners_idle() { poll $(( ${1:-60} * 10 )) eval '[ "$(group_sockets unread)" = 0 ]'; }
