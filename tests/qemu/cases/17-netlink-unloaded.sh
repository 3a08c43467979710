#!/bin/sh
# Module not loaded: `sysrqmonctl status` (text and --json), `listen`, `mode` and `set` exit 3
# with a clear message. A listener running when the module is removed does not keep rmmod
# from working, and ends with 3 as soon as the family is gone (a service then restarts).
. /tests/lib.sh

ensure_loaded || { fail load "insmod failed"; exit 0; }
F=/tmp/unload-listener.json
listener_start $F --json --timeout 4 || fail listener "did not join: $(cat $F.err)"
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
