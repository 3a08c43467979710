#!/bin/sh
# Lock (runs last in the main boot: a locked module stays until reboot). Deny mode with
# allowed_keys=h, then `echo 1 > locked`: every configuration change through sysfs fails
# EPERM and through netlink (sysrqmonctl) fails, nothing changes, and each attempt logs
# event=config verdict=denied; locking again is a no-op; rmmod and rmmod -f both fail, each
# logging event=config verdict=denied setting=module; the same through the i386 entry
# (delmod32: int $0x80), plain and forced; the lock holds a module reference; the module
# keeps working.
. /tests/lib.sh
. /tests/deny-lib.sh

must_reload mode=deny allowed_keys=h
setup_mask 16

mark
run_helper R sysrqwrite "$PARAMS/locked" 1
expect_result lock-write "$R" 1
check locked "locked=$(param locked)" [ "$(param locked)" = 1 ]
expect_audit lock-logged "$(hdr config "$(field "$R" pid)" sysrqwrite) setting=locked old=0 new=1( |\$)"

snapshot() { for p in mode audit watch_reads allowed_mask allowed_keys deny_scope verify_ms locked; do printf '%s=%s ' $p "$(param $p)"; done; }
before=$(snapshot)
info "settings: $before"

# sysfs: every setting, each attempt refused and logged
while read -r p v old; do
	[ -n "$p" ] || continue
	mark
	run_helper R sysrqwrite "$PARAMS/$p" "$v"
	expect_result "sysfs-$p-eperm" "$R" EPERM
	check "sysfs-$p-unchanged" "$p=$(param "$p")" [ "$(param "$p")" = "$old" ]
	expect_audit "sysfs-$p-denied" "$(HDR_VERDICT=denied hdr config "$(field "$R" pid)" sysrqwrite) setting=$p old=$old new=[^ ]+( |\$)"
	expect_count "sysfs-$p-one-event" 1 'event='
done <<'LIST'
mode monitor deny
mode off deny
audit 0 1
watch_reads 1 0
allowed_mask 0x1fe 0
allowed_keys hb h
deny_scope container all
verify_ms 0 1000
locked 0 1
LIST
mark
run_helper R sysrqwrite "$PARAMS/locked" 1
expect_result relock-noop "$R" 1
expect_count relock-no-denial 0 'verdict=denied'

# netlink
if [ -x "$TOOL" ]; then
	for args in "mode monitor" "mode off" "set allowed_keys hb" "set allowed_mask 0x1fe" "set audit 0" "set deny_scope container" "set verify_ms 0"; do
		n=nl-$(echo "$args" | tr ' ' '-')
		mark
		# shellcheck disable=SC2086
		out=$("$TOOL" $args 2>&1)
		rc=$?
		info "sysrqmonctl $args: exit $rc: $out"
		check "$n-fails" "exit $rc: $out" [ "$rc" -ne 0 ]
		set -- $args
		[ "$1" = mode ] && set -- set mode "$2"
		expect_audit "$n-denied" "$(HDR_VERDICT=denied hdr config '' sysrqmonctl) setting=$2 old=[^ ]+ new=[^ ]+( |\$)"
	done
	mark
	out=$("$TOOL" lock 2>&1)
	rc=$?
	info "sysrqmonctl lock: exit $rc: $out"
	check nl-relock-noop "exit $rc: $out" [ "$rc" -eq 0 ]
	out=$("$TOOL" status 2>&1)
	check nl-status "exit $?: $(printf '%s' "$out" | head -n 12)" [ -n "$out" ]
else
	fail netlink "$TOOL is missing"
fi
after=$(snapshot)
check settings-unchanged "before: $before after: $after" [ "$before" = "$after" ]

# unload refused
for f in "" "-f"; do
	n=rmmod${f:+-force}
	mark
	out=$(rmmod $f sysrqmon 2>&1)
	rc=$?
	info "rmmod $f sysrqmon: status $rc: $out"
	check "$n-fails" "status $rc: $out" [ "$rc" -ne 0 ]
	check "$n-still-loaded" "$(grep '^sysrqmon ' /proc/modules)" loaded
	expect_audit "$n-denied" "$(HDR_VERDICT=denied hdr config) setting=module old=deny new=unloaded( |\$)"
	expect_count "$n-one-event" 1 'event=config '
done

# the lock holds a reference: a plain delete_module would fail even without our hook
rc=$(cat /sys/module/sysrqmon/refcnt)
check refcnt-held "refcnt=$rc" [ "$rc" -ge 1 ]

# the i386 entry (int $0x80 from a 64-bit program), plain and forced: refused and reported
# (every Debian kernel has IA32_EMULATION, and so has the debug kernel)
ia32=
grep -q ' __ia32_sys_delete_module$' /proc/kallsyms && ia32=1
check ia32-entry-exists "IA32_EMULATION: ${ia32:-no}" [ -n "$ia32" ]
for f in "" force; do
	[ -n "$ia32" ] || break
	n=ia32-delete${f:+-force}
	mark
	run_helper R delmod32 sysrqmon $f
	expect_result "$n-eperm" "$R" EPERM
	check "$n-still-loaded" "$(grep '^sysrqmon ' /proc/modules)" loaded
	expect_audit "$n-denied" "$(HDR_VERDICT=denied hdr config "$(field "$R" pid)" delmod32) setting=module old=deny new=unloaded( |\$)"
	expect_count "$n-one-event" 1 'event=config '
done

# the module still works
mark
shell_write W h $P
check works-h "$W" [ "${W%% *}" = rc=0 ]
expect_trigger works-h-event h help $$ sh
expect_ran works-h-ran h 1
mark
shell_write W b $P
expect_shell_eperm works-b-refused "$W"
HDR_VERDICT=denied expect_trigger works-b-denied b '' $$ sh
mark
shell_write W 438 $S
expect_shell_eperm works-sysctl-refused "$W"
HDR_VERDICT=denied expect_sysctl works-sysctl-denied 16 438 $$ sh
expect_mask works-sysctl-unchanged 16
exit 0
