#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Alert expressions of tools/sysrqmon.rules.yml evaluated on metrics the host test scraped
from node_exporter in the guest (tests/host.sh).

Usage: tests/host-alerts.py RULES NAME=SCRAPE:ALERT:fires|silent ...

Prometheus is not run: each scrape becomes the input series of a `promtool test rules`
case, every sample held at its scraped value for ten minutes, with the labels a Prometheus
scrape of the guest would add (instance="hostbox:9100", job="node"; the rules join on them).
promtool then evaluates the alert's own expression (read from RULES) with Prometheus's
engine at 6m, past any `for:`, and compares the result with what the scrape implies:
`fires` expects the series the alert is about (SysrqmonNotLoaded: sysrqmon_up at 0;
SysrqmonVersionSkew: each sysrqmon_module_info whose version no sysrqmon_build_info has),
`silent` expects nothing. The `for:` itself is promtool's rules test (tools/tests).
Prints "PASS|FAIL alert-NAME DETAIL" per check.
"""

import os
import re
import subprocess
import sys
import tempfile

import yaml

SCRAPE_LABELS = {"instance": "hostbox:9100", "job": "node"}
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def samples(path):
    """[(name, {labels}, value)] of the sysrqmon_* samples of a scrape."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = SAMPLE.match(line.strip())
            if not m or not m.group(1).startswith("sysrqmon_"):
                continue
            labels = dict(LABEL.findall(m.group(2) or ""))
            labels.update(SCRAPE_LABELS)
            out.append((m.group(1), labels, float(m.group(3))))
    return out


def series(name, labels):
    inner = ",".join('%s="%s"' % (k, v) for k, v in sorted(labels.items()))
    return "%s{%s}" % (name, inner)


def expected(alert, data):
    if alert == "SysrqmonNotLoaded":
        return [(n, lb, v) for n, lb, v in data if n == "sysrqmon_up" and v == 0]
    if alert == "SysrqmonVersionSkew":
        built = {lb.get("version") for n, lb, _v in data if n == "sysrqmon_build_info"}
        return [(n, lb, v) for n, lb, v in data
                if n == "sysrqmon_module_info" and lb.get("version") not in built]
    raise SystemExit("host-alerts.py: no expectation for %s" % alert)


def main():
    rules_path = os.path.abspath(sys.argv[1])
    with open(rules_path, encoding="utf-8") as f:
        rules = {r["alert"]: r for g in yaml.safe_load(f)["groups"] for r in g["rules"]
                 if "alert" in r}
    for spec in sys.argv[2:]:
        name, rest = spec.split("=", 1)
        scrape, alert, want = rest.rsplit(":", 2)
        try:
            data = samples(scrape)
        except OSError as e:
            print("FAIL alert-%s %s: %s" % (name, scrape, e))
            continue
        exp = expected(alert, data) if want == "fires" else []
        if not data or (want == "fires" and not exp):
            print("FAIL alert-%s %s has no sample the %s expression could fire on (%d "
                  "sysrqmon_* samples)" % (name, os.path.basename(scrape), alert, len(data)))
            continue
        expr = " ".join(str(rules[alert]["expr"]).split())
        test = {
            "rule_files": [rules_path],
            "evaluation_interval": "1m",
            "tests": [{
                "interval": "1m",
                "input_series": [{"series": series(n, lb), "values": "%r+0x10" % v}
                                 for n, lb, v in data],
                "promql_expr_test": [{
                    "expr": expr, "eval_time": "6m",
                    "exp_samples": [{"labels": series(n, lb), "value": v}
                                    for n, lb, v in exp]}],
            }],
        }
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
            yaml.safe_dump(test, f)
        res = subprocess.run(["promtool", "test", "rules", f.name], capture_output=True,
                             text=True)
        os.unlink(f.name)
        what = ", ".join(series(n, {k: v for k, v in lb.items() if k not in SCRAPE_LABELS})
                         for n, lb, _v in exp) or "nothing"
        detail = " ".join((res.stdout + res.stderr).split())[-300:]
        print("%s alert-%s %s on %s (%d samples): %s; expected %s%s"
              % ("PASS" if res.returncode == 0 else "FAIL", name, alert,
                 os.path.basename(scrape), len(data), expr, what,
                 "" if res.returncode == 0 else " -- promtool: " + detail))


if __name__ == "__main__":
    main()
