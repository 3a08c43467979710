# SPDX-License-Identifier: GPL-2.0
"""What the journal entry of one of sysrqmonctl's JSON event records must hold: shared by
the unit tests (tools/tests/run.sh) and the host test (tests/host.sh)."""
import re

PRIORITY = {"critical": b"2", "high": b"4", "info": b"6"}


def val(v):
    """A field of journalctl -o json: a string, or an array of bytes when not text."""
    return bytes(v) if isinstance(v, list) else v.encode()


def message_ids(fleet_c):
    """KIND -> MESSAGE_ID, as tools/fleet.c defines them."""
    with open(fleet_c) as f:
        return dict(re.findall(r'\[SYSRQMON_KIND_([A-Z]+)\]\s*= "([0-9a-f]{32})"', f.read()))


def field_mismatches(ev, entry):
    """(field, got, want) for each member of the JSON record ev that entry lacks or differs in:
    member k is SYSRQMON_K, with k_hex's bytes when the record has it."""
    out = []
    for k, v in ev.items():
        if k.endswith("_hex"):
            continue
        if k + "_hex" in ev:
            want = bytes.fromhex(ev[k + "_hex"])
        elif isinstance(v, bool):
            want = b"true" if v else b"false"
        else:
            want = str(v).encode()
        f = "SYSRQMON_" + k.upper()
        if f not in entry or val(entry[f]) != want:
            out.append((f, entry.get(f), want))
    return out
