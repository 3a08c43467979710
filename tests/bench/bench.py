#!/usr/bin/env python3
"""Benchmark sysrqmon in QEMU, one guest boot per kernel series (instruction-count mode).

  python3 tests/bench/bench.py                 # make bench: 7 rounds, both series
  python3 tests/bench/bench.py --smoke         # 1 round, small sizes (make check)
  python3 tests/bench/bench.py --from-json bench/results.json   # re-render results.md

Series, sections, method, goals, output and exit status: docs/benchmarks.md. The boot (with
-icount shift=0,sleep=off), the kernel and the initramfs are tests/qemu/boot.py's.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "qemu"))
import boot as qboot  # noqa: E402  (tests/qemu/boot.py: kernel, initramfs, the boot)

GOALS = {"regular": 1.01, "procfs": 1.03}
FLOOR_MARGIN = 0.005  # and at most the empty ftrace_ops floor + this, in icount ratio
GOAL_CFGS = ("monitor", "deny", "watch_reads")

# Kernel series: None = the given module and its headers (Debian 12's 6.1); else the
# metapackage whose current ABI tests/kernels.sh fetches, the module built against it.
SERIES = {"6.1": None, "6.12": "linux-headers-6.12-amd64"}

# Sizes per mode. Instruction counts are deterministic, so the sizes are set by the wall-clock
# figures (long enough stretches to time on the host) and by the 15-minute budget.
FULL = dict(rounds=7, verify_rounds=5, n_open=30000, n_write=10000, n_trig=2000, n_lat=2000,
            loop=250000000, n_storm=20000, bursts="1000 2000 4000 6000 8000 12000 16000 32000",
            fifo_bursts="2000 4000 4095 4096")
SMOKE = dict(rounds=1, verify_rounds=1, n_open=3000, n_write=2000, n_trig=300, n_lat=200,
             loop=50000000, n_storm=5000, bursts="1000 4000", fifo_bursts="4095 4096")
SECTIONS = ["hot", "target", "latency", "burst", "memory", "verify"]

HOT_CFGS = ("none", "monitor", "deny", "watch_reads", "floor_ftrace", "floor_ftrace_magic",
            "floor_kprobe")
CFG_LABEL = {
    "none": "module not loaded",
    "monitor": "sysrqmon, mode=monitor",
    "deny": "sysrqmon, mode=deny",
    "watch_reads": "sysrqmon, monitor + watch_reads=1",
    "floor_ftrace": "floor: empty ftrace_ops callback",
    "floor_ftrace_magic": "floor: ftrace_ops, s_magic check",
    "floor_kprobe": "floor: kprobe, s_magic check",
    "listener": "sysrqmon, monitor + listener",
    "verify_0": "verify_ms=0",
    "verify_1000": "verify_ms=1000 (default)",
    "verify_100": "verify_ms=100",
}
OP_LABEL = {
    "sysctl_write": "kernel.sysrq: write(2) of the same value on an open fd",
    "sysctl_open_write_close": "kernel.sysrq: open+write+close (like sysctl -w)",
    "trigger_write": "sysrq-trigger: write(2) of the current loglevel digit",
}


def log(msg=""):
    print(msg, flush=True)


def series_module(args, series, workdir):
    """(module, kdir) of a series: 6.1 the given module and its headers; another series the
    module of this tree built against its metapackage's headers (tests/smoke-kernel.sh)."""
    if SERIES[series] is None:
        rel = qboot.module_release(args.module)
        for kdir in (args.kdir, "/usr/src/linux-headers-%s" % rel, "/lib/modules/%s/build" % rel):
            if kdir and (kdir == args.kdir or rel and os.path.isfile(kdir + "/Makefile")):
                return args.module, kdir
        raise SystemExit("bench.py: no kernel headers for %s (install linux-headers-%s or pass "
                         "--kdir)" % (rel, rel))
    res = subprocess.run([os.path.join(REPO, "tests", "kernels.sh"), "kdir", SERIES[series]],
                         stdout=subprocess.PIPE, text=True)
    kdir = (res.stdout.strip().splitlines() or [""])[-1]
    if res.returncode or not os.path.isdir(kdir):
        raise SystemExit("bench.py: cannot fetch the kernel tree of " + SERIES[series])
    src = os.path.join(workdir, "src")
    qboot.kbuild(kdir, src, "the module")
    return os.path.join(src, "module", "sysrqmon.ko"), kdir


