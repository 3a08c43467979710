#!/bin/sh
# Keys a process injects (review finding: they ran in deny mode, logged as a physical
# keyboard). Alt+SysRq+KEY written to the AT keyboard's evdev node, and from a uinput keyboard,
# is that process's act: event=console source=inject with its pid, comm and uid. Deny mode
# judges it like a trigger write: refused without allowed_keys (the key does not run), let
# through with it, and with deny_scope=container refused only for a writer in new pid+mount
# namespaces. An injected press of the keyboard reset sequence is refused in deny mode, at
# once and with sysrq_downtime_ms (the timer path): the guest keeps running. Keys of the real
# keyboard (QEMU sendkey, interrupt context) stay source=keyboard, governed by kernel.sysrq.
. /tests/lib.sh
. /tests/deny-lib.sh
. /tests/integrity-lib.sh

# Debian kernels build evdev and uinput as modules (run.py ships them); the debug kernel
# builds them in; the cloud flavour has no uinput.
for m in evdev uinput; do
	[ -r "/tests/kmod/$m.ko" ] && insmod "/tests/kmod/$m.ko" 2>/dev/null
done
EV=
for _t in 1 2 3 4 5 6 7 8 9 10; do
	for d in /sys/class/input/event*; do
		[ "$(cat "$d/device/name" 2>/dev/null)" = "AT Translated Set 2 keyboard" ] &&
			[ -c "/dev/input/${d##*/}" ] && EV=/dev/input/${d##*/}
	done
	[ -n "$EV" ] && break
	sleep 0.2
done
[ -n "$EV" ] || { fail evdev "no evdev node for the AT keyboard"; exit 0; }
info "AT keyboard: $EV"
UINPUT=1
if [ ! -c /dev/uinput ]; then
	if [ -r /tests/kmod/uinput.ko ]; then
		fail uinput "uinput.ko is shipped but /dev/uinput did not appear"
	fi
	skip uinput "this kernel has no uinput (Debian's cloud flavour builds none)"
	UINPUT=
fi

inject_re() {
	printf '%s key=%s action=%s source=inject( |$)' \
		"$(HDR_VERDICT=$1 hdr console "$2" keyinject)" "$(re_quote "$3")" "$4"
}
# inject NAME VIA KEY: run keyinject (VIA: evdev or uinput) from this shell's child
inject() {
	if [ "$2" = evdev ]; then
		run_helper R keyinject evdev "$EV" "$3"
	else
		run_helper R keyinject uinput "$3"
	fi
	check "$1-written" "$R" eval '[ "$(field "$R" result)" -gt 0 ] 2>/dev/null'
}

set_mask 1
ensure_unloaded
reload verify_ms=0 || { fail load "insmod"; exit 0; }

for via in evdev ${UINPUT:+uinput}; do
	# monitor: reported as the writer's act
	mark
	inject "$via-monitor" "$via" h
	expect_audit "$via-monitor-named" "$(inject_re allowed "$(field "$R" pid)" h help)"
	expect_ran "$via-monitor-ran" h 1
	expect_count "$via-monitor-no-keyboard" 0 'source=keyboard'

	# deny, no allowed_keys: refused, not run
	echo deny > "$PARAMS/mode"
	mark
	inject "$via-deny" "$via" h
	expect_audit "$via-deny-denied" "$(inject_re denied "$(field "$R" pid)" h help)"
	expect_ran "$via-deny-not-ran" h 0

	# deny with allowed_keys=h: let through
	echo h > "$PARAMS/allowed_keys"
	mark
	inject "$via-allowed" "$via" h
	expect_audit "$via-allowed-named" "$(inject_re allowed "$(field "$R" pid)" h help)"
	expect_ran "$via-allowed-ran" h 1

	# deny_scope=container: the host writer passes, a contained one is refused
	echo "" > "$PARAMS/allowed_keys"
	echo container > "$PARAMS/deny_scope"
	mark
	inject "$via-scope-host" "$via" h
	expect_audit "$via-scope-host-allowed" "$(inject_re allowed "$(field "$R" pid)" h help)"
	expect_ran "$via-scope-host-ran" h 1
	mark
	if [ "$via" = evdev ]; then
		OUT=$(unshare -pm --fork keyinject evdev "$EV" h 2>&1)
	else
		OUT=$(unshare -pm --fork keyinject uinput h 2>&1)
	fi
	info "contained keyinject: $OUT"
	expect_audit "$via-scope-contained-denied" "$(inject_re denied '' h help)"
	expect_ran "$via-scope-contained-not-ran" h 0
	echo all > "$PARAMS/deny_scope"
	echo monitor > "$PARAMS/mode"
done

# the reset sequence (key code 30, a): refused for an injector in deny mode, with
# sysrq_downtime_ms 0 (orderly_reboot at once) and 500 (from a timer the press arms)
rs0=$(rd $SRQP/reset_seq)
dt0=$(rd $SRQP/sysrq_downtime_ms)
echo 30 > $SRQP/reset_seq
for dt in 0 500; do
	echo "$dt" > $SRQP/sysrq_downtime_ms
	echo deny > "$PARAMS/mode"
	mark
	run_helper R keyinject evdev "$EV" code=30
	expect_audit "reset-$dt-denied" "$(HDR_VERDICT=denied hdr console "$(field "$R" pid)" keyinject) action=reboot source=inject( |\$)"
	sleep 1
	expect_klog "reset-$dt-no-reboot" \
		'reboot: Restarting|sysrq: Resetting|systemd-shutdown|Restarting system' 0
	check "reset-$dt-alive" "uptime $(cut -d' ' -f1 /proc/uptime)" true
	echo monitor > "$PARAMS/mode"
done
params_restore "$rs0" "$dt0" reset-params-restored

# the real keyboard in deny mode: still the keyboard's, governed by kernel.sysrq
echo deny > "$PARAMS/mode"
mark
sendkey alt-sysrq-h
expect_console keyboard-deny-h h help keyboard
expect_ran keyboard-deny-ran h 1
echo monitor > "$PARAMS/mode"

ensure_unloaded
set_mask 438
exit 0
