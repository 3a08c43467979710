#!/bin/sh
# bench.sh: the guest side of tests/bench/bench.py (run by tests/qemu/init.sh as a case).
#
# Every figure goes to the host as one marker line "@@M sec=SECTION key=value ...". benchop
# brackets each timed stretch with "@@WB" / "@@WE" on the marker port so that the host can
# time it on its own clock too. Configurations are interleaved inside this one boot:
# none X none Y none ... per round; the host pairs each X with the "none" runs on either side.
# A failure of the benchmark itself is an "@@RESULT bench/... FAIL" line (lib.sh's fail).
# Settings come from /tests/env (bench.py writes them): BENCH_* below.
. /tests/lib.sh

B=/tests/bin
FLOOR=$B/sysrqbench_floor.ko
ROUNDS=${BENCH_ROUNDS:-5}
VROUNDS=${BENCH_VERIFY_ROUNDS:-$ROUNDS}
N_OPEN=${BENCH_N_OPEN:-4000}
N_WRITE=${BENCH_N_WRITE:-1000}
N_TRIG=${BENCH_N_TRIG:-300}
N_LAT=${BENCH_N_LAT:-200}
N_STORM=${BENCH_N_STORM:-20000}
LOOP=${BENCH_LOOP:-100000000}
BURSTS=${BENCH_BURSTS:-1000 2000 4000 8000 16000 32000}
FIFO_BURSTS=${BENCH_FIFO_BURSTS:-2000 4000 4096 8000}
SECTIONS=${BENCH_SECTIONS:-hot target latency burst memory verify}
HOT_CFGS=${BENCH_HOT_CFGS:-monitor deny watch_reads floor_ftrace floor_ftrace_magic floor_kprobe}
REG=/tmp/bench-regular
PROCF=/proc/sys/kernel/printk
SYSRQ=/proc/sys/kernel/sysrq
TRIG=/proc/sysrq-trigger

M() {
	marker "@@M $*"
}

has() {
	case " $SECTIONS " in *" $1 "*) return 0 ;; esac
	return 1
}

unload_all() {
	grep -q '^sysrqmon ' /proc/modules && { rmmod sysrqmon || fail rmmod "rmmod sysrqmon failed"; }
	grep -q '^sysrqbench_floor ' /proc/modules &&
		{ rmmod sysrqbench_floor || fail rmmod "rmmod sysrqbench_floor failed"; }
	return 0
}

# load_cfg CFG: bring the kernel into configuration CFG (from nothing loaded)
load_cfg() {
	case $1 in
	none) true ;;
	monitor) insmod "$KO" mode=monitor ;;
	deny) insmod "$KO" mode=deny ;;
	watch_reads) insmod "$KO" mode=monitor watch_reads=1 ;;
	off) insmod "$KO" mode=off ;;
	floor_ftrace) insmod "$FLOOR" hook=ftrace ;;
	floor_ftrace_magic) insmod "$FLOOR" hook=ftrace_magic ;;
	floor_kprobe) insmod "$FLOOR" hook=kprobe ;;
	*) false ;;
	esac || { fail "load-$1" "cannot load configuration $1"; return 1; }
	# Let the load's own events and work items finish before timing anything.
	sleep 0.2
}

# run_op VAR CMD...: run benchop (or nlbench), its output line into VAR; a failure is a FAIL
run_op() {
	_v=$1
	shift
	_out=$("$@" 2>&1)
	_rc=$?
	if [ $_rc -ne 0 ] || [ -z "$_out" ]; then
		fail "op" "$* exited $_rc: $(oneline "$_out")"
		eval "$_v=''"
		return 1
	fi
	eval "$_v=\"\$_out\""
}