def build(kdir, workdir):
    """Static guest programs and the floor module (against kdir), all into workdir/bin."""
    bindir = os.path.join(workdir, "bin")
    os.makedirs(bindir)
    for prog in ("benchop", "nlbench"):
        res = subprocess.run(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror",
                              "-I" + os.path.join(REPO, "include", "uapi"), "-o",
                              os.path.join(bindir, prog), os.path.join(HERE, "guest", prog + ".c")],
                             capture_output=True, text=True)
        if res.returncode:
            raise SystemExit(res.stdout + res.stderr + "bench.py: building %s failed" % prog)
    floor = os.path.join(workdir, "floor")
    qboot.kbuild(kdir, floor, "the floor module", os.path.join(HERE, "floor"))
    shutil.copy(os.path.join(floor, "sysrqbench_floor.ko"), bindir)
    return bindir


def boot(args, kernel, initrd, console_path):
    """One icount boot (tests/qemu/boot.py); returns (records, results, problems, elapsed)."""
    records, results, st = [], [], {"wb": None, "we": None, "section": None}

    def on_marker(line, now):
        tag, _, rest = line.partition(" ")
        if tag == "@@WB":
            st["wb"], st["we"] = now, None
        elif tag == "@@WE":
            st["we"] = now
        elif tag == "@@M":
            rec = dict(tok.partition("=")[::2] for tok in rest.split())
            if st["wb"] is not None and st["we"] is not None:
                rec["wall_s"] = st["we"] - st["wb"]
            st["wb"] = st["we"] = None
            records.append(rec)
            if args.verbose:
                log("   " + rest + ("  wall=%.3fs" % rec["wall_s"] if "wall_s" in rec else ""))
            if rec.get("sec") not in (st["section"], "info"):
                st["section"] = rec.get("sec")
                log("-- %s (t=%.0f s)" % (st["section"], now))
        elif tag == "@@RESULT":
            m = qboot.RESULT_RE.match(line)
            results.append((m.group(1), m.group(2) == "PASS", m.group(3)) if m else
                           ("bench/marker", False, "malformed: " + line))
            if not results[-1][1] or args.verbose:
                log("%s %s %s" % ("PASS" if results[-1][1] else "FAIL", *results[-1][::2]))
        elif tag == "@@BOOTED":
            log("   guest booted after %.1f s" % now)

    r = qboot.boot(kernel, initrd, "", console_path, on_marker, icount=True, loglevel=4,
                   verbose=args.verbose)
    problems = ["the kernel reported %d problem line(s), first: %s"
                % (len(r.bad), r.bad[0].strip())] if r.bad else []
    if not r.done:
        problems.append(r.why)
        for ln in r.lines[-40:]:
            log("   | " + ln)
    return records, results, problems, r.elapsed


# --------------------------------------------------------------------------------------------
# analysis


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def stats(values):
    values = [v for v in values if v is not None]
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)} if values else None


def paired(recs, key, base="none"):
    """Interleaved runs: each non-BASE record with the BASE records of the same KEY value just
    before and just after it. Returns {KEY value: {cfg: [(rec, before, after), ...]}}."""
    out, groups = {}, {}
    for rec in recs:
        groups.setdefault(rec.get(key) if key else None, []).append(rec)
    near = lambda rs: next((r for r in rs if r.get("cfg") == base), None)  # noqa: E731
    for k, group in groups.items():
        for i, rec in enumerate(group):
            if rec.get("cfg") != base:
                out.setdefault(k, {}).setdefault(rec["cfg"], []).append(
                    (rec, near(reversed(group[:i])), near(group[i + 1:])))
    return out


