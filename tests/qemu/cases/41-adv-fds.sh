#!/bin/sh
# Evasion matrix, descriptor sources (docs/evasion-matrix.md, rows "descriptor"): a
# descriptor inherited across fork and across fork+exec, received over a unix socket
# (SCM_RIGHTS), taken from another process with pidfd_getfd, copied with dup3 and
# fcntl(F_DUPFD), reopened through /proc/self/fd/N and through /proc/PID/fd/N of another
# process; for both targets, in monitor mode (reported, open event with the opener's pid,
# write event with the writer's) and in deny mode (obtained in monitor mode and written after
# the switch: denied at write; obtained in deny mode: the trigger's write-open is refused).
# Last, a descriptor root opened, written by a process that dropped to uid 65534: the trigger
# runs the command (no capability check on write) and the event carries uid=65534; the
# sysctl checks permission at every write (proc_sys_call_handler: EPERM, before the handler,
# no event).
. /tests/lib.sh
. /tests/deny-lib.sh
. /tests/adv-lib.sh

reload || { fail load "insmod failed"; exit 0; }
setup_mask 438

for how in exec fork scm pidfd_getfd dup3 dupfd proc_self proc_pid; do
	# --- trigger, monitor: the open by the opener, the write by the writer ---
	mode_set monitor
	path_run R write $how $P h
	pid=$(field "$R" pid) opener=$(field "$R" opener)
	expect_result "$how-trigger" "$R" 1
	expect_open "$how-trigger-open" sysrq-trigger $P w "$opener" sysrqpath
	expect_trigger "$how-trigger-event" h help "$pid" sysrqpath
	expect_count "$how-trigger-one" 1 'event=trigger '
	case $how in
	exec|fork|scm|pidfd_getfd) check "$how-two-processes" "opener $opener, writer $pid" [ "$opener" != "$pid" ] ;;
	esac

	# --- trigger, deny: obtained in monitor mode, written in deny mode ---
	STAGE=deny path_run R write $how $P h
	expect_result "$how-trigger-deny" "$R" EPERM
	HDR_VERDICT=denied expect_trigger "$how-trigger-deny-event" h '' \
		"$(field "$R" pid)" sysrqpath
	expect_ran "$how-trigger-deny-not-ran" h 0

	# --- trigger, deny: obtained in deny mode: the write-open is refused ---
	mark
	path_run R write $how $P h
	expect_result "$how-trigger-deny-fresh" "$R" EPERM
	case $how in
	proc_self|proc_pid) who=$(field "$R" opener) ;;   # the reopen is this process's open
	pidfd_getfd) who=$(field "$R" opener) ;;           # the holder child's open
	*) who= ;;
	esac
	HDR_VERDICT=denied expect_open "$how-trigger-deny-fresh-event" sysrq-trigger $P w \
		"$who" sysrqpath
	expect_ran "$how-trigger-deny-fresh-not-ran" h 0

	# --- kernel.sysrq, monitor then deny ---
	setup_mask 438
	mode_set monitor
	path_run R write $how $S 16
	pid=$(field "$R" pid) opener=$(field "$R" opener)
	expect_result "$how-sysctl" "$R" 2
	expect_open "$how-sysctl-open" sysrq $S w "$opener" sysrqpath
	expect_sysctl "$how-sysctl-event" 438 16 "$pid" sysrqpath
	STAGE=deny path_run R write $how $S 438
	expect_result "$how-sysctl-deny" "$R" EPERM
	HDR_VERDICT=denied expect_sysctl "$how-sysctl-deny-event" 16 438 \
		"$(field "$R" pid)" sysrqpath
	expect_mask "$how-sysctl-deny-unchanged" 16
	setup_mask 438
done

# A descriptor root opened, written by uid 65534 (no capabilities): the trigger has no
# permission check at write, the sysctl checks at every write (sysctl_perm -> EPERM).
for how in scm fork exec; do
	mode_set monitor
	path_run R write $how --writer-uid 65534 $P h
	pid=$(field "$R" pid)
	expect_result "$how-nobody-trigger" "$R" 1
	HDR_UID=65534 HDR_EUID=65534 expect_trigger "$how-nobody-trigger-event" h help "$pid" sysrqpath
	STAGE=deny path_run R write $how --writer-uid 65534 $P h
	expect_result "$how-nobody-trigger-deny" "$R" EPERM
	HDR_UID=65534 HDR_EUID=65534 HDR_VERDICT=denied \
		expect_trigger "$how-nobody-trigger-deny-event" h '' "$(field "$R" pid)" sysrqpath
	mode_set monitor
	path_run R write $how --writer-uid 65534 $S 16
	expect_result "$how-nobody-sysctl" "$R" EPERM
	expect_count "$how-nobody-sysctl-no-event" 0 'event=sysctl '
	expect_mask "$how-nobody-sysctl-unchanged" 438
done
mode_set monitor
exit 0
