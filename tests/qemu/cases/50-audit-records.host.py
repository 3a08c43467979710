#!/usr/bin/env python3
"""Host half of 50-audit-records: the records the guest's audit daemon wrote, read by the
audit tools, on the host (auditd's package: ausearch, aureport, libauparse).

Usage: 50-audit-records.host.py DATA BASE   (run.py runs it after the boot)
DATA holds the payloads of the case's @@HOST markers, one per line:
  record LINE            a line of the guest's audit.log, in order
  pair STEP SERIAL LINE  the event line (dmesg) whose record has audit serial SERIAL
  hostile SERIAL HEX     the record whose comm is the bytes HEX
  expect TYPE N          the guest counted N records of TYPE
Writes BASE.audit.log (the log) and prints @@RESULT NAME PASS|FAIL DETAIL lines:
  log            the log arrived, with the expected number of records
  ausearch       `ausearch --input LOG -m KERNEL_OTHER -i` finds and interprets every record
  aureport       `aureport --input LOG --event --summary` counts them
  auparse        libauparse (what ausearch -i and audit's dispatcher plugins use) splits every
                 KERNEL_OTHER record into the line's head fields and known names only, each
                 name once
  fields-STEP    for each paired record: the fields as auparse splits them are the event
                 line's fields, same names, same order, same values once decoded
  hostile-*      the hostile comm stays one field: auparse decodes it to its bytes and
                 ausearch -i shows it whole, followed by the next field
"""

import ctypes
import re
import shutil
import subprocess
import sys

# docs/contract.md: the fields whose values are strings (quoted or hex in a record).
STRING_FIELDS = {"comm", "path", "key", "action", "module", "keys", "handler", "help",
                 "name", "value", "what", "setting", "old", "new"}
TOKEN_FIELDS = {"event", "verdict", "pid", "tid", "uid", "euid", "target", "flags",
                "old_mask", "new_mask", "mask", "op", "source", "truncated", "seq"}
HEAD = ["event", "verdict", "pid", "tid", "uid", "euid", "comm"]

# A value of the audit line: bare, or quoted with \" \\ \xHH.
LINE_FIELD = re.compile(r'([a-z_]+)=("(?:[^"\\]|\\["\\]|\\x[0-9a-fA-F]{2})*"|[^ "\\=]+)(?: |$)')
RESULTS = []


def result(name, ok, detail):
    detail = " ".join(str(detail).split())[:600]
    RESULTS.append(ok)
    print("@@RESULT %s %s %s" % (name, "PASS" if ok else "FAIL", detail), flush=True)


def parse_line(line):
    """[(name, raw value, decoded bytes)] of an event line, or None if it breaks the
    grammar."""
    if not line.startswith("sysrqmon: "):
        return None
    rest, out, pos = line[len("sysrqmon: "):], [], 0
    while pos < len(rest):
        m = LINE_FIELD.match(rest, pos)
        if not m:
            return None
        raw = m.group(2)
        if raw.startswith('"'):
            val = re.sub(rb'\\x([0-9a-fA-F]{2})|\\(["\\])',
                         lambda x: bytes([int(x.group(1), 16)]) if x.group(1) else x.group(2),
                         raw[1:-1].encode("latin-1"))
        else:
            val = raw.encode("latin-1")
        out.append((m.group(1), raw, val))
        pos = m.end()
    return out


def decode_record_string(v):
    """A record's string value: "text" or upper-case hex; None if it is neither."""
    if len(v) >= 2 and v.startswith('"') and v.endswith('"'):
        return v[1:-1].encode("latin-1")
    if re.fullmatch(r"(?:[0-9A-F]{2})*", v):
        return bytes.fromhex(v)
    return None