def against_base(triples, value):
    """(figure, mean of its neighbours' figures) per triple; None where a figure is missing
    (a marker line garbled on a loaded host), which the callers leave out."""
    for rec, *near in triples:
        x, bases = value(rec) if rec else None, [value(b) for b in near if b and value(b)]
        yield (x, statistics.mean(bases)) if x is not None and bases else None


def ratio_stats(triples, value):
    return stats([p[0] / p[1] for p in against_base(triples, value) if p])


def added(triples, value):
    return [p and p[0] - p[1] for p in against_base(triples, value)]


def per_op(rec):
    return num(rec.get("per_op"))


def wall_per_op(rec):
    w, n = rec.get("wall_s"), num(rec.get("n"))
    return w * 1e9 / n if w and n else None


def loop_total(rec):
    return num(rec["ns"]) if rec else None


def interleaved(records, sec, key, ops_per_s=False, base="none", value=per_op,
                name="instructions_per_op"):
    """{KEY value: {cfg: figures}} of an interleaved section: VALUE (NAME) and wall ns per op
    (with OPS_PER_S wall ops/s) and, against the BASE runs either side, the ratios and the
    added instructions; for the verifier also its cost per pass."""
    recs = [r for r in records if r.get("sec") == sec]

    def figures(group, triples=(), cfg=None):
        e = {name: stats([value(r) for r in group]),
             "wall_ns_per_op": stats([wall_per_op(r) for r in group])}
        if ops_per_s:
            e["wall_ops_per_s"] = stats([1e9 / w for w in map(wall_per_op, group) if w])
        if triples:
            add = added(triples, value)
            e.update(icount_ratio=ratio_stats(triples, value),
                     wall_ratio=ratio_stats(triples, wall_per_op),
                     added_instructions=stats(add))
        if triples and sec == "verify":
            # passes of the verifier that fall into one loop: loop time / period
            period = int(cfg.split("_")[1]) * 1e6
            per_pass = [a / (value(t[0]) / period) for a, t in zip(add, triples)
                        if a is not None and value(t[0])]
            e.update(instructions_per_pass=stats(per_pass),
                     cpu_share=stats([pp / period for pp in per_pass]))
        return e

    out = {}
    for k, cfgs in sorted(paired(recs, key, base).items()):
        out[k] = {base: figures([r for r in recs if r.get(key) == k and r.get("cfg") == base])}
        out[k].update((cfg, figures([t[0] for t in tr], tr, cfg)) for cfg, tr in cfgs.items())
    return out


def analyse(records):
    res = {"hot": interleaved(records, "hot", "file"),
           "target": interleaved(records, "target", "op", ops_per_s=True),
           "verify": interleaved(records, "verify", None, base="verify_0", value=loop_total,
                                 name="loop_instructions").get(None, {}),
           "latency": {}, "burst": [], "memory": {},
           "info": {r["key"]: r.get("value") for r in records if r.get("sec") == "info"}}
    for rec in records:
        vals = {k: num(v) for k, v in rec.items() if k not in ("sec", "op", "state", "wall_s")}
        if rec.get("sec") == "latency":
            res["latency"][rec["op"]] = vals
        elif rec.get("sec") == "memory":
            res["memory"][rec["state"]] = vals
        elif rec.get("sec") == "burst":
            if rec.get("wall_s"):
                vals["wall_s"] = rec["wall_s"]
            vals["zero_drops"] = (vals.get("dropped") == 0 and vals.get("lost_records") == 0
                                  and (vals.get("received") or 0) >= (vals.get("generated") or 0))
            res["burst"].append(vals)
    for prio in sorted({b.get("prio") for b in res["burst"]}):
        sizes = [(b["size"], b["zero_drops"]) for b in res["burst"] if b.get("prio") == prio]
        res.setdefault("burst_summary", {})["fifo" if prio else "normal"] = {
            "largest_zero_drop": max((s for s, z in sizes if z), default=None),
            "smallest_with_drops": min((s for s, z in sizes if not z), default=None)}

    return res


