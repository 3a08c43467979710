#!/bin/sh
# insmod works, the parameters are visible in sysfs, the tool reports the mode.
. /tests/lib.sh

ensure_unloaded
mark
out=$(insmod "$KO" 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && loaded; then
	pass insmod "loaded: $(grep '^sysrqmon ' /proc/modules)"
else
	fail insmod "status $rc: $out; $(new_klog | tail -n 3)"
	exit 0
fi

for p in mode watch_reads; do
	if [ -r "$PARAMS/$p" ]; then
		pass "param-$p" "$PARAMS/$p = $(param "$p")"
	else
		fail "param-$p" "$PARAMS/$p missing; have: $(ls "$PARAMS" 2>&1 | tr '\n' ' ')"
	fi
done
info "parameters: $(for p in "$PARAMS"/*; do printf '%s=%s ' "${p##*/}" "$(cat "$p")"; done)"
expect_all_grammatical load-lines

if [ -x "$TOOL" ]; then
	mode=$(param mode)
	out=$("$TOOL" status 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ] && [ -n "$mode" ] && printf '%s\n' "$out" | grep -qw -- "$mode"; then
		pass tool-status-mode "exit 0, mentions mode '$mode'"
	else
		fail tool-status-mode "exit $rc, mode '$mode': $out"
	fi
else
	fail tool-status-mode "$TOOL is missing from the initramfs"
fi
exit 0
