#!/bin/sh
# Descriptors opened before insmod and written after: no open event (the open predates the
# module), but the write is logged.
. /tests/lib.sh

ensure_unloaded
set_mask 438
rm -f /tmp/ready1 /tmp/ready2 /tmp/go
holdfd /proc/sysrq-trigger h /tmp/ready1 /tmp/go 60 > /tmp/holdfd1.out 2>&1 &
h1=$!
holdfd /proc/sys/kernel/sysrq 16 /tmp/ready2 /tmp/go 60 > /tmp/holdfd2.out 2>&1 &
h2=$!
i=0
while { [ ! -s /tmp/ready1 ] || [ ! -s /tmp/ready2 ]; } && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
insmod "$KO" || { fail load "insmod failed"; touch /tmp/go; exit 0; }
mark
touch /tmp/go
wait $h1
wait $h2
info "holdfd: $(cat /tmp/holdfd1.out) / $(cat /tmp/holdfd2.out)"
expect_trigger early-fd-trigger h help "$h1" holdfd
expect_sysctl early-fd-sysctl 438 16 "$h2" holdfd
expect_count early-fd-no-open 0 'event=open '
set_mask 438
exit 0
