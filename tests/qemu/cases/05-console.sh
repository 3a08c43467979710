#!/bin/sh
# Console SysRq: the host presses Alt+SysRq+H on the emulated PS/2 keyboard (QEMU monitor
# sendkey). 'h' has no handler: the kernel prints HELP and the event says action=help.
. /tests/lib.sh

ensure_loaded || { fail load "insmod failed"; exit 0; }

set_mask 1
sendkey alt-sysrq-h
expect_console keyboard-h h help keyboard
if new_klog | grep -q 'sysrq: HELP'; then
	pass keyboard-h-ran "the kernel printed HELP"
else
	fail keyboard-h-ran "no 'sysrq: HELP' after the key press (keyboard not reached?)"
fi
expect_count keyboard-h-one 1 'event=console '

# kernel.sysrq=0: the keyboard filter is gone, nothing runs, nothing to log
set_mask 0
sendkey alt-sysrq-h
sleep 3
if new_klog | grep -q 'sysrq: HELP'; then
	fail keyboard-off-ran "HELP ran with kernel.sysrq=0"
fi
expect_no_audit keyboard-off "kernel.sysrq=0"
set_mask 438
exit 0
