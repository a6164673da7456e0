"""The layer rule of DESIGN.md, read from the source: every import, function-level ones too.

`bridge` (the contract) imports no other package of the project; a stage (`planner`,
`physics`, `renderer`, `neural`) imports only `bridge` and itself; `simshot` (the application)
may import everything. No two files import each other, directly or round a longer circle.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("planner", "physics", "renderer", "neural")
PACKAGES = ("bridge", *STAGES, "simshot")
ALLOWED = {"bridge": {"bridge"}, **{s: {"bridge", s} for s in STAGES},
           "simshot": set(PACKAGES)}


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_files(root: Path = ROOT) -> dict[str, Path]:
    return {module_name(p, root): p for package in PACKAGES
            for p in sorted((root / package).rglob("*.py"))}


def imports_of(path: Path, modules: dict[str, Path], root: Path = ROOT
               ) -> list[tuple[str, int]]:
    """(project module, line) for every import in the file, wherever it stands."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import mod` names a module when pkg/mod.py exists
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                       for a in node.names]
        else:
            continue
        for target in targets:
            resolved = _resolve(target, modules)
            if resolved is not None and resolved != name:
                found.append((resolved, node.lineno))
    return sorted(set(found), key=lambda item: (item[1], item[0]))


def _resolve(target: str, modules: dict[str, Path]) -> str | None:
    parts = target.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def import_graph(root: Path = ROOT) -> dict[str, list[tuple[str, int]]]:
    modules = project_files(root)
    return {name: imports_of(path, modules, root) for name, path in modules.items()}


def breaches(graph: dict[str, list[tuple[str, int]]], root: Path = ROOT) -> list[str]:
    files = project_files(root)
    out = []
    for name, targets in graph.items():
        layer = name.split(".")[0]
        for target, line in targets:
            if target.split(".")[0] not in ALLOWED[layer]:
                where = files[name].relative_to(root)
                out.append(f"{where}:{line}: {layer} may not import {target} "
                           f"(allowed: {', '.join(sorted(ALLOWED[layer]))})")
    return out


def circles(graph: dict[str, list[tuple[str, int]]]) -> list[list[str]]:
    """Strongly connected groups of more than one file (Tarjan)."""
    edges = {n: sorted({t for t, _ in targets}) for n, targets in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, []):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def test_the_walk_finds_function_level_relative_imports_and_circles(tmp_path):
    for folder in ("bridge", "physics"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "bridge" / "a.py").write_text("import os\n\n\ndef f():\n"
                                              "    from physics.b import thing\n")
    (tmp_path / "physics" / "b.py").write_text("from bridge import a\nfrom . import c\n")
    (tmp_path / "physics" / "c.py").write_text("")
    graph = import_graph(tmp_path)
    assert graph["physics.b"] == [("bridge.a", 1), ("physics.c", 2)]
    assert breaches(graph, tmp_path) == [
        "bridge/a.py:5: bridge may not import physics.b (allowed: bridge)"]
    assert circles(graph) == [["bridge.a", "physics.b"]]


def test_layers_hold():
    found = breaches(import_graph())
    assert not found, "layer breaches:\n" + "\n".join(found)


def test_no_import_circles_between_files():
    found = circles(import_graph())
    assert not found, "import circles:\n" + "\n".join(" <-> ".join(g) for g in found)


def test_bench_and_tests_share_code_only_through_the_library():
    files = {module_name(p): p for folder in ("bench", "tests")
             for p in sorted((ROOT / folder).glob("*.py"))}
    crossing = [f"{path.relative_to(ROOT)}:{line}: imports {target}"
                for name, path in files.items() for target, line in imports_of(path, files)
                if name.split(".")[0] != target.split(".")[0]]
    assert not crossing, "\n".join(crossing)
