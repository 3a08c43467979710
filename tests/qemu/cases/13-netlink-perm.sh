#!/bin/sh
# Privileges: uid 1000 without capabilities, uid 1000 with only CAP_NET_ADMIN, and uid 0 with
# only CAP_NET_ADMIN (SECBIT_NOROOT) all get exit 4 and a message naming CAP_SYS_ADMIN from
# `sysrqmonctl listen`, `mode deny` and `set audit 0`; nothing changes (parameters, no config
# event in the log or on a root listener). `sysrqmonctl status` works for all of them.
. /tests/lib.sh

reload || { fail load "insmod failed"; exit 0; }
F=/tmp/perm-listener.json
listener_start $F --json || fail root-listener "root listener did not join: $(cat $F.err)"
params_before=$(for p in mode audit watch_reads allowed_mask allowed_keys deny_scope locked; do
	printf '%s=%s ' $p "$(param $p)"; done)
mark

for id in user netadmin root-netadmin; do
	caps=$(as_id $id cat /proc/self/status | sed -n 's/^CapEff:[[:space:]]*//p')
	ids=$(as_id $id id)
	case $id in
	user) want=0000000000000000 ;;
	*) want=0000000000001000 ;;
	esac
	check $id-caps "$ids CapEff=$caps (want $want)" [ "$caps" = "$want" ]

	out=$(as_id $id "$TOOL" listen --timeout 3 2>&1)
	rc=$?
	if [ $rc -eq 4 ] && printf '%s' "$out" | grep -q CAP_SYS_ADMIN; then
		pass $id-listen "exit 4: $out"
	else
		fail $id-listen "exit $rc (want 4 and CAP_SYS_ADMIN named): $out"
	fi
	out=$(as_id $id "$TOOL" listen --json --count 1 --timeout 3 2>&1)
	rc=$?
	check $id-listen-json "exit $rc: $out" [ $rc -eq 4 ]

	out=$(as_id $id "$TOOL" mode deny 2>&1)
	rc=$?
	if [ $rc -eq 4 ] && printf '%s' "$out" | grep -q CAP_SYS_ADMIN; then
		pass $id-mode-deny "exit 4: $out"
	else
		fail $id-mode-deny "exit $rc (want 4 and CAP_SYS_ADMIN named): $out"
	fi
	check $id-mode-unchanged "mode=$(param mode)" [ "$(param mode)" = monitor ]

	out=$(as_id $id "$TOOL" set audit 0 2>&1)
	rc=$?
	check $id-set-audit "exit $rc: $out" [ $rc -eq 4 ]

	# the sysfs parameters refuse as well (file mode for uid 1000, CAP_SYS_ADMIN for root)
	out=$(as_id $id sh -c "echo deny > $PARAMS/mode" 2>&1)
	rc=$?
	check $id-sysfs-mode "exit $rc: $out; mode=$(param mode)" [ $rc -ne 0 -a "$(param mode)" = monitor ]

	out=$(as_id $id "$TOOL" status 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q '^mode: *monitor'; then
		pass $id-status "exit 0"
	else
		fail $id-status "exit $rc: $(oneline "$out" | cut -c1-300)"
	fi
	out=$(as_id $id "$TOOL" status --json 2>&1)
	rc=$?
	check $id-status-json "exit $rc: $(oneline "$out" | cut -c1-200)" \
		[ $rc -eq 0 -a "$(json_str "$out" source)" = netlink ]
done

params_after=$(for p in mode audit watch_reads allowed_mask allowed_keys deny_scope locked; do
	printf '%s=%s ' $p "$(param $p)"; done)
check params-unchanged "before: $params_before after: $params_after" \
	[ "$params_before" = "$params_after" ]
expect_count no-config-audit 0 'event=config '
listener_stop
n=$(grep -c '"event":"config"' $F)
check no-config-event "root listener exit $LISTENER_RC, $n config events in $(wc -l < $F) lines" \
	[ "$n" -eq 0 -a "$LISTENER_RC" -eq 0 ]
exit 0
