#!/usr/bin/env python3
"""Host half of 51-fleet-export: the guest's Journal Export Format and metrics, read by the
consumers fleets run (systemd-journal-remote + journalctl, promtool).

Usage: 51-fleet-export.host.py DATA BASE   (run.py runs it after the boot)
DATA holds the payloads of the case's @@HOST markers, one per line:
  line LINE       an event line of the kernel log, logged while the listener ran
  export B64      a line of the base64 of `sysrqmonctl listen --format export`
  metrics LINE    a line of `sysrqmonctl metrics`
  status JSON     `sysrqmonctl status --json`, taken after the metrics
Writes BASE.export, BASE.journal, BASE.json, BASE.prom; prints @@RESULT lines:
  journal-import     systemd-journal-remote imports the export, journalctl reads every entry
  entry-KIND-N       each event line has a journal entry with every field of the line as
                     SYSRQMON_<KEY>, the same value, and the MESSAGE_ID docs/fleet.md lists
                     for the kind
  hostile-comm       the hostile comm arrives byte for byte
  priority-denied    the denied event's PRIORITY is more urgent than an allowed one's
  promtool           `promtool check metrics` accepts the metrics
  metrics-counts     sysrqmon_events_total per kind (summed over verdicts) equals the
                     module's kind_counts, and the denied ones the event lines that say so
"""

import base64
import json
import os
import re
import shutil
import subprocess
import sys

HOSTILE = bytes.fromhex("61226220635c64207069643d310a")
LINE_FIELD = re.compile(r'([a-z_]+)=("(?:[^"\\]|\\["\\]|\\x[0-9a-fA-F]{2})*"|[^ "\\=]+)(?: |$)')
HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = []


def result(name, ok, detail):
    detail = " ".join(str(detail).split())[:600]
    RESULTS.append(ok)
    print("@@RESULT %s %s %s" % (name, "PASS" if ok else "FAIL", detail), flush=True)


def decode(raw):
    if not raw.startswith('"'):
        return raw.encode()
    return re.sub(rb'\\x([0-9a-fA-F]{2})|\\(["\\])',
                  lambda m: bytes.fromhex(m.group(1).decode()) if m.group(1) else m.group(2),
                  raw[1:-1].encode())


def parse_line(line):
    rest = line[len("sysrqmon: "):]
    return {m.group(1): decode(m.group(2)) for m in LINE_FIELD.finditer(rest)}


def message_ids():
    """kind -> MESSAGE_ID, from the table in docs/fleet.md."""
    ids = {}
    with open(os.path.join(HERE, "..", "..", "..", "docs", "fleet.md")) as f:
        for ln in f:
            m = re.match(r"\| `([a-z]+)` \| `([0-9a-f]{32})` \|", ln)
            if m:
                ids[m.group(1)] = m.group(2)
    return ids


def field(entry, key):
    """A journalctl -o json value as bytes (a string, or an array of byte values)."""
    v = entry.get(key)
    if isinstance(v, list):
        return bytes(v)
    return None if v is None else v.encode()


def same(journal, line):
    """A journal value against the line's (flags: hex on the line, decimal in JSON)."""
    if journal == line:
        return True
    try:
        return journal is not None and int(journal, 0) == int(line, 0)
    except ValueError:
        return False


def find_tool(*names):
    for n in names:
        p = shutil.which(n) or (n if os.path.exists(n) else None)
        if p:
            return p
    return None