# --------------------------------------------------------------------------------------------
# report


def fmt_r(s, digits=3):
    if not s:
        return "-"
    if s["n"] == 1:
        return "%.*f" % (digits, s["median"])
    return "%.*f (%.*f–%.*f)" % (digits, s["median"], digits, s["min"], digits, s["max"])


def fmt_n(s, unit=""):
    if not s:
        return "-"
    return ("%.0f" % s["median"] if abs(s["median"]) >= 100 else "%.1f" % s["median"]) + unit


def fmt_int(v):
    return "-" if v is None else "%d" % v


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(out + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows])


def report(res, meta):
    """Markdown text (also printed). What each table measures: docs/benchmarks.md."""
    parts = ["sysrqmon benchmark, %s, %s; guest %s, QEMU %s TCG, 1 vCPU, -icount shift=0,"
             "sleep=off; %d round(s) (verifier: %d)%s; one boot, %.0f s. icount = instructions"
             " per operation (deterministic); wall = host time under TCG (noisy); ratios to "
             "\"module not loaded\", median (min–max); notes: docs/benchmarks.md."
             % (meta["date"], meta["machine"], meta["kernel_release"], meta["qemu_version"],
                meta["rounds"], meta["sizes"]["verify_rounds"],
                " (smoke)" if meta["smoke"] else "", meta["boot_seconds"])]

    def section(title, header, rows, note=None):
        parts.extend(["", "### " + title, "", md_table(header, rows), ""] + ([note] if note else []))

    hot, info = res.get("hot"), res.get("info", {})
    if hot:
        rows = []
        for cfg in (c for c in HOT_CFGS if any(c in hot[f] for f in hot)):
            row = [CFG_LABEL[cfg]]
            for e in (hot.get(f, {}).get(cfg) for f in ("regular", "procfs")):
                add = e and e.get("added_instructions")
                row += (["-", "-", "-"] if not e else
                        [fmt_n(e["instructions_per_op"]), "1", "1"] if cfg == "none" else
                        [fmt_n(e["instructions_per_op"]) + (" (%+.0f)" % add["median"] if add
                                                            else ""),
                         fmt_r(e["icount_ratio"]), fmt_r(e["wall_ratio"], 2)])
            rows.append(row)
        section("Hot path: open()+close() of files the module does not watch",
                ["configuration"] + ["%s: %s" % (f, h) for f in ("regular", "procfs") for h in
                                     ("instr/op (added)", "icount ratio", "wall ratio")],
                rows, goal_text(hot))
    if res.get("target"):
        section("Target path: writes to kernel.sysrq and /proc/sysrq-trigger (trigger key: "
                "the console loglevel, %s)" % info.get("console_loglevel", "?"),
                ["operation", "configuration", "instr/op", "icount ratio", "added instr/op",
                 "wall writes/s (TCG)", "wall ratio"],
                [[OP_LABEL.get(op, op) if cfg == "none" else "", CFG_LABEL[cfg],
                  fmt_n(c["instructions_per_op"]),
                  "1" if cfg == "none" else fmt_r(c["icount_ratio"]),
                  "" if cfg == "none" else fmt_n(c["added_instructions"]),
                  fmt_n(c["wall_ops_per_s"]), "1" if cfg == "none" else fmt_r(c["wall_ratio"], 2)]
                 for op, e in res["target"].items() for cfg in ("none", "monitor", "listener")
                 for c in [e.get(cfg)] if c])
    if res.get("latency"):
        section("Event delivery latency (instructions, icount)",
                ["write", "events", "write returned → received: p50", "p99",
                 "hook → received: p50", "p99"],
                [[OP_LABEL.get(op, op), "%d" % e.get("n", 0)] +
                 ["%.0f" % e[k] for k in ("ret_p50", "ret_p99", "hook_p50", "hook_p99")]
                 for op, e in res["latency"].items()])
    if res.get("burst"):
        summ = res.get("burst_summary", {})
        section("Bursts (default buffer) with `sysrqmonctl listen --json` attached",
                ["writer", "writes", "generated", "sent", "dropped", "received",
                 "lost records", "0 drops"],
                [["SCHED_FIFO %d" % b["prio"] if b.get("prio") else "normal", "%d" % b["size"]] +
                 ["%d" % b.get(k, 0) for k in ("generated", "sent", "dropped", "received",
                                               "lost_records")] +
                 ["yes" if b["zero_drops"] else "no"] for b in res["burst"]],
                "Largest burst with 0 drops (buffer %s events): normal-priority writer %s; "
                "SCHED_FIFO writer %s." % (fmt_int(res["burst"][0].get("buffer")),
                                           burst_word(summ.get("normal")),
                                           burst_word(summ.get("fifo"))))
    mem = res.get("memory")
    if mem:
        un = mem.get("unloaded", {})
        delta = lambda m, k: "-" if m.get(k) is None or un.get(k) is None else \
            "%+d KiB" % (m[k] - un[k])  # noqa: E731
        section("Memory", ["state", "Slab Δ", "SUnreclaim Δ", "VmallocUsed Δ",
                           "vmalloc by sysrqmon (/proc/vmallocinfo)", "queued in netlink sockets"],
                [[label, delta(m, "slab"), delta(m, "sunreclaim"), delta(m, "vmallocused"),
                  fmt_int((m.get("vmalloc_module") or 0) / 1024) + " KiB",
                  fmt_int((m.get("nl_rmem") or 0) / 1024) + " KiB"]
                 for state, label in (("idle", "loaded, idle"),
                                      ("storm_no_listener", "right after a storm, no listener"),
                                      ("storm_stalled_listener", "storm into a stalled listener"),
                                      ("after_storm", "after the storms, listener gone"))
                 for m in [mem.get(state)] if m],
                "Module size in /proc/modules: %s bytes (the floor module: %s bytes); "
                "buffer_events=%s; a storm is %s kernel.sysrq writes."
                % (fmt_int(mem.get("idle", {}).get("module_size")),
                   fmt_int(mem.get("floor", {}).get("module_size")),
                   fmt_int(mem.get("idle", {}).get("buffer")), fmt_int(meta["sizes"]["n_storm"])))
    ver = res.get("verify")
    if ver:
        rows = []
        for cfg in (c for c in ("verify_0", "verify_1000", "verify_100") if ver.get(c)):
            e = ver[cfg]
            rows.append([CFG_LABEL[cfg], fmt_n(e["loop_instructions"])] + (
                ["1", "1", "", "", ""] if cfg == "verify_0" else
                [fmt_r(e["icount_ratio"], 5), fmt_r(e["wall_ratio"], 3),
                 fmt_n(e["added_instructions"]), fmt_n(e["instructions_per_pass"]),
                 "%.4f %%" % (100 * e["cpu_share"]["median"]) if e.get("cpu_share") else "-"]))
        v0 = (ver.get("verify_0") or {}).get("loop_instructions")
        pp = (ver.get("verify_100") or {}).get("instructions_per_pass")
        section("Drift verifier (CPU-bound loop in the guest, module loaded, monitor)",
                ["configuration", "loop instructions", "icount ratio", "wall ratio",
                 "added instr / loop", "instr / verifier pass", "CPU share"], rows,
                v0 and pp and "The verify_ms=0 loops spread over %.0f instructions (min–max); "
                "at the %.0f instructions per pass measured at 100 ms, verify_ms=1000 costs "
                "%.5f %% of one CPU under icount." % (v0["max"] - v0["min"], pp["median"],
                                                       100 * pp["median"] / 1e9))
    return "\n".join(parts) + "\n"


