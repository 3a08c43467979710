#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of tests/host.sh (docs/testing.md, "A Debian host in a box"), run by
# hosttest.service: results on ttyS1, what the host checks kept in /var/lib/hosttest/out.
# Its steps are the table at the end, one a line: "= BOOT..." starts the lines of those boots
# (MODE.PHASE), "- COMMAND" is run, "NAME COMMAND" is a check.
set -u
S=/var/lib/hosttest
mkdir -p "$S/out"
cd "$S/out" || exit 1
BOOT=$(cat "$S/mode").$(cat "$S/phase" 2>/dev/null || echo 1)
exec 3> /dev/ttyS1
export DEBIAN_FRONTEND=noninteractive

# check NAME COMMAND: PASS when COMMAND exits 0; the detail is what it printed, on one line
# (the end of it; all of it in out/log), or COMMAND when it printed nothing.
check() {
	verdict=PASS
	out=$(eval "$2" 2>&1 < /dev/null) || verdict=FAIL
	printf '%s: %s\n%s\n' "$1" "$2" "$out" >> log
	out=$(printf '%s' "$out" | tr '\n' ' ' | tail -c 240)
	echo "$verdict $1 ${out:-$2}" >&3
}
# wait_for SECONDS CMD...: until CMD exits 0, at most SECONDS.
wait_for() {
	n=$1
	shift
	until "$@" > /dev/null 2>&1; do
		[ $((n -= 1)) -gt 0 ] || return 1
		sleep 1
	done
}
# is VALUE WANT: VALUE is WANT (prints VALUE).
is() {
	echo "$1"
	[ "$1" = "$2" ]
}
# none PATH...: none of PATH exists, not even as a dangling link (prints those that do).
none() {
	left=$(for f; do { [ -e "$f" ] || [ -L "$f" ]; } && echo "$f"; done)
	echo "$# paths, left: ${left:-none}"
	[ -z "$left" ]
}
# in_journal FIELD=VALUE...: sysrqmon's journal has an entry with these SYSRQMON_ fields.
in_journal() {
	for f; do set -- "$@" "SYSRQMON_$f" && shift; done
	journalctl -q -u sysrqmon -o cat "$@" | grep -q .
}
# subscribed MASK: both listeners have the sysctl event of a rewrite of the same MASK.
subscribed() {
	echo "$1" > /proc/sys/kernel/sysrq
	grep -q '"event":"sysctl"' events.json && in_journal EVENT=sysctl
}
# write_eperm VALUE FILE: the open or the write fails with EPERM (coreutils' echo: dash's
# builtin reports any failed write as "I/O error").
write_eperm() { (/bin/echo "$1" > "$2") 2>&1 | grep 'Operation not permitted'; }
mod_version() { cat /sys/module/sysrqmon/version; }
locked() { cat /sys/module/sysrqmon/parameters/locked; }
running() { [ "$(mod_version)" = "$1" ] && systemctl is-active -q sysrqmon.service; }
signer() { echo "$(modinfo -F signer sysrqmon) $(modinfo -F sig_key sysrqmon | tr -d :)"; }

on=""
while read -r name cmd; do
	case $name in
	=) case " $cmd " in *" $BOOT "*) on=1 ;; *) on="" ;; esac ;;
	'' | '#'*) ;;
	-) [ -z "$on" ] || eval "$cmd" < /dev/null ;;
	*) [ -z "$on" ] || check "$name" "$cmd" ;;
	esac
done <<'EOF'
# The journal and the metrics for one event; smoke and full.
= smoke.1 full.1
- ver=$(dpkg-query -W -f='${Version}' sysrqmon)
enable systemctl enable --now sysrqmon.service sysrqmon-metrics.timer
loaded is "$(mod_version)" "$ver"
active systemctl is-active sysrqmon.service
timer systemctl is-active sysrqmon-metrics.timer
# A JSON listener beside the service's, for the host's field-by-field comparison; it runs
# until the last event of the run (the trigger; in the full run, the switch back to monitor).
- sysrqmonctl listen --json --timeout 300 > events.json 2> listen.err &
- json=$! last='"event":"trigger"'
- mask=$(cat /proc/sys/kernel/sysrq)
listeners wait_for 30 subscribed "$mask"
- echo h > /proc/sysrq-trigger
journal-trigger wait_for 30 in_journal EVENT=trigger VERDICT=allowed KEY=h

