#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs every sysrqmonctl test: the unit tests, JSON validation of every line
# the encoder produced, the command line's exit codes, and the man page
# against --help. Each check prints "PASS ..." or "FAIL ..."; the last line
# is "N passed, M failed" and the exit status is non-zero on any failure.

set -u

tools=${1:?usage: run.sh TOOLS_DIR}
prog=$tools/sysrqmonctl
unit=$tools/tests/unit_tests
man=$tools/sysrqmonctl.8
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
log=$tmp/log

pass() { echo "PASS $*" >>"$log"; }
fail() { echo "FAIL $*" >>"$log"; }

# expect RC NAME CMD...: CMD exits RC.
expect() {
	want=$1
	name=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass "cli: $name exits $want"
	else
		fail "cli: $name exits $got, want $want ($(head -c 300 "$tmp/err"))"
	fi
}

# has FILE TEXT NAME: FILE contains TEXT.
has() {
	if grep -qF -- "$2" "$1"; then
		pass "cli: $3"
	else
		fail "cli: $3: '$2' not in: $(head -c 300 "$1")"
	fi
}

: >"$log"

# 1. Unit tests.
"$unit" "$tmp/json" >"$tmp/unit" 2>&1
rc=$?
grep -E '^(PASS|FAIL) ' "$tmp/unit" >>"$log"
if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$tmp/unit"; then
	fail "unit_tests exited $rc: $(tail -c 300 "$tmp/unit")"
fi

# 2. Every JSON line of the encoder is valid JSON.
if command -v python3 >/dev/null 2>&1; then
	n=$(wc -l <"$tmp/json")
	if [ "$n" -gt 0 ] && python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' \
		<"$tmp/json" 2>"$tmp/pyerr"; then
		pass "json: all $n encoder lines parse with python3 json"
	else
		fail "json: python3 rejects an encoder line ($n lines): $(tail -n 3 "$tmp/pyerr")"
	fi
else
	echo "SKIP json validation: no python3" >&2
fi

# 3. Command line.
version=$(tr -d '\n' <"$tools/../VERSION")
out=$("$prog" --version 2>&1)
if [ "$out" = "sysrqmonctl $version" ]; then
	pass "cli: --version prints 'sysrqmonctl $version'"
else
	fail "cli: --version printed '$out', want 'sysrqmonctl $version'"
fi
expect 0 "--help" "$prog" --help
has "$tmp/out" "Usage: sysrqmonctl" "--help prints the usage on stdout"
expect 0 "listen --help" "$prog" listen --help
expect 2 "no arguments" "$prog"
has "$tmp/err" "Usage:" "a usage error prints the usage on stderr"
expect 2 "unknown subcommand" "$prog" frobnicate
has "$tmp/err" "unknown subcommand 'frobnicate'" "names the unknown subcommand"
expect 2 "unknown option" "$prog" --frobnicate
expect 2 "status extra argument" "$prog" status now
expect 2 "status unknown option" "$prog" status --count 1
expect 2 "listen --count without value" "$prog" listen --count
expect 2 "listen --count abc" "$prog" listen --count abc
expect 2 "listen --count 0" "$prog" listen --count 0
expect 2 "listen --timeout -1" "$prog" listen --timeout -1
has "$tmp/err" "negative" "a negative timeout is named"
expect 2 "listen --timeout x" "$prog" listen --timeout x
expect 2 "listen extra argument" "$prog" listen now
expect 2 "mode without value" "$prog" mode
expect 2 "mode bogus" "$prog" mode bogus
expect 2 "set audit 2" "$prog" set audit 2
expect 2 "set unknown key" "$prog" set colour blue
expect 2 "set allowed_mask 0xzz" "$prog" set allowed_mask 0xzz
expect 2 "lock extra argument" "$prog" lock now
expect 2 "--version extra argument" "$prog" --version now

# Without the module (the usual case on build machines): exit 3, and the
# sysfs fallback of status. Skipped where the real module is loaded.
if [ -d /sys/module/sysrqmon ]; then
	echo "SKIP module-absent checks: sysrqmon is loaded here" >&2
