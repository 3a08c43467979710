#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tests/host-alerts.py smoke|full OUT: the host's checks on what the guest of tests/host.sh
kept in OUT, one "PASS|FAIL NAME DETAIL" line each (docs/testing.md, "A Debian host in a box"):
the alerts of tools/sysrqmon.rules.yml on the scrapes, each listen --json event in the journal.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "tools")
sys.path.insert(0, os.path.join(TOOLS, "tests"))
sys.dont_write_bytecode = True  # no __pycache__ in the tree (make deb packs untracked files)
from journal_fields import PRIORITY, field_mismatches, message_ids, val  # noqa: E402

# Prometheus is not run: the labels a scrape of the guest would add (the rules join on them).
SCRAPE_LABELS = {"instance": "hostbox:9100", "job": "node"}
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
# (check, modes, scrape, alert, fires): silent on the running module; in the full run,
# not-loaded after the failed start and version skew after the upgrade.
ALERTS = [("ok-notloaded", "smoke full", "metrics.txt", "SysrqmonNotLoaded", False),
          ("ok-skew", "smoke full", "metrics.txt", "SysrqmonVersionSkew", False),
          ("notloaded", "full", "metrics-notloaded.txt", "SysrqmonNotLoaded", True),
          ("skew", "full", "metrics-upgrade.txt", "SysrqmonVersionSkew", True)]


def report(name, ok, detail):
    print("%s %s %s" % ("PASS" if ok else "FAIL", name, detail))


def samples(path):
    """[(name, {labels}, value)] of the sysrqmon_* samples of a scrape, as Prometheus has them."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = SAMPLE.match(line.strip())
            if m and m.group(1).startswith("sysrqmon_"):
                labels = dict(LABEL.findall(m.group(2) or ""), **SCRAPE_LABELS)
                out.append((m.group(1), labels, float(m.group(3))))
    return out


def series(name, labels):
    return "%s{%s}" % (name, ",".join('%s="%s"' % kv for kv in sorted(labels.items())))


def expected(alert, data):
    """The series the alert is about: SysrqmonNotLoaded, sysrqmon_up at 0; SysrqmonVersionSkew,
    each sysrqmon_module_info whose version no sysrqmon_build_info has."""
    if alert == "SysrqmonNotLoaded":
        return [(n, lb, v) for n, lb, v in data if n == "sysrqmon_up" and v == 0]
    built = {lb.get("version") for n, lb, _v in data if n == "sysrqmon_build_info"}
    return [(n, lb, v) for n, lb, v in data
            if n == "sysrqmon_module_info" and lb.get("version") not in built]


def check_alert(rules_path, rules, name, scrape, alert, fires):
    """The alert's own expression on one scrape, by promtool test rules: every sample held at
    its scraped value for ten minutes, evaluated at 6m, past any `for:` (the `for:` itself is
    promtool's rules test in tools/tests). Fires: exactly the expected series; silent: none."""
    try:
        data = samples(scrape)
    except OSError as e:
        return print("FAIL alert-%s %s: %s" % (name, scrape, e))
    exp = expected(alert, data) if fires else []
    if not data or (fires and not exp):
        return print("FAIL alert-%s %s has no sample the %s expression could fire on (%d "
                     "sysrqmon_* samples)" % (name, os.path.basename(scrape), alert, len(data)))
    expr = " ".join(str(rules[alert]["expr"]).split())
    test = {"rule_files": [rules_path], "evaluation_interval": "1m", "tests": [{
        "interval": "1m",
        "input_series": [{"series": series(n, lb), "values": "%r+0x10" % v} for n, lb, v in data],
        "promql_expr_test": [{"expr": expr, "eval_time": "6m", "exp_samples": [
            {"labels": series(n, lb), "value": v} for n, lb, v in exp]}]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml") as f:
        yaml.safe_dump(test, f)
        f.flush()
        res = subprocess.run(["promtool", "test", "rules", f.name], capture_output=True, text=True)
    what = ", ".join(series(n, {k: v for k, v in lb.items() if k not in SCRAPE_LABELS})
                     for n, lb, _v in exp) or "nothing"
    detail = " ".join((res.stdout + res.stderr).split())[-300:]
    report("alert-" + name, res.returncode == 0, "%s on %s (%d samples): %s; expected %s%s"
           % (alert, os.path.basename(scrape), len(data), expr, what,
              "" if res.returncode == 0 else " -- promtool: " + detail))


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except OSError:
        return []


def check_journal(out):
    """Each event of the guest's second listener against its entry in journalctl -o json."""
    events = [e for e in load(os.path.join(out, "events.json")) if e.get("type") == "event"]
    entries = load(os.path.join(out, "journal.json"))
    ids = message_ids(os.path.join(TOOLS, "fleet.c"))
    by_seq = {(val(e["SYSRQMON_INSTANCE"]), val(e["SYSRQMON_SEQ"])): e
              for e in entries if "SYSRQMON_SEQ" in e and "SYSRQMON_INSTANCE" in e}
    bad = {"fields": [], "MESSAGE_ID": [], "PRIORITY": [], "SYSLOG_FACILITY": []}
    for ev in events:
        seq = ev["seq"]
        e = by_seq.get((str(ev["instance"]).encode(), str(seq).encode()))
        if e is None:
            bad["fields"].append("seq %d not in the journal" % seq)
            continue
        bad["fields"] += ["seq %d %s=%r, want %r" % ((seq,) + m) for m in field_mismatches(ev, e)]
        # (field, what it must be, what the problem shows before the field's value)
        for f, want, shown in (("MESSAGE_ID", ids[ev["event"].upper()].encode(), ""),
                               ("PRIORITY", PRIORITY[ev["severity"]], ev["severity"] + " "),
                               ("SYSLOG_FACILITY", b"10", "")):
            if val(e.get(f, "")) != want:
                bad[f].append("seq %d %s%s" % (seq, shown, e.get(f)))
    kinds = " ".join(sorted({"%s/%s" % (e["event"], e["verdict"]) for e in events}))
    for name, key, ok in [
            ("journal-fields", "fields",
             "%d events (%s): every JSON member as SYSRQMON_*" % (len(events), kinds)),
            ("journal-message-id", "MESSAGE_ID", "the MESSAGE_ID of docs/fleet.md for each kind"),
            ("journal-priority", "PRIORITY", "critical 2, high 4, info 6"),
            ("journal-facility", "SYSLOG_FACILITY", "SYSLOG_FACILITY=10 (authpriv)")]:
        report(name, events and not bad[key], "; ".join(bad[key][:3]) if bad[key] else ok)


def main():
    mode, out = sys.argv[1:]
    rules_path = os.path.abspath(os.path.join(TOOLS, "sysrqmon.rules.yml"))
    with open(rules_path, encoding="utf-8") as f:
        rules = {r["alert"]: r for g in yaml.safe_load(f)["groups"] for r in g["rules"]
                 if "alert" in r}
    for name, modes, scrape, alert, fires in ALERTS:
        if mode in modes.split():
            check_alert(rules_path, rules, name, os.path.join(out, scrape), alert, fires)
    check_journal(out)


if __name__ == "__main__":
    main()
