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


# --------------------------------------------------------------------------------------------
# build


def kdir_for(module, kdir=None):
    if kdir:
        return kdir
    rel = qboot.module_release(module)
    for cand in ("/usr/src/linux-headers-%s" % rel, "/lib/modules/%s/build" % rel):
        if rel and os.path.isfile(os.path.join(cand, "Makefile")):
            return cand
    raise SystemExit("bench.py: no kernel headers for %s (install linux-headers-%s or pass "
                     "--kdir)" % (rel, rel))


def series_module(args, series, workdir):
    """(module, kdir) of a series: 6.1 the given module and its headers; another series the
    module of this tree built against its metapackage's headers (tests/smoke-kernel.sh)."""
    if SERIES[series] is None:
        return args.module, kdir_for(args.module, args.kdir)
    res = subprocess.run([os.path.join(REPO, "tests", "kernels.sh"), "kdir", SERIES[series]],
                         stdout=subprocess.PIPE, text=True)
    kdir = (res.stdout.strip().splitlines() or [""])[-1]
    if res.returncode or not os.path.isdir(kdir):
        raise SystemExit("bench.py: cannot fetch the kernel tree of " + SERIES[series])
    src = os.path.join(workdir, "src")
    os.makedirs(src)
    junk = shutil.ignore_patterns("*.o", "*.ko", ".*.cmd", "*.mod*", "modules.order",
                                  "Module.symvers")
    for name in ("Kbuild", "VERSION", "include", "module"):
        path = os.path.join(REPO, name)
        if os.path.isdir(path):
            shutil.copytree(path, os.path.join(src, name), ignore=junk)
        else:
            shutil.copy(path, src)
    qboot.kbuild(kdir, src, "the module")
    return os.path.join(src, "module", "sysrqmon.ko"), kdir


def build(kdir, workdir):
    """Static guest programs and the floor module (against kdir), all into workdir/bin."""
    bindir = os.path.join(workdir, "bin")
    os.makedirs(bindir)
    guest = os.path.join(HERE, "guest")
    cflags = ["-static", "-O2", "-Wall", "-Wextra", "-Werror"]
    for prog, extra in (("benchop", []), ("nlbench", ["-I" + os.path.join(REPO, "include",
                                                                          "uapi")])):
        cmd = ["gcc"] + cflags + extra + ["-o", os.path.join(bindir, prog),
                                          os.path.join(guest, prog + ".c")]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode:
            sys.stderr.write(res.stdout + res.stderr)
            raise SystemExit("bench.py: building %s failed" % prog)
    floor = os.path.join(workdir, "floor")
    os.makedirs(floor)
    for fn in ("Kbuild", "sysrqbench_floor.c"):
        shutil.copy(os.path.join(HERE, "floor", fn), floor)
    qboot.kbuild(kdir, floor, "the floor module")
    shutil.copy(os.path.join(floor, "sysrqbench_floor.ko"), bindir)
    return bindir


# --------------------------------------------------------------------------------------------
# boot


