#!/bin/sh
# Deny mode, allowed_keys empty: every write-open of /proc/sysrq-trigger fails EPERM at open
# (event=open verdict=denied), whatever the path or write method; a descriptor opened earlier
# (before insmod, before the switch to deny, or received over a unix socket) fails EPERM at
# write (event=trigger verdict=denied). The command never runs: its kernel line is absent.
# 'b' is used as the forbidden key in places: a failed denial reboots the guest (-no-reboot),
# which fails the whole boot loudly. Monitor mode for what the skeleton cases do not cover
# (a descriptor passed over a unix socket).
. /tests/lib.sh
. /tests/deny-lib.sh

# --- descriptors opened before insmod mode=deny ------------------------------------------------
ensure_unloaded
set_mask 438
rm -f /tmp/r1 /tmp/r2 $GO
holdfd $P b /tmp/r1 $GO 60 > /tmp/hold1.out 2>&1 &
h1=$!
fdpass $P m /tmp/r2 $GO 60 > /tmp/pass1.out 2>&1 &
f1=$!
wait_file /tmp/r1 && wait_file /tmp/r2 || fail setup "holdfd/fdpass did not open the trigger"
insmod "$KO" mode=deny || { fail load "insmod mode=deny failed"; touch $GO; exit 0; }
mark
touch $GO
wait $h1
wait $f1
rpid=$(cut -d' ' -f2 /tmp/r2)
expect_result early-holdfd-eperm "$(tail -n 1 /tmp/hold1.out)" EPERM
HDR_VERDICT=denied expect_trigger early-holdfd-event b '' "$h1" holdfd
expect_result early-fdpass-eperm "$(tail -n 1 /tmp/pass1.out)" EPERM
HDR_VERDICT=denied expect_trigger early-fdpass-event m '' "$rpid" fdrecv
expect_ran early-fdpass-not-ran m 0
expect_count early-two-denials 2 'event=trigger verdict=denied '
expect_count early-no-allowed 0 'verdict=allowed'

# --- descriptors opened in monitor mode, written after the switch to deny ----------------------
echo monitor > "$PARAMS/mode"
rm -f /tmp/r1 /tmp/r2 $GO
holdfd $P h /tmp/r1 $GO 60 > /tmp/hold2.out 2>&1 &
h2=$!
fdpass $P b /tmp/r2 $GO 60 > /tmp/pass2.out 2>&1 &
f2=$!
wait_file /tmp/r1 && wait_file /tmp/r2 || fail setup "holdfd/fdpass did not open the trigger"
echo deny > "$PARAMS/mode"
mark
touch $GO
wait $h2
wait $f2
rpid=$(cut -d' ' -f2 /tmp/r2)
expect_result switch-holdfd-eperm "$(tail -n 1 /tmp/hold2.out)" EPERM
HDR_VERDICT=denied expect_trigger switch-holdfd-event h '' "$h2" holdfd
expect_ran switch-holdfd-not-ran h 0
expect_result switch-fdpass-eperm "$(tail -n 1 /tmp/pass2.out)" EPERM
HDR_VERDICT=denied expect_trigger switch-fdpass-event b '' "$rpid" fdrecv
expect_count switch-no-allowed 0 'event=trigger verdict=allowed'

# --- write-opens: refused at open -----------------------------------------------------------
# deny_open NAME EVENT-PATH PID COMM KEY: one denied open event, no trigger event, KEY not run
deny_open() {
	HDR_VERDICT=denied expect_open "$1-open-denied" sysrq-trigger "$2" w "$3" "$4"
	expect_count "$1-no-trigger" 0 'event=trigger '
	expect_count "$1-one-open" 1 'event=open '
	expect_ran "$1-not-ran" "$5" 0
}

mark
shell_write W h $P
expect_shell_eperm echo-h "$W"
deny_open echo-h $P $$ sh h

mark
shell_write W b $P
expect_shell_eperm echo-b "$W"
deny_open echo-b $P $$ sh b

