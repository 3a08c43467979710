#!/usr/bin/env python3
"""Run the sysrqmon tests in QEMU guests (Debian's 6.1 kernel, busybox initramfs).

Usage (from the repository root):
  python3 tests/qemu/run.py [--module module/sysrqmon.ko] [--tool tools/sysrqmonctl]
  python3 tests/qemu/run.py --cases reboot          # the reboot case, in its own boot
  python3 tests/qemu/run.py --all                   # main suite + reboot and own-boot cases
  python3 tests/qemu/run.py --cases trigger,identity --verbose --keep
  python3 tests/qemu/run.py --cases netlink-fuzz --env NLFUZZ_COUNT=100000   # stress
  python3 tests/qemu/run.py --demo                  # narrated demo on the terminal

Each boot: build the static helpers (tests/qemu/helpers, gcc -static), pack an initramfs
(gzip'd newc cpio written here, no cpio binary needed) with busybox-static, /init
(tests/qemu/init.sh), lib.sh and the other tests/qemu/*-lib.sh, the selected case scripts, the
helpers, the module, /tests/env (--env NAME=VALUE lines, sourced by lib.sh) and the dynamic
programs in GUEST_PROGRAMS (sysrqmonctl, iproute2's genl) with the shared libraries ldd lists
and the dynamic loader; then boot
  qemu-system-x86_64 -m 1G -nographic -no-reboot -kernel VMLINUZ -initrd INITRD
                     -append "console=ttyS0 panic=-1 ..."
ttyS0 (the console) is read from QEMU's stdout into tests/qemu/out/<boot>.console.log (and to
stdout with --verbose). The guest prints its markers on ttyS1, a second serial port connected
to a unix socket, so kernel messages on the console can never split a marker line:
  @@SENDKEY <spec>        host runs `sendkey <spec>` on the human monitor (unix socket)
  @@RESULT <name> PASS|FAIL <detail>
  @@SKIP <name> <why>     a check this kernel cannot run (printed, counted in the figures)
  @@EXPECT_REBOOT <name>  the next thing the guest does is reboot (see below)
  @@FIGURE <name> <value> a figure for the table printed before the summary (--figures FILE
                          writes it to FILE too)
  @@HOST <text>           data for the case's host half (see below)
  @@DONE                  all cases ran; the guest powers off
The boot fails (one failure each) if @@DONE never comes (crash, hang, --timeout: the last 60
console lines are printed) or if a timestamped kernel line on the console reports BUG:,
WARNING:, Oops, Call Trace, general protection, KASAN, possible circular locking, sleeping
function called from invalid context, or a kmemleak leak.

2-vCPU cases: a case with a line `# qemu-test: smp2` runs again in a boot "smp2" with
`-smp 2 -accel tcg,thread=single` (with --all or --smp2), results prefixed "smp2:".

Reboot cases: a case script with a line `# qemu-test: reboot` never runs in the main boot; each
gets a boot of its own (select it with --cases NAME, or --all). Its line
`# reboot-expect: REGEX` (Python regex) must match the console log BEFORE the kernel's own
"sysrq: Resetting" line; QEMU exits on the reboot because of -no-reboot.

Own-boot cases: a case with a line `# qemu-test: own-boot` also gets a boot of its own
("own-NAME"), after the main boots, but is in the default selection; `# qemu-append: ARGS`
adds ARGS to that boot's kernel command line (50-audit-records: audit=1, which the main boots
must not have).

Host half of a case: `@@HOST <text>` markers are kept per case; after the boot, if
cases/<stem>.host.py exists, it runs on the host as `python3 SCRIPT DATA BASE` (DATA: the texts,
one per line; BASE: tests/qemu/out/<boot>.<case>, a prefix for its files) and prints
`@@RESULT NAME PASS|FAIL DETAIL` lines, counted like the guest's (NAME prefixed with the case).

Kernel: --kernel VMLINUZ, or --kernel-release REL (fetched by get-kernel.sh into
${XDG_CACHE_HOME:-~/.cache}/sysrqmon/kernels/REL), default: the release in the module's
vermagic (--kdir: the kernel tree the module was built against, used for the release only
when the module has no vermagic). The last line of output is always "N passed, M failed";
the exit status is 1 when M > 0.

Demo (--demo, `make demo`): one boot running tests/qemu/demo.sh with DEMO=1 and a quiet
kernel console (loglevel=3); the console is streamed to stdout as it comes (markers stay on
ttyS1, so the operator sees only the demo); exit 0 when it ran through (@@DONE, no FAIL).
"""

