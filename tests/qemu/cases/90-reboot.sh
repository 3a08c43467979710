#!/bin/sh
# qemu-test: reboot
# reboot-expect: sysrqmon: event=trigger verdict=allowed pid=\d+ tid=\d+ uid=0 euid=0 comm=sh key=b action=reboot(?= |\r?\n)
#
# Writes 'b' to /proc/sysrq-trigger: the guest resets at once (QEMU exits: -no-reboot). The
# host (run.py) checks that the audit line reached the serial console before the kernel's own
# "sysrq: Resetting" (on a PREEMPT_RT kernel from 6.12 on, only that the guest reset: see the
# skip below). Runs only in a boot of its own (--cases reboot, or --all).
. /tests/lib.sh

ensure_loaded || fail load "insmod failed"
expect_reboot
echo b > /proc/sysrq-trigger
sleep 10
fail rebooted "still running 10 s after writing b"
exit 0