def boot(args, kernel, initrd, console_path):
    """One icount boot (tests/qemu/boot.py); returns (records, results, problems, elapsed)."""
    records, results, state = [], [], {"wb": None, "we": None, "section": None}

    def on_marker(line, now):
        if line == "@@WB":
            state["wb"], state["we"] = now, None
        elif line == "@@WE":
            state["we"] = now
        elif line.startswith("@@M "):
            rec = dict(tok.partition("=")[::2] for tok in line[4:].split())
            if state["wb"] is not None and state["we"] is not None:
                rec["wall_s"] = state["we"] - state["wb"]
            state["wb"] = state["we"] = None
            records.append(rec)
            if args.verbose:
                log("   " + line[4:] + ("  wall=%.3fs" % rec["wall_s"] if "wall_s" in rec
                                        else ""))
            if rec.get("sec") not in (state["section"], "info"):
                state["section"] = rec.get("sec")
                log("-- %s (t=%.0f s)" % (state["section"], now))
        elif line.startswith("@@RESULT "):
            m = qboot.RESULT_RE.match(line)
            results.append((m.group(1), m.group(2) == "PASS", m.group(3)) if m else
                           ("bench/marker", False, "malformed: " + line))
            if not results[-1][1] or args.verbose:
                log("%s %s %s" % ("PASS" if results[-1][1] else "FAIL", *results[-1][::2]))
        elif line.startswith("@@BOOTED"):
            log("   guest booted after %.1f s" % now)

    r = qboot.boot(kernel, initrd, args.append, console_path, on_marker, icount=args.icount,
                   timeout=args.timeout, loglevel=4, qemu=args.qemu, verbose=args.verbose)
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
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def paired(records, key_fields, cfg_field="cfg", base="none"):
    """Interleaved runs: each non-base record against the mean of the base records of the
    same key just before and just after it. Returns {key: {cfg: [(x, baseline, rec), ...]}}."""
    out = {}
    groups = {}
    for rec in records:
        groups.setdefault(tuple(rec.get(k) for k in key_fields), []).append(rec)
    for key, recs in groups.items():
        for i, rec in enumerate(recs):
            if rec.get(cfg_field) == base:
                continue
            before = next((r for r in reversed(recs[:i]) if r.get(cfg_field) == base), None)
            after = next((r for r in recs[i + 1:] if r.get(cfg_field) == base), None)
            out.setdefault(key, {}).setdefault(rec[cfg_field], []).append((rec, before, after))
    return out


def ratio_stats(triples, value):
    """value(rec) -> number; ratios of each record to the mean of its neighbours."""
    ratios = []
    for rec, before, after in triples:
        x = value(rec)
        bases = [value(b) for b in (before, after) if b is not None and value(b)]
        if x is None or not bases:
            continue
        ratios.append(x / (sum(bases) / len(bases)))
    return stats(ratios)


def added(triple, value):
    """value() of a record less the mean of its neighbours' (None when a figure is missing:
    a marker line garbled on a loaded host, which stats() then leaves out)."""
    x = value(triple[0]) if triple[0] else None
    bases = [value(b) for b in triple[1:] if b and value(b) is not None]
    return x - statistics.mean(bases) if x is not None and bases else None


def per_op(rec):
    return num(rec.get("per_op"))


def wall_per_op(rec):
    w, n = rec.get("wall_s"), num(rec.get("n"))
    return w * 1e9 / n if w and n else None


def interleaved(records, sec, key, ops_per_s=False):
    """{KEY value: {cfg: figures}} of an interleaved section: per op (instructions, wall ns,
    with OPS_PER_S wall ops/s) and, against the "none" runs either side, the ratios and the
    added instructions."""
    recs = [r for r in records if r.get("sec") == sec]

    def figures(group, triples=()):
        e = {"instructions_per_op": stats([per_op(r) for r in group]),
             "wall_ns_per_op": stats([wall_per_op(r) for r in group])}
        if ops_per_s:
            e["wall_ops_per_s"] = stats([1e9 / wall_per_op(r) for r in group
                                         if wall_per_op(r)])
        if triples:
            e.update(icount_ratio=ratio_stats(triples, per_op),
                     wall_ratio=ratio_stats(triples, wall_per_op),
                     added_instructions=stats([added(t, per_op) for t in triples]))
        return e

    out = {}
    for (k,), cfgs in sorted(paired(recs, [key]).items()):
        out[k] = {"none": figures([r for r in recs if r.get(key) == k and
                                   r.get("cfg") == "none"])}
        out[k].update((cfg, figures([t[0] for t in tr], tr)) for cfg, tr in cfgs.items())
    return out


