#!/bin/sh
# A listener started before the actions gets exactly the events they cause, in order, with the
# right fields: `sysrqmonctl listen --json --count N --timeout T` against what this script did
# (pid, tid, uid, euid, comm, key, action, masks, target, path, flags, setting/old/new,
# source); seq strictly increasing by 1, one instance (the status's), type=event; the audit
# lines tell the same story in the same order.
. /tests/lib.sh

# json_expect NAME LINE KEY=RAW...: every KEY has exactly the raw JSON value RAW
json_expect() {
	_n=$1 _line=$2
	shift 2
	# json_get's match, in awk (the first match: keys occur once)
	_bad=$(printf '%s\n' "$@" | L=$_line awk -F= '{
		k = $1; want = substr($0, length(k) + 2); got = ""
		if (match(ENVIRON["L"], "[{,]\"" k "\":(\"([^\"\\\\]|\\\\.)*\"|[^],}]*)"))
			got = substr(ENVIRON["L"], RSTART + length(k) + 4, RLENGTH - length(k) - 4)
		if (got != want) printf " %s=%s (want %s);", k, got, want }')
	verdict "$_n" "$_line" "$_bad in: $_line" [ -z "$_bad" ]
}

reload || { fail load "insmod failed"; exit 0; }
set_mask 438
echo 0 > $PARAMS/watch_reads
F=/tmp/listen-order.json
N=9

if listener_start $F --json --count $N --timeout 40; then
	pass joined "listener $LISTENER_PID joined the events group"
else
	fail joined "listener did not join: $(cat $F.err)"
fi
mark
# 1-2: the shell writes the trigger (open + trigger)
echo h > /proc/sysrq-trigger
# 3-4: another process, real uid 1000, effective 0, writes the mask (open + sysctl)
run_helper R1 sysrqwrite --ruid 1000 /proc/sys/kernel/sysrq 1
# 5-6: a comm with a quote and a backslash (open + trigger)
run_helper R2 sysrqwrite --comm 'q"b\c' /proc/sysrq-trigger h
# 7: a setting changed through sysfs (config)
echo 1 > $PARAMS/watch_reads
# 8: a read-only open, reported now that watch_reads=1 (open)
run_helper R3 sysrqwrite --open-only --access r /proc/sys/kernel/sysrq
# 9: a console key (console)
sendkey alt-sysrq-h
wait $LISTENER_PID
rc=$?
check exit-0 "listener exit $rc (want 0, --count $N reached): $(cat $F.err)" [ "$rc" -eq 0 ]
n=$(wc -l < $F)
check count "$n lines (want $N)" [ "$n" -eq "$N" ]

p1=$(field "$R1" pid) p2=$(field "$R2" pid) p3=$(field "$R3" pid)
W=$$
# named by the worker from what the hook pinned, and read without task_lock
exe=$(readlink /proc/$$/exe)
mntns=$(readlink /proc/$$/ns/mnt | tr -dc 0-9)
i=0
while IFS= read -r l; do
	i=$((i + 1))
	case $i in
	1) json_expect 1-open "$l" type='"event"' event='"open"' verdict='"allowed"' \
		target='"sysrq-trigger"' path='"/proc/sysrq-trigger"' pid=$W tid=$W uid=0 euid=0 \
		comm='"sh"' exe="\"$exe\"" mntns="$mntns" ;;
	2) json_expect 2-trigger "$l" event='"trigger"' verdict='"allowed"' key='"h"' \
		action='"help"' pid=$W uid=0 comm='"sh"' ;;
	3) json_expect 3-open "$l" event='"open"' target='"sysrq"' \
		path='"/proc/sys/kernel/sysrq"' pid="$p1" tid="$p1" uid=1000 euid=0 \
		comm='"sysrqwrite"' ;;
	4) json_expect 4-sysctl "$l" event='"sysctl"' verdict='"allowed"' target='"sysrq"' \
		old_mask=438 new_mask=1 pid="$p1" uid=1000 euid=0 comm='"sysrqwrite"' ;;
	5) json_expect 5-open-comm "$l" event='"open"' target='"sysrq-trigger"' pid="$p2" \
		comm='"q\"b\\c"' ;;
	6) json_expect 6-trigger-comm "$l" event='"trigger"' key='"h"' action='"help"' \
		pid="$p2" comm='"q\"b\\c"' ;;
	7) json_expect 7-config "$l" event='"config"' verdict='"allowed"' \
		setting='"watch_reads"' old='"0"' new='"1"' pid=$W uid=0 comm='"sh"' ;;
	8) json_expect 8-read-open "$l" event='"open"' target='"sysrq"' \
		path='"/proc/sys/kernel/sysrq"' pid="$p3" comm='"sysrqwrite"' ;;
	9) json_expect 9-console "$l" event='"console"' verdict='"allowed"' key='"h"' \
		action='"help"' source='"keyboard"' pid=0 tid=0 uid=0 euid=0 comm='"-"' ;;
	esac
