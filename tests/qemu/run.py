#!/usr/bin/env python3
"""Run the sysrqmon tests in QEMU guests (Debian's 6.1 kernel, busybox initramfs): which cases
in which boots, their results, the figures table and the summary. Options, cases, markers and
the output contract: docs/qemu-suite.md. The boot and the initramfs are boot.py's."""

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
import types

import boot as qboot

CASES_DIR = os.path.join(qboot.HERE, "cases")
SECONDS_FILE = os.path.join(qboot.CACHE, "case-seconds.json")
FIGURES = []  # (name, value) from @@FIGURE markers, the name prefixed "smp2:" in that boot
SKIPS = []  # "name why" from @@SKIP markers
SECONDS = {}  # case stem (01-load): seconds its last run took in a main guest

# A case: file stem ("50-audit-records"), name ("audit-records"), its "# qemu-test:" tags
# (reboot, own-boot, smp2, explicit), "# reboot-expect:" regex, "# qemu-append:" arguments,
# and the script the guest runs.
Case = collections.namedtuple("Case", "stem name tags reboot_rx append script")
# A boot: label (main, main-N, smp2, reboot-NAME, own-NAME, demo), cases, extra command line.
Boot = collections.namedtuple("Boot", "label cases append")


def log(msg):
    print(msg, flush=True)


def result(results, name, ok, detail, quiet=False):
    """Count one check and print it (QUIET: only when it failed)."""
    results.append((name, ok, detail))
    if not (quiet and ok):
        log("%s %s %s" % ("PASS" if ok else "FAIL", name, detail))


def input_modules(kernel, workdir):
    """{guest path: host path} of evdev.ko and uinput.ko of a Debian kernel (the inject case
    loads them; the debug kernel has them built in, the cloud flavour has no uinput),
    unpacked into workdir when compressed, as busybox insmod takes plain ELF only."""
    root = os.path.dirname(os.path.dirname(os.path.realpath(kernel)))
    found = {}
    for rel in ("drivers/input/evdev.ko", "drivers/input/misc/uinput.ko"):
        for ko in glob.glob(os.path.join(root, "lib/modules/*/kernel", rel + "*"))[:1]:
            tool = {".xz": "xz", ".zst": "zstd"}.get(os.path.splitext(ko)[1])
            if tool:
                with open(os.path.join(workdir, os.path.basename(rel)), "wb") as f:
                    subprocess.run([tool, "-dc", ko], stdout=f, check=True)
                ko = f.name
            found["tests/kmod/" + os.path.basename(rel)] = ko
    return found