def analyse(records):
    res = {"hot": {}, "target": {}, "latency": {}, "burst": [], "memory": {}, "verify": {},
           "info": {}}
    for rec in records:
        if rec.get("sec") == "info":
            res["info"][rec["key"]] = rec.get("value")

    res["hot"] = interleaved(records, "hot", "file")
    res["target"] = interleaved(records, "target", "op", ops_per_s=True)

    for rec in records:
        if rec.get("sec") == "latency":
            res["latency"][rec["op"]] = {k: num(v) for k, v in rec.items()
                                         if k not in ("sec", "op", "wall_s")}
        elif rec.get("sec") == "burst":
            b = {k: num(v) for k, v in rec.items() if k not in ("sec", "op", "wall_s")}
            if rec.get("wall_s"):
                b["wall_s"] = rec["wall_s"]
            b["zero_drops"] = (b.get("dropped") == 0 and b.get("lost_records") == 0
                               and (b.get("received") or 0) >= (b.get("generated") or 0))
            res["burst"].append(b)
        elif rec.get("sec") == "memory":
            res["memory"][rec["state"]] = {k: num(v) for k, v in rec.items()
                                           if k not in ("sec", "state", "wall_s")}
    for prio in sorted({b.get("prio") for b in res["burst"]}):
        ok = [b["size"] for b in res["burst"] if b.get("prio") == prio and b["zero_drops"]]
        bad = [b["size"] for b in res["burst"] if b.get("prio") == prio and not b["zero_drops"]]
        res.setdefault("burst_summary", {})["fifo" if prio else "normal"] = {
            "largest_zero_drop": max(ok) if ok else None,
            "smallest_with_drops": min(bad) if bad else None}

    ver = [r for r in records if r.get("sec") == "verify"]
    for _key, cfgs in paired(ver, [], base="verify_0").items():
        base = [num(r["ns"]) for r in ver if r.get("cfg") == "verify_0"]
        res["verify"]["verify_0"] = {"loop_instructions": stats(base)}
        for cfg, triples in cfgs.items():
            ms = int(cfg.split("_")[1])

            def total(r):
                return num(r["ns"]) if r else None
            extra = [added(t, total) for t in triples]
            # passes of the verifier that fall into one loop: loop time / period
            passes = [total(t[0]) / (ms * 1e6) if total(t[0]) else None for t in triples]
            per_pass = [a / p for a, p in zip(extra, passes) if a is not None and p]
            res["verify"][cfg] = {
                "loop_instructions": stats([total(t[0]) for t in triples]),
                "icount_ratio": ratio_stats(triples, total),
                "wall_ratio": ratio_stats(triples, lambda r: r.get("wall_s") if r else None),
                "added_instructions": stats(extra),
                "instructions_per_pass": stats(per_pass),
                "cpu_share": stats([pp / (ms * 1e6) for pp in per_pass]),
            }
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
    v = s["median"]
    return ("%.0f" % v if abs(v) >= 100 else "%.1f" % v) + unit


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def report(res, meta):
    """Markdown text (also printed)."""
    parts = []
    parts.append("sysrqmon benchmark, %s, %s; guest %s, QEMU %s TCG, 1 vCPU, %s; %d round(s) "
                 "(verifier: %d)%s; one boot, %.0f s."
                 % (meta["date"], meta["machine"], meta["kernel_release"], meta["qemu_version"],
                    "-icount shift=0,sleep=off" if meta["icount"] else "no icount",
                    meta["rounds"], meta["sizes"]["verify_rounds"],
                    " (smoke)" if meta["smoke"] else "", meta["boot_seconds"]))
    parts.append("")
    parts.append("**icount** = instructions per operation measured with "
                 "`-icount shift=0,sleep=off` (deterministic path length); **wall** = host "
                 "clock time of the same stretch under TCG emulation (noisy: it swings with "
                 "the host's load). Ratios are to \"module not "
                 "loaded\", each run against the unloaded runs on either side of it; median "
                 "(min–max) over the rounds. No bare-metal figure is included.")
    hot = res.get("hot")
    if hot:
        parts.append("")
        parts.append("### Hot path: open()+close() of files the module does not watch")
        parts.append("")
        rows = []
        cfgs = ["none", "monitor", "deny", "watch_reads", "floor_ftrace", "floor_ftrace_magic",
                "floor_kprobe"]
        for cfg in cfgs:
            if not any(cfg in hot[f] for f in hot):
                continue
            row = [CFG_LABEL[cfg]]
            for f in ("regular", "procfs"):
                e = hot.get(f, {}).get(cfg)
                if not e:
                    row += ["-", "-", "-"]
                elif cfg == "none":
                    row += [fmt_n(e["instructions_per_op"]), "1", "1"]
                else:
                    added = e.get("added_instructions")
                    row += ["%s (%+.0f)" % (fmt_n(e["instructions_per_op"]), added["median"])
                            if added else fmt_n(e["instructions_per_op"]),
                            fmt_r(e["icount_ratio"]), fmt_r(e["wall_ratio"], 2)]
            rows.append(row)
        parts.append(md_table(["configuration", "regular: instr/op (added)",
                               "regular: icount ratio",
                               "regular: wall ratio", "procfs: instr/op (added)",
                               "procfs: icount ratio", "procfs: wall ratio"], rows))
        parts.append("")
        parts.append(goal_text(hot))
        parts.append("Regular file: a file on tmpfs; procfs file: /proc/sys/kernel/printk "
                     "(read-only opens).")
    tgt = res.get("target")
    if tgt:
        parts.append("")
        parts.append("### Target path: writes to kernel.sysrq and /proc/sysrq-trigger")
        parts.append("")
        rows = []
        for op, e in tgt.items():
            for cfg in ("none", "monitor", "listener"):
                c = e.get(cfg)
                if not c:
                    continue
                rows.append([OP_LABEL.get(op, op) if cfg == "none" else "", CFG_LABEL[cfg],
                             fmt_n(c["instructions_per_op"]),
                             "1" if cfg == "none" else fmt_r(c["icount_ratio"]),
                             "" if cfg == "none" else fmt_n(c["added_instructions"]),
                             fmt_n(c["wall_ops_per_s"]),
                             "1" if cfg == "none" else fmt_r(c["wall_ratio"], 2)])
        parts.append(md_table(["operation", "configuration", "instr/op", "icount ratio",
                               "added instr/op", "wall writes/s (TCG)", "wall ratio"], rows))
        parts.append("")
        parts.append("The trigger key is the current console loglevel digit (%s): no state "
                     "changes, but the kernel prints two `sysrq:` lines on the serial console "
                     "for every write, with or without the module, which dilutes the ratio; "
                     "\"added instr/op\" is what the module adds (with a listener, also the "
                     "listener's own work: one vCPU runs writer, worker and listener). Audit "
                     "lines are on (the default), but their rate limit (200 per 5 s) "
                     "suppresses almost all of them in these loops. The listener is "
                     "`sysrqmonctl listen --json > /dev/null`."
                     % res.get("info", {}).get("console_loglevel", "?"))
    lat = res.get("latency")
    if lat:
        parts.append("")
        parts.append("### Event delivery latency (instructions, icount)")
        parts.append("")
        rows = []
        for op, e in lat.items():
            rows.append([OP_LABEL.get(op, op), "%d" % e.get("n", 0),
                         "%.0f" % e["ret_p50"], "%.0f" % e["ret_p99"],
                         "%.0f" % e["hook_p50"], "%.0f" % e["hook_p99"]])
        parts.append(md_table(["write", "events", "write returned → received: p50",
                               "p99", "hook → received: p50", "p99"], rows))
        parts.append("")
        parts.append("One process writes, then blocks in recv() on its own raw generic-netlink "
                     "socket (tests/bench/guest/nlbench.c) until the event of that write "
                     "arrives; \"hook\" uses the event's SYSRQMON_ATTR_TIME_NS. One vCPU: the "
                     "module's worker mostly runs before the write has returned to user space, "
                     "so \"write returned → received\" is then the cost of clock_gettime() + "
                     "recv() themselves. Under icount, 1 ns = 1 instruction.")
    if res.get("burst"):
        parts.append("")
        parts.append("### Bursts (default buffer) with `sysrqmonctl listen --json` attached")
        parts.append("")
        rows = []
        for b in res["burst"]:
            rows.append(["SCHED_FIFO %d" % b["prio"] if b.get("prio") else "normal",
                         "%d" % b["size"], "%d" % b.get("generated", 0),
                         "%d" % b.get("sent", 0), "%d" % b.get("dropped", 0),
                         "%d" % b.get("received", 0), "%d" % b.get("lost_records", 0),
                         "yes" if b["zero_drops"] else "no"])
        parts.append(md_table(["writer", "writes", "generated", "sent", "dropped",
                               "received", "lost records", "0 drops"], rows))
        summ = res.get("burst_summary", {})
        parts.append("")
        parts.append("Largest burst with 0 drops (buffer %s events): normal-priority writer %s; "
                     "SCHED_FIFO writer (the module's worker cannot run until the burst ends) "
                     "%s. A burst stops growing at its first drop; \"> N\" means no size tried "
                     "dropped."
                     % (fmt_int(res["burst"][0].get("buffer")),
                        burst_word(summ.get("normal")), burst_word(summ.get("fifo"))))
    mem = res.get("memory")
    if mem:
        parts.append("")
        parts.append("### Memory")
        parts.append("")
        un = mem.get("unloaded", {})
        rows = []
        for state, label in (("idle", "loaded, idle"),
                             ("storm_no_listener", "right after a storm, no listener"),
                             ("storm_stalled_listener", "storm into a stalled listener"),
                             ("after_storm", "after the storms, listener gone")):
            m = mem.get(state)
            if not m:
                continue
            rows.append([label, delta(m, un, "slab"), delta(m, un, "sunreclaim"),
                         delta(m, un, "vmallocused"),
                         fmt_int((m.get("vmalloc_module") or 0) / 1024) + " KiB",
                         fmt_int((m.get("nl_rmem") or 0) / 1024) + " KiB"])
        parts.append("Module size in /proc/modules: %s bytes (the floor module: %s bytes); "
                     "buffer_events=%s; a storm is %s kernel.sysrq writes."
                     % (fmt_int(mem.get("idle", {}).get("module_size")),
                        fmt_int(mem.get("floor", {}).get("module_size")),
                        fmt_int(mem.get("idle", {}).get("buffer")),
                        fmt_int(meta["sizes"]["n_storm"])))
        parts.append("")
        parts.append(md_table(["state", "Slab Δ", "SUnreclaim Δ", "VmallocUsed Δ",
                               "vmalloc by sysrqmon (/proc/vmallocinfo)",
                               "queued in netlink sockets"], rows))
        parts.append("")
        parts.append("Δ: /proc/meminfo against the same guest before the load (whole-system "
                     "counters: a few hundred KiB either way are the shell and its children). "
                     "VmallocUsed includes the module's text and data. The stalled listener is "
                     "`sysrqmonctl listen` stopped with SIGSTOP: its socket (SO_RCVBUFFORCE "
                     "8 MiB) holds the events, which is the listener's memory, not the module's.")
    ver = res.get("verify")
    if ver:
        parts.append("")
        parts.append("### Drift verifier (CPU-bound loop in the guest, module loaded, monitor)")
        parts.append("")
        rows = []
        for cfg in ("verify_0", "verify_1000", "verify_100"):
            e = ver.get(cfg)
            if not e:
                continue
            if cfg == "verify_0":
                rows.append([CFG_LABEL[cfg], fmt_n(e["loop_instructions"]), "1", "1",
                             "", "", ""])
            else:
                rows.append([CFG_LABEL[cfg], fmt_n(e["loop_instructions"]),
                             fmt_r(e["icount_ratio"], 5), fmt_r(e["wall_ratio"], 3),
                             fmt_n(e["added_instructions"]), fmt_n(e["instructions_per_pass"]),
                             "%.4f %%" % (100 * e["cpu_share"]["median"])
                             if e.get("cpu_share") else "-"])
        parts.append(md_table(["configuration", "loop instructions", "icount ratio",
                               "wall ratio", "added instr / loop", "instr / verifier pass",
                               "CPU share"], rows))
        parts.append("")
        parts.append("Per pass = added instructions divided by the passes the period fits into "
                     "one loop (loop time / period; under icount 1 s = 10^9 instructions).")
        v0 = (ver.get("verify_0") or {}).get("loop_instructions")
        pp = (ver.get("verify_100") or {}).get("instructions_per_pass")
        if v0 and pp:
            parts.append("The verify_ms=0 loops spread over %.0f instructions (min–max), so the "
                         "default period's few passes per loop are inside the noise; from the "
                         "per-pass cost measured at 100 ms (%.0f instructions), verify_ms=1000 "
                         "costs %.0f instructions per second of guest time, %.5f %% of one CPU "
                         "under icount." % (v0["max"] - v0["min"], pp["median"], pp["median"],
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
            if not e:
                continue
            r = round(e["median"], 3)
            met = r <= g + 1e-9 and (floor is None or r <= floor + FLOOR_MARGIN + 1e-9)
            out.append((f, cfg, r, floor, met))
    return out


def goal_text(hot, prefix="Goals"):
    items = []
    for f, cfg, r, floor, met in goal_checks(hot):
        lim = "≤ %.2f" % GOALS[f]
        lim += (", ≤ floor %.3f + %.3f = %.3f" % (floor, FLOOR_MARGIN, floor + FLOOR_MARGIN)
                if floor is not None else ", floor not measured")
        items.append("%s %s %.3f %s (%s)" % (f, cfg, r, "met" if met else "MISSED", lim))
    return ("%s (icount medians of the non-target opens; at most the empty ftrace_ops floor + "
            "%.3f and at most %.2f regular / %.2f procfs): %s."
            % (prefix, FLOOR_MARGIN, GOALS["regular"], GOALS["procfs"], "; ".join(items)))


def side_by_side(runs):
    """The hot path of every series in one table: icount ratio (added instructions)."""
    cols = [(s, f) for s in runs for f in ("regular", "procfs")]
    rows = []
    for cfg in ("none", "monitor", "deny", "watch_reads", "floor_ftrace", "floor_ftrace_magic",
                "floor_kprobe"):
        row = [CFG_LABEL[cfg]]
        for s, f in cols:
            e = runs[s]["results"].get("hot", {}).get(f, {}).get(cfg)
            if not e:
                row.append("-")
            elif cfg == "none":
                row.append("%s instr/op" % fmt_n(e["instructions_per_op"]))
            else:
                r, a = e.get("icount_ratio"), e.get("added_instructions")
                row.append("%s (%+.0f)" % (fmt_r(r).split()[0], a["median"]) if r and a
                           else "-")
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
            parts.append(goal_text(r["results"]["hot"], "%s goals" % s))
            parts.append("")
    for s, r in runs.items():
        parts.append("## %s: %s" % (s, r["meta"]["kernel_release"]))
        parts.append("")
        parts.append(report(r["results"], r["meta"]))
    return "\n".join(parts)


def fmt_int(v):
    return "-" if v is None else "%d" % v


def burst_word(s):
    if not s:
        return "-"
    if s["smallest_with_drops"] is None:
        return "> %s writes (all sizes tried)" % fmt_int(s["largest_zero_drop"])
    return "%s writes (drops at %s)" % (fmt_int(s["largest_zero_drop"]),
                                        fmt_int(s["smallest_with_drops"]))


def delta(m, base, key):
    if m.get(key) is None or base.get(key) is None:
        return "-"
    return "%+d KiB" % (m[key] - base[key])


def check_complete(res, sections):
    """Names of figures the run should have produced but did not."""
    missing = []
    if "hot" in sections:
        for f in ("regular", "procfs"):
            for cfg in ("none", "monitor", "deny", "watch_reads", "floor_ftrace",
                        "floor_kprobe"):
                e = res["hot"].get(f, {}).get(cfg)
                if not e or (cfg != "none" and not e.get("icount_ratio")):
                    missing.append("hot/%s/%s" % (f, cfg))
    if "target" in sections:
        for op in OP_LABEL:
            for cfg in ("none", "monitor", "listener"):
                if not res["target"].get(op, {}).get(cfg):
                    missing.append("target/%s/%s" % (op, cfg))
    if "latency" in sections:
        for op in ("sysctl_write", "trigger_write"):
            if not res["latency"].get(op):
                missing.append("latency/" + op)
    if "burst" in sections and not res["burst"]:
        missing.append("burst")
    if "memory" in sections:
        for st in ("unloaded", "idle", "storm_no_listener", "storm_stalled_listener",
                   "after_storm", "floor"):
            if st not in res["memory"]:
                missing.append("memory/" + st)
    if "verify" in sections:
        for cfg in ("verify_1000", "verify_100"):
            if not (res["verify"].get(cfg) or {}).get("icount_ratio"):
                missing.append("verify/" + cfg)
    return missing


# --------------------------------------------------------------------------------------------


def run_series(args, series, sizes, sections):
    """Build, boot and analyse one kernel series; a dict for results.json."""
    t0 = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="sysrqmon-bench-%s-" % series)
    try:
        module, kdir = series_module(args, series, workdir)
        own = SERIES[series] is None
        kernel = qboot.find_kernel(args.kernel if own else None,
                                   args.kernel_release if own else None, module, kdir)
        bindir = build(kdir, workdir)
        env = {"BENCH_ROUNDS": str(sizes["rounds"]),
               "BENCH_VERIFY_ROUNDS": str(sizes["verify_rounds"]),
               "BENCH_N_OPEN": str(sizes["n_open"]),
               "BENCH_N_WRITE": str(sizes["n_write"]), "BENCH_N_TRIG": str(sizes["n_trig"]),
               "BENCH_N_LAT": str(sizes["n_lat"]), "BENCH_LOOP": str(sizes["loop"]),
               "BENCH_N_STORM": str(sizes["n_storm"]),
               "BENCH_BURSTS": sizes["bursts"], "BENCH_FIFO_BURSTS": sizes["fifo_bursts"],
               "BENCH_SECTIONS": " ".join(sections)}
        initrd = os.path.join(workdir, "initrd.gz")
        qboot.initramfs(initrd, args.busybox, {"bench": os.path.join(HERE, "guest", "bench.sh")},
                        bindir, env, {"tests/sysrqmon.ko": module}, {"sysrqmonctl": args.tool})
        console_path = os.path.join(args.out, "console-%s.log" % series)
        log("== bench %s: kernel %s, module %s, %s, %d round(s), sections %s (built in %.0f s)"
            % (series, os.path.basename(kernel), os.path.basename(module) if own
               else "built against " + os.path.basename(kdir),
               "icount" if args.icount else "no icount", sizes["rounds"], ",".join(sections),
               time.monotonic() - t0))
        records, results, problems, elapsed = boot(args, kernel, initrd, console_path)
    finally:
        if args.keep:
            log("work directory kept: " + workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    res = analyse(records)
    failures = [r for r in results if not r[1]]
    missing = check_complete(res, sections) if not problems else []
    qv = subprocess.run([args.qemu, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"version (\S+)", qv)
    meta = {
        "series": series,
        "date": datetime.date.today().isoformat(),
        "machine": "host: %d cores, %s" % (os.cpu_count() or 0, cpu_model()),
        "kernel_release": res["info"].get("kernel") or os.path.basename(kernel),
        "qemu_version": m.group(1) if m else "?",
        "icount": args.icount,
        "rounds": sizes["rounds"],
        "smoke": args.smoke,
        "sizes": sizes,
        "sections": sections,
        "boot_seconds": round(elapsed, 1),
        "series_seconds": round(time.monotonic() - t0, 1),
        "module": (os.path.relpath(module, REPO) if own
                   else "module/ built against " + kdir),
        "goals": GOALS,
        "floor_margin": FLOOR_MARGIN,
        "bare_metal": None,
    }
    return {"meta": meta, "results": res, "records": records,
            "failures": [{"name": n, "detail": d} for n, _ok, d in failures],
            "problems": problems, "missing": missing}


def load_json(path):
    """{series: run} from a results.json (one written before --series: the 6.1 run alone)."""
    with open(path) as f:
        saved = json.load(f)
    runs = saved.get("series") or {"6.1": saved}
    for run in runs.values():
        run["meta"]["sizes"].setdefault("verify_rounds", run["meta"]["rounds"])
        run["results"] = analyse(run["records"])
    return runs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.split("\n")[1:]))
    ap.add_argument("--smoke", action="store_true",
                    help="1 round, small sizes (for make check)")
    ap.add_argument("--series", default=",".join(SERIES),
                    help="comma separated kernel series, run in this order (default: %s)"
                    % ",".join(SERIES))
    ap.add_argument("--rounds", type=int,
                    help="rounds per interleaved section (default 7; the verifier 5)")
    ap.add_argument("--sections", default=",".join(SECTIONS),
                    help="comma separated subset of: " + ",".join(SECTIONS))
    ap.add_argument("--module", default=os.path.join(REPO, "module", "sysrqmon.ko"),
                    help="the 6.1 series' module (other series build theirs)")
    ap.add_argument("--tool", default=os.path.join(REPO, "tools", "sysrqmonctl"))
    ap.add_argument("--kernel", help="6.1 series: vmlinuz to boot (default: Debian's, cached)")
    ap.add_argument("--kernel-release", help="6.1 series: Debian kernel release (default: the "
                                             "module's)")
    ap.add_argument("--kdir", help="6.1 series: kernel headers to build the floor module "
                                   "against")
    ap.add_argument("--out", help="directory for results.json, results.md, console-*.log "
                                  "(default bench/, with --smoke bench/smoke/)")
    ap.add_argument("--timeout", type=int, default=1800, help="boot timeout, seconds")
    ap.add_argument("--no-icount", dest="icount", action="store_false",
                    help="boot without -icount (guest figures become wall-clock too)")
    ap.add_argument("--append", default="", help="extra kernel command line")
    ap.add_argument("--keep", action="store_true", help="keep the work directories")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every record")
    ap.add_argument("--from-json", metavar="FILE",
                    help="no boot: print and write results.md again from a results.json")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--busybox", default="/bin/busybox")
    args = ap.parse_args()
    if not args.out:
        args.out = os.path.join(REPO, "bench", "smoke" if args.smoke else "")

    if args.from_json:
        text = full_report(load_json(args.from_json))
        log(text)
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "results.md"), "w") as f:
            f.write(text)
        return 0
    sizes = dict(SMOKE if args.smoke else FULL)
    if args.rounds:
        sizes["rounds"] = sizes["verify_rounds"] = args.rounds
    sections = [s for s in re.split(r"[,\s]+", args.sections) if s]
    bad = [s for s in sections if s not in SECTIONS]
    if bad:
        ap.error("unknown section(s): " + ", ".join(bad))
    series = [s for s in re.split(r"[,\s]+", args.series) if s]
    bad = [s for s in series if s not in SERIES]
    if bad or not series:
        ap.error("unknown series: %s (known: %s)" % (", ".join(bad), ", ".join(SERIES)))
    needed = [(args.tool, "tool (make tools)"), (args.busybox, "busybox (busybox-static)")]
    if "6.1" in series:
        needed.append((args.module, "module (make module)"))
    for p, what in needed:
        if not os.path.isfile(p):
            log("bench.py: %s not found: %s" % (what, p))
            log("bench: FAILED (missing input)")
            return 1
    args.module = os.path.abspath(args.module)
    args.tool = os.path.abspath(args.tool)
    os.makedirs(args.out, exist_ok=True)

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
    text = full_report(runs)
    log("")
    log(text)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"series": runs}, f, indent=1, sort_keys=True)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(text)
    log("results: %s, %s; consoles: %s"
        % (os.path.relpath(os.path.join(args.out, "results.json")),
           os.path.relpath(os.path.join(args.out, "results.md")),
           ", ".join(os.path.relpath(os.path.join(args.out, "console-%s.log" % s))
                     for s in runs)))
    total = time.monotonic() - t_start
    for s, r in runs.items():
        errors += ["%s: %s" % (s, p) for p in r["problems"]]
        errors += ["%s: %s: %s" % (s, f["name"], f["detail"]) for f in r["failures"]]
        if r["missing"]:
            errors.append("%s: missing figures: %s" % (s, ", ".join(r["missing"])))
    goals = "; ".join(
        "%s %s" % (s, "goals met" if all(g[4] for g in checks) else
                   "%d of %d goals MISSED" % (sum(not g[4] for g in checks), len(checks)))
        for s, checks in ((s, goal_checks(r["results"].get("hot", {}))) for s, r in runs.items())
        if checks)
    times = ", ".join("%s %.0f s (boot %.0f s)" % (s, r["meta"]["series_seconds"],
                                                  r["meta"]["boot_seconds"])
                      for s, r in runs.items())
    if errors:
        for e in errors:
            log("FAIL " + e)
        log("bench: FAILED (%d problem(s)) in %.0f s: %s" % (len(errors), total, times))
        return 1
    log("bench: OK in %.0f s: %s%s" % (total, times, "; " + goals if goals else ""))
    return 0


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


if __name__ == "__main__":
    sys.exit(main())
