#!/bin/sh
# rmmod leaves no hook behind and no events; the module reloads; load/unload cycles are clean.
. /tests/lib.sh

HOOKED='sysrqmon|security_file_open|sysrq_sysctl_handler|write_sysrq_trigger|__handle_sysrq|handle_sysrq'
hooks() {
	cat /sys/kernel/debug/kprobes/list /sys/kernel/tracing/enabled_functions 2>/dev/null |
		grep -E "$HOOKED"
}

ensure_loaded || { fail load "insmod failed"; exit 0; }
info "hooks while loaded: $(hooks | tr '\n' ';')"
if rmmod sysrqmon && ! loaded; then
	pass rmmod "unloaded"
else
	fail rmmod "rmmod failed"
fi
left=$(hooks)
if [ -z "$left" ]; then
	pass no-hooks-left "kprobes/list and enabled_functions mention none of the hooked functions"
else
	fail no-hooks-left "$left"
fi

mark
echo h > /proc/sysrq-trigger
echo 16 > /proc/sys/kernel/sysrq
sysrqwrite --method writev /proc/sysrq-trigger h7 > /dev/null
echo 438 > /proc/sys/kernel/sysrq
expect_no_audit unloaded-quiet "after rmmod"

if [ -x "$TOOL" ]; then
	out=$("$TOOL" status 2>&1)
	rc=$?
	check tool-status-after-rmmod "exit $rc (want 3): $out" [ "$rc" -eq 3 ]
fi

if insmod "$KO"; then
	mark
	echo h > /proc/sysrq-trigger
	expect_trigger reload-works h help $$ sh
else
	fail reload-works "second insmod failed"
fi

i=0
ok=1
while [ $i -lt 5 ]; do
	rmmod sysrqmon || ok=0
	insmod "$KO" || ok=0
	echo h > /proc/sysrq-trigger
	i=$((i + 1))
done
rmmod sysrqmon || ok=0
check load-cycles "5 rmmod/insmod cycles with writes in between" [ $ok -eq 1 ]
left=$(hooks)
check no-hooks-after-cycles "${left:-none}" [ -z "$left" ]
exit 0
