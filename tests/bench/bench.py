#!/usr/bin/env python3
"""Benchmark sysrqmon in QEMU, one guest boot per kernel series (instruction-count mode).

  python3 tests/bench/bench.py                 # make bench: 7 rounds, both series
  python3 tests/bench/bench.py --smoke         # 1 round, small sizes (make check)
  python3 tests/bench/bench.py --from-json bench/results.json   # re-render results.md

Series, sections, method, goals, output and exit status: docs/benchmarks.md. The boot (with
-icount shift=0,sleep=off), the kernel and the initramfs are tests/qemu/run.py's.
"""

import argparse, datetime, itertools, json, os, pathlib, platform, re, shutil, statistics
import subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "qemu"))
import run as qrun  # noqa: E402  (tests/qemu/run.py: kernel, initramfs, the boot)

REPO, log = qrun.REPO, qrun.log
GOALS = {"regular": 1.01, "procfs": 1.03}
FLOOR_MARGIN = 0.005  # and at most the empty ftrace_ops floor + this, in icount ratio

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

# The labels of the parts of a figure's name; their order is the order of the rows.
LABEL = {"regular": "regular", "procfs": "procfs",
         "sysctl_open_write_close": "kernel.sysrq: open+write+close (like sysctl -w)",
         "sysctl_write": "kernel.sysrq: write(2) of the same value on an open fd",
         "trigger_write": "sysrq-trigger: write(2) of the current loglevel digit",
         "none": "module not loaded", "monitor": "sysrqmon, mode=monitor",
         "deny": "sysrqmon, mode=deny", "watch_reads": "sysrqmon, monitor + watch_reads=1",
         "floor_ftrace": "floor: empty ftrace_ops callback",
         "floor_ftrace_magic": "floor: ftrace_ops, s_magic check",
         "floor_kprobe": "floor: kprobe, s_magic check",
         "listener": "sysrqmon, monitor + listener", "verify_0": "verify_ms=0",
         "verify_1000": "verify_ms=1000 (default)", "verify_100": "verify_ms=100",
         "normal": "normal", "idle": "loaded, idle",
         "storm_no_listener": "right after a storm, no listener",
         "storm_stalled_listener": "storm into a stalled listener",
         "after_storm": "after the storms, listener gone"}
# Interleaved sections (configurations alternate with the base runs): the record field that
# keys the groups, the base configuration, the instruction figure.
INTERLEAVED = {"hot": ("file", "none", "per_op"), "target": ("op", "none", "per_op"),
               "verify": (None, "verify_0", "ns")}
UNLISTED = ("memory/unloaded", "memory/floor")  # the reference of the Δ, the floor's size

# The figures a complete run has (check_complete): "S/A,B/C" stands for "S/A/C S/B/C".
WANT = ["/".join(p) for w in (
    "hot/regular,procfs/none,monitor,deny,watch_reads,floor_ftrace,floor_kprobe "
    "target/sysctl_write,sysctl_open_write_close,trigger_write/none,monitor,listener "
    "latency/sysctl_write,trigger_write burst memory/unloaded,idle,storm_no_listener,"
    "storm_stalled_listener,after_storm,floor verify/verify_1000,verify_100").split()
    for p in itertools.product(*(part.split(",") for part in w.split("/")))]

HEADER = ("- {series}: {date}, {machine}; guest {kernel_release}, QEMU {qemu_version} TCG, "
          "1 vCPU, -icount shift=0,sleep=off; {rounds:d} round(s) (verifier: "
          "{sizes[verify_rounds]:d}){smoke_tag}; one boot, {boot_seconds:.0f} s.")
PREAMBLE = ("icount = instructions per operation (deterministic); wall = host time under TCG "
            "(noisy); ratios to \"module not loaded\", each run against the unloaded runs on "
            "either side of it, median (min–max) over the rounds; the series side by side, "
            "each with its own floors; notes: docs/benchmarks.md.")
