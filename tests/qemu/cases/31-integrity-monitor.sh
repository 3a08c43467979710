#!/bin/sh
# Integrity in monitor mode (verify_ms=$VERIFY_MS): each act of the hostile module is reported
# and allowed. baseline at load (mask and the keys with a handler, in table order; again after
# a reload, now with the registered key); toggle from a module is event=toggle module=sysrqevil
# and never sysctl, a write of kernel.sysrq is event=sysctl and never toggle; register and
# unregister are event=keytable with handler and help; handle_sysrq from a module is
# event=kernel exactly once; writes of the sysrq driver's reset_seq / sysrq_downtime_ms are
# event=param (values restored); raw writes of the mask and of a key-table slot are
# event=drift source=verify within one period, once each, and left in place; hooked changes,
# several between two checks, are never drift; kprobes/enabled=0 is tamper verdict=allowed
# and ftrace_enabled=0 tamper verdict=denied (EBUSY), and the next write to either SysRq file
# in the same shell line is still reported. A sysctl write and a registration made while
# mode=off are hooked changes too: no drift once monitoring resumes. After rmmod sysrqmon,
# nothing is reported at all.
. /tests/lib.sh
. /tests/deny-lib.sh
. /tests/integrity-lib.sh

evil_need
ensure_unloaded sysrqevil
ensure_unloaded
A=$(ksym sysrq_enabled)
K=$(ksym sysrq_key_table)
addr_ok "$A" && addr_ok "$K" || fail kallsyms "sysrq_enabled='$A' sysrq_key_table='$K'"

# --- baseline -------------------------------------------------------------------------------
set_mask 438
echo h > $P
# The keys of the kernel's "sysrq: HELP : name(k) name(0-9) ..." line (a tr set: a-b is a range),
# once each in key-table order (SLOTS): every key with a handler (one help text per handler)
SLOTS=0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ
keys=$(new_klog | grep -m 1 'sysrq: HELP :' | grep -o '([^)]*)' | tr -d '()' |
	grep -xE '.|.-.' | tr -d '\n')
want=$(printf '%s' "$SLOTS" | tr -cd "$keys")
info "keys with a handler (from HELP): $want"
check help-keys-known "keys '$want'" [ -n "$want" ]
mark
reload verify_ms="$VERIFY_MS" || { fail load "insmod verify_ms=$VERIFY_MS"; exit 0; }
expect_audit baseline "$(hdr baseline '' insmod) mask=438 keys=$(re_quote "$want")( |\$)"
expect_count baseline-once 1 'event=baseline '
mark

# --- toggle from a module, and the sysctl write -----------------------------------------------
set_mask 0
evil act=toggle mask=16
check toggle-ret0 "$EVIL_LINE" [ "$EVIL_RET" = 0 ]
expect_mask toggle-applied 16
expect_audit toggle-event "$(hdr toggle '' insmod) old_mask=0 new_mask=16 module=sysrqevil( |\$)"
expect_count toggle-once 1 'event=toggle '
expect_count toggle-not-sysctl 0 'event=sysctl '
ensure_unloaded sysrqevil
mark
shell_write W 438 $S
expect_write_ok sysctl-write "$W"
expect_sysctl sysctl-event 16 438 $$ sh
expect_count sysctl-once 1 'event=sysctl '
expect_count sysctl-not-toggle 0 'event=toggle '

# --- register / unregister --------------------------------------------------------------------
BACKDOOR='handler="backdoor \[sysrqevil\]" help=backdoor\(y\)'
mark
evil act=register key=y
check register-ret0 "$EVIL_LINE" [ "$EVIL_RET" = 0 ]
expect_audit register-event "$(hdr keytable '' insmod) op=register key=y module=sysrqevil $BACKDOOR( |\$)"
expect_count register-once 1 'event=keytable '
mark
echo y > $P
expect_klog register-runs "$hidden_ran_re" 1
expect_trigger register-trigger y backdoor $$ sh
# a reload sees the registered key in its baseline
want_y=$(printf '%s' "$SLOTS" | tr -cd "${want}y")
mark
reload verify_ms="$VERIFY_MS" || { fail reload "insmod verify_ms=$VERIFY_MS"; exit 0; }
expect_audit baseline-with-y "$(hdr baseline '' insmod) mask=438 keys=$(re_quote "$want_y")( |\$)"
mark
check unregister-rmmod "rmmod sysrqevil" ensure_unloaded sysrqevil
expect_audit unregister-event "$(hdr keytable '' rmmod) op=unregister key=y module=sysrqevil $BACKDOOR( |\$)"
expect_count unregister-once 1 'event=keytable '

