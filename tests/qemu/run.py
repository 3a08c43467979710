#!/usr/bin/env python3
"""Run the sysrqmon tests in QEMU guests (Debian's 6.1 kernel, busybox initramfs).

  python3 tests/qemu/run.py [--module module/sysrqmon.ko] [--tool tools/sysrqmonctl]
  python3 tests/qemu/run.py --cases reboot | --all | --demo

Options, cases, markers, the figures table and the output contract (the last line is always
"N passed, M failed"; exit status 1 when M > 0): tests/qemu/README.md. The boot itself and
the initramfs are boot.py's, shared with the demo and the benchmark.
"""

import argparse
import collections
import fnmatch
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import boot as qboot

HERE = qboot.HERE
REPO = qboot.REPO
CASES_DIR = os.path.join(HERE, "cases")
OUT_DIR = os.path.join(HERE, "out")
FIGURES = []  # (boot label, name, value) from @@FIGURE markers
SKIPS = []  # "name why" from @@SKIP markers

# A case: file stem ("50-audit-records"), name ("audit-records"), its "# qemu-test:" tags
# (reboot, own-boot, smp2, explicit), "# reboot-expect:" regex, "# qemu-append:" arguments.
Case = collections.namedtuple("Case", "stem name tags reboot_rx append")
# A boot: label, its cases, the reboot case it is for (or None), extra kernel command line.
Boot = collections.namedtuple("Boot", "label cases reboot_case append")


def log(msg):
    print(msg, flush=True)


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
                name = os.path.join(workdir, os.path.basename(rel))
                with open(name, "wb") as f:
                    subprocess.run([tool, "-dc", ko], stdout=f, check=True)
                ko = name
            found.append(ko)
    return found


def build_evil_module(args, workdir):
    """Build tests/module (the hostile test module) for the module's kernel."""
    rel = qboot.module_release(args.module)
    kdir = args.kdir or ("/usr/src/linux-headers-%s" % rel if rel else None)
    if not kdir or not os.path.isdir(kdir):
        log("note: no kernel tree for sysrqevil.ko: the integrity cases will fail")
        return None
    src = os.path.join(workdir, "evil")
    shutil.copytree(os.path.join(REPO, "tests", "module"), src,
                    ignore=shutil.ignore_patterns("*.ko", "*.o", "*.mod*", ".*", "modules.order",
                                                  "Module.symvers"))
    try:
        qboot.kbuild(kdir, src, "sysrqevil.ko")
    except SystemExit as e:
        sys.stderr.write(str(e) + "\n")
        log("note: sysrqevil.ko did not build: the integrity cases will fail")
        return None
    return os.path.join(src, "sysrqevil.ko")


def all_cases():
    """[Case] in run order."""
    out = []
    for fn in sorted(os.listdir(CASES_DIR)):
        m = re.match(r"^(\d\d)-(.+)\.sh$", fn)
        if not m:
            continue
        with open(os.path.join(CASES_DIR, fn)) as f:
            text = f.read()
        rx = re.search(r"^# reboot-expect: (.+)$", text, re.M)
        app = re.search(r"^# qemu-append: (.+)$", text, re.M)
        out.append(Case(fn[:-3], m.group(2),
                        set(re.findall(r"^# qemu-test: (\S+)\s*$", text, re.M)),
                        rx.group(1).strip() if rx else None, app.group(1).strip() if app else ""))
    return out


def select_cases(args):
    cases = all_cases()
    if args.cases and not args.all:
        pats = [p for p in re.split(r"[,\s]+", ",".join(args.cases)) if p]
        hit = lambda c, p: fnmatch.fnmatch(c.name, p) or fnmatch.fnmatch(c.stem, p)  # noqa
        missing = [p for p in pats if not any(hit(c, p) for c in cases)]
        if missing:
            raise SystemExit("run.py: no case matches %s (cases: %s)"
                             % (", ".join(missing), ", ".join(c.name for c in cases)))
        chosen = [c for c in cases if any(hit(c, p) for p in pats)]
    else:
        chosen = [c for c in cases if "explicit" not in c.tags
                  and (args.all or "reboot" not in c.tags)]
    main = [c for c in chosen if not c.tags & {"reboot", "own-boot"}]
    boots = [Boot("main", main, None, "")] if main else []
    for c in chosen:
        if "reboot" in c.tags:
            boots.append(Boot("reboot-" + c.name, [c], c, c.append))
        elif "own-boot" in c.tags:
            boots.append(Boot("own-" + c.name, [c], None, c.append))
    smp2 = [c for c in main if "smp2" in c.tags]
    if smp2 and (args.all or args.smp2):
        boots.append(Boot("smp2", smp2, None, ""))
    return boots


