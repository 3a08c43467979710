#!/bin/sh
# Evasion matrix, namespaces (docs/evasion-matrix.md, rows "namespace"):
# - unprivileged user namespace (uid 1000; unshare -Urmpf --mount-proc: new user, mount and
#   pid namespaces, a new procfs): the kernel refuses both files with EACCES at permission
#   time (the owner, global root, is not mapped), before security_file_open: no event;
# - privileged-container shape (root; new mount+pid namespaces with their own procfs, with
#   and without a user namespace mapping root to root): writes work, are reported with the
#   writer's pid in the initial pid namespace (not the one inside), and in deny mode
#   (deny_scope=all and container) are refused and reported: a descriptor opened in the
#   container before the switch at write, a fresh write-open at open.
. /tests/lib.sh
. /tests/deny-lib.sh
. /tests/adv-lib.sh

reload || { fail load "insmod failed"; exit 0; }
setup_mask 438

info "unprivileged_userns_clone=$(cat /proc/sys/kernel/unprivileged_userns_clone 2>&1) max_user_namespaces=$(cat /proc/sys/user/max_user_namespaces)"
mark
out=$(runas --uid 1000 -- unshare -Urmpf --mount-proc sh -c \
	'id -u; echo h > /proc/sysrq-trigger; echo "trigger=$?"; echo 16 > /proc/sys/kernel/sysrq; echo "sysctl=$?"' 2>&1)
info "unprivileged userns: $(oneline "$out")"
case $out in
0*"trigger=1"*"sysctl=1"*) ;;
*) fail userns-shape "not root in a new user namespace or a write worked: $(oneline "$out")" ;;
esac
n=$(printf '%s\n' "$out" | grep -c 'Permission denied')
check userns-eacces "both writes refused with EACCES: $(oneline "$out")" [ "$n" -eq 2 ]
expect_no_audit userns-no-event "an unprivileged user namespace"
expect_mask userns-mask-unchanged 438
expect_ran userns-not-ran h 0

# ns_host_pid LOCALPID: the initial-namespace pid of the sysrqpath whose innermost pid is LOCALPID
ns_host_pid() {
	for st in /proc/[0-9]*/status; do
		if grep -q '^Name:[[:space:]]*sysrqpath$' "$st" 2>/dev/null &&
			grep -qE "^NSpid:[[:space:]]+[0-9]+([[:space:]]+[0-9]+)*[[:space:]]+$1\$" "$st" 2>/dev/null; then
			sed -n 's/^NSpid:[[:space:]]*\([0-9]*\).*/\1/p' "$st"
			return
		fi
	done
}

# ns_write NAME UNSHARE-FLAGS MODE PATH DATA: sysrqpath in the namespaces writes PATH; the
# outer shell finds its initial-namespace pid while it waits; R = its report
ns_write() {
	rm -f /tmp/ns-ready /tmp/ns-go /tmp/ns-out
	unshare $2 sh -c "sysrqpath --ready /tmp/ns-ready --go /tmp/ns-go $4 $5" > /tmp/ns-out 2>&1 &
	_nsj=$!
	wait_file /tmp/ns-ready
	_local=$(cut -d' ' -f1 /tmp/ns-ready)
	HOSTPID=$(ns_host_pid "$_local")
	[ "$3" = keep ] || echo "$3" > "$PARAMS/mode"
	mark
	touch /tmp/ns-go
	wait $_nsj
	R=$(tail -n 1 /tmp/ns-out)
	check "$1-pidns" "pid inside $(field "$R" pid), in the initial namespace ${HOSTPID:-?}" \
		[ -n "$HOSTPID" -a "$HOSTPID" != "$(field "$R" pid)" ]
}

for shape in "mpf --mount-proc" "rmpf --mount-proc"; do
	flags="-$shape"
	n=ct-$(echo "$shape" | cut -d' ' -f1)
	# monitor: reported with the host pid
	mode_set monitor
	setup_mask 438
	ns_write "$n-trigger" "$flags" monitor $P h
	expect_result "$n-trigger" "$R" 1
	expect_trigger "$n-trigger-event" h help "$HOSTPID" sysrqpath
	ns_write "$n-sysctl" "$flags" monitor $S 16
	expect_result "$n-sysctl" "$R" 2
	expect_sysctl "$n-sysctl-event" 438 16 "$HOSTPID" sysrqpath
	# deny (deny_scope all, then container): the write-open of the trigger and the sysctl change refused
	for scope in all container; do
		echo $scope > "$PARAMS/deny_scope"
		setup_mask 16
		# a descriptor opened in the container before the switch: denied at write
		ns_write "$n-$scope-trigger" "$flags" deny $P h
		expect_result "$n-$scope-deny-trigger" "$R" EPERM
		HDR_VERDICT=denied expect_trigger "$n-$scope-deny-trigger-event" h '' \
			"$HOSTPID" sysrqpath
		expect_ran "$n-$scope-deny-not-ran" h 0
		# a fresh write-open in the container: denied at open
		mark
		out=$(unshare $flags sh -c "echo h > $P" 2>&1)
		case $out in
		*"Operation not permitted"*) pass "$n-$scope-deny-open" "$out" ;;
		*) fail "$n-$scope-deny-open" "not EPERM: $out" ;;
		esac
		HDR_VERDICT=denied expect_open "$n-$scope-deny-open-event" sysrq-trigger $P w '' sh
		ns_write "$n-$scope-sysctl" "$flags" keep $S 438
		expect_result "$n-$scope-deny-sysctl" "$R" EPERM
		HDR_VERDICT=denied expect_sysctl "$n-$scope-deny-sysctl-event" 16 438 \
			"$HOSTPID" sysrqpath
		expect_mask "$n-$scope-deny-mask" 16
		mode_set monitor
	done
	echo all > "$PARAMS/deny_scope"
done
setup_mask 438
exit 0
