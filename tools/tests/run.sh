#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs every sysrqmonctl test: the unit tests, JSON validation of every line
# the encoder produced, the command line's exit codes, the man page against
# --help, and the fleet outputs with the real consumers: synthetic events in
# the Journal Export Format through systemd-journal-remote and journalctl,
# and metrics and alert rules through promtool. Those tools are required:
# when one is missing the check fails and names the Debian package. Each check prints "PASS ..." or "FAIL ..."; the last line
# is "N passed, M failed" and the exit status is non-zero on any failure.

set -u

tools=${1:?usage: run.sh TOOLS_DIR}
prog=$tools/sysrqmonctl
unit=$tools/tests/unit_tests
# Test-only program (never installed): synthetic events through listen's
# output path, and sample metrics; see tests/synth_events.c.
synth=$tools/tests/synth_events
rules=$tools/sysrqmon.rules.yml
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
out=$("$prog" -V 2>&1)
if [ "$out" = "sysrqmonctl $version" ]; then
	pass "cli: -V prints 'sysrqmonctl $version'"
else
	fail "cli: -V printed '$out', want 'sysrqmonctl $version'"
fi
expect 0 "--help" "$prog" --help
has "$tmp/out" "Usage: sysrqmonctl" "--help prints the usage on stdout"
expect 0 "listen --help" "$prog" listen --help
expect 0 "help" "$prog" help
has "$tmp/out" "Usage: sysrqmonctl" "help prints the usage on stdout"
has "$tmp/out" "  help " "help lists help"
expect 2 "help extra argument" "$prog" help now
expect 2 "no arguments" "$prog"
has "$tmp/err" "Usage:" "a usage error prints the usage on stderr"
expect 2 "unknown subcommand" "$prog" frobnicate
has "$tmp/err" "unknown subcommand 'frobnicate'" "names the unknown subcommand"
has "$tmp/err" "See 'sysrqmonctl help'." "a usage error points to sysrqmonctl help"
n=$(wc -l <"$tmp/err")
if [ "$n" -le 3 ]; then
	pass "cli: a usage error is $n lines (at most 3)"
else
	fail "cli: a usage error is $n lines: $(cat "$tmp/err")"
fi
expect 2 "set without VALUE" "$prog" set verify_ms
if grep -v '^sysrqmonctl: ' "$tmp/err" | grep -qv '^\(Usage: \|See \)'; then
	fail "cli: a usage error line without the sysrqmonctl: prefix: $(cat "$tmp/err")"
else
	pass "cli: every usage error line is prefixed sysrqmonctl: (or the usage)"
fi
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
expect 2 "listen --format xml" "$prog" listen --format xml
has "$tmp/err" "text, json, export or journal" "names the formats"
expect 2 "keys extra argument" "$prog" keys now
expect 2 "metrics --output without value" "$prog" metrics --output
expect 2 "metrics unknown option" "$prog" metrics --json

# Without the module (the usual case on build machines): exit 3, and the
# sysfs fallback of status. Skipped where the real module is loaded.
if [ -d /sys/module/sysrqmon ]; then
	echo "SKIP module-absent checks: sysrqmon is loaded here" >&2