class AuParse:
    """The few libauparse calls we need, through ctypes (no Python binding needed)."""
    AUSOURCE_FILE = 1
    AUPARSE_ESC_RAW = 0

    def __init__(self, path):
        lib = ctypes.CDLL("libauparse.so.0")
        lib.auparse_init.restype = ctypes.c_void_p
        lib.auparse_init.argtypes = [ctypes.c_int, ctypes.c_char_p]
        for f in ("auparse_next_event", "auparse_first_record", "auparse_next_record",
                  "auparse_first_field", "auparse_next_field", "auparse_get_type"):
            getattr(lib, f).argtypes = [ctypes.c_void_p]
            getattr(lib, f).restype = ctypes.c_int
        for f in ("auparse_get_field_name", "auparse_get_field_str",
                  "auparse_interpret_field"):
            getattr(lib, f).argtypes = [ctypes.c_void_p]
            getattr(lib, f).restype = ctypes.c_char_p
        lib.auparse_get_timestamp.argtypes = [ctypes.c_void_p]
        lib.auparse_get_timestamp.restype = ctypes.c_void_p
        lib.auparse_get_serial.argtypes = [ctypes.c_void_p]
        lib.auparse_get_serial.restype = ctypes.c_ulong
        lib.auparse_set_escape_mode.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.auparse_destroy.argtypes = [ctypes.c_void_p]
        self.lib = lib
        self.path = path

    def records(self):
        """[(serial, type, [(name, value, interpreted bytes)])] in log order."""
        lib, out = self.lib, []
        au = lib.auparse_init(self.AUSOURCE_FILE, self.path.encode())
        if not au:
            raise OSError("auparse_init failed for %s" % self.path)
        lib.auparse_set_escape_mode(au, self.AUPARSE_ESC_RAW)
        try:
            while lib.auparse_next_event(au) > 0:
                serial = lib.auparse_get_serial(au)
                if lib.auparse_first_record(au) <= 0:
                    continue
                while True:
                    fields = []
                    if lib.auparse_first_field(au) > 0:
                        while True:
                            fields.append((lib.auparse_get_field_name(au).decode("latin-1"),
                                           lib.auparse_get_field_str(au).decode("latin-1"),
                                           lib.auparse_interpret_field(au) or b""))
                            if lib.auparse_next_field(au) <= 0:
                                break
                    out.append((serial, lib.auparse_get_type(au), fields))
                    if lib.auparse_next_record(au) <= 0:
                        break
        finally:
            lib.auparse_destroy(au)
        return out


def tool(name):
    return shutil.which(name) or next(
        (p for p in ("/usr/sbin/" + name, "/sbin/" + name) if shutil.which(p)), None)


def compare(line_fields, rec_fields):
    """None when the record's fields are the line's, else what differs."""
    rec = [f for f in rec_fields if f[0] != "type"]
    names_l = [f[0] for f in line_fields]
    names_r = [f[0] for f in rec]
    if names_l != names_r:
        return "names differ: line %s, record %s" % (names_l, names_r)
    for (name, raw, val), (_n, rv, _i) in zip(line_fields, rec):
        if name in STRING_FIELDS:
            got = decode_record_string(rv)
            if got is None:
                return "%s=%s is neither quoted nor upper-case hex" % (name, rv)
            if got != val:
                return "%s: line %r, record %r" % (name, val, got)
        elif rv != raw:
            return "%s: line %s, record %s" % (name, raw, rv)
    return None


