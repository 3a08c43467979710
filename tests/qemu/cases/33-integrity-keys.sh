#!/bin/sh
# `sysrqmonctl keys` lists the live key table with owners: built-in keys are vmlinux and
# unchanged; a key registered by sysrqevil shows module sysrqevil, handler backdoor, help
# backdoor(y) and changed (in --json and in the text table) while registered, and is gone
# after rmmod; a raw slot write (monitor mode, not put back) shows up the same way.
. /tests/lib.sh
. /tests/deny-lib.sh
. /tests/integrity-lib.sh

evil_need
ensure_unloaded sysrqevil
[ -x "$TOOL" ] || { fail tool "$TOOL is missing"; exit 0; }
tool_run keys --help
check keys-subcommand "exit $TOOL_RC: $(printf '%s' "$TOOL_OUT" | grep -m 1 -i keys)" \
	eval '[ "$TOOL_RC" -eq 0 ] && printf "%s" "$TOOL_OUT" | grep -q "^ *keys"'
must_reload verify_ms="$VERIFY_MS"

# key_json KEY: that key's object in `keys --json` (empty when absent)
key_json() {
	printf '%s\n' "$KEYS_JSON" | sed 's/},{/}\n{/g' | grep "\"key\":\"$1\""
}
# key_text KEY: that key's row in the text table
key_text() {
	printf '%s\n' "$KEYS_TEXT" | awk -v k="$1" '$1 == k'
}
keys_now() {
	tool_run keys --json
	KEYS_JSON=$TOOL_OUT
	KEYS_JSON_RC=$TOOL_RC
	tool_run keys
	KEYS_TEXT=$TOOL_OUT
	KEYS_TEXT_RC=$TOOL_RC
}

keys_now
check keys-json-runs "exit $KEYS_JSON_RC: $(printf '%s' "$KEYS_JSON" | cut -c1-200)" \
	eval '[ "$KEYS_JSON_RC" -eq 0 ] && printf "%s" "$KEYS_JSON" | grep -q "^{\"type\":\"keys\""'
check keys-text-runs "exit $KEYS_TEXT_RC: $(printf '%s\n' "$KEYS_TEXT" | head -n 1)" \
	eval '[ "$KEYS_TEXT_RC" -eq 0 ] && printf "%s\n" "$KEYS_TEXT" | head -n 1 | grep -q "^KEY"'
check keys-builtin-b "$(key_json b)" eval 'key_json b | grep -q "\"module\":\"vmlinux\".*\"changed\":false"'
check keys-no-y-before "$(key_json y)" [ -z "$(key_json y)" ]

evil act=register key=y
keys_now
j=$(key_json y)
check keys-y-json-module "$j" eval 'printf "%s" "$j" | grep -q "\"module\":\"sysrqevil\""'
check keys-y-json-changed "$j" eval 'printf "%s" "$j" | grep -q "\"changed\":true"'
check keys-y-json-help "$j" eval 'printf "%s" "$j" | grep -q "\"help\":\"backdoor(y)\""'
check keys-y-json-handler "$j" eval 'printf "%s" "$j" | grep -q "\"handler\":\"backdoor"'
t=$(key_text y)
check keys-y-text "$t" eval 'printf "%s" "$t" | grep -Eq "^y +yes +sysrqevil .*backdoor\(y\)"'
check keys-b-text-unchanged "$(key_text b)" eval 'key_text b | grep -Eq "^b +no +vmlinux "'
ensure_unloaded sysrqevil
keys_now
check keys-no-y-after "$(key_json y)" [ -z "$(key_json y)" ]

evil act=rawkey key=x addr="$(ksym sysrq_key_table)"
keys_now
j=$(key_json x)
check keys-raw-x "$j" eval 'printf "%s" "$j" | grep -q "\"module\":\"sysrqevil\".*\"changed\":true"'
ensure_unloaded sysrqevil
keys_now
check keys-no-x-after "$(key_json x)" [ -z "$(key_json x)" ]
ensure_unloaded
exit 0
