#!/bin/sh
# Deny mode, allowed_keys=h: one thread writes the one-byte buffer to the trigger many times
# while another flips that byte between 'h' and 'b'. The write-entry check reads the byte
# once; the kernel reads it again and dispatches that key, so a flip in between is stopped at
# the dispatch (verdict=denied key=b, the write returns 1, nothing runs). 'b' must never run:
# the guest would reboot (-no-reboot ends the boot and the suite fails loudly).
# The racing threads hit the window between the two reads only now and then (0 to 20 times
# in 3000 writes, fewer on the debug kernel), so the dispatch check is proven with a
# deterministic flip first: sysrqevil act=flip rewrites the byte to 'b' right after the
# write-time check read 'h', for every write. The threads' count is a figure, not a check.
# Two flippers (sysrqrace): "spin" (busy stores) and "sleep" (toggle, 2 us sleep: its
# wakeups preempt the writer at random points). Preemption is "full" for the run
# (PREEMPT_DYNAMIC) so that on one CPU the flipper can run between the two reads.
# audit=0 keeps the thousands of allowed 'h' lines out of the log (denials are always logged).
# RACE_WRITES=N on the kernel command line (run.py --append) changes the number of writes.
. /tests/lib.sh
. /tests/deny-lib.sh
. /tests/integrity-lib.sh

N=${RACE_WRITES:-3000}
FLIPS=5
must_reload mode=deny allowed_keys=h audit=0

evil_need
ensure_unloaded sysrqevil
evil act=flip key=b comm=sysrqwrite
check flip-armed "status $EVIL_RC: $EVIL_LINE" [ "$EVIL_RC" -eq 0 -a "$EVIL_RET" = 0 ]
mark
i=0
while [ $i -lt $FLIPS ]; do
	run_helper R sysrqwrite $P h
	expect_result "flip-$i-returned-count" "$R" 1
	i=$((i + 1))
done
sleep "$SETTLE"
ensure_unloaded sysrqevil
flipped=$(new_klog | sed -n 's/.*sysrqevil: unloaded flips=\([0-9]*\).*/\1/p' | tail -n 1)
check flip-every-write "bytes rewritten after the check: ${flipped:-none} of $FLIPS writes" \
	[ "${flipped:-0}" -eq $FLIPS ]
expect_count flip-denied-at-dispatch $FLIPS "$(HDR_VERDICT=denied hdr trigger) key=b action=[^ ]+( |\$)"
expect_count flip-no-h-event 0 'event=trigger .* key=h '
expect_ran flip-b-not-ran b 0
expect_ran flip-h-not-ran h 0
PRE=/sys/kernel/debug/sched/preempt
old_pre=$(sed -n 's/.*(\([a-z]*\)).*/\1/p' $PRE 2>/dev/null)
[ -n "$old_pre" ] && echo full > $PRE
info "preempt: $(cat $PRE 2>/dev/null), cpus: $(grep -c ^processor /proc/cpuinfo)"

both() { [ "$1" -gt 0 ] && [ "$2" -gt 0 ]; }
total_dispatch=0
for mode in spin sleep; do
	mark
	t0=$(cut -d' ' -f1 /proc/uptime)
	run_helper R sysrqrace $P h b "$N" $mode
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	sleep 0.3
	info "sysrqrace $mode ($t0 -> $t1 s): $R"

	ok=$(field "$R" ok)
	eperm=$(field "$R" eperm)
	other=$(field "$R" other)
	flips=$(field "$R" flips)
	denied_b=$(new_audit | grep -c 'event=trigger verdict=denied .* key=b ')
	denied_other=$(new_audit | grep 'event=trigger verdict=denied ' | grep -vc ' key=b ')
	allowed_b=$(new_audit | grep -c 'event=trigger verdict=allowed .* key=b ')
	help=$(new_klog | grep -c 'sysrq: HELP :')
	dispatch=$((denied_b - eperm))
	total_dispatch=$((total_dispatch + dispatch))
	s="$mode: writes=$N ran(HELP lines)=$help denied-at-write-entry(EPERM)=$eperm denied-at-dispatch=$dispatch denied-key=b-events=$denied_b returned-1=$ok other=$other flips=$flips"
	info "$s"

	check "$mode-helper" "$R" [ "$rc" -eq 0 -a "$(field "$R" writes)" = "$N" ]
	check "$mode-b-never-ran" "$s" sh -c '! dmesg | grep -q "sysrq: Resetting"'
	check "$mode-no-b-allowed" "$allowed_b allowed key=b events" [ "$allowed_b" -eq 0 ]
	check "$mode-raced" "both keys were written: $s" both "$help" "$eperm"
	check "$mode-no-other-errors" "$s" [ "$other" -eq 0 -a $((ok + eperm)) -eq "$N" ]
	# each EPERM is one denial at write entry, logged with key=b; the other denied key=b
	# events come from the dispatch check, whose writes returned 1 and ran nothing
	check "$mode-every-eperm-logged" "$s" [ "$dispatch" -ge 0 ]
	check "$mode-only-b-denied" "$denied_other denied events with another key" [ "$denied_other" -eq 0 ]
	check "$mode-ran-equals-returned" "HELP lines ($help) + dispatch denials ($dispatch) = writes that returned 1 ($ok)" \
		[ $((help + dispatch)) -eq "$ok" ]
	bad=$(new_audit | grep -vE -e "$RE_GRAMMAR" -e "$RE_SUPPRESSED" | head -n 3)
	check "$mode-lines-intact" "${bad:-all $(new_audit | wc -l) event lines grammatical}" [ -z "$bad" ]
done
figure race-denied-at-dispatch "$total_dispatch"
[ -n "$old_pre" ] && echo "$old_pre" > $PRE

ensure_unloaded
insmod "$KO"
exit 0
