#!/bin/sh
# A listener that loses events. buffer_events=16; the listener is stopped (SIGSTOP) and a
# SCHED_FIFO writer (helpers/sysrqburst --fifo) makes 200 mask writes: on this one-CPU guest
# the workqueue worker cannot run until the burst is over, so the module's buffer fills and
# it drops the rest. One more event afterwards makes the gap visible. After SIGCONT the
# listener reports "lost" records (reason gap) whose sizes add up to the kernel's dropped
# counter, gets the other events, and exits 6; a text listener running next to it says
# LOST and exits 6 as well.
. /tests/lib.sh

reload buffer_events=16 || { fail load "insmod buffer_events=16 failed"; exit 0; }
check buffer-16 "buffer_events=$(param buffer_events)" [ "$(param buffer_events)" = 16 ]
"$TOOL" set audit 0 || fail audit-off "sysrqmonctl set audit 0 failed"
set_mask 438
F=/tmp/lost.json
T=/tmp/lost.txt
listener_start $T || fail text-listener "did not join: $(cat $T.err)"
TPID=$LISTENER_PID
listener_start $F --json || fail json-listener "did not join: $(cat $F.err)"
status_json
S1=$STATUS
kill -STOP $LISTENER_PID $TPID
run_helper R sysrqburst --fifo 50 --count 200 /proc/sys/kernel/sysrq 1 438
check burst "$R" [ "$(field "$R" result)" = 200 ]
wait_drained
echo 438 > /proc/sys/kernel/sysrq
wait_drained
S2=$STATUS
kill -CONT $LISTENER_PID $TPID
sleep 1
listener_stop
kill -INT $TPID
wait $TPID
trc=$?

gen=$(( $(counter generated "$S2") - $(counter generated "$S1") ))
drop=$(( $(counter dropped "$S2") - $(counter dropped "$S1") ))
ev=$(grep -c '"type":"event"' $F)
lost_lines=$(grep '"type":"lost"' $F)
nlost=$(printf '%s' "$lost_lines" | grep -c .)
lostsum=$(printf '%s\n' "$lost_lines" | sed -nE 's/.*"from_seq":([0-9]+),"to_seq":([0-9]+).*/\1 \2/p' |
	awk '{ s += $2 - $1 + 1 } END { print s + 0 }')
reasons=$(printf '%s\n' "$lost_lines" | sed -nE 's/.*"reason":"([a-z]+)".*/\1/p' | sort -u | tr '\n' ' ')
info "generated +$gen dropped +$drop; listener: $ev events, $nlost lost records ($reasons) covering $lostsum; exit $LISTENER_RC; $(cat $F.err)"
check kernel-dropped "dropped +$drop of +$gen generated" [ $drop -gt 0 ]
check lost-records "$nlost lost records, reasons: $reasons $(printf '%s' "$lost_lines" | head -n 2 | tr '\n' ' ')" \
	[ $nlost -gt 0 -a "$reasons" = "gap " ]
check lost-matches-dropped "lost records cover $lostsum events, the kernel dropped $drop" [ $lostsum -eq $drop ]
check received-plus-lost "received $ev + lost $lostsum = generated $gen" [ $((ev + lostsum)) -eq $gen ]
check exit-6 "json listener exit $LISTENER_RC: $(cat $F.err)" [ "$LISTENER_RC" -eq 6 ]
if grep -q 'lost' $F.err; then
	pass stderr-says-lost "$(cat $F.err)"
else
	fail stderr-says-lost "stderr: $(cat $F.err)"
fi
check text-exit-6 "text listener exit $trc; $(grep LOST $T | head -n 2 | tr '\n' ' ')" \
	[ $trc -eq 6 ] 
check text-lost-line "$(grep -c '^LOST ' $T) LOST lines" [ "$(grep -c '^LOST .*reason=gap' $T)" -gt 0 ]
status_json
check identity "$(counter generated) = sent + no_listener + dropped + queued" counters_ok
reload
set_mask 438
exit 0
