#!/usr/bin/env python3
"""Run the sysrqmon tests in QEMU guests (Debian's 6.1 kernel, busybox initramfs).

  python3 tests/qemu/run.py [--module module/sysrqmon.ko] [--tool tools/sysrqmonctl]
  python3 tests/qemu/run.py --cases reboot | --all | --demo

Options, cases, markers, the figures table and the output contract (the last line is always
"N passed, M failed"; exit status 1 when M > 0): docs/qemu-suite.md. The boot itself and
the initramfs are boot.py's, shared with the demo and the benchmark.
"""

import argparse
import collections
import concurrent.futures
import fnmatch
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import boot as qboot

HERE = qboot.HERE
REPO = qboot.REPO
CASES_DIR = os.path.join(HERE, "cases")
OUT_DIR = os.path.join(HERE, "out")
FIGURES = []  # (boot label, name, value) from @@FIGURE markers
SKIPS = []  # "name why" from @@SKIP markers
SECONDS = {}  # case stem (01-load): seconds its last run took in a main guest

# A case: file stem ("50-audit-records"), name ("audit-records"), its "# qemu-test:" tags
# (reboot, own-boot, smp2, explicit), "# reboot-expect:" regex, "# qemu-append:" arguments.
Case = collections.namedtuple("Case", "stem name tags reboot_rx append")
# A boot: label, its cases, the reboot case it is for (or None), extra kernel command line.
Boot = collections.namedtuple("Boot", "label cases reboot_case append")


def log(msg):
    print(msg, flush=True)


def result(results, name, ok, detail, quiet=False):
    """Count one check and print it (QUIET: only when it failed)."""
    results.append((name, ok, detail))
    if not (quiet and ok):
        log("%s %s %s" % ("PASS" if ok else "FAIL", name, detail))


def input_modules(kernel, workdir):
    """evdev.ko and uinput.ko of a Debian kernel (the inject case loads them; the debug
    kernel has them built in, the cloud flavour has no uinput), unpacked into workdir when
    compressed, as busybox insmod takes plain ELF only."""
    root = os.path.dirname(os.path.dirname(os.path.realpath(kernel)))
    found = []
    for rel in ("drivers/input/evdev.ko", "drivers/input/misc/uinput.ko"):
        for ko in glob.glob(os.path.join(root, "lib/modules/*/kernel", rel + "*"))[:1]:
            tool = {".xz": "xz", ".zst": "zstd"}.get(os.path.splitext(ko)[1])
            if tool:
                with open(os.path.join(workdir, os.path.basename(rel)), "wb") as f:
                    subprocess.run([tool, "-dc", ko], stdout=f, check=True)
                ko = f.name
            found.append(ko)
    return found


def build_evil_module(args, workdir):
    """Build tests/module (the hostile test module) for the module's kernel."""
    kdir = args.kdir or "/usr/src/linux-headers-%s" % qboot.module_release(args.module)
    try:
        qboot.kbuild(kdir, os.path.join(workdir, "evil"), "sysrqevil.ko",
                     os.path.join(REPO, "tests", "module"))
        return os.path.join(workdir, "evil", "sysrqevil.ko")
    except SystemExit as e:
        log("%s\nnote: sysrqevil.ko did not build: the integrity cases will fail" % e)