def check_journal(data, base, lines):
    export = base64.b64decode("".join(data.get("export", [])))
    with open(base + ".export", "wb") as f:
        f.write(export)
    jremote = find_tool("/lib/systemd/systemd-journal-remote",
                        "/usr/lib/systemd/systemd-journal-remote")
    if not jremote or not shutil.which("journalctl"):
        result("journal-import", False, "systemd-journal-remote or journalctl missing "
               "(Debian package systemd-journal-remote; tests/deps.sh)")
        return
    if os.path.exists(base + ".journal"):
        os.unlink(base + ".journal")
    r = subprocess.run([jremote, "-o", base + ".journal", base + ".export"],
                       capture_output=True, text=True)
    j = subprocess.run(["journalctl", "--file", base + ".journal", "-o", "json"],
                       capture_output=True, text=True)
    with open(base + ".json", "w") as f:
        f.write(j.stdout)
    entries = [json.loads(x) for x in j.stdout.splitlines() if x.strip()]
    want = export.count(b"\nMESSAGE_ID=") + export.startswith(b"MESSAGE_ID=")
    result("journal-import", r.returncode == 0 and j.returncode == 0 and len(entries) == want
           and want > 0, "journal-remote exit %d, journalctl exit %d, %d entries of %d in "
           "the export %s" % (r.returncode, j.returncode, len(entries), want,
                              (r.stderr + j.stderr).strip()[-200:]))

    ids = message_ids()
    seen = {}
    prio = {}
    hostile_seen = False
    for ln in lines:
        ev = parse_line(ln)
        kind = ev.get("event", b"?").decode()
        seen[kind] = seen.get(kind, 0) + 1
        name = "entry-%s-%d" % (kind, seen[kind])
        match = [e for e in entries
                 if all(same(field(e, "SYSRQMON_" + k.upper()), v) for k, v in ev.items())]
        ok = len(match) >= 1 and all(e.get("MESSAGE_ID") == ids.get(kind) for e in match)
        detail = "%d entr%s for %s; MESSAGE_ID %s (docs/fleet.md: %s)" % (
            len(match), "y" if len(match) == 1 else "ies", ln,
            match[0].get("MESSAGE_ID") if match else "-", ids.get(kind))
        result(name, ok, detail)
        for e in match:
            prio.setdefault(ev.get("verdict"), []).append(int(e.get("PRIORITY", 99)))
        if ev.get("comm") == HOSTILE and kind == "trigger":
            hostile_seen = True
            got = field(match[0], "SYSRQMON_COMM") if match else None
            result("hostile-comm", got == HOSTILE, "SYSRQMON_COMM %r (want %r)" % (got, HOSTILE))
    if not hostile_seen:
        result("hostile-comm", False, "no event line with the hostile comm")
    allowed, denied = prio.get(b"allowed", []), prio.get(b"denied", [])
    result("priority-denied", bool(allowed and denied) and max(denied) < min(allowed),
           "denied PRIORITY %s, allowed %s" % (sorted(set(denied)), sorted(set(allowed))))


def check_metrics(data, base, lines):
    text = "".join(x + "\n" for x in data.get("metrics", []))
    with open(base + ".prom", "w") as f:
        f.write(text)
    promtool = shutil.which("promtool")
    if not promtool:
        result("promtool", False, "promtool missing (Debian package prometheus; tests/deps.sh)")
    else:
        r = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                           text=True)
        result("promtool", r.returncode == 0 and text.strip() != "",
               "exit %d %s" % (r.returncode, (r.stdout + r.stderr).strip()[-300:]))
    totals = {}
    denied = 0
    for ln in text.splitlines():
        m = re.match(r'sysrqmon_events_total\{kind="([a-z]+)"(?:,verdict="([a-z]+)")?\} (\d+)$',
                     ln)
        if m:
            totals[m.group(1)] = totals.get(m.group(1), 0) + int(m.group(3))
            if m.group(2) == "denied":
                denied += int(m.group(3))
    try:
        counts = json.loads(data.get("status", ["{}"])[-1]).get("kind_counts", {})
    except ValueError as e:
        counts = {"error": str(e)}
    counts = {k: v for k, v in counts.items() if k != "none"}
    denied_lines = sum(1 for ln in lines if " verdict=denied " in ln)
    result("metrics-counts", totals == counts and denied == denied_lines >= 1,
           "metrics %s, status %s, denied %d, denied event lines %d"
           % (totals, counts, denied, denied_lines))


def main():
    path, base = sys.argv[1], sys.argv[2]
    data = {}
    with open(path) as f:
        for ln in f:
            kind, _, rest = ln.rstrip("\n").partition(" ")
            data.setdefault(kind, []).append(rest)
    check_journal(data, base, data.get("line", []))
    check_metrics(data, base, data.get("line", []))
    return 0 if all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
