#!/bin/sh
# A hook ftrace refuses (issue 23): sysrqevil holds write_sysrq_trigger with an IPMODIFY
# ftrace_ops, as a livepatch would, and ftrace grants IPMODIFY to one ops per function.
# insmod fails with one line naming that hook, nothing stays loaded or attached, and the
# module loads once the holder is gone.
. /tests/lib.sh
. /tests/integrity-lib.sh

evil_need
ensure_unloaded || { fail unload "rmmod sysrqmon failed"; exit 0; }
mark
evil act=ipmodify sym=write_sysrq_trigger
check holder "status $EVIL_RC, ret=$EVIL_RET" [ "$EVIL_RC:$EVIL_RET" = 0:0 ]

out=$(insmod "$KO" 2>&1)
rc=$?
check refused "status $rc: $out" [ "$rc" -ne 0 ]
check not-loaded "$(grep '^sysrqmon ' /proc/modules)" eval '! loaded'
named=$(new_klog | grep 'sysrqmon: ftrace refuses')
check names-the-hook "$named" eval \
	'printf "%s\n" "$named" | grep -q "ftrace refuses hook write_sysrq_trigger: -16 (another"'
# busybox's insmod tries init_module after finit_module fails: one load, one line, twice.
others=$(new_klog | grep 'sysrqmon: ' | grep -v 'ftrace refuses hook write_sysrq_trigger: ')
check names-only-it "other lines: $others" [ -z "$others" ]
EF=/sys/kernel/tracing/enabled_functions
traced=$(cat "$EF")
check nothing-attached "$EF: $(echo "$traced" | tr '\n' ';')" eval \
	'[ -r "$EF" ] && [ "$(echo "$traced" | grep -vc "^write_sysrq_trigger ")" -eq 0 ] &&
	echo "$traced" | grep -q "^write_sysrq_trigger "'

check holder-gone "rmmod sysrqevil" ensure_unloaded sysrqevil
out=$(insmod "$KO" 2>&1)
rc=$?
check loads-after "status $rc: $out" [ "$rc" -eq 0 ]
exit 0