else
	export SYSRQMON_SYSFS="$tmp/nosys"
	expect 3 "status without module" "$prog" status
	has "$tmp/err" "sysrqmonctl: module not loaded" "status says module not loaded"
	if [ -s "$tmp/out" ]; then
		fail "cli: status without module prints on stdout"
	else
		pass "cli: status without module prints nothing on stdout"
	fi
	expect 3 "status --json without module" "$prog" status --json
	has "$tmp/out" '"loaded":false' "status --json without module: {..., \"loaded\":false}"
	cp "$tmp/out" "$tmp/records.status-none"
	expect 3 "listen without module" "$prog" listen --timeout 0.1
	has "$tmp/err" "sysrqmonctl: module not loaded" "listen says module not loaded"
	expect 3 "listen --json without module" "$prog" listen --json --timeout 0.1
	has "$tmp/out" '"error":"not-loaded"' "listen --json without module: an error record"
	cp "$tmp/out" "$tmp/records.listen-none"
	expect 3 "mode without module" "$prog" mode monitor
	expect 3 "set without module" "$prog" set audit 1
	expect 3 "set verify_ms 500 without module (parsed, sent)" "$prog" set verify_ms 500
	has "$tmp/err" "sysrqmonctl: module not loaded" "set verify_ms 500 gets as far as the module"
	expect 3 "lock without module" "$prog" lock
	expect 3 "keys without module" "$prog" keys
	has "$tmp/err" "sysrqmonctl: module not loaded" "keys says module not loaded"
	expect 3 "keys --json without module" "$prog" keys --json
	has "$tmp/out" '"error":"not-loaded"' "keys --json without module: an error record"
	cp "$tmp/out" "$tmp/records.keys-none"
	expect 3 "listen --format export without module" "$prog" listen \
		--format export --timeout 0.1
	expect 0 "metrics without module" "$prog" metrics
	has "$tmp/out" "sysrqmon_up 0" "metrics without module: sysrqmon_up 0"
	has "$tmp/out" "sysrqmon_build_info{version=\"$version\"} 1" \
		"metrics without module: build_info"
	expect 0 "metrics --output without module" "$prog" metrics \
		--output "$tmp/node.prom"
	has "$tmp/node.prom" "sysrqmon_up 0" "metrics --output writes the file"
	if [ -s "$tmp/out" ]; then
		fail "cli: metrics --output also printed to stdout"
	else
		pass "cli: metrics --output prints nothing"
	fi

	p="$tmp/sys/module/sysrqmon/parameters"
	mkdir -p "$p"
	echo monitor >"$p/mode"
	echo 1 >"$p/audit"
	echo 1 >"$p/audit_records"
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
	cp "$tmp/out" "$tmp/records.status-sysfs"
	if command -v python3 >/dev/null 2>&1; then
		if python3 -c '
import json, sys
o = json.loads(sys.stdin.read())
p = o["parameters"]
assert o["type"] == "status" and o["source"] == "sysfs", o
assert p["mode"] == "monitor" and p["audit"] == "1", p
assert p["allowed_mask"] == "16" and p["allowed_keys"] == "w m", p
assert list(p)[:4] == ["mode", "audit", "audit_records", "watch_reads"], p
' <"$tmp/out" 2>"$tmp/pyerr"; then
			pass "cli: sysfs status --json is valid and complete"
		else
			fail "cli: sysfs status --json: $(tail -n 2 "$tmp/pyerr")"
		fi
	fi
	unset SYSRQMON_SYSFS
fi

# 3b. Every record against the published JSON Schema
# (docs/sysrqmon-record.schema.json): synthetic events and a lost record
# through listen's output path, the records of the unit tests that carry a
# host (the encoder's own tests build partial objects), and what status,
# keys and listen print above.
schema=$tools/../docs/sysrqmon-record.schema.json
"$synth" json >"$tmp/records.synth" 2>"$tmp/synth.err" ||
	fail "json-schema: synth_events json failed: $(head -c 300 "$tmp/synth.err")"
grep -F '"host":' "$tmp/json" >"$tmp/records.unit"
if ! python3 -c 'import jsonschema' 2>/dev/null; then
	fail "json-schema: python3 cannot import jsonschema: install the Debian package python3-jsonschema (tests/deps.sh)"
elif python3 - "$schema" "$tmp"/records.* >"$tmp/schema.out" 2>&1 <<'PY'
import json, sys
from jsonschema.validators import validator_for
schema = json.load(open(sys.argv[1]))
cls = validator_for(schema)
cls.check_schema(schema)
v = cls(schema)
bad = n = 0
for path in sys.argv[2:]:
    for line in open(path, encoding="utf-8"):
        n += 1
        errs = sorted(v.iter_errors(json.loads(line)), key=lambda e: list(e.path))
        if errs:
            bad += 1
            print("%s: %s: %s" % (path.rsplit("/", 1)[-1], line.strip()[:200], errs[0].message[:300]))
print("%d records, %d invalid" % (n, bad))
sys.exit(1 if bad or n < 20 else 0)
PY
then
	pass "json-schema: $(tail -n 1 "$tmp/schema.out") (synthetic events, unit-test records, status/keys/listen without the module, status from sysfs)"
else
	fail "json-schema: $(head -n 5 "$tmp/schema.out" | tr '\n' ' ')"
fi
# The schema rejects what it must: a numeric instance, a record without host.
if python3 - "$schema" >"$tmp/schema.neg" 2>&1 <<'PY'
import json, sys
from jsonschema.validators import validator_for
schema = json.load(open(sys.argv[1]))
v = validator_for(schema)(schema)
bad = [
    {"type": "event", "host": "h", "instance": 6840227782638526189,
     "technique": "none", "severity": "info"},
    {"type": "event", "technique": "none", "severity": "info"},
    {"type": "status", "source": "none", "host": "h", "loaded": True},
]
sys.exit(0 if all(not v.is_valid(r) for r in bad) else 1)
PY
then
	pass "json-schema: rejects a numeric instance, a missing host, loaded=true without a module"
