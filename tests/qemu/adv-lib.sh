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

# json_listen FILE [CMD...]: `CMD sysrqmonctl listen --json &` (LISTENER_PID; CMD e.g.
# runas ... --), its stdout summarised by the listensum helper into FILE (JL_SUM, its pid; an
# awk script here cost 15 times as much a line and bounded the storm's listeners), its stderr in
# FILE.err; returns once it has joined the events group, or with SHIP=1 (--ship: the shipping
# consumer, in no group), once the module has it (status "shipping":true). listener_stop stops it.
json_listen() {
	_jf=$1 _before=$(group_sockets events)
	shift
	rm -f "$_jf" "$_jf.fifo"
	mkfifo "$_jf.fifo"
	listensum < "$_jf.fifo" > "$_jf" &
	# shellcheck disable=SC2034 # listener_stop (lib.sh) waits for it
	JL_SUM=$!
	"$@" "$TOOL" listen --json ${SHIP:+--ship} > "$_jf.fifo" 2> "$_jf.err" &
	LISTENER_PID=$!
	[ -n "$SHIP" ] || { joined $LISTENER_PID "$_before" "$_jf.err"; return; }
	poll 50 eval '! kill -0 $LISTENER_PID 2>/dev/null ||
		{ status_json && [ "$(json_get "$STATUS" shipping)" = true ]; }' &&
		kill -0 $LISTENER_PID 2>/dev/null && return 0
	info "shipping consumer $LISTENER_PID did not subscribe: $(cat "$_jf.err")"
	return 1
}
ship_listen() { SHIP=1 json_listen "$@"; }

# wait_shipped: wait (120 s) until the module holds no event and no socket has unread data
wait_shipped() { wait_drained 120 && wait_listeners_idle 120; }

# summary_get FILE KEY: a value from a json_listen summary
summary_get() { field "$(cat "$1")" "$2" | grep . || echo 0; }