GOAL_TEXT = ("goals (icount medians of the non-target opens; at most the empty ftrace_ops "
             "floor + %.3f and at most %.2f regular / %.2f procfs): {}"
             % (FLOOR_MARGIN, GOALS["regular"], GOALS["procfs"]))


def build(args, series, workdir):
    """(module, kdir, bindir) of a series: 6.1 the given module and its headers, another series
    the module of this tree built against its metapackage's headers (tests/smoke-kernel.sh);
    into workdir/bin the static guest programs and the floor module built against kdir."""
    module, kdir, bindir = args.module, args.kdir, os.path.join(workdir, "bin")
    if SERIES[series]:
        res = subprocess.run([os.path.join(REPO, "tests", "kernels.sh"), "kdir", SERIES[series]],
                             stdout=subprocess.PIPE, text=True)
        kdir = (res.stdout.strip().splitlines() or [""])[-1]
        if res.returncode or not os.path.isdir(kdir):
            raise SystemExit("bench.py: cannot fetch the kernel tree of " + SERIES[series])
        qrun.kbuild(kdir, os.path.join(workdir, "src"), "the module")
        module = os.path.join(workdir, "src", "module", "sysrqmon.ko")
    else:
        rel = qrun.module_release(args.module)
        kdir = kdir or next((d for d in ("/usr/src/linux-headers-%s" % rel,
                                         "/lib/modules/%s/build" % rel)
                             if rel and os.path.isfile(d + "/Makefile")), None)
        if not kdir:
            raise SystemExit("bench.py: no kernel headers for %s (install linux-headers-%s or "
                             "pass --kdir)" % (rel, rel))
    os.makedirs(bindir)
    for prog in ("benchop", "nlbench"):
        res = subprocess.run(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror",
                              "-I" + os.path.join(REPO, "include", "uapi"), "-o",
                              os.path.join(bindir, prog), os.path.join(HERE, "guest", prog + ".c")],
                             capture_output=True, text=True)
        if res.returncode:
            raise SystemExit(res.stdout + res.stderr + "bench.py: building %s failed" % prog)
    qrun.kbuild(kdir, os.path.join(workdir, "floor"), "the floor module",
                os.path.join(HERE, "floor"))
    shutil.copy(os.path.join(workdir, "floor", "sysrqbench_floor.ko"), bindir)
    return module, kdir, bindir


def boot(args, kernel, initrd, console_path):
    """One icount boot (tests/qemu/run.py); returns (records, results, problems, elapsed).
    A record is an @@M line's key=value pairs and wall_s, the host time from @@WB to @@WE."""
    records, results, st = [], [], {"wb": None, "we": None, "section": None}

    def record(line, now):
        rec = dict(tok.partition("=")[::2] for tok in line.split()[1:])
        if st["wb"] is not None and st["we"] is not None:
            rec["wall_s"] = st["we"] - st["wb"]
        st.update(wb=None, we=None)
        records.append(rec)
        if args.verbose:
            log("   " + line[4:] + ("  wall=%.3fs" % rec["wall_s"] if "wall_s" in rec else ""))
        if rec.get("sec") not in (st["section"], "info"):
            st["section"] = rec.get("sec")
            log("-- %s (t=%.0f s)" % (st["section"], now))

    def result(line, now):
        m = qrun.RESULT_RE.match(line)
        results.append((m.group(1), m.group(2) == "PASS", m.group(3)) if m else
                       ("bench/marker", False, "malformed: " + line))
        if not results[-1][1] or args.verbose:
            log("%s %s %s" % ("PASS" if results[-1][1] else "FAIL", *results[-1][::2]))

    on_tag = {"@@WB": lambda line, now: st.update(wb=now, we=None),
              "@@WE": lambda line, now: st.update(we=now), "@@M": record, "@@RESULT": result,
              "@@BOOTED": lambda line, now: log("   guest booted after %.1f s" % now)}
    r = qrun.boot(kernel, initrd, "", console_path, lambda line, now: on_tag.get(
        line.split(" ")[0], lambda *_: None)(line, now), icount=True, loglevel=4,
                   verbose=args.verbose)
    problems = ["the kernel reported %d problem line(s), first: %s"
                % (len(r.bad), r.bad[0].strip())] if r.bad else []
    if not r.done:
        problems.append(r.why)
        log("\n".join("   | " + ln for ln in r.lines[-40:]))
    return records, results, problems, r.elapsed


