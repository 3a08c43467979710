#!/bin/sh
# Integrity in deny mode (allowed_mask=0, allowed_keys=sxy so the trigger can show what a key
# does, verify_ms=$VERIFY_MS). A module's toggle that enables a bit outside allowed_mask fails
# (-EPERM, the module logs ret=-1) with the mask unchanged and event=toggle verdict=denied;
# clearing bits and enabling allowed ones pass. register_sysrq_key fails (keytable
# verdict=denied) and the key stays unbound; a key registered in monitor mode is unregistered
# by rmmod after the switch to deny (never refused, reported). handle_sysrq from a module
# follows allowed_keys. Writes of reset_seq / sysrq_downtime_ms fail EPERM as a whole (values
# read back unchanged, the sequence not emptied). Raw writes of the mask and of key-table slots
# are put back within one period (mask read back, the trigger no longer runs the hidden key,
# a built-in handler comes back) and reported once with verdict=denied; with deny_scope=container
# drift is reported, not put back; a kernel.sysrq write made while mode=off is not reverted as
# drift after the switch back to deny. kprobes/enabled=0 is
# allowed (not locked) and ftrace_enabled=0 fails EBUSY; the next write to either SysRq file in
# the same shell line is still denied and reported.
. /tests/lib.sh
. /tests/deny-lib.sh
. /tests/integrity-lib.sh

evil_need
ensure_unloaded sysrqevil
A=$(ksym sysrq_enabled)
K=$(ksym sysrq_key_table)
addr_ok "$A" && addr_ok "$K" || fail kallsyms "sysrq_enabled='$A' sysrq_key_table='$K'"
must_reload mode=deny verify_ms="$VERIFY_MS" allowed_mask=0 allowed_keys=sxy

# --- toggle -----------------------------------------------------------------------------------
setup_mask 16
evil act=toggle mask=48
check toggle-loads "status $EVIL_RC $EVIL_OUT" [ "$EVIL_RC" -eq 0 ]
check toggle-eperm "$EVIL_LINE" [ "$EVIL_RET" = -1 ]
expect_mask toggle-unchanged 16
expect_audit toggle-denied "$(HDR_VERDICT=denied hdr toggle '' insmod) old_mask=16 new_mask=48 module=sysrqevil( |\$)"
expect_count toggle-denied-once 1 'event=toggle '
expect_count toggle-not-sysctl 0 'event=sysctl '
ensure_unloaded sysrqevil
mark
evil act=toggle mask=1
check toggle-1-eperm "$EVIL_LINE" [ "$EVIL_RET" = -1 ]
expect_mask toggle-1-unchanged 16
expect_audit toggle-1-denied "$(HDR_VERDICT=denied hdr toggle '' insmod) old_mask=16 new_mask=1 module=sysrqevil( |\$)"
ensure_unloaded sysrqevil
mark
evil act=toggle mask=0
check toggle-clear-ret0 "$EVIL_LINE" [ "$EVIL_RET" = 0 ]
expect_mask toggle-clear-applied 0
expect_audit toggle-clear-allowed "$(hdr toggle '' insmod) old_mask=16 new_mask=0 module=sysrqevil( |\$)"
ensure_unloaded sysrqevil
echo 0x10 > "$PARAMS/allowed_mask"
mark
evil act=toggle mask=16
check toggle-allowed-bit-ret0 "$EVIL_LINE" [ "$EVIL_RET" = 0 ]
expect_mask toggle-allowed-bit-applied 16
expect_audit toggle-allowed-bit "$(hdr toggle '' insmod) old_mask=0 new_mask=16 module=sysrqevil( |\$)"
ensure_unloaded sysrqevil
echo 0 > "$PARAMS/allowed_mask"
mark
settle_periods 3
expect_count toggle-no-drift 0 'event=drift '

# --- register refused; unregister after the switch to deny ---------------------------------------
BACKDOOR='handler="backdoor \[sysrqevil\]" help=backdoor\(y\)'
mark
evil act=register key=y
check register-loads "status $EVIL_RC $EVIL_OUT" [ "$EVIL_RC" -eq 0 ]
check register-eperm "$EVIL_LINE" [ "$EVIL_RET" = -1 ]
expect_audit register-denied "$(HDR_VERDICT=denied hdr keytable '' insmod) op=register key=y module=sysrqevil $BACKDOOR( |\$)"
expect_count register-denied-once 1 'event=keytable '
mark
shell_write W y $P
expect_write_ok register-trigger-y "$W"
expect_klog register-not-bound "$hidden_ran_re" 0
expect_ran register-y-is-help h 1
mark
ensure_unloaded sysrqevil
expect_count register-denied-no-unregister 0 'event=keytable '

