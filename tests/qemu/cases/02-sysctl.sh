#!/bin/sh
# Writes of kernel.sysrq: echo, busybox sysctl -w, sysrqwrite with every method; the mask in the
# event is the value the kernel parses (base 0).
. /tests/lib.sh

ensure_loaded || { fail load "insmod failed"; exit 0; }
S=/proc/sys/kernel/sysrq

set_mask 438
echo 1 > $S
expect_open echo-open sysrq $S w $$ sh
expect_sysctl echo 438 1 $$ sh
expect_count echo-one-sysctl 1 'event=sysctl '

set_mask 1
sysctl -w kernel.sysrq=16 > /dev/null
expect_open sysctl-w-open sysrq $S w '' '(sysctl|sh)'
expect_sysctl sysctl-w 1 16 '' '(sysctl|sh)'

# The kernel parses with base 0: the event carries the value it applies.
set_mask 1
echo 0x10 > $S
expect_sysctl hex 1 16 $$ sh
echo 010 > $S
expect_sysctl octal 16 8 $$ sh
check octal-applied "mask now $(sysrq_mask)" [ "$(sysrq_mask)" = 8 ]

old=8
for m in write writev pwritev2 io_uring io_uring_writev; do
	case $old in 8) new=438 ;; *) new=8 ;; esac
	set_mask $old
	run_helper R sysrqwrite --method $m $S $new
	rc=$?
	pid=$(field "$R" pid)
	if [ "$rc" -ne 0 ] || [ "$(field "$R" result)" != "${#new}" ]; then
		fail "$m-write" "sysrqwrite: $R"
	fi
	comm=sysrqwrite
	case $m in io_uring*) comm='(sysrqwrite|iou-wrk-[0-9]+)' ;; esac
	expect_open "$m-open" sysrq $S w "$pid" sysrqwrite
	# one write_iter call, whatever the iovecs: one event with the whole value
	expect_sysctl "$m" $old $new "$pid" "$comm"
	expect_count "$m-one-sysctl" 1 'event=sysctl '
	old=$new
done

# Another thread, another real uid: pid/tid/uid/euid are the writer's.
set_mask 438
run_helper R sysrqwrite --thread $S 16
pid=$(field "$R" pid) tid=$(field "$R" tid)
if [ "$pid" != "$tid" ]; then
	HDR_TID=$tid expect_sysctl thread 438 16 "$pid" sysrqwrite
else
	fail thread "helper did not run in a second thread: $R"
fi
set_mask 16
run_helper R sysrqwrite --ruid 1000 $S 438
HDR_UID=1000 HDR_EUID=0 expect_sysctl real-uid 16 438 "$(field "$R" pid)" sysrqwrite
set_mask 438
exit 0
