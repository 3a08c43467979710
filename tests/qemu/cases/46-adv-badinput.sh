#!/bin/sh
# Bad input everywhere: module parameters at insmod (each refused with EINVAL and a kernel
# log line naming the value), runtime writes of the parameters in sysfs (EINVAL, nothing
# changes, no config event), and bad sysrqmonctl arguments (exit 2, nothing changes).
. /tests/lib.sh
. /tests/adv-lib.sh

ensure_unloaded
# param=value  value-to-find-in-the-log
n=0
while read -r pv want; do
	[ -n "$pv" ] || continue
	n=$((n + 1))
	name=insmod-${pv%%=*}-$n
	mark
	out=$(insmod "$KO" "$pv" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && ! loaded; then
		case $out in
		*"Invalid argument"*|*EINVAL*|*"invalid"*) pass "$name" "refused: $out" ;;
		*) fail "$name" "refused, but not with EINVAL: $out" ;;
		esac
	else
		fail "$name" "insmod $pv: status $rc, loaded=$(loaded && echo yes || echo no)"
		ensure_unloaded
	fi
	line=$(new_klog | grep 'sysrqmon' | grep -F -- "$want" | head -n 1)
	check "$name-logged" "${line:-no sysrqmon line names '$want': $(new_klog | tail -n 2 | tr '\n' ' ')}" [ -n "$line" ]
done <<'LIST'
mode=bogus bogus
allowed_mask=zz zz
allowed_keys=! !
deny_scope=x x
buffer_events=5 5
buffer_events=70000 70000
verify_ms=50 50
verify_ms=99999 99999
audit=2 2
audit_records=7 7
watch_reads=maybe maybe
allowed_mask=0x1ff0000000 0x1ff0000000
LIST

insmod "$KO" || { fail load "insmod failed"; exit 0; }
settings() {
	for p in mode audit audit_records watch_reads allowed_mask allowed_keys deny_scope locked buffer_events verify_ms; do
		printf '%s=%s ' $p "$(param $p)"
	done
}
before=$(settings)
mark
n=0
while read -r p v; do
	[ -n "$p" ] || continue
	n=$((n + 1))
	run_helper R sysrqwrite "$PARAMS/$p" "$v"
	case $(field "$R" result) in
	EINVAL|EACCES|EPERM) pass "sysfs-$p-$n" "$p=$v: $R" ;;
	*) fail "sysfs-$p-$n" "$p=$v accepted: $R" ;;
	esac
done <<'LIST'
mode bogus
mode denyx
audit 2
audit_records maybe
watch_reads maybe
allowed_mask zz
allowed_mask 0x1ff0000000
allowed_keys !
allowed_keys h!
deny_scope x
verify_ms 50
verify_ms 99999
buffer_events 5
locked maybe
LIST
after=$(settings)
check sysfs-nothing-changed "before: $before after: $after" [ "$before" = "$after" ]
expect_count sysfs-no-config-event 0 'event=config '

# sysrqmonctl: usage errors exit 2 and change nothing
mark
n=0
while IFS= read -r args; do
	[ -n "$args" ] || continue
	n=$((n + 1))
	# shellcheck disable=SC2086
	out=$("$TOOL" $args 2>&1)
	rc=$?
	check "cli-$n" "sysrqmonctl $args: exit $rc (want 2): $(oneline "$out" | cut -c1-200)" [ $rc -eq 2 ]
done <<'LIST'
--bogus
nosuchcommand
mode
mode bogus
mode deny extra
set
set audit
set nosuch 1
set audit 2
set audit_records maybe
set watch_reads maybe
set allowed_mask zz
set allowed_keys !
set deny_scope x
set mode bogus
status extra
status --bogus
listen --count
listen --count x
listen --count -1
listen --timeout x
listen --timeout -1
listen --format nope
keys extra
lock extra
metrics --output
LIST
after=$(settings)
check cli-nothing-changed "before: $before after: $after" [ "$before" = "$after" ]
expect_count cli-no-config-event 0 'event=config '
figure badinput-checks "$n"
exit 0
