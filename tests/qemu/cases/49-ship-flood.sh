#!/bin/sh
# A flood cannot hide the event that matters. The shipping consumer runs as the service runs
# it (root with CAP_SYS_ADMIN only: its socket stays at net.core.rmem_max) and is stopped;
# a flood of harmless same-value sysctl writes fills its socket and then the module's buffer
# (default size), which drops the rest; then a denied trigger write (key b, deny mode) comes.
# Checks: the module dropped ordinary events but no always-reported one, and holds the
# denial; once resumed, the consumer receives it, reports the dropped ones as lost records
# (reason gap) that add up to the kernel's dropped count, and exits 6. Then: a consumer that
# is stopped does not hold up unload (rmmod returns within 10 s, 1000/LOAD_SCALE s on a slow
# kernel); a consumer that exits is
# forgotten and another may take its place; without CAP_SYS_ADMIN --ship exits 4.
#   FLOOD_EVENTS  writes of a flood step (default 12000, scaled by LOAD_SCALE, at least 6000;
#                 the flood takes up to ten steps, until the buffer drops)
# qemu-test: smp2
# (run.py --all, or --smp2, runs it again in a guest with two vCPUs: the worker then runs
# beside the writers)
. /tests/lib.sh
. /tests/deny-lib.sh
. /tests/adv-lib.sh

SERVICE="runas --uid 0 --noroot --caps sys_admin --"
must_reload mode=deny
"$TOOL" set audit 0 || fail audit-off "sysrqmon set audit 0 failed"
setup_mask 438
EV=$(scaled ${FLOOD_EVENTS:-12000})
[ "$EV" -ge 6000 ] || EV=6000
F=/tmp/flood.sum

# --- a flood while the consumer is stopped, then the denial ---
ship_listen $F $SERVICE || { fail ship-joined "$(cat $F.err)"; exit 0; }
status_json
S1=$STATUS
kill -STOP $LISTENER_PID
# Until the buffer drops: how many writes that takes depends on the consumer's socket and on
# the records' sizes, so the flood goes on in steps of EV (at most ten).
n=0
while [ $n -lt 10 ]; do
	run_helper R1 sysrqburst --count $EV $S 438
	n=$((n + 1))
	status_json
	[ $(( $(counter dropped) - $(counter dropped "$S1") )) -gt 0 ] && break
done
run_helper R2 sysrqwrite $P b
expect_result denied-b "$R2" EPERM
status_json
S2=$STATUS
drop=$(( $(counter dropped "$S2") - $(counter dropped "$S1") ))
dropc=$(( $(counter dropped_critical "$S2") - $(counter dropped_critical "$S1") ))
held=$(counter queued "$S2")
s="flood of $((EV * n)): dropped +$drop (always-reported +$dropc), held $held"
check flood-fills-buffer "$s" [ "$drop" -gt 0 ]
check critical-not-dropped "$s" [ "$dropc" = 0 ]
kill -CONT $LISTENER_PID
wait_shipped || info "the module or the consumer still holds events after 120 s"
S3=$STATUS
listener_stop
gen=$(( $(counter generated "$S3") - $(counter generated "$S1") ))
ev=$(summary_get $F events) lost=$(summary_get $F lost) lostsum=$(summary_get $F lostsum)
s="generated +$gen dropped +$drop; consumer: $ev events, $lost lost records covering $lostsum, exit $LISTENER_RC; $(cat $F) $(cat $F.err | tr '\n' ' ')"
info "$s"
check critical-delivered "$s" [ "$(summary_get $F open_denied)" = 1 ]
check lost-is-dropped "$s" [ "$lostsum" = "$drop" -a "$(summary_get $F reason_gap)" = "$lost" ]
check received-plus-lost "$s" [ $((ev + lostsum)) = "$gen" ]
check exit-6 "$s" [ "$LISTENER_RC" = 6 ]
check identity "$(counter generated "$S3") = sent + no_listener + dropped + queued" counters_ok "$S3"
figure ship-flood-dropped "$drop"
figure ship-flood-held "$held"

# --- unload while the shipping consumer is stopped ---
ship_listen $F $SERVICE || fail ship-joined-2 "$(cat $F.err)"
kill -STOP $LISTENER_PID
run_helper R3 sysrqburst --count $EV $S 438
status_json
held=$(counter queued)
t0=$(cut -d' ' -f1 /proc/uptime)
rmmod sysrqmon
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
secs=$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')
# 10 s, more on a slow (debug) kernel, where giving up each held event takes longer.
bound=$((1000 / ${LOAD_SCALE:-100}))
[ "$bound" -ge 10 ] || bound=10
check unload-stalled "rmmod exit $rc in $secs s (bound $bound s) with $held events held for a stopped consumer" \
	[ "$rc" = 0 -a "$held" -gt 0 -a "$(echo "$secs" | cut -d. -f1)" -lt "$bound" ]
kill -CONT $LISTENER_PID
# It reads what its socket holds, then finds the family gone and ends by itself: wait for
# that, not a fixed time, before listener_stop's SIGINT.
poll $((1200 / ${LOAD_SCALE:-100} + 600)) ended "$LISTENER_PID" ||
	info "the consumer still runs 60 s after the unload"
listener_stop
info "the stopped consumer after the unload: exit $LISTENER_RC, $(cat $F) $(cat $F.err | tr '\n' ' ')"
check unloaded-consumer-ends "exit $LISTENER_RC (3: unloaded)" [ "$LISTENER_RC" = 3 -o "$LISTENER_RC" = 6 ]

# --- a consumer that ends is forgotten; no CAP_SYS_ADMIN, no shipping ---
must_reload mode=deny
ship_listen $F || fail ship-joined-3 "$(cat $F.err)"
listener_stop
status_json
check forgotten "shipping: $(json_get "$STATUS" shipping)" [ "$(json_get "$STATUS" shipping)" = false ]
ship_listen $F && pass next-consumer "a new --ship subscribed" ||
	fail next-consumer "$(cat $F.err)"
listener_stop
as_id netadmin "$TOOL" listen --ship --timeout 1 > /tmp/ship-perm.out 2>&1
rc=$?
check no-cap-exit-4 "exit $rc: $(cat /tmp/ship-perm.out)" [ "$rc" = 4 ]
reload
set_mask 438
exit 0
