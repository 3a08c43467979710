#!/usr/bin/env python3
"""Run the sysrqmon tests in QEMU guests (Debian's 6.1 kernel, busybox initramfs): which cases
in which boots, their results, the figures table and the summary; and the QEMU boot that the
tests, the demo and tests/bench/bench.py share (find_kernel, initramfs, boot). Options, cases,
markers and the output contract: docs/qemu-suite.md."""

import argparse, collections, concurrent.futures, fnmatch, glob, json, os, re, shutil, socket
import lzma, pathlib, subprocess, sys, tempfile, threading, time, types
from functools import partial

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
                     "sysrqmon")
CASES_DIR = os.path.join(HERE, "cases")
SECONDS_FILE = os.path.join(CACHE, "case-seconds.json")
BAD_PATTERNS = re.compile(
    r"BUG:|WARNING:|Oops|Call Trace|general protection|KASAN|UBSAN:|possible circular locking"
    r"|sleeping function called from invalid context"
    r"|kmemleak: .*(suspected memory leak|unreferenced)|unreferenced object")
KERNEL_LINE = re.compile(r"\[\s*\d+\.\d+\]")
RESULT_RE = re.compile(r"^@@RESULT (\S+) (PASS|FAIL) ?(.*)$")
FIGURES = []  # (name, value) from @@FIGURE markers, the name prefixed "smp2:" in that boot
SKIPS = []  # "name why" from @@SKIP markers
SECONDS = {}  # case stem (01-load): seconds its last run took in a main guest

# A case: file stem ("50-audit-records"), name ("audit-records"), its "# qemu-test:" tags,
# "# reboot-expect:" regex and "# qemu-append:" arguments, and the script the guest runs.
Case = collections.namedtuple("Case", "stem name tags reboot_rx append script")
log = partial(print, flush=True)


def module_release(ko):
    m = re.search(rb"vermagic=([^\s\0]+)", pathlib.Path(ko).read_bytes())
    return m.group(1).decode() if m else None


def find_kernel(kernel=None, release=None, module=None, kdir=None):
    """KERNEL, else KDIR's arch/x86/boot/bzImage when it was built there (the debug kernel),
    else the vmlinuz of RELEASE (default: the MODULE's vermagic), fetched once into
    ~/.cache/sysrqmon/kernels/REL/ (docs/qemu-suite.md)."""
    bzimage = os.path.join(kdir or "", "arch/x86/boot/bzImage")
    if kernel or kdir and os.path.isfile(bzimage):
        return kernel or bzimage
    rel = release or module_release(module)
    if not rel:
        raise SystemExit("cannot tell the kernel release (no vermagic in %s); use "
                         "--kernel-release or --kernel" % module)
    cache = os.path.join(CACHE, "kernels")
    vmlinuz = os.path.join(cache, rel, "boot", "vmlinuz-" + rel)
    if os.path.isfile(vmlinuz):
        return vmlinuz
    os.makedirs(cache, exist_ok=True)
    # The machine's apt, then tests/kernels.sh's private lists (they know the 6.12 kernels
    # too); the -unsigned package when there is no signed one.
    apts = (["apt-get"], [os.path.join(REPO, "tests", "kernels.sh"), "apt-get"])
    with tempfile.TemporaryDirectory(prefix=".dl.", dir=cache, ignore_cleanup_errors=True) as tmp:
        os.chmod(tmp, 0o755)  # apt's _apt sandbox user writes the download there
        if not any(subprocess.run(apt + ["download", pkg], cwd=tmp, stdout=subprocess.DEVNULL)
                   .returncode == 0 for apt in apts
                   for pkg in ("linux-image-" + rel, "linux-image-%s-unsigned" % rel)):
            raise SystemExit("cannot download linux-image-%s (Debian drops superseded ABIs from "
                             "the archive: rebuild the module against current headers)" % rel)
        subprocess.run(["dpkg-deb", "-x", glob.glob(tmp + "/*.deb")[0], tmp + "/root"],
                       check=True)
        shutil.rmtree(os.path.join(cache, rel), ignore_errors=True)
        os.rename(tmp + "/root", os.path.join(cache, rel))
    return vmlinuz


