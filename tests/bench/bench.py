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
from functools import partial

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "qemu"))
import run as qboot  # noqa: E402  (tests/qemu/run.py: kernel, initramfs, the boot)

log = partial(print, flush=True)
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
FILES = ("regular", "procfs")

HOT_CFGS = ("none", "monitor", "deny", "watch_reads", "floor_ftrace", "floor_ftrace_magic",
            "floor_kprobe")
CFG_LABEL = {"none": "module not loaded", "monitor": "sysrqmon, mode=monitor",
             "deny": "sysrqmon, mode=deny", "watch_reads": "sysrqmon, monitor + watch_reads=1",
             "floor_ftrace": "floor: empty ftrace_ops callback",
             "floor_ftrace_magic": "floor: ftrace_ops, s_magic check",
             "floor_kprobe": "floor: kprobe, s_magic check",
             "listener": "sysrqmon, monitor + listener", "verify_0": "verify_ms=0",
             "verify_1000": "verify_ms=1000 (default)", "verify_100": "verify_ms=100"}
OP_LABEL = {"sysctl_write": "kernel.sysrq: write(2) of the same value on an open fd",
            "sysctl_open_write_close": "kernel.sysrq: open+write+close (like sysctl -w)",
            "trigger_write": "sysrq-trigger: write(2) of the current loglevel digit"}
# Interleaved sections: key of the groups, base configuration, figure, its name in the results.
INTERLEAVED = {"hot": ("file", "none", "per_op", "instructions_per_op"),
               "target": ("op", "none", "per_op", "instructions_per_op"),
               "verify": (None, "verify_0", "ns", "loop_instructions")}
MEMORY_STATES = (("idle", "loaded, idle"),
                 ("storm_no_listener", "right after a storm, no listener"),
                 ("storm_stalled_listener", "storm into a stalled listener"),
                 ("after_storm", "after the storms, listener gone"))

# The figures a complete run has, per section (check_complete).
WANT = {"hot": ["hot/%s/%s" % (f, c) for f in FILES for c in
                ("none", "monitor", "deny", "watch_reads", "floor_ftrace", "floor_kprobe")],
        "target": ["target/%s/%s" % (op, c) for op in OP_LABEL
                   for c in ("none", "monitor", "listener")],
        "latency": ["latency/sysctl_write", "latency/trigger_write"], "burst": ["burst"],
        "memory": ["memory/" + s for s in ["unloaded", *dict(MEMORY_STATES), "floor"]],
        "verify": ["verify/verify_1000", "verify/verify_100"]}

HEADER = ("sysrqmon benchmark, {date}, {machine}; guest {kernel_release}, QEMU {qemu_version} "
          "TCG, 1 vCPU, -icount shift=0,sleep=off; {rounds:d} round(s) (verifier: {vrounds:d})"
          "{smoke_tag}; one boot, {boot_seconds:.0f} s. icount = instructions per operation "
          "(deterministic); wall = host time under TCG (noisy); ratios to \"module not loaded\","
          " median (min–max); notes: docs/benchmarks.md.")
SIDE_BY_SIDE = ("## Hot path side by side: open()+close() of files the module does not watch\n\n"
                "icount ratio to \"module not loaded\" (median over the rounds), added "
                "instructions per open+close in parentheses; the \"module not loaded\" row gives "
                "instructions per open+close. Wall-clock ratios and min–max are in each series' "
                "section below. Kernels: %s.")
GOAL_TEXT = ("{} (icount medians of the non-target opens; at most the empty ftrace_ops floor + "
             "%.3f and at most %.2f regular / %.2f procfs): {}."
             % (FLOOR_MARGIN, GOALS["regular"], GOALS["procfs"]))


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


def figure(rec, field):
    """A record's FIELD as a number (None if garbled); "wall" is its wall-clock ns per op."""
    if field == "wall":
        w, n = rec.get("wall_s"), figure(rec, "n")
        return w * 1e9 / n if w and n else None
    try:
        return float(rec.get(field))
    except (TypeError, ValueError):
        return None


