#!/bin/sh
# deny_scope=container: deny mode applies only to tasks outside the initial pid or mount
# namespace. A process in new pid+mount namespaces (busybox unshare -pm --fork), or in only
# one of them, is refused (trigger open, kernel.sysrq 0 -> 16); the same writes from the host
# are allowed and reported as allowed.
. /tests/lib.sh
. /tests/deny-lib.sh

must_reload mode=deny deny_scope=container
check scope-param "deny_scope=$(param deny_scope)" [ "$(param deny_scope)" = container ]

# ns_run NAME UNSHARE-FLAGS CMD: run CMD (sh -c) in new namespaces; OUT, RC
ns_run() {
	OUT=$(unshare $2 sh -c "$3" 2>&1)
	RC=$?
	info "$1: unshare $2: status $RC: $OUT"
}
ns_eperm() {
	case "$RC $OUT" in
	0*) fail "$1" "the write succeeded in the container: $OUT" ;;
	*"Operation not permitted"*) pass "$1" "status $RC: $OUT" ;;
	*) fail "$1" "status $RC, not EPERM: $OUT" ;;
	esac
}

# host: allowed
mark
shell_write W h $P
check host-trigger "$W" [ "${W%% *}" = rc=0 ]
expect_open host-trigger-open sysrq-trigger $P w $$ sh
expect_trigger host-trigger-event h help $$ sh
expect_ran host-trigger-ran h 1

# containers: the trigger open is refused
for flags in "-pm --fork" "-m" "-p --fork"; do
	n=ns$(echo "$flags" | tr -dc 'a-z')
	mark
	ns_run "$n" "$flags" "echo b > $P"
	ns_eperm "$n-trigger"
	HDR_VERDICT=denied expect_open "$n-trigger-open-denied" sysrq-trigger $P w '' sh
	expect_count "$n-no-trigger" 0 'event=trigger '
done
mark
ns_run nspm-helper "-pm --fork" "sysrqwrite --method writev $P hb"
expect_result nspm-helper-eperm "$OUT" EPERM
HDR_VERDICT=denied expect_open nspm-helper-open-denied sysrq-trigger $P w '' sysrqwrite
expect_ran nspm-helper-not-ran h 0

# the mask: 0 -> 16 refused in a container, allowed on the host
setup_mask 0
mark
ns_run nspm-sysctl "-pm --fork" "echo 16 > $S"
ns_eperm nspm-sysctl
expect_mask nspm-sysctl-unchanged 0
HDR_VERDICT=denied expect_sysctl nspm-sysctl-event 0 16 '' sh
mark
ns_run nsm-sysctl "-m" "sysctl -w kernel.sysrq=16"
ns_eperm nsm-sysctl
expect_mask nsm-sysctl-unchanged 0
mark
shell_write W 16 $S
check host-sysctl "$W" [ "${W%% *}" = rc=0 ]
expect_mask host-sysctl-applied 16
expect_sysctl host-sysctl-event 0 16 $$ sh

# a descriptor opened on the host (allowed there) and written in a container: the writer is
# judged at write time
mark
OUT=$(unshare -pm --fork sh -c "echo h >&3" 3> $P 2>&1)
RC=$?
info "inherited fd: status $RC: $OUT"
ns_eperm nspm-inherited-fd
HDR_VERDICT=denied expect_trigger nspm-inherited-fd-event h '' '' sh
expect_ran nspm-inherited-fd-not-ran h 0

# back to scope all: the host is refused too
echo all > "$PARAMS/deny_scope"
mark
shell_write W h $P
expect_shell_eperm scope-all-host "$W"

ensure_unloaded
insmod "$KO"
set_mask 438
exit 0
