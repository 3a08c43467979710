#!/bin/sh
# SET_CONFIG through the tool: `sysrqmonctl mode off|monitor|deny` and `set audit 0`,
# `set audit_records 0`, `set watch_reads 1`, `set allowed_mask 0x10`, `set allowed_keys wm`, `set deny_scope
# container` each change the sysfs parameter, log one event=config line and send one JSON
# config event with setting/old/new (verdict allowed, the tool's comm). Bad values fail with
# exit 2 (the tool's own parser) or 1 with the kernel's extended ack message, and change
# nothing. Setting a value it already has changes nothing and reports nothing.
. /tests/lib.sh

reload || { fail load "insmod failed"; exit 0; }
F=/tmp/config-listener.json
listener_start $F --json || fail listener "did not join: $(cat $F.err)"

snapshot() {
	for p in mode audit audit_records watch_reads allowed_mask allowed_keys deny_scope; do
		printf '%s=%s ' $p "$(param $p)"
	done
}

# change NAME PARAM WANT-PARAM SETTING OLD NEW TOOL-ARGS...
n_changes=0
change() {
	_name=$1 _p=$2 _want=$3 _set=$4 _old=$5 _new=$6
	shift 6
	mark
	tool_run "$@"
	check $_name-exit "sysrqmonctl $*: exit $TOOL_RC $TOOL_OUT" [ $TOOL_RC -eq 0 ]
	check $_name-param "$_p=$(param $_p) (want $_want)" [ "$(param $_p)" = "$_want" ]
	_o=$(if [ -z "$_old" ]; then echo '""'; else echo "$_old"; fi)
	_n=$(if [ -z "$_new" ]; then echo '""'; else echo "$_new"; fi)
	expect_count $_name-audit 1 "^$(HDR_VERDICT=allowed hdr config '' sysrqmonctl) setting=$_set old=$_o new=$_n seq=[0-9]+\$"
	n_changes=$((n_changes + 1))
	EXPECTED="$EXPECTED$_set|$_old|$_new
"
}
EXPECTED=

change mode-off mode off mode monitor off mode off
change mode-monitor mode monitor mode off monitor mode monitor
change mode-deny mode deny mode monitor deny mode deny
change audit-0 audit 0 audit 1 0 set audit 0
change audit-records-0 audit_records 0 audit_records 1 0 set audit_records 0
change watch-reads-1 watch_reads 1 watch_reads 0 1 set watch_reads 1
change allowed-mask allowed_mask 16 allowed_mask 0 16 set allowed_mask 0x10
change allowed-keys allowed_keys mw allowed_keys '' mw set allowed_keys wm
change deny-scope deny_scope container deny_scope all container set deny_scope container
change mode-back mode monitor mode deny monitor set mode monitor

# the same value again: success, no event
mark
tool_run set allowed_mask 16
check same-value-exit "exit $TOOL_RC $TOOL_OUT" [ $TOOL_RC -eq 0 ]
expect_count same-value-quiet 0 'event=config '

# bad values: usage errors (2) from the tool, refusals (1) with the kernel's message
before=$(snapshot)
mark
bad() {
	_name=$1 _want=$2 _re=$3
	shift 3
	tool_run "$@"
	if [ $TOOL_RC -eq "$_want" ] && printf '%s' "$TOOL_OUT" | grep -qE -- "$_re"; then
		pass $_name "exit $TOOL_RC: $(oneline "$TOOL_OUT" | cut -c1-200)"
	else
		fail $_name "sysrqmonctl $*: exit $TOOL_RC (want $_want, /$_re/): $(oneline "$TOOL_OUT" | cut -c1-300)"
	fi
}
# the kernel's own extended ack for the same request (raw socket), which the tool must show
ext=$(nlfuzz --send set --attr 'allowed_keys=s:!' | sed -n 's/.* extack=//p')
check keys-bang-extack "kernel says: $ext" [ -n "$ext" -a "$ext" != - ]
# The tool refuses what the kernel would (usage error), before asking it.
bad keys-bang 2 "allowed_keys takes SysRq command characters" set allowed_keys '!'
bad keys-space 2 "allowed_keys takes SysRq command characters" set allowed_keys 'a b'
bad keys-long 2 'allowed_keys has at most 62 keys' set allowed_keys "$(printf '%070d' 0 | tr 0 a)"
bad scope-bogus 2 'deny_scope' set deny_scope bogus
bad mode-bogus 2 'mode' mode bogus
bad set-mode-bogus 2 'mode' set mode bogus
bad audit-2 2 'audit' set audit 2
bad audit-records-2 2 'audit_records' set audit_records 2
bad mask-text 2 'allowed_mask' set allowed_mask zz
bad unknown-setting 2 'unknown setting' set nosuch 1
bad mode-missing 2 'mode' mode
after=$(snapshot)
check bad-values-change-nothing "before: $before after: $after" [ "$before" = "$after" ]
expect_count bad-values-no-event 0 'event=config '

listener_stop
got=$(grep '"event":"config"' $F | while IFS= read -r l; do
	printf '%s|%s|%s\n' "$(json_str "$l" setting)" "$(json_str "$l" old)" "$(json_str "$l" new)"
done)
check json-config-events "$(printf '%s' "$got" | tr '\n' ' ') (want $(printf '%s' "$EXPECTED" | tr '\n' ' '))" \
	[ "$got" = "$(printf '%s' "$EXPECTED")" ]
vc=$(grep '"event":"config"' $F | grep -c '"verdict":"allowed".*"comm":"sysrqmonctl"')
check json-config-who "$vc of $n_changes config events: verdict allowed, comm sysrqmonctl" [ "$vc" -eq $n_changes ]
check json-listener-exit "exit $LISTENER_RC, $(wc -l < $F) lines" [ "$LISTENER_RC" -eq 0 ]

# put the defaults back
for kv in "set audit 1" "set audit_records 1" "set watch_reads 0" "set allowed_mask 0" "set allowed_keys ''" "set deny_scope all"; do
	eval "\"\$TOOL\" $kv" || fail restore "sysrqmonctl $kv failed"
done
exit 0