def num(rec, field):
    """A record's FIELD as a number; None if garbled (a marker line cut on a loaded host)."""
    try:
        return float(rec.get(field))
    except (TypeError, ValueError):
        return None


def wall_ns(rec):
    n = num(rec, "n")
    return rec["wall_s"] * 1e9 / n if rec.get("wall_s") and n else None


def mean_of(values):
    values = [v for v in values if v]
    return statistics.mean(values) if values else None


def stats(values):
    values = [v for v in values if v is not None]
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)} if values else None


def run_figures(sec, rec, bases, field):
    """One run's figures: its instructions and wall ns per op (the target path: ops/s) and,
    beside the BASES runs (None: it is one), its ratios to their mean and the instructions it
    adds; for the verifier the cost of one pass (the passes in a loop: loop time / period)."""
    x, wall = num(rec, field), wall_ns(rec)
    out = {"instr": x, "wall_ns": wall}
    if sec == "target":
        out["ops_per_s"] = 1e9 / wall if wall else None
    if bases is None:
        return out
    bx = mean_of(num(r, field) for r in bases) if x is not None else None
    bw = mean_of(map(wall_ns, bases)) if wall is not None else None
    out.update(icount_ratio=bx and x / bx, added=bx and x - bx, wall_ratio=bw and wall / bw)
    if sec == "verify":
        period = int(rec["cfg"].split("_")[1]) * 1e6
        per_pass = out["added"] / (x / period) if out["added"] is not None and x else None
        out.update(per_pass=per_pass, cpu_share=None if per_pass is None else per_pass / period)
    return out


def analyse(records):
    """{name: figures} of one series' records. Interleaved runs ("hot/FILE/CFG",
    "target/OP/CFG", "verify/CFG"): {figure: median, min, max, n over the rounds}, each run
    against the base runs just before and just after it. "latency/OP", "memory/STATE" (d_KEY:
    less the unloaded state), "burst/WRITER/SIZE": the record's numbers; "bursts": the
    largest burst without drops and the smallest with, per writer; "info": texts."""
    runs = {}
    for sec, (key, base, field) in INTERLEAVED.items():
        recs = [r for r in records if r.get("sec") == sec]
        for g in dict.fromkeys(r.get(key) for r in recs):
            group = [r for r in recs if r.get(key) == g]
            for i, rec in enumerate(group):
                near = None if rec.get("cfg") == base else (
                    [r for r in group[:i] if r.get("cfg") == base][-1:] +
                    [r for r in group[i + 1:] if r.get("cfg") == base][:1])
                name = "/".join(filter(None, (sec, g, rec.get("cfg"))))
                for k, v in run_figures(sec, rec, near, field).items():
                    runs.setdefault(name, {}).setdefault(k, []).append(v)
    out = {n: {k: stats(v) for k, v in figs.items()} for n, figs in runs.items()}
    for rec in records:
        sec = rec.get("sec")
        figs = {k: num(rec, k) for k in rec if k not in ("sec", "op", "state")}
        if sec == "info":
            out.setdefault("info", {})[rec.get("key")] = rec.get("value")
        elif sec in ("latency", "memory"):
            out["%s/%s" % (sec, rec.get("op" if sec == "latency" else "state"))] = figs
        elif sec == "burst":
            figs["zero_drops"] = (figs.get("dropped") == 0 and figs.get("lost_records") == 0 and
                                  (figs.get("received") or 0) >= (figs.get("generated") or 0))
            writer = "SCHED_FIFO %d" % figs["prio"] if figs.get("prio") else "normal"
            figs["size"] = figs.get("size") or 0
            out["burst/%s/%d" % (writer, figs["size"])] = figs
    bursts = [e for n, e in out.items() if n.startswith("burst/")]
    out["bursts"] = {"buffer": bursts[0].get("buffer") if bursts else None}
    for writer, fifo in (("normal", False), ("fifo", True)):
        sizes = [(e["size"], e["zero_drops"]) for e in bursts if bool(e.get("prio")) == fifo]
        out["bursts"][writer] = max((s for s, zero in sizes if zero), default=None)
        out["bursts"][writer + "_drops"] = min((s for s, zero in sizes if not zero), default=None)
    unloaded = out.get("memory/unloaded", {})
    for m in (e for n, e in out.items() if n.startswith("memory/")):
        m.update({"d_" + k: m[k] - unloaded[k] for k in ("slab", "sunreclaim", "vmallocused")
                  if None not in (m.get(k), unloaded.get(k))})
    return out


