"""Check the package's layering: no import circles, no private names taken across modules,
no source file over the length limit.

Run: ``python tools/check_layers.py`` (CI runs it through tests/test_layers.py). It reads
every ``.py`` under ``engine/foederis`` and ``widgets/foederis_widgets`` with :mod:`ast`,
function-local imports included, and prints one line per violation; the exit code is the
number of violations (0: clean).

A private name is one that starts with ``_`` (dunders aside). A module may take private
names from itself only; private *modules* (``foederis._kernels``) are fine to import,
their public names are the shared helpers. Data files (``_data/``) are exempt from the
length limit.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"foederis": ROOT / "engine" / "foederis",
            "foederis_widgets": ROOT / "widgets" / "foederis_widgets"}
MAX_LINES = 600
LENGTH_EXEMPT = ("foederis._data",)


def module_files() -> dict[str, Path]:
    """Map each module's dotted name to its file."""
    out = {}
    for pkg, base in PACKAGES.items():
        for path in sorted(base.rglob("*.py")):
            rel = path.relative_to(base).with_suffix("")
            parts = [pkg, *rel.parts]
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def _resolve(module: str, is_pkg: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = module.split(".")
    if not is_pkg:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def imports(modules: dict[str, Path]):
    """Yield (importer, imported module, names taken, line) for project imports."""
    for mod, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] in PACKAGES:
                        yield mod, a.name, [], node.lineno
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(mod, is_pkg, node.level, node.module)
                if target.split(".")[0] not in PACKAGES:
                    continue
                names = []
                for a in node.names:
                    sub = f"{target}.{a.name}"
                    if sub in modules:          # `from . import kernels`: a module
                        yield mod, sub, [], node.lineno
                    else:
                        names.append(a.name)
                if names:
                    yield mod, target, names, node.lineno


def _owner(name: str, modules: dict[str, Path]) -> str:
    """The module a dotted import name refers to (longest known prefix)."""
    parts = name.split(".")
    while parts and ".".join(parts) not in modules:
        parts.pop()
    return ".".join(parts)


def check() -> list[str]:
    modules = module_files()
    problems: list[str] = []
    graph: dict[str, set[str]] = defaultdict(set)
    for mod, target, names, line in imports(modules):
        dest = _owner(target, modules)
        if not dest or dest == mod:
            continue
        # a package's __init__ importing its own submodules is the package's API, not a circle
        graph[mod].add(dest)
        for n in names:
            if n.startswith("_") and not (n.startswith("__") and n.endswith("__")):
                problems.append(f"{modules[mod].relative_to(ROOT)}:{line}: private name "
                                f"{n!r} taken from {dest}")
    # cycles (Tarjan's strongly connected components); edges into a package's own __init__
    # from its submodules are ordinary upward imports and count
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    counter = [0]
    sccs: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in list(modules):
        if v not in index:
            strong(v)
    for comp in sccs:
        problems.append("import circle: " + " <-> ".join(comp))
    for mod, path in modules.items():
        if mod.startswith(LENGTH_EXEMPT):
            continue
        n = len(path.read_text().splitlines())
        if n > MAX_LINES:
            problems.append(f"{path.relative_to(ROOT)}: {n} lines (limit {MAX_LINES})")
    return problems


def main() -> int:
    problems = check()
    for p in problems:
        print(p)
    print(f"{len(problems)} layering problem(s)" if problems else "layers: clean")
    return min(len(problems), 255)


if __name__ == "__main__":
    sys.exit(main())