def kbuild(kdir, out, what, tree=None):
    """Build the external module of TREE (default: sysrqmon's) in OUT against KDIR (kbuild.sh)."""
    res = subprocess.run([os.path.join(REPO, "tests", "kbuild.sh"), kdir, out] +
                         ([tree] if tree else []), capture_output=True, text=True)
    if res.returncode:
        raise SystemExit(res.stdout + res.stderr + "building %s against %s failed"
                         % (what, kdir))


def initramfs(path, busybox, cases, bindir, env, files=None, programs=None):
    """Pack PATH: CASES {stem: script}, BINDIR's programs, ENV, FILES {guest path: host path}
    and PROGRAMS {name: dynamic executable or None} with their libraries (docs/qemu-suite.md).
    Busybox's applet links are made by /init (`busybox --install -s`)."""
    with tempfile.TemporaryDirectory(prefix="sysrqmon-initramfs-") as root:
        def put(guest, src, mode=0o644):  # SRC: bytes or a host path
            dst = pathlib.Path(root, guest.strip("/"))
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(src if isinstance(src, bytes) else pathlib.Path(src).read_bytes())
            dst.chmod(mode)

        for d in ("bin", "sbin", "usr/bin", "usr/sbin", "proc", "sys", "dev", "tmp", "mnt", "root",
                  "etc", "run", "tests/cases", "tests/bin", "tests/kmod"):
            os.makedirs(os.path.join(root, d))
        os.mknod(os.path.join(root, "dev/console"), 0o20600, os.makedev(5, 1))
        os.mknod(os.path.join(root, "dev/null"), 0o20666, os.makedev(1, 3))
        put("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/tmp:/bin/sh\n"
            b"nobody:x:65534:65534::/:/bin/sh\n")
        put("etc/group", b"root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n")
        put("bin/busybox", busybox, 0o755)
        put("init", os.path.join(HERE, "init.sh"), 0o755)
        for fn in glob.glob(os.path.join(HERE, "*lib.sh")):
            put("tests/" + os.path.basename(fn), fn)
        for stem, src in cases.items():
            put("tests/cases/%s.sh" % stem, src, 0o755)
        put("tests/cases.list", "".join(n + "\n" for n in cases).encode())
        put("tests/env", "".join("export %s='%s'\n" % (k, v.replace("'", "'\\''"))
                                 for k, v in env.items()).encode())
        for h in os.listdir(bindir):
            put("tests/bin/" + h, os.path.join(bindir, h), 0o755)
        for guest, host in (files or {}).items():
            put(guest, host)
        for name, prog in (programs or {}).items():
            if prog and os.path.isfile(prog):
                put("usr/sbin/" + name, prog, 0o755)
                ldd = subprocess.run(["ldd", prog], capture_output=True, text=True).stdout
                for lib in re.findall(r"(/\S+) \(0x", ldd):  # the libraries and the loader
                    put(lib, os.path.realpath(lib), 0o755)
        for d, _dirs, _files in os.walk(root):  # mkdtemp's 0700 would lock the guest's users out
            os.chmod(d, 0o755)
        subprocess.run("find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -6 > '%s'"
                       % path, shell=True, check=True, cwd=root)


def sendkey(mon_path, spec):
    """`sendkey SPEC` on QEMU's human monitor; says what went wrong, if anything."""
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(10)
            s.connect(mon_path)
            s.sendall(b"sendkey %s\n" % spec.encode())
            s.shutdown(socket.SHUT_WR)  # QEMU answers, then hangs up
            reply = b"".join(iter(lambda: s.recv(4096), b"")).decode(errors="replace")
        if "rror" in reply or "nvalid" in reply:  # after the banner and the echoed command
            log("   SENDKEY %s: %s" % (spec, " ".join(reply.split("\r\n")[2:-1])))
    except OSError as e:
        log("   SENDKEY %s failed: %s" % (spec, e))