def stats(values):
    values = [v for v in values if v is not None]
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)} if values else None


def versus(runs, field):
    """([added], [ratio]): per (run, base runs beside it), the run's FIELD less and over the
    mean of the base runs'; None where a figure is missing (a marker line garbled on a loaded
    host), which stats() leaves out."""
    added, ratio = [], []
    for rec, near in runs:
        x, bases = figure(rec, field), [figure(b, field) for b in near if figure(b, field)]
        base = statistics.mean(bases) if x is not None and bases else None
        added.append(None if base is None else x - base)
        ratio.append(None if base is None else x / base)
    return added, ratio


def beside(group, i, base):
    """The base runs just before and just after run I of an interleaved GROUP."""
    before = [r for r in group[:i] if r.get("cfg") == base][-1:]
    return before + [r for r in group[i + 1:] if r.get("cfg") == base][:1]


def entry(sec, cfg, runs):
    """The figures of one configuration's RUNS, [(run, base runs beside it)]: its own figure
    and wall ns per op (for the target path also ops/s) and, unless they are the base runs,
    the ratios and the instructions added to the base runs; for the verifier its cost per pass."""
    _, base, field, name = INTERLEAVED[sec]
    walls = [figure(r, "wall") for r, _ in runs]
    e = {name: stats([figure(r, field) for r, _ in runs]), "wall_ns_per_op": stats(walls)}
    if sec == "target":
        e["wall_ops_per_s"] = stats([1e9 / w for w in walls if w])
    if cfg == base:
        return e
    added, icount = versus(runs, field)
    e.update(icount_ratio=stats(icount), wall_ratio=stats(versus(runs, "wall")[1]),
             added_instructions=stats(added))
    if sec == "verify":
        # passes of the verifier that fall into one loop: loop time / period
        period = int(cfg.split("_")[1]) * 1e6
        per_pass = [a / (figure(r, field) / period) for a, (r, _) in zip(added, runs)
                    if a is not None and figure(r, field)]
        e.update(instructions_per_pass=stats(per_pass),
                 cpu_share=stats([pp / period for pp in per_pass]))
    return e


def interleaved(records, sec):
    """{key value: {cfg: entry}} of an interleaved section (configurations alternate with the
    base runs): each run is compared with the base runs just before and just after it."""
    key, base = INTERLEAVED[sec][:2]
    recs, out = [r for r in records if r.get("sec") == sec], {}
    for k in sorted({r.get(key) for r in recs if r.get("cfg") != base}):
        group = [r for r in recs if r.get(key) == k]
        out[k] = {cfg: entry(sec, cfg, [(r, beside(group, i, base))
                                        for i, r in enumerate(group) if r.get("cfg") == cfg])
                  for cfg in dict.fromkeys([base] + [r["cfg"] for r in group])}
    return out


def analyse(records):
    res = {sec: interleaved(records, sec) for sec in INTERLEAVED}
    res.update(verify=res["verify"].get(None, {}), latency={}, burst=[], memory={},
               info={r["key"]: r.get("value") for r in records if r.get("sec") == "info"})
    for rec in records:
        sec = rec.get("sec")
        vals = {k: figure(rec, k) for k in rec if k not in ("sec", "op", "state", "wall_s")}
        if sec in ("latency", "memory"):
            res[sec][rec["op" if sec == "latency" else "state"]] = vals
        elif sec == "burst":
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


def fmt_n(s):
    if not s:
        return "-"
    return "%.0f" % s["median"] if abs(s["median"]) >= 100 else "%.1f" % s["median"]


def fmt_int(v):
    return "-" if v is None else "%d" % v