def goal_checks(hot):
    """[(file, cfg, ratio, floor, met)]: each hot-path goal on icount medians (rounded as
    printed): ratio <= GOALS[file] and ratio <= floor_ftrace + FLOOR_MARGIN (floor None: the
    floor was not measured, only the first half is checked)."""
    out = []
    for f, g in GOALS.items():
        fl = (hot.get(f, {}).get("floor_ftrace") or {}).get("icount_ratio")
        floor = round(fl["median"], 3) if fl else None
        for cfg in GOAL_CFGS:
            e = (hot.get(f, {}).get(cfg) or {}).get("icount_ratio")
            if e:
                r = round(e["median"], 3)
                out.append((f, cfg, r, floor, r <= g + 1e-9 and
                            (floor is None or r <= floor + FLOOR_MARGIN + 1e-9)))
    return out


def goal_text(hot, prefix="Goals"):
    items = ["%s %s %.3f %s (≤ %.2f%s)" % (
        f, cfg, r, "met" if met else "MISSED", GOALS[f],
        ", ≤ floor %.3f + %.3f = %.3f" % (floor, FLOOR_MARGIN, floor + FLOOR_MARGIN)
        if floor is not None else ", floor not measured")
        for f, cfg, r, floor, met in goal_checks(hot)]
    return ("%s (icount medians of the non-target opens; at most the empty ftrace_ops floor + "
            "%.3f and at most %.2f regular / %.2f procfs): %s."
            % (prefix, FLOOR_MARGIN, GOALS["regular"], GOALS["procfs"], "; ".join(items)))