# How cell() prints the kinds other than n and rD.
FORMATS = {"%": lambda s: "%.4f %%" % (100 * s["median"]),
           "g": lambda s: "%.5f %%" % (100 * s["median"] / 1e9),
           "s": lambda s: "%.0f" % (s["max"] - s["min"]), "i": lambda v: "%d" % v,
           "t": str, "y": lambda v: "yes" if v else "no", "d": lambda v: "%+d KiB" % v,
           "k": lambda v: "%d KiB" % (v / 1024)}


def cell(e, spec):
    """The figure SPEC, "KIND:KEY", of a row's figures E as printed: n the median (of "instr"
    with the instructions added), rD a ratio to D decimals (with min–max over several rounds),
    % a share in per cent, g the share of one CPU of a cost per second, s the spread, i a
    number, t a text, y yes or no, d KiB added, k bytes in KiB. The base runs have no ratios
    (printed 1) and nothing added (printed empty)."""
    kind, key = spec.split(":")
    if key not in (e or {}):
        return "1" if kind[0] == "r" else "" if kind in "n%" else "-"
    s = e[key]
    if s is None:
        return "-"
    if kind[0] == "r":
        d = int(kind[1:])
        return "%.*f" % (d, s["median"]) + (" (%.*f–%.*f)" % (d, s["min"], d, s["max"])
                                            if s["n"] > 1 else "")
    if kind == "n":
        add = e.get("added") if key == "instr" else None
        return "%.*f" % (abs(s["median"]) < 100, s["median"]) + (
            " (%+.0f)" % add["median"] if add else "")
    return FORMATS[kind](s)


