#!/bin/sh
# kernel.sysrq in deny mode: a write that enables a function outside allowed_mask fails EPERM
# (event=sysctl verdict=denied old_mask= new_mask=) and the mask reads back unchanged; the
# same value and restrictions (1 -> a subset, 0) are always allowed. allowed_mask and the
# written value are parsed with base 0. Then the denied change 0 -> 16 through every write
# path: echo, busybox sysctl -w, every sysrqwrite method, descriptors opened before the switch
# or received over a unix socket, other procfs instances, bind mounts, chroot, fsmount, dirfd,
# /proc/self/root, /proc/self/fd reopen. Monitor mode: a received descriptor is reported.
. /tests/lib.sh
. /tests/deny-lib.sh

must_reload mode=deny

# name old written applied allowed_mask verdict
while read -r name old val new amask verdict; do
	[ -n "$name" ] || continue
	echo "$amask" > "$PARAMS/allowed_mask"
	setup_mask "$old"
	shell_write W "$val" $S
	if [ "$verdict" = denied ]; then
		expect_shell_eperm "$name" "$W"
		expect_mask "$name-unchanged" "$old"
		HDR_VERDICT=denied expect_sysctl "$name-event" "$old" "$new" $$ sh
	else
		check "$name" "allowed_mask=$(param allowed_mask): $W" [ "${W%% *}" = rc=0 ]
		expect_mask "$name-applied" "$new"
		expect_sysctl "$name-event" "$old" "$new" $$ sh
	fi
	expect_count "$name-one-event" 1 'event=sysctl '
done <<'LIST'
0-16-denied 0 16 16 0 denied
0-16-mask-0x10 0 16 16 0x10 allowed
0-16-mask-020 0 16 16 020 allowed
0-16-mask-16 0 16 16 16 allowed
0-16-mask-1 0 16 16 1 allowed
0-0x10-denied 0 0x10 16 0 denied
0-020-denied 0 020 16 0 denied
16-1-denied 16 1 1 0 denied
16-1-mask-1 16 1 1 1 allowed
1-16 1 16 16 0 allowed
16-0 16 0 0 0 allowed
438-438 438 438 438 0 allowed
0-0 0 0 0 0 allowed
1-minus1 1 -1 -1 0 allowed
2-3 2 3 3 0 allowed
1-438 1 438 438 0 allowed
16-48-denied 16 48 48 0 denied
16-48-mask-0x20 16 48 48 0x20 allowed
0-48-mask-0x10-denied 0 48 48 0x10 denied
16-17 16 17 17 0 allowed
LIST

echo 0x10 > "$PARAMS/allowed_mask"
check allowed-mask-hex-reads "allowed_mask=$(param allowed_mask)" [ "$(param allowed_mask)" = 16 ]
echo 020 > "$PARAMS/allowed_mask"
check allowed-mask-octal-reads "allowed_mask=$(param allowed_mask)" [ "$(param allowed_mask)" = 16 ]
echo 0 > "$PARAMS/allowed_mask"

# --- 0 -> 16 denied through every path ------------------------------------------------------
# denied16 NAME PID COMM: mask still 0, one denied event 0 -> 16
denied16() {
	expect_mask "$1-unchanged" 0
	HDR_VERDICT=denied expect_sysctl "$1-event" 0 16 "$2" "$3"
	expect_count "$1-one-event" 1 'event=sysctl '
}
setup_mask 0

mark
out=$(sysctl -w kernel.sysrq=16 2>&1)
rc=$?
case "$rc $out" in
0*) fail sysctl-w "status 0: $out" ;;
*"Operation not permitted"*) pass sysctl-w "status $rc: $out" ;;
*) fail sysctl-w "status $rc, not EPERM: $out" ;;
esac
denied16 sysctl-w '' '(sysctl|sh)'

for m in write writev pwritev2 io_uring io_uring_writev; do
	comm=sysrqwrite
	case $m in io_uring*) comm='(sysrqwrite|iou-wrk-[0-9]+)' ;; esac
	mark
	run_helper R sysrqwrite --method $m $S 16
	expect_result "$m" "$R" EPERM
	denied16 "$m" "$(field "$R" pid)" "$comm"
done