done < $F

# write opens carry O_WRONLY, the read-only one O_RDONLY
acc=""
for i in 1 3 5 8; do
	f=$(sed -n "${i}p" $F | sed -nE 's/.*"flags":"(0x[0-9a-f]+)".*/\1/p')
	acc="$acc $(( ${f:-0x3} & 3 ))"
done
check open-flags "access modes of events 1 3 5 8:$acc (want 1 1 1 0)" [ "$acc" = " 1 1 1 0" ]

# seq +1 each, one instance, and it is the module's
status_json
# (a string, 0x and 16 hex digits, in events and status alike)
inst=$(json_str "$STATUS" instance)
seqs=$(sed -nE 's/.*[{,]"seq":([0-9]+).*/\1/p' $F | tr '\n' ' ')
insts=$(sed -nE 's/.*[{,]"instance":"(0x[0-9a-f]{16})".*/\1/p' $F | sort -u)
types=$(sed -nE 's/^\{"type":"([a-z]+)".*/\1/p' $F | sort -u)
prev=""
ok=1
for s in $seqs; do
	[ -z "$prev" ] || [ "$s" -eq $((prev + 1)) ] || ok=0
	prev=$s
done
ns=$(echo $seqs | wc -w)
check seq-consecutive "seq: $seqs" [ "$ok" -eq 1 -a "$ns" -eq $N ]
check instance "instances in events: $insts; status: $inst" [ -n "$inst" -a "$insts" = "$inst" ]
check type-event "types: $types" [ "$types" = event ]

# the audit lines tell the same story, in the same order
kinds_json=$(sed -nE 's/.*[{,]"event":"([a-z]+)".*/\1/p' $F | tr '\n' ' ')
kinds_log=$(new_audit | sed -nE 's/^sysrqmon: event=([a-z]+) .*/\1/p' | tr '\n' ' ')
check audit-same-order "json: $kinds_json / log: $kinds_log" [ "$kinds_json" = "$kinds_log" ]
pids_json=$(sed -nE 's/.*[{,]"pid":([0-9]+).*/\1/p' $F | tr '\n' ' ')
pids_log=$(new_audit | sed -nE 's/.* pid=([0-9]+) .*/\1/p' | tr '\n' ' ')
check audit-same-pids "json: $pids_json / log: $pids_log" [ "$pids_json" = "$pids_log" ]

# The largest event: an open of a file and by an executable whose paths are the longest an
# event names (255 bytes), with a 15-byte comm. Its attributes do not fit the 1-KiB message
# other events take (netlink.c, EVENT_MSG_ROOM): it still arrives, whole.
D=/tmp/$(printf '%0248d' 0 | tr 0 d)
mkdir -p $D && touch $D/s && mount --bind /proc/sys/kernel/sysrq $D/s &&
	cp "$(command -v sysrqwrite)" $D/w
F=/tmp/listen-large.json
listener_start $F --json --count 2 --timeout 20 || fail large-joined "$(cat $F.err)"
run_helper R4 $D/w --comm fifteen-bytes-1 $D/s 1
wait $LISTENER_PID
check large-count "$(wc -l < $F) lines (want 2): $(cat $F.err)" [ "$(wc -l < $F)" -eq 2 ]
json_expect large-open "$(sed -n 1p $F)" event='"open"' path="\"$D/s\"" exe="\"$D/w\"" \
	comm='"fifteen-bytes-1"' pid="$(field "$R4" pid)"
json_expect large-sysctl "$(sed -n 2p $F)" event='"sysctl"' new_mask=1 exe="\"$D/w\""
umount $D/s

echo 0 > $PARAMS/watch_reads
set_mask 438
exit 0
