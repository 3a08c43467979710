#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Stack above a hooked function: the sum of sysrqmon's stack frames along the longest call
path from each hook callback.

Usage: tests/stack-usage.py [--limit BYTES] [--verbose] MODULE_DIR

MODULE_DIR holds the .ci files of a build made with KCFLAGS=-fcallgraph-info=su
(tests/static.sh does it): gcc's call graph of the final code (direct calls and tail
calls), each of the object's functions with its frame size. Calls into the kernel are not
counted (they are not sysrqmon's frames). An indirect call on a path is reported, since its
callee is not counted.
"""
import argparse, glob, os, pathlib, re, sys

NODE = re.compile(r'^node: \{ title: "([^"]+)" label: "([^\\"]+)\\n[^"]*\\n(\d+) bytes', re.M)
EDGE = re.compile(r'^edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"', re.M)


def load(moddir):
    """{node: (name, frame bytes, object)} of sysrqmon's functions, {node: {callees}}."""
    frames, edges = {}, {}
    for ci in glob.glob(os.path.join(moddir, '*.ci')):
        text = pathlib.Path(ci).read_text()
        for node, name, size in NODE.findall(text):
            frames[node] = (name, int(size), os.path.basename(ci)[:-3])
        for caller, callee in EDGE.findall(text):
            edges.setdefault(caller, set()).add(callee)
    return frames, edges


def longest(node, frames, edges, memo, stack):
    """(bytes, path) of the deepest path from node through sysrqmon's functions."""
    if node in memo:
        return memo[node]
    if node in stack:
        return (0, [node, '(recursion)'])
    stack.add(node)
    # the first deepest callee, in name order; none deeper than 0 bytes: no path
    best = max([(0, [])] + [longest(n, frames, edges, memo, stack) for n in
                            sorted(edges.get(node, ())) if n != node and n in frames],
               key=lambda got: got[0])
    stack.discard(node)
    memo[node] = (frames[node][1] + best[0], [node] + best[1])
    return memo[node]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--limit', type=int, default=0)
    ap.add_argument('--verbose', action='store_true')
    ap.add_argument('moddir')
    args = ap.parse_args()
    frames, edges = load(args.moddir)
    if not frames:
        print('stack: no .ci files in %s (build with KCFLAGS=-fcallgraph-info=su)' % args.moddir)
        return 1
    hooks = [n for n in frames if n.startswith('sysrqmon_hook_') and
             not n.endswith(('_install', '_count', '_get', '_remove'))]
    memo, worst = {}, 0
    for h in sorted(hooks, key=lambda n: (frames[n][2], n)):
        total, path = longest(h, frames, edges, memo, set())
        worst = max(worst, total)
        over = args.limit and total > args.limit
        print('stack: %-36s %5d%s' % (h, total, '  OVER' if over else ''))
        if args.verbose or over:
            print('       ' + ' -> '.join('%s(%d)' % frames[n][:2] if n in frames else n
                                           for n in path))
            ind = [frames[n][0] for n in path if '__indirect_call' in edges.get(n, ())]
            if ind:
                print('       indirect calls in: ' + ', '.join(ind))
    print('stack: worst %d bytes%s' % (worst, ' (limit %d)' % args.limit if args.limit else ''))
    return 1 if args.limit and worst > args.limit else 0


if __name__ == '__main__':
    sys.exit(main())