def guest_files(args):
    """Build helpers/ into args.helper_dir and the hostile test module (tests/module); returns
    the {guest path: host path} every guest gets besides its cases."""
    args.helper_dir = os.path.join(args.workdir, "helpers")
    os.makedirs(args.helper_dir)
    res = subprocess.run(["make", "-s", "-C", os.path.join(qboot.HERE, "helpers"),
                          "O=" + args.helper_dir], capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(res.stdout + res.stderr + "run.py: building the helpers failed")
    evil = os.path.join(args.workdir, "evil")
    try:
        qboot.kbuild(args.kdir or "/usr/src/linux-headers-%s" % qboot.module_release(
            args.module), evil, "sysrqevil.ko", os.path.join(qboot.REPO, "tests", "module"))
    except SystemExit as e:
        log("%s\nnote: sysrqevil.ko did not build: the integrity cases will fail" % e)
    files = {"tests/sysrqmon.ko": args.module,
             "tests/sysrqevil.ko": os.path.join(evil, "sysrqevil.ko"),
             "tests/sysrqmon_test.ko": os.path.join(os.path.dirname(args.module),
                                                    "sysrqmon_test.ko")}
    files.update(input_modules(args.kernel, args.workdir))
    return {g: h for g, h in files.items() if os.path.isfile(h)}


def read_cases():
    """Every cases/NN-name.sh, with what its header comments say."""
    cases = []
    for script in sorted(glob.glob(os.path.join(CASES_DIR, "[0-9][0-9]-*.sh"))):
        with open(script) as f:
            text = f.read()
        stem = os.path.basename(script)[:-3]
        tags = set(re.findall(r"^# qemu-test: (\S+)\s*$", text, re.M))
        say = dict(re.findall(r"^# (reboot-expect|qemu-append): (.+?)\s*$", text, re.M))
        cases.append(Case(stem, stem[3:], tags, say.get("reboot-expect"),
                          say.get("qemu-append", ""), script))
    return cases


def patterns(lists):
    return [p for p in re.split(r"[,\s]+", ",".join(lists)) if p]


def select_boots(args):
    """The boots: main (every chosen case that is not a reboot or own-boot one), one per
    reboot and own-boot case, and smp2 (--all, --smp2); or the demo's."""
    if args.demo:
        demo_sh = os.path.join(qboot.HERE, "demo.sh")
        return [Boot("demo", [Case("demo", "demo", set(), None, "", demo_sh)], "")]
    cases = read_cases()
    if args.cases and not args.all:
        pats = patterns(args.cases)
        hit = lambda c, p: fnmatch.fnmatch(c.name, p) or fnmatch.fnmatch(c.stem, p)  # noqa
        missing = [p for p in pats if not any(hit(c, p) for c in cases)]
        if missing:
            raise SystemExit("run.py: no case matches %s (cases: %s)"
                             % (", ".join(missing), ", ".join(c.name for c in cases)))
        cases = [c for c in cases if any(hit(c, p) for p in pats)]
    else:
        cases = [c for c in cases if "explicit" not in c.tags
                 and (args.all or "reboot" not in c.tags)]
    cases = [c for c in cases if not any(fnmatch.fnmatch(c.name, p) for p in patterns(args.skip))]
    alone = [c for c in cases if c.tags & {"reboot", "own-boot"}]
    main = [c for c in cases if c not in alone]
    smp2 = [c for c in main if "smp2" in c.tags and (args.all or args.smp2)]
    return ([Boot("main", main, "")] if main else []) + [
        Boot(("reboot-" if "reboot" in c.tags else "own-") + c.name, [c], c.append)
        for c in alone] + ([Boot("smp2", smp2, "")] if smp2 else [])


def console_printer(from_banner):
    """An on_console that streams the guest's console; FROM_BANNER (the demo): only from its
    banner (a line of '#') on."""
    before = [b"" if from_banner else None]  # the end of what came before the banner

    def show(data):
        if before[0] is not None:
            data = before[0] + data
            i = data.find(b"\n####")
            before[0], data = (data[-8:], b"") if i < 0 else (None, data[i + 1:])
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return show


def run_boot(b, args):
    """Boot B once; returns a list of (name, ok, detail)."""
    label, demo = b.label, b.label == "demo"
    prefix = "smp2:" if label == "smp2" else ""
    initrd = os.path.join(args.workdir, label + ".initrd.gz")
    qboot.initramfs(initrd, "/bin/busybox", {c.stem: c.script for c in b.cases},
                    args.helper_dir, args.env, args.files, args.programs)
    console_path = os.path.join(args.out_dir, label + ".console.log")
    append = (args.append + " " + b.append).strip()
    if demo:
        log("== booting the demo guest (%s); it powers off when done"
            % os.path.basename(args.kernel))
    else:
        log("== boot %s: %d case(s): %s%s" % (label, len(b.cases), " ".join(
            c.name for c in b.cases), " (append: %s)" % append if append else ""))
    results, st = [], types.SimpleNamespace(case=None, reboot=None, starts=[], host={})

    def on_marker(line, now):
        tag, _, rest = line.partition(" ")
        if args.verbose and not demo:
            log("   [marker] " + line)
        if tag == "@@CASE":
            st.case = rest.strip()
            st.starts.append((now, st.case))
            if not demo:
                log("-- %s (t=%.1f s)" % (rest, now))
        elif tag == "@@HOST":
            st.host.setdefault(st.case, []).append(rest)
        elif tag == "@@EXPECT_REBOOT":
            st.reboot = rest.strip() or "?"
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
            FIGURES.append((prefix + rest.split()[0], rest.split()[1]))

    r = qboot.boot(args.kernel, initrd, append, console_path, on_marker,
                   loglevel=3 if demo else 7, smp=2 if label == "smp2" else 1,
                   timeout=args.timeout, verbose=args.verbose,
                   on_console=console_printer(demo) if demo or args.verbose else None)
    if r.why and r.why.startswith("QEMU did not start"):
        return [(label + "/qemu", False, r.why)]
    log("   boot %s: /init after %s, total %.1f s, console log %s"
        % (label, "%.1f s" % r.booted if r.booted is not None else "never", r.elapsed,
           os.path.relpath(console_path)))
    if r.done and label.startswith("main"):
        starts = st.starts + [(r.elapsed, None)]
        SECONDS.update((c, round(t1 - t0, 1)) for (t0, c), (t1, _) in zip(starts, starts[1:]))
    boot_checks(b, r, st.reboot, results)
    return results + run_host_checks(label, b.cases, st.host, prefix, args.out_dir)


def boot_checks(b, r, expect_reboot, results):
    """The checks of the boot itself: no kernel problem on the console, and the guest got to
    @@DONE, or for a reboot case, reset as it should (reboot_check)."""
    if r.bad:
        result(results, b.label + "/kernel-log", False, "%d problem line(s), first: %s"
               % (len(r.bad), r.bad[0].strip()))
        log("\n".join("   | " + ln for ln in r.bad[:80][-60:]))
    if b.label.startswith("reboot-"):
        result(results, *reboot_check(b.cases[0], r, expect_reboot))
    elif not r.done:
        result(results, b.label + "/done", False, r.why)
    if not r.done and not results[-1][1]:
        log("\n".join(["   the last 60 console lines:"] + ["   | " + ln for ln in r.lines[-60:]]))
        if r.stderr:
            log("   qemu stderr: " + r.stderr[-2000:])


def reboot_check(case, r, expect_reboot):
    """A reboot case: it rebooted, and its '# reboot-expect:' line matched the console before
    the kernel's 'sysrq: Resetting'."""
    if r.done or expect_reboot is None:
        return (case.name + "/rebooted", False, "guest did not reboot" if r.done
                else "guest never got to the reboot")
    if expect_reboot == "unordered":
        return (case.name + "/rebooted", True, "guest reset (line order not checked: SKIP)")
    if not case.reboot_rx:
        return (case.name + "/rebooted", False, "case has no '# reboot-expect:' line")
    text = "\n".join(r.lines)
    m, reset = re.search(case.reboot_rx, text), text.find("sysrq: Resetting")
    ok = bool(m) and 0 <= reset and m.start() < reset
    return (case.name + "/audit-before-reset", ok,
            "audit line before 'sysrq: Resetting': " + m.group(0) if ok else
            "no console line matching /%s/" % case.reboot_rx if not m else
            "no 'sysrq: Resetting' on the console" if reset < 0 else
            "audit line came after 'sysrq: Resetting'")


def run_host_checks(label, cases, host_data, prefix, out_dir):
    """The host half of a case: cases/<stem>.host.py runs after the boot as `SCRIPT DATA BASE`
    (DATA: the case's @@HOST payloads, one a line; BASE: OUT_DIR/<boot>.<case>, a prefix for
    its files); its @@RESULT lines count like the guest's (NAME prefixed with the case)."""
    results = []
    for c in cases:
        script = os.path.join(CASES_DIR, c.stem + ".host.py")
        if not os.path.isfile(script):
            continue
        base = os.path.join(out_dir, "%s.%s" % (label, c.name))
        with open(base + ".host-data", "w") as f:
            f.write("".join(p + "\n" for p in host_data.get(c.stem, [])))
        log("-- %s: host checks (%s)" % (c.name, os.path.relpath(script)))
        res = subprocess.run([sys.executable, script, base + ".host-data", base],
                             capture_output=True, text=True)
        got = len(results)
        lines = [ln.strip() for ln in res.stdout.split("\n")]
        for m in filter(None, map(qboot.RESULT_RE.match, lines)):
            result(results, prefix + c.name + "/" + m.group(1), m.group(2) == "PASS",
                   m.group(3))
        if res.returncode != 0 or res.stderr.strip():
            log("   %s exited %d: %s" % (os.path.basename(script), res.returncode,
                                          res.stderr.strip()[-1000:]))
        if got == len(results):
            result(results, prefix + c.name + "/host", False, "%s exited %d without a result"
                   % (os.path.basename(script), res.returncode))
    return results


def case_seconds(kind, update=None):
    """What each case took in its last main guest on this kind of kernel ("debug" or
    "debian"), kept in the cache so that the next run can share the cases out evenly; UPDATE
    (new timings) is saved first."""
    try:
        with open(SECONDS_FILE) as f:
            known = json.load(f)
    except (OSError, ValueError):
        known = {}
    if update:
        known.setdefault(kind, {}).update(update)
        os.makedirs(qboot.CACHE, exist_ok=True)
        with open("%s.%d" % (SECONDS_FILE, os.getpid()), "w") as f:
            json.dump(known, f, indent=0, sort_keys=True)
        os.replace(f.name, SECONDS_FILE)
    return known.get(kind, {})


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


def run_boots(boots, args, seconds):
    """Run the boots: the main cases shared out over --jobs guests (share_out) and the smp2
    boot at once, each in its own thread; then the own boots one by one."""
    shards = []
    for b in boots:
        n = min(args.jobs, len(b.cases)) if b.label == "main" else 1
        shards += [Boot("main-%d" % (i + 1), share, "")
                   for i, share in enumerate(share_out(b.cases, n, seconds))] if n > 1 else [b]

    def one(b):
        try:
            return run_boot(b, args)
        except Exception as e:  # a harness error is a failure, not a crash
            return [(b.label + "/harness", False, repr(e))]

    together = [b for b in shards if b.label.startswith("main") or b.label == "smp2"]
    with concurrent.futures.ThreadPoolExecutor(max(1, len(together))) as ex:
        done = dict(zip([b.label for b in together], ex.map(one, together)))
    return [r for b in shards for r in (done[b.label] if b.label in done else one(b))]


def number(value):
    try:
        return float(value) if "." in value else int(value)
    except ValueError:
        return None


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
    for name, value in FIGURES:
        num, prev = number(value), figs.get(name)
        figs[name] = value if num is None else num + (prev if isinstance(prev, (int, float))
                                                      else 0)
    rows += [(k, "%.1f" % v if isinstance(v, float) else v) for k, v in sorted(figs.items())]
    return ["%-28s %s" % r for r in rows]


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog="Every option: docs/qemu-suite.md")
    ap.add_argument("--module", default=os.path.join(qboot.REPO, "module", "sysrqmon.ko"))
    ap.add_argument("--tool", default=os.path.join(qboot.REPO, "tools", "sysrqmonctl"))
    ap.add_argument("--kernel", help="vmlinuz/bzImage to boot (default: Debian's, cached)")
    ap.add_argument("--kernel-release", help="Debian kernel release, e.g. 6.1.0-56-amd64")
    ap.add_argument("--kdir", help="the kernel tree the module was built against")
    ap.add_argument("--cases", action="append", help="names or globs, comma separated")
    ap.add_argument("--all", action="store_true", help="every case and the 2-vCPU boot")
    ap.add_argument("--skip", action="append", default=[], help="names or globs to leave out")
    ap.add_argument("--timeout", type=int, help="per boot, s (default 1800; debug kernel 7200)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="main guests at once")
    ap.add_argument("--smp2", action="store_true", help="the smp2 cases again on 2 vCPUs")
    ap.add_argument("--figures", metavar="FILE", help="write the figures table to FILE too")
    ap.add_argument("--append", default="", help="extra kernel command line")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--verbose", "-v", action="store_true", help="stream the console")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--demo", action="store_true", help="the narrated demo (make demo)")
    ap.add_argument("--out-dir", default=os.path.join(qboot.HERE, "out"), help="console logs")
    args = ap.parse_args()
    bad = [kv for kv in args.env if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", kv)]
    if bad:
        ap.error("--env wants NAME=VALUE, not %r" % bad[0])
    args.env = dict(kv.split("=", 1) for kv in args.env)
    args.out_dir = os.path.abspath(args.out_dir)
    return args


def report(args, results, seconds):
    """The figures table, the failures again and the last line; returns the exit status."""
    bad = [r for r in results if not r[1]] or ([] if results else [("run", False, "no results")])
    fails = ["FAIL %s %s" % (name, detail) for name, _ok, detail in bad]
    if args.demo:
        log("\n".join([""] + fails + ["== the demo %s (console log: %s)" % (
            "did not run through" if bad else "ran through in %.0f s" % seconds,
            os.path.relpath(os.path.join(args.out_dir, "demo.console.log")))]))
        return 1 if bad else 0
    table = figures_table(results)
    log("\n".join(["== figures"] + ["   " + line for line in table] + ["== summary"] + fails))
    if args.figures:
        with open(args.figures, "w") as f:
            f.write("".join(line + "\n" for line in table))
    log("%d passed, %d failed" % (sum(1 for r in results if r[1]), len(bad)))
    return 1 if bad else 0


def main():
    args = parse_args()
    for path, what in ((args.module, "module"), ("/bin/busybox", "busybox")):
        if not os.path.isfile(path):
            log("run.py: %s %s not found\n0 passed, 1 failed" % (what, path))
            return 1
    args.module, args.tool = os.path.abspath(args.module), os.path.abspath(args.tool)
    if not os.path.isfile(args.tool):
        log("note: no tool at %s: the sysrqmonctl cases will fail" % args.tool)
    args.programs = {"sysrqmonctl": args.tool,
                     "genl": shutil.which("genl", path="/usr/sbin:/sbin:/usr/bin:/bin")}
    # The debug kernels' releases end in -sysrqmon-debug or -sysrqmon-rt-debug.
    debug_kernel = re.search(r"-sysrqmon(-rt)?-debug$", qboot.module_release(args.module) or "")
    args.timeout = args.timeout or (7200 if debug_kernel else 1800)
    if debug_kernel:
        args.env.setdefault("LOAD_SCALE", "5")  # the debug kernel is ~30x slower per write
    if args.demo:
        args.env["DEMO"] = "1"
    boots = select_boots(args)
    args.kernel = qboot.find_kernel(args.kernel, args.kernel_release, args.module, args.kdir)
    log("kernel %s, module %s" % (args.kernel, os.path.relpath(args.module)))
    os.makedirs(args.out_dir, exist_ok=True)
    args.workdir, t0, results = tempfile.mkdtemp(prefix="sysrqmon-qemu-"), time.monotonic(), []
    try:
        args.files = guest_files(args)
        kind = "debug" if debug_kernel else "debian"
        results = run_boots(boots, args, case_seconds(kind))
        case_seconds(kind, SECONDS)
    finally:
        if args.keep:
            log("work directory kept: " + args.workdir)
        else:
            shutil.rmtree(args.workdir, ignore_errors=True)
    return report(args, results, time.monotonic() - t0)


if __name__ == "__main__":
    sys.exit(main())