def select_cases(args):
    """The boots: main (every chosen case that is not a reboot or own-boot one), one per
    reboot and own-boot case, and smp2 (--all, --smp2)."""
    cases = []
    for fn in sorted(os.listdir(CASES_DIR)):
        m = re.match(r"^(\d\d)-(.+)\.sh$", fn)
        if m:
            with open(os.path.join(CASES_DIR, fn)) as f:
                text = f.read()
            rx, app = (re.search(r"^# %s: (.+)$" % t, text, re.M)
                       for t in ("reboot-expect", "qemu-append"))
            cases.append(Case(fn[:-3], m.group(2),
                              set(re.findall(r"^# qemu-test: (\S+)\s*$", text, re.M)),
                              rx and rx.group(1).strip(), app.group(1).strip() if app else ""))
    if args.cases and not args.all:
        pats = [p for p in re.split(r"[,\s]+", ",".join(args.cases)) if p]
        hit = lambda c, p: fnmatch.fnmatch(c.name, p) or fnmatch.fnmatch(c.stem, p)  # noqa
        missing = [p for p in pats if not any(hit(c, p) for c in cases)]
        if missing:
            raise SystemExit("run.py: no case matches %s (cases: %s)"
                             % (", ".join(missing), ", ".join(c.name for c in cases)))
        cases = [c for c in cases if any(hit(c, p) for p in pats)]
    else:
        cases = [c for c in cases if "explicit" not in c.tags
                 and (args.all or "reboot" not in c.tags)]
    skip = [p for p in re.split(r"[,\s]+", ",".join(args.skip)) if p]
    cases = [c for c in cases if not any(fnmatch.fnmatch(c.name, p) for p in skip)]
    main = [c for c in cases if not c.tags & {"reboot", "own-boot"}]
    boots = [Boot("main", main, None, "")] if main else []
    boots += [Boot(("reboot-" if "reboot" in c.tags else "own-") + c.name, [c],
                   c if "reboot" in c.tags else None, c.append)
              for c in cases if c.tags & {"reboot", "own-boot"}]
    smp2 = [c for c in main if "smp2" in c.tags]
    if smp2 and (args.all or args.smp2):
        boots.append(Boot("smp2", smp2, None, ""))
    return boots


def run_boot(b, kernel, args, workdir, helper_dir, demo=False):
    """Boot B once; returns a list of (name, ok, detail)."""
    label, prefix = b.label, "smp2:" if b.label == "smp2" else ""
    initrd = os.path.join(workdir, label + ".initrd.gz")
    files = {"tests/sysrqmon.ko": args.module, "tests/sysrqevil.ko": args.evil_ko,
             "tests/sysrqmon_test.ko": os.path.join(os.path.dirname(args.module),
                                                    "sysrqmon_test.ko")}
    files = {g: h for g, h in files.items() if h and os.path.isfile(h)}
    files.update(("tests/kmod/" + os.path.basename(ko), ko) for ko in args.input_kos)
    qboot.initramfs(initrd, "/bin/busybox", {c.stem: os.path.join(HERE, "demo.sh") if demo else
                                           os.path.join(CASES_DIR, c.stem + ".sh")
                                           for c in b.cases},
                    helper_dir, dict(args.env, DEMO="1") if demo else args.env, files,
                    {"sysrqmonctl": args.tool,
                     "genl": shutil.which("genl", path="/usr/sbin:/sbin:/usr/bin:/bin")})
    os.makedirs(OUT_DIR, exist_ok=True)
    console_path = os.path.join(OUT_DIR, label + ".console.log")
    append = (args.append + " " + b.append).strip()
    if demo:
        log("== booting the demo guest (%s); it powers off when done" % os.path.basename(kernel))
    else:
        log("== boot %s: %d case(s): %s%s" % (label, len(b.cases), " ".join(
            c.name for c in b.cases), " (append: %s)" % append if append else ""))
    results, host_data, st = [], {}, {"case": None, "reboot": None, "pending": b""}

    def show(data):  # the demo shows the guest from its banner on
        if st["pending"] is not None:
            st["pending"] += data
            i = st["pending"].find(b"\n####")
            if i < 0:
                st["pending"] = st["pending"][-8:]
                return
            data, st["pending"] = st["pending"][i + 1:], None
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()

    def on_marker(line, now):
        tag, _, rest = line.partition(" ")
        if args.verbose and not demo:
            log("   [marker] " + line)
        if tag == "@@CASE":
            st["case"] = rest.strip()
            st.setdefault("starts", []).append((now, st["case"]))
            if not demo:
                log("-- %s (t=%.1f s)" % (rest, now))
        elif tag == "@@HOST":
            host_data.setdefault(st["case"], []).append(rest)
        elif tag == "@@EXPECT_REBOOT":
            st["reboot"] = rest.strip() or "?"
        elif tag == "@@RESULT":
            m = qboot.RESULT_RE.match(line)
            if m:
                result(results, prefix + m.group(1), m.group(2) == "PASS", m.group(3), demo)
            else:
                result(results, label + "/marker", False, "malformed: " + line)
        elif tag == "@@SKIP":
            SKIPS.append(prefix + rest.strip())
            log("SKIP %s" % SKIPS[-1])
        elif tag == "@@FIGURE" and len(rest.split()) >= 2:
            FIGURES.append((label,) + tuple(rest.split()[:2]))

    if not demo:
        st["pending"] = None
    r = qboot.boot(kernel, initrd, append, console_path, on_marker, loglevel=3 if demo else 7,
                   smp=2 if label == "smp2" else 1, timeout=args.timeout, verbose=args.verbose,
                   on_console=show if args.verbose or demo else None)
    if r.why and r.why.startswith("QEMU did not start"):
        return [(label + "/qemu", False, r.why)]
    log("   boot %s: /init after %s, total %.1f s, console log %s"
        % (label, "%.1f s" % r.booted if r.booted is not None else "never", r.elapsed,
           os.path.relpath(console_path)))
    if r.done and label.startswith("main"):
        starts = st.get("starts", []) + [(r.elapsed, None)]
        SECONDS.update((c, round(t1 - t0, 1)) for (t0, c), (t1, _) in zip(starts, starts[1:]))
    if r.bad:
        log("FAIL %s/kernel-log: the kernel reported problems:" % label)
        tail(r.bad[:80])
        results.append((label + "/kernel-log", False, "%d problem line(s), first: %s"
                        % (len(r.bad), r.bad[0].strip())))
    if b.reboot_case:
        result(results, *reboot_check(b.reboot_case, r, st["reboot"]))
        if not results[-1][1] and not r.done:
            tail(r.lines)
    elif not r.done:
        results.append((label + "/done", False, r.why))
        log("FAIL %s/done %s; last 60 console lines:" % (label, r.why))
        tail(r.lines)
        if r.stderr:
            log("   qemu stderr: " + r.stderr[-2000:])
    return results if demo else results + run_host_checks(label, b.cases, host_data, prefix)