import argparse
import collections
import fnmatch
import glob
import gzip
import io
import os
import re
import selectors
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CASES_DIR = os.path.join(HERE, "cases")
OUT_DIR = os.path.join(HERE, "out")

BAD_PATTERNS = re.compile(
    r"BUG:|WARNING:|Oops|Call Trace|general protection|KASAN|UBSAN:|possible circular locking"
    r"|sleeping function called from invalid context"
    r"|kmemleak: .*(suspected memory leak|unreferenced)|unreferenced object")
KERNEL_LINE = re.compile(r"\[\s*\d+\.\d+\]")
RESULT_RE = re.compile(r"^@@RESULT (\S+) (PASS|FAIL) ?(.*)$")
FIGURE_RE = re.compile(r"^@@FIGURE (\S+) (\S+)")
FIGURES = []  # (boot label, name, value) from @@FIGURE markers
SKIPS = []  # "name why" from @@SKIP markers


def log(msg):
    print(msg, flush=True)


# --------------------------------------------------------------------------------------------
# initramfs


class Cpio:
    """Minimal newc ("070701") archive writer."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 300000
        self.dirs = set()

    def _entry(self, name, mode, data=b"", nlink=1, rdev=(0, 0)):
        self.ino += 1
        name_b = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1],
                  len(name_b), 0]
        hdr = b"070701" + b"".join(b"%08X" % f for f in fields)
        self.buf.write(hdr + name_b)
        self.buf.write(b"\0" * (-(len(hdr) + len(name_b)) % 4))
        self.buf.write(data)
        self.buf.write(b"\0" * (-len(data) % 4))

    def _parents(self, path):
        parts = path.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            self.dir("/".join(parts[:i]))

    def dir(self, path, mode=0o755):
        path = path.strip("/")
        if not path or path in self.dirs:
            return
        self._parents(path)
        self.dirs.add(path)
        self._entry(path, stat.S_IFDIR | mode, nlink=2)

    def file(self, path, data, mode=0o644):
        path = path.strip("/")
        self._parents(path)
        self._entry(path, stat.S_IFREG | mode, data)

    def copy(self, path, src, mode=None):
        with open(src, "rb") as f:
            data = f.read()
        if mode is None:
            mode = os.stat(src).st_mode & 0o7777
        self.file(path, data, mode)

    def symlink(self, path, target):
        path = path.strip("/")
        self._parents(path)
        self._entry(path, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, path, major, minor, mode=0o600):
        path = path.strip("/")
        self._parents(path)
        self._entry(path, stat.S_IFCHR | mode, rdev=(major, minor))

    def finish(self):
        self._entry("TRAILER!!!", 0, nlink=1)
        data = self.buf.getvalue()
        return data + b"\0" * (-len(data) % 512)


def ldd_deps(binary):
    """Shared libraries and loader of a dynamic executable, as absolute host paths."""
    try:
        out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    except OSError:
        return []
    deps = []
    for line in out.splitlines():
        m = re.search(r"=>\s*(/\S+)", line) or re.match(r"\s*(/\S+)\s+\(0x", line)
        if m:
            deps.append(m.group(1))
    return deps


# Dynamic programs for the guest: (guest path, host path or None to look it up, why).
GUEST_PROGRAMS = [
    ("usr/sbin/sysrqmonctl", None, "the tool (--tool)"),
    ("usr/sbin/genl", None, "iproute2's genl, a netlink client we did not write"),
]


def find_program(name):
    for d in ("/usr/sbin", "/sbin", "/usr/bin", "/bin"):
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return shutil.which(name)


def add_dynamic(c, guest_path, host_path, seen):
    """Copy a dynamically linked program and the libraries and loader ldd names."""
    c.copy(guest_path, host_path, 0o755)
    for dep in ldd_deps(host_path):
        if dep not in seen:
            seen.add(dep)
            c.copy(dep, os.path.realpath(dep), 0o755)


def build_initramfs(path, args, case_names, helper_dir, case_files=None, env=None):
    c = Cpio()
    for d in ("bin", "sbin", "usr/bin", "usr/sbin", "proc", "sys", "dev", "tmp", "mnt", "root",
              "etc", "run", "tests/cases", "tests/bin", "tests/kmod"):
        c.dir(d)
    c.chardev("dev/console", 5, 1)
    c.chardev("dev/null", 1, 3, 0o666)
    c.file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/tmp:/bin/sh\n"
           b"nobody:x:65534:65534::/:/bin/sh\n")
    c.file("etc/group", b"root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n")

    busybox = args.busybox
    c.copy("bin/busybox", busybox, 0o755)
    applets = subprocess.run([busybox, "--list-full"], capture_output=True, text=True,
                             check=True).stdout.split()
    for a in applets:
        if a.strip("/") != "bin/busybox":
            c.symlink(a, "/bin/busybox")

    c.copy("init", os.path.join(HERE, "init.sh"), 0o755)
    for fn in sorted(os.listdir(HERE)):
        if fn == "lib.sh" or fn.endswith("-lib.sh"):
            c.copy("tests/" + fn, os.path.join(HERE, fn), 0o644)
    for name in case_names:
        src = (case_files or {}).get(name) or os.path.join(CASES_DIR, name + ".sh")
        c.copy("tests/cases/%s.sh" % name, src, 0o755)
    c.file("tests/cases.list", "".join(n + "\n" for n in case_names).encode())
    c.file("tests/env", "".join("export %s='%s'\n" % (k, v.replace("'", "'\\''"))
                                for k, v in (env or {}).items()).encode())
    for h in sorted(os.listdir(helper_dir)):
        c.copy("tests/bin/" + h, os.path.join(helper_dir, h), 0o755)
    c.copy("tests/sysrqmon.ko", args.module, 0o644)
    if getattr(args, "evil_ko", None):
        c.copy("tests/sysrqevil.ko", args.evil_ko, 0o644)
    if getattr(args, "kunit_module", None):
        c.copy("tests/sysrqmon_test.ko", args.kunit_module, 0o644)
    for ko in getattr(args, "input_kos", None) or []:
        c.copy("tests/kmod/" + os.path.basename(ko), ko, 0o644)

    seen = set()
    for guest, host, _why in GUEST_PROGRAMS:
        if guest == "usr/sbin/sysrqmonctl":
            host = args.tool if args.tool and os.path.isfile(args.tool) else None
        elif host is None:
            host = find_program(os.path.basename(guest))
        if host:
            add_dynamic(c, guest, host, seen)
    with open(path, "wb") as f:
        f.write(gzip.compress(c.finish(), compresslevel=6))


# --------------------------------------------------------------------------------------------
# kernel and helpers


def module_release(ko):
    with open(ko, "rb") as f:
        data = f.read()
    m = re.search(rb"vermagic=([^\s\0]+)", data)
    return m.group(1).decode() if m else None


def find_kernel(args):
    if args.kernel:
        return args.kernel
    rel = args.kernel_release or module_release(args.module)
    if not rel and args.kdir:
        m = re.search(r"linux-headers-(\S+)$", os.path.realpath(args.kdir).rstrip("/"))
        rel = m.group(1) if m else None
    if not rel:
        raise SystemExit("run.py: cannot tell the kernel release (no vermagic in %s); use "
                         "--kernel-release or --kernel" % args.module)
    res = subprocess.run([os.path.join(HERE, "get-kernel.sh"), rel], stdout=subprocess.PIPE,
                         text=True)
    if res.returncode != 0:
        raise SystemExit("run.py: get-kernel.sh %s failed" % rel)
    return res.stdout.strip().splitlines()[-1]


def input_modules(kernel, workdir):
    """evdev.ko and uinput.ko of a Debian kernel (the inject case loads them; the debug
    kernel has them built in, the cloud flavour has no uinput). Compressed ones are
    unpacked into workdir, as busybox insmod takes plain ELF only."""
    root = os.path.dirname(os.path.dirname(os.path.realpath(kernel)))
    found = []
    for rel in ("drivers/input/evdev.ko", "drivers/input/misc/uinput.ko"):
        for ko in glob.glob(os.path.join(root, "lib/modules/*/kernel", rel + "*")):
            name = os.path.join(workdir, os.path.basename(rel))
            tool = {".xz": ["xz", "-dc"], ".zst": ["zstd", "-dc"]}.get(
                os.path.splitext(ko)[1])
            if tool:
                with open(name, "wb") as f:
                    subprocess.run(tool + [ko], stdout=f, check=True)
                found.append(name)
            else:
                found.append(ko)
            break
    return found


def build_evil_module(args, workdir):
    """Build tests/module (the hostile test module) for the module's kernel."""
    kdir = args.kdir
    if not kdir:
        rel = module_release(args.module)
        kdir = "/usr/src/linux-headers-%s" % rel if rel else None
    if not kdir or not os.path.isdir(kdir):
        log("note: no kernel tree for sysrqevil.ko: the integrity cases will fail")
        return None
    src = os.path.join(workdir, "evil")
    shutil.copytree(os.path.join(REPO, "tests", "module"), src,
                    ignore=shutil.ignore_patterns("*.ko", "*.o", "*.mod*", ".*", "modules.order",
                                                  "Module.symvers"))
    res = subprocess.run([os.path.join(REPO, "tests", "kbuild.sh"), kdir, src],
                         capture_output=True, text=True)
    ko = os.path.join(src, "sysrqevil.ko")
    if res.returncode != 0 or not os.path.isfile(ko):
        sys.stderr.write(res.stdout + res.stderr)
        log("note: sysrqevil.ko did not build: the integrity cases will fail")
        return None
    return ko