# The report: one table per section, its rows the figures named "SECTION/..." (labels: the
# other parts of the name), for each series the columns "FIGURE | ..." printed by cell()'s
# "KIND:KEY ..."; below it each series' note, where "{NAME KIND:KEY}" is a figure.
TABLES = [
    ("hot", "Hot path: open()+close() of files the module does not watch",
     "file | configuration", "instr/op (added) | icount ratio | wall ratio",
     "n:instr r3:icount_ratio r2:wall_ratio",
     lambda res: GOAL_TEXT.format("; ".join(text for _, text in goal_checks(res)))),
    ("target", "Target path: writes to kernel.sysrq and /proc/sysrq-trigger",
     "operation | configuration", "instr/op (added) | icount ratio | wall writes/s (TCG) | "
     "wall ratio", "n:instr r3:icount_ratio n:ops_per_s r2:wall_ratio",
     "trigger key: the console loglevel, {info t:console_loglevel}"),
    ("latency", "Event delivery latency (instructions, icount)", "write",
     "events | write returned → received: p50 | p99 | hook → received: p50 | p99",
     "i:n i:ret_p50 i:ret_p99 i:hook_p50 i:hook_p99", None),
    ("burst", "Bursts (default buffer) with `sysrqmonctl listen --json` attached",
     "writer | writes", "generated | sent | dropped | received | lost records | 0 drops",
     "i:generated i:sent i:dropped i:received i:lost_records y:zero_drops",
     "largest burst with 0 drops (buffer {bursts i:buffer} events): normal-priority writer "
     "{bursts i:normal} writes (smallest with drops: {bursts i:normal_drops}); SCHED_FIFO "
     "writer {bursts i:fifo} writes (smallest with drops: {bursts i:fifo_drops})"),
    ("memory", "Memory", "state", "Slab Δ | SUnreclaim Δ | VmallocUsed Δ | "
     "vmalloc by sysrqmon (/proc/vmallocinfo) | queued in netlink sockets",
     "d:d_slab d:d_sunreclaim d:d_vmallocused k:vmalloc_module k:nl_rmem",
     "module size in /proc/modules: {memory/idle i:module_size} bytes (the floor module: "
     "{memory/floor i:module_size} bytes); buffer_events={memory/idle i:buffer}; a storm is "
     "{sizes i:n_storm} kernel.sysrq writes"),
    ("verify", "Drift verifier (CPU-bound loop in the guest, module loaded, monitor)",
     "configuration", "loop instructions (added) | icount ratio | wall ratio | "
     "instr / verifier pass | CPU share",
     "n:instr r5:icount_ratio r3:wall_ratio n:per_pass %:cpu_share",
     "the verify_ms=0 loops spread over {verify/verify_0 s:instr} instructions (min–max); at "
     "the {verify/verify_100 n:per_pass} instructions per pass measured at 100 ms, "
     "verify_ms=1000 costs {verify/verify_100 g:per_pass} of one CPU under icount"),
]


def row_order(name):
    """Rows in the order of LABEL, sizes by number, then the others."""
    return [(list(LABEL).index(p) if p in LABEL else len(LABEL), int(p) if p.isdigit() else 0, p)
            for p in name.split("/")]


def section(runs, sec, title, labels, figures, specs, note):
    """One section's table, the series' columns side by side (a label repeated from the row
    above left empty), then each series' note."""
    names = sorted({n for r in runs.values() for n in r["results"] if n.split("/")[0] == sec
                    and n not in UNLISTED}, key=row_order)
    body, above = [], []
    for name in names:
        cells = [LABEL.get(p, p) for p in name.split("/")[1:]]
        body.append(["" if cells[:i + 1] == above[:i + 1] and i < len(cells) - 1 else c
                     for i, c in enumerate(cells)] +
                    [cell(r["results"].get(name), spec) if r["results"].get(name) else "-"
                     for r in runs.values() for spec in specs.split()])
        above = cells
    header = labels.split(" | ") + ["%s %s" % (s, f) for s in runs for f in figures.split(" | ")]
    notes = []
    for s, res in ((s, dict(r["results"], sizes=r["meta"]["sizes"])) for s, r in runs.items()):
        text = note(res) if callable(note) else re.sub(
            r"\{(\S+) (\S+)\}", lambda m: cell(res.get(m[1]), m[2]), note or "")
        notes += ["- %s: %s." % (s, text)] if text else []
    table = ["| " + " | ".join(row) + " |" for row in [header, ["---"] * len(header)] + body]
    return ["## " + title, "", *table, ""] + notes + [""] * bool(notes)


def full_report(runs):
    """Markdown of every series (also printed): which runs, then one table per section."""
    parts = ["# sysrqmon benchmark", ""] + [
        HEADER.format(smoke_tag=" (smoke)" if r["meta"]["smoke"] else "", **r["meta"])
        for r in runs.values()] + ["", PREAMBLE, ""]
    for table in TABLES:
        if any(n.startswith(table[0] + "/") for r in runs.values() for n in r["results"]):
            parts += section(runs, *table)
    return "\n".join(parts)


