#!/bin/sh
# Hostile comm values: each event is still exactly one intact line, the comm quoted/escaped
# per the contract ("\"", "\\", \xHH outside 0x20-0x7e; quoted when not all of 0x21-0x7e or
# when it contains '"', '\' or '=').
. /tests/lib.sh

ensure_loaded || { fail load "insmod failed"; exit 0; }
set_mask 438

# name  hex-of-comm  ERE-of-the-encoded-value (the rest of the line, spaces included)
n=0
while read -r name hex ere; do
	[ -n "$name" ] || continue
	n=$((n + 1))
	mark
	run_helper R sysrqwrite --comm-hex "$hex" /proc/sysrq-trigger h
	pid=$(field "$R" pid)
	expect_trigger "$name" h help "$pid" "$ere"
	expect_open "$name-open" sysrq-trigger /proc/sysrq-trigger w "$pid" "$ere"
	expect_count "$name-one-line" 1 "^sysrqmon: event=trigger verdict=[a-z]+ pid=$pid "
	expect_all_grammatical "$name-intact"
done <<'LIST'
quote-space-backslash-newline 61226220635c64207069643d310a "a\\"b c\\\\d pid=1\\x0[aA]"
fake-fields 78206576656e743d6f70656e "x event=open"
lone-quote 22 "\\""
equals 613d62 "a=b"
escape-sequence 011b5b33316d "\\x01\\x1[bB]\[31m"
utf8 c3a9 "\\x[cC]3\\x[aA]9"
leading-newline 0a73797372716d6f6e3a206576656e "\\x0[aA]sysrqmon: even"
trailing-backslash 61625c "ab\\\\"
LIST
exit 0
