#!/bin/sh
# demo.sh: the narrated demo (`make demo`: run.py --demo streams the guest's console from the
# banner on). Two background readers show what the module reports: [kernel log] its audit
# lines, [listener] its netlink events.
. /tests/lib.sh

PAUSE=${DEMO_PAUSE:-1}
step=0
say() { step=$((step + 1)); printf '\n==== %d. %s\n' "$step" "$*"; }
note() { printf '     %s\n' "$*"; }
# run CMD...: each CMD shown, run, a non-zero status shown; then a pause for the readers
run() {
	for cmd; do
		printf '# %s\n' "$cmd"
		eval "$cmd" || printf '     (exit status %d)\n' $?
		sleep "$PAUSE"
	done
}

RULE=################################################################
printf '\n%s\n  sysrqmon demo - kernel %s, %s\n' "$RULE" "$(uname -r)" "$(date -u '+%F %T UTC')"
printf '  Every SysRq touch below is reported twice: as an audit line in\n'
printf '  the kernel log and as a generic netlink event to listeners.\n%s\n' "$RULE"

say "Load the module"
run "insmod $KO" 'cat /sys/module/sysrqmon/parameters/mode'
kmsgtail --match 'sysrqmon:' --prefix '  [kernel log] ' &
KPID=$!
mkfifo /tmp/demo-listen
while IFS= read -r l; do printf '  [listener]   %s\n' "$l"; done < /tmp/demo-listen &
RPID=$!
note "started: dmesg -w | grep sysrqmon:  and  sysrqmonctl listen"
"$TOOL" listen > /tmp/demo-listen 2>&1 &
LISTENER_PID=$!
joined $LISTENER_PID 0 /dev/null
sleep "$PAUSE"

say "Trigger a SysRq command: h (help) through /proc/sysrq-trigger"
run 'echo h > /proc/sysrq-trigger'

say "Change the SysRq mask with sysctl"
run 'sysctl -w kernel.sysrq=16'

say "Another path to the same file: a second procfs mount"
note "the module knows the file by identity, not by its path"
run 'mkdir -p /mnt/proc2 && mount -t proc proc /mnt/proc2' 'echo h > /mnt/proc2/sysrq-trigger' \
	'umount /mnt/proc2'

say "A hostile process name: a newline and a fake field in comm"
note "the comm is quoted and escaped: one event is always one line"
run "sysrqwrite --comm-hex 780a6576656e743d6f70656e /proc/sysrq-trigger h"

say "The console: Alt+SysRq+H on the keyboard (QEMU sendkey)"
run 'sysctl -w kernel.sysrq=1'
mark
printf '# (the host presses alt-sysrq-h)\n'
sendkey alt-sysrq-h
find_audit 'event=console ' 20 || note "(no console event after 20 s)"
sleep "$PAUSE"

say "Deny mode: sysrqmonctl mode deny"
run "$TOOL mode deny"

say "A refused write: the trigger cannot be opened for writing any more"
run "sh -c 'echo s > /proc/sysrq-trigger'" 'sysrqwrite /proc/sysrq-trigger s'
note "result=EPERM: the kernel never ran 's'; the event says verdict=denied"

if [ -f /tests/sysrqevil.ko ]; then
	say "A module tries to register a backdoor SysRq key (still deny mode)"
	run 'insmod /tests/sysrqevil.ko act=register key=y'
	note "register_sysrq_key returned -EPERM (ret=-1): the event says op=register verdict=denied"
	run 'rmmod sysrqevil' "$TOOL keys"
fi

say "Back to monitor mode, and the status"
run "$TOOL mode monitor" "$TOOL status"

kill $LISTENER_PID $KPID 2>/dev/null
wait $LISTENER_PID $KPID $RPID 2>/dev/null

problems=$(dmesg | grep -E 'BUG:|WARNING:|Oops|Call Trace|general protection|KASAN' | head -n 3)
printf '\n%s\n' "$RULE"
if verdict ran "demo ran through" "kernel problems: $problems" [ -z "$problems" ]; then
	printf '  Demo done: the guest powers off now.\n'
else
	printf '  The kernel reported problems:\n%s\n' "$problems"
fi
printf '%s\n' "$RULE"