def watch(proc, timeout, path, echo, stop):
    """Until STOP is set: kill PROC after TIMEOUT seconds, copy the console log PATH to stdout
    as QEMU writes it (ECHO: "all", "banner": the demo's, from its line of '#' on, or None)."""
    held, end = b"" if echo == "banner" else None, time.monotonic() + timeout
    with open(path, "rb") as f:
        while not stop.is_set():
            stop.wait(0.2)
            if time.monotonic() >= end:
                proc.kill()
            data = f.read() if held is None else held + f.read()
            if held is not None:
                i = data.find(b"\n####")
                held, data = (data[-8:], b"") if i < 0 else (None, data[i + 1:])
            if echo:
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()


def boot(kernel, initrd, append, console_log, on_marker, smp=1, icount=False, timeout=1800,
         loglevel=7, echo=None, verbose=False):
    """Boot KERNEL with INITRD until the guest's @@DONE (then up to 30 s for the power-off),
    QEMU's exit or TIMEOUT seconds. The console (ttyS0) goes to CONSOLE_LOG (and ECHO, watch);
    each marker line of the guest's ttyS1 to ON_MARKER(line, seconds since start), after boot()
    itself has acted on @@SENDKEY SPEC. SMP > 1 adds -accel tcg,thread=single, ICOUNT -icount
    shift=0,sleep=off (benchmarks only). Returns a namespace: done, booted (s), elapsed (s), why
    (when not done), lines (console), bad (timestamped kernel lines reporting a problem), stderr."""
    sockdir = tempfile.mkdtemp(prefix="sysrqmon-boot-")
    mon_path, mk_path = os.path.join(sockdir, "mon.sock"), os.path.join(sockdir, "mk.sock")
    # no_timer_check: the IO-APIC timer test at boot times the emulated PIT against the host
    # and panics ("IO-APIC + timer doesn't work") when a loaded host starves the guest.
    append = ("console=ttyS0 panic=-1 no_timer_check loglevel=%d log_buf_len=8M "
              "printk.time=1 8250.nr_uarts=4 %s" % (loglevel, append)).strip()
    cmd = ["qemu-system-x86_64", "-m", "1G", "-nographic", "-no-reboot", "-kernel", kernel,
           "-initrd", initrd, "-append", append, "-monitor", "unix:%s,server,nowait" % mon_path,
           "-serial", "file:" + console_log, "-serial", "chardev:markers",
           "-chardev", "socket,id=markers,path=" + mk_path]  # QEMU connects before the guest runs
    cmd += ["-smp", str(smp), "-accel", "tcg,thread=single"] if smp > 1 else []
    cmd += ["-icount", "shift=0,sleep=off"] if icount else []
    if verbose:
        log("   " + " ".join(cmd))
    open(console_log, "wb").close()  # for watch(), before QEMU opens it
    with socket.create_server(mk_path, family=socket.AF_UNIX, backlog=1) as server:
        server.settimeout(30)
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        stop = threading.Event()  # the watcher is a daemon: it may not keep a failed run alive
        watcher = threading.Thread(target=watch, daemon=True,
                                   args=(proc, timeout, console_log, echo, stop))
        watcher.start()
        try:
            mk = server.accept()[0]
        except OSError:  # QEMU did not start
            mk = None
    r = types.SimpleNamespace(started=bool(mk), done=False, booted=None)
    for raw in mk.makefile("rb") if mk else ():
        line, now = raw.decode(errors="replace").strip("\r\n\0 "), time.monotonic() - t0
        if line.startswith("@@SENDKEY "):
            sendkey(mon_path, line.split(None, 1)[1].strip())
        r.booted = now if line.startswith("@@BOOTED") else r.booted
        r.done = line.startswith("@@DONE")
        on_marker(line, now)
        if r.done:
            break
    try:
        r.stderr = proc.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:  # no power-off after @@DONE, or QEMU did not start
        proc.kill()
        r.stderr = proc.communicate()[1]
    r.elapsed, r.stderr = time.monotonic() - t0, r.stderr.decode(errors="replace").strip()
    stop.set()
    watcher.join()
    if mk:
        mk.close()
    shutil.rmtree(sockdir, ignore_errors=True)
    r.why = (None if r.done else "QEMU did not start: " + r.stderr if not r.started else
             "timeout after %d s" % timeout if r.elapsed >= timeout else
             "QEMU exited (status %s) before @@DONE" % proc.returncode)
    with open(console_log, "rb") as f:
        r.lines = f.read().decode(errors="replace").replace("\r", "").split("\n")
    r.bad = [ln for ln in r.lines if KERNEL_LINE.search(ln) and BAD_PATTERNS.search(ln)]
    return r