mark
run_helper R sysrqwrite --thread $S 16
expect_result thread "$R" EPERM
HDR_TID=$(field "$R" tid) denied16 thread "$(field "$R" pid)" sysrqwrite

# opened in monitor mode, written in deny mode; and received over a unix socket
echo monitor > "$PARAMS/mode"
rm -f /tmp/r1 /tmp/r2 $GO
holdfd $S 16 /tmp/r1 $GO 60 > /tmp/hold.out 2>&1 &
h1=$!
fdpass $S 16 /tmp/r2 $GO 60 > /tmp/pass.out 2>&1 &
f1=$!
wait_file /tmp/r1 && wait_file /tmp/r2 || fail setup "holdfd/fdpass did not open kernel.sysrq"
echo deny > "$PARAMS/mode"
mark
touch $GO
wait $h1
wait $f1
rpid=$(cut -d' ' -f2 /tmp/r2)
expect_result holdfd "$(tail -n 1 /tmp/hold.out)" EPERM
expect_result fdpass "$(tail -n 1 /tmp/pass.out)" EPERM
expect_mask holdfd-fdpass-unchanged 0
HDR_VERDICT=denied expect_sysctl holdfd-event 0 16 "$h1" holdfd
HDR_VERDICT=denied expect_sysctl fdpass-event 0 16 "$rpid" fdrecv
expect_count holdfd-fdpass-two-events 2 'event=sysctl verdict=denied '
# opened in deny mode (opens of kernel.sysrq are not refused), passed
mark
rm -f /tmp/r2
run_helper R fdpass $S 16 /tmp/r2 -
expect_result fdpass-deny-open "$R" EPERM
denied16 fdpass-deny-open "$(cut -d' ' -f2 /tmp/r2)" fdrecv

# identity
mkdir -p /tmp/proc2 && mount -t proc proc /tmp/proc2
touch /tmp/sysrqfile && mount --bind $S /tmp/sysrqfile
mkdir -p /tmp/kdir && mount --bind /proc/sys/kernel /tmp/kdir
for p in /tmp/proc2/sys/kernel/sysrq /tmp/sysrqfile /tmp/kdir/sysrq \
	/proc/self/root/proc/sys/kernel/sysrq; do
	n=$(echo "$p" | tr -c 'a-z0-9\n' '-' | sed 's/^-*//')
	mark
	shell_write W 16 "$p"
	expect_shell_eperm "$n" "$W"
	denied16 "$n" $$ sh
done
CR=/tmp/chroot-sysctl
mkdir -p $CR/bin $CR/proc
cp /bin/busybox $CR/bin/busybox
mount -t proc proc $CR/proc
mark
out=$(chroot $CR /bin/busybox sh -c 'echo $$ > /pid; echo 16 > /proc/sys/kernel/sysrq' 2>&1)
cpid=$(cat $CR/pid)
case "$out" in
*"Operation not permitted"*) pass chroot "$out" ;;
*) fail chroot "not EPERM: $out" ;;
esac
denied16 chroot "$cpid" busybox
mark
run_helper R fsmountproc sys/kernel/sysrq 16
expect_result fsmount "$R" EPERM
denied16 fsmount "$(field "$R" pid)" fsmountproc
mark
run_helper R sysrqwrite --dirfd /proc/sys/kernel sysrq 16
expect_result dirfd "$R" EPERM
denied16 dirfd "$(field "$R" pid)" sysrqwrite
mark
run_helper R sysrqwrite --reopen $S 16
expect_result reopen "$R" EPERM
denied16 reopen "$(field "$R" pid)" sysrqwrite
umount $CR/proc /tmp/kdir /tmp/sysrqfile /tmp/proc2

# --- monitor mode: a descriptor received over a unix socket ----------------------------------
echo monitor > "$PARAMS/mode"
mark
rm -f /tmp/r2
run_helper R fdpass $S 16 /tmp/r2 -
expect_result monitor-fdpass "$R" 2
expect_mask monitor-fdpass-applied 16
expect_sysctl monitor-fdpass-event 0 16 "$(cut -d' ' -f2 /tmp/r2)" fdrecv

ensure_unloaded
insmod "$KO"
set_mask 438
exit 0
