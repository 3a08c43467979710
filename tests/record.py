#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write results into the docs, between <!-- NAME --> and <!-- /NAME --> markers (what each
writes: docs/testing.md, "Latest run: make matrix").

Usage: record.py figures FILE NAME WORKDIR HEADLINE [LABEL]
       record.py matrix CELLS_FILE "CELL..."
"""
import datetime, pathlib, re, sys

KERNELS = {"debian": "Debian's kernel", "debug": "Debug kernel"}


def put(md, name, body, section=None):
    """Replace FILE's block NAME by BODY; without one, append it under SECTION (or fail)."""
    text = pathlib.Path(md).read_text()
    block = "<!-- %s -->\n%s<!-- /%s -->" % (name, body, name)
    text, found = re.subn(r"<!-- %s -->.*?<!-- /%s -->" % (re.escape(name), re.escape(name)),
                          lambda _: block, text, count=1, flags=re.S)
    if not found and not section:
        raise SystemExit("%s: no <!-- %s --> block" % (md, name))
    if not found:
        text = text.rstrip("\n") + "\n\n## %s\n\n%s\n" % (section, block)
    pathlib.Path(md).write_text(text)


def figures(md, name, work, headline, only=None):
    parts = ["%s, %s\n" % (datetime.date.today().isoformat(), headline)]
    for line in pathlib.Path(work, "results").read_text().splitlines():
        label, result = line.split(": ", 1)
        if only and label != only:
            continue
        fig = pathlib.Path(work, label + ".fig")
        body = fig.read_text().rstrip("\n") if fig.exists() else "(no figures)"
        parts.append("\n%s: %s\n\n```\n%s\n```\n" % (KERNELS.get(label, label), result, body))
    put(md, "figures:" + name, "".join(parts), "Latest figures: " + name)
    print("figures recorded in " + md)


def release(cell):
    kind, _, rest = cell.partition(":")
    debian = "Debian 13" if rest.endswith("trixie") or kind == "trixie" else "Debian 12"
    return {"debug": "debug kernel (`linux-source-%s`)" % rest.split(":")[0],
            "dkms": debian + " root, its own dkms",
            "host": debian + " host booted, systemd"}.get(kind, debian)


def matrix(cells_file, cells):
    with open(cells_file) as f:
        ran = {fields[0]: fields for fields in map(str.split, f) if len(fields) == 10}
    fmt = "%-22s %-8s %-13s %6s %6s %7s  %-10s  %s"
    table = ["`make matrix`: each cell at the commit and on the date it last ran", "```",
             fmt % ("kernel", "flavour", "phase", "passed", "failed", "seconds", "date", "commit")]
    readme = ["| release | kernel | flavour | result | date | commit |",
              "|---|---|---|---|---|---|"]
    for cell in cells.split():
        if cell not in ran:
            table.append("%-22s (not run yet)" % cell)
            readme.append("| %s | %s | | not run yet | | |" % (release(cell), cell))
            continue
        _, _, commit, day, kernel, flavour, phase, passed, failed, secs = ran[cell]
        table.append(fmt % (kernel, flavour, phase, passed, failed, secs, day, commit))
        readme.append("| %s | %s | %s | %s passed, %s failed | %s | `%s` |"
                      % (release(cell), kernel, flavour, passed, failed, day, commit))
    put("docs/testing.md", "matrix", "\n".join(table + ["```"]) + "\n")
    put("README.md", "matrix", "\n".join(readme) + "\n")


if __name__ == "__main__":
    what, args = (sys.argv + [""])[1], sys.argv[2:]
    if len(args) not in {"figures": (4, 5), "matrix": (2,)}.get(what, ()):
        raise SystemExit(__doc__)
    {"figures": figures, "matrix": matrix}[what](*args)
