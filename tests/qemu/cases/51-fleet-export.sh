#!/bin/sh
# The fleet path on real events: `sysrqmonctl listen --format export` (Journal Export Format)
# and `sysrqmonctl metrics` (Prometheus text format) against the module, for events of several
# kinds, one of them denied and one from a process with a hostile name. The host half
# (51-fleet-export.host.py) imports the export with systemd-journal-remote, reads it back
# with `journalctl --file ... -o json` and checks every entry against the event lines; it runs
# `promtool check metrics` on the metrics and compares the counts with the module's status.
. /tests/lib.sh

HOSTILE=61226220635c64207069643d310a	# a"b c\d pid=1\n, as in 07-comm
OUT=/tmp/fleet.export
P=/proc/sysrq-trigger

reload || { fail load "insmod failed"; exit 0; }
set_mask 438
listener_start $OUT --format export || fail listener "did not join"
mark
echo 438 > /proc/sys/kernel/sysrq
echo h > $P
run_helper R sysrqwrite --comm-hex $HOSTILE $P h
echo deny > $PARAMS/mode
echo h > $P 2>/dev/null
echo monitor > $PARAMS/mode
wait_drained
sleep 0.5
listener_stop
check listener-exit "exit $LISTENER_RC: $(cat $OUT.err)" [ "$LISTENER_RC" = 0 ]

# The event lines, for the host to compare with the journal entries.
new_audit | while IFS= read -r l; do host_data "line $l"; done
# The export, base64 (it holds binary fields for values with control bytes).
base64 $OUT | while IFS= read -r l; do host_data "export $l"; done
n=$(grep -c '^MESSAGE_ID=' $OUT)
check export-entries "$n entries" [ "$n" -ge 6 ]

"$TOOL" metrics > /tmp/fleet.prom 2> /tmp/fleet.prom.err
rc=$?
check metrics-exit "exit $rc: $(cat /tmp/fleet.prom.err)" [ $rc = 0 ]
while IFS= read -r l; do host_data "metrics $l"; done < /tmp/fleet.prom
status_json
host_data "status $STATUS"
exit 0