# --- handle_sysrq from a module ---------------------------------------------------------------
mark
evil act=handle key=h
expect_audit handle-event "$(hdr kernel '' insmod) key=h action=help module=sysrqevil( |\$)"
expect_count handle-once 1 'event=kernel '
expect_count handle-not-console 0 'event=(trigger|console) '
expect_ran handle-ran h 1
ensure_unloaded sysrqevil

# --- the sysrq driver's parameters ----------------------------------------------------------
rs0=$(rd $SRQP/reset_seq)
dt0=$(rd $SRQP/sysrq_downtime_ms)
mark
shell_write W 194,195 $SRQP/reset_seq
expect_write_ok param-reset-seq-write "$W"
expect_audit param-reset-seq "$(hdr param $$ sh) name=reset_seq value=194,195( |\$)"
expect_count param-reset-seq-once 1 'event=param '
check param-reset-seq-reads "reset_seq=$(rd $SRQP/reset_seq)" [ "$(rd $SRQP/reset_seq)" = 194,195 ]
drift_mark
shell_write W 1234 $SRQP/sysrq_downtime_ms
expect_write_ok param-downtime-write "$W"
expect_audit param-downtime "$(hdr param $$ sh) name=sysrq_downtime_ms value=1234( |\$)"
expect_count param-downtime-once 1 'event=param '
check param-downtime-reads "sysrq_downtime_ms=$(rd $SRQP/sysrq_downtime_ms)" [ "$(rd $SRQP/sysrq_downtime_ms)" = 1234 ]
params_restore "$rs0" "$dt0"

# --- drift: raw mask ------------------------------------------------------------------------
set_mask 438
evil act=rawmask mask=48 addr="$A"
expect_drift drift-mask allowed mask 438 48
expect_mask drift-mask-left 48
settle_periods 4
expect_count drift-mask-once 1 'event=drift '
ensure_unloaded sysrqevil
mark
shell_write W 438 $S
expect_sysctl drift-mask-then-sysctl 48 438 $$ sh
settle_periods 3
expect_count drift-mask-then-no-drift 0 'event=drift '

# --- drift: raw key-table slot ------------------------------------------------------------------
drift_mark
evil act=rawkey key=x addr="$K"
expect_drift drift-key allowed keytable x
settle_periods 4
expect_count drift-key-once 1 'event=drift '
expect_count drift-key-no-keytable 0 'event=keytable '
mark
echo x > $P
expect_klog drift-key-left "$hidden_ran_re" 1
# The module's exit puts the load-time value back; a module that goes takes the trust in its
# handlers with it, and the slot falls back to what it held at load: not drift.
mark
ensure_unloaded sysrqevil
settle_periods 4
expect_count drift-key-undo-no-drift 0 'event=drift '
mark
echo x > $P
expect_klog drift-key-undo-slot-empty "$hidden_ran_re" 0

# --- hooked changes, several between two checks, are never drift ------------------------------
# verify_ms=0 stops the check; every change below happens before the next check, which
# verify_ms=$VERIFY_MS schedules again.
echo 0 > "$PARAMS/verify_ms"
mark
echo 16 > $S
echo 0 > $S
evil act=toggle mask=438
ensure_unloaded sysrqevil
evil act=register key=y
ensure_unloaded sysrqevil
echo 16 > $S
evil act=toggle mask=48
ensure_unloaded sysrqevil
evil act=register key=y
echo 438 > $S
echo "$VERIFY_MS" > "$PARAMS/verify_ms"
settle_periods 4
expect_count hooked-no-drift 0 'event=drift '
expect_count hooked-keytable 3 'event=keytable '
expect_count hooked-toggle 2 'event=toggle '
expect_count hooked-sysctl 4 'event=sysctl '
mark
ensure_unloaded sysrqevil
settle_periods 3
expect_count hooked-unregister-no-drift 0 'event=drift '