def guest_files(args):
    """Build helpers/ into args.helper_dir and the hostile test module (tests/module); returns
    the {guest path: host path} every guest gets besides its cases, with the kernel's evdev.ko
    and uinput.ko for the inject case (the debug kernel has them built in, the cloud flavour has
    no uinput), unpacked into the workdir when compressed: busybox insmod takes plain ELF only."""
    args.helper_dir = os.path.join(args.workdir, "helpers")
    os.makedirs(args.helper_dir)
    res = subprocess.run(["make", "-s", "-C", os.path.join(HERE, "helpers"),
                          "O=" + args.helper_dir], capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(res.stdout + res.stderr + "run.py: building the helpers failed")
    evil = os.path.join(args.workdir, "evil")
    try:
        kbuild(args.kdir or "/usr/src/linux-headers-%s" % module_release(args.module), evil,
               "sysrqevil.ko", os.path.join(REPO, "tests", "module"))
    except SystemExit as e:
        log("%s\nnote: sysrqevil.ko did not build: the integrity cases will fail" % e)
    files = {"tests/sysrqmon.ko": args.module, "tests/sysrqevil.ko": evil + "/sysrqevil.ko",
             "tests/sysrqmon_test.ko": os.path.dirname(args.module) + "/sysrqmon_test.ko"}
    root = os.path.dirname(os.path.dirname(os.path.realpath(args.kernel)))
    for rel in ("evdev.ko", "misc/uinput.ko"):
        for ko in glob.glob("%s/lib/modules/*/kernel/drivers/input/%s*" % (root, rel))[:1]:
            name, xz = os.path.basename(rel), ko.endswith(".xz")  # Debian's 6.12 kernels
            files["tests/kmod/" + name] = os.path.join(args.workdir, name) if xz else ko
            if xz:
                data = lzma.decompress(pathlib.Path(ko).read_bytes())
                pathlib.Path(files["tests/kmod/" + name]).write_bytes(data)
    return {g: h for g, h in files.items() if os.path.isfile(h)}


def read_cases():
    """Every cases/NN-name.sh, with what its header comments say."""
    cases = []
    for script in sorted(glob.glob(os.path.join(CASES_DIR, "[0-9][0-9]-*.sh"))):
        text = pathlib.Path(script).read_text()
        stem, say = os.path.basename(script)[:-3], dict(re.findall(
            r"^# (reboot-expect|qemu-append): (.+?)\s*$", text, re.M))
        cases.append(Case(stem, stem[3:], set(re.findall(r"^# qemu-test: (\S+)\s*$", text, re.M)),
                          say.get("reboot-expect"), say.get("qemu-append", ""), script))
    return cases


def select_boots(args, seconds):
    """The guests: the main cases (neither reboot nor own-boot) shared out over --jobs guests
    (share_out), one per reboot and own-boot case, and smp2 (--all, --smp2); or the demo's."""
    if args.demo:
        return [Guest("demo", [Case("demo", "demo", set(), None, "", HERE + "/demo.sh")])]
    cases = read_cases()
    chosen, skip = (re.findall(r"[^,\s]+", ",".join(ps)) for ps in (args.cases, args.skip))
    hit = lambda c, p: fnmatch.fnmatch(c.name, p) or fnmatch.fnmatch(c.stem, p)  # noqa: E731
    if args.cases and not args.all:
        missing = [p for p in chosen if not any(hit(c, p) for c in cases)]
        if missing:
            raise SystemExit("run.py: no case matches %s (cases: %s)"
                             % (", ".join(missing), ", ".join(c.name for c in cases)))
        cases = [c for c in cases if any(hit(c, p) for p in chosen)]
    else:
        cases = [c for c in cases if "explicit" not in c.tags
                 and (args.all or "reboot" not in c.tags)]
    cases = [c for c in cases if not any(fnmatch.fnmatch(c.name, p) for p in skip)]
    alone = [c for c in cases if c.tags & {"reboot", "own-boot"}]
    main = [c for c in cases if c not in alone]
    smp2 = [c for c in main if "smp2" in c.tags and (args.all or args.smp2)]
    shares = share_out(main, min(args.jobs, len(main)), seconds) if main else []
    return [Guest("main-%d" % i if len(shares) > 1 else "main", share)
            for i, share in enumerate(shares, 1)] + [
        Guest(("reboot-" if "reboot" in c.tags else "own-") + c.name, [c], c.append)
        for c in alone] + ([Guest("smp2", smp2)] if smp2 else [])


def share_out(cases, n, seconds):
    """The cases over N guests, the longest first to the guest with the least so far (a case
    never timed counts as the median); each guest keeps the suite's order, so the last case,
    the lock, stays last in its guest. Without timings: round robin."""
    known = sorted(seconds[c.stem] for c in cases if c.stem in seconds)
    guess = known[len(known) // 2] if known else 1
    load, shares = [0.0] * max(1, n), [[] for _ in range(max(1, n))]
    for i, c in sorted(enumerate(cases), key=lambda ic: -seconds.get(ic[1].stem, guess)):
        g = load.index(min(load))
        load[g] += seconds.get(c.stem, guess)
        shares[g].append((i, c))
    return [[c for _, c in sorted(share)] for share in shares]


class Guest:
    """One boot of the suite: LABEL (main, main-N, smp2, reboot-NAME, own-NAME, demo), its
    CASES and extra command line; run() boots it and returns its checks, (name, ok, detail)."""

    def __init__(self, label, cases, append=""):
        self.label, self.cases, self.append, self.demo = label, cases, append, label == "demo"
        self.prefix = "smp2:" if label == "smp2" else ""
        self.results, self.starts, self.host, self.case, self.reboot = [], [], {}, None, None

    def result(self, name, ok, detail, quiet=False):
        """Count one check and print it (QUIET: only when it failed)."""
        self.results.append((name, ok, detail))
        if not (quiet and ok):
            log("%s %s %s" % ("PASS" if ok else "FAIL", name, detail))

    def run(self, args):
        initrd = os.path.join(args.workdir, self.label + ".initrd.gz")
        initramfs(initrd, "/bin/busybox", {c.stem: c.script for c in self.cases},
                  args.helper_dir, args.env, args.files, args.programs)
        console_path = os.path.join(args.out_dir, self.label + ".console.log")
        append = (args.append + " " + self.append).strip()
        if self.demo:
            log("== booting the demo guest (%s); it powers off when done"
                % os.path.basename(args.kernel))
        else:
            log("== boot %s: %d case(s): %s%s" % (self.label, len(self.cases), " ".join(
                c.name for c in self.cases), " (append: %s)" % append if append else ""))
        self.verbose = args.verbose and not self.demo
        r = boot(args.kernel, initrd, append, console_path, self.on_marker,
                 loglevel=3 if self.demo else 7, smp=2 if self.label == "smp2" else 1,
                 timeout=args.timeout, verbose=args.verbose,
                 echo="banner" if self.demo else "all" if args.verbose else None)
        if not r.started:
            return [(self.label + "/qemu", False, r.why)]
        log("   boot %s: /init after %s, total %.1f s, console log %s"
            % (self.label, "%.1f s" % r.booted if r.booted is not None else "never",
               r.elapsed, os.path.relpath(console_path)))
        if r.done and self.label.startswith("main"):
            ends = [t for t, _ in self.starts[1:]] + [r.elapsed]
            SECONDS.update((c, round(t1 - t0, 1)) for (t0, c), t1 in zip(self.starts, ends))
        self.boot_checks(r)
        for c in self.cases:
            self.host_checks(c, os.path.join(args.out_dir, "%s.%s" % (self.label, c.name)))
        return self.results

    def on_marker(self, line, now):
        tag, _, rest = line.partition(" ")
        if self.verbose:
            log("   [marker] " + line)
        if tag == "@@CASE":
            self.case = rest.strip()
            self.starts.append((now, self.case))
            if not self.demo:
                log("-- %s (t=%.1f s)" % (rest, now))
        elif tag == "@@HOST":
            self.host.setdefault(self.case, []).append(rest)
        elif tag == "@@EXPECT_REBOOT":
            self.reboot = rest.strip() or "?"
        elif tag == "@@RESULT" and (m := RESULT_RE.match(line)):
            self.result(self.prefix + m.group(1), m.group(2) == "PASS", m.group(3), self.demo)
        elif tag == "@@RESULT":
            self.result(self.label + "/marker", False, "malformed: " + line)
        elif tag == "@@SKIP":
            SKIPS.append(self.prefix + rest.strip())
            log("SKIP %s" % SKIPS[-1])
        elif tag == "@@FIGURE" and len(rest.split()) >= 2:
            FIGURES.append((self.prefix + rest.split()[0], rest.split()[1]))

    def boot_checks(self, r):
        """The checks of the boot itself: no kernel problem on the console, and the guest got
        to @@DONE, or for a reboot case, reset as it should (reboot_check)."""
        if r.bad:
            self.result(self.label + "/kernel-log", False, "%d problem line(s), first: %s"
                        % (len(r.bad), r.bad[0].strip()))
            log("\n".join("   | " + ln for ln in r.bad[:80][-60:]))
        if self.label.startswith("reboot-"):
            self.result(*self.reboot_check(self.cases[0], r))
        elif not r.done:
            self.result(self.label + "/done", False, r.why)
        if not r.done and not self.results[-1][1]:
            log("   the last 60 console lines:" + "".join("\n   | " + ln for ln in r.lines[-60:]))
            if r.stderr:
                log("   qemu stderr: " + r.stderr[-2000:])

    def reboot_check(self, case, r):
        """A reboot case: it rebooted, and its '# reboot-expect:' line matched the console
        before the kernel's 'sysrq: Resetting'."""
        if r.done or self.reboot is None:
            return (case.name + "/rebooted", False, "guest did not reboot" if r.done
                    else "guest never got to the reboot")
        if self.reboot == "unordered":
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

    def host_checks(self, case, base):
        """CASE's host half, cases/<stem>.host.py if any, as `SCRIPT DATA BASE` (DATA: its @@HOST
        payloads, one a line; BASE: a prefix for its files); its @@RESULT lines count like the
        guest's, the name prefixed with the case."""
        script, got = os.path.join(CASES_DIR, case.stem + ".host.py"), len(self.results)
        if not os.path.isfile(script):
            return
        with open(base + ".host-data", "w") as f:
            f.write("".join(p + "\n" for p in self.host.get(case.stem, [])))
        log("-- %s: host checks (%s)" % (case.name, os.path.relpath(script)))
        res = subprocess.run([sys.executable, script, base + ".host-data", base],
                             capture_output=True, text=True)
        for m in filter(None, map(RESULT_RE.match, map(str.strip, res.stdout.split("\n")))):
            self.result(self.prefix + case.name + "/" + m.group(1), m.group(2) == "PASS",
                        m.group(3))
        if res.returncode != 0 or res.stderr.strip():
            log("   %s exited %d: %s" % (os.path.basename(script), res.returncode,
                                          res.stderr.strip()[-1000:]))
        if got == len(self.results):
            self.result(self.prefix + case.name + "/host", False, "%s exited %d without a "
                        "result" % (os.path.basename(script), res.returncode))


def case_seconds(kind, update=None):
    """What each case took in its last main guest on this KIND of kernel (debug, debian), kept
    in the cache so that the next run can share the cases out evenly; UPDATE is saved first."""
    try:
        known = json.loads(pathlib.Path(SECONDS_FILE).read_text())
    except (OSError, ValueError):
        known = {}
    if update:
        known.setdefault(kind, {}).update(update)
        os.makedirs(CACHE, exist_ok=True)
        with open("%s.%d" % (SECONDS_FILE, os.getpid()), "w") as f:
            json.dump(known, f, indent=0, sort_keys=True)
        os.replace(f.name, SECONDS_FILE)
    return known.get(kind, {})


def run_boots(guests, args):
    """The main guests and smp2 at once, each in its own thread; then the own boots one by
    one. Returns every check, in the guests' order."""
    def run(g):
        try:
            return g.run(args)
        except Exception as e:  # a harness error is a failure, not a crash
            return [(g.label + "/harness", False, repr(e))]

    together = [g for g in guests if g.label.startswith("main") or g.label == "smp2"]
    with concurrent.futures.ThreadPoolExecutor(max(1, len(together))) as ex:
        done = dict(zip(together, ex.map(run, together)))
    return [r for g in guests for r in (done[g] if g in done else run(g))]


def figures_table(results):
    """Lines "name value": cases tried/passed (a case passes when none of its checks fails),
    checks, then every @@FIGURE (numbers summed over boots and repeats, others last value)."""
    cases = {name.split("/", 1)[0] for name, _ok, _detail in results}
    failed = {name.split("/", 1)[0] for name, ok, _detail in results if not ok}
    rows = [("date", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())),
            ("cases-tried", len(cases)), ("cases-passed", len(cases - failed)),
            ("checks-passed", sum(1 for r in results if r[1])),
            ("checks-failed", sum(1 for r in results if not r[1])),
            ("checks-skipped", len(SKIPS))]
    figs = {}
    for name, value in FIGURES:
        prev = figs.get(name) if isinstance(figs.get(name), (int, float)) else 0
        try:
            figs[name] = prev + (float(value) if "." in value else int(value))
        except ValueError:
            figs[name] = value
    rows += [(k, "%.1f" % v if isinstance(v, float) else v) for k, v in sorted(figs.items())]
    return ["%-28s %s" % r for r in rows]


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog="Every option: docs/qemu-suite.md")
    ap.add_argument("--module", default=os.path.join(REPO, "module", "sysrqmon.ko"))
    ap.add_argument("--tool", default=os.path.join(REPO, "tools", "sysrqmonctl"))
    for option in ("--kernel", "--kernel-release", "--kdir", "--figures"):
        ap.add_argument(option)
    for option in ("--cases", "--skip", "--env"):
        ap.add_argument(option, action="append", default=[])
    for option in ("--all", "--smp2", "--keep", "--demo"):
        ap.add_argument(option, action="store_true")
    ap.add_argument("--timeout", type=int, help="per boot, s (default 1800; debug kernel 7200)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="main guests at once")
    ap.add_argument("--append", default="", help="extra kernel command line")
    ap.add_argument("--verbose", "-v", action="store_true", help="stream the console")
    ap.add_argument("--out-dir", default=os.path.join(HERE, "out"), help="console logs")
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
    else:
        table = figures_table(results)
        log("\n".join(["== figures"] + ["   " + ln for ln in table] + ["== summary"] + fails))
        if args.figures:
            pathlib.Path(args.figures).write_text("".join(line + "\n" for line in table))
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
    release = module_release(args.module) or ""
    kind = "debug" if re.search(r"-sysrqmon(-rt)?-debug$", release) else "debian"
    args.timeout = args.timeout or (7200 if kind == "debug" else 1800)
    if kind == "debug":
        args.env.setdefault("LOAD_SCALE", "5")  # the debug kernel is ~30x slower per write
    if args.demo:
        args.env["DEMO"] = "1"
    guests = select_boots(args, case_seconds(kind))
    args.kernel = find_kernel(args.kernel, args.kernel_release, args.module, args.kdir)
    log("kernel %s, module %s" % (args.kernel, os.path.relpath(args.module)))
    os.makedirs(args.out_dir, exist_ok=True)
    args.workdir, t0, results = tempfile.mkdtemp(prefix="sysrqmon-qemu-"), time.monotonic(), []
    try:
        args.files = guest_files(args)
        results = run_boots(guests, args)
        case_seconds(kind, SECONDS)
    finally:
        if args.keep:
            log("work directory kept: " + args.workdir)
        else:
            shutil.rmtree(args.workdir, ignore_errors=True)
    return report(args, results, time.monotonic() - t0)


if __name__ == "__main__":
    sys.exit(main())