def build_helpers(outdir):
    os.makedirs(outdir, exist_ok=True)
    res = subprocess.run(["make", "-s", "-C", os.path.join(HERE, "helpers"), "O=" + outdir],
                         capture_output=True, text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stdout + res.stderr)
        raise SystemExit("run.py: building the static helpers failed")


# --------------------------------------------------------------------------------------------
# cases


SMP2_CASES = set()  # cases with a line "# qemu-test: smp2": also run in the 2-vCPU boot
# cases with a line "# qemu-test: explicit": only when --cases names them (they test another
# module than the suite's, e.g. the DKMS placeholder)
EXPLICIT_CASES = set()

# A case: its file stem ("50-audit-records") and name ("audit-records"); is_reboot and
# reboot_rx for "# qemu-test: reboot" / "# reboot-expect:"; own_boot for a case that runs in a
# boot of its own (reboot cases, "# qemu-test: own-boot"); append, the extra kernel command
# line of that boot ("# qemu-append: ARGS").
Case = collections.namedtuple("Case", "stem name is_reboot reboot_rx own_boot append")
# A boot: label, its cases, the reboot case it is for (or None), extra kernel command line.
Boot = collections.namedtuple("Boot", "label cases reboot_case append")


def all_cases():
    """[Case] in run order."""
    out = []
    for fn in sorted(os.listdir(CASES_DIR)):
        m = re.match(r"^(\d\d)-(.+)\.sh$", fn)
        if not m:
            continue
        with open(os.path.join(CASES_DIR, fn)) as f:
            text = f.read()
        is_reboot = re.search(r"^# qemu-test: reboot\s*$", text, re.M) is not None
        own = is_reboot or re.search(r"^# qemu-test: own-boot\s*$", text, re.M) is not None
        rx = re.search(r"^# reboot-expect: (.+)$", text, re.M)
        app = re.search(r"^# qemu-append: (.+)$", text, re.M)
        out.append(Case(fn[:-3], m.group(2), is_reboot, rx.group(1).strip() if rx else None,
                        own, app.group(1).strip() if app else ""))
        if re.search(r"^# qemu-test: smp2\s*$", text, re.M):
            SMP2_CASES.add(fn[:-3])
        if re.search(r"^# qemu-test: explicit\s*$", text, re.M):
            EXPLICIT_CASES.add(fn[:-3])
    return out