else
	fail "json-schema: accepts a record it must reject: $(tail -n 3 "$tmp/schema.neg")"
fi

# 3c. bash completion: it loads, and completes subcommands and settings.
comp=$tools/sysrqmonctl.bash-completion
if ! command -v bash >/dev/null 2>&1; then
	fail "completion: bash is not installed"
elif out=$(bash -c '. "$1" || exit 1
	c() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _sysrqmonctl; echo "${COMPREPLY[*]}"; }
	c sysrqmonctl he; c sysrqmonctl set verify; c sysrqmonctl listen --format e
	c sysrqmonctl mode d; complete -p sysrqmonctl' sh "$comp" 2>&1) &&
	[ "$out" = "help
verify_ms
export
deny
complete -F _sysrqmonctl sysrqmonctl" ]; then
	pass "completion: completes subcommands, settings, formats and modes"
else
	fail "completion: got: $(echo "$out" | tr '\n' '|')"
fi

# 3d. The modprobe.d example lists every module parameter.
missing=""
for p in $(sed -n 's/^module_param[a-z_]*(\([a-z_]*\),.*/\1/p' "$tools"/../module/*.c); do
	grep -q "^#options sysrqmon $p=" "$tools/sysrqmon.modprobe.conf" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	pass "modprobe.conf: every module parameter is listed"
else
	fail "modprobe.conf: missing:$missing"
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

# 5. Fleet: the journal and Prometheus consumers read what we write.
jremote=""
for d in /lib/systemd /usr/lib/systemd; do
	[ -x "$d/systemd-journal-remote" ] && jremote=$d/systemd-journal-remote && break
done
if [ -z "$jremote" ] || ! command -v journalctl >/dev/null 2>&1; then
	fail "journal: systemd-journal-remote (or journalctl) is not installed: install the Debian package systemd-journal-remote (add it to tests/deps.sh)"
elif ! command -v python3 >/dev/null 2>&1; then
	fail "journal: python3 is needed to read journalctl's JSON"
else
	"$synth" export >"$tmp/synth.export" 2>"$tmp/synth.err" &&
		"$synth" json >"$tmp/synth.json" 2>>"$tmp/synth.err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "journal: synth_events failed: $(head -c 300 "$tmp/synth.err")"
	elif mkdir -p "$tmp/jdir" && ! "$jremote" -o "$tmp/jdir/synth.journal" - <"$tmp/synth.export" \
		>"$tmp/jr.out" 2>&1; then
		fail "journal: systemd-journal-remote rejects the export: $(tail -n 3 "$tmp/jr.out")"
	else
		pass "journal: systemd-journal-remote imports the export format"
		journalctl --file "$tmp/jdir/synth.journal" -o json >"$tmp/j.json" 2>"$tmp/jc.err"
		if PYTHONPATH="$tools/tests" python3 - "$tmp/j.json" "$tmp/synth.json" "$tools/fleet.c" \
			>"$tmp/jcheck" 2>&1 <<'PY'
import json, re, sys
from journal_fields import PRIORITY, field_mismatches, message_ids, val

entries = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
events = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
ids = message_ids(sys.argv[3])
gap_id = re.search(r'MESSAGE_ID_LOST_GAP\s+"([0-9a-f]{32})"',
                   open(sys.argv[3]).read()).group(1)
ok = True

def check(cond, name):
    global ok
    print(("PASS " if cond else "FAIL ") + "journal: " + name)
    ok = ok and cond

check(len(entries) == len(events) == 13,
      "13 entries (12 events, 1 lost record) read back, got %d" % len(entries))
for e in entries:
    check(val(e["SYSLOG_IDENTIFIER"]) == b"sysrqmonctl" and
          val(e["MESSAGE_ID"]).decode() ==
          (gap_id if val(e["SYSRQMON_TYPE"]) == b"lost"
           else ids[val(e["SYSRQMON_EVENT"]).decode().upper()]),
          "MESSAGE_ID of %s" % val(e.get("SYSRQMON_EVENT", e["SYSRQMON_TYPE"])).decode())
for ev, e in zip(events, entries):
    if ev["type"] == "lost":
        check(val(e["SYSRQMON_FROM_SEQ"]) == b"4" and
              val(e["MESSAGE"]) == b"LOST from_seq=4 to_seq=4 reason=gap",
              "lost record fields")
        continue
    check(val(e["PRIORITY"]) == PRIORITY[ev["severity"]],
          "PRIORITY of seq %d" % ev["seq"])
    bad = field_mismatches(ev, e)
    if bad:
        check(False, "seq %d: %s is %r, want %r" % ((ev["seq"],) + bad[0]))
    else:
        check(True, "seq %d: every JSON member is a SYSRQMON_ field" % ev["seq"])
# Address fields: this host, machine and boot, as journald would stamp them.
host = open("/proc/sys/kernel/hostname").read().strip()
boot = open("/proc/sys/kernel/random/boot_id").read().strip().replace("-", "")
try:
    machine = open("/etc/machine-id").read().strip()
except OSError:
    machine = None
for e in entries:
    what = val(e.get("SYSRQMON_EVENT", e["SYSRQMON_TYPE"])).decode()
    check(val(e["SYSLOG_FACILITY"]) == b"10", "SYSLOG_FACILITY=10 of %s" % what)
    check(val(e.get("_HOSTNAME", "")).decode() == host and
          val(e.get("SYSRQMON_HOST", "")).decode() == host,
          "_HOSTNAME and SYSRQMON_HOST of %s are %s" % (what, host))
    check(e.get("_BOOT_ID") == boot, "_BOOT_ID of %s is this boot's" % what)
    check(machine is None or e.get("_MACHINE_ID") == machine,
          "_MACHINE_ID of %s is /etc/machine-id" % what)
    check(int(e.get("__MONOTONIC_TIMESTAMP", "0")) > 0,
          "__MONOTONIC_TIMESTAMP of %s" % what)
trig = [e for e in entries if e.get("SYSRQMON_EVENT") == "trigger"][0]
check(val(trig["SYSRQMON_COMM"]) == b'ev"il\n\xff', "hostile comm is byte-exact")
check(val(trig["SYSRQMON_VERDICT"]) == b"denied" and
      val(trig["SYSRQMON_PID"]) == b"4242", "verdict and pid of the trigger")
check(val(trig["MESSAGE"]) == b'2026-11-23T15:19:16.000000000Z DENIED trigger key=b action=reboot comm="ev\\"il\\x0a\\xff" pid=4242 uid=0 container=no severity=critical technique=T1529 seq=2',
      "MESSAGE is the text line")
check(trig["__REALTIME_TIMESTAMP"] == "1795447156000000",
      "the entry's time is the event's")
sys.exit(0 if ok else 1)
PY
		then
			:
		else
			echo "FAIL journal: checks of journalctl's output failed" >>"$log"
		fi
		grep -E '^(PASS|FAIL) ' "$tmp/jcheck" >>"$log"
		grep -qE '^(PASS|FAIL) ' "$tmp/jcheck" ||
			fail "journal: check script: $(tail -n 3 "$tmp/jcheck")"
		kid=$(sed -n 's/.*\[SYSRQMON_KIND_KEYTABLE\][^"]*"\([0-9a-f]*\)".*/\1/p' "$tools/fleet.c")
		n=$(journalctl --file "$tmp/jdir/synth.journal" -o cat "MESSAGE_ID=$kid" 2>/dev/null | wc -l)
		boot=$(tr -d '-' </proc/sys/kernel/random/boot_id)
		nb=$(journalctl -D "$tmp/jdir" -b "$boot" -o cat 2>"$tmp/jb.err" | grep -c .)
		if [ "$nb" -eq 13 ]; then
			pass "journal: journalctl -D DIR -b <this boot id> finds the 13 entries"
		else
			fail "journal: journalctl -D DIR -b $boot found $nb entries, want 13: $(head -c 300 "$tmp/jb.err")"
		fi
		if [ "$n" -eq 1 ]; then
			pass "journal: journalctl MESSAGE_ID=<keytable id> finds the keytable event"
		else
			fail "journal: journalctl MESSAGE_ID=$kid found $n entries, want 1"
		fi
	fi
fi

# 6. The message catalog: journalctl --update-catalog in a temporary root
# takes it, it has an entry for every MESSAGE_ID of fleet.c and no other,
# and journalctl -x shows the entry's text with its fields filled in (in a
# private mount namespace with the temporary database over the host's:
# journalctl -x reads /var/lib/systemd/catalog whatever --root says).
cat_root=$tmp/catroot
mkdir -p "$cat_root/usr/lib/systemd/catalog"
cp "$tools/sysrqmon.catalog" "$cat_root/usr/lib/systemd/catalog/"
if ! journalctl --root="$cat_root" --update-catalog >"$tmp/cat.err" 2>&1 ||
	[ -s "$tmp/cat.err" ]; then
	fail "catalog: journalctl --update-catalog: $(head -n 3 "$tmp/cat.err")"
else
	pass "catalog: journalctl --update-catalog accepts sysrqmon.catalog"
	journalctl --root="$cat_root" --list-catalog 2>/dev/null |
		awk '{ print $1 }' | sort >"$tmp/cat.ids"
	sed -n 's/.*"\([0-9a-f]\{32\}\)".*/\1/p' "$tools/fleet.c" | sort >"$tmp/fleet.ids"
	if [ -s "$tmp/fleet.ids" ] && cmp -s "$tmp/cat.ids" "$tmp/fleet.ids"; then
		pass "catalog: an entry for each of the $(wc -l <"$tmp/fleet.ids") MESSAGE_IDs"
	else
		fail "catalog: ids differ from fleet.c's: $(diff "$tmp/fleet.ids" "$tmp/cat.ids" | grep '^[<>]' | tr '\n' ' ')"
	fi
	if [ -s "$tmp/jdir/synth.journal" ] && unshare -rm true 2>/dev/null; then
		unshare -rm sh -c 'mount --bind "$1/var/lib/systemd/catalog" /var/lib/systemd/catalog &&
			journalctl --file "$2" -x SYSRQMON_EVENT=trigger' sh "$cat_root" \
			"$tmp/jdir/synth.journal" >"$tmp/jx" 2>&1
		if grep -q 'Subject: SysRq triggered: key b (reboot), denied' "$tmp/jx"; then
			pass "catalog: journalctl -x explains the trigger event, fields filled in"
		else
			fail "catalog: journalctl -x shows no explanation: $(head -n 5 "$tmp/jx")"
		fi
	else
		echo "SKIP catalog: journalctl -x (no imported journal, or no unshare -rm here)" >&2
	fi
fi

# 7. The units: systemd-analyze verify, and an exposure of at most 2.5
# (systemd-analyze security, offline), with this tree's sysrqmonctl.
if ! command -v systemd-analyze >/dev/null 2>&1; then
	fail "units: systemd-analyze is not installed: install the Debian package systemd"
else
	mkdir -p "$tmp/units"
	for u in sysrqmon.service sysrqmon-metrics.service sysrqmon-metrics.timer; do
		sed -e "s|/usr/sbin/sysrqmonctl|$prog|" "$tools/$u" >"$tmp/units/$u"
	done
	if (cd "$tmp/units" && systemd-analyze verify --man=no sysrqmon.service \
		sysrqmon-metrics.service sysrqmon-metrics.timer) >"$tmp/sa" 2>&1; then
		pass "units: systemd-analyze verify accepts the 3 units"
	else
		fail "units: systemd-analyze verify: $(head -n 5 "$tmp/sa")"
	fi
	for u in sysrqmon.service sysrqmon-metrics.service; do
		(cd "$tmp/units" && systemd-analyze security --offline=yes \
			--threshold=25 "$u") >"$tmp/sa" 2>&1
		rc=$?
		score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$tmp/sa")
		if [ "$rc" -eq 0 ] && [ -n "$score" ]; then
			pass "units: $u exposure $score (at most 2.5)"
		else
			fail "units: $u exposure ${score:-?}, more than 2.5: $(tail -n 3 "$tmp/sa")"
		fi
	done
fi

if ! command -v promtool >/dev/null 2>&1; then
	fail "prometheus: promtool is not installed: install the Debian package prometheus (add it to tests/deps.sh)"
else
	for m in metrics metrics-down listener-metrics; do
		if "$synth" "$m" >"$tmp/$m.prom" 2>&1 &&
			promtool check metrics <"$tmp/$m.prom" >"$tmp/pt" 2>&1; then
			pass "prometheus: promtool check metrics accepts $m"
		else
			fail "prometheus: promtool check metrics rejects $m: $(head -n 5 "$tmp/pt")"
		fi
	done
	if promtool check rules "$rules" >"$tmp/pt" 2>&1; then
		pass "prometheus: promtool check rules accepts sysrqmon.rules.yml"
	else
		fail "prometheus: promtool check rules: $(head -n 8 "$tmp/pt")"
	fi
	if (cd "$tools/tests" && promtool test rules rules_test.yml) >"$tmp/pt" 2>&1; then
		pass "prometheus: promtool test rules: every alert fires as written"
	else
		fail "prometheus: promtool test rules: $(head -n 20 "$tmp/pt")"
	fi
fi

cat "$log"
passed=$(grep -c '^PASS ' "$log")
failed=$(grep -c '^FAIL ' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
