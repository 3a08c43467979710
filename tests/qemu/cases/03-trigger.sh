#!/bin/sh
# Writes of /proc/sysrq-trigger with harmless keys: echo, and sysrqwrite with every method;
# writev/pwritev2 with one key per iovec run (and log) one command per iovec.
. /tests/lib.sh

ensure_loaded || { fail load "insmod failed"; exit 0; }
P=/proc/sysrq-trigger
printk=$(cut -f1 /proc/sys/kernel/printk)

mark
echo h > $P
expect_open echo-open sysrq-trigger $P w $$ sh
expect_trigger echo h help $$ sh
expect_count echo-one-trigger 1 'event=trigger '

mark
run_helper R sysrqwrite --method write $P 7
pid=$(field "$R" pid)
check write-result "$R" [ "$(field "$R" result)" = 1 ]
expect_open write-open sysrq-trigger $P w "$pid" sysrqwrite
expect_trigger write 7 loglevel "$pid" sysrqwrite
expect_count write-one-trigger 1 'event=trigger '

for m in writev pwritev2 io_uring_writev; do
	mark
	run_helper R sysrqwrite --method $m $P h7h
	pid=$(field "$R" pid)
	check "$m-result" "$R" [ "$(field "$R" result)" = 3 ]
	comm=sysrqwrite
	case $m in io_uring*) comm='(sysrqwrite|iou-wrk-[0-9]+)' ;; esac
	expect_open "$m-open" sysrq-trigger $P w "$pid" sysrqwrite
	expect_count "$m-three-triggers" 3 "$(hdr trigger "$pid" "$comm") key=(h action=help|7 action=loglevel)( |\$)"
	keys=$(new_audit | grep 'event=trigger ' | sed -n 's/.* key=\([^ ]*\) .*/\1/p' | tr -d '\n')
	check "$m-order" "keys in log order: $keys" [ "$keys" = h7h ]
done

mark
run_helper R sysrqwrite --method io_uring $P h
pid=$(field "$R" pid)
check io_uring-result "$R" [ "$(field "$R" result)" = 1 ]
# io_uring punts to an iou-wrk worker: pid is the submitter's, comm/tid the worker's
expect_trigger io_uring h help "$pid" '(iou-wrk-[0-9]+|sysrqwrite)'
expect_count io_uring-one-trigger 1 'event=trigger '

mark
run_helper R sysrqwrite --thread $P h
pid=$(field "$R" pid) tid=$(field "$R" tid)
HDR_TID=$tid expect_trigger thread h help "$pid" sysrqwrite
check thread-tid "pid=$pid tid=$tid" [ "$pid" != "$tid" ]

mark
run_helper R sysrqwrite --ruid 1000 $P h
HDR_UID=1000 HDR_EUID=0 expect_trigger real-uid h help "$(field "$R" pid)" sysrqwrite

dmesg -n "$printk"
exit 0
