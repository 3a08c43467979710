#!/bin/sh
# init.sh: /init of the sysrqmon QEMU test initramfs (busybox sh): runs every case listed in
# /tests/cases.list (one name a line, e.g. 03-trigger) as `CASE=NAME sh /tests/cases/NAME.sh`,
# then prints @@DONE and powers off.
export PATH=/tests/bin:/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing
mount -t tmpfs tmpfs /tmp
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
stty -F /dev/ttyS1 raw -echo 2>/dev/null

. /tests/lib.sh
CASE=init
CASE_NAME=init

marker "@@BOOTED uptime=$(cut -d' ' -f1 /proc/uptime) kernel=$(uname -r)"
[ -n "$DEMO" ] || info "cmdline: $(cat /proc/cmdline)"

kml=/sys/kernel/debug/kmemleak
[ -w "$kml" ] && echo clear > "$kml"

while read -r c; do
	[ -n "$c" ] || continue
	marker "@@CASE $c"
	CASE=$c sh "/tests/cases/$c.sh"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		CASE=$c
		CASE_NAME=${c#[0-9][0-9]-}
		fail script "case script exited with status $rc"
		CASE_NAME=init
	fi
done < /tests/cases.list

# Debug kernels only: kmemleak reports objects older than 5 s; scan twice.
if [ -w "$kml" ]; then
	sleep 6
	echo scan > "$kml"
	sleep 1
	echo scan > "$kml"
	leaks=$(cat "$kml")
	if [ -n "$leaks" ]; then
		printf '%s\n' "$leaks" | sed 's/^/kmemleak-report: /'
		fail kmemleak "$(printf '%s\n' "$leaks" | head -n 3)"
	else
		pass kmemleak "no leaks reported"
	fi
fi

marker "@@DONE uptime=$(cut -d' ' -f1 /proc/uptime)"
sync
poweroff -f
sleep 3600