= full.1
monitor-sysctl sh -c 'echo 1 > /proc/sys/kernel/sysrq'
- echo "$mask" > /proc/sys/kernel/sysrq
deny sysrqmonctl mode deny
deny-trigger write_eperm h /proc/sysrq-trigger
deny-sysctl write_eperm 1 /proc/sys/kernel/sysrq && is "$(cat /proc/sys/kernel/sysrq)" "$mask"
monitor sysrqmonctl mode monitor
journal-denied wait_for 30 in_journal EVENT=sysctl VERDICT=denied
- wait_for 30 in_journal EVENT=config NEW=monitor
- last='"new":"monitor"'

= smoke.1 full.1
- wait_for 30 grep -q "$last" events.json
- kill "$json"
- journalctl -u sysrqmon -o json > journal.json

= full.1
# The catalog: journalctl -x adds explanatory lines to entries that have one.
- id=69b2d15f7b62c9e2198e82cd267d3c47
- plain=$(journalctl -q -u sysrqmon MESSAGE_ID=$id | wc -l)
- x=$(journalctl -q -x -u sysrqmon MESSAGE_ID=$id | tee journal-x.txt | wc -l)
journal-catalog echo "journalctl -x: $x lines, $plain without -x" && [ "$x" -gt "$plain" ]
# The audit records in audit.log, read by the release's own audit tools (docs/contract.md,
# "Audit record"): ausearch -i, the normaliser, and what its searches do with type 1316.
auditd systemctl is-active auditd
- A=ausearch.txt T=ausearch-text.txt C=ausearch.csv
- ausearch -i -m KERNEL_OTHER > "$A" 2>&1
- ausearch -m KERNEL_OTHER --format text > "$T" 2>&1
- ausearch -m KERNEL_OTHER --format csv > "$C" 2>&1
- records=$(grep -c '^type=KERNEL_OTHER ' "$A")
- trigger=" op=trigger pid=$$ .* uid=root euid=root auid=unset ses=unset comm=hosttest"
- trigger="$trigger exe=/usr/bin/dash sysrq_key=\"h\" .* res=yes key=sysrqmon"
ausearch grep -c "$trigger" "$A" && grep -c ' res=no key=sysrqmon' "$A"
ausearch-meaning grep -c ' oflag=O_WRONLY' "$A" && ! grep -E 'ACCEPT|MAP_|PROT_' "$A"
- ok='system, acting as root, successfully did-unknown'
- no='system, acting as root, unsuccessfully did-unknown'
ausearch-text is "$(grep -c '^At ' "$T")" "$records" && grep -c "$ok" "$T" && grep -c "$no" "$T"
- did=',unset,system,root,privileged-acct,did-unknown'
- ok="$did,success,,,unknown,/usr/bin/dash\$" no="$did,failed,,,unknown,/usr/bin/[a-z]*\$"
- rows=$(grep -c ',KERNEL_OTHER,' "$C")
ausearch-csv is "$rows" "$records" && grep -c "$ok" "$C" && grep -c "$no" "$C"
# What docs/contract.md says: audit-userspace extracts no search field from type 1316.
- for o in "-p $$" "-c hosttest" "-k sysrqmon"; do ausearch -m KERNEL_OTHER $o; done > search 2>&1
ausearch-search grep -c " pid=$$ .* comm=hosttest " "$A" && ! grep -c '^type=KERNEL_OTHER ' search

= smoke.1 full.1
- systemctl start sysrqmon-metrics.service
- wait_for 60 curl -sf -o metrics.txt http://127.0.0.1:9100/metrics
scrape grep '^sysrqmon_up 1$' metrics.txt
metrics-trigger grep '^sysrqmon_events_total{kind="trigger"[^}]*} [1-9]' metrics.txt