def run_boot(b, kernel, args, workdir, helper_dir, demo=False):
    """Boot B once; returns a list of (name, ok, detail)."""
    label, prefix = b.label, "smp2:" if b.label == "smp2" else ""
    initrd = os.path.join(workdir, label + ".initrd.gz")
    env = dict(args.env, DEMO="1") if demo else args.env
    cases = {c.stem: os.path.join(HERE, "demo.sh") if demo else
             os.path.join(CASES_DIR, c.stem + ".sh") for c in b.cases}
    files = {"tests/sysrqmon.ko": args.module}
    if args.evil_ko:
        files["tests/sysrqevil.ko"] = args.evil_ko
    kunit = os.path.join(os.path.dirname(args.module), "sysrqmon_test.ko")
    if os.path.isfile(kunit):
        files["tests/sysrqmon_test.ko"] = kunit
    files.update(("tests/kmod/" + os.path.basename(ko), ko) for ko in args.input_kos)
    programs = {"sysrqmonctl": args.tool,
                "genl": shutil.which("genl", path="/usr/sbin:/sbin:/usr/bin:/bin")}
    qboot.initramfs(initrd, args.busybox, cases, helper_dir, env, files, programs)
    os.makedirs(OUT_DIR, exist_ok=True)
    console_path = os.path.join(OUT_DIR, label + ".console.log")
    append = (args.append + " " + b.append).strip()
    if demo:
        log("== booting the demo guest (%s); it powers off when done" % os.path.basename(kernel))
    else:
        log("== boot %s: %d case(s): %s%s" % (label, len(b.cases), " ".join(
            c.name for c in b.cases), " (append: %s)" % append if append else ""))
    results, host_data, state = [], {}, {"case": None, "reboot": None, "shown": not demo,
                                         "pending": b""}

    def show(data):  # the demo shows the guest from its banner on
        if not state["shown"]:
            data = state["pending"] = state["pending"] + data
            i = data.find(b"\n####")
            if i < 0:
                state["pending"] = data[-8:]
                return
            data, state["shown"] = data[i + 1:], True
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()

    def on_marker(line, now):
        tag, _, rest = line.partition(" ")
        if args.verbose and not demo:
            log("   [marker] " + line)
        if tag == "@@CASE":
            state["case"] = rest.strip()
            if not demo:
                log("-- %s (t=%.1f s)" % (rest, now))
        elif tag == "@@HOST":
            host_data.setdefault(state["case"], []).append(rest)
        elif tag == "@@EXPECT_REBOOT":
            state["reboot"] = rest.strip() or "?"
        elif tag == "@@RESULT":
            m = qboot.RESULT_RE.match(line)
            if not m:
                results.append((label + "/marker", False, "malformed: " + line))
                log("FAIL %s/marker malformed: %s" % (label, line))
                return
            results.append((prefix + m.group(1), m.group(2) == "PASS", m.group(3)))
            if not (demo and results[-1][1]):
                log("%s %s%s %s" % (m.group(2), prefix, m.group(1), m.group(3)))
        elif tag == "@@SKIP":
            SKIPS.append(prefix + rest.strip())
            log("SKIP %s" % SKIPS[-1])
        elif tag == "@@FIGURE" and len(rest.split()) >= 2:
            FIGURES.append((label, rest.split()[0], rest.split()[1]))

    r = qboot.boot(kernel, initrd, append, console_path, on_marker, loglevel=3 if demo else 7,
                   smp=2 if label == "smp2" else 1, timeout=args.timeout,
                   qemu=args.qemu, verbose=args.verbose,
                   on_console=show if args.verbose or demo else None)
    if r.why and r.why.startswith("QEMU did not start"):
        return [(label + "/qemu", False, r.why)]
    log("   boot %s: /init after %s, total %.1f s, console log %s"
        % (label, "%.1f s" % r.booted if r.booted is not None else "never", r.elapsed,
           os.path.relpath(console_path)))
    if r.bad:
        log("FAIL %s/kernel-log: the kernel reported problems:" % label)
        tail(r.bad[:80])
        results.append((label + "/kernel-log", False, "%d problem line(s), first: %s"
                        % (len(r.bad), r.bad[0].strip())))
    if b.reboot_case:
        results.append(reboot_check(b.reboot_case, r, state["reboot"]))
        ok, name, detail = results[-1][1], results[-1][0], results[-1][2]
        log("%s %s %s" % ("PASS" if ok else "FAIL", name, detail))
        if not ok and not r.done:
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
        got = 0
        for m in filter(None, (qboot.RESULT_RE.match(ln.strip())
                               for ln in res.stdout.splitlines())):
            got += 1
            results.append((prefix + c.name + "/" + m.group(1), m.group(2) == "PASS",
                            m.group(3)))
            log("%s %s%s/%s %s" % (m.group(2), prefix, c.name, m.group(1), m.group(3)))
        if res.returncode != 0 or res.stderr.strip():
            log("   %s exited %d: %s" % (os.path.basename(script), res.returncode,
                                          res.stderr.strip()[-1000:]))
        if not got:
            why = "%s exited %d without a result" % (os.path.basename(script), res.returncode)
            results.append((prefix + c.name + "/host", False, why))
            log("FAIL %s%s/host %s" % (prefix, c.name, why))
    return results


