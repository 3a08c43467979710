#!/bin/sh
# Module not loaded: `sysrqmonctl status` (text and --json), `listen`, `mode` and `set` exit 3
# with a clear message. A listener running when the module is removed does not keep rmmod
# from working, and ends with 3 as soon as the family is gone (a service then restarts). One
# whose socket overflowed (stopped, 2000 events on a socket of net.core.rmem_max) reads it,
# still hears of the unload, and ends with 6 (it lost events).
. /tests/lib.sh

ensure_loaded || { fail load "insmod failed"; exit 0; }
"$TOOL" set audit 0 || fail audit-off "sysrqmonctl set audit 0 failed"
F=/tmp/overrun-listener.json
before=$(group_sockets events)
runas --uid 0 --noroot --caps sys_admin -- "$TOOL" listen --json > $F 2> $F.err &
LISTENER_PID=$!
joined $LISTENER_PID "$before" $F.err || fail overrun-listener "did not join: $(cat $F.err)"
kill -STOP $LISTENER_PID
run_helper R sysrqburst --count 2000 /proc/sys/kernel/sysrq "$(sysrq_mask)"
wait_drained
rmmod sysrqmon || fail overrun-rmmod "rmmod failed"
kill -CONT $LISTENER_PID
poll 300 ended $LISTENER_PID || info "the listener still runs 30 s after the unload"
listener_stop
err=$(cat $F.err | tr '\n' ' ')
check overrun-listener-ends "exit $LISTENER_RC (want 6), $(grep -c '"type":"event"' $F) events, $(grep -c '"type":"lost"' $F) lost records; $err" \
	eval '[ $LISTENER_RC -eq 6 ] && printf "%s\n" "$err" | grep -q "the module was unloaded"'

ensure_loaded || { fail load "insmod failed"; exit 0; }
F=/tmp/unload-listener.json
# The timeout only keeps a listener that misses the unload from hanging the case: a slow guest
# (the rt debug kernel on a loaded machine) took 36 s from insmod to the trigger.
listener_start $F --json --timeout 300 || fail listener "did not join: $(cat $F.err)"
echo h > /proc/sysrq-trigger
if rmmod sysrqmon; then
	pass rmmod-with-listener "rmmod works while a listener is attached"
else
	fail rmmod-with-listener "rmmod failed"
fi
wait $LISTENER_PID
rc=$?
err=$(cat $F.err)
check listener-ends "exit $rc (want 3); $(wc -l < $F) events; $err" eval \
	'[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "the module was unloaded"'

for args in "status" "status --json" "listen" "listen --json --count 1 --timeout 2" \
	"mode deny" "set audit 0" "lock"; do
	# shellcheck disable=SC2086
	tool_run $args
	name=$(printf '%s' "$args" | sed 's/ --count.*//; s/ /-/g')
	if [ $TOOL_RC -eq 3 ] && printf '%s' "$TOOL_OUT" | grep -q 'not loaded'; then
		pass "$name" "exit 3: $TOOL_OUT"
	else
		fail "$name" "sysrqmonctl $args: exit $TOOL_RC (want 3, 'not loaded'): $TOOL_OUT"
	fi
done
out=$(as_id user "$TOOL" status 2>&1)
rc=$?
check user-status "uid 1000: exit $rc: $out" [ $rc -eq 3 ]
exit 0