def goal_checks(res):
    """[(met, text)]: each hot-path goal on icount medians (rounded as printed): ratio <=
    GOALS[file] and ratio <= floor_ftrace + FLOOR_MARGIN (floor None: the floor was not
    measured, only the first half is checked)."""
    out = []
    for f, cfg in itertools.product(GOALS, ("monitor", "deny", "watch_reads")):
        fl = (res.get("hot/%s/floor_ftrace" % f) or {}).get("icount_ratio")
        floor, e = fl and round(fl["median"], 3), (res.get("hot/%s/%s" % (f, cfg)) or {})
        r = e.get("icount_ratio") and round(e["icount_ratio"]["median"], 3)
        if r is not None:
            met = r <= GOALS[f] + 1e-9 and (floor is None or r <= floor + FLOOR_MARGIN + 1e-9)
            bound = (", floor not measured" if floor is None else ", ≤ floor %.3f + %.3f = %.3f"
                     % (floor, FLOOR_MARGIN, floor + FLOOR_MARGIN))
            out.append((met, "%s %s %.3f %s (≤ %.2f%s)"
                        % (f, cfg, r, "met" if met else "MISSED", GOALS[f], bound)))
    return out


def check_complete(res, sections):
    """Names of figures the run should have produced but did not."""
    def have(name):
        e = res.get(name) if name != "burst" else any(n.startswith("burst/") for n in res)
        ratio = name.startswith(("verify/", "hot/")) and not name.endswith("/none")
        return bool(e) and (not ratio or bool(e.get("icount_ratio")))
    return [n for n in WANT if n.split("/")[0] in sections and not have(n)]


def run_series(args, series, sizes):
    """Build, boot and analyse one kernel series; a dict for results.json."""
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sysrqmon-bench-%s-" % series,
                                     ignore_cleanup_errors=True) as workdir:
        module, kdir, bindir = build(args, series, workdir)
        kernel, initrd = qrun.find_kernel(None, None, module, kdir), workdir + "/initrd.gz"
        env = {"BENCH_" + k.upper(): str(v) for k, v in dict(sizes, sections=" ".join(
            args.sections)).items()}
        qrun.initramfs(initrd, "/bin/busybox", {"bench": os.path.join(HERE, "guest", "bench.sh")},
                       bindir, env, {"tests/sysrqmon.ko": module}, {"sysrqmonctl": args.tool})
        log("== bench %s: kernel %s, module %s, icount, %d round(s), sections %s (built in %.0f s)"
            % (series, os.path.basename(kernel), os.path.basename(module) if module == args.module
               else "built against " + os.path.basename(kdir), sizes["rounds"],
               ",".join(args.sections), time.monotonic() - t0))
        records, results, problems, elapsed = boot(
            args, kernel, initrd, os.path.join(args.out, "console-%s.log" % series))
    res = analyse(records)
    qemu = re.search(r"version (\S+)", subprocess.run(["qemu-system-x86_64", "--version"],
                                                      capture_output=True, text=True).stdout)
    cpu = next((ln.split(":", 1)[1].strip() for ln in pathlib.Path("/proc/cpuinfo").read_text()
                .splitlines() if ln.startswith("model name")), platform.machine())
    meta = dict(series=series, date=datetime.date.today().isoformat(), icount=True,
                machine="host: %d cores, %s" % (os.cpu_count() or 0, cpu),
                qemu_version=qemu.group(1) if qemu else "?", smoke=args.smoke,
                kernel_release=res.get("info", {}).get("kernel") or os.path.basename(kernel),
                module=os.path.relpath(module, REPO) if module == args.module
                else "module/ built against " + kdir, rounds=sizes["rounds"], sizes=sizes,
                sections=args.sections, boot_seconds=round(elapsed, 1),
                series_seconds=round(time.monotonic() - t0, 1), goals=GOALS,
                floor_margin=FLOOR_MARGIN)
    return {"meta": meta, "results": res, "records": records, "problems": problems,
            "failures": [{"name": n, "detail": d} for n, ok, d in results if not ok],
            "missing": [] if problems else check_complete(res, args.sections)}