= full.1
# What stopping and a failed load do (after the scrape: this reloads the module).
# sysrqmon.service has no ExecStop: stopping it stops the listener, the module stays.
- systemctl stop sysrqmon.service
stop ! systemctl is-active sysrqmon.service && [ -d /sys/module/sysrqmon ] && sysrqmonctl status
# A failed load (a bad parameter) leaves the unit failed.
- modprobe -r sysrqmon
- echo 'options sysrqmon mode=bogus' > /etc/modprobe.d/zz-hosttest.conf
- systemctl start sysrqmon.service
- wait_for 60 systemctl is-failed -q sysrqmon.service
failed-load systemctl --failed --plain --no-legend | grep '^sysrqmon.service'
failed-not-loaded none /sys/module/sysrqmon
# The not-loaded alert's input as node_exporter serves it (the host evaluates the rule).
- systemctl start sysrqmon-metrics.service
- curl -sf -o metrics-notloaded.txt http://127.0.0.1:9100/metrics
scrape-not-loaded grep '^sysrqmon_up 0$' metrics-notloaded.txt
- rm -f /etc/modprobe.d/zz-hosttest.conf
- systemctl reset-failed sysrqmon.service
- systemctl restart sysrqmon.service
- wait_for 30 systemctl is-active -q sysrqmon.service
restart systemctl is-active sysrqmon.service && [ -d /sys/module/sysrqmon ]
# Locked until the reboot: stopping the service and the upgrade below leave it loaded.
lock sysrqmonctl lock
- systemctl stop sysrqmon.service
locked-stop ! systemctl is-active sysrqmon.service && is "$(locked)" 1
locked-rmmod ! modprobe -r sysrqmon
locked-start systemctl start sysrqmon.service

# The upgrade in place, then the reboot.
- old=$(mod_version)
- new=$(dpkg-deb -f "$(ls "$S"/debs-v2/sysrqmon_*.deb)" Version)
- echo "$old" > "$S/old-version"
upgrade-install apt-get install -y -q "$S"/debs-v2/sysrqmon_*.deb "$S"/debs-v2/sysrqmon-dkms_*.deb
upgrade-running-old is "$(mod_version)" "$old"
upgrade-tool is "$(sysrqmonctl --version)" "sysrqmonctl $new"
upgrade-built is "$(modinfo -F version sysrqmon)" "$new"
upgrade-active systemctl is-active sysrqmon.service
upgrade-locked is "$(locked)" 1
upgrade-signer is "$(signer)" "$(cat "$S/fleet-signer")"
# The version skew as the metrics show it (the host evaluates the alert's rule).
- systemctl start sysrqmon-metrics.service
- curl -sf -o metrics-upgrade.txt http://127.0.0.1:9100/metrics
- M=metrics-upgrade.txt info="^sysrqmon_module_info{.*version=\"$old\"} 1"
metrics-skew grep "$info" $M && grep "^sysrqmon_build_info{version=\"$new\"} 1" $M
- echo 2 > "$S/phase"
- sync
- echo REBOOT >&3
- systemctl reboot

= full.2
- new=$(dpkg-query -W -f='${Version}' sysrqmon)
reboot-new wait_for 60 running "$new" && echo "module $new, was $(cat "$S/old-version")"
reboot-unlocked is "$(locked)" 0

= smoke.1 full.2
- dpkg-query -L sysrqmon sysrqmon-dkms | while read -r f; do [ -d "$f" ] || echo "$f"; done > files
purge apt-get purge -y -q sysrqmon sysrqmon-dkms
purge-files none $(cat files)
purge-dkms none /var/lib/dkms/sysrqmon /usr/src/sysrqmon-* /lib/modules/*/updates/dkms/sysrqmon.ko*
- D=/var/lib/systemd/deb-systemd-helper-enabled
purge-units none /etc/systemd/system/*.wants/sysrqmon* $D/sysrqmon* $D/*.wants/sysrqmon*
purge-prom none /var/lib/prometheus/node-exporter/sysrqmon.prom
- echo finished > "$S/phase"
- sync
- echo DONE >&3
- systemctl poweroff
EOF
