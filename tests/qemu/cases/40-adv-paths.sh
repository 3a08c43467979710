#!/bin/sh
# Evasion matrix, write paths (docs/evasion-matrix.md, rows "path"): every system call that
# can write a file, into both targets, in monitor mode (reported) and in deny mode (denied and
# reported), with the writer's identity; where the kernel refuses a path before any hook, the
# exact refusal and no event. helpers/sysrqpath makes each write.
# Trigger: key 'h' (prints HELP); vectored paths write "h7" (one iovec each: two commands in
# one call). kernel.sysrq: mask 438 -> 16 (monitor); 16 -> 438 (deny: enables bits, refused).
# Deny: the descriptor is opened in monitor mode, the mode switched to deny, then it writes
# (a fresh write-open of the trigger in deny mode is refused at open: checked once per path
# here too, and per descriptor source in 41-adv-fds).
. /tests/lib.sh
. /tests/deny-lib.sh
. /tests/adv-lib.sh

reload || { fail load "insmod failed"; exit 0; }
printk=$(cut -f1 /proc/sys/kernel/printk)
setup_mask 438

# via  trigger-data  trigger-outcome  sysctl-outcome   (outcome: ok, or what the kernel
# returns before any hook: an errno name, or 0 for copy_file_range from a procfs file, which
# the kernel shortens to the source's i_size, 0; "ok" paths are reported and, in deny mode,
# denied)
MATRIX='write h ok ok
writev h7 ok ok
pwrite64 h ok ok
pwritev2:none h7 ok ok
pwritev2:hipri h ok ok
pwritev2:dsync h EOPNOTSUPP ok
pwritev2:sync h EOPNOTSUPP ok
pwritev2:append h EOPNOTSUPP ok
pwritev2:nowait h EOPNOTSUPP EOPNOTSUPP
io_uring_write h ok ok
io_uring_writev h7 ok ok
io_uring_write_fixed h ok ok
splice h EINVAL ok
sendfile h EINVAL ok
copy_file_range h EXDEV EXDEV
copy_file_range_proc h 0 0
aio h EINVAL ok
aio_pwritev h7 EINVAL ok'

tried=0
printf '%s\n' "$MATRIX" > /tmp/adv-matrix
while read -r via tdata tout sout; do
	n=${via%%:*}
	case $via in pwritev2:*) n=pwritev2-${via#*:} ;; esac
	case $via in io_uring*) comm='(sysrqpath|iou-wrk-[0-9]+)' ;; *) comm=sysrqpath ;; esac
	nkeys=${#tdata}
	tried=$((tried + 4))

	# --- trigger, monitor ---
	mode_set monitor
	path_run R "$via" open $P "$tdata"
	pid=$(field "$R" pid)
	if [ "$tout" = ok ]; then
		expect_result "$n-trigger" "$R" "$nkeys"
		expect_open "$n-trigger-open" sysrq-trigger $P w "$pid" sysrqpath
		expect_count "$n-trigger-events" "$nkeys" "$(hdr trigger "$pid" "$comm") key=(h action=help|7 action=loglevel)( |\$)"
		expect_ran "$n-trigger-ran" h 1
	else
		expect_result "$n-trigger-refused" "$R" "$tout"
		expect_open "$n-trigger-open" sysrq-trigger $P w "$pid" sysrqpath
		expect_count "$n-trigger-no-event" 0 'event=trigger '
		expect_ran "$n-trigger-not-ran" h 0
	fi

	# --- trigger, deny: a descriptor from monitor mode ---
	STAGE=deny path_run R "$via" open $P "$tdata"
	pid=$(field "$R" pid)
	if [ "$tout" = ok ]; then
		expect_result "$n-trigger-deny" "$R" EPERM
		# the first denied iovec ends a vectored call: one denial
		expect_count "$n-trigger-deny-event" 1 "$(HDR_VERDICT=denied hdr trigger "$pid" "$comm") key=h action=help( |\$)"
	else
		expect_result "$n-trigger-deny-refused" "$R" "$tout"
		expect_count "$n-trigger-deny-no-event" 0 'event=trigger '
	fi
	expect_ran "$n-trigger-deny-not-ran" h 0
	# a fresh write-open in deny mode: refused at open
	mark
	path_run R "$via" open $P "$tdata"
	expect_result "$n-trigger-deny-open" "$R" EPERM
	HDR_VERDICT=denied expect_open "$n-trigger-deny-open-event" sysrq-trigger $P w \
		"$(field "$R" pid)" sysrqpath

	# --- kernel.sysrq, monitor: 438 -> 16 ---
	setup_mask 438
	mode_set monitor
	path_run R "$via" open $S 16
	pid=$(field "$R" pid)
	expect_open "$n-sysctl-open" sysrq $S w "$pid" sysrqpath
	if [ "$sout" = ok ]; then
		expect_result "$n-sysctl" "$R" 2
		expect_sysctl "$n-sysctl-event" 438 16 "$pid" "$comm"
		expect_count "$n-sysctl-one" 1 'event=sysctl '
		expect_mask "$n-sysctl-applied" 16
	else
		expect_result "$n-sysctl-refused" "$R" "$sout"
		expect_count "$n-sysctl-no-event" 0 'event=sysctl '
		expect_mask "$n-sysctl-unchanged" 438
	fi

	# --- kernel.sysrq, deny: 16 -> 438 enables bits outside allowed_mask ---
	setup_mask 16
	STAGE=deny path_run R "$via" open $S 438
	pid=$(field "$R" pid)
	if [ "$sout" = ok ]; then
		expect_result "$n-sysctl-deny" "$R" EPERM
		HDR_VERDICT=denied expect_sysctl "$n-sysctl-deny-event" 16 438 "$pid" "$comm"
	else
		expect_result "$n-sysctl-deny-refused" "$R" "$sout"
		expect_count "$n-sysctl-deny-no-event" 0 'event=sysctl '
	fi
	expect_mask "$n-sysctl-deny-unchanged" 16
	setup_mask 438
done < /tmp/adv-matrix
mode_set monitor
dmesg -n "$printk"
figure matrix-cells "$tried"
exit 0