def measure(args):
    """Run every series asked for; (runs, errors), runs None when nothing could run."""
    sizes = dict(SMOKE if args.smoke else FULL)
    if args.rounds:
        sizes["rounds"] = sizes["verify_rounds"] = args.rounds
    for p, what in ((args.tool, "tool (make tools)"), ("/bin/busybox", "busybox (busybox-static)"),
                    (args.module if "6.1" in args.series else args.tool, "module (make module)")):
        if not os.path.isfile(p):
            log("bench.py: %s not found: %s\nbench: FAILED (missing input)" % (what, p))
            return None, []
    args.module, args.tool = os.path.abspath(args.module), os.path.abspath(args.tool)
    runs, errors = {}, []
    for s in args.series:
        try:
            runs[s] = run_series(args, s, sizes)
        except SystemExit as e:  # a build or the kernel download failed: no figures
            log(str(e))
            errors.append("%s: %s" % (s, e))
    if not runs:
        log("bench: FAILED (%s)" % "; ".join(errors))
    return runs or None, errors


def verdict(runs, errors, seconds):
    """Each failure, then the last line, bench: OK or FAILED; the exit status."""
    goals = []
    for s, r in runs.items():
        errors += (["%s: %s" % (s, p) for p in r["problems"]] +
                   ["%s: %s: %s" % (s, f["name"], f["detail"]) for f in r["failures"]] +
                   ["%s: missing figures: %s" % (s, ", ".join(r["missing"]))] * bool(r["missing"]))
        checks = goal_checks(r["results"])
        missed = sum(not met for met, _ in checks)
        goals += ["%s %s" % (s, "%d of %d goals MISSED" % (missed, len(checks)) if missed
                             else "goals met")] * bool(checks)
    times = "%.0f s: %s" % (seconds, ", ".join(
        "%s %.0f s (boot %.0f s)" % (s, r["meta"]["series_seconds"], r["meta"]["boot_seconds"])
        for s, r in runs.items()))
    log("\n".join(["FAIL " + e for e in errors] + [
        "bench: FAILED (%d problem(s)) in %s" % (len(errors), times) if errors else
        "bench: OK in %s%s" % (times, "; " + "; ".join(goals) if goals else "")]))
    return 1 if errors else 0


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
    for attr, what, known in (("series", "series", SERIES), ("sections", "section", SECTIONS)):
        given = re.split(r"[,\s]+", getattr(args, attr).strip(", "))
        if not given[0] or set(given) - set(known):
            ap.error("unknown %s: %s (known: %s)" % (what, ", ".join(sorted(
                set(given) - set(known))), ", ".join(known)))
        setattr(args, attr, given)
    args.out = os.path.join(REPO, "bench", "smoke" if args.smoke else "")
    os.makedirs(args.out, exist_ok=True)
    t_start = time.monotonic()
    if args.from_json:
        runs = json.loads(pathlib.Path(args.from_json).read_text())["series"]
        for run in runs.values():
            run["results"] = analyse(run["records"])
    else:
        runs, errors = measure(args)
        if runs is None:
            return 1
        log("")
    report = full_report(runs)
    log(report)
    pathlib.Path(args.out, "results.md").write_text(report)
    if args.from_json:
        return 0
    pathlib.Path(args.out, "results.json").write_text(json.dumps({"series": runs}, indent=1,
                                                                 sort_keys=True))
    log("results: %s/results.json, results.md, %s" % (os.path.relpath(args.out), ", ".join(
        "console-%s.log" % s for s in runs)))
    return verdict(runs, errors, time.monotonic() - t_start)


if __name__ == "__main__":
    sys.exit(main())