def main():
    data, base = sys.argv[1], sys.argv[2]
    with open(data, encoding="latin-1") as f:
        payloads = [ln.rstrip("\n") for ln in f]
    log_lines = [p[7:] for p in payloads if p.startswith("record ")]
    pairs = [p.split(" ", 3)[1:] for p in payloads if p.startswith("pair ")]
    hostile = [p.split(" ")[1:3] for p in payloads if p.startswith("hostile ")]
    expect = [p.split(" ")[1:3] for p in payloads if p.startswith("expect ")]
    log_path = base + ".audit.log"
    with open(log_path, "w", encoding="latin-1") as f:
        f.write("".join(ln + "\n" for ln in log_lines))

    n_other = sum(1 for ln in log_lines if ln.startswith("type=KERNEL_OTHER "))
    want = int(expect[0][1]) if expect else -1
    result("log", bool(log_lines) and n_other == want,
           "%d lines, %d KERNEL_OTHER records (the guest counted %d): %s"
           % (len(log_lines), n_other, want, log_path))
    if not log_lines:
        return

    ausearch, aureport = tool("ausearch"), tool("aureport")
    if not ausearch or not aureport:
        result("ausearch", False, "ausearch/aureport not found: install auditd (tests/deps.sh)")
        return
    res = subprocess.run([ausearch, "--input", log_path, "-m", "KERNEL_OTHER", "-i"],
                         capture_output=True, text=True, errors="replace")
    found = len(re.findall(r"^type=KERNEL_OTHER msg=audit\(", res.stdout, re.M))
    events = len(re.findall(r"^----$", res.stdout, re.M))
    result("ausearch", res.returncode == 0 and found == n_other and events == n_other,
           "ausearch -m KERNEL_OTHER -i: exit %d, %d records in %d events (want %d) %s"
           % (res.returncode, found, events, n_other, res.stderr.strip()[:200]))
    res = subprocess.run([aureport, "--input", log_path, "--event", "--summary", "-i"],
                         capture_output=True, text=True, errors="replace")
    m = re.search(r"^(\d+)\s+KERNEL_OTHER\s*$", res.stdout, re.M)
    result("aureport", res.returncode == 0 and m is not None and int(m.group(1)) == n_other,
           "aureport --event --summary -i: %s (want %d)"
           % (m.group(0).strip() if m else "no KERNEL_OTHER line: " + res.stdout[-200:],
              n_other))

    try:
        recs = AuParse(log_path).records()
    except OSError as e:
        result("auparse", False, "libauparse: %s" % e)
        return
    others = [r for r in recs if r[1] == 1316]
    bad = []
    for serial, _t, fields in others:
        names = [f[0] for f in fields if f[0] != "type"]
        unknown = [n for n in names if n not in STRING_FIELDS | TOKEN_FIELDS]
        if names[:len(HEAD)] != HEAD or unknown or len(set(names)) != len(names):
            bad.append("serial %d: %s" % (serial, names))
    result("auparse", len(others) == n_other and not bad,
           "%d KERNEL_OTHER records parsed (want %d), %d with other fields than the line's%s"
           % (len(others), n_other, len(bad), ": " + bad[0] if bad else ""))

    by_serial = {r[0]: r for r in others}
    steps = {}
    for step, serial, line in pairs:
        steps.setdefault(step, []).append((int(serial), line))
    for step, items in steps.items():
        why = None
        for serial, line in items:
            lf = parse_line(line)
            rec = by_serial.get(serial)
            if lf is None:
                why = "line breaks the grammar: " + line
            elif rec is None:
                why = "no KERNEL_OTHER record with serial %d" % serial
            else:
                why = compare(lf, rec[2])
                if why:
                    why = "serial %d: %s" % (serial, why)
            if why:
                break
        result("fields-" + step, why is None,
               why or "%d record(s) carry their line's fields: %s"
               % (len(items), items[-1][1][len("sysrqmon: "):]))

    for serial, hexcomm in hostile:
        raw = bytes.fromhex(hexcomm)
        rec = by_serial.get(int(serial))
        comm = [f for f in rec[2] if f[0] == "comm"] if rec else []
        result("hostile-auparse", len(comm) == 1 and comm[0][2] == raw,
               "comm as auparse interprets it: %r (want %r), from %s"
               % (comm[0][2] if comm else None, raw, comm[0][1] if comm else "no comm"))
        # ausearch -i escapes bytes below 0x20 as \ooo and shows the rest as they are.
        shown = "".join("\\%03o" % b if b < 32 else chr(b) for b in raw)
        res = subprocess.run([ausearch, "--input", log_path, "-a", serial, "-i"],
                             capture_output=True, text=True, errors="replace")
        rline = next((ln for ln in res.stdout.splitlines() if "type=KERNEL_OTHER" in ln), "")
        want = " comm=%s key=" % shown
        result("hostile-ausearch", want in rline,
               "ausearch -a %s -i: %s (want ...%s...)" % (serial, rline.strip(), want.strip()))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a crash is a failure the suite must count
        result("host-script", False, "%s: %s" % (type(e).__name__, e))
        sys.exit(1)