else
	export SYSRQMON_SYSFS="$tmp/nosys"
	expect 3 "status without module" "$prog" status
	has "$tmp/err" "sysrqmon: module not loaded" "status says module not loaded"
	expect 3 "status --json without module" "$prog" status --json
	expect 3 "listen without module" "$prog" listen --timeout 0.1
	has "$tmp/err" "sysrqmon: module not loaded" "listen says module not loaded"
	expect 3 "mode without module" "$prog" mode monitor
	expect 3 "set without module" "$prog" set audit 1
	expect 3 "lock without module" "$prog" lock

	p="$tmp/sys/module/sysrqmon/parameters"
	mkdir -p "$p"
	echo monitor >"$p/mode"
	echo 1 >"$p/audit"
	echo 0 >"$p/watch_reads"
	echo 16 >"$p/allowed_mask"
	printf 'w m\n' >"$p/allowed_keys"
	export SYSRQMON_SYSFS="$tmp/sys"
	expect 0 "status from sysfs" "$prog" status
	has "$tmp/out" "mode           monitor" "sysfs status shows mode"
	has "$tmp/out" 'allowed_keys   "w m"' "sysfs status quotes values"
	if [ "$(sed -n 2p "$tmp/out" | cut -d' ' -f1)" = mode ]; then
		pass "cli: sysfs status lists mode first"
	else
		fail "cli: sysfs status does not list mode first: $(cat "$tmp/out")"
	fi
	has "$tmp/err" "no status over netlink" "sysfs status notes the fallback"
	expect 0 "status --json from sysfs" "$prog" status --json
	if command -v python3 >/dev/null 2>&1; then
		if python3 -c '
import json, sys
o = json.loads(sys.stdin.read())
p = o["parameters"]
assert o["type"] == "status" and o["source"] == "sysfs", o
assert p["mode"] == "monitor" and p["audit"] == "1", p
assert p["allowed_mask"] == "16" and p["allowed_keys"] == "w m", p
assert list(p)[:3] == ["mode", "audit", "watch_reads"], p
' <"$tmp/out" 2>"$tmp/pyerr"; then
			pass "cli: sysfs status --json is valid and complete"
		else
			fail "cli: sysfs status --json: $(tail -n 2 "$tmp/pyerr")"
		fi
	fi
	unset SYSRQMON_SYSFS
fi

# 4. The man page's subcommands and --help's are the same set.
"$prog" --help >"$tmp/help" 2>&1
awk '/^Subcommands:/ { on = 1; next } on && /^$/ { exit }
	on && /^  [a-z]/ { print $1 }' "$tmp/help" | sort -u >"$tmp/help.cmds"
awk '/^\.SH / { on = ($2 == "SUBCOMMANDS" || $2 == "COMMANDS"); next }
	on && prev == ".TP" { w = $0; gsub(/\\f[BIRP]/, "", w);
		sub(/^\.[BI]R? /, "", w); split(w, a, /[ |]/); print a[1] }
	{ prev = $1 }' "$man" | sort -u >"$tmp/man.cmds"
if [ ! -s "$tmp/help.cmds" ] || [ ! -s "$tmp/man.cmds" ]; then
	fail "man: could not read the subcommands of --help or of the man page"
fi
for c in $(cat "$tmp/help.cmds"); do
	if grep -qx -- "$c" "$tmp/man.cmds"; then
		pass "man: subcommand '$c' of --help is in sysrqmonctl.8"
	else
		fail "man: subcommand '$c' of --help is missing from sysrqmonctl.8"
	fi
done
for c in $(cat "$tmp/man.cmds"); do
	if grep -qx -- "$c" "$tmp/help.cmds"; then
		pass "man: subcommand '$c' of sysrqmonctl.8 is in --help"
	else
		fail "man: subcommand '$c' of sysrqmonctl.8 is missing from --help"
	fi
done
if command -v groff >/dev/null 2>&1; then
	if groff -man -ww -z "$man" 2>"$tmp/groff" && [ ! -s "$tmp/groff" ]; then
		pass "man: groff -man -ww finds no problem"
	else
		fail "man: groff warns: $(head -n 3 "$tmp/groff")"
	fi
fi

cat "$log"
passed=$(grep -c '^PASS ' "$log")
failed=$(grep -c '^FAIL ' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