def side_by_side(runs):
    """The hot path of every series in one table: icount ratio (added instructions)."""
    cols = [(s, f) for s in runs for f in ("regular", "procfs")]
    rows = []
    for cfg in HOT_CFGS:
        row = [CFG_LABEL[cfg]]
        for s, f in cols:
            e = runs[s]["results"].get("hot", {}).get(f, {}).get(cfg)
            r, a = (e.get("icount_ratio"), e.get("added_instructions")) if e else (None, None)
            row.append("-" if not e else "%s instr/op" % fmt_n(e["instructions_per_op"])
                       if cfg == "none" else "%s (%+.0f)" % (fmt_r(r).split()[0], a["median"])
                       if r and a else "-")
        if any(c != "-" for c in row[1:]):
            rows.append(row)
    return md_table(["configuration"] + ["%s %s" % c for c in cols], rows)


def full_report(runs):
    """Markdown of every series: the hot path side by side, goals per series, then each
    series' own report."""
    parts = ["## Hot path side by side: open()+close() of files the module does not watch",
             "",
             "icount ratio to \"module not loaded\" (median over the rounds), added "
             "instructions per open+close in parentheses; the \"module not loaded\" row gives "
             "instructions per open+close. Wall-clock ratios and min–max are in each "
             "series' section below. Kernels: %s."
             % "; ".join("%s = %s" % (s, r["meta"]["kernel_release"]) for s, r in runs.items()),
             "", side_by_side(runs), ""]
    for s, r in runs.items():
        if r["results"].get("hot"):
            parts += [goal_text(r["results"]["hot"], "%s goals" % s), ""]
    for s, r in runs.items():
        parts += ["## %s: %s" % (s, r["meta"]["kernel_release"]), "",
                  report(r["results"], r["meta"])]
    return "\n".join(parts)


def burst_word(s):
    if not s:
        return "-"
    if s["smallest_with_drops"] is None:
        return "> %s writes (all sizes tried)" % fmt_int(s["largest_zero_drop"])
    return "%s writes (drops at %s)" % (fmt_int(s["largest_zero_drop"]),
                                        fmt_int(s["smallest_with_drops"]))


