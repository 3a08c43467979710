#!/bin/sh
# A handler whose module has gone is never written back, followed or trusted (review finding:
# drift repair restored a pointer into a freed module, and any user's `sysrqmonctl keys` then
# oopsed). In monitor mode a raw write of slot y is accepted as drift; after the switch to
# deny, the hostile module's exit puts the old value back: nothing is "restored" (no drift
# event), slot y stays empty, and an unprivileged `keys` and the kernel's HELP listing (which
# walks every handler) run clean. The same with a built-in slot (s): sync stays. The module
# stays in its exit (linger) for three periods after putting the slot back, before the GOING
# notifier: a check in that window falls back as the notifier will (it once put NULL in s,
# seen by chance on a loaded 6.12 rt guest). A pointer
# left behind into the freed module is reported but never followed (`keys` shows "?"), and
# deny mode clears it. The run.py console check fails the case on any oops or KASAN report.
. /tests/lib.sh
. /tests/deny-lib.sh
. /tests/integrity-lib.sh

evil_need
ensure_unloaded sysrqevil
K=$(ksym sysrq_key_table)
addr_ok "$K" || fail kallsyms "sysrq_key_table='$K'"
must_reload verify_ms="$VERIFY_MS" mode=monitor allowed_keys=h
set_mask 438

# key_json KEY: that key's object in an unprivileged `keys --json` (KEYS_RC its exit status)
keys_as_user() {
	KEYS=$(as_id user "$TOOL" keys --json 2>&1)
	KEYS_RC=$?
}
key_json() {
	printf '%s\n' "$KEYS" | sed 's/},{/}\n{/g' | grep "\"key\":\"$1\""
}
help_runs() {
	mark
	shell_write W h $P
	expect_write_ok "$1-trigger" "$W"
	expect_ran "$1-help-listed" h 1
}

# --- the finding: accepted drift, deny, the module's exit writes the old value back ----------
drift_mark
evil act=rawkey key=y addr="$K" linger=$((3 * VERIFY_MS))
expect_drift gone-y-accepted allowed keytable y
echo deny > "$PARAMS/mode"
mark
ensure_unloaded sysrqevil
settle_periods 4
expect_count gone-y-not-restored 0 'event=drift '
keys_as_user
check gone-y-keys-user "exit $KEYS_RC: $(printf '%s' "$KEYS" | cut -c1-160)" [ "$KEYS_RC" -eq 0 ]
check gone-y-slot-empty "$(key_json y)" [ -z "$(key_json y)" ]
help_runs gone-y

# --- a built-in slot: the exit puts sync back, and sync stays ----------------------------------
echo monitor > "$PARAMS/mode"
drift_mark
evil act=rawkey key=s addr="$K" linger=$((3 * VERIFY_MS))
expect_drift gone-s-accepted allowed keytable s
echo deny > "$PARAMS/mode"
mark
ensure_unloaded sysrqevil
settle_periods 4
expect_count gone-s-not-restored 0 'event=drift '
keys_as_user
check gone-s-builtin "$(key_json s)" eval 'key_json s | grep -q "\"module\":\"vmlinux\".*\"changed\":false"'
help_runs gone-s

# --- a pointer left into the freed module: reported, never followed, cleared in deny mode -------
echo monitor > "$PARAMS/mode"
drift_mark
evil act=rawkey key=y addr="$K" leave=1
expect_drift gone-left-accepted allowed keytable y
drift_mark
ensure_unloaded sysrqevil
expect_drift gone-left-found allowed keytable y
keys_as_user
check gone-left-keys-user "exit $KEYS_RC" [ "$KEYS_RC" -eq 0 ]
check gone-left-not-followed "$(key_json y)" eval 'key_json y | grep -q "\"module\":\"?\",\"handler\":\"?\""'
CHANGE_RE='sysrqmon: event=config .* setting=mode old=monitor new=deny'
drift_mark
echo deny > "$PARAMS/mode"
expect_drift gone-left-cleared denied keytable y
keys_as_user
check gone-left-slot-empty "$(key_json y)" [ -z "$(key_json y)" ]
help_runs gone-left

ensure_unloaded
exit 0
