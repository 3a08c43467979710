#!/bin/sh
# Deny mode with allowed_keys=h: write-opens of the trigger succeed and each write is decided
# per key: an allowed key runs (event=trigger verdict=allowed), a forbidden key fails EPERM
# and does not run (event=trigger verdict=denied). writev/pwritev2/io_uring writev are one
# write per iovec: the first denied iovec ends the call (EPERM if first, else the bytes so
# far). The same for every path and for descriptors opened earlier or received over a socket.
# 'b' is the forbidden key in places: a failed denial reboots the guest (-no-reboot).
. /tests/lib.sh
. /tests/deny-lib.sh

printk=$(cut -f1 /proc/sys/kernel/printk)
must_reload mode=deny allowed_keys=h
check allowed-keys-param "allowed_keys=$(param allowed_keys)" [ "$(param allowed_keys)" = h ]

# an allowed key runs
mark
shell_write W h $P
check echo-h-ok "$W" [ "${W%% *}" = rc=0 ]
expect_open echo-h-open sysrq-trigger $P w $$ sh
expect_trigger echo-h h help $$ sh
expect_ran echo-h-ran h 1

# forbidden keys: EPERM at write, after an allowed open
for k in m b 7; do
	mark
	shell_write W $k $P
	expect_shell_eperm "echo-$k" "$W"
	expect_open "echo-$k-open-allowed" sysrq-trigger $P w $$ sh
	HDR_VERDICT=denied expect_trigger "echo-$k-denied" $k '' $$ sh
	expect_count "echo-$k-one-trigger" 1 'event=trigger '
	expect_ran "echo-$k-not-ran" $k 0
done

# every method, one forbidden key
for m in write writev pwritev2 io_uring io_uring_writev; do
	comm=sysrqwrite
	case $m in io_uring*) comm='(sysrqwrite|iou-wrk-[0-9]+)' ;; esac
	mark
	run_helper R sysrqwrite --method $m $P b
	pid=$(field "$R" pid)
	expect_result "$m-b-eperm" "$R" EPERM
	expect_open "$m-b-open-allowed" sysrq-trigger $P w "$pid" sysrqwrite
	HDR_VERDICT=denied expect_trigger "$m-b-denied" b '' "$pid" "$comm"
	mark
	run_helper R sysrqwrite --method $m $P h
	pid=$(field "$R" pid)
	expect_result "$m-h-ok" "$R" 1
	expect_trigger "$m-h-allowed" h help "$pid" "$comm"
	expect_ran "$m-h-ran" h 1
done

# several iovecs: the first denied one ends the call
for m in writev pwritev2 io_uring_writev; do
	comm=sysrqwrite
	case $m in io_uring*) comm='(sysrqwrite|iou-wrk-[0-9]+)' ;; esac
	mark
	run_helper R sysrqwrite --method $m $P hbh
	pid=$(field "$R" pid)
	expect_result "$m-hbh-partial" "$R" 1
	expect_trigger "$m-hbh-h" h help "$pid" "$comm"
	HDR_VERDICT=denied expect_trigger "$m-hbh-b" b '' "$pid" "$comm"
	keys=$(new_audit | grep 'event=trigger ' | sed -n 's/.* verdict=\([a-z]*\) .* key=\([^ ]*\) .*/\2:\1/p' | tr '\n' ' ')
	check "$m-hbh-order" "trigger events: $keys" [ "$keys" = "h:allowed b:denied " ]
	expect_ran "$m-hbh-ran-once" h 1
	mark
	run_helper R sysrqwrite --method $m $P mhh
	pid=$(field "$R" pid)
	expect_result "$m-mhh-eperm" "$R" EPERM
	HDR_VERDICT=denied expect_trigger "$m-mhh-m" m '' "$pid" "$comm"
	expect_count "$m-mhh-one-trigger" 1 'event=trigger '
	expect_ran "$m-mhh-no-help" h 0
	expect_ran "$m-mhh-no-m" m 0
done

