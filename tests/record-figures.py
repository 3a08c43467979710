#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write figures tables into a Markdown file, between <!-- figures:NAME --> and
<!-- /figures:NAME --> (appended as a new section when the markers are missing).

Usage: record-figures.py FILE NAME WORKDIR HEADLINE [LABEL]

WORKDIR holds "results" (lines "LABEL: N passed, M failed") and, per label, LABEL.fig (the
table run.py --figures wrote). The block gets HEADLINE with today's date, then per label (or
for LABEL only) its result and its table.
"""
import datetime
import os
import re
import sys

KERNELS = {"debian": "Debian's kernel", "debug": "Debug kernel"}


def block(name, work, headline, only=None):
    parts = ["%s, %s\n" % (datetime.date.today().isoformat(), headline)]
    with open(os.path.join(work, "results")) as f:
        for line in f:
            label, result = line.rstrip("\n").split(": ", 1)
            if only and label != only:
                continue
            fig = os.path.join(work, label + ".fig")
            body = "(no figures)"
            if os.path.exists(fig):
                with open(fig) as t:
                    body = t.read().rstrip("\n")
            parts.append("\n%s: %s\n\n```\n%s\n```\n" % (KERNELS.get(label, label), result, body))
    return "<!-- figures:%s -->\n%s<!-- /figures:%s -->" % (name, "".join(parts), name)


def main():
    if len(sys.argv) not in (5, 6):
        raise SystemExit(__doc__)
    md, name, work, headline = sys.argv[1:5]
    new_block = block(name, work, headline, sys.argv[5] if len(sys.argv) == 6 else None)
    with open(md) as f:
        text = f.read()
    pattern = r"<!-- figures:%s -->.*?<!-- /figures:%s -->" % (re.escape(name), re.escape(name))
    new, n = re.subn(pattern, lambda m: new_block, text, flags=re.S)
    if not n:
        new = text.rstrip("\n") + "\n\n## Latest figures: %s\n\n%s\n" % (name, new_block)
    with open(md, "w") as f:
        f.write(new)
    print("figures recorded in " + md)


if __name__ == "__main__":
    main()
