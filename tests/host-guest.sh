#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of tests/host.sh (docs/testing.md, "A Debian host in a box"), run by
# hosttest.service: results on ttyS1, what the host checks kept in /var/lib/hosttest/out.
set -u
S=/var/lib/hosttest
O=$S/out
mkdir -p "$O"
MODE=$(cat "$S/mode")
PHASE=$(cat "$S/phase" 2>/dev/null || echo 1)
exec 3> /dev/ttyS1
export DEBIAN_FRONTEND=noninteractive

# check NAME DETAIL CMD...: PASS when CMD exits 0 (its output goes to out/log).
check() {
	name=$1 detail=$2 verdict=PASS
	shift 2
	"$@" >> "$O/log" 2>&1 || verdict=FAIL
	echo "$verdict $name $detail" >&3
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
mod_version() { cat /sys/module/sysrqmon/version 2>/dev/null; }
locked() { cat /sys/module/sysrqmon/parameters/locked; }
in_journal() { journalctl -q -u sysrqmon -o cat "$@" | grep -q .; }
active() { systemctl is-active sysrqmon.service; }
# write_eperm VALUE FILE: the open or the write fails with EPERM (coreutils' echo: dash's
# builtin reports any failed write as "I/O error").
write_eperm() {
	! (/bin/echo "$1" > "$2") 2> "$O/err" && grep -q 'Operation not permitted' "$O/err"
}

# The journal and the metrics for one event; smoke and full.
start_and_event() {
	ver=$(dpkg-query -W -f='${Version}' sysrqmon)
	check enable "systemctl enable --now sysrqmon.service sysrqmon-metrics.timer" \
		systemctl enable --now sysrqmon.service sysrqmon-metrics.timer
	check loaded "/sys/module/sysrqmon/version is $ver: $(mod_version)" [ "$(mod_version)" = "$ver" ]
	check active "sysrqmon.service $(active)" systemctl is-active -q sysrqmon.service
	check timer "sysrqmon-metrics.timer $(systemctl is-active sysrqmon-metrics.timer)" \
		systemctl is-active -q sysrqmon-metrics.timer
	# A JSON listener beside the service's, for the host's field-by-field comparison.
	sysrqmonctl listen --json --timeout 300 > "$O/events.json" 2> "$O/listen.err" &
	json=$!
	# Both listeners are subscribed once a rewrite of the same mask reaches both.
	mask=$(cat /proc/sys/kernel/sysrq)
	n=0
	until grep -q '"event":"sysctl"' "$O/events.json" && in_journal SYSRQMON_EVENT=sysctl; do
		[ $((n += 1)) -le 30 ] || break
		echo "$mask" > /proc/sys/kernel/sysrq
		sleep 1
	done
	check listeners "a sysctl event in the journal and on netlink after $n write(s)" \
		[ "$n" -le 30 ]
	echo h > /proc/sysrq-trigger
	check journal-trigger "echo h > /proc/sysrq-trigger reached the journal" \
		wait_for 30 in_journal SYSRQMON_EVENT=trigger SYSRQMON_VERDICT=allowed SYSRQMON_KEY=h
}

# stop_listener: once the JSON listener has the run's last event (the trigger; in the full
# run, the switch back to monitor), stop it and keep the journal.
stop_listener() {
	last='"event":"trigger"'
	[ "$MODE" = smoke ] || last='"new":"monitor"'
	wait_for 30 grep -q "$last" "$O/events.json"
	kill "$json"
	journalctl -u sysrqmon -o json > "$O/journal.json"
}

scrape() {
	systemctl start sysrqmon-metrics.service
	wait_for 60 curl -sf -o "$O/metrics.txt" http://127.0.0.1:9100/metrics
	check scrape "node_exporter serves sysrqmon.prom: $(grep -c '^sysrqmon_' "$O/metrics.txt") sysrqmon samples" \
		grep -q '^sysrqmon_up 1$' "$O/metrics.txt"
	check metrics-trigger "$(grep "^sysrqmon_events_total{kind=\"trigger\"" "$O/metrics.txt" | tr "\n" " ")" \
		grep -Eq '^sysrqmon_events_total\{kind="trigger"[^}]*\} [1-9]' "$O/metrics.txt"
}

purge() {
	dpkg-query -L sysrqmon sysrqmon-dkms 2> /dev/null | while read -r f; do
		[ -d "$f" ] || echo "$f"
	done > "$O/files"
	check purge "apt-get purge sysrqmon sysrqmon-dkms" \
		apt-get purge -y -q sysrqmon sysrqmon-dkms
	left=$(while read -r f; do [ -e "$f" ] && echo "$f"; done < "$O/files")
	check purge-files "$(wc -l < "$O/files") package files; left: ${left:-none}" [ -z "$left" ]
	left=$(ls -d /var/lib/dkms/sysrqmon /usr/src/sysrqmon-* \
		/lib/modules/*/updates/dkms/sysrqmon.ko* 2> /dev/null)
	check purge-dkms "DKMS tree and modules left: ${left:-none}" [ -z "$left" ]
	left=$(ls /etc/systemd/system/*.wants/sysrqmon* \
		/var/lib/systemd/deb-systemd-helper-enabled/sysrqmon* \
		/var/lib/systemd/deb-systemd-helper-enabled/*.wants/sysrqmon* 2> /dev/null)
	check purge-units "enabled units left: ${left:-none}" [ -z "$left" ]
	check purge-prom "/var/lib/prometheus/node-exporter/sysrqmon.prom removed" \
		[ ! -e /var/lib/prometheus/node-exporter/sysrqmon.prom ]
}

# The full run's first boot, after start_and_event.
full_events() {
	check monitor-sysctl "echo 1 > /proc/sys/kernel/sysrq allowed in monitor mode" \
		sh -c 'echo 1 > /proc/sys/kernel/sysrq'
	echo "$mask" > /proc/sys/kernel/sysrq
	check deny "sysrqmonctl mode deny" sysrqmonctl mode deny
	check deny-trigger "echo h > /proc/sysrq-trigger fails with EPERM" \
		write_eperm h /proc/sysrq-trigger
	write_eperm 1 /proc/sys/kernel/sysrq
	rc=$?
	now=$(cat /proc/sys/kernel/sysrq)
	check deny-sysctl "echo 1 > /proc/sys/kernel/sysrq fails with EPERM (status $rc), mask $now (was $mask)" \
		[ "$rc:$now" = "0:$mask" ]
	check monitor "sysrqmonctl mode monitor" sysrqmonctl mode monitor
	check journal-denied "the denied sysctl write in the journal" \
		wait_for 30 in_journal SYSRQMON_EVENT=sysctl SYSRQMON_VERDICT=denied
	wait_for 30 in_journal SYSRQMON_EVENT=config SYSRQMON_NEW=monitor
	stop_listener
	# The catalog: journalctl -x adds explanatory lines to entries that have one.
	id=69b2d15f7b62c9e2198e82cd267d3c47
	plain=$(journalctl -q -u sysrqmon MESSAGE_ID=$id | wc -l)
	x=$(journalctl -q -x -u sysrqmon MESSAGE_ID=$id | tee "$O/journal-x.txt" | wc -l)
	check journal-catalog "journalctl -x: $x lines, $plain without -x" [ "$x" -gt "$plain" ]
}

# The audit records in audit.log, read by the release's own audit tools (docs/contract.md,
# "Audit record"): ausearch -i, the normaliser, and what its searches do with type 1316.
audit_records() {
	check auditd "auditd $(systemctl is-active auditd)" systemctl is-active -q auditd
	A=$O/ausearch.txt T=$O/ausearch-text.txt C=$O/ausearch.csv
	ausearch -i -m KERNEL_OTHER > "$A" 2>&1
	ausearch -m KERNEL_OTHER --format text > "$T" 2>&1
	ausearch -m KERNEL_OTHER --format csv > "$C" 2>&1
	n=$(grep -c '^type=KERNEL_OTHER ' "$A")
	check ausearch "ausearch -i -m KERNEL_OTHER: $n records, $(grep -c ' op=trigger .* res=yes key=sysrqmon' "$A") allowed trigger(s) by pid $$, $(grep -c ' res=no key=sysrqmon' "$A") denied" \
		sh -c "grep -q ' op=trigger pid=$$ .* uid=root euid=root auid=unset ses=unset comm=hosttest exe=/usr/bin/dash sysrq_key=\"h\" .* res=yes key=sysrqmon' $A && grep -q ' res=no key=sysrqmon' $A"
	check ausearch-meaning "ausearch -i: $(grep -o 'oflag=[^ ]*' "$A" | sort -u | tr '\n' ' ')and no ACCEPT, MAP_ or PROT_" \
		sh -c "grep -q ' oflag=O_WRONLY' $A && ! grep -Eq 'ACCEPT|MAP_|PROT_' $A"
	check ausearch-text "ausearch --format text: $(grep -c '^At ' "$T") sentences for $n records, e.g. $(grep -m 1 'unsuccessfully' "$T")" \
		sh -c "[ \$(grep -c '^At ' $T) -eq $n ] &&
			grep -q 'system, acting as root, successfully did-unknown' $T &&
			grep -q 'system, acting as root, unsuccessfully did-unknown' $T"
	check ausearch-csv "ausearch --format csv: $(grep -c ',KERNEL_OTHER,' "$C") rows for $n records; SESSION unset, SUBJ root, RESULT success|failed, HOW the executable" \
		sh -c "[ \$(grep -c ',KERNEL_OTHER,' $C) -eq $n ] &&
			grep -q ',unset,system,root,privileged-acct,did-unknown,success,,,unknown,/usr/bin/dash\$' $C &&
			grep -q ',unset,system,root,privileged-acct,did-unknown,failed,,,unknown,/usr/bin/[a-z]*\$' $C"
	# What docs/contract.md says: audit-userspace extracts no search field from type 1316.
	found=""
	for o in "-p $$" "-c hosttest" "-k sysrqmon"; do
		# shellcheck disable=SC2086
		found="$found ${o% *}:$(ausearch -m KERNEL_OTHER $o 2> /dev/null | grep -c '^type=KERNEL_OTHER ')"
	done
	check ausearch-search "$(grep -c " pid=$$ " "$A") records of pid $$ (comm hosttest, key sysrqmon); found by ausearch -m KERNEL_OTHER$found (documented: 0)" \
		sh -c "grep -q ' pid=$$ .* comm=hosttest ' $A && [ '$found' = ' -p:0 -c:0 -k:0' ]"
}

# The full run: what stopping and a failed load do (after the scrape: this reloads the module).
lifecycle() {
	# sysrqmon.service has no ExecStop: stopping it stops the listener, the module stays.
	systemctl stop sysrqmon.service
	check stop "systemctl stop: service $(active), module loaded: $(mod_version)" \
		sh -c '! systemctl is-active -q sysrqmon.service && [ -d /sys/module/sysrqmon ] && sysrqmonctl status'
	# A failed load (a bad parameter) leaves the unit failed.
	modprobe -r sysrqmon
	echo 'options sysrqmon mode=bogus' > /etc/modprobe.d/zz-hosttest.conf
	systemctl start sysrqmon.service
	wait_for 60 systemctl is-failed -q sysrqmon.service
	check failed-load "bad parameter: unit $(active) after up to 60 s, systemctl --failed: $(systemctl --failed --plain --no-legend | grep -c '^sysrqmon.service')" \
		sh -c 'systemctl --failed --plain --no-legend | grep -q "^sysrqmon.service"'
	check failed-not-loaded "module not loaded after the failed start" [ ! -d /sys/module/sysrqmon ]
	# The not-loaded alert's input as node_exporter serves it (the host evaluates the rule).
	systemctl start sysrqmon-metrics.service
	curl -sf -o "$O/metrics-notloaded.txt" http://127.0.0.1:9100/metrics
	check scrape-not-loaded "while not loaded: $(grep '^sysrqmon_up ' "$O/metrics-notloaded.txt")" \
		grep -q '^sysrqmon_up 0$' "$O/metrics-notloaded.txt"
	rm -f /etc/modprobe.d/zz-hosttest.conf
	systemctl reset-failed sysrqmon.service
	systemctl restart sysrqmon.service
	wait_for 30 systemctl is-active -q sysrqmon.service
	check restart "started again: $(active), module $(mod_version)" \
		sh -c 'systemctl is-active -q sysrqmon.service && [ -d /sys/module/sysrqmon ]'
	# Locked until the reboot: stopping the service and the upgrade below leave it loaded.
	check lock "sysrqmonctl lock" sysrqmonctl lock
	systemctl stop sysrqmon.service
	check locked-stop "locked, after systemctl stop: module $(mod_version), locked=$(locked)" \
		sh -c '! systemctl is-active -q sysrqmon.service &&
			[ "$(cat /sys/module/sysrqmon/parameters/locked)" = 1 ]'
	check locked-rmmod "modprobe -r sysrqmon refused while locked" sh -c '! modprobe -r sysrqmon'
	check locked-start "systemctl start with the locked module loaded" \
		systemctl start sysrqmon.service
}

upgrade() {
	old=$(mod_version)
	new=$(dpkg-deb -f "$(ls "$S"/debs-v2/sysrqmon_*.deb)" Version)
	echo "$old" > "$S/old-version"
	check upgrade-install "apt-get install $old -> $new (DKMS builds in the guest)" \
		apt-get install -y -q "$S"/debs-v2/sysrqmon_*.deb "$S"/debs-v2/sysrqmon-dkms_*.deb
	check upgrade-running-old "running module still $old: $(mod_version)" [ "$(mod_version)" = "$old" ]
	check upgrade-tool "sysrqmonctl --version: $(sysrqmonctl --version)" \
		[ "$(sysrqmonctl --version)" = "sysrqmonctl $new" ]
	check upgrade-built "modinfo -F version sysrqmon: $(modinfo -F version sysrqmon)" \
		[ "$(modinfo -F version sysrqmon)" = "$new" ]
	check upgrade-active "service after the upgrade: $(active)" systemctl is-active -q sysrqmon.service
	check upgrade-locked "the old module still locked: locked=$(locked)" [ "$(locked)" = 1 ]
	signer="$(modinfo -F signer sysrqmon) $(modinfo -F sig_key sysrqmon | tr -d :)"
	check upgrade-signer "the new build: modinfo -F signer $(modinfo -F signer sysrqmon), sig_key $(modinfo -F sig_key sysrqmon) (the fleet key: $(cat "$S/fleet-signer"))" \
		[ "$signer" = "$(cat "$S/fleet-signer")" ]
	# The version skew as the metrics show it (the host evaluates the alert's rule).
	systemctl start sysrqmon-metrics.service
	curl -sf -o "$O/metrics-upgrade.txt" http://127.0.0.1:9100/metrics
	check metrics-skew "$(grep -E '^sysrqmon_(module|build)_info' "$O/metrics-upgrade.txt" | tr '\n' ' ')" \
		sh -c "grep -q '^sysrqmon_module_info{.*version=\"$old\"} 1' $O/metrics-upgrade.txt &&
			grep -q '^sysrqmon_build_info{version=\"$new\"} 1' $O/metrics-upgrade.txt"
}

after_reboot() {
	new=$(dpkg-query -W -f='${Version}' sysrqmon)
	check reboot-new "after the reboot: module $(mod_version), was $(cat "$S/old-version"), package $new" \
		wait_for 60 sh -c "[ \"\$(cat /sys/module/sysrqmon/version)\" = '$new' ] && systemctl is-active -q sysrqmon.service"
	check reboot-unlocked "after the reboot: locked=$(locked)" [ "$(locked)" = 0 ]
}

# The steps of each boot, and the phase after it: the full run reboots once.
case $MODE.$PHASE in
smoke.1) steps="start_and_event stop_listener scrape purge" next=finished ;;
full.1) steps="start_and_event full_events audit_records scrape lifecycle upgrade" next=2 ;;
full.2) steps="after_reboot purge" next=finished ;;
esac
for step in $steps; do
	$step
done
echo "$next" > "$S/phase"
sync
if [ "$next" = 2 ]; then
	echo REBOOT >&3
	systemctl reboot
else
	echo DONE >&3
	systemctl poweroff
fi
