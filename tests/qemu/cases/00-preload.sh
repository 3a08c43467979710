#!/bin/sh
# Before the module is loaded: sysrqmonctl status says "not loaded" (exit 3), and a bad
# mode= at insmod fails and names the value in the kernel log.
. /tests/lib.sh

ensure_unloaded

if [ -x "$TOOL" ]; then
	out=$("$TOOL" status 2>&1)
	rc=$?
	if [ "$rc" -eq 3 ]; then
		pass tool-status-unloaded "exit 3: $out"
	else
		fail tool-status-unloaded "exit $rc, want 3: $out"
	fi
else
	fail tool-status-unloaded "$TOOL is missing from the initramfs (build tools/sysrqmonctl)"
fi

mark
out=$(insmod "$KO" mode=bogus 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && ! loaded; then
	pass insmod-bad-mode "insmod failed (status $rc): $out"
else
	fail insmod-bad-mode "insmod mode=bogus: status $rc, loaded=$(loaded && echo yes || echo no)"
	ensure_unloaded
fi
line=$(new_klog | grep -i 'sysrqmon' | grep 'bogus' | head -n 1)
if [ -n "$line" ]; then
	pass insmod-bad-mode-logged "$line"
else
	fail insmod-bad-mode-logged "no sysrqmon kernel message names 'bogus': $(new_klog | tail -n 3)"
fi
exit 0