def select_cases(args):
    cases = all_cases()
    if args.all:
        chosen = [c for c in cases if c.stem not in EXPLICIT_CASES]
    elif args.cases:
        pats = [p for p in re.split(r"[,\s]+", ",".join(args.cases)) if p]
        chosen = [c for c in cases
                  if any(fnmatch.fnmatch(c.name, p) or fnmatch.fnmatch(c.stem, p) for p in pats)]
        missing = [p for p in pats
                   if not any(fnmatch.fnmatch(c.name, p) or fnmatch.fnmatch(c.stem, p)
                              for c in cases)]
        if missing:
            raise SystemExit("run.py: no case matches %s (cases: %s)"
                             % (", ".join(missing), ", ".join(c.name for c in cases)))
    else:
        chosen = [c for c in cases if not c.is_reboot and c.stem not in EXPLICIT_CASES]
    boots = []
    main = [c for c in chosen if not c.own_boot]
    if main:
        boots.append(Boot("main", main, None, ""))
    for c in chosen:
        if c.is_reboot:
            boots.append(Boot("reboot-" + c.name, [c], c, c.append))
        elif c.own_boot:
            boots.append(Boot("own-" + c.name, [c], None, c.append))
    # --all and --smp2: the "# qemu-test: smp2" cases again, in a guest with two vCPUs
    smp2 = [c for c in main if c.stem in SMP2_CASES]
    if smp2 and (args.all or args.smp2):
        boots.append(Boot("smp2", smp2, None, ""))
    return boots


# --------------------------------------------------------------------------------------------
# QEMU