LISTENER_PID=
listen_start() {
	_before=$(group_sockets events)
	"$TOOL" listen --json > "${1:-/dev/null}" 2> /tmp/listen.err &
	LISTENER_PID=$!
	_i=0
	# the listener has joined once a NETLINK_GENERIC socket is in a multicast group
	while [ "$(group_sockets events)" -le "$_before" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 $LISTENER_PID 2>/dev/null; then
			fail listener "sysrqmonctl listen did not join: $(cat /tmp/listen.err)"
			return 1
		fi
		sleep 0.05
	done
}

listen_stop() {
	[ -n "$LISTENER_PID" ] || return 0
	kill -INT $LISTENER_PID 2>/dev/null
	wait $LISTENER_PID 2>/dev/null
	LISTENER_PID=
}

meminfo() {
	awk '/^(Slab|SUnreclaim|VmallocUsed):/ { printf "%s=%s ", tolower($1), $2 }' /proc/meminfo |
		tr -d ':'
}

vmalloc_of() {
	awk -v m="[$1]" 'index($0, m) { s += $2 } END { print s + 0 }' /proc/vmallocinfo
}

modsize() {
	awk -v m="$1" '$1 == m { print $2 }' /proc/modules
}

echo regular > $REG
unload_all
LEVEL=$(cut -f1 /proc/sys/kernel/printk)
MASK=$(cat $SYSRQ)
M sec=info key=console_loglevel value=$LEVEL
M sec=info key=sysrq_mask value=$MASK
M sec=info key=kernel value="$(uname -r)"

# --- 1+2: hot path, non-target files ---------------------------------------------------------
hot() {
	run_op R benchop open $REG "$N_OPEN" && M sec=hot cfg=$1 round=$2 file=regular $R
	run_op R benchop open $PROCF "$N_OPEN" && M sec=hot cfg=$1 round=$2 file=procfs $R
}

# Boot leaves something running for a while: on 6.12, open+close cost twice as much
# (12 600 instead of 5 900 instructions) until 2.9-3.4 s of uptime, whatever the guest did
# meanwhile. Sleep past it (free under -icount sleep=off: an idle guest's clock jumps
# ahead), then open+close, unrecorded, until two stretches agree within 1 % (at most 10).
warm_up() {
	sleep 3
	_prev=0
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		run_op R benchop open $REG "$N_OPEN" || return
		_cur=${R##*per_op=}
		_cur=${_cur%%.*}
		[ $((_cur * 100)) -le $((_prev * 101)) ] && [ $((_cur * 101)) -ge $((_prev * 100)) ] &&
			return
		_prev=$_cur
	done
}

if has hot; then
	warm_up
	r=1
	while [ $r -le "$ROUNDS" ]; do
		for c in $HOT_CFGS; do
			hot none $r
			load_cfg $c && hot $c $r
			unload_all
		done
		r=$((r + 1))
	done
	hot none $((r - 1))
	pass hot "hot path measured, $ROUNDS round(s)"
fi

# --- 3: target path ---------------------------------------------------------------------------
target_ops() {
	run_op R benchop pwrite $SYSRQ "$MASK" "$N_WRITE" &&
		M sec=target cfg=$1 round=$2 op=sysctl_write $R
	run_op R benchop owc $SYSRQ "$MASK" "$N_WRITE" &&
		M sec=target cfg=$1 round=$2 op=sysctl_open_write_close $R
	run_op R benchop pwrite $TRIG "$LEVEL" "$N_TRIG" &&
		M sec=target cfg=$1 round=$2 op=trigger_write $R
}

if has target; then
	r=1
	while [ $r -le "$ROUNDS" ]; do
		target_ops none $r
		load_cfg monitor && target_ops monitor $r
		unload_all
		target_ops none $r
		if load_cfg monitor && listen_start; then
			target_ops listener $r
		fi
		listen_stop
		unload_all
		r=$((r + 1))
	done
	target_ops none $((r - 1))
	pass target "target path measured, $ROUNDS round(s)"
fi

# --- 4: event delivery ------------------------------------------------------------------------
if has latency; then
	load_cfg monitor
	run_op R nlbench latency $SYSRQ "$MASK" "$N_LAT" && M sec=latency op=sysctl_write $R
	run_op R nlbench latency $TRIG "$LEVEL" "$N_LAT" && M sec=latency op=trigger_write $R
	unload_all
	pass latency "latency measured"
fi

# nl_rmem: bytes queued in NETLINK_GENERIC sockets (the listener's receive queue)
nl_rmem() {
	awk 'NR > 1 && $2 == 16 { s += $5 } END { print s + 0 }' /proc/net/netlink
}

# listener_caught_up: the listener has read everything the kernel sent (up to 60 s), so
# that stopping it loses nothing it was still reading
listener_caught_up() {
	_i=0
	while [ "$(nl_rmem)" -gt 0 ] && [ $_i -lt 600 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$(nl_rmem)" -eq 0 ]
}

# burst SIZE PRIO: one burst of kernel.sysrq writes with sysrqmonctl listen --json attached
burst() {
	listen_start /tmp/burst.json || return 1
	status_json
	_s1=$STATUS
	if [ "$2" = 0 ]; then
		run_op R benchop --warm 0 pwrite $SYSRQ "$MASK" "$1"
	else
		run_op R benchop --warm 0 --fifo "$2" pwrite $SYSRQ "$MASK" "$1"
	fi
	wait_drained || fail drained "the queue did not drain after a burst of $1"
	listener_caught_up || fail caught-up "the listener left $(nl_rmem) bytes unread"
	status_json
	_s2=$STATUS
	listen_stop
	_gen=$(( $(counter generated "$_s2") - $(counter generated "$_s1") ))
	_drop=$(( $(counter dropped "$_s2") - $(counter dropped "$_s1") ))
	_sent=$(( $(counter sent "$_s2") - $(counter sent "$_s1") ))
	_ev=$(grep -c '"type":"event"' /tmp/burst.json)
	_lost=$(grep -c '"type":"lost"' /tmp/burst.json)
	M sec=burst prio=$2 size=$1 generated=$_gen sent=$_sent dropped=$_drop \
		received=$_ev lost_records=$_lost buffer="$(counter buffer_size "$_s2")" $R
	BURST_OK=0
	[ "$_drop" -eq 0 ] && [ "$_lost" -eq 0 ] && [ "$_ev" -ge "$_gen" ] && BURST_OK=1
}

if has burst; then
	load_cfg monitor
	for n in $BURSTS; do
		burst "$n" 0 || break
		[ $BURST_OK = 1 ] || break
	done
	for n in $FIFO_BURSTS; do
		burst "$n" 50 || break
		[ $BURST_OK = 1 ] || break
	done
	unload_all
	pass burst "bursts measured"
fi

# --- 5: memory --------------------------------------------------------------------------------

memline() {
	echo "$(meminfo) vmalloc_module=$(vmalloc_of sysrqmon) nl_rmem=$(nl_rmem)"
}

if has memory; then
	sleep 1
	M sec=memory state=unloaded "$(memline)"
	load_cfg monitor
	sleep 2
	M sec=memory state=idle "$(memline)" module_size="$(modsize sysrqmon)" \
		buffer="$(cat /sys/module/sysrqmon/parameters/buffer_events)"
	# A storm with nobody listening: the events are built and dropped at once.
	run_op R benchop --warm 0 pwrite $SYSRQ "$MASK" "$N_STORM"
	M sec=memory state=storm_no_listener "$(memline)"
	wait_drained
	# A storm into a stalled listener (SIGSTOP): its socket holds the events (sysrqmonctl asks
	# for 32 MiB).
	if listen_start /dev/null; then
		kill -STOP $LISTENER_PID
		run_op R benchop --warm 0 pwrite $SYSRQ "$MASK" "$N_STORM"
		wait_drained
		M sec=memory state=storm_stalled_listener "$(memline)"
		kill -CONT $LISTENER_PID
		sleep 1
		listen_stop
	fi
	sleep 1
	M sec=memory state=after_storm "$(memline)"
	unload_all
	load_cfg floor_ftrace
	M sec=memory state=floor module_size="$(modsize sysrqbench_floor)"
	unload_all
	pass memory "memory measured"
fi

# --- 6: the drift verifier ------------------------------------------------------------------
verify_run() {
	echo "$1" > /sys/module/sysrqmon/parameters/verify_ms || fail verify_ms "cannot set verify_ms=$1"
	run_op R benchop --warm 0 loop "$LOOP" && M sec=verify cfg=verify_$1 round=$2 $R
}

if has verify; then
	load_cfg monitor
	r=1
	while [ $r -le "$VROUNDS" ]; do
		verify_run 0 $r
		verify_run 1000 $r
		verify_run 0 $r
		verify_run 100 $r
		r=$((r + 1))
	done
	verify_run 0 $((r - 1))
	unload_all
	pass verify "verifier cost measured"
fi
exit 0