# --- hooked changes made while mode=off are not drift once monitoring resumes --------------------
# (the module does nothing while off, but a sysctl write and a registration are still changes
# through hooked paths, not raw writes behind them)
set_mask 438
echo off > "$PARAMS/mode"
echo 16 > $S
evil act=register key=y
mark
echo monitor > "$PARAMS/mode"
settle_periods 4
expect_count off-hooked-no-drift 0 'event=drift '
ensure_unloaded sysrqevil
set_mask 438

# --- blinding switches -----------------------------------------------------------------------
set_mask 438
kp0=$(rd $KPE)
check kprobes-enabled-before "kprobes/enabled=$kp0" [ "$kp0" = 1 ]
mark
{ echo 0 > $KPE; echo h > $P; } 2> /tmp/kp.err
check kprobes-off "kprobes/enabled=$(rd $KPE) $(cat /tmp/kp.err)" [ "$(rd $KPE)" = 0 ]
expect_audit kprobes-tamper "$(hdr tamper $$ sh) what=kprobes( |\$)"
expect_trigger kprobes-next-trigger h help $$ sh
check kprobes-order "$(new_audit | tr '\n' '|')" eval 'new_audit | grep -E "event=(tamper|trigger) " | head -n 1 | grep -q "event=tamper "'
mark
echo 1 > $KPE
check kprobes-reenabled "kprobes/enabled=$(rd $KPE)" [ "$(rd $KPE)" = 1 ]
expect_no_audit kprobes-reenable-quiet "kprobes/enabled=1"
mark
{ echo 0 > $KPE; echo 16 > $S; } 2> /tmp/kp.err
expect_audit kprobes-tamper-2 "$(hdr tamper $$ sh) what=kprobes( |\$)"
expect_sysctl kprobes-next-sysctl 438 16 $$ sh
echo 1 > $KPE
check kprobes-reenabled-2 "kprobes/enabled=$(rd $KPE)" [ "$(rd $KPE)" = 1 ]

mark
{ echo 0 > $FTE; r=$?; echo h > $P; } 2> /tmp/ft.err
check ftrace-ebusy "status $r: $(cat /tmp/ft.err)" eval '[ "$r" -ne 0 ] && grep -qi busy /tmp/ft.err'
check ftrace-still-on "ftrace_enabled=$(rd $FTE)" [ "$(rd $FTE)" = 1 ]
expect_audit ftrace-tamper "$(HDR_VERDICT=denied hdr tamper $$ sh) what=ftrace( |\$)"
expect_count ftrace-tamper-once 1 'event=tamper '
expect_trigger ftrace-next-trigger h help $$ sh
mark
{ echo 0 > $FTE; echo 438 > $S; } 2> /tmp/ft.err
expect_audit ftrace-tamper-2 "$(HDR_VERDICT=denied hdr tamper $$ sh) what=ftrace( |\$)"
expect_sysctl ftrace-next-sysctl 16 438 $$ sh

# --- after rmmod sysrqmon nothing is reported -----------------------------------------------------
rmmod sysrqmon || fail unload "rmmod sysrqmon failed"
mark
echo h > $P
echo 16 > $S
echo 438 > $S
evil act=toggle mask=438
ensure_unloaded sysrqevil
evil act=register key=y
ensure_unloaded sysrqevil
evil act=handle key=h
ensure_unloaded sysrqevil
evil act=rawmask mask=48 addr="$A"
ensure_unloaded sysrqevil
evil act=rawkey key=x addr="$K"
ensure_unloaded sysrqevil
rs0=$(rd $SRQP/reset_seq)
echo 194 > $SRQP/reset_seq
echo 1234 > $SRQP/sysrq_downtime_ms
echo 0 > $KPE
echo 1 > $KPE
echo 0 > $FTE 2>/dev/null
settle_periods 5
expect_no_audit unloaded-silent "after rmmod sysrqmon"
check unloaded-ftrace-off "ftrace_enabled=$(rd $FTE) once nothing holds it" [ "$(rd $FTE)" = 0 ]
echo 1 > $FTE
params_restore "$rs0" "$dt0" unloaded-params-restored
check unloaded-kprobes-on "kprobes/enabled=$(rd $KPE)" [ "$(rd $KPE)" = 1 ]
check unloaded-ftrace-on "ftrace_enabled=$(rd $FTE)" [ "$(rd $FTE)" = 1 ]
set_mask 438
exit 0