echo monitor > "$PARAMS/mode"
mark
evil act=register key=y
check switch-register-ret0 "$EVIL_LINE" [ "$EVIL_RET" = 0 ]
expect_audit switch-register "$(hdr keytable '' insmod) op=register key=y module=sysrqevil $BACKDOOR( |\$)"
echo deny > "$PARAMS/mode"
check switch-mode "mode=$(param mode)" [ "$(param mode)" = deny ]
mark
shell_write W y $P
expect_klog switch-y-bound "$hidden_ran_re" 1
mark
ensure_unloaded sysrqevil
check switch-unregister-rmmod "status $EVIL_RC" [ "$EVIL_RC" -eq 0 ]
check switch-unregister-gone "$(grep '^sysrqevil ' /proc/modules)" eval '! loaded sysrqevil'
expect_audit switch-unregister "$(hdr keytable '' rmmod) op=unregister key=y module=sysrqevil $BACKDOOR( |\$)"
expect_count switch-unregister-once 1 'event=keytable '
mark
shell_write W y $P
expect_klog switch-unbound "$hidden_ran_re" 0
expect_ran switch-y-is-help h 1
settle_periods 3
expect_count switch-no-drift 0 'event=drift '

# --- handle_sysrq from a module follows allowed_keys ----------------------------------------------
setup_mask 438
mark
evil act=handle key=h
expect_audit handle-denied "$(HDR_VERDICT=denied hdr kernel '' insmod) key=h action=help module=sysrqevil( |\$)"
expect_count handle-denied-once 1 'event=kernel '
expect_ran handle-denied-not-ran h 0
ensure_unloaded sysrqevil
echo sxyh > "$PARAMS/allowed_keys"
mark
evil act=handle key=h
expect_audit handle-allowed "$(hdr kernel '' insmod) key=h action=help module=sysrqevil( |\$)"
expect_count handle-allowed-once 1 'event=kernel '
expect_ran handle-allowed-ran h 1
ensure_unloaded sysrqevil
echo sxy > "$PARAMS/allowed_keys"

# --- the sysrq driver's parameters ------------------------------------------------------------------
rs0=$(rd $SRQP/reset_seq)
dt0=$(rd $SRQP/sysrq_downtime_ms)
echo monitor > "$PARAMS/mode"
echo 194,195 > $SRQP/reset_seq
echo 1234 > $SRQP/sysrq_downtime_ms
echo deny > "$PARAMS/mode"
check params-set-up "reset_seq=$(rd $SRQP/reset_seq) sysrq_downtime_ms=$(rd $SRQP/sysrq_downtime_ms)" \
	eval '[ "$(rd $SRQP/reset_seq)" = 194,195 -a "$(rd $SRQP/sysrq_downtime_ms)" = 1234 ]'
for v in 1 1,2,3 none; do
	mark
	shell_write W "$v" $SRQP/reset_seq
	expect_shell_eperm "reset-seq-$v-eperm" "$W"
	check "reset-seq-$v-unchanged" "reset_seq=$(rd $SRQP/reset_seq)" [ "$(rd $SRQP/reset_seq)" = 194,195 ]
	expect_audit "reset-seq-$v-denied" "$(HDR_VERDICT=denied hdr param $$ sh) name=reset_seq value=$v( |\$)"
	expect_count "reset-seq-$v-once" 1 'event=param '
done
mark
shell_write W 0 $SRQP/sysrq_downtime_ms
expect_shell_eperm downtime-eperm "$W"
check downtime-unchanged "sysrq_downtime_ms=$(rd $SRQP/sysrq_downtime_ms)" [ "$(rd $SRQP/sysrq_downtime_ms)" = 1234 ]
expect_audit downtime-denied "$(HDR_VERDICT=denied hdr param $$ sh) name=sysrq_downtime_ms value=0( |\$)"
expect_count downtime-once 1 'event=param '
echo monitor > "$PARAMS/mode"
params_restore "$rs0" "$dt0"
echo deny > "$PARAMS/mode"

# --- drift put back: the mask ---------------------------------------------------------------------
setup_mask 16
drift_mark
evil act=rawmask mask=438 addr="$A"
expect_drift drift-mask-denied denied mask 16 438
expect_mask drift-mask-restored 16
settle_periods 4
expect_count drift-mask-once 1 'event=drift '
expect_mask drift-mask-stays 16
ensure_unloaded sysrqevil

