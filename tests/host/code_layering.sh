#!/bin/bash
# The frontend's layering (issue 11): no cycle in the #include "..." graph
# of user/*.c and user/*.h (and the bpf/*.h they include), and none among
# its modules either.  A module is a user/X.c with its X.h; module X
# depends on module Y when X.c or X.h includes Y.h (so X calls into Y).
# Two modules that call each other through their headers are a cycle even
# when no header includes itself.  Each cycle is printed as a path with
# the #include lines that make it.
# SRC (default: the tree) may point at another checkout.
. "$(dirname "$0")/../lib.sh"

SRC=${SRC:-$ROOT}
python3 - "$SRC" <<'PY'
import os, re, sys

src = sys.argv[1]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def files_in(d, exts):
    p = os.path.join(src, d)
    return sorted(f"{d}/{f}" for f in os.listdir(p) if f.endswith(exts))


def resolve(includer, name):
    """The tree's file an #include "name" in includer means, or None
    (generated or system headers are not part of the graph)."""
    for d in (os.path.dirname(includer), "user", "bpf"):
        cand = os.path.normpath(f"{d}/{name}")
        if os.path.isfile(os.path.join(src, cand)):
            return cand
    return None


# The file graph: user/*.{c,h}, and whatever bpf/*.h they reach.
edges = {}      # file -> {included file: line number}
todo = files_in("user", (".c", ".h"))
while todo:
    f = todo.pop()
    if f in edges:
        continue
    edges[f] = {}
    text = open(os.path.join(src, f)).read()
    for m in INCLUDE.finditer(text):
        to = resolve(f, m.group(1))
        if to:
            edges[f].setdefault(to, text.count("\n", 0, m.start()) + 1)
            todo.append(to)


def cycles(graph):
    """Every elementary cycle, each once, starting at its least node."""
    out = []
    nodes = sorted(graph)
    for start in nodes:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in sorted(graph.get(node, ())):
                if nxt == start:
                    out.append(path + [start])
                elif nxt > start and nxt not in path:
                    stack.append((nxt, path + [nxt]))
    return sorted(out, key=lambda c: (len(c), c))


bad = 0
file_cycles = cycles(edges)
for c in file_cycles[:20]:
    bad += 1
    print("include cycle: " + " -> ".join(c))
    for a, b in zip(c, c[1:]):
        print(f"    {a}:{edges[a][b]}: #include \"{os.path.basename(b)}\"")

# The module graph.
modules = {f[len("user/"):-2] for f in edges if f.startswith("user/") and f.endswith(".c")}
mod_edges, why = {m: set() for m in modules}, {}
for f, incs in edges.items():
    if not f.startswith("user/"):
        continue
    x = os.path.basename(f)[:-2]
    if x not in modules:
        continue
    for to, line in incs.items():
        y = os.path.basename(to)[:-2]
        if to.startswith("user/") and to.endswith(".h") and y in modules and y != x:
            mod_edges[x].add(y)
            why.setdefault((x, y), f"{f}:{line}: #include \"{y}.h\"")
mod_cycles = cycles(mod_edges)
for c in mod_cycles[:20]:
    bad += 1
    print("module cycle: " + " -> ".join(c))
    for a, b in zip(c, c[1:]):
        print(f"    {a} -> {b}: {why[(a, b)]}")
if len(file_cycles) + len(mod_cycles) > 40:
    print(f"(and more: {len(file_cycles)} include cycles, {len(mod_cycles)} module cycles in all)")

n_edges = sum(len(v) for v in mod_edges.values())
if bad:
    print(f"FAIL: {len(file_cycles)} include cycle(s), {len(mod_cycles)} module cycle(s) "
          f"among {len(edges)} files and {len(modules)} modules")
    sys.exit(1)
print(f"ok: no cycle among {len(edges)} files ({sum(len(v) for v in edges.values())} includes) "
      f"and {len(modules)} modules ({n_edges} dependencies)")
PY
