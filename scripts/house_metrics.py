"""Print the house's structural figures: long modules, import cycles, who imports what.

    python scripts/house_metrics.py [--root tokenbudget] [--json]

Imports are read from the source with ``ast``: module-level and function-level imports
alike (a lazy import is still a dependency), ``importlib.import_module("...")`` calls with a
literal name, and not the imports under ``if TYPE_CHECKING:`` (they never run). A cycle is a
strongly connected set of two or more modules.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

LONG = 500


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(current: str, is_package: bool, level: int, name: str | None) -> str:
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


class _Imports(ast.NodeVisitor):
    def __init__(self, current: str, is_package: bool) -> None:
        self.current = current
        self.is_package = is_package
        self.found: set[str] = set()

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
        if name == "TYPE_CHECKING":
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.found.update(alias.name for alias in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = (
            _resolve(self.current, self.is_package, node.level, node.module)
            if node.level
            else node.module or ""
        )
        self.found.add(base)
        self.found.update(f"{base}.{alias.name}" for alias in node.names)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            self.found.add(node.args[0].value)
        self.generic_visit(node)


def graph(root: Path) -> tuple[dict[str, set[str]], dict[str, int]]:
    files = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    edges: dict[str, set[str]] = {}
    lines: dict[str, int] = {}
    for name, path in files.items():
        text = path.read_text(encoding="utf-8")
        lines[name] = text.count("\n")
        visitor = _Imports(name, path.name == "__init__.py")
        visitor.visit(ast.parse(text))
        targets = {t for t in visitor.found if t in files and t != name}
        edges[name] = targets
    return edges, lines


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of two or more modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(10_000)

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            # A package's __init__ importing its own submodules is not a cycle of code.
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default="tokenbudget")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    root = Path(args.root).resolve()
    edges, lines = graph(root)
    # Edges from a package to its own children (re-exports) are not dependencies of code.
    code_edges = {m: {t for t in ts if not t.startswith(m + ".")} for m, ts in edges.items()}
    long_modules = sorted(((n, m) for m, n in lines.items() if n > LONG), reverse=True)
    found = cycles(code_edges)
    core = f"{root.name}.core"
    outer = {
        side: sorted(
            {t for m, ts in code_edges.items() if m.startswith(f"{root.name}.{side}") for t in ts}
            & {m for m in edges if m.startswith(core)}
        )
        for side in ("gui", "cli")
    }
    if args.json:
        print(
            json.dumps(
                {
                    "modules_over_500_lines": [{"module": m, "lines": n} for n, m in long_modules],
                    "import_cycles": found,
                    "core_modules_imported_by": outer,
                },
                indent=2,
            )
        )
        return 0
    print(f"modules over {LONG} lines: {len(long_modules)}")
    for n, m in long_modules:
        print(f"  {n:5d}  {m}")
    print(f"import cycles: {len(found)}")
    for component in found:
        print("  " + " <-> ".join(component))
    for side, modules in outer.items():
        print(f"core modules imported by {side}: {len(modules)}")
        for m in modules:
            print(f"  {m}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
