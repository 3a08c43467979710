#!/bin/sh
# Configuration in deny mode: mode switches (and other setting changes) are logged as config
# events even with audit=0, which silences only allowed events of the other kinds (denials
# stay). Regression: in deny mode, writes of other sysctls (kernel.printk, vm.swappiness, ...),
# of other files and other procfs entries, and read-only opens of the two targets work as
# before and give no event.
. /tests/lib.sh
. /tests/deny-lib.sh

reload mode=monitor audit=0 || { fail load "insmod failed"; exit 0; }
check audit-0 "audit=$(param audit)" [ "$(param audit)" = 0 ]
# switch_mode NAME FROM TO
switch_mode() {
	mark
	run_helper R sysrqwrite "$PARAMS/mode" "$3"
	expect_result "$1-write" "$R" "${#3}"
	check "$1-set" "mode=$(param mode)" [ "$(param mode)" = "$3" ]
	expect_audit "$1-logged" "$(hdr config "$(field "$R" pid)" sysrqwrite) setting=mode old=$2 new=$3( |\$)"
	expect_count "$1-one-line" 1 'event='
}
switch_mode monitor-to-deny monitor deny
switch_mode deny-to-monitor deny monitor
switch_mode monitor-to-off monitor off
switch_mode off-to-deny off deny

# other settings, audit=0, deny mode
mark
echo h > "$PARAMS/allowed_keys"
expect_audit allowed-keys-logged "$(hdr config $$ sh) setting=allowed_keys old=\"\" new=h( |\$)"
mark
echo 0x10 > "$PARAMS/allowed_mask"
expect_audit allowed-mask-logged "$(hdr config $$ sh) setting=allowed_mask old=0 new=16( |\$)"
mark
echo container > "$PARAMS/deny_scope"
expect_audit deny-scope-logged "$(hdr config $$ sh) setting=deny_scope old=all new=container( |\$)"
echo all > "$PARAMS/deny_scope"
echo "" > "$PARAMS/allowed_keys"
echo 0 > "$PARAMS/allowed_mask"

# audit=0 in deny mode: allowed events are silent, denials are not
setup_mask 438
mark
echo 16 > $S
expect_no_audit audit0-allowed-silent "an allowed restriction 438 -> 16 with audit=0"
mark
shell_write W 438 $S
expect_shell_eperm audit0-denied "$W"
HDR_VERDICT=denied expect_sysctl audit0-denied-logged 16 438 $$ sh
mark
shell_write W h $P
expect_shell_eperm audit0-open-denied "$W"
HDR_VERDICT=denied expect_open audit0-open-denied-logged sysrq-trigger $P w $$ sh
mark
echo 1 > "$PARAMS/audit"
expect_audit audit-logged "setting=audit old=0 new=1( |\$)"

# --- regression: other writes in deny mode are unaffected and silent --------------------------
printk=$(cat /proc/sys/kernel/printk)
swappiness=$(cat /proc/sys/vm/swappiness)
burst=$(cat /proc/sys/kernel/printk_ratelimit_burst)
hostname=$(cat /proc/sys/kernel/hostname)
mark
ok=1
why=
t() { "$@" || { ok=0; why="$why [$*]"; }; }
t sh -c 'echo 61 > /proc/sys/vm/swappiness'
t [ "$(cat /proc/sys/vm/swappiness)" = 61 ]
t sysctl -w vm.swappiness="$swappiness"
t [ "$(cat /proc/sys/vm/swappiness)" = "$swappiness" ]
t sh -c 'echo "4 4 1 7" > /proc/sys/kernel/printk'
t [ "$(cut -f1 /proc/sys/kernel/printk)" = 4 ]
t sh -c "echo '$printk' > /proc/sys/kernel/printk"
t sysctl -w kernel.printk_ratelimit=5
t sysrqwrite --method writev /proc/sys/kernel/printk_ratelimit_burst 11
t [ "$(cat /proc/sys/kernel/printk_ratelimit_burst)" = 11 ]
t sysrqwrite --method io_uring /proc/sys/kernel/printk_ratelimit_burst "$burst"
t sh -c 'echo denyhost > /proc/sys/kernel/hostname'
t [ "$(hostname)" = denyhost ]
t sh -c "echo '$hostname' > /proc/sys/kernel/hostname"
t sh -c 'echo 1 > /proc/sys/vm/drop_caches'
t sh -c 'echo renamed > /proc/self/comm'
t sh -c 'echo 0 > /proc/self/oom_score_adj'
t sh -c 'echo h > /tmp/sysrq-trigger'
t sh -c 'echo 16 > /tmp/sysrq'
t cat /proc/sys/kernel/sysrq
t sysctl kernel.sysrq
t sysrqwrite --open-only --access r $P
t sysrqwrite --open-only --access r $S
t sysrqwrite --method pwritev2 /proc/sys/kernel/sysctl_writes_strict 1
expect_no_audit regression-no-events "other sysctls, files and procfs entries in deny mode"
if [ $ok -eq 1 ]; then
	pass regression-writes-work "all writes succeeded and were applied"
else
	fail regression-writes-work "failed:$why"
fi
# ...but the SysRq driver's own parameters are guarded: refused in deny mode, reported
DT=/sys/module/sysrq/parameters/sysrq_downtime_ms
if [ -w $DT ]; then
	dt=$(cat $DT)
	new=$((dt + 7))
	mark
	run_helper R sysrqwrite $DT $new
	expect_result sysrq-downtime-eperm "$R" EPERM
	check sysrq-downtime-unchanged "sysrq_downtime_ms=$(cat $DT), was $dt" [ "$(cat $DT)" = "$dt" ]
	expect_audit sysrq-downtime-denied "$(HDR_VERDICT=denied hdr param "$(field "$R" pid)" sysrqwrite) name=sysrq_downtime_ms value=$new( |\$)"
fi
check mask-untouched "kernel.sysrq=$(sysrq_mask)" [ "$(sysrq_mask)" = 16 ]

ensure_unloaded
insmod "$KO"
set_mask 438
exit 0