def check_complete(res, sections):
    """Names of figures the run should have produced but did not."""
    want = {"hot": ["hot/%s/%s" % (f, c) for f in ("regular", "procfs") for c in
                    ("none", "monitor", "deny", "watch_reads", "floor_ftrace", "floor_kprobe")],
            "target": ["target/%s/%s" % (op, c) for op in OP_LABEL
                       for c in ("none", "monitor", "listener")],
            "latency": ["latency/sysctl_write", "latency/trigger_write"], "burst": ["burst"],
            "memory": ["memory/" + s for s in ("unloaded", "idle", "storm_no_listener",
                                               "storm_stalled_listener", "after_storm", "floor")],
            "verify": ["verify/verify_1000", "verify/verify_100"]}

    def have(name):
        e = res
        for key in name.split("/"):
            e = e.get(key) if isinstance(e, dict) else None
        ratio = name.startswith("verify/") or name.startswith("hot/") and "/none" not in name
        return bool(e) and (not ratio or bool(e.get("icount_ratio")))
    return [n for s in want if s in sections for n in want[s] if not have(n)]


# --------------------------------------------------------------------------------------------


def run_series(args, series, sizes, sections):
    """Build, boot and analyse one kernel series; a dict for results.json."""
    t0 = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="sysrqmon-bench-%s-" % series)
    own = SERIES[series] is None
    try:
        module, kdir = series_module(args, series, workdir)
        kernel = qboot.find_kernel(None, None, module, kdir)
        bindir = build(kdir, workdir)
        env = {"BENCH_" + k.upper(): str(v) for k, v in sizes.items()}
        env["BENCH_SECTIONS"] = " ".join(sections)
        initrd = os.path.join(workdir, "initrd.gz")
        qboot.initramfs(initrd, "/bin/busybox", {"bench": os.path.join(HERE, "guest", "bench.sh")},
                        bindir, env, {"tests/sysrqmon.ko": module}, {"sysrqmonctl": args.tool})
        log("== bench %s: kernel %s, module %s, icount, %d round(s), sections %s (built in %.0f s)"
            % (series, os.path.basename(kernel), os.path.basename(module) if own
               else "built against " + os.path.basename(kdir), sizes["rounds"],
               ",".join(sections), time.monotonic() - t0))
        records, results, problems, elapsed = boot(
            args, kernel, initrd, os.path.join(args.out, "console-%s.log" % series))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    res = analyse(records)
    qv = re.search(r"version (\S+)", subprocess.run(["qemu-system-x86_64", "--version"],
                                                    capture_output=True, text=True).stdout)
    meta = {"series": series, "date": datetime.date.today().isoformat(),
            "machine": "host: %d cores, %s" % (os.cpu_count() or 0, cpu_model()),
            "kernel_release": res["info"].get("kernel") or os.path.basename(kernel),
            "qemu_version": qv.group(1) if qv else "?", "icount": True,
            "rounds": sizes["rounds"], "smoke": args.smoke, "sizes": sizes, "sections": sections,
            "boot_seconds": round(elapsed, 1), "series_seconds": round(time.monotonic() - t0, 1),
            "module": os.path.relpath(module, REPO) if own else "module/ built against " + kdir,
            "goals": GOALS, "floor_margin": FLOOR_MARGIN}
    return {"meta": meta, "results": res, "records": records,
            "failures": [{"name": n, "detail": d} for n, ok, d in results if not ok],
            "problems": problems, "missing": [] if problems else check_complete(res, sections)}


