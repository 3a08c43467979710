#!/bin/sh
# Evasion matrix, concurrency (docs/evasion-matrix.md, rows "concurrency"): threads writing
# one descriptor at once, in monitor mode (every write reported, with each thread's tid) and
# deny mode (every write denied and reported); and writers racing a switch monitor -> deny:
# every write is either allowed and run, or refused (EPERM) and reported denied, never both,
# never neither. Counted on a JSON listener (audit lines are rate limited).
# Then the switch's window itself, made certain (two vCPUs): sysrqevil act=stall holds a writer
# right after the write-time check allowed its key, the writer is then kept before the kernel
# reads the key (uffdwrite --held), deny mode is switched on, the writer goes on. Its write was
# decided when it was checked: it returns 1, its key runs, reported allowed.
# qemu-test: smp2
# (run.py --all, or --smp2, runs it again in a guest with two vCPUs)
#   THREADS_WRITES  writes per thread (default 40, scaled by LOAD_SCALE), 8 threads
. /tests/lib.sh
. /tests/deny-lib.sh
. /tests/adv-lib.sh
. /tests/integrity-lib.sh

reload audit=0 || { fail load "insmod failed"; exit 0; }
printk=$(cut -f1 /proc/sys/kernel/printk)
dmesg -n 1
setup_mask 438
TH=8
W=$(scaled ${THREADS_WRITES:-40})
N=$((TH * W))
info "cpus: $(grep -c ^processor /proc/cpuinfo), $TH threads x $W writes"
F=/tmp/adv-threads.sum

# --- monitor: threads on one trigger descriptor ('7': loglevel, short output) ---
json_listen $F || fail listener "did not join"
mark
path_run R write open --threads $TH --count $W $P 7
wait_drained
listener_stop
info "monitor: $R; listener: $(cat $F)"
check mon-writes "$R" [ "$(field "$R" ok)" = $N ]
check mon-trigger-events "$(summary_get $F trigger_allowed) allowed trigger events (want $N)" \
	[ "$(summary_get $F trigger_allowed)" = $N ]
check mon-tids "$(summary_get $F trigger_tids) distinct writer tids (want $TH)" \
	[ "$(summary_get $F trigger_tids)" = $TH ]
check mon-no-loss "$(summary_get $F lost) lost records" [ "$(summary_get $F lost)" = 0 ]
expect_ran mon-ran 7 $N

# --- monitor: threads on one sysctl descriptor (the current value: one event each) ---
json_listen $F || fail listener "did not join"
path_run R write open --threads $TH --count $W $S 438
wait_drained
listener_stop
check mon-sysctl "$R; $(summary_get $F sysctl_allowed) sysctl events" \
	[ "$(field "$R" ok)" = $N -a "$(summary_get $F sysctl_allowed)" = $N ]

# --- deny: threads on a trigger descriptor opened in monitor mode ---
json_listen $F || fail listener "did not join"
STAGE=deny path_run R write open --threads $TH --count $W $P 7
wait_drained
listener_stop
info "deny: $R; listener: $(cat $F)"
check deny-writes "$R" [ "$(field "$R" eperm)" = $N ]
check deny-trigger-events "$(summary_get $F trigger_denied) denied trigger events (want $N), $(summary_get $F trigger_allowed) allowed" \
	[ "$(summary_get $F trigger_denied)" = $N -a "$(summary_get $F trigger_allowed)" = 0 ]
expect_ran deny-not-ran 7 0
mode_set monitor

# --- race: writer threads against a switch monitor -> deny ---
for round in 1 2 3; do
	json_listen $F || fail listener "did not join"
	rm -f /tmp/adv-ready /tmp/adv-go /tmp/adv-out
	sysrqpath --threads $TH --count $W --ready /tmp/adv-ready --go /tmp/adv-go $P 7 > /tmp/adv-out 2>&1 &
	wp=$!
	wait_file /tmp/adv-ready
	mark
	touch /tmp/adv-go
	# switch after a short, varying delay
	usleep $((round * 3000)) 2>/dev/null || sleep 0.01
	echo deny > "$PARAMS/mode"
	wait $wp
	R=$(tail -n 1 /tmp/adv-out)
	wait_drained
	listener_stop
	ok=$(field "$R" ok) eperm=$(field "$R" eperm) other=$(field "$R" other)
	al=$(summary_get $F trigger_allowed) de=$(summary_get $F trigger_denied)
	ran=$(new_klog | grep -c "$(ran_re 7)")
	s="round $round: ok=$ok eperm=$eperm other=$other; events allowed=$al denied=$de; ran=$ran"
	info "$s"
	check race-$round-accounted "$s" [ "$((ok + eperm))" = $N -a "$other" = 0 ]
	check race-$round-allowed-ran "$s" [ "$al" = "$ok" -a "$ran" = "$ok" ]
	check race-$round-denied-reported "$s" [ "$de" = "$eperm" ]
	check race-$round-no-loss "$(summary_get $F lost) lost" [ "$(summary_get $F lost)" = 0 ]
	mode_set monitor
done

# --- the switch landing between a write's check and its dispatch, every time ---
# The stall spins only until uffdwrite has emptied its page and released it: the kernel's own
# read of the key then waits in uffdwrite's fault handler, asleep, until the switch is done.
EVP=/sys/module/sysrqevil/parameters
mode_deny() { [ "$(json_str "$("$TOOL" status --json)" mode)" = deny ]; }
evil_field() { new_klog | sed -n "s/.*sysrqevil: unloaded.* $1=\([0-9]*\).*/\1/p"; }
if [ "$(nproc)" -lt 2 ]; then
	skip stall "one vCPU: the held writer would hold it (the smp2 guest runs this part)"
else
	evil_need
	ensure_unloaded sysrqevil
	evil act=stall comm=uffdwrite
	json_listen $F || fail listener "did not join"
	mark
	rm -f /tmp/stall-go
	uffdwrite --serve 7 --held $EVP --go /tmp/stall-go $P > /tmp/stall-out 2>&1 &
	wp=$!
	poll 100 grep -qx 1 $EVP/stalled
	check stall-held "$(cat $EVP/stalled) writers held" [ "$(cat $EVP/stalled)" = 1 ]
	echo deny > "$PARAMS/mode"
	check stall-switched "mode deny while the writer waits for its key" mode_deny
	touch /tmp/stall-go
	wait $wp
	R=$(tail -n 1 /tmp/stall-out)
	wait_drained
	listener_stop
	ensure_unloaded sysrqevil
	s="write: $R; events: $(cat $F); $(new_klog | grep 'sysrqevil: unloaded')"
	info "$s"
	check stall-key-waited "the kernel read the key after the switch: $R" [ "$(field "$R" faults)" = 1 ]
	expect_result stall-write-returned-count "$R" 1
	expect_ran stall-key-ran 7 1
	check stall-reported-allowed "$s" \
		[ "$(summary_get $F trigger_allowed)" = 1 -a "$(summary_get $F trigger_denied)" = 0 ]
	check stall-not-timed-out "$s" [ "$(evil_field stall_timeouts)" = 0 ]
	figure stall-longest-ms "$(evil_field stall_longest_ms)"
	mode_set monitor
fi
dmesg -n "$printk"
status_json
check identity "$(counter generated) = sent + no_listener + dropped + queued" counters_ok
figure threads-writes "$((N * 6))"
reload
exit 0