def cells(e, specs):
    """Figures of entry E as printed, one per "KIND:KEY" of SPECS: n the median, rD the median
    and min–max to D digits, a the median and the added instructions, % a share in per cent.
    The base runs have no ratios (printed 1) and no added figures (printed empty)."""
    out = []
    for kind, key in (spec.split(":") for spec in specs.split()):
        s = e.get(key)
        if key not in e:
            out.append("1" if kind[0] == "r" else "")
        elif kind[0] == "r":
            d = int(kind[1])
            out.append("-" if not s else "%.*f" % (d, s["median"]) if s["n"] == 1 else
                       "%.*f (%.*f–%.*f)" % (d, s["median"], d, s["min"], d, s["max"]))
        elif kind == "%":
            out.append("%.4f %%" % (100 * s["median"]) if s else "-")
        else:
            add = e.get("added_instructions") if kind == "a" else None
            out.append(fmt_n(s) + (" (%+.0f)" % add["median"] if add else ""))
    return out


def md_table(header, rows):
    """A markdown table; HEADER is one string, its cells separated by " | "."""
    out = ["| " + header + " |", "|" + "---|" * len(header.split(" | "))]
    return "\n".join(out + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows])


def tables(res, meta):
    """(title, header, rows, note) of each section the results have."""
    hot, info, mem, ver = (res.get(s) for s in ("hot", "info", "memory", "verify"))
    if hot:
        yield ("Hot path: open()+close() of files the module does not watch",
               "configuration | " + " | ".join("%s: instr/op (added) | %s: icount ratio | "
                                               "%s: wall ratio" % (f, f, f) for f in FILES),
               [[CFG_LABEL[cfg]] + [c for e in (hot.get(f, {}).get(cfg) for f in FILES) for c in
                                    (cells(e, "a:instructions_per_op r3:icount_ratio "
                                           "r2:wall_ratio") if e else ["-"] * 3)]
                for cfg in HOT_CFGS if any(cfg in hot[f] for f in hot)],
               goal_text(hot))
    if res.get("target"):
        yield ("Target path: writes to kernel.sysrq and /proc/sysrq-trigger (trigger key: the "
               "console loglevel, %s)" % info.get("console_loglevel", "?"),
               "operation | configuration | instr/op | icount ratio | added instr/op | "
               "wall writes/s (TCG) | wall ratio",
               [[OP_LABEL.get(op, op) if cfg == "none" else "", CFG_LABEL[cfg]] +
                cells(c, "n:instructions_per_op r3:icount_ratio n:added_instructions "
                      "n:wall_ops_per_s r2:wall_ratio")
                for op, e in res["target"].items() for cfg in ("none", "monitor", "listener")
                for c in [e.get(cfg)] if c], None)
    if res.get("latency"):
        yield ("Event delivery latency (instructions, icount)",
               "write | events | write returned → received: p50 | p99 | hook → received: p50 | "
               "p99",
               [[OP_LABEL.get(op, op), "%d" % e.get("n", 0)] +
                ["%.0f" % e[k] for k in ("ret_p50", "ret_p99", "hook_p50", "hook_p99")]
                for op, e in res["latency"].items()], None)
    if res.get("burst"):
        largest = ["-" if not s else "> %s writes (all sizes tried)" % fmt_int(
            s["largest_zero_drop"]) if s["smallest_with_drops"] is None else
            "%s writes (drops at %s)" % (fmt_int(s["largest_zero_drop"]),
                                         fmt_int(s["smallest_with_drops"]))
            for s in map(res.get("burst_summary", {}).get, ("normal", "fifo"))]
        yield ("Bursts (default buffer) with `sysrqmonctl listen --json` attached",
               "writer | writes | generated | sent | dropped | received | lost records | 0 drops",
               [["SCHED_FIFO %d" % b["prio"] if b.get("prio") else "normal", "%d" % b["size"]] +
                ["%d" % b.get(k, 0) for k in ("generated", "sent", "dropped", "received",
                                              "lost_records")] +
                ["yes" if b["zero_drops"] else "no"] for b in res["burst"]],
               "Largest burst with 0 drops (buffer %s events): normal-priority writer %s; "
               "SCHED_FIFO writer %s." % (fmt_int(res["burst"][0].get("buffer")), *largest))
    if mem:
        un = mem.get("unloaded", {})
        yield ("Memory", "state | Slab Δ | SUnreclaim Δ | VmallocUsed Δ | vmalloc by sysrqmon "
               "(/proc/vmallocinfo) | queued in netlink sockets",
               [[label] + ["-" if m.get(k) is None or un.get(k) is None else
                           "%+d KiB" % (m[k] - un[k]) for k in ("slab", "sunreclaim",
                                                                "vmallocused")] +
                [fmt_int((m.get(k) or 0) / 1024) + " KiB" for k in ("vmalloc_module", "nl_rmem")]
                for state, label in MEMORY_STATES for m in [mem.get(state)] if m],
               "Module size in /proc/modules: %s bytes (the floor module: %s bytes); "
               "buffer_events=%s; a storm is %s kernel.sysrq writes."
               % (fmt_int(mem.get("idle", {}).get("module_size")),
                  fmt_int(mem.get("floor", {}).get("module_size")),
                  fmt_int(mem.get("idle", {}).get("buffer")), fmt_int(meta["sizes"]["n_storm"])))
    if ver:
        v0 = (ver.get("verify_0") or {}).get("loop_instructions")
        pp = (ver.get("verify_100") or {}).get("instructions_per_pass")
        yield ("Drift verifier (CPU-bound loop in the guest, module loaded, monitor)",
               "configuration | loop instructions | icount ratio | wall ratio | "
               "added instr / loop | instr / verifier pass | CPU share",
               [[CFG_LABEL[cfg]] + cells(ver[cfg], "n:loop_instructions r5:icount_ratio "
                                         "r3:wall_ratio n:added_instructions "
                                         "n:instructions_per_pass %:cpu_share")
                for cfg in ("verify_0", "verify_1000", "verify_100") if ver.get(cfg)],
               v0 and pp and "The verify_ms=0 loops spread over %.0f instructions (min–max); "
               "at the %.0f instructions per pass measured at 100 ms, verify_ms=1000 costs "
               "%.5f %% of one CPU under icount." % (v0["max"] - v0["min"], pp["median"],
                                                      100 * pp["median"] / 1e9))


