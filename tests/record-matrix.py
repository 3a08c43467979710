#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write what tests/matrix.sh proved into docs/testing.md (its table) and into the README's
"Supported kernels" table (kernel, flavour, result, date, commit), between <!-- matrix -->
and <!-- /matrix --> in each.

Usage: record-matrix.py CELLS_FILE "CELL..."

CELLS_FILE (docs/matrix-cells.txt) has one line per cell that ran:
"CELL TREE COMMIT DATE kernel flavour phase passed failed seconds".
"""
import re
import sys

HEAD = ("kernel", "flavour", "phase", "passed", "failed", "seconds", "date", "commit")


def release(cell):
    if cell.startswith("debug:"):
        return "debug kernel (`linux-source-%s`)" % cell.split(":")[1]
    if cell.startswith("dkms:"):
        return "Debian %s root, its own dkms" % ("13" if cell.endswith("trixie") else "12")
    if cell.startswith("host:"):
        return "Debian %s host booted, systemd" % ("13" if cell.endswith("trixie") else "12")
    return "Debian 13" if cell.startswith("trixie:") else "Debian 12"


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
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    ran = {}
    with open(sys.argv[1]) as f:
        for line in f:
            fields = line.split()
            if len(fields) == 10:
                ran[fields[0]] = fields
    fmt = "%-22s %-8s %-13s %6s %6s %7s  %-10s  %s"
    table = ["`make matrix`: each cell at the commit and on the date it last ran", "```",
             fmt % HEAD]
    readme = ["| release | kernel | flavour | result | date | commit |",
              "|---|---|---|---|---|---|"]
    for cell in sys.argv[2].split():
        if cell not in ran:
            table.append("%-22s (not run yet)" % cell)
            readme.append("| %s | %s | | not run yet | | |" % (release(cell), cell))
            continue
        _, _, commit, day, kernel, flavour, phase, passed, failed, secs = ran[cell]
        table.append(fmt % (kernel, flavour, phase, passed, failed, secs, day, commit))
        readme.append("| %s | %s | %s | %s passed, %s failed | %s | `%s` |"
                      % (release(cell), kernel, flavour, passed, failed, day, commit))
    table.append("```")
    put("docs/testing.md", "\n".join(table) + "\n")
    put("README.md", "\n".join(readme) + "\n")


if __name__ == "__main__":
    main()
