#!/bin/sh
# Integrity, without sysrqmon: every act of the hostile module (/tests/sysrqevil.ko) really
# changes the kernel's SysRq state, so the later cases prove something. toggle: the mask reads
# back the new value; register: the registered key runs the hidden handler and HELP lists
# backdoor(y), rmmod takes it away; handle: the kernel ran the key (its HELP line) and the
# module logged its call; rawmask / rawkey: raw writes at the /proc/kallsyms addresses read
# back (mask; the hidden key runs from the trigger), rmmod puts the slot back; the sysrq
# driver's parameters reset_seq and sysrq_downtime_ms read back what was written (restored).
. /tests/lib.sh
. /tests/deny-lib.sh
. /tests/integrity-lib.sh

evil_need
ensure_unloaded || { fail unload "rmmod sysrqmon failed"; exit 0; }
ensure_unloaded sysrqevil
check sysrqmon-absent "$(grep '^sysrqmon ' /proc/modules)" eval '! loaded'

# --- toggle ---------------------------------------------------------------------------------
set_mask 0
evil act=toggle mask=16
check toggle-loaded "$EVIL_OUT" [ "$EVIL_RC" -eq 0 ]
check toggle-ret0 "$EVIL_LINE" [ "$EVIL_RET" = 0 ]
expect_mask toggle-mask 16
ensure_unloaded sysrqevil
set_mask 438

# --- register -------------------------------------------------------------------------------
mark
evil act=register key=y
check register-ret0 "$EVIL_LINE" [ "$EVIL_RET" = 0 ]
mark
echo y > $P
expect_klog register-runs "$hidden_ran_re" 1
expect_klog register-action 'sysrq: Backdoor'
mark
echo h > $P
expect_klog register-help-lists 'sysrq: HELP :.* backdoor\(y\)'
check register-rmmod "rmmod sysrqevil" ensure_unloaded sysrqevil
mark
echo y > $P
expect_klog register-undone "$hidden_ran_re" 0
expect_klog register-undone-help 'sysrq: HELP :'
mark
echo h > $P
expect_klog register-undone-help-list 'backdoor\(y\)' 0

# --- handle ---------------------------------------------------------------------------------
set_mask 438
evil act=handle key=h
check handle-ret0 "$EVIL_LINE" [ "$EVIL_RET" = 0 ]
expect_klog handle-logged 'sysrqevil: act=handle mask=0 key=h ret=0'
expect_ran handle-ran h 1
ensure_unloaded sysrqevil

# --- rawmask --------------------------------------------------------------------------------
A=$(ksym sysrq_enabled)
check kallsyms-sysrq_enabled "sysrq_enabled at '$A'" addr_ok "$A"
set_mask 438
evil act=rawmask mask=48 addr="$A"
check rawmask-loaded "$EVIL_OUT $EVIL_LINE" [ "$EVIL_RC" -eq 0 ]
expect_mask rawmask-reads 48
ensure_unloaded sysrqevil
set_mask 438
expect_mask rawmask-reset 438

# --- rawkey ---------------------------------------------------------------------------------
K=$(ksym sysrq_key_table)
check kallsyms-sysrq_key_table "sysrq_key_table at '$K'" addr_ok "$K"
mark
echo x > $P
expect_klog rawkey-x-before 'sysrq: HELP :'
evil act=rawkey key=x addr="$K"
check rawkey-loaded "$EVIL_OUT $EVIL_LINE" [ "$EVIL_RC" -eq 0 ]
mark
echo x > $P
expect_klog rawkey-runs "$hidden_ran_re" 1
ensure_unloaded sysrqevil
mark
echo x > $P
expect_klog rawkey-undone "$hidden_ran_re" 0
expect_klog rawkey-undone-help 'sysrq: HELP :'

# --- the driver's parameters ----------------------------------------------------------------
rs0=$(rd $SRQP/reset_seq)
dt0=$(rd $SRQP/sysrq_downtime_ms)
info "reset_seq='$rs0' sysrq_downtime_ms='$dt0'"
shell_write W 194,195 $SRQP/reset_seq
expect_write_ok reset-seq-write "$W"
check reset-seq-reads "reset_seq=$(rd $SRQP/reset_seq)" [ "$(rd $SRQP/reset_seq)" = 194,195 ]
shell_write W 1234 $SRQP/sysrq_downtime_ms
expect_write_ok downtime-write "$W"
check downtime-reads "sysrq_downtime_ms=$(rd $SRQP/sysrq_downtime_ms)" \
	[ "$(rd $SRQP/sysrq_downtime_ms)" = 1234 ]
params_restore "$rs0" "$dt0"

ensure_unloaded sysrqevil
set_mask 438
exit 0
