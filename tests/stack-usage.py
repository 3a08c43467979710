#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Stack above a hooked function: the sum of sysrqmon's -fstack-usage frames
along the longest call path from each hook callback.

Usage: tests/stack-usage.py [--limit BYTES] [--verbose] MODULE_DIR

MODULE_DIR holds the objects and the .su files of a build made with
KCFLAGS=-fstack-usage (tests/stack-usage.sh does it). The call graph comes
from `objdump -dr` of each object: direct calls and tail jumps, to a
function of the same object (by address) or of another one (by relocation).
Calls into the kernel are not counted (they are not sysrqmon's frames).
An indirect call on a path is reported, since its callee is not counted.
"""
import argparse
import glob
import os
import re
import subprocess
import sys

CALL = re.compile(r'^\s*[0-9a-f]+:\s.*\b(call|jmp)\w*\s+([0-9a-f]+)\s+<([^>+]+)(\+0x[0-9a-f]+)?>')
RELOC = re.compile(r'^\s*[0-9a-f]+:\s+R_X86_64_(PLT32|PC32)\s+([\w.]+)')
FUNC = re.compile(r'^([0-9a-f]+) <([^>]+)>:$')
INDIRECT = re.compile(r'__x86_indirect_thunk|\bcall\s+\*')


def base(name):
    """report_open.constprop.0 and report_open.constprop are one function."""
    return re.sub(r'\.\d+$', '', name)


def load_frames(moddir):
    frames = {}
    for su in glob.glob(os.path.join(moddir, '*.su')):
        obj = os.path.basename(su)[:-3]
        for line in open(su):
            loc, size, _kind = line.rstrip('\n').split('\t')
            name = loc.rsplit(':', 1)[1]
            frames[(obj, base(name))] = int(size)
    return frames


def load_graph(moddir, frames):
    """Edges between (object, function) nodes; globals resolved by name."""
    edges = {}
    indirect = set()
    globals_ = {}
    for (obj, name) in frames:
        globals_.setdefault(name, []).append(obj)
    for o in glob.glob(os.path.join(moddir, '*.o')):
        obj = os.path.basename(o)[:-2]
        if obj.endswith('.mod') or obj == 'sysrqmon':
            continue
        out = subprocess.run(['objdump', '-dr', '--no-show-raw-insn', o],
                             capture_output=True, text=True, check=True).stdout
        cur = None
        pending = None
        last_local = None
        for line in out.splitlines():
            m = FUNC.match(line)
            if m:
                cur = (obj, base(m.group(2)))
                edges.setdefault(cur, set())
                pending = None
                continue
            if cur is None:
                continue
            m = RELOC.match(line)
            if m and pending:
                # the call's own target was a placeholder
                if last_local:
                    edges[cur].discard(last_local)
                    last_local = None
                target = base(m.group(2))
                if target in ('__fentry__', '__x86_return_thunk'):
                    pending = None
                    continue
                if INDIRECT.search(target):
                    indirect.add(cur)
                elif (obj, target) in frames:
                    edges[cur].add((obj, target))
                elif target in globals_ and len(globals_[target]) == 1:
                    edges[cur].add((globals_[target][0], target))
                pending = None
                continue
            if INDIRECT.search(line):
                indirect.add(cur)
            m = CALL.match(line)
            last_local = None
            if m:
                target = base(m.group(3))
                pending = target
                # resolved in place: a local function of this object
                if m.group(4) is None and target != cur[1] and \
                        (obj, target) in frames:
                    edges[cur].add((obj, target))
                    last_local = (obj, target)
            else:
                pending = None
    return edges, indirect


def longest(node, frames, edges, memo, stack):
    if node in memo:
        return memo[node]
    if node in stack:
        return (0, [node, '(recursion)'])
    stack.add(node)
    best = (0, [])
    for nxt in edges.get(node, ()):
        if nxt == node:
            continue
        got = longest(nxt, frames, edges, memo, stack)
        if got[0] > best[0]:
            best = got
    stack.discard(node)
    res = (frames.get(node, 0) + best[0], [node] + best[1])
    memo[node] = res
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--limit', type=int, default=0)
    ap.add_argument('--verbose', action='store_true')
    ap.add_argument('moddir')
    args = ap.parse_args()
    frames = load_frames(args.moddir)
    if not frames:
        print('stack: no .su files in %s (build with KCFLAGS=-fstack-usage)'
              % args.moddir)
        return 1
    edges, indirect = load_graph(args.moddir, frames)
    hooks = sorted(n for n in frames
                   if n[1].startswith('sysrqmon_hook_') and
                   not n[1].endswith(('_install', '_count', '_get', '_remove')))
    memo = {}
    worst = 0
    failed = 0
    for h in hooks:
        total, path = longest(h, frames, edges, memo, set())
        worst = max(worst, total)
        over = args.limit and total > args.limit
        failed += bool(over)
        shown = ' -> '.join('%s(%d)' % (n[1], frames.get(n, 0))
                            if isinstance(n, tuple) else n for n in path)
        ind = [n[1] for n in path if isinstance(n, tuple) and n in indirect]
        print('stack: %-36s %5d%s' % (h[1], total, '  OVER' if over else ''))
        if args.verbose or over:
            print('       ' + shown)
            if ind:
                print('       indirect calls in: ' + ', '.join(ind))
    print('stack: worst %d bytes%s' % (worst, (' (limit %d)' % args.limit)
                                        if args.limit else ''))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
