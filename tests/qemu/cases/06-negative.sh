#!/bin/sh
# Read-only opens give no event unless watch_reads=1 (writable at runtime); writes of other
# sysctls and files never do.
. /tests/lib.sh

ensure_loaded || { fail load "insmod failed"; exit 0; }
W=$PARAMS/watch_reads
echo 0 > $W
set_mask 438

mark
cat /proc/sys/kernel/sysrq > /dev/null
sysctl kernel.sysrq > /dev/null
sysrqwrite --open-only --access r /proc/sysrq-trigger > /dev/null
sysrqwrite --open-only --access r /proc/sys/kernel/sysrq > /dev/null
cat /proc/sysrq-trigger > /dev/null 2>&1
expect_no_audit read-only-opens "read-only opens with watch_reads=0"

printk=$(cat /proc/sys/kernel/printk)
swappiness=$(cat /proc/sys/vm/swappiness)
mark
echo 61 > /proc/sys/vm/swappiness
sysctl -w vm.swappiness="$swappiness" > /dev/null
echo "$printk" > /proc/sys/kernel/printk
sysctl -w kernel.printk_ratelimit=5 > /dev/null
echo 1 > /proc/sys/kernel/sysctl_writes_strict
sysrqwrite --method writev /proc/sys/kernel/printk_ratelimit_burst 10 > /dev/null
echo h > /tmp/sysrq-trigger
echo 1 > /proc/sys/vm/drop_caches
expect_no_audit unrelated-writes "other sysctls and files"

# watch_reads=1 at runtime
if echo 1 > $W && [ "$(param watch_reads)" = Y ] || [ "$(param watch_reads)" = 1 ]; then
	pass watch-reads-set "watch_reads=$(param watch_reads)"
else
	fail watch-reads-set "cannot set watch_reads: $(param watch_reads)"
fi
mark
run_helper R sysrqwrite --open-only --access r /proc/sys/kernel/sysrq
expect_open watch-reads-sysrq sysrq /proc/sys/kernel/sysrq r "$(field "$R" pid)" sysrqwrite
mark
run_helper R sysrqwrite --open-only --access r /proc/sysrq-trigger
expect_open watch-reads-trigger sysrq-trigger /proc/sysrq-trigger r "$(field "$R" pid)" sysrqwrite
mark
cat /proc/sys/vm/swappiness /proc/sys/kernel/printk /proc/version > /dev/null
expect_no_audit watch-reads-unrelated "reads of other files"

echo 0 > $W
mark
run_helper R sysrqwrite --open-only --access r /proc/sys/kernel/sysrq
cat /proc/sys/kernel/sysrq > /dev/null
expect_no_audit watch-reads-off "read-only opens after watch_reads=0"
exit 0
