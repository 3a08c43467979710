#!/bin/sh
# qemu-test: reboot
# reboot-expect: sysrqmon: event=trigger verdict=allowed pid=\d+ tid=\d+ uid=0 euid=0 comm=sh key=b action=reboot(?= |\r?\n)
#
# Blinding switches while locked, in a boot of its own (a locked module stays until reboot;
# run.py gives a separate boot only to reboot cases, so this one ends with the reboot the lock
# case cannot do): deny mode, allowed_keys=b, locked=1. echo 0 > kprobes/enabled fails EPERM
# with event=tamper verdict=denied what=kprobes and kprobes stay enabled; ftrace_enabled=0
# fails EBUSY (tamper verdict=denied); the next trigger write in the same shell line is still
# denied and reported. Then 'b' (allowed) reboots the guest; its audit line must reach the
# console before the kernel's "sysrq: Resetting" (expect_reboot: not on PREEMPT_RT from 6.12).
. /tests/lib.sh
. /tests/deny-lib.sh
. /tests/integrity-lib.sh

must_reload mode=deny allowed_keys=b locked=1
check locked "locked=$(param locked)" [ "$(param locked)" = 1 ]
mark
{ echo 0 > $KPE; r=$?; echo h > $P; } 2> /tmp/kp.err
check kprobes-eperm "status $r: $(cat /tmp/kp.err)" eval '[ "$r" -ne 0 ] && grep -q "Operation not permitted" /tmp/kp.err'
check kprobes-still-on "kprobes/enabled=$(rd $KPE)" [ "$(rd $KPE)" = 1 ]
expect_audit kprobes-denied "$(HDR_VERDICT=denied hdr tamper $$ sh) what=kprobes( |\$)"
expect_count kprobes-once 1 'event=tamper '
HDR_VERDICT=denied expect_trigger kprobes-next-denied h '' $$ sh
expect_ran kprobes-next-not-ran h 0
mark
{ echo 0 > $FTE; r=$?; echo h > $P; } 2> /tmp/ft.err
check ftrace-ebusy "status $r: $(cat /tmp/ft.err)" eval '[ "$r" -ne 0 ] && grep -qi busy /tmp/ft.err'
expect_audit ftrace-denied "$(HDR_VERDICT=denied hdr tamper $$ sh) what=ftrace( |\$)"
HDR_VERDICT=denied expect_trigger ftrace-next-denied h '' $$ sh
mark
echo 1 > $KPE
expect_no_audit kprobes-enable-quiet "kprobes/enabled=1 while locked"
expect_reboot
echo b > $P
sleep 10
fail rebooted "still running 10 s after writing b"
exit 0
