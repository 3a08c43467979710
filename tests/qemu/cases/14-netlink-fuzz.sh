#!/bin/sh
# Malformed requests (helpers/nlfuzz.c, raw NETLINK_GENERIC socket): wrong attribute types and
# lengths, truncated attributes, unknown commands and attributes, oversized strings, nested
# garbage, random bytes, bad genl version/reserved fields, bad flags; from root and from
# unprivileged senders (which also send well-formed SET_CONFIG/LOCK: EPERM). Every request is
# answered with an error or ignored as the netlink core does; nothing is accepted; the
# configuration is unchanged and no config event is logged; afterwards the module still
# works (a trigger write gives its event, sysrqmonctl status answers). run.py checks the
# console for oopses and warnings.
#   NLFUZZ_COUNT    requests per sender (default 2000; run.py --env NLFUZZ_COUNT=N)
#   NLFUZZ_SEED     first seed (default 1; each sender gets the next)
#   NLFUZZ_SENDERS  identities (lib.sh as_id), default "root user netadmin"
. /tests/lib.sh

COUNT=${NLFUZZ_COUNT:-2000}
SEED=${NLFUZZ_SEED:-1}
SENDERS=${NLFUZZ_SENDERS:-root user netadmin}

reload || { fail load "insmod failed"; exit 0; }
set_mask 438
settings() {
	status_json
	for k in mode audit watch_reads allowed_mask allowed_keys deny_scope locked; do
		printf '%s=%s ' $k "$(json_get "$STATUS" $k)"
	done
}
before=$(settings)
mark

seed=$SEED
for id in $SENDERS; do
	extra=
	[ $id = root ] || extra=--allow-valid
	t0=$(cut -d' ' -f1 /proc/uptime)
	out=$(as_id $id nlfuzz --count "$COUNT" --seed $seed $extra 2>&1)
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	info "$id (seed $seed, $t0 s -> $t1 s): $(oneline "$out")"
	sum=$(printf '%s\n' "$out" | grep '^nlfuzz: sent=')
	if [ $rc -eq 0 ] && [ "$(field "$sum" sent)" = "$COUNT" ]; then
		pass $id-all-answered "$(oneline "$out" | cut -c1-500)"
	else
		fail $id-all-answered "exit $rc: $(oneline "$out" | cut -c1-500)"
	fi
	check $id-nothing-accepted "$sum" [ "$(field "$sum" accepted)" = 0 ]
	check $id-module-alive "status-after=$(field "$sum" status-after)" \
		[ "$(field "$sum" status-after)" = ok ]
	if [ $id != root ]; then
		e=$(printf '%s\n' "$out" | sed -n 's/.* EPERM=\([0-9]*\).*/\1/p')
		check $id-eperm "EPERM answers: ${e:-0}" [ "${e:-0}" -gt 0 ]
	fi
	marker "@@FIGURE fuzz-sent-$id $(field "$sum" sent)"
	marker "@@FIGURE fuzz-accepted-$id $(field "$sum" accepted)"
	seed=$((seed + 1))
done

# targeted requests: what the kernel answers, with its extended ack
probe() {
	_name=$1
	_want=$2
	shift 2
	_r=$(nlfuzz --send "$@" 2>&1)
	case " $_want " in
	*" $(field "$_r" result) "*) pass "$_name" "$_r" ;;
	*) fail "$_name" "$* -> $_r (want $_want)" ;;
	esac
}
probe set-mode-len4 EINVAL set --attr mode=02000000
probe set-mode-range "EINVAL ERANGE" set --attr mode=07
probe set-audit-range "EINVAL ERANGE" set --attr audit=02
probe set-mask-len1 EINVAL set --attr allowed_mask=10
probe set-keys-no-nul EINVAL set --attr allowed_keys=6d77
probe set-keys-bad-char EINVAL set --attr allowed_keys=s:!
probe set-keys-long "EINVAL ERANGE" set --attr "allowed_keys=s:$(printf "%070d" 0 | tr 0 a)"
probe set-unknown-attr EINVAL set --attr unknown=01 --attr audit=00
probe set-event-attr EINVAL set --attr seq=0100000000000000
probe set-nothing EINVAL set
probe set-truncated "EINVAL ERANGE" set --attr mode=
probe cmd-event EOPNOTSUPP event
probe cmd-0 EOPNOTSUPP 0
probe cmd-200 EOPNOTSUPP 200
probe status-dump EOPNOTSUPP status --flags dump
probe status-version-0 OK status --version 0
# Every command is at or past resv_start_op: the reserved header field must be 0.
probe status-reserved EINVAL status --reserved 0x1234
probe lock-unknown-attr EINVAL lock --attr unknown=00
# Contract: "attributes a command does not take are rejected with an extack message".
probe status-with-setting EINVAL status --attr audit=00
probe lock-bad-setting "EINVAL ERANGE" lock --attr mode=09
check status-version-0-reply "a status came back for version 0" \
	sh -c 'nlfuzz --send status --version 0 | grep -q "reply=1"'

after=$(settings)
check settings-unchanged "before: $before after: $after" [ "$before" = "$after" ]
expect_count no-config-event 0 'event=config '
check still-loaded "$(grep '^sysrqmon ' /proc/modules)" loaded
mark
echo h > /proc/sysrq-trigger
expect_trigger trigger-still-works h help $$ sh
tool_run status
check tool-status-works "exit $TOOL_RC" [ $TOOL_RC -eq 0 ]
status_json
check counters-identity "$(json_get "$STATUS" generated) = sent+no_listener+dropped+queued" counters_ok
exit 0