class Monitor:
    def __init__(self, path):
        self.path = path

    def command(self, cmd):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(self.path)
        self._until_prompt(s)
        s.sendall(cmd.encode() + b"\n")
        reply = self._until_prompt(s)
        s.close()
        return reply

    @staticmethod
    def _until_prompt(s):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
        return buf.decode(errors="replace")


def run_boot(label, cases, reboot_case, kernel, args, workdir, helper_dir, demo=False,
             append=""):
    """Boot once (APPEND: extra kernel command line); returns a list of (name, ok, detail)."""
    bootdir = os.path.join(workdir, label)
    os.makedirs(bootdir)
    initrd = os.path.join(bootdir, "initrd.gz")
    env = dict(args.env)
    case_files = None
    if demo:
        env["DEMO"] = "1"
        case_files = {"demo": os.path.join(HERE, "demo.sh")}
    build_initramfs(initrd, args, [c.stem for c in cases], helper_dir, case_files, env)
    os.makedirs(OUT_DIR, exist_ok=True)
    console_path = os.path.join(OUT_DIR, label + ".console.log")
    mon_path = os.path.join(bootdir, "mon.sock")
    mk_path = os.path.join(bootdir, "markers.sock")

    append = ("console=ttyS0 panic=-1 loglevel=%d log_buf_len=8M printk.time=1 "
              "8250.nr_uarts=4 " % (3 if demo else 7) + args.append + " " + append).strip()
    cmd = [args.qemu, "-m", "1G", "-nographic", "-no-reboot",
           "-kernel", kernel, "-initrd", initrd, "-append", append,
           "-monitor", "unix:%s,server,nowait" % mon_path,
           "-serial", "stdio",
           "-chardev", "socket,id=markers,path=%s,server=on,wait=on" % mk_path,
           "-serial", "chardev:markers"]
    smp = 2 if label == "smp2" else args.smp
    prefix = "smp2:" if label == "smp2" else ""
    if smp > 1:
        cmd += ["-smp", str(smp), "-accel", "tcg,thread=single"]
    stream = args.verbose or demo
    # The demo shows the guest from its banner on (no firmware screen, no boot noise).
    demo_started = not demo
    demo_pending = b""
    if demo:
        log("== booting the demo guest (%s); it powers off when done" % os.path.basename(kernel))
    else:
        log("== boot %s: %d case(s): %s%s" % (label, len(cases), " ".join(c.name for c in cases),
                                              " (append: %s)" % append if append else ""))
    if args.verbose:
        log("   " + " ".join(cmd))

    results = []
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    mk = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    while True:
        try:
            mk.connect(mk_path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            if proc.poll() is not None or time.monotonic() - t0 > 30:
                err = proc.stderr.read().decode(errors="replace") if proc.poll() is not None \
                    else "no marker socket after 30 s"
                proc.kill()
                return [(label + "/qemu", False, "QEMU did not start: " + err.strip())]
            time.sleep(0.05)

    monitor = Monitor(mon_path)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, "console")
    sel.register(mk, selectors.EVENT_READ, "markers")
    console = open(console_path, "wb")
    mk_buf = b""
    done = False
    expect_reboot = None
    booted_at = None
    current_case = None
    host_data = {}  # case stem -> the payloads of its @@HOST markers
    timed_out = False
    deadline = t0 + args.timeout
    done_at = None
    open_streams = 2

    def show(data):
        nonlocal demo_started, demo_pending
        if not demo_started:
            demo_pending += data
            i = demo_pending.find(b"\n####")
            if i < 0:
                demo_pending = demo_pending[-8:]
                return
            data, demo_started = demo_pending[i + 1:], True
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()

    def on_marker(line):
        nonlocal done, expect_reboot, booted_at, done_at, current_case
        if args.verbose and not demo:
            log("   [marker] " + line)
        if line.startswith("@@BOOTED"):
            booted_at = time.monotonic() - t0
        elif line.startswith("@@CASE "):
            current_case = line[7:].strip()
            if not demo:
                log("-- %s (t=%.1f s)" % (line[7:], time.monotonic() - t0))
        elif line.startswith("@@HOST "):
            host_data.setdefault(current_case, []).append(line[7:])
        elif line.startswith("@@SENDKEY "):
            spec = line.split(None, 1)[1].strip()
            try:
                reply = monitor.command("sendkey " + spec)
                if "rror" in reply or "nvalid" in reply:
                    log("   sendkey %s: %s" % (spec, reply.strip()))
            except OSError as e:
                log("   sendkey %s failed: %s" % (spec, e))
        elif line.startswith("@@EXPECT_REBOOT"):
            expect_reboot = line.split(None, 1)[1].strip() if " " in line else "?"
        elif line.startswith("@@RESULT "):
            m = RESULT_RE.match(line)
            if not m:
                results.append((label + "/marker", False, "malformed: " + line))
                log("FAIL %s/marker malformed: %s" % (label, line))
                return
            ok = m.group(2) == "PASS"
            results.append((prefix + m.group(1), ok, m.group(3)))
            if not (demo and ok):
                log("%s %s%s %s" % (m.group(2), prefix, m.group(1), m.group(3)))
        elif line.startswith("@@SKIP "):
            SKIPS.append(prefix + line[len("@@SKIP "):].strip())
            log("SKIP %s" % SKIPS[-1])
        elif line.startswith("@@FIGURE "):
            m = FIGURE_RE.match(line)
            if m:
                FIGURES.append((label, m.group(1), m.group(2)))
        elif line.startswith("@@DONE"):
            done = True
            done_at = time.monotonic()

    while open_streams:
        now = time.monotonic()
        if now > deadline:
            timed_out = True
            break
        if done and now - done_at > 30:
            break  # powered off too slowly; everything we need is in
        for key, _ in sel.select(timeout=0.5):
            if key.data == "console":
                data = os.read(proc.stdout.fileno(), 65536)
                if not data:
                    sel.unregister(proc.stdout)
                    open_streams -= 1
                    continue
                console.write(data)
                console.flush()
                if stream:
                    show(data)
            else:
                try:
                    data = mk.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(mk)
                    open_streams -= 1
                    continue
                mk_buf += data
                while b"\n" in mk_buf:
                    raw, mk_buf = mk_buf.split(b"\n", 1)
                    on_marker(raw.decode(errors="replace").strip("\r\0 "))
    if proc.poll() is None:
        proc.kill()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    rest = proc.stdout.read() or b""
    console.write(rest)
    console.close()
    mk.close()
    elapsed = time.monotonic() - t0
    stderr = proc.stderr.read().decode(errors="replace").strip()

    with open(console_path, "rb") as f:
        text = f.read().decode(errors="replace").replace("\r", "")
    lines = text.split("\n")

    log("   boot %s: /init after %s, total %.1f s, console log %s"
        % (label, "%.1f s" % booted_at if booted_at is not None else "never", elapsed,
           os.path.relpath(console_path)))

    # Kernel-reported problems: only timestamped kernel lines, never our own shell output.
    bad = [ln for ln in lines if KERNEL_LINE.search(ln) and BAD_PATTERNS.search(ln)]
    if bad:
        log("FAIL %s/kernel-log: the kernel reported problems:" % label)
        for ln in bad[:80]:
            log("   | " + ln)
        results.append((label + "/kernel-log", False, "%d problem line(s), first: %s"
                        % (len(bad), bad[0].strip())))

    if reboot_case is not None:
        name = reboot_case.name
        rx = reboot_case.reboot_rx
        if done or expect_reboot is None:
            why = "guest did not reboot" if done else "guest never got to the reboot"
            results.append((name + "/rebooted", False, why))
            log("FAIL %s/rebooted %s" % (name, why))
            if not done:
                tail(lines)
        elif not rx:
            results.append((name + "/rebooted", False, "case has no '# reboot-expect:' line"))
        else:
            m = re.search(rx, text)
            r = text.find("sysrq: Resetting")
            if m and r >= 0 and m.start() < r:
                detail = "audit line before 'sysrq: Resetting': " + m.group(0)
                results.append((name + "/audit-before-reset", True, detail))
                log("PASS %s/audit-before-reset %s" % (name, detail))
            else:
                detail = ("no console line matching /%s/" % rx if not m else
                          "no 'sysrq: Resetting' on the console" if r < 0 else
                          "audit line came after 'sysrq: Resetting'")
                results.append((name + "/audit-before-reset", False, detail))
                log("FAIL %s/audit-before-reset %s" % (name, detail))
                tail(lines)
    elif not done:
        why = ("timeout after %d s" % args.timeout if timed_out
               else "QEMU exited (status %s) before @@DONE" % proc.returncode)
        results.append((label + "/done", False, why))
        log("FAIL %s/done %s; last 60 console lines:" % (label, why))
        tail(lines)
        if stderr:
            log("   qemu stderr: " + stderr[-2000:])
    if not demo:
        results += run_host_checks(label, cases, host_data, prefix)
    return results


