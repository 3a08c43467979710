#!/bin/sh
# The targets are recognised by identity, not by path: other procfs instances, bind mounts of
# the file and of its directory, a chroot with its own /proc, a detached fsmount()ed procfs,
# openat() on a /proc dirfd, /proc/self/root/..., a reopen through /proc/self/fd/N. The path
# in the event is the one the opener sees. Look-alike files elsewhere give no event.
. /tests/lib.sh

ensure_loaded || { fail load "insmod failed"; exit 0; }
set_mask 438
mask=438
# flip the mask between two values so every sysctl write is a real change
next_mask() { case $mask in 438) echo 16 ;; *) echo 438 ;; esac; }

# trig NAME PATH: echo h > PATH from this shell
trig() {
	mark
	echo h > "$2"
	expect_open "$1-open" sysrq-trigger "$2" w $$ sh
	expect_trigger "$1" h help $$ sh
}
# sysctl_via NAME PATH: echo MASK > PATH from this shell
sysctl_via() {
	new=$(next_mask)
	mark
	echo $new > "$2"
	expect_open "$1-open" sysrq "$2" w $$ sh
	expect_sysctl "$1" $mask $new $$ sh
	mask=$new
}

# a second procfs instance
mkdir -p /tmp/proc2 && mount -t proc proc /tmp/proc2
trig proc2-trigger /tmp/proc2/sysrq-trigger
sysctl_via proc2-sysctl /tmp/proc2/sys/kernel/sysrq

# bind mounts of the files
touch /tmp/trig /tmp/sysrqfile
mount --bind /proc/sysrq-trigger /tmp/trig
mount --bind /proc/sys/kernel/sysrq /tmp/sysrqfile
trig bind-file-trigger /tmp/trig
sysctl_via bind-file-sysctl /tmp/sysrqfile

# bind mounts of their directories
mkdir -p /tmp/procdir /tmp/kdir
mount --bind /proc /tmp/procdir
mount --bind /proc/sys/kernel /tmp/kdir
trig bind-dir-trigger /tmp/procdir/sysrq-trigger
sysctl_via bind-dir-sysctl /tmp/kdir/sysrq

# /proc/self/root/...
# the opener sees /proc/sysrq-trigger (the magic link is resolved)
mark
echo h > /proc/self/root/proc/sysrq-trigger
expect_open self-root-path sysrq-trigger /proc/sysrq-trigger w $$ sh
expect_trigger self-root h help $$ sh

# chroot with its own /proc
CR=/tmp/chroot
mkdir -p $CR/bin $CR/proc
cp /bin/busybox $CR/bin/busybox
mount -t proc proc $CR/proc
mark
chroot $CR /bin/busybox sh -c 'echo $$ > /pid; echo h > /proc/sysrq-trigger'
cpid=$(cat $CR/pid)
expect_open chroot-trigger-open sysrq-trigger /proc/sysrq-trigger w "$cpid" busybox
expect_trigger chroot-trigger h help "$cpid" busybox
new=$(next_mask)
mark
chroot $CR /bin/busybox sh -c "echo \$\$ > /pid; echo $new > /proc/sys/kernel/sysrq"
cpid=$(cat $CR/pid)
expect_open chroot-sysctl-open sysrq /proc/sys/kernel/sysrq w "$cpid" busybox
expect_sysctl chroot-sysctl $mask $new "$cpid" busybox
mask=$new

# a detached procfs: fsopen/fsconfig/fsmount, never attached anywhere
mark
run_helper R fsmountproc sysrq-trigger h
pid=$(field "$R" pid) fdpath=$(field "$R" fdpath)
check fsmount-trigger-write "$R" [ "$(field "$R" result)" = 1 ]
expect_open fsmount-trigger-open sysrq-trigger "$fdpath" w "$pid" fsmountproc
expect_trigger fsmount-trigger h help "$pid" fsmountproc
new=$(next_mask)
mark
run_helper R fsmountproc sys/kernel/sysrq $new
pid=$(field "$R" pid) fdpath=$(field "$R" fdpath)
expect_open fsmount-sysctl-open sysrq "$fdpath" w "$pid" fsmountproc
expect_sysctl fsmount-sysctl $mask $new "$pid" fsmountproc
mask=$new

# openat() on a directory fd
mark
run_helper R sysrqwrite --dirfd /proc sysrq-trigger h
pid=$(field "$R" pid)
expect_open dirfd-trigger-open sysrq-trigger /proc/sysrq-trigger w "$pid" sysrqwrite
expect_trigger dirfd-trigger h help "$pid" sysrqwrite
new=$(next_mask)
mark
run_helper R sysrqwrite --dirfd /proc/sys/kernel sysrq $new
pid=$(field "$R" pid)
expect_open dirfd-sysctl-open sysrq /proc/sys/kernel/sysrq w "$pid" sysrqwrite
expect_sysctl dirfd-sysctl $mask $new "$pid" sysrqwrite
mask=$new

# O_PATH open (no file-open hook) then a writable reopen through /proc/self/fd/N
mark
run_helper R sysrqwrite --reopen /proc/sysrq-trigger h
pid=$(field "$R" pid)
expect_open reopen-trigger-open sysrq-trigger /proc/sysrq-trigger w "$pid" sysrqwrite
expect_trigger reopen-trigger h help "$pid" sysrqwrite
expect_count reopen-trigger-one-open 1 'event=open '
new=$(next_mask)
mark
run_helper R sysrqwrite --reopen /proc/sys/kernel/sysrq $new
pid=$(field "$R" pid)
expect_open reopen-sysctl-open sysrq /proc/sys/kernel/sysrq w "$pid" sysrqwrite
expect_sysctl reopen-sysctl $mask $new "$pid" sysrqwrite
mask=$new

# look-alikes: same names, not the kernel's files
mkdir -p /tmp/fake/sys/kernel /tmp/fakeproc
mount -t tmpfs tmpfs /tmp/fakeproc
mkdir -p /tmp/fakeproc/sys/kernel
mark
echo h > /tmp/fake/sysrq-trigger
echo 1 > /tmp/fake/sys/kernel/sysrq
echo h > /tmp/fakeproc/sysrq-trigger
echo 1 > /tmp/fakeproc/sys/kernel/sysrq
sysrqwrite --method writev /tmp/fake/sysrq-trigger h7 > /dev/null
expect_no_audit look-alikes "files named sysrq-trigger/sysrq on tmpfs"

umount /tmp/fakeproc $CR/proc /tmp/kdir /tmp/procdir /tmp/sysrqfile /tmp/trig /tmp/proc2
set_mask 438
exit 0