def full_report(runs):
    """Markdown of every series (also printed): the hot path side by side, goals per series,
    then each series' own tables. What each table measures: docs/benchmarks.md."""
    cols = [(s, f) for s in runs for f in FILES]
    rows = []
    for cfg in HOT_CFGS:
        row = ["-" if not e else "%s instr/op" % fmt_n(e["instructions_per_op"])
               if cfg == "none" else "%.3f (%+.0f)" % (e["icount_ratio"]["median"],
                                                       e["added_instructions"]["median"])
               if e.get("icount_ratio") and e.get("added_instructions") else "-"
               for e in (runs[s]["results"].get("hot", {}).get(f, {}).get(cfg) for s, f in cols)]
        if any(c != "-" for c in row):
            rows.append([CFG_LABEL[cfg]] + row)
    parts = [SIDE_BY_SIDE % "; ".join("%s = %s" % (s, r["meta"]["kernel_release"])
                                      for s, r in runs.items()), "",
             md_table(" | ".join(["configuration"] + ["%s %s" % c for c in cols]), rows), ""]
    for s, r in runs.items():
        if r["results"].get("hot"):
            parts += [goal_text(r["results"]["hot"], "%s goals" % s), ""]
    for s, r in runs.items():
        meta = r["meta"]
        parts += ["## %s: %s" % (s, meta["kernel_release"]), "",
                  HEADER.format(vrounds=meta["sizes"]["verify_rounds"],
                                smoke_tag=" (smoke)" if meta["smoke"] else "", **meta)]
        for title, header, rows, note in tables(r["results"], meta):
            parts += ["", "### " + title, "", md_table(header, rows), ""] + ([note] if note
                                                                              else [])
        parts.append("")
    return "\n".join(parts)


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
    return GOAL_TEXT.format(prefix, "; ".join("%s %s %.3f %s (≤ %.2f%s)" % (
        f, cfg, r, "met" if met else "MISSED", GOALS[f],
        ", ≤ floor %.3f + %.3f = %.3f" % (floor, FLOOR_MARGIN, floor + FLOOR_MARGIN)
        if floor is not None else ", floor not measured")
        for f, cfg, r, floor, met in goal_checks(hot)))


