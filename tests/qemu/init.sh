#!/bin/busybox sh
# shellcheck shell=sh
# init.sh: /init of the QEMU test initramfs: busybox's applet links, the mounts, every case of
# /tests/cases.list (a name a line) as `CASE=NAME sh /tests/cases/NAME.sh`, @@DONE, power-off.
/bin/busybox --install -s
export HOME=/root
CASE=init
. /tests/lib.sh

for fs in proc:/proc sysfs:/sys debugfs:/sys/kernel/debug tracefs:/sys/kernel/tracing tmpfs:/tmp; do
	mount -t "${fs%%:*}" "${fs%%:*}" "${fs#*:}"
done
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
stty -F /dev/ttyS1 raw -echo 2>/dev/null

marker "@@BOOTED uptime=$(cut -d' ' -f1 /proc/uptime) kernel=$(uname -r)"
[ -n "$DEMO" ] || info "cmdline: $(cat /proc/cmdline)"
kml=/sys/kernel/debug/kmemleak
[ -w "$kml" ] && echo clear > "$kml"

while read -r c; do
	marker "@@CASE $c"
	CASE=$c sh "/tests/cases/$c.sh" ||
		CASE=$c CASE_NAME=${c#[0-9][0-9]-} fail script "case script exited with status $?"
done < /tests/cases.list

# Debug kernels only: kmemleak reports objects older than 5 s; scan twice.
if [ -w "$kml" ]; then
	sleep 6
	echo scan > "$kml"
	sleep 1
	echo scan > "$kml"
	leaks=$(cat "$kml")
	printf '%s\n' "$leaks" | sed '/^$/d; s/^/kmemleak-report: /'
	verdict kmemleak "no leaks reported" "$(printf '%s\n' "$leaks" | head -n 3)" [ -z "$leaks" ]
fi

marker "@@DONE uptime=$(cut -d' ' -f1 /proc/uptime)"
sync
poweroff -f
sleep 3600