def reboot_check(case, r, expect_reboot):
    """A reboot case: the guest rebooted, and its '# reboot-expect:' line matched the
    console before the kernel's 'sysrq: Resetting'."""
    if r.done or expect_reboot is None:
        return (case.name + "/rebooted", False, "guest did not reboot" if r.done
                else "guest never got to the reboot")
    if expect_reboot == "unordered":
        return (case.name + "/rebooted", True, "guest reset (line order not checked: SKIP)")
    if not case.reboot_rx:
        return (case.name + "/rebooted", False, "case has no '# reboot-expect:' line")
    text = "\n".join(r.lines)
    m, reset = re.search(case.reboot_rx, text), text.find("sysrq: Resetting")
    if m and 0 <= reset and m.start() < reset:
        return (case.name + "/audit-before-reset", True,
                "audit line before 'sysrq: Resetting': " + m.group(0))
    return (case.name + "/audit-before-reset", False,
            "no console line matching /%s/" % case.reboot_rx if not m else
            "no 'sysrq: Resetting' on the console" if reset < 0 else
            "audit line came after 'sysrq: Resetting'")


def run_host_checks(label, cases, host_data, prefix):
    """The host half of a case: cases/<stem>.host.py runs after the boot as `SCRIPT DATA BASE`
    (DATA: the case's @@HOST payloads, one a line; BASE: OUT_DIR/<boot>.<case>, a prefix for
    its files); its @@RESULT lines count like the guest's (NAME prefixed with the case)."""
    results = []
    for c in cases:
        script = os.path.join(CASES_DIR, c.stem + ".host.py")
        if not os.path.isfile(script):
            continue
        base = os.path.join(OUT_DIR, "%s.%s" % (label, c.name))
        with open(base + ".host-data", "w") as f:
            f.write("".join(p + "\n" for p in host_data.get(c.stem, [])))
        log("-- %s: host checks (%s)" % (c.name, os.path.relpath(script)))
        res = subprocess.run([sys.executable, script, base + ".host-data", base],
                             capture_output=True, text=True)
        got = len(results)
        for m in filter(None, (qboot.RESULT_RE.match(ln.strip())
                               for ln in res.stdout.split("\n"))):
            result(results, prefix + c.name + "/" + m.group(1), m.group(2) == "PASS",
                   m.group(3))
        if res.returncode != 0 or res.stderr.strip():
            log("   %s exited %d: %s" % (os.path.basename(script), res.returncode,
                                          res.stderr.strip()[-1000:]))
        if got == len(results):
            result(results, prefix + c.name + "/host", False, "%s exited %d without a result"
                   % (os.path.basename(script), res.returncode))
    return results


def tail(lines, n=60):
    for ln in lines[-n:]:
        log("   | " + ln)