# descriptors opened before the switch to deny and received over a unix socket
echo monitor > "$PARAMS/mode"
rm -f /tmp/r1 /tmp/r2 $GO
holdfd $P b /tmp/r1 $GO 60 > /tmp/hold.out 2>&1 &
h1=$!
fdpass $P m /tmp/r2 $GO 60 > /tmp/pass.out 2>&1 &
f1=$!
wait_file /tmp/r1 && wait_file /tmp/r2 || fail setup "holdfd/fdpass did not open the trigger"
echo deny > "$PARAMS/mode"
mark
touch $GO
wait $h1
wait $f1
rpid=$(cut -d' ' -f2 /tmp/r2)
expect_result holdfd-eperm "$(tail -n 1 /tmp/hold.out)" EPERM
HDR_VERDICT=denied expect_trigger holdfd-denied b '' "$h1" holdfd
expect_result fdpass-eperm "$(tail -n 1 /tmp/pass.out)" EPERM
HDR_VERDICT=denied expect_trigger fdpass-denied m '' "$rpid" fdrecv
expect_ran fdpass-not-ran m 0
# opened in deny mode (allowed: keys are set), passed, allowed key
mark
rm -f /tmp/r2
run_helper R fdpass $P h /tmp/r2 -
expect_result fdpass-h-ok "$R" 1
expect_trigger fdpass-h h help "$(cut -d' ' -f2 /tmp/r2)" fdrecv

# every path: open allowed, forbidden key refused at write
mkdir -p /tmp/proc2 && mount -t proc proc /tmp/proc2
touch /tmp/trig && mount --bind $P /tmp/trig
mkdir -p /tmp/procdir && mount --bind /proc /tmp/procdir
for p in /tmp/proc2/sysrq-trigger /tmp/trig /tmp/procdir/sysrq-trigger \
	/proc/self/root/proc/sysrq-trigger; do
	n=$(echo "$p" | tr -c 'a-z0-9\n' '-' | sed 's/^-*//')
	mark
	shell_write W b "$p"
	expect_shell_eperm "$n" "$W"
	HDR_VERDICT=denied expect_trigger "$n-denied" b '' $$ sh
done
CR=/tmp/chroot-keys
mkdir -p $CR/bin $CR/proc
cp /bin/busybox $CR/bin/busybox
mount -t proc proc $CR/proc
mark
out=$(chroot $CR /bin/busybox sh -c 'echo $$ > /pid; echo m > /proc/sysrq-trigger' 2>&1)
cpid=$(cat $CR/pid)
case "$out" in
*"Operation not permitted"*) pass chroot-eperm "$out" ;;
*) fail chroot-eperm "not EPERM: $out" ;;
esac
HDR_VERDICT=denied expect_trigger chroot-denied m '' "$cpid" busybox
expect_ran chroot-not-ran m 0
mark
run_helper R fsmountproc sysrq-trigger b
expect_result fsmount-eperm "$R" EPERM
HDR_VERDICT=denied expect_trigger fsmount-denied b '' "$(field "$R" pid)" fsmountproc
mark
run_helper R sysrqwrite --dirfd /proc sysrq-trigger m
expect_result dirfd-eperm "$R" EPERM
HDR_VERDICT=denied expect_trigger dirfd-denied m '' "$(field "$R" pid)" sysrqwrite
mark
run_helper R sysrqwrite --reopen $P b
expect_result reopen-eperm "$R" EPERM
HDR_VERDICT=denied expect_trigger reopen-denied b '' "$(field "$R" pid)" sysrqwrite
expect_ran paths-m-not-ran m 0
umount $CR/proc /tmp/procdir /tmp/trig /tmp/proc2

# allowed_keys changes at runtime: add '7' (it runs), then empty (opens refused again)
echo h7 > "$PARAMS/allowed_keys"
mark
shell_write W 7 $P
check runtime-7-ok "$W" [ "${W%% *}" = rc=0 ]
expect_trigger runtime-7 7 loglevel $$ sh
expect_ran runtime-7-ran 7
dmesg -n "$printk"
echo "" > "$PARAMS/allowed_keys"
mark
shell_write W h $P
expect_shell_eperm runtime-empty "$W"
HDR_VERDICT=denied expect_open runtime-empty-open-denied sysrq-trigger $P w $$ sh

ensure_unloaded
insmod "$KO"
exit 0
