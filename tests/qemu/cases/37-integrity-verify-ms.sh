#!/bin/sh
# verify_ms is a setting like the others (review finding: `echo 0 > verify_ms` switched the drift
# check off without a trace, and netlink could not set it). Every change is an event=config
# line naming the writer, through sysfs and through `sysrqmonctl set verify_ms`; a value out of
# range is refused (EINVAL, unchanged, no event) on both paths; a check switched back on finds a
# raw change made while it was off. (Locked, it is refused like every setting: 95-lock.)
. /tests/lib.sh
. /tests/deny-lib.sh
. /tests/integrity-lib.sh

evil_need
ensure_unloaded sysrqevil
A=$(ksym sysrq_enabled)
addr_ok "$A" || fail kallsyms "sysrq_enabled='$A'"
set_mask 438
must_reload verify_ms="$VERIFY_MS"

mark
shell_write W 0 "$PARAMS/verify_ms"
expect_write_ok sysfs-off "$W"
check sysfs-off-reads "verify_ms=$(param verify_ms)" [ "$(param verify_ms)" = 0 ]
expect_audit sysfs-off-logged "$(hdr config $$ sh) setting=verify_ms old=$VERIFY_MS new=0( |\$)"
expect_count sysfs-off-once 1 'event=config '

# off: a raw change stays unseen (that is what off means, and it is now on the record)
mark
evil act=rawmask mask=1 addr="$A"
settle_periods 3
expect_count off-no-drift 0 'event=drift '
ensure_unloaded sysrqevil

drift_mark
tool_run set verify_ms "$VERIFY_MS"
check netlink-on "exit $TOOL_RC: $TOOL_OUT" [ "$TOOL_RC" -eq 0 ]
check netlink-on-reads "verify_ms=$(param verify_ms)" [ "$(param verify_ms)" = "$VERIFY_MS" ]
expect_audit netlink-on-logged "$(hdr config '' sysrqmonctl) setting=verify_ms old=0 new=$VERIFY_MS( |\$)"
CHANGE_RE='sysrqmon: event=config .* setting=verify_ms'
expect_drift netlink-on-finds-drift allowed mask 438 1
set_mask 438

for v in 50 60001 -1 1s; do
	mark
	shell_write W "$v" "$PARAMS/verify_ms"
	case $W in
	*"Invalid argument"*) pass "sysfs-$v-einval" "$W" ;;
	*) fail "sysfs-$v-einval" "$W" ;;
	esac
	check "sysfs-$v-unchanged" "verify_ms=$(param verify_ms)" [ "$(param verify_ms)" = "$VERIFY_MS" ]
	expect_count "sysfs-$v-no-event" 0 'event=config '
done
for v in 99 60001; do
	tool_run set verify_ms "$v"
	check "netlink-$v-usage" "exit $TOOL_RC: $TOOL_OUT" [ "$TOOL_RC" -eq 2 ]
done

ensure_unloaded
set_mask 438
exit 0
