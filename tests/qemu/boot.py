"""The one QEMU boot of the tests (run.py), the demo (run.py --demo) and the benchmark
(tests/bench/bench.py): the kernel to boot, the initramfs (packed by `cpio -o -H newc`) and
boot(), which runs QEMU, writes the console log and hands each marker line to the caller."""

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
                     "sysrqmon")
BAD_PATTERNS = re.compile(
    r"BUG:|WARNING:|Oops|Call Trace|general protection|KASAN|UBSAN:|possible circular locking"
    r"|sleeping function called from invalid context"
    r"|kmemleak: .*(suspected memory leak|unreferenced)|unreferenced object")
KERNEL_LINE = re.compile(r"\[\s*\d+\.\d+\]")
RESULT_RE = re.compile(r"^@@RESULT (\S+) (PASS|FAIL) ?(.*)$")


def module_release(ko):
    with open(ko, "rb") as f:
        m = re.search(rb"vermagic=([^\s\0]+)", f.read())
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
    tmp = tempfile.mkdtemp(prefix=".dl.", dir=cache)
    os.chmod(tmp, 0o755)  # apt's _apt sandbox user writes the download there
    # The machine's apt, then tests/kernels.sh's private lists (they know the 6.12 kernels
    # too); the -unsigned package when there is no signed one.
    apts = (["apt-get"], [os.path.join(REPO, "tests", "kernels.sh"), "apt-get"])
    try:
        if not any(subprocess.run(apt + ["download", pkg], cwd=tmp, stdout=subprocess.DEVNULL)
                   .returncode == 0 for apt in apts
                   for pkg in ("linux-image-" + rel, "linux-image-%s-unsigned" % rel)):
            raise SystemExit("cannot download linux-image-%s (Debian drops superseded ABIs from "
                             "the archive: rebuild the module against current headers)" % rel)
        subprocess.run(["dpkg-deb", "-x", glob.glob(tmp + "/*.deb")[0], tmp + "/root"],
                       check=True)
        shutil.rmtree(os.path.join(cache, rel), ignore_errors=True)
        os.rename(tmp + "/root", os.path.join(cache, rel))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return vmlinuz


def kbuild(kdir, out, what, tree=None):
    """Build the external module of TREE (default: sysrqmon's) in OUT against KDIR
    (tests/kbuild.sh)."""
    res = subprocess.run([os.path.join(REPO, "tests", "kbuild.sh"), kdir, out] +
                         ([tree] if tree else []), capture_output=True, text=True)
    if res.returncode:
        raise SystemExit(res.stdout + res.stderr + "building %s against %s failed"
                         % (what, kdir))


def initramfs(path, busybox, cases, bindir, env, files=None, programs=None):
    """Pack PATH: CASES {stem: script}, BINDIR's programs, ENV, FILES {guest path: host path}
    and PROGRAMS {name: dynamic executable or None} with their libraries (docs/qemu-suite.md).
    Busybox's applet links are made by /init (`busybox --install -s`)."""
    root = tempfile.mkdtemp(prefix="sysrqmon-initramfs-")

    def put(guest, src, mode=0o644):
        dst = os.path.join(root, guest.strip("/"))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if isinstance(src, str):
            shutil.copyfile(src, dst)
        else:
            with open(dst, "wb") as f:
                f.write(src)
        os.chmod(dst, mode)

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
    shutil.rmtree(root)


def sendkey(mon_path, spec):
    """`sendkey SPEC` on QEMU's human monitor; says what went wrong, if anything."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(mon_path)
            s.sendall(b"sendkey " + spec.encode() + b"\n")
            s.shutdown(socket.SHUT_WR)  # QEMU answers, then hangs up
            reply = b"".join(iter(lambda: s.recv(4096), b"")).decode(errors="replace")
        if "rror" in reply or "nvalid" in reply:  # after the banner and the echoed command
            print("   SENDKEY %s: %s" % (spec, " ".join(reply.split("\r\n")[2:-1])), flush=True)
    except OSError as e:
        print("   SENDKEY %s failed: %s" % (spec, e), flush=True)


def follow(path, on_console, stop):
    """ON_CONSOLE(bytes) with what QEMU writes to PATH, until STOP is set."""
    with open(path, "rb") as f:
        while not stop.wait(0.2):
            on_console(f.read())
        on_console(f.read())


def boot(kernel, initrd, append, console_log, on_marker, smp=1, icount=False, timeout=1800,
         loglevel=7, on_console=None, verbose=False):
    """Boot KERNEL with INITRD until the guest's @@DONE (then up to 30 s for the power-off),
    QEMU's exit or TIMEOUT seconds. The console (ttyS0) goes to CONSOLE_LOG (and to
    ON_CONSOLE(bytes)); each marker line of the guest's ttyS1 to ON_MARKER(line, seconds since
    start), after boot() itself has acted on @@SENDKEY SPEC (the monitor's sendkey). SMP > 1
    adds -accel tcg,thread=single, ICOUNT -icount shift=0,sleep=off (benchmarks only).
    Returns a namespace: done, booted (s), elapsed (s), why (when not done), lines (console),
    bad (timestamped kernel lines reporting a problem), stderr."""
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
    if smp > 1:
        cmd += ["-smp", str(smp), "-accel", "tcg,thread=single"]
    if icount:
        cmd += ["-icount", "shift=0,sleep=off"]
    if verbose:
        print("   " + " ".join(cmd), flush=True)
    r = types.SimpleNamespace(done=False, booted=None, why=None, lines=[], bad=[])
    open(console_log, "wb").close()  # for follow(), before QEMU opens it
    t0, stop, server = time.monotonic(), threading.Event(), socket.socket(socket.AF_UNIX)
    server.bind(mk_path)
    server.listen(1)
    server.settimeout(30)
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        mk = server.accept()[0]
    except OSError:
        mk = None
    server.close()
    deadline = threading.Timer(timeout, proc.kill)
    follower = threading.Thread(target=follow, args=(console_log, on_console, stop), daemon=True)
    deadline.daemon = True  # neither thread may keep a failed run.py alive
    if mk:
        deadline.start()
        if on_console:
            follower.start()
        with mk, mk.makefile("rb") as markers:
            for raw in markers:
                line, now = raw.decode(errors="replace").strip("\r\n\0 "), time.monotonic() - t0
                if line.startswith("@@SENDKEY "):
                    sendkey(mon_path, line.split(None, 1)[1].strip())
                elif line.startswith("@@BOOTED"):
                    r.booted = now
                r.done = r.done or line.startswith("@@DONE")
                on_marker(line, now)
                if r.done:
                    break
    try:
        r.stderr = proc.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:  # no power-off after @@DONE, or QEMU did not start
        proc.kill()
        r.stderr = proc.communicate()[1]
    r.elapsed, r.stderr = time.monotonic() - t0, r.stderr.decode(errors="replace").strip()
    deadline.cancel()
    stop.set()
    if follower.is_alive():
        follower.join()
    shutil.rmtree(sockdir, ignore_errors=True)
    if not mk:
        r.why = "QEMU did not start: " + r.stderr
    elif not r.done:
        r.why = ("timeout after %d s" % timeout if r.elapsed >= timeout
                 else "QEMU exited (status %s) before @@DONE" % proc.returncode)
    with open(console_log, "rb") as f:
        r.lines = f.read().decode(errors="replace").replace("\r", "").split("\n")
    r.bad = [ln for ln in r.lines if KERNEL_LINE.search(ln) and BAD_PATTERNS.search(ln)]
    return r