# --- drift put back: an empty slot and a built-in handler's slot ----------------------------------
drift_mark
evil act=rawkey key=x addr="$K"
expect_drift drift-key-x-denied denied keytable x
settle_periods 4
expect_count drift-key-x-once 1 'event=drift '
mark
shell_write W x $P
expect_write_ok drift-key-x-trigger "$W"
expect_klog drift-key-x-restored "$hidden_ran_re" 0
expect_ran drift-key-x-is-help h 1
mark
ensure_unloaded sysrqevil
settle_periods 3
expect_count drift-key-x-rmmod-no-drift 0 'event=drift '

drift_mark
evil act=rawkey key=s addr="$K"
expect_drift drift-key-s-denied denied keytable s
settle_periods 4
expect_count drift-key-s-once 1 'event=drift '
mark
shell_write W s $P
expect_klog drift-key-s-restored "$hidden_ran_re" 0
expect_klog drift-key-s-sync 'sysrq: Emergency Sync'
mark
ensure_unloaded sysrqevil
settle_periods 3
expect_count drift-key-s-rmmod-no-drift 0 'event=drift '

# --- deny_scope=container: drift has no task, so it is reported, not put back --------------------
echo container > "$PARAMS/deny_scope"
setup_mask 16
drift_mark
evil act=rawmask mask=438 addr="$A"
expect_drift scope-container-drift allowed mask 16 438
expect_mask scope-container-left 438
ensure_unloaded sysrqevil
echo all > "$PARAMS/deny_scope"

# --- a kernel.sysrq write made while mode=off is not reverted as drift after the switch back --------
setup_mask 16
echo off > "$PARAMS/mode"
echo 438 > $S
mark
echo deny > "$PARAMS/mode"
settle_periods 4
expect_mask off-sysctl-kept 438
expect_count off-sysctl-no-drift 0 'event=drift '
setup_mask 16

# --- blinding switches ------------------------------------------------------------------------------
setup_mask 16
mark
{ echo 0 > $KPE; echo h > $P; } 2> /tmp/kp.err
check kprobes-off "kprobes/enabled=$(rd $KPE) $(cat /tmp/kp.err)" [ "$(rd $KPE)" = 0 ]
expect_audit kprobes-tamper "$(hdr tamper $$ sh) what=kprobes( |\$)"
HDR_VERDICT=denied expect_trigger kprobes-next-trigger-denied h '' $$ sh
expect_ran kprobes-next-not-ran h 0
check kprobes-next-eperm "$(cat /tmp/kp.err)" grep -q 'Operation not permitted' /tmp/kp.err
echo 1 > $KPE
check kprobes-reenabled "kprobes/enabled=$(rd $KPE)" [ "$(rd $KPE)" = 1 ]
mark
{ echo 0 > $KPE; echo 438 > $S; } 2> /tmp/kp.err
expect_audit kprobes-tamper-2 "$(hdr tamper $$ sh) what=kprobes( |\$)"
HDR_VERDICT=denied expect_sysctl kprobes-next-sysctl-denied 16 438 $$ sh
expect_mask kprobes-next-sysctl-unchanged 16
echo 1 > $KPE
check kprobes-reenabled-2 "kprobes/enabled=$(rd $KPE)" [ "$(rd $KPE)" = 1 ]

mark
{ echo 0 > $FTE; r=$?; echo h > $P; } 2> /tmp/ft.err
check ftrace-ebusy "status $r: $(cat /tmp/ft.err)" eval '[ "$r" -ne 0 ] && grep -qi busy /tmp/ft.err'
check ftrace-still-on "ftrace_enabled=$(rd $FTE)" [ "$(rd $FTE)" = 1 ]
expect_audit ftrace-tamper "$(HDR_VERDICT=denied hdr tamper $$ sh) what=ftrace( |\$)"
HDR_VERDICT=denied expect_trigger ftrace-next-trigger-denied h '' $$ sh
expect_ran ftrace-next-not-ran h 0
mark
{ echo 0 > $FTE; echo 438 > $S; } 2> /tmp/ft.err
expect_audit ftrace-tamper-2 "$(HDR_VERDICT=denied hdr tamper $$ sh) what=ftrace( |\$)"
HDR_VERDICT=denied expect_sysctl ftrace-next-sysctl-denied 16 438 $$ sh
expect_mask ftrace-next-sysctl-unchanged 16

ensure_unloaded sysrqevil
ensure_unloaded
set_mask 438
exit 0