SECONDS_FILE = os.path.join(qboot.CACHE, "case-seconds.json")


def load_case_seconds():
    """What each case took in its last main guest, per kind of kernel ("debug" or "debian"),
    kept in the cache so that the next run can share the cases out evenly."""
    try:
        with open(SECONDS_FILE) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save_case_seconds(kind):
    known = load_case_seconds()
    known.setdefault(kind, {}).update(SECONDS)
    os.makedirs(os.path.dirname(SECONDS_FILE), exist_ok=True)
    tmp = "%s.%d" % (SECONDS_FILE, os.getpid())
    with open(tmp, "w") as f:
        json.dump(known, f, indent=0, sort_keys=True)
    os.replace(tmp, SECONDS_FILE)


def share_out(cases, n, seconds):
    """The cases over N guests, the longest first to the guest with the least so far (a case
    never timed counts as the median); each guest keeps the suite's order, so the last case,
    the lock, stays last in its guest. Without timings: round robin."""
    known = sorted(seconds[c.stem] for c in cases if c.stem in seconds)
    guess = known[len(known) // 2] if known else 1
    load, shares = [0.0] * n, [[] for _ in range(n)]
    for i, c in sorted(enumerate(cases), key=lambda ic: -seconds.get(ic[1].stem, guess)):
        g = load.index(min(load))
        load[g] += seconds.get(c.stem, guess)
        shares[g].append((i, c))
    return [[c for _, c in sorted(share)] for share in shares]


def run_boots(boots, jobs, run, seconds):
    """Run the boots: the main cases shared out over JOBS guests (share_out) and the smp2 boot
    at once, each in its own thread; then the own boots one by one."""
    shards = []
    for b in boots:
        n = min(jobs, len(b.cases)) if b.label == "main" else 1
        shards += [Boot("main-%d" % (i + 1), share, None, "")
                   for i, share in enumerate(share_out(b.cases, n, seconds))] \
            if n > 1 else [b]

    def one(b):
        try:
            return run(b)
        except Exception as e:  # a harness error is a failure, not a crash
            return [(b.label + "/harness", False, repr(e))]

    together = [b.label.startswith("main") or b.label == "smp2" for b in shards]
    with concurrent.futures.ThreadPoolExecutor(max(1, sum(together))) as ex:
        futures = [ex.submit(one, b) if t else None for b, t in zip(shards, together)]
    return [r for f, b in zip(futures, shards) for r in (f.result() if f else one(b))]


def figures_table(results):
    """Lines "name value": cases tried/passed (a case passes when none of its checks fails),
    checks, then every @@FIGURE (numbers summed over boots and repeats, others last value)."""
    cases = {}
    for name, ok, _detail in results:
        cases[name.split("/", 1)[0]] = cases.get(name.split("/", 1)[0], True) and ok
    rows = [("date", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())),
            ("cases-tried", len(cases)), ("cases-passed", sum(cases.values())),
            ("checks-passed", sum(1 for r in results if r[1])),
            ("checks-failed", sum(1 for r in results if not r[1])),
            ("checks-skipped", len(SKIPS))]
    figs = {}
    for label, name, value in FIGURES:
        key = ("smp2:" if label == "smp2" else "") + name
        try:
            prev = figs.get(key, 0)
            figs[key] = (prev if isinstance(prev, (int, float)) else 0) + \
                (float(value) if "." in value else int(value))
        except ValueError:
            figs[key] = value
    rows += [(k, "%.1f" % v if isinstance(v, float) else v) for k, v in sorted(figs.items())]
    return ["%-28s %s" % r for r in rows]


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog="Every option: docs/qemu-suite.md")
    ap.add_argument("--module", default=os.path.join(REPO, "module", "sysrqmon.ko"))
    ap.add_argument("--tool", default=os.path.join(REPO, "tools", "sysrqmonctl"),
                    help="sysrqmonctl to install as /usr/sbin/sysrqmonctl (if it exists)")
    ap.add_argument("--kernel", help="vmlinuz/bzImage to boot (default: Debian's, cached)")
    ap.add_argument("--kernel-release", help="Debian kernel release, e.g. 6.1.0-56-amd64")
    ap.add_argument("--kdir", help="the kernel tree the module was built against")
    ap.add_argument("--cases", action="append", help="names or globs, comma separated")
    ap.add_argument("--all", action="store_true", help="every case and the 2-vCPU boot")
    ap.add_argument("--skip", action="append", default=[],
                    help="names or globs to leave out, comma separated")
    ap.add_argument("--timeout", type=int, help="per boot, s (default 1800; debug kernel 7200)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="main guests at once")
    ap.add_argument("--smp2", action="store_true", help="the smp2 cases again on 2 vCPUs")
    ap.add_argument("--figures", metavar="FILE", help="write the figures table to FILE too")
    ap.add_argument("--append", default="", help="extra kernel command line")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--verbose", "-v", action="store_true", help="stream the console")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="a variable for the cases (/tests/env)")
    ap.add_argument("--demo", action="store_true", help="the narrated demo (make demo)")
    ap.add_argument("--out-dir", default=OUT_DIR, help="console logs (default tests/qemu/out)")
    args = ap.parse_args()
    bad = [kv for kv in args.env if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", kv)]
    if bad:
        ap.error("--env wants NAME=VALUE, not %r" % bad[0])
    args.env = dict(kv.split("=", 1) for kv in args.env)
    return args


def main():
    global OUT_DIR
    args = parse_args()
    OUT_DIR = os.path.abspath(args.out_dir)
    for p, what in ((args.module, "module"), ("/bin/busybox", "busybox")):
        if not os.path.isfile(p):
            log("run.py: %s %s not found" % (what, p))
            log("0 passed, 1 failed")
            return 1
    args.module, args.tool = os.path.abspath(args.module), os.path.abspath(args.tool)
    if not os.path.isfile(args.tool):
        log("note: no tool at %s: the sysrqmonctl cases will fail" % args.tool)
    # The debug kernels' releases end in -sysrqmon-debug or -sysrqmon-rt-debug.
    debug_kernel = re.search(r"-sysrqmon(-rt)?-debug$", qboot.module_release(args.module) or "")
    args.timeout = args.timeout or (7200 if debug_kernel else 1800)
    if debug_kernel:
        args.env.setdefault("LOAD_SCALE", "5")  # the debug kernel is ~30x slower per write
    boots = [Boot("demo", [Case("demo", "demo", set(), None, "")], None, "")] if args.demo \
        else select_cases(args)
    bzimage = os.path.join(args.kdir or "", "arch/x86/boot/bzImage")
    kernel = qboot.find_kernel(args.kernel or (bzimage if args.kdir and os.path.isfile(bzimage)
                                               else None),
                               args.kernel_release, args.module, args.kdir)
    log("kernel %s, module %s" % (kernel, os.path.relpath(args.module)))
    workdir = tempfile.mkdtemp(prefix="sysrqmon-qemu-")
    t0, results = time.monotonic(), []
    try:
        helper_dir = os.path.join(workdir, "helpers")
        os.makedirs(helper_dir)
        res = subprocess.run(["make", "-s", "-C", os.path.join(HERE, "helpers"),
                              "O=" + helper_dir], capture_output=True, text=True)
        if res.returncode != 0:
            raise SystemExit(res.stdout + res.stderr + "run.py: building the helpers failed")
        args.evil_ko = build_evil_module(args, workdir)
        args.input_kos = input_modules(kernel, workdir)
        kind = "debug" if debug_kernel else "debian"
        results = run_boots(boots, args.jobs, lambda b: run_boot(
            b, kernel, args, workdir, helper_dir, demo=args.demo),
            load_case_seconds().get(kind, {}))
        if SECONDS and not args.demo:
            save_case_seconds(kind)
    finally:
        if args.keep:
            log("work directory kept: " + workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    bad = [r for r in results if not r[1]] or ([] if results else [("run", False, "no results")])
    if args.demo:
        log("")
    else:
        table = figures_table(results)
        log("== figures")
        for line in table:
            log("   " + line)
        if args.figures:
            with open(args.figures, "w") as f:
                f.write("".join(line + "\n" for line in table))
        log("== summary")
    for name, _ok, detail in bad:
        log("FAIL %s %s" % (name, detail))
    if args.demo:
        log("== the demo %s (console log: %s)" % (
            "did not run through" if bad else "ran through in %.0f s" % (time.monotonic() - t0),
            os.path.relpath(os.path.join(OUT_DIR, "demo.console.log"))))
    else:
        log("%d passed, %d failed" % (sum(1 for r in results if r[1]), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
