#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write what tests/matrix.sh proved into docs/testing.md (its table, with each cell's time)
and into the README's "Supported kernels" table (kernel, flavour, result, date, commit),
between <!-- matrix --> and <!-- /matrix --> in each.

Usage: record-matrix.py TREE STATE "CELL..."

STATE holds CELL.row ("kernel flavour phase passed failed seconds") for each cell that ran;
a row's date is its file's.
"""
import datetime
import os
import re
import sys

HEAD = ("kernel", "flavour", "phase", "passed", "failed", "seconds")


def rows(state, cells):
    for cell in cells:
        path = os.path.join(state, cell + ".row")
        if not os.path.exists(path):
            yield cell, None, None
            continue
        with open(path) as f:
            fields = f.read().split()
        when = datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc)
        yield cell, fields, when.strftime("%Y-%m-%d")


def release(cell):
    if cell.startswith("debug:"):
        return "debug kernel (`linux-source-%s`)" % cell.split(":")[1]
    if cell.startswith("dkms:"):
        return "Debian %s root, its own dkms" % ("13" if cell.endswith("trixie") else "12")
    if cell.startswith("host:"):
        return "Debian %s host booted, systemd" % ("13" if cell.endswith("trixie") else "12")
    return "Debian 13" if cell.startswith("trixie:") else "Debian 12"


def testing_block(tree, found):
    lines = ["`make matrix` at `%s` (each cell's date is when it ran)\n" % tree, "```",
             "%-22s %-8s %-13s %6s %6s %7s  %s" % (HEAD + ("date",))]
    for cell, fields, day in found:
        if fields:
            lines.append("%-22s %-8s %-13s %6s %6s %7s  %s" % (tuple(fields) + (day,)))
        else:
            lines.append("%-22s (not run yet)" % cell)
    lines.append("```")
    return "\n".join(lines) + "\n"


def readme_block(tree, found):
    lines = ["| release | kernel | flavour | result | date | commit |", "|---|---|---|---|---|---|"]
    for cell, fields, day in found:
        if not fields:
            lines.append("| %s | %s | | not run yet | | |" % (release(cell), cell))
            continue
        kernel, flavour, _, passed, failed, _ = fields
        result = "%s passed, %s failed" % (passed, failed)
        lines.append("| %s | %s | %s | %s | %s | `%s` |"
                     % (release(cell), kernel, flavour, result, day, tree))
    return "\n".join(lines) + "\n"


def put(md, body):
    with open(md) as f:
        text = f.read()
    new = "<!-- matrix -->\n%s<!-- /matrix -->" % body
    pattern = re.compile(r"<!-- matrix -->.*?<!-- /matrix -->", re.S)
    if not pattern.search(text):
        raise SystemExit("%s: no <!-- matrix --> block" % md)
    with open(md, "w") as f:
        f.write(pattern.sub(lambda _: new, text, count=1))


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    tree, state, cells = sys.argv[1], sys.argv[2], sys.argv[3].split()
    found = list(rows(state, cells))
    put("docs/testing.md", testing_block(tree, found))
    put("README.md", readme_block(tree, found))


if __name__ == "__main__":
    main()