def check_complete(res, sections):
    """Names of figures the run should have produced but did not."""
    def have(name):
        e = res
        for key in name.split("/"):
            e = e.get(key) if isinstance(e, dict) else None
        ratio = name.startswith("verify/") or name.startswith("hot/") and "/none" not in name
        return bool(e) and (not ratio or bool(e.get("icount_ratio")))
    return [n for s in WANT if s in sections for n in WANT[s] if not have(n)]


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
    with open("/proc/cpuinfo") as f:
        cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")),
                   platform.machine())
    meta = {"series": series, "date": datetime.date.today().isoformat(),
            "machine": "host: %d cores, %s" % (os.cpu_count() or 0, cpu),
            "kernel_release": res["info"].get("kernel") or os.path.basename(kernel),
            "qemu_version": qv.group(1) if qv else "?", "icount": True,
            "rounds": sizes["rounds"], "smoke": args.smoke, "sizes": sizes, "sections": sections,
            "boot_seconds": round(elapsed, 1), "series_seconds": round(time.monotonic() - t0, 1),
            "module": os.path.relpath(module, REPO) if own else "module/ built against " + kdir,
            "goals": GOALS, "floor_margin": FLOOR_MARGIN}
    return {"meta": meta, "results": res, "records": records,
            "failures": [{"name": n, "detail": d} for n, ok, d in results if not ok],
            "problems": problems, "missing": [] if problems else check_complete(res, sections)}


def measure(args, ap):
    """Run every series asked for; (runs, errors), runs None when the inputs are missing."""
    sizes = dict(SMOKE if args.smoke else FULL)
    if args.rounds:
        sizes["rounds"] = sizes["verify_rounds"] = args.rounds
    sections, series = (re.split(r"[,\s]+", v.strip(", ")) for v in (args.sections, args.series))
    for given, known, what in ((sections, SECTIONS, "section"), (series, SERIES, "series")):
        unknown = sorted(set(given) - set(known))
        if unknown or not given[0]:
            ap.error("unknown %s: %s (known: %s)" % (what, ", ".join(unknown), ", ".join(known)))
    for p, what in ((args.tool, "tool (make tools)"), ("/bin/busybox", "busybox (busybox-static)"),
                    (args.module if "6.1" in series else args.tool, "module (make module)")):
        if not os.path.isfile(p):
            log("bench.py: %s not found: %s\nbench: FAILED (missing input)" % (what, p))
            return None, []
    args.module, args.tool = os.path.abspath(args.module), os.path.abspath(args.tool)
    runs, errors = {}, []
    for s in series:
        try:
            runs[s] = run_series(args, s, sizes, sections)
        except SystemExit as e:  # a build or the kernel download failed: no figures
            log(str(e))
            errors.append("%s: %s" % (s, e))
    if not runs:
        log("bench: FAILED (%s)" % "; ".join(errors))
    return runs or None, errors


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
    ap.add_argument("--verbose", "-v", action="store_true", help="print every record")
    ap.add_argument("--from-json", metavar="FILE",
                    help="no boot: print and write results.md again from a results.json")
    args = ap.parse_args()
    args.out = os.path.join(REPO, "bench", "smoke" if args.smoke else "")
    os.makedirs(args.out, exist_ok=True)
    t_start, errors = time.monotonic(), []
    if args.from_json:
        with open(args.from_json) as f:
            runs = json.load(f)["series"]
        for run in runs.values():
            run["results"] = analyse(run["records"])
    else:
        runs, errors = measure(args, ap)
        if runs is None:
            return 1
        log("")
    report = full_report(runs)
    log(report)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(report)
    if args.from_json:
        return 0
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


if __name__ == "__main__":
    sys.exit(main())