def write_md(out, text):
    log(text)
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.split("\n")[1:]))
    ap.add_argument("--smoke", action="store_true", help="1 round, small sizes (make check)")
    ap.add_argument("--series", default=",".join(SERIES),
                    help="comma separated kernel series, run in this order (default: %(default)s)")
    ap.add_argument("--rounds", type=int,
                    help="rounds per interleaved section (default 7; the verifier 5)")
    ap.add_argument("--sections", default=",".join(SECTIONS),
                    help="comma separated subset of: %(default)s")
    ap.add_argument("--module", default=os.path.join(REPO, "module", "sysrqmon.ko"),
                    help="the 6.1 series' module (other series build theirs)")
    ap.add_argument("--tool", default=os.path.join(REPO, "tools", "sysrqmonctl"))
    ap.add_argument("--kdir", help="6.1 series: kernel headers for the floor module")
    ap.add_argument("--out", help="directory for results.json, results.md, console-*.log "
                                  "(default bench/, with --smoke bench/smoke/)")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every record")
    ap.add_argument("--from-json", metavar="FILE",
                    help="no boot: print and write results.md again from a results.json")
    args = ap.parse_args()
    args.out = args.out or os.path.join(REPO, "bench", "smoke" if args.smoke else "")
    os.makedirs(args.out, exist_ok=True)
    if args.from_json:
        with open(args.from_json) as f:
            runs = json.load(f)["series"]
        for run in runs.values():
            run["results"] = analyse(run["records"])
        write_md(args.out, full_report(runs))
        return 0
    sizes = dict(SMOKE if args.smoke else FULL)
    if args.rounds:
        sizes["rounds"] = sizes["verify_rounds"] = args.rounds
    sections, series = (re.split(r"[,\s]+", v.strip(", ")) for v in (args.sections, args.series))
    for given, known, what in ((sections, SECTIONS, "section"), (series, SERIES, "series")):
        if set(given) - set(known) or not given[0]:
            ap.error("unknown %s: %s (known: %s)" % (what, ", ".join(sorted(set(given) -
                                                                            set(known))),
                                                     ", ".join(known)))
    for p, what in ((args.tool, "tool (make tools)"), ("/bin/busybox", "busybox (busybox-static)"),
                    (args.module if "6.1" in series else args.tool, "module (make module)")):
        if not os.path.isfile(p):
            log("bench.py: %s not found: %s\nbench: FAILED (missing input)" % (what, p))
            return 1
    args.module, args.tool = os.path.abspath(args.module), os.path.abspath(args.tool)

    t_start = time.monotonic()
    runs, errors = {}, []
    for s in series:
        try:
            runs[s] = run_series(args, s, sizes, sections)
        except SystemExit as e:  # a build or the kernel download failed: no figures
            log(str(e))
            errors.append("%s: %s" % (s, e))
    if not runs:
        log("bench: FAILED (%s)" % "; ".join(errors))
        return 1
    log("")
    write_md(args.out, full_report(runs))
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"series": runs}, f, indent=1, sort_keys=True)
    log("results: %s/results.json, results.md, %s" % (os.path.relpath(args.out), ", ".join(
        "console-%s.log" % s for s in runs)))
    goals = []
    for s, r in runs.items():
        errors += ["%s: %s" % (s, p) for p in r["problems"]]
        errors += ["%s: %s: %s" % (s, f["name"], f["detail"]) for f in r["failures"]]
        if r["missing"]:
            errors.append("%s: missing figures: %s" % (s, ", ".join(r["missing"])))
        checks = goal_checks(r["results"].get("hot", {}))
        missed = sum(not g[4] for g in checks)
        if checks:
            goals.append("%s %s" % (s, "%d of %d goals MISSED" % (missed, len(checks)) if missed
                                    else "goals met"))
    times = "%.0f s: %s" % (time.monotonic() - t_start, ", ".join(
        "%s %.0f s (boot %.0f s)" % (s, r["meta"]["series_seconds"], r["meta"]["boot_seconds"])
        for s, r in runs.items()))
    for e in errors:
        log("FAIL " + e)
    if errors:
        log("bench: FAILED (%d problem(s)) in %s" % (len(errors), times))
        return 1
    log("bench: OK in %s%s" % (times, "; " + "; ".join(goals) if goals else ""))
    return 0


def cpu_model():
    with open("/proc/cpuinfo") as f:
        return next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")),
                    platform.machine())


if __name__ == "__main__":
    sys.exit(main())