def run_host_checks(label, cases, host_data, prefix):
    """The host half of a case: cases/<stem>.host.py, when it exists, runs after the boot
    with the payloads of the case's @@HOST markers (one per line in DATA) and writes
    @@RESULT NAME PASS|FAIL DETAIL lines, which count like the guest's (NAME gets the case's
    prefix). Its files go to OUT_DIR/<boot>.<case>.*"""
    results = []
    for c in cases:
        script = os.path.join(CASES_DIR, c.stem + ".host.py")
        if not os.path.isfile(script):
            continue
        base = os.path.join(OUT_DIR, "%s.%s" % (label, c.name))
        data = base + ".host-data"
        with open(data, "w") as f:
            f.write("".join(p + "\n" for p in host_data.get(c.stem, [])))
        log("-- %s: host checks (%s)" % (c.name, os.path.relpath(script)))
        res = subprocess.run([sys.executable, script, data, base], capture_output=True,
                             text=True)
        got = 0
        for ln in res.stdout.splitlines():
            m = RESULT_RE.match(ln.strip())
            if not m:
                continue
            got += 1
            ok = m.group(2) == "PASS"
            results.append((prefix + c.name + "/" + m.group(1), ok, m.group(3)))
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


def run_demo(args):
    kernel = find_kernel(args)
    workdir = tempfile.mkdtemp(prefix="sysrqmon-demo-")
    t0 = time.monotonic()
    try:
        helper_dir = os.path.join(workdir, "helpers")
        build_helpers(helper_dir)
        args.evil_ko = build_evil_module(args, workdir)
        args.input_kos = input_modules(kernel, workdir)
        results = run_boot("demo", [Case("demo", "demo", False, None, False, "")], None, kernel,
                           args, workdir, helper_dir, demo=True)
    finally:
        if args.keep:
            log("work directory kept: " + workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    bad = [r for r in results if not r[1]]
    if not results:
        bad = [("demo/ran", False, "the demo reported nothing")]
    log("")
    if bad:
        for name, _ok, detail in bad:
            log("FAIL %s %s" % (name, detail))
        log("== the demo did not run through (console log: %s)"
            % os.path.relpath(os.path.join(OUT_DIR, "demo.console.log")))
        return 1
    log("== the demo ran through in %.0f s (console log: %s)"
        % (time.monotonic() - t0, os.path.relpath(os.path.join(OUT_DIR, "demo.console.log"))))
    return 0


def shard_main_boot(boots, jobs):
    """Deal the main cases round-robin over `jobs` guests; order is kept in each, so the
    last case (the lock, which leaves the module loaded) stays last in its guest."""
    out = []
    for boot in boots:
        if boot.label != "main" or jobs <= 1 or len(boot.cases) < 2:
            out.append(boot)
            continue
        n = min(jobs, len(boot.cases))
        for i in range(n):
            out.append(Boot("main-%d" % (i + 1), boot.cases[i::n], None, ""))
    return out


def run_boots(boots, kernel, args, workdir, helper_dir):
    """Run the boots, the main shards concurrently, each in its own thread."""
    import threading
    results = {}

    def one(i, boot):
        try:
            results[i] = run_boot(boot.label, boot.cases, boot.reboot_case, kernel, args,
                                  workdir, helper_dir, append=boot.append)
        except Exception as e:  # a harness error is a failure, not a crash
            results[i] = [(boot.label + "/harness", False, repr(e))]

    shards = [(i, b) for i, b in enumerate(boots)
              if b.label.startswith("main") or b.label == "smp2"]
    threads = [threading.Thread(target=one, args=(i, b)) for i, b in shards]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, b in enumerate(boots):
        if not (b.label.startswith("main") or b.label == "smp2"):
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
            ("cases-passed", str(sum(1 for v in cases.values() if v))),
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
    for key in sorted(figs):
        v = figs[key]
        rows.append((key, "%.1f" % v if isinstance(v, float) else str(v)))
    return ["%-28s %s" % r for r in rows]


def main():
    global OUT_DIR
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.split("\n")[1:]))
    ap.add_argument("--module", default=os.path.join(REPO, "module", "sysrqmon.ko"))
    ap.add_argument("--tool", default=os.path.join(REPO, "tools", "sysrqmonctl"),
                    help="sysrqmonctl to install as /usr/sbin/sysrqmonctl (if it exists)")
    ap.add_argument("--kernel", help="vmlinuz/bzImage to boot (default: Debian's, cached)")
    ap.add_argument("--kernel-release", help="Debian kernel release, e.g. 6.1.0-56-amd64")
    ap.add_argument("--cases", action="append",
                    help="case names or globs, comma separated (default: all but reboot; "
                         "own-boot cases get their own boot)")
    ap.add_argument("--expect-reboot", action="append", metavar="CASE",
                    help="same as --cases CASE for a reboot case")
    ap.add_argument("--all", action="store_true",
                    help="main suite plus every reboot and own-boot case and the 2-vCPU boot")
    ap.add_argument("--timeout", type=int,
                    help="per boot, seconds (default 1800; 3600 on the debug kernel, which "
                         "is about 30 times slower per write)")
    ap.add_argument("--jobs", "-j", type=int, default=2,
                    help="run the main cases in this many guests at once (default 2: "
                         "every case loads and unloads the module itself)")
    ap.add_argument("--kunit-module", help="sysrqmon_test.ko to ship (default: beside --module)")
    ap.add_argument("--smp", type=int, default=1,
                    help="guest CPUs; >1 adds -accel tcg,thread=single")
    ap.add_argument("--smp2", action="store_true",
                    help="also run the selected '# qemu-test: smp2' cases in a guest with two "
                         "vCPUs (results prefixed smp2:); --all does this always")
    ap.add_argument("--figures", metavar="FILE",
                    help="write the figures table (@@FIGURE markers, case counts) to FILE")
    ap.add_argument("--append", default="", help="extra kernel command line")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--verbose", "-v", action="store_true", help="stream the console")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="variable for the guest's cases (/tests/env), e.g. NLFUZZ_COUNT=100000")
    ap.add_argument("--nlfuzz-count", type=int, metavar="N",
                    help="messages per sender in the netlink fuzz case (same as "
                         "--env NLFUZZ_COUNT=N; default 2000)")
    ap.add_argument("--demo", action="store_true",
                    help="boot tests/qemu/demo.sh and stream it to the terminal")
    ap.add_argument("--kdir", help="kernel tree the module was built against: gives the release "
                                   "when the module has no vermagic, the kernel to boot when it "
                                   "holds arch/x86/boot/bzImage (the debug kernel), and the "
                                   "tree to build the hostile test module in")
    ap.add_argument("--out-dir", default=OUT_DIR,
                    help="where the console logs go (default tests/qemu/out)")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--busybox", default="/bin/busybox")
    args = ap.parse_args()
    OUT_DIR = os.path.abspath(args.out_dir)
    if args.expect_reboot:
        args.cases = (args.cases or []) + args.expect_reboot
    env = {}
    for kv in args.env:
        k, sep, v = kv.partition("=")
        if not sep or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", k):
            ap.error("--env wants NAME=VALUE, not %r" % kv)
        env[k] = v
    if args.nlfuzz_count is not None:
        env["NLFUZZ_COUNT"] = str(args.nlfuzz_count)
    args.env = env

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
    debug_kernel = re.search(r"-sysrqmon(-rt)?-debug$", module_release(args.module) or "")
    if args.timeout is None:
        args.timeout = 3600 if debug_kernel else 1800
    if args.demo:
        return run_demo(args)

    if not args.kunit_module:
        sibling = os.path.join(os.path.dirname(args.module), "sysrqmon_test.ko")
        args.kunit_module = sibling if os.path.isfile(sibling) else None
    boots = shard_main_boot(select_cases(args), args.jobs)
    if "LOAD_SCALE" not in args.env and debug_kernel:
        args.env["LOAD_SCALE"] = "5"  # the debug kernel is ~30x slower per write
    if not args.kernel and args.kdir and \
            os.path.isfile(os.path.join(args.kdir, "arch/x86/boot/bzImage")):
        args.kernel = os.path.join(args.kdir, "arch/x86/boot/bzImage")
    kernel = find_kernel(args)
    log("kernel %s, module %s" % (kernel, os.path.relpath(args.module)))
    workdir = tempfile.mkdtemp(prefix="sysrqmon-qemu-")
    results = []
    try:
        helper_dir = os.path.join(workdir, "helpers")
        build_helpers(helper_dir)
        args.evil_ko = build_evil_module(args, workdir)
        args.input_kos = input_modules(kernel, workdir)
        results = run_boots(boots, kernel, args, workdir, helper_dir)
    finally:
        if args.keep:
            log("work directory kept: " + workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    passed = sum(1 for r in results if r[1])
    failed = len(results) - passed
    if not results:
        failed = 1
    table = figures_table(results)
    log("== figures")
    for line in table:
        log("   " + line)
    if args.figures:
        with open(args.figures, "w") as f:
            f.write("".join(line + "\n" for line in table))
    log("== summary")
    for name, ok, detail in results:
        if not ok:
            log("FAIL %s %s" % (name, detail))
    log("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