def tail(lines, n=60):
    for ln in lines[-n:]:
        log("   | " + ln)


def run_boots(boots, jobs, run):
    """Run the boots: the main cases dealt round-robin over JOBS guests (order kept in each,
    so the last case, the lock, stays last in its guest) and the smp2 boot at once, each in
    its own thread; then the own boots one by one."""
    shards = []
    for b in boots:
        n = min(jobs, len(b.cases)) if b.label == "main" else 1
        shards += [Boot("main-%d" % (i + 1), b.cases[i::n], None, "") for i in range(n)] \
            if n > 1 else [b]
    results = {}

    def one(i, b):
        try:
            results[i] = run(b)
        except Exception as e:  # a harness error is a failure, not a crash
            results[i] = [(b.label + "/harness", False, repr(e))]

    together = [i for i, b in enumerate(shards) if b.label.startswith("main") or
                b.label == "smp2"]
    threads = [threading.Thread(target=one, args=(i, shards[i])) for i in together]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, b in enumerate(shards):
        if i not in together:
            one(i, b)
    return [r for i in sorted(results) for r in results[i]]


def figures_table(results):
    """Lines "name value": cases tried/passed (a case passes when none of its checks fails),
    checks, then every @@FIGURE (numbers summed over boots and repeats, others last value)."""
    cases = {}
    for name, ok, _detail in results:
        case = name.split("/", 1)[0]
        cases[case] = cases.get(case, True) and ok
    rows = [("date", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())),
            ("cases-tried", str(len(cases))),
            ("cases-passed", str(sum(cases.values()))),
            ("checks-passed", str(sum(1 for r in results if r[1]))),
            ("checks-failed", str(sum(1 for r in results if not r[1]))),
            ("checks-skipped", str(len(SKIPS)))]
    figs = {}
    for label, name, value in FIGURES:
        key = ("smp2:" if label == "smp2" else "") + name
        try:
            prev = figs.get(key, 0)
            figs[key] = (prev if isinstance(prev, (int, float)) else 0) + \
                (float(value) if "." in value else int(value))
        except ValueError:
            figs[key] = value
    rows += [(k, "%.1f" % v if isinstance(v, float) else str(v)) for k, v in sorted(figs.items())]
    return ["%-28s %s" % r for r in rows]


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog="Every option: tests/qemu/README.md")
    ap.add_argument("--module", default=os.path.join(REPO, "module", "sysrqmon.ko"))
    ap.add_argument("--tool", default=os.path.join(REPO, "tools", "sysrqmonctl"),
                    help="sysrqmonctl to install as /usr/sbin/sysrqmonctl (if it exists)")
    ap.add_argument("--kernel", help="vmlinuz/bzImage to boot (default: Debian's, cached)")
    ap.add_argument("--kernel-release", help="Debian kernel release, e.g. 6.1.0-56-amd64")
    ap.add_argument("--kdir", help="the kernel tree the module was built against")
    ap.add_argument("--cases", action="append", help="names or globs, comma separated")
    ap.add_argument("--all", action="store_true", help="every case and the 2-vCPU boot")
    ap.add_argument("--timeout", type=int, help="per boot, s (default 1800; debug kernel 3600)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="main guests at once")
    ap.add_argument("--smp2", action="store_true", help="the smp2 cases again on 2 vCPUs")
    ap.add_argument("--figures", metavar="FILE", help="write the figures table to FILE too")
    ap.add_argument("--append", default="", help="extra kernel command line")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--verbose", "-v", action="store_true", help="stream the console")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="a variable for the cases (/tests/env)")
    ap.add_argument("--nlfuzz-count", type=int, metavar="N", help="--env NLFUZZ_COUNT=N")
    ap.add_argument("--demo", action="store_true", help="the narrated demo (make demo)")
    ap.add_argument("--out-dir", default=OUT_DIR, help="console logs (default tests/qemu/out)")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--busybox", default="/bin/busybox")
    args = ap.parse_args()
    env = {}
    for kv in args.env:
        k, sep, env[k] = kv.partition("=")
        if not sep or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", k):
            ap.error("--env wants NAME=VALUE, not %r" % kv)
    if args.nlfuzz_count is not None:
        env["NLFUZZ_COUNT"] = str(args.nlfuzz_count)
    args.env = env
    return args


def main():
    global OUT_DIR
    args = parse_args()
    OUT_DIR = os.path.abspath(args.out_dir)
    for p, what in ((args.module, "module"), (args.busybox, "busybox")):
        if not os.path.isfile(p):
            log("run.py: %s %s not found" % (what, p))
            log("0 passed, 1 failed")
            return 1
    args.module = os.path.abspath(args.module)
    if args.tool:
        args.tool = os.path.abspath(args.tool)
        if not os.path.isfile(args.tool):
            log("note: no tool at %s: the sysrqmonctl cases will fail" % args.tool)
    # The debug kernels' releases end in -sysrqmon-debug or -sysrqmon-rt-debug.
    debug_kernel = re.search(r"-sysrqmon(-rt)?-debug$", qboot.module_release(args.module) or "")
    if args.timeout is None:
        args.timeout = 3600 if debug_kernel else 1800
    if debug_kernel:
        args.env.setdefault("LOAD_SCALE", "5")  # the debug kernel is ~30x slower per write
    if args.demo:
        boots = [Boot("demo", [Case("demo", "demo", set(), None, "")], None, "")]
    else:
        boots = select_cases(args)
    if not args.kernel and args.kdir and \
            os.path.isfile(os.path.join(args.kdir, "arch/x86/boot/bzImage")):
        args.kernel = os.path.join(args.kdir, "arch/x86/boot/bzImage")
    kernel = qboot.find_kernel(args.kernel, args.kernel_release, args.module, args.kdir)
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
        results = run_boots(boots, args.jobs, lambda b: run_boot(
            b, kernel, args, workdir, helper_dir, demo=args.demo))
    finally:
        if args.keep:
            log("work directory kept: " + workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    bad = [r for r in results if not r[1]] or ([] if results else [("run", False, "no results")])
    if args.demo:
        log("")
        for name, _ok, detail in bad:
            log("FAIL %s %s" % (name, detail))
        log("== the demo %s (console log: %s)" % (
            "did not run through" if bad else "ran through in %.0f s" % (time.monotonic() - t0),
            os.path.relpath(os.path.join(OUT_DIR, "demo.console.log"))))
        return 1 if bad else 0
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
    log("%d passed, %d failed" % (sum(1 for r in results if r[1]), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
