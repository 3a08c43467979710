#!/bin/sh
# Unload under load: insmod/rmmod cycles while other processes hammer both targets (write,
# io_uring), open unrelated files, send netlink commands (status, listen, nlfuzz) and switch
# verify_ms on and off (a write racing the unload must not re-arm the drift check). No
# oops or warning (checked in the kernel log here, since the console loglevel is lowered for
# the run, and on the console by run.py), no hook left behind, the module works afterwards.
#   UNLOAD_CYCLES  cycles (default 100, scaled by LOAD_SCALE; tests/stress.sh: 1000)
. /tests/lib.sh
. /tests/deny-lib.sh
. /tests/adv-lib.sh

N=$(scaled ${UNLOAD_CYCLES:-100})
ensure_unloaded
echo 438 > $S
printk=$(cut -f1 /proc/sys/kernel/printk)
dmesg -n 1
STOP=/tmp/unload-stop
rm -f $STOP
# Each hammer pauses 20 ms between rounds: on one vCPU, seven flat-out loops would leave the
# insmod/rmmod loop a sliver of the CPU (the cycles are what is under test).
hammer() {
	while [ ! -e $STOP ]; do "$@" > /dev/null 2>&1; usleep 20000 2>/dev/null; done
}
# Trigger writes are throttled: the kernel prints every command's line on the console at the
# default loglevel whatever `dmesg -n` says, and a flooded serial console slows the guest.
# Key 1 (console loglevel 1) keeps everything else off the console meanwhile.
throttled() {
	while [ ! -e $STOP ]; do "$@" > /dev/null 2>&1; sleep 0.05; done
}
throttled sysrqpath --count 5 $P 1 &
h1=$!
hammer sysrqburst --reopen --count 50 $S 438 &
h2=$!
throttled sysrqpath --via io_uring_write $P 1 &
h3=$!
hammer cat /proc/version /proc/sys/vm/swappiness /proc/sys/kernel/printk &
h4=$!
hammer "$TOOL" status --json &
h5=$!
hammer "$TOOL" listen --timeout 0.3 &
h6=$!
hammer nlfuzz --count 20 &
h7=$!
flip_verify() {
	echo 100 > "$PARAMS/verify_ms"
	echo 0 > "$PARAMS/verify_ms"
}
hammer flip_verify &
h8=$!

t0=$(cut -d' ' -f1 /proc/uptime)
i=0 ins_fail=0 rm_fail=0 rm_retry=0
while [ $i -lt "$N" ]; do
	insmod "$KO" 2>/tmp/unload-insmod.err || { ins_fail=$((ins_fail + 1)); info "insmod #$i: $(cat /tmp/unload-insmod.err)"; }
	j=0
	while loaded && ! rmmod sysrqmon 2>/tmp/unload-rmmod.err; do
		j=$((j + 1))
		rm_retry=$((rm_retry + 1))
		if [ $j -ge 100 ]; then
			rm_fail=$((rm_fail + 1))
			info "rmmod #$i: $(cat /tmp/unload-rmmod.err)"
			break
		fi
		sleep 0.05
	done
	i=$((i + 1))
	[ $((i % 25)) = 0 ] && info "cycle $i of $N at $(cut -d' ' -f1 /proc/uptime) s"
done
t1=$(cut -d' ' -f1 /proc/uptime)
touch $STOP
for h in $h1 $h2 $h3 $h4 $h5 $h6 $h7 $h8; do wait $h; done
secs=$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')
info "$N cycles in $secs s; insmod failures $ins_fail, rmmod failures $rm_fail (retries $rm_retry)"
check cycles "$N insmod/rmmod cycles under load in $secs s" [ $ins_fail = 0 -a $rm_fail = 0 ]
# our hooked functions still in kprobes/list or enabled_functions
left=$(cat /sys/kernel/debug/kprobes/list /sys/kernel/tracing/enabled_functions 2>/dev/null |
	grep -E -e 'sysrqmon|security_file_open|sysrq_sysctl_handler|write_sysrq_trigger' \
	-e 'handle_sysrq|sysrq_toggle_support|register_sysrq_key|param_array_set|param_set_int' \
	-e 'orderly_reboot|write_enabled_file_bool|proc_dointvec|delete_module')
check no-hooks-left "${left:-enabled_functions and kprobes/list name none of our functions}" [ -z "$left" ]
# BUG/WARNING/Oops lines: the console loglevel is lowered, run.py's console check cannot see them
probs=$(dmesg | grep -E -e 'BUG:|WARNING:|Oops|Call Trace|general protection|KASAN' \
	-e 'possible circular locking|sleeping function called from invalid context' | head -n 5)
check no-kernel-problems "${probs:-no BUG/WARNING/Oops in the kernel log}" [ -z "$probs" ]
dmesg -n "$printk"
insmod "$KO" || fail reload "insmod after the cycles failed"
mark
echo h > $P
expect_trigger works-after h help $$ sh
figure unload-cycles "$N"
figure unload-seconds "$secs"
exit 0