for m in write writev pwritev2 io_uring io_uring_writev; do
	mark
	run_helper R sysrqwrite --method $m $P hb
	expect_result "$m-eperm" "$R" EPERM
	deny_open "$m" $P "$(field "$R" pid)" sysrqwrite h
done

mark
run_helper R sysrqwrite --access rw $P h
expect_result rdwr-eperm "$R" EPERM
deny_open rdwr $P "$(field "$R" pid)" sysrqwrite h

mark
run_helper R sysrqwrite --thread $P b
expect_result thread-eperm "$R" EPERM
HDR_TID=$(field "$R" tid) deny_open thread $P "$(field "$R" pid)" sysrqwrite b

# read-only opens are not refused
run_helper R sysrqwrite --open-only --access r $P
expect_result read-open-ok "$R" 0

# identity: other procfs instances, bind mounts, chroot, fsmount, dirfd, self/root, reopen
mkdir -p /tmp/proc2 && mount -t proc proc /tmp/proc2
mark
shell_write W h /tmp/proc2/sysrq-trigger
expect_shell_eperm proc2 "$W"
deny_open proc2 /tmp/proc2/sysrq-trigger $$ sh h

touch /tmp/trig
mount --bind $P /tmp/trig
mark
shell_write W b /tmp/trig
expect_shell_eperm bind-file "$W"
deny_open bind-file /tmp/trig $$ sh b

mkdir -p /tmp/procdir
mount --bind /proc /tmp/procdir
mark
shell_write W h /tmp/procdir/sysrq-trigger
expect_shell_eperm bind-dir "$W"
deny_open bind-dir /tmp/procdir/sysrq-trigger $$ sh h

mark
shell_write W h /proc/self/root/proc/sysrq-trigger
expect_shell_eperm self-root "$W"
deny_open self-root $P $$ sh h

CR=/tmp/chroot-deny
mkdir -p $CR/bin $CR/proc
cp /bin/busybox $CR/bin/busybox
mount -t proc proc $CR/proc
mark
out=$(chroot $CR /bin/busybox sh -c 'echo $$ > /pid; echo h > /proc/sysrq-trigger' 2>&1)
rc=$?
cpid=$(cat $CR/pid)
case "$rc $out" in
0*) fail chroot-eperm "the write succeeded" ;;
*"Operation not permitted"*) pass chroot-eperm "status $rc: $out" ;;
*) fail chroot-eperm "status $rc, not EPERM: $out" ;;
esac
deny_open chroot $P "$cpid" busybox h

mark
run_helper R fsmountproc sysrq-trigger h
expect_result fsmount-eperm "$R" EPERM
pid=$(field "$R" pid)
expect_audit fsmount-open-denied "$(HDR_VERDICT=denied hdr open "$pid" fsmountproc) target=sysrq-trigger path="
expect_count fsmount-no-trigger 0 'event=trigger '
expect_ran fsmount-not-ran h 0

mark
run_helper R sysrqwrite --dirfd /proc sysrq-trigger b
expect_result dirfd-eperm "$R" EPERM
deny_open dirfd $P "$(field "$R" pid)" sysrqwrite b

mark
run_helper R sysrqwrite --reopen $P h
expect_result reopen-eperm "$R" EPERM
deny_open reopen $P "$(field "$R" pid)" sysrqwrite h

umount $CR/proc /tmp/procdir /tmp/trig /tmp/proc2

# --- monitor mode: a descriptor received over a unix socket is written and reported ------------
echo monitor > "$PARAMS/mode"
mark
rm -f /tmp/r2
run_helper R fdpass $P h /tmp/r2 -
rpid=$(cut -d' ' -f2 /tmp/r2)
spid=$(cut -d' ' -f1 /tmp/r2)
expect_result monitor-fdpass-write "$R" 1
expect_open monitor-fdpass-open sysrq-trigger $P w "$spid" fdpass
expect_trigger monitor-fdpass h help "$rpid" fdrecv
expect_ran monitor-fdpass-ran h 1

ensure_unloaded
insmod "$KO"
set_mask 438
exit 0
